//! Leases, fenced claims and completions, the store's clock, and the
//! connectors' compare-and-set: what lets several nodes share one store.

use std::collections::HashMap;
use std::time::Duration;

use plutanium_store::{
    Fence, Holder, OutboxState, RouteCommit, RouteOutput, RoutedMark, modem_lease,
};

use super::{Backend, LEASE, T0, inbound, message, sent};

const TTL: Duration = Duration::from_secs(15);

fn holder(node: &str, instance: &str) -> Holder {
    Holder {
        node: node.into(),
        instance: instance.into(),
    }
}

pub(crate) fn a_lease_has_one_holder_and_a_new_epoch_each_time_it_changes_hands(
    backend: &dyn Backend,
) {
    let store = backend.open();
    let (a, b) = (holder("a", "1"), holder("b", "1"));
    let name = modem_lease("gsm0");
    let first = store.acquire_lease(&name, &a, T0, TTL).unwrap();
    assert!(first.held_by(&a, T0));
    assert_eq!((first.epoch, first.expires_at), (1, T0 + 15_000));
    // Another node finds it held, and learns by whom and until when.
    let seen = store.acquire_lease(&name, &b, T0 + 1_000, TTL).unwrap();
    assert_eq!(seen, first);
    // Renewed by its holder, same epoch.
    let renewed = store
        .renew_lease(&first, T0 + 10_000, TTL)
        .unwrap()
        .unwrap();
    assert_eq!((renewed.epoch, renewed.expires_at), (1, T0 + 25_000));
    // Not renewed by anyone else, nor by the holder once it expired.
    let mut forged = renewed.clone();
    forged.holder = b.clone();
    assert_eq!(store.renew_lease(&forged, T0 + 11_000, TTL).unwrap(), None);
    assert_eq!(store.renew_lease(&renewed, T0 + 25_000, TTL).unwrap(), None);
    // Expired: taken by b at a new epoch; a's old lease renews nothing.
    let taken = store.acquire_lease(&name, &b, T0 + 25_000, TTL).unwrap();
    assert!(taken.held_by(&b, T0 + 25_000));
    assert_eq!(taken.epoch, 2);
    assert_eq!(store.renew_lease(&renewed, T0 + 25_001, TTL).unwrap(), None);
    // A restarted a (a new instance) waits for b's lease like anyone.
    let restarted = holder("a", "2");
    assert_eq!(
        store
            .acquire_lease(&name, &restarted, T0 + 26_000, TTL)
            .unwrap(),
        taken
    );
    // Released: taken at once, at the next epoch.
    assert!(!store.release_lease(&renewed).unwrap(), "not a's any more");
    assert!(store.release_lease(&taken).unwrap());
    let after = store
        .acquire_lease(&name, &restarted, T0 + 26_001, TTL)
        .unwrap();
    assert!(after.held_by(&restarted, T0 + 26_001));
    assert_eq!(after.epoch, 3);
    drop(store);
    // Leases are durable, and listed with their holders.
    let store = backend.open();
    assert_eq!(store.leases().unwrap(), vec![after]);
}

