//! The gateway: modems, store, connectors and routes wired together.
//!
//! Each modem's events are committed to the store and only then
//! acknowledged (so the modem deletes them), then routed ([`inbound`]);
//! routes run their processors through the runtime and commit the resulting
//! messages to the outbox under their idempotency keys ([`router`]); a
//! dispatcher claims due outbox rows and hands them to one worker per modem
//! ([`sender`]); sources are polled on their interval and acknowledged
//! after their messages are committed ([`upkeep`]). Every store call runs on
//! a blocking thread, never on a modem's task.
//!
//! Starting is two steps: [`Prepared::new`] does everything that can fail
//! (components loaded, ports parsed, PINs read) without touching a modem, so
//! a reload whose config cannot start leaves the running gateway alone; then
//! the prepared gateway is launched. A reload keeps the drivers of modems
//! whose config did not change (no reconnect, no re-init) and the router's
//! queue of committed events.

mod inbound;
mod router;
mod sender;
mod upkeep;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use plutanium_core::config::{ComponentRef, Config, ConnectorConfig, ModemConfig, Secret};
use plutanium_core::{Event, Processor, Sink};
use plutanium_modem::{DriverConfig, InProcessPorts, ModemHandle};
use plutanium_runtime::{Connector, Grants, Runtime, RuntimeConfig, World};
use plutanium_store::Store;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::connector_catalog::Catalog;
use router::RouterState;

/// How long stopping may take before the remaining tasks are aborted.
const STOP_DEADLINE: Duration = Duration::from_secs(15);

pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Runs `f` on the store from a blocking thread.
async fn blocking<R: Send + 'static>(
    store: &Arc<dyn Store>,
    f: impl FnOnce(&dyn Store) -> Result<R, plutanium_store::StoreError> + Send + 'static,
) -> Result<R> {
    let store = store.clone();
    Ok(tokio::task::spawn_blocking(move || f(store.as_ref())).await??)
}

/// Crash-test hook: when `PLUTANIUM_FAILPOINT` names `point`, the process
/// aborts there, as a `kill -9` at exactly that moment would. The crash
/// tests use it to stop the daemon between a commit and what follows it.
fn failpoint(point: &str) {
    static ARMED: OnceLock<Option<String>> = OnceLock::new();
    let armed = ARMED.get_or_init(|| std::env::var("PLUTANIUM_FAILPOINT").ok());
    if armed.as_deref() == Some(point) {
        eprintln!("failpoint {point}: aborting");
        std::process::abort();
    }
}

fn read_secret(secret: &Secret) -> Result<String> {
    match secret {
        Secret::Inline(value) => Ok(value.clone()),
        Secret::File(path) => Ok(std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .trim()
            .to_string()),
    }
}

/// An event committed to the store (or one that needs no commit), on its
/// way to the router.
pub(crate) struct Routable {
    /// The modem it came in on.
    origin: String,
    /// Where it is stored, to mark it routed.
    stored: Stored,
    event: Event,
}

/// Where a routable event is stored.
#[derive(Clone, Copy, Debug)]
enum Stored {
    Inbox(i64),
    Call(i64),
    /// A delivery status of this outbox row: not kept as an event, routed
    /// at most once.
    Status(i64),
    /// Not kept: routed at most once.
    Nothing,
}

impl Stored {
    /// The mark that records its routes ran, if it is stored.
    fn mark(self) -> Option<plutanium_store::RoutedMark> {
        match self {
            Stored::Inbox(id) => Some(plutanium_store::RoutedMark::Inbox(id)),
            Stored::Call(id) => Some(plutanium_store::RoutedMark::Call(id)),
            Stored::Status(_) | Stored::Nothing => None,
        }
    }

    /// The id of the row it is stored as, or is about.
    fn id(self) -> Option<i64> {
        match self {
            Stored::Inbox(id) | Stored::Call(id) | Stored::Status(id) => Some(id),
            Stored::Nothing => None,
        }
    }
}

/// A modem driver and the task that commits its events.
struct RunningModem {
    config: ModemConfig,
    handle: ModemHandle,
    events: JoinHandle<()>,
}

/// A modem to start, its driver configured.
struct ModemPlan {
    config: ModemConfig,
    driver: DriverConfig,
}

/// Everything a gateway needs that can fail, done before any modem or task
/// starts.
pub(crate) struct Prepared {
    config: Arc<Config>,
    runtime: Arc<Runtime>,
    processors: HashMap<String, Box<dyn Processor>>,
    sinks: HashMap<String, Box<dyn Sink>>,
    sources: Vec<(ConnectorConfig, Connector)>,
    /// Connectors whose config and component did not change: the running
    /// instances are taken over at launch (loaded again from these bytes
    /// only if the old gateway could not hand one over).
    reused: Vec<(ConnectorConfig, Vec<u8>)>,
    /// What each connector was prepared from, for the next reload.
    identities: HashMap<String, ConnectorIdentity>,
    modems: Vec<ModemPlan>,
    /// The statistics of the connectors loaded here.
    stats: ConnectorStatsMap,
}

/// Each connector's world and statistics, by name.
pub(crate) type ConnectorStatsMap =
    std::collections::BTreeMap<String, (World, plutanium_runtime::StatsHandle)>;

/// A connector's config and a hash of its component: equal identities mean
/// a reload need not restart it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ConnectorIdentity {
    config: ConnectorConfig,
    component: u64,
}

fn component_hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// Loads `connector` from `bytes` into `runtime`. A connector whose config
/// has no `default_country` gets the gateway's, so national numbers in its
/// config read as they do everywhere else in the file.
fn load_connector(
    runtime: &Runtime,
    connector: &ConnectorConfig,
    bytes: &[u8],
    default_country: Option<&str>,
) -> Result<Connector> {
    let mut config = connector.config.clone();
    if let Some(country) = default_country
        && !config.iter().any(|(key, _)| key == "default_country")
    {
        config.push((
            "default_country".into(),
            format!("+{}", country.trim_start_matches('+')),
        ));
    }
    let grants = Grants {
        allow_hosts: connector.allow_hosts.clone(),
        config,
        oauth: crate::oauth::grant(connector)?,
        call_deadline: Some(connector.deadline),
        memory_limit: Some((connector.memory_mib as usize) << 20),
    };
    runtime
        .load(&connector.name, bytes, grants)
        .with_context(|| format!("connector {}", connector.name))
}

