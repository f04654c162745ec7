//! Several gateway nodes on one shared store: who drives which modem and
//! who polls which source, through leases (`plutanium_store::Lease`), and
//! the store's clock, which every node reads as its time.
//!
//! A [`Cluster`] is made once per gateway (it outlives reloads). Each modem
//! and each source gets a *gate*, a `watch` that is `true` while this node
//! holds its lease: a modem's driver opens the port only then, a source is
//! polled only then. One task takes and renews the leases: a free or
//! expired one is taken, a held one renewed every third of its time, and a
//! lease whose renewal this node cannot confirm in time is given up here
//! before it can expire at the store (the node stops driving first, so two
//! nodes never drive one modem). What the node writes under a modem's lease
//! carries its epoch ([`Cluster::fence`]); the store refuses it once
//! another node has taken the modem.
//!
//! The decisions are [`Keeper`]'s, with time passed in; the task only does
//! the store calls.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use plutanium_core::Timestamp;
use plutanium_core::time::Reading;
use plutanium_store::{Fence, Holder, Lease, Store, modem_lease};
use tokio::sync::{mpsc, watch};

use crate::blocking;

/// How long a lease lasts unless renewed. A dead node's modems move to
/// another node within this and one renewal period.
pub const LEASE_TTL: Duration = Duration::from_secs(15);

/// How often the keeper looks at its leases.
const TICK: Duration = Duration::from_millis(500);

/// How often a node asks for a lease another node holds: a lease given up
/// at a clean stop moves within this.
const LOOK_FOR_FREE: Duration = Duration::from_secs(1);

/// The time every part of a gateway passes to the store as `now`: the
/// store's clock ([`Store::clock`]) on a shared store, sampled by the
/// lease task and counted forward by this process's monotonic clock in
/// between; this machine's clock otherwise.
#[derive(Clone, Debug, Default)]
pub struct Clock(Arc<Mutex<Option<Reading>>>);

impl Clock {
    /// The clock of `cluster`, or this machine's without one.
    pub(crate) fn of(cluster: Option<&Cluster>) -> Clock {
        cluster.map(|c| c.clock().clone()).unwrap_or_default()
    }

    /// Now, in ms since the epoch.
    pub fn now(&self) -> Timestamp {
        match *self.0.lock().unwrap_or_else(PoisonError::into_inner) {
            Some(reading) => reading.now(),
            None => plutanium_core::time::now(),
        }
    }

    fn set(&self, reading: Reading) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(reading);
    }
}

/// What a keeper is for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Subject {
    /// A modem; `device` is a local serial device, which only a node that
    /// has it can open (a USB modem waits for its own host).
    Modem {
        name: String,
        device: Option<PathBuf>,
    },
    /// A source connector, polled by one node at a time.
    Source(String),
}

impl Subject {
    fn lease_name(&self) -> String {
        match self {
            Subject::Modem { name, .. } => modem_lease(name),
            Subject::Source(name) => format!("source:{name}"),
        }
    }

    /// Whether this node could use it at all.
    fn usable_here(&self) -> bool {
        match self {
            Subject::Modem {
                device: Some(path), ..
            } => path.exists(),
            _ => true,
        }
    }
}

/// What a keeper asks the store for next.
#[derive(Debug, PartialEq, Eq)]
enum Ask {
    Acquire,
    Renew(Lease),
}

/// What changed for this node after an answer.
#[derive(Debug, PartialEq, Eq)]
enum Change {
    None,
    Gained(u64),
    Lost,
}

/// One lease's state on this node, and when to ask next. Times are this
/// process's monotonic clock; the lease's own times are the store's.
#[derive(Debug)]
struct Keeper {
    subject: Subject,
    /// The lease while this node holds it, with when the renewal that gave
    /// it its expiry was asked: it runs at least until then plus the TTL,
    /// by any clock that does not run fast.
    held: Option<(Lease, Instant)>,
    next: Instant,
}

impl Keeper {
    fn new(subject: Subject, now: Instant) -> Self {
        Keeper {
            subject,
            held: None,
            next: now,
        }
    }

