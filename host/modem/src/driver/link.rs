//! Running AT commands over the port, one at a time: [`Link`] (the port, the
//! parser, URCs queued while a command runs), and the actor's `exec` family:
//! write, wait for the answer by the command class's deadline, count
//! failures, and settle the line after a timeout so a late answer is never
//! taken for the next command's.

use std::collections::VecDeque;
use std::time::Duration;

use plutanium_at::{Command, CommandClass, Event, FinalResult, NoiseReason, Parser, Response, Urc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::{Instant, timeout_at};
use tracing::{debug, warn};

use super::{Actor, SessionEnd};
use crate::port::Port;

/// Why a command got no answer.
#[derive(Debug)]
pub(super) enum ExecError {
    /// No answer by the deadline.
    Timeout,
    /// The port failed; the string says how. The session is lost.
    Io(String),
}

/// Read in reasons a modem is lost or a USSD request failed.
impl std::fmt::Display for ExecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExecError::Timeout => f.write_str("the modem did not answer in time"),
            ExecError::Io(reason) => f.write_str(reason),
        }
    }
}

/// Why the parser set a line aside, for the debug log.
fn noise_reason(reason: &NoiseReason) -> String {
    match reason {
        NoiseReason::Unsolicited => "not a known URC, and no command was running".into(),
        NoiseReason::StrayResult => "a final result while no command was running".into(),
        NoiseReason::MalformedUrc(e) => format!("a URC that does not parse ({e})"),
        NoiseReason::MissingPdu => "a +CMT/+CDS header whose PDU line never came".into(),
        NoiseReason::Overflow => "longer than any modem answer; dropped".into(),
        _ => "not understood".into(),
    }
}

/// The connection to the modem for one session.
pub(super) struct Link {
    /// The modem's name, for the AT trace.
    name: String,
    pub(super) port: Port,
    pub(super) parser: Parser,
    /// Read buffer, reused for every read.
    pub(super) buffer: Vec<u8>,
    /// URCs seen while a command ran, handled after it.
    pub(super) urcs: VecDeque<Urc>,
    /// Timeouts and errors in a row; enough of them re-initialise the modem.
    pub(super) failures: u32,
    /// A command timed out: its answer may still come, so the line is settled
    /// ([`Actor::settle`]) before the next command (a late answer must not be
    /// taken for the next command's).
    pub(super) needs_settle: bool,
}

impl Link {
    /// A fresh link over a newly opened port.
    pub(super) fn new(name: &str, port: Port) -> Self {
        Link {
            name: name.to_string(),
            port,
            parser: Parser::new(),
            buffer: vec![0; 4096],
            urcs: VecDeque::new(),
            failures: 0,
            needs_settle: false,
        }
    }

    /// Feeds the first `n` bytes of the read buffer to the parser.
    pub(super) fn parse(&mut self, n: usize) -> Vec<Event> {
        // Every byte from the modem, for a user's bug report
        // (`RUST_LOG=plutanium_modem::at=trace`).
        tracing::trace!(target: "plutanium_modem::at", modem = %self.name, "<- {}", self.buffer[..n].escape_ascii());
        let mut events = Vec::new();
        self.parser.feed(&self.buffer[..n], &mut events);
        events
    }

    /// Reads once, by `deadline`, and returns what the parser made of it.
    pub(super) async fn read_events(&mut self, deadline: Instant) -> Result<Vec<Event>, ExecError> {
        match timeout_at(deadline, self.port.read(&mut self.buffer)).await {
            Err(_) => Err(ExecError::Timeout),
            Ok(Ok(0)) => Err(ExecError::Io("port closed (EOF)".into())),
            Ok(Ok(n)) => Ok(self.parse(n)),
            Ok(Err(e)) => Err(ExecError::Io(e.to_string())),
        }
    }
}

/// What [`Actor::read_until`] waits for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Until {
    /// The command's final answer.
    Answer,
    /// The `> ` prompt (or an answer instead of it).
    Prompt,
    /// The final answer, handing on meanwhile what the modem reports that
    /// needs no command (see [`Actor::serve_while_busy`]): for waits that
    /// may last long.
    AnswerServing,
}

