//! What callers hold and send: [`ModemHandle`], the requests it puts on the
//! actor's queue, and what comes back (state, info, send results and errors).
//!
//! Text is encoded into PDUs here, on the caller's task; the actor only ever
//! sees ready PDUs.

use std::sync::Arc;
use std::time::Duration;

use plutanium_at::FinalResult;
use plutanium_at::response::RegistrationStatus;

use super::radio::{NetworkType, SimState};
use plutanium_sms::{
    Address, ConcatRef, DataCoding, EncodeOptions, EncodedPdu, EncodingPolicy, MessageClass,
    NationalLanguage, Pdu, SmscPdu, Submit, Validity,
};
use tokio::sync::{mpsc, oneshot, watch};

/// Where the modem is in its life.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModemState {
    /// Opening the port.
    Connecting,
    /// Running the init sequence.
    Initializing,
    /// Ready to send and receive.
    Ready,
    /// The port was lost; trying again.
    Reconnecting {
        /// Attempts so far.
        attempt: u32,
        /// Wait before the next one.
        retry_in: Duration,
    },
    /// Stopped until an operator acts (wrong PIN, PUK needed, SIM missing).
    Failed(String),
    /// Shut down on request.
    Stopped,
    /// Left closed: another gateway node drives it (it holds the modem's
    /// lease), or this node could not renew its own.
    Standby,
}

impl ModemState {
    /// Its name in the API, the metrics and the live events: `connecting`,
    /// `initializing`, `ready`, `reconnecting`, `failed`, `stopped` or
    /// `standby`.
    pub fn name(&self) -> &'static str {
        match self {
            ModemState::Connecting => "connecting",
            ModemState::Initializing => "initializing",
            ModemState::Ready => "ready",
            ModemState::Reconnecting { .. } => "reconnecting",
            ModemState::Failed(_) => "failed",
            ModemState::Stopped => "stopped",
            ModemState::Standby => "standby",
        }
    }

    /// What the state needs said beside its name: the next attempt of a
    /// reconnect, or why it failed.
    pub fn detail(&self) -> Option<String> {
        match self {
            ModemState::Reconnecting { attempt, retry_in } => Some(format!(
                "attempt {attempt}, next in {:.1} s",
                retry_in.as_secs_f64()
            )),
            ModemState::Failed(why) => Some(why.clone()),
            _ => None,
        }
    }
}

/// As an operator reads it: `reconnecting (attempt 3, next in 4.0 s)`,
/// `failed: the SIM needs its PUK …`.
impl std::fmt::Display for ModemState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self, self.detail()) {
            (ModemState::Failed(_), Some(why)) => {
                write!(f, "failed, waiting for an operator: {why}")
            }
            (_, Some(detail)) => write!(f, "{} ({detail})", self.name()),
            (_, None) => f.write_str(self.name()),
        }
    }
}

/// Running totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Parts sent.
    pub parts_sent: u64,
    /// Parts the modem refused or that timed out.
    pub send_failures: u64,
    /// Messages received (complete).
    pub received: u64,
    /// Reconnections.
    pub reconnects: u64,
    /// Re-initialisations.
    pub reinits: u64,
    /// Commands that timed out.
    pub timeouts: u64,
}

/// What the driver knows about its modem.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModemInfo {
    /// `+CGMI`.
    pub manufacturer: Option<String>,
    /// `+CGMM`.
    pub model: Option<String>,
    /// `+CGMR`.
    pub revision: Option<String>,
    /// `+CGSN`.
    pub imei: Option<String>,
    /// `+CIMI`.
    pub imsi: Option<String>,
    /// `+COPS?` operator name.
    pub operator: Option<String>,
    /// Signal strength (RSSI) in dBm, from `+CSQ` or the device's API.
    pub signal_dbm: Option<i16>,
    /// LTE's reference signal received power in dBm (`+CESQ`, or the
    /// device's API); `None` off LTE or when the modem does not say.
    pub rsrp_dbm: Option<i16>,
    /// LTE's reference signal received quality in dB, as `rsrp_dbm`.
    pub rsrq_db: Option<f32>,
    /// LTE's signal to interference and noise in dB. AT has no standard
    /// command for it; RouterOS and HiLink devices report it.
    pub sinr_db: Option<f32>,
    /// The radio access technology in use (`+COPS?`'s `<AcT>`, or the
    /// device's API).
    pub network: Option<NetworkType>,
    /// `+CREG?`.
    pub registration: Option<RegistrationStatus>,
    /// The SIM's state, as the last start or health probe found it.
    pub sim: Option<SimState>,
    /// SMSC in use.
    pub smsc: Option<String>,
    /// Storage used and total.
    pub storage: Option<(u32, u32)>,
    /// The storages in use for reading, writing and receiving (`+CPMS`), as
    /// many as the modem took; empty if it took none.
    pub memories: Vec<String>,
    /// Why the modem cannot receive SMS, and what to try, when it cannot:
    /// it refuses every `AT+CNMI` setting (so it never says a message
    /// came), or its storage refuses to be read. `None` when it can.
    pub cannot_receive: Option<String>,
    /// When direct delivery (`+CMT`) was asked for and the modem does not
    /// do it, why: its `AT+CNMI` offers no direct delivery, or it stores
    /// each message and announces it (`+CMTI`) all the same. Messages are
    /// then read from storage, which loses nothing.
    pub no_direct_delivery: Option<String>,
    /// Totals.
    pub counters: Counters,
}

