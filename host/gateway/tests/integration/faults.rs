//! Faults: a connector that loops, a store that is full.

use std::sync::Arc;
use std::time::Duration;

use plutanium_catalog::Catalog;
use plutanium_gateway::{Gateway, Setup};
use plutanium_modem::InProcessPorts;
use plutanium_store::{InboundRecord, NewOutbound, SqliteStore, Store};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_looping_connector_is_stopped_at_its_deadline_and_the_route_goes_on() {
    let (sim, dir, store) = fixture(10);
    let processor = test_source().with_file_name("plutanium_test_processor.wasm");
    let config_text = format!(
        r#"
modems:
  gsm0: {{ port: "sim://gsm0" }}
connectors:
  looper: {{ component: {p}, deadline: 200ms, config: {{ mode: loop }} }}
  echo: {{ component: {p} }}
routes:
  - {{ from: gsm0, through: [looper, echo], to: gsm0 }}
"#,
        p = processor.display()
    );
    let config = config(&config_text);
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    sim.phone_send("+420601234567", "+420777000000", "ping")
        .unwrap();
    let reply = eventually("the echo after the looping stage", || {
        sim.phone_inbox("+420601234567").into_iter().next()
    })
    .await;
    assert_eq!(reply.text, "echo: ping");
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_store_leaves_inbound_on_the_modem_until_there_is_room() {
    let sim = network(11);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plutanium.db");
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    let config = echo_config("", "{ from: gsm0, through: [echo], to: gsm0 }");
    let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
    let setup = Setup::new(store.clone(), Catalog::new(dir.path()))
        .in_process(ports)
        .tweak_driver(|driver| driver.health_interval = Duration::from_millis(300));
    let gateway = Gateway::start(config, setup).await.unwrap();
    // Full: not one more page, and no room left in the pages there are.
    let pages = store.page_count().unwrap();
    store.limit_pages(pages).unwrap();
    let mut n = 0;
    for size in [2000, 500, 100, 10, 0] {
        loop {
            n += 1;
            let filler = InboundRecord {
                fingerprint: format!("filler:{n}"),
                modem: "gsm0".into(),
                sender: "filler".into(),
                recipient: String::new(),
                text: "f".repeat(size),
                received_at: 0,
                meta: Vec::new(),
            };
            if let Err(e) = store.insert_inbound(&filler, None, plutanium_core::time::now()) {
                assert!(e.is_full(), "{e}");
                break;
            }
        }
    }
    let from_phone = |store: &SqliteStore| {
        store
            .recent_inbound(100_000)
            .unwrap()
            .into_iter()
            .filter(|(_, m)| m.sender == "+420601234567")
            .count()
    };
    sim.phone_send("+420601234567", "+420777000000", &"x".repeat(150))
        .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(from_phone(&store), 0);
    assert!(sim.phone_inbox("+420601234567").is_empty(), "not answered");
    // Room again: the modem's next sweep hands it over, once.
    store.limit_pages(1 << 30).unwrap();
    let reply = eventually("the answer once there is room", || {
        sim.phone_inbox("+420601234567").into_iter().next()
    })
    .await;
    assert_eq!(reply.text, format!("echo: {}", "x".repeat(150)));
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(sim.phone_inbox("+420601234567").len(), 1);
    assert_eq!(from_phone(&store), 1);
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_modem_that_is_down_leaves_the_queue_alone_and_then_sends_in_order() {
    let (sim, dir, store) = fixture(52);
    sim.inject("gsm0", plutanium_modem_sim::Fault::Unplug)
        .unwrap();
    let now = plutanium_core::time::now();
    let mut ids = Vec::new();
    for n in 0..5 {
        let row = outbound(
            &format!("test:{n}"),
            "+420601234567",
            &format!("in order {n}"),
        );
        ids.push(store.enqueue(&row, now + n).unwrap().id());
    }
    let config = config(
        "modems:\n  gsm0: { port: \"sim://gsm0\", number: \"+420777000000\", rate_per_minute: 10000 }\n",
    );
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    // Longer than a claim-and-postpone round used to take.
    tokio::time::sleep(Duration::from_secs(3)).await;
    for id in &ids {
        let row = store.outbound(*id).unwrap().unwrap();
        assert_eq!(
            (
                row.state,
                row.attempts,
                row.last_error.as_deref(),
                row.updated_at
            ),
            (
                plutanium_store::OutboxState::Queued,
                0,
                None,
                row.created_at
            ),
            "out-{id} was left alone while no modem could send it"
        );
    }
    sim.inject("gsm0", plutanium_modem_sim::Fault::Replug)
        .unwrap();
    let inbox = eventually("all five on the phone", || {
        let inbox = sim.phone_inbox("+420601234567");
        (inbox.len() == 5).then_some(inbox)
    })
    .await;
    let texts: Vec<_> = inbox.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "in order 0",
            "in order 1",
            "in order 2",
            "in order 3",
            "in order 4"
        ]
    );
    gateway.stop().await;
}

