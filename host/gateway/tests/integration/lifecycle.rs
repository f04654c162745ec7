//! Start, reload and stop: what runs, what is kept, what is given back, and
//! what a config that cannot start leaves alone.

use std::sync::Arc;
use std::time::Duration;

use plutanium_catalog::Catalog;
use plutanium_gateway::{Gateway, Setup};
use plutanium_modem::InProcessPorts;
use plutanium_modem_sim::ModemConfig;
use plutanium_store::{InboundRecord, NewOutbound, SendOutcome, SqliteStore, Store};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_and_retention_run_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
    let long_ago = plutanium_core::time::now() - 200 * 86_400_000;
    let old = |key: &str| NewOutbound {
        key: key.into(),
        source: "test".into(),
        to: "+420777000111".into(),
        text: "old".into(),
        options: plutanium_core::SendOptions::default(),
        allowed_modems: Vec::new(),
    };
    // Waiting unsent for 200 days, and finished 200 days ago.
    let waiting = store.enqueue(&old("waiting"), long_ago).unwrap().id();
    let finished = store.enqueue(&old("finished"), long_ago).unwrap().id();
    let claimed = store.claim(long_ago, 10, Duration::from_secs(120)).unwrap();
    let attempt = claimed.iter().find(|r| r.id == finished).unwrap().attempts;
    store
        .complete(
            finished,
            attempt,
            &SendOutcome::Failed {
                error: "x".into(),
                modem: None,
            },
            long_ago,
        )
        .unwrap();
    store.release(waiting, 1, long_ago).unwrap();
    // No modems at all: only housekeeping has work.
    let config = config("retention: 90d\n");
    let gateway = start_on(config, &store, dir.path(), None).await;
    let expired = eventually("the waiting row to expire", || {
        store
            .outbound(waiting)
            .unwrap()
            .filter(|r| r.state == plutanium_store::OutboxState::Expired)
    })
    .await;
    assert_eq!(
        expired.last_error.as_deref(),
        Some("validity ran out before it was sent")
    );
    eventually("the finished row to be pruned after the retention", || {
        store.outbound(finished).unwrap().is_none().then_some(())
    })
    .await;
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_stored_before_a_stop_are_routed_at_start() {
    let (sim, dir, store) = fixture(9);
    // Committed (and so deleted from the modem), then the daemon stopped
    // before its routes ran.
    let record = InboundRecord {
        fingerprint: "gsm0:earlier".into(),
        modem: "gsm0".into(),
        sender: "+420601234567".into(),
        recipient: "+420777000000".into(),
        text: "hello".into(),
        received_at: plutanium_core::time::now(),
        meta: Vec::new(),
    };
    store
        .insert_inbound(&record, None, plutanium_core::time::now())
        .unwrap();
    let processor = test_source().with_file_name("plutanium_test_processor.wasm");
    let config_text = format!(
        r#"
modems:
  gsm0: {{ port: "sim://gsm0" }}
connectors:
  echo: {{ component: {} }}
routes:
  - {{ from: gsm0, through: [echo], to: gsm0 }}
"#,
        processor.display()
    );
    let config = config(&config_text);
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    let reply = eventually("the reply to the stored message", || {
        sim.phone_inbox("+420601234567").into_iter().next()
    })
    .await;
    assert_eq!(reply.text, "echo: hello");
    eventually("the message marked routed", || {
        store.unrouted_inbound(10).unwrap().is_empty().then_some(())
    })
    .await;
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_route_sends_only_through_its_modems_and_a_reload_keeps_unchanged_ones() {
    let sim = network(13);
    sim.add_modem(ModemConfig::new("gsm1", "+420777000001"))
        .unwrap();
    sim.add_modem(ModemConfig::new("gsm2", "+420777000002"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
    let modems = r#"  gsm1: { port: "sim://gsm1", number: "+420777000001", rate_per_minute: 10000 }
  gsm2: { port: "sim://gsm2", number: "+420777000002", rate_per_minute: 10000 }"#;
    let route = "{ from: gsm0, through: [echo], to: [gsm1, gsm2] }";
    let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
    let mut gateway = start_on(
        echo_config(modems, route),
        &store,
        dir.path(),
        Some(ports.clone()),
    )
    .await;
    for n in 0..6 {
        sim.phone_send("+420601234567", "+420777000000", &format!("m{n}"))
            .unwrap();
    }
    let replies = eventually("six answers", || {
        let inbox = sim.phone_inbox("+420601234567");
        (inbox.len() == 6).then_some(inbox)
    })
    .await;
    let senders: std::collections::BTreeSet<_> = replies.iter().map(|m| m.from.clone()).collect();
    assert_eq!(
        senders.into_iter().collect::<Vec<_>>(),
        ["+420777000001", "+420777000002"],
        "round-robin over the route's modems, never gsm0"
    );

    // Reload with gsm0 unchanged and gsm2 gone: gsm0's driver keeps running.
    let mut gsm0_state = gateway.handle().modem("gsm0").unwrap().state();
    gsm0_state.mark_unchanged();
    let reloaded = echo_config(
        r#"  gsm1: { port: "sim://gsm1", number: "+420777000001", rate_per_minute: 10000 }"#,
        "{ from: gsm0, through: [echo], to: gsm1 }",
    );
    let echo = gateway.handle().connectors()["echo"].1.clone();
    assert_eq!(echo.get().calls, 6);
    gateway.reload(reloaded).await.unwrap();
    let names: Vec<_> = gateway
        .handle()
        .modems()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names, ["gsm0", "gsm1"]);
    sim.phone_send("+420601234567", "+420777000000", "after")
        .unwrap();
    let answer = eventually("the answer after the reload", || {
        sim.phone_inbox("+420601234567")
            .into_iter()
            .find(|m| m.text == "echo: after")
    })
    .await;
    assert_eq!(answer.from, "+420777000001");
    // The echo connector did not change: its running instance was kept,
    // statistics and all (a fresh one would have counted 1 call).
    assert_eq!(gateway.handle().connectors()["echo"].1.get().calls, 7);
    assert!(
        !gsm0_state.has_changed().unwrap_or(true),
        "gsm0 was not re-initialized: {:?}",
        *gsm0_state.borrow()
    );
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_gives_back_what_was_not_sent_and_fails_nothing() {
    let (sim, dir, store) = fixture(14);
    let gateway = start_on_sim(
        echo_config("", "{ from: gsm0, through: [echo], to: gsm0 }"),
        &store,
        &dir,
        &sim,
    )
    .await;
    let rows: Vec<_> = (0..200)
        .map(|n| NewOutbound {
            key: format!("bulk:{n}"),
            source: "test".into(),
            to: "+420777000111".into(),
            text: format!("bulk {n}"),
            options: plutanium_core::SendOptions::default(),
            allowed_modems: Vec::new(),
        })
        .collect();
    store
        .enqueue_batch(&rows, plutanium_core::time::now())
        .unwrap();
    eventually("sending under way", || {
        (!sim.phone_inbox("+420777000111").is_empty()).then_some(())
    })
    .await;
    gateway.stop().await;
    let stats = store.stats().unwrap();
    assert_eq!((stats.failed, stats.sending), (0, 0), "{stats:?}");
    let arrived = sim.phone_inbox("+420777000111").len() as u64;
    assert_eq!(stats.sent + stats.delivered, arrived, "{stats:?}");
    assert_eq!(stats.queued, 200 - arrived, "{stats:?}");
    // What was given back did not count as an attempt.
    for row in store.recent_outbound(200).unwrap() {
        if row.state == plutanium_store::OutboxState::Queued {
            assert_eq!(row.attempts, 0, "{row:?}");
        }
    }
}

#[tokio::test]
async fn routes_that_misuse_a_connectors_world_do_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let config = echo_config("", "{ from: echo, through: [echo], to: [gsm0, echo] }");
    let text = refused(config, &store, dir.path()).await;
    assert!(
        text.contains("route 1: `from: echo` must be a modem or a source, and echo is a processor"),
        "{text}"
    );
    assert!(
        text.contains("route 1: `to: echo` must be a modem or a sink, and echo is a processor"),
        "{text}"
    );
    assert!(
        !text.contains("through: echo"),
        "echo is a processor: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_a_directly_delivered_message_survives_a_restart() {
    let (sim, dir, store) = fixture(15);
    let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
    let start = || {
        let setup = Setup::new(store.clone(), Catalog::new(dir.path()))
            .in_process(ports.clone())
            .tweak_driver(|driver| driver.direct_delivery = true);
        Gateway::start(
            echo_config("", "{ from: gsm0, through: [echo], to: gsm0 }"),
            setup,
        )
    };
    let long = "Dlouhá zpráva ve třech částech. ".repeat(6);
    let gateway = start().await.unwrap();
    let state = gateway.handle().modem("gsm0").unwrap().state();
    eventually("gsm0 ready (direct delivery set up)", || {
        (*state.borrow() == plutanium_modem::ModemState::Ready).then_some(())
    })
    .await;
    // The network delivers part 1 of 3 (+CMT, acknowledged at once) ...
    let parts = sim
        .phone_send_parts("+420601234567", "+420777000000", &long, 77, &[0])
        .unwrap();
    assert_eq!(parts, 3);
    eventually("the part kept in the store", || {
        (store.stats().unwrap().inbox_parts == 1).then_some(())
    })
    .await;
    // ... then the gateway stops, and starts again.
    gateway.stop().await;
    let gateway = start().await.unwrap();
    sim.phone_send_parts("+420601234567", "+420777000000", &long, 77, &[1, 2])
        .unwrap();
    let reply = eventually("the answer to the whole message", || {
        sim.phone_inbox("+420601234567").into_iter().next()
    })
    .await;
    assert_eq!(reply.text, format!("echo: {long}"));
    let (_, stored) = store.recent_inbound(10).unwrap().remove(0);
    assert_eq!(stored.text, long);
    assert_eq!(
        store.stats().unwrap().inbox_parts,
        0,
        "the parts went with it"
    );
    gateway.stop().await;
}

/// A reload that compiles components does it off the async workers: on a
/// runtime with one worker, a task beside the gateway keeps its pace while
/// four components compile (before the fix, it stopped for the whole
/// compile).
#[tokio::test(flavor = "current_thread")]
async fn a_reload_compiles_off_the_async_workers() {
    let (sim, dir, store) = fixture(21);
    let mut gateway = start_on_sim(
        config("modems:\n  gsm0: { port: \"sim://gsm0\", number: \"+420777000000\" }\n"),
        &store,
        &dir,
        &sim,
    )
    .await;
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    // The first tick is now: a ticker that cannot start until the reload
    // is done shows that as one long gap.
    let first = tokio::time::Instant::now();
    let ticker = tokio::spawn(async move {
        let mut ticks = vec![first];
        while !*stopped.borrow() {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(5)) => ticks.push(tokio::time::Instant::now()),
                _ = stopped.changed() => {}
            }
        }
        // When it saw the stop: a ticker held up until then shows that too.
        ticks.push(tokio::time::Instant::now());
        ticks
    });
    // The ticker is waiting on its timer before the reload begins.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let with_connectors = config(
        r#"
modems:
  gsm0: { port: "sim://gsm0", number: "+420777000000" }
connectors:
  k1: { component: keyword }
  k2: { component: keyword, config: { prefix: "2" } }
  k3: { component: keyword, config: { prefix: "3" } }
  k4: { component: keyword, config: { prefix: "4" } }
"#,
    );
    let started = tokio::time::Instant::now();
    gateway.reload(with_connectors).await.unwrap();
    let took = started.elapsed();
    stop.send(true).unwrap();
    let ticks = ticker.await.unwrap();
    let longest = ticks
        .windows(2)
        .map(|w| w[1] - w[0])
        .max()
        .unwrap_or_default();
    assert_eq!(gateway.handle().connectors().len(), 4);
    assert!(
        longest < Duration::from_millis(300),
        "a task beside the gateway waited {longest:?} while the reload took {took:?}"
    );
    gateway.stop().await;
}
