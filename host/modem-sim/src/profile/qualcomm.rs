//! ZTE-made Qualcomm reference sticks (M6280), sold under many brands.
//!
//! Sources: faucamp/python-gsmmodem issues 10, 11 and 12 (real logs):
//! `AT+CGMI` → `QUALCOMM INCORPORATED`, and `AT+CSCA?` answered
//! `+CME ERROR: 14` (SIM busy) for about ten seconds after power-up though
//! `+CPIN?` already says `READY`; python-gsmmodem's `test/fakemodems.py`
//! for the model and revision strings and the storage groups
//! `("ME","MT","SM","SR")`. The simulated stick stays busy for its first
//! four reads of SMS data (the driver's backoff makes that about 7 s).

use super::{STANDARD, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "qualcomm",
    device: "Qualcomm M6280 (ZTE-made) sticks",
    manufacturer: "QUALCOMM INCORPORATED",
    model: "M6280",
    revision: "M6280_V1.0.0 M6280_V1.0.0 1 [Sep 4 2008 12:00:00]",
    busy_after_power_on: 4,
    cpms_test: Some(
        "+CPMS: (\"ME\",\"MT\",\"SM\",\"SR\"),(\"ME\",\"MT\",\"SM\",\"SR\"),(\"ME\",\"MT\",\"SM\",\"SR\")",
    ),
    cpms_groups: &[
        &["ME", "MT", "SM", "SR"],
        &["ME", "MT", "SM", "SR"],
        &["ME", "MT", "SM", "SR"],
    ],
    ..STANDARD
};
