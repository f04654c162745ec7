//! SIMCom SIM5320E (3G).
//!
//! Source: gammu issue 408 (a bounty issue with real logs):
//! `AT+CGMR` → `+CGMR: 1575B13SIM5320E` (with its prefix),
//! `+CNMI: (0,1,2),(0,1,2,3),(0,2),(0,1,2),(0,1)`, 255 slots
//! (`+CPMS: 0,255,0,255,0,255`), and status reports stored in `SR` and
//! announced as `+CDSI: "SR",0`: readable only after `AT+CPMS="SR"`
//! (gammu commits dd11f8ddf and 0756b9c6a, which came of it).

use super::{STANDARD, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "simcom-sim5320",
    device: "SIMCom SIM5320E",
    manufacturer: "SIMCOM INCORPORATED",
    model: "SIMCOM_SIM5320E",
    revision: "+CGMR: 1575B13SIM5320E",
    cnmi_test: Some("+CNMI: (0,1,2),(0,1,2,3),(0,2),(0,1,2),(0,1)"),
    cpms_test: Some("+CPMS: (\"ME\",\"SM\",\"SR\"),(\"ME\",\"SM\"),(\"ME\",\"SM\")"),
    cpms_groups: &[&["ME", "SM", "SR"], &["ME", "SM"], &["ME", "SM"]],
    reports_stored_in: Some("SR"),
    capacity: Some(255),
    first_index: 0,
    ..STANDARD
};
