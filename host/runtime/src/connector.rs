//! A loaded connector: its instance made on the first call and again after
//! a trap (with backoff), each call under its deadline, memory cap and
//! fuel, and its statistics kept.

use std::sync::Arc;
use std::time::Duration;

use wasmtime::component::ResourceTable;
use wasmtime::{Engine, Store, StoreLimitsBuilder};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi_http::WasiHttpCtx;

use crate::bindings::processor::{ProcessorConnector, ProcessorConnectorPre};
use crate::bindings::sink::{SinkConnector, SinkConnectorPre};
use crate::bindings::source::{SourceConnector, SourceConnectorPre};
use crate::error::CallError;
use crate::grants::{Grants, HttpGrants};
use crate::kv::KvStore;
use crate::limits::RuntimeConfig;
use crate::output::{LogOutput, Stream};
use crate::state::HostState;
use crate::stats::{ConnectorStats, StatsHandle};
use crate::world::World;
use crate::{Action, ConnectorError, Event, Outbound};

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

pub(crate) enum WorldPre {
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
    /// Keeps the runtime's entry for this component alive, so the next
    /// connector of the same component shares its code and memory image
    /// (the runtime keeps only a weak reference).
    _component: Arc<wasmtime::component::Component>,
}

impl Connector {
    /// A connector of `world`, linked and ready to instantiate on its first
    /// call.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        name: &str,
        world: World,
        pre: WorldPre,
        http: HttpGrants,
        grants: Grants,
        config: RuntimeConfig,
        kv: Arc<dyn KvStore>,
        engine: Engine,
        component: Arc<wasmtime::component::Component>,
    ) -> Connector {
        Connector {
            _component: component,
            name: name.to_string(),
            world,
            pre,
            http,
            grants,
            config,
            kv,
            engine,
            instance: None,
            stats: Arc::new(std::sync::Mutex::new(ConnectorStats::default())),
            consecutive_traps: 0,
            not_before: None,
        }
    }

    /// What the connector has done so far.
    pub fn stats(&self) -> ConnectorStats {
        self.stats_handle().get()
    }

    /// A handle that reads this connector's statistics from anywhere, for
    /// as long as it lives (a reload that keeps the connector keeps them).
    pub fn stats_handle(&self) -> StatsHandle {
        StatsHandle::new(self.stats.clone())
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
