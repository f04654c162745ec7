//! The sans-IO AT stream parser: bytes in, events out.
//!
//! Feed it whatever the transport read, in chunks of any size; it frames lines,
//! drops the echo, recognises the `> ` prompt, collects intermediate lines until the
//! final result of the command in flight, and tells URCs apart from answers — also
//! when a URC arrives in the middle of an answer, or between `AT+CMGS` and `> `.

use std::fmt;

use crate::command::Command;
use crate::error::{CmeError, CmsError};
use crate::response::ResponseError;
use crate::urc::{self, TwoLineKind, Urc, UrcStart};

/// The most bytes kept while waiting for a line end. A modem never sends lines
/// this long; anything longer is garbage and is reported as noise.
const MAX_PARTIAL_LINE: usize = 8 * 1024;
/// The most intermediate lines one answer may have (a full `+CMGL` of 255
/// messages is 510 lines).
const MAX_RESPONSE_LINES: usize = 4096;

/// How a command ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FinalResult {
    /// `OK`.
    Ok,
    /// `ERROR` (or Huawei's `COMMAND NOT SUPPORT`).
    Error,
    /// `+CME ERROR: n`, with the modem's text when it printed one.
    Cme(CmeError, Option<String>),
    /// `+CMS ERROR: n`, with the modem's text when it printed one.
    Cms(CmsError, Option<String>),
    /// `NO CARRIER`.
    NoCarrier,
    /// `BUSY`.
    Busy,
    /// `NO ANSWER`.
    NoAnswer,
    /// `NO DIALTONE`.
    NoDialtone,
}

impl FinalResult {
    fn parse(line: &str) -> Option<Self> {
        Some(match line {
            "OK" => FinalResult::Ok,
            "ERROR" | "COMMAND NOT SUPPORT" => FinalResult::Error,
            "NO CARRIER" => FinalResult::NoCarrier,
            "BUSY" => FinalResult::Busy,
            "NO ANSWER" => FinalResult::NoAnswer,
            "NO DIALTONE" | "NO DIAL TONE" => FinalResult::NoDialtone,
            _ => {
                if let Some(payload) = line.strip_prefix("+CME ERROR:") {
                    let (code, text) = CmeError::parse(payload.trim());
                    FinalResult::Cme(code, text)
                } else if let Some(payload) = line.strip_prefix("+CMS ERROR:") {
                    let (code, text) = CmsError::parse(payload.trim());
                    FinalResult::Cms(code, text)
                } else {
                    return None;
                }
            }
        })
    }
}

impl fmt::Display for FinalResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FinalResult::Ok => f.write_str("OK"),
            FinalResult::Error => f.write_str("ERROR"),
            FinalResult::Cme(e, _) => write!(f, "{e}"),
            FinalResult::Cms(e, _) => write!(f, "{e}"),
            FinalResult::NoCarrier => f.write_str("NO CARRIER"),
            FinalResult::Busy => f.write_str("BUSY"),
            FinalResult::NoAnswer => f.write_str("NO ANSWER"),
            FinalResult::NoDialtone => f.write_str("NO DIALTONE"),
        }
    }
}

/// The whole answer to one command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The command text it answers.
    pub command: String,
    /// Intermediate lines, in order, without URCs and echo.
    pub lines: Vec<String>,
    /// How it ended.
    pub result: FinalResult,
}

/// A command that did not end with `OK`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{command} failed: {result}")]
pub struct CommandFailed {
    /// The command text.
    pub command: String,
    /// Its final result.
    pub result: FinalResult,
    /// Intermediate lines received before it.
    pub lines: Vec<String>,
}

impl Response {
    /// The intermediate lines if the command ended with `OK`.
    pub fn into_lines(self) -> Result<Vec<String>, CommandFailed> {
        if self.result == FinalResult::Ok {
            Ok(self.lines)
        } else {
            Err(CommandFailed {
                command: self.command,
                result: self.result,
                lines: self.lines,
            })
        }
    }
}

