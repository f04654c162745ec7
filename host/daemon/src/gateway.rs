//! The gateway: modems, store, connectors and routes wired together.
//!
//! Each modem's events are committed to the store and only then
//! acknowledged (so the modem deletes them), then routed; routes run their
//! processors through the runtime and commit the resulting messages to the
//! outbox under their idempotency keys; a sender claims due outbox rows,
//! picks a modem and sends; sources are polled on their interval and
//! acknowledged after their messages are committed. Every store call runs on
//! a blocking thread, never on the modem's task.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use plutanium_core::config::{ComponentRef, Config, Endpoint, Secret};
use plutanium_core::policy::RateLimiter;
use plutanium_core::routing::route_event;
use plutanium_core::{
    Call, DeliveryState, DeliveryStatus, Event, InboundSms, ModemPool, Processor, Sink, Source,
};
use plutanium_modem::{DriverConfig, InProcessPorts, ModemEvent, ModemHandle, SendOptions};
use plutanium_runtime::{Grants, Runtime, RuntimeConfig, World};
use plutanium_sms::StatusCategory;
use plutanium_store::{InboundRecord, NewOutbound, SendOutcome, SqliteStore};
use tokio::sync::{mpsc, watch};

use crate::connector_catalog::Catalog;

/// How long a claimed outbox row is ours before another sender may take it.
const LEASE: Duration = Duration::from_secs(120);

/// How long a message without a validity of its own may wait unsent.
const MAX_QUEUED_AGE: Duration = Duration::from_secs(24 * 3600);

/// How often expiry and retention run (and once at start).
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);

pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Runs `f` on the store from a blocking thread.
async fn blocking<R: Send + 'static>(
    store: &Arc<SqliteStore>,
    f: impl FnOnce(&SqliteStore) -> Result<R, plutanium_store::StoreError> + Send + 'static,
) -> Result<R> {
    let store = store.clone();
    Ok(tokio::task::spawn_blocking(move || f(&store)).await??)
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

/// A running gateway; dropping it does not stop it, [`Gateway::stop`] does.
pub(crate) struct Gateway {
    /// Kept alive: dropping the runtime stops its epoch ticker, and with it
    /// every connector's deadline.
    _runtime: Runtime,
    modems: Vec<ModemHandle>,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Gateway {
    /// Starts everything `config` names. `in_process` serves `sim://` ports.
    pub(crate) async fn start(
        config: Config,
        store: Arc<SqliteStore>,
        catalog: Catalog,
        cache_dir: Option<PathBuf>,
        in_process: Option<Arc<dyn InProcessPorts>>,
        tweak_driver: impl Fn(&mut DriverConfig),
    ) -> Result<Gateway> {
        let (stop, stopped) = watch::channel(false);
        let mut runtime = Runtime::new(RuntimeConfig::default(), store.clone())?;
        if let Some(dir) = cache_dir {
            runtime = runtime.with_compile_cache(dir);
        }
        let mut processors: HashMap<String, Box<dyn Processor>> = HashMap::new();
        let mut sinks: HashMap<String, Box<dyn Sink>> = HashMap::new();
        let mut sources = Vec::new();
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
            let grants = Grants {
                allow_hosts: connector.allow_hosts.clone(),
                config: connector.config.clone(),
                oauth: None,
                call_deadline: Some(connector.deadline),
                memory_limit: Some((connector.memory_mib as usize) << 20),
            };
            let loaded = runtime
                .load(&connector.name, &bytes, grants)
                .with_context(|| format!("connector {}", connector.name))?;
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

        // Unbounded: every event in it is committed already, and a slow
        // connector must never make a modem wait (invariant 3). What was
        // stored but not routed before a stop is routed first.
        let (route_tx, route_rx) = mpsc::unbounded_channel::<(String, Event)>();
        let unrouted = blocking(&store, |s| s.unrouted_inbound(100_000)).await?;
        if !unrouted.is_empty() {
            tracing::info!(
                count = unrouted.len(),
                "routing messages stored before the last stop"
            );
        }
        for (id, record) in unrouted {
            let _ = route_tx.send((record.modem.clone(), sms_event(id, record)));
        }
        let mut modems = Vec::new();
        let mut tasks = Vec::new();
        for modem in &config.modems {
            let port = modem
                .port
                .parse()
                .with_context(|| format!("modem {}: port {:?}", modem.name, modem.port))?;
            let mut driver = DriverConfig::new(&modem.name, port);
            driver.pin = modem.pin.as_ref().map(read_secret).transpose()?;
            driver.hang_up_calls = modem.hang_up_calls;
            tweak_driver(&mut driver);
            let (handle, events) = plutanium_modem::spawn(driver, in_process.clone());
            tasks.push(tokio::spawn(modem_events(
                modem.name.clone(),
                modem.number.clone().unwrap_or_default(),
                events,
                store.clone(),
                route_tx.clone(),
            )));
            modems.push(handle);
        }
        drop(route_tx);
        let config = Arc::new(config);
        tasks.push(tokio::spawn(housekeeping(
            config.retention,
            store.clone(),
            stopped.clone(),
        )));
        tasks.push(tokio::spawn(router(
            config.clone(),
            route_rx,
            processors,
            sinks,
            store.clone(),
        )));
        tasks.push(tokio::spawn(sender(
            config.clone(),
            modems.clone(),
            store.clone(),
            stopped.clone(),
        )));
        for (source_config, source) in sources {
            tasks.push(tokio::spawn(poll_source(
                config.clone(),
                source_config.name.clone(),
                source_config.interval,
                source_config.batch,
                source,
                store.clone(),
                stopped.clone(),
            )));
        }
        Ok(Gateway {
            _runtime: runtime,
            modems,
            stop,
            tasks,
        })
    }

    /// Stops polling and sending, lets each modem finish its command, and
    /// waits for the tasks.
    pub(crate) async fn stop(self) {
        let _ = self.stop.send(true);
        for modem in &self.modems {
            modem.stop().await;
        }
        for task in self.tasks {
            let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
        }
    }
}

/// The event for the stored message `id`.
fn sms_event(id: i64, record: InboundRecord) -> Event {
    Event::Sms(InboundSms {
        id: id.to_string(),
        sender: record.sender,
        recipient: record.recipient,
        text: record.text,
        received_at: record.received_at,
        modem: record.modem,
        meta: Vec::new(),
    })
}

/// Commits each modem event, acknowledges it, then hands it to the router.
async fn modem_events(
    modem: String,
    number: String,
    mut events: mpsc::Receiver<ModemEvent>,
    store: Arc<SqliteStore>,
    route: mpsc::UnboundedSender<(String, Event)>,
) {
    while let Some(event) = events.recv().await {
        let now = now_ms();
        let routed = match event {
            ModemEvent::Sms(sms) => {
                let text = sms.payload.text().unwrap_or_default().to_string();
                // The service centre's time stamp, when it is a sane one.
                let stamped = u64::try_from(sms.timestamp.to_unix())
                    .ok()
                    .and_then(|s| s.checked_mul(1000))
                    .filter(|&ms| ms > 0 && ms <= now + 86_400_000);
                let received_at = stamped.unwrap_or(now);
                let record = InboundRecord {
                    fingerprint: format!("{modem}:{:016x}", sms.fingerprint),
                    modem: modem.clone(),
                    sender: sms.sender.clone(),
                    recipient: number.clone(),
                    text,
                    received_at,
                    meta: vec![
                        ("parts".into(), sms.parts.to_string()),
                        ("smsc_time".into(), sms.timestamp.to_rfc3339()),
                    ],
                };
                let stored = record.clone();
                match blocking(&store, move |s| s.insert_inbound(&stored, None, now)).await {
                    Ok(inserted) => {
                        // Committed: now the modem may delete it.
                        sms.ack.ack();
                        match inserted {
                            plutanium_store::Inserted::New(id) => Some(sms_event(id, record)),
                            plutanium_store::Inserted::Duplicate(_) => None,
                        }
                    }
                    Err(e) => {
                        // Not acknowledged: it stays on the modem and comes back.
                        tracing::error!(modem, error = %e, "cannot store an inbound SMS; leaving it on the modem");
                        None
                    }
                }
            }
            ModemEvent::StatusReport(report) => {
                let delivered = match report.status.category() {
                    StatusCategory::Delivered => true,
                    StatusCategory::Failed | StatusCategory::Expired => false,
                    // Pending, or a category this build does not know:
                    _ => {
                        // The network is still trying: nothing changes yet.
                        report.ack.ack();
                        continue;
                    }
                };
                let reference = report.message_ref;
                let modem_name = modem.clone();
                let detail = format!("{:?}", report.status);
                let result = blocking(&store, move |s| {
                    s.record_delivery(&modem_name, reference, delivered, Some(&detail), now)
                })
                .await;
                match result {
                    Ok(row) => {
                        report.ack.ack();
                        row.map(|row| {
                            Event::Status(DeliveryStatus {
                                key: row.key,
                                to: row.to,
                                state: if delivered {
                                    DeliveryState::Delivered
                                } else {
                                    DeliveryState::Failed
                                },
                                detail: row.last_error,
                                at: now,
                            })
                        })
                    }
                    Err(e) => {
                        tracing::error!(modem, error = %e, "cannot store a status report");
                        None
                    }
                }
            }
            ModemEvent::Call(call) => {
                let (modem_name, caller) = (modem.clone(), call.caller.clone());
                if let Err(e) = blocking(&store, move |s| {
                    s.log_call(&modem_name, caller.as_deref(), now)
                })
                .await
                {
                    tracing::error!(modem, error = %e, "cannot log a call");
                }
                Some(Event::Call(Call {
                    caller: call.caller,
                    modem: modem.clone(),
                    at: now,
                }))
            }
            ModemEvent::Undecodable(pdu) => {
                let (modem_name, detail) = (modem.clone(), format!("{}: {}", pdu.error, pdu.pdu));
                if blocking(&store, move |s| {
                    s.log_event(now, "undecodable-pdu", &modem_name, &detail)
                })
                .await
                .is_ok()
                {
                    pdu.ack.ack();
                }
                None
            }
            other => {
                tracing::info!(modem, event = ?other, "modem event");
                None
            }
        };
        if let Some(event) = routed
            && route.send((modem.clone(), event)).is_err()
        {
            return;
        }
    }
}

/// Runs each event through the routes that start where it came from.
async fn router(
    config: Arc<Config>,
    mut events: mpsc::UnboundedReceiver<(String, Event)>,
    mut processors: HashMap<String, Box<dyn Processor>>,
    mut sinks: HashMap<String, Box<dyn Sink>>,
    store: Arc<SqliteStore>,
) {
    let mut per_destination = RateLimiter::new(
        config.policy.per_destination_per_hour,
        Duration::from_secs(3600),
    );
    while let Some((origin, event)) = events.recv().await {
        let origin = Endpoint::Modem(origin);
        for route in config.routes.iter().filter(|r| r.from == origin) {
            let routed = route_event(route, &event, &mut processors).await;
            for (stage, error) in &routed.failures {
                tracing::warn!(stage, error = %error, "a stage failed; the event went on without it");
            }
            for planned in routed.sends {
                let outbound = planned.outbound;
                let now = now_ms();
                let checked = config.policy.check(
                    &outbound.to,
                    &outbound.text,
                    outbound.options.encoding,
                    config.default_country.as_deref(),
                );
                let to = match checked {
                    Ok((to, _parts)) => to,
                    Err(refusal) => {
                        tracing::warn!(key = outbound.key, %refusal, "message refused by policy");
                        let (key, reason) = (outbound.key.clone(), refusal.to_string());
                        let _ =
                            blocking(&store, move |s| s.log_event(now, "refused", &key, &reason))
                                .await;
                        continue;
                    }
                };
                if let Err(next) = per_destination.try_acquire(&to, now) {
                    tracing::warn!(
                        to,
                        retry_at = next,
                        "per-destination limit reached; message refused"
                    );
                    continue;
                }
                let row = NewOutbound {
                    key: outbound.key,
                    source: planned.by,
                    to,
                    text: outbound.text,
                    options: outbound.options,
                    allowed_modems: planned.modems,
                };
                if let Err(e) = blocking(&store, move |s| s.enqueue(&row, now)).await {
                    tracing::error!(error = %e, "cannot commit an outbound message");
                }
            }
            if routed.dropped_by.is_none() {
                for name in &routed.sinks {
                    if let Some(sink) = sinks.get_mut(name)
                        && let Err(e) = sink.deliver(&event).await
                    {
                        tracing::warn!(sink = name, error = %e, "a sink failed");
                    }
                }
            }
        }
        // Its routes ran and their messages are committed: a restart need
        // not route it again.
        if let Event::Sms(sms) = &event
            && let Ok(id) = sms.id.parse::<i64>()
        {
            let now = now_ms();
            if let Err(e) = blocking(&store, move |s| s.mark_routed(id, now)).await {
                tracing::error!(error = %e, id, "cannot mark a message routed; it will be routed again after a restart");
            }
        }
    }
}

/// Expires messages that waited too long and prunes what is older than the
/// retention, at start and then every [`HOUSEKEEPING_EVERY`].
async fn housekeeping(
    retention: Duration,
    store: Arc<SqliteStore>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let now = now_ms();
        let keep = u64::try_from(retention.as_millis()).unwrap_or(u64::MAX);
        let result = blocking(&store, move |s| {
            let expired = s.expire(now, MAX_QUEUED_AGE)?;
            let pruned = s.prune(now.saturating_sub(keep))?;
            Ok((expired, pruned))
        })
        .await;
        match result {
            Ok((0, 0)) => {}
            Ok((expired, pruned)) => tracing::info!(expired, pruned, "housekeeping"),
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(HOUSEKEEPING_EVERY) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// Claims due outbox rows and sends them.
async fn sender(
    config: Arc<Config>,
    modems: Vec<ModemHandle>,
    store: Arc<SqliteStore>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut pool = ModemPool::new(modems.iter().map(|m| m.name().to_string()));
    let mut limits: HashMap<String, RateLimiter> = config
        .modems
        .iter()
        .map(|m| {
            (
                m.name.clone(),
                RateLimiter::new(m.rate_per_minute, Duration::from_secs(60)),
            )
        })
        .collect();
    loop {
        if *stopped.borrow() {
            return;
        }
        let now = now_ms();
        let claimed = match blocking(&store, move |s| s.claim(now, 8, LEASE)).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(error = %e, "cannot claim outbox rows");
                Vec::new()
            }
        };
        if claimed.is_empty() {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(200)) => {}
                _ = stopped.changed() => {}
            }
            continue;
        }
        for row in claimed {
            for handle in &modems {
                let healthy = *handle.state().borrow() == plutanium_modem::ModemState::Ready;
                pool.set_healthy(handle.name(), healthy);
            }
            let now = now_ms();
            let picked = pool.pick(row.options.modem.as_deref(), &[]);
            let outcome = match picked
                .as_ref()
                .and_then(|name| modems.iter().find(|m| m.name() == name))
            {
                None => SendOutcome::Retry {
                    error: "no modem ready".into(),
                    at: now + 5_000,
                },
                Some(handle) => match limits
                    .get_mut(handle.name())
                    .map(|l| l.try_acquire(handle.name(), now))
                {
                    Some(Err(next)) => SendOutcome::Retry {
                        error: "modem rate limit".into(),
                        at: next,
                    },
                    _ => {
                        let options = SendOptions {
                            encoding: row.options.encoding.policy(),
                            status_report: row.options.status_report,
                            flash: row.options.flash,
                            validity: row
                                .options
                                .validity_minutes
                                .map(|m| Duration::from_secs(u64::from(m) * 60)),
                            max_parts: Some(usize::from(config.policy.max_parts)),
                            ..SendOptions::default()
                        };
                        match handle.send_text(&row.to, &row.text, &options).await {
                            Ok(sent) => SendOutcome::Sent {
                                modem: handle.name().to_string(),
                                message_refs: sent.message_refs,
                            },
                            Err(e) if e.is_transient() => SendOutcome::Retry {
                                error: e.to_string(),
                                at: now_ms() + 30_000 * u64::from(row.attempts.min(10)),
                            },
                            Err(e) => SendOutcome::Failed {
                                error: e.to_string(),
                            },
                        }
                    }
                },
            };
            let (id, attempt) = (row.id, row.attempts);
            if let Err(e) =
                blocking(&store, move |s| s.complete(id, attempt, &outcome, now_ms())).await
            {
                tracing::error!(error = %e, id, "cannot record a send");
            }
        }
    }
}

