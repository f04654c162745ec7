//! Whether every part of the daemon is alive: each long-running task holds a
//! [`Heart`] and says, as it goes, by when it will show life again. The
//! systemd watchdog is fed only while no heart is overdue, so a task that
//! deadlocks, or waits where it never should, gets the daemon restarted
//! instead of silently stopping SMS. A known wait (a modem's reconnect
//! backoff, a connector call under its deadline) is declared with its end; an
//! indefinite one that is not a fault (a modem waiting for an operator) is
//! declared as resting.
//!
//! Time is passed in, so the rules are tested without a clock.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Every heart's next due time. Cheap to clone; clones share the record.
#[derive(Clone, Debug, Default)]
pub struct Liveness {
    hearts: Arc<Mutex<BTreeMap<u64, Pulse>>>,
    next_id: Arc<std::sync::atomic::AtomicU64>,
}

#[derive(Clone, Debug)]
struct Pulse {
    name: String,
    /// Overdue after this; `None` while resting.
    due: Option<Instant>,
}

/// A heart that is overdue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stalled {
    /// The task, as its heart was named (`router`, `modem gsm0`).
    pub name: String,
    /// How long past its due time it is.
    pub overdue: Duration,
}

impl std::fmt::Display for Stalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (silent {:.1} s past its due time)",
            self.name,
            self.overdue.as_secs_f64()
        )
    }
}

impl Liveness {
    /// A heart named `name`, due again within `within` of `now`. It leaves
    /// the record when dropped (a task that ended is not a stalled one).
    pub fn heart(&self, name: &str, now: Instant, within: Duration) -> Heart {
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.lock().insert(
            id,
            Pulse {
                name: name.to_string(),
                due: Some(now + within),
            },
        );
        Heart {
            id,
            liveness: self.clone(),
        }
    }

    /// The hearts overdue at `now`, by name.
    pub fn stalled(&self, now: Instant) -> Vec<Stalled> {
        let mut stalled: Vec<Stalled> = self
            .lock()
            .values()
            .filter_map(|pulse| {
                let due = pulse.due?;
                (now > due).then(|| Stalled {
                    name: pulse.name.clone(),
                    overdue: now - due,
                })
            })
            .collect();
        stalled.sort_by(|a, b| a.name.cmp(&b.name));
        stalled
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Pulse>> {
        // A panic elsewhere leaves the map whole: each change is one insert.
        self.hearts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One task's heart: see [`Liveness`].
#[derive(Debug)]
pub struct Heart {
    id: u64,
    liveness: Liveness,
}

impl Heart {
    /// Alive at `now`, and due again within `within`.
    pub fn beat(&self, now: Instant, within: Duration) {
        self.set(Some(now + within));
    }

    /// In a wait that ends by `until`: due then, plus `grace`.
    pub fn waiting_until(&self, until: Instant, grace: Duration) {
        self.set(Some(until + grace));
    }

    /// In a wait that has no end and is no fault (a modem that needs an
    /// operator): never overdue until the next beat.
    pub fn rest(&self) {
        self.set(None);
    }

    fn set(&self, due: Option<Instant>) {
        if let Some(pulse) = self.liveness.lock().get_mut(&self.id) {
            pulse.due = due;
        }
    }
}

impl Drop for Heart {
    fn drop(&mut self) {
        self.liveness.lock().remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heart_is_overdue_only_past_its_due_time() {
        let liveness = Liveness::default();
        let t0 = Instant::now();
        let router = liveness.heart("router", t0, Duration::from_secs(5));
        let modem = liveness.heart("modem gsm0", t0, Duration::from_secs(5));
        assert!(liveness.stalled(t0 + Duration::from_secs(5)).is_empty());
        router.beat(t0 + Duration::from_secs(4), Duration::from_secs(5));
        let stalled = liveness.stalled(t0 + Duration::from_secs(6));
        assert_eq!(
            stalled,
            vec![Stalled {
                name: "modem gsm0".into(),
                overdue: Duration::from_secs(1)
            }]
        );
        // A known wait, then resting: not overdue.
        modem.waiting_until(t0 + Duration::from_secs(60), Duration::from_secs(5));
        assert!(liveness.stalled(t0 + Duration::from_secs(9)).is_empty());
        assert_eq!(liveness.stalled(t0 + Duration::from_secs(66)).len(), 2);
        modem.rest();
        router.beat(t0 + Duration::from_secs(66), Duration::from_secs(5));
        assert!(liveness.stalled(t0 + Duration::from_secs(70)).is_empty());
        // A task that ended leaves the record.
        drop(router);
        assert!(liveness.stalled(t0 + Duration::from_secs(1000)).is_empty());
    }
}
