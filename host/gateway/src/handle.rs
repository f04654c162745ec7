//! [`GatewayHandle`]: what the rest of the program holds of a gateway. It
//! queues messages, streams live events, and tells which modems and
//! connectors run now. It is cheap to clone and stays the same across
//! reloads (a reload publishes what runs next into it), so the API never
//! needs to be told that the gateway changed.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use plutanium_core::config::Config;
use plutanium_modem::ModemHandle;
use plutanium_runtime::{StatsHandle, World};
use plutanium_store::{Enqueued, LoggedEvent, Store, StoreError};
use tokio::sync::broadcast;

use crate::accept::Acceptor;
use crate::live::{Histogram, Live};
use crate::outbound::{Checked, Rejection, Submission};

/// Each connector's world and statistics, by name.
pub type ConnectorStatsMap = BTreeMap<String, (World, StatsHandle)>;

/// A running gateway as the rest of the program sees it; clones share it.
#[derive(Clone)]
pub struct GatewayHandle {
    shared: Arc<Shared>,
}

struct Shared {
    store: Arc<dyn Store>,
    /// Commits accepted sends in groups.
    acceptor: Acceptor,
    live: Live,
    liveness: plutanium_core::liveness::Liveness,
    now: RwLock<Now>,
}

/// What runs now.
struct Now {
    config: Arc<Config>,
    modems: Vec<(String, ModemHandle)>,
    connectors: ConnectorStatsMap,
}

impl GatewayHandle {
    /// A handle over `store` for `config` with nothing running yet: messages
    /// it queues wait in the store until a gateway sends them. The gateway
    /// makes one at start; an API served without a gateway (tests, a
    /// read-only front end) can too.
    pub fn new(store: Arc<dyn Store>, config: Arc<Config>) -> GatewayHandle {
        GatewayHandle {
            shared: Arc::new(Shared {
                live: crate::live::channel(store.clone()),
                acceptor: Acceptor::start(store.clone()),
                store,
                liveness: plutanium_core::liveness::Liveness::default(),
                now: RwLock::new(Now {
                    config,
                    modems: Vec::new(),
                    connectors: ConnectorStatsMap::new(),
                }),
            }),
        }
    }

    /// What runs from now on (at start, and after each reload).
    pub(crate) fn publish(
        &self,
        config: Arc<Config>,
        modems: Vec<(String, ModemHandle)>,
        connectors: ConnectorStatsMap,
    ) {
        *self.now_mut() = Now {
            config,
            modems,
            connectors,
        };
    }

    /// Nothing runs any more.
    pub(crate) fn publish_stopped(&self) {
        let mut now = self.now_mut();
        now.modems.clear();
        now.connectors.clear();
    }

    fn now_mut(&self) -> std::sync::RwLockWriteGuard<'_, Now> {
        // A panic while publishing leaves a whole value behind: take it.
        self.shared.now.write().unwrap_or_else(|e| e.into_inner())
    }

    fn now(&self) -> std::sync::RwLockReadGuard<'_, Now> {
        self.shared.now.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the router, the dispatcher and every modem show life by
    /// when they said they would: the daemon feeds systemd's watchdog only
    /// while [`Liveness::stalled`](plutanium_core::liveness::Liveness::stalled)
    /// is empty.
    pub fn liveness(&self) -> &plutanium_core::liveness::Liveness {
        &self.shared.liveness
    }

    /// The store the gateway commits to: the message and call log, the
    /// outbox, the connectors' KV.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.shared.store
    }

    /// The config that runs now.
    pub fn config(&self) -> Arc<Config> {
        self.now().config.clone()
    }

    /// The modems that run now, by name, in the config's order.
    pub fn modems(&self) -> Vec<(String, ModemHandle)> {
        self.now().modems.clone()
    }

    /// The running modem called `name`.
    pub fn modem(&self, name: &str) -> Option<ModemHandle> {
        let now = self.now();
        now.modems
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, handle)| handle.clone())
    }

    /// The connectors that run now: world and statistics, by name.
    pub fn connectors(&self) -> ConnectorStatsMap {
        self.now().connectors.clone()
    }

    /// Live events from now on: inbound SMS and calls once committed,
    /// outbound states, modem states, each as its id, type and JSON. A
    /// listener that falls behind loses the oldest (and is told how many),
    /// never slows the gateway.
    pub fn subscribe(&self) -> broadcast::Receiver<LoggedEvent> {
        self.shared.live.subscribe()
    }

    /// The events published after `after` (an id a listener saw last), from
    /// the store's live event log, oldest first, at most `limit`: what a
    /// listener missed while it was away, across restarts too.
    pub async fn replay(&self, after: i64, limit: u32) -> Result<Vec<LoggedEvent>, StoreError> {
        self.shared.live.flush().await;
        let store = self.shared.store.clone();
        tokio::task::spawn_blocking(move || store.live_events_after(after, limit))
            .await
            .map_err(|e| StoreError::Unavailable {
                reason: e.to_string(),
            })?
    }

    /// How long modems took to send a message (every part), for metrics.
    pub fn send_seconds(&self) -> &Histogram {
        &self.shared.live.send_seconds
    }

    pub(crate) fn live(&self) -> &Live {
        &self.shared.live
    }

    /// Checks `submission` against the config that runs now.
    pub fn check(&self, submission: Submission) -> Result<Checked, Rejection> {
        crate::outbound::check(&self.config(), submission)
    }

    /// Queues a checked message, durably before it returns (committed with
    /// whatever else is being queued at the moment: one commit for many
    /// sends under load); a running gateway sends it within a second.
    /// Listeners get an `outbound` event with status `queued`. A key queued
    /// before gives [`Enqueued::Duplicate`] and queues nothing.
    pub async fn queue(&self, checked: Checked) -> Result<Enqueued, StoreError> {
        let mut done = self.queue_batch(vec![checked]).await?;
        Ok(done.remove(0))
    }

    /// [`GatewayHandle::queue`] for several messages at once: each one's
    /// result, in order.
    pub async fn queue_batch(&self, checked: Vec<Checked>) -> Result<Vec<Enqueued>, StoreError> {
        let rows = checked.into_iter().map(|checked| checked.row).collect();
        let done = self.shared.acceptor.accept(rows).await?;
        for enqueued in &done {
            if let Enqueued::Queued(id) = enqueued {
                self.shared.live.send(crate::live::LiveEvent::Outbound {
                    id: format!("out-{id}"),
                    status: "queued".into(),
                    modem: None,
                    detail: None,
                });
            }
        }
        Ok(done)
    }
}

/// Each of `modems` with what it reports, asked all at once, in the order
/// given; `None` for a modem busy or hung for 2 s (it holds no other's
/// answer up). The API's modem list, the metrics and the health recorder
/// all read modems this way.
pub async fn modems_with_info(
    modems: Vec<(String, ModemHandle)>,
) -> Vec<(String, ModemHandle, Option<plutanium_modem::ModemInfo>)> {
    let mut asked = tokio::task::JoinSet::new();
    for (index, (name, handle)) in modems.into_iter().enumerate() {
        asked.spawn(async move {
            let info = tokio::time::timeout(std::time::Duration::from_secs(2), handle.info())
                .await
                .ok()
                .flatten();
            (index, (name, handle, info))
        });
    }
    let mut answered = asked.join_all().await;
    answered.sort_by_key(|(index, _)| *index);
    answered.into_iter().map(|(_, modem)| modem).collect()
}
