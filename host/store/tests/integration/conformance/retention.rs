//! Retention: what is finished goes, what is in flight stays.

use plutanium_store::SendOutcome;

use super::{Backend, LEASE, T0, inbound, message, sent};

pub(crate) fn retention_keeps_what_is_still_in_flight(backend: &dyn Backend) {
    let store = backend.open();
    let done = store.enqueue(&message("done"), T0).unwrap().id();
    store.enqueue(&message("waiting"), T0).unwrap();
    let claimed = store.claim(T0, 1, LEASE).unwrap();
    store
        .complete(
            done,
            claimed[0].attempts,
            &SendOutcome::Failed {
                error: "x".into(),
                modem: None,
            },
            T0,
        )
        .unwrap();
    let routed = store
        .insert_inbound(&inbound("old"), None, T0)
        .unwrap()
        .id();
    store.mark_routed(routed, T0).unwrap();
    store
        .insert_inbound(&inbound("unrouted"), None, T0)
        .unwrap();
    let call = store.log_call("gsm0", None, T0).unwrap();
    store.mark_call_routed(call, T0).unwrap();
    store.log_call("gsm0", Some("+420777000999"), T0).unwrap();
    store.log_event(T0, "modem", "gsm0", "reconnected").unwrap();
    assert_eq!(store.events(10).unwrap()[0].3, "reconnected");
    let deleted = store.prune(T0 + 1).unwrap();
    assert_eq!(deleted, 4);
    let stats = store.stats().unwrap();
    // What has not been routed yet stays, whatever its age.
    assert_eq!(
        (stats.queued, stats.failed, stats.inbox, stats.calls),
        (1, 0, 1, 1)
    );
    assert_eq!(store.unrouted_calls(10).unwrap().len(), 1);

    // Ids are never reused: a key derived from an id stays unique.
    store.mark_routed(routed + 1, T0).unwrap();
    store.prune(T0 + 1).unwrap();
    assert_eq!(store.stats().unwrap().inbox, 0);
    let next = store
        .insert_inbound(&inbound("new"), None, T0 + 2)
        .unwrap()
        .id();
    assert!(next > routed + 1, "{next} reuses an id");
}

pub(crate) fn pruning_a_large_backlog_goes_in_batches(backend: &dyn Backend) {
    let store = backend.open();
    let many: Vec<_> = (0..2500).map(|n| message(&format!("m{n}"))).collect();
    store.enqueue_batch(&many, T0).unwrap();
    let claimed = store.claim(T0, 3000, LEASE).unwrap();
    let outcomes: Vec<_> = claimed
        .iter()
        .map(|row| (row.id, row.attempts, sent("gsm0", &[1])))
        .collect();
    assert!(
        store
            .complete_batch(&outcomes, None, T0)
            .unwrap()
            .iter()
            .all(|done| *done)
    );
    assert_eq!(store.prune(T0 + 1).unwrap(), 2500);
    assert_eq!(store.stats().unwrap().sent, 0);
}
