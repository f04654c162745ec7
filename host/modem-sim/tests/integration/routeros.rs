//! The RouterOS REST transport (`routeros+http://`) against the fake router
//! in front of a simulated modem, over real HTTP on loopback: sending what
//! RouterOS delivers whole and refusing the rest, an inbox of 50 at start,
//! wrong credentials, a reboot in the middle, and a crash between storing
//! and removing.

use std::collections::BTreeSet;
use std::time::Duration;

use plutanium_modem::{
    DriverConfig, ModemEvent, ModemHandle, ModemState, Password, SendError, SendOptions,
};
use plutanium_modem_sim::{FakeRouterOs, Latency, ModemConfig, RouterOsOptions, Simulator};
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

use crate::driver::{next_sms, text};

const WAIT: Duration = Duration::from_secs(20);
const MODEM: &str = "+420777000001";
const PHONE: &str = "+420601000002";

async fn router(sim: &Simulator) -> FakeRouterOs {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    sim.serve_routeros(
        "lte",
        listener,
        RouterOsOptions {
            interface: "lte1".into(),
            user: "api".into(),
            password: "s3cret".into(),
        },
    )
    .await
    .unwrap()
}

fn sim() -> Simulator {
    let sim = Simulator::start(7, Latency::Zero);
    let mut modem = ModemConfig::new("lte", MODEM);
    modem.storage_capacity = 80;
    sim.add_modem(modem).unwrap();
    sim
}

fn driver(router: &FakeRouterOs, password: &str) -> (ModemHandle, Receiver<ModemEvent>) {
    let url = format!("routeros+http://api@{}/lte1", router.address());
    let mut config = DriverConfig::new("lte", url.parse().unwrap());
    config.password = Some(Password(password.into()));
    config.inbox_poll = Duration::from_millis(100);
    config.reconnect_initial = Duration::from_millis(100);
    config.reconnect_max = Duration::from_millis(400);
    plutanium_modem::spawn(config, None)
}

