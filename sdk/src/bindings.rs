//! The generated bindings for the three worlds of `plutanium:gateway@0.1.1`.
//!
//! The processor world generates every interface; the sink and source worlds
//! reuse its types, so one `Sms` or `Error` type serves all three. The export
//! macros are public so that `export_processor!` and friends can expand them
//! in the connector's crate, which is also where wit-bindgen then places the
//! world's full type information (the SDK itself carries only the imports).

// Generated code: its FFI glue is `unsafe` by nature and its items carry the
// WIT's doc comments, not rustdoc's.
#![allow(unsafe_code, missing_docs, unreachable_pub, clippy::all)]

/// The `processor-connector` world, with every interface it imports.
pub mod processor {
    wit_bindgen::generate!({
        path: "../wit",
        world: "plutanium:gateway/processor-connector@0.1.1",
        generate_all,
        additional_type_attributes: {
            "plutanium:gateway/types@0.1.1/sms": [#[derive(PartialEq, Eq)]],
            "plutanium:gateway/types@0.1.1/call": [#[derive(PartialEq, Eq)]],
            "plutanium:gateway/types@0.1.1/delivery-status": [#[derive(PartialEq, Eq)]],
            "plutanium:gateway/types@0.1.1/event": [#[derive(PartialEq, Eq)]],
            "plutanium:gateway/types@0.1.1/send-options": [#[derive(PartialEq, Eq)]],
            "plutanium:gateway/types@0.1.1/outbound": [#[derive(PartialEq, Eq)]],
            "plutanium:gateway/types@0.1.1/error": [#[derive(PartialEq, Eq)]],
            "plutanium:gateway/types@0.1.1/action": [#[derive(PartialEq, Eq)]],
        },
        pub_export_macro: true,
        export_macro_name: "export_processor_world",
        default_bindings_module: "plutanium_sdk::__private::processor",
        runtime_path: "plutanium_sdk::__private::wit_bindgen::rt",
    });
}

/// The `sink-connector` world; its imports are the processor world's.
pub mod sink {
    wit_bindgen::generate!({
        path: "../wit",
        world: "plutanium:gateway/sink-connector@0.1.1",
        pub_export_macro: true,
        export_macro_name: "export_sink_world",
        default_bindings_module: "plutanium_sdk::__private::sink",
        runtime_path: "plutanium_sdk::__private::wit_bindgen::rt",
        with: {
            "plutanium:gateway/types@0.1.1": crate::bindings::processor::plutanium::gateway::types,
            "plutanium:gateway/host@0.1.1": crate::bindings::processor::plutanium::gateway::host,
            "wasi:http/types@0.2.12": crate::bindings::processor::wasi::http::types,
            "wasi:http/outgoing-handler@0.2.12": crate::bindings::processor::wasi::http::outgoing_handler,
            "wasi:io/error@0.2.12": crate::bindings::processor::wasi::io::error,
            "wasi:io/poll@0.2.12": crate::bindings::processor::wasi::io::poll,
            "wasi:io/streams@0.2.12": crate::bindings::processor::wasi::io::streams,
            "wasi:clocks/monotonic-clock@0.2.12": crate::bindings::processor::wasi::clocks::monotonic_clock,
        },
    });
}

/// The `source-connector` world; its imports are the processor world's.
pub mod source {
    wit_bindgen::generate!({
        path: "../wit",
        world: "plutanium:gateway/source-connector@0.1.1",
        pub_export_macro: true,
        export_macro_name: "export_source_world",
        default_bindings_module: "plutanium_sdk::__private::source",
        runtime_path: "plutanium_sdk::__private::wit_bindgen::rt",
        with: {
            "plutanium:gateway/types@0.1.1": crate::bindings::processor::plutanium::gateway::types,
            "plutanium:gateway/host@0.1.1": crate::bindings::processor::plutanium::gateway::host,
            "wasi:http/types@0.2.12": crate::bindings::processor::wasi::http::types,
            "wasi:http/outgoing-handler@0.2.12": crate::bindings::processor::wasi::http::outgoing_handler,
            "wasi:io/error@0.2.12": crate::bindings::processor::wasi::io::error,
            "wasi:io/poll@0.2.12": crate::bindings::processor::wasi::io::poll,
            "wasi:io/streams@0.2.12": crate::bindings::processor::wasi::io::streams,
            "wasi:clocks/monotonic-clock@0.2.12": crate::bindings::processor::wasi::clocks::monotonic_clock,
        },
    });
}
