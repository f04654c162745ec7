//! Cinterion MC75i (and its Gemalto successors).
//!
//! Sources: gammu issue 1206 and PR 1207 (a real MC75i):
//! `Cinterion` / `MC75i`;
//! `+CPMS: ("ME","SM","MT"),("ME","SM","MT"),("SM","MT")` ("the Cinterion
//! MC75i rejects ME as a receive memory"); `AT+CPMS?` at power-up
//! `+CPMS: "ME",0,25,"ME",0,25,"SM",0,20`;
//! `+CNMI: (0-3),(0,1),(0,2,3),(0,2),(1)`, where `AT+CNMI=2,1,0,2,0` is
//! `+CMS ERROR: 538` and `AT+CNMI=2,1,0,2,1` is `OK`. Storage numbered
//! from 1 (gammu's default); `^SYSSTART` at power-up from ModemManager's
//! Cinterion plugin. The revision string is illustrative.

use super::{STANDARD, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "cinterion",
    device: "Cinterion MC75i",
    manufacturer: "Cinterion",
    model: "MC75i",
    revision: "REVISION 04.004",
    boot: &["^SYSSTART"],
    cnmi_test: Some("+CNMI: (0-3),(0,1),(0,2,3),(0,2),(1)"),
    cnmi_refusal: 538,
    cpms_test: Some("+CPMS: (\"ME\",\"SM\",\"MT\"),(\"ME\",\"SM\",\"MT\"),(\"SM\",\"MT\")"),
    cpms_groups: &[&["ME", "SM", "MT"], &["ME", "SM", "MT"], &["SM", "MT"]],
    default_memories: ["ME", "ME", "SM"],
    capacity: Some(25),
    first_index: 1,
    ..STANDARD
};
