//! Telit HE910 / HE910-D (3G).
//!
//! Sources:
//! - `+CMGR: 0,"",50` (an empty quoted alpha before the length):
//!   ModemManager's `src/tests/test-modem-helpers.c` (HE910);
//! - USSD answers in UCS-2 hex with dcs 17 (a language first):
//!   gammu's `tests/at-ussd/issue377-HE910-D.dump`;
//! - the `HE910` model id: gammu's `libgammu/gsmphones.c`;
//! - storage numbered from 1 (gammu's default).
//!
//! The revision string is illustrative; none is published with a log.

use super::{CmgrHeader, STANDARD, Spec, UssdAnswer};

pub(super) const SPEC: Spec = Spec {
    name: "telit",
    device: "Telit HE910 / HE910-D",
    manufacturer: "Telit",
    model: "HE910",
    revision: "12.00.024",
    cmgr: CmgrHeader::EmptyAlpha,
    ussd_answer: UssdAnswer::Ucs2 { dcs: 17 },
    first_index: 1,
    ..STANDARD
};
