//! The runtime and processor connectors: load, check, instantiate, call.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store, StoreLimitsBuilder};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi_http::WasiHttpCtx;

use crate::bindings::processor::{ProcessorConnector, ProcessorConnectorPre};
use crate::grants::{HostPolicy, HttpGrants, OAuthGrant};
use crate::kv::KvStore;
use crate::state::HostState;

pub use crate::bindings::types::{
    Action, Call, Error as ConnectorError, Event, Outbound, SendOptions, Sms,
};

/// The interface a processor must export.
const PROCESSOR_EXPORT: &str = "plutanium:gateway/processor@0.1.0";
/// Interfaces the host provides under the gateway package.
const GATEWAY_IMPORTS: &[&str] = &[
    "plutanium:gateway/types@0.1.0",
    "plutanium:gateway/host@0.1.0",
];

/// Limits and timing for every connector call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuntimeConfig {
    /// How often the deadline clock ticks.
    pub epoch_tick: Duration,
    /// Wall time one call may take before it is stopped.
    pub call_deadline: Duration,
    /// Most linear memory one instance may grow to.
    pub memory_limit: usize,
}

impl Default for RuntimeConfig {
    /// 10 ms ticks, 2 s per call, 64 MiB.
    fn default() -> Self {
        RuntimeConfig {
            epoch_tick: Duration::from_millis(10),
            call_deadline: Duration::from_secs(2),
            memory_limit: 64 << 20,
        }
    }
}

/// What an operator grants one connector.
#[derive(Clone, Debug, Default)]
pub struct Grants {
    /// Hosts its HTTP requests may reach (see [`HostPolicy`]); none by default.
    pub allow_hosts: Vec<String>,
    /// Its configuration, as key/value pairs.
    pub config: Vec<(String, String)>,
    /// Credentials the host adds to its requests to some hosts.
    pub oauth: Option<OAuthGrant>,
}

/// Why a component cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The bytes are not a WebAssembly component.
    #[error("not a valid WebAssembly component: {0}")]
    Invalid(String),
    /// The component does not export what its world needs.
    #[error("the component does not export {expected}; it exports: {found}")]
    MissingExport {
        /// The export the world needs.
        expected: &'static str,
        /// What it exports instead.
        found: String,
    },
    /// The component was built against another version of the contract.
    #[error("the component was built against {found}; this Plutanium speaks {expected}")]
    VersionMismatch {
        /// What the host speaks.
        expected: &'static str,
        /// What the component uses.
        found: String,
    },
    /// The component imports something the host does not provide.
    #[error("the component imports {0}, which Plutanium does not provide to connectors")]
    UnsupportedImport(String),
    /// An `allow_hosts` entry cannot be understood.
    #[error(transparent)]
    InvalidGrant(#[from] crate::grants::InvalidHostEntry),
    /// The engine could not be set up or the component not be linked.
    #[error("runtime error: {0}")]
    Runtime(String),
}

/// Why a call into a connector failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The connector answered with an error of its own.
    #[error("connector error: {0:?}")]
    Connector(ConnectorError),
    /// The call ran past its deadline and was stopped.
    #[error("the connector ran past its {0:?} deadline and was stopped")]
    Deadline(Duration),
    /// The connector trapped (a crash, or memory over its cap); the instance is
    /// discarded and a fresh one serves the next call.
    #[error("the connector trapped: {0}")]
    Trap(String),
}

/// The component host. Create one per process and load connectors into it.
pub struct Runtime {
    engine: Engine,
    linker: Linker<HostState>,
    config: RuntimeConfig,
    kv: Arc<dyn KvStore>,
    ticking: Arc<AtomicBool>,
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.ticking.store(false, Ordering::Relaxed);
    }
}

