//! The runtime and its connectors: load, check the world, instantiate, call.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store, StoreLimitsBuilder};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi_http::WasiHttpCtx;

use crate::bindings::processor::{ProcessorConnector, ProcessorConnectorPre};
use crate::bindings::sink::{SinkConnector, SinkConnectorPre};
use crate::bindings::source::{SourceConnector, SourceConnectorPre};
use crate::grants::{HostPolicy, HttpGrants, OAuthGrant};
use crate::kv::KvStore;
use crate::output::{LogOutput, Stream};
use crate::state::HostState;

pub use crate::bindings::types::{
    Action, Call, Error as ConnectorError, Event, Outbound, SendOptions, Sms,
};

/// Runs a guest call with a wall-clock limit; past it the call is abandoned
/// as a deadline trap (the caller then drops the instance).
async fn guarded<T>(
    limit: Duration,
    call: impl std::future::Future<Output = wasmtime::Result<T>>,
) -> wasmtime::Result<T> {
    match tokio::time::timeout(limit, call).await {
        Ok(result) => result,
        Err(_) => Err(wasmtime::Error::from(wasmtime::Trap::Interrupt)),
    }
}

/// Which of the three worlds a connector implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum World {
    /// `source-connector`: polled for messages to send.
    Source,
    /// `sink-connector`: given events.
    Sink,
    /// `processor-connector`: asked what to do with events.
    Processor,
}

impl World {
    /// The interface this world exports, with the contract version.
    pub fn export(self) -> &'static str {
        match self {
            World::Source => "plutanium:gateway/source@0.1.0",
            World::Sink => "plutanium:gateway/sink@0.1.0",
            World::Processor => "plutanium:gateway/processor@0.1.0",
        }
    }

    /// The world's name in the WIT.
    pub fn name(self) -> &'static str {
        match self {
            World::Source => "source-connector",
            World::Sink => "sink-connector",
            World::Processor => "processor-connector",
        }
    }

    const ALL: [World; 3] = [World::Source, World::Sink, World::Processor];
}
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
    /// Optional instruction budget per call (wasmtime fuel); `None` for no cap.
    pub fuel: Option<u64>,
    /// Wait after a trap before a fresh instance is made; doubles per
    /// consecutive trap, up to `restart_backoff_max`.
    pub restart_backoff: Duration,
    /// Longest wait between restarts.
    pub restart_backoff_max: Duration,
}

