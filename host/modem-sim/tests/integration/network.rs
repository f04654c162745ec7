//! The simulated network driven through its sans-IO API, with the host-side AT
//! parser from `plutanium-at` reading what the modems write: sends, multipart,
//! status reports, calls, USSD, quirk profiles and faults.

use std::time::Duration;

use plutanium_at::response::{self, StoredMessage};
use plutanium_at::{Command, Event, FinalResult, Parser, Response, Urc, command};
use plutanium_modem_sim::{Fault, Latency, ModemConfig, ModemId, Network, Profile};
use plutanium_sms::{DataCoding, EncodeOptions, Pdu, SmscPdu, Submit, decode_hex};

const EPOCH: u64 = 1_795_631_805;

/// A minimal host for one modem: writes commands, collects answers and URCs.
struct Host {
    modem: ModemId,
    parser: Parser,
    urcs: Vec<Urc>,
    now: Duration,
}

impl Host {
    fn new(modem: ModemId) -> Self {
        Host {
            modem,
            parser: Parser::new(),
            urcs: Vec::new(),
            now: Duration::ZERO,
        }
    }

    fn pump(&mut self, net: &mut Network) -> Vec<Event> {
        net.tick(self.now);
        let bytes = net.take_output(self.modem);
        let mut events = Vec::new();
        self.parser.feed(&bytes, &mut events);
        let mut rest = Vec::new();
        for e in events {
            match e {
                Event::Urc(u) => self.urcs.push(u),
                other => rest.push(other),
            }
        }
        rest
    }

    /// Runs a command to its final result, advancing time as the network needs.
    fn run(&mut self, net: &mut Network, cmd: &Command) -> Response {
        self.parser.start(cmd);
        net.input(self.modem, &cmd.to_bytes(), self.now);
        for _ in 0..100 {
            for e in self.pump(net) {
                if let Event::Response(r) = e {
                    return r;
                }
            }
            self.now += Duration::from_millis(500);
        }
        panic!("no answer to {}", cmd.text);
    }

    fn ok(&mut self, net: &mut Network, cmd: &Command) -> Vec<String> {
        let r = self.run(net, cmd);
        r.clone()
            .into_lines()
            .unwrap_or_else(|e| panic!("{}: {e}", cmd.text))
    }

    /// Like [`Host::ok`], asking again while the SIM is busy (as a
    /// Qualcomm stick is for seconds after power-up).
    fn ok_when_ready(&mut self, net: &mut Network, cmd: &Command) -> Vec<String> {
        for _ in 0..10 {
            let r = self.run(net, cmd);
            if !matches!(r.result, FinalResult::Cme(ref e, _) if e.0 == 14) {
                return r
                    .into_lines()
                    .unwrap_or_else(|e| panic!("{}: {e}", cmd.text));
            }
            self.now += Duration::from_secs(1);
        }
        panic!("{}: the SIM stayed busy", cmd.text);
    }

    fn init(&mut self, net: &mut Network) {
        for c in [
            command::echo(false),
            command::report_errors(1),
            command::pdu_mode(),
        ] {
            self.ok(net, &c);
        }
    }

    /// Sends one PDU; returns the MR or the final result.
    fn send(
        &mut self,
        net: &mut Network,
        pdu_hex: &str,
        tpdu_len: usize,
    ) -> Result<u8, FinalResult> {
        let cmd = command::send_message(tpdu_len);
        self.parser.start(&cmd);
        net.input(self.modem, &cmd.to_bytes(), self.now);
        let mut prompted = false;
        for _ in 0..100 {
            for e in self.pump(net) {
                match e {
                    Event::Prompt => {
                        prompted = true;
                        self.parser.pdu_sent(pdu_hex);
                        net.input(self.modem, &command::pdu_payload(pdu_hex), self.now);
                    }
                    Event::Response(r) => {
                        return match r.result {
                            FinalResult::Ok => Ok(response::parse_cmgs(&r.lines).unwrap()),
                            other => Err(other),
                        };
                    }
                    _ => {}
                }
            }
            self.now += Duration::from_millis(500);
        }
        panic!("send never finished (prompted: {prompted})");
    }

