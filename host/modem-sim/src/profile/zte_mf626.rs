//! ZTE MF626: keeps status reports in their own memory.
//!
//! Sources: gammu issue 209, a real MF626 log: `+CDSI: "SR",50` (the report
//! is in `SR`, whatever the read memory is), and `AT+CPMS="SM","SM"`
//! answered with three used/total pairs, `+CPMS: 0,50,0,50,1,100`; gammu's
//! `F_ZTE_INIT` covers the MF626 (`libgammu/gsmphones.c`); gammu issue 973
//! (an MF626) is why gammu takes `+CSQ:`/`+ZPAS:` outside a command as
//! unsolicited; ModemManager's ZTE plugin ignores `+ZUSIMR:`, `+ZDONR:`,
//! `+ZPASR:` (`mm-common-zte.c`). No MF626 revision string is published;
//! the one here is illustrative.

use super::{STANDARD, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "zte-mf626",
    device: "ZTE MF626",
    manufacturer: "ZTE CORPORATION",
    model: "MF626",
    revision: "BD_P673A2V1.0.0B09",
    cpms_test: Some("+CPMS: (\"SM\",\"ME\",\"SR\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")"),
    cpms_groups: &[&["SM", "ME", "SR"], &["SM", "ME"], &["SM", "ME"]],
    cpms_answer_pairs: Some(3),
    reports_stored_in: Some("SR"),
    first_index: 1,
    noise: &[
        "+ZPASR: \"UMTS\"",
        "+ZDONR: \"METEOR\",272,3,\"CS_ONLY\",\"ROAM_OFF\"",
    ],
    ring: "+CRING: VOICE",
    ..STANDARD
};