impl Default for RuntimeConfig {
    /// 10 ms ticks, 2 s per call, 64 MiB, no fuel cap, restarts after 100 ms
    /// doubling to 30 s.
    fn default() -> Self {
        RuntimeConfig {
            epoch_tick: Duration::from_millis(10),
            call_deadline: Duration::from_secs(2),
            memory_limit: 64 << 20,
            fuel: None,
            restart_backoff: Duration::from_millis(100),
            restart_backoff_max: Duration::from_secs(30),
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
    /// This connector's wall-time limit per call, instead of the runtime's.
    pub call_deadline: Option<Duration>,
    /// This connector's memory cap in bytes, instead of the runtime's.
    pub memory_limit: Option<usize>,
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
        /// The export (or exports) expected.
        expected: String,
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
    /// The connector implements another world than the call needs.
    #[error("the connector is a {actual:?}, not a {needed:?}")]
    WrongWorld {
        /// The world the call needs.
        needed: World,
        /// The connector's world.
        actual: World,
    },
    /// The connector trapped recently and waits before it is restarted.
    #[error("the connector is restarting; next try in {0:?}")]
    Backoff(Duration),
    /// The call used up its instruction budget and was stopped.
    #[error("the connector used up its fuel and was stopped")]
    OutOfFuel,
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
    cache_dir: Option<std::path::PathBuf>,
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
        engine_config.consume_fuel(config.fuel.is_some());
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
            cache_dir: None,
        })
    }

    /// Describes a component without instantiating it: its world, contract
    /// version, imports, exports, size, and whether this runtime can load it.
    ///
    /// With a compile cache, the compiled code is kept, so a later load of
    /// the same bytes does not compile again (this is how `install` precompiles).
    pub fn inspect(&self, bytes: &[u8]) -> Result<Inspection, LoadError> {
        let component = self.compile(bytes)?;
        let ty = component.component_type();
        let imports: Vec<String> = ty
            .imports(&self.engine)
            .map(|(n, _)| n.to_string())
            .collect();
        let exports: Vec<String> = ty
            .exports(&self.engine)
            .map(|(n, _)| n.to_string())
            .collect();
        let contract_version = exports
            .iter()
            .chain(imports.iter())
            .filter_map(|name| name.strip_prefix("plutanium:gateway/"))
            .filter_map(|rest| rest.split_once('@').map(|(_, v)| v.to_string()))
            .next();
        let checked = self.check_world(&component, None);
        Ok(Inspection {
            world: checked.as_ref().ok().copied(),
            contract_version,
            imports,
            exports,
            size: bytes.len(),
            incompatibility: checked.err().map(|e| e.to_string()),
        })
    }

    /// Keeps compiled machine code in `dir`, so a restart loads connectors
    /// without compiling them again.
    pub fn with_compile_cache(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// The component's world, from its exports, or a load error naming what is wrong.
    fn check_world(
        &self,
        component: &Component,
        wanted: Option<World>,
    ) -> Result<World, LoadError> {
        let ty = component.component_type();
        let exports: Vec<String> = ty
            .exports(&self.engine)
            .map(|(n, _)| n.to_string())
            .collect();
        let candidates: Vec<World> = wanted.map_or(World::ALL.to_vec(), |w| vec![w]);
        let found = candidates
            .iter()
            .copied()
            .find(|w| exports.iter().any(|e| e == w.export()));
        let Some(world) = found else {
            for w in &candidates {
                let unversioned = w.export().split('@').next().unwrap_or_default();
                if let Some(other) = exports
                    .iter()
                    .find(|e| e.starts_with(&format!("{unversioned}@")))
                {
                    return Err(LoadError::VersionMismatch {
                        expected: w.export(),
                        found: other.clone(),
                    });
                }
            }
            return Err(LoadError::MissingExport {
                expected: candidates
                    .iter()
                    .map(|w| w.export())
                    .collect::<Vec<_>>()
                    .join(" or "),
                found: if exports.is_empty() {
                    "nothing".into()
                } else {
                    exports.join(", ")
                },
            });
        };
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
        Ok(world)
    }

    /// Loads a component of any of the three worlds: checks its world and
    /// version, links it, and prepares instantiation (the first call instantiates).
    pub fn load(&self, name: &str, bytes: &[u8], grants: Grants) -> Result<Connector, LoadError> {
        self.load_world(name, bytes, grants, None)
    }

    /// Loads a component that must be a processor.
    pub fn load_processor(
        &self,
        name: &str,
        bytes: &[u8],
        grants: Grants,
    ) -> Result<Connector, LoadError> {
        self.load_world(name, bytes, grants, Some(World::Processor))
    }

    /// Compiles `bytes`, or loads the machine code compiled for them earlier from
    /// the cache directory. The cache key is the engine's compatibility hash (so a
    /// different wasmtime or configuration never reuses code) and the component's
    /// hash; a damaged or foreign entry is recompiled, never trusted.
    fn compile(&self, bytes: &[u8]) -> Result<Component, LoadError> {
        let Some(dir) = &self.cache_dir else {
            return Component::new(&self.engine, bytes)
                .map_err(|e| LoadError::Invalid(format!("{e:#}")));
        };
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        self.engine
            .precompile_compatibility_hash()
            .hash(&mut hasher);
        bytes.hash(&mut hasher);
        let path = dir.join(format!("{:016x}.cwasm", hasher.finish()));
        if let Ok(compiled) = std::fs::read(&path) {
            // SAFETY: `deserialize` trusts the bytes to be code this engine
            // produced. They come from a file this runtime wrote into its own
            // cache directory (which the operator keeps writable only by the
            // daemon), under a name bound to this engine's compatibility hash and
            // the component's bytes; wasmtime also checks the header and refuses
            // code from another version or configuration.
            #[allow(unsafe_code)]
            let loaded = unsafe { Component::deserialize(&self.engine, &compiled) };
            match loaded {
                Ok(component) => return Ok(component),
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "ignoring a bad cache entry")
                }
            }
        }
        let compiled = self
            .engine
            .precompile_component(bytes)
            .map_err(|e| LoadError::Invalid(format!("{e:#}")))?;
        // Write then rename, so a crash never leaves half an entry behind.
        let temporary = path.with_extension(format!("tmp{}", std::process::id()));
        let stored = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&temporary, &compiled))
            .and_then(|()| std::fs::rename(&temporary, &path));
        if let Err(e) = stored {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot write the compile cache");
        }
        // SAFETY: the bytes were produced by this engine a moment ago.
        #[allow(unsafe_code)]
        let component = unsafe { Component::deserialize(&self.engine, &compiled) };
        component.map_err(|e| LoadError::Runtime(format!("{e:#}")))
    }

    fn load_world(
        &self,
        name: &str,
        bytes: &[u8],
        grants: Grants,
        wanted: Option<World>,
    ) -> Result<Connector, LoadError> {
        let component = self.compile(bytes)?;
        let world = self.check_world(&component, wanted)?;
        let hosts = HostPolicy::new(&grants.allow_hosts)?;
        let link = |e: wasmtime::Error| LoadError::Runtime(format!("{e:#}"));
        let instance_pre = self.linker.instantiate_pre(&component).map_err(link)?;
        let pre = match world {
            World::Processor => {
                WorldPre::Processor(ProcessorConnectorPre::new(instance_pre).map_err(link)?)
            }
            World::Sink => WorldPre::Sink(SinkConnectorPre::new(instance_pre).map_err(link)?),
            World::Source => WorldPre::Source(SourceConnectorPre::new(instance_pre).map_err(link)?),
        };
        let mut config = self.config;
        if let Some(deadline) = grants.call_deadline {
            config.call_deadline = deadline;
        }
        if let Some(memory) = grants.memory_limit {
            config.memory_limit = memory;
        }
        Ok(Connector {
            name: name.to_string(),
            world,
            pre,
            http: HttpGrants {
                hosts,
                oauth: grants.oauth.clone(),
                connect_timeout: None,
                first_byte_timeout: None,
            },
            grants,
            config,
            kv: self.kv.clone(),
            engine: self.engine.clone(),
            instance: None,
            stats: Arc::new(std::sync::Mutex::new(ConnectorStats::default())),
            consecutive_traps: 0,
            not_before: None,
        })
    }
}

