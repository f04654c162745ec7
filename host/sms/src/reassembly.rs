//! Sans-IO reassembly of concatenated message parts.
//!
//! Parts are keyed by (sender, reference, total). They may arrive in any order and
//! more than once. Time is passed in by the caller as a [`Duration`] on the caller's
//! own clock (for example since the UNIX epoch, so pending parts can be persisted
//! and pushed again after a restart). Nothing is dropped silently: a message that
//! times out or is evicted by the bounds comes back as an [`Incomplete`] with the
//! parts received.

use std::collections::HashMap;
use std::time::Duration;

/// Which message a part belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConcatKey {
    /// The sender (or recipient, for stored sent messages).
    pub sender: String,
    /// The concatenation reference.
    pub reference: u16,
    /// The number of parts.
    pub total: u8,
}

/// Bounds and timeout for a [`Reassembler`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReassemblyLimits {
    /// A message whose last part arrived this long ago is given up as incomplete.
    pub timeout: Duration,
    /// The most messages pending at once.
    pub max_messages: usize,
    /// The most parts pending at once, over all messages.
    pub max_parts: usize,
}

impl Default for ReassemblyLimits {
    /// One hour, 1024 messages, 8192 parts.
    fn default() -> Self {
        ReassemblyLimits {
            timeout: Duration::from_secs(3600),
            max_messages: 1024,
            max_parts: 8192,
        }
    }
}

/// A message given up before all its parts arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incomplete<T> {
    /// Which message.
    pub key: ConcatKey,
    /// The parts received, by sequence number, in order.
    pub parts: Vec<(u8, T)>,
    /// The sequence numbers that never arrived.
    pub missing: Vec<u8>,
}

/// What became of one pushed part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pushed<T> {
    /// This part completed the message: every part, in order.
    Complete(Vec<T>),
    /// The message is still missing parts.
    Waiting {
        /// Parts received so far.
        received: usize,
        /// Parts expected.
        total: u8,
    },
    /// A part with this sequence number was already held; the new copy is returned.
    Duplicate(T),
    /// The sequence number is 0 or above the total; the part is returned unused.
    Invalid(T),
}

/// The result of [`Reassembler::push`]: the part's fate, plus any messages evicted
/// to stay within the bounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushOutcome<T> {
    /// What became of the part.
    pub pushed: Pushed<T>,
    /// Messages given up to make room (oldest activity first).
    pub evicted: Vec<Incomplete<T>>,
}

#[derive(Debug)]
struct Pending<T> {
    parts: Vec<Option<T>>,
    received: usize,
    last_seen: Duration,
}

/// Collects parts until each message is whole.
#[derive(Debug)]
pub struct Reassembler<T> {
    limits: ReassemblyLimits,
    pending: HashMap<ConcatKey, Pending<T>>,
    pending_parts: usize,
}

impl<T> Reassembler<T> {
    /// A reassembler with these limits (a bound of 0 is read as 1).
    pub fn new(limits: ReassemblyLimits) -> Self {
        Reassembler {
            limits: ReassemblyLimits {
                max_messages: limits.max_messages.max(1),
                max_parts: limits.max_parts.max(1),
                ..limits
            },
            pending: HashMap::new(),
            pending_parts: 0,
        }
    }

    /// Messages waiting for parts.
    pub fn pending_messages(&self) -> usize {
        self.pending.len()
    }

    /// Parts held.
    pub fn pending_parts(&self) -> usize {
        self.pending_parts
    }

    /// When the next message times out, if any is pending.
    pub fn next_deadline(&self) -> Option<Duration> {
        self.pending
            .values()
            .map(|p| p.last_seen + self.limits.timeout)
            .min()
    }

