//! Sending: a dispatcher claims due outbox rows and hands each to a worker
//! per modem (round-robin among the healthy modems the row allows, under
//! each modem's rate limit); workers send, one message at a time per modem,
//! all modems at once. Each outcome is committed on its worker's thread
//! when the store can take it at once, and otherwise by a completer that
//! commits whatever waits in one transaction ([`completer`]). A worker's
//! next message goes out only
//! once the outcome of its last one is committed, so a crash can repeat at
//! most one message per modem; its prompt (`AT+CMGS=` → `> `) is asked for
//! meanwhile, and the PDU waits at the prompt ([`SendGate`]). With an
//! [`OutcomeJournal`] (the daemon on its SQLite file), the outcome on file
//! is enough: the gate opens once it is written, and the completer commits
//! outcomes to the store in batches.
//!
//! Stopping: the dispatcher stops claiming, each worker finishes the send in
//! flight and gives back the rows it had not started (queued again, not
//! counted as an attempt), and the completer commits everything before it
//! ends. Only then are the modems stopped.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use plutanium_core::ModemPool;
use plutanium_core::config::Config;
use plutanium_core::policy::RateLimiter;
use plutanium_modem::{
    ModemHandle, ModemState, QueuedSend, SendError, SendGate, SendOptions, SentMessage,
};
use plutanium_store::{OutboxRow, SendOutcome, Store};
use tokio::sync::{Notify, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::blocking;
use crate::cluster::{Clock, Cluster};
use crate::journal::OutcomeJournal;

/// How long a claimed outbox row is ours before another sender may take it.
pub(crate) const LEASE: Duration = Duration::from_secs(120);

/// Rows handed to a slow modem's worker and not yet committed, at most: few
/// enough that the last of them starts well within its lease even when each
/// is a long message on a slow network (4 × 6 parts × 3 s < [`LEASE`]),
/// and a message of another source waits behind no more of them.
const IN_FLIGHT_SLOW: usize = 4;

/// The same for a modem whose sends take under [`FAST_SEND`]: enough that
/// its worker always has the next row at hand to queue behind the one the
/// driver is sending (see [`worker`]), even while a claim is under way.
const IN_FLIGHT_FAST: usize = 8;

/// A modem whose sends take less than this on average is fast.
const FAST_SEND: Duration = Duration::from_millis(50);

/// One modem's rows in flight, and how many it may have.
struct Slots {
    in_flight: AtomicUsize,
    /// [`IN_FLIGHT_SLOW`] or [`IN_FLIGHT_FAST`], as its worker measures.
    depth: AtomicUsize,
    /// The [`Done::seq`] of the last of its outcomes the completer committed.
    committed: AtomicU64,
}

impl Slots {
    fn new() -> Self {
        Slots {
            in_flight: AtomicUsize::new(0),
            depth: AtomicUsize::new(IN_FLIGHT_SLOW),
            committed: AtomicU64::new(0),
        }
    }

    /// How many more rows it may take.
    fn room(&self) -> usize {
        self.depth
            .load(Ordering::Acquire)
            .saturating_sub(self.in_flight.load(Ordering::Acquire))
    }

    /// Whether it should be given rows now: only once it has room for half
    /// its depth. Each claim is a write transaction in the store, in the way
    /// of the commits of send outcomes; a fast modem claiming one row per
    /// send spent much of its time waiting for its own claims.
    fn wants_rows(&self) -> bool {
        self.room() >= self.depth.load(Ordering::Acquire).div_ceil(2)
    }
}

/// A worker does not start a row whose lease ends within this margin: the
/// row may be claimed again by then, and sending it would send it twice.
const LEASE_MARGIN_MS: u64 = 30_000;

/// When no modem can take a row now, it is due again after this.
const NO_MODEM_WAIT_MS: u64 = 2_000;

/// How soon a message goes again after its modem never asked for the PDU:
/// nothing went out, and the driver cancelled the prompt, so there is no
/// reason to wait the backoff of a refused send. It counts as an attempt,
/// so a modem that always loses its prompt still ends in a failure.
const NO_PROMPT_RETRY_MS: u64 = 1_000;

/// The wait before retry `attempt` (1-based) after a transient error:
/// 15 s doubling per attempt up to 30 min, with ±20 % jitter so that rows
/// that failed together do not come back together.
pub(crate) fn backoff_ms(attempt: u32, jitter: f64) -> u64 {
    let base = 15_000u64.saturating_mul(1 << attempt.saturating_sub(1).min(16));
    let capped = base.min(30 * 60_000) as f64;
    (capped * (0.8 + 0.4 * jitter.clamp(0.0, 1.0))) as u64
}

/// A number in [0, 1) that differs between rows and between runs.
fn jitter(id: i64) -> f64 {
    use std::hash::BuildHasher;
    let hash = std::collections::hash_map::RandomState::new().hash_one(id);
    (hash % 10_000) as f64 / 10_000.0
}

/// A claimed row on its way to a modem's worker.
struct Claimed {
    row: OutboxRow,
    /// When the lease runs out.
    lease_until: u64,
}

struct Done {
    /// The modem whose worker sent it (its in-flight count goes down).
    modem: usize,
    /// Its worker's count of the outcomes it handed to the completer.
    seq: u64,
    id: i64,
    attempt: u32,
    outcome: SendOutcome,
    /// Told once the outcome is committed: the gate of the modem's next
    /// send, unless the journal opened it already.
    committed: Option<oneshot::Sender<()>>,
    /// Its line in the journal, to be let go of once committed.
    journaled: Option<u64>,
}

/// Starts the dispatcher, one worker per modem and the completer.
#[allow(clippy::too_many_arguments)]
pub(crate) fn spawn(
    config: Arc<Config>,
    modems: Vec<ModemHandle>,
    store: Arc<dyn Store>,
    stopped: watch::Receiver<bool>,
    live: crate::live::Live,
    liveness: &plutanium_core::liveness::Liveness,
    cluster: Option<Cluster>,
    journal: Option<Arc<OutcomeJournal>>,
) -> Vec<JoinHandle<()>> {
    let heart = liveness.heart(
        "dispatcher",
        std::time::Instant::now(),
        Duration::from_secs(60),
    );
    let slots: Arc<Vec<Slots>> = Arc::new(modems.iter().map(|_| Slots::new()).collect());
    let room = Arc::new(Notify::new());
    let (done_tx, done_rx) = mpsc::unbounded_channel::<Done>();
    let finish = Arc::new(Finish {
        slots: slots.clone(),
        room: room.clone(),
        live,
        journal,
    });
    let mut tasks = Vec::new();
    let mut queues = Vec::new();
    for (index, handle) in modems.iter().enumerate() {
        let (tx, rx) = mpsc::unbounded_channel::<Claimed>();
        queues.push(tx);
        tasks.push(tokio::spawn(worker(
            index,
            slots.clone(),
            handle.clone(),
            config.policy.max_parts,
            rx,
            Commit {
                store: store.clone(),
                completer: done_tx.clone(),
                finish: finish.clone(),
            },
            stopped.clone(),
            finish.live.send_seconds.clone(),
            cluster.clone(),
        )));
    }
    drop(done_tx);
    // A thread of its own, not a task that hands each commit to the
    // blocking pool: on a fast modem, each hop between threads was a large
    // part of the time between one send's answer and the next send.
    let completing = (store.clone(), finish);
    let completer_cluster = cluster.clone();
    tasks.push(tokio::task::spawn_blocking(move || {
        let (store, finish) = completing;
        completer(done_rx, store, &finish, completer_cluster)
    }));
    tasks.push(tokio::spawn(dispatcher(
        config, modems, queues, store, slots, room, stopped, heart, cluster,
    )));
    tasks
}

/// Longest a dispatcher turn may take before it counts as stuck: its waits
/// are under a second; a claim in a busy store may take the store's busy
/// timeout and an fsync.
const DISPATCH_PATIENCE: Duration = Duration::from_secs(60);

/// Waits `pause`, or less: until a notification on `room` finds `done`
/// true. Whether the gateway stopped meanwhile.
async fn until_or_stopped(
    pause: Duration,
    room: &Notify,
    done: impl Fn() -> bool,
    stopped: &mut watch::Receiver<bool>,
) -> bool {
    let pause = tokio::time::sleep(pause);
    tokio::pin!(pause);
    loop {
        tokio::select! {
            _ = &mut pause => return false,
            _ = room.notified() => if done() { return false },
            _ = stopped.wait_for(|stop| *stop) => return true,
        }
    }
}

/// Claims due rows while there is room, and hands each to a modem.
#[allow(clippy::too_many_arguments)]
async fn dispatcher(
    config: Arc<Config>,
    modems: Vec<ModemHandle>,
    queues: Vec<mpsc::UnboundedSender<Claimed>>,
    store: Arc<dyn Store>,
    slots: Arc<Vec<Slots>>,
    room: Arc<Notify>,
    mut stopped: watch::Receiver<bool>,
    heart: plutanium_core::liveness::Heart,
    cluster: Option<Cluster>,
) {
    let clock = Clock::of(cluster.as_ref());
    let names: Vec<String> = modems.iter().map(|m| m.name().to_string()).collect();
    let mut pool = ModemPool::new(names.len());
    // Only modems the config caps; the rest send as fast as they can.
    // By index, as the pool's choices are.
    let mut limits: Vec<Option<RateLimiter>> = names
        .iter()
        .map(|name| {
            let per_minute = config
                .modems
                .iter()
                .find(|m| m.name == *name)?
                .rate_per_minute?;
            Some(RateLimiter::new(per_minute, Duration::from_secs(60)))
        })
        .collect();
    let mut postponed = Vec::new();
    loop {
        // Each turn waits at most a second, plus a claim in the store.
        heart.beat(std::time::Instant::now(), DISPATCH_PATIENCE);
        if *stopped.borrow() {
            return;
        }
        if !slots.iter().any(Slots::wants_rows) {
            tokio::select! {
                _ = room.notified() => {}
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                _ = stopped.wait_for(|stop| *stop) => return,
            }
            continue;
        }
        // Only rows a modem that is ready and has room may send are
        // claimed: with no such modem (starting, reconnecting, unplugged,
        // busy), or for a row whose route allows only modems that are down,
        // rows stay queued in their order, untouched, instead of being
        // claimed and postponed every few seconds, and the first one goes
        // first once a modem that may send it is ready.
        let wants = |index: usize| {
            *modems[index].state().borrow() == ModemState::Ready
                && !queues[index].is_closed()
                && slots[index].wants_rows()
        };
        // Which modems this claim is for, by index (see the empty claim).
        let asked: Vec<bool> = (0..modems.len()).map(wants).collect();
        let (senders, rooms): (Vec<String>, Vec<usize>) = modems
            .iter()
            .enumerate()
            .filter(|(index, _)| asked[*index])
            .map(|(index, m)| (m.name().to_string(), slots[index].room()))
            .unzip();
        if senders.is_empty() {
            // Looking costs no store access, so a short wait is cheap.
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(250)) => {}
                _ = stopped.wait_for(|stop| *stop) => return,
            }
            continue;
        }
        let now = clock.now();
        // As many as they have room for together: one claim fills every
        // modem that wants rows (with hundreds of modems, a claim the size
        // of one modem's room made the claims the limit). A row that finds
        // its modems full (a reply that must leave by the modem its SMS
        // came in on) goes back in its place, below; see `MODEMS_FULL` for
        // what that costs.
        let limit = u32::try_from(rooms.iter().sum::<usize>()).unwrap_or(u32::MAX);
        // On a shared store, only for modems whose lease is still ours.
        let fence = cluster.as_ref().map(Cluster::fence);
        let claimed = match blocking(&store, move |s| {
            s.claim_for(now, limit, LEASE, Some(&senders), fence.as_ref())
        })
        .await
        {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(error = %e, "cannot claim outbox rows");
                Vec::new()
            }
        };
        if claimed.is_empty() {
            match &cluster {
                // Other nodes add rows too: their commits wake us, and rows
                // that become due later (a retry) are looked for each second.
                Some(cluster) => tokio::select! {
                    _ = cluster.outbox_changed().notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = stopped.wait_for(|stop| *stop) => return,
                },
                // Nothing due for these modems. Rows for a modem that was
                // busy (too full to ask for rows) may be: claim again as
                // soon as one that was not asked for wants rows, not after
                // the pause (a fast modem with a queue of its own, beside
                // idle ones, sent a handful of rows per pause). Rows queued
                // meanwhile, or coming due, are looked for after it.
                None => {
                    let another_wants = || (0..modems.len()).any(|i| !asked[i] && wants(i));
                    let pause = Duration::from_millis(100);
                    if until_or_stopped(pause, &room, another_wants, &mut stopped).await {
                        return;
                    }
                }
            }
            continue;
        }
        for (index, handle) in modems.iter().enumerate() {
            let ready = *handle.state().borrow() == ModemState::Ready;
            pool.set_healthy(index, ready && !queues[index].is_closed());
        }
        let now = clock.now();
        let lease_until = now + u64::try_from(LEASE.as_millis()).unwrap_or(u64::MAX);
        for row in claimed {
            // The modems this row may not use: outside its route, not the
            // one it asked for, or full; and those rate-limited this turn.
            let mut limited: Vec<usize> = Vec::new();
            let routed_away = |index: usize| {
                let name = &names[index];
                row.options.modem.as_ref().is_some_and(|m| m != name)
                    || (!row.allowed_modems.is_empty() && !row.allowed_modems.contains(name))
            };
            // A modem that cannot carry the text whole (one behind RouterOS's
            // API, for unicode or a long text) is passed over while another
            // of its modems can; when none can, it goes to one, which fails
            // it with the reason instead of holding it forever.
            let someone_carries =
                (0..names.len()).any(|i| !routed_away(i) && modems[i].can_carry(&row.text));
            let barred = |index: usize| {
                routed_away(index) || (someone_carries && !modems[index].can_carry(&row.text))
            };
            let excluded = |index: usize, limited: &[usize]| {
                barred(index) || slots[index].room() == 0 || limited.contains(&index)
            };
            let mut next_free = None;
            let chosen = loop {
                let Some(index) = pool.pick(|i| excluded(i, &limited)) else {
                    break None;
                };
                match limits[index]
                    .as_mut()
                    .map(|l| l.try_acquire(&names[index], now))
                {
                    Some(Err(at)) => {
                        next_free = Some(next_free.map_or(at, |n: u64| n.min(at)));
                        limited.push(index);
                    }
                    _ => break Some(index),
                }
            };
            match chosen {
                Some(index) => {
                    slots[index].in_flight.fetch_add(1, Ordering::AcqRel);
                    tracing::debug!(
                        id = %format!("out-{}", row.id),
                        modem = %names[index],
                        attempt = row.attempts,
                        "claimed for sending"
                    );
                    let claimed = Claimed { row, lease_until };
                    if let Err(mpsc::error::SendError(claimed)) = queues[index].send(claimed) {
                        // That modem's worker is gone (it panicked): not
                        // again soon, and not to it.
                        slots[index].in_flight.fetch_sub(1, Ordering::AcqRel);
                        postponed.push((claimed.row, now + NO_MODEM_WAIT_MS, NO_MODEM));
                    }
                }
                None => {
                    // Its modems are full (this claim filled them): back in
                    // its place, due when it was, to go with the next claim.
                    let full = (0..names.len())
                        .any(|i| !barred(i) && !limited.contains(&i) && slots[i].room() == 0);
                    let (at, why) = if full {
                        (row.next_attempt_at, MODEMS_FULL)
                    } else {
                        (next_free.unwrap_or(now + NO_MODEM_WAIT_MS), NO_MODEM)
                    };
                    postponed.push((row, at, why));
                }
            }
        }
        if !postponed.is_empty() {
            // Not an attempt: no modem could take them now.
            let outcomes: Vec<_> = postponed
                .drain(..)
                .map(|(row, at, why)| {
                    (
                        row.id,
                        row.attempts,
                        SendOutcome::Postpone {
                            error: why.into(),
                            at,
                        },
                    )
                })
                .collect();
            let now = clock.now();
            if let Err(e) = blocking(&store, move |s| s.complete_batch(&outcomes, None, now)).await
            {
                tracing::error!(error = %e, "cannot postpone rows; their lease brings them back");
            }
        }
    }
}

