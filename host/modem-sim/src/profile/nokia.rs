//! Nokia S60 phones used as modems (N79, N95).
//!
//! Sources: faucamp/python-gsmmodem issue 15 and the N79 profile of
//! python-gsmmodem's `test/fakemodems.py`: `Nokia` / `Nokia N79`;
//! `AT+CPMS=?` → `+CPMS: (),(),()`, every `AT+CPMS=` form `ERROR`;
//! `AT+CNMI=?` → `ERROR`. adammck/pygsm issue 5 (an N900): `AT+CNMI=…` and
//! `AT+CMGL` `ERROR`, while sending works. Such a phone can send but
//! cannot receive over AT: the gateway must say so, not fail.

use super::{STANDARD, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "nokia",
    device: "Nokia S60 phones (N79, N95)",
    manufacturer: "Nokia",
    model: "Nokia N79",
    revision: "V ICPR72_08w44.1",
    cnmi_test: None,
    cpms_test: Some("+CPMS: (),(),()"),
    cpms_groups: &[],
    cpms_arities: &[],
    reads_storage: false,
    ..STANDARD
};
