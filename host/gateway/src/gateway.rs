//! The running gateway: started from a prepared config, reloaded in place,
//! stopped in order.
//!
//! A reload keeps the drivers of modems whose config did not change (no
//! reconnect, no re-init), the connectors whose config and component did
//! not change (the same instance), and the router's queue of committed
//! events. Stopping finishes what is in flight before anything is aborted.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use plutanium_core::config::{Config, ModemConfig};
use plutanium_core::{Processor, Sink};
use plutanium_modem::ModemHandle;
use plutanium_runtime::{Connector, Runtime, World};
use plutanium_store::Store;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::cluster::Cluster;
use crate::handle::{ConnectorStatsMap, GatewayHandle};
use crate::prepare::{ConnectorIdentity, PrepareError, Prepared, Previous, Setup, load_connector};
use crate::router::{Routable, RouterState};
use crate::{blocking, inbound, router, sender, upkeep};

/// How long stopping may take before the remaining tasks are aborted.
const STOP_DEADLINE: Duration = Duration::from_secs(15);

/// A running gateway: everything its config names, until [`Gateway::stop`].
///
/// Dropping it does not stop it (its tasks keep running); stop it to give
/// back what was not sent and let each modem finish its command.
pub struct Gateway {
    setup: Setup,
    handle: GatewayHandle,
    /// `None` only if a reload was cancelled halfway (its future dropped).
    running: Option<Running>,
}

impl Gateway {
    /// Prepares everything `config` names (ports, PINs, components, routes)
    /// and starts it. A config that cannot start is an error, and nothing
    /// was started.
    pub async fn start(config: Config, setup: Setup) -> Result<Gateway, PrepareError> {
        // `FAILPOINTS=router::loop=sleep(20000)` and the like, in tests only:
        // read once per process. (A scenario holds fail's global lock for as
        // long as it lives, so it is set up once and kept, never again: a
        // second gateway in the same process would wait for that lock.)
        #[cfg(feature = "failpoints")]
        {
            static SCENARIO: std::sync::Once = std::sync::Once::new();
            if std::env::var_os("FAILPOINTS").is_some() {
                SCENARIO.call_once(|| std::mem::forget(fail::FailScenario::setup()));
            }
        }
        let prepared = Prepared::off_the_runtime(config, &setup, None).await?;
        let mut setup = setup;
        let gains = if setup.store.shared() {
            let (cluster, gains) = Cluster::start(&setup.node, setup.store.clone());
            tracing::info!(node = %setup.node, "sharing the store with other nodes: modems and sources go by lease");
            setup.cluster = Some(cluster);
            Some(gains)
        } else {
            None
        };
        let handle = GatewayHandle::new(setup.store.clone(), prepared.config.clone());
        let running = Running::launch(prepared, &setup, handle.clone(), None).await;
        if let Some(gains) = gains {
            // A modem this node starts to drive brings its messages that
            // were stored and not routed (its last driver's node stopped or
            // died before routing them): routed here, once.
            tokio::spawn(route_gained(
                gains,
                setup.store.clone(),
                running.route_tx.clone(),
            ));
        }
        Ok(Gateway {
            setup,
            handle,
            running: Some(running),
        })
    }

    /// The handle the rest of the program uses: the same one across
    /// reloads.
    pub fn handle(&self) -> GatewayHandle {
        self.handle.clone()
    }

    /// Replaces the running config with `config`. Everything that can fail
    /// is done first: a config that cannot start is an error, and the
    /// running gateway goes on untouched. Then modems and connectors whose
    /// config did not change keep running, the rest stop and start (a
    /// connector's durable KV stays in the store either way), and committed
    /// events not yet routed are routed by the new router.
    pub async fn reload(&mut self, config: Config) -> Result<(), PrepareError> {
        let Some(previous) = self.running.as_ref().map(Running::previous) else {
            return Err(PrepareError::Stopped);
        };
        let prepared = Prepared::off_the_runtime(config, &self.setup, Some(previous)).await?;
        let Some(running) = self.running.take() else {
            return Err(PrepareError::Stopped);
        };
        let kept = running.stop_keeping(&prepared.config).await;
        let running = Running::launch(prepared, &self.setup, self.handle.clone(), Some(kept)).await;
        self.running = Some(running);
        Ok(())
    }

