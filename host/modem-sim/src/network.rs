//! The simulated network: modems, virtual phones, the SMSC, timing and faults.
//!
//! Sans-IO: time is passed in as a [`Duration`] since the network started, and
//! every byte a modem writes waits in its output queue until a front end takes it.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};
use std::time::Duration;

use plutanium_sms::{
    Address, ConcatKey, DataCoding, Deliver, EncodeOptions, Pdu, Pushed, Reassembler,
    ReassemblyLimits, SmscPdu, StatusReport, Submit, Timestamp, TpStatus, TypeOfNumber, UserData,
};

use crate::modem::{Effect, Modem, ModemConfig};

/// The SMSC every simulated modem uses.
pub const SMSC: &str = "+420603052000";

/// Index of a modem in its network.
pub type ModemId = usize;

/// How long the network takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Latency {
    /// No delay at all: for benchmarks and fast tests.
    #[default]
    Zero,
    /// Like a real SMSC: 1–6 s per SMS, about a second for USSD.
    Realistic,
}

/// A fault to inject into one modem.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Stop answering (input is swallowed) for this long, or until [`Fault::Clear`].
    Hang {
        /// How long; `None` until cleared.
        duration: Option<Duration>,
    },
    /// The USB cable is pulled: connections drop and new ones are refused.
    Unplug,
    /// Plugged back in: the modem boots again (settings reset, PIN asked again).
    Replug,
    /// This many random bytes appear on the line.
    Garbage {
        /// How many bytes.
        bytes: usize,
    },
    /// The next `count` sends fail with `+CMS ERROR: code`.
    SendError {
        /// The CMS error code (for example 500, 38, 330).
        code: u16,
        /// How many sends fail.
        count: u32,
    },
    /// The next `count` SIM commands answer "SIM busy".
    SimBusy {
        /// How many commands.
        count: u32,
    },
    /// Every send takes this much longer.
    SlowSmsc {
        /// The extra delay.
        extra: Duration,
    },
    /// URCs are written at once, even in the middle of an answer.
    InterleaveUrcs,
    /// The next incoming SMS is reported twice: directly (`+CMT`) and stored (`+CMTI`).
    DuplicateDelivery,
    /// The next `count` status reports are lost.
    DropStatusReport {
        /// How many.
        count: u32,
    },
    /// The next `count` answers come `delay` late (after a host's timeout, say).
    SlowAnswers {
        /// How late.
        delay: Duration,
        /// How many answers.
        count: u32,
    },
    /// Remove every fault (and end a hang).
    Clear,
}

/// What a virtual phone received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneMessage {
    /// Sender number.
    pub from: String,
    /// Whole text (multipart messages joined).
    pub text: String,
    /// Number of parts it came in.
    pub parts: usize,
    /// Whether a status report was requested.
    pub report_requested: bool,
    /// When it arrived, time since the network started.
    pub received_at: Duration,
}

/// A virtual phone: anything with a number that is not a simulated modem.
#[derive(Debug)]
struct Phone {
    inbox: Vec<PhoneMessage>,
    parts: Reassembler<(String, bool)>,
}

impl Phone {
    fn new() -> Self {
        Phone {
            inbox: Vec::new(),
            parts: Reassembler::new(ReassemblyLimits::default()),
        }
    }
}

/// An error from the network's own API (not an AT error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// No modem has this name or number.
    #[error("no simulated modem {0:?}")]
    UnknownModem(String),
    /// A modem with this name or number already exists.
    #[error("a simulated modem named or numbered {0:?} already exists")]
    DuplicateModem(String),
    /// The modem is unplugged.
    #[error("simulated modem {0:?} is unplugged")]
    Unplugged(String),
    /// A number or text the codec refused.
    #[error("cannot build the SMS: {0}")]
    Codec(#[from] plutanium_sms::Error),
    /// A front end could not be set up.
    #[error("{0}")]
    Io(String),
}

/// A summary of one modem, for the control API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModemSummary {
    /// Name.
    pub name: String,
    /// Number.
    pub number: String,
    /// Profile name.
    pub profile: &'static str,
    /// Whether it is plugged in.
    pub plugged: bool,
    /// Messages in its storage.
    pub stored: usize,
    /// Messages waiting at the SMSC because its storage is full.
    pub waiting: usize,
}

