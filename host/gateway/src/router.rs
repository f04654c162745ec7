//! The router: each committed event through the routes that start where it
//! came from, their messages committed to the outbox, then the event marked
//! routed. An event whose routing failed in a way that may pass (a stage
//! failed transiently, a commit failed) is not marked, and is tried again
//! with backoff; one that was not committed is retried at the next start.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use plutanium_core::config::{Config, Endpoint};
use plutanium_core::policy::RateLimiter;
use plutanium_core::routing::route_event;
use plutanium_core::{Processor, Sink, StageError};
use plutanium_store::{NewOutbound, RouteCommit, RouteOutput, RoutedMark, Store};
use tokio::sync::{mpsc, watch};

use plutanium_core::Event;
use plutanium_core::time;

use crate::blocking;
use crate::cluster::Cluster;
use plutanium_core::liveness::Heart;

/// An event committed to the store (or one that needs no commit), on its
/// way to the router.
pub(crate) struct Routable {
    /// The modem it came in on.
    pub(crate) origin: String,
    /// Where it is stored, to mark it routed.
    pub(crate) stored: Stored,
    pub(crate) event: Event,
}

/// Where a routable event is stored.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stored {
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
    pub(crate) fn mark(self) -> Option<plutanium_store::RoutedMark> {
        match self {
            Stored::Inbox(id) => Some(plutanium_store::RoutedMark::Inbox(id)),
            Stored::Call(id) => Some(plutanium_store::RoutedMark::Call(id)),
            Stored::Status(_) | Stored::Nothing => None,
        }
    }

    /// The id of the row it is stored as, or is about.
    pub(crate) fn id(self) -> Option<i64> {
        match self {
            Stored::Inbox(id) | Stored::Call(id) | Stored::Status(id) => Some(id),
            Stored::Nothing => None,
        }
    }
}

/// First wait before routing a failed event again; doubles up to
/// [`MAX_RETRY_WAIT`].
const FIRST_RETRY_WAIT: Duration = Duration::from_secs(5);
const MAX_RETRY_WAIT: Duration = Duration::from_secs(600);

/// What a router hands to the next one on reload: the queue of committed
/// events it had not routed yet, the events waiting for a retry, and the
/// per-destination counts.
pub(crate) struct RouterState {
    /// Shared with the gateway, so the queue outlives a router that had to
    /// be aborted.
    pub(crate) events: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Routable>>>,
    retries: Vec<Retry>,
    per_destination: Option<RateLimiter>,
    /// The processors and sinks a router starts with (set by the
    /// gateway), and has when it stopped, for a reload to keep the ones
    /// whose config did not change.
    pub(crate) processors: HashMap<String, Box<dyn Processor>>,
    pub(crate) sinks: HashMap<String, Box<dyn Sink>>,
}

struct Retry {
    routable: Routable,
    due: tokio::time::Instant,
    wait: Duration,
}

impl RouterState {
    pub(crate) fn new(events: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Routable>>>) -> Self {
        RouterState {
            events,
            retries: Vec::new(),
            per_destination: None,
            processors: HashMap::new(),
            sinks: HashMap::new(),
        }
    }
}

/// Events routed before one commit, at most.
const ROUTE_BATCH: usize = 64;

/// How often the per-destination limiter forgets destinations it has not
/// seen within its window.
const FORGET_IDLE_EVERY_MS: u64 = 60_000;

/// Whether routing the event again later may succeed where it failed now.
fn may_pass_later(error: &StageError) -> Option<Option<Duration>> {
    match error {
        StageError::Transient(_) => Some(None),
        StageError::Unavailable { retry_in, .. } => Some(Some(*retry_in)),
        _ => None,
    }
}

/// How often an idle router shows life.
const IDLE_BEAT: Duration = Duration::from_secs(1);

/// Added to every wait the router reports to its heart.
const BEAT_MARGIN: Duration = Duration::from_secs(5);

/// Longest a store commit may take before the router counts as stuck (the
/// store's own busy timeout is 5 s; a slow disk's fsync is seconds).
const STORE_PATIENCE: Duration = Duration::from_secs(60);

