//! The store on a real SQLite file: idempotent enqueue, leases that survive a
//! crashed sender, delivery reports for multipart messages, expiry, inbox
//! de-duplication and kept parts across a restart, connector KV, retention.

use std::time::Duration;

use plutanium_core::{KvStore, SendOptions};
use plutanium_store::{
    DeliveryReport, Enqueued, InboundRecord, Inserted, LogPage, NewOutbound, OutboxState,
    PartRecord, SendOutcome, SqliteStore, Store, StoreError,
};

const T0: u64 = 1_767_225_600_000;
const LEASE: Duration = Duration::from_secs(60);

fn message(key: &str) -> NewOutbound {
    NewOutbound {
        key: key.into(),
        source: "test".into(),
        to: "+420777000111".into(),
        text: format!("text of {key}"),
        options: SendOptions {
            status_report: true,
            ..SendOptions::default()
        },
        allowed_modems: Vec::new(),
    }
}

fn sent(modem: &str, refs: &[u8]) -> SendOutcome {
    SendOutcome::Sent {
        modem: modem.into(),
        message_refs: refs.iter().map(|r| Some(*r)).collect(),
        sim: None,
    }
}

fn report(
    modem: &str,
    message_ref: u8,
    recipient: Option<&str>,
    delivered: bool,
    detail: Option<&str>,
) -> DeliveryReport {
    DeliveryReport {
        modem: modem.into(),
        sim: None,
        message_ref,
        recipient: recipient.map(str::to_string),
        delivered,
        detail: detail.map(str::to_string),
    }
}

#[test]
fn enqueue_is_idempotent_and_durable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plutanium.db");
    let store = SqliteStore::open(&path).unwrap();
    let first = store.enqueue(&message("gmail:1"), T0).unwrap();
    assert!(matches!(first, Enqueued::Queued(_)));
    assert_eq!(
        store.enqueue(&message("gmail:1"), T0 + 5).unwrap(),
        Enqueued::Duplicate(first.id())
    );
    drop(store);

    // Reopened (a restart): the row is there, and the key still known.
    let store = SqliteStore::open(&path).unwrap();
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

#[test]
fn claims_are_leased_and_a_crashed_senders_rows_come_back() {
    let store = SqliteStore::open_in_memory().unwrap();
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

#[test]
fn delivery_reports_finish_multipart_messages() {
    let store = SqliteStore::open_in_memory().unwrap();
    let id = store.enqueue(&message("long"), T0).unwrap().id();
    let other = store.enqueue(&message("short"), T0).unwrap().id();
    let claimed = store.claim(T0, 10, LEASE).unwrap();
    store
        .complete(
            id,
            claimed[0].attempts,
            &sent("gsm0", &[20, 21, 22]),
            T0 + 1,
        )
        .unwrap();
    store
        .complete(other, claimed[1].attempts, &sent("gsm1", &[21]), T0 + 1)
        .unwrap();
    assert_eq!(
        store.outbound(id).unwrap().unwrap().message_refs,
        [Some(20), Some(21), Some(22)]
    );
    // Reports are matched by modem and reference.
    let row = store
        .record_delivery(&report("gsm0", 21, None, true, None), T0 + 2)
        .unwrap()
        .unwrap();
    assert_eq!((row.id, row.state), (id, OutboxState::Sent));
    store
        .record_delivery(&report("gsm0", 20, None, true, None), T0 + 3)
        .unwrap();
    let row = store
        .record_delivery(&report("gsm0", 22, None, true, None), T0 + 4)
        .unwrap()
        .unwrap();
    assert_eq!(row.state, OutboxState::Delivered);
    assert_eq!(
        store.outbound(other).unwrap().unwrap().state,
        OutboxState::Sent,
        "gsm1's 21 is another message"
    );
    let row = store
        .record_delivery(
            &report("gsm1", 21, None, false, Some("absent subscriber")),
            T0 + 5,
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.state, row.last_error.as_deref()),
        (OutboxState::Failed, Some("absent subscriber"))
    );
    assert_eq!(
        store
            .record_delivery(&report("gsm2", 1, None, true, None), T0 + 6)
            .unwrap(),
        None
    );
}

