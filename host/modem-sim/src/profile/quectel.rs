//! Quectel EC25 / EG25 (LTE).
//!
//! Sources:
//! - `Quectel` / `EC25` and firmware strings like `EC25EFAR06A10M4G`:
//!   Quectel's forum and IchthysMaranatha/asterisk-chan-quectel PR 75;
//! - status reports kept in a separate `SR` memory but announced as
//!   `+CDSI: "SM",<n>`, so that `AT+CMGR=<n>` on `SM` answers a bare `OK`
//!   or an unrelated message: the same PR, reproduced on EC25EFAR06A10M4G,
//!   EC25EFAR06A15M4G, EC25EFAR08A04M4G and an EG25-G;
//! - `+CMT: ,<length>` and `+CDS: <length>`: the EC25 AT manual;
//! - ESC during `AT+CMGS` answered with `OK`: Quectel's UGxx AT manual;
//! - storage numbered from 0 (`+CDSI: "SM",0` in the PR's trace).
//!
//! The EC25's own `AT+CPMS=?` is not published; this uses the M26's
//! (`quectel_m26.rs`), which has no `SR`, so `AT+CPMS="SR"` working is an
//! assumption: the report must be readable somewhere for the PR's fix
//! (direct `+CDS`) to be the only way.

use super::{STANDARD, Spec};

pub(super) const SPEC: Spec = Spec {
    name: "quectel",
    device: "Quectel EC25 / EG25",
    manufacturer: "Quectel",
    model: "EC25",
    revision: "EC25EFAR06A10M4G",
    boot: &["RDY"],
    cpms_test: Some("+CPMS: (\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\",\"MT\")"),
    cpms_groups: &[
        &["SM", "ME", "MT", "SR"],
        &["SM", "ME", "MT"],
        &["SM", "ME", "MT"],
    ],
    reports_stored_in: Some("SR"),
    reports_announced_as: Some("SM"),
    first_index: 0,
    ..STANDARD
};
