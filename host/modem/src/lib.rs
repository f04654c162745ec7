//! The GSM modem driver for Plutanium.
//!
//! What it is: one actor task per modem ([`spawn`]) that owns the port, runs one
//! AT command at a time with a timeout per command class, initialises the modem,
//! sends SMS part by part, reads and reassembles incoming SMS, status reports,
//! calls and USSD, probes health, and recovers by itself: it re-initialises after
//! a streak of failures and reconnects with exponential backoff and jitter after
//! EOF or an I/O error, forever. Ports are chosen by URL ([`PortUrl`]): serial
//! devices, raw TCP, RFC 2217 (telnet COM-PORT-OPTION, as MikroTik and ser2net
//! speak it) and in-process ports for the simulator. A modem that a MikroTik
//! router owns (`routeros+https://…`) is driven through RouterOS's REST API,
//! and a Huawei HiLink stick (`hilink://…`) through its web API, instead of
//! AT, behind the same handle and events.
//!
//! What it is not: a message store. An incoming SMS is handed over with an
//! [`Ack`]; it is deleted from the modem only when the caller acknowledges it
//! after committing it somewhere durable.

mod driver;
mod line;
mod port;
mod rfc2217;
mod serial;

pub use driver::{
    Ack, Counters, DriverConfig, InboundSms, InboundStatusReport, IncomingCall, KeptPart,
    ModemEvent, ModemHandle, ModemInfo, ModemState, NetworkType, Password, Pulse, QueuedSend,
    RestoredPart, SendError, SendGate, SendOptions, SentMessage, SimState, Timeouts,
    UndecodablePdu, spawn,
};
pub use line::{FlowControl, LineSettings, Parity};
pub use plutanium_hilink::HilinkUrl;
pub use plutanium_routeros::RouterOsUrl;
pub use port::{InProcessPorts, InvalidPortUrl, Port, PortStream, PortUrl, open};
pub use rfc2217::Rfc2217Port;
