//! One simulated modem: its AT interpreter, SIM, settings and message storage.
//!
//! The modem only talks to its host. Everything that involves the rest of the
//! network (sending, USSD, hanging up a call) is returned as an [`Effect`] for
//! the [`crate::Network`] to carry out.

use std::collections::VecDeque;

use crate::line_reader::{Input, LineReader};
use crate::profile::Profile;

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
    /// Message slots in SIM storage.
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
            profile: Profile::Generic,
            pin: None,
            puk: "12345678".into(),
            storage_capacity: 30,
        }
    }
}

/// A message in SIM storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stored {
    /// 0 received unread, 1 received read, 2 stored unsent, 3 stored sent.
    pub(crate) status: u8,
    /// The PDU as the modem prints it: SMSC field and TPDU.
    pub(crate) pdu: Vec<u8>,
    /// Length of the TPDU alone.
    pub(crate) tpdu_len: usize,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sim {
    Ready,
    NeedPin { tries_left: u8 },
    NeedPuk { tries_left: u8 },
    Blocked,
}

/// How a command failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fail {
    Error,
    Cme(u16),
    Cms(u16),
}

type CommandResult = Result<(), Fail>;

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
    pub(crate) storage: Vec<Option<Stored>>,
    reader: LineReader,
    /// Bytes waiting to be written to the host.
    pub(crate) output: VecDeque<u8>,
    /// URCs held back while a send is in progress.
    held_urcs: Vec<u8>,
    /// Input that arrived while a send was in progress.
    deferred: VecDeque<Input>,
    pending_send_len: Option<usize>,
    pub(crate) sending: bool,
    next_mr: u8,
    pub(crate) ringing: Option<String>,
    /// A direct `+CMT` waiting for `+CNMA`.
    pub(crate) awaiting_ack: bool,
    /// Fault: input is ignored and nothing is answered.
    pub(crate) hung: bool,
    /// Fault: URCs are written at once, in the middle of answers.
    pub(crate) interleave_urcs: bool,
    /// Fault: the next N SIM commands answer "SIM busy".
    pub(crate) sim_busy: u32,
    answers: u64,
    /// Huawei `^CURC`: whether `^RSSI` and friends are printed.
    vendor_noise: bool,
}

const SIM_COMMANDS: &[&str] = &[
    "+CMGL", "+CMGR", "+CMGD", "+CMGS", "+CPMS", "+CSCA", "+CIMI", "+CMGW",
];

fn cme_text(code: u16) -> &'static str {
    match code {
        3 => "operation not allowed",
        4 => "operation not supported",
        10 => "SIM not inserted",
        11 => "SIM PIN required",
        12 => "SIM PUK required",
        13 => "SIM failure",
        14 => "SIM busy",
        16 => "incorrect password",
        21 => "invalid index",
        _ => "unknown",
    }
}

fn cms_text(code: u16) -> &'static str {
    match code {
        38 => "network out of order",
        302 => "operation not allowed",
        304 => "invalid PDU mode parameter",
        311 => "SIM PIN required",
        314 => "SIM busy",
        321 => "invalid memory index",
        322 => "memory full",
        330 => "SMSC address unknown",
        _ => "unknown error",
    }
}

/// Splits `AT...` into its commands: basic ones (`E0`, `V1`, `Z`, `H`, `I`, `&F`)
/// and extended ones (`+CMEE=1`) separated by `;`.
fn split_commands(body: &str) -> Result<Vec<String>, Fail> {
    let mut commands = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let first = rest.chars().next().ok_or(Fail::Error)?;
        if matches!(first, '+' | '^' | '$' | '%' | '*') {
            // Extended: up to the next ';' outside quotes.
            let mut in_quotes = false;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '"' => in_quotes = !in_quotes,
                    ';' if !in_quotes => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            commands.push(rest[..end].to_string());
            rest = rest.get(end + 1..).unwrap_or("");
        } else if first == ';' {
            rest = &rest[1..];
        } else {
            // Basic: optional '&', one letter, then digits.
            let mut len = first.len_utf8();
            if first == '&' {
                len += rest[len..].chars().next().map_or(0, char::len_utf8);
            }
            len += rest[len..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .map(char::len_utf8)
                .sum::<usize>();
            commands.push(rest[..len].to_string());
            rest = &rest[len..];
        }
    }
    Ok(commands)
}

