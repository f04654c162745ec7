//! The gateway's timed work: polling sources, housekeeping (expiry and
//! retention), recording each modem's health, and keeping the search
//! index up to date.

use std::sync::Arc;
use std::time::Duration;

use plutanium_core::config::{Config, Endpoint};
use plutanium_core::{Source, StageError};
use plutanium_store::{NewOutbound, Store};
use tokio::sync::watch;

use plutanium_core::time;

use crate::blocking;
use crate::cluster::Cluster;

/// How long a message without a validity of its own may wait unsent.
const MAX_QUEUED_AGE: Duration = Duration::from_secs(24 * 3600);

/// How often expiry and retention run (and once at start).
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);

/// Sleeps `wait`; true when the gateway stopped meanwhile (or is gone).
async fn sleep_or_stop(wait: Duration, stopped: &mut watch::Receiver<bool>) -> bool {
    let slept = tokio::select! {
        _ = tokio::time::sleep(wait) => true,
        _ = stopped.wait_for(|stop| *stop) => false,
    };
    !slept || *stopped.borrow()
}

/// How often the search index takes in new rows, and the most it takes at
/// once (about a second of work; a burst larger than that is taken over
/// the next seconds, and searches read what waits meanwhile directly).
const INDEX_EVERY: Duration = Duration::from_secs(1);
const INDEX_AT_MOST: usize = 50_000;

/// Keeps the store's search index up to date (see
/// [`Store::index_search`]), every [`INDEX_EVERY`], sooner when a burst
/// left more waiting.
pub(crate) async fn search_indexer(store: Arc<dyn Store>, mut stopped: watch::Receiver<bool>) {
    loop {
        let wait = match blocking(&store, |s| s.index_search(INDEX_AT_MOST)).await {
            Ok(INDEX_AT_MOST) => Duration::ZERO,
            Ok(_) => INDEX_EVERY,
            Err(e) => {
                tracing::warn!(error = %e, "cannot update the search index; searches read the new rows directly meanwhile");
                INDEX_EVERY * 10
            }
        };
        if sleep_or_stop(wait, &mut stopped).await {
            return;
        }
    }
}

/// Expires messages that waited too long and prunes what is older than the
/// retention, at start and then every [`HOUSEKEEPING_EVERY`].
pub(crate) async fn housekeeping(
    retention: Duration,
    store: Arc<dyn Store>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let now = time::now();
        let keep = u64::try_from(retention.as_millis()).unwrap_or(u64::MAX);
        let result = blocking(&store, move |s| {
            let expired = s.expire(now, MAX_QUEUED_AGE)?;
            let pruned = s.prune(now.saturating_sub(keep))?;
            Ok((expired, pruned))
        })
        .await;
        match result {
            Ok((expired, pruned)) => {
                // Each message's way can be followed by its id: an expired
                // one failed, and says why.
                for id in &expired {
                    tracing::info!(
                        id = %format!("out-{id}"),
                        "expired: its validity ran out (or it waited longer than any SMS may) before it was sent"
                    );
                }
                if !expired.is_empty() || pruned > 0 {
                    tracing::info!(expired = expired.len(), pruned, "housekeeping");
                }
            }
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
        if sleep_or_stop(HOUSEKEEPING_EVERY, &mut stopped).await {
            return;
        }
    }
}

/// Records a health sample of every modem this node drives, every
/// `config.every`, and drops samples older than `config.keep` (at start,
/// then hourly). A modem another node drives (standby) is that node's to
/// record; one that does not answer in 2 s is recorded with its state only.
pub(crate) async fn record_health(
    config: plutanium_core::config::HealthConfig,
    modems: Vec<(String, plutanium_modem::ModemHandle)>,
    store: Arc<dyn Store>,
    mut stopped: watch::Receiver<bool>,
) {
    const PRUNE_EVERY: Duration = Duration::from_secs(3600);
    let mut pruned_at: Option<tokio::time::Instant> = None;
    let mut ticks = tokio::time::interval(config.every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
        let now = time::now();
        // What another node drives (standby) is that node's to record.
        let driven = modems
            .iter()
            .filter(|(_, handle)| *handle.state().borrow() != plutanium_modem::ModemState::Standby)
            .cloned()
            .collect();
        let samples: Vec<_> = crate::handle::modems_with_info(driven)
            .await
            .into_iter()
            .map(|(name, handle, info)| {
                let state = handle.state().borrow().clone();
                health_sample(&name, now, &state, info.as_ref())
            })
            .collect();
        let prune = pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_EVERY);
        let keep = u64::try_from(config.keep.as_millis()).unwrap_or(u64::MAX);
        let result = blocking(&store, move |s| {
            s.record_health(&samples)?;
            if prune {
                s.prune_health(now.saturating_sub(keep))?;
            }
            Ok(())
        })
        .await;
        match result {
            Ok(()) if prune => pruned_at = Some(tokio::time::Instant::now()),
            Ok(()) => {}
            Err(e) => tracing::warn!(error = %e, "cannot record the modems' health"),
        }
    }
}

