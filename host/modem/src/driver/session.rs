//! Bringing a session up and keeping it: the init sequence, SIM PIN, identity,
//! health probes, the reconnect backoff, and answering requests while the
//! modem is down.

use std::time::Duration;

use plutanium_at::{Command, CommandClass, FinalResult, command, response};
use tokio::time::{Instant, sleep, sleep_until};
use tracing::{debug, warn};

use super::link::{ExecError, Link};
use super::radio::{NetworkType, SimState};
use super::{Actor, Request, RequestBox, SendError, SessionEnd};
use crate::ModemState;

impl Actor {
    /// The init sequence, after every connect and on re-initialisation:
    /// wake the modem, echo off, verbose errors, SIM PIN, PDU mode, storage,
    /// new-message indications, caller id; then identify, probe health and
    /// sweep storage for messages that came while nobody listened.
    pub(super) async fn init(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        link.parser.reset();
        // Cancel a prompt a previous session may have left open, then wake the modem.
        Self::write(link, &[plutanium_at::command::CANCEL_PROMPT, b'\r'])
            .await
            .map_err(|e| SessionEnd::Lost(format!("cannot write to the modem: {e}")))?;
        let mut alive = false;
        for _ in 0..3 {
            match self.exec(link, &command::at()).await {
                Ok(_) => {
                    alive = true;
                    break;
                }
                Err(ExecError::Io(e)) => return Err(SessionEnd::Lost(e)),
                Err(ExecError::Timeout) => {}
            }
        }
        if !alive {
            return Err(SessionEnd::Lost("modem does not answer AT".into()));
        }
        self.must(link, &command::echo(false)).await?;
        self.must(link, &command::report_errors(1)).await?;
        self.no_cesq = false;
        self.unlock_sim(link).await?;
        self.must(link, &command::pdu_mode()).await?;
        if self.config.direct_delivery {
            // Phase 2+: the TE acknowledges each +CMT/+CDS with +CNMA.
            self.try_lines(link, &Command::new("AT+CSMS=1", CommandClass::Quick))
                .await?;
        }
        self.select_storage(link).await?;
        let support = self
            .try_lines(link, &command::indication_support())
            .await?
            .and_then(|l| l.first().and_then(|l| response::parse_cnmi_test(l).ok()))
            .unwrap_or_default();
        let cnmi = support.choose_cnmi(self.config.direct_delivery);
        if self.config.direct_delivery && !matches!(cnmi[1], 2 | 3) {
            self.no_direct_delivery(format!(
                "its AT+CNMI offers no direct delivery (mt={}); SMS are stored and read back",
                cnmi[1]
            ));
        }
        let mut indications = self
            .try_lines(link, &command::set_indications(cnmi))
            .await?;
        if indications.is_none() {
            // Some modems refuse bfr/ds combinations: fall back to the classic setting.
            indications = self
                .try_lines(link, &command::set_indications([2, 1, 0, 0, 0]))
                .await?;
        }
        self.indications_refused = indications.is_none();
        self.try_lines(link, &command::caller_id(true)).await?;
        self.identify(link).await?;
        self.vendor_setup(link).await?;
        self.health(link).await?;
        let listed = self.sweep(link).await?;
        self.judge_receiving(listed);
        Ok(())
    }

