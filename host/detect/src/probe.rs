//! The AT probe of one port, as a state machine without I/O: the caller
//! writes what [`Probe::transmit`] gives, feeds what the port reads to
//! [`Probe::input`], and calls [`Probe::timeout`] at [`Probe::deadline`].
//! Time is passed in, so the tests drive it without a clock or a port.
//!
//! The probe only asks: `AT`, then the identity (`+CGMI`, `+CGMM`, `+CGMR`,
//! `+CGSN`), the SIM (`+CPIN?`) and whether the modem takes SMS in PDU mode
//! (`+CMGF=?`). It never changes a setting (no `ATE0`, no `+CMGF=`, no PIN),
//! so a modem another program configured is left as it was. Echo, which a
//! modem may have on, is recognised as the command it repeats.

use std::time::{Duration, Instant};

use serde::Serialize;

/// How long the probe waits.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// For an answer to `AT`, each time it is sent.
    pub at: Duration,
    /// How many times `AT` is sent before the port counts as silent (a modem
    /// just plugged in may not answer the first).
    pub at_tries: u32,
    /// For the answer to each question after `AT`.
    pub question: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            at: Duration::from_millis(1000),
            at_tries: 2,
            question: Duration::from_millis(1500),
        }
    }
}

/// What a port is, by what it said.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PortKind {
    /// It answered `AT`: a modem's command port.
    At,
    /// It printed NMEA sentences (`$GPGGA,…`): a GPS port.
    Nmea,
    /// It sent bytes that are neither: a diagnostics port, or a wrong baud rate.
    Garbage,
    /// It said nothing.
    Silent,
}

/// The SIM, by `AT+CPIN?`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "detail")]
pub enum SimState {
    /// Unlocked.
    Ready,
    /// Needs its PIN (`pin:` or `pin_file:` in the config).
    NeedsPin,
    /// Locked after three wrong PINs: needs the PUK, in a phone.
    NeedsPuk,
    /// No SIM in the modem (`+CME ERROR: 10`).
    Missing,
    /// Anything else the modem said.
    Other(String),
}

/// What the probe found out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Findings {
    /// `None` until the probe finished.
    pub kind: Option<PortKind>,
    /// `AT+CGMI`.
    pub manufacturer: Option<String>,
    /// `AT+CGMM`.
    pub model: Option<String>,
    /// `AT+CGMR`.
    pub firmware: Option<String>,
    /// `AT+CGSN`, when it is digits.
    pub imei: Option<String>,
    /// `AT+CPIN?`.
    pub sim: Option<SimState>,
    /// Whether `AT+CMGF=?` lists PDU mode (0), which Plutanium sends in.
    pub sms_pdu: Option<bool>,
}

/// The questions after `AT`, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Question {
    Manufacturer,
    Model,
    Firmware,
    Imei,
    Sim,
    Sms,
}

const QUESTIONS: [(Question, &str); 6] = [
    (Question::Manufacturer, "AT+CGMI"),
    (Question::Model, "AT+CGMM"),
    (Question::Firmware, "AT+CGMR"),
    (Question::Imei, "AT+CGSN"),
    (Question::Sim, "AT+CPIN?"),
    (Question::Sms, "AT+CMGF=?"),
];

/// Lines a modem prints unasked, which are never an answer here.
const UNSOLICITED: [&str; 12] = [
    "RING",
    "+CMTI:",
    "+CMT:",
    "+CDS:",
    "+CDSI:",
    "+CREG:",
    "+CGREG:",
    "+CEREG:",
    "+CLIP:",
    "+CUSD:",
    "+CRING:",
    "NO CARRIER",
];

/// The probe of one port.
#[derive(Debug)]
pub struct Probe {
    timing: Timing,
    /// `None` while `AT` is being asked, then the index into [`QUESTIONS`].
    question: Option<usize>,
    /// How many times `AT` was sent.
    at_sent: u32,
    /// The command to write next.
    outgoing: Option<String>,
    /// The command last written (its echo is not an answer).
    asked: String,
    deadline: Instant,
    /// Bytes of a line not yet complete.
    partial: Vec<u8>,
    /// Information lines of the current answer.
    lines: Vec<String>,
    /// Whether any byte at all arrived.
    heard: bool,
    findings: Findings,
}

impl Probe {
    /// A probe that sends `AT` first, at `now`.
    pub fn new(timing: Timing, now: Instant) -> Probe {
        Probe {
            timing,
            question: None,
            at_sent: 1,
            outgoing: Some("AT".into()),
            asked: String::new(),
            deadline: now + timing.at,
            partial: Vec::new(),
            lines: Vec::new(),
            heard: false,
            findings: Findings::default(),
        }
    }

    /// Bytes to write to the port now, if any.
    pub fn transmit(&mut self) -> Option<Vec<u8>> {
        let command = self.outgoing.take()?;
        let bytes = format!("{command}\r").into_bytes();
        self.asked = command;
        Some(bytes)
    }