    fn stored(&mut self, net: &mut Network) -> Vec<StoredMessage> {
        let lines = self.ok(net, &command::list_all_messages());
        response::parse_cmgl(&lines).unwrap()
    }
}

fn submit_pdus(to: &str, text: &str, report: bool) -> Vec<(String, usize)> {
    let split = plutanium_sms::split(
        text,
        &EncodeOptions {
            concat_ref: plutanium_sms::ConcatRef::Eight(9),
            ..EncodeOptions::default()
        },
    )
    .unwrap();
    let dcs = DataCoding::new(split.counted.alphabet, None);
    split
        .parts
        .into_iter()
        .map(|ud| {
            let mut s = Submit::new(plutanium_sms::Address::parse(to).unwrap(), dcs, ud);
            s.status_report_request = report;
            let e = SmscPdu {
                smsc: None,
                pdu: Pdu::Submit(s),
            }
            .encode()
            .unwrap();
            (e.to_hex(), e.tpdu_len)
        })
        .collect()
}

fn two_modems(profile: Profile, latency: Latency) -> (Network, Host, Host) {
    let mut net = Network::new(7, latency, EPOCH);
    let mut a = ModemConfig::new("a", "+420777000001");
    a.profile = profile;
    let mut b = ModemConfig::new("b", "+420777000002");
    b.profile = profile;
    let a = net.add_modem(a).unwrap();
    let b = net.add_modem(b).unwrap();
    let (mut ha, mut hb) = (Host::new(a), Host::new(b));
    ha.init(&mut net);
    hb.init(&mut net);
    (net, ha, hb)
}

#[test]
fn multipart_unicode_between_modems_for_every_profile() {
    for profile in Profile::ALL {
        let (mut net, mut a, mut b) = two_modems(profile, Latency::Zero);
        // As a host does: storage and indications from what the modem offers.
        let groups = b
            .ok_when_ready(&mut net, &command::storage_support())
            .first()
            .and_then(|l| response::parse_cpms_test(l).ok())
            .unwrap_or_default();
        let support = match b.run(&mut net, &command::indication_support()) {
            r if r.result == FinalResult::Ok => response::parse_cnmi_test(&r.lines[0]).unwrap(),
            _ => {
                // A phone that offers no indications and no storage: it
                // cannot receive over AT, and says so by refusing.
                assert_eq!(profile, Profile::NOKIA);
                assert!(groups.iter().all(Vec::is_empty), "{profile}: {groups:?}");
                assert_ne!(
                    b.run(&mut net, &command::list_all_messages()).result,
                    FinalResult::Ok
                );
                continue;
            }
        };
        let memories: Vec<String> = groups
            .iter()
            .map(|g| {
                if g.iter().any(|m| m == "SM") {
                    "SM".to_string()
                } else {
                    g[0].clone()
                }
            })
            .collect();
        b.ok_when_ready(&mut net, &command::select_storages(&memories));
        b.ok(
            &mut net,
            &command::set_indications(support.choose_cnmi(false)),
        );
        let text = "Ahoj 😀 ".repeat(30);
        for (hex, len) in submit_pdus("+420777000002", &text, false) {
            a.send(&mut net, &hex, len).unwrap();
        }
        b.pump(&mut net);
        let indices: Vec<u32> = b
            .urcs
            .iter()
            .filter_map(|u| match u {
                Urc::NewMessage(i) => Some(i.index),
                _ => None,
            })
            .collect();
        let stored = b.stored(&mut net);
        assert_eq!(stored.len(), indices.len(), "{profile}");
        assert!(stored.len() >= 4, "{profile}");
        let mut joined = String::new();
        for m in &stored {
            let d = decode_hex(&m.pdu, true).unwrap();
            let Pdu::Deliver(d) = d.pdu else { panic!() };
            assert_eq!(d.originator.value, "+420777000001");
            joined.push_str(d.user_data.payload.text().unwrap());
        }
        assert_eq!(joined, text, "{profile}");
        for i in indices {
            b.ok(&mut net, &command::delete_message(i));
        }
        assert!(b.stored(&mut net).is_empty(), "storage really deletes");
    }
}

