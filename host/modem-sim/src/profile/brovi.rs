//! The "Brovi" Huawei E3372-325: Huawei hardware with Zowee firmware.
//!
//! Sources: gammu issues 829 and 908 and gammu's
//! `tests/at-cpms/brovi-e3372-325.dump`: manufacturer
//! `ZOWEE TECHNOLOGY (HEYUAN) CO., LTD.`, firmware `3.0.2.61(H057SP7C983)`,
//! `+CPMS: ("SM","ME"),("SM","ME"),("SM","ME")`, and "this modem only
//! accepts if all 3 types of storage are set": `AT+CPMS="SM","SM"` and
//! `AT+CPMS="SM"` are `ERROR`. Nothing else of it is published; the rest is
//! the standard.

use super::{STANDARD, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "brovi",
    device: "Huawei E3372-325 \"Brovi\" (Zowee firmware 3.0.2.61)",
    manufacturer: "ZOWEE TECHNOLOGY (HEYUAN) CO., LTD.",
    model: "E3372-325",
    revision: "3.0.2.61(H057SP7C983)",
    cpms_test: Some("+CPMS: (\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")"),
    cpms_groups: &[&["SM", "ME"], &["SM", "ME"], &["SM", "ME"]],
    cpms_arities: &[3],
    ..STANDARD
};
