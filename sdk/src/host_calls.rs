//! The host's functions: the real imports inside wasm, the fake host of
//! [`crate::testing`] (kept in `fake_host`) everywhere else.
//!
//! The public modules (`config`, `log`, `kv`, `http`, and `now` at the root)
//! call these. This module in turn uses only the plain data of `host_types`,
//! the generated bindings and the fake host, never the public modules, so the
//! SDK's modules use each other in one direction only.

// The wasm side of `http_send`: long, and wasm only, so in a file of its own.
#[cfg(target_arch = "wasm32")]
mod wasi_http;

#[cfg(target_arch = "wasm32")]
pub(crate) use wasm::*;

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use native::*;

#[cfg(target_arch = "wasm32")]
mod wasm {
    use std::cell::OnceCell;

    use crate::bindings::processor::plutanium::gateway::host;
    use crate::host_types::{KvError, Level};

    pub(crate) use super::wasi_http::send as http_send;

    pub(crate) fn config() -> Vec<(String, String)> {
        host::config()
    }

    pub(crate) fn now() -> u64 {
        host::now()
    }

    pub(crate) fn log(level: Level, message: &str, fields: &[(String, String)]) {
        let level = match level {
            Level::Trace => host::LogLevel::Trace,
            Level::Debug => host::LogLevel::Debug,
            Level::Info => host::LogLevel::Info,
            Level::Warn => host::LogLevel::Warn,
            Level::Error => host::LogLevel::Error,
        };
        host::log(level, message, fields);
    }

    thread_local! {
        static KV: OnceCell<host::Kv> = const { OnceCell::new() };
    }

    fn with_kv<R>(call: impl FnOnce(&host::Kv) -> Result<R, host::KvError>) -> Result<R, KvError> {
        KV.with(|cell| call(cell.get_or_init(host::Kv::new)))
            .map_err(|e| match e {
                host::KvError::Unavailable(reason) => KvError::Unavailable(reason),
                host::KvError::TooLarge(limit) => KvError::TooLarge(limit),
            })
    }

    pub(crate) fn kv_get(key: &str) -> Result<Option<Vec<u8>>, KvError> {
        with_kv(|kv| kv.get(key))
    }

    pub(crate) fn kv_set(key: &str, value: &[u8]) -> Result<(), KvError> {
        with_kv(|kv| kv.set(key, value))
    }

    pub(crate) fn kv_delete(key: &str) -> Result<(), KvError> {
        with_kv(|kv| kv.delete(key))
    }

    pub(crate) fn kv_keys(prefix: &str) -> Result<Vec<String>, KvError> {
        with_kv(|kv| kv.keys(prefix))
    }

    pub(crate) fn kv_compare_and_set(
        key: &str,
        expected: Option<&[u8]>,
        new: Option<&[u8]>,
    ) -> Result<bool, KvError> {
        with_kv(|kv| kv.compare_and_set(key, expected, new))
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use crate::fake_host::with_current;
    use crate::host_types::{HttpError, KvError, Level, Request, Response};

    pub(crate) fn config() -> Vec<(String, String)> {
        with_current(|host| host.config_pairs())
    }

    pub(crate) fn now() -> u64 {
        with_current(|host| host.now())
    }

    pub(crate) fn log(level: Level, message: &str, fields: &[(String, String)]) {
        with_current(|host| host.record_log(level, message, fields));
    }

    pub(crate) fn kv_get(key: &str) -> Result<Option<Vec<u8>>, KvError> {
        with_current(|host| host.kv_get(key))
    }

    pub(crate) fn kv_set(key: &str, value: &[u8]) -> Result<(), KvError> {
        with_current(|host| host.kv_set(key, value))
    }

    pub(crate) fn kv_delete(key: &str) -> Result<(), KvError> {
        with_current(|host| host.kv_delete(key))
    }

    pub(crate) fn kv_keys(prefix: &str) -> Result<Vec<String>, KvError> {
        with_current(|host| host.kv_keys(prefix))
    }

    pub(crate) fn kv_compare_and_set(
        key: &str,
        expected: Option<&[u8]>,
        new: Option<&[u8]>,
    ) -> Result<bool, KvError> {
        with_current(|host| host.kv_compare_and_set(key, expected, new))
    }

    pub(crate) fn http_send(request: &Request) -> Result<Response, HttpError> {
        with_current(|host| host.http_send(request))
    }
}
