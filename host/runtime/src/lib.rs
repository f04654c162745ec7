//! Plutanium's WebAssembly component host.
//!
//! What it is: the wasmtime-based runtime that loads connector components built
//! against `plutanium:gateway@0.1.0` (see `wit/`), checks their world before
//! instantiating them, and calls them with their capabilities and limits: no
//! filesystem, sockets or environment; outbound HTTP only to granted hosts, with
//! guest `Authorization` headers refused; a per-connector key-value namespace; a
//! wall-time deadline (epoch interruption) and a memory cap per call.
//!
//! A guest's stdout and stderr become log lines tagged with its name.
//!
//! Every [`Connector`] implements the routing core's `Processor`, `Sink` and
//! `Source` traits (`plutanium-core`), converting between the core's message
//! model and the WIT types, so the core never sees wasmtime.
//!
//! What it is not, by design: a router. The routing core sees connectors only
//! through its own traits.

mod bindings;
mod connector;
mod grants;
mod kv;
mod output;
mod stages;
mod state;

pub use connector::{
    Action, Call, CallError, Connector, ConnectorError, ConnectorStats, Event, Grants, Inspection,
    LATENCY_BUCKETS_MICROS, LoadError, Outbound, Runtime, RuntimeConfig, SendOptions, Sms,
    StatsHandle, World,
};
pub use grants::{HostPolicy, InvalidHostEntry, OAuthGrant, TokenProvider};
pub use kv::{KvError, KvHandle, KvStore, MemoryKv};
