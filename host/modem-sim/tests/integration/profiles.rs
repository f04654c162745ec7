//! The replay corpus: every make the simulator imitates (each profile is
//! built from public transcripts; its file under `src/profile/` names
//! them), driven by the real modem driver through everything a user does
//! with a modem: identify, PIN, SMSC, single and multipart send, receive
//! through `+CMTI` and through `+CMT`, delivery report, USSD, a missed
//! call, and a reconnect. Where the real device cannot do one of these,
//! the test asserts what the user is told instead.
//!
//! The expectations are written out here, not read from the profiles, so a
//! profile that drifts from its sources fails.

use std::sync::Arc;
use std::time::Duration;

use plutanium_modem::{
    DriverConfig, InProcessPorts, ModemEvent, ModemHandle, ModemState, SendOptions, Timeouts,
};
use plutanium_modem_sim::{Fault, Latency, ModemConfig, Profile, Simulator};
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

const WAIT: Duration = Duration::from_secs(30);
const MODEM: &str = "+420777000000";
const PHONE: &str = "+420999000111";

/// What a user sees of one make.
struct Expect {
    manufacturer: &'static str,
    model: &'static str,
    revision: &'static str,
    /// The storages the driver settles on.
    memories: &'static [&'static str],
    /// `false`: a phone that cannot receive over AT.
    receives: bool,
    /// Whether it delivers directly (`+CMT`) when asked; when not, the
    /// driver says why in `no_direct_delivery`.
    direct: bool,
}

