//! Wavecom M1306B / Fastrack ("MULTIBAND  900E  1800").
//!
//! Sources:
//! - `+CPIN: READY` and no `OK` after it: faucamp/python-gsmmodem issue 19
//!   (a real M1306B), gammu's `F_CPIN_NO_OK` for it in
//!   `libgammu/gsmphones.c`, and ModemManager's Wavecom plugin ("AT+CPIN?
//!   replies will never have an OK appended");
//! - `+CPMS: (("SM","BM","SR"),("SM"))`, two groups in nested parentheses,
//!   and `ERROR` to three memories while two work: the same issue, and the
//!   Wavecom profile of babca/python-gsmmodem's tests;
//! - `+CNMI: (0-3),(0-3),(0-3),(0-2),(0,1)`: the same issue;
//! - no `AT+CHUP` (only `ATH`), `+CRING: VOICE` and `+CLIP: "<n>",145`
//!   with no further fields: python-gsmmodem's `test/fakemodems.py`;
//! - storage numbered from 1 (gammu's default; Wavecom is not among its
//!   `F_SMS_LOCATION_0` phones).

use super::{STANDARD, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "wavecom",
    device: "Wavecom M1306B / Fastrack",
    manufacturer: "WAVECOM MODEM",
    model: "MULTIBAND  900E  1800",
    revision: "641b09gg.Q2403A 1320676 061804 14:38",
    cpin_without_ok: true,
    cnmi_test: Some("+CNMI: (0-3),(0-3),(0-3),(0-2),(0,1)"),
    cpms_test: Some("+CPMS: ((\"SM\",\"BM\",\"SR\"),(\"SM\"))"),
    cpms_groups: &[&["SM", "BM", "SR"], &["SM"]],
    cpms_arities: &[1, 2],
    first_index: 1,
    has_chup: false,
    ring: "+CRING: VOICE",
    clip_tail: "",
    ..STANDARD
};
