//! The modem driver against the simulated network, in-process and over real TCP:
//! init for every profile, PIN flows, send and receive (single, multipart,
//! unicode), status reports, calls, USSD, faults and recovery, many modems.

use std::sync::Arc;
use std::time::Duration;

use plutanium_modem::{
    DriverConfig, InProcessPorts, ModemEvent, ModemHandle, ModemState, PortUrl, SendError,
    SendOptions, Timeouts,
};
use plutanium_modem_sim::{Fault, Latency, ModemConfig, Profile, SMSC, Simulator};
use plutanium_sms::Payload;
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(20);

fn config(name: &str, port: PortUrl) -> DriverConfig {
    let mut c = DriverConfig::new(name, port);
    c.timeouts = Timeouts {
        quick: Duration::from_secs(1),
        sim: Duration::from_secs(2),
        send: Duration::from_secs(5),
        network: Duration::from_secs(3),
        prompt: Duration::from_secs(1),
    };
    c.reconnect_initial = Duration::from_millis(50);
    c.reconnect_max = Duration::from_millis(400);
    c.health_interval = Duration::from_secs(300);
    c.ussd_timeout = Duration::from_secs(3);
    c
}

fn sim_with(profile: Profile, count: usize) -> Simulator {
    let sim = Simulator::start(42, Latency::Zero);
    for i in 0..count {
        let mut m = ModemConfig::new(format!("m{i}"), format!("+42077700{:04}", i));
        m.profile = profile;
        sim.add_modem(m).unwrap();
    }
    sim
}

fn start(
    sim: &Simulator,
    name: &str,
    tweak: impl FnOnce(&mut DriverConfig),
) -> (ModemHandle, Receiver<ModemEvent>) {
    let mut c = config(name, format!("sim://{name}").parse().unwrap());
    tweak(&mut c);
    let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
    plutanium_modem::spawn(c, Some(ports))
}

pub(crate) async fn ready(handle: &ModemHandle) {
    timeout(WAIT, handle.ready())
        .await
        .expect("ready in time")
        .expect("ready, not failed");
}

pub(crate) async fn next_sms(events: &mut Receiver<ModemEvent>) -> plutanium_modem::InboundSms {
    loop {
        match timeout(WAIT, events.recv())
            .await
            .expect("an event in time")
        {
            Some(ModemEvent::Sms(sms)) => return sms,
            Some(_) => {}
            None => panic!("driver stopped"),
        }
    }
}

pub(crate) fn text(payload: &Payload) -> &str {
    payload.text().expect("text")
}

/// Starts a driver for `name` over real loopback TCP instead of in-process.
async fn start_tcp(sim: &Simulator, name: &str) -> (ModemHandle, Receiver<ModemEvent>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = sim.clone();
    let served = name.to_string();
    tokio::spawn(async move { server.serve_tcp(&served, listener).await });
    plutanium_modem::spawn(
        config(name, format!("tcp://{address}").parse().unwrap()),
        None,
    )
}

/// The profiles' whole matrix runs in-process (`profiles.rs`); this is
/// every make over a real loopback TCP connection, send and receive.
#[tokio::test]
async fn every_profile_comes_up_over_real_tcp() {
    for profile in Profile::ALL {
        let sim = sim_with(profile, 1);
        let (handle, mut events) = start_tcp(&sim, "m0").await;
        ready(&handle).await;
        let sent = handle
            .send_text("+420601234567", "über TCP", &SendOptions::default())
            .await
            .unwrap_or_else(|e| panic!("{profile}: {e}"));
        assert_eq!(sent.message_refs.len(), 1, "{profile}");
        if profile != Profile::NOKIA {
            sim.phone_send("+420601234567", "+420777000000", "zurück")
                .unwrap();
            let sms = next_sms(&mut events).await;
            assert_eq!(text(&sms.payload), "zurück", "{profile}");
            sms.ack.ack();
        }
        handle.stop().await;
    }
}

