//! Quectel M26 (2G), also sold as a "FOXCOM" modem.
//!
//! Source: warthog618/modem issue 17, a real log: `ATI` → ` FOXCOM MODEM` /
//! ` Quectel_M26` / ` Revision: M26FBR03A04_TTS`;
//! `+CPMS: ("SM","ME","MT"),("SM","ME","MT"),("SM","ME","MT")`;
//! `+CNMI: (0-3),(0-3),(0,2,3),(0-2),(0,1)` with `2,1,0,0,0` at power-up;
//! `+CSMS: 0,1,1,1` (no `+CNMA` needed); `AT^USSDMODE?` answered
//! `CME Error: unknown`. Storage numbered from 1 (gammu's default).

use super::{STANDARD, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "quectel-m26",
    device: "Quectel M26 (FOXCOM)",
    manufacturer: "Quectel",
    model: "Quectel_M26",
    revision: "Revision: M26FBR03A04_TTS",
    cnmi_test: Some("+CNMI: (0-3),(0-3),(0,2,3),(0-2),(0,1)"),
    cpms_test: Some("+CPMS: (\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\",\"MT\")"),
    cpms_groups: &[
        &["SM", "ME", "MT"],
        &["SM", "ME", "MT"],
        &["SM", "ME", "MT"],
    ],
    first_index: 1,
    ..STANDARD
};
