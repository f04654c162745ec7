//! Live events: what happened at the gateway, after it is committed, for
//! whoever listens (the API's Server-Sent Events). A listener that falls
//! behind loses the oldest events, never slows the gateway.
//!
//! Each event gets an id, increasing and never reused (it goes on from the
//! highest in the store), and is written to the store's live event log in
//! batches by a task of its own, so a client that reconnects with
//! `Last-Event-ID` is given what it missed ([`GatewayHandle::replay`]).
//!
//! On a store several nodes share, the store gives the ids instead
//! ([`Store::publish_live_events`]), in the order the nodes' writes commit,
//! and each node's listeners get what the store's log holds, every node's
//! events alike, woken by the store's notifications: an event stream on any
//! node shows the whole cluster, with one set of ids to resume from.
//!
//! [`GatewayHandle::replay`]: crate::GatewayHandle::replay

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use plutanium_core::Event;
use plutanium_modem::ModemState;
use plutanium_store::{LoggedEvent, Store};
use serde::Serialize;
use tokio::sync::{Notify, broadcast, mpsc, oneshot, watch};

use plutanium_core::time::rfc3339;

/// One live event, as JSON: `{"type": "sms", …}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// An SMS arrived and is stored.
    Sms {
        /// `in-N`.
        id: String,
        /// The sender.
        from: String,
        /// The number it was sent to (the modem's).
        to: String,
        /// The modem it came in on.
        modem: String,
        /// The text.
        text: String,
        /// When it arrived, RFC 3339.
        at: String,
    },
    /// A call rang.
    Call {
        /// Its row in the call log.
        id: Option<i64>,
        /// The modem it rang on.
        modem: String,
        /// The caller, unless withheld.
        caller: Option<String>,
        /// When, RFC 3339.
        at: String,
    },
    /// An outbound message changed state.
    Outbound {
        /// `out-N`, or the key when only that is known.
        id: String,
        /// `sent`, `delivered`, `failed`, …
        status: String,
        /// The modem it went through, when known.
        modem: Option<String>,
        /// Why, for a failure.
        detail: Option<String>,
    },
    /// A modem changed state.
    Modem {
        /// The modem.
        name: String,
        /// Its state, as [`modem_state`] names it.
        state: String,
        /// What the state needs said (the error, the next attempt).
        detail: Option<String>,
    },
}

/// Where live events go, and the gateway's running measurements (the same
/// for the life of the daemon, across reloads).
#[derive(Clone, Debug)]
pub(crate) struct Live {
    events: broadcast::Sender<LoggedEvent>,
    /// The last id given.
    last_id: Arc<AtomicI64>,
    /// To the task that writes the log; `None` outside a tokio runtime.
    log: Option<mpsc::UnboundedSender<LogWork>>,
    /// Several nodes share the store: events reach listeners from its log.
    shared: bool,
    /// How long a modem took to send a message (every part), seconds.
    pub(crate) send_seconds: Arc<Histogram>,
}

/// What the log writer is asked to do.
#[derive(Debug)]
enum LogWork {
    Append(LoggedEvent),
    /// Answer once everything sent before is written.
    Flush(oneshot::Sender<()>),
}

impl Live {
    /// Publishes `event` with the next id; nobody listening is fine.
    pub(crate) fn send(&self, event: LiveEvent) {
        let json = serde_json::to_value(&event).unwrap_or_default();
        let mut logged = LoggedEvent {
            id: 0,
            at: plutanium_core::time::now(),
            kind: json["type"].as_str().unwrap_or("event").to_string(),
            data: json.to_string(),
        };
        if self.shared
            && let Some(log) = &self.log
        {
            // The store gives it its id, and the tail hands it out.
            let _ = log.send(LogWork::Append(logged));
            return;
        }
        logged.id = self.last_id.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(log) = &self.log {
            let _ = log.send(LogWork::Append(logged.clone()));
        }
        let _ = self.events.send(logged);
    }

    /// Listens from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<LoggedEvent> {
        self.events.subscribe()
    }

    /// Waits until every event published so far is in the store.
    pub(crate) async fn flush(&self) {
        let Some(log) = &self.log else {
            return;
        };
        let (done, written) = oneshot::channel();
        if log.send(LogWork::Flush(done)).is_ok() {
            let _ = written.await;
        }
    }
}

/// A new bus over `store`'s live event log; it keeps the newest 1024
/// events for slow listeners.
pub(crate) fn channel(store: Arc<dyn Store>) -> Live {
    // On a thread of its own: this may run on an async worker, where a
    // blocking database client must not block (PostgreSQL's panics).
    let read = std::thread::scope(|scope| {
        scope
            .spawn(|| store.last_live_event_id())
            .join()
            .unwrap_or_else(|_| {
                Err(plutanium_store::StoreError::Unavailable {
                    reason: "the thread reading the live event log panicked".into(),
                })
            })
    });
    let last_id = read.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read the live event log; event ids start again");
        0
    });
    let shared = store.shared();
    let events = broadcast::channel(1024).0;
    let log = tokio::runtime::Handle::try_current().ok().map(|runtime| {
        let (queue, work) = mpsc::unbounded_channel();
        if shared {
            let written = Arc::new(Notify::new());
            runtime.spawn(write_log(store.clone(), work, Some(written.clone())));
            runtime.spawn(tail(store, events.downgrade(), last_id, written));
        } else {
            runtime.spawn(write_log(store, work, None));
        }
        queue
    });
    Live {
        events,
        last_id: Arc::new(AtomicI64::new(last_id)),
        log,
        shared,
        send_seconds: Arc::new(Histogram::default()),
    }
}