/// Why a claimed row was put back without an attempt.
const NO_MODEM: &str = "no modem of its route is ready or under its rate limit";

/// Why a claimed row was put back in its place: the claim took more rows
/// for a modem than it had room for.
///
/// A row is put back when the claim took more rows for a modem than it had
/// room for: replies that must leave by one busy modem, claimed beside
/// idle ones. Each of that modem's turns can then put back up to the
/// others' room. That costs one row update each, which matters only for
/// a modem sending hundreds a second; claiming for such a modem apart (no
/// more than its room) was tried and measured worse: with many busy
/// modems the claims became small again (the inbound flood of the scale
/// bench fell from 6,279 to 3,702 SMS/s).
const MODEMS_FULL: &str = "the modems of its route were busy; back in its place in the queue";

/// A row on its way through one modem's worker.
struct InFlight {
    row: OutboxRow,
    stage: Stage,
    /// Opens the gate of the send after it, once this row's outcome is
    /// committed.
    committed: oneshot::Sender<()>,
}

enum Stage {
    /// Decided without sending it.
    Decided(SendOutcome),
    /// Queued at the modem's driver, since then.
    Queued(QueuedSend, std::time::Instant),
}

/// Sends the rows handed to one modem, in order.
///
/// Each row is queued at the driver as soon as the one before it is, so the
/// driver starts it the moment that one is done; its PDU waits at the
/// prompt for the commit of that one's outcome ([`SendGate`]), so a crash
/// still repeats at most one message per modem.
#[allow(clippy::too_many_arguments)]
async fn worker(
    modem: usize,
    slots: Arc<Vec<Slots>>,
    handle: ModemHandle,
    max_parts: u8,
    mut rows: mpsc::UnboundedReceiver<Claimed>,
    commit: Commit,
    stopped: watch::Receiver<bool>,
    send_seconds: Arc<crate::live::Histogram>,
    cluster: Option<Cluster>,
) {
    let clock = Clock::of(cluster.as_ref());
    // Opens once the outcome of the last row handed to the driver (or
    // decided) is committed: outcomes commit in the order they are handed
    // over, so it opens after every earlier one.
    let mut committed: Option<SendGate> = None;
    let mut ahead: Option<InFlight> = None;
    // How long a send takes, on average (from queued to answered).
    let mut average: Option<Duration> = None;
    // Outcomes handed to the completer so far.
    let mut handed = 0;
    loop {
        let next = match &ahead {
            // One row is at the driver: the next is queued behind it now,
            // if there is one, instead of after its answer comes back here.
            Some(_) => rows.try_recv().ok(),
            None => match rows.recv().await {
                Some(next) => Some(next),
                None => return,
            },
        };
        let queued = match next {
            Some(Claimed { row, lease_until }) => {
                let stage = if *stopped.borrow() {
                    Stage::Decided(SendOutcome::Postpone {
                        error: "the gateway stopped before sending it".into(),
                        at: clock.now(),
                    })
                } else if cluster
                    .as_ref()
                    .is_some_and(|cluster| !cluster.drives(handle.name()))
                {
                    // Another node took the modem since the claim: its rows
                    // are that node's to send now.
                    Stage::Decided(SendOutcome::Postpone {
                        error: "this node no longer drives its modem".into(),
                        at: clock.now(),
                    })
                } else if clock.now() + LEASE_MARGIN_MS > lease_until {
                    // Waited too long behind this modem's other messages:
                    // another claim may take it soon, so it is not sent on
                    // this one.
                    Stage::Decided(SendOutcome::Postpone {
                        error: "waited too long for its modem".into(),
                        at: clock.now(),
                    })
                } else {
                    let started = std::time::Instant::now();
                    match queue(&handle, &row, max_parts, committed.take()).await {
                        Ok(queued) => Stage::Queued(queued, started),
                        Err(e) => Stage::Decided(outcome(&handle, &row, &clock, Err(e))),
                    }
                };
                let (open, gate) = SendGate::new();
                committed = Some(gate);
                Some(InFlight {
                    row,
                    stage,
                    committed: open,
                })
            }
            None => None,
        };
        if let Some(InFlight {
            row,
            stage,
            committed,
        }) = ahead.take()
        {
            let outcome = match stage {
                Stage::Decided(outcome) => outcome,
                Stage::Queued(queued, started) => {
                    let outcome = outcome(&handle, &row, &clock, queued.sent().await);
                    if matches!(outcome, SendOutcome::Sent { .. }) {
                        let took = started.elapsed();
                        send_seconds.observe(took);
                        let mean = average.map_or(took, |mean| (mean * 3 + took) / 4);
                        average = Some(mean);
                        let depth = if mean < FAST_SEND {
                            IN_FLIGHT_FAST
                        } else {
                            IN_FLIGHT_SLOW
                        };
                        slots[modem].depth.store(depth, Ordering::Release);
                    }
                    outcome
                }
            };
            let done = Done {
                modem,
                seq: handed + 1,
                id: row.id,
                attempt: row.attempts,
                outcome,
                committed: Some(committed),
                journaled: None,
            };
            let done = match &commit.finish.journal {
                Some(journal) => Some(journaled(journal, done, &clock)),
                None => commit.here(done, &cluster, &clock),
            };
            if let Some(done) = done {
                handed += 1;
                let _ = commit.completer.send(done);
            }
        }
        ahead = queued;
    }
}

