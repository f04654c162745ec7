//! A message's whole path: a call or an SMS in, through a connector, an SMS out.

use std::time::Duration;

use plutanium_store::Store;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_and_messages_take_the_whole_path() {
    let (sim, dir, store) = fixture(7);
    let config = config(CONFIG);
    let gateway = start_on_sim(config, &store, &dir, &sim).await;

    // A missed call: logged, routed through the built-in missed-call
    // connector, committed to the outbox, sent, and received by the owner.
    sim.call("+420601234567", "+420777000000").unwrap();
    let message = eventually("the owner's notification", || {
        sim.phone_inbox("+420777000111").into_iter().next()
    })
    .await;
    assert!(
        message
            .text
            .starts_with("Missed call from +420601234567 at "),
        "{}",
        message.text
    );
    assert_eq!(message.from, "+420777000000");
    assert_eq!(
        store.recent_calls(10).unwrap()[0].caller.as_deref(),
        Some("+420601234567")
    );
    let row = store.recent_outbound(10).unwrap().remove(0);
    assert!(
        row.key
            .starts_with("notify:missed-call:gsm0:+420601234567:"),
        "{}",
        row.key
    );

    // An inbound SMS is committed to the inbox once.
    sim.phone_send("+420601234567", "+420777000000", "Ahoj 👋")
        .unwrap();
    let stored = eventually("the inbound SMS in the store", || {
        store
            .recent_inbound(10)
            .unwrap()
            .into_iter()
            .find(|(_, m)| m.text == "Ahoj 👋")
    })
    .await;
    assert_eq!(stored.1.sender, "+420601234567");
    gateway.stop().await;
    assert_eq!(
        sim.phone_inbox("+420777000111").len(),
        1,
        "one call, one notification"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_that_rings_five_times_is_one_call_and_one_notification() {
    let (sim, dir, store) = fixture(35);
    // Rings 50 ms apart instead of 5 s: the whole call in a blink.
    sim.set_ring_interval(Duration::from_millis(50));
    let gateway = start_on_sim(config(CONFIG), &store, &dir, &sim).await;
    sim.call("+420601234567", "+420777000000").unwrap();
    eventually("the notification", || {
        sim.phone_inbox("+420777000111").into_iter().next()
    })
    .await;
    // Five RINGs and +CLIPs take 250 ms; wait well past them.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(sim.phone_inbox("+420777000111").len(), 1, "one SMS");
    assert_eq!(store.recent_calls(10).unwrap().len(), 1, "one call logged");
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_limits_do_not_slow_a_working_modem() {
    // No rate_per_minute: a modem sends as fast as its SMSC answers. (The
    // old default of 20 a minute sent the 21st message of a burst after
    // three seconds and the 60th after two minutes.) Each phone gets one,
    // so the per-destination limit, which guards against loops, has no say.
    let (sim, dir, store) = fixture(53);
    let config = config("modems:\n  gsm0: { port: \"sim://gsm0\", number: \"+420777000000\" }\n");
    assert_eq!(config.modems[0].rate_per_minute, None);
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    let handle = gateway.handle();
    for n in 0..60 {
        let submission = plutanium_gateway::outbound::Submission {
            to: format!("+42060100{n:04}"),
            text: format!("burst {n}"),
            modem: None,
            encoding: plutanium_core::Encoding::Auto,
            flash: false,
            report: false,
            key: format!("test:{n}"),
            source: "test".into(),
        };
        handle
            .queue(handle.check(submission).unwrap())
            .await
            .unwrap();
    }
    eventually("all 60 on their phones", || {
        (0..60)
            .all(|n| sim.phone_inbox(&format!("+42060100{n:04}")).len() == 1)
            .then_some(())
    })
    .await;
    gateway.stop().await;
}

/// More than 256 messages to one number through one modem with delivery
/// reports: the one-byte references wrap, and on a fast network reports
/// come as fast as the commits, often before them. Each message ends
/// delivered. (The store's
/// `reports_racing_their_commits_to_one_recipient_find_their_own_send`
/// forces the races this run may or may not hit.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_reports_through_one_modem_each_find_their_message() {
    let (sim, dir, store) = fixture(61);
    let now = plutanium_core::time::now();
    // One number: once references wrap, an older message to it has the
    // same reference as a newer one whose report may beat its commit.
    let rows: Vec<plutanium_store::NewOutbound> = (0..300)
        .map(|n| plutanium_store::NewOutbound {
            key: format!("wrap:{n}"),
            source: "test".into(),
            to: "+420601000001".into(),
            text: format!("report me {n}"),
            options: plutanium_core::SendOptions {
                status_report: true,
                ..plutanium_core::SendOptions::default()
            },
            allowed_modems: Vec::new(),
        })
        .collect();
    use plutanium_store::Store;
    store.enqueue_batch(&rows, now).unwrap();
    // A report's time stamps count seconds: at least 5 ms a send keeps 256
    // sends apart by more than one, so the reports of two messages with the
    // same reference are not the same bytes (which the driver takes for a
    // network's repeat of one report). No modem sends 256 SMS a second.
    sim.inject(
        "gsm0",
        plutanium_modem_sim::Fault::SlowSmsc {
            extra: std::time::Duration::from_millis(5),
        },
    )
    .unwrap();
    let config = config("modems:\n  gsm0: { port: \"sim://gsm0\", number: \"+420777000000\" }\n");
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    let stats = eventually("all 300 delivered", || {
        let stats = store.stats().unwrap();
        (stats.delivered + stats.failed == 300).then_some(stats)
    })
    .await;
    assert_eq!((stats.delivered, stats.failed), (300, 0), "{stats:?}");
    let refs: std::collections::HashSet<Option<u8>> = store
        .recent_outbound(300)
        .unwrap()
        .iter()
        .flat_map(|row| row.message_refs.clone())
        .collect();
    assert_eq!(refs.len(), 256, "the references wrapped");
    gateway.stop().await;
}