#[derive(Debug)]
enum Action {
    FinishSend {
        modem: ModemId,
        result: Result<u8, u16>,
    },
    DeliverToModem {
        modem: ModemId,
        pdu: Vec<u8>,
        tpdu_len: usize,
        /// For a retry of a direct delivery: its id and attempt number.
        retry_of: Option<(u64, u32)>,
    },
    DeliverToPhone {
        number: String,
        from: String,
        submit: Box<Submit>,
    },
    StatusReport {
        modem: ModemId,
        mr: u8,
        recipient: Address,
        submitted_at: Duration,
    },
    UssdAnswer {
        modem: ModemId,
        code: String,
    },
    Ring {
        modem: ModemId,
        caller: String,
        rings_left: u32,
    },
    /// Late bytes from a slowed modem.
    Emit {
        modem: ModemId,
        bytes: Vec<u8>,
    },
    EndHang {
        modem: ModemId,
        /// Which hang this ends: a later hang is not ended by an earlier timer.
        generation: u64,
    },
}

#[derive(Debug, Default)]
struct ModemFaults {
    slow_answers: Option<(Duration, u32)>,
    send_error: Option<(u16, u32)>,
    slow_smsc: Duration,
    duplicate_next: bool,
    drop_reports: u32,
}

/// A 64-bit SplitMix generator: small, seeded, deterministic.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn between(&mut self, low: Duration, high: Duration) -> Duration {
        let span = high.saturating_sub(low).as_millis().max(1) as u64;
        low + Duration::from_millis(self.next() % span)
    }
}

/// The whole simulated network.
#[derive(Debug)]
pub struct Network {
    modems: Vec<Modem>,
    plugged: Vec<bool>,
    generation: Vec<u64>,
    faults: Vec<ModemFaults>,
    waiting: Vec<VecDeque<(Vec<u8>, usize)>>,
    /// The direct delivery each modem still has to acknowledge with `+CNMA`.
    pending_ack: Vec<Option<u64>>,
    /// Counts hangs per modem, so a timed hang ends only itself.
    hang_generation: Vec<u64>,
    /// Until when a modem's answers wait behind a slowed one.
    answers_held_until: Vec<Duration>,
    next_delivery_id: u64,
    phones: BTreeMap<String, Phone>,
    schedule: BinaryHeap<Reverse<(Duration, u64)>>,
    actions: BTreeMap<u64, Action>,
    sequence: u64,
    rng: Rng,
    latency: Latency,
    epoch_unix: u64,
    next_concat_ref: u8,
    /// Between two RINGs of one call (5 s, as networks do).
    ring_interval: Duration,
}

/// The SCTS for a UNIX time, in UTC (a PDU carries two year digits: 2000-2099).
fn timestamp(unix: u64) -> Timestamp {
    let mut stamp = Timestamp::from_unix(i64::try_from(unix).unwrap_or(i64::MAX), 0);
    stamp.year = stamp.year.clamp(2000, 2099);
    stamp
}

fn smsc() -> Address {
    Address {
        type_of_number: TypeOfNumber::International,
        numbering_plan: plutanium_sms::NumberingPlan::Isdn,
        value: SMSC.to_string(),
    }
}

impl Network {
    /// An empty network. `seed` makes faults and delays repeatable; `epoch_unix`
    /// is the wall-clock time (UNIX seconds) the network starts at, for time stamps.
    pub fn new(seed: u64, latency: Latency, epoch_unix: u64) -> Self {
        Network {
            modems: Vec::new(),
            plugged: Vec::new(),
            generation: Vec::new(),
            faults: Vec::new(),
            waiting: Vec::new(),
            pending_ack: Vec::new(),
            hang_generation: Vec::new(),
            answers_held_until: Vec::new(),
            next_delivery_id: 0,
            phones: BTreeMap::new(),
            schedule: BinaryHeap::new(),
            actions: BTreeMap::new(),
            sequence: 0,
            rng: Rng(seed),
            latency,
            epoch_unix,
            next_concat_ref: (seed & 0xFF) as u8,
            ring_interval: Duration::from_secs(5),
        }
    }

    /// Sets the time between two RINGs of one call (tests shorten it).
    pub fn set_ring_interval(&mut self, interval: Duration) {
        self.ring_interval = interval.max(Duration::from_millis(1));
    }

