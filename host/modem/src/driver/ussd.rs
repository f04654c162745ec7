//! USSD requests: `+CUSD`, then waiting for the network's answer, which comes
//! as a `+CUSD` URC.

use plutanium_at::{Command, CommandClass, FinalResult, Urc, command};
use tokio::time::Instant;

use super::link::{ExecError, Link};
use super::{Actor, ModemEvent};

impl Actor {
    /// Runs a USSD code and waits for the network's answer. USSD the network
    /// sent earlier is reported as such, not taken for this answer.
    pub(super) async fn ussd(&mut self, link: &mut Link, code: &str) -> Result<String, String> {
        let cmd = command::ussd(code).map_err(|e| e.to_string())?;
        // USSD the network sent before this request is not its answer.
        let earlier: Vec<Urc> = link
            .urcs
            .iter()
            .filter(|u| matches!(u, Urc::Ussd(_)))
            .cloned()
            .collect();
        link.urcs.retain(|u| !matches!(u, Urc::Ussd(_)));
        for urc in earlier {
            if let Urc::Ussd(answer) = urc
                && let Some(text) = answer.text
            {
                self.emit(ModemEvent::Ussd(text)).await;
            }
        }
        match self.exec(link, &cmd).await {
            Ok(r) if r.result == FinalResult::Ok => {}
            Ok(r) => return Err(format!("USSD refused: {}", r.result)),
            Err(e) => return Err(format!("USSD failed: {e}")),
        }
        // The answer comes as a +CUSD URC; it may already be queued.
        let deadline = Instant::now() + self.config.ussd_timeout;
        let cancel = Command::new("AT+CUSD=2", CommandClass::Network);
        loop {
            if let Some(pos) = link.urcs.iter().position(|u| matches!(u, Urc::Ussd(_)))
                && let Some(Urc::Ussd(answer)) = link.urcs.remove(pos)
            {
                if answer.status == 1 {
                    // The network wants more input; this API is one question,
                    // one answer, so close the session.
                    let _ = self.exec(link, &cancel).await;
                }
                return match (answer.status, answer.text) {
                    (0 | 1, Some(text)) => Ok(text),
                    (status, text) => Err(format!(
                        "USSD ended with status {status}{}",
                        text.map(|t| format!(": {t}")).unwrap_or_default()
                    )),
                };
            }
            match link.read_events(deadline).await {
                Err(ExecError::Timeout) => {
                    // Close the session so a late answer does not meet the next request.
                    let _ = self.exec(link, &cancel).await;
                    return Err("no USSD answer in time".into());
                }
                Err(ExecError::Io(e)) => return Err(e),
                Ok(events) => {
                    for event in events {
                        Self::route_idle_event(link, event, &self.config.name);
                    }
                }
            }
        }
    }
}