    /// Adds part `sequence` (1-based) of the message `key`.
    pub fn push(&mut self, key: ConcatKey, sequence: u8, part: T, now: Duration) -> PushOutcome<T> {
        let total = key.total;
        if sequence == 0 || sequence > total {
            return PushOutcome {
                pushed: Pushed::Invalid(part),
                evicted: Vec::new(),
            };
        }
        let index = usize::from(sequence - 1);
        if let Some(p) = self.pending.get(&key)
            && p.parts[index].is_some()
        {
            return PushOutcome {
                pushed: Pushed::Duplicate(part),
                evicted: Vec::new(),
            };
        }
        if total == 1 {
            return PushOutcome {
                pushed: Pushed::Complete(vec![part]),
                evicted: Vec::new(),
            };
        }
        let is_new = !self.pending.contains_key(&key);
        let evicted = self.make_room(&key, is_new);
        let entry = self.pending.entry(key.clone()).or_insert_with(|| Pending {
            parts: (0..total).map(|_| None).collect(),
            received: 0,
            last_seen: now,
        });
        entry.parts[index] = Some(part);
        entry.received += 1;
        entry.last_seen = entry.last_seen.max(now);
        self.pending_parts += 1;
        let pushed = if entry.received == usize::from(total) {
            let done = self
                .pending
                .remove(&key)
                .map(|p| p.parts)
                .unwrap_or_default();
            self.pending_parts -= done.len();
            Pushed::Complete(done.into_iter().flatten().collect())
        } else {
            Pushed::Waiting {
                received: entry.received,
                total,
            }
        };
        PushOutcome { pushed, evicted }
    }

    /// Evicts the least recently active messages (never `keep`) until one more part
    /// (and, if `new_message`, one more message) fits.
    fn make_room(&mut self, keep: &ConcatKey, new_message: bool) -> Vec<Incomplete<T>> {
        let mut evicted = Vec::new();
        loop {
            let too_many_messages = new_message && self.pending.len() >= self.limits.max_messages;
            let too_many_parts = self.pending_parts >= self.limits.max_parts;
            if !too_many_messages && !too_many_parts {
                return evicted;
            }
            let oldest = self
                .pending
                .iter()
                .filter(|(k, _)| *k != keep)
                .min_by(|a, b| a.1.last_seen.cmp(&b.1.last_seen).then(a.0.cmp(b.0)))
                .map(|(k, _)| k.clone());
            let Some(oldest) = oldest else {
                return evicted;
            };
            if let Some(incomplete) = self.remove_incomplete(&oldest) {
                evicted.push(incomplete);
            }
        }
    }

    fn remove_incomplete(&mut self, key: &ConcatKey) -> Option<Incomplete<T>> {
        let pending = self.pending.remove(key)?;
        self.pending_parts -= pending.received;
        let mut parts = Vec::with_capacity(pending.received);
        let mut missing = Vec::new();
        for (i, slot) in pending.parts.into_iter().enumerate() {
            // i < total <= 255, so the cast is exact.
            let sequence = i as u8 + 1;
            match slot {
                Some(part) => parts.push((sequence, part)),
                None => missing.push(sequence),
            }
        }
        Some(Incomplete {
            key: key.clone(),
            parts,
            missing,
        })
    }

    /// Gives up every message whose last part arrived at least `timeout` before `now`.
    pub fn expire(&mut self, now: Duration) -> Vec<Incomplete<T>> {
        let timeout = self.limits.timeout;
        let mut expired: Vec<ConcatKey> = self
            .pending
            .iter()
            .filter(|(_, p)| now.saturating_sub(p.last_seen) >= timeout)
            .map(|(k, _)| k.clone())
            .collect();
        expired.sort();
        expired
            .iter()
            .filter_map(|k| self.remove_incomplete(k))
            .collect()
    }

