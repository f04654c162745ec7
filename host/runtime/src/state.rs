//! What a component's store holds: WASI (with nothing granted), wasi-http with
//! the connector's host grants, its config, its KV namespace and its limits.

use std::sync::Arc;

use wasmtime::StoreLimits;
use wasmtime::component::{Resource, ResourceTable};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::bindings::host::{self, LogLevel};
use crate::grants::HttpGrants;
use crate::kv::{KvHandle, KvStore};

/// The data of one component's store.
pub(crate) struct HostState {
    pub(crate) name: String,
    pub(crate) config: Vec<(String, String)>,
    pub(crate) kv: Arc<dyn KvStore>,
    pub(crate) wasi: WasiCtx,
    pub(crate) http: WasiHttpCtx,
    pub(crate) grants: HttpGrants,
    pub(crate) table: ResourceTable,
    pub(crate) limits: StoreLimits,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.grants,
        }
    }
}

/// Largest key or value a connector may store.
const MAX_KV_VALUE: usize = 1 << 20;

fn kv_error(e: crate::kv::KvError) -> host::KvError {
    host::KvError::Unavailable(e.to_string())
}

/// Runs a store operation on a blocking thread: a durable write waits for
/// the disk, and that must not hold up the async runtime's workers (the
/// modems' tasks run there).
async fn off_thread<R: Send + 'static>(
    kv: &Arc<dyn KvStore>,
    name: &str,
    f: impl FnOnce(&dyn KvStore, &str) -> Result<R, crate::kv::KvError> + Send + 'static,
) -> Result<R, host::KvError> {
    let (kv, name) = (kv.clone(), name.to_string());
    match tokio::task::spawn_blocking(move || f(kv.as_ref(), &name)).await {
        Ok(result) => result.map_err(kv_error),
        Err(e) => Err(host::KvError::Unavailable(format!(
            "the store task failed: {e}"
        ))),
    }
}

impl host::Host for HostState {
    async fn log(
        &mut self,
        level: LogLevel,
        message: String,
        fields: Vec<(String, String)>,
    ) -> wasmtime::Result<()> {
        let fields = fields
            .into_iter()
            .map(|(key, value)| (key, serde_json::Value::String(value)));
        log_line(&self.name, level, &message, fields);
        Ok(())
    }

    async fn log_typed(
        &mut self,
        level: LogLevel,
        message: String,
        fields: Vec<(String, host::FieldValue)>,
    ) -> wasmtime::Result<()> {
        let fields = fields.into_iter().map(|(key, value)| {
            let value = match value {
                host::FieldValue::Text(text) => serde_json::Value::String(text),
                host::FieldValue::Integer(n) => n.into(),
                // NaN and the infinities have no JSON number: null.
                host::FieldValue::Float(x) => serde_json::Number::from_f64(x)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number),
                host::FieldValue::Flag(flag) => flag.into(),
            };
            (key, value)
        });
        log_line(&self.name, level, &message, fields);
        Ok(())
    }

    async fn config(&mut self) -> wasmtime::Result<Vec<(String, String)>> {
        Ok(self.config.clone())
    }

    async fn now(&mut self) -> wasmtime::Result<u64> {
        Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)))
    }
}

impl host::HostKv for HostState {
    async fn new(&mut self) -> wasmtime::Result<Resource<KvHandle>> {
        Ok(self.table.push(KvHandle)?)
    }

    async fn get(
        &mut self,
        _kv: Resource<KvHandle>,
        key: String,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, host::KvError>> {
        Ok(off_thread(&self.kv, &self.name, move |kv, name| kv.get(name, &key)).await)
    }

    async fn set(
        &mut self,
        _kv: Resource<KvHandle>,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), host::KvError>> {
        let size = key.len().max(value.len());
        if size > MAX_KV_VALUE {
            return Ok(Err(host::KvError::TooLarge(
                u32::try_from(size).unwrap_or(u32::MAX),
            )));
        }
        Ok(off_thread(&self.kv, &self.name, move |kv, name| {
            kv.set(name, &key, &value)
        })
        .await)
    }

    async fn delete(
        &mut self,
        _kv: Resource<KvHandle>,
        key: String,
    ) -> wasmtime::Result<Result<(), host::KvError>> {
        Ok(off_thread(&self.kv, &self.name, move |kv, name| kv.delete(name, &key)).await)
    }

    async fn keys(
        &mut self,
        _kv: Resource<KvHandle>,
        prefix: String,
    ) -> wasmtime::Result<Result<Vec<String>, host::KvError>> {
        Ok(off_thread(&self.kv, &self.name, move |kv, name| kv.keys(name, &prefix)).await)
    }

    async fn compare_and_set(
        &mut self,
        _kv: Resource<KvHandle>,
        key: String,
        expected: Option<Vec<u8>>,
        new: Option<Vec<u8>>,
    ) -> wasmtime::Result<Result<bool, host::KvError>> {
        let size = key.len().max(new.as_ref().map_or(0, Vec::len));
        if size > MAX_KV_VALUE {
            return Ok(Err(host::KvError::TooLarge(
                u32::try_from(size).unwrap_or(u32::MAX),
            )));
        }
        Ok(off_thread(&self.kv, &self.name, move |kv, name| {
            kv.compare_and_set(name, &key, expected.as_deref(), new.as_deref())
        })
        .await)
    }

    async fn drop(&mut self, kv: Resource<KvHandle>) -> wasmtime::Result<()> {
        self.table.delete(kv)?;
        Ok(())
    }
}

impl crate::bindings::types::Host for HostState {}

/// A connector's log line: its fields as one JSON object (`{"status":200}`),
/// which reads the same in the text log and parses in the JSON one; a key
/// given twice keeps its last value. No fields, no `fields`.
fn log_line(
    connector: &str,
    level: LogLevel,
    message: &str,
    fields: impl Iterator<Item = (String, serde_json::Value)>,
) {
    let fields: serde_json::Map<String, serde_json::Value> = fields.collect();
    // Displayed, not debugged: the text log shows the object as it is,
    // not quoted and escaped.
    let fields = (!fields.is_empty()).then(|| serde_json::Value::Object(fields));
    let fields = fields.as_ref().map(tracing::field::display);
    match level {
        LogLevel::Trace => tracing::trace!(connector, fields, "{message}"),
        LogLevel::Debug => tracing::debug!(connector, fields, "{message}"),
        LogLevel::Info => tracing::info!(connector, fields, "{message}"),
        LogLevel::Warn => tracing::warn!(connector, fields, "{message}"),
        LogLevel::Error => tracing::error!(connector, fields, "{message}"),
    }
}