    /// When [`Probe::timeout`] is due, unless input comes first. `None` once
    /// the probe is done.
    pub fn deadline(&self) -> Option<Instant> {
        self.findings.kind.is_none().then_some(self.deadline)
    }

    /// The findings, once the probe is done.
    pub fn done(&self) -> Option<&Findings> {
        self.findings.kind.is_some().then_some(&self.findings)
    }

    /// Bytes read from the port.
    pub fn input(&mut self, bytes: &[u8], now: Instant) {
        if !bytes.is_empty() {
            self.heard = true;
        }
        for &byte in bytes {
            if self.findings.kind.is_some() {
                return;
            }
            if byte == b'\r' || byte == b'\n' {
                let line = String::from_utf8_lossy(&self.partial).trim().to_string();
                self.partial.clear();
                if !line.is_empty() {
                    self.line(line, now);
                }
            } else if self.partial.len() < 512 {
                self.partial.push(byte);
            }
        }
    }

    /// The deadline passed without the answer.
    pub fn timeout(&mut self, now: Instant) {
        if self.findings.kind.is_some() || now < self.deadline {
            return;
        }
        match self.question {
            None if self.at_sent < self.timing.at_tries => {
                self.at_sent += 1;
                self.outgoing = Some("AT".into());
                self.deadline = now + self.timing.at;
            }
            None => {
                self.findings.kind = Some(if self.heard {
                    PortKind::Garbage
                } else {
                    PortKind::Silent
                });
            }
            // A question without an answer stays unanswered; the next is asked.
            Some(_) => self.next_question(now),
        }
    }

    fn line(&mut self, line: String, now: Instant) {
        if line.starts_with("$GP") || line.starts_with("$GN") || line.starts_with("$GL") {
            if self.question.is_none() {
                self.findings.kind = Some(PortKind::Nmea);
            }
            return;
        }
        if line.eq_ignore_ascii_case(&self.asked)
            || line.starts_with('^')
            || UNSOLICITED.iter().any(|u| line.starts_with(u))
        {
            return;
        }
        let ok = line == "OK";
        let error =
            line == "ERROR" || line.starts_with("+CME ERROR") || line.starts_with("+CMS ERROR");
        match self.question {
            None if ok || error => {
                // Any final answer to `AT` (even ERROR) is a command port.
                self.lines.clear();
                self.next_question(now);
            }
            None => {}
            Some(index) if ok || error => {
                let lines = std::mem::take(&mut self.lines);
                self.answer(QUESTIONS[index].0, &lines, error.then_some(line.as_str()));
                self.next_question(now);
            }
            Some(_) => self.lines.push(line),
        }
    }

    fn next_question(&mut self, now: Instant) {
        let next = self.question.map_or(0, |i| i + 1);
        self.lines.clear();
        if next == QUESTIONS.len() {
            self.findings.kind = Some(PortKind::At);
            return;
        }
        self.question = Some(next);
        self.outgoing = Some(QUESTIONS[next].1.into());
        self.deadline = now + self.timing.question;
    }

    fn answer(&mut self, question: Question, lines: &[String], error: Option<&str>) {
        let first = lines
            .first()
            .map(|line| strip_prefix(line, QUESTIONS_PREFIX[question as usize]));
        match question {
            Question::Manufacturer => self.findings.manufacturer = first,
            Question::Model => self.findings.model = first,
            Question::Firmware => self.findings.firmware = first,
            Question::Imei => {
                self.findings.imei = first.filter(|s| s.chars().all(|c| c.is_ascii_digit()))
            }
            Question::Sim => {
                self.findings.sim = match (first.as_deref(), error) {
                    (Some("READY"), _) => Some(SimState::Ready),
                    (Some("SIM PIN"), _) => Some(SimState::NeedsPin),
                    (Some("SIM PUK"), _) => Some(SimState::NeedsPuk),
                    (_, Some(e)) if e.ends_with(": 10") || e.contains("not inserted") => {
                        Some(SimState::Missing)
                    }
                    (Some(other), _) => Some(SimState::Other(other.to_string())),
                    (None, Some(e)) => Some(SimState::Other(e.to_string())),
                    (None, None) => None,
                }
            }
            Question::Sms => {
                self.findings.sms_pdu =
                    Some(error.is_none() && first.is_some_and(|modes| modes.contains('0')))
            }
        }
    }
}

/// The prefix each answer may carry (`+CGMR: 1575B13SIM5320E`).
const QUESTIONS_PREFIX: [&str; 6] = ["+CGMI:", "+CGMM:", "+CGMR:", "+CGSN:", "+CPIN:", "+CMGF:"];