/// An extended command split into name and form.
enum Form<'a> {
    Action,
    Query,
    Test,
    Set(&'a str),
}

fn parse_extended(command: &str) -> (String, Form<'_>) {
    if let Some((name, args)) = command.split_once('=') {
        let name = name.to_ascii_uppercase();
        if args == "?" {
            (name, Form::Test)
        } else {
            (name, Form::Set(args))
        }
    } else if let Some(name) = command.strip_suffix('?') {
        (name.to_ascii_uppercase(), Form::Query)
    } else {
        (command.to_ascii_uppercase(), Form::Action)
    }
}

fn args(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    for c in text.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out.into_iter().map(|a| a.trim().to_string()).collect()
}

fn number_arg<T: std::str::FromStr>(args: &[String], index: usize) -> Result<Option<T>, Fail> {
    match args.get(index).map(String::as_str) {
        None | Some("") => Ok(None),
        Some(a) => a.parse().map(Some).map_err(|_| Fail::Error),
    }
}

impl Modem {
    pub(crate) fn new(config: ModemConfig) -> Self {
        let storage = vec![None; config.storage_capacity];
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
            sending: false,
            next_mr: 0,
            ringing: None,
            awaiting_ack: false,
            hung: false,
            interleave_urcs: false,
            sim_busy: 0,
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
    }

    pub(crate) fn cnmi(&self) -> [u8; 5] {
        self.settings.cnmi
    }

    pub(crate) fn clip_enabled(&self) -> bool {
        self.settings.clip
    }

    /// Whether the host has acknowledged direct delivery with `+CSMS=1`, so `+CNMA` is expected.
    pub(crate) fn expects_cnma(&self) -> bool {
        self.config.profile.needs_cnma() || self.settings.csms == 1
    }

    fn write(&mut self, bytes: &[u8]) {
        self.output.extend(bytes);
    }

    fn info(&mut self, line: &str) {
        self.write(b"\r\n");
        self.write(line.as_bytes());
        self.write(b"\r\n");
    }

    fn final_result(&mut self, result: CommandResult) {
        match result {
            Ok(()) => self.write(b"\r\nOK\r\n"),
            Err(Fail::Error) => self.write(b"\r\nERROR\r\n"),
            Err(Fail::Cme(code)) => match self.settings.cmee {
                0 => self.write(b"\r\nERROR\r\n"),
                1 => self.info(&format!("+CME ERROR: {code}")),
                _ => self.info(&format!("+CME ERROR: {}", cme_text(code))),
            },
            Err(Fail::Cms(code)) => match self.settings.cmee {
                0 => self.write(b"\r\nERROR\r\n"),
                1 => self.info(&format!("+CMS ERROR: {code}")),
                _ => self.info(&format!("+CMS ERROR: {}", cms_text(code))),
            },
        }
        self.answers += 1;
        if self.config.profile.noisy() && self.vendor_noise && self.answers.is_multiple_of(5) {
            self.info("^RSSI:17");
        }
    }

    /// Writes a URC now, or holds it until the send in progress is answered.
    pub(crate) fn urc(&mut self, text: &str) {
        let bytes = format!("\r\n{text}\r\n");
        if (self.sending || self.pending_send_len.is_some()) && !self.interleave_urcs {
            self.held_urcs.extend_from_slice(bytes.as_bytes());
        } else {
            self.write(bytes.as_bytes());
        }
    }