    /// Asks the SIM's state and enters the PIN if asked for it. Anything an
    /// operator must fix (no SIM, no or wrong PIN, PUK) ends in
    /// [`SessionEnd::Fatal`], never in a retry.
    async fn unlock_sim(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        for _ in 0..10 {
            // Some firmware never ends `+CPIN?` with OK: its `+CPIN:` line is
            // the answer after a moment.
            let asked = self
                .exec_info_may_end(
                    link,
                    &command::pin_status(),
                    "+CPIN:",
                    Duration::from_secs(1),
                )
                .await;
            let response = match asked {
                Ok(r) => r,
                Err(ExecError::Io(e)) => return Err(SessionEnd::Lost(e)),
                Err(ExecError::Timeout) => return Err(SessionEnd::Lost("+CPIN? timed out".into())),
            };
            let state = match &response.result {
                FinalResult::Ok => response
                    .lines
                    .first()
                    .and_then(|l| response::parse_cpin(l).ok()),
                FinalResult::Cme(e, _) if e.0 == 10 => {
                    self.info.sim = Some(SimState::Absent);
                    return Err(SessionEnd::Fatal("no SIM card inserted".into()));
                }
                _ => None,
            };
            self.info.sim = state.as_ref().map(SimState::from_pin_state);
            match state {
                Some(response::PinState::Ready) => return Ok(()),
                Some(response::PinState::SimPin) => {
                    let Some(pin) = self.config.pin.clone() else {
                        return Err(SessionEnd::Fatal(
                            "the SIM asks for a PIN and none is configured".into(),
                        ));
                    };
                    let cmd = command::enter_pin(&pin, None).map_err(|e| {
                        SessionEnd::Fatal(format!("the configured PIN is unusable: {e}"))
                    })?;
                    match self.exec(link, &cmd).await {
                        Ok(r) if r.result == FinalResult::Ok => {
                            // The SIM needs a moment before it answers READY.
                            sleep(Duration::from_millis(200)).await;
                        }
                        Ok(r) => {
                            return Err(SessionEnd::Fatal(format!(
                                "the SIM rejected the configured PIN ({}); not retrying, as the SIM would lock",
                                r.result
                            )));
                        }
                        Err(ExecError::Io(e)) => return Err(SessionEnd::Lost(e)),
                        Err(ExecError::Timeout) => {
                            return Err(SessionEnd::Fatal(
                                "no answer to the PIN; not retrying, as the SIM would lock".into(),
                            ));
                        }
                    }
                }
                Some(response::PinState::SimPuk | response::PinState::SimPuk2) => {
                    return Err(SessionEnd::Fatal(
                        "the SIM is locked and needs its PUK".into(),
                    ));
                }
                Some(other) => return Err(SessionEnd::Fatal(unlock_needed(&other))),
                // SIM busy or not ready yet.
                None => sleep(Duration::from_millis(500)).await,
            }
        }
        Err(SessionEnd::Lost("the SIM never became ready".into()))
    }

    /// Reads manufacturer, model, revision, IMEI, IMSI and SMSC into
    /// [`ModemInfo`](crate::ModemInfo); a query that fails leaves its
    /// field empty.
    async fn identify(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        use plutanium_at::command::IdentityQuery as Q;
        for query in [Q::Manufacturer, Q::Model, Q::Revision, Q::Imei, Q::Imsi] {
            let value = self
                .try_lines(link, &command::identity(query))
                .await?
                .and_then(|lines| response::parse_identity(&lines).ok());
            match query {
                Q::Manufacturer => self.info.manufacturer = value,
                Q::Model => self.info.model = value,
                Q::Revision => self.info.revision = value,
                Q::Imei => self.info.imei = value,
                Q::Imsi => self.info.imsi = value,
            }
        }
        self.check_sim(self.info.imsi.clone());
        if self.config.smsc.is_some() {
            self.info.smsc = self.config.smsc.clone();
        } else {
            self.read_smsc(link).await?;
        }
        // The operator and network type are read with the signal, by the
        // health probe that ends init.
        Ok(())
    }

    /// What some makes need before the standard commands work as the
    /// standard says. Huawei sticks take `AT+CUSD` as packed GSM 7-bit hex
    /// until `AT^USSDMODE=0` (python-gsmmodem sends it when `AT+CLAC` lists
    /// it; its Huawei E1752 test profile refuses a text USSD before it, and
    /// an E160 answers `ERROR` to one on mybroadband.co.za's forum). A modem
    /// that does not know the command answers `ERROR`, which changes nothing.
    async fn vendor_setup(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        let huawei = self
            .info
            .manufacturer
            .as_deref()
            .is_some_and(|m| m.to_ascii_lowercase().contains("huawei"));
        if huawei {
            self.try_lines(link, &Command::new("AT^USSDMODE=0", CommandClass::Quick))
                .await?;
        }
        Ok(())
    }

    /// Asks the SIM for its SMSC (`AT+CSCA?`), waiting for a SIM that is
    /// still starting.
    async fn read_smsc(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        if let Some(lines) = self.sim_query(link, &command::smsc_query()).await? {
            self.info.smsc = lines
                .iter()
                .find_map(|l| response::parse_csca(l).ok())
                .map(|s| s.number);
        }
        Ok(())
    }

    /// Runs a read the SIM answers once it has started: "SIM busy"
    /// (`+CME ERROR: 14`, `+CMS ERROR: 314`, or the words, with `+CMEE=2`)
    /// or an answer with no line is asked again after 0.5, 1, 2, 4 and 8 s.
    /// A Qualcomm/ZTE M6280 stick answers `AT+CSCA?` with `+CME ERROR: 14`
    /// for about 10 s after power-up though `+CPIN?` says READY
    /// (python-gsmmodem issues 10 and 11). `None` when it never answered,
    /// or refused for another reason.
    pub(super) async fn sim_query(
        &mut self,
        link: &mut Link,
        cmd: &Command,
    ) -> Result<Option<Vec<String>>, SessionEnd> {
        self.sim_command(link, cmd, true).await
    }

