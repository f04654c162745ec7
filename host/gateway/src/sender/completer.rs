//! Committing send outcomes: on the worker's own thread when that can be
//! done at once, otherwise by the completer, a thread that commits
//! whatever waits in one transaction; then the gates of the sends waiting
//! for them open.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use plutanium_store::{SendOutcome, Store};
use tokio::sync::{Notify, mpsc, oneshot};

use super::{Done, Slots};
use crate::cluster::{Clock, Cluster};

/// Outcomes committed in one transaction, at most.
const COMMIT_BATCH: usize = 512;

/// Commits outcomes in batches: whatever arrived while the last commit ran.
/// A failed commit of outcomes is tried again, waiting this long at first
/// and doubling up to [`MAX_COMMIT_RETRY`]; the workers wait meanwhile.
const FIRST_COMMIT_RETRY: Duration = Duration::from_millis(100);
const MAX_COMMIT_RETRY: Duration = Duration::from_secs(5);

/// One log line per committed outcome, so a message's way can be followed
/// by its id: sent at debug, a failure that will be retried at info, one
/// that is final at warn.
fn log_outcome(id: i64, outcome: &SendOutcome) {
    let id = format!("out-{id}");
    match outcome {
        SendOutcome::Sent {
            modem,
            message_refs,
            ..
        } => {
            let refs: Vec<String> = message_refs
                .iter()
                .map(|r| r.map_or_else(|| "-".to_string(), |r| r.to_string()))
                .collect();
            tracing::debug!(%id, %modem, references = %refs.join(","), "sent");
        }
        SendOutcome::Retry { error, modem, .. } => tracing::info!(
            %id,
            modem = modem.as_deref().unwrap_or(""),
            %error,
            "not sent; it will be tried again"
        ),
        SendOutcome::Failed { error, modem } => tracing::warn!(
            %id,
            modem = modem.as_deref().unwrap_or(""),
            %error,
            "failed; it will not be tried again"
        ),
        SendOutcome::Postpone { error, .. } => {
            tracing::debug!(%id, %error, "postponed; not an attempt")
        }
    }
}

/// The live event for a committed send outcome (a postponed row did not
/// change).
fn outcome_event(id: i64, outcome: &SendOutcome) -> Option<crate::live::LiveEvent> {
    let (status, modem, detail) = match outcome {
        SendOutcome::Sent { modem, .. } => ("sent", Some(modem.clone()), None),
        SendOutcome::Retry { error, modem, .. } => ("queued", modem.clone(), Some(error.clone())),
        SendOutcome::Failed { error, modem } => ("failed", modem.clone(), Some(error.clone())),
        SendOutcome::Postpone { .. } => return None,
    };
    Some(crate::live::LiveEvent::Outbound {
        id: format!("out-{id}"),
        status: status.into(),
        modem,
        detail,
    })
}

/// Where a worker's outcomes are committed.
pub(super) struct Commit {
    pub(super) store: Arc<dyn Store>,
    /// The completer's queue.
    pub(super) completer: mpsc::UnboundedSender<Done>,
    pub(super) finish: Arc<Finish>,
}

impl Commit {
    /// Commits `done` on this thread if that can be done at once, and its
    /// modem has no outcome waiting at the completer (outcomes commit in
    /// their order); otherwise gives it back, for the completer. A fast
    /// modem's next PDU waits for this commit at its prompt, and handing
    /// it to the completer's thread and being woken from there again took
    /// longer than the commit itself (two thread wake-ups: 60 of a 330 µs
    /// send on the development machine).
    pub(super) fn here(
        &self,
        done: Done,
        cluster: &Option<Cluster>,
        clock: &Clock,
    ) -> Option<Done> {
        let slots = &self.finish.slots[done.modem];
        if slots.committed.load(Ordering::Acquire) + 1 != done.seq {
            return Some(done);
        }
        let fence = cluster.as_ref().map(Cluster::fence);
        let outcomes = [(done.id, done.attempt, done.outcome)];
        match self
            .store
            .try_complete_batch(&outcomes, fence.as_ref(), clock.now())
        {
            Ok(Some(applied)) => {
                self.finish
                    .committed(vec![(done.modem, done.committed)], &outcomes, &applied);
                None
            }
            // The completer commits it, and says why if it cannot.
            Ok(None) | Err(_) => {
                let [(id, attempt, outcome)] = outcomes;
                Some(Done {
                    id,
                    attempt,
                    outcome,
                    ..done
                })
            }
        }
    }
}