pub(crate) fn racing_nodes_take_a_free_lease_once(backend: &dyn Backend) {
    let stores: Vec<_> = (0..4).map(|_| backend.open()).collect();
    let winners: Vec<bool> = std::thread::scope(|scope| {
        let racers: Vec<_> = stores
            .iter()
            .enumerate()
            .map(|(n, store)| {
                scope.spawn(move || {
                    let me = holder(&format!("node{n}"), "1");
                    let lease = store.acquire_lease("router", &me, T0, TTL).unwrap();
                    lease.held_by(&me, T0)
                })
            })
            .collect();
        racers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(winners.iter().filter(|w| **w).count(), 1, "{winners:?}");
    assert_eq!(stores[0].leases().unwrap()[0].epoch, 1);
}

/// Node a claims rows for gsm0 under its lease, is paused past it, and
/// node b takes gsm0 over and sends them: whatever a then writes under its
/// old epoch is refused, and its claims stop.
pub(crate) fn a_node_that_lost_its_modem_neither_claims_nor_completes(backend: &dyn Backend) {
    let store_a = backend.open();
    let store_b = backend.open();
    let (a, b) = (holder("a", "1"), holder("b", "1"));
    store_a
        .enqueue_batch(&[message("m1"), message("m2"), message("m3")], T0)
        .unwrap();
    let gsm0 = ["gsm0".to_string()];

    // Without the lease, a fence claims nothing.
    let mut fence_a = Fence::new(a.clone());
    fence_a.hold("gsm0", 1);
    assert!(
        store_a
            .claim_for(T0, 10, LEASE, Some(&gsm0), Some(&fence_a))
            .unwrap()
            .is_empty()
    );
    let lease_a = store_a
        .acquire_lease(&modem_lease("gsm0"), &a, T0, TTL)
        .unwrap();
    fence_a.hold("gsm0", lease_a.epoch);
    let claimed = store_a
        .claim_for(T0, 2, LEASE, Some(&gsm0), Some(&fence_a))
        .unwrap();
    assert_eq!(claimed.len(), 2);

    // a freezes. Its lease runs out; b takes gsm0, and once a's claims
    // lapse, claims and sends the rows itself.
    let later = T0 + LEASE.as_millis() as u64 + 1;
    assert!(
        store_a
            .claim_for(T0 + 15_000, 10, LEASE, Some(&gsm0), Some(&fence_a))
            .unwrap()
            .is_empty(),
        "an expired lease claims nothing"
    );
    // (b's lease is long enough to outlast a's claims without renewing.)
    let lease_b = store_b
        .acquire_lease(&modem_lease("gsm0"), &b, T0 + 15_000, 2 * LEASE)
        .unwrap();
    assert_eq!(lease_b.epoch, 2);
    let mut fence_b = Fence::new(b.clone());
    fence_b.hold("gsm0", lease_b.epoch);
    let taken = store_b
        .claim_for(later, 10, LEASE, Some(&gsm0), Some(&fence_b))
        .unwrap();
    assert_eq!(taken.len(), 3, "b claims a's lapsed rows and the third");
    let by_id: HashMap<i64, u32> = taken.iter().map(|r| (r.id, r.attempts)).collect();

    // a wakes and reports its sends: refused, nothing changed.
    let stale: Vec<_> = claimed
        .iter()
        .map(|row| (row.id, row.attempts, sent("gsm0", &[1])))
        .collect();
    assert_eq!(
        store_a
            .complete_batch(&stale, Some(&fence_a), later + 1)
            .unwrap(),
        vec![false, false]
    );
    // Even with the attempt b's claim has (a could not know it, but the
    // fence alone must hold): refused for the epoch.
    let forged: Vec<_> = claimed
        .iter()
        .map(|row| (row.id, by_id[&row.id], sent("gsm0", &[1])))
        .collect();
    assert_eq!(
        store_a
            .complete_batch(&forged, Some(&fence_a), later + 1)
            .unwrap(),
        vec![false, false]
    );
    for row in &claimed {
        let now = store_b.outbound(row.id).unwrap().unwrap();
        assert_eq!(now.state, OutboxState::Sending, "still b's claim");
    }
    // b's sends are recorded.
    let done: Vec<_> = taken
        .iter()
        .map(|row| (row.id, row.attempts, sent("gsm0", &[7])))
        .collect();
    assert_eq!(
        store_b
            .complete_batch(&done, Some(&fence_b), later + 2)
            .unwrap(),
        vec![true, true, true]
    );
    assert_eq!(store_b.stats().unwrap().sent, 3);
}

pub(crate) fn the_store_clock_moves_forward(backend: &dyn Backend) {
    let store = backend.open();
    let first = store.clock().unwrap();
    // Within a day of this machine's clock (the test server runs here).
    let here = plutanium_core::time::now();
    assert!(first.abs_diff(here) < 86_400_000, "{first} vs {here}");
    std::thread::sleep(Duration::from_millis(20));
    let second = store.clock().unwrap();
    assert!(second >= first + 15, "{first} then {second}");
}

pub(crate) fn compare_and_set_lets_one_racing_writer_win(backend: &dyn Backend) {
    let store = backend.open();
    assert!(
        store
            .compare_and_set("redirect", "target", None, Some(b"+1"))
            .unwrap()
    );
    assert!(
        !store
            .compare_and_set("redirect", "target", None, Some(b"+2"))
            .unwrap(),
        "the key exists now"
    );
    assert!(
        !store
            .compare_and_set("redirect", "target", Some(b"+0"), Some(b"+2"))
            .unwrap()
    );
    assert_eq!(
        store.get("redirect", "target").unwrap().as_deref(),
        Some(&b"+1"[..])
    );
    // Four nodes each add one to a counter 25 times, retrying on conflict:
    // no increment is lost.
    store.set("redirect", "count", b"0").unwrap();
    let stores: Vec<_> = (0..4).map(|_| backend.open()).collect();
    std::thread::scope(|scope| {
        for store in &stores {
            scope.spawn(move || {
                for _ in 0..25 {
                    loop {
                        let old = store.get("redirect", "count").unwrap().unwrap();
                        let n: u32 = String::from_utf8(old.clone()).unwrap().parse().unwrap();
                        let new = (n + 1).to_string();
                        if store
                            .compare_and_set("redirect", "count", Some(&old), Some(new.as_bytes()))
                            .unwrap()
                        {
                            break;
                        }
                    }
                }
            });
        }
    });
    assert_eq!(
        store.get("redirect", "count").unwrap().as_deref(),
        Some(&b"100"[..])
    );
    // With no new value, it removes.
    assert!(
        store
            .compare_and_set("redirect", "target", Some(b"+1"), None)
            .unwrap()
    );
    assert_eq!(store.get("redirect", "target").unwrap(), None);
}

pub(crate) fn a_dead_nodes_claims_come_back_at_once(backend: &dyn Backend) {
    let store = backend.open();
    // Instances are unique per process (Holder::new draws them).
    let (a, b) = (holder("a", "1"), holder("b", "2"));
    store
        .enqueue_batch(&[message("m1"), message("m2"), message("m3")], T0)
        .unwrap();
    let gsm0 = ["gsm0".to_string()];
    let lease_a = store
        .acquire_lease(&modem_lease("gsm0"), &a, T0, TTL)
        .unwrap();
    let lease_b = store
        .acquire_lease(&modem_lease("gsm1"), &b, T0, 2 * LEASE)
        .unwrap();
    let mut fence = Fence::new(a.clone());
    fence.hold("gsm0", lease_a.epoch);
    let by_a = store
        .claim_for(T0, 2, LEASE, Some(&gsm0), Some(&fence))
        .unwrap();
    assert_eq!(by_a.len(), 2);
    // A claim without leases (one node alone) is never another's to take.
    let alone = store.claim(T0, 10, LEASE).unwrap();
    assert_eq!(alone.len(), 1);
    // While a holds a lease, its claims are its own.
    assert!(
        store
            .recover_orphaned_claims(T0 + 1_000)
            .unwrap()
            .is_empty()
    );
    // a's lease ran out (it died); b's has not: a's rows are due at once.
    let later = T0 + TTL.as_millis() as u64;
    let mut recovered = store.recover_orphaned_claims(later).unwrap();
    recovered.sort_unstable();
    let mut expected: Vec<i64> = by_a.iter().map(|row| row.id).collect();
    expected.sort_unstable();
    assert_eq!(recovered, expected);
    let again = store.claim(later, 10, LEASE).unwrap();
    assert_eq!(again.len(), 2, "a's two rows, not the unleased claim");
    assert!(
        again.iter().all(|row| row.attempts == 2),
        "the attempt counts"
    );
    drop(lease_b);
}

/// Four nodes publish live events at once while a fifth reads the log as
/// it grows: every event gets its own id, and the reader, always reading
/// after the last id it saw, misses none (ids commit in their order).
pub(crate) fn published_live_events_have_one_order_across_nodes(backend: &dyn Backend) {
    use plutanium_store::LoggedEvent;
    let stores: Vec<_> = (0..4).map(|_| backend.open()).collect();
    let reader = backend.open();
    let done = std::sync::atomic::AtomicBool::new(false);
    let (published, read) = std::thread::scope(|scope| {
        let reading = scope.spawn(|| {
            let mut seen = Vec::new();
            let mut last = 0;
            loop {
                let finished = done.load(std::sync::atomic::Ordering::Acquire);
                for event in reader.live_events_after(last, 1000).unwrap() {
                    last = event.id;
                    seen.push(event.id);
                }
                if finished {
                    return seen;
                }
            }
        });
        let writers: Vec<_> = stores
            .iter()
            .enumerate()
            .map(|(node, store)| {
                scope.spawn(move || {
                    let mut ids = Vec::new();
                    for n in 0..25 {
                        let batch: Vec<LoggedEvent> = (0..2)
                            .map(|k| LoggedEvent {
                                id: 0,
                                at: T0,
                                kind: "test".into(),
                                data: format!("{{\"node\":{node},\"n\":{n},\"k\":{k}}}"),
                            })
                            .collect();
                        ids.extend(
                            store
                                .publish_live_events(&batch)
                                .unwrap()
                                .iter()
                                .map(|e| e.id),
                        );
                    }
                    ids
                })
            })
            .collect();
        let published: Vec<i64> = writers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect();
        done.store(true, std::sync::atomic::Ordering::Release);
        (published, reading.join().unwrap())
    });
    let mut sorted = published.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), 200, "every event its own id");
    assert_eq!(read, sorted, "the reader saw every event, in id order");
    // Ids go on from there, never reused.
    let next = stores[0]
        .publish_live_events(&[LoggedEvent {
            id: 0,
            at: T0,
            kind: "test".into(),
            data: "{}".into(),
        }])
        .unwrap();
    assert!(next[0].id > sorted[199]);
}

