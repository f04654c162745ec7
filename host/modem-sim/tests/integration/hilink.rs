//! The HiLink transport (`hilink://`) against the fake HiLink stick in front
//! of a simulated modem, over real HTTP on loopback: unicode and long texts
//! (the device encodes and splits), a paged inbox with a multipart message
//! still merging, the login and its failures, a session that expires, a
//! stick that is unplugged, and a crash before the delete.

use std::collections::BTreeSet;
use std::time::Duration;

use plutanium_modem::{DriverConfig, ModemEvent, ModemHandle, ModemState, Password, SendOptions};
use plutanium_modem_sim::{FakeHilink, HilinkOptions, Latency, ModemConfig, Simulator};
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

use crate::driver::{next_sms, text};
use crate::routeros::until;

const WAIT: Duration = Duration::from_secs(20);
const MODEM: &str = "+420777000001";
const PHONE: &str = "+420601000002";

fn sim() -> Simulator {
    let sim = Simulator::start(11, Latency::Zero);
    let mut modem = ModemConfig::new("stick", MODEM);
    modem.storage_capacity = 80;
    sim.add_modem(modem).unwrap();
    sim
}

async fn stick(sim: &Simulator, password: Option<&str>) -> FakeHilink {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    sim.serve_hilink(
        "stick",
        listener,
        HilinkOptions {
            password: password.map(str::to_string),
        },
    )
    .await
    .unwrap()
}

fn driver(stick: &FakeHilink, password: Option<&str>) -> (ModemHandle, Receiver<ModemEvent>) {
    let url = format!("hilink://{}", stick.address());
    let mut config = DriverConfig::new("stick", url.parse().unwrap());
    config.password = password.map(|p| Password(p.into()));
    config.inbox_poll = Duration::from_millis(100);
    config.merge_grace = Duration::from_millis(400);
    config.reconnect_initial = Duration::from_millis(100);
    config.reconnect_max = Duration::from_millis(400);
    plutanium_modem::spawn(config, None)
}

#[tokio::test]
async fn sends_unicode_and_long_texts_whole_and_reads_the_radio() {
    let sim = sim();
    let stick = stick(&sim, None).await;
    let (handle, _events) = driver(&stick, None);
    timeout(WAIT, handle.ready()).await.unwrap().unwrap();
    let info = handle.info().await.unwrap();
    assert_eq!(info.operator.as_deref(), Some("Plutanium Sim"));
    assert_eq!(info.signal_dbm, Some(-71));
    assert_eq!(
        (info.rsrp_dbm, info.rsrq_db, info.sinr_db),
        (Some(-105), Some(-14.0), Some(-7.0))
    );
    assert_eq!(info.network, Some(plutanium_modem::NetworkType::Lte));
    assert_eq!(info.sim, Some(plutanium_modem::SimState::Ready));
    assert_eq!(info.manufacturer.as_deref(), Some("Huawei HiLink"));

    let long = "Dlouhá zpráva s emoji 👋 přes HiLink. ".repeat(6);
    for text in ["Schůzka v 10 😀", long.as_str()] {
        handle
            .send_text(PHONE, text, &SendOptions::default())
            .await
            .expect("sent");
    }
    until("both on the phone", || sim.phone_inbox(PHONE).len() == 2).await;
    let got: Vec<String> = sim.phone_inbox(PHONE).into_iter().map(|m| m.text).collect();
    assert_eq!(got, ["Schůzka v 10 😀", long.as_str()]);
    assert_eq!(stick.sent(), 2);
    handle.stop().await;
}

#[tokio::test]
async fn a_paged_inbox_and_a_merging_multipart_sms_are_handed_out_once() {
    let sim = sim();
    for i in 0..44 {
        sim.phone_send(PHONE, MODEM, &format!("message {i:02}"))
            .unwrap();
    }
    let long = "Part of a long message that the stick reassembles itself. ".repeat(4);
    assert!(
        sim.phone_send(PHONE, MODEM, &long).unwrap() > 1,
        "multipart"
    );
    let stick = stick(&sim, None).await;
    until("the stick to hold 45", || stick.inbox_len() == 45).await;
    // A delivery report the stick keeps as a message: never handed out,
    // and deleted so that reports do not fill the stick's storage.
    stick.file_delivery_report(PHONE);
    let (handle, mut events) = driver(&stick, None);
    let mut texts = BTreeSet::new();
    for _ in 0..45 {
        let sms = next_sms(&mut events).await;
        assert!(
            texts.insert(text(&sms.payload).to_string()),
            "handed out twice: {}",
            text(&sms.payload)
        );
        sms.ack.ack();
    }
    assert!(texts.contains(&long), "the multipart message came whole");
    assert!(texts.contains("message 00") && texts.contains("message 43"));
    until("every message and the report deleted", || {
        stick.deleted() == 46
    })
    .await;
    assert_eq!(stick.inbox_len(), 0);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(events.try_recv().is_err(), "nothing after the 45");
    handle.stop().await;
}

