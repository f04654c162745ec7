//! ZTE MF710M and its kin (MF180, MF190).
//!
//! Sources:
//! - `AT+CGMI` → `ZTE CORPORATION` (gammu issue 119, an MF180);
//!   firmware `BD_VOCMF710MV1.0.0B03` (gammu issue 907);
//! - `+CMGR: ,,<length>`, the status left out: a ZTE capture in
//!   babca/python-gsmmodem's tests ("+CMGR output missing status") and
//!   gammu's `tests/at-sms/39.dump` (gammu bug 1654);
//! - storage groups `("ME","MT","SM","SR")` three times: the ZTE K3565-Z of
//!   python-gsmmodem's `test/fakemodems.py` (the MF710M's own `=?` answer
//!   is not published);
//! - `+CRING: VOICE` / `+CLIP: "<n>",145,,,,0`: the same fake modem.

use super::{CmgrHeader, STANDARD, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "zte",
    device: "ZTE MF710M / MF180 / MF190",
    manufacturer: "ZTE CORPORATION",
    model: "MF710M",
    revision: "BD_VOCMF710MV1.0.0B03",
    cpms_test: Some(
        "+CPMS: (\"ME\",\"MT\",\"SM\",\"SR\"),(\"ME\",\"MT\",\"SM\",\"SR\"),(\"ME\",\"MT\",\"SM\",\"SR\")",
    ),
    cpms_groups: &[
        &["ME", "MT", "SM", "SR"],
        &["ME", "MT", "SM", "SR"],
        &["ME", "MT", "SM", "SR"],
    ],
    cmgr: CmgrHeader::WithoutStatus,
    ring: "+CRING: VOICE",
    ..STANDARD
};