#[test]
fn phone_inbox_and_status_report() {
    let (mut net, mut a, _) = two_modems(Profile::GENERIC, Latency::Realistic);
    a.ok(&mut net, &command::set_indications([2, 1, 0, 1, 0]));
    let (hex, len) = submit_pdus("+420999888777", "Hello phone", true).remove(0);
    let before = a.now;
    let mr = a.send(&mut net, &hex, len).unwrap();
    assert!(
        a.now - before >= Duration::from_secs(1),
        "realistic SMSC latency"
    );
    a.now += Duration::from_secs(1);
    a.pump(&mut net);
    let inbox = net.phone_inbox("+420999888777");
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].text, "Hello phone");
    assert!(inbox[0].report_requested);
    let report = a
        .urcs
        .iter()
        .find_map(|u| match u {
            Urc::StatusReport { pdu, .. } => Some(pdu.clone()),
            _ => None,
        })
        .expect("status report");
    let Pdu::StatusReport(r) = decode_hex(&report, true).unwrap().pdu else {
        panic!()
    };
    assert_eq!(r.message_reference, mr);
    assert_eq!(r.recipient.value, "+420999888777");
}

#[test]
fn direct_delivery_in_phase_2_plus_needs_cnma() {
    let (mut net, _, mut b) = two_modems(Profile::SIMCOM, Latency::Zero);
    b.ok(
        &mut net,
        &Command::new("AT+CSMS=1", plutanium_at::CommandClass::Quick),
    );
    b.ok(&mut net, &command::set_indications([2, 2, 0, 0, 0]));
    net.phone_send("+420111222333", "+420777000002", "direct", b.now)
        .unwrap();
    b.pump(&mut net);
    assert!(matches!(&b.urcs[..], [Urc::Message { .. }]), "{:?}", b.urcs);
    // Not acknowledged: the network delivers it again later.
    b.now += Duration::from_secs(16);
    b.pump(&mut net);
    assert_eq!(b.urcs.len(), 2, "{:?}", b.urcs);
    b.ok(&mut net, &command::acknowledge_message());
    b.now += Duration::from_secs(60);
    b.pump(&mut net);
    assert_eq!(b.urcs.len(), 2, "acknowledged: no more deliveries");
    // +CNMA with nothing to acknowledge is an error.
    assert!(matches!(
        b.run(&mut net, &command::acknowledge_message()).result,
        FinalResult::Cms(..)
    ));
}

#[test]
fn calls_and_ussd() {
    let (mut net, mut a, _) = two_modems(Profile::GENERIC, Latency::Zero);
    a.ok(&mut net, &command::caller_id(true));
    net.call("+420111222333", "+420777000001", a.now).unwrap();
    a.pump(&mut net);
    assert!(matches!(&a.urcs[..], [Urc::Ring, Urc::CallerId(c)] if c.number == "+420111222333"));
    a.ok(&mut net, &command::hang_up());
    a.now += Duration::from_secs(30);
    a.pump(&mut net);
    assert_eq!(a.urcs.len(), 2, "no more rings after hang-up");
    a.ok(&mut net, &command::ussd("*100#").unwrap());
    a.pump(&mut net);
    assert!(
        matches!(a.urcs.last(), Some(Urc::Ussd(u)) if u.text.as_deref() == Some("Your balance is 12.50 EUR"))
    );
}