/// What follows the commit of outcomes.
pub(super) struct Finish {
    pub(super) slots: Arc<Vec<Slots>>,
    /// Told when a modem has room for more rows.
    pub(super) room: Arc<Notify>,
    pub(super) live: crate::live::Live,
    /// Where outcomes are written before they are committed, if anywhere.
    pub(super) journal: Option<Arc<crate::journal::OutcomeJournal>>,
}

impl Finish {
    /// Opens the gates of the sends that waited for these outcomes, frees
    /// their slots, logs them and publishes their live events.
    fn committed(
        &self,
        waiting: Vec<(usize, Option<oneshot::Sender<()>>)>,
        outcomes: &[(i64, u32, SendOutcome)],
        applied: &[bool],
    ) {
        // The modems first: a fast modem's next PDU waits at its prompt for
        // this, and logging can wait for it.
        for (modem, waiter) in waiting {
            self.slots[modem].in_flight.fetch_sub(1, Ordering::AcqRel);
            if let Some(waiter) = waiter {
                let _ = waiter.send(());
            }
        }
        for ((id, _, outcome), applied) in outcomes.iter().zip(applied) {
            if !applied {
                continue;
            }
            log_outcome(*id, outcome);
            if let Some(event) = outcome_event(*id, outcome) {
                self.live.send(event);
            }
        }
        let stale = applied.iter().filter(|applied| !**applied).count();
        if stale > 0 {
            tracing::warn!(
                rows = stale,
                "outcomes for claims that were no longer ours (their lease ran out, or another node took the modem); ignored"
            );
        }
        self.room.notify_one();
    }
}

/// Commits the workers' outcomes (see [`FIRST_COMMIT_RETRY`]), on a thread
/// of its own: it blocks on the store.
pub(super) fn completer(
    mut done: mpsc::UnboundedReceiver<Done>,
    store: Arc<dyn Store>,
    finish: &Finish,
    cluster: Option<Cluster>,
) {
    let clock = Clock::of(cluster.as_ref());
    let mut batch = Vec::new();
    while let Some(first) = done.blocking_recv() {
        batch.push(first);
        while batch.len() < COMMIT_BATCH {
            match done.try_recv() {
                Ok(more) => batch.push(more),
                Err(_) => break,
            }
        }
        let count = batch.len();
        let mut waiting = Vec::with_capacity(count);
        let mut last = Vec::new();
        let mut lines = Vec::new();
        let outcomes: Vec<_> = batch
            .drain(..)
            .map(|d| {
                waiting.push((d.modem, d.committed));
                last.push((d.modem, d.seq));
                lines.extend(d.journaled);
                (d.id, d.attempt, d.outcome)
            })
            .collect();
        // Until it is committed, no worker without a journal sends again: a
        // sent message whose outcome is on file nowhere is what a crash
        // would repeat.
        let mut wait = FIRST_COMMIT_RETRY;
        let applied = loop {
            // On a shared store, outcomes on a modem whose lease another
            // node has taken since are refused.
            let fence = cluster.as_ref().map(Cluster::fence);
            let now = clock.now();
            match store.complete_batch(&outcomes, fence.as_ref(), now) {
                Ok(applied) => break applied,
                Err(e) => {
                    tracing::error!(
                        error = %e,
                        rows = count,
                        retry_in_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "cannot record the outcome of sends; trying again (the modems wait meanwhile)"
                    );
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(MAX_COMMIT_RETRY);
                }
            }
        };
        // Each modem's outcomes come in its order: the last one counts.
        for (modem, seq) in last {
            finish.slots[modem].committed.store(seq, Ordering::Release);
        }
        if let Some(journal) = &finish.journal {
            journal.committed(lines);
        }
        finish.committed(waiting, &outcomes, &applied);
    }
}