/// Routes events until `stopped`; returns what the next router takes over.
pub(crate) async fn router(
    config: Arc<Config>,
    mut state: RouterState,
    store: Arc<dyn Store>,
    cluster: Option<Cluster>,
    mut stopped: watch::Receiver<bool>,
    heart: Heart,
) -> RouterState {
    // One event passes each connector at most once, each under its deadline.
    let one_event: Duration = config.connectors.iter().map(|c| c.deadline).sum();
    let mut per_destination = state.per_destination.take().unwrap_or_else(|| {
        RateLimiter::new(
            config.policy.per_destination_per_hour,
            Duration::from_secs(3600),
        )
    });
    let mut processors = std::mem::take(&mut state.processors);
    let mut sinks = std::mem::take(&mut state.sinks);
    let mut events = state.events.clone().lock_owned().await;
    let mut forgot_at = time::now();
    loop {
        heart.beat(std::time::Instant::now(), IDLE_BEAT + BEAT_MARGIN);
        // Tests freeze the router here to check that the watchdog notices.
        #[cfg(feature = "failpoints")]
        fail::fail_point!("router::loop");
        if time::now().saturating_sub(forgot_at) > FORGET_IDLE_EVERY_MS {
            forgot_at = time::now();
            per_destination.forget_idle(forgot_at);
        }
        let next_retry = state.retries.iter().map(|r| r.due).min();
        let (routable, wait, retrying) = tokio::select! {
            biased;
            _ = stopped.wait_for(|stop| *stop) => break,
            event = events.recv() => match event {
                Some(routable) => (routable, FIRST_RETRY_WAIT, false),
                None => break,
            },
            _ = async {
                match next_retry {
                    Some(due) => tokio::time::sleep_until(due).await,
                    None => std::future::pending().await,
                }
            } => {
                let now = tokio::time::Instant::now();
                let index = state.retries.iter().position(|r| r.due <= now).expect("a retry is due");
                let retry = state.retries.swap_remove(index);
                (retry.routable, retry.wait, true)
            }
            // Idle, the router still shows life.
            _ = tokio::time::sleep(IDLE_BEAT) => continue,
        };
        // What else is waiting goes in the same commit (retries are not
        // mixed in: they come one at a time, when due).
        let mut batch = VecDeque::from([(routable, wait, retrying)]);
        if !retrying {
            while batch.len() < ROUTE_BATCH {
                match events.try_recv() {
                    Ok(routable) => batch.push_back((routable, FIRST_RETRY_WAIT, false)),
                    Err(_) => break,
                }
            }
        }
        // Each event's output, with its mark when nothing of it is left to
        // try again.
        let mut outputs: Vec<(Option<RoutedMark>, Vec<NewOutbound>)> = Vec::new();
        let mut outcomes = Vec::new();
        while let Some((routable, wait, retrying)) = batch.pop_front() {
            heart.beat(std::time::Instant::now(), one_event + BEAT_MARGIN);
            // A stored event from a modem this node no longer drives is the
            // driving node's to route: it reads what is unrouted when it
            // takes the modem. (The store refuses the commit anyway; this
            // spares the sinks a call.)
            if routable.stored.mark().is_some()
                && cluster
                    .as_ref()
                    .is_some_and(|c| !c.drives(&routable.origin))
            {
                tracing::info!(modem = %routable.origin, "not routing an event: another node drives its modem now and routes it");
                continue;
            }
            let (produced, again) = route_one(
                &config,
                &routable,
                &mut processors,
                &mut sinks,
                &mut per_destination,
                &store,
                retrying,
            )
            .await;
            let mark = routable.stored.mark().filter(|_| again.is_none());
            outputs.push((mark, produced));
            outcomes.push((routable, wait, again));
            if *stopped.borrow() {
                break;
            }
        }
        // Taken from the queue but not routed before a stop: handed to the
        // next router (on reload) as due now, or routed at the next start.
        for (routable, _, _) in batch {
            state.retries.push(Retry {
                routable,
                due: tokio::time::Instant::now(),
                wait: FIRST_RETRY_WAIT,
            });
        }
        // Everything the events' routes produced, and the marks that they
        // ran, in one durable commit; an event is marked only when nothing
        // of it is left to try again. On a shared store the commit is
        // fenced: an event whose modem another node took is refused.
        let nothing = outputs
            .iter()
            .all(|(mark, rows)| mark.is_none() && rows.is_empty());
        let results = if nothing {
            Some(vec![RouteCommit::Stored(Vec::new()); outputs.len()])
        } else {
            heart.beat(std::time::Instant::now(), STORE_PATIENCE);
            let now = time::now();
            let fence = cluster.as_ref().map(Cluster::fence);
            let committed = blocking(&store, move |s| {
                let outputs: Vec<RouteOutput<'_>> = outputs
                    .iter()
                    .map(|(mark, messages)| RouteOutput {
                        mark: *mark,
                        messages,
                    })
                    .collect();
                s.commit_routes(&outputs, fence.as_ref(), now)
            })
            .await;
            match committed {
                Ok(results) => Some(results),
                Err(e) => {
                    tracing::error!(error = %e, "cannot commit what the routes produced");
                    None
                }
            }
        };
        for (index, (routable, wait, again)) in outcomes.into_iter().enumerate() {
            let again = match results.as_ref().map(|results| &results[index]) {
                None => Some(again.flatten()),
                Some(RouteCommit::Stored(_)) => again,
                Some(RouteCommit::AlreadyRouted) => {
                    tracing::info!(event = ?routable.stored, "routed already (by another node, or by a commit whose answer was lost): its output is dropped");
                    None
                }
                Some(RouteCommit::NotOwner) => {
                    tracing::warn!(modem = %routable.origin, event = ?routable.stored, "this node lost the modem while routing an event: the node that drives it now routes it, and this node's output is dropped");
                    None
                }
            };
            if let Some(hint) = again {
                let wait = hint.unwrap_or(wait).clamp(FIRST_RETRY_WAIT, MAX_RETRY_WAIT);
                tracing::warn!(
                    retry_in = ?wait,
                    "routing did not finish; the event will be routed again"
                );
                state.retries.push(Retry {
                    routable,
                    due: tokio::time::Instant::now() + wait,
                    wait: (wait * 2).min(MAX_RETRY_WAIT),
                });
            }
        }
    }
    drop(events);
    state.per_destination = Some(per_destination);
    state.processors = processors;
    state.sinks = sinks;
    state
}