impl Runtime {
    /// A runtime whose connectors keep their state in `kv`.
    pub fn new(config: RuntimeConfig, kv: Arc<dyn KvStore>) -> Result<Self, LoadError> {
        let runtime_error = |e: wasmtime::Error| LoadError::Runtime(e.to_string());
        let mut engine_config = Config::new();
        engine_config.epoch_interruption(true);
        let engine = Engine::new(&engine_config).map_err(runtime_error)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(runtime_error)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)
            .map_err(runtime_error)?;
        // Only the gateway's own interfaces: WASI and wasi-http come from wasmtime above.
        crate::bindings::types::add_to_linker::<_, HasSelf<_>>(&mut linker, |s| s)
            .map_err(runtime_error)?;
        crate::bindings::host::add_to_linker::<_, HasSelf<_>>(&mut linker, |s| s)
            .map_err(runtime_error)?;
        let ticking = Arc::new(AtomicBool::new(true));
        let (tick_engine, tick_flag, tick) = (engine.clone(), ticking.clone(), config.epoch_tick);
        std::thread::Builder::new()
            .name("plutanium-epoch".into())
            .spawn(move || {
                while tick_flag.load(Ordering::Relaxed) {
                    std::thread::sleep(tick);
                    tick_engine.increment_epoch();
                }
            })
            .map_err(|e| LoadError::Runtime(format!("cannot start the deadline clock: {e}")))?;
        Ok(Runtime {
            engine,
            linker,
            config,
            kv,
            ticking,
        })
    }

    fn check_world(&self, component: &Component) -> Result<(), LoadError> {
        let ty = component.component_type();
        let exports: Vec<String> = ty
            .exports(&self.engine)
            .map(|(n, _)| n.to_string())
            .collect();
        if !exports.iter().any(|e| e == PROCESSOR_EXPORT) {
            if let Some(other) = exports
                .iter()
                .find(|e| e.starts_with("plutanium:gateway/processor@"))
            {
                return Err(LoadError::VersionMismatch {
                    expected: PROCESSOR_EXPORT,
                    found: other.clone(),
                });
            }
            return Err(LoadError::MissingExport {
                expected: PROCESSOR_EXPORT,
                found: if exports.is_empty() {
                    "nothing".into()
                } else {
                    exports.join(", ")
                },
            });
        }
        for (name, item) in ty.imports(&self.engine) {
            if !matches!(item.ty, ComponentItem::ComponentInstance(_)) {
                return Err(LoadError::UnsupportedImport(name.to_string()));
            }
            if name.starts_with("wasi:") && name.contains("@0.2.") {
                continue;
            }
            if GATEWAY_IMPORTS.contains(&name) {
                continue;
            }
            if name.starts_with("plutanium:gateway/") {
                return Err(LoadError::VersionMismatch {
                    expected: "plutanium:gateway@0.1.0",
                    found: name.to_string(),
                });
            }
            return Err(LoadError::UnsupportedImport(name.to_string()));
        }
        Ok(())
    }

    /// Loads a processor component: checks its world, links it, and prepares
    /// instantiation (the first call instantiates).
    pub fn load_processor(
        &self,
        name: &str,
        bytes: &[u8],
        grants: Grants,
    ) -> Result<Processor, LoadError> {
        let component = Component::new(&self.engine, bytes)
            .map_err(|e| LoadError::Invalid(format!("{e:#}")))?;
        self.check_world(&component)?;
        let hosts = HostPolicy::new(&grants.allow_hosts)?;
        let pre = self
            .linker
            .instantiate_pre(&component)
            .and_then(ProcessorConnectorPre::new)
            .map_err(|e| LoadError::Runtime(format!("{e:#}")))?;
        Ok(Processor {
            name: name.to_string(),
            pre,
            http: HttpGrants {
                hosts,
                oauth: grants.oauth.clone(),
                connect_timeout: None,
                first_byte_timeout: None,
            },
            grants,
            config: self.config,
            kv: self.kv.clone(),
            engine: self.engine.clone(),
            instance: None,
        })
    }
}

/// A loaded processor connector.
pub struct Processor {
    name: String,
    pre: ProcessorConnectorPre<HostState>,
    http: HttpGrants,
    grants: Grants,
    config: RuntimeConfig,
    kv: Arc<dyn KvStore>,
    engine: Engine,
    instance: Option<(Store<HostState>, ProcessorConnector)>,
}

impl Processor {
    /// The connector's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn new_store(&self) -> Store<HostState> {
        let state = HostState {
            name: self.name.clone(),
            config: self.grants.config.clone(),
            kv: self.kv.clone(),
            wasi: WasiCtxBuilder::new().build(),
            http: WasiHttpCtx::new(),
            grants: self.http.clone(),
            table: ResourceTable::new(),
            limits: StoreLimitsBuilder::new()
                .memory_size(self.config.memory_limit)
                .trap_on_grow_failure(true)
                .build(),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limits);
        store
    }

    fn deadline_ticks(&self) -> u64 {
        let tick = self.config.epoch_tick.as_micros().max(1);
        u64::try_from(self.config.call_deadline.as_micros().div_ceil(tick)).unwrap_or(u64::MAX)
    }

    /// Asks the processor what to do with `event`.
    pub async fn handle(&mut self, event: &Event) -> Result<Vec<Action>, CallError> {
        let ticks = self.deadline_ticks();
        if self.instance.is_none() {
            let mut store = self.new_store();
            store.set_epoch_deadline(ticks);
            store.epoch_deadline_trap();
            let instance = self
                .pre
                .instantiate_async(&mut store)
                .await
                .map_err(|e| CallError::Trap(format!("instantiation failed: {e:#}")))?;
            self.instance = Some((store, instance));
        }
        let Some((store, instance)) = self.instance.as_mut() else {
            return Err(CallError::Trap("no instance".into()));
        };
        store.set_epoch_deadline(ticks);
        let result = instance
            .plutanium_gateway_processor()
            .call_handle(&mut *store, event)
            .await;
        match result {
            Ok(Ok(actions)) => Ok(actions),
            Ok(Err(e)) => Err(CallError::Connector(e)),
            Err(trap) => {
                // A trapped instance is poisoned: drop it; the next call starts afresh.
                self.instance = None;
                if matches!(
                    trap.downcast_ref::<wasmtime::Trap>(),
                    Some(wasmtime::Trap::Interrupt)
                ) {
                    Err(CallError::Deadline(self.config.call_deadline))
                } else {
                    Err(CallError::Trap(format!("{trap:#}")))
                }
            }
        }
    }
}
