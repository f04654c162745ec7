//! One simulated modem: its AT interpreter, SIM, settings and message storage.
//!
//! The modem only talks to its host. Everything that involves the rest of the
//! network (sending, USSD, hanging up a call) is returned as an [`Effect`] for
//! the [`crate::Network`] to carry out.
//!
//! This file holds the modem's state and its input side: bytes from the host
//! become lines and PDUs, which wait while a send is in progress. The rest is
//! in `modem/`, by what a reader looks for:
//!
//! - `output`: what the modem writes, final result codes and held-back URCs;
//! - `syntax`: splitting a command line and reading arguments;
//! - `dispatch`: a command line run command by command, the basic commands and
//!   general settings (`+CMEE`, `+CSCS`), and which group runs the rest;
//! - `sms`: the SMS commands, sending, and storage (`+CMGS`, `+CMGR`, `+CMGL`,
//!   `+CMGD`, `+CPMS`, `+CNMI`, `+CNMA` ...);
//! - `storage`: the memories (`SM`, `ME`, `SR` ...) and the `+CPMS` selection;
//! - `sim`: SIM state, PIN and PUK, and which commands need the SIM;
//! - `status`: identity and network status, fixed values (`+CGMI`, `+CREG` ...);
//! - `calls` and `ussd`: `+CLIP`, `ATH`/`+CHUP` and `+CUSD`;
//! - `vendor`: Huawei's `^` commands, and the noise some makes print.
//!
//! Where real firmware departs from the standard, the modem asks its
//! profile's [`Spec`](crate::profile::Spec).

mod calls;
mod dispatch;
mod output;
mod sim;
mod sms;
mod status;
mod storage;
mod syntax;
mod ussd;
mod vendor;

use std::collections::VecDeque;

use crate::line_reader::{Input, LineReader};
use crate::profile::{Profile, UssdRequest};
use output::Fail;
use sim::Sim;
use storage::{Storage, Stored};

/// How a modem is set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModemConfig {
    /// The modem's name (the `sim://NAME` it is reached by).
    pub name: String,
    /// Its phone number, international form (`+420777000001`).
    pub number: String,
    /// Which real modem it imitates.
    pub profile: Profile,
    /// The SIM PIN; `None` for a SIM without PIN lock.
    pub pin: Option<String>,
    /// The SIM PUK.
    pub puk: String,
    /// Message slots in each memory (unless the profile has its own number).
    pub storage_capacity: usize,
    /// IMEI.
    pub imei: String,
    /// IMSI.
    pub imsi: String,
}

impl ModemConfig {
    /// A modem with a generic profile, no PIN and 30 storage slots.
    pub fn new(name: impl Into<String>, number: impl Into<String>) -> Self {
        let name = name.into();
        let number = number.into();
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        let tail = |n: usize| {
            let padded = format!("{digits:0>n$}");
            padded[padded.len() - n..].to_string()
        };
        ModemConfig {
            imei: format!("35{}", tail(13)),
            imsi: format!("23001{}", tail(10)),
            name,
            number,
            profile: Profile::GENERIC,
            pin: None,
            puk: "12345678".into(),
            storage_capacity: 30,
        }
    }
}

/// What the modem asks the network to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Send this SMS-SUBMIT TPDU with message reference `mr`; the network
    /// answers with [`Modem::finish_send`].
    Submit { tpdu: Vec<u8>, mr: u8 },
    /// Start a USSD session.
    Ussd { code: String },
    /// The host hung up the ringing call.
    HangUp,
    /// The host acknowledged the last direct `+CMT`.
    Acknowledged,
    /// A storage slot was freed: the network may deliver waiting messages.
    StorageFreed,
}

/// The state a modem returns to at power-up.
#[derive(Clone, Debug)]
struct Settings {
    echo: bool,
    cmee: u8,
    pdu_mode: bool,
    cnmi: [u8; 5],
    clip: bool,
    creg: u8,
    cgreg: u8,
    cscs: String,
    csms: u8,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            echo: true,
            cmee: 0,
            pdu_mode: false,
            cnmi: [0, 0, 0, 0, 0],
            clip: false,
            creg: 0,
            cgreg: 0,
            cscs: "IRA".into(),
            csms: 0,
        }
    }
}