    /// Runs a command the SIM answers once it has started, as
    /// [`Actor::sim_query`] does; an answer with no line counts as "not
    /// yet" only when `empty_is_busy` (a query; a setting may answer a bare
    /// `OK`).
    pub(super) async fn sim_command(
        &mut self,
        link: &mut Link,
        cmd: &Command,
        empty_is_busy: bool,
    ) -> Result<Option<Vec<String>>, SessionEnd> {
        let mut wait = Duration::from_millis(500);
        for attempt in 0..6 {
            if attempt > 0 {
                sleep(wait).await;
                wait *= 2;
            }
            let response = match self.exec(link, cmd).await {
                Ok(response) => response,
                Err(ExecError::Timeout) => return Ok(None),
                Err(ExecError::Io(e)) => return Err(SessionEnd::Lost(e)),
            };
            let busy = match &response.result {
                FinalResult::Ok => empty_is_busy && response.lines.is_empty(),
                FinalResult::Cme(e, _) => e.0 == 14,
                FinalResult::Cms(e, _) => e.0 == 314,
                _ => false,
            };
            if !busy {
                return Ok(response.into_lines().ok());
            }
            debug!(
                modem = %self.config.name,
                command = %cmd.text,
                "the SIM is still starting (busy, or no answer yet); asking again"
            );
        }
        warn!(
            modem = %self.config.name,
            command = %cmd.text,
            "the SIM did not answer in 15 s; going on without it, and asking again at the next health probe"
        );
        Ok(None)
    }

    /// The health probe, and what init could not learn from a SIM that was
    /// still starting (its SMSC); run every health interval.
    pub(super) async fn recheck(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        if self.info.smsc.is_none() && self.config.smsc.is_none() {
            self.read_smsc(link).await?;
        }
        self.health(link).await
    }

    /// Probes signal quality, registration, the operator and the network
    /// type. `+CESQ` (LTE's RSRP and RSRQ) is asked only while the modem
    /// takes it: a 2G/3G modem answers `ERROR`, and is not asked again.
    pub(super) async fn health(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        if let Some(lines) = self.try_lines(link, &command::signal_quality()).await? {
            self.info.signal_dbm = lines
                .first()
                .and_then(|l| response::parse_csq(l).ok())
                .and_then(|s| s.dbm());
        }
        if !self.no_cesq {
            let cesq = match self.exec(link, &command::extended_signal_quality()).await {
                Ok(r) if r.result == FinalResult::Ok => {
                    r.lines.iter().find_map(|l| response::parse_cesq(l).ok())
                }
                Ok(r) => {
                    // A plain ERROR or "operation not supported": the modem
                    // has no +CESQ. Any other refusal (SIM busy) is asked
                    // again at the next probe.
                    let unsupported = match &r.result {
                        FinalResult::Error => true,
                        FinalResult::Cme(e, _) => e.0 == 4,
                        _ => false,
                    };
                    self.no_cesq = unsupported;
                    None
                }
                Err(ExecError::Timeout) => None,
                Err(ExecError::Io(e)) => return Err(SessionEnd::Lost(e)),
            };
            // Unanswered, the old values are not this probe's: cleared.
            self.info.rsrp_dbm = cesq.and_then(|s| s.rsrp_dbm());
            self.info.rsrq_db = cesq.and_then(|s| s.rsrq_db());
        }
        if let Some(lines) = self.try_lines(link, &command::operator()).await? {
            let cops = lines.iter().find_map(|l| response::parse_cops(l).ok());
            if let Some(cops) = cops {
                self.info.operator = cops.name;
                self.info.network = cops.access_technology.and_then(NetworkType::from_act);
            }
        }
        if let Some(lines) = self.try_lines(link, &command::registration()).await? {
            self.info.registration = lines
                .first()
                .and_then(|l| response::parse_registration_response(l).ok())
                .map(|r| r.status);
        }
        Ok(())
    }

    /// How long to wait before reconnect attempt `attempt` (from 1): the
    /// initial delay doubled per attempt up to the maximum, with jitter so
    /// modems behind one lost router do not all come back at once.
    pub(super) fn reconnect_delay(&mut self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(16);
        let base = self
            .config
            .reconnect_initial
            .saturating_mul(1 << exponent)
            .min(self.config.reconnect_max);
        self.jitter(base)
    }