/// Polls a source on its interval; acknowledges what was committed.
async fn poll_source(
    config: Arc<Config>,
    name: String,
    interval: Duration,
    batch: u32,
    mut source: plutanium_runtime::Connector,
    store: Arc<SqliteStore>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        if *stopped.borrow() {
            return;
        }
        match Source::poll(&mut source, batch).await {
            Ok(messages) => {
                let mut committed = Vec::new();
                let mut refused = Vec::new();
                for message in messages {
                    let now = now_ms();
                    match config.policy.check(
                        &message.to,
                        &message.text,
                        message.options.encoding,
                        config.default_country.as_deref(),
                    ) {
                        Ok((to, _)) => {
                            let row = NewOutbound {
                                key: format!("{name}:{}", message.key),
                                source: name.clone(),
                                to,
                                text: message.text,
                                options: message.options,
                                allowed_modems: Vec::new(),
                            };
                            match blocking(&store, move |s| s.enqueue(&row, now)).await {
                                Ok(_) => committed.push(message.key),
                                Err(e) => {
                                    tracing::error!(source = name, error = %e, "cannot commit; not acknowledging")
                                }
                            }
                        }
                        Err(refusal) => refused.push((message.key, refusal.to_string())),
                    }
                }
                if !committed.is_empty()
                    && let Err(e) = Source::ack(&mut source, &committed).await
                {
                    tracing::warn!(source = name, error = %e, "ack failed; the source will offer them again and the outbox drops the copies");
                }
                if !refused.is_empty()
                    && let Err(e) = Source::reject(&mut source, &refused).await
                {
                    tracing::warn!(source = name, error = %e, "reject failed");
                }
            }
            Err(e) => tracing::warn!(source = name, error = %e, "poll failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stopped.changed() => {}
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
mod tests {
    use plutanium_modem_sim::{Latency, ModemConfig, Simulator};

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
    fn network(seed: u64) -> Simulator {
        let sim = Simulator::start(seed, Latency::Zero);
        sim.add_modem(ModemConfig::new("gsm0", "+420777000000"))
            .unwrap();
        sim
    }

    fn config(text: &str) -> Config {
        plutanium_core::config::load(text, &|_| None).expect("config")
    }

    /// Starts a gateway for `config` over `store`, its modems on `ports`.
    async fn start_on(
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

    async fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
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
        let sim = network(7);
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
        let config = config(CONFIG);
        let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
        let gateway = start_on(config, &store, dir.path(), Some(ports)).await;

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
        let sim = network(9);
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
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
        let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
        let gateway = start_on(config, &store, dir.path(), Some(ports)).await;
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
        let sim = network(10);
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
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
        let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
        let gateway = start_on(config, &store, dir.path(), Some(ports)).await;
        sim.phone_send("+420601234567", "+420777000000", "ping")
            .unwrap();
        let reply = eventually("the echo after the looping stage", || {
            sim.phone_inbox("+420601234567").into_iter().next()
        })
        .await;
        assert_eq!(reply.text, "echo: ping");
        gateway.stop().await;
    }
}
