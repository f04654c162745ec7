//! Plutanium's WebAssembly component host.
//!
//! What it is: the wasmtime-based runtime that loads connector components built
//! against `plutanium:gateway@0.1.0` (see `wit/`), checks their world before
//! instantiating them, and calls them with their capabilities and limits: no
//! filesystem, sockets or environment; outbound HTTP only to granted hosts, with
//! guest `Authorization` headers refused; a per-connector key-value namespace; a
//! wall-time deadline (epoch interruption) and a memory cap per call.
//!
//! What it is not (yet): this first slice runs processors. Sources and sinks have
//! bindings but no runner; fuel, restart backoff, the precompile cache and
//! statistics are still to come (see the issue notes).
//!
//! What it is not, by design: a router. The routing core sees connectors only
//! through its own traits.

mod bindings;
mod grants;
mod kv;
mod processor;
mod state;

pub use grants::{HostPolicy, InvalidHostEntry, OAuthGrant, TokenProvider};
pub use kv::{KvError, KvHandle, KvStore, MemoryKv};
pub use processor::{
    Action, Call, CallError, ConnectorError, Event, Grants, LoadError, Outbound, Processor,
    Runtime, RuntimeConfig, SendOptions, Sms,
};
