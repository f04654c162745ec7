//! The PostgreSQL backend: the conformance suite on a real server that the
//! test starts itself (`plutanium_store::postgres::testing`), and what only
//! a server has: a database that is not there, a server that is down,
//! several nodes migrating at once, and tools that must not migrate.

use plutanium_core::KvStore;
use plutanium_store::postgres::testing::TempCluster;
use plutanium_store::{ErrorKind, NewOutbound, PgLocation, PgStore, Store, StoreError};

use crate::conformance::{Backend, T0, message};

/// A fresh database on the shared test server.
pub(crate) struct PgBackend {
    location: PgLocation,
}

impl PgBackend {
    pub(crate) fn new() -> PgBackend {
        PgBackend {
            location: TempCluster::shared().create_database(),
        }
    }
}

impl Backend for PgBackend {
    fn open(&self) -> Box<dyn Store> {
        Box::new(PgStore::open(&self.location).unwrap())
    }
}

mod conformance {
    crate::conformance_suite!(super::PgBackend::new());
}

#[test]
fn a_database_that_is_not_there_is_a_clear_error() {
    let cluster = TempCluster::shared();
    let location = PgLocation {
        url: cluster.url("no_such_database"),
        ..PgLocation::default()
    };
    let err = PgStore::open(&location).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    let text = err.to_string();
    assert!(text.contains("no_such_database"), "{text}");
    assert!(text.contains("createdb"), "{text}");
}

#[test]
fn a_server_that_is_down_is_unavailable_and_comes_back() {
    let cluster = TempCluster::start().unwrap_or_else(|e| panic!("{e}"));
    let location = cluster.create_database();
    let store = PgStore::open(&location).unwrap();
    store.enqueue(&message("before"), T0).unwrap();
    cluster.stop();
    let err = store.enqueue(&message("during"), T0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.is_retryable());
    let err = PgStore::open(&location).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(
        err.to_string()
            .contains("cannot open the store postgres://plutanium@"),
        "{err}"
    );
}

#[test]
fn nodes_that_start_at_once_migrate_once() {
    let location = TempCluster::shared().create_database();
    let opened: Vec<Result<PgStore, StoreError>> = std::thread::scope(|scope| {
        let nodes: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| PgStore::open(&location)))
            .collect();
        nodes.into_iter().map(|n| n.join().unwrap()).collect()
    });
    for store in &opened {
        let store = store.as_ref().unwrap();
        assert_eq!(store.stats().unwrap().queued, 0);
    }
}

#[test]
fn tools_open_only_a_migrated_database() {
    let location = TempCluster::shared().create_database();
    let err = PgStore::open_existing(&location).unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooOld { found: 0, .. }),
        "{err}"
    );
    drop(PgStore::open(&location).unwrap());
    let tool = PgStore::open_existing(&location).unwrap();
    tool.enqueue(&message("from-a-tool"), T0).unwrap();
    // A database from a newer Plutanium is refused, not changed.
    let mut admin = postgres_client(&location);
    admin
        .batch_execute("UPDATE plutanium_schema SET version = 99")
        .unwrap();
    let err = PgStore::open(&location).unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 99, .. }),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::Schema);
}

fn postgres_client(location: &PgLocation) -> postgres::Client {
    location
        .url
        .parse::<postgres::Config>()
        .unwrap()
        .connect(postgres::NoTls)
        .unwrap()
}

#[test]
fn a_new_outbox_row_wakes_every_watching_node() {
    let location = TempCluster::shared().create_database();
    let a = PgStore::open(&location).unwrap();
    let b = PgStore::open(&location).unwrap();
    let (woken, wakes) = std::sync::mpsc::channel();
    let watch = b
        .watch(
            plutanium_store::Channel::Outbox,
            std::sync::Arc::new(move || {
                let _ = woken.send(());
            }),
        )
        .unwrap()
        .expect("PostgreSQL watches the outbox");
    a.enqueue(&message("k1"), T0).unwrap();
    wakes
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the other node is woken");
    // A known key adds no row, and wakes nobody.
    a.enqueue(&message("k1"), T0).unwrap();
    assert!(
        wakes
            .recv_timeout(std::time::Duration::from_millis(500))
            .is_err()
    );
    drop(watch);
}