#[tokio::test]
async fn sim_busy_while_reading_loses_nothing() {
    let sim = sim_with(Profile::GENERIC, 1);
    let (handle, mut events) = start(&sim, "m0", |_| {});
    ready(&handle).await;
    // The +CMGR after +CMTI meets a busy SIM: the message stays stored and the
    // next sweep (after the re-init the failures cause, or a reconnect) reads it.
    sim.inject("m0", Fault::SimBusy { count: 1 }).unwrap();
    sim.phone_send("+420111", "+420777000000", "busy SIM")
        .unwrap();
    sim.inject("m0", Fault::Unplug).unwrap();
    sim.inject("m0", Fault::Replug).unwrap();
    let sms = next_sms(&mut events).await;
    assert_eq!(text(&sms.payload), "busy SIM");
    sms.ack.ack();
    assert!(
        timeout(Duration::from_millis(500), next_sms(&mut events))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_dropped_status_report_does_not_stall_sending() {
    let sim = sim_with(Profile::GENERIC, 1);
    let (handle, mut events) = start(&sim, "m0", |_| {});
    ready(&handle).await;
    sim.inject("m0", Fault::DropStatusReport { count: 1 })
        .unwrap();
    let options = SendOptions {
        status_report: true,
        ..SendOptions::default()
    };
    let first = handle
        .send_text("+420999", "lost report", &options)
        .await
        .unwrap();
    let second = handle
        .send_text("+420999", "kept report", &options)
        .await
        .unwrap();
    let report = loop {
        if let ModemEvent::StatusReport(r) = timeout(WAIT, events.recv()).await.unwrap().unwrap() {
            break r;
        }
    };
    // Only the second one comes back; the first stays "sent" for the outbox to expire.
    assert_eq!(Some(report.message_ref), second.message_refs[0]);
    assert_ne!(Some(report.message_ref), first.message_refs[0]);
}

#[tokio::test]
async fn over_real_tcp_to_a_phone() {
    let sim = sim_with(Profile::QUECTEL, 1);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = sim.clone();
    tokio::spawn(async move { server.serve_tcp("m0", listener).await });
    let (handle, _events) = plutanium_modem::spawn(
        config("m0", format!("tcp://{address}").parse().unwrap()),
        None,
    );
    ready(&handle).await;
    handle
        .send_text("+420999000111", "Hello over TCP", &SendOptions::default())
        .await
        .unwrap();
    let inbox = sim.phone_inbox("+420999000111");
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].text, "Hello over TCP");
    let info = handle.info().await.unwrap();
    assert_eq!(info.manufacturer.as_deref(), Some("Quectel"));
    assert_eq!(info.imei.as_deref().map(str::len), Some(15));
    // The health probe at init: +CSQ, +CESQ, +COPS? (operator and network
    // type) and, from unlocking, the SIM.
    assert!(
        info.signal_dbm
            .is_some_and(|dbm| (-113..=-51).contains(&dbm)),
        "{info:?}"
    );
    assert!(
        info.rsrp_dbm.is_some_and(|dbm| (-141..=-44).contains(&dbm)),
        "{info:?}"
    );
    assert!(info.rsrq_db.is_some(), "{info:?}");
    assert_eq!(info.sinr_db, None, "AT has no standard SINR");
    assert_eq!(info.operator.as_deref(), Some("Plutanium Sim"));
    assert_eq!(info.network, Some(plutanium_modem::NetworkType::Lte));
    assert_eq!(info.sim, Some(plutanium_modem::SimState::Ready));
    handle.stop().await;
}

#[tokio::test]
async fn pin_flows() {
    let sim = Simulator::start(1, Latency::Zero);
    for (i, name) in ["good", "wrong", "none"].into_iter().enumerate() {
        let mut m = ModemConfig::new(name, format!("+42077701000{i}"));
        m.pin = Some("1234".into());
        sim.add_modem(m).unwrap();
    }
    let (good, _e1) = start(&sim, "good", |c| c.pin = Some("1234".into()));
    ready(&good).await;
    let (wrong, _e2) = start(&sim, "wrong", |c| c.pin = Some("9999".into()));
    let state = timeout(WAIT, wrong.ready()).await.unwrap().unwrap_err();
    let ModemState::Failed(reason) = state else {
        panic!("{state:?}")
    };
    assert!(reason.contains("rejected the configured PIN"), "{reason}");
    // Never retried: the SIM still has two tries left, so the right PIN works.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(matches!(*wrong.state().borrow(), ModemState::Failed(_)));
    let (none, _e3) = start(&sim, "none", |_| {});
    let state = timeout(WAIT, none.ready()).await.unwrap().unwrap_err();
    assert!(matches!(state, ModemState::Failed(r) if r.contains("none is configured")));
    // What the SIM wants is in its health, for the web admin and metrics.
    let sim_state = none.info().await.expect("info").sim;
    assert_eq!(sim_state, Some(plutanium_modem::SimState::PinRequired));
    // A failed modem answers sends at once, as not ready.
    let err = wrong
        .send_text("+420111", "x", &SendOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, SendError::NotReady(_)), "{err:?}");
}