#[test]
fn a_repeated_report_counts_once_and_an_early_report_waits_for_its_send() {
    let store = SqliteStore::open_in_memory().unwrap();
    let two = store.enqueue(&message("two-parts"), T0).unwrap().id();
    let early = store.enqueue(&message("early"), T0).unwrap().id();
    let claimed = store.claim(T0, 10, LEASE).unwrap();
    store
        .complete(two, claimed[0].attempts, &sent("gsm0", &[7, 8]), T0 + 1)
        .unwrap();
    // The same report twice is still one part of two.
    for _ in 0..2 {
        let row = store
            .record_delivery(&report("gsm0", 7, None, true, None), T0 + 2)
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.state, row.delivered_refs.as_slice()),
            (OutboxState::Sent, &[7][..])
        );
    }
    let row = store
        .record_delivery(&report("gsm0", 8, None, true, None), T0 + 3)
        .unwrap()
        .unwrap();
    assert_eq!(row.state, OutboxState::Delivered);

    // A repeated report for a settled message is not kept for later: a new
    // send that gets the same reference is not marked by it.
    let row = store
        .record_delivery(&report("gsm0", 8, None, true, None), T0 + 3)
        .unwrap()
        .unwrap();
    assert_eq!((row.id, row.state), (two, OutboxState::Delivered));
    let reused = store.enqueue(&message("reused-ref"), T0 + 3).unwrap().id();
    let again = store.claim(T0 + 3, 1, LEASE).unwrap();
    assert_eq!(again[0].id, reused);
    store
        .complete(reused, again[0].attempts, &sent("gsm0", &[8]), T0 + 3)
        .unwrap();
    assert_eq!(
        store.outbound(reused).unwrap().unwrap().state,
        OutboxState::Sent
    );

    // A report that arrives before its send is committed is kept ...
    assert_eq!(
        store
            .record_delivery(&report("gsm1", 40, None, true, None), T0 + 4)
            .unwrap(),
        None
    );
    // ... and applied by the commit.
    store
        .complete_batch(&[(early, claimed[1].attempts, sent("gsm1", &[40]))], T0 + 5)
        .unwrap();
    assert_eq!(
        store.outbound(early).unwrap().unwrap().state,
        OutboxState::Delivered
    );
}

#[test]
fn retries_give_up_after_the_attempt_limit() {
    let store = SqliteStore::open_in_memory().unwrap();
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

#[test]
fn queued_messages_expire() {
    let store = SqliteStore::open_in_memory().unwrap();
    let mut short = message("short-lived");
    short.options.validity_minutes = Some(1);
    let short = store.enqueue(&short, T0).unwrap().id();
    let default = store.enqueue(&message("default"), T0).unwrap().id();
    assert_eq!(
        store
            .expire(T0 + 30_000, Duration::from_secs(3600))
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .expire(T0 + 61_000, Duration::from_secs(3600))
            .unwrap(),
        1
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
        1
    );
}

fn inbound(fingerprint: &str) -> InboundRecord {
    InboundRecord {
        fingerprint: fingerprint.into(),
        modem: "gsm0".into(),
        sender: "+420601234567".into(),
        recipient: "+420777000000".into(),
        text: "Ahoj 👋".into(),
        received_at: T0,
        meta: vec![("smsc".into(), "+420602909909".into())],
    }
}

#[test]
fn inbound_messages_are_stored_once_and_parts_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plutanium.db");
    let store = SqliteStore::open(&path).unwrap();
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

    let store = SqliteStore::open(&path).unwrap();
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

#[test]
fn connector_kv_is_namespaced_durable_and_prefix_exact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plutanium.db");
    let store = SqliteStore::open(&path).unwrap();
    store
        .set("redirect", "destination", b"+420777000111")
        .unwrap();
    store.set("redirect", "last%sender", b"x").unwrap();
    store.set("redirect", "lastXsender", b"y").unwrap();
    store.set("gmail", "destination", b"other").unwrap();
    store
        .set("redirect", "destination", b"+420777000222")
        .unwrap();
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(
        store.get("redirect", "destination").unwrap().as_deref(),
        Some(&b"+420777000222"[..])
    );
    assert_eq!(
        store.get("gmail", "destination").unwrap().as_deref(),
        Some(&b"other"[..])
    );
    assert_eq!(store.keys("redirect", "last%").unwrap(), ["last%sender"]);
    assert_eq!(store.keys("redirect", "").unwrap().len(), 3);
    store.delete("redirect", "last%sender").unwrap();
    store.delete("redirect", "never-there").unwrap();
    assert_eq!(store.get("redirect", "last%sender").unwrap(), None);
}

