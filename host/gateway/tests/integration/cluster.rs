//! Two gateway nodes on one PostgreSQL database (a throwaway server the
//! test starts) and two simulated modems both can reach: each modem is
//! driven by one node at a time, sends queued on either node all go out,
//! and when a node dies its modems move to the other within the lease.
//!
//! A node here is a gateway on a Tokio runtime of its own; it dies by
//! having that runtime shut down under it, which ends its tasks where they
//! are and releases nothing (its leases must run out), as `kill -9` would.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use plutanium_catalog::Catalog;
use plutanium_gateway::{Gateway, LEASE_TTL, Setup};
use plutanium_modem::{InProcessPorts, ModemState};
use plutanium_modem_sim::{Latency, ModemConfig, Simulator};
use plutanium_store::postgres::testing::TempCluster;
use plutanium_store::{NewOutbound, PgStore, Store, modem_lease};

use crate::support::config;

const CONFIG: &str = r#"
modems:
  gsm0: { port: "sim://gsm0", number: "+420777000000" }
  gsm1: { port: "sim://gsm1", number: "+420777000001" }
"#;

const PHONE: &str = "+420777999000";

/// A node: a gateway on a runtime of its own, on a thread of its own.
struct Node {
    runtime: tokio::runtime::Runtime,
    gateway: Option<Gateway>,
}

impl Node {
    fn start(name: &str, store: Arc<dyn Store>, sim: &Simulator, dir: &std::path::Path) -> Node {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
        let setup = Setup::new(store, Catalog::new(dir))
            .in_process(ports)
            .node(name)
            .tweak_driver(|driver| driver.reconnect_initial = Duration::from_millis(50));
        let gateway = runtime
            .block_on(Gateway::start(config(CONFIG), setup))
            .expect("starts");
        Node {
            runtime,
            gateway: Some(gateway),
        }
    }

    /// The state of each of its modems.
    fn states(&self) -> HashMap<String, ModemState> {
        let handle = self.gateway.as_ref().unwrap().handle();
        handle
            .modems()
            .iter()
            .map(|(name, modem)| (name.clone(), modem.state().borrow().clone()))
            .collect()
    }

    /// Ends it as `kill -9` would: its tasks stop where they are.
    fn kill(mut self) {
        std::mem::forget(self.gateway.take());
        self.runtime.shutdown_background();
    }
}

fn pg_store(location: &plutanium_store::PgLocation) -> Arc<dyn Store> {
    Arc::new(PgStore::open(location).expect("the test database opens"))
}

fn message(n: usize) -> NewOutbound {
    NewOutbound {
        key: format!("test:{n}"),
        source: "test".into(),
        to: PHONE.into(),
        text: format!("message {n}"),
        options: Default::default(),
        allowed_modems: Vec::new(),
    }
}

/// Waits up to `limit` for `probe`.
fn wait_for(what: &str, limit: Duration, mut probe: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !probe() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
    started.elapsed()
}

/// Who holds each modem's lease now.
fn owners(store: &Arc<dyn Store>) -> HashMap<String, String> {
    let now = store.clock().unwrap();
    store
        .leases()
        .unwrap()
        .into_iter()
        .filter(|lease| lease.expires_at > now)
        .map(|lease| (lease.name, lease.holder.node))
        .collect()
}

#[test]
fn two_nodes_share_the_modems_and_a_dead_nodes_modems_move_within_the_lease() {
    let location = TempCluster::shared().create_database();
    // The network runs on a runtime of its own, which outlives the nodes.
    let network = tokio::runtime::Runtime::new().unwrap();
    let sim = {
        let _inside = network.enter();
        Simulator::start(7, Latency::Zero)
    };
    sim.add_modem(ModemConfig::new("gsm0", "+420777000000"))
        .unwrap();
    sim.add_modem(ModemConfig::new("gsm1", "+420777000001"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (store_a, store_b) = (pg_store(&location), pg_store(&location));

    let a = Node::start("a", store_a.clone(), &sim, dir.path());
    wait_for("node a to drive both modems", LEASE_TTL, || {
        a.states().values().all(|s| *s == ModemState::Ready)
    });
    let b = Node::start("b", store_b.clone(), &sim, dir.path());
    // b waits: a holds both leases, so b's drivers stay closed.
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        b.states().values().all(|s| *s == ModemState::Standby),
        "{:?}",
        b.states()
    );
    let held = owners(&store_b);
    assert_eq!(
        held.get(&modem_lease("gsm0")).map(String::as_str),
        Some("a")
    );
    assert_eq!(
        held.get(&modem_lease("gsm1")).map(String::as_str),
        Some("a")
    );

    // b's event stream shows what happens on a.
    let mut b_events = b.gateway.as_ref().unwrap().handle().subscribe();

    // 400 messages queued, half on each node's store; a sends them all.
    let batch: Vec<_> = (0..200).map(message).collect();
    store_a
        .enqueue_batch(&batch, store_a.clock().unwrap())
        .unwrap();
    let batch: Vec<_> = (200..400).map(message).collect();
    store_b
        .enqueue_batch(&batch, store_b.clock().unwrap())
        .unwrap();
    wait_for("the first sends", Duration::from_secs(30), || {
        sim.phone_inbox(PHONE).len() >= 50
    });

    let mut sent_on_a = 0;
    wait_for(
        "a's sends on b's event stream",
        Duration::from_secs(10),
        || {
            loop {
                match b_events.try_recv() {
                    Ok(event)
                        if event.kind == "outbound"
                            && event.data.contains(r#""status":"sent""#) =>
                    {
                        sent_on_a += 1
                    }
                    Ok(_) | Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_)) => {}
                    Err(_) => break,
                }
            }
            sent_on_a >= 10
        },
    );

    // a dies mid-run. b drives both modems within the lease plus 5 s.
    a.kill();
    let moved = wait_for(
        "node b to drive the dead node's modems",
        LEASE_TTL + Duration::from_secs(5),
        || b.states().values().all(|s| *s == ModemState::Ready),
    );
    let held = owners(&store_b);
    assert_eq!(
        held.get(&modem_lease("gsm0")).map(String::as_str),
        Some("b")
    );
    assert_eq!(
        held.get(&modem_lease("gsm1")).map(String::as_str),
        Some("b")
    );

    // Everything is delivered; a message a was sending when it died may go
    // out twice, at most one per modem.
    wait_for("every message delivered", Duration::from_secs(180), || {
        let stats = store_b.stats().unwrap();
        stats.queued == 0 && stats.sending == 0
    });
    let mut seen: HashMap<String, usize> = HashMap::new();
    for message in sim.phone_inbox(PHONE) {
        *seen.entry(message.text).or_default() += 1;
    }
    let missing: Vec<usize> = (0..400)
        .filter(|n| !seen.contains_key(&format!("message {n}")))
        .collect();
    assert!(missing.is_empty(), "never delivered: {missing:?}");
    let doubled: usize = seen.values().map(|n| n - 1).sum();
    assert!(doubled <= 2, "{doubled} duplicates (at most one per modem)");
    eprintln!("failover took {moved:?} after the kill; {doubled} duplicates");
    let Node {
        runtime,
        mut gateway,
    } = b;
    runtime.block_on(gateway.take().unwrap().stop());
    // A clean stop gives the leases up: another node need not wait.
    assert!(owners(&store_b).is_empty(), "{:?}", owners(&store_b));
}