#[tokio::test]
async fn status_reports_calls_and_ussd() {
    let sim = sim_with(Profile::GENERIC, 1);
    let (handle, mut events) = start(&sim, "m0", |c| c.hang_up_calls = true);
    ready(&handle).await;
    let options = SendOptions {
        status_report: true,
        ..SendOptions::default()
    };
    let sent = handle
        .send_text("+420999000222", "report me", &options)
        .await
        .unwrap();
    let report = loop {
        if let ModemEvent::StatusReport(r) = timeout(WAIT, events.recv()).await.unwrap().unwrap() {
            break r;
        }
    };
    assert_eq!(Some(report.message_ref), sent.message_refs[0]);
    assert_eq!(report.recipient, "+420999000222");
    assert_eq!(
        report.status.category(),
        plutanium_sms::StatusCategory::Delivered
    );
    report.ack.ack();

    sim.call("+420123456789", "+420777000000").unwrap();
    let call = loop {
        if let ModemEvent::Call(c) = timeout(WAIT, events.recv()).await.unwrap().unwrap() {
            break c;
        }
    };
    assert_eq!(call.caller.as_deref(), Some("+420123456789"));
    // Hung up: no second report of the same call.
    let again = timeout(Duration::from_secs(6), async {
        loop {
            if let Some(ModemEvent::Call(c)) = events.recv().await {
                return c;
            }
        }
    })
    .await;
    assert!(again.is_err(), "the call was hung up");

    let answer = handle.ussd("*100#").await.unwrap();
    assert_eq!(answer, "Your balance is 12.50 EUR");
    assert!(handle.ussd("*100#\";ATD").await.is_err());
}

#[tokio::test]
async fn send_errors_are_typed_transient_or_permanent() {
    let sim = sim_with(Profile::GENERIC, 1);
    let (handle, _events) = start(&sim, "m0", |_| {});
    ready(&handle).await;
    sim.inject(
        "m0",
        Fault::SendError {
            code: 500,
            count: 1,
        },
    )
    .unwrap();
    let err = handle
        .send_text("+420999", "one", &SendOptions::default())
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(matches!(err, SendError::Refused { part: 1, .. }));
    sim.inject(
        "m0",
        Fault::SendError {
            code: 330,
            count: 1,
        },
    )
    .unwrap();
    let err = handle
        .send_text("+420999", "two", &SendOptions::default())
        .await
        .unwrap_err();
    assert!(!err.is_transient(), "SMSC unknown is permanent: {err:?}");
    // The next send works.
    handle
        .send_text("+420999", "three", &SendOptions::default())
        .await
        .unwrap();
    // A multipart send that fails half way says which parts went out.
    let long = "x".repeat(400);
    sim.inject("m0", Fault::SendError { code: 38, count: 1 })
        .unwrap();
    let err = handle
        .send_text("+420999", &long, &SendOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, SendError::Refused { part: 1, ref sent, .. } if sent.is_empty()));
    let too_long = SendOptions {
        max_parts: Some(2),
        ..SendOptions::default()
    };
    assert!(matches!(
        handle.send_text("+420999", &long, &too_long).await,
        Err(SendError::TooManyParts { parts: 3, max: 2 })
    ));
}

#[tokio::test]
async fn hang_garbage_and_sim_busy_recover_by_themselves() {
    let sim = sim_with(Profile::HUAWEI, 1);
    let (handle, _events) = start(&sim, "m0", |_| {});
    ready(&handle).await;
    sim.inject(
        "m0",
        Fault::Hang {
            duration: Some(Duration::from_secs(2)),
        },
    )
    .unwrap();
    let err = handle
        .send_text("+420999", "during hang", &SendOptions::default())
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    // After the hang the driver re-initialises and sends again.
    let mut sent = false;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if handle
            .send_text("+420999", "after hang", &SendOptions::default())
            .await
            .is_ok()
        {
            sent = true;
            break;
        }
    }
    assert!(sent, "the driver recovered from a hang");
    sim.inject("m0", Fault::Garbage { bytes: 300 }).unwrap();
    handle
        .send_text("+420999", "after garbage", &SendOptions::default())
        .await
        .unwrap();
    let texts: Vec<String> = sim
        .phone_inbox("+420999")
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert!(texts.contains(&"after hang".to_string()));
    assert!(texts.contains(&"after garbage".to_string()));
}

