//! Sans-IO SMS codec for Plutanium.
//!
//! What it is: everything needed to turn text into SMS TPDUs and back, following
//! 3GPP TS 23.038 (alphabets) and TS 23.040 (TPDUs):
//!
//! - the GSM 7-bit default alphabet, its extension table and all national
//!   language locking/single-shift tables ([`Charset`], [`NationalLanguage`]);
//! - UCS-2/UTF-16 with surrogate pairs, and 8-bit data;
//! - SMS-SUBMIT, SMS-DELIVER and SMS-STATUS-REPORT encode and decode ([`Pdu`]);
//! - user data headers ([`InformationElement`]);
//! - splitting text into parts with an encoding policy ([`split`]);
//! - reassembly of concatenated parts with time passed in ([`Reassembler`]);
//! - transliteration of any text to the GSM 7-bit alphabet ([`transliterate`]).
//!
//! What it is not: it never touches a socket, a file or a clock. Callers pass
//! time in. The AT protocol and the modem driver live in other crates.

mod address;
mod dcs;
mod error;
pub mod gsm7;
pub mod hex;
mod national;
pub mod number;
mod pdu;
mod reassembly;
mod septet_table;
mod split;
mod timestamp;
pub mod transliterate;
mod ucs2;
mod udh;

pub use address::{Address, NumberingPlan, TypeOfNumber};
pub use dcs::{Alphabet, DataCoding, MessageClass};
pub use error::Error;
pub use gsm7::Charset;
pub use national::{NationalLanguage, UnknownLanguage};
pub use pdu::{
    Deliver, EncodedPdu, Payload, Pdu, SmscPdu, StatusCategory, StatusReport, Submit, TpStatus,
    UserData, Validity, decode, decode_hex,
};
pub use reassembly::{ConcatKey, Incomplete, PushOutcome, Pushed, Reassembler, ReassemblyLimits};
pub use split::{
    ConcatRef, Counted, EncodeOptions, EncodingPolicy, SplitText, UnknownEncoding, count, split,
};
pub use timestamp::Timestamp;
pub use udh::{Concat, InformationElement};