impl ModemInfo {
    /// Forgets what the ended session measured on the radio (signal,
    /// network, registration, operator): a modem reconnecting, stopped or
    /// left to another node measures nothing, and its last values would
    /// read as current in the API, the metrics and the health samples. The
    /// SIM's state stays: it is why a modem may have stopped.
    pub(super) fn forget_radio(&mut self) {
        self.signal_dbm = None;
        self.rsrp_dbm = None;
        self.rsrq_db = None;
        self.sinr_db = None;
        self.network = None;
        self.registration = None;
        self.operator = None;
    }
}

/// Options for [`ModemHandle::send_text`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SendOptions {
    /// Alphabet policy.
    pub encoding: EncodingPolicy,
    /// National language tables allowed.
    pub national: Vec<NationalLanguage>,
    /// Ask for status reports.
    pub status_report: bool,
    /// Class 0.
    pub flash: bool,
    /// Relative validity period.
    pub validity: Option<Duration>,
    /// Refuse texts needing more parts than this.
    pub max_parts: Option<usize>,
}

/// A sent message: one message reference per part, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentMessage {
    /// `+CMGS` message references; status reports carry them. `None` for a part
    /// the modem accepted without printing a usable reference.
    pub message_refs: Vec<Option<u8>>,
    /// The concatenation reference, for multipart messages.
    pub concat_ref: Option<u8>,
    /// The IMSI of the SIM it was sent from, when the modem tells it: a
    /// status report is this message's only if it came through the same SIM.
    pub sim: Option<String>,
}

/// Why a send failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The text or number cannot be encoded; retrying will not help.
    #[error("cannot encode the message: {0}")]
    Encode(#[from] plutanium_sms::Error),
    /// The text needs more parts than allowed.
    #[error("the text needs {parts} parts, more than the {max} allowed")]
    TooManyParts {
        /// Parts needed.
        parts: usize,
        /// The limit.
        max: usize,
    },
    /// The modem refused part `part` (1-based).
    #[error("part {part} refused: {result}")]
    Refused {
        /// Which part.
        part: usize,
        /// The final result.
        result: FinalResult,
        /// Whether a later retry may succeed.
        transient: bool,
        /// References of the parts sent before it (`None`: sent, reference unknown).
        sent: Vec<Option<u8>>,
    },
    /// The modem never asked for part `part`'s PDU, so it was not sent.
    #[error("part {part}: the modem did not ask for the PDU; it was not sent")]
    NoPrompt {
        /// Which part.
        part: usize,
        /// References of the parts sent before it.
        sent: Vec<Option<u8>>,
    },
    /// Part `part` was written but no answer came: it may or may not have been
    /// sent. Retrying risks a duplicate; not retrying risks a loss.
    #[error("part {part}: no answer from the modem after the PDU; it may have been sent")]
    Timeout {
        /// Which part.
        part: usize,
        /// References of the parts sent before it.
        sent: Vec<Option<u8>>,
    },
    /// The modem is not connected or not ready.
    #[error("modem not ready ({0})")]
    NotReady(String),
    /// The driver has stopped.
    #[error("modem driver stopped")]
    Stopped,
    /// The send's [`SendGate`] did not open within a second of the prompt
    /// (or was dropped): the prompt was closed and nothing was sent.
    #[error("not sent: held at the prompt for what it waited for, which did not come in time")]
    Withdrawn,
    /// The modem's transport cannot carry this message whole (RouterOS's
    /// REST API: only ASCII, one SMS); nothing was sent.
    #[error("{0}")]
    Unsupported(String),
    /// The device in front of the modem (a router) refused the send;
    /// nothing was sent.
    #[error("{reason}")]
    Rejected {
        /// Why, in the device's words.
        reason: String,
        /// Whether a later retry may succeed.
        transient: bool,
    },
}

