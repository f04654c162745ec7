//! The durable key-value store components use: the trait and its test
//! double live in `plutanium-core` (the store crate implements it in SQL);
//! this is the guest's handle to it.

pub use plutanium_core::{KvError, KvStore, MemoryKv};

/// The guest's handle to its store (the `kv` resource's representation).
#[derive(Debug)]
pub struct KvHandle;
