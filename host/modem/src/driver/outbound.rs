//! Sending: `+CMGS`, waiting for the `> ` prompt, writing the PDU with
//! Ctrl-Z, and reading the message reference, part by part.
//!
//! What a failure means for the caller is decided here: no prompt means the
//! part was not sent (safe to retry); no answer after the PDU means it may
//! have been (a retry risks a duplicate).
//!
//! A send may come with a [`SendGate`]: its first PDU is written only once
//! the gate opens, with the prompt already asked for.

use plutanium_at::{FinalResult, command, response};
use plutanium_sms::EncodedPdu;
use tokio::time::Instant;
use tracing::warn;

use super::link::{ExecError, Link, Until};
use super::{Actor, SendError, SendGate};

/// How long an open prompt waits for its gate. Modems differ in how long
/// they wait for a PDU, and the driver serves nothing else meanwhile, so
/// past this the prompt is closed with ESC and the send withdrawn.
const GATE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(1);

impl Actor {
    /// Sends the parts in order. Also returns why the session is lost, if it is.
    pub(super) async fn send(
        &mut self,
        link: &mut Link,
        pdus: &[EncodedPdu],
        mut gate: Option<SendGate>,
    ) -> (Result<Vec<Option<u8>>, SendError>, Option<String>) {
        let mut sent = Vec::with_capacity(pdus.len());
        for (i, pdu) in pdus.iter().enumerate() {
            let part = i + 1;
            let failure = match self.send_one(link, pdu, &mut gate).await {
                Ok(mr) => {
                    self.info.counters.parts_sent += 1;
                    sent.push(mr);
                    continue;
                }
                Err(failure) => failure,
            };
            self.info.counters.send_failures += 1;
            return match failure {
                PartError::Refused(result) => {
                    let transient = match &result {
                        FinalResult::Cms(e, _) => e.is_transient(),
                        FinalResult::Cme(e, _) => e.is_transient(),
                        _ => true,
                    };
                    let error = SendError::Refused {
                        part,
                        result,
                        transient,
                        sent,
                    };
                    (Err(error), None)
                }
                PartError::NoPrompt(lost) => (Err(SendError::NoPrompt { part, sent }), lost),
                PartError::Withdrawn => (Err(SendError::Withdrawn), None),
                PartError::MaybeSent(lost) => (Err(SendError::Timeout { part, sent }), lost),
            };
        }
        (Ok(sent), None)
    }

    /// Sends one part; `Ok(None)` when the modem said OK without a reference.
    /// With a `gate` (the first part's), the PDU waits for it at the prompt.
    async fn send_one(
        &mut self,
        link: &mut Link,
        pdu: &EncodedPdu,
        gate: &mut Option<SendGate>,
    ) -> Result<Option<u8>, PartError> {
        let lost = |e: ExecError| match e {
            ExecError::Io(reason) => Some(reason),
            ExecError::Timeout => None,
        };
        let cmd = command::send_message(pdu.tpdu_len);
        self.settle(link)
            .await
            .map_err(|e| PartError::NoPrompt(lost(e)))?;
        // The prompt gets a few seconds, not the send's deadline: only the
        // SMSC's answer after the PDU may legitimately take long.
        let started = Instant::now();
        let prompt_deadline = (started + self.config.timeouts.of(cmd.class))
            .min(started + self.config.timeouts.prompt);
        link.parser.start(&cmd);
        Self::write(link, &cmd.to_bytes())
            .await
            .map_err(|e| PartError::NoPrompt(lost(e)))?;
        match self.read_until(link, prompt_deadline, Until::Prompt).await {
            Ok(None) => {}
            Ok(Some(response)) => {
                // An answer instead of the prompt. Close a prompt that may still
                // be open all the same, in case the answer was a stale one.
                let _ = Self::write(link, &[command::CANCEL_PROMPT]).await;
                return Err(PartError::Refused(response.result));
            }
            Err(e) => {
                link.parser.abort();
                link.needs_settle = true;
                let _ = Self::write(link, &[command::CANCEL_PROMPT]).await;
                link.failures += 1;
                if matches!(e, ExecError::Timeout) {
                    warn!(
                        modem = %self.config.name,
                        waited_ms = u64::try_from(self.config.timeouts.prompt.as_millis()).unwrap_or(u64::MAX),
                        "no \"> \" prompt after AT+CMGS; cancelled with ESC, nothing was sent, and the message will be tried again"
                    );
                }
                return Err(PartError::NoPrompt(lost(e)));
            }
        }
        if let Some(mut waiting) = gate.take()
            && !matches!(
                tokio::time::timeout(GATE_PATIENCE, &mut waiting.0).await,
                Ok(Ok(()))
            )
        {
            // Withdrawn, or not opened in time: the prompt is closed and
            // nothing is sent. The caller waits for what it waited for
            // itself, so this actor stays free for what the modem reports.
            self.close_prompt(link).await;
            return Err(PartError::Withdrawn);
        }
        // From the PDU on, the send's own timeout (the prompt had its own).
        let deadline = Instant::now() + self.config.timeouts.of(cmd.class);
        let hex = pdu.to_hex();
        link.parser.pdu_sent(&hex);
        // PDU and Ctrl-Z in one write. From here on, a failure may have sent it.
        Self::write(link, &command::pdu_payload(&hex))
            .await
            .map_err(|e| PartError::MaybeSent(lost(e)))?;
        // The SMSC may take a minute: what arrives meanwhile goes on.
        match self.read_until(link, deadline, Until::AnswerServing).await {
            Ok(Some(response)) => match response.result {
                FinalResult::Ok => {
                    link.failures = 0;
                    match response::parse_cmgs(&response.lines) {
                        Ok(mr) => Ok(Some(mr)),
                        Err(e) => {
                            warn!(modem = %self.config.name, error = %e, "sent, but without a usable +CMGS reference");
                            Ok(None)
                        }
                    }
                }
                other => Err(PartError::Refused(other)),
            },
            Ok(None) => Err(PartError::MaybeSent(None)),
            Err(e) => {
                link.parser.abort();
                link.needs_settle = true;
                link.failures += 1;
                self.info.counters.timeouts += 1;
                Err(PartError::MaybeSent(lost(e)))
            }
        }
    }
}

/// How one part failed; the strings say why the session is lost, if it is.
enum PartError {
    /// The modem answered with an error.
    Refused(FinalResult),
    /// No prompt came, so the PDU was never written: nothing was sent.
    NoPrompt(Option<String>),
    /// The gate did not open at the prompt: nothing was sent.
    Withdrawn,
    /// The PDU was written but no answer came: it may have been sent.
    MaybeSent(Option<String>),
}

impl Actor {
    /// Closes an open prompt with ESC without sending; the modem's answer
    /// to it (if any) is read before the next command.
    async fn close_prompt(&mut self, link: &mut Link) {
        link.parser.abort();
        link.needs_settle = true;
        let _ = Self::write(link, &[command::CANCEL_PROMPT]).await;
    }
}