/// Holds a send's first PDU back until the caller opens it. The driver asks
/// for the prompt (`AT+CMGS=`) at once and writes the PDU only once the
/// gate opens, so a caller that must record one send before the next goes
/// out (a crash then repeats at most one) still has the next one's prompt
/// round trip done meanwhile. A gate that does not open within a second of
/// the prompt (or whose opener is dropped) withdraws the send
/// ([`SendError::Withdrawn`]): the driver does not hold the modem longer.
#[derive(Debug)]
pub struct SendGate(pub(super) oneshot::Receiver<()>);

impl SendGate {
    /// A gate, and what opens it (`send(())`).
    pub fn new() -> (oneshot::Sender<()>, SendGate) {
        let (open, gate) = oneshot::channel();
        (open, SendGate(gate))
    }
}

impl SendError {
    /// Whether retrying later (or on another modem) may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            SendError::Refused { transient, .. } | SendError::Rejected { transient, .. } => {
                *transient
            }
            SendError::Timeout { .. } | SendError::NoPrompt { .. } | SendError::NotReady(_) => true,
            _ => false,
        }
    }

    /// The references of the parts sent before the failure.
    pub fn sent_references(&self) -> &[Option<u8>] {
        match self {
            SendError::Refused { sent, .. }
            | SendError::NoPrompt { sent, .. }
            | SendError::Timeout { sent, .. } => sent,
            _ => &[],
        }
    }
}

/// A send queued at the driver ([`ModemHandle::queue_text`]).
#[derive(Debug)]
pub struct QueuedSend {
    answer: oneshot::Receiver<Result<Submitted, SendError>>,
    concat_ref: Option<u8>,
}

impl QueuedSend {
    /// Waits for the driver's answer.
    pub async fn sent(self) -> Result<SentMessage, SendError> {
        let (message_refs, sim) = self.answer.await.map_err(|_| SendError::Stopped)??;
        Ok(SentMessage {
            message_refs,
            concat_ref: self.concat_ref,
            sim,
        })
    }
}

/// The references of sent PDUs and the IMSI of the SIM they went from.
pub(super) type Submitted = (Vec<Option<u8>>, Option<String>);

/// What a caller asks of the actor; each carries the channel for its answer.
pub(super) enum Request {
    Send {
        pdus: Vec<EncodedPdu>,
        /// The text and destination the PDUs encode, for a transport that
        /// takes text instead of PDUs (RouterOS); `None` for raw PDUs.
        text: Option<OutgoingText>,
        gate: Option<SendGate>,
        reply: oneshot::Sender<Result<Submitted, SendError>>,
    },
    Ussd {
        code: String,
        reply: oneshot::Sender<Result<String, String>>,
    },
    Info {
        reply: oneshot::Sender<ModemInfo>,
    },
    Stop,
}

/// A message as text, beside its PDUs.
#[derive(Debug)]
pub(super) struct OutgoingText {
    pub(super) to: String,
    pub(super) text: String,
}

/// Talks to a running driver.
#[derive(Clone, Debug)]
pub struct ModemHandle {
    pub(super) name: String,
    pub(super) requests: mpsc::Sender<RequestBox>,
    pub(super) state: watch::Receiver<ModemState>,
    /// The configured SMSC, put in every PDU `send_text` encodes.
    pub(super) smsc: Option<Address>,
    /// Shared by every clone of the handle, so concurrent senders take
    /// different concatenation references.
    pub(super) next_concat_ref: Arc<std::sync::atomic::AtomicU32>,
    /// Only text RouterOS's `/tool sms send` delivers whole (ASCII, one SMS).
    pub(super) routeros_text_only: bool,
}

/// A request as it travels on the actor's queue: wrapped so it has a `Debug`
/// that names only its kind (the reply channels have nothing to show).
pub(super) struct RequestBox(pub(super) Request);

impl std::fmt::Debug for RequestBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Request::Send { .. } => "Send",
            Request::Ussd { .. } => "Ussd",
            Request::Info { .. } => "Info",
            Request::Stop => "Stop",
        })
    }
}

impl ModemHandle {
    /// The modem's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this modem's transport can carry `text` whole: every AT
    /// modem and HiLink device can; a modem behind RouterOS's REST API only
    /// ASCII text of one SMS. The sender gives a message that some other
    /// modem could carry to that one instead.
    pub fn can_carry(&self, text: &str) -> bool {
        !self.routeros_text_only || plutanium_routeros::check_sendable(text).is_ok()
    }

    /// The current state, and changes to it.
    pub fn state(&self) -> watch::Receiver<ModemState> {
        self.state.clone()
    }

    /// Waits until the modem is ready, or returns the state that prevents it
    /// (`Failed` or `Stopped`).
    pub async fn ready(&self) -> Result<(), ModemState> {
        let mut state = self.state.clone();
        loop {
            let current = state.borrow_and_update().clone();
            match current {
                ModemState::Ready => return Ok(()),
                ModemState::Failed(_) | ModemState::Stopped => return Err(current),
                _ => {}
            }
            if state.changed().await.is_err() {
                return Err(ModemState::Stopped);
            }
        }
    }

