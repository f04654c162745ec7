//! Plutanium's routing core.
//!
//! What it is: the message model (inbound SMS, calls, delivery statuses,
//! outbound requests, the actions a processor returns) and the traits every
//! stage of a route implements: [`Source`], [`Processor`] and [`Sink`]. The
//! connector runtime implements them for WebAssembly components, so the core
//! never sees wasmtime; tests implement them with plain Rust fakes.
//!
//! What it is not: IO. Nothing here opens a file, a socket or a modem.

pub mod config;
mod kv;
pub mod liveness;
mod model;
mod modem_pool;
pub mod policy;
pub mod routing;
mod stage;
pub mod time;

pub use kv::{KvError, KvStore, MemoryKv};
pub use model::{
    Action, Call, DeliveryState, DeliveryStatus, Encoding, Event, InboundSms, Outbound,
    SendOptions, Timestamp,
};
pub use modem_pool::ModemPool;
pub use plutanium_sms::UnknownEncoding;
pub use stage::{Processor, Sink, Source, StageError};
