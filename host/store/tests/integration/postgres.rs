//! The PostgreSQL backend: the conformance suite on a real server that the
//! test starts itself (`plutanium_store::postgres::testing`), and what only
//! a server has: a database that is not there, a server that is down,
//! several nodes migrating at once, and tools that must not migrate.

use plutanium_store::postgres::testing::TempCluster;
use plutanium_store::{ErrorKind, PgLocation, PgStore, Store, StoreError};

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
        password: None,
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
