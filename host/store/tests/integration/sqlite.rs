//! The SQLite backend: the conformance suite on a real file, and what only
//! a file has: a full disk, a read-only directory, schema versions written
//! by other builds, and tools that must not create a store by mistake.

use plutanium_store::{NewOutbound, OutboxState, SqliteStore, Store, StoreError};

use crate::conformance::{Backend, T0, inbound, message, report};

/// A store in a file of its own.
pub(crate) struct SqliteBackend {
    dir: tempfile::TempDir,
}

impl SqliteBackend {
    pub(crate) fn new() -> SqliteBackend {
        SqliteBackend {
            dir: tempfile::tempdir().unwrap(),
        }
    }
}

impl Backend for SqliteBackend {
    fn open(&self) -> Box<dyn Store> {
        Box::new(SqliteStore::open(self.dir.path().join("plutanium.db")).unwrap())
    }
}

mod conformance {
    crate::conformance_suite!(super::SqliteBackend::new());
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

/// Each query whose cost must not grow with the queue is an index seek:
/// no full scan of the outbox, no sort of what it found.
#[test]
fn the_hot_queries_seek_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("plutanium.db")).unwrap();
    let plans = store.query_plans().unwrap();
    assert_eq!(plans.len(), 7);
    for (name, plan) in plans {
        for step in plan.split("; ").filter(|step| step.contains("outbox")) {
            // A search reads the trigram index (a virtual table's own
            // index, never a scan of its rows), then each match by id.
            // Rows not indexed yet are read by their own table's key (at
            // most what arrived since the indexer last ran).
            let index = step.starts_with("SCAN outbox_search VIRTUAL TABLE INDEX")
                || step.starts_with("SEARCH outbox_search_pending USING INTEGER PRIMARY KEY");
            assert!(
                index || step.starts_with("SEARCH outbox USING"),
                "{name}: {step} (whole plan: {plan})"
            );
        }
        assert!(!plan.contains("TEMP B-TREE"), "{name} sorts: {plan}");
    }
}

/// The hot queries are prepared once: none has a plan that depends on a
/// bound value, which would make SQLite prepare it again at each binding
/// (a bare `LIMIT ?` did: a claim spent most of its time in the parser).
#[test]
fn the_hot_queries_are_not_prepared_again_for_new_values() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("plutanium.db")).unwrap();
    let reprepares = store.hot_query_reprepares().unwrap();
    assert_eq!(reprepares.len(), 7);
    for (name, count) in reprepares {
        assert_eq!(count, 0, "{name} was prepared again {count} times");
    }
}

/// Retention's deletes take the rows' entries out of the search index
/// (a search joins the index to the table, so a stale entry would show
/// only when SQLite reuses its id; this looks at the index itself).
#[test]
fn pruned_rows_leave_the_search_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plutanium.db");
    let store = SqliteStore::open(&path).unwrap();
    for n in 0..3 {
        store.enqueue(&message(&format!("k{n}")), T0).unwrap();
        store
            .insert_inbound(&inbound(&format!("f{n}")), None, T0)
            .unwrap();
        store.log_call("gsm0", Some("+420601234567"), T0).unwrap();
    }
    store.mark_call_routed(1, T0).unwrap();
    let entries = |table: &str| -> i64 {
        rusqlite::Connection::open(&path)
            .unwrap()
            .query_row(&format!("SELECT count(*) FROM {table}_search"), [], |row| {
                row.get(0)
            })
            .unwrap()
    };
    assert_eq!(
        (entries("outbox"), entries("inbox"), entries("calls")),
        (0, 0, 0),
        "pending until indexed"
    );
    for row in store.claim(T0 + 1, 3, crate::conformance::LEASE).unwrap() {
        store
            .complete(
                row.id,
                row.attempts,
                &crate::conformance::sent("gsm0", &[1]),
                T0 + 2,
            )
            .unwrap();
    }
    for (id, _) in store.unrouted_inbound(10).unwrap() {
        store.mark_routed(id, T0).unwrap();
    }
    store.index_search(usize::MAX).unwrap();
    assert_eq!(
        (entries("outbox"), entries("inbox"), entries("calls")),
        (3, 3, 3),
        "indexed"
    );
    store.prune(T0 + 10).unwrap();
    let gone = |table: &str| -> i64 {
        rusqlite::Connection::open(&path)
            .unwrap()
            .query_row(
                &format!("SELECT count(*) FROM {table}_search_gone"),
                [],
                |row| row.get(0),
            )
            .unwrap()
    };
    assert_eq!(
        (gone("outbox"), gone("inbox"), gone("calls")),
        (3, 3, 1),
        "a deleted row leaves the index when the indexer next runs"
    );
    assert_eq!(store.search_backlog().unwrap(), 7);
    assert_eq!(store.index_search(usize::MAX).unwrap(), 7);
    assert_eq!(
        (entries("outbox"), entries("inbox"), entries("calls")),
        (0, 0, 2)
    );
    assert_eq!((gone("outbox"), gone("inbox"), gone("calls")), (0, 0, 0));
}

/// A row deleted outside the daemon (the `sqlite3` shell, which has none
/// of the store's SQL functions) still leaves the index; a call's id that
/// SQLite reuses once the table is empty is found under its new caller
/// only, and the index stays sound.
#[test]
fn rows_deleted_by_hand_and_reused_ids_keep_the_index_sound() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plutanium.db");
    let store = SqliteStore::open(&path).unwrap();
    store.log_call("gsm0", Some("+420601111111"), T0).unwrap();
    store.index_search(usize::MAX).unwrap();
    let shell = rusqlite::Connection::open(&path).unwrap();
    shell
        .execute("DELETE FROM calls", [])
        .expect("a plain connection deletes a row");
    store.log_call("gsm0", Some("+420602222222"), T0).unwrap();
    let ids: Vec<i64> = shell
        .prepare("SELECT id FROM calls")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ids, [1], "SQLite reuses the id of an emptied table");
    store.index_search(usize::MAX).unwrap();
    let search = |text: &str| {
        store
            .calls_page(&plutanium_store::LogPage {
                search: Some(text.into()),
                ..plutanium_store::LogPage::since(0, 10)
            })
            .unwrap()
            .into_iter()
            .map(|call| call.caller)
            .collect::<Vec<_>>()
    };
    assert_eq!(search("+420602222222"), [Some("+420602222222".to_string())]);
    assert!(search("1111111").is_empty());
    let matched: i64 = shell
        .query_row(
            "SELECT count(*) FROM calls_search WHERE calls_search MATCH '\"011\"'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(matched, 0, "the old caller's entry left the index");
    for table in ["outbox", "inbox", "calls"] {
        shell
            .execute(
                &format!("INSERT INTO {table}_search ({table}_search) VALUES ('integrity-check')"),
                [],
            )
            .unwrap_or_else(|e| panic!("{table}'s search index: {e}"));
    }
}