#[test]
fn retention_keeps_what_is_still_in_flight() {
    let store = SqliteStore::open_in_memory().unwrap();
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

#[test]
fn pruning_a_large_backlog_goes_in_batches() {
    let store = SqliteStore::open_in_memory().unwrap();
    let many: Vec<_> = (0..2500).map(|n| message(&format!("m{n}"))).collect();
    store.enqueue_batch(&many, T0).unwrap();
    let claimed = store.claim(T0, 3000, LEASE).unwrap();
    let outcomes: Vec<_> = claimed
        .iter()
        .map(|row| (row.id, row.attempts, sent("gsm0", &[1])))
        .collect();
    assert!(
        store
            .complete_batch(&outcomes, T0)
            .unwrap()
            .iter()
            .all(|done| *done)
    );
    assert_eq!(store.prune(T0 + 1).unwrap(), 2500);
    assert_eq!(store.stats().unwrap().sent, 0);
}

#[test]
fn a_full_store_refuses_writes_clearly_and_keeps_what_it_had() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plutanium.db");
    let store = SqliteStore::open(&path).unwrap();
    store.enqueue(&message("before"), T0).unwrap();
    let pages: u64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA page_count", [], |row| row.get(0))
        .unwrap();
    store.limit_pages(pages).unwrap();
    let big = NewOutbound {
        text: "x".repeat(64 * 1024),
        ..message("too-big")
    };
    let err = store.enqueue(&big, T0).unwrap_err();
    assert!(err.is_full(), "{err}");
    assert!(err.to_string().contains("full"), "{err}");
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert!(store.outbound_by_key("before").unwrap().is_some());
    assert!(store.outbound_by_key("too-big").unwrap().is_none());
}

#[test]
fn a_read_only_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(ro.join("probe"), b"").is_ok() {
        // Running as root: permissions do not stop us, so make the point
        // with a path under a regular file instead.
        let file = dir.path().join("file");
        std::fs::write(&file, b"").unwrap();
        let err = SqliteStore::open(file.join("plutanium.db")).unwrap_err();
        assert!(err.to_string().contains("cannot open the store"), "{err}");
        return;
    }
    let err = SqliteStore::open(ro.join("plutanium.db")).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("cannot open the store"), "{text}");
    assert!(text.contains("writable"), "{text}");
}

#[test]
fn a_newer_schema_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plutanium.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE schema_version SET version = 99", [])
        .unwrap();
    drop(conn);
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade Plutanium"));
}

#[test]
fn a_version_2_file_is_migrated_keeping_its_rows() {
    // Written by the schema-2 migrations (see the fixture's rows below).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plutanium.db");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-v2.db"),
        &path,
    )
    .unwrap();
    let store = SqliteStore::open(&path).unwrap();
    let queued = store.outbound_by_key("old:queued").unwrap().unwrap();
    assert_eq!((queued.id, queued.state), (1, OutboxState::Queued));
    let sent = store.outbound_by_key("old:sent").unwrap().unwrap();
    assert_eq!(sent.message_refs, [Some(20), Some(21)]);
    let row = store
        .record_delivery(&report("gsm0", 21, None, true, None), T0 + 1)
        .unwrap()
        .unwrap();
    assert_eq!(row.id, 7);
    assert_eq!(store.inbound(5).unwrap().unwrap().text, "hello");
    // Calls logged before the upgrade count as routed.
    assert!(store.unrouted_calls(10).unwrap().is_empty());
    // New ids continue after the old ones.
    let next = store.enqueue(&message("new"), T0).unwrap().id();
    assert!(next > 7, "{next}");
    assert!(
        store
            .insert_inbound(&inbound("new"), None, T0)
            .unwrap()
            .id()
            > 5
    );
}