/// `plutanium store migrate`'s copy: every table, ids kept, search folded,
/// resumable after a stop halfway, counts verified.
#[test]
fn an_sqlite_store_is_copied_into_postgresql_and_a_stopped_copy_resumes() {
    use plutanium_store::{
        InboundRecord, LogPage, LoggedEvent, PartRecord, SqliteStore, copy_sqlite_to_postgres,
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plutanium.db");
    let sqlite = SqliteStore::open(&path).unwrap();
    let batch: Vec<_> = (0..1_200).map(|n| message(&format!("k{n}"))).collect();
    sqlite.enqueue_batch(&batch, T0).unwrap();
    // One row failed, with its error.
    let claimed = sqlite
        .claim(T0, 1, std::time::Duration::from_secs(60))
        .unwrap();
    let failed = plutanium_store::SendOutcome::Failed {
        error: "test".into(),
        modem: None,
    };
    sqlite.complete(claimed[0].id, 1, &failed, T0).unwrap();
    let inbound = InboundRecord {
        fingerprint: "f1".into(),
        modem: "gsm0".into(),
        sender: "+420601234567".into(),
        recipient: "+420777000000".into(),
        text: "Žluťoučký kůň".into(),
        received_at: T0,
        meta: vec![("smsc".into(), "+420602909909".into())],
    };
    sqlite.insert_inbound(&inbound, None, T0).unwrap();
    sqlite.log_call("gsm0", Some("+420601234567"), T0).unwrap();
    sqlite
        .save_part(&PartRecord {
            modem: "gsm0".into(),
            sender: "+420601234567".into(),
            reference: 7,
            total: 2,
            seq: 1,
            pdu: b"0791".to_vec(),
            received_at: T0,
        })
        .unwrap();
    sqlite
        .set("redirect", "destination", b"+420777000111")
        .unwrap();
    sqlite.log_event(T0, "test", "subject", "detail").unwrap();
    sqlite
        .append_live_events(&[LoggedEvent {
            id: 41,
            at: T0,
            kind: "inbound".into(),
            data: "{}".into(),
        }])
        .unwrap();
    let highest_before = sqlite.recent_outbound(1).unwrap()[0].id;
    drop(sqlite);

    let location = TempCluster::shared().create_database();
    // Stopped after the outbox's first batch committed.
    let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        copy_sqlite_to_postgres(&path, &location, |copied| {
            assert_ne!(copied.table, "outbox", "stopped on purpose");
        })
    }));
    assert!(stopped.is_err());
    let done = copy_sqlite_to_postgres(&path, &location, |_| {}).unwrap();
    let outbox = done.iter().find(|c| c.table == "outbox").unwrap();
    assert_eq!((outbox.source, outbox.target), (1_200, 1_200));
    assert_eq!(outbox.copied, 700, "resumed after the 500 that committed");
    assert!(done.iter().all(|c| c.source == c.target), "{done:?}");
    // Again: nothing to do, still verified.
    let again = copy_sqlite_to_postgres(&path, &location, |_| {}).unwrap();
    assert!(again.iter().all(|c| c.copied == 0), "{again:?}");

    let pg = PgStore::open(&location).unwrap();
    let row = pg.outbound_by_key("k17").unwrap().unwrap();
    assert_eq!(row.text, "text of k17");
    assert_eq!(
        pg.outbound(claimed[0].id)
            .unwrap()
            .unwrap()
            .last_error
            .as_deref(),
        Some("test")
    );
    let found = pg
        .inbound_page(&LogPage {
            search: Some("ZLUTOUCKY".into()),
            ignore_diacritics: true,
            ..LogPage::since(0, 10)
        })
        .unwrap();
    assert_eq!(found.len(), 1, "search works on the copied rows");
    assert_eq!(found[0].1.meta, inbound.meta);
    assert_eq!(pg.unrouted_inbound(10).unwrap().len(), 1);
    assert_eq!(pg.unrouted_calls(10).unwrap().len(), 1);
    assert_eq!(pg.pending_parts().unwrap().len(), 1);
    assert_eq!(
        pg.get("redirect", "destination").unwrap().as_deref(),
        Some(&b"+420777000111"[..])
    );
    assert_eq!(pg.last_live_event_id().unwrap(), 41);
    let next = pg.enqueue(&message("after"), T0).unwrap();
    assert!(next.id() > highest_before, "ids go on: {}", next.id());
}

#[test]
fn copying_refuses_a_file_that_is_not_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "not a database").unwrap();
    let location = TempCluster::shared().create_database();
    let err = plutanium_store::copy_sqlite_to_postgres(&path, &location, |_| {}).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("notes.txt"), "{text}");
}