    /// What to ask the store now, if anything is due.
    fn ask(&self, now: Instant) -> Option<Ask> {
        if now < self.next {
            return None;
        }
        match &self.held {
            Some((lease, _)) => Some(Ask::Renew(lease.clone())),
            None => self.subject.usable_here().then_some(Ask::Acquire),
        }
    }

    /// The store's answer to an ask made at `asked`: the lease as it
    /// stands (`None`: a renewal found it lost).
    fn answer(&mut self, holder: &Holder, asked: Instant, lease: Option<Lease>) -> Change {
        let was_held = self.held.is_some();
        self.held = lease
            .filter(|lease| lease.holder == *holder)
            .map(|lease| (lease, asked));
        // Renew every third of the lease; look for a free one every second,
        // so a lease given up at a clean stop is taken at once.
        self.next = asked
            + if self.held.is_some() {
                LEASE_TTL / 3
            } else {
                LOOK_FOR_FREE
            };
        match (&self.held, was_held) {
            (Some((lease, _)), false) => Change::Gained(lease.epoch),
            (None, true) => Change::Lost,
            _ => Change::None,
        }
    }

    /// Until when the lease is surely this node's: two thirds into it
    /// from the renewal that was last confirmed, leaving a third for
    /// clocks and round trips.
    fn confirmed_until(&self) -> Option<Instant> {
        self.held
            .as_ref()
            .map(|(_, confirmed)| *confirmed + LEASE_TTL * 2 / 3)
    }

    /// The store could not be asked. Keeps the lease until too little of
    /// it may be left, then gives it up here: better a modem idle for a
    /// moment than driven by two nodes.
    fn failed(&mut self, now: Instant) -> Change {
        self.next = now + TICK * 2;
        match self.confirmed_until() {
            Some(until) if now >= until => {
                self.held = None;
                Change::Lost
            }
            _ => Change::None,
        }
    }
}

/// This node's place among the nodes sharing the store.
#[derive(Clone, Debug)]
pub struct Cluster {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    holder: Holder,
    clock: Clock,
    fence: Mutex<Fence>,
    gates: Mutex<BTreeMap<String, Gate>>,
    /// Wakes the task when a subject is added, or asks it to let go.
    wake: mpsc::UnboundedSender<Order>,
    /// Told the name of each modem this node starts to drive.
    gained: mpsc::UnboundedSender<String>,
    /// Notified when any node commits new outbox rows.
    outbox: Arc<tokio::sync::Notify>,
}

/// What the lease task is asked.
#[derive(Debug)]
enum Order {
    /// A subject was added: look at it now.
    Look,
    /// The gateway stopped: give every lease up (so another node takes the
    /// modems at once, not when they expire), then end.
    Release(tokio::sync::oneshot::Sender<()>),
}

#[derive(Debug)]
struct Gate {
    subject: Subject,
    open: watch::Sender<bool>,
    /// Until when (this process's monotonic clock) the lease is surely
    /// still this node's, by its last confirmed renewal: what
    /// [`Cluster::holds`] checks, so a node that resumes after a freeze
    /// knows at once that it may no longer hold it, before its lease task
    /// has run again.
    confirmed_until: Option<Instant>,
}

impl Cluster {
    /// Starts keeping leases for node `node` on `store`; the returned
    /// receiver hears each modem this node starts to drive (its unrouted
    /// messages are this node's to route).
    pub fn start(node: &str, store: Arc<dyn Store>) -> (Cluster, mpsc::UnboundedReceiver<String>) {
        let (wake, woken) = mpsc::unbounded_channel();
        let (gained, gains) = mpsc::unbounded_channel();
        let holder = Holder::new(node);
        let cluster = Cluster {
            inner: Arc::new(Inner {
                fence: Mutex::new(Fence::new(holder.clone())),
                holder,
                clock: Clock::default(),
                gates: Mutex::new(BTreeMap::new()),
                wake,
                gained,
                outbox: Arc::new(tokio::sync::Notify::new()),
            }),
        };
        tokio::spawn(keep(cluster.clone(), store, woken));
        (cluster, gains)
    }

