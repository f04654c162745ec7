//! Leases: how several nodes on one shared store agree who does what.
//!
//! A lease is a named row (`modem:gsm0`, `router`, `source:gmail`) held by
//! one process of one node until it expires. Its holder renews it well
//! before then; any other process takes it once it has expired, and taking
//! it raises its **epoch**. The epoch is the fence: a write made under a
//! lease names the epoch it was made under ([`Fence`]), and the store
//! refuses it once the epoch has moved on, however long the writer was
//! paused and whatever its own clock says.
//!
//! The decision is made here, once, for every backend ([`next`]): a backend
//! reads the row under a lock, asks [`next`], and writes what it says.

use std::collections::BTreeMap;
use std::time::Duration;

use plutanium_core::Timestamp;

/// Who holds a lease: a node (what `plutanium run --node` names, shown to
/// users) and the process on it (a token new at every start, so a restarted
/// node does not mistake its dead predecessor's lease for its own).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Holder {
    /// The node's name.
    pub node: String,
    /// This process's token.
    pub instance: String,
}

impl Holder {
    /// `node`, with a token that no other process has.
    pub fn new(node: impl Into<String>) -> Self {
        let mut token = [0u8; 8];
        // A process that cannot draw random bytes still gets a distinct
        // token from its pid and start time.
        if getrandom::fill(&mut token).is_err() {
            let fallback = u64::from(std::process::id()) << 32 ^ plutanium_core::time::now();
            token = fallback.to_be_bytes();
        }
        Holder {
            node: node.into(),
            instance: hex::encode(token),
        }
    }
}

/// A lease as the store holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease {
    /// What it is for: [`modem_lease`]`(name)`, `router`, `source:NAME`.
    pub name: String,
    /// Who holds it (or held it last, when it has expired).
    pub holder: Holder,
    /// Raised every time the lease changes hands; never lowered.
    pub epoch: u64,
    /// When it expires unless renewed (ms since the epoch, store time).
    pub expires_at: Timestamp,
}

impl Lease {
    /// Whether `holder` holds it at `now`.
    pub fn held_by(&self, holder: &Holder, now: Timestamp) -> bool {
        self.holder == *holder && self.expires_at > now
    }
}

/// The name of the lease on modem `name`.
pub fn modem_lease(name: &str) -> String {
    format!("modem:{name}")
}

/// The modem a lease is on, when it is a modem's.
pub fn lease_modem(lease: &str) -> Option<&str> {
    lease.strip_prefix("modem:")
}

/// What a backend does for an acquire, decided from the row it read
/// under a lock.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Another holder's live lease: leave it.
    Keep(Lease),
    /// Write this lease.
    Write(Lease),
}

/// What an acquire of lease `name` by `holder` at `now` does to `current`:
///
/// - no row, or an expired one (whoever held it): `holder` takes it, with
///   the epoch raised;
/// - `holder`'s own live lease: renewed, same epoch;
/// - another's live lease: unchanged.
pub(crate) fn next(
    name: &str,
    current: Option<Lease>,
    holder: &Holder,
    now: Timestamp,
    ttl: Duration,
) -> Decision {
    let expires_at = now.saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX));
    match current {
        Some(lease) if lease.expires_at > now && lease.holder != *holder => Decision::Keep(lease),
        Some(lease) if lease.expires_at > now => Decision::Write(Lease {
            expires_at,
            ..lease
        }),
        other => Decision::Write(Lease {
            name: name.to_string(),
            holder: holder.clone(),
            epoch: other.map_or(0, |lease| lease.epoch) + 1,
            expires_at,
        }),
    }
}

/// The leases a writer holds, by modem, with the epoch of each: what a
/// fenced claim or completion carries (see
/// [`Store::claim_for`](crate::Store::claim_for)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fence {
    holder: Holder,
    epochs: BTreeMap<String, u64>,
}

impl Fence {
    /// A fence for `holder`, holding no modem yet.
    pub fn new(holder: Holder) -> Self {
        Fence {
            holder,
            epochs: BTreeMap::new(),
        }
    }

    /// Who writes under it.
    pub fn holder(&self) -> &Holder {
        &self.holder
    }