/// Writes `done`'s outcome to the journal and, once it is there, opens the
/// gate of the modem's next send; the completer commits it to the store
/// later. If the journal cannot take it, the gate waits for the commit, as
/// without a journal.
fn journaled(journal: &OutcomeJournal, mut done: Done, clock: &Clock) -> Done {
    match journal.record(done.id, done.attempt, &done.outcome, clock.now()) {
        Ok(line) => {
            done.journaled = line;
            // On file, not in the store, the next PDU not yet out: only
            // the journal's replay keeps this send from going again.
            crate::failpoint("after-outcome-journaled");
            if let Some(gate) = done.committed.take() {
                let _ = gate.send(());
            }
        }
        Err(e) => tracing::warn!(
            id = %format!("out-{}", done.id),
            error = %e,
            "the next send on this modem waits for this outcome's commit instead"
        ),
    }
    done
}

/// Queues `row` at its modem's driver, its PDU to wait for `after`.
async fn queue(
    handle: &ModemHandle,
    row: &OutboxRow,
    max_parts: u8,
    after: Option<SendGate>,
) -> Result<QueuedSend, SendError> {
    let options = SendOptions {
        encoding: row.options.encoding,
        status_report: row.options.status_report,
        flash: row.options.flash,
        validity: row
            .options
            .validity_minutes
            .map(|m| Duration::from_secs(u64::from(m) * 60)),
        max_parts: Some(usize::from(max_parts)),
        ..SendOptions::default()
    };
    handle.queue_text(&row.to, &row.text, &options, after).await
}