impl Prepared {
    /// Loads the connectors and checks the modems of `config`. With
    /// `running` (a reload), its runtime is shared and its connectors whose
    /// config and component did not change are kept, not loaded again.
    pub(crate) fn new(
        config: Config,
        store: &Arc<dyn Store>,
        catalog: &Catalog,
        cache_dir: Option<PathBuf>,
        tweak_driver: &dyn Fn(&mut DriverConfig),
        running: Option<&Gateway>,
    ) -> Result<Prepared> {
        let mut modems = Vec::new();
        for modem in &config.modems {
            let port = modem
                .port
                .parse()
                .with_context(|| format!("modem {}: port {:?}", modem.name, modem.port))?;
            let mut driver = DriverConfig::new(&modem.name, port);
            driver.pin = modem
                .pin
                .as_ref()
                .map(read_secret)
                .transpose()
                .with_context(|| format!("modem {}: PIN", modem.name))?;
            driver.hang_up_calls = modem.hang_up_calls;
            tweak_driver(&mut driver);
            modems.push(ModemPlan {
                config: modem.clone(),
                driver,
            });
        }
        let runtime = match running {
            Some(gateway) => gateway.runtime.clone(),
            None => {
                let mut runtime = Runtime::new(RuntimeConfig::default(), store.clone())?;
                if let Some(dir) = cache_dir {
                    runtime = runtime.with_compile_cache(dir);
                }
                Arc::new(runtime)
            }
        };
        let mut processors: HashMap<String, Box<dyn Processor>> = HashMap::new();
        let mut sinks: HashMap<String, Box<dyn Sink>> = HashMap::new();
        let mut sources = Vec::new();
        let mut reused = Vec::new();
        let mut identities = HashMap::new();
        let mut stats = ConnectorStatsMap::new();
        for connector in &config.connectors {
            let bytes = match &connector.component {
                ComponentRef::Name(name) => catalog
                    .bytes(name)?
                    .with_context(|| {
                        format!(
                            "connector {}: no built-in or installed component called {name:?}",
                            connector.name
                        )
                    })?
                    .into_owned(),
                ComponentRef::Path(path) => std::fs::read(path).with_context(|| {
                    format!(
                        "connector {}: cannot read {}",
                        connector.name,
                        path.display()
                    )
                })?,
            };
            let identity = ConnectorIdentity {
                config: connector.clone(),
                component: component_hash(&bytes),
            };
            let unchanged = running
                .and_then(|gateway| gateway.connectors.get(&connector.name))
                .is_some_and(|running| *running == identity);
            identities.insert(connector.name.clone(), identity);
            if unchanged {
                reused.push((connector.clone(), bytes));
                continue;
            }
            let loaded = load_connector(
                &runtime,
                connector,
                &bytes,
                config.default_country.as_deref(),
            )?;
            stats.insert(
                connector.name.clone(),
                (loaded.world(), loaded.stats_handle()),
            );
            match loaded.world() {
                World::Processor => {
                    processors.insert(connector.name.clone(), Box::new(loaded));
                }
                World::Sink => {
                    sinks.insert(connector.name.clone(), Box::new(loaded));
                }
                World::Source => sources.push((connector.clone(), loaded)),
            }
        }
        let kept_world = |name: &str| running.and_then(|gateway| gateway.worlds.get(name).copied());
        check_worlds(&config, &processors, &sinks, &sources, &kept_world)?;
        Ok(Prepared {
            config: Arc::new(config),
            runtime,
            processors,
            sinks,
            sources,
            reused,
            identities,
            modems,
            stats,
        })
    }
}