/// The defaults do not hold a working modem back: with no
/// `rate_per_minute`, 40 messages all go out at once (the old default of
/// 20 a minute held back half of them for a minute; the limit that guards
/// against loops is per destination, and these go to 40 numbers).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_config_does_not_throttle_a_modem() {
    let (sim, dir, store) = fixture(54);
    let now = plutanium_core::time::now();
    for n in 0..40 {
        let row = outbound(
            &format!("test:{n}"),
            &format!("+4206012345{n:02}"),
            &format!("burst {n}"),
        );
        store.enqueue(&row, now).unwrap();
    }
    let config = config("modems:\n  gsm0: { port: \"sim://gsm0\", number: \"+420777000000\" }\n");
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    eventually("all 40 sent", || {
        let stats = store.stats().unwrap();
        (stats.sent + stats.delivered == 40).then_some(())
    })
    .await;
    gateway.stop().await;
}

/// The gateway keeps the search index up to date by itself: rows queued
/// while it runs are indexed within seconds, and searching finds them
/// before and after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_index_keeps_up_by_itself() {
    let (sim, dir, store) = fixture(55);
    let config = config("modems:\n  gsm0: { port: \"sim://gsm0\", number: \"+420777000000\" }\n");
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    let now = plutanium_core::time::now();
    let rows: Vec<NewOutbound> = (0..300)
        .map(|n| {
            outbound(
                &format!("test:{n}"),
                &format!("+420601{n:06}"),
                &format!("indexed {n}"),
            )
        })
        .collect();
    store.enqueue_batch(&rows, now).unwrap();
    let search = |text: &str| {
        store
            .outbound_page(
                &plutanium_store::LogPage {
                    search: Some(text.into()),
                    ..plutanium_store::LogPage::since(0, 10)
                },
                None,
            )
            .unwrap()
            .len()
    };
    assert_eq!(search("indexed 299"), 1);
    eventually("every row indexed", || {
        (store.search_backlog().unwrap() == 0).then_some(())
    })
    .await;
    assert_eq!(search("indexed 299"), 1);
    assert_eq!(search("indexed 1"), 10);
    gateway.stop().await;
}