impl Actor {
    /// Files an event that is not the answer being waited for: URCs are
    /// queued for after the command, anything else is only logged.
    pub(super) fn route_idle_event(link: &mut Link, event: Event, name: &str) {
        match event {
            Event::Urc(urc) => link.urcs.push_back(urc),
            Event::Noise { line, reason } => {
                debug!(modem = %name, %line, reason = %noise_reason(&reason), "noise from modem");
            }
            Event::Response(r) => {
                debug!(modem = %name, command = %r.command, "late answer ignored")
            }
            Event::Prompt => debug!(modem = %name, "stray prompt"),
            _ => {}
        }
    }

    /// Writes `bytes` to the port. A port that does not take them within 10 s
    /// (stalled flow control, a TCP peer that stopped reading) is lost.
    pub(super) async fn write(link: &mut Link, bytes: &[u8]) -> Result<(), ExecError> {
        if bytes.starts_with(b"AT+CPIN=") {
            // The PIN stays out of the log.
            tracing::trace!(target: "plutanium_modem::at", modem = %link.name, "-> AT+CPIN=(redacted)");
        } else {
            tracing::trace!(target: "plutanium_modem::at", modem = %link.name, "-> {}", bytes.escape_ascii());
        }
        let written = tokio::time::timeout(Duration::from_secs(10), async {
            link.port.write_all(bytes).await?;
            link.port.flush().await
        })
        .await;
        match written {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ExecError::Io(e.to_string())),
            Err(_) => Err(ExecError::Io("the port does not take writes".into())),
        }
    }

    /// After a timeout the timed-out command may still be answered. Before the
    /// next command, send a sentinel whose answer cannot be mistaken
    /// (`AT+CMEE?` → `+CMEE: n`) and drop every answer that comes before it:
    /// a modem answers in order, so those are stale. URCs meanwhile are kept.
    pub(super) async fn settle(&mut self, link: &mut Link) -> Result<(), ExecError> {
        if !link.needs_settle {
            return Ok(());
        }
        link.parser.abort();
        let sentinel = Command::new("AT+CMEE?", CommandClass::Quick);
        let deadline = Instant::now() + self.config.timeouts.quick * 2;
        link.parser.start(&sentinel);
        Self::write(link, &sentinel.to_bytes()).await?;
        loop {
            let events = match link.read_events(deadline).await {
                Err(ExecError::Timeout) => {
                    link.parser.abort();
                    return Err(ExecError::Timeout);
                }
                other => other?,
            };
            for event in events {
                match event {
                    Event::Response(r) if r.lines.iter().any(|l| l.starts_with("+CMEE:")) => {
                        link.needs_settle = false;
                        return Ok(());
                    }
                    Event::Response(stale) => {
                        debug!(
                            modem = %self.config.name,
                            command = %stale.command,
                            lines = %stale.lines.join(" | "),
                            "dropped a late answer to an earlier command"
                        );
                        link.parser.start(&sentinel);
                    }
                    other => Self::route_idle_event(link, other, &self.config.name),
                }
            }
        }
    }

    /// Reads until the parser yields a response (or the prompt, when
    /// waiting for it), queueing URCs; bounded by `deadline`.
    pub(super) async fn read_until(
        &mut self,
        link: &mut Link,
        deadline: Instant,
        until: Until,
    ) -> Result<Option<Response>, ExecError> {
        self.alive_until(deadline);
        loop {
            let events = link.read_events(deadline).await?;
            let mut found = None;
            for event in events {
                match event {
                    Event::Response(r) if found.is_none() => found = Some(Some(r)),
                    Event::Prompt if until == Until::Prompt && found.is_none() => {
                        found = Some(None)
                    }
                    other => Self::route_idle_event(link, other, &self.config.name),
                }
            }
            if until == Until::AnswerServing && !link.urcs.is_empty() {
                self.serve_while_busy(link).await;
            }
            if let Some(result) = found {
                return Ok(result);
            }
        }
    }

    /// Runs one command and waits for its final result, by the deadline of
    /// its class. Counts errors and timeouts towards re-initialisation.
    pub(super) async fn exec(
        &mut self,
        link: &mut Link,
        cmd: &Command,
    ) -> Result<Response, ExecError> {
        if let Err(e) = self.settle(link).await {
            link.failures += 1;
            return Err(e);
        }
        let deadline = Instant::now() + self.config.timeouts.of(cmd.class);
        link.parser.start(cmd);
        Self::write(link, &cmd.to_bytes()).await?;
        match self.read_until(link, deadline, Until::Answer).await {
            Ok(Some(response)) => {
                if matches!(response.result, FinalResult::Error) {
                    link.failures += 1;
                } else {
                    link.failures = 0;
                }
                Ok(response)
            }
            Ok(None) => Err(ExecError::Timeout),
            Err(ExecError::Timeout) => Err(self.timed_out(link, cmd)),
            Err(e) => Err(e),
        }
    }

    /// Forgets a command that got no answer by its deadline: its answer may
    /// still come, so the line is settled before the next command.
    fn timed_out(&mut self, link: &mut Link, cmd: &Command) -> ExecError {
        link.parser.abort();
        link.needs_settle = true;
        link.failures += 1;
        self.info.counters.timeouts += 1;
        warn!(modem = %self.config.name, command = %cmd.text, "command timed out");
        ExecError::Timeout
    }

    /// Runs a query that some firmware answers with its information line and
    /// no final result (`+CPIN?` on Wavecom, gammu's `F_CPIN_NO_OK`): once a
    /// line starting with `prefix` has come, the final result gets `grace`
    /// more, and then the lines are taken as the answer. The line is settled
    /// before the next command, so an `OK` that comes later is not taken for
    /// its answer.
    pub(super) async fn exec_info_may_end(
        &mut self,
        link: &mut Link,
        cmd: &Command,
        prefix: &str,
        grace: Duration,
    ) -> Result<Response, ExecError> {
        if let Err(e) = self.settle(link).await {
            link.failures += 1;
            return Err(e);
        }
        let mut deadline = Instant::now() + self.config.timeouts.of(cmd.class);
        link.parser.start(cmd);
        Self::write(link, &cmd.to_bytes()).await?;
        loop {
            let shortened = link.parser.lines().iter().any(|l| l.starts_with(prefix));
            if shortened {
                deadline = deadline.min(Instant::now() + grace);
            }
            let events = match link.read_events(deadline).await {
                Ok(events) => events,
                Err(ExecError::Timeout) if shortened => {
                    let lines = link.parser.abort().unwrap_or_default();
                    link.needs_settle = true;
                    debug!(
                        modem = %self.config.name,
                        command = %cmd.text,
                        "the modem gave its answer without a final result (a known firmware quirk); taking the answer"
                    );
                    return Ok(Response {
                        command: cmd.text.clone(),
                        lines,
                        result: FinalResult::Ok,
                    });
                }
                Err(ExecError::Timeout) => return Err(self.timed_out(link, cmd)),
                Err(e) => return Err(e),
            };
            let mut found = None;
            for event in events {
                match event {
                    Event::Response(r) if found.is_none() => found = Some(r),
                    other => Self::route_idle_event(link, other, &self.config.name),
                }
            }
            if let Some(response) = found {
                link.failures = 0;
                return Ok(response);
            }
        }
    }

    /// Runs a command that must succeed for the session to go on.
    pub(super) async fn must(
        &mut self,
        link: &mut Link,
        cmd: &Command,
    ) -> Result<Vec<String>, SessionEnd> {
        match self.exec(link, cmd).await {
            Ok(r) => r
                .into_lines()
                .map_err(|e| SessionEnd::Lost(format!("init failed: {e}"))),
            Err(ExecError::Timeout) => Err(SessionEnd::Lost(format!("{} timed out", cmd.text))),
            Err(ExecError::Io(e)) => Err(SessionEnd::Lost(e)),
        }
    }

    /// Runs a command whose failure is only logged.
    pub(super) async fn try_lines(
        &mut self,
        link: &mut Link,
        cmd: &Command,
    ) -> Result<Option<Vec<String>>, SessionEnd> {
        match self.exec(link, cmd).await {
            Ok(r) => Ok(r.into_lines().ok()),
            Err(ExecError::Timeout) => Ok(None),
            Err(ExecError::Io(e)) => Err(SessionEnd::Lost(e)),
        }
    }
}