#[test]
fn a_row_whose_sender_keeps_dying_gives_up() {
    let store = SqliteStore::open_in_memory().unwrap();
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

#[test]
fn tools_open_only_an_existing_store_at_this_schema() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo.db");
    let err = SqliteStore::open_existing(&missing).unwrap_err();
    assert!(err.to_string().contains("there is no store at"), "{err}");
    assert!(!missing.exists(), "nothing created");
    let old = dir.path().join("old.db");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-v2.db"),
        &old,
    )
    .unwrap();
    let err = SqliteStore::open_existing(&old).unwrap_err();
    assert!(
        err.to_string()
            .contains("run the daemon once (`plutanium run --config FILE`) to migrate it"),
        "{err}"
    );
    drop(SqliteStore::open(&old).unwrap());
    let store = SqliteStore::open_existing(&old).unwrap();
    assert!(store.outbound_by_key("old:queued").unwrap().is_some());
}

#[test]
fn the_log_is_read_in_pages_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    for n in 0..5 {
        store.enqueue(&message(&format!("k{n}")), T0 + n).unwrap();
    }
    let claimed = store.claim(T0 + 10, 2, LEASE).unwrap();
    store
        .complete(
            claimed[0].id,
            claimed[0].attempts,
            &sent("gsm0", &[1]),
            T0 + 11,
        )
        .unwrap();
    let page = |before, state| {
        store
            .outbound_page(
                &LogPage {
                    since: T0,
                    before,
                    limit: 2,
                    search: None,
                    ignore_diacritics: false,
                },
                state,
            )
            .unwrap()
            .iter()
            .map(|r| r.key.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(page(None, None), ["k4", "k3"]);
    let last = store.outbound_by_key("k3").unwrap().unwrap().id;
    assert_eq!(page(Some(last), None), ["k2", "k1"]);
    assert_eq!(
        page(None, Some(OutboxState::Sent)),
        [claimed[0].key.clone()]
    );
    assert!(
        store
            .outbound_page(&LogPage::since(T0 + 100, 10), None)
            .unwrap()
            .is_empty()
    );
    for n in 0..3 {
        store
            .insert_inbound(&inbound(&format!("f{n}")), None, T0 + n)
            .unwrap();
        store
            .log_call("gsm0", Some("+420601234567"), T0 + n)
            .unwrap();
    }
    let inbound = store.inbound_page(&LogPage::since(T0, 2)).unwrap();
    assert_eq!(inbound.len(), 2);
    let older = store
        .inbound_page(&LogPage {
            since: T0,
            before: Some(inbound[1].0),
            limit: 2,
            search: None,
            ignore_diacritics: false,
        })
        .unwrap();
    assert_eq!(older.len(), 1);
    assert!(older[0].0 < inbound[1].0);
    let calls = store.calls_page(&LogPage::since(T0, 10)).unwrap();
    assert_eq!(calls.len(), 3);
    assert!(calls[0].id > calls[2].id, "newest first");
}

#[test]
fn the_log_is_searched_by_text_and_number_ignoring_case() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    for (key, to, text) in [
        ("a", "+420777000111", "Meeting at NOON"),
        ("b", "+420601999888", "lunch?"),
        ("c", "+420777000111", "100% done"),
    ] {
        let mut row = message(key);
        row.to = to.into();
        row.text = text.into();
        store.enqueue(&row, T0).unwrap();
    }
    let mut other = inbound("f-other");
    other.sender = "+420999111222".into();
    other.text = "see you at noon".into();
    store.insert_inbound(&other, None, T0).unwrap();
    store.insert_inbound(&inbound("f-ahoj"), None, T0).unwrap();
    let search = |text: &str| LogPage {
        search: Some(text.into()),
        ..LogPage::since(T0, 10)
    };
    let keys = |text: &str| {
        store
            .outbound_page(&search(text), None)
            .unwrap()
            .iter()
            .map(|r| r.key.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(keys("noon"), ["a"]);
    assert_eq!(keys("601999"), ["b"]);
    assert_eq!(keys("0001"), ["c", "a"]);
    // LIKE's wildcards are plain characters here.
    assert_eq!(keys("%"), ["c"]);
    assert_eq!(keys("_"), Vec::<String>::new());
    let senders = |text: &str| {
        store
            .inbound_page(&search(text))
            .unwrap()
            .iter()
            .map(|(_, r)| r.sender.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(senders("NOON"), ["+420999111222"]);
    assert_eq!(senders("👋"), ["+420601234567"]);
    assert_eq!(senders("+420"), ["+420601234567", "+420999111222"]);
}

/// SQLite's `lower()` knows ASCII only: "čau" did not find "Čau".
#[test]
fn the_log_search_ignores_case_for_all_of_unicode_and_accents_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
    for (key, text) in [
        ("cz", "Čau, jak se máš?"),
        ("el", "ΣΟΦΙΑ ΚΑΛΗΜΕΡΑ"),
        ("de", "Grüße aus der STRASSE"),
        ("ru", "ПРИВЕТ"),
    ] {
        let mut row = message(key);
        row.text = text.into();
        store.enqueue(&row, T0).unwrap();
    }
    let mut call = inbound("f-cz");
    call.text = "DĚKUJI".into();
    store.insert_inbound(&call, None, T0).unwrap();
    let keys = |text: &str, ignore_diacritics: bool| {
        store
            .outbound_page(
                &LogPage {
                    search: Some(text.into()),
                    ignore_diacritics,
                    ..LogPage::since(T0, 10)
                },
                None,
            )
            .unwrap()
            .iter()
            .map(|r| r.key.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(keys("čau", false), ["cz"]);
    assert_eq!(keys("σοφια", false), ["el"]);
    assert_eq!(keys("straße", false), ["de"]);
    assert_eq!(keys("привет", false), ["ru"]);
    assert!(keys("cau", false).is_empty(), "accents count by default");
    assert_eq!(keys("cau", true), ["cz"]);
    assert_eq!(keys("JAK SE MAS", true), ["cz"]);
    let inbound = store
        .inbound_page(&LogPage {
            search: Some("děkuji".into()),
            ..LogPage::since(T0, 10)
        })
        .unwrap();
    assert_eq!(inbound.len(), 1);
}

/// The one-byte TP-MR repeats every 256 parts. With more than 256 in flight
/// on one modem, a report must find its message by recipient as well, and a
/// report that races its send's commit must wait for that send, not settle
/// an older message that happens to share the reference.
#[test]
fn references_that_wrap_find_their_message_by_recipient() {
    const MESSAGES: usize = 300;
    let recipients = ["+420601000001", "+420601000002", "+420601000003"];
    let store = SqliteStore::open_in_memory().unwrap();
    let mut ids = Vec::new();
    for i in 0..MESSAGES {
        let mut new = message(&format!("wrap:{i}"));
        new.to = recipients[i % recipients.len()].into();
        ids.push(store.enqueue(&new, T0).unwrap().id());
    }
    let claimed = store.claim(T0, MESSAGES as u32, LEASE).unwrap();
    assert_eq!(claimed.len(), MESSAGES);
    // The network writes the number its own way: national, international
    // or with the exit code.
    let as_reported = |i: usize| {
        let to = recipients[i % recipients.len()];
        match i % 3 {
            0 => to.to_owned(),
            1 => to.trim_start_matches("+420").to_owned(),
            _ => format!("00{}", to.trim_start_matches('+')),
        }
    };
    // The first 256 are committed; the reports of the last 44 arrive before
    // their sends are committed, while older messages with the same
    // references are still waiting for theirs.
    for (i, row) in claimed.iter().enumerate().take(256) {
        store
            .complete(row.id, row.attempts, &sent("gsm0", &[i as u8]), T0 + 1)
            .unwrap();
    }
    for i in 256..MESSAGES {
        let early = store
            .record_delivery(
                &report("gsm0", i as u8, Some(&as_reported(i)), true, None),
                T0 + 2,
            )
            .unwrap();
        assert_eq!(early, None, "report {i} waits for its own send");
    }
    for (i, row) in claimed.iter().enumerate().skip(256) {
        store
            .complete(row.id, row.attempts, &sent("gsm0", &[i as u8]), T0 + 3)
            .unwrap();
    }
    // The reports of the first 256 come in a scrambled order.
    let mut order: Vec<usize> = (0..256).collect();
    let mut seed = 0x2545_f491_u32;
    for k in (1..order.len()).rev() {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        order.swap(k, seed as usize % (k + 1));
    }
    for i in order {
        let row = store
            .record_delivery(
                &report("gsm0", i as u8, Some(&as_reported(i)), true, None),
                T0 + 4,
            )
            .unwrap()
            .unwrap_or_else(|| panic!("report {i} found no message"));
        assert_eq!(row.id, ids[i], "report {i} settled another message");
    }
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(
            store.outbound(*id).unwrap().unwrap().state,
            OutboxState::Delivered,
            "message {i}"
        );
    }
    // A report for a number none of them went to settles nothing.
    assert_eq!(
        store
            .record_delivery(
                &report("gsm0", 7, Some("+421900000000"), false, None),
                T0 + 5
            )
            .unwrap(),
        None
    );
    assert_eq!(
        store.outbound(ids[7]).unwrap().unwrap().state,
        OutboxState::Delivered
    );
}

/// A report is about a send through the same SIM, within the report window:
/// after a SIM swap the new SIM's references start over, and a reference
/// from last month is not a late answer.
#[test]
fn reports_match_the_sim_they_came_through_and_recent_sends_only() {
    let store = SqliteStore::open_in_memory().unwrap();
    let mut ids = Vec::new();
    for key in ["old-sim", "new-sim"] {
        ids.push(store.enqueue(&message(key), T0).unwrap().id());
    }
    let claimed = store.claim(T0, 2, LEASE).unwrap();
    for (row, (sim, at)) in claimed
        .iter()
        .zip([("230010000000001", T0 + 1), ("230019999999999", T0 + 2)])
    {
        let outcome = SendOutcome::Sent {
            modem: "gsm0".into(),
            message_refs: vec![Some(5)],
            sim: Some(sim.into()),
        };
        assert!(store.complete(row.id, row.attempts, &outcome, at).unwrap());
    }
    let mut from_old = report("gsm0", 5, Some("+420777000111"), true, None);
    from_old.sim = Some("230010000000001".into());
    let row = store.record_delivery(&from_old, T0 + 3).unwrap().unwrap();
    assert_eq!(row.id, ids[0], "the older send, through the same SIM");
    assert_eq!(
        store.outbound(ids[1]).unwrap().unwrap().state,
        OutboxState::Sent,
        "the newer send through the other SIM is untouched"
    );

    // Eight days later a report with that reference is not for it.
    let late = store.enqueue(&message("late"), T0).unwrap().id();
    let claimed = store.claim(T0, 1, LEASE).unwrap();
    store
        .complete(late, claimed[0].attempts, &sent("gsm1", &[9]), T0)
        .unwrap();
    let eight_days = 8 * 24 * 3_600_000;
    assert_eq!(
        store
            .record_delivery(&report("gsm1", 9, None, true, None), T0 + eight_days)
            .unwrap(),
        None
    );
    assert_eq!(
        store.outbound(late).unwrap().unwrap().state,
        OutboxState::Sent
    );
}

/// Only rows one of the given modems may send are claimed: the route's
/// modems, and the modem a row asked for.
#[test]
fn claims_for_some_modems_leave_the_others_rows_untouched() {
    let store = SqliteStore::open_in_memory().unwrap();
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
        .claim_for(T0, 10, LEASE, Some(&gsm0))
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(claimed, [ids[2], ids[3]]);
    assert!(
        store
            .claim_for(T0, 10, LEASE, Some(&[]))
            .unwrap()
            .is_empty()
    );
    for id in &ids[..2] {
        let row = store.outbound(*id).unwrap().unwrap();
        assert_eq!((row.state, row.attempts), (OutboxState::Queued, 0));
    }
    let gsm1 = ["gsm1".to_string()];
    let claimed: Vec<i64> = store
        .claim_for(T0, 10, LEASE, Some(&gsm1))
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(claimed, [ids[0], ids[1]]);
}
