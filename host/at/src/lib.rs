//! Sans-IO AT command protocol for GSM/3G/LTE modems.
//!
//! What it is: everything about the bytes on a modem's serial line that does not
//! need a socket or a clock — line framing over arbitrary chunking, echo handling,
//! final result codes with typed `+CME`/`+CMS` errors and their 3GPP meanings,
//! intermediate lines, the `> ` prompt, classification of unsolicited result codes
//! (URCs), command builders and parsers for the answers.
//!
//! What it is not: a driver. It never reads or writes a port and never times out
//! on its own; the `plutanium-modem` crate owns the transport, the timers and the
//! command queue, and feeds bytes in here ([`Parser::feed`]).

pub mod command;
pub mod error;
mod parser;
pub mod response;
mod urc;

pub use command::{Command, CommandClass, InvalidArgument};
pub use error::{CmeError, CmsError};
pub use parser::{CommandFailed, Event, FinalResult, NoiseReason, Parser, Response};
pub use urc::{RegistrationDomain, Urc};
