//! The actor for a modem that a device owns and lends through its own API
//! (a MikroTik router, a Huawei HiLink stick), behind the same
//! [`ModemHandle`](super::ModemHandle) and [`ModemEvent`]s as an AT modem.
//! Such a device takes and gives whole messages, not AT; what each one
//! speaks is a [`MessageApi`] (`routeros.rs`, `hilink.rs`), and what they
//! share is here:
//!
//! - **Receiving** polls the device's inbox every
//!   [`DriverConfig::inbox_poll`]. Each message is handed out with an
//!   [`Ack`], and removed from the device only when acknowledged, which the
//!   gateway does once it is stored. A message is known by a fingerprint of
//!   its sender, time stamp and text, not by the device's id for it (which
//!   a router reuses and renumbers): the removal lists the inbox again and
//!   removes whichever item holds that message now. A crash between storing
//!   and removing hands the message out again after the restart, with the
//!   same fingerprint, which the store recognises.
//! - **Sending** is one call per message, after the message's gate (the
//!   gateway's crash bound, as at an AT modem's prompt), and only for what
//!   the device delivers whole ([`MessageApi::check`]).
//! - **A device that cannot be reached** is retried with the same backoff
//!   as a serial port; a failure only a person can fix (credentials, an
//!   untrusted certificate) stops the modem with what to fix.

use std::collections::HashSet;
use std::time::Duration;

use plutanium_sms::{Payload, Timestamp};
use tokio::sync::{mpsc, watch};
use tracing::{debug, info, warn};

use super::events::AckWork;
use super::handle::{OutgoingText, Request, RequestBox, Submitted};
use super::{
    Ack, DriverConfig, InboundSms, ModemEvent, ModemInfo, ModemState, SendError, SendGate,
};

/// How long a send waits for its gate (as the AT driver waits at the prompt).
const GATE_WAIT: Duration = Duration::from_secs(1);

/// A call to the device that failed.
#[derive(Debug, Clone)]
pub(super) struct Failure {
    /// What happened, naming the device.
    pub(super) reason: String,
    /// Whether trying again later may work (the device is down or busy).
    pub(super) transient: bool,
}

/// A call to the device that failed, by what it means: each device's
/// client error is put in these terms once (`routeros.rs`, `hilink.rs`),
/// and from them come both a [`Failure`] and a send's [`SendError`].
pub(super) enum CallError {
    /// It never reached the device: nothing happened.
    Unreached(String),
    /// It reached the device and no answer came: it may have been done.
    Unanswered(String),
    /// The device refused it.
    Refused {
        /// Why, naming the device.
        reason: String,
        /// Whether trying again later may work.
        transient: bool,
    },
}

impl From<CallError> for Failure {
    fn from(e: CallError) -> Failure {
        match e {
            CallError::Unreached(reason) | CallError::Unanswered(reason) => Failure {
                reason,
                transient: true,
            },
            CallError::Refused { reason, transient } => Failure { reason, transient },
        }
    }
}

impl From<CallError> for SendError {
    fn from(e: CallError) -> SendError {
        match e {
            // Nothing was sent.
            CallError::Unreached(reason) => SendError::NotReady(reason),
            // It may have been sent.
            CallError::Unanswered(_) => SendError::Timeout {
                part: 1,
                sent: Vec::new(),
            },
            CallError::Refused { reason, transient } => SendError::Rejected { reason, transient },
        }
    }
}

/// A message in the device's inbox.
pub(super) struct Listed {
    /// The device's handle for removing it (`.id`, `Index`).
    pub(super) key: String,
    pub(super) sender: String,
    pub(super) text: String,
    /// The time stamp as the device writes it: part of the fingerprint.
    pub(super) time: String,
    /// The time stamp, read.
    pub(super) timestamp: Timestamp,
    /// The PDU, where the device gives it.
    pub(super) pdu: Option<String>,
    /// `false` while the device may still be merging parts into it.
    pub(super) settled: bool,
}

impl Listed {
    /// Sender, time stamp and text (FNV-1a): the same whatever id the
    /// device gives the message.
    pub(super) fn fingerprint(&self) -> u64 {
        [
            self.sender.as_bytes(),
            b"\n",
            self.time.as_bytes(),
            b"\n",
            self.text.as_bytes(),
        ]
        .concat()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }
}

