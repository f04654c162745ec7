//! Several callers at once, each with a store of its own on the same data
//! (as several processes, or several nodes, would have).

use std::collections::HashSet;

use plutanium_store::Enqueued;

use super::{Backend, LEASE, T0, message};

pub(crate) fn concurrent_claims_never_share_a_row(backend: &dyn Backend) {
    let store = backend.open();
    let keys: Vec<String> = (0..200).map(|n| format!("k{n}")).collect();
    let batch: Vec<_> = keys.iter().map(|k| message(k)).collect();
    store.enqueue_batch(&batch, T0).unwrap();
    let stores: Vec<_> = (0..4).map(|_| backend.open()).collect();
    let claimed: Vec<Vec<i64>> = std::thread::scope(|scope| {
        let workers: Vec<_> = stores
            .iter()
            .map(|store| {
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let rows = store.claim(T0 + 1, 7, LEASE).unwrap();
                        if rows.is_empty() {
                            return mine;
                        }
                        mine.extend(rows.iter().map(|r| r.id));
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let all: Vec<i64> = claimed.iter().flatten().copied().collect();
    let distinct: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(
        all.len(),
        200,
        "every row claimed once: {:?}",
        claimed.iter().map(Vec::len).collect::<Vec<_>>()
    );
    assert_eq!(distinct.len(), 200, "no row claimed twice");
    assert_eq!(store.stats().unwrap().sending, 200);
}

pub(crate) fn concurrent_enqueues_of_one_key_store_one_row(backend: &dyn Backend) {
    let stores: Vec<_> = (0..4).map(|_| backend.open()).collect();
    let results: Vec<Vec<Enqueued>> = std::thread::scope(|scope| {
        let workers: Vec<_> = stores
            .iter()
            .map(|store| {
                scope.spawn(move || {
                    (0..50)
                        .map(|n| store.enqueue(&message(&format!("gmail:{n}")), T0).unwrap())
                        .collect()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    for n in 0..50 {
        let outcomes: Vec<Enqueued> = results.iter().map(|r| r[n]).collect();
        let queued = outcomes
            .iter()
            .filter(|o| matches!(o, Enqueued::Queued(_)))
            .count();
        assert_eq!(queued, 1, "key gmail:{n}: {outcomes:?}");
        assert!(
            outcomes.iter().all(|o| o.id() == outcomes[0].id()),
            "every caller gets the one row's id: {outcomes:?}"
        );
    }
    assert_eq!(stores[0].stats().unwrap().queued, 50);
}