    /// Notified when any node commits new outbox rows (through the
    /// store's notifications), so a sender waits for that, not for a poll.
    pub fn outbox_changed(&self) -> &Arc<tokio::sync::Notify> {
        &self.inner.outbox
    }

    /// The store's time.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// The modem leases this node holds, with their epochs, as of now.
    pub fn fence(&self) -> Fence {
        self.inner
            .fence
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether this node holds modem `modem`'s lease now.
    pub(crate) fn drives(&self, modem: &str) -> bool {
        self.holds(&modem_lease(modem))
    }

    /// Whether this node polls source `source` now.
    pub(crate) fn leads(&self, source: &str) -> bool {
        self.holds(&Subject::Source(source.to_string()).lease_name())
    }

    /// Whether lease `name` is this node's now: its gate is open and its
    /// last renewal was confirmed recently enough.
    fn holds(&self, name: &str) -> bool {
        self.inner
            .gates
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .and_then(|gate| gate.confirmed_until)
            .is_some_and(|until| Instant::now() < until)
    }

    /// The gate of modem `name` (made on first use): `true` while this
    /// node holds its lease. `device` is its local serial device, if any.
    pub fn modem(&self, name: &str, device: Option<PathBuf>) -> watch::Receiver<bool> {
        self.gate(Subject::Modem {
            name: name.to_string(),
            device,
        })
    }

    /// The gate of source `name`: `true` while this node polls it.
    pub fn source(&self, name: &str) -> watch::Receiver<bool> {
        self.gate(Subject::Source(name.to_string()))
    }

    fn gate(&self, subject: Subject) -> watch::Receiver<bool> {
        let mut gates = self
            .inner
            .gates
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let receiver = gates
            .entry(subject.lease_name())
            .or_insert_with(|| Gate {
                subject,
                open: watch::channel(false).0,
                confirmed_until: None,
            })
            .open
            .subscribe();
        let _ = self.inner.wake.send(Order::Look);
        receiver
    }

    /// Gives up every lease this node holds, closing the gates first: for
    /// a node that stops (its modems already stopped), so that another
    /// node takes them at once. Waits at most a few seconds.
    pub async fn release(&self) {
        let (done, released) = tokio::sync::oneshot::channel();
        if self.inner.wake.send(Order::Release(done)).is_ok() {
            let _ = tokio::time::timeout(Duration::from_secs(5), released).await;
        }
    }
}

/// The lease task: ticks, asks the store what is due, opens and closes
/// gates. Ends when the last handle on the cluster is dropped.
async fn keep(cluster: Cluster, store: Arc<dyn Store>, mut woken: mpsc::UnboundedReceiver<Order>) {
    let holder = cluster.inner.holder.clone();
    let mut keepers: BTreeMap<String, Keeper> = BTreeMap::new();
    // Held for as long as this task runs: new outbox rows on any node wake
    // this node's sender.
    let _watch = crate::watch(
        &store,
        plutanium_store::Channel::Outbox,
        cluster.inner.outbox.clone(),
        "new messages from other nodes are picked up within a second",
    )
    .await;
    loop {
        // The store's time first: every lease below is reckoned in it.
        let asked = Instant::now();
        match blocking(&store, |s| s.clock()).await {
            Ok(at) => cluster.inner.clock.set(Reading { at, taken: asked }),
            Err(e) => tracing::warn!(error = %e, "cannot read the store's clock"),
        }
        let subjects: Vec<(String, Subject)> = cluster
            .inner
            .gates
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(name, gate)| (name.clone(), gate.subject.clone()))
            .collect();
        let mut gained_modem = false;
        for (name, subject) in subjects {
            let keeper = keepers
                .entry(name.clone())
                .or_insert_with(|| Keeper::new(subject, Instant::now()));
            let asked = Instant::now();
            let Some(ask) = keeper.ask(asked) else {
                continue;
            };
            let now = cluster.inner.clock.now();
            let (lease_name, me) = (name.clone(), holder.clone());
            let answer = match ask {
                Ask::Acquire => {
                    blocking(&store, move |s| {
                        s.acquire_lease(&lease_name, &me, now, LEASE_TTL).map(Some)
                    })
                    .await
                }
                Ask::Renew(lease) => {
                    blocking(&store, move |s| s.renew_lease(&lease, now, LEASE_TTL)).await
                }
            };
            let change = match answer {
                Ok(lease) => keeper.answer(&holder, asked, lease),
                Err(e) => {
                    tracing::warn!(lease = %name, error = %e, "cannot renew or take a lease");
                    keeper.failed(Instant::now())
                }
            };
            gained_modem |= matches!(change, Change::Gained(_))
                && matches!(keeper.subject, Subject::Modem { .. });
            confirm(&cluster, &name, keeper.confirmed_until());
            apply(&cluster, keeper, change);
        }
        if gained_modem {
            // Once however many modems moved (at start, all of them).
            recover_orphans(&store, cluster.inner.clock.now()).await;
        }
        let order = tokio::select! {
            _ = tokio::time::sleep(TICK) => None,
            order = woken.recv() => match order {
                None => return,
                order => order,
            },
        };
        if let Some(Order::Release(done)) = order {
            for keeper in keepers.values_mut() {
                let Some((lease, _)) = keeper.held.take() else {
                    continue;
                };
                confirm(&cluster, &lease.name, None);
                set_open(&cluster, &keeper.subject, None);
                let name = lease.name.clone();
                match blocking(&store, move |s| s.release_lease(&lease)).await {
                    Ok(_) => tracing::info!(lease = %name, "lease given up for another node"),
                    Err(e) => {
                        tracing::warn!(lease = %name, error = %e, "cannot give the lease up; it runs out by itself")
                    }
                }
            }
            let _ = done.send(());
            return;
        }
        if Arc::strong_count(&cluster.inner) == 1 {
            // Only this task holds it: the gateway is gone. Its leases run
            // out by themselves; the modems were stopped already.
            return;
        }
    }
}

