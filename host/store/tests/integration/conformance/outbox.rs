//! The outbox: idempotent enqueue, leases that survive a crashed sender,
//! retries, expiry, claims per modem, and routed marks.

use std::time::Duration;

use plutanium_store::{
    Enqueued, NewOutbound, OutboxState, RouteCommit, RouteOutput, RoutedMark, SendOutcome,
};

use super::{Backend, LEASE, T0, inbound, message, sent};

pub(crate) fn enqueue_is_idempotent_and_durable(backend: &dyn Backend) {
    let store = backend.open();
    let first = store.enqueue(&message("gmail:1"), T0).unwrap();
    assert!(matches!(first, Enqueued::Queued(_)));
    assert_eq!(
        store.enqueue(&message("gmail:1"), T0 + 5).unwrap(),
        Enqueued::Duplicate(first.id())
    );
    drop(store);

    // Reopened (a restart): the row is there, and the key still known.
    let store = backend.open();
    let row = store.outbound_by_key("gmail:1").unwrap().expect("kept");
    assert_eq!(
        (row.state, row.text.as_str()),
        (OutboxState::Queued, "text of gmail:1")
    );
    assert_eq!(
        store.enqueue(&message("gmail:1"), T0 + 10).unwrap(),
        Enqueued::Duplicate(first.id())
    );
    assert_eq!(store.stats().unwrap().queued, 1);
}

pub(crate) fn claims_are_leased_and_a_crashed_senders_rows_come_back(backend: &dyn Backend) {
    let store = backend.open();
    for key in ["a", "b", "c"] {
        store.enqueue(&message(key), T0).unwrap();
    }
    let first = store.claim(T0, 2, LEASE).unwrap();
    assert_eq!(
        first.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert!(
        first
            .iter()
            .all(|r| r.state == OutboxState::Sending && r.attempts == 1)
    );
    // Within the lease nobody else gets them.
    let second = store.claim(T0 + 1_000, 10, LEASE).unwrap();
    assert_eq!(
        second.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        ["c"]
    );
    // "a" is sent; the sender of "b" crashes.
    assert!(
        store
            .complete(
                first[0].id,
                first[0].attempts,
                &sent("gsm0", &[7]),
                T0 + 2_000
            )
            .unwrap()
    );
    // After the lease, "b" is due again, as a second attempt.
    let again = store.claim(T0 + 61_500, 10, LEASE).unwrap();
    let keys: Vec<&str> = again.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["b", "c"]);
    assert_eq!(again[0].attempts, 2);
    // The crashed sender's late answer no longer counts.
    assert!(
        !store
            .complete(
                first[1].id,
                first[1].attempts,
                &sent("gsm0", &[8]),
                T0 + 62_000
            )
            .unwrap()
    );
    assert_eq!(
        store.outbound(first[1].id).unwrap().unwrap().state,
        OutboxState::Sending
    );
    // A transient error queues it for later; a permanent one fails it.
    let retry = SendOutcome::Retry {
        error: "+CMS ERROR: 38".into(),
        at: T0 + 120_000,
        modem: Some("gsm0".into()),
    };
    assert!(
        store
            .complete(again[0].id, again[0].attempts, &retry, T0 + 63_000)
            .unwrap()
    );
    let failed = SendOutcome::Failed {
        error: "invalid number".into(),
        modem: Some("gsm1".into()),
    };
    assert!(
        store
            .complete(again[1].id, again[1].attempts, &failed, T0 + 63_000)
            .unwrap()
    );
    assert!(
        store.claim(T0 + 100_000, 10, LEASE).unwrap().is_empty(),
        "not due yet"
    );
    let later = store.claim(T0 + 120_000, 10, LEASE).unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].last_error.as_deref(), Some("+CMS ERROR: 38"));
    // Released unsent (shutdown): queued again, the claim not counted.
    assert!(
        store
            .release(later[0].id, later[0].attempts, T0 + 121_000)
            .unwrap()
    );
    let row = store.outbound(later[0].id).unwrap().unwrap();
    assert_eq!((row.state, row.attempts), (OutboxState::Queued, 2));
    let failed_row = store.outbound(again[1].id).unwrap().unwrap();
    assert_eq!(
        (failed_row.state, failed_row.last_error.as_deref()),
        (OutboxState::Failed, Some("invalid number"))
    );
    // Where it failed, and where the retried one was tried, are kept.
    assert_eq!(failed_row.sent_by.as_deref(), Some("gsm1"));
    assert_eq!(row.sent_by.as_deref(), Some("gsm0"));
}