/// A sample of `info` in the store's terms.
fn health_sample(
    modem: &str,
    at: plutanium_core::Timestamp,
    state: &plutanium_modem::ModemState,
    info: Option<&plutanium_modem::ModemInfo>,
) -> plutanium_store::HealthSample {
    let mut sample = plutanium_store::HealthSample {
        modem: modem.to_string(),
        at,
        state: state.name().to_string(),
        ..Default::default()
    };
    // The driver forgets the radio when a session ends, so what it holds
    // is current (and the SIM's state is why a modem may have stopped).
    let Some(info) = info else { return sample };
    sample.signal_dbm = info.signal_dbm;
    sample.rsrp_dbm = info.rsrp_dbm;
    sample.rsrq_db = info.rsrq_db;
    sample.sinr_db = info.sinr_db;
    sample.network = info.network.map(|n| n.name().to_string());
    sample.registration = info.registration.map(|r| r.name().into_owned());
    sample.operator = info.operator.clone();
    sample.sim = info.sim.map(|s| s.name().to_string());
    sample
}

/// The longest wait between polls of a failing source.
const MAX_POLL_BACKOFF: Duration = Duration::from_secs(300);

/// The wait after the `failures`-th failed poll in a row: the interval
/// doubled per failure up to [`MAX_POLL_BACKOFF`] (a config error waits the
/// most at once: it needs an operator), at least what the connector asked
/// for, with ±20 % jitter so sources that failed together (a service that
/// was down) do not come back together.
fn poll_backoff(interval: Duration, failures: u32, error: &StageError) -> Duration {
    let doubled = interval.saturating_mul(1 << failures.min(16));
    let mut wait = match error {
        StageError::Config(_) => MAX_POLL_BACKOFF.max(interval),
        _ => doubled.min(MAX_POLL_BACKOFF.max(interval)),
    };
    if let StageError::Unavailable { retry_in, .. } = error {
        wait = wait.max(*retry_in);
    }
    use std::hash::BuildHasher;
    let random = std::collections::hash_map::RandomState::new().hash_one(failures) % 1000;
    wait.mul_f64(0.8 + 0.4 * random as f64 / 1000.0)
}

/// Polls a source on its interval: what it offers is checked against the
/// policy, committed in one transaction, and only then acknowledged; what
/// the policy refuses is handed back with the reason. Returns the source
/// when the gateway stops, for a reload to keep.
///
/// With a `leader` gate (several nodes on one store), it polls only while
/// the gate is open: one node at a time holds the source's lease, so an
/// email is never fetched by two nodes at once.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn poll_source(
    config: Arc<Config>,
    name: String,
    interval: Duration,
    batch: u32,
    mut source: plutanium_runtime::Connector,
    store: Arc<dyn Store>,
    mut stopped: watch::Receiver<bool>,
    cluster: Option<Cluster>,
) -> plutanium_runtime::Connector {
    let mut failures: u32 = 0;
    let mut leader = cluster.as_ref().map(|cluster| cluster.source(&name));
    // Whether this node still polls the source, by its lease's last
    // confirmed renewal: a node that froze mid-poll and another took the
    // source over commits and acknowledges nothing of that poll.
    let leads = || cluster.as_ref().is_none_or(|cluster| cluster.leads(&name));
    let allowed_modems = source_modems(&config, &name);
    loop {
        if *stopped.borrow() {
            return source;
        }
        if let Some(leader) = &mut leader
            && !*leader.borrow()
        {
            tokio::select! {
                _ = leader.wait_for(|lead| *lead) => {}
                _ = stopped.wait_for(|stop| *stop) => return source,
            }
            continue;
        }
        let mut wait = interval;
        match Source::poll(&mut source, batch).await {
            Ok(messages) if !leads() => {
                tracing::warn!(
                    source = name,
                    messages = messages.len(),
                    "this node lost the source during a poll: nothing of it is committed or acknowledged, and the node that polls the source now fetches these"
                );
            }
            Ok(messages) => {
                failures = 0;
                let mut rows = Vec::new();
                let mut keys = Vec::new();
                let mut refused = Vec::new();
                for message in messages {
                    match config.policy.check(
                        &message.to,
                        &message.text,
                        message.options.encoding,
                        config.default_country.as_deref(),
                    ) {
                        Ok((to, _)) => {
                            rows.push(NewOutbound {
                                key: format!("{name}:{}", message.key),
                                source: name.clone(),
                                to,
                                text: message.text,
                                options: message.options,
                                allowed_modems: allowed_modems.clone(),
                            });
                            keys.push(message.key);
                        }
                        Err(refusal) => refused.push((message.key, refusal.to_string())),
                    }
                }
                let now = time::now();
                let committed = if rows.is_empty() {
                    true
                } else {
                    match blocking(&store, move |s| s.enqueue_batch(&rows, now)).await {
                        Ok(_) => {
                            crate::failpoint("after-source-commit");
                            true
                        }
                        Err(e) => {
                            tracing::error!(source = name, error = %e, "cannot commit; not acknowledging");
                            false
                        }
                    }
                };
                if committed
                    && !keys.is_empty()
                    && leads()
                    && let Err(e) = Source::ack(&mut source, &keys).await
                {
                    tracing::warn!(source = name, error = %e, "ack failed; the source will offer them again and the outbox drops the copies");
                }
                if !refused.is_empty()
                    && let Err(e) = Source::reject(&mut source, &refused).await
                {
                    tracing::warn!(source = name, error = %e, "reject failed");
                }
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                wait = poll_backoff(interval, failures, &e);
                if matches!(e, StageError::Config(_)) {
                    tracing::error!(source = name, error = %e, retry_in = ?wait, "poll failed: the connector's config or grant needs fixing");
                } else {
                    tracing::warn!(source = name, error = %e, retry_in = ?wait, "poll failed");
                }
            }
        }
        if sleep_or_stop(wait, &mut stopped).await {
            return source;
        }
    }
}