/// What a device speaks.
pub(super) trait MessageApi: Send {
    /// Lists the inbox, oldest first. Also the call that proves the
    /// connection and credentials.
    async fn inbox(&mut self) -> Result<Vec<Listed>, Failure>;
    /// Removes the message with `key`.
    async fn remove(&mut self, key: &str) -> Result<(), Failure>;
    /// Whether the device can carry `text` whole; checked before the gate.
    fn check(&self, text: &str) -> Result<(), SendError>;
    /// Sends `text` to `to`.
    async fn send(&mut self, to: &str, text: &str) -> Result<Submitted, SendError>;
    /// Reads signal, network type, operator, registration and the SIM's
    /// state into `info`.
    async fn health(&mut self, info: &mut ModemInfo) -> Result<(), Failure>;
    /// Runs a USSD code: the network's answer, or why there is none.
    async fn ussd(&mut self, code: &str) -> Result<String, String>;
}

pub(super) struct RemoteActor<A> {
    api: A,
    config: DriverConfig,
    /// Names the device in logs.
    device: String,
    info: ModemInfo,
    requests: mpsc::Receiver<RequestBox>,
    events: mpsc::Sender<ModemEvent>,
    state: watch::Sender<ModemState>,
    ack_tx: mpsc::UnboundedSender<AckWork>,
    ack_rx: mpsc::UnboundedReceiver<AckWork>,
    rng: u64,
}

/// The channels [`spawn`](super::spawn) made, for whichever actor runs.
pub(super) struct Channels {
    pub(super) requests: mpsc::Receiver<RequestBox>,
    pub(super) events: mpsc::Sender<ModemEvent>,
    pub(super) state: watch::Sender<ModemState>,
    pub(super) ack_tx: mpsc::UnboundedSender<AckWork>,
    pub(super) ack_rx: mpsc::UnboundedReceiver<AckWork>,
}

impl<A> RemoteActor<A> {
    /// The actor for the device behind `api`, named `device` in logs, which
    /// says it is `info` until its first health reading.
    pub(super) fn new(
        api: A,
        info: ModemInfo,
        device: String,
        config: DriverConfig,
        channels: Channels,
        rng: u64,
    ) -> RemoteActor<A> {
        let Channels {
            requests,
            events,
            state,
            ack_tx,
            ack_rx,
        } = channels;
        RemoteActor {
            api,
            config,
            device,
            info,
            requests,
            events,
            state,
            ack_tx,
            ack_rx,
            rng,
        }
    }
}

/// Why a connected session ended.
enum End {
    /// Asked to stop, or nobody listens any more.
    Stop,
    /// The device went away; connect again.
    Lost(String),
    /// Something only a person can fix.
    Fatal(String),
}

impl From<Failure> for End {
    fn from(failure: Failure) -> End {
        if failure.transient {
            End::Lost(failure.reason)
        } else {
            End::Fatal(failure.reason)
        }
    }
}

impl<A> RemoteActor<A> {
    /// Stays failed, answering requests, until stopped.
    pub(super) async fn failed(mut self, reason: String) {
        warn!(modem = %self.config.name, %reason, "the modem's driver stopped until the config is fixed");
        self.state.send_replace(ModemState::Failed(reason.clone()));
        while let Some(RequestBox(request)) = self.requests.recv().await {
            if matches!(request, Request::Stop) {
                break;
            }
            self.not_ready(request, &reason);
        }
        self.state.send_replace(ModemState::Stopped);
    }

    fn not_ready(&self, request: Request, reason: &str) {
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
            Request::Stop => {}
        }
    }
}

/// A device whose API could not even be set up (no password, a CA file
/// that does not load): every call fails with why, so the actor stops
/// with it at once.
impl<A: MessageApi> MessageApi for Result<A, String> {
    async fn inbox(&mut self) -> Result<Vec<Listed>, Failure> {
        match self {
            Ok(api) => api.inbox().await,
            Err(reason) => Err(unusable(reason)),
        }
    }

    async fn remove(&mut self, key: &str) -> Result<(), Failure> {
        match self {
            Ok(api) => api.remove(key).await,
            Err(reason) => Err(unusable(reason)),
        }
    }

    fn check(&self, text: &str) -> Result<(), SendError> {
        match self {
            Ok(api) => api.check(text),
            Err(reason) => Err(SendError::NotReady(reason.clone())),
        }
    }