pub(crate) fn retries_give_up_after_the_attempt_limit(backend: &dyn Backend) {
    let store = backend.open();
    let id = store.enqueue(&message("flaky"), T0).unwrap().id();
    for attempt in 1..=plutanium_store::MAX_ATTEMPTS {
        let claimed = store.claim(T0, 1, LEASE).unwrap();
        assert_eq!(claimed.len(), 1, "attempt {attempt} is due");
        let retry = SendOutcome::Retry {
            error: "SIM busy".into(),
            at: T0,
            modem: None,
        };
        assert!(store.complete(id, claimed[0].attempts, &retry, T0).unwrap());
    }
    let row = store.outbound(id).unwrap().unwrap();
    assert_eq!(row.state, OutboxState::Failed);
    assert!(
        row.last_error
            .as_deref()
            .unwrap()
            .starts_with("gave up after 20 attempts: SIM busy"),
        "{:?}",
        row.last_error
    );
}

pub(crate) fn queued_messages_expire(backend: &dyn Backend) {
    let store = backend.open();
    let mut short = message("short-lived");
    short.options.validity_minutes = Some(1);
    let short = store.enqueue(&short, T0).unwrap().id();
    let default = store.enqueue(&message("default"), T0).unwrap().id();
    assert_eq!(
        store
            .expire(T0 + 30_000, Duration::from_secs(3600))
            .unwrap(),
        Vec::<i64>::new()
    );
    assert_eq!(
        store
            .expire(T0 + 61_000, Duration::from_secs(3600))
            .unwrap(),
        [short]
    );
    assert_eq!(
        store.outbound(short).unwrap().unwrap().state,
        OutboxState::Expired
    );
    assert_eq!(
        store.outbound(default).unwrap().unwrap().state,
        OutboxState::Queued
    );
    assert_eq!(
        store
            .expire(T0 + 3_601_000, Duration::from_secs(3600))
            .unwrap(),
        [default]
    );
}

pub(crate) fn a_row_whose_sender_keeps_dying_gives_up(backend: &dyn Backend) {
    let store = backend.open();
    let id = store.enqueue(&message("cursed"), T0).unwrap().id();
    let mut now = T0;
    for _ in 0..plutanium_store::MAX_ATTEMPTS {
        // Claimed, and the lease runs out without an answer.
        assert_eq!(store.claim(now, 1, LEASE).unwrap().len(), 1);
        now += LEASE.as_millis() as u64 + 1;
    }
    assert!(store.claim(now, 1, LEASE).unwrap().is_empty());
    let row = store.outbound(id).unwrap().unwrap();
    assert_eq!(row.state, OutboxState::Failed);
    assert!(row.last_error.unwrap().contains("never finished"));
}

/// Only rows one of the given modems may send are claimed: the route's
/// modems, and the modem a row asked for.
pub(crate) fn claims_for_some_modems_leave_the_others_rows_untouched(backend: &dyn Backend) {
    let store = backend.open();
    let mut only_gsm1 = message("only-gsm1");
    only_gsm1.allowed_modems = vec!["gsm1".into()];
    let mut asks_gsm1 = message("asks-gsm1");
    asks_gsm1.options.modem = Some("gsm1".into());
    let mut either = message("either");
    either.allowed_modems = vec!["gsm0".into(), "gsm1".into()];
    let ids: Vec<i64> = [only_gsm1, asks_gsm1, either, message("any")]
        .iter()
        .map(|m| store.enqueue(m, T0).unwrap().id())
        .collect();
    let gsm0 = ["gsm0".to_string()];
    let claimed: Vec<i64> = store
        .claim_for(T0, 10, LEASE, Some(&gsm0), None)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(claimed, [ids[2], ids[3]]);
    assert!(
        store
            .claim_for(T0, 10, LEASE, Some(&[]), None)
            .unwrap()
            .is_empty()
    );
    for id in &ids[..2] {
        let row = store.outbound(*id).unwrap().unwrap();
        assert_eq!((row.state, row.attempts), (OutboxState::Queued, 0));
    }
    let gsm1 = ["gsm1".to_string()];
    let claimed: Vec<i64> = store
        .claim_for(T0, 10, LEASE, Some(&gsm1), None)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(claimed, [ids[0], ids[1]]);
}

