//! The inbox: de-duplication, kept parts across a restart, and calls.

use plutanium_store::{Inserted, PartRecord};

use super::{Backend, T0, inbound};

pub(crate) fn inbound_messages_are_stored_once_and_parts_survive_a_restart(backend: &dyn Backend) {
    let store = backend.open();
    let first = store.insert_inbound(&inbound("fp-1"), None, T0).unwrap();
    // The same SMS read again (+CMT and its stored copy): recognised.
    assert_eq!(
        store
            .insert_inbound(&inbound("fp-1"), None, T0 + 1)
            .unwrap(),
        Inserted::Duplicate(first.id())
    );
    assert_eq!(store.inbound(first.id()).unwrap().unwrap(), inbound("fp-1"));

    let part = |seq: u8| PartRecord {
        modem: "gsm0".into(),
        sender: "+420601234567".into(),
        reference: 0x1234,
        total: 3,
        seq,
        pdu: vec![seq; 20],
        received_at: T0 + u64::from(seq),
    };
    assert!(store.save_part(&part(1)).unwrap());
    assert!(store.save_part(&part(2)).unwrap());
    assert!(
        !store.save_part(&part(2)).unwrap(),
        "a duplicated part is kept once"
    );
    drop(store);

    let store = backend.open();
    let pending = store.pending_parts().unwrap();
    assert_eq!(pending, vec![part(1), part(2)]);
    // The last part arrives; the whole message replaces its parts in one step.
    let whole = store
        .insert_inbound(&inbound("fp-2"), Some((0x1234, 3)), T0 + 10)
        .unwrap();
    assert!(matches!(whole, Inserted::New(_)));
    assert!(store.pending_parts().unwrap().is_empty());
    assert_eq!(store.recent_inbound(10).unwrap().len(), 2);

    // Stored but not yet routed: a restart finds them, oldest first.
    let unrouted: Vec<i64> = store
        .unrouted_inbound(10)
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(unrouted, [first.id(), whole.id()]);
    store.mark_routed(first.id(), T0 + 11).unwrap();
    assert_eq!(store.unrouted_inbound(10).unwrap().len(), 1);

    let call = store.log_call("gsm0", Some("+420601234567"), T0).unwrap();
    store.log_call("gsm0", None, T0 + 1).unwrap();
    let calls = store.recent_calls(10).unwrap();
    assert_eq!(calls[0].caller, None);
    assert_eq!(calls[1].id, call);
}

pub(crate) fn calls_are_logged_and_routed_once(backend: &dyn Backend) {
    let store = backend.open();
    let first = store.log_call("gsm0", Some("+420601234567"), T0).unwrap();
    let second = store.log_call("gsm1", None, T0 + 5).unwrap();
    assert!(second > first, "ids increase");
    let unrouted = store.unrouted_calls(10).unwrap();
    assert_eq!(
        unrouted.iter().map(|c| c.id).collect::<Vec<_>>(),
        [first, second],
        "oldest first"
    );
    assert_eq!(unrouted[1].caller, None, "a withheld number stays withheld");
    store.mark_call_routed(first, T0 + 6).unwrap();
    drop(store);
    let store = backend.open();
    let unrouted = store.unrouted_calls(10).unwrap();
    assert_eq!(unrouted.iter().map(|c| c.id).collect::<Vec<_>>(), [second]);
    assert_eq!(store.stats().unwrap().calls, 2);
}
