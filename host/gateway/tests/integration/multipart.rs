//! Multipart messages whose parts do not all come: each part is kept in the
//! store before the modem deletes it, so the SIM never fills with them, and
//! after `incomplete_after` the message is stored and routed incomplete,
//! marked, even across a restart; nothing is dropped.

use std::sync::Arc;

use plutanium_catalog::Catalog;
use plutanium_gateway::{Gateway, Setup};
use plutanium_modem::InProcessPorts;
use plutanium_modem_sim::{Latency, ModemConfig, Simulator};
use plutanium_store::{SqliteStore, Store};

use crate::support::{config, eventually, test_source};

const PHONE: &str = "+420601234567";
const MODEM: &str = "+420777000000";

fn sim_with_slots(slots: usize) -> Simulator {
    let sim = Simulator::start(21, Latency::Zero);
    let mut modem = ModemConfig::new("gsm0", MODEM);
    modem.storage_capacity = slots;
    sim.add_modem(modem).unwrap();
    sim
}

fn echo(incomplete_after: &str) -> plutanium_core::config::Config {
    let processor = test_source().with_file_name("plutanium_test_processor.wasm");
    config(&format!(
        r#"
modems:
  gsm0: {{ port: "sim://gsm0", number: "{MODEM}", incomplete_after: {incomplete_after} }}
connectors:
  echo: {{ component: {p} }}
routes:
  - {{ from: gsm0, through: [echo], to: gsm0 }}
"#,
        p = processor.display()
    ))
}

async fn start(
    sim: &Simulator,
    store: &Arc<SqliteStore>,
    dir: &tempfile::TempDir,
    incomplete_after: &str,
) -> Gateway {
    let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
    let setup = Setup::new(store.clone(), Catalog::new(dir.path())).in_process(ports);
    Gateway::start(echo(incomplete_after), setup)
        .await
        .expect("the gateway starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parts_that_wait_for_the_rest_do_not_fill_the_sim() {
    // Four slots, and ten parts of five messages that never complete.
    let sim = sim_with_slots(4);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
    let gateway = start(&sim, &store, &dir, "1h").await;
    let long = "Dlouhá zpráva ve třech částech. ".repeat(6);
    for reference in 0..5u8 {
        let parts = sim
            .phone_send_parts(PHONE, MODEM, &long, 100 + reference, &[0, 1])
            .unwrap();
        assert_eq!(parts, 3);
    }
    eventually("every part kept in the store", || {
        (store.stats().unwrap().inbox_parts == 10).then_some(())
    })
    .await;
    eventually("and deleted from the SIM, none waiting at the SMSC", || {
        let modem = &sim.modems()[0];
        (modem.stored == 0 && modem.waiting == 0).then_some(())
    })
    .await;
    // A message that arrives now still finds room.
    sim.phone_send(PHONE, MODEM, "still room").unwrap();
    let reply = eventually("the answer to a short message", || {
        sim.phone_inbox(PHONE).into_iter().next()
    })
    .await;
    assert_eq!(reply.text, "echo: still room");
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_missing_a_part_is_routed_marked_after_incomplete_after() {
    let sim = sim_with_slots(30);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
    let gateway = start(&sim, &store, &dir, "3s").await;
    let long = "Jedna, dve, tri, ctyri, pet, sest, sedm. ".repeat(10);
    // Parts 1 and 3 of 3 come; part 2 never does.
    let parts = sim
        .phone_send_parts(PHONE, MODEM, &long, 9, &[0, 2])
        .unwrap();
    assert_eq!(parts, 3);
    eventually("both parts kept", || {
        (store.stats().unwrap().inbox_parts == 2).then_some(())
    })
    .await;
    // A restart before the timeout: the parts come back from the store,
    // with the time they arrived.
    gateway.stop().await;
    let gateway = start(&sim, &store, &dir, "3s").await;
    let reply = eventually("the incomplete message routed", || {
        sim.phone_inbox(PHONE).into_iter().next()
    })
    .await;
    assert!(reply.text.starts_with("echo: Jedna"), "{}", reply.text);
    assert!(
        reply.text.contains("[part 2 of 3 missing]"),
        "{}",
        reply.text
    );
    let (_, stored) = store.recent_inbound(10).unwrap().remove(0);
    assert!(
        stored.text.contains("[part 2 of 3 missing]"),
        "{}",
        stored.text
    );
    let meta: Vec<(&str, &str)> = stored
        .meta
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert!(meta.contains(&("incomplete", "true")), "{meta:?}");
    assert!(meta.contains(&("missing_parts", "2")), "{meta:?}");
    assert_eq!(
        store.stats().unwrap().inbox_parts,
        0,
        "replaced by the message"
    );
    assert_eq!(sim.modems()[0].stored, 0);
    gateway.stop().await;
}