    /// Records that the holder took modem `modem`'s lease at `epoch`.
    pub fn hold(&mut self, modem: &str, epoch: u64) {
        self.epochs.insert(modem.to_string(), epoch);
    }

    /// Records that the holder no longer has modem `modem`'s lease.
    pub fn lose(&mut self, modem: &str) {
        self.epochs.remove(modem);
    }

    /// The epoch the holder has modem `modem`'s lease at, if it has it.
    pub fn epoch(&self, modem: &str) -> Option<u64> {
        self.epochs.get(modem).copied()
    }

    /// Of `leases` (the store's rows for this fence's modems, read in the
    /// writer's transaction), the modems whose lease is still the one this
    /// fence was made under: same holder, same epoch. With `now`, also not
    /// expired (a claim starts new work, so the lease must still run; a
    /// completion records work already done, so only the epoch counts).
    pub(crate) fn current<'a>(
        &self,
        leases: impl IntoIterator<Item = &'a Lease>,
        now: Option<Timestamp>,
    ) -> Vec<String> {
        leases
            .into_iter()
            .filter_map(|lease| {
                let modem = lease_modem(&lease.name)?;
                let epoch = self.epoch(modem)?;
                let live = now.is_none_or(|now| lease.expires_at > now);
                (lease.holder == self.holder && lease.epoch == epoch && live)
                    .then(|| modem.to_string())
            })
            .collect()
    }

    /// The names of the leases it rests on.
    pub(crate) fn lease_names(&self) -> Vec<String> {
        self.epochs.keys().map(|m| modem_lease(m)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: Duration = Duration::from_secs(10);

    fn written(decision: Decision) -> Lease {
        match decision {
            Decision::Write(lease) => lease,
            Decision::Keep(lease) => panic!("kept {lease:?} instead of writing"),
        }
    }

    fn holder(node: &str) -> Holder {
        Holder {
            node: node.into(),
            instance: "1".into(),
        }
    }

    #[test]
    fn a_free_lease_is_taken_at_epoch_one_and_renewed_at_the_same_epoch() {
        let a = holder("a");
        let taken = written(next("modem:x", None, &a, 1_000, TTL));
        assert_eq!((taken.epoch, taken.expires_at), (1, 11_000));
        let renewed = written(next("modem:x", Some(taken), &a, 5_000, TTL));
        assert_eq!((renewed.epoch, renewed.expires_at), (1, 15_000));
    }

    #[test]
    fn a_live_lease_is_not_taken_and_an_expired_one_is_with_a_new_epoch() {
        let (a, b) = (holder("a"), holder("b"));
        let held = written(next("modem:x", None, &a, 0, TTL));
        assert_eq!(
            next("modem:x", Some(held.clone()), &b, 9_999, TTL),
            Decision::Keep(held.clone())
        );
        let taken = written(next("modem:x", Some(held.clone()), &b, 10_000, TTL));
        assert_eq!((taken.holder, taken.epoch), (b, 2));
        // Its old holder coming back after expiry takes it afresh too: a
        // paused process must not keep writing under the old epoch.
        let again = written(next("modem:x", Some(held), &a, 20_000, TTL));
        assert_eq!(again.epoch, 2);
    }

    #[test]
    fn a_restarted_node_waits_for_its_predecessors_lease() {
        let old = holder("a");
        let new = Holder {
            node: "a".into(),
            instance: "2".into(),
        };
        let held = written(next("modem:x", None, &old, 0, TTL));
        assert!(matches!(
            next("modem:x", Some(held), &new, 5_000, TTL),
            Decision::Keep(_)
        ));
    }

    #[test]
    fn a_fence_holds_only_the_epochs_it_was_made_under() {
        let a = holder("a");
        let mut fence = Fence::new(a.clone());
        fence.hold("x", 3);
        fence.hold("y", 1);
        let lease = |modem: &str, holder: &Holder, epoch, expires_at| Lease {
            name: modem_lease(modem),
            holder: holder.clone(),
            epoch,
            expires_at,
        };
        let rows = [lease("x", &a, 3, 100), lease("y", &holder("b"), 2, 100)];
        assert_eq!(fence.current(&rows, Some(50)), vec!["x".to_string()]);
        assert!(fence.current(&rows, Some(100)).is_empty());
        assert_eq!(fence.current(&rows, None), vec!["x".to_string()]);
    }
}