    /// Stops polling, sending and routing: the sender finishes each modem's
    /// send in flight and gives back what it had not started, the router
    /// finishes its event and leaves the rest to the store. Then each modem
    /// finishes its AT command and stops. Tasks still running after 15 s
    /// are aborted.
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            let deadline = tokio::time::Instant::now() + STOP_DEADLINE;
            drop(running.stop_keeping_until(None, deadline).await);
        }
        // The modems are closed: another node may take them now, not when
        // this node's leases run out (a planned restart hands over at once).
        if let Some(cluster) = &self.setup.cluster {
            cluster.release().await;
        }
        if let Some(journal) = &self.setup.journal {
            journal.close();
        }
        self.handle.publish_stopped();
    }
}

/// A modem driver and the task that commits its events.
struct RunningModem {
    config: ModemConfig,
    handle: ModemHandle,
    events: JoinHandle<()>,
}

/// What one config runs: its tasks, modems and connectors.
struct Running {
    /// The config it runs.
    config: Arc<Config>,
    /// Kept alive (and shared with the gateway a reload makes): dropping the
    /// runtime stops its epoch ticker, and with it every connector's
    /// deadline.
    runtime: Arc<Runtime>,
    /// What each running connector was made from, and its world.
    connectors: HashMap<String, ConnectorIdentity>,
    worlds: HashMap<String, World>,
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
    stats: ConnectorStatsMap,
}

impl Running {
    /// What a reload prepares against.
    fn previous(&self) -> Previous {
        Previous {
            config: self.config.clone(),
            runtime: self.runtime.clone(),
            connectors: self.connectors.clone(),
            worlds: self.worlds.clone(),
        }
    }