#[tokio::test]
async fn unplug_replug_reads_what_arrived_meanwhile() {
    let sim = sim_with(Profile::GENERIC, 1);
    let (handle, mut events) = start(&sim, "m0", |_| {});
    ready(&handle).await;
    sim.inject("m0", Fault::Unplug).unwrap();
    // The driver notices the EOF and keeps trying.
    timeout(WAIT, async {
        let mut state = handle.state();
        loop {
            if matches!(*state.borrow_and_update(), ModemState::Reconnecting { .. }) {
                return;
            }
            state.changed().await.unwrap();
        }
    })
    .await
    .expect("reconnecting");
    for i in 0..3 {
        sim.phone_send("+420111222333", "+420777000000", &format!("away {i}"))
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    sim.inject("m0", Fault::Replug).unwrap();
    let mut texts = Vec::new();
    for _ in 0..3 {
        let sms = next_sms(&mut events).await;
        texts.push(text(&sms.payload).to_string());
        sms.ack.ack();
    }
    texts.sort();
    assert_eq!(texts, vec!["away 0", "away 1", "away 2"]);
    // Nothing more: no duplicates.
    assert!(
        timeout(Duration::from_millis(500), next_sms(&mut events))
            .await
            .is_err()
    );
    assert!(handle.info().await.unwrap().counters.reconnects >= 1);
}

#[tokio::test]
async fn direct_delivery_with_a_stored_duplicate_is_delivered_once() {
    let sim = sim_with(Profile::SIMCOM, 1);
    let (handle, mut events) = start(&sim, "m0", |c| c.direct_delivery = true);
    ready(&handle).await;
    sim.inject("m0", Fault::DuplicateDelivery).unwrap();
    sim.phone_send("+420111", "+420777000000", "only once")
        .unwrap();
    let sms = next_sms(&mut events).await;
    assert_eq!(text(&sms.payload), "only once");
    sms.ack.ack();
    assert!(
        timeout(Duration::from_millis(800), next_sms(&mut events))
            .await
            .is_err()
    );
    // The stored copy was deleted once the first was acknowledged.
    for _ in 0..50 {
        if sim.modems()[0].stored == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(sim.modems()[0].stored, 0);
}

#[tokio::test]
async fn urcs_interleaved_with_a_send() {
    let sim = sim_with(Profile::GENERIC, 2);
    let (a, mut a_events) = start(&sim, "m0", |_| {});
    ready(&a).await;
    sim.inject("m0", Fault::InterleaveUrcs).unwrap();
    sim.inject(
        "m0",
        Fault::SlowSmsc {
            extra: Duration::from_millis(300),
        },
    )
    .unwrap();
    let sender = a.clone();
    let send = tokio::spawn(async move {
        sender
            .send_text("+420999", "while receiving", &SendOptions::default())
            .await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    sim.phone_send("+420555", "+420777000000", "arrives mid-send")
        .unwrap();
    assert!(send.await.unwrap().is_ok());
    let sms = next_sms(&mut a_events).await;
    assert_eq!(text(&sms.payload), "arrives mid-send");
}

/// A slow SMSC keeps the modem inside `AT+CMGS` for seconds. A message
/// delivered directly and a call that ring meanwhile are handed on while
/// the send still waits, not after it; the `+CNMA` the network wants goes
/// out once the send has ended, so the network does not deliver again.
#[tokio::test]
async fn what_arrives_during_a_slow_send_goes_on_before_the_send_ends() {
    let sim = sim_with(Profile::GENERIC, 1);
    let (a, mut events) = start(&sim, "m0", |c| c.direct_delivery = true);
    ready(&a).await;
    sim.inject("m0", Fault::InterleaveUrcs).unwrap();
    sim.inject(
        "m0",
        Fault::SlowSmsc {
            extra: Duration::from_secs(3),
        },
    )
    .unwrap();
    let sender = a.clone();
    let send = tokio::spawn(async move {
        sender
            .send_text("+420999", "slow to send", &SendOptions::default())
            .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    sim.phone_send("+420555", "+420777000000", "arrives mid-send")
        .unwrap();
    sim.call("+420123456789", "+420777000000").unwrap();
    let (mut sms, mut call) = (None, None);
    while sms.is_none() || call.is_none() {
        match timeout(Duration::from_secs(2), events.recv()).await {
            Ok(Some(ModemEvent::Sms(s))) => sms = Some(s),
            Ok(Some(ModemEvent::Call(c))) => call = Some(c),
            Ok(Some(_)) => {}
            Ok(None) => panic!("driver stopped"),
            Err(_) => panic!("the SMS and the call waited for the send: {sms:?} {call:?}"),
        }
    }
    assert!(!send.is_finished(), "still inside the send");
    let sms = sms.unwrap();
    assert_eq!(text(&sms.payload), "arrives mid-send");
    assert_eq!(call.unwrap().caller.as_deref(), Some("+420123456789"));
    assert!(sim.modems()[0].awaiting_cnma, "the modem was busy");
    sms.ack.ack();
    assert!(send.await.unwrap().is_ok());
    // Acknowledged once the send ended: the network does not try again.
    for _ in 0..50 {
        if !sim.modems()[0].awaiting_cnma {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!sim.modems()[0].awaiting_cnma, "+CNMA sent after the send");
}

#[tokio::test]
async fn sixteen_modems_on_one_runtime() {
    let sim = sim_with(Profile::GENERIC, 16);
    let mut modems = Vec::new();
    for i in 0..16 {
        modems.push(start(&sim, &format!("m{i}"), |_| {}));
    }
    for (handle, _) in &modems {
        ready(handle).await;
    }
    let mut sends = Vec::new();
    for (i, (handle, _)) in modems.iter().enumerate() {
        let handle = handle.clone();
        let to = format!("+42077700{:04}", (i + 1) % 16);
        sends.push(tokio::spawn(async move {
            handle
                .send_text(&to, &format!("from m{i}"), &SendOptions::default())
                .await
        }));
    }
    for s in sends {
        s.await.unwrap().unwrap();
    }
    for (i, (_, events)) in modems.iter_mut().enumerate() {
        let sms = next_sms(events).await;
        assert_eq!(text(&sms.payload), format!("from m{}", (i + 15) % 16));
    }
}

/// Collects SMS texts for a while, acknowledging each.
async fn collect_texts(events: &mut Receiver<ModemEvent>, wait: Duration) -> Vec<String> {
    let mut texts = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    while let Ok(Some(event)) = tokio::time::timeout_at(deadline, events.recv()).await {
        if let ModemEvent::Sms(sms) = event {
            texts.push(text(&sms.payload).to_string());
            sms.ack.ack();
        }
    }
    texts.sort();
    texts
}

async fn wait_for_empty_storage(sim: &Simulator) {
    for _ in 0..100 {
        if sim.modems()[0].stored == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("storage never emptied: {:?}", sim.modems());
}

#[tokio::test]
async fn a_late_answer_is_never_taken_for_the_next_command() {
    let sim = sim_with(Profile::GENERIC, 1);
    let (handle, mut events) = start(&sim, "m0", |c| c.health_interval = Duration::from_secs(2));
    ready(&handle).await;
    // The read for "one" answers after the 2 s SIM timeout; "two" arrives meanwhile,
    // and the next command's answer waits behind the late one, as on a real modem.
    sim.inject(
        "m0",
        Fault::SlowAnswers {
            delay: Duration::from_millis(2500),
            count: 1,
        },
    )
    .unwrap();
    sim.phone_send("+420111", "+420777000000", "one").unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    sim.phone_send("+420222", "+420777000000", "two").unwrap();
    let texts = collect_texts(&mut events, Duration::from_secs(8)).await;
    assert_eq!(
        texts,
        vec!["one", "two"],
        "each message once, with its own text"
    );
    wait_for_empty_storage(&sim).await;
}

#[tokio::test]
async fn a_message_waiting_before_start_is_read_once_and_deleted_once() {
    let sim = sim_with(Profile::GENERIC, 1);
    // Stored (with a +CMTI nobody heard) before the driver starts: the stale
    // +CMTI and the init sweep both see slot 0.
    sim.phone_send("+420111", "+420777000000", "early").unwrap();
    let (handle, mut events) = start(&sim, "m0", |_| {});
    ready(&handle).await;
    assert_eq!(
        collect_texts(&mut events, Duration::from_secs(1)).await,
        vec!["early"]
    );
    // The next message reuses slot 0; a second delete of slot 0 would lose it.
    sim.phone_send("+420222", "+420777000000", "later").unwrap();
    assert_eq!(
        collect_texts(&mut events, Duration::from_secs(1)).await,
        vec!["later"]
    );
    wait_for_empty_storage(&sim).await;
}

#[tokio::test]
async fn a_dropped_ack_hands_the_message_out_again() {
    let sim = sim_with(Profile::GENERIC, 1);
    let (handle, mut events) = start(&sim, "m0", |c| c.health_interval = Duration::from_secs(1));
    ready(&handle).await;
    sim.phone_send("+420111", "+420777000000", "commit failed")
        .unwrap();
    let first = next_sms(&mut events).await;
    drop(first); // the consumer could not commit it
    let again = next_sms(&mut events).await;
    assert_eq!(text(&again.payload), "commit failed");
    again.ack.ack();
    wait_for_empty_storage(&sim).await;
    assert!(
        timeout(Duration::from_millis(1500), next_sms(&mut events))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_modem_that_ends_cpin_without_ok_becomes_ready_and_keeps_answers_apart() {
    // Wavecom firmware answers AT+CPIN? with its +CPIN: line and no OK
    // (gammu's F_CPIN_NO_OK). With a PIN to enter, the query comes twice.
    let sim = Simulator::start(7, Latency::Zero);
    let mut modem = ModemConfig::new("m0", "+420777000000");
    modem.profile = Profile::WAVECOM;
    modem.pin = Some("1234".into());
    sim.add_modem(modem).unwrap();
    let (handle, _events) = start(&sim, "m0", |c| {
        c.pin = Some("1234".into());
        // Longer than a test's patience, as a real SIM class deadline is:
        // the driver must not wait for it.
        c.timeouts.sim = Duration::from_secs(60);
    });
    ready(&handle).await;
    // Every command after it got its own answer, not a late one.
    let info = handle.info().await.expect("info");
    assert_eq!(info.manufacturer.as_deref(), Some("WAVECOM MODEM"));
    assert_eq!(info.model.as_deref(), Some("MULTIBAND  900E  1800"));
    let refs = handle
        .send_text("+420601234567", "still in step", &Default::default())
        .await
        .expect("sent");
    assert_eq!(refs.message_refs.len(), 1);
}

#[tokio::test]
async fn a_message_read_back_without_its_status_arrives_at_once() {
    // ZTE firmware answers AT+CMGR with `+CMGR: ,,<length>`. The message
    // announced by +CMTI must come through that read, not the next storage
    // sweep (none runs in this test: the health interval is 300 s).
    let sim = sim_with(Profile::ZTE, 1);
    let (handle, mut events) = start(&sim, "m0", |_| {});
    ready(&handle).await;
    sim.phone_send("+420601234567", "+420777000000", "Ahoj ze ZTE")
        .unwrap();
    let sms = next_sms(&mut events).await;
    assert_eq!(text(&sms.payload), "Ahoj ze ZTE");
    assert_eq!(sms.sender, "+420601234567");
}

#[tokio::test]
async fn storage_is_chosen_from_what_the_modem_lists_and_takes() {
    // Wavecom lists two storage groups, `(("SM","BM","SR"),("SM"))`, and
    // refuses three memories; the generic modem takes three.
    for (profile, memories) in [
        (Profile::WAVECOM, vec!["SM", "SM"]),
        (Profile::GENERIC, vec!["SM", "SM", "SM"]),
    ] {
        let sim = sim_with(profile, 1);
        let (handle, mut events) = start(&sim, "m0", |_| {});
        ready(&handle).await;
        let info = handle.info().await.expect("info");
        assert_eq!(info.memories, memories, "{profile}");
        assert_eq!(info.storage.map(|(_, total)| total), Some(30), "{profile}");
        sim.phone_send("+420601234567", "+420777000000", "stored and read")
            .unwrap();
        assert_eq!(
            text(&next_sms(&mut events).await.payload),
            "stored and read",
            "{profile}"
        );
        handle.stop().await;
    }
}

#[tokio::test]
async fn a_huawei_stick_answers_text_ussd_after_ussdmode_0() {
    // Huawei sticks refuse `AT+CUSD=1,"*100#",15` until `AT^USSDMODE=0`.
    let sim = sim_with(Profile::HUAWEI, 1);
    let (handle, _events) = start(&sim, "m0", |_| {});
    ready(&handle).await;
    let answer = handle.ussd("*100#").await.expect("a USSD answer");
    assert!(answer.contains("balance"), "{answer}");
}

#[tokio::test]
async fn a_sim_still_starting_is_asked_again_for_its_smsc_and_storage() {
    // A SIM busy for its first reads after power-up (+CME ERROR: 14, as a
    // Qualcomm/ZTE stick answers AT+CSCA? for ~10 s), or answering nothing.
    // Busy, choosing storages (AT+CPMS=) is asked again, not taken for a
    // form the modem refuses (which left it with no storage at all).
    for empty in [false, true] {
        let sim = sim_with(Profile::GENERIC, 1);
        sim.inject("m0", Fault::SmsNotReady { count: 3, empty })
            .unwrap();
        let (handle, _events) = start(&sim, "m0", |_| {});
        ready(&handle).await;
        let info = handle.info().await.expect("info");
        assert_eq!(info.smsc.as_deref(), Some(SMSC), "empty: {empty}");
        assert_eq!(info.memories, ["SM", "SM", "SM"], "empty: {empty}");
        assert!(info.storage.is_some(), "empty: {empty}");
        handle.stop().await;
    }
}

#[tokio::test]
async fn a_modem_that_cannot_receive_says_why_and_sends_all_the_same() {
    for (fault, names) in [
        (Fault::NoIndications, "AT+CNMI"),
        (Fault::UnreadableStorage, "AT+CMGL"),
    ] {
        let sim = sim_with(Profile::GENERIC, 1);
        sim.inject("m0", fault).unwrap();
        let (handle, _events) = start(&sim, "m0", |_| {});
        ready(&handle).await;
        let info = handle.info().await.expect("info");
        let why = info.cannot_receive.expect("a reason it cannot receive");
        assert!(why.contains(names), "{why}");
        handle
            .send_text(
                "+420601234567",
                "sending still works",
                &SendOptions::default(),
            )
            .await
            .expect("sent");
        handle.stop().await;
    }
    let sim = sim_with(Profile::GENERIC, 1);
    let (handle, _events) = start(&sim, "m0", |_| {});
    ready(&handle).await;
    assert_eq!(handle.info().await.expect("info").cannot_receive, None);
}

/// A modem that lists three storage groups but refuses three memories
/// (python-gsmmodem issue 19), or two: the driver falls back to two, then
/// one, records what it took, and still receives.
#[tokio::test]
async fn three_memories_refused_fall_back_to_two_then_one() {
    for (most, expected) in [(2, vec!["SM", "SM"]), (1, vec!["SM"])] {
        let sim = sim_with(Profile::GENERIC, 1);
        sim.inject("m0", Fault::CpmsAtMost { most }).unwrap();
        let (handle, mut events) = start(&sim, "m0", |_| {});
        ready(&handle).await;
        let info = handle.info().await.expect("info");
        assert_eq!(info.memories, expected, "at most {most}");
        assert_eq!(info.cannot_receive, None);
        sim.phone_send("+420601234567", "+420777000000", "stored and read")
            .unwrap();
        let sms = next_sms(&mut events).await;
        assert_eq!(text(&sms.payload), "stored and read");
        handle.stop().await;
    }
}

#[tokio::test]
async fn a_swallowed_cmgs_is_given_up_within_seconds_and_sent_again() {
    let sim = sim_with(Profile::GENERIC, 1);
    let (handle, mut events) = start(&sim, "m0", |c| {
        // The send deadline is longer than this test's patience: only the
        // prompt's own (default, 5 s) deadline may end the wait.
        c.timeouts.send = Duration::from_secs(90);
        c.timeouts.prompt = plutanium_modem::Timeouts::default().prompt;
    });
    ready(&handle).await;
    sim.inject("m0", Fault::SwallowSend { count: 1 }).unwrap();
    let swallowed = timeout(
        WAIT,
        handle.send_text("+420601234567", "lost prompt", &SendOptions::default()),
    )
    .await
    .expect("given up before the send deadline");
    let error = swallowed.expect_err("no prompt, so not sent");
    assert!(matches!(error, SendError::NoPrompt { .. }), "{error}");
    assert!(error.is_transient(), "tried again");
    // The modem is still in step: the next send and an inbound SMS work.
    handle
        .send_text("+420601234567", "second try", &SendOptions::default())
        .await
        .expect("sent");
    sim.phone_send("+420601234567", "+420777000000", "still listening")
        .unwrap();
    assert_eq!(
        text(&next_sms(&mut events).await.payload),
        "still listening"
    );
    let inbox = sim.phone_inbox("+420601234567");
    assert_eq!(inbox.len(), 1, "sent once: {inbox:?}");
    assert_eq!(inbox[0].text, "second try");
}

/// Several gateway nodes share a modem: the one without its lease keeps the
/// port closed (standby) and refuses sends; given the lease it comes up;
/// losing it mid-session it closes the port, and it comes back when given
/// the lease again.
#[tokio::test]
async fn a_modem_this_node_may_not_drive_stays_closed_until_it_may() {
    let sim = sim_with(Profile::GENERIC, 1);
    let (may_drive, ownership) = tokio::sync::watch::channel(false);
    let (handle, _events) = start(&sim, "m0", |c| c.ownership = Some(ownership));
    let mut state = handle.state();
    let standby = |s: &ModemState| *s == ModemState::Standby;
    timeout(WAIT, state.wait_for(standby))
        .await
        .unwrap()
        .unwrap();
    let refused = handle
        .send_text("+420999", "not yet", &SendOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, SendError::NotReady(why) if why.contains("another node")),
        "{refused:?}"
    );
    assert!(sim.phone_inbox("+420999").is_empty());

    may_drive.send_replace(true);
    ready(&handle).await;
    handle
        .send_text("+420999", "mine now", &SendOptions::default())
        .await
        .unwrap();

    may_drive.send_replace(false);
    timeout(WAIT, state.wait_for(standby))
        .await
        .unwrap()
        .unwrap();
    assert!(
        handle
            .send_text("+420999", "not mine", &SendOptions::default())
            .await
            .is_err()
    );
    may_drive.send_replace(true);
    ready(&handle).await;
    handle
        .send_text("+420999", "mine again", &SendOptions::default())
        .await
        .unwrap();
    let sent: Vec<String> = sim
        .phone_inbox("+420999")
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(sent, ["mine now", "mine again"]);
}

/// Sends that follow each other at once still get every report: the
/// driver deletes each report taken (its acknowledgement) before the next
/// send, or the modem's storage (30 slots here) fills with reports already
/// taken and the next ones are lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn back_to_back_sends_get_every_report() {
    let sim = sim_with(Profile::GENERIC, 1);
    let (handle, mut events) = start(&sim, "m0", |_| {});
    ready(&handle).await;
    sim.inject(
        "m0",
        Fault::SlowSmsc {
            extra: Duration::from_millis(2),
        },
    )
    .unwrap();
    let options = SendOptions {
        status_report: true,
        ..SendOptions::default()
    };
    const SENDS: usize = 200;
    // Reports are taken (and acknowledged) as they come, as the gateway does.
    let reports = tokio::spawn(async move {
        let mut reported = Vec::new();
        while reported.len() < SENDS {
            match timeout(WAIT, events.recv()).await {
                Ok(Some(ModemEvent::StatusReport(r))) => {
                    reported.push(r.message_ref);
                    r.ack.ack();
                }
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        reported
    });
    let mut refs = Vec::new();
    for n in 0..SENDS {
        refs.push(
            handle
                .send_text("+420999", &format!("report me {n}"), &options)
                .await
                .unwrap()
                .message_refs[0]
                .unwrap(),
        );
    }
    let mut reported = reports.await.unwrap();
    reported.sort_unstable();
    refs.sort_unstable();
    assert_eq!(reported, refs, "{} of {SENDS} reports came", reported.len());
}

/// A gated send asks for the prompt at once and writes its PDU only when
/// the gate opens; a gate that never opens withdraws it, nothing is sent,
/// and the modem takes the next send as usual.
#[tokio::test]
async fn a_gated_send_waits_for_its_gate_and_a_closed_one_sends_nothing() {
    let sim = sim_with(Profile::GENERIC, 1);
    let (handle, _events) = start(&sim, "m0", |_| {});
    ready(&handle).await;
    let options = SendOptions::default();

    let (open, gate) = plutanium_modem::SendGate::new();
    let queued = handle
        .queue_text("+420999", "held", &options, Some(gate))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        sim.phone_inbox("+420999").is_empty(),
        "sent before its gate opened"
    );
    open.send(()).unwrap();
    queued.sent().await.unwrap();
    assert_eq!(sim.phone_inbox("+420999").len(), 1);

    let (open, gate) = plutanium_modem::SendGate::new();
    drop(open);
    let withdrawn = handle
        .send_text_gated("+420999", "never", &options, Some(gate))
        .await;
    assert_eq!(
        withdrawn.unwrap_err(),
        plutanium_modem::SendError::Withdrawn
    );
    handle
        .send_text("+420999", "after", &options)
        .await
        .unwrap();
    let texts: Vec<String> = sim
        .phone_inbox("+420999")
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(texts, ["held", "after"]);
}