    /// Adds a modem.
    pub fn add_modem(&mut self, config: ModemConfig) -> Result<ModemId, SimError> {
        if self
            .modems
            .iter()
            .any(|m| m.config.name == config.name || m.config.number == config.number)
        {
            return Err(SimError::DuplicateModem(config.name));
        }
        Address::parse(&config.number)?;
        self.modems.push(Modem::new(config));
        self.plugged.push(true);
        self.generation.push(0);
        self.faults.push(ModemFaults::default());
        self.waiting.push(VecDeque::new());
        self.pending_ack.push(None);
        self.hang_generation.push(0);
        self.answers_held_until.push(Duration::ZERO);
        Ok(self.modems.len() - 1)
    }

    /// The modem with this name or number.
    pub fn modem_id(&self, name_or_number: &str) -> Result<ModemId, SimError> {
        self.modems
            .iter()
            .position(|m| m.config.name == name_or_number || m.config.number == name_or_number)
            .ok_or_else(|| SimError::UnknownModem(name_or_number.to_string()))
    }

    /// Every modem, in the order they were added.
    pub fn modems(&self) -> Vec<ModemSummary> {
        self.modems
            .iter()
            .enumerate()
            .map(|(i, m)| ModemSummary {
                name: m.config.name.clone(),
                number: m.config.number.clone(),
                profile: m.config.profile.name(),
                plugged: self.plugged[i],
                stored: m.storage.iter().filter(|s| s.is_some()).count(),
                waiting: self.waiting[i].len(),
            })
            .collect()
    }

    /// Whether the modem is plugged in, and how many times it was re-plugged.
    /// A front end drops its connection when the generation changes.
    pub fn plug_state(&self, modem: ModemId) -> (bool, u64) {
        (
            self.plugged.get(modem).copied().unwrap_or(false),
            self.generation.get(modem).copied().unwrap_or(0),
        )
    }

    fn schedule(&mut self, at: Duration, action: Action) {
        let seq = self.sequence;
        self.sequence += 1;
        self.schedule.push(Reverse((at, seq)));
        self.actions.insert(seq, action);
    }

    /// When [`Network::tick`] next has something to do.
    pub fn next_wakeup(&self) -> Option<Duration> {
        self.schedule.peek().map(|Reverse((at, _))| *at)
    }

    /// Bytes from the host connected to `modem`.
    pub fn input(&mut self, modem: ModemId, bytes: &[u8], now: Duration) {
        if !self.plugged.get(modem).copied().unwrap_or(false) {
            return;
        }
        let before = self.modems[modem].output.len();
        let effects = self.modems[modem].receive(bytes);
        if self.modems[modem].output.len() > before {
            // A slowed answer is late, and a modem answers in order: whatever it
            // says after a late answer waits for it.
            let at = match self.faults[modem].slow_answers {
                Some((delay, count)) => {
                    self.faults[modem].slow_answers = (count > 1).then_some((delay, count - 1));
                    Some((now + delay).max(self.answers_held_until[modem]))
                }
                None if self.answers_held_until[modem] > now => {
                    Some(self.answers_held_until[modem])
                }
                None => None,
            };
            if let Some(at) = at {
                let late: Vec<u8> = self.modems[modem].output.drain(before..).collect();
                self.answers_held_until[modem] = at;
                self.schedule(at, Action::Emit { modem, bytes: late });
            }
        }
        self.apply(modem, effects, now);
    }