/// What [`Runtime::inspect`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    /// The world, when the component is loadable.
    pub world: Option<World>,
    /// The `plutanium:gateway` version it was built against, if it names one.
    pub contract_version: Option<String>,
    /// Everything it imports.
    pub imports: Vec<String>,
    /// Everything it exports.
    pub exports: Vec<String>,
    /// Its size in bytes.
    pub size: usize,
    /// Why this runtime cannot load it, or `None` when it can.
    pub incompatibility: Option<String>,
}

enum WorldPre {
    Processor(ProcessorConnectorPre<HostState>),
    Sink(SinkConnectorPre<HostState>),
    Source(SourceConnectorPre<HostState>),
}

enum WorldInstance {
    Processor(ProcessorConnector),
    Sink(SinkConnector),
    Source(SourceConnector),
}

/// A loaded connector. Calls for another world than its own return
/// [`CallError::WrongWorld`].
pub struct Connector {
    name: String,
    world: World,
    pre: WorldPre,
    http: HttpGrants,
    grants: Grants,
    config: RuntimeConfig,
    kv: Arc<dyn KvStore>,
    engine: Engine,
    instance: Option<(Store<HostState>, WorldInstance)>,
    /// Shared with [`Connector::stats_handle`]'s holders (the daemon's
    /// metrics and API).
    stats: Arc<std::sync::Mutex<ConnectorStats>>,
    consecutive_traps: u32,
    not_before: Option<std::time::Instant>,
}

/// Upper bounds (µs) of the call-latency histogram buckets; the last bucket is unbounded.
pub const LATENCY_BUCKETS_MICROS: [u64; 10] =
    [10, 20, 50, 100, 200, 500, 1_000, 5_000, 20_000, 100_000];

/// What one connector has done, for metrics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectorStats {
    /// Calls made (including failed ones).
    pub calls: u64,
    /// Calls that returned the connector's own error.
    pub errors: u64,
    /// Calls that trapped (crash, memory cap, fuel).
    pub traps: u64,
    /// Calls stopped at their deadline.
    pub deadlines: u64,
    /// Fresh instances made after a trap.
    pub restarts: u64,
    /// Call latencies: counts per [`LATENCY_BUCKETS_MICROS`] bucket, plus one
    /// for everything slower.
    pub latency_buckets: [u64; 11],
    /// Sum of all call latencies, in microseconds.
    pub latency_sum_micros: u64,
}

impl ConnectorStats {
    fn record_latency(&mut self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        let bucket = LATENCY_BUCKETS_MICROS
            .iter()
            .position(|&bound| micros <= bound)
            .unwrap_or(LATENCY_BUCKETS_MICROS.len());
        self.latency_buckets[bucket] += 1;
        self.latency_sum_micros = self.latency_sum_micros.saturating_add(micros);
    }
}

/// Reads a connector's statistics (see [`Connector::stats_handle`]).
#[derive(Clone, Debug)]
pub struct StatsHandle(Arc<std::sync::Mutex<ConnectorStats>>);