/// Sends again at once what a node that holds no lease any more (it died)
/// was sending, instead of when its claims run out: looked at whenever this
/// node takes a modem, which is when a dead node's modems move.
async fn recover_orphans(store: &Arc<dyn Store>, now: Timestamp) {
    match blocking(store, move |s| s.recover_orphaned_claims(now)).await {
        Ok(ids) if ids.is_empty() => {}
        Ok(ids) => {
            let ids: Vec<String> = ids.iter().map(|id| format!("out-{id}")).collect();
            tracing::warn!(
                messages = %ids.join(", "),
                "sending again what a node that stopped without a clean shutdown was sending; the network may have taken some already, so each may arrive twice"
            );
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot look for a stopped node's sends; they come back when their claims run out")
        }
    }
}

/// Records until when lease `name` is surely this node's (`None`: it is
/// not), for [`Cluster::holds`].
fn confirm(cluster: &Cluster, name: &str, until: Option<Instant>) {
    if let Some(gate) = cluster
        .inner
        .gates
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get_mut(name)
    {
        gate.confirmed_until = until;
    }
}

/// Opens `subject`'s gate with the epoch its lease was taken at, or
/// closes it (`None`), keeping the fence in step.
fn set_open(cluster: &Cluster, subject: &Subject, epoch: Option<u64>) {
    if let Subject::Modem { name, .. } = subject {
        let mut fence = cluster
            .inner
            .fence
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match epoch {
            Some(epoch) => fence.hold(name, epoch),
            None => fence.lose(name),
        }
    }
    if let Some(gate) = cluster
        .inner
        .gates
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&subject.lease_name())
    {
        gate.open.send_replace(epoch.is_some());
    }
}