fn driver_config(direct: bool) -> DriverConfig {
    let mut c = DriverConfig::new("m0", "sim://m0".parse().unwrap());
    c.pin = Some("1234".into());
    c.direct_delivery = direct;
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

fn start(sim: &Simulator, direct: bool) -> (ModemHandle, Receiver<ModemEvent>) {
    let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
    plutanium_modem::spawn(driver_config(direct), Some(ports))
}

async fn ready(handle: &ModemHandle, case: &str) {
    timeout(WAIT, handle.ready())
        .await
        .unwrap_or_else(|_| panic!("{case}: ready in time"))
        .unwrap_or_else(|s| panic!("{case}: ready, not {s}"));
}

/// The next event `pick` accepts, skipping others.
async fn next<T>(
    events: &mut Receiver<ModemEvent>,
    case: &str,
    what: &str,
    mut pick: impl FnMut(ModemEvent) -> Option<T>,
) -> T {
    let found = timeout(WAIT, async {
        loop {
            match events.recv().await {
                Some(event) => {
                    if let Some(t) = pick(event) {
                        return t;
                    }
                }
                None => panic!("{case}: the driver stopped"),
            }
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("{case}: no {what} in {WAIT:?}"))
}

async fn storage_empties(sim: &Simulator, case: &str) {
    for _ in 0..200 {
        if sim.modems()[0].stored == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{case}: what was acknowledged is deleted from the modem");
}

async fn receives_one(sim: &Simulator, events: &mut Receiver<ModemEvent>, text: &str, case: &str) {
    sim.phone_send(PHONE, MODEM, text).unwrap();
    let sms = next(events, case, "SMS", |e| match e {
        ModemEvent::Sms(sms) => Some(sms),
        _ => None,
    })
    .await;
    assert_eq!(sms.payload.text(), Some(text), "{case}");
    assert_eq!(sms.sender, PHONE, "{case}");
    sms.ack.ack();
    storage_empties(sim, case).await;
}

async fn exercise(profile: Profile, expect: Expect) {
    let case = profile.name();
    let sim = Simulator::start(7, Latency::Zero);
    sim.set_ring_interval(Duration::from_millis(300));
    let mut modem = ModemConfig::new("m0", MODEM);
    modem.profile = profile;
    modem.pin = Some("1234".into());
    sim.add_modem(modem).unwrap();

    // Identify, PIN, SMSC.
    let (handle, mut events) = start(&sim, false);
    ready(&handle, case).await;
    let info = handle.info().await.unwrap();
    assert_eq!(
        info.manufacturer.as_deref(),
        Some(expect.manufacturer),
        "{case}"
    );
    assert_eq!(info.model.as_deref(), Some(expect.model), "{case}");
    assert_eq!(info.revision.as_deref(), Some(expect.revision), "{case}");
    assert!(
        info.imsi.as_deref().is_some_and(|i| i.starts_with("23001")),
        "{case}: {info:?}"
    );
    assert_eq!(info.smsc.as_deref(), Some("+420603052000"), "{case}");
    assert_eq!(info.memories, expect.memories, "{case}");

    // Single send with a delivery report.
    let options = SendOptions {
        status_report: true,
        ..SendOptions::default()
    };
    let sent = handle
        .send_text(PHONE, &format!("hello from {case}"), &options)
        .await
        .unwrap_or_else(|e| panic!("{case}: {e}"));
    assert_eq!(sent.message_refs.len(), 1, "{case}");
    let inbox = sim.phone_inbox(PHONE);
    assert_eq!(
        inbox.last().map(|m| m.text.as_str()),
        Some(format!("hello from {case}").as_str())
    );
    if expect.receives {
        let report = next(&mut events, case, "status report", |e| match e {
            ModemEvent::StatusReport(r) => Some(r),
            _ => None,
        })
        .await;
        assert_eq!(Some(report.message_ref), sent.message_refs[0], "{case}");
        assert_eq!(report.recipient, PHONE, "{case}");
        report.ack.ack();
        storage_empties(&sim, case).await;
        assert_eq!(info.cannot_receive, None, "{case}");
    } else {
        // What the user is told instead (probe, API, web admin, one log line).
        let why = info
            .cannot_receive
            .clone()
            .unwrap_or_else(|| panic!("{case}: says it cannot receive"));
        assert!(
            why.contains("AT+CMGL") || why.contains("AT+CNMI"),
            "{case}: {why}"
        );
    }

    // Multipart, in UCS-2.
    let long = "Příliš žluťoučký kůň úpěl ďábelské ódy 🐎 ".repeat(4);
    let sent = handle
        .send_text(PHONE, &long, &SendOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{case}: {e}"));
    assert!(sent.message_refs.len() >= 3, "{case}: {sent:?}");
    assert_eq!(
        sim.phone_inbox(PHONE).last().map(|m| m.text.clone()),
        Some(long.clone()),
        "{case}"
    );

    // Receive through +CMTI (stored, read, deleted after the ack).
    if expect.receives {
        receives_one(&sim, &mut events, &format!("to {case} via storage"), case).await;
    }

    // USSD.
    let answer = handle
        .ussd("*100#")
        .await
        .unwrap_or_else(|e| panic!("{case}: {e}"));
    assert_eq!(answer, "Your balance is 12.50 EUR", "{case}");

    // A missed call.
    sim.call("+420123456789", MODEM).unwrap();
    let call = next(&mut events, case, "call", |e| match e {
        ModemEvent::Call(c) => Some(c),
        _ => None,
    })
    .await;
    assert_eq!(call.caller.as_deref(), Some("+420123456789"), "{case}");

    // Reconnect: unplugged and back, it comes up by itself (PIN again).
    sim.inject("m0", Fault::Unplug).unwrap();
    let mut state = handle.state();
    timeout(WAIT, state.wait_for(|s| !matches!(s, ModemState::Ready)))
        .await
        .unwrap_or_else(|_| panic!("{case}: the unplug is noticed"))
        .unwrap();
    sim.inject("m0", Fault::Replug).unwrap();
    ready(&handle, case).await;
    handle
        .send_text(PHONE, "after the reconnect", &SendOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{case}: after the reconnect: {e}"));
    if expect.receives {
        receives_one(&sim, &mut events, "received after the reconnect", case).await;
    }
    handle.stop().await;

    // Receive through +CMT (direct delivery: never stored on the modem). A
    // make that does not do it hands the message over through storage, and
    // the driver says why.
    if expect.receives {
        let (handle, mut events) = start(&sim, true);
        ready(&handle, case).await;
        let text = format!("to {case} directly");
        sim.phone_send(PHONE, MODEM, &text).unwrap();
        let sms = next(&mut events, case, "SMS", |e| match e {
            ModemEvent::Sms(sms) => Some(sms),
            _ => None,
        })
        .await;
        assert_eq!(sms.payload.text(), Some(text.as_str()), "{case}");
        let stored = sim.modems()[0].stored;
        let info = handle.info().await.unwrap();
        if expect.direct {
            assert_eq!(stored, 0, "{case}: delivered directly, never stored");
            assert_eq!(info.no_direct_delivery, None, "{case}");
        } else {
            assert_eq!(stored, 1, "{case}: read from storage");
            let why = info
                .no_direct_delivery
                .unwrap_or_else(|| panic!("{case}: says it does not deliver directly"));
            assert!(
                why.contains("+CNMI") || why.contains("+CMTI"),
                "{case}: {why}"
            );
        }
        sms.ack.ack();
        storage_empties(&sim, case).await;
        handle.stop().await;
    }
}

macro_rules! profiles {
    ($($test:ident: $profile:expr => $expect:expr;)*) => {
        $(
            #[tokio::test]
            async fn $test() {
                exercise($profile, $expect).await;
            }
        )*

        #[test]
        fn every_profile_is_in_the_corpus() {
            let tested = [$($profile),*];
            for profile in Profile::ALL {
                assert!(tested.contains(&profile), "{profile} has no test");
            }
        }
    };
}

const SM3: &[&str] = &["SM", "SM", "SM"];

profiles! {
    generic: Profile::GENERIC => Expect {
        manufacturer: "Plutanium", model: "Simulated GSM modem", revision: "plutanium-sim 0.1",
        memories: SM3, receives: true, direct: true,
    };
    huawei_e1752: Profile::HUAWEI => Expect {
        manufacturer: "huawei", model: "E1752", revision: "11.126.13.00.00",
        memories: SM3, receives: true, direct: false,
    };
    brovi_e3372_325: Profile::BROVI => Expect {
        manufacturer: "ZOWEE TECHNOLOGY (HEYUAN) CO., LTD.", model: "E3372-325",
        revision: "3.0.2.61(H057SP7C983)", memories: SM3, receives: true, direct: true,
    };
    zte_mf710m: Profile::ZTE => Expect {
        manufacturer: "ZTE CORPORATION", model: "MF710M", revision: "BD_VOCMF710MV1.0.0B03",
        memories: SM3, receives: true, direct: true,
    };
    zte_mf626: Profile::ZTE_MF626 => Expect {
        manufacturer: "ZTE CORPORATION", model: "MF626", revision: "BD_P673A2V1.0.0B09",
        memories: SM3, receives: true, direct: true,
    };
    qualcomm_m6280: Profile::QUALCOMM => Expect {
        manufacturer: "QUALCOMM INCORPORATED", model: "M6280",
        revision: "M6280_V1.0.0 M6280_V1.0.0 1 [Sep 4 2008 12:00:00]", memories: SM3,
        receives: true, direct: true,
    };
    wavecom_m1306b: Profile::WAVECOM => Expect {
        manufacturer: "WAVECOM MODEM", model: "MULTIBAND  900E  1800",
        revision: "641b09gg.Q2403A 1320676 061804 14:38", memories: &["SM", "SM"],
        receives: true, direct: true,
    };
    sierra_sl8084tr: Profile::SIERRA => Expect {
        manufacturer: "Sierra Wireless, Incorporated", model: "SL8084TR Product",
        revision: "S2.0.0.0", memories: SM3, receives: true, direct: true,
    };
    quectel_ec25: Profile::QUECTEL => Expect {
        manufacturer: "Quectel", model: "EC25", revision: "EC25EFAR06A10M4G",
        memories: SM3, receives: true, direct: true,
    };
    quectel_m26: Profile::QUECTEL_M26 => Expect {
        manufacturer: "Quectel", model: "Quectel_M26", revision: "M26FBR03A04_TTS",
        memories: SM3, receives: true, direct: true,
    };
    simcom_sim800l: Profile::SIMCOM => Expect {
        manufacturer: "SIMCOM_Ltd", model: "SIMCOM_SIM800L", revision: "1418B04SIM800L24",
        memories: SM3, receives: true, direct: true,
    };
    simcom_sim5320e: Profile::SIMCOM_SIM5320 => Expect {
        manufacturer: "SIMCOM INCORPORATED", model: "SIMCOM_SIM5320E",
        revision: "1575B13SIM5320E", memories: SM3, receives: true, direct: true,
    };
    telit_he910: Profile::TELIT => Expect {
        manufacturer: "Telit", model: "HE910", revision: "12.00.024",
        memories: SM3, receives: true, direct: true,
    };
    siemens_mc35i: Profile::SIEMENS => Expect {
        manufacturer: "SIEMENS", model: "MC35i", revision: "REVISION 02.00",
        memories: SM3, receives: true, direct: true,
    };
    cinterion_mc75i: Profile::CINTERION => Expect {
        manufacturer: "Cinterion", model: "MC75i", revision: "REVISION 04.004",
        memories: SM3, receives: true, direct: false,
    };
    nokia_n79: Profile::NOKIA => Expect {
        manufacturer: "Nokia", model: "Nokia N79", revision: "V ICPR72_08w44.1",
        memories: &[], receives: false, direct: false,
    };
}