/// Routes one event: the rows to commit, and whether to route it again
/// later (`Some`, after the wait a stage asked for, if one did).
async fn route_one(
    config: &Config,
    routable: &Routable,
    processors: &mut HashMap<String, Box<dyn Processor>>,
    sinks: &mut HashMap<String, Box<dyn Sink>>,
    per_destination: &mut RateLimiter,
    store: &Arc<dyn Store>,
    retrying: bool,
) -> (Vec<NewOutbound>, Option<Option<Duration>>) {
    let event = &routable.event;
    let origin = Endpoint::Modem(routable.origin.clone());
    let mut again: Option<Option<Duration>> = None;
    let mut rows = Vec::new();
    let now = time::now();
    for route in config.routes.iter().filter(|r| r.from == origin) {
        let routed = route_event(route, event, processors).await;
        for (stage, error) in &routed.failures {
            tracing::warn!(stage, error = %error, "a stage failed");
            if let Some(hint) = may_pass_later(error) {
                again = Some(again.flatten().or(hint));
            }
        }
        for planned in routed.sends {
            let outbound = planned.outbound;
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
                        blocking(store, move |s| s.log_event(now, "refused", &key, &reason)).await;
                    continue;
                }
            };
            // Routed again after a failure: what is committed already is
            // neither counted again nor stored twice.
            if retrying {
                let key = outbound.key.clone();
                if let Ok(Some(_)) = blocking(store, move |s| s.outbound_by_key(&key)).await {
                    continue;
                }
            }
            if let Err(next) = per_destination.try_acquire(&to, now) {
                tracing::warn!(
                    to,
                    retry_at = next,
                    "per-destination limit reached; message refused"
                );
                let (key, reason) = (
                    outbound.key.clone(),
                    format!(
                        "more than {} messages to {to} within an hour",
                        config.policy.per_destination_per_hour
                    ),
                );
                let _ = blocking(store, move |s| s.log_event(now, "refused", &key, &reason)).await;
                continue;
            }
            rows.push(NewOutbound {
                key: outbound.key,
                source: planned.by,
                to,
                text: outbound.text,
                options: outbound.options,
                allowed_modems: planned.modems,
            });
        }
        if routed.dropped_by.is_none() {
            for name in &routed.sinks {
                if let Some(sink) = sinks.get_mut(name)
                    && let Err(e) = sink.deliver(event).await
                {
                    tracing::warn!(sink = name, error = %e, "a sink failed");
                    if let Some(hint) = may_pass_later(&e) {
                        again = Some(again.flatten().or(hint));
                    }
                }
            }
        }
    }
    (rows, again)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use plutanium_core::{Action, Event, InboundSms};
    use plutanium_store::{InboundRecord, SqliteStore};

    use super::*;
    use crate::router::Stored;

    /// Fails transiently `failures` times, then replies.
    struct Flaky {
        failures: usize,
        calls: Arc<AtomicUsize>,
    }

    #[async_trait::async_trait]
    impl Processor for Flaky {
        fn name(&self) -> &str {
            "flaky"
        }

        async fn handle(&mut self, _event: &Event) -> Result<Vec<Action>, StageError> {
            let call = self.calls.fetch_add(1, Ordering::SeqCst);
            if call < self.failures {
                Err(StageError::Transient("the webhook timed out".into()))
            } else {
                Ok(vec![Action::Reply("finally".into())])
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_transient_failure_is_routed_again_with_backoff_and_only_then_marked() {
        let config = plutanium_core::config::load(
            "modems:\n  gsm0: { port: \"sim://gsm0\" }\nconnectors:\n  flaky: { component: flaky }\n\
             routes:\n  - { from: gsm0, through: [flaky], to: gsm0 }\n",
            &|_| None,
        )
        .unwrap();
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let record = InboundRecord {
            fingerprint: "gsm0:1".into(),
            modem: "gsm0".into(),
            sender: "+420601234567".into(),
            recipient: "+420777000000".into(),
            text: "hi".into(),
            received_at: 1,
            meta: Vec::new(),
        };
        let id = store.insert_inbound(&record, None, 1).unwrap().id();
        let calls = Arc::new(AtomicUsize::new(0));
        let mut processors: HashMap<String, Box<dyn Processor>> = HashMap::new();
        processors.insert(
            "flaky".into(),
            Box::new(Flaky {
                failures: 2,
                calls: calls.clone(),
            }),
        );
        let (tx, rx) = mpsc::unbounded_channel();
        let (stop, stopped) = watch::channel(false);
        tx.send(Routable {
            origin: "gsm0".into(),
            stored: Stored::Inbox(id),
            event: Event::Sms(InboundSms {
                id: id.to_string(),
                sender: record.sender.clone(),
                recipient: record.recipient.clone(),
                text: record.text.clone(),
                received_at: 1,
                modem: "gsm0".into(),
                meta: Vec::new(),
            }),
        })
        .unwrap();
        let mut state = RouterState::new(Arc::new(tokio::sync::Mutex::new(rx)));
        state.processors = processors;
        let task = tokio::spawn(router(
            Arc::new(config),
            state,
            store.clone(),
            None,
            stopped,
            plutanium_core::liveness::Liveness::default().heart(
                "router",
                std::time::Instant::now(),
                Duration::from_secs(60),
            ),
        ));
        let started = tokio::time::Instant::now();
        while store
            .outbound_by_key(&format!("flaky:reply:sms:{id}:0"))
            .unwrap()
            .is_none()
        {
            assert!(
                store.unrouted_inbound(10).unwrap().len() == 1,
                "marked before it was done"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert!(started.elapsed() < Duration::from_secs(60), "never retried");
        }
        // Two failures: retried after 5 s, then after 10 s more.
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert!(
            started.elapsed() >= Duration::from_secs(15),
            "{:?}",
            started.elapsed()
        );
        while !store.unrouted_inbound(10).unwrap().is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        stop.send(true).unwrap();
        let state = task.await.unwrap();
        assert!(state.retries.is_empty());
    }
}