/// Refuses routes that use a connector as what its world is not: a route
/// starts at a modem or a source, goes through processors, and ends at
/// modems or sinks.
fn check_worlds(
    config: &Config,
    processors: &HashMap<String, Box<dyn Processor>>,
    sinks: &HashMap<String, Box<dyn Sink>>,
    sources: &[(ConnectorConfig, Connector)],
    kept_world: &dyn Fn(&str) -> Option<World>,
) -> Result<()> {
    use plutanium_core::config::Endpoint;
    let world = |name: &str| {
        if let Some(world) = kept_world(name) {
            match world {
                World::Processor => "a processor",
                World::Sink => "a sink",
                World::Source => "a source",
            }
        } else if processors.contains_key(name) {
            "a processor"
        } else if sinks.contains_key(name) {
            "a sink"
        } else if sources.iter().any(|(c, _)| c.name == name) {
            "a source"
        } else {
            "not loaded"
        }
    };
    let mut problems = Vec::new();
    for (index, route) in config.routes.iter().enumerate() {
        let number = index + 1;
        if let Endpoint::Connector(name) = &route.from
            && world(name) != "a source"
        {
            problems.push(format!(
                "route {number}: `from: {name}` must be a modem or a source, and {name} is {}",
                world(name)
            ));
        }
        for name in &route.through {
            if world(name) != "a processor" {
                problems.push(format!(
                    "route {number}: `through: {name}` must be a processor, and {name} is {}",
                    world(name)
                ));
            }
        }
        for end in &route.to {
            if let Endpoint::Connector(name) = end
                && world(name) != "a sink"
            {
                problems.push(format!(
                    "route {number}: `to: {name}` must be a modem or a sink, and {name} is {}",
                    world(name)
                ));
            }
        }
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(())
}

/// A running gateway; dropping it does not stop it, [`Gateway::stop`] does.
pub(crate) struct Gateway {
    /// Kept alive (and shared with the gateway a reload makes): dropping the
    /// runtime stops its epoch ticker, and with it every connector's
    /// deadline.
    runtime: Arc<Runtime>,
    /// What each running connector was made from, and its world.
    connectors: HashMap<String, ConnectorIdentity>,
    worlds: HashMap<String, World>,
    store: Arc<dyn Store>,
    modems: Vec<RunningModem>,
    route_tx: mpsc::UnboundedSender<Routable>,
    inbound_writer: inbound::InboundWriter,
    /// The router's queue, kept here too: if the router has to be aborted,
    /// the next one still takes over what it had not routed.
    router_events: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Routable>>>,
    router: JoinHandle<RouterState>,
    stop: watch::Sender<bool>,
    /// Sender and housekeeping.
    tasks: Vec<JoinHandle<()>>,
    /// The sources' polling tasks; each returns its source when it stops.
    source_tasks: Vec<JoinHandle<Connector>>,
    /// Live events, for the API; the same bus across reloads.
    live: crate::live::Live,
    /// The connectors' statistics.
    stats: ConnectorStatsMap,
}

/// What a reload keeps from the gateway it replaces.
struct Kept {
    modems: Vec<RunningModem>,
    /// The connectors as they stopped, by name.
    processors: HashMap<String, Box<dyn Processor>>,
    sinks: HashMap<String, Box<dyn Sink>>,
    sources: HashMap<String, Connector>,
    route_tx: mpsc::UnboundedSender<Routable>,
    inbound_writer: inbound::InboundWriter,
    router: RouterState,
    live: crate::live::Live,
    stats: ConnectorStatsMap,
}

impl Gateway {
    /// Prepares and starts everything `config` names. `in_process` serves
    /// `sim://` ports.
    pub(crate) async fn start(
        config: Config,
        store: Arc<dyn Store>,
        catalog: Catalog,
        cache_dir: Option<PathBuf>,
        in_process: Option<Arc<dyn InProcessPorts>>,
        tweak_driver: impl Fn(&mut DriverConfig),
    ) -> Result<Gateway> {
        let prepared = Prepared::new(config, &store, &catalog, cache_dir, &tweak_driver, None)?;
        Ok(Gateway::launch(prepared, store, in_process, None).await)
    }

    /// Starts a gateway prepared by [`Prepared::new`].
    pub(crate) async fn launch_prepared(
        prepared: Prepared,
        store: Arc<dyn Store>,
        in_process: Option<Arc<dyn InProcessPorts>>,
    ) -> Gateway {
        Gateway::launch(prepared, store, in_process, None).await
    }

    /// Replaces this gateway with `prepared`: modems and connectors whose
    /// config did not change keep running, the rest stop and start (a
    /// connector's durable KV stays in the store either way); committed
    /// events not yet routed are routed by the new router.
    pub(crate) async fn reload(
        self,
        prepared: Prepared,
        in_process: Option<Arc<dyn InProcessPorts>>,
    ) -> Gateway {
        let store = self.store.clone();
        let kept = self.stop_keeping(&prepared.config).await;
        Gateway::launch(prepared, store, in_process, Some(kept)).await
    }

    async fn launch(
        prepared: Prepared,
        store: Arc<dyn Store>,
        in_process: Option<Arc<dyn InProcessPorts>>,
        mut kept: Option<Kept>,
    ) -> Gateway {
        let Prepared {
            config,
            runtime,
            mut processors,
            mut sinks,
            mut sources,
            reused,
            identities,
            modems: plans,
            mut stats,
        } = prepared;
        let (stop, stopped) = watch::channel(false);
        let (mut kept_processors, mut kept_sinks, mut kept_sources) = match &mut kept {
            Some(kept) => (
                std::mem::take(&mut kept.processors),
                std::mem::take(&mut kept.sinks),
                std::mem::take(&mut kept.sources),
            ),
            None => Default::default(),
        };
        let kept_stats = kept
            .as_mut()
            .map(|kept| std::mem::take(&mut kept.stats))
            .unwrap_or_default();
        for (connector, bytes) in reused {
            let name = connector.name.clone();
            if let Some(handle) = kept_stats.get(&name) {
                stats.insert(name.clone(), handle.clone());
            }
            if let Some(processor) = kept_processors.remove(&name) {
                processors.insert(name, processor);
            } else if let Some(sink) = kept_sinks.remove(&name) {
                sinks.insert(name, sink);
            } else if let Some(source) = kept_sources.remove(&name) {
                sources.push((connector, source));
            } else {
                // The old gateway could not hand it over (its router was
                // aborted): a fresh instance, from the same bytes.
                match load_connector(
                    &runtime,
                    &connector,
                    &bytes,
                    config.default_country.as_deref(),
                ) {
                    Ok(loaded) => {
                        stats.insert(name.clone(), (loaded.world(), loaded.stats_handle()));
                        match loaded.world() {
                            World::Processor => {
                                processors.insert(name, Box::new(loaded));
                            }
                            World::Sink => {
                                sinks.insert(name, Box::new(loaded));
                            }
                            World::Source => sources.push((connector, loaded)),
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %format!("{e:#}"), "a connector did not start again")
                    }
                }
            }
        }
        let mut worlds = HashMap::new();
        worlds.extend(processors.keys().map(|n| (n.clone(), World::Processor)));
        worlds.extend(sinks.keys().map(|n| (n.clone(), World::Sink)));
        worlds.extend(sources.iter().map(|(c, _)| (c.name.clone(), World::Source)));
        let live = kept
            .as_ref()
            .map_or_else(crate::live::channel, |kept| kept.live.clone());
        let (route_tx, router_state, mut modems, inbound_writer) = match kept {
            Some(kept) => (kept.route_tx, kept.router, kept.modems, kept.inbound_writer),
            None => {
                // Unbounded: every event in it is committed already, and a
                // slow connector must never make a modem wait (invariant 3).
                // What was stored but not routed before a stop goes first.
                let (route_tx, route_rx) = mpsc::unbounded_channel();
                queue_unrouted(&store, &route_tx).await;
                let events = Arc::new(tokio::sync::Mutex::new(route_rx));
                let writer = inbound::InboundWriter::spawn(store.clone());
                (route_tx, RouterState::new(events), Vec::new(), writer)
            }
        };
        // Parts of multipart messages kept before a stop go back into
        // reassembly (read now: a modem restarted by a reload has stopped).
        let mut kept_parts = blocking(&store, |s| s.pending_parts())
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "cannot read kept parts of multipart messages");
                Vec::new()
            });
        for mut plan in plans {
            if modems.iter().any(|m| m.config.name == plan.config.name) {
                continue;
            }
            plan.driver.restored_parts = kept_parts
                .extract_if(.., |part| part.modem == plan.config.name)
                .filter_map(|part| String::from_utf8(part.pdu).ok())
                .collect();
            let (handle, events) = plutanium_modem::spawn(plan.driver, in_process.clone());
            let events = tokio::spawn(inbound::modem_events(
                plan.config.name.clone(),
                plan.config.number.clone().unwrap_or_default(),
                events,
                store.clone(),
                inbound_writer.clone(),
                route_tx.clone(),
                live.clone(),
            ));
            tokio::spawn(crate::live::watch_modem(
                plan.config.name.clone(),
                handle.state(),
                live.clone(),
            ));
            modems.push(RunningModem {
                config: plan.config,
                handle,
                events,
            });
        }
        let mut tasks = vec![tokio::spawn(upkeep::housekeeping(
            config.retention,
            store.clone(),
            stopped.clone(),
        ))];
        tasks.extend(sender::spawn(
            config.clone(),
            modems.iter().map(|m| m.handle.clone()).collect(),
            store.clone(),
            stopped.clone(),
            live.clone(),
        ));
        let mut source_tasks = Vec::new();
        for (source_config, source) in sources {
            source_tasks.push(tokio::spawn(upkeep::poll_source(
                config.clone(),
                source_config.name.clone(),
                source_config.interval,
                source_config.batch,
                source,
                store.clone(),
                stopped.clone(),
            )));
        }
        let router_events = router_state.events.clone();
        let router = tokio::spawn(router::router(
            config.clone(),
            router_state,
            processors,
            sinks,
            store.clone(),
            stopped,
        ));
        Gateway {
            runtime,
            connectors: identities,
            worlds,
            source_tasks,
            store,
            modems,
            route_tx,
            inbound_writer,
            router_events,
            router,
            stop,
            tasks,
            live,
            stats,
        }
    }

    /// The connectors' worlds and statistics, by name.
    pub(crate) fn connector_stats(&self) -> ConnectorStatsMap {
        self.stats.clone()
    }

    /// The live event bus (the same one across reloads).
    pub(crate) fn live(&self) -> crate::live::Live {
        self.live.clone()
    }

    /// The running modems' handles, by name (for the API).
    pub(crate) fn modem_handles(&self) -> Vec<(String, plutanium_modem::ModemHandle)> {
        self.modems
            .iter()
            .map(|m| (m.config.name.clone(), m.handle.clone()))
            .collect()
    }

    /// Stops polling, sending and routing: the sender finishes each modem's
    /// send in flight and gives back what it had not started, the router
    /// finishes its event and leaves the rest to the store. Then each modem
    /// finishes its AT command and stops. Tasks still running after
    /// [`STOP_DEADLINE`] are aborted.
    pub(crate) async fn stop(self) {
        let deadline = tokio::time::Instant::now() + STOP_DEADLINE;
        let kept = self.stop_keeping_until(None, deadline).await;
        drop(kept);
    }

    /// Stops everything but the modems whose config is the same in `next`
    /// (and the router's queue), and hands those over.
    async fn stop_keeping(self, next: &Config) -> Kept {
        let deadline = tokio::time::Instant::now() + STOP_DEADLINE;
        self.stop_keeping_until(Some(next), deadline).await
    }

    async fn stop_keeping_until(
        self,
        next: Option<&Config>,
        deadline: tokio::time::Instant,
    ) -> Kept {
        let _ = self.stop.send(true);
        for task in self.tasks {
            finish(task, deadline).await;
        }
        let mut sources = HashMap::new();
        for mut task in self.source_tasks {
            match tokio::time::timeout_at(deadline, &mut task).await {
                Ok(Ok(source)) => {
                    sources.insert(source.name().to_string(), source);
                }
                Ok(Err(_)) => {}
                Err(_) => {
                    tracing::warn!("a source did not stop in time; aborting it");
                    task.abort();
                    let _ = task.await;
                }
            }
        }
        let mut router_task = self.router;
        let mut router = match tokio::time::timeout_at(deadline, &mut router_task).await {
            Ok(Ok(state)) => state,
            outcome => {
                if outcome.is_err() {
                    // Stuck in a stage: aborted, which releases its queue.
                    router_task.abort();
                    let _ = router_task.await;
                }
                tracing::warn!(
                    "the router did not stop cleanly; the events it was retrying are routed at the next start"
                );
                RouterState::new(self.router_events)
            }
        };
        let (keep, stop): (Vec<_>, Vec<_>) = self
            .modems
            .into_iter()
            .partition(|m| next.is_some_and(|next| next.modems.contains(&m.config)));
        for modem in &stop {
            modem.handle.stop().await;
        }
        for modem in stop {
            finish(modem.events, deadline).await;
        }
        Kept {
            modems: keep,
            processors: std::mem::take(&mut router.processors),
            sinks: std::mem::take(&mut router.sinks),
            sources,
            route_tx: self.route_tx,
            inbound_writer: self.inbound_writer,
            router,
            live: self.live,
            stats: self.stats,
        }
    }
}