    async fn send(&mut self, to: &str, text: &str) -> Result<Submitted, SendError> {
        match self {
            Ok(api) => api.send(to, text).await,
            Err(reason) => Err(SendError::NotReady(reason.clone())),
        }
    }

    async fn health(&mut self, info: &mut ModemInfo) -> Result<(), Failure> {
        match self {
            Ok(api) => api.health(info).await,
            Err(reason) => Err(unusable(reason)),
        }
    }

    async fn ussd(&mut self, code: &str) -> Result<String, String> {
        match self {
            Ok(api) => api.ussd(code).await,
            Err(reason) => Err(reason.clone()),
        }
    }
}

fn unusable(reason: &str) -> Failure {
    Failure {
        reason: reason.to_string(),
        transient: false,
    }
}

impl<A: MessageApi> RemoteActor<A> {
    pub(super) async fn run(mut self) {
        // Fingerprints handed out and neither acknowledged nor released;
        // kept over reconnects, so nothing is handed out twice.
        let mut handed = HashSet::new();
        let mut attempt = 0u32;
        loop {
            let end = match self.api.inbox().await {
                Ok(items) => {
                    attempt = 0;
                    info!(modem = %self.config.name, device = %self.device, "connected");
                    self.serve(&mut handed, items).await
                }
                Err(failure) => failure.into(),
            };
            self.info.forget_radio();
            match end {
                End::Stop => break,
                End::Fatal(reason) => return self.failed(reason).await,
                End::Lost(reason) => {
                    attempt += 1;
                    let retry_in = self.backoff(attempt);
                    warn!(modem = %self.config.name, error = %reason, attempt,
                          retry_in_s = retry_in.as_secs_f64(), "the device is unreachable; trying again");
                    self.state
                        .send_replace(ModemState::Reconnecting { attempt, retry_in });
                    if !self.idle(retry_in).await {
                        break;
                    }
                }
            }
        }
        self.state.send_replace(ModemState::Stopped);
    }

    /// Waits `pause` while answering requests; `false` once stopped.
    async fn idle(&mut self, pause: Duration) -> bool {
        let until = tokio::time::Instant::now() + pause;
        loop {
            tokio::select! {
                request = self.requests.recv() => match request {
                    None | Some(RequestBox(Request::Stop)) => return false,
                    Some(RequestBox(request)) => self.not_ready(request, "the device is unreachable"),
                },
                () = tokio::time::sleep_until(until) => return true,
            }
        }
    }

    fn backoff(&mut self, attempt: u32) -> Duration {
        let base = self
            .config
            .reconnect_initial
            .saturating_mul(1 << attempt.saturating_sub(1).min(16))
            .min(self.config.reconnect_max);
        // Up to a quarter more, so devices that came back together are not
        // all asked at once.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        base + base.mul_f64((self.rng % 1000) as f64 / 4000.0)
    }

    /// Reads the radio; a device that refuses (no such function, no right)
    /// is said once, and sending and receiving go on.
    async fn health(&mut self, asked: &mut bool) -> Result<(), End> {
        if !*asked {
            return Ok(());
        }
        match self.api.health(&mut self.info).await {
            Ok(()) => Ok(()),
            Err(failure) if failure.transient => Err(End::Lost(failure.reason)),
            Err(failure) => {
                warn!(modem = %self.config.name, error = %failure.reason,
                      "cannot read the modem's signal and operator; sending and receiving go on without them");
                *asked = false;
                Ok(())
            }
        }
    }

    async fn serve(&mut self, handed: &mut HashSet<u64>, first: Vec<Listed>) -> End {
        let mut health = true;
        // Ready with its signal and operator known.
        if let Err(end) = self.health(&mut health).await {
            return end;
        }
        self.state.send_replace(ModemState::Ready);
        if let Err(end) = self.hand_out(handed, first).await {
            return end;
        }
        let mut poll = tokio::time::interval(self.config.inbox_poll);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        poll.tick().await;
        let mut radio = tokio::time::interval(self.config.health_interval);
        radio.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        radio.tick().await;
        loop {
            let step = tokio::select! {
                request = self.requests.recv() => match request {
                    None | Some(RequestBox(Request::Stop)) => Err(End::Stop),
                    Some(RequestBox(request)) => self.request(request).await,
                },
                Some(work) = self.ack_rx.recv() => {
                    let mut works = vec![work];
                    while let Ok(more) = self.ack_rx.try_recv() {
                        works.push(more);
                    }
                    self.acknowledge(handed, works).await
                }
                _ = radio.tick() => self.health(&mut health).await,
                _ = poll.tick() => match self.api.inbox().await {
                    Ok(items) => self.hand_out(handed, items).await,
                    Err(failure) => Err(failure.into()),
                },
            };
            if let Err(end) = step {
                return end;
            }
        }
    }