    /// Bytes the modem has written since the last call.
    pub fn take_output(&mut self, modem: ModemId) -> Vec<u8> {
        match self.modems.get_mut(modem) {
            Some(m) if self.plugged[modem] => m.output.drain(..).collect(),
            Some(m) => {
                m.output.clear();
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// Carries out everything due by `now`.
    pub fn tick(&mut self, now: Duration) {
        while let Some(Reverse((at, seq))) = self.schedule.peek().copied() {
            if at > now {
                break;
            }
            self.schedule.pop();
            if let Some(action) = self.actions.remove(&seq) {
                self.run(action, at);
            }
        }
    }

    fn apply(&mut self, modem: ModemId, effects: Vec<Effect>, now: Duration) {
        for effect in effects {
            match effect {
                Effect::Submit { tpdu, mr } => self.submit(modem, &tpdu, mr, now),
                Effect::Ussd { code } => {
                    let delay = match self.latency {
                        Latency::Zero => Duration::ZERO,
                        Latency::Realistic => self
                            .rng
                            .between(Duration::from_millis(500), Duration::from_millis(2000)),
                    };
                    self.schedule(now + delay, Action::UssdAnswer { modem, code });
                }
                Effect::HangUp => {}
                Effect::Acknowledged => self.pending_ack[modem] = None,
                Effect::StorageFreed => self.deliver_waiting(modem, now),
            }
        }
    }

    fn send_delay(&mut self, modem: ModemId) -> Duration {
        let base = match self.latency {
            Latency::Zero => Duration::ZERO,
            Latency::Realistic => self
                .rng
                .between(Duration::from_secs(1), Duration::from_secs(6)),
        };
        base + self.faults[modem].slow_smsc
    }

    fn submit(&mut self, modem: ModemId, tpdu: &[u8], mr: u8, now: Duration) {
        let done = now + self.send_delay(modem);
        if let Some((code, count)) = self.faults[modem].send_error {
            self.faults[modem].send_error = (count > 1).then_some((code, count - 1));
            self.schedule(
                done,
                Action::FinishSend {
                    modem,
                    result: Err(code),
                },
            );
            return;
        }
        let Ok(SmscPdu {
            pdu: Pdu::Submit(submit),
            ..
        }) = plutanium_sms::decode(tpdu, false)
        else {
            self.schedule(
                done,
                Action::FinishSend {
                    modem,
                    result: Err(304),
                },
            );
            return;
        };
        let destination = &submit.destination;
        if destination.type_of_number == TypeOfNumber::Alphanumeric {
            // Nobody can receive at a name: "unassigned number".
            self.schedule(
                done,
                Action::FinishSend {
                    modem,
                    result: Err(1),
                },
            );
            return;
        }
        let from = self.modems[modem].config.number.clone();
        self.schedule(
            done,
            Action::FinishSend {
                modem,
                result: Ok(mr),
            },
        );
        let to = destination.value.clone();
        if submit.status_report_request {
            self.schedule(
                done + Duration::from_millis(1),
                Action::StatusReport {
                    modem,
                    mr,
                    recipient: destination.clone(),
                    submitted_at: done,
                },
            );
        }
        match self.find_modem(&to) {
            Some(target) => {
                let deliver = Deliver {
                    more_messages: false,
                    loop_prevention: false,
                    reply_path: false,
                    status_report_indication: submit.status_report_request,
                    originator: Address::parse(&from).unwrap_or_else(|_| smsc()),
                    protocol_id: submit.protocol_id,
                    data_coding: submit.data_coding,
                    timestamp: self.timestamp(done),
                    user_data: submit.user_data.clone(),
                };
                if let Ok(encoded) = (SmscPdu {
                    smsc: Some(smsc()),
                    pdu: Pdu::Deliver(deliver),
                })
                .encode()
                {
                    self.schedule(
                        done,
                        Action::DeliverToModem {
                            modem: target,
                            pdu: encoded.octets,
                            tpdu_len: encoded.tpdu_len,
                            retry_of: None,
                        },
                    );
                }
            }
            None => self.schedule(
                done,
                Action::DeliverToPhone {
                    number: to,
                    from,
                    submit: Box::new(submit),
                },
            ),
        }
    }

    /// The modem a dialled number reaches: exact match, or the same national digits.
    fn find_modem(&self, number: &str) -> Option<ModemId> {
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        let wanted = digits(number);
        let national = wanted.trim_start_matches('0');
        self.modems.iter().position(|m| {
            let own = digits(&m.config.number);
            m.config.number == number
                || own == wanted
                || (!number.starts_with('+') && national.len() >= 6 && own.ends_with(national))
        })
    }

    fn timestamp(&self, at: Duration) -> Timestamp {
        timestamp(self.epoch_unix + at.as_secs())
    }

    fn run(&mut self, action: Action, now: Duration) {
        match action {
            Action::FinishSend { modem, result } => {
                let effects = self.modems[modem].finish_send(result);
                self.apply(modem, effects, now);
            }
            Action::DeliverToModem {
                modem,
                pdu,
                tpdu_len,
                retry_of,
            } => self.deliver_to_modem(modem, pdu, tpdu_len, retry_of, now),
            Action::DeliverToPhone {
                number,
                from,
                submit,
            } => self.deliver_to_phone(&number, &from, *submit, now),
            Action::StatusReport {
                modem,
                mr,
                recipient,
                submitted_at,
            } => self.status_report(modem, mr, recipient, submitted_at, now),
            Action::UssdAnswer { modem, code } => {
                let answer = if code == "*100#" {
                    "Your balance is 12.50 EUR".to_string()
                } else {
                    format!("Unknown service {code}")
                };
                self.modems[modem].urc(&format!("+CUSD: 0,\"{answer}\",15"));
            }
            Action::Ring {
                modem,
                caller,
                rings_left,
            } => {
                let m = &mut self.modems[modem];
                if m.ringing.as_deref() != Some(caller.as_str()) {
                    return;
                }
                if rings_left == 0 {
                    m.ringing = None;
                    m.urc("NO CARRIER");
                    return;
                }
                m.urc("RING");
                if m.clip_enabled() {
                    m.urc(&format!("+CLIP: \"{caller}\",145,,,,0"));
                }
                self.schedule(
                    now + self.ring_interval,
                    Action::Ring {
                        modem,
                        caller,
                        rings_left: rings_left - 1,
                    },
                );
            }
            Action::Emit { modem, bytes } => self.modems[modem].output.extend(bytes),
            Action::EndHang { modem, generation } => {
                if self.hang_generation[modem] == generation {
                    self.modems[modem].hung = false;
                }
            }
        }
    }

    fn deliver_to_modem(
        &mut self,
        modem: ModemId,
        pdu: Vec<u8>,
        tpdu_len: usize,
        retry_of: Option<(u64, u32)>,
        now: Duration,
    ) {
        if let Some((id, _)) = retry_of
            && self.pending_ack[modem] != Some(id)
        {
            // Acknowledged (or the modem rebooted) since: nothing to retry.
            return;
        }
        let plugged = self.plugged[modem];
        let duplicate = std::mem::take(&mut self.faults[modem].duplicate_next);
        let attempt = retry_of.map_or(0, |(_, a)| a);
        let m = &mut self.modems[modem];
        let [_, mt, _, _, _] = m.cnmi();
        let waiting_for_other_ack = m.awaiting_ack && retry_of.is_none();
        let direct = plugged
            && (mt == 2 || mt == 3)
            && m.config.profile.delivers_directly()
            && !waiting_for_other_ack
            && attempt < 3;
        if direct {
            let hex = plutanium_sms::hex::encode(&pdu);
            m.urc(&format!("+CMT: ,{tpdu_len}\r\n{hex}"));
            if m.expects_cnma() {
                m.awaiting_ack = true;
                let id = retry_of.map_or_else(
                    || {
                        self.next_delivery_id += 1;
                        self.next_delivery_id
                    },
                    |(id, _)| id,
                );
                self.pending_ack[modem] = Some(id);
                // Without +CNMA the network tries again later.
                self.schedule(
                    now + Duration::from_secs(15),
                    Action::DeliverToModem {
                        modem,
                        pdu: pdu.clone(),
                        tpdu_len,
                        retry_of: Some((id, attempt + 1)),
                    },
                );
            }
            if !duplicate {
                return;
            }
        } else if retry_of.is_some() {
            // Retried too often without +CNMA: the modem stores it instead.
            m.awaiting_ack = false;
            self.pending_ack[modem] = None;
        }
        self.store_or_wait(modem, pdu, tpdu_len);
    }

    fn store_or_wait(&mut self, modem: ModemId, pdu: Vec<u8>, tpdu_len: usize) {
        let m = &mut self.modems[modem];
        let [_, mt, _, _, _] = m.cnmi();
        match m.store(pdu.clone(), tpdu_len, 0) {
            Some(index) => {
                if mt != 0 {
                    m.urc(&format!("+CMTI: \"SM\",{index}"));
                }
            }
            None => self.waiting[modem].push_back((pdu, tpdu_len)),
        }
    }

    fn deliver_waiting(&mut self, modem: ModemId, _now: Duration) {
        while self.modems[modem].storage.iter().any(Option::is_none) {
            let Some((pdu, len)) = self.waiting[modem].pop_front() else {
                break;
            };
            self.store_or_wait(modem, pdu, len);
        }
    }

    fn deliver_to_phone(&mut self, number: &str, from: &str, submit: Submit, now: Duration) {
        let phone = self
            .phones
            .entry(number.to_string())
            .or_insert_with(Phone::new);
        let report = submit.status_report_request;
        let text = match &submit.user_data.payload {
            plutanium_sms::Payload::Text(t) => t.clone(),
            plutanium_sms::Payload::Octets(o) => plutanium_sms::hex::encode(o),
        };
        let Some(concat) = submit.user_data.concat() else {
            phone.inbox.push(PhoneMessage {
                from: from.to_string(),
                text,
                parts: 1,
                report_requested: report,
                received_at: now,
            });
            return;
        };
        let key = ConcatKey {
            sender: from.to_string(),
            reference: concat.reference,
            total: concat.total,
        };
        let outcome = phone.parts.push(key, concat.sequence, (text, report), now);
        if let Pushed::Complete(parts) = outcome.pushed {
            phone.inbox.push(PhoneMessage {
                from: from.to_string(),
                parts: parts.len(),
                report_requested: parts.iter().any(|(_, r)| *r),
                text: parts.into_iter().map(|(t, _)| t).collect(),
                received_at: now,
            });
        }
    }

    fn status_report(
        &mut self,
        modem: ModemId,
        mr: u8,
        recipient: Address,
        submitted_at: Duration,
        now: Duration,
    ) {
        if self.faults[modem].drop_reports > 0 {
            self.faults[modem].drop_reports -= 1;
            return;
        }
        let report = StatusReport {
            more_messages: false,
            loop_prevention: false,
            for_command: false,
            message_reference: mr,
            recipient,
            timestamp: self.timestamp(submitted_at),
            discharge_time: self.timestamp(now),
            status: TpStatus(0),
            protocol_id: None,
            data_coding: None,
            user_data: None,
        };
        let Ok(encoded) = (SmscPdu {
            smsc: Some(smsc()),
            pdu: Pdu::StatusReport(report),
        })
        .encode() else {
            return;
        };
        let m = &mut self.modems[modem];
        let [_, _, _, ds, _] = m.cnmi();
        match ds {
            1 => {
                let hex = plutanium_sms::hex::encode(&encoded.octets);
                m.urc(&format!("+CDS: {}\r\n{hex}", encoded.tpdu_len));
            }
            2 => {
                if let Some(index) = m.store(encoded.octets, encoded.tpdu_len, 0) {
                    m.urc(&format!("+CDSI: \"SM\",{index}"));
                }
            }
            _ => {}
        }
    }

    /// A virtual phone sends `text` to a modem (by number); returns the parts sent.
    pub fn phone_send(
        &mut self,
        from: &str,
        to: &str,
        text: &str,
        now: Duration,
    ) -> Result<usize, SimError> {
        let reference = self.next_concat_ref;
        self.next_concat_ref = self.next_concat_ref.wrapping_add(1);
        self.phone_send_parts(from, to, text, reference, None, now)
    }

    /// Like [`Network::phone_send`], with the concatenation reference given,
    /// delivering only the parts `only` names (0-based) when it is `Some`:
    /// the network delivering a long message's parts far apart. Returns how
    /// many parts the whole message has.
    pub fn phone_send_parts(
        &mut self,
        from: &str,
        to: &str,
        text: &str,
        reference: u8,
        only: Option<&[usize]>,
        now: Duration,
    ) -> Result<usize, SimError> {
        let modem = self
            .find_modem(to)
            .ok_or_else(|| SimError::UnknownModem(to.to_string()))?;
        let originator = Address::parse(from)?;
        let split = plutanium_sms::split(
            text,
            &EncodeOptions {
                concat_ref: plutanium_sms::ConcatRef::Eight(reference),
                ..EncodeOptions::default()
            },
        )?;
        let data_coding = DataCoding::new(split.counted.alphabet, None);
        let delay = match self.latency {
            Latency::Zero => Duration::ZERO,
            Latency::Realistic => self
                .rng
                .between(Duration::from_millis(200), Duration::from_millis(1500)),
        };
        let parts = split.parts.len();
        for (index, user_data) in split.parts.into_iter().enumerate() {
            if only.is_some_and(|only| !only.contains(&index)) {
                continue;
            }
            let pdu = self.deliver_pdu(&originator, data_coding, user_data, now + delay)?;
            let tpdu_len = pdu.tpdu_len;
            self.schedule(
                now + delay,
                Action::DeliverToModem {
                    modem,
                    pdu: pdu.octets,
                    tpdu_len,
                    retry_of: None,
                },
            );
        }
        self.tick(now);
        Ok(parts)
    }

    fn deliver_pdu(
        &self,
        originator: &Address,
        data_coding: DataCoding,
        user_data: UserData,
        at: Duration,
    ) -> Result<plutanium_sms::EncodedPdu, SimError> {
        let deliver = Deliver {
            more_messages: false,
            loop_prevention: false,
            reply_path: false,
            status_report_indication: false,
            originator: originator.clone(),
            protocol_id: 0,
            data_coding,
            timestamp: self.timestamp(at),
            user_data,
        };
        Ok(SmscPdu {
            smsc: Some(smsc()),
            pdu: Pdu::Deliver(deliver),
        }
        .encode()?)
    }

    /// A virtual phone calls a modem: it rings five times, then the caller gives up.
    pub fn call(&mut self, from: &str, to: &str, now: Duration) -> Result<(), SimError> {
        let modem = self
            .find_modem(to)
            .ok_or_else(|| SimError::UnknownModem(to.to_string()))?;
        self.modems[modem].ringing = Some(from.to_string());
        self.schedule(
            now,
            Action::Ring {
                modem,
                caller: from.to_string(),
                rings_left: 5,
            },
        );
        self.tick(now);
        Ok(())
    }

    /// What a virtual phone has received.
    pub fn phone_inbox(&self, number: &str) -> Vec<PhoneMessage> {
        self.phones
            .get(number)
            .map(|p| p.inbox.clone())
            .unwrap_or_default()
    }

    /// Injects a fault into a modem.
    pub fn inject(&mut self, modem: ModemId, fault: Fault, now: Duration) -> Result<(), SimError> {
        if modem >= self.modems.len() {
            return Err(SimError::UnknownModem(modem.to_string()));
        }
        match fault {
            Fault::Hang { duration } => {
                self.modems[modem].hung = true;
                self.hang_generation[modem] += 1;
                if let Some(d) = duration {
                    let generation = self.hang_generation[modem];
                    self.schedule(now + d, Action::EndHang { modem, generation });
                }
            }
            Fault::Unplug => {
                self.plugged[modem] = false;
                self.generation[modem] += 1;
            }
            Fault::Replug => {
                if !self.plugged[modem] {
                    self.plugged[modem] = true;
                    self.generation[modem] += 1;
                    self.modems[modem].power_on();
                    self.pending_ack[modem] = None;
                }
            }
            Fault::Garbage { bytes } => {
                let noise: Vec<u8> = (0..bytes).map(|_| (self.rng.next() & 0xFF) as u8).collect();
                self.modems[modem].output.extend(noise);
            }
            Fault::SendError { code, count } => {
                self.faults[modem].send_error = (count > 0).then_some((code, count));
            }
            Fault::SimBusy { count } => self.modems[modem].sim_busy = count,
            Fault::SlowSmsc { extra } => self.faults[modem].slow_smsc = extra,
            Fault::InterleaveUrcs => self.modems[modem].interleave_urcs = true,
            Fault::DuplicateDelivery => self.faults[modem].duplicate_next = true,
            Fault::DropStatusReport { count } => self.faults[modem].drop_reports = count,
            Fault::SlowAnswers { delay, count } => {
                self.faults[modem].slow_answers = (count > 0).then_some((delay, count));
            }
            Fault::Clear => {
                self.faults[modem] = ModemFaults::default();
                let m = &mut self.modems[modem];
                m.hung = false;
                m.interleave_urcs = false;
                m.sim_busy = 0;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        let ts = timestamp(1_795_631_805); // 2026-11-25T18:36:45Z
        assert_eq!(ts.to_rfc3339(), "2026-11-25T18:36:45+00:00");
    }
}