/// Waits for `task` until `deadline`, then aborts it.
async fn finish<T>(mut task: JoinHandle<T>, deadline: tokio::time::Instant) {
    if tokio::time::timeout_at(deadline, &mut task).await.is_err() {
        tracing::warn!("a task did not stop in time; aborting it");
        task.abort();
        let _ = task.await;
    }
}

/// Queues what was stored but not routed before the last stop.
async fn queue_unrouted(store: &Arc<dyn Store>, route_tx: &mpsc::UnboundedSender<Routable>) {
    let found = blocking(store, |s| {
        Ok((s.unrouted_inbound(100_000)?, s.unrouted_calls(100_000)?))
    })
    .await;
    match found {
        Ok((messages, calls)) => {
            if !messages.is_empty() || !calls.is_empty() {
                tracing::info!(
                    messages = messages.len(),
                    calls = calls.len(),
                    "routing what was stored before the last stop"
                );
            }
            for (id, record) in messages {
                let _ = route_tx.send(inbound::sms_event(id, record));
            }
            for call in calls {
                let _ = route_tx.send(inbound::call_event(
                    call.id,
                    call.modem,
                    call.caller,
                    call.at,
                ));
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot read unrouted messages; they are routed at the next start")
        }
    }
}

/// Refuses a config the gateway cannot run (for now: `sim://` ports need the demo).
pub(crate) fn check_runnable(config: &Config, in_process: bool) -> Result<()> {
    if !in_process && let Some(modem) = config.modems.iter().find(|m| m.port.starts_with("sim://"))
    {
        bail!(
            "modem {}: sim:// ports exist only inside `plutanium demo`",
            modem.name
        );
    }
    Ok(())
}

#[cfg(test)]
mod api_load_tests;
#[cfg(test)]
mod gmail_tests;
#[cfg(test)]
mod tests {
    use plutanium_modem_sim::{Latency, ModemConfig, Simulator};

    use plutanium_store::{InboundRecord, NewOutbound, SendOutcome, SqliteStore};

    use super::sender::LEASE;
    use super::*;

    const CONFIG: &str = r#"
modems:
  gsm0: { port: "sim://gsm0", number: "+420777000000" }
connectors:
  notify:
    component: missed-call
    config: { notify: ["+420777000111"] }
routes:
  - { from: gsm0, through: [notify], to: gsm0 }
"#;

    /// A simulated network with one modem, gsm0 (+420777000000).
    pub(super) fn network(seed: u64) -> Simulator {
        let sim = Simulator::start(seed, Latency::Zero);
        sim.add_modem(ModemConfig::new("gsm0", "+420777000000"))
            .unwrap();
        sim
    }

    /// Why `config` does not prepare (it must not).
    pub(super) fn refused(
        config: Config,
        store: &Arc<SqliteStore>,
        dir: &std::path::Path,
    ) -> String {
        let store: Arc<dyn Store> = store.clone();
        match Prepared::new(config, &store, &Catalog::new(dir), None, &|_| {}, None) {
            Ok(_) => panic!("the config was accepted"),
            Err(error) => format!("{error:#}"),
        }
    }

    pub(super) fn config(text: &str) -> Config {
        plutanium_core::config::load(text, &|_| None).expect("config")
    }

    /// Starts a gateway for `config` over `store`, its modems on `ports`.
    pub(super) async fn start_on(
        config: Config,
        store: &Arc<SqliteStore>,
        dir: &std::path::Path,
        ports: Option<Arc<dyn InProcessPorts>>,
    ) -> Gateway {
        Gateway::start(
            config,
            store.clone(),
            Catalog::new(dir),
            None,
            ports,
            |driver| driver.reconnect_initial = Duration::from_millis(50),
        )
        .await
        .expect("starts")
    }

    /// A simulated network with gsm0, a data directory, and a store on disk
    /// in it: what most tests start a gateway on.
    pub(super) fn fixture(seed: u64) -> (Simulator, tempfile::TempDir, Arc<SqliteStore>) {
        let sim = network(seed);
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
        (sim, dir, store)
    }

    /// [`start_on`] with `sim` serving the `sim://` ports.
    pub(super) async fn start_on_sim(
        config: Config,
        store: &Arc<SqliteStore>,
        dir: &tempfile::TempDir,
        sim: &Simulator,
    ) -> Gateway {
        let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
        start_on(config, store, dir.path(), Some(ports)).await
    }

    pub(super) async fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(found) = probe() {
                return found;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn calls_and_messages_take_the_whole_path() {
        let (sim, dir, store) = fixture(7);
        let config = config(CONFIG);
        let gateway = start_on_sim(config, &store, &dir, &sim).await;

        // A missed call: logged, routed through the built-in missed-call
        // connector, committed to the outbox, sent, and received by the owner.
        sim.call("+420601234567", "+420777000000").unwrap();
        let message = eventually("the owner's notification", || {
            sim.phone_inbox("+420777000111").into_iter().next()
        })
        .await;
        assert!(
            message
                .text
                .starts_with("Missed call from +420601234567 at "),
            "{}",
            message.text
        );
        assert_eq!(message.from, "+420777000000");
        assert_eq!(
            store.recent_calls(10).unwrap()[0].caller.as_deref(),
            Some("+420601234567")
        );
        let row = store.recent_outbound(10).unwrap().remove(0);
        assert!(
            row.key
                .starts_with("notify:missed-call:gsm0:+420601234567:"),
            "{}",
            row.key
        );

        // An inbound SMS is committed to the inbox once.
        sim.phone_send("+420601234567", "+420777000000", "Ahoj 👋")
            .unwrap();
        let stored = eventually("the inbound SMS in the store", || {
            store
                .recent_inbound(10)
                .unwrap()
                .into_iter()
                .find(|(_, m)| m.text == "Ahoj 👋")
        })
        .await;
        assert_eq!(stored.1.sender, "+420601234567");
        gateway.stop().await;
        assert_eq!(
            sim.phone_inbox("+420777000111").len(),
            1,
            "one call, one notification"
        );
    }

    /// The test source built by the runtime's build script.
    fn test_source() -> PathBuf {
        let target = option_env!("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
        target.join("guests/wasm32-wasip2/release/plutanium_test_source.wasm")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_source_is_polled_sent_and_acknowledged_after_commit() {
        let sim = network(8);
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("plutanium.db");
        let config_text = format!(
            r#"
modems:
  gsm0: {{ port: "sim://gsm0" }}
connectors:
  queue:
    component: {source}
    interval: 100ms
    batch: 2
    config: {{ count: "3", to: "+420777000111" }}
  premium:
    component: {source}
    interval: 100ms
    config: {{ count: "1", to: "9090" }}
"#,
            source = test_source().display()
        );
        let config = config(&config_text);
        let store = Arc::new(SqliteStore::open(&db).unwrap());
        let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
        let gateway = start_on(config.clone(), &store, dir.path(), Some(ports.clone())).await;
        let texts = eventually("three messages on the phone", || {
            let inbox = sim.phone_inbox("+420777000111");
            (inbox.len() >= 3).then(|| inbox.into_iter().map(|m| m.text).collect::<Vec<_>>())
        })
        .await;
        assert_eq!(
            texts,
            ["message 1", "message 2", "message 3"],
            "oldest first"
        );
        // The short code was refused by policy and handed back to its source.
        assert!(store.outbound_by_key("premium:test:1").unwrap().is_none());
        gateway.stop().await;

        // A restart: the source was acknowledged, so nothing is sent again.
        let store = Arc::new(SqliteStore::open(&db).unwrap());
        let gateway = start_on(config, &store, dir.path(), Some(ports)).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        gateway.stop().await;
        assert_eq!(
            sim.phone_inbox("+420777000111").len(),
            3,
            "nothing sent twice"
        );
        assert_eq!(store.stats().unwrap().queued, 0);
        // Each source heard back, as its store shows.
        use plutanium_core::KvStore;
        let done = |ns: &str, key: &str| {
            store
                .get(ns, key)
                .unwrap()
                .map(|v| String::from_utf8_lossy(&v).into_owned())
        };
        assert_eq!(done("premium", "done/test:1").as_deref(), Some("rejected"));
        assert_eq!(
            done("queue", "done/test:3").as_deref(),
            Some("sent"),
            "acknowledged after commit"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_call_that_rings_five_times_is_one_call_and_one_notification() {
        let (sim, dir, store) = fixture(35);
        // Rings 50 ms apart instead of 5 s: the whole call in a blink.
        sim.set_ring_interval(Duration::from_millis(50));
        let gateway = start_on_sim(config(CONFIG), &store, &dir, &sim).await;
        sim.call("+420601234567", "+420777000000").unwrap();
        eventually("the notification", || {
            sim.phone_inbox("+420777000111").into_iter().next()
        })
        .await;
        // Five RINGs and +CLIPs take 250 ms; wait well past them.
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(sim.phone_inbox("+420777000111").len(), 1, "one SMS");
        assert_eq!(store.recent_calls(10).unwrap().len(), 1, "one call logged");
        gateway.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn expiry_and_retention_run_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
        let long_ago = now_ms() - 200 * 86_400_000;
        let old = |key: &str| NewOutbound {
            key: key.into(),
            source: "test".into(),
            to: "+420777000111".into(),
            text: "old".into(),
            options: plutanium_core::SendOptions::default(),
            allowed_modems: Vec::new(),
        };
        // Waiting unsent for 200 days, and finished 200 days ago.
        let waiting = store.enqueue(&old("waiting"), long_ago).unwrap().id();
        let finished = store.enqueue(&old("finished"), long_ago).unwrap().id();
        let claimed = store.claim(long_ago, 10, LEASE).unwrap();
        let attempt = claimed.iter().find(|r| r.id == finished).unwrap().attempts;
        store
            .complete(
                finished,
                attempt,
                &SendOutcome::Failed { error: "x".into() },
                long_ago,
            )
            .unwrap();
        store.release(waiting, 1, long_ago).unwrap();
        // No modems at all: only housekeeping has work.
        let config = config("retention: 90d\n");
        let gateway = start_on(config, &store, dir.path(), None).await;
        let expired = eventually("the waiting row to expire", || {
            store
                .outbound(waiting)
                .unwrap()
                .filter(|r| r.state == plutanium_store::OutboxState::Expired)
        })
        .await;
        assert_eq!(
            expired.last_error.as_deref(),
            Some("validity ran out before it was sent")
        );
        eventually("the finished row to be pruned after the retention", || {
            store.outbound(finished).unwrap().is_none().then_some(())
        })
        .await;
        gateway.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn messages_stored_before_a_stop_are_routed_at_start() {
        let (sim, dir, store) = fixture(9);
        // Committed (and so deleted from the modem), then the daemon stopped
        // before its routes ran.
        let record = InboundRecord {
            fingerprint: "gsm0:earlier".into(),
            modem: "gsm0".into(),
            sender: "+420601234567".into(),
            recipient: "+420777000000".into(),
            text: "hello".into(),
            received_at: now_ms(),
            meta: Vec::new(),
        };
        store.insert_inbound(&record, None, now_ms()).unwrap();
        let processor = test_source().with_file_name("plutanium_test_processor.wasm");
        let config_text = format!(
            r#"
modems:
  gsm0: {{ port: "sim://gsm0" }}
connectors:
  echo: {{ component: {} }}
routes:
  - {{ from: gsm0, through: [echo], to: gsm0 }}
"#,
            processor.display()
        );
        let config = config(&config_text);
        let gateway = start_on_sim(config, &store, &dir, &sim).await;
        let reply = eventually("the reply to the stored message", || {
            sim.phone_inbox("+420601234567").into_iter().next()
        })
        .await;
        assert_eq!(reply.text, "echo: hello");
        eventually("the message marked routed", || {
            store.unrouted_inbound(10).unwrap().is_empty().then_some(())
        })
        .await;
        gateway.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_looping_connector_is_stopped_at_its_deadline_and_the_route_goes_on() {
        let (sim, dir, store) = fixture(10);
        let processor = test_source().with_file_name("plutanium_test_processor.wasm");
        let config_text = format!(
            r#"
modems:
  gsm0: {{ port: "sim://gsm0" }}
connectors:
  looper: {{ component: {p}, deadline: 200ms, config: {{ mode: loop }} }}
  echo: {{ component: {p} }}
routes:
  - {{ from: gsm0, through: [looper, echo], to: gsm0 }}
"#,
            p = processor.display()
        );
        let config = config(&config_text);
        let gateway = start_on_sim(config, &store, &dir, &sim).await;
        sim.phone_send("+420601234567", "+420777000000", "ping")
            .unwrap();
        let reply = eventually("the echo after the looping stage", || {
            sim.phone_inbox("+420601234567").into_iter().next()
        })
        .await;
        assert_eq!(reply.text, "echo: ping");
        gateway.stop().await;
    }

    fn echo_config(extra_modems: &str, route: &str) -> Config {
        let processor = test_source().with_file_name("plutanium_test_processor.wasm");
        config(&format!(
            r#"
modems:
  gsm0: {{ port: "sim://gsm0", number: "+420777000000", rate_per_minute: 10000 }}
{extra_modems}
connectors:
  echo: {{ component: {p} }}
routes:
  - {route}
"#,
            p = processor.display()
        ))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_store_leaves_inbound_on_the_modem_until_there_is_room() {
        let sim = network(11);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plutanium.db");
        let store = Arc::new(SqliteStore::open(&path).unwrap());
        let config = echo_config("", "{ from: gsm0, through: [echo], to: gsm0 }");
        let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
        let gateway = Gateway::start(
            config,
            store.clone(),
            Catalog::new(dir.path()),
            None,
            Some(ports),
            |driver| driver.health_interval = Duration::from_millis(300),
        )
        .await
        .unwrap();
        // Full: not one more page, and no room left in the pages there are.
        let pages = store.page_count().unwrap();
        store.limit_pages(pages).unwrap();
        let mut n = 0;
        for size in [2000, 500, 100, 10, 0] {
            loop {
                n += 1;
                let filler = InboundRecord {
                    fingerprint: format!("filler:{n}"),
                    modem: "gsm0".into(),
                    sender: "filler".into(),
                    recipient: String::new(),
                    text: "f".repeat(size),
                    received_at: 0,
                    meta: Vec::new(),
                };
                if let Err(e) = store.insert_inbound(&filler, None, now_ms()) {
                    assert!(e.is_full(), "{e}");
                    break;
                }
            }
        }
        let from_phone = |store: &SqliteStore| {
            store
                .recent_inbound(100_000)
                .unwrap()
                .into_iter()
                .filter(|(_, m)| m.sender == "+420601234567")
                .count()
        };
        sim.phone_send("+420601234567", "+420777000000", &"x".repeat(150))
            .unwrap();
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(from_phone(&store), 0);
        assert!(sim.phone_inbox("+420601234567").is_empty(), "not answered");
        // Room again: the modem's next sweep hands it over, once.
        store.limit_pages(1 << 30).unwrap();
        let reply = eventually("the answer once there is room", || {
            sim.phone_inbox("+420601234567").into_iter().next()
        })
        .await;
        assert_eq!(reply.text, format!("echo: {}", "x".repeat(150)));
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(sim.phone_inbox("+420601234567").len(), 1);
        assert_eq!(from_phone(&store), 1);
        gateway.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_route_sends_only_through_its_modems_and_a_reload_keeps_unchanged_ones() {
        let sim = network(13);
        sim.add_modem(ModemConfig::new("gsm1", "+420777000001"))
            .unwrap();
        sim.add_modem(ModemConfig::new("gsm2", "+420777000002"))
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
        let modems = r#"  gsm1: { port: "sim://gsm1", number: "+420777000001", rate_per_minute: 10000 }
  gsm2: { port: "sim://gsm2", number: "+420777000002", rate_per_minute: 10000 }"#;
        let route = "{ from: gsm0, through: [echo], to: [gsm1, gsm2] }";
        let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
        let gateway = start_on(
            echo_config(modems, route),
            &store,
            dir.path(),
            Some(ports.clone()),
        )
        .await;
        for n in 0..6 {
            sim.phone_send("+420601234567", "+420777000000", &format!("m{n}"))
                .unwrap();
        }
        let replies = eventually("six answers", || {
            let inbox = sim.phone_inbox("+420601234567");
            (inbox.len() == 6).then_some(inbox)
        })
        .await;
        let senders: std::collections::BTreeSet<_> =
            replies.iter().map(|m| m.from.clone()).collect();
        assert_eq!(
            senders.into_iter().collect::<Vec<_>>(),
            ["+420777000001", "+420777000002"],
            "round-robin over the route's modems, never gsm0"
        );

        // Reload with gsm0 unchanged and gsm2 gone: gsm0's driver keeps running.
        let mut gsm0_state = gateway
            .modems
            .iter()
            .find(|m| m.config.name == "gsm0")
            .unwrap()
            .handle
            .state();
        gsm0_state.mark_unchanged();
        let reloaded = echo_config(
            r#"  gsm1: { port: "sim://gsm1", number: "+420777000001", rate_per_minute: 10000 }"#,
            "{ from: gsm0, through: [echo], to: gsm1 }",
        );
        let prepared = Prepared::new(
            reloaded,
            &(store.clone() as Arc<dyn Store>),
            &Catalog::new(dir.path()),
            None,
            &|_| {},
            Some(&gateway),
        )
        .unwrap();
        // The echo connector did not change: its running instance is kept.
        let reused: Vec<_> = prepared
            .reused
            .iter()
            .map(|(c, _)| c.name.as_str())
            .collect();
        assert_eq!(reused, ["echo"]);
        assert!(prepared.processors.is_empty(), "nothing loaded again");
        let gateway = gateway.reload(prepared, Some(ports)).await;
        let names: Vec<_> = gateway
            .modems
            .iter()
            .map(|m| m.config.name.as_str())
            .collect();
        assert_eq!(names, ["gsm0", "gsm1"]);
        sim.phone_send("+420601234567", "+420777000000", "after")
            .unwrap();
        let answer = eventually("the answer after the reload", || {
            sim.phone_inbox("+420601234567")
                .into_iter()
                .find(|m| m.text == "echo: after")
        })
        .await;
        assert_eq!(answer.from, "+420777000001");
        assert!(
            !gsm0_state.has_changed().unwrap_or(true),
            "gsm0 was not re-initialized: {:?}",
            *gsm0_state.borrow()
        );
        gateway.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stopping_gives_back_what_was_not_sent_and_fails_nothing() {
        let (sim, dir, store) = fixture(14);
        let gateway = start_on_sim(
            echo_config("", "{ from: gsm0, through: [echo], to: gsm0 }"),
            &store,
            &dir,
            &sim,
        )
        .await;
        let rows: Vec<_> = (0..200)
            .map(|n| NewOutbound {
                key: format!("bulk:{n}"),
                source: "test".into(),
                to: "+420777000111".into(),
                text: format!("bulk {n}"),
                options: plutanium_core::SendOptions::default(),
                allowed_modems: Vec::new(),
            })
            .collect();
        store.enqueue_batch(&rows, now_ms()).unwrap();
        eventually("sending under way", || {
            (!sim.phone_inbox("+420777000111").is_empty()).then_some(())
        })
        .await;
        gateway.stop().await;
        let stats = store.stats().unwrap();
        assert_eq!((stats.failed, stats.sending), (0, 0), "{stats:?}");
        let arrived = sim.phone_inbox("+420777000111").len() as u64;
        assert_eq!(stats.sent + stats.delivered, arrived, "{stats:?}");
        assert_eq!(stats.queued, 200 - arrived, "{stats:?}");
        // What was given back did not count as an attempt.
        for row in store.recent_outbound(200).unwrap() {
            if row.state == plutanium_store::OutboxState::Queued {
                assert_eq!(row.attempts, 0, "{row:?}");
            }
        }
    }

    #[tokio::test]
    async fn routes_that_misuse_a_connectors_world_do_not_start() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let config = echo_config("", "{ from: echo, through: [echo], to: [gsm0, echo] }");
        let text = refused(config, &store, dir.path());
        assert!(
            text.contains(
                "route 1: `from: echo` must be a modem or a source, and echo is a processor"
            ),
            "{text}"
        );
        assert!(
            text.contains("route 1: `to: echo` must be a modem or a sink, and echo is a processor"),
            "{text}"
        );
        assert!(
            !text.contains("through: echo"),
            "echo is a processor: {text}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn half_a_directly_delivered_message_survives_a_restart() {
        let (sim, dir, store) = fixture(15);
        let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
        let start = || {
            Gateway::start(
                echo_config("", "{ from: gsm0, through: [echo], to: gsm0 }"),
                store.clone(),
                Catalog::new(dir.path()),
                None,
                Some(ports.clone()),
                |driver| driver.direct_delivery = true,
            )
        };
        let long = "Dlouhá zpráva ve třech částech. ".repeat(6);
        let gateway = start().await.unwrap();
        let state = gateway.modems[0].handle.state();
        eventually("gsm0 ready (direct delivery set up)", || {
            (*state.borrow() == plutanium_modem::ModemState::Ready).then_some(())
        })
        .await;
        // The network delivers part 1 of 3 (+CMT, acknowledged at once) ...
        let parts = sim
            .phone_send_parts("+420601234567", "+420777000000", &long, 77, &[0])
            .unwrap();
        assert_eq!(parts, 3);
        eventually("the part kept in the store", || {
            (store.stats().unwrap().inbox_parts == 1).then_some(())
        })
        .await;
        // ... then the gateway stops, and starts again.
        gateway.stop().await;
        let gateway = start().await.unwrap();
        sim.phone_send_parts("+420601234567", "+420777000000", &long, 77, &[1, 2])
            .unwrap();
        let reply = eventually("the answer to the whole message", || {
            sim.phone_inbox("+420601234567").into_iter().next()
        })
        .await;
        assert_eq!(reply.text, format!("echo: {long}"));
        let (_, stored) = store.recent_inbound(10).unwrap().remove(0);
        assert_eq!(stored.text, long);
        assert_eq!(
            store.stats().unwrap().inbox_parts,
            0,
            "the parts went with it"
        );
        gateway.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_built_in_keyword_connector_answers_and_forwards_by_its_rules() {
        let (sim, dir, store) = fixture(16);
        // Rules as a YAML list of maps, as a user writes them.
        let config = config(
            r#"
modems:
  gsm0: { port: "sim://gsm0", number: "+420777000000", rate_per_minute: 10000 }
connectors:
  responder:
    component: keyword
    config:
      default_country: "+420"
      rules:
        - match: { regex: '^PIN (\d{4})$' }
          then: { reply: "Code $1 received" }
        - match: { keyword: help }
          then: { forward: "777 000 111" }
      fallback: "+420777000999"
routes:
  - { from: gsm0, through: [responder], to: gsm0 }
"#,
        );
        let gateway = start_on_sim(config, &store, &dir, &sim).await;
        sim.phone_send("+420601234567", "+420777000000", "PIN 4711")
            .unwrap();
        sim.phone_send("+420601234567", "+420777000000", "Help me please")
            .unwrap();
        sim.phone_send("+420601234567", "+420777000000", "anything else")
            .unwrap();
        let reply = eventually("the reply", || {
            sim.phone_inbox("+420601234567").into_iter().next()
        })
        .await;
        assert_eq!(reply.text, "Code 4711 received");
        let forwarded = eventually("the forward", || {
            sim.phone_inbox("+420777000111").into_iter().next()
        })
        .await;
        assert_eq!(forwarded.text, "+420601234567: Help me please");
        let fallback = eventually("the fallback", || {
            sim.phone_inbox("+420777000999").into_iter().next()
        })
        .await;
        assert_eq!(fallback.text, "+420601234567: anything else");
        gateway.stop().await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_keyword_webhook_answers_through_a_real_http_server_and_a_slow_one_is_not_lost() {
        use axum::routing::post;
        // The webhook, on loopback: `/weather` answers with JSON, `/slow`
        // answers after the rule's timeout.
        let app = axum::Router::new()
            .route(
                "/weather",
                post(|body: String| async move {
                    let asked: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                    let city = asked["city"].as_str().unwrap_or("?").to_string();
                    axum::Json(serde_json::json!({ "answer": format!("{city}: 21 °C, sunny") }))
                }),
            )
            .route(
                "/slow",
                post(|| async {
                    tokio::time::sleep(Duration::from_secs(20)).await;
                    "too late"
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(axum::serve(listener, app).into_future());

        let (sim, dir, store) = fixture(17);
        let config = config(&format!(
            r#"
modems:
  gsm0: {{ port: "sim://gsm0", number: "+420777000000", rate_per_minute: 10000 }}
connectors:
  responder:
    component: keyword
    allow_hosts: ["127.0.0.1"]
    config:
      fallback: "+420777000999"
      rules:
        - match: {{ keyword: weather }}
          then:
            webhook:
              url: "http://{address}/weather"
              body: '{{"city":"{{rest}}","from":"{{sender}}"}}'
              reply: /answer
        - match: {{ keyword: slow }}
          then: {{ webhook: {{ url: "http://{address}/slow", timeout: 1 }} }}
routes:
  - {{ from: gsm0, through: [responder], to: gsm0 }}
"#
        ));
        let gateway = start_on_sim(config, &store, &dir, &sim).await;
        sim.phone_send("+420601234567", "+420777000000", "weather Ústí nad Labem")
            .unwrap();
        let answer = eventually("the webhook's answer", || {
            sim.phone_inbox("+420601234567").into_iter().next()
        })
        .await;
        assert_eq!(answer.text, "Ústí nad Labem: 21 °C, sunny");
        sim.phone_send("+420601234567", "+420777000000", "slow please")
            .unwrap();
        let sorry = eventually("the error reply", || {
            sim.phone_inbox("+420601234567").into_iter().nth(1)
        })
        .await;
        assert!(sorry.text.starts_with("Sorry"), "{}", sorry.text);
        let kept = eventually("the forward to the fallback", || {
            sim.phone_inbox("+420777000999").into_iter().next()
        })
        .await;
        assert_eq!(kept.text, "+420601234567: slow please");
        gateway.stop().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sms_redirect_forwards_takes_commands_and_chats_back() {
        let (sim, dir, store) = fixture(18);
        let config = config(
            r#"
modems:
  gsm0: { port: "sim://gsm0", number: "+420777000000", rate_per_minute: 10000 }
connectors:
  redirect:
    component: sms-redirect
    config: { owner: ["+420777000100"], destination: "+420777000111", default_country: "+420" }
routes:
  - { from: gsm0, through: [redirect], to: gsm0 }
"#,
        );
        let gateway = start_on_sim(config, &store, &dir, &sim).await;
        // A long unicode SMS is forwarded whole.
        let long = "Dlouhá zpráva s emoji 👋 ".repeat(5);
        sim.phone_send("+420601234567", "+420777000000", &long)
            .unwrap();
        let forwarded = eventually("the forward", || {
            sim.phone_inbox("+420777000111").into_iter().next()
        })
        .await;
        assert_eq!(forwarded.text, format!("+420601234567: {long}"));
        assert!(forwarded.parts > 1);
        // The destination answers without a prefix: to the last sender.
        sim.phone_send("+420777000111", "+420777000000", "Díky!")
            .unwrap();
        let answer = eventually("the chat answer", || {
            sim.phone_inbox("+420601234567").into_iter().next()
        })
        .await;
        assert_eq!(answer.text, "Díky!");
        // The owner moves it; the next message goes to the new number.
        sim.phone_send("+420777000100", "+420777000000", "REDIRECT 777 000 222")
            .unwrap();
        let confirmed = eventually("the confirmation", || {
            sim.phone_inbox("+420777000100").into_iter().next()
        })
        .await;
        assert_eq!(confirmed.text, "Redirecting to +420777000222.");
        sim.call("+420601999999", "+420777000000").unwrap();
        let call = eventually("the forwarded call", || {
            sim.phone_inbox("+420777000222").into_iter().next()
        })
        .await;
        assert!(
            call.text.starts_with("Missed call from +420601999999"),
            "{}",
            call.text
        );
        gateway.stop().await;
    }
    /// An example pipeline from `examples/pipelines/`, on the simulator:
    /// every modem's port becomes `sim://NAME` (no PIN, no rate limit to
    /// wait for); everything else is as a user would run it.
    fn example(name: &str) -> Config {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/pipelines")
            .join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut config = plutanium_core::config::load(&text, &|_| None)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        for modem in &mut config.modems {
            modem.port = format!("sim://{}", modem.name);
            modem.pin = None;
            modem.rate_per_minute = 10_000;
        }
        config
    }

    async fn run_example(name: &str, seed: u64, scenario: impl AsyncFnOnce(&Simulator)) {
        let (sim, dir, store) = fixture(seed);
        let gateway = start_on_sim(example(name), &store, &dir, &sim).await;
        scenario(&sim).await;
        gateway.stop().await;
    }

    async fn first_to(sim: &Simulator, phone: &str, what: &str) -> String {
        let phone = phone.to_string();
        eventually(what, || sim.phone_inbox(&phone).into_iter().next())
            .await
            .text
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_example_pipelines_run_on_the_simulator() {
        run_example("missed-call.yaml", 21, async |sim| {
            sim.call("+420601234567", "+420777000000").unwrap();
            let text = first_to(sim, "+420777000111", "the notification").await;
            assert!(
                text.starts_with("Missed call from +420601234567 at "),
                "{text}"
            );
        })
        .await;
        run_example("redirect.yaml", 22, async |sim| {
            sim.phone_send("+420601234567", "+420777000000", "Ahoj")
                .unwrap();
            let text = first_to(sim, "+420777000111", "the forward").await;
            assert_eq!(text, "+420601234567: Ahoj");
            sim.phone_send("+420777000100", "+420777000000", "REDIRECT OFF")
                .unwrap();
            let text = first_to(sim, "+420777000100", "the confirmation").await;
            assert!(text.contains("paused"), "{text}");
        })
        .await;
        run_example("chat.yaml", 23, async |sim| {
            sim.phone_send("+420601234567", "+420777000000", "Are you there?")
                .unwrap();
            first_to(sim, "+420777000111", "the forward").await;
            sim.phone_send(
                "+420777000111",
                "+420777000000",
                "Yes, answering from my phone",
            )
            .unwrap();
            let text = first_to(sim, "+420601234567", "the chat answer").await;
            assert_eq!(text, "Yes, answering from my phone");
            sim.phone_send("+420777000111", "+420777000000", "@601000002 Hi Bob")
                .unwrap();
            let text = first_to(sim, "+420601000002", "the message to Bob").await;
            assert_eq!(text, "Hi Bob");
        })
        .await;
        // Its WEATHER rule calls hooks.example.com, which a test must not
        // reach; the other rules run as written.
        run_example("keyword-webhook.yaml", 24, async |sim| {
            sim.phone_send("+420601234567", "+420777000000", "PIN 1234")
                .unwrap();
            let text = first_to(sim, "+420601234567", "the PIN answer").await;
            assert_eq!(text, "Code 1234 received, thank you.");
            sim.phone_send("+420601234567", "+420777000000", "help!")
                .unwrap();
            sim.phone_send("+420601234567", "+420777000000", "HELP me")
                .unwrap();
            let text = first_to(sim, "+420777000222", "the HELP forward").await;
            assert_eq!(text, "+420601234567: HELP me");
            let text = first_to(sim, "+420777000111", "the fallback").await;
            assert_eq!(text, "+420601234567: help!");
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_oauth_token_file_reaches_the_granted_host_never_the_component() {
        use axum::routing::post;
        // The "API": answers with the Authorization header it received.
        let app = axum::Router::new().route(
            "/whoami",
            post(|headers: axum::http::HeaderMap| async move {
                headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("no token")
                    .to_string()
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(axum::serve(listener, app).into_future());
        let sim = network(19);
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("token");
        std::fs::write(&token, "ya29.from-the-file\n").unwrap();
        let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
        let config = config(&format!(
            r#"
modems:
  gsm0: {{ port: "sim://gsm0", number: "+420777000000", rate_per_minute: 10000 }}
connectors:
  api:
    component: keyword
    allow_hosts: ["127.0.0.1"]
    oauth: {{ kind: token_file, file: "{token}" }}
    config:
      rules:
        - match: {{ keyword: who }}
          then: {{ webhook: {{ url: "http://{address}/whoami" }} }}
routes:
  - {{ from: gsm0, through: [api], to: gsm0 }}
"#,
            token = token.display()
        ));
        let gateway = start_on_sim(config.clone(), &store, &dir, &sim).await;
        sim.phone_send("+420601234567", "+420777000000", "who am I")
            .unwrap();
        let answer = eventually("the answer", || {
            sim.phone_inbox("+420601234567").into_iter().next()
        })
        .await;
        assert_eq!(answer.text, "Bearer ya29.from-the-file");
        gateway.stop().await;
        // Credentials that cannot work, or a missing file, do not start.
        let mut not_logged_in = config.clone();
        not_logged_in.connectors[0].oauth.as_mut().unwrap().kind = "installed".into();
        let error = refused(not_logged_in, &store, dir.path());
        assert!(error.contains("is not an OAuth client secret"), "{error}");
        std::fs::remove_file(&token).unwrap();
        let error = refused(config, &store, dir.path());
        assert!(error.contains("cannot read the token file"), "{error}");
    }
}
