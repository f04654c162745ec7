//! Where a modem keeps what it receives, and which SIM it came from: a
//! message announced in another memory than the one being read, and a SIM
//! swapped while a message read from the old one waits for its ack.

use std::sync::Arc;
use std::time::Duration;

use plutanium_modem::{
    DriverConfig, InProcessPorts, ModemEvent, ModemHandle, ModemState, Timeouts,
};
use plutanium_modem_sim::{Fault, Latency, ModemConfig, Simulator};
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(20);
const MODEM: &str = "+420777000000";
const PHONE: &str = "+420601234567";

fn start(sim: &Simulator) -> (ModemHandle, Receiver<ModemEvent>) {
    let mut c = DriverConfig::new("m0", "sim://m0".parse().unwrap());
    c.timeouts = Timeouts {
        quick: Duration::from_secs(1),
        sim: Duration::from_secs(2),
        send: Duration::from_secs(5),
        network: Duration::from_secs(3),
        prompt: Duration::from_secs(1),
    };
    c.reconnect_initial = Duration::from_millis(50);
    c.reconnect_max = Duration::from_millis(400);
    // No sweep in the test's time: only the URC can find the message.
    c.health_interval = Duration::from_secs(300);
    let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
    plutanium_modem::spawn(c, Some(ports))
}

fn sim() -> Simulator {
    let sim = Simulator::start(3, Latency::Zero);
    sim.add_modem(ModemConfig::new("m0", MODEM)).unwrap();
    sim
}

async fn next_sms(events: &mut Receiver<ModemEvent>) -> plutanium_modem::InboundSms {
    loop {
        match timeout(WAIT, events.recv()).await.expect("an SMS in time") {
            Some(ModemEvent::Sms(sms)) => return sms,
            Some(_) => {}
            None => panic!("driver stopped"),
        }
    }
}

async fn stored_becomes(sim: &Simulator, count: usize) {
    for _ in 0..250 {
        if sim.modems()[0].stored == count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(sim.modems()[0].stored, count, "messages on the modem");
}

/// serialport-gsm issue 92: `+CMTI: "ME",67` while the host reads `SM`.
#[tokio::test]
async fn a_message_announced_in_me_is_read_and_deleted_there() {
    let sim = sim();
    let (handle, mut events) = start(&sim);
    timeout(WAIT, handle.ready()).await.unwrap().unwrap();
    sim.inject("m0", Fault::StoreInMe { count: 1 }).unwrap();
    sim.phone_send(PHONE, MODEM, "kept in ME").unwrap();
    let sms = timeout(Duration::from_secs(5), next_sms(&mut events))
        .await
        .expect("read from ME at once, not left for a sweep");
    assert_eq!(sms.payload.text(), Some("kept in ME"));
    sms.ack.ack();
    stored_becomes(&sim, 0).await;
    // The read memory is SM again for what comes next.
    sim.phone_send(PHONE, MODEM, "back in SM").unwrap();
    let sms = next_sms(&mut events).await;
    assert_eq!(sms.payload.text(), Some("back in SM"));
    sms.ack.ack();
    stored_becomes(&sim, 0).await;
    assert_eq!(handle.info().await.unwrap().memories, ["SM", "SM", "SM"]);
}

/// A message read from one SIM is acknowledged after another SIM went in:
/// its slot number now names another message, which must be neither
/// deleted nor skipped.
#[tokio::test]
async fn an_ack_for_a_swapped_out_sim_never_deletes_from_the_new_one() {
    let sim = sim();
    let (handle, mut events) = start(&sim);
    timeout(WAIT, handle.ready()).await.unwrap().unwrap();
    let old_imsi = handle.info().await.unwrap().imsi.unwrap();
    sim.phone_send(PHONE, MODEM, "on the old SIM").unwrap();
    let old = next_sms(&mut events).await;
    assert_eq!(old.payload.text(), Some("on the old SIM"));
    // The ack is held (the store is slow, say) while the SIM is swapped.
    sim.inject(
        "m0",
        Fault::SwapSim {
            imsi: "230019999999999".into(),
        },
    )
    .unwrap();
    let mut state = handle.state();
    timeout(WAIT, state.wait_for(|s| !matches!(s, ModemState::Ready)))
        .await
        .unwrap()
        .unwrap();
    // The new SIM has a message of its own, in the slot the old one had.
    sim.phone_send(PHONE, MODEM, "on the new SIM").unwrap();
    sim.inject("m0", Fault::Replug).unwrap();
    timeout(WAIT, handle.ready()).await.unwrap().unwrap();
    let info = handle.info().await.unwrap();
    assert_eq!(info.imsi.as_deref(), Some("230019999999999"));
    assert_ne!(old_imsi, "230019999999999");
    let new = next_sms(&mut events).await;
    assert_eq!(new.payload.text(), Some("on the new SIM"), "not skipped");
    old.ack.ack();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sim.modems()[0].stored,
        1,
        "the old SIM's ack deleted nothing"
    );
    new.ack.ack();
    stored_becomes(&sim, 0).await;
}