/// `sslmode=require` over TCP: the server's certificate is checked against
/// the trust store given (the daemon's: the platform's CAs and
/// `tls.ca_files`); without the CA that signed it, the connection is
/// refused and the error says why.
#[test]
fn tls_to_the_server_checks_its_certificate_against_the_trust_store() {
    use plutanium_tls::TrustStore;
    use plutanium_tls::testing::PrivateCa;
    use std::str::FromStr;
    let ca = PrivateCa::new().unwrap();
    let server = TempCluster::start_tls(&ca.server_cert_pem, &ca.server_key_pem)
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &ca.ca_pem).unwrap();
    let location = server.create_tls_database().unwrap();

    // The platform's CAs alone do not know this server.
    let untrusted = PgLocation {
        trust: Some(TrustStore::only(&[]).unwrap().client_config()),
        ..location.clone()
    };
    let err = PgStore::open(&untrusted).unwrap_err().to_string();
    assert!(err.contains("UnknownIssuer"), "{err}");
    assert!(err.contains("tls.ca_files"), "{err}");

    // With the CA: it opens, and the session is encrypted.
    let trusted = PgLocation {
        trust: Some(TrustStore::only(&[ca_file]).unwrap().client_config()),
        ..location
    };
    let store = PgStore::open(&trusted).unwrap_or_else(|e| panic!("{e}"));
    store.enqueue(&message("over-tls"), T0).unwrap();
    let mut admin = postgres::Config::from_str(&server.url("postgres"))
        .unwrap()
        .connect(postgres::NoTls)
        .unwrap();
    let encrypted: i64 = admin
        .query_one(
            // This server's only TLS client is the store's pool.
            "SELECT count(*) FROM pg_stat_ssl WHERE ssl",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(encrypted > 0, "no TLS session on the server");
}

/// A node frozen in the middle of a claim (SIGSTOP, a migrated VM) holds a
/// share lock on its lease rows. Another node can still take the lease
/// once it has run out: the server ends the frozen session, rolling back
/// what it had begun, instead of letting it hold the cluster for as long
/// as it is frozen.
#[test]
fn a_node_frozen_inside_a_claim_does_not_keep_its_leases() {
    use plutanium_store::postgres::testing::FrozenClaim;
    use plutanium_store::{Fence, Holder, modem_lease};
    use std::time::Duration;

    let location = TempCluster::shared().create_database();
    let a = PgStore::open(&location).unwrap();
    let b = PgStore::open(&location).unwrap();
    let holder_a = Holder::new("a");
    let lease = a
        .acquire_lease(
            &modem_lease("gsm0"),
            &holder_a,
            a.clock().unwrap(),
            Duration::from_secs(1),
        )
        .unwrap();
    assert!(lease.held_by(&holder_a, a.clock().unwrap()));
    let mut fence = Fence::new(holder_a);
    fence.hold("gsm0", lease.epoch);
    let frozen = FrozenClaim::start(&a, &fence);

    // b asks for the lease until it has it. Without a bound on the frozen
    // session, its request waits on the row for as long as a is frozen.
    let (taken, answer) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let holder_b = Holder::new("b");
        loop {
            let now = b.clock().unwrap();
            match b.acquire_lease(
                &modem_lease("gsm0"),
                &holder_b,
                now,
                Duration::from_secs(15),
            ) {
                Ok(lease) if lease.held_by(&holder_b, now) => break taken.send(lease).unwrap(),
                Ok(_) => {}
                Err(e) => assert!(e.is_retryable(), "{e}"),
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let lease_b = answer
        .recv_timeout(Duration::from_secs(30))
        .expect("b never took the lease a frozen node held a claim on");
    assert_eq!(lease_b.epoch, lease.epoch + 1);

    // a runs again: what it had begun is gone, and it is told so.
    let err = frozen.resume().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
}

/// Each query whose cost must not grow with the queue uses an index (as
/// planned for a deep queue): no sequential scan of the outbox, no sort.
#[test]
fn the_hot_queries_use_an_index() {
    let store = PgStore::open(&TempCluster::shared().create_database()).unwrap();
    // Rows enough for statistics (query_plans analyzes the table), the
    // word searched for in one of them.
    let rows: Vec<NewOutbound> = (0..5000)
        .map(|n| {
            let mut row = message(&format!("k{n}"));
            row.text = if n == 7 {
                "hello there".into()
            } else {
                format!("Winter sale, code {n}")
            };
            row
        })
        .collect();
    store.enqueue_batch(&rows, T0).unwrap();
    let plans = store.query_plans().unwrap();
    assert_eq!(plans.len(), 6);
    for (name, plan) in plans {
        assert!(!plan.contains("Seq Scan"), "{name}: {plan}");
        assert!(plan.contains("Index"), "{name}: {plan}");
        // A search reads the trigram index, and sorts what it found: its
        // cost follows the matches, not the rows.
        if name.contains("search") {
            assert!(plan.contains("on outbox_search"), "{name}: {plan}");
            continue;
        }
        // The rows whose sender died are among those being sent (at most
        // a few per modem, however deep the queue): the planner may sort
        // those.
        if !name.contains("sender died") {
            assert!(!plan.contains("Sort"), "{name} sorts: {plan}");
        }
    }
}