fn strip_prefix(line: &str, prefix: &str) -> String {
    line.strip_prefix(prefix)
        .unwrap_or(line)
        .trim()
        .trim_matches('"')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer_all(probe: &mut Probe, now: Instant, answers: &[(&str, &str)]) {
        for (command, reply) in answers {
            let sent = probe.transmit().expect("a command to send");
            assert_eq!(sent, format!("{command}\r").into_bytes());
            probe.input(reply.as_bytes(), now);
        }
    }

    #[test]
    fn a_modem_with_echo_on_is_identified_without_changing_it() {
        let now = Instant::now();
        let mut probe = Probe::new(Timing::default(), now);
        answer_all(
            &mut probe,
            now,
            &[
                ("AT", "AT\r\r\nOK\r\n"),
                ("AT+CGMI", "AT+CGMI\r\r\nhuawei\r\n\r\nOK\r\n"),
                ("AT+CGMM", "AT+CGMM\r\r\n^RSSI: 17\r\nE3372\r\n\r\nOK\r\n"),
                ("AT+CGMR", "\r\n+CGMR: 21.180.99.00.00\r\n\r\nOK\r\n"),
                ("AT+CGSN", "\r\n861234567890123\r\n\r\nOK\r\n"),
                ("AT+CPIN?", "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n"),
                ("AT+CMGF=?", "\r\n+CMGF: (0-1)\r\n\r\nOK\r\n"),
            ],
        );
        let found = probe.done().expect("done");
        assert_eq!(found.kind, Some(PortKind::At));
        assert_eq!(found.manufacturer.as_deref(), Some("huawei"));
        assert_eq!(found.model.as_deref(), Some("E3372"));
        assert_eq!(found.firmware.as_deref(), Some("21.180.99.00.00"));
        assert_eq!(found.imei.as_deref(), Some("861234567890123"));
        assert_eq!(found.sim, Some(SimState::NeedsPin));
        assert_eq!(found.sms_pdu, Some(true));
        assert!(probe.transmit().is_none());
        assert!(probe.deadline().is_none());
    }

    #[test]
    fn a_silent_port_is_asked_twice_then_given_up() {
        let start = Instant::now();
        let timing = Timing::default();
        let mut probe = Probe::new(timing, start);
        assert_eq!(probe.transmit().as_deref(), Some(&b"AT\r"[..]));
        probe.timeout(start + timing.at / 2);
        assert!(probe.transmit().is_none(), "not yet due");
        let first = probe.deadline().unwrap();
        probe.timeout(first);
        assert_eq!(probe.transmit().as_deref(), Some(&b"AT\r"[..]));
        probe.timeout(probe.deadline().unwrap());
        assert_eq!(probe.done().unwrap().kind, Some(PortKind::Silent));
    }

    #[test]
    fn nmea_and_noise_are_told_apart_from_silence() {
        let now = Instant::now();
        let mut probe = Probe::new(Timing::default(), now);
        probe.transmit();
        probe.input(
            b"$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n",
            now,
        );
        assert_eq!(probe.done().unwrap().kind, Some(PortKind::Nmea));

        let mut probe = Probe::new(
            Timing {
                at_tries: 1,
                ..Timing::default()
            },
            now,
        );
        probe.transmit();
        probe.input(&[0x7e, 0x01, 0xff, 0x00, 0x7e], now);
        probe.timeout(probe.deadline().unwrap());
        assert_eq!(probe.done().unwrap().kind, Some(PortKind::Garbage));
    }

    #[test]
    fn a_question_without_an_answer_is_skipped_and_a_missing_sim_is_named() {
        let now = Instant::now();
        let mut probe = Probe::new(Timing::default(), now);
        answer_all(
            &mut probe,
            now,
            &[
                ("AT", "\r\nOK\r\n"),
                ("AT+CGMI", "\r\nSIMCOM INCORPORATED\r\n\r\nOK\r\n"),
            ],
        );
        assert_eq!(probe.transmit().as_deref(), Some(&b"AT+CGMM\r"[..]));
        probe.timeout(probe.deadline().unwrap());
        answer_all(
            &mut probe,
            now,
            &[
                ("AT+CGMR", "\r\nERROR\r\n"),
                ("AT+CGSN", "\r\n+CME ERROR: 10\r\n"),
                ("AT+CPIN?", "\r\n+CME ERROR: 10\r\n"),
                ("AT+CMGF=?", "\r\n+CMGF: (1)\r\n\r\nOK\r\n"),
            ],
        );
        let found = probe.done().unwrap();
        assert_eq!(found.manufacturer.as_deref(), Some("SIMCOM INCORPORATED"));
        assert_eq!(found.model, None);
        assert_eq!(found.firmware, None);
        assert_eq!(found.imei, None);
        assert_eq!(found.sim, Some(SimState::Missing));
        assert_eq!(found.sms_pdu, Some(false), "text mode only");
    }
}