    /// Scales `base` to a random 75–125% (xorshift on the actor's seed).
    fn jitter(&mut self, base: Duration) -> Duration {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        // 75% to 125% of the base delay.
        let factor = 750 + self.rng % 500;
        base * u32::try_from(factor).unwrap_or(1000) / 1000
    }

    /// Answers requests while there is no modem; returns true when asked to stop.
    pub(super) async fn wait_offline(&mut self, delay: Duration, reason: &str) -> bool {
        let deadline = Instant::now() + delay;
        self.alive_until(deadline);
        loop {
            tokio::select! {
                _ = sleep_until(deadline) => return false,
                request = self.requests.recv() => match request {
                    None => return true,
                    Some(RequestBox(request)) => {
                        if self.refuse(request, reason) {
                            return true;
                        }
                    }
                },
            }
        }
    }

    /// Whether this process may drive the modem now (see
    /// [`DriverConfig::ownership`](crate::DriverConfig::ownership)).
    pub(super) fn may_drive(&self) -> bool {
        self.config
            .ownership
            .as_ref()
            .is_none_or(|ownership| *ownership.borrow())
    }

    /// Waits, port closed, until this process may drive the modem again;
    /// answers requests meanwhile (refusing sends and USSD). Returns true
    /// when asked to stop.
    pub(super) async fn standby(&mut self) -> bool {
        self.set_state(ModemState::Standby);
        self.resting();
        let Some(mut ownership) = self.config.ownership.clone() else {
            return false;
        };
        loop {
            tokio::select! {
                regained = async { ownership.wait_for(|own| *own).await.is_ok() } => {
                    // A closed sender: the gateway is going away; its stop
                    // request follows.
                    if regained {
                        return false;
                    }
                    self.idle_until_stopped("another node drives this modem").await;
                    return true;
                }
                request = self.requests.recv() => match request {
                    None => return true,
                    Some(RequestBox(request)) => {
                        if self.refuse(request, "another node drives this modem") {
                            return true;
                        }
                    }
                },
            }
        }
    }

    /// Answers requests, refusing sends and USSD, until asked to stop: the
    /// modem needs an operator, and retrying on our own would not help (a
    /// wrong PIN retried would lock the SIM).
    pub(super) async fn idle_until_stopped(&mut self, reason: &str) {
        self.resting();
        while let Some(RequestBox(request)) = self.requests.recv().await {
            if self.refuse(request, reason) {
                return;
            }
        }
    }

    /// Answers a request without a modem; returns true for Stop.
    fn refuse(&self, request: Request, reason: &str) -> bool {
        match request {
            Request::Send { reply, .. } => {
                let _ = reply.send(Err(SendError::NotReady(reason.to_string())));
            }
            Request::Ussd { reply, .. } => {
                let _ = reply.send(Err(format!("modem not ready ({reason})")));
            }
            Request::Info { reply } => {
                let _ = reply.send(self.info.clone());
            }
            Request::Stop => return true,
        }
        false
    }
}

/// Why the driver stops at a SIM or modem lock it cannot open itself (the
/// SIM PIN, the one lock it can enter, is handled before), and what to do.
fn unlock_needed(state: &response::PinState) -> String {
    use response::PinState;
    match state {
        PinState::SimPin2 => "the SIM asks for its PIN2, which the gateway does not enter; \
                              enter it in a phone, then restart the daemon"
            .into(),
        PinState::PhSimPin => "the modem is locked to another SIM (it asks for the PH-SIM \
                               PIN); unlock the modem or put in the SIM it is locked to, \
                               then restart the daemon"
            .into(),
        PinState::Other(code) => format!(
            "the SIM is not ready: +CPIN? answers \"{code}\", which the gateway cannot \
             resolve by itself; check the SIM (in a phone if need be), then restart the daemon"
        ),
        _ => "the SIM is locked in a way the gateway cannot unlock; check it in a phone, \
              then restart the daemon"
            .into(),
    }
}

/// Resolves when `ownership` turns `false`; never without one, or once its
/// sender is gone (the gateway stopping says so with a stop request).
pub(super) async fn lost_ownership(ownership: &mut Option<tokio::sync::watch::Receiver<bool>>) {
    if let Some(ownership) = ownership {
        let lost = ownership.wait_for(|own| !*own).await.is_ok();
        if lost {
            return;
        }
    }
    std::future::pending().await
}