/// An inbound message is routed by the node that drives its modem, once:
/// a node that lost the modem (it froze, and another took over) commits
/// none of its routes' output, and the new owner's routing stands.
pub(crate) fn routing_is_claimed_once_by_the_node_that_drives_the_modem(backend: &dyn Backend) {
    let store = backend.open();
    let (a, b) = (holder("a", "1"), holder("b", "1"));
    let sms = store
        .insert_inbound(&inbound("fp-fenced"), None, T0)
        .unwrap()
        .id();
    let lease_a = store
        .acquire_lease(&modem_lease("gsm0"), &a, T0, TTL)
        .unwrap();
    let mut fence_a = Fence::new(a);
    fence_a.hold("gsm0", lease_a.epoch);
    // a freezes mid-route; its lease runs out and b takes the modem.
    let later = T0 + TTL.as_millis() as u64 + 1;
    let lease_b = store
        .acquire_lease(&modem_lease("gsm0"), &b, later, TTL)
        .unwrap();
    assert!(lease_b.held_by(&b, later));
    let mut fence_b = Fence::new(b);
    fence_b.hold("gsm0", lease_b.epoch);
    // a runs again and commits what its routes produced: refused.
    let from_a = [message("sms:fenced:reply-a")];
    let output = |messages| RouteOutput {
        mark: Some(RoutedMark::Inbox(sms)),
        messages,
    };
    assert_eq!(
        store
            .commit_routes(&[output(&from_a)], Some(&fence_a), later + 1)
            .unwrap(),
        [RouteCommit::NotOwner]
    );
    assert_eq!(store.unrouted_inbound(10).unwrap().len(), 1);
    // b, which drives the modem now, routes it.
    let from_b = [message("sms:fenced:reply-b")];
    let done = store
        .commit_routes(&[output(&from_b)], Some(&fence_b), later + 2)
        .unwrap();
    assert!(matches!(&done[..], [RouteCommit::Stored(ids)] if ids.len() == 1));
    assert!(store.unrouted_inbound(10).unwrap().is_empty());
    // Were a's commit to come after b's, it is refused as routed already.
    assert_eq!(
        store
            .commit_routes(&[output(&from_a)], Some(&fence_a), later + 3)
            .unwrap(),
        [RouteCommit::AlreadyRouted]
    );
    assert!(
        store
            .outbound_by_key("sms:fenced:reply-a")
            .unwrap()
            .is_none()
    );
    assert_eq!(store.stats().unwrap().queued, 1);
}