    /// Gives up every pending message now (for example at shutdown, to persist them).
    pub fn drain(&mut self) -> Vec<Incomplete<T>> {
        let mut keys: Vec<ConcatKey> = self.pending.keys().cloned().collect();
        keys.sort();
        keys.iter()
            .filter_map(|k| self.remove_incomplete(k))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(sender: &str, reference: u16, total: u8) -> ConcatKey {
        ConcatKey {
            sender: sender.into(),
            reference,
            total,
        }
    }

    const T0: Duration = Duration::from_secs(1000);

    #[test]
    fn out_of_order_and_duplicate_parts() {
        let mut r = Reassembler::new(ReassemblyLimits::default());
        let k = key("+420777000111", 7, 3);
        assert_eq!(
            r.push(k.clone(), 3, "c", T0).pushed,
            Pushed::Waiting {
                received: 1,
                total: 3
            }
        );
        assert_eq!(
            r.push(k.clone(), 1, "a", T0).pushed,
            Pushed::Waiting {
                received: 2,
                total: 3
            }
        );
        assert_eq!(
            r.push(k.clone(), 1, "a2", T0).pushed,
            Pushed::Duplicate("a2")
        );
        assert_eq!(
            r.push(k.clone(), 2, "b", T0).pushed,
            Pushed::Complete(vec!["a", "b", "c"])
        );
        assert_eq!(r.pending_messages(), 0);
        assert_eq!(r.pending_parts(), 0);
    }

    #[test]
    fn same_reference_from_different_senders_is_kept_apart() {
        let mut r = Reassembler::new(ReassemblyLimits::default());
        r.push(key("A", 1, 2), 1, "a1", T0);
        r.push(key("B", 1, 2), 1, "b1", T0);
        assert_eq!(
            r.push(key("A", 1, 2), 2, "a2", T0).pushed,
            Pushed::Complete(vec!["a1", "a2"])
        );
        assert_eq!(r.pending_messages(), 1);
    }

    #[test]
    fn invalid_sequence_is_returned() {
        let mut r = Reassembler::new(ReassemblyLimits::default());
        assert_eq!(
            r.push(key("A", 1, 2), 0, "x", T0).pushed,
            Pushed::Invalid("x")
        );
        assert_eq!(
            r.push(key("A", 1, 2), 3, "y", T0).pushed,
            Pushed::Invalid("y")
        );
    }

    #[test]
    fn timeout_yields_incomplete_with_parts() {
        let limits = ReassemblyLimits {
            timeout: Duration::from_secs(60),
            ..ReassemblyLimits::default()
        };
        let mut r = Reassembler::new(limits);
        r.push(key("A", 9, 3), 2, "b", T0);
        assert_eq!(r.next_deadline(), Some(T0 + Duration::from_secs(60)));
        assert!(r.expire(T0 + Duration::from_secs(59)).is_empty());
        let gone = r.expire(T0 + Duration::from_secs(60));
        assert_eq!(
            gone,
            vec![Incomplete {
                key: key("A", 9, 3),
                parts: vec![(2, "b")],
                missing: vec![1, 3]
            }]
        );
        assert_eq!(r.pending_parts(), 0);
    }

    #[test]
    fn bounds_evict_the_oldest_message() {
        let limits = ReassemblyLimits {
            max_messages: 2,
            max_parts: 3,
            ..ReassemblyLimits::default()
        };
        let mut r = Reassembler::new(limits);
        r.push(key("A", 1, 5), 1, 1, T0);
        r.push(key("B", 1, 5), 1, 2, T0 + Duration::from_secs(1));
        let out = r.push(key("C", 1, 5), 1, 3, T0 + Duration::from_secs(2));
        assert_eq!(out.evicted.len(), 1);
        assert_eq!(out.evicted[0].key.sender, "A");
        assert_eq!(out.evicted[0].parts, vec![(1, 1)]);
        // Parts bound: B and C hold 2 parts; adding 2 more to C evicts B.
        r.push(key("C", 1, 5), 2, 4, T0 + Duration::from_secs(3));
        let out = r.push(key("C", 1, 5), 3, 5, T0 + Duration::from_secs(4));
        assert_eq!(out.evicted.len(), 1);
        assert_eq!(out.evicted[0].key.sender, "B");
        assert_eq!(r.pending_messages(), 1);
        assert!(r.pending_parts() <= 3);
    }

    #[test]
    fn flood_stays_bounded() {
        let limits = ReassemblyLimits {
            max_messages: 10,
            max_parts: 20,
            ..ReassemblyLimits::default()
        };
        let mut r = Reassembler::new(limits);
        let mut evicted_parts = 0;
        for i in 0..1000u16 {
            let out = r.push(key("flood", i, 255), 1, i, T0);
            evicted_parts += out.evicted.iter().map(|e| e.parts.len()).sum::<usize>();
            assert!(r.pending_messages() <= 10);
            assert!(r.pending_parts() <= 20);
        }
        // Nothing vanished: every part is either held or was handed back.
        assert_eq!(evicted_parts + r.pending_parts(), 1000);
        let held = r.pending_messages();
        assert_eq!(r.drain().len(), held);
        assert_eq!(r.pending_parts(), 0);
    }
}