/// The modems a source's messages may go out through: those its routes
/// name (`{ from: gmail, to: [gsm0, gsm1] }`), or any when no route names
/// one. Without this a source's messages went out through any modem, one
/// behind a router that cannot carry them included.
fn source_modems(config: &Config, source: &str) -> Vec<String> {
    let mut modems = Vec::new();
    for route in &config.routes {
        if !matches!(&route.from, Endpoint::Connector(name) if name == source) {
            continue;
        }
        for end in &route.to {
            if let Endpoint::Modem(modem) = end
                && !modems.contains(modem)
            {
                modems.push(modem.clone());
            }
        }
    }
    modems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sources_messages_go_only_through_the_modems_its_routes_name() {
        let config = plutanium_core::config::load(
            "modems:\n  gsm0: { port: \"sim://gsm0\" }\n  gsm1: { port: \"sim://gsm1\" }\n  \
             lte: { port: \"sim://lte\" }\nconnectors:\n  mail: { component: gmail }\n  \
             other: { component: gmail }\n  fwd: { component: gmail-forward }\nroutes:\n  \
             - { from: mail, to: [gsm0, fwd] }\n  - { from: mail, to: [gsm1, gsm0] }\n  \
             - { from: gsm0, to: [lte] }\n",
            &|_| None,
        )
        .expect("a valid config");
        assert_eq!(source_modems(&config, "mail"), ["gsm0", "gsm1"]);
        assert!(
            source_modems(&config, "other").is_empty(),
            "no route: any modem"
        );
    }

    #[test]
    fn a_failing_source_is_polled_less_and_less_often() {
        let second = Duration::from_secs(1);
        let transient = StageError::Transient("HTTP 429".into());
        let within = |wait: Duration, nominal: Duration| {
            wait >= nominal.mul_f64(0.8) && wait <= nominal.mul_f64(1.2)
        };
        assert!(within(poll_backoff(second, 1, &transient), 2 * second));
        assert!(within(poll_backoff(second, 3, &transient), 8 * second));
        assert!(within(
            poll_backoff(second, 30, &transient),
            MAX_POLL_BACKOFF
        ));
        let config = StageError::Config("HTTP 401".into());
        assert!(within(poll_backoff(second, 1, &config), MAX_POLL_BACKOFF));
        let unavailable = StageError::Unavailable {
            reason: "trapped".into(),
            retry_in: Duration::from_secs(60),
        };
        assert!(poll_backoff(second, 1, &unavailable) >= Duration::from_secs(48));
        // An hourly source is not polled more often because it failed.
        let hour = Duration::from_secs(3600);
        assert!(within(poll_backoff(hour, 1, &transient), hour));
    }
}