    /// Encodes `text` for `to` and sends it part by part, with one concatenation
    /// reference for the whole message.
    pub async fn send_text(
        &self,
        to: &str,
        text: &str,
        options: &SendOptions,
    ) -> Result<SentMessage, SendError> {
        self.send_text_gated(to, text, options, None).await
    }

    /// [`ModemHandle::send_text`], whose first PDU waits for `gate` (see
    /// [`SendGate`]) once the modem has asked for it.
    pub async fn send_text_gated(
        &self,
        to: &str,
        text: &str,
        options: &SendOptions,
        gate: Option<SendGate>,
    ) -> Result<SentMessage, SendError> {
        self.queue_text(to, text, options, gate).await?.sent().await
    }

    /// Queues a [`ModemHandle::send_text_gated`] at the driver and returns
    /// once it is queued, with its answer to come. Sends queued one after
    /// the other go out in that order, and the driver starts each as soon
    /// as the one before is done, without waiting for its caller.
    pub async fn queue_text(
        &self,
        to: &str,
        text: &str,
        options: &SendOptions,
        gate: Option<SendGate>,
    ) -> Result<QueuedSend, SendError> {
        let destination = Address::parse(to)?;
        let reference = (self
            .next_concat_ref
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            & 0xFF) as u8;
        let split = plutanium_sms::split(
            text,
            &EncodeOptions {
                policy: options.encoding,
                national: options.national.clone(),
                concat_ref: ConcatRef::Eight(reference),
            },
        )?;
        if let Some(max) = options.max_parts
            && split.parts.len() > max
        {
            return Err(SendError::TooManyParts {
                parts: split.parts.len(),
                max,
            });
        }
        let data_coding = DataCoding::new(
            split.counted.alphabet,
            options.flash.then_some(MessageClass::Class0),
        );
        let validity = options.validity.map_or(Validity::None, |v| {
            Validity::relative_minutes(u32::try_from(v.as_secs().div_ceil(60)).unwrap_or(u32::MAX))
        });
        let multipart = split.parts.len() > 1;
        let pdus = split
            .parts
            .into_iter()
            .map(|user_data| {
                let mut submit = Submit::new(destination.clone(), data_coding, user_data);
                submit.status_report_request = options.status_report;
                submit.validity = validity;
                SmscPdu {
                    smsc: self.smsc.clone(),
                    pdu: Pdu::Submit(submit),
                }
                .encode()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let text = OutgoingText {
            to: to.to_string(),
            text: text.to_string(),
        };
        Ok(QueuedSend {
            answer: self.queue(pdus, Some(text), gate).await?,
            concat_ref: multipart.then_some(reference),
        })
    }

    /// Sends ready-made PDUs in order; returns their message references.
    pub async fn send_pdus(&self, pdus: Vec<EncodedPdu>) -> Result<Vec<Option<u8>>, SendError> {
        Ok(self.submit(pdus, None).await?.0)
    }

    /// Sends PDUs: their references, and the IMSI of the SIM that sent them.
    async fn submit(
        &self,
        pdus: Vec<EncodedPdu>,
        gate: Option<SendGate>,
    ) -> Result<Submitted, SendError> {
        self.queue(pdus, None, gate)
            .await?
            .await
            .map_err(|_| SendError::Stopped)?
    }

    /// Queues PDUs at the driver: the channel of their answer.
    async fn queue(
        &self,
        pdus: Vec<EncodedPdu>,
        text: Option<OutgoingText>,
        gate: Option<SendGate>,
    ) -> Result<oneshot::Receiver<Result<Submitted, SendError>>, SendError> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(RequestBox(Request::Send {
                pdus,
                text,
                gate,
                reply,
            }))
            .await
            .map_err(|_| SendError::Stopped)?;
        Ok(answer)
    }

    /// Runs a USSD code and returns the network's answer.
    pub async fn ussd(&self, code: &str) -> Result<String, String> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(RequestBox(Request::Ussd {
                code: code.to_string(),
                reply,
            }))
            .await
            .map_err(|_| "modem driver stopped".to_string())?;
        answer
            .await
            .map_err(|_| "modem driver stopped".to_string())?
    }

    /// What the driver knows about the modem.
    pub async fn info(&self) -> Option<ModemInfo> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(RequestBox(Request::Info { reply }))
            .await
            .ok()?;
        answer.await.ok()
    }

    /// Stops the driver after the command in flight.
    pub async fn stop(&self) {
        let _ = self.requests.send(RequestBox(Request::Stop)).await;
        let mut state = self.state.clone();
        while !matches!(*state.borrow_and_update(), ModemState::Stopped) {
            if state.changed().await.is_err() {
                return;
            }
        }
    }
}
