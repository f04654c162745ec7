//! Siemens MC35i / TC35 (2G).
//!
//! Sources: gammu issue 97 (a real MC35i):
//! `+CPMS: ("MT","SM","ME"),("MT","SM","ME"),("MT","SM")`; smstools3's
//! `doc/hardwarecomp.html` (MC35i works with `AT+CPMS="SM"`; TC35 with
//! `AT+CNMI=2,0,0,2,1`); Cinterion-family `+CNMI=?` from ModemManager's
//! Cinterion tests. Storage numbered from 1 (gammu's default). `ATI5`
//! answers a bare `OK` on a real MC35i (gammu issue 97); the revision string
//! is illustrative.

use super::{STANDARD, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "siemens",
    device: "Siemens MC35i / TC35",
    manufacturer: "SIEMENS",
    model: "MC35i",
    revision: "REVISION 02.00",
    cnmi_test: Some("+CNMI: (0-3),(0-3),(0,2,3),(0-2),(0,1)"),
    cpms_test: Some("+CPMS: (\"MT\",\"SM\",\"ME\"),(\"MT\",\"SM\",\"ME\"),(\"MT\",\"SM\")"),
    cpms_groups: &[&["MT", "SM", "ME"], &["MT", "SM", "ME"], &["MT", "SM"]],
    first_index: 1,
    ..STANDARD
};