    async fn launch(
        prepared: Prepared,
        setup: &Setup,
        handle: GatewayHandle,
        mut kept: Option<Kept>,
    ) -> Running {
        let store = setup.store.clone();
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
            trust,
        } = prepared;
        // Every connector, kept or new, trusts this config's CAs from here on.
        runtime.set_trust(&trust);
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
                    &trust,
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
                        tracing::error!(connector = %name, error = %e, "the connector did not start again after the reload; fix it and reload")
                    }
                }
            }
        }
        let mut worlds = HashMap::new();
        worlds.extend(processors.keys().map(|n| (n.clone(), World::Processor)));
        worlds.extend(sinks.keys().map(|n| (n.clone(), World::Sink)));
        worlds.extend(sources.iter().map(|(c, _)| (c.name.clone(), World::Source)));
        let live = handle.live().clone();
        let (route_tx, router_state, mut modems, inbound_writer) = match kept {
            Some(kept) => (kept.route_tx, kept.router, kept.modems, kept.inbound_writer),
            None => {
                // Unbounded: every event in it is committed already, and a
                // slow connector must never make a modem wait (invariant 3).
                // What was stored but not routed before a stop goes first.
                let (route_tx, route_rx) = mpsc::unbounded_channel();
                // On a shared store, another node may be routing them:
                // each modem's are routed by the node that drives it
                // (`route_gained`).
                if setup.cluster.is_none() {
                    queue_unrouted(&store, &route_tx, None).await;
                }
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
                .filter_map(|part| {
                    Some(plutanium_modem::RestoredPart {
                        pdu: String::from_utf8(part.pdu).ok()?,
                        received_at: std::time::UNIX_EPOCH
                            + std::time::Duration::from_millis(part.received_at),
                    })
                })
                .collect();
            let heart = Arc::new(handle.liveness().heart(
                &format!("modem {}", plan.config.name),
                std::time::Instant::now(),
                Duration::from_secs(180),
            ));
            plan.driver.pulse = Some(plutanium_modem::Pulse::new(move |due| match due {
                Some(due) => heart.waiting_until(due, Duration::ZERO),
                None => heart.rest(),
            }));
            if let Some(cluster) = &setup.cluster {
                let device = match &plan.driver.port {
                    plutanium_modem::PortUrl::Serial { path, .. } => Some(path.into()),
                    _ => None,
                };
                plan.driver.ownership = Some(cluster.modem(&plan.config.name, device));
            }
            let (modem, events) = plutanium_modem::spawn(plan.driver, setup.in_process.clone());
            let events = tokio::spawn(inbound::modem_events(
                plan.config.name.clone(),
                plan.config.number.clone().unwrap_or_default(),
                events,
                inbound::Sinks {
                    store: store.clone(),
                    writer: inbound_writer.clone(),
                    route: route_tx.clone(),
                    live: live.clone(),
                    clock: crate::cluster::Clock::of(setup.cluster.as_ref()),
                },
            ));
            tokio::spawn(crate::live::watch_modem(
                plan.config.name.clone(),
                modem.state(),
                live.clone(),
            ));
            modems.push(RunningModem {
                config: plan.config,
                handle: modem,
                events,
            });
        }
        let mut tasks = vec![
            tokio::spawn(upkeep::housekeeping(
                config.retention,
                store.clone(),
                stopped.clone(),
            )),
            tokio::spawn(upkeep::search_indexer(store.clone(), stopped.clone())),
            tokio::spawn(upkeep::record_health(
                config.health,
                modems
                    .iter()
                    .map(|m| (m.config.name.clone(), m.handle.clone()))
                    .collect(),
                store.clone(),
                stopped.clone(),
            )),
        ];
        tasks.extend(sender::spawn(
            config.clone(),
            modems.iter().map(|m| m.handle.clone()).collect(),
            store.clone(),
            stopped.clone(),
            live.clone(),
            handle.liveness(),
            setup.cluster.clone(),
            // On a shared store, another node takes this one's modems and
            // never reads its journal: there the next send waits for the
            // commit instead.
            setup.journal.clone().filter(|_| setup.cluster.is_none()),
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
                setup.cluster.clone(),
            )));
        }
        let mut router_state = router_state;
        router_state.processors = processors;
        router_state.sinks = sinks;
        let router_events = router_state.events.clone();
        let router = tokio::spawn(router::router(
            config.clone(),
            router_state,
            store.clone(),
            setup.cluster.clone(),
            stopped,
            handle
                .liveness()
                .heart("router", std::time::Instant::now(), Duration::from_secs(60)),
        ));
        handle.publish(
            config.clone(),
            modems
                .iter()
                .map(|m| (m.config.name.clone(), m.handle.clone()))
                .collect(),
            stats.clone(),
        );
        Running {
            config,
            runtime,
            connectors: identities,
            worlds,
            source_tasks,
            modems,
            route_tx,
            inbound_writer,
            router_events,
            router,
            stop,
            tasks,
            stats,
        }
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
async fn queue_unrouted(
    store: &Arc<dyn Store>,
    route_tx: &mpsc::UnboundedSender<Routable>,
    modems: Option<&[String]>,
) {
    let found = blocking(store, |s| {
        Ok((s.unrouted_inbound(100_000)?, s.unrouted_calls(100_000)?))
    })
    .await;
    match found {
        Ok((mut messages, mut calls)) => {
            if let Some(modems) = modems {
                messages.retain(|(_, record)| modems.contains(&record.modem));
                calls.retain(|call| modems.contains(&call.modem));
            }
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

/// Routes the unrouted messages and calls of each modem this node starts
/// to drive.
async fn route_gained(
    mut gains: mpsc::UnboundedReceiver<String>,
    store: Arc<dyn Store>,
    route_tx: mpsc::UnboundedSender<Routable>,
) {
    // Modems gained together (at start, all of them) share one read.
    let mut modems = Vec::new();
    while gains.recv_many(&mut modems, usize::MAX).await > 0 {
        queue_unrouted(&store, &route_tx, Some(&modems)).await;
        modems.clear();
    }
}