/// A modem that loses the `> ` prompt of `AT+CMGS`: the send is given up
/// after `prompt_timeout` (not the 90 s send timeout), and the message goes
/// out on the next try a second later, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_prompt_is_given_up_in_seconds_and_the_message_sent_again() {
    let (sim, dir, store) = fixture(53);
    sim.inject("gsm0", plutanium_modem_sim::Fault::SwallowSend { count: 1 })
        .unwrap();
    let config = config(
        "modems:\n  gsm0: { port: \"sim://gsm0\", number: \"+420777000000\", prompt_timeout: 2s }\n",
    );
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    let row = outbound("test:prompt", "+420601234567", "after a lost prompt");
    let id = store
        .enqueue(&row, plutanium_core::time::now())
        .unwrap()
        .id();
    // After the lost prompt the row waits a second, not a refused send's
    // backoff (15 s and more).
    let waiting = eventually("the first try given up", || {
        let row = store.outbound(id).unwrap().unwrap();
        (row.attempts == 1 && row.state == plutanium_store::OutboxState::Queued).then_some(row)
    })
    .await;
    assert!(
        waiting.next_attempt_at <= waiting.updated_at + 1_000,
        "next try {} ms after the lost prompt",
        waiting.next_attempt_at - waiting.updated_at
    );
    assert!(
        waiting
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("did not ask for the PDU"),
        "{waiting:?}"
    );
    let sent = eventually("the row sent", || {
        let row = store.outbound(id).unwrap().unwrap();
        (row.state == plutanium_store::OutboxState::Sent).then_some(row)
    })
    .await;
    assert_eq!(sent.attempts, 2, "the lost prompt was an attempt");
    assert_eq!(sim.phone_inbox("+420601234567").len(), 1, "sent once");
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_for_a_modem_that_is_down_wait_unclaimed_while_another_sends() {
    let (sim, dir, store) = fixture(53);
    sim.add_modem(plutanium_modem_sim::ModemConfig::new(
        "gsm1",
        "+420777000001",
    ))
    .unwrap();
    sim.inject("gsm1", plutanium_modem_sim::Fault::Unplug)
        .unwrap();
    let now = plutanium_core::time::now();
    let row = |n: u64, allowed: &[&str]| NewOutbound {
        key: format!("test:{n}"),
        source: "test".into(),
        to: "+420601234567".into(),
        text: format!("message {n}"),
        options: plutanium_core::SendOptions::default(),
        allowed_modems: allowed.iter().map(|m| m.to_string()).collect(),
    };
    let mut parked = Vec::new();
    for n in 0..40 {
        parked.push(store.enqueue(&row(n, &["gsm1"]), now + n).unwrap().id());
    }
    let free = store.enqueue(&row(99, &[]), now + 99).unwrap().id();
    let config = config(
        "modems:\n  gsm0: { port: \"sim://gsm0\", number: \"+420777000000\" }\n  gsm1: { port: \"sim://gsm1\", number: \"+420777000001\" }\n",
    );
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    eventually("the row any modem may send is sent by gsm0", || {
        let row = store.outbound(free).unwrap().unwrap();
        (row.state == plutanium_store::OutboxState::Sent).then_some(row)
    })
    .await;
    // Longer than a claim-and-postpone round used to take.
    tokio::time::sleep(Duration::from_secs(3)).await;
    for id in &parked {
        let row = store.outbound(*id).unwrap().unwrap();
        assert_eq!(
            (
                row.state,
                row.attempts,
                row.last_error.as_deref(),
                row.updated_at
            ),
            (
                plutanium_store::OutboxState::Queued,
                0,
                None,
                row.created_at
            ),
            "out-{id}, for gsm1 only, was left alone while gsm1 was down"
        );
    }
    sim.inject("gsm1", plutanium_modem_sim::Fault::Replug)
        .unwrap();
    // Sends of 20 ms: gsm1 is full at times while gsm0 idles, so a claim
    // for both takes rows only gsm1 may send and puts some back, which
    // must keep them in their order (checked below).
    sim.inject(
        "gsm1",
        plutanium_modem_sim::Fault::SlowSmsc {
            extra: Duration::from_millis(20),
        },
    )
    .unwrap();
    let sent = eventually("all forty sent once gsm1 is back", || {
        let rows: Vec<_> = parked
            .iter()
            .map(|id| store.outbound(*id).unwrap().unwrap())
            .collect();
        rows.iter()
            .all(|r| r.state == plutanium_store::OutboxState::Sent)
            .then_some(rows)
    })
    .await;
    assert!(sent.iter().all(|r| r.sent_by.as_deref() == Some("gsm1")));
    let inbox = sim.phone_inbox("+420601234567");
    let order: Vec<&str> = inbox
        .iter()
        .map(|m| m.text.as_str())
        .filter(|t| *t != "message 99")
        .collect();
    let expected: Vec<String> = (0..40).map(|n| format!("message {n}")).collect();
    assert_eq!(order, expected, "in their order");
    gateway.stop().await;
}

/// A message from the source `test`, with default options.
fn outbound(key: &str, to: &str, text: &str) -> NewOutbound {
    NewOutbound {
        key: key.into(),
        source: "test".into(),
        to: to.into(),
        text: text.into(),
        options: plutanium_core::SendOptions::default(),
        allowed_modems: Vec::new(),
    }
}