/// On a shared store: hands out to this node's listeners every event the
/// store's log gets after `last`, from any node, in id order; woken by the
/// store's notifications, by this node's own writes, and each second.
/// Ends when the bus is gone.
async fn tail(
    store: Arc<dyn Store>,
    events: broadcast::WeakSender<LoggedEvent>,
    mut last: i64,
    written: Arc<Notify>,
) {
    let _watch = crate::watch(
        &store,
        plutanium_store::Channel::LiveEvents,
        written.clone(),
        "other nodes' events show within a second",
    )
    .await;
    loop {
        tokio::select! {
            _ = written.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
        let Some(sender) = events.upgrade() else {
            return;
        };
        let after = last;
        match crate::blocking(&store, move |s| s.live_events_after(after, 1024)).await {
            Ok(new) => {
                for event in new {
                    last = event.id;
                    let _ = sender.send(event);
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the live event log"),
        }
    }
}

/// How long the log writer lets events gather after the first: a modem
/// sending thousands a second otherwise cost the store one transaction per
/// message for the log alone, in the way of the sends' own commits.
const LOG_GATHER: Duration = Duration::from_millis(10);

/// Writes the live event log: whatever has queued up, in one transaction.
/// With `written` (a shared store), the store gives the ids, and `written`
/// is told after each batch so the tail hands them out at once.
async fn write_log(
    store: Arc<dyn Store>,
    mut work: mpsc::UnboundedReceiver<LogWork>,
    written: Option<Arc<Notify>>,
) {
    while let Some(first) = work.recv().await {
        tokio::time::sleep(LOG_GATHER).await;
        let mut batch = Vec::new();
        let mut flushed = Vec::new();
        let mut next = Some(first);
        while let Some(item) = next {
            match item {
                LogWork::Append(event) => batch.push(event),
                LogWork::Flush(done) => flushed.push(done),
            }
            next = if batch.len() < 512 {
                work.try_recv().ok()
            } else {
                None
            };
        }
        if !batch.is_empty() {
            let shared = written.is_some();
            let result = crate::blocking(&store, move |s| {
                if shared {
                    s.publish_live_events(&batch).map(drop)
                } else {
                    s.append_live_events(&batch)
                }
            })
            .await;
            match (result, &written) {
                (Ok(()), Some(written)) => written.notify_one(),
                (Ok(()), None) => {}
                (Err(e), _) => {
                    tracing::warn!(error = %e, "cannot write the live event log; a resumed event stream will miss these events")
                }
            }
        }
        for done in flushed {
            let _ = done.send(());
        }
    }
}

/// Upper bounds of [`Histogram`]'s buckets, in seconds.
pub const SEND_BUCKETS: [f64; 10] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// A Prometheus-style histogram over [`SEND_BUCKETS`], lock-free.
#[derive(Debug, Default)]
pub struct Histogram {
    /// Non-cumulative counts per bucket, the last one for +Inf.
    buckets: [AtomicU64; SEND_BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

impl Histogram {
    /// Counts one observation.
    pub(crate) fn observe(&self, took: Duration) {
        let seconds = took.as_secs_f64();
        let bucket = SEND_BUCKETS
            .iter()
            .position(|&bound| seconds <= bound)
            .unwrap_or(SEND_BUCKETS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    /// Cumulative counts per bucket (the last is the total) and the sum
    /// in seconds.
    pub fn snapshot(&self) -> (Vec<u64>, f64) {
        let mut total = 0;
        let cumulative = self
            .buckets
            .iter()
            .map(|b| {
                total += b.load(Ordering::Relaxed);
                total
            })
            .collect();
        (
            cumulative,
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6,
        )
    }
}

/// The live event for a routed gateway event, when there is one.
pub(crate) fn of_event(event: &Event, stored_id: Option<i64>) -> Option<LiveEvent> {
    Some(match event {
        Event::Sms(sms) => LiveEvent::Sms {
            id: stored_id.map_or_else(|| sms.id.clone(), |id| format!("in-{id}")),
            from: sms.sender.clone(),
            to: sms.recipient.clone(),
            modem: sms.modem.clone(),
            text: sms.text.clone(),
            at: rfc3339(sms.received_at),
        },
        Event::Call(call) => LiveEvent::Call {
            id: stored_id,
            modem: call.modem.clone(),
            caller: call.caller.clone(),
            at: rfc3339(call.at),
        },
        Event::Status(status) => LiveEvent::Outbound {
            id: stored_id.map_or_else(|| status.key.clone(), |id| format!("out-{id}")),
            status: status.state.name().into(),
            modem: None,
            detail: status.detail.clone(),
        },
    })
}

/// The name and detail of a modem state, as the live events and the API
/// give them.
pub fn modem_state(state: &ModemState) -> (&'static str, Option<String>) {
    (state.name(), state.detail())
}

/// Tells `live` each state `modem` goes through, until its driver ends.
pub(crate) async fn watch_modem(name: String, mut state: watch::Receiver<ModemState>, live: Live) {
    loop {
        let (text, detail) = modem_state(&state.borrow_and_update());
        live.send(LiveEvent::Modem {
            name: name.clone(),
            state: text.into(),
            detail,
        });
        if state.changed().await.is_err() {
            return;
        }
    }
}