pub(crate) fn routed_marks_commit_with_their_messages(backend: &dyn Backend) {
    let store = backend.open();
    let sms = store
        .insert_inbound(&inbound("fp-1"), None, T0)
        .unwrap()
        .id();
    let call = store.log_call("gsm0", Some("+420601234567"), T0).unwrap();
    assert_eq!(store.unrouted_inbound(10).unwrap().len(), 1);
    assert_eq!(store.unrouted_calls(10).unwrap().len(), 1);
    // Each event's output and its mark go in together, with messages of
    // no event beside them.
    let (reply, notify, api) = (
        [message("sms:1:reply")],
        [message("call:1:notify")],
        [message("api:1")],
    );
    let done = store
        .commit_routes(
            &[
                RouteOutput {
                    mark: Some(RoutedMark::Inbox(sms)),
                    messages: &reply,
                },
                RouteOutput {
                    mark: Some(RoutedMark::Call(call)),
                    messages: &notify,
                },
                RouteOutput {
                    mark: None,
                    messages: &api,
                },
            ],
            None,
            T0 + 1,
        )
        .unwrap();
    let ids: Vec<Enqueued> = done
        .into_iter()
        .flat_map(RouteCommit::into_stored)
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|d| matches!(d, Enqueued::Queued(_))));
    assert!(store.unrouted_inbound(10).unwrap().is_empty());
    assert!(store.unrouted_calls(10).unwrap().is_empty());
    // Routed again (another node, or a retry after a commit whose answer
    // was lost): refused as a whole, storing nothing, even under a new key.
    let again = [message("sms:1:reply"), message("sms:1:other")];
    let refused = store
        .commit_routes(
            &[RouteOutput {
                mark: Some(RoutedMark::Inbox(sms)),
                messages: &again,
            }],
            None,
            T0 + 2,
        )
        .unwrap();
    assert_eq!(refused, [RouteCommit::AlreadyRouted]);
    assert!(store.outbound_by_key("sms:1:other").unwrap().is_none());
    // An event that is not in the store is not routed either.
    let gone = store
        .commit_routes(
            &[RouteOutput {
                mark: Some(RoutedMark::Call(call + 1000)),
                messages: &again,
            }],
            None,
            T0 + 2,
        )
        .unwrap();
    assert_eq!(gone, [RouteCommit::AlreadyRouted]);
    // A send whose key is known stores nothing new.
    assert_eq!(
        store.enqueue(&message("api:1"), T0 + 3).unwrap(),
        Enqueued::Duplicate(ids[2].id())
    );
    assert_eq!(store.stats().unwrap().queued, 3);
}

/// A campaign that queued many messages through one source does not hold
/// back another source's message: claims take the sources in turn, each
/// source's messages oldest first.
pub(crate) fn a_campaign_does_not_hold_back_another_sources_message(backend: &dyn Backend) {
    let store = backend.open();
    let from = |source: &str, key: String| NewOutbound {
        source: source.into(),
        ..message(&key)
    };
    let campaign: Vec<NewOutbound> = (0..2_000)
        .map(|n| from("api:campaign", format!("campaign-{n}")))
        .collect();
    store.enqueue_batch(&campaign, T0).unwrap();
    let one_off = store
        .enqueue(&from("api:shop", "shop-1".into()), T0 + 1)
        .unwrap()
        .id();
    // Two sends at a time, as two modems take them: the shop's message is
    // in the first claim, after one campaign message.
    let first: Vec<(String, String)> = store
        .claim(T0 + 2, 2, LEASE)
        .unwrap()
        .into_iter()
        .map(|row| (row.source, row.key))
        .collect();
    assert_eq!(
        first,
        [
            ("api:campaign".to_string(), "campaign-0".to_string()),
            ("api:shop".to_string(), "shop-1".to_string())
        ]
    );
    assert_eq!(
        store.outbound(one_off).unwrap().unwrap().state,
        OutboxState::Sending
    );
    // The campaign goes on in its order.
    let next: Vec<String> = store
        .claim(T0 + 3, 3, LEASE)
        .unwrap()
        .into_iter()
        .map(|row| row.key)
        .collect();
    assert_eq!(next, ["campaign-1", "campaign-2", "campaign-3"]);
    // Claims of one row each (a modem with room for one more) take the
    // sources in turn too: another of the shop's messages goes next.
    store
        .enqueue(&from("api:shop", "shop-2".into()), T0 + 4)
        .unwrap();
    let one_at_a_time: Vec<String> = (0..3)
        .flat_map(|n| store.claim(T0 + 5 + n, 1, LEASE).unwrap())
        .map(|row| row.key)
        .collect();
    assert_eq!(one_at_a_time, ["shop-2", "campaign-4", "campaign-5"]);
}