/// One simulated modem.
#[derive(Debug)]
pub(crate) struct Modem {
    pub(crate) config: ModemConfig,
    settings: Settings,
    sim: Sim,
    pub(crate) storage: Storage,
    reader: LineReader,
    /// Bytes waiting to be written to the host.
    pub(crate) output: VecDeque<u8>,
    /// URCs held back while a send is in progress.
    held_urcs: Vec<u8>,
    /// Input that arrived while a send was in progress.
    deferred: VecDeque<Input>,
    pending_send_len: Option<usize>,
    /// The command line just run ends without a final result (a profile's
    /// quirk: `+CPIN?` on some Wavecom firmware).
    no_final_result: bool,
    pub(crate) sending: bool,
    next_mr: u8,
    /// Signal queries answered so far: the simulated signal walks with it.
    signal_step: u32,
    pub(crate) ringing: Option<String>,
    /// A direct `+CMT` waiting for `+CNMA`.
    pub(crate) awaiting_ack: bool,
    /// Fault: input is ignored and nothing is answered.
    pub(crate) hung: bool,
    /// Fault: URCs are written at once, in the middle of answers.
    pub(crate) interleave_urcs: bool,
    /// Fault: the next N SIM commands answer "SIM busy".
    pub(crate) sim_busy: u32,
    /// Fault: the next N reads of the SMSC and the storages answer "SIM
    /// busy", or (`true`) nothing.
    pub(crate) sms_not_ready: Option<(u32, bool)>,
    /// Fault: the next N `AT+CMGS` get no prompt and no answer.
    pub(crate) swallow_sends: u32,
    /// [`Fault::CpmsAtMost`](crate::Fault::CpmsAtMost).
    pub(crate) cpms_at_most: Option<usize>,
    /// Fault: `AT+CNMI=` is refused.
    pub(crate) no_indications: bool,
    /// Fault: `AT+CMGL` and `AT+CMGR` are refused.
    pub(crate) unreadable_storage: bool,
    /// Fault: the next N incoming SMS are stored in `ME` whatever the
    /// receive memory is.
    pub(crate) store_in_me: u32,
    /// Reads of SMS data left that answer "SIM busy" after power-up (the
    /// profile's [`busy_after_power_on`](crate::profile::Spec::busy_after_power_on)).
    pub(crate) busy_after_power_on: u32,
    answers: u64,
    /// Huawei `^CURC`: whether `^RSSI` and friends are printed.
    vendor_noise: bool,
    /// Whether `+CUSD` takes a code as text (Huawei: after `^USSDMODE=0`).
    pub(crate) ussd_text: bool,
}

impl Modem {
    pub(crate) fn new(config: ModemConfig) -> Self {
        let storage = Storage::new(config.profile.spec(), config.storage_capacity);
        let mut modem = Modem {
            config,
            settings: Settings::default(),
            sim: Sim::Ready,
            storage,
            reader: LineReader::default(),
            output: VecDeque::new(),
            held_urcs: Vec::new(),
            deferred: VecDeque::new(),
            pending_send_len: None,
            no_final_result: false,
            sending: false,
            next_mr: 0,
            signal_step: 0,
            ringing: None,
            awaiting_ack: false,
            hung: false,
            interleave_urcs: false,
            sim_busy: 0,
            sms_not_ready: None,
            swallow_sends: 0,
            cpms_at_most: None,
            no_indications: false,
            unreadable_storage: false,
            store_in_me: 0,
            busy_after_power_on: 0,
            ussd_text: true,
            answers: 0,
            vendor_noise: true,
        };
        modem.power_on();
        modem
    }