    /// Stores a PDU (SMSC field + TPDU); returns its index or `None` when storage is full.
    pub(crate) fn store(&mut self, pdu: Vec<u8>, tpdu_len: usize, status: u8) -> Option<usize> {
        let index = self.storage.iter().position(Option::is_none)?;
        self.storage[index] = Some(Stored {
            status,
            pdu,
            tpdu_len,
        });
        Some(index)
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

    fn flush_held(&mut self) {
        let held = std::mem::take(&mut self.held_urcs);
        self.write(&held);
    }

    /// The network's answer to an [`Effect::Submit`]: `Ok(mr)` or a CMS error code.
    pub(crate) fn finish_send(&mut self, result: Result<u8, u16>) -> Vec<Effect> {
        if !self.sending {
            // The modem rebooted (re-plug) since the send began: nobody waits.
            return Vec::new();
        }
        self.sending = false;
        match result {
            Ok(mr) => {
                self.info(&format!("+CMGS: {mr}"));
                self.final_result(Ok(()));
            }
            Err(code) => self.final_result(Err(Fail::Cms(code))),
        }
        self.flush_held();
        let mut effects = Vec::new();
        while !self.sending {
            let Some(input) = self.deferred.pop_front() else {
                break;
            };
            self.handle(input, &mut effects);
        }
        effects
    }

    fn pdu(&mut self, text: &str, effects: &mut Vec<Effect>) {
        let Some(expected) = self.pending_send_len.take() else {
            self.final_result(Err(Fail::Error));
            return;
        };
        let Ok(octets) = plutanium_sms::hex::decode(text) else {
            self.final_result(Err(Fail::Cms(304)));
            self.flush_held();
            return;
        };
        let smsc_len = octets.first().map_or(0, |&l| usize::from(l));
        let tpdu = octets.get(1 + smsc_len..).unwrap_or_default().to_vec();
        let is_submit = matches!(
            plutanium_sms::decode(&tpdu, false),
            Ok(plutanium_sms::SmscPdu {
                pdu: plutanium_sms::Pdu::Submit(_),
                ..
            })
        );
        if tpdu.len() != expected || !is_submit {
            self.final_result(Err(Fail::Cms(304)));
            self.flush_held();
            return;
        }
        let mr = self.next_mr;
        self.next_mr = self.next_mr.wrapping_add(1);
        self.sending = true;
        effects.push(Effect::Submit { tpdu, mr });
    }

    fn line(&mut self, line: &str, effects: &mut Vec<Effect>) {
        if self.settings.echo {
            self.write(line.as_bytes());
            self.write(b"\r");
        }
        let upper = line.to_ascii_uppercase();
        let Some(body) = upper.strip_prefix("AT").map(|_| &line[2..]) else {
            // Not a command: modems ignore it (or answer ERROR); we answer ERROR.
            self.final_result(Err(Fail::Error));
            return;
        };
        let commands = match split_commands(body) {
            Ok(c) => c,
            Err(f) => {
                self.final_result(Err(f));
                return;
            }
        };
        let mut result = Ok(());
        for command in commands {
            result = self.command(&command, effects);
            if result.is_err() || self.pending_send_len.is_some() {
                break;
            }
        }
        // A send answers later: with the prompt now, with +CMGS after the PDU.
        if self.pending_send_len.is_none() {
            self.final_result(result);
        }
    }

    fn require_sim(&self, command: &str) -> CommandResult {
        let sms = command.starts_with("+CMG") || command.starts_with("+CPMS");
        match self.sim {
            Sim::Ready => Ok(()),
            Sim::NeedPin { .. } if sms => Err(Fail::Cms(311)),
            Sim::NeedPin { .. } => Err(Fail::Cme(11)),
            Sim::NeedPuk { .. } | Sim::Blocked if sms => Err(Fail::Cms(316)),
            Sim::NeedPuk { .. } | Sim::Blocked => Err(Fail::Cme(12)),
        }
    }

    fn command(&mut self, command: &str, effects: &mut Vec<Effect>) -> CommandResult {
        let upper = command.to_ascii_uppercase();
        match upper.as_str() {
            "" => return Ok(()),
            "E0" => {
                self.settings.echo = false;
                return Ok(());
            }
            "E1" | "E" => {
                self.settings.echo = true;
                return Ok(());
            }
            "V1" | "Q0" | "&W" | "X4" => return Ok(()),
            "Z" | "&F" => {
                let echo = self.settings.echo;
                self.settings = Settings {
                    echo,
                    ..Settings::default()
                };
                return Ok(());
            }
            "I" => {
                let (m, model, rev) = (
                    self.config.profile.manufacturer(),
                    self.config.profile.model(),
                    self.config.profile.revision(),
                );
                self.info(&format!("{m} {model} {rev}"));
                return Ok(());
            }
            "H" | "H0" => {
                if self.ringing.take().is_some() {
                    effects.push(Effect::HangUp);
                }
                return Ok(());
            }
            _ => {}
        }
        if let Some(vendor) = upper.strip_prefix('^') {
            // Huawei's own commands (^CURC, ^PORTSEL, ^SYSCFG ...): the Huawei
            // profile accepts them (^CURC=0 silences its noise); other profiles
            // answer ERROR, as real modems do.
            return match (self.config.profile, vendor.split_once('=')) {
                (Profile::Huawei, Some(("CURC", value))) => {
                    self.vendor_noise = value.trim() != "0";
                    Ok(())
                }
                (Profile::Huawei, _) => Ok(()),
                _ => Err(Fail::Error),
            };
        }
        if !command.starts_with('+') {
            return Err(Fail::Error);
        }
        let (name, form) = parse_extended(command);
        if SIM_COMMANDS.contains(&name.as_str()) {
            if self.sim_busy > 0 {
                self.sim_busy -= 1;
                return Err(if name.starts_with("+CMG") {
                    Fail::Cms(314)
                } else {
                    Fail::Cme(14)
                });
            }
            self.require_sim(&name)?;
        }
        let profile = self.config.profile;
        match (name.as_str(), form) {
            ("+CMEE", Form::Set(a)) => {
                let mode = number_arg::<u8>(&args(a), 0)?.unwrap_or(0);
                if mode > 2 {
                    return Err(Fail::Error);
                }
                self.settings.cmee = mode;
            }
            ("+CMEE", Form::Query) => self.info(&format!("+CMEE: {}", self.settings.cmee)),
            ("+CMEE", Form::Test) => self.info("+CMEE: (0-2)"),
            ("+CPIN", Form::Query) => {
                let state = match self.sim {
                    Sim::Ready => "READY",
                    Sim::NeedPin { .. } => "SIM PIN",
                    Sim::NeedPuk { .. } | Sim::Blocked => "SIM PUK",
                };
                self.info(&format!("+CPIN: {state}"));
            }
            ("+CPIN", Form::Set(a)) => return self.enter_pin(&args(a)),
            ("+CMGF", Form::Set(a)) => match number_arg::<u8>(&args(a), 0)? {
                Some(0) => self.settings.pdu_mode = true,
                // Text mode is not simulated: the host must use PDU mode.
                Some(1) => return Err(Fail::Cme(4)),
                _ => return Err(Fail::Error),
            },
            ("+CMGF", Form::Query) => {
                let mode = u8::from(!self.settings.pdu_mode);
                self.info(&format!("+CMGF: {mode}"));
            }
            ("+CMGF", Form::Test) => self.info("+CMGF: (0)"),
            ("+CSCS", Form::Query) => self.info(&format!("+CSCS: \"{}\"", self.settings.cscs)),
            ("+CSCS", Form::Test) => self.info("+CSCS: (\"GSM\",\"UCS2\",\"IRA\")"),
            ("+CSCS", Form::Set(a)) => {
                let cs = args(a).into_iter().next().unwrap_or_default();
                if !["GSM", "UCS2", "IRA"].contains(&cs.as_str()) {
                    return Err(Fail::Error);
                }
                self.settings.cscs = cs;
            }
            ("+CPMS", Form::Test) => self.info("+CPMS: (\"SM\"),(\"SM\"),(\"SM\")"),
            ("+CPMS", Form::Query) => {
                let (used, total) = self.storage_use();
                self.info(&format!(
                    "+CPMS: \"SM\",{used},{total},\"SM\",{used},{total},\"SM\",{used},{total}"
                ));
            }
            ("+CPMS", Form::Set(a)) => {
                if args(a).iter().any(|m| !m.is_empty() && m != "SM") {
                    return Err(Fail::Cms(302));
                }
                let (used, total) = self.storage_use();
                self.info(&format!(
                    "+CPMS: {used},{total},{used},{total},{used},{total}"
                ));
            }
            ("+CNMI", Form::Test) => self.info(profile.cnmi_support()),
            ("+CNMI", Form::Query) => {
                let [m, mt, bm, ds, bfr] = self.settings.cnmi;
                self.info(&format!("+CNMI: {m},{mt},{bm},{ds},{bfr}"));
            }
            ("+CNMI", Form::Set(a)) => {
                let a = args(a);
                let mut cnmi = self.settings.cnmi;
                for (i, slot) in cnmi.iter_mut().enumerate() {
                    if let Some(v) = number_arg::<u8>(&a, i)? {
                        *slot = v;
                    }
                }
                if cnmi[0] > 3 || cnmi[1] > 3 || cnmi[3] > 2 {
                    return Err(Fail::Cms(303));
                }
                self.settings.cnmi = cnmi;
            }
            ("+CSMS", Form::Query) => {
                self.info(&format!("+CSMS: {},1,1,1", self.settings.csms));
            }
            ("+CSMS", Form::Set(a)) => {
                let service = number_arg::<u8>(&args(a), 0)?.unwrap_or(0);
                self.settings.csms = service.min(1);
                self.info("+CSMS: 1,1,1");
            }
            ("+CNMA", Form::Action) => {
                if !self.awaiting_ack {
                    return Err(Fail::Cms(340));
                }
                self.awaiting_ack = false;
                effects.push(Effect::Acknowledged);
            }
            ("+CLIP", Form::Set(a)) => {
                self.settings.clip = number_arg::<u8>(&args(a), 0)? == Some(1);
            }
            ("+CLIP", Form::Query) => {
                self.info(&format!("+CLIP: {},1", u8::from(self.settings.clip)));
            }
            ("+CREG", Form::Set(a)) => {
                self.settings.creg = number_arg::<u8>(&args(a), 0)?.unwrap_or(0).min(2);
            }
            ("+CREG", Form::Query) => {
                self.info(&self.registration_line("+CREG", self.settings.creg))
            }
            ("+CGREG", Form::Set(a)) => {
                self.settings.cgreg = number_arg::<u8>(&args(a), 0)?.unwrap_or(0).min(2);
            }
            ("+CGREG", Form::Query) => {
                self.info(&self.registration_line("+CGREG", self.settings.cgreg));
            }
            ("+CSQ", Form::Action) => self.info("+CSQ: 21,99"),
            ("+CBC", Form::Action) => self.info("+CBC: 0,100,4200"),
            ("+CGATT", Form::Query) => self.info("+CGATT: 1"),
            ("+CFUN", Form::Query) => self.info("+CFUN: 1"),
            ("+CFUN", Form::Set(_)) => {}
            ("+CMMS", Form::Set(_)) => {}
            ("+CUSD", Form::Query) => self.info("+CUSD: 1"),
            ("+CUSD", Form::Set(a)) => {
                let a = args(a);
                if let Some(code) = a.get(1).filter(|c| !c.is_empty()) {
                    self.require_sim("+CUSD")?;
                    effects.push(Effect::Ussd { code: code.clone() });
                }
            }
            ("+COPS", Form::Query) => self.info("+COPS: 0,0,\"Plutanium Sim\",7"),
            ("+CGMI" | "+GMI", Form::Action) => self.info(profile.manufacturer()),
            ("+CGMM" | "+GMM", Form::Action) => self.info(profile.model()),
            ("+CGMR" | "+GMR", Form::Action) => self.info(profile.revision()),
            ("+CGSN" | "+GSN", Form::Action) => {
                let imei = self.config.imei.clone();
                self.info(&imei);
            }
            ("+CIMI", Form::Action) => {
                let imsi = self.config.imsi.clone();
                self.info(&imsi);
            }
            ("+CSCA", Form::Query) => self.info("+CSCA: \"+420603052000\",145"),
            ("+CSCA", Form::Set(_)) => {}
            ("+CHUP", Form::Test) if profile.has_chup() => {}
            ("+CHUP", Form::Action) if profile.has_chup() => {
                if self.ringing.take().is_some() {
                    effects.push(Effect::HangUp);
                }
            }
            ("+CMGL", Form::Set(a)) => self.list(&args(a))?,
            ("+CMGL", Form::Test) => self.info("+CMGL: (0-4)"),
            ("+CMGR", Form::Set(a)) => self.read(&args(a))?,
            ("+CMGD", Form::Set(a)) => {
                self.delete(&args(a))?;
                effects.push(Effect::StorageFreed);
            }
            ("+CMGS", Form::Set(a)) => {
                if !self.settings.pdu_mode {
                    return Err(Fail::Cms(302));
                }
                let len = number_arg::<usize>(&args(a), 0)?.ok_or(Fail::Cms(304))?;
                if !(7..=164).contains(&len) {
                    return Err(Fail::Cms(304));
                }
                self.pending_send_len = Some(len);
                if self.interleave_urcs {
                    self.flush_held();
                }
                self.write(b"\r\n> ");
                self.reader.expect_pdu();
            }
            _ => return Err(Fail::Error),
        }
        Ok(())
    }

    fn registration_line(&self, prefix: &str, mode: u8) -> String {
        if mode == 2 {
            format!("{prefix}: {mode},1,\"00C3\",\"0000A1B2\"")
        } else {
            format!("{prefix}: {mode},1")
        }
    }

    fn storage_use(&self) -> (usize, usize) {
        let used = self.storage.iter().filter(|s| s.is_some()).count();
        (used, self.storage.len())
    }

    fn enter_pin(&mut self, a: &[String]) -> CommandResult {
        let given = a.first().cloned().unwrap_or_default();
        match self.sim {
            Sim::Ready => Err(Fail::Cme(3)),
            Sim::Blocked => Err(Fail::Cme(13)),
            Sim::NeedPin { tries_left } => {
                if Some(&given) == self.config.pin.as_ref() {
                    self.sim = Sim::Ready;
                    Ok(())
                } else {
                    self.sim = if tries_left <= 1 {
                        Sim::NeedPuk { tries_left: 10 }
                    } else {
                        Sim::NeedPin {
                            tries_left: tries_left - 1,
                        }
                    };
                    Err(Fail::Cme(16))
                }
            }
            Sim::NeedPuk { tries_left } => {
                let new_pin = a.get(1).cloned().unwrap_or_default();
                if given == self.config.puk && !new_pin.is_empty() {
                    self.config.pin = Some(new_pin);
                    self.sim = Sim::Ready;
                    Ok(())
                } else {
                    self.sim = if tries_left <= 1 {
                        Sim::Blocked
                    } else {
                        Sim::NeedPuk {
                            tries_left: tries_left - 1,
                        }
                    };
                    Err(Fail::Cme(16))
                }
            }
        }
    }

    fn list(&mut self, a: &[String]) -> CommandResult {
        if !self.settings.pdu_mode {
            return Err(Fail::Cms(302));
        }
        let wanted = number_arg::<u8>(a, 0)?.unwrap_or(0);
        if wanted > 4 {
            return Err(Fail::Cms(302));
        }
        let mut lines = Vec::new();
        for (index, slot) in self.storage.iter_mut().enumerate() {
            let Some(stored) = slot else { continue };
            if wanted != 4 && stored.status != wanted {
                continue;
            }
            lines.push(format!(
                "+CMGL: {},{},,{}",
                index, stored.status, stored.tpdu_len
            ));
            lines.push(plutanium_sms::hex::encode(&stored.pdu));
            if stored.status == 0 {
                stored.status = 1;
            }
        }
        for line in lines {
            self.info(&line);
        }
        Ok(())
    }

    fn read(&mut self, a: &[String]) -> CommandResult {
        let index = number_arg::<usize>(a, 0)?.ok_or(Fail::Cms(321))?;
        let slot = self.storage.get_mut(index).ok_or(Fail::Cms(321))?;
        let Some(stored) = slot else {
            // An empty slot: real modems answer OK with no lines.
            return Ok(());
        };
        let header = format!("+CMGR: {},,{}", stored.status, stored.tpdu_len);
        let pdu = plutanium_sms::hex::encode(&stored.pdu);
        if stored.status == 0 {
            stored.status = 1;
        }
        self.info(&header);
        self.info(&pdu);
        Ok(())
    }

    fn delete(&mut self, a: &[String]) -> CommandResult {
        let index = number_arg::<usize>(a, 0)?.ok_or(Fail::Cms(321))?;
        let flag = number_arg::<u8>(a, 1)?.unwrap_or(0);
        if index >= self.storage.len() {
            return Err(Fail::Cms(321));
        }
        match flag {
            0 => self.storage[index] = None,
            // Delete all read / read+sent / read+sent+unsent / all.
            1..=4 => {
                for slot in &mut self.storage {
                    let remove = slot.as_ref().is_some_and(|s| match flag {
                        1 => s.status == 1,
                        2 => s.status == 1 || s.status == 3,
                        3 => s.status != 0,
                        _ => true,
                    });
                    if remove {
                        *slot = None;
                    }
                }
            }
            _ => return Err(Fail::Cms(302)),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn talk(modem: &mut Modem, input: &str) -> (String, Vec<Effect>) {
        let effects = modem.receive(input.as_bytes());
        let out: Vec<u8> = modem.output.drain(..).collect();
        (String::from_utf8_lossy(&out).into_owned(), effects)
    }

    #[test]
    fn echo_compound_and_unknown() {
        let mut m = Modem::new(ModemConfig::new("gsm0", "+420777000001"));
        let (out, _) = talk(&mut m, "AT\r");
        assert_eq!(out, "AT\r\r\nOK\r\n");
        let (out, _) = talk(&mut m, "ATE0\r");
        assert_eq!(out, "ATE0\r\r\nOK\r\n");
        let (out, _) = talk(&mut m, "AT+CMEE=1;+CREG=2\r");
        assert_eq!(out, "\r\nOK\r\n");
        let (out, _) = talk(&mut m, "AT+CREG?\r");
        assert!(out.contains("+CREG: 2,1,\"00C3\""), "{out}");
        let (out, _) = talk(&mut m, "AT+MODE=2\r");
        assert_eq!(out, "\r\nERROR\r\n");
        let (out, _) = talk(&mut m, "AT^CURC=0\r");
        assert_eq!(out, "\r\nERROR\r\n", "only Huawei knows ^CURC");
    }

    #[test]
    fn pin_flow_and_lockout() {
        let mut config = ModemConfig::new("gsm0", "+420777000001");
        config.pin = Some("1234".into());
        let mut m = Modem::new(config);
        talk(&mut m, "ATE0;+CMEE=1\r");
        assert!(talk(&mut m, "AT+CPIN?\r").0.contains("+CPIN: SIM PIN"));
        assert!(talk(&mut m, "AT+CMGL=4\r").0.contains("+CMS ERROR: 311"));
        assert!(
            talk(&mut m, "AT+CPIN=\"0000\"\r")
                .0
                .contains("+CME ERROR: 16")
        );
        assert!(talk(&mut m, "AT+CPIN=\"1234\"\r").0.contains("OK"));
        assert!(talk(&mut m, "AT+CPIN?\r").0.contains("READY"));
        // Three wrong PINs lock to PUK.
        m.power_on();
        talk(&mut m, "ATE0;+CMEE=1\r");
        for _ in 0..3 {
            talk(&mut m, "AT+CPIN=\"9999\"\r");
        }
        assert!(talk(&mut m, "AT+CPIN?\r").0.contains("SIM PUK"));
        assert!(
            talk(&mut m, "AT+CPIN=\"12345678\",\"4321\"\r")
                .0
                .contains("OK")
        );
    }

    #[test]
    fn send_takes_pdu_in_pieces_and_storage_really_deletes() {
        let mut m = Modem::new(ModemConfig::new("gsm0", "+420777000001"));
        talk(&mut m, "ATE0;+CMEE=1;+CMGF=0\r");
        let (out, _) = talk(&mut m, "AT+CMGS=22\r");
        assert_eq!(out, "\r\n> ");
        assert!(talk(&mut m, "0001000B916407281553F8").1.is_empty());
        let (_, effects) = talk(&mut m, "00000AE8329BFD4697D9EC37\x1a");
        assert!(matches!(&effects[..], [Effect::Submit { mr: 0, tpdu }] if tpdu.len() == 22));
        // Input while sending waits for the answer.
        assert!(talk(&mut m, "AT\r").0.is_empty());
        m.finish_send(Ok(0));
        let out: Vec<u8> = m.output.drain(..).collect();
        assert_eq!(
            String::from_utf8_lossy(&out),
            "\r\n+CMGS: 0\r\n\r\nOK\r\n\r\nOK\r\n"
        );
        // Wrong length is a CMS error.
        assert!(talk(&mut m, "AT+CMGS=5\r").0.contains("+CMS ERROR: 304"));
        assert_eq!(talk(&mut m, "AT+CMGS=8\r").0, "\r\n> ");
        assert!(talk(&mut m, "0011\x1a").0.contains("+CMS ERROR: 304"));
        // Storage.
        let index = m.store(vec![0, 1, 2], 2, 0).unwrap();
        assert!(
            talk(&mut m, "AT+CMGL=4\r")
                .0
                .contains(&format!("+CMGL: {index},0,,2"))
        );
        assert!(talk(&mut m, "AT+CMGR=0\r").0.contains("+CMGR: 1,,2"));
        talk(&mut m, "AT+CMGD=0\r");
        assert_eq!(talk(&mut m, "AT+CMGR=0\r").0, "\r\nOK\r\n");
        assert!(talk(&mut m, "AT+CMGR=99\r").0.contains("+CMS ERROR: 321"));
    }

    #[test]
    fn split_commands_handles_basic_and_extended() {
        assert_eq!(
            split_commands("E0V1+CMEE=1;+CSCA=\"+1;2\",145").unwrap(),
            vec!["E0", "V1", "+CMEE=1", "+CSCA=\"+1;2\",145"]
        );
        assert_eq!(split_commands("&F").unwrap(), vec!["&F"]);
    }
}