/// What the driver's answer for `row` means for it.
fn outcome(
    handle: &ModemHandle,
    row: &OutboxRow,
    clock: &Clock,
    sent: Result<SentMessage, SendError>,
) -> SendOutcome {
    match sent {
        Ok(sent) => SendOutcome::Sent {
            modem: handle.name().to_string(),
            message_refs: sent.message_refs,
            sim: sent.sim,
        },
        // Nothing was sent: another modem, or this one later, may take it,
        // and it does not count as an attempt. A withdrawn send waited only
        // for the last outcome's commit, so it is due again at once.
        Err(e @ SendError::Withdrawn) => SendOutcome::Postpone {
            error: e.to_string(),
            at: clock.now(),
        },
        Err(e @ (SendError::NotReady(_) | SendError::Stopped)) => SendOutcome::Postpone {
            error: e.to_string(),
            at: clock.now() + NO_MODEM_WAIT_MS,
        },
        Err(e @ SendError::NoPrompt { part: 1, .. }) => SendOutcome::Retry {
            error: e.to_string(),
            at: clock.now() + NO_PROMPT_RETRY_MS,
            modem: Some(handle.name().to_string()),
        },
        Err(e) if e.is_transient() => SendOutcome::Retry {
            error: e.to_string(),
            at: clock.now() + backoff_ms(row.attempts, jitter(row.id)),
            modem: Some(handle.name().to_string()),
        },
        Err(e) => SendOutcome::Failed {
            error: e.to_string(),
            modem: Some(handle.name().to_string()),
        },
    }
}

mod completer;

use completer::{Commit, Finish, completer};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        assert_eq!(backoff_ms(1, 0.5), 15_000);
        assert_eq!(backoff_ms(2, 0.5), 30_000);
        assert_eq!(backoff_ms(3, 0.0), 48_000);
        assert_eq!(backoff_ms(3, 1.0), 72_000);
        assert_eq!(backoff_ms(40, 0.5), 30 * 60_000);
        assert_eq!(backoff_ms(0, 0.5), 15_000);
    }
}