/// Why a line was not part of an answer or a URC.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoiseReason {
    /// No command was in flight and the line is not a known URC.
    Unsolicited,
    /// A final result with no command in flight.
    StrayResult,
    /// The line has a URC's prefix but does not parse.
    MalformedUrc(ResponseError),
    /// A `+CMT`/`+CDS` header whose PDU line never came.
    MissingPdu,
    /// More bytes without a line end, or more lines in one answer, than a modem sends.
    Overflow,
}

/// What the parser found in the bytes fed to it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The command in flight finished.
    Response(Response),
    /// The `> ` prompt: write the PDU and Ctrl-Z now.
    Prompt,
    /// An unsolicited result code.
    Urc(Urc),
    /// A line that fits nowhere (garbage, stray results, malformed URCs).
    Noise {
        /// The line (lossy UTF-8, trimmed).
        line: String,
        /// Why it is noise.
        reason: NoiseReason,
    },
}

#[derive(Debug)]
struct InFlight {
    command: String,
    response_prefix: Option<&'static str>,
    awaiting_prompt: bool,
    pdu_echo: Option<String>,
    lines: Vec<String>,
}

/// Turns a modem's byte stream into [`Event`]s. See the module docs.
#[derive(Debug, Default)]
pub struct Parser {
    buffer: Vec<u8>,
    in_flight: Option<InFlight>,
    two_line: Option<(TwoLineKind, usize, String)>,
}

fn is_line_end(byte: u8) -> bool {
    // Ctrl-Z ends the echoed PDU; NUL shows up as line noise on some ports.
    matches!(byte, b'\r' | b'\n' | 0x1A | 0x00)
}

/// Whether `NO CARRIER`, `BUSY`, `NO ANSWER` and `NO DIALTONE` can end this command
/// (dial, answer, hang up, return online); for any other they are call events.
fn is_call_command(command: &str) -> bool {
    let upper = command.to_ascii_uppercase();
    ["ATD", "ATA", "ATH", "ATO", "AT+CHUP"]
        .iter()
        .any(|p| upper.starts_with(p))
}