    /// Back to power-up state: settings reset, PIN asked again; storage kept (it is on the SIM).
    pub(crate) fn power_on(&mut self) {
        self.settings = Settings::default();
        self.sim = match self.config.pin {
            Some(_) => Sim::NeedPin { tries_left: 3 },
            None => Sim::Ready,
        };
        self.reader = LineReader::default();
        self.output.clear();
        self.held_urcs.clear();
        self.deferred.clear();
        self.pending_send_len = None;
        self.sending = false;
        self.awaiting_ack = false;
        self.ringing = None;
        self.hung = false;
        self.vendor_noise = true;
        let spec = self.config.profile.spec();
        self.ussd_text = spec.ussd_request == UssdRequest::Text;
        self.busy_after_power_on = spec.busy_after_power_on;
        self.storage.power_on(spec);
        for line in spec.boot {
            // A locked SIM says so at boot too.
            let line = match (*line, self.sim) {
                ("+CPIN: READY", Sim::NeedPin { .. }) => "+CPIN: SIM PIN",
                (line, _) => line,
            };
            self.info(line);
        }
    }

    /// Stores an incoming SMS in the receive memory (or in `ME`, under the
    /// fault): the memory and slot to announce, `None` when it is full.
    pub(crate) fn store_received(
        &mut self,
        pdu: Vec<u8>,
        tpdu_len: usize,
    ) -> Option<(&'static str, usize)> {
        let memory = if self.store_in_me > 0 {
            self.store_in_me -= 1;
            "ME"
        } else {
            self.storage.selected_name(2)
        };
        self.storage.store(
            memory,
            Stored {
                status: 0,
                pdu,
                tpdu_len,
            },
        )
    }

    /// Whether an incoming SMS would find a free slot.
    pub(crate) fn has_room(&self) -> bool {
        let memory = if self.store_in_me > 0 {
            "ME"
        } else {
            self.storage.selected_name(2)
        };
        self.storage.has_room(memory)
    }

    /// Stores a status report where the make keeps them: the memory its
    /// `+CDSI` names (which a Quectel EC25 gets wrong) and the slot.
    pub(crate) fn store_report(
        &mut self,
        pdu: Vec<u8>,
        tpdu_len: usize,
    ) -> Option<(&'static str, usize)> {
        let spec = self.config.profile.spec();
        let memory = spec
            .reports_stored_in
            .unwrap_or(self.storage.selected_name(2));
        let (stored_in, index) = self.storage.store(
            memory,
            Stored {
                status: 0,
                pdu,
                tpdu_len,
            },
        )?;
        Some((spec.reports_announced_as.unwrap_or(stored_in), index))
    }

    pub(crate) fn cnmi(&self) -> [u8; 5] {
        self.settings.cnmi
    }

    /// Whether the host has acknowledged direct delivery with `+CSMS=1`, so `+CNMA` is expected.
    pub(crate) fn expects_cnma(&self) -> bool {
        self.settings.csms == 1
    }

    /// Bytes from the host. Returns what the network must do.
    pub(crate) fn receive(&mut self, bytes: &[u8]) -> Vec<Effect> {
        if self.hung {
            return Vec::new();
        }
        if self.settings.echo && self.reader.in_pdu_mode() {
            // Echo the PDU characters as a real modem does.
            let echo: Vec<u8> = bytes
                .iter()
                .copied()
                .filter(|&b| b != 0x1A && b != 0x1B)
                .collect();
            self.write(&echo);
        }
        let mut inputs = Vec::new();
        self.reader.feed(bytes, &mut inputs);
        let mut effects = Vec::new();
        for input in inputs {
            if self.sending {
                self.deferred.push_back(input);
            } else {
                self.handle(input, &mut effects);
            }
        }
        effects
    }

    fn handle(&mut self, input: Input, effects: &mut Vec<Effect>) {
        match input {
            Input::Line(line) => self.line(&line, effects),
            Input::Overflow => self.final_result(Err(Fail::Error)),
            Input::PduCancelled => {
                self.pending_send_len = None;
                self.flush_held();
            }
            Input::Pdu(text) => self.pdu(&text, effects),
        }
    }
}

/// Feeds `input` to the modem; returns what it wrote and what the network must do.
/// The tests of every part of the modem talk to it this way.
#[cfg(test)]
fn talk(modem: &mut Modem, input: &str) -> (String, Vec<Effect>) {
    let effects = modem.receive(input.as_bytes());
    let out: Vec<u8> = modem.output.drain(..).collect();
    (String::from_utf8_lossy(&out).into_owned(), effects)
}
