//! Sierra Wireless SL8084TR (and the AirCard/Compass 312U's `+CREG` form).
//!
//! Sources: gammu sets `F_CPIN_NO_OK` for the SL8084TR
//! (`libgammu/gsmphones.c`), whose `AT+CGMM` answers `SL8084TR Product`;
//! gammu commit 522a7ddf6 and `tests/at-creg/sierra312u.dump` for the
//! unquoted hexadecimal cell in `+CREG: 2,1,4CA,81DE445`. Storage is
//! numbered from 1 (gammu's default). Sierra's later modules (MC73xx) are
//! driven over QMI; no AT transcript of them is published. The revision
//! string is illustrative.

use super::{STANDARD, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "sierra",
    device: "Sierra Wireless SL8084TR",
    manufacturer: "Sierra Wireless, Incorporated",
    model: "SL8084TR Product",
    revision: "S2.0.0.0",
    cpin_without_ok: true,
    first_index: 1,
    ..STANDARD
};