fn is_hex(line: &str) -> bool {
    !line.is_empty() && line.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Parser {
    /// A parser with nothing in flight.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `command` was just written; its answer is collected from now on.
    /// A command still in flight is forgotten (the driver only does this after a timeout).
    pub fn start(&mut self, command: &Command) {
        self.in_flight = Some(InFlight {
            command: command.text.clone(),
            response_prefix: command.response_prefix,
            awaiting_prompt: command.expects_prompt,
            pdu_echo: None,
            lines: Vec::new(),
        });
    }

    /// Records that the PDU was written after the prompt, so its echo is dropped.
    pub fn pdu_sent(&mut self, pdu_hex: &str) {
        if let Some(f) = &mut self.in_flight {
            f.awaiting_prompt = false;
            f.pdu_echo = Some(pdu_hex.to_ascii_uppercase());
        }
    }

    /// Forgets the command in flight (after a timeout), returning the lines it had.
    pub fn abort(&mut self) -> Option<Vec<String>> {
        self.in_flight.take().map(|f| f.lines)
    }

    /// Forgets everything, buffered bytes included (after a reconnect).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// The information lines the command in flight has answered so far.
    pub fn lines(&self) -> &[String] {
        self.in_flight.as_ref().map_or(&[], |f| &f.lines)
    }

    /// Whether a command is waiting for its final result.
    pub fn in_flight(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Whether the command in flight still waits for the `> ` prompt.
    pub fn awaiting_prompt(&self) -> bool {
        self.in_flight.as_ref().is_some_and(|f| f.awaiting_prompt)
    }

    /// Feeds bytes read from the modem; events are appended to `events`.
    pub fn feed(&mut self, bytes: &[u8], events: &mut Vec<Event>) {
        self.buffer.extend_from_slice(bytes);
        let mut consumed = 0;
        loop {
            let rest = &self.buffer[consumed..];
            let skip = rest.iter().take_while(|&&b| is_line_end(b)).count();
            consumed += skip;
            let rest = &self.buffer[consumed..];
            if rest.is_empty() {
                break;
            }
            if rest[0] == b'>'
                && let Some(f) = &mut self.in_flight
                && f.awaiting_prompt
            {
                f.awaiting_prompt = false;
                consumed += if rest.get(1) == Some(&b' ') { 2 } else { 1 };
                events.push(Event::Prompt);
                continue;
            }
            let Some(end) = rest.iter().position(|&b| is_line_end(b)) else {
                if rest.len() > MAX_PARTIAL_LINE {
                    let line = String::from_utf8_lossy(rest).trim().to_string();
                    consumed = self.buffer.len();
                    events.push(Event::Noise {
                        line,
                        reason: NoiseReason::Overflow,
                    });
                }
                break;
            };
            let line = String::from_utf8_lossy(&rest[..end]).trim().to_string();
            consumed += end + 1;
            if !line.is_empty() {
                self.line(line, events);
            }
        }
        self.buffer.drain(..consumed);
    }

    fn line(&mut self, line: String, events: &mut Vec<Event>) {
        if let Some((kind, length, header)) = self.two_line.take() {
            if is_hex(&line) {
                events.push(Event::Urc(kind.complete(length, line)));
                return;
            }
            events.push(Event::Noise {
                line: header,
                reason: NoiseReason::MissingPdu,
            });
        }
        if let Some(f) = &mut self.in_flight {
            if line.eq_ignore_ascii_case(&f.command) {
                return;
            }
            if f.pdu_echo.as_deref() == Some(line.to_ascii_uppercase().as_str()) {
                return;
            }
            if let Some(result) = FinalResult::parse(&line) {
                let call_result = matches!(
                    result,
                    FinalResult::NoCarrier
                        | FinalResult::Busy
                        | FinalResult::NoAnswer
                        | FinalResult::NoDialtone
                );
                if call_result && !is_call_command(&f.command) {
                    // A caller hanging up while, say, AT+CMGS runs: not its answer.
                    events.push(if result == FinalResult::NoCarrier {
                        Event::Urc(Urc::CallEnded)
                    } else {
                        Event::Noise {
                            line,
                            reason: NoiseReason::StrayResult,
                        }
                    });
                    return;
                }
                if let Some(f) = self.in_flight.take() {
                    events.push(Event::Response(Response {
                        command: f.command,
                        lines: f.lines,
                        result,
                    }));
                }
                return;
            }
            if f.response_prefix.is_some_and(|p| line.starts_with(p)) {
                Self::push_line(f, line, events);
                return;
            }
        } else if FinalResult::parse(&line).is_some() {
            events.push(if line == "NO CARRIER" {
                Event::Urc(Urc::CallEnded)
            } else {
                Event::Noise {
                    line,
                    reason: NoiseReason::StrayResult,
                }
            });
            return;
        }
        match urc::classify(&line) {
            Some(Ok(UrcStart::Complete(urc))) => events.push(Event::Urc(urc)),
            Some(Ok(UrcStart::Header(kind, length))) => self.two_line = Some((kind, length, line)),
            Some(Err(error)) => events.push(Event::Noise {
                line,
                reason: NoiseReason::MalformedUrc(error),
            }),
            None => match &mut self.in_flight {
                Some(f) => Self::push_line(f, line, events),
                None => events.push(Event::Noise {
                    line,
                    reason: NoiseReason::Unsolicited,
                }),
            },
        }
    }

    fn push_line(f: &mut InFlight, line: String, events: &mut Vec<Event>) {
        if f.lines.len() < MAX_RESPONSE_LINES {
            f.lines.push(line);
        } else {
            events.push(Event::Noise {
                line,
                reason: NoiseReason::Overflow,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command;

    fn run(parser: &mut Parser, input: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        parser.feed(input, &mut events);
        events
    }

    fn ok(command: &str, lines: &[&str]) -> Event {
        Event::Response(Response {
            command: command.to_string(),
            lines: lines.iter().map(|l| l.to_string()).collect(),
            result: FinalResult::Ok,
        })
    }

    #[test]
    fn simple_answer_with_echo_on_and_off() {
        for input in [
            &b"AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n"[..],
            &b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n"[..],
        ] {
            let mut p = Parser::new();
            p.start(&command::signal_quality());
            assert_eq!(run(&mut p, input), vec![ok("AT+CSQ", &["+CSQ: 20,99"])]);
            assert!(!p.in_flight());
        }
    }

    #[test]
    fn any_chunking_gives_the_same_events() {
        let input = b"AT+CMGL=4\r\r\n+CMGL: 1,0,,23\r\n0791\r\n+CMTI: \"SM\",2\r\n+CMGL: 2,1,,5\r\n0011\r\n\r\nOK\r\n";
        let mut whole = Parser::new();
        whole.start(&command::list_all_messages());
        let expected = run(&mut whole, input);
        assert_eq!(expected.len(), 2, "{expected:?}");
        for chunk in 1..8 {
            let mut p = Parser::new();
            p.start(&command::list_all_messages());
            let mut events = Vec::new();
            for piece in input.chunks(chunk) {
                p.feed(piece, &mut events);
            }
            assert_eq!(events, expected, "chunk size {chunk}");
        }
    }

    #[test]
    fn prompt_with_urc_before_it() {
        let mut p = Parser::new();
        p.start(&command::send_message(23));
        let events = run(&mut p, b"\r\n+CMTI: \"SM\",3\r\n\r\n> ");
        assert!(matches!(events[0], Event::Urc(Urc::NewMessage(_))));
        assert_eq!(events[1], Event::Prompt);
        p.pdu_sent("0011AB");
        let events = run(&mut p, b"0011ab\x1a\r\n+CMGS: 17\r\n\r\nOK\r\n");
        assert_eq!(events, vec![ok("AT+CMGS=23", &["+CMGS: 17"])]);
    }

    #[test]
    fn prompt_without_space_and_split_reads() {
        let mut p = Parser::new();
        p.start(&command::send_message(5));
        assert!(run(&mut p, b"AT+CMGS=5\r").is_empty());
        assert!(run(&mut p, b"\r\n").is_empty());
        assert_eq!(run(&mut p, b">"), vec![Event::Prompt]);
        assert!(!p.awaiting_prompt());
    }

    #[test]
    fn two_line_urc_inside_an_answer() {
        let mut p = Parser::new();
        p.start(&command::operator());
        let events = run(
            &mut p,
            b"\r\n+CMT: ,23\r\n07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07\r\n+COPS: 0,0,\"T-Mobile\",7\r\nOK\r\n",
        );
        assert!(
            matches!(&events[0], Event::Urc(Urc::Message { length: 23, pdu }) if pdu.starts_with("0791"))
        );
        assert_eq!(events[1], ok("AT+COPS?", &["+COPS: 0,0,\"T-Mobile\",7"]));
    }

    #[test]
    fn errors_are_typed() {
        let mut p = Parser::new();
        p.start(&command::send_message(5));
        let events = run(&mut p, b"\r\n+CMS ERROR: 500\r\n");
        let Event::Response(r) = &events[0] else {
            panic!("{events:?}")
        };
        assert_eq!(r.result, FinalResult::Cms(CmsError(500), None));
        let failed = r.clone().into_lines().unwrap_err();
        assert!(
            failed
                .to_string()
                .starts_with("AT+CMGS=5 failed: +CMS ERROR 500")
        );
        p.start(&command::pin_status());
        let events = run(&mut p, b"\r\n+CME ERROR: SIM PIN required\r\n");
        assert!(matches!(
            &events[0],
            Event::Response(Response {
                result: FinalResult::Cme(CmeError(11), Some(_)),
                ..
            })
        ));
        p.start(&command::at());
        assert!(matches!(
            &run(&mut p, b"COMMAND NOT SUPPORT\r\n")[0],
            Event::Response(Response {
                result: FinalResult::Error,
                ..
            })
        ));
    }

    #[test]
    fn urcs_and_noise_without_a_command() {
        let mut p = Parser::new();
        let events = run(
            &mut p,
            b"\r\nRING\r\n\r\n+CLIP: \"+420777123456\",145,,,,0\r\n^RSSI:15\r\nOK\r\nNO CARRIER\r\nhello\r\n+CMTI: garbage\r\n",
        );
        assert_eq!(events[0], Event::Urc(Urc::Ring));
        assert!(matches!(&events[1], Event::Urc(Urc::CallerId(c)) if c.number == "+420777123456"));
        assert!(
            matches!(&events[2], Event::Urc(Urc::Vendor { name, value }) if name == "RSSI" && value == "15")
        );
        assert!(matches!(
            &events[3],
            Event::Noise {
                reason: NoiseReason::StrayResult,
                ..
            }
        ));
        assert_eq!(events[4], Event::Urc(Urc::CallEnded));
        assert!(matches!(
            &events[5],
            Event::Noise {
                reason: NoiseReason::Unsolicited,
                ..
            }
        ));
        assert!(matches!(
            &events[6],
            Event::Noise {
                reason: NoiseReason::MalformedUrc(_),
                ..
            }
        ));
    }

    #[test]
    fn a_call_ending_during_a_send_is_not_its_answer() {
        let mut p = Parser::new();
        p.start(&command::send_message(23));
        let events = run(&mut p, b"\r\nNO CARRIER\r\nBUSY\r\n");
        assert_eq!(events[0], Event::Urc(Urc::CallEnded));
        assert!(matches!(
            &events[1],
            Event::Noise {
                reason: NoiseReason::StrayResult,
                ..
            }
        ));
        assert!(p.in_flight());
        p.start(&command::hang_up());
        assert!(matches!(
            &run(&mut p, b"NO CARRIER\r\n")[0],
            Event::Response(Response {
                result: FinalResult::NoCarrier,
                ..
            })
        ));
    }

    #[test]
    fn registration_answer_is_not_a_urc() {
        let mut p = Parser::new();
        p.start(&command::registration());
        let events = run(&mut p, b"\r\n+CREG: 0,1\r\n\r\nOK\r\n+CREG: 5\r\n");
        assert_eq!(events[0], ok("AT+CREG?", &["+CREG: 0,1"]));
        assert!(matches!(&events[1], Event::Urc(Urc::Registration { .. })));
    }

    #[test]
    fn header_without_pdu_is_reported_and_the_line_kept() {
        let mut p = Parser::new();
        p.start(&command::at());
        let events = run(&mut p, b"+CMT: ,23\r\nOK\r\n");
        assert!(matches!(
            &events[0],
            Event::Noise {
                reason: NoiseReason::MissingPdu,
                ..
            }
        ));
        assert_eq!(events[1], ok("AT", &[]));
    }

    #[test]
    fn garbage_is_bounded() {
        let mut p = Parser::new();
        let junk = vec![b'x'; MAX_PARTIAL_LINE + 10];
        let events = run(&mut p, &junk);
        assert!(matches!(
            &events[0],
            Event::Noise {
                reason: NoiseReason::Overflow,
                ..
            }
        ));
        assert!(p.buffer.is_empty());
        // Invalid UTF-8 does not stop the stream.
        p.start(&command::at());
        let events = run(&mut p, b"\xff\xfe\r\nOK\r\n");
        let Event::Response(r) = &events[0] else {
            panic!("{events:?}")
        };
        assert_eq!(r.result, FinalResult::Ok);
    }

    #[test]
    fn abort_forgets_the_command() {
        let mut p = Parser::new();
        p.start(&command::signal_quality());
        run(&mut p, b"+CSQ: 1,2\r\n");
        assert_eq!(p.abort(), Some(vec!["+CSQ: 1,2".to_string()]));
        assert!(matches!(
            &run(&mut p, b"OK\r\n")[0],
            Event::Noise {
                reason: NoiseReason::StrayResult,
                ..
            }
        ));
    }
}