/// Opens or closes a keeper's gate after `change`, and says so.
fn apply(cluster: &Cluster, keeper: &Keeper, change: Change) {
    let epoch = match change {
        Change::None => return,
        Change::Gained(epoch) => Some(epoch),
        Change::Lost => None,
    };
    match (&keeper.subject, epoch) {
        (Subject::Modem { name, .. }, Some(epoch)) => {
            tracing::info!(modem = %name, epoch, "this node drives the modem now");
            let _ = cluster.inner.gained.send(name.clone());
        }
        (Subject::Modem { name, .. }, None) => {
            tracing::warn!(modem = %name, "this node no longer drives the modem: its lease was taken or could not be renewed");
        }
        (Subject::Source(name), Some(_)) => {
            tracing::info!(source = %name, "this node polls the source now");
        }
        (Subject::Source(name), None) => {
            tracing::warn!(source = %name, "this node stops polling the source: its lease was taken or could not be renewed");
        }
    }
    set_open(cluster, &keeper.subject, epoch);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(node: &str) -> Holder {
        Holder {
            node: node.into(),
            instance: "1".into(),
        }
    }

    fn lease(holder: &Holder, epoch: u64) -> Lease {
        Lease {
            name: "modem:gsm0".into(),
            holder: holder.clone(),
            epoch,
            expires_at: 0,
        }
    }

    fn modem() -> Subject {
        Subject::Modem {
            name: "gsm0".into(),
            device: None,
        }
    }

    #[test]
    fn a_keeper_takes_renews_and_loses_its_lease() {
        let me = holder("a");
        let t0 = Instant::now();
        let mut keeper = Keeper::new(modem(), t0);
        assert_eq!(keeper.ask(t0), Some(Ask::Acquire));
        // Someone else has it: nothing gained, asked again a second later.
        assert_eq!(
            keeper.answer(&me, t0, Some(lease(&holder("b"), 4))),
            Change::None
        );
        assert_eq!(keeper.ask(t0 + Duration::from_millis(500)), None);
        let t1 = t0 + LOOK_FOR_FREE;
        assert_eq!(keeper.ask(t1), Some(Ask::Acquire));
        assert_eq!(
            keeper.answer(&me, t1, Some(lease(&me, 5))),
            Change::Gained(5)
        );
        let t2 = t1 + LEASE_TTL / 3;
        assert_eq!(keeper.ask(t2), Some(Ask::Renew(lease(&me, 5))));
        assert_eq!(keeper.answer(&me, t2, Some(lease(&me, 5))), Change::None);
        // The renewal finds it gone.
        let t3 = t2 + LEASE_TTL / 3;
        assert_eq!(keeper.answer(&me, t3, None), Change::Lost);
        assert_eq!(keeper.ask(t3 + LEASE_TTL / 3), Some(Ask::Acquire));
    }

    #[test]
    fn a_node_that_cannot_reach_the_store_gives_its_lease_up_before_it_expires() {
        let me = holder("a");
        let t0 = Instant::now();
        let mut keeper = Keeper::new(modem(), t0);
        keeper.answer(&me, t0, Some(lease(&me, 1)));
        assert_eq!(keeper.failed(t0 + LEASE_TTL / 2), Change::None);
        assert_eq!(keeper.failed(t0 + LEASE_TTL * 2 / 3), Change::Lost);
        assert_eq!(keeper.held, None);
    }

    #[test]
    fn a_lease_counts_as_held_only_two_thirds_into_it_from_the_last_confirmed_renewal() {
        let me = holder("a");
        let t0 = Instant::now();
        let mut keeper = Keeper::new(modem(), t0);
        assert_eq!(keeper.confirmed_until(), None);
        keeper.answer(&me, t0, Some(lease(&me, 1)));
        assert_eq!(keeper.confirmed_until(), Some(t0 + LEASE_TTL * 2 / 3));
        // A renewal asked later moves it on from when it was asked.
        let t1 = t0 + LEASE_TTL / 3;
        keeper.answer(&me, t1, Some(lease(&me, 1)));
        assert_eq!(keeper.confirmed_until(), Some(t1 + LEASE_TTL * 2 / 3));
        keeper.answer(&me, t1, None);
        assert_eq!(keeper.confirmed_until(), None);
    }

    #[test]
    fn a_usb_modem_is_only_asked_for_where_its_device_is() {
        let keeper = Keeper::new(
            Subject::Modem {
                name: "usb".into(),
                device: Some("/dev/plutanium-no-such-device".into()),
            },
            Instant::now(),
        );
        assert_eq!(keeper.ask(Instant::now()), None);
    }
}
