//! Sources: polled, their messages sent, and acknowledged only after the commit.

use std::sync::Arc;
use std::time::Duration;

use plutanium_modem::InProcessPorts;
use plutanium_store::SqliteStore;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_is_polled_sent_and_acknowledged_after_commit() {
    let sim = network(8);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plutanium.db");
    let config_text = format!(
        r#"
modems:
  gsm0: {{ port: "sim://gsm0" }}
connectors:
  queue:
    component: {source}
    interval: 100ms
    batch: 2
    config: {{ count: "3", to: "+420777000111" }}
  premium:
    component: {source}
    interval: 100ms
    config: {{ count: "1", to: "9090" }}
"#,
        source = test_source().display()
    );
    let config = config(&config_text);
    let store = Arc::new(SqliteStore::open(&db).unwrap());
    let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
    let gateway = start_on(config.clone(), &store, dir.path(), Some(ports.clone())).await;
    let texts = eventually("three messages on the phone", || {
        let inbox = sim.phone_inbox("+420777000111");
        (inbox.len() >= 3).then(|| inbox.into_iter().map(|m| m.text).collect::<Vec<_>>())
    })
    .await;
    assert_eq!(
        texts,
        ["message 1", "message 2", "message 3"],
        "oldest first"
    );
    // The short code was refused by policy and handed back to its source.
    assert!(store.outbound_by_key("premium:test:1").unwrap().is_none());
    gateway.stop().await;

    // A restart: the source was acknowledged, so nothing is sent again.
    let store = Arc::new(SqliteStore::open(&db).unwrap());
    let gateway = start_on(config, &store, dir.path(), Some(ports)).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    gateway.stop().await;
    assert_eq!(
        sim.phone_inbox("+420777000111").len(),
        3,
        "nothing sent twice"
    );
    assert_eq!(store.stats().unwrap().queued, 0);
    // Each source heard back, as its store shows.
    use plutanium_core::KvStore;
    let done = |ns: &str, key: &str| {
        store
            .get(ns, key)
            .unwrap()
            .map(|v| String::from_utf8_lossy(&v).into_owned())
    };
    assert_eq!(done("premium", "done/test:1").as_deref(), Some("rejected"));
    assert_eq!(
        done("queue", "done/test:3").as_deref(),
        Some("sent"),
        "acknowledged after commit"
    );
}
