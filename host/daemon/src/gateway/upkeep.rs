//! The gateway's timed work: polling sources, and housekeeping (expiry and
//! retention).

use std::sync::Arc;
use std::time::Duration;

use plutanium_core::Source;
use plutanium_core::config::Config;
use plutanium_store::{NewOutbound, Store};
use tokio::sync::watch;

use super::{blocking, now_ms};

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

/// Expires messages that waited too long and prunes what is older than the
/// retention, at start and then every [`HOUSEKEEPING_EVERY`].
pub(super) async fn housekeeping(
    retention: Duration,
    store: Arc<dyn Store>,
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
        if sleep_or_stop(HOUSEKEEPING_EVERY, &mut stopped).await {
            return;
        }
    }
}

/// Polls a source on its interval: what it offers is checked against the
/// policy, committed in one transaction, and only then acknowledged; what
/// the policy refuses is handed back with the reason. Returns the source
/// when the gateway stops, for a reload to keep.
pub(super) async fn poll_source(
    config: Arc<Config>,
    name: String,
    interval: Duration,
    batch: u32,
    mut source: plutanium_runtime::Connector,
    store: Arc<dyn Store>,
    mut stopped: watch::Receiver<bool>,
) -> plutanium_runtime::Connector {
    loop {
        if *stopped.borrow() {
            return source;
        }
        match Source::poll(&mut source, batch).await {
            Ok(messages) => {
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
                                allowed_modems: Vec::new(),
                            });
                            keys.push(message.key);
                        }
                        Err(refusal) => refused.push((message.key, refusal.to_string())),
                    }
                }
                let now = now_ms();
                let committed = if rows.is_empty() {
                    true
                } else {
                    match blocking(&store, move |s| s.enqueue_batch(&rows, now)).await {
                        Ok(_) => true,
                        Err(e) => {
                            tracing::error!(source = name, error = %e, "cannot commit; not acknowledging");
                            false
                        }
                    }
                };
                if committed
                    && !keys.is_empty()
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
            Err(e) => tracing::warn!(source = name, error = %e, "poll failed"),
        }
        if sleep_or_stop(interval, &mut stopped).await {
            return source;
        }
    }
}
