//! The simulated network: modems, virtual phones, the SMSC, timing and faults.
//!
//! Sans-IO: time is passed in as a [`Duration`] since the network started, and
//! every byte a modem writes waits in its output queue until a front end takes it.
//!
//! This file holds the network's state, its clock (the schedule that
//! [`Network::tick`] works through), modems joining, and the bytes to and
//! from them. The rest is in `network/`, by what a reader looks for:
//!
//! - `smsc`: what happens to an SMS a modem sends;
//! - `delivery`: what reaches a modem: SMS (`+CMT`, `+CMTI`, retries without
//!   `+CNMA`, waiting while storage is full) and status reports;
//! - `phones`: virtual phones sending, receiving and calling;
//! - `faults`: the faults that can be injected into a modem.

mod delivery;
mod faults;
mod phones;
mod smsc;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::time::Duration;

use plutanium_sms::{Address, Submit, Timestamp, TypeOfNumber};

use crate::modem::{Effect, Modem, ModemConfig};
pub use faults::Fault;
use faults::ModemFaults;
use phones::Phone;
pub use phones::PhoneMessage;

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
    /// A direct delivery (`+CMT`) still waits for the host's `+CNMA`.
    pub awaiting_cnma: bool,
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
    /// Each modem by the digits of its number: every SMS a modem sends is
    /// looked up here (is it for another modem?), and with hundreds of
    /// modems a walk through them all was the simulator's main cost.
    by_digits: HashMap<String, ModemId>,
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

/// A number's digits: how the network compares numbers.
fn digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
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
            by_digits: HashMap::new(),
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
        self.by_digits
            .entry(digits(&config.number))
            .or_insert(self.modems.len());
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
                stored: m.storage.count(),
                waiting: self.waiting[i].len(),
                awaiting_cnma: self.pending_ack[i].is_some(),
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

    /// The modem a dialled number reaches: exact match, or the same national digits.
    fn find_modem(&self, number: &str) -> Option<ModemId> {
        let wanted = digits(number);
        if let Some(&id) = self.by_digits.get(&wanted) {
            return Some(id);
        }
        // A national number: the modem whose number ends with it.
        let national = wanted.trim_start_matches('0');
        (!number.starts_with('+') && national.len() >= 6)
            .then(|| {
                self.modems
                    .iter()
                    .position(|m| digits(&m.config.number).ends_with(national))
            })
            .flatten()
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
                self.modems[modem].answer_ussd(&answer);
            }
            Action::Ring {
                modem,
                caller,
                rings_left,
            } => self.ring(modem, caller, rings_left, now),
            Action::Emit { modem, bytes } => self.modems[modem].output.extend(bytes),
            Action::EndHang { modem, generation } => {
                if self.hang_generation[modem] == generation {
                    self.modems[modem].hung = false;
                }
            }
        }
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