/// Waits until `done`, or fails the test after [`WAIT`].
pub(crate) async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let end = tokio::time::Instant::now() + WAIT;
    while !done() {
        assert!(
            tokio::time::Instant::now() < end,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn sends_what_routeros_delivers_whole_and_refuses_the_rest_unsent() {
    let sim = sim();
    let router = router(&sim).await;
    let (handle, _events) = driver(&router, "s3cret");
    timeout(WAIT, handle.ready()).await.unwrap().unwrap();

    // Signal, operator and registration come from /interface/lte/monitor.
    let info = handle.info().await.expect("info");
    assert_eq!(info.operator.as_deref(), Some("Plutanium Sim"));
    assert_eq!(info.signal_dbm, Some(-69));
    assert_eq!(
        (info.rsrp_dbm, info.rsrq_db, info.sinr_db),
        (Some(-98), Some(-10.0), Some(12.0))
    );
    assert_eq!(info.network, Some(plutanium_modem::NetworkType::Lte));
    assert_eq!(info.sim, Some(plutanium_modem::SimState::Ready));
    assert_eq!(info.manufacturer.as_deref(), Some("MikroTik RouterOS"));
    // USSD is not in RouterOS's REST API: said, with where to get it.
    let refused = handle.ussd("*100#").await.unwrap_err();
    assert!(refused.contains("rfc2217://"), "{refused}");
    assert!(info.registration.is_some());

    let sent = handle
        .send_text(PHONE, "Meet at 10 [room B]", &SendOptions::default())
        .await
        .expect("sent");
    assert_eq!(sent.message_refs, [None], "RouterOS gives no reference");
    until("the phone to get it", || sim.phone_inbox(PHONE).len() == 1).await;
    assert_eq!(sim.phone_inbox(PHONE)[0].text, "Meet at 10 [room B]");

    for (text, says) in [
        ("Schůzka v 10", "silently drops characters outside ASCII"),
        (&"x".repeat(161)[..], "single-part SMS only"),
    ] {
        let err = handle
            .send_text(PHONE, text, &SendOptions::default())
            .await
            .expect_err("refused");
        assert!(matches!(err, SendError::Unsupported(_)), "{err:?}");
        assert!(!err.is_transient(), "retrying will not help: {err}");
        assert!(err.to_string().contains(says), "{err}");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(router.sent(), 1, "nothing refused reached the router");
    assert_eq!(sim.phone_inbox(PHONE).len(), 1);
    handle.stop().await;
}

#[tokio::test]
async fn an_inbox_of_fifty_at_start_is_handed_out_once_and_removed_on_ack() {
    let sim = sim();
    for i in 0..50 {
        sim.phone_send(PHONE, MODEM, &format!("message {i:02}"))
            .unwrap();
    }
    let router = router(&sim).await;
    until("the router to hold 50", || router.inbox_len() == 50).await;
    let (handle, mut events) = driver(&router, "s3cret");
    let mut texts = BTreeSet::new();
    for _ in 0..50 {
        let sms = next_sms(&mut events).await;
        assert_eq!(sms.sender, PHONE);
        assert!(
            texts.insert(text(&sms.payload).to_string()),
            "handed out twice: {}",
            text(&sms.payload)
        );
        sms.ack.ack();
    }
    let expected: BTreeSet<String> = (0..50).map(|i| format!("message {i:02}")).collect();
    assert_eq!(texts, expected);
    until("every message removed", || router.removed() == 50).await;
    assert_eq!(router.inbox_len(), 0);
    // Nothing more comes: no message is handed out again.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(events.try_recv().is_err(), "nothing after the 50");
    handle.stop().await;
}

#[tokio::test]
async fn a_wrong_password_stops_the_driver_with_what_to_fix() {
    let sim = sim();
    let router = router(&sim).await;
    let (handle, _events) = driver(&router, "wrong");
    let state = timeout(WAIT, handle.ready())
        .await
        .unwrap()
        .expect_err("not ready");
    let ModemState::Failed(reason) = state else {
        panic!("failed, not {state:?}")
    };
    assert!(
        reason.contains("401") && reason.contains("password_file"),
        "{reason}"
    );
    assert!(
        !reason.contains("wrong"),
        "the password stays out: {reason}"
    );
    let err = handle
        .send_text(PHONE, "hi", &SendOptions::default())
        .await
        .expect_err("not ready");
    assert!(matches!(err, SendError::NotReady(_)), "{err:?}");
    handle.stop().await;
}

#[tokio::test]
async fn a_router_that_reboots_loses_and_doubles_nothing() {
    let sim = sim();
    let router = router(&sim).await;
    let (handle, mut events) = driver(&router, "s3cret");
    timeout(WAIT, handle.ready()).await.unwrap().unwrap();
    for i in 0..6 {
        sim.phone_send(PHONE, MODEM, &format!("before {i}"))
            .unwrap();
    }
    // Half are stored and acknowledged before the reboot, half are held
    // over it (their removal has to find them under their new ids).
    let mut held = Vec::new();
    let mut texts = BTreeSet::new();
    for i in 0..6 {
        let sms = next_sms(&mut events).await;
        assert!(texts.insert(text(&sms.payload).to_string()));
        if i % 2 == 0 {
            sms.ack.ack();
        } else {
            held.push(sms);
        }
    }
    until("three removed", || router.removed() == 3).await;
    router.reboot(Duration::from_millis(600)).await.unwrap();
    let mut state = handle.state();
    timeout(WAIT, async {
        while !matches!(*state.borrow_and_update(), ModemState::Reconnecting { .. }) {
            state.changed().await.unwrap();
        }
    })
    .await
    .expect("the driver noticed the reboot");
    for i in 0..2 {
        sim.phone_send(PHONE, MODEM, &format!("after {i}")).unwrap();
    }
    timeout(WAIT, handle.ready()).await.unwrap().unwrap();
    for sms in held.drain(..) {
        sms.ack.ack();
    }
    for _ in 0..2 {
        let sms = next_sms(&mut events).await;
        assert!(
            texts.insert(text(&sms.payload).to_string()),
            "handed out twice: {}",
            text(&sms.payload)
        );
        sms.ack.ack();
    }
    until("every message removed", || router.inbox_len() == 0).await;
    assert_eq!(texts.len(), 8);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(events.try_recv().is_err(), "nothing handed out again");
    handle.stop().await;
}

#[tokio::test]
async fn a_crash_before_the_removal_hands_the_message_out_again_recognisably() {
    let sim = sim();
    let router = router(&sim).await;
    sim.phone_send(PHONE, MODEM, "stored, then the crash")
        .unwrap();
    until("the router to hold it", || router.inbox_len() == 1).await;
    let (first, mut events) = driver(&router, "s3cret");
    let sms = next_sms(&mut events).await;
    let fingerprint = sms.fingerprint;
    // The gateway stored it and died before acknowledging: no removal.
    drop(events);
    std::mem::forget(sms.ack);
    first.stop().await;
    assert_eq!(router.inbox_len(), 1, "still on the router");
    let (second, mut events) = driver(&router, "s3cret");
    let again = next_sms(&mut events).await;
    assert_eq!(
        again.fingerprint, fingerprint,
        "the store sees the same message"
    );
    again.ack.ack();
    until("removed", || router.inbox_len() == 0).await;
    second.stop().await;
}

#[tokio::test]
async fn https_trusts_the_routers_certificate_only_when_named() {
    let sim = sim();
    let router = router(&sim).await;
    let ca = plutanium_tls::testing::PrivateCa::new().unwrap();
    let (port, _tls) = ca.front(router.address()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("plutanium-routeros-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pem = dir.join("router.pem");
    std::fs::write(&pem, &ca.ca_pem).unwrap();
    let start = |ca_files: Vec<std::path::PathBuf>| {
        let url = format!("routeros+https://api@localhost:{port}/lte1");
        let mut config = DriverConfig::new("lte", url.parse().unwrap());
        config.password = Some(Password("s3cret".into()));
        config.ca_files = ca_files;
        plutanium_modem::spawn(config, None)
    };

    let (untrusted, _events) = start(Vec::new());
    let state = timeout(WAIT, untrusted.ready())
        .await
        .unwrap()
        .expect_err("not trusted");
    let ModemState::Failed(reason) = state else {
        panic!("failed, not {state:?}")
    };
    assert!(
        reason.contains("does not trust") && reason.contains("ca_file"),
        "{reason}"
    );
    untrusted.stop().await;

    let (trusted, _events) = start(vec![pem]);
    timeout(WAIT, trusted.ready()).await.unwrap().unwrap();
    trusted
        .send_text(PHONE, "over TLS", &SendOptions::default())
        .await
        .expect("sent");
    until("the phone to get it", || sim.phone_inbox(PHONE).len() == 1).await;
    trusted.stop().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
