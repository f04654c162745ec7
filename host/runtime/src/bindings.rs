//! Host-side bindings of the `plutanium:gateway@0.1.1` worlds, generated from `wit/`.
//!
//! The processor world's bindings own the shared `types` and `host` interfaces;
//! the sink and source worlds reuse them, and every world reuses wasmtime's own
//! `wasi:*` bindings, so one host implementation serves all three.

#![allow(missing_docs, unreachable_pub, clippy::all)]

/// The `processor-connector` world (and the shared interfaces).
pub mod processor {
    wasmtime::component::bindgen!({
        path: "../../wit",
        world: "plutanium:gateway/processor-connector",
        imports: { default: async | trappable },
        exports: { default: async },
        with: {
            "wasi:http": wasmtime_wasi_http::p2::bindings::http,
            "wasi:io": wasmtime_wasi::p2::bindings::io,
            "wasi:clocks": wasmtime_wasi::p2::bindings::clocks,
            "plutanium:gateway/host.kv": crate::kv::KvHandle,
        },
    });
}

/// The `sink-connector` world.
pub mod sink {
    wasmtime::component::bindgen!({
        path: "../../wit",
        world: "plutanium:gateway/sink-connector",
        imports: { default: async | trappable },
        exports: { default: async },
        with: {
            "wasi:http": wasmtime_wasi_http::p2::bindings::http,
            "wasi:io": wasmtime_wasi::p2::bindings::io,
            "wasi:clocks": wasmtime_wasi::p2::bindings::clocks,
            "plutanium:gateway/types": super::processor::plutanium::gateway::types,
            "plutanium:gateway/host": super::processor::plutanium::gateway::host,
        },
    });
}

/// The `source-connector` world.
pub mod source {
    wasmtime::component::bindgen!({
        path: "../../wit",
        world: "plutanium:gateway/source-connector",
        imports: { default: async | trappable },
        exports: { default: async },
        with: {
            "wasi:http": wasmtime_wasi_http::p2::bindings::http,
            "wasi:io": wasmtime_wasi::p2::bindings::io,
            "wasi:clocks": wasmtime_wasi::p2::bindings::clocks,
            "plutanium:gateway/types": super::processor::plutanium::gateway::types,
            "plutanium:gateway/host": super::processor::plutanium::gateway::host,
        },
    });
}

pub use processor::plutanium::gateway::{host, types};
