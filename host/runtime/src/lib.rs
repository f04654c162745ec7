//! Plutanium's WebAssembly component host.
//!
//! What it is: the wasmtime-based runtime that loads connector components built
//! against `plutanium:gateway@0.1.0` or `@0.1.1` (see `wit/`), checks their world before
//! instantiating them, and calls them with their capabilities and limits: no
//! filesystem, sockets or environment; outbound HTTP only to granted hosts
//! (connected to the very address that was checked, trusting the host's one
//! trust store, under a deadline, a size cap and a cap on open requests), with
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
mod egress;
mod engine;
mod error;
mod grants;
mod kv;
mod limits;
mod output;
mod stages;
mod state;
mod stats;
mod world;

pub use crate::bindings::types::{
    Action, Call, Error as ConnectorError, Event, Outbound, SendOptions, Sms,
};
pub use connector::Connector;
pub use egress::{HttpLimits, Network, SystemNetwork};
pub use engine::{Inspection, Runtime};
pub use error::{CallError, LoadError};
pub use grants::Grants;
pub use grants::{HostPolicy, InvalidHostEntry, OAuthGrant, TokenProvider};
pub use kv::{KvError, KvHandle, KvStore, MemoryKv};
pub use limits::RuntimeConfig;
pub use stats::{ConnectorStats, LATENCY_BUCKETS_MICROS, StatsHandle};
pub use world::{CONTRACT, World};