#[test]
fn faults_send_error_sim_busy_hang_garbage() {
    let (mut net, mut a, _) = two_modems(Profile::GENERIC, Latency::Zero);
    let (hex, len) = submit_pdus("+420999888777", "x", false).remove(0);
    net.inject(
        a.modem,
        Fault::SendError {
            code: 500,
            count: 1,
        },
        a.now,
    )
    .unwrap();
    assert_eq!(
        a.send(&mut net, &hex, len),
        Err(FinalResult::Cms(plutanium_at::CmsError(500), None))
    );
    assert!(a.send(&mut net, &hex, len).is_ok(), "only one failure");
    net.inject(a.modem, Fault::SimBusy { count: 1 }, a.now)
        .unwrap();
    assert!(matches!(
        a.run(&mut net, &command::list_all_messages()).result,
        FinalResult::Cms(plutanium_at::CmsError(314), _)
    ));
    net.inject(a.modem, Fault::Hang { duration: None }, a.now)
        .unwrap();
    a.parser.start(&command::at());
    net.input(a.modem, b"AT\r", a.now);
    assert!(a.pump(&mut net).is_empty(), "a hung modem says nothing");
    a.parser.abort();
    net.inject(a.modem, Fault::Clear, a.now).unwrap();
    net.inject(a.modem, Fault::Garbage { bytes: 50 }, a.now)
        .unwrap();
    a.pump(&mut net);
    a.ok(&mut net, &command::at());
}

#[test]
fn unplugged_modem_keeps_messages_for_the_sweep() {
    let (mut net, _, mut b) = two_modems(Profile::HUAWEI, Latency::Zero);
    net.inject(b.modem, Fault::Unplug, b.now).unwrap();
    net.phone_send("+420111222333", "+420777000002", "while away", b.now)
        .unwrap();
    net.inject(b.modem, Fault::Replug, b.now).unwrap();
    b.parser.reset();
    // After the re-plug the modem booted again: echo is back on.
    b.init(&mut net);
    let stored = b.stored(&mut net);
    assert_eq!(stored.len(), 1);
    let Pdu::Deliver(d) = decode_hex(&stored[0].pdu, true).unwrap().pdu else {
        panic!()
    };
    assert_eq!(d.user_data.payload.text(), Some("while away"));
}

#[test]
fn full_storage_waits_at_the_smsc() {
    let mut net = Network::new(1, Latency::Zero, EPOCH);
    let mut cfg = ModemConfig::new("b", "+420777000002");
    cfg.storage_capacity = 2;
    let b = net.add_modem(cfg).unwrap();
    let mut host = Host::new(b);
    host.init(&mut net);
    host.ok(&mut net, &command::set_indications([2, 1, 0, 0, 0]));
    for i in 0..3 {
        net.phone_send("+420111", "+420777000002", &format!("m{i}"), host.now)
            .unwrap();
    }
    assert_eq!(host.stored(&mut net).len(), 2);
    assert_eq!(net.modems()[0].waiting, 1);
    host.ok(&mut net, &command::delete_message(0));
    let texts: Vec<String> = host
        .stored(&mut net)
        .iter()
        .map(|m| {
            let Pdu::Deliver(d) = decode_hex(&m.pdu, true).unwrap().pdu else {
                panic!()
            };
            d.user_data.payload.text().unwrap().to_string()
        })
        .collect();
    assert_eq!(texts, vec!["m2", "m1"]);
}

#[test]
fn pin_required_after_replug() {
    let mut net = Network::new(1, Latency::Zero, EPOCH);
    let mut cfg = ModemConfig::new("a", "+420777000001");
    cfg.pin = Some("1234".into());
    let a = net.add_modem(cfg).unwrap();
    let mut host = Host::new(a);
    host.init(&mut net);
    let lines = host.ok(&mut net, &command::pin_status());
    assert_eq!(
        response::parse_cpin(&lines[0]).unwrap(),
        response::PinState::SimPin
    );
    host.ok(&mut net, &command::enter_pin("1234", None).unwrap());
    let lines = host.ok(&mut net, &command::pin_status());
    assert!(response::parse_cpin(&lines[0]).unwrap().is_ready());
}