impl StatsHandle {
    /// The statistics now.
    pub fn get(&self) -> ConnectorStats {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Connector {
    /// What the connector has done so far.
    pub fn stats(&self) -> ConnectorStats {
        self.stats_handle().get()
    }

    /// A handle that reads this connector's statistics from anywhere, for
    /// as long as it lives (a reload that keeps the connector keeps them).
    pub fn stats_handle(&self) -> StatsHandle {
        StatsHandle(self.stats.clone())
    }

    fn record(&self, change: impl FnOnce(&mut ConnectorStats)) {
        change(&mut self.stats.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// The connector's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its world.
    pub fn world(&self) -> World {
        self.world
    }

    fn new_store(&self) -> Store<HostState> {
        let state = HostState {
            name: self.name.clone(),
            config: self.grants.config.clone(),
            kv: self.kv.clone(),
            wasi: WasiCtxBuilder::new()
                .stdout(LogOutput {
                    connector: self.name.clone(),
                    stream: Stream::Stdout,
                })
                .stderr(LogOutput {
                    connector: self.name.clone(),
                    stream: Stream::Stderr,
                })
                .build(),
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
        if let Some(fuel) = self.config.fuel {
            // Instantiation runs guest code too; it gets the same budget. A
            // store without fuel accounting refuses this, which cannot happen
            // here: the engine enables it whenever a budget is configured.
            let _ = store.set_fuel(fuel);
        }
        store
    }

    fn deadline_ticks(&self) -> u64 {
        let tick = self.config.epoch_tick.as_micros().max(1);
        u64::try_from(self.config.call_deadline.as_micros().div_ceil(tick)).unwrap_or(u64::MAX)
    }

    /// Makes sure there is a live instance and arms its deadline.
    async fn ready(&mut self, needed: World) -> Result<(), CallError> {
        if self.world != needed {
            return Err(CallError::WrongWorld {
                needed,
                actual: self.world,
            });
        }
        let ticks = self.deadline_ticks();
        if self.instance.is_none() {
            if let Some(not_before) = self.not_before {
                let now = std::time::Instant::now();
                if now < not_before {
                    return Err(CallError::Backoff(not_before - now));
                }
                self.record(|s| s.restarts += 1);
            }
            let mut store = self.new_store();
            store.set_epoch_deadline(ticks);
            store.epoch_deadline_trap();
            let instantiated = match &self.pre {
                WorldPre::Processor(pre) => pre
                    .instantiate_async(&mut store)
                    .await
                    .map(WorldInstance::Processor),
                WorldPre::Sink(pre) => pre
                    .instantiate_async(&mut store)
                    .await
                    .map(WorldInstance::Sink),
                WorldPre::Source(pre) => pre
                    .instantiate_async(&mut store)
                    .await
                    .map(WorldInstance::Source),
            };
            let instance = match instantiated {
                Ok(instance) => instance,
                Err(e) => {
                    // A start that traps is a trap: the same backoff applies.
                    self.record(|s| s.traps += 1);
                    let wait = self.schedule_restart();
                    tracing::warn!(connector = %self.name, error = %format!("{e:#}"), ?wait, "connector failed to start; retrying after a pause");
                    return Err(CallError::Trap(format!("instantiation failed: {e:#}")));
                }
            };
            self.instance = Some((store, instance));
        }
        if let Some((store, _)) = self.instance.as_mut() {
            store.set_epoch_deadline(ticks);
            if let Some(fuel) = self.config.fuel {
                store
                    .set_fuel(fuel)
                    .map_err(|e| CallError::Trap(format!("cannot set fuel: {e}")))?;
            }
        }
        Ok(())
    }

    /// The wall-clock limit of one call: the epoch deadline stops a guest
    /// running wasm, and this stops one blocked in the host (a slow HTTP
    /// answer), a little later.
    fn wall_deadline(&self) -> Duration {
        self.config.call_deadline + (self.config.call_deadline / 4).max(Duration::from_millis(100))
    }

    /// Counts a trap and sets when the next instance may start: the backoff
    /// doubles with every trap in a row, up to its maximum.
    fn schedule_restart(&mut self) -> Duration {
        self.consecutive_traps = self.consecutive_traps.saturating_add(1);
        let exponent = (self.consecutive_traps - 1).min(16);
        let wait = self
            .config
            .restart_backoff
            .saturating_mul(1 << exponent)
            .min(self.config.restart_backoff_max);
        self.not_before = Some(std::time::Instant::now() + wait);
        wait
    }

    /// How long until a trapped connector may start again (zero when it may
    /// start now or is running).
    pub fn restart_wait(&self) -> Duration {
        self.not_before.map_or(Duration::ZERO, |at| {
            at.saturating_duration_since(std::time::Instant::now())
        })
    }

    /// Turns a call's outcome into the API's, discarding a trapped instance.
    fn finish<T>(
        &mut self,
        started: std::time::Instant,
        result: wasmtime::Result<Result<T, ConnectorError>>,
    ) -> Result<T, CallError> {
        let elapsed = started.elapsed();
        self.record(|s| {
            s.calls += 1;
            s.record_latency(elapsed);
        });
        match result {
            Ok(Ok(value)) => {
                self.consecutive_traps = 0;
                self.not_before = None;
                Ok(value)
            }
            Ok(Err(e)) => {
                self.consecutive_traps = 0;
                self.not_before = None;
                self.record(|s| s.errors += 1);
                Err(CallError::Connector(e))
            }
            Err(trap) => {
                // A trapped instance is poisoned: drop it; a fresh one serves a
                // later call, after a backoff that grows while it keeps trapping.
                self.instance = None;
                let wait = self.schedule_restart();
                tracing::warn!(connector = %self.name, error = %format!("{trap:#}"), ?wait, "connector trapped; restarting after a pause");
                match trap.downcast_ref::<wasmtime::Trap>() {
                    Some(wasmtime::Trap::Interrupt) => {
                        self.record(|s| s.deadlines += 1);
                        Err(CallError::Deadline(self.config.call_deadline))
                    }
                    Some(wasmtime::Trap::OutOfFuel) => {
                        self.record(|s| s.traps += 1);
                        Err(CallError::OutOfFuel)
                    }
                    _ => {
                        self.record(|s| s.traps += 1);
                        Err(CallError::Trap(format!("{trap:#}")))
                    }
                }
            }
        }
    }

    /// Asks a processor what to do with `event`.
    pub async fn handle(&mut self, event: &Event) -> Result<Vec<Action>, CallError> {
        self.ready(World::Processor).await?;
        let started = std::time::Instant::now();
        let deadline = self.wall_deadline();
        let result = match self.instance.as_mut() {
            Some((store, WorldInstance::Processor(p))) => {
                guarded(
                    deadline,
                    p.plutanium_gateway_processor()
                        .call_handle(&mut *store, event),
                )
                .await
            }
            _ => return Err(CallError::Trap("no instance".into())),
        };
        self.finish(started, result)
    }

    /// Gives `event` to a sink.
    pub async fn deliver(&mut self, event: &Event) -> Result<(), CallError> {
        self.ready(World::Sink).await?;
        let started = std::time::Instant::now();
        let deadline = self.wall_deadline();
        let result = match self.instance.as_mut() {
            Some((store, WorldInstance::Sink(s))) => {
                guarded(
                    deadline,
                    s.plutanium_gateway_sink().call_deliver(&mut *store, event),
                )
                .await
            }
            _ => return Err(CallError::Trap("no instance".into())),
        };
        self.finish(started, result)
    }

    /// Asks a source for up to `max` messages.
    pub async fn poll(&mut self, max: u32) -> Result<Vec<Outbound>, CallError> {
        self.ready(World::Source).await?;
        let started = std::time::Instant::now();
        let deadline = self.wall_deadline();
        let result = match self.instance.as_mut() {
            Some((store, WorldInstance::Source(s))) => {
                guarded(
                    deadline,
                    s.plutanium_gateway_source().call_poll(&mut *store, max),
                )
                .await
            }
            _ => return Err(CallError::Trap("no instance".into())),
        };
        self.finish(started, result)
    }

    /// Tells a source these messages are durably queued.
    pub async fn ack(&mut self, keys: &[String]) -> Result<(), CallError> {
        self.ready(World::Source).await?;
        let started = std::time::Instant::now();
        let deadline = self.wall_deadline();
        let result = match self.instance.as_mut() {
            Some((store, WorldInstance::Source(s))) => {
                guarded(
                    deadline,
                    s.plutanium_gateway_source().call_ack(&mut *store, keys),
                )
                .await
            }
            _ => return Err(CallError::Trap("no instance".into())),
        };
        self.finish(started, result)
    }

    /// Tells a source these messages will never be sent, and why.
    pub async fn reject(&mut self, refused: &[(String, String)]) -> Result<(), CallError> {
        self.ready(World::Source).await?;
        let started = std::time::Instant::now();
        let deadline = self.wall_deadline();
        let result = match self.instance.as_mut() {
            Some((store, WorldInstance::Source(s))) => {
                guarded(
                    deadline,
                    s.plutanium_gateway_source()
                        .call_reject(&mut *store, refused),
                )
                .await
            }
            _ => return Err(CallError::Trap("no instance".into())),
        };
        self.finish(started, result)
    }
}