    async fn request(&mut self, request: Request) -> Result<(), End> {
        match request {
            Request::Send {
                text, gate, reply, ..
            } => {
                let result = self.send(text, gate).await;
                let lost = match &result {
                    Err(SendError::NotReady(reason)) => Some(reason.clone()),
                    _ => None,
                };
                let _ = reply.send(result);
                if let Some(reason) = lost {
                    // The send never reached the device: connect again;
                    // the message is due again at once meanwhile.
                    return Err(End::Lost(reason));
                }
            }
            Request::Ussd { code, reply } => {
                // Waits for the network (up to the USSD timeout) with the
                // inbox unpolled meanwhile, as the AT driver does: a
                // device runs one USSD session at a time anyway.
                let _ = reply.send(self.api.ussd(&code).await);
            }
            Request::Info { reply } => {
                let _ = reply.send(self.info.clone());
            }
            Request::Stop => {}
        }
        Ok(())
    }

    async fn send(
        &mut self,
        text: Option<OutgoingText>,
        gate: Option<SendGate>,
    ) -> Result<Submitted, SendError> {
        let Some(OutgoingText { to, text }) = text else {
            return Err(SendError::Unsupported(format!(
                "{} takes text, not ready-made PDUs",
                self.device
            )));
        };
        self.api.check(&text)?;
        if let Some(SendGate(gate)) = gate {
            match tokio::time::timeout(GATE_WAIT, gate).await {
                Ok(Ok(())) => {}
                _ => return Err(SendError::Withdrawn),
            }
        }
        self.api.send(&to, &text).await
    }

    /// Hands out the inbox items not handed out yet (and settled).
    async fn hand_out(&mut self, handed: &mut HashSet<u64>, items: Vec<Listed>) -> Result<(), End> {
        for item in items {
            if !item.settled {
                continue;
            }
            let fingerprint = item.fingerprint();
            if !handed.insert(fingerprint) {
                continue;
            }
            debug!(modem = %self.config.name, key = %item.key, from = %item.sender, "SMS in the device's inbox");
            let sms = InboundSms {
                modem: self.config.name.clone(),
                sender: item.sender,
                payload: Payload::Text(item.text),
                timestamp: item.timestamp,
                class: None,
                parts: 1,
                missing_parts: Vec::new(),
                pdus: item.pdu.into_iter().collect(),
                concat: None,
                fingerprint,
                ack: Ack {
                    tx: self.ack_tx.clone(),
                    work: Some(AckWork {
                        delete: Vec::new(),
                        fingerprints: Vec::new(),
                        release_only: false,
                        remote: Some(fingerprint),
                    }),
                },
            };
            if self.events.send(ModemEvent::Sms(sms)).await.is_err() {
                return Err(End::Stop);
            }
        }
        Ok(())
    }

    /// Removes from the device the messages acknowledged, found again by
    /// fingerprint; forgets the released ones, so they are handed out again.
    async fn acknowledge(
        &mut self,
        handed: &mut HashSet<u64>,
        works: Vec<AckWork>,
    ) -> Result<(), End> {
        let mut remove = HashSet::new();
        for work in works {
            if let Some(fingerprint) = work.remote {
                handed.remove(&fingerprint);
                if !work.release_only {
                    remove.insert(fingerprint);
                }
            }
        }
        if remove.is_empty() {
            return Ok(());
        }
        // Not removed now if this fails: the messages are handed out again
        // later, and the store recognises them.
        let items = self.api.inbox().await?;
        for item in items {
            if !remove.remove(&item.fingerprint()) {
                continue;
            }
            match self.api.remove(&item.key).await {
                Ok(()) => {
                    debug!(modem = %self.config.name, key = %item.key, "removed from the device's inbox")
                }
                Err(failure) if failure.transient => return Err(End::Lost(failure.reason)),
                Err(failure) => {
                    warn!(modem = %self.config.name, key = %item.key, error = %failure.reason,
                                      "cannot remove a stored SMS from the device's inbox; it will be seen again")
                }
            }
        }
        Ok(())
    }
}