#[tokio::test]
async fn the_login_works_and_its_failures_say_what_to_fix() {
    let sim = sim();
    let stick = stick(&sim, Some("s3cret")).await;
    for (password, says) in [
        (None, "password_file"),
        (Some("wrong"), "wrong user name or password"),
    ] {
        let (handle, _events) = driver(&stick, password);
        let state = timeout(WAIT, handle.ready())
            .await
            .unwrap()
            .expect_err("refused");
        let ModemState::Failed(reason) = state else {
            panic!("failed, not {state:?}")
        };
        assert!(reason.contains(says), "{reason}");
        assert!(
            !reason.contains("wrong\""),
            "the password stays out: {reason}"
        );
        handle.stop().await;
    }
    let (handle, mut events) = driver(&stick, Some("s3cret"));
    timeout(WAIT, handle.ready()).await.unwrap().unwrap();
    sim.phone_send(PHONE, MODEM, "after the login").unwrap();
    let sms = next_sms(&mut events).await;
    assert_eq!(text(&sms.payload), "after the login");
    sms.ack.ack();
    until("deleted", || stick.deleted() == 1).await;
    // The stick ends the session; the driver logs in again by itself.
    stick.expire_session();
    handle
        .send_text(PHONE, "after the session expired", &SendOptions::default())
        .await
        .expect("sent after a new login");
    until("on the phone", || {
        sim.phone_inbox(PHONE)
            .iter()
            .any(|m| m.text == "after the session expired")
    })
    .await;
    // USSD through the logged-in session (each call takes a new token):
    // sent, waited for, read.
    let answer = timeout(WAIT, handle.ussd("*100#")).await.unwrap();
    assert_eq!(answer.as_deref(), Ok("Your balance is 12.50 EUR"));
    let answer = timeout(WAIT, handle.ussd("*123#")).await.unwrap();
    assert_eq!(answer.as_deref(), Ok("Unknown service *123#"));
    handle.stop().await;
}

#[tokio::test]
async fn an_unplugged_stick_and_a_crash_before_the_delete_lose_and_double_nothing() {
    let sim = sim();
    let stick = stick(&sim, None).await;
    let (handle, mut events) = driver(&stick, None);
    timeout(WAIT, handle.ready()).await.unwrap().unwrap();
    for i in 0..4 {
        sim.phone_send(PHONE, MODEM, &format!("before {i}"))
            .unwrap();
    }
    let mut held = Vec::new();
    let mut texts = BTreeSet::new();
    for i in 0..4 {
        let sms = next_sms(&mut events).await;
        assert!(texts.insert(text(&sms.payload).to_string()));
        if i % 2 == 0 {
            sms.ack.ack();
        } else {
            held.push(sms);
        }
    }
    until("two deleted", || stick.deleted() == 2).await;
    stick.reboot(Duration::from_millis(600)).await.unwrap();
    timeout(WAIT, handle.ready()).await.unwrap().unwrap();
    for sms in held.drain(..) {
        sms.ack.ack();
    }
    sim.phone_send(PHONE, MODEM, "after").unwrap();
    let sms = next_sms(&mut events).await;
    assert!(
        texts.insert(text(&sms.payload).to_string()),
        "handed out twice: {}",
        text(&sms.payload)
    );
    // The gateway stores it and dies before acknowledging: nothing deleted.
    let fingerprint = sms.fingerprint;
    std::mem::forget(sms.ack);
    drop(events);
    handle.stop().await;
    until("the two held ones deleted", || stick.inbox_len() == 1).await;
    let (again, mut events) = driver(&stick, None);
    let sms = next_sms(&mut events).await;
    assert_eq!(
        sms.fingerprint, fingerprint,
        "the store sees the same message"
    );
    sms.ack.ack();
    until("empty", || stick.inbox_len() == 0).await;
    assert_eq!(texts.len(), 5);
    again.stop().await;
}
