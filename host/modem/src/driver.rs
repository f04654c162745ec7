//! The per-modem actor: command queue, init, send, receive, health, recovery.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use plutanium_at::response::{self, MessageStatus, RegistrationStatus};
use plutanium_at::{Command, CommandClass, Event, FinalResult, Parser, Response, Urc, command};
use plutanium_sms::{
    Address, ConcatKey, ConcatRef, DataCoding, EncodeOptions, EncodedPdu, EncodingPolicy,
    MessageClass, NationalLanguage, Payload, Pdu, Pushed, Reassembler, ReassemblyLimits, SmscPdu,
    Submit, Timestamp, TpStatus, Validity,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, sleep, sleep_until, timeout_at};
use tracing::{debug, info, warn};

use crate::port::{self, InProcessPorts, Port, PortUrl};

/// Timeouts per command class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// `AT`, `ATE0`, `+CSQ`, identity.
    pub quick: Duration,
    /// SIM access: `+CPIN`, `+CMGR`, `+CMGL`, `+CMGD`.
    pub sim: Duration,
    /// `+CMGS`, from the command to the final result.
    pub send: Duration,
    /// `+COPS`, `+CUSD`, call control.
    pub network: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            quick: CommandClass::Quick.default_timeout(),
            sim: CommandClass::Sim.default_timeout(),
            send: CommandClass::Send.default_timeout(),
            network: CommandClass::Network.default_timeout(),
        }
    }
}

impl Timeouts {
    fn of(&self, class: CommandClass) -> Duration {
        match class {
            CommandClass::Quick => self.quick,
            CommandClass::Sim => self.sim,
            CommandClass::Send => self.send,
            _ => self.network,
        }
    }
}

/// How to drive one modem.
#[derive(Clone, Debug)]
pub struct DriverConfig {
    /// The modem's name in logs and events.
    pub name: String,
    /// Where it is.
    pub port: PortUrl,
    /// SIM PIN. A wrong PIN is never retried: the driver stops and says so.
    pub pin: Option<String>,
    /// SMSC to put in PDUs; `None` uses the one stored on the SIM.
    pub smsc: Option<String>,
    /// How often to probe signal and registration.
    pub health_interval: Duration,
    /// Consecutive timeouts or errors that trigger a re-initialisation.
    pub reinit_after_failures: u32,
    /// First reconnect delay; doubles up to `reconnect_max`, with jitter.
    pub reconnect_initial: Duration,
    /// Longest reconnect delay.
    pub reconnect_max: Duration,
    /// Hang up incoming calls after reporting them.
    pub hang_up_calls: bool,
    /// Ask for direct delivery (`+CMT`) instead of storage + `+CMTI`.
    pub direct_delivery: bool,
    /// Command timeouts.
    pub timeouts: Timeouts,
    /// How long to wait for a USSD answer.
    pub ussd_timeout: Duration,
    /// Multipart reassembly bounds and timeout.
    pub reassembly: ReassemblyLimits,
    /// Parts of incomplete messages kept from an earlier run
    /// ([`ModemEvent::PartKept`]), put back into reassembly at start.
    pub restored_parts: Vec<String>,
    /// Capacity of the event channel. A full channel makes the modem wait: the
    /// consumer (the store) applies back-pressure rather than losing events.
    pub event_capacity: usize,
}

impl DriverConfig {
    /// Defaults for a modem at `port`.
    pub fn new(name: impl Into<String>, port: PortUrl) -> Self {
        DriverConfig {
            name: name.into(),
            port,
            pin: None,
            smsc: None,
            health_interval: Duration::from_secs(30),
            reinit_after_failures: 3,
            reconnect_initial: Duration::from_secs(1),
            reconnect_max: Duration::from_secs(60),
            hang_up_calls: false,
            direct_delivery: false,
            timeouts: Timeouts::default(),
            ussd_timeout: Duration::from_secs(30),
            reassembly: ReassemblyLimits::default(),
            restored_parts: Vec::new(),
            event_capacity: 256,
        }
    }
}

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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
    /// Signal in dBm, from `+CSQ`.
    pub signal_dbm: Option<i16>,
    /// `+CREG?`.
    pub registration: Option<RegistrationStatus>,
    /// SMSC in use.
    pub smsc: Option<String>,
    /// Storage used and total.
    pub storage: Option<(u32, u32)>,
    /// Totals.
    pub counters: Counters,
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
}

impl SendError {
    /// Whether retrying later (or on another modem) may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            SendError::Refused { transient, .. } => *transient,
            SendError::Timeout { .. } | SendError::NoPrompt { .. } | SendError::NotReady(_) => true,
            _ => false,
        }
    }
}

/// An acknowledgement to give once an inbound item is committed.
///
/// Dropping it without [`Ack::ack`] leaves the message on the modem, and the next
/// storage sweep (every health interval, and after every reconnect) hands it out
/// again.
#[derive(Debug)]
pub struct Ack {
    tx: mpsc::UnboundedSender<AckWork>,
    work: Option<AckWork>,
}

impl Ack {
    /// Deletes the item from the modem (or acknowledges it to the network).
    pub fn ack(mut self) {
        if let Some(work) = self.work.take() {
            // A stopped driver cannot delete; the next sweep sees it again.
            let _ = self.tx.send(work);
        }
    }
}

impl Drop for Ack {
    fn drop(&mut self) {
        if let Some(mut work) = self.work.take() {
            // Not acknowledged: release the slots so the next sweep hands the
            // message out again.
            work.release_only = true;
            let _ = self.tx.send(work);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct AckWork {
    /// Storage slots to delete.
    delete: Vec<u32>,
    /// Fingerprints of directly delivered parts, whose stored copies go too.
    fingerprints: Vec<u64>,
    /// Dropped without an ack: forget the slots, delete nothing.
    release_only: bool,
}

/// A received SMS, reassembled.
#[derive(Debug)]
pub struct InboundSms {
    /// The modem it came in on.
    pub modem: String,
    /// The sender.
    pub sender: String,
    /// The text, or octets for 8-bit data.
    pub payload: Payload,
    /// The SMSC time stamp of the first part.
    pub timestamp: Timestamp,
    /// Message class, if any.
    pub class: Option<MessageClass>,
    /// How many parts it was sent in.
    pub parts: usize,
    /// Part numbers that never arrived (the message was given up incomplete).
    pub missing_parts: Vec<u8>,
    /// The PDUs as received, in part order (hex, SMSC field included).
    pub pdus: Vec<String>,
    /// The concatenation reference and part count of a multipart message.
    pub concat: Option<(u16, u8)>,
    /// A stable fingerprint of the TPDUs: the same message read twice (a `+CMT`
    /// and a stored copy, or a re-read after restart) has the same one.
    pub fingerprint: u64,
    /// Acknowledge after committing.
    pub ack: Ack,
}

/// A status report for a sent part.
#[derive(Debug)]
pub struct InboundStatusReport {
    /// The modem it came in on.
    pub modem: String,
    /// The `+CMGS` reference of the part.
    pub message_ref: u8,
    /// The recipient of that part.
    pub recipient: String,
    /// TP-Status.
    pub status: TpStatus,
    /// When the status was reached.
    pub discharge_time: Timestamp,
    /// Acknowledge after committing.
    pub ack: Ack,
}

/// An incoming call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingCall {
    /// The modem it rang on.
    pub modem: String,
    /// The caller, if shown.
    pub caller: Option<String>,
}

/// A stored PDU that could not be decoded. It is kept until acknowledged, so it
/// can be logged and is not lost.
#[derive(Debug)]
pub struct UndecodablePdu {
    /// The modem.
    pub modem: String,
    /// The PDU as read.
    pub pdu: String,
    /// Why it failed.
    pub error: String,
    /// Acknowledge to delete it from the modem.
    pub ack: Ack,
}

/// What the driver reports.
#[derive(Debug)]
#[non_exhaustive]
pub enum ModemEvent {
    /// An SMS.
    Sms(InboundSms),
    /// A status report.
    StatusReport(InboundStatusReport),
    /// An incoming call.
    Call(IncomingCall),
    /// A USSD message the network sent on its own.
    Ussd(String),
    /// A PDU that does not decode.
    Undecodable(UndecodablePdu),
    /// One part of a multipart message delivered directly (`+CMT`), already
    /// acknowledged to the network: keep it durably until its message is
    /// whole (the whole message's [`InboundSms::concat`] says which parts it
    /// replaces), and hand it back in [`DriverConfig::restored_parts`] after
    /// a restart. Parts delivered to storage stay on the SIM instead.
    PartKept(KeptPart),
}

/// A part of an incomplete multipart message; see [`ModemEvent::PartKept`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptPart {
    /// The modem it came in on.
    pub modem: String,
    /// The sender.
    pub sender: String,
    /// The concatenation reference.
    pub reference: u16,
    /// How many parts the message has.
    pub total: u8,
    /// This part's number, from 1.
    pub seq: u8,
    /// The PDU as received (hex, SMSC field included).
    pub pdu: String,
}

enum Request {
    Send {
        pdus: Vec<EncodedPdu>,
        reply: oneshot::Sender<Result<Vec<Option<u8>>, SendError>>,
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

/// Talks to a running driver.
#[derive(Clone, Debug)]
pub struct ModemHandle {
    name: String,
    requests: mpsc::Sender<RequestBox>,
    state: watch::Receiver<ModemState>,
    smsc: Option<Address>,
    next_concat_ref: Arc<std::sync::atomic::AtomicU32>,
}

/// Requests are boxed so the channel type stays small and `Debug`.
struct RequestBox(Request);

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
        let message_refs = self.send_pdus(pdus).await?;
        Ok(SentMessage {
            message_refs,
            concat_ref: multipart.then_some(reference),
        })
    }

    /// Sends ready-made PDUs in order; returns their message references.
    pub async fn send_pdus(&self, pdus: Vec<EncodedPdu>) -> Result<Vec<Option<u8>>, SendError> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(RequestBox(Request::Send { pdus, reply }))
            .await
            .map_err(|_| SendError::Stopped)?;
        answer.await.map_err(|_| SendError::Stopped)?
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

/// Starts the driver for one modem on the current tokio runtime. Returns the
/// handle and the events; the driver runs until [`ModemHandle::stop`] or until
/// the handle and every clone of it are dropped.
pub fn spawn(
    config: DriverConfig,
    in_process: Option<Arc<dyn InProcessPorts>>,
) -> (ModemHandle, mpsc::Receiver<ModemEvent>) {
    let (requests_tx, requests_rx) = mpsc::channel(64);
    let (events_tx, events_rx) = mpsc::channel(config.event_capacity.max(1));
    let (state_tx, state_rx) = watch::channel(ModemState::Connecting);
    let (ack_tx, ack_rx) = mpsc::unbounded_channel();
    let smsc = config.smsc.as_deref().and_then(|s| Address::parse(s).ok());
    let seed = seed_from(&config.name);
    let handle = ModemHandle {
        name: config.name.clone(),
        requests: requests_tx,
        state: state_rx,
        smsc,
        next_concat_ref: Arc::new(std::sync::atomic::AtomicU32::new((seed & 0xFF) as u32)),
    };
    let actor = Actor {
        reassembler: Reassembler::new(config.reassembly),
        config,
        in_process,
        requests: requests_rx,
        events: events_tx,
        state: state_tx,
        ack_tx,
        ack_rx,
        info: ModemInfo::default(),
        rng: seed,
        owned_slots: HashSet::new(),
        direct_seen: HashMap::new(),
        ringing: None,
        reached_ready: false,
        stop: false,
    };
    tokio::spawn(actor.run());
    (handle, events_rx)
}

fn seed_from(name: &str) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    name.bytes()
        .fold(u64::from(nanos) | 1, |h, b| h.rotate_left(5) ^ u64::from(b))
}

/// FNV-1a, for fingerprints of TPDUs.
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// How a session ended.
enum SessionEnd {
    /// The port is gone or the modem stopped answering: reconnect.
    Lost(String),
    /// The modem needs an operator: stay down.
    Fatal(String),
    /// Asked to stop.
    Stopped,
}

#[derive(Debug)]
enum ExecError {
    Timeout,
    Io(String),
}

/// Where a received part came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Stored(u32),
    Direct,
    /// Kept by the caller from an earlier run ([`DriverConfig::restored_parts`]).
    Restored,
}

#[derive(Debug)]
struct Part {
    source: Source,
    hex: String,
    fingerprint: u64,
    deliver: plutanium_sms::Deliver,
}

#[derive(Debug, Default)]
struct Seen {
    acked: bool,
    extra_indices: Vec<u32>,
}

struct Actor {
    config: DriverConfig,
    in_process: Option<Arc<dyn InProcessPorts>>,
    requests: mpsc::Receiver<RequestBox>,
    events: mpsc::Sender<ModemEvent>,
    state: watch::Sender<ModemState>,
    ack_tx: mpsc::UnboundedSender<AckWork>,
    ack_rx: mpsc::UnboundedReceiver<AckWork>,
    info: ModemInfo,
    rng: u64,
    reassembler: Reassembler<Part>,
    /// Slots that belong to a message handed out (or a part held for
    /// reassembly) and not yet acknowledged: a sweep or a repeated `+CMTI`
    /// must not hand them out twice, and each is deleted once.
    owned_slots: HashSet<u32>,
    /// Fingerprints of directly delivered (`+CMT`) PDUs, to recognise their
    /// stored copies and network retries.
    direct_seen: HashMap<u64, Seen>,
    /// The caller of the call ringing now and when its last ring came: a
    /// network repeats RING/+CLIP every few seconds for one call.
    ringing: Option<(Option<String>, Instant)>,
    /// Whether the current session reached Ready (resets the backoff).
    reached_ready: bool,
    stop: bool,
}

/// Rings of one caller closer together than this are one call (networks
/// ring every 3 to 6 seconds).
const SAME_CALL_GAP: Duration = Duration::from_secs(10);

impl Link {
    /// Feeds the first `n` bytes of the read buffer to the parser.
    fn parse(&mut self, n: usize) -> Vec<Event> {
        let mut events = Vec::new();
        self.parser.feed(&self.buffer[..n], &mut events);
        events
    }

    /// Reads once, by `deadline`, and returns what the parser made of it.
    async fn read_events(&mut self, deadline: Instant) -> Result<Vec<Event>, ExecError> {
        match timeout_at(deadline, self.port.read(&mut self.buffer)).await {
            Err(_) => Err(ExecError::Timeout),
            Ok(Ok(0)) => Err(ExecError::Io("port closed (EOF)".into())),
            Ok(Ok(n)) => Ok(self.parse(n)),
            Ok(Err(e)) => Err(ExecError::Io(e.to_string())),
        }
    }
}

/// The connection to the modem for one session.
struct Link {
    port: Port,
    parser: Parser,
    buffer: Vec<u8>,
    /// URCs seen while a command ran, handled after it.
    urcs: VecDeque<Urc>,
    failures: u32,
    /// A command timed out: its answer may still come, so the line is drained
    /// until quiet before the next command (a late answer must not be taken
    /// for the next command's).
    needs_settle: bool,
}

impl Actor {
    fn set_state(&self, state: ModemState) {
        if *self.state.borrow() != state {
            info!(modem = %self.config.name, ?state, "modem state");
            self.state.send_replace(state);
        }
    }

    fn jitter(&mut self, base: Duration) -> Duration {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        // 75% to 125% of the base delay.
        let factor = 750 + self.rng % 500;
        base * u32::try_from(factor).unwrap_or(1000) / 1000
    }

    async fn run(mut self) {
        for hex in std::mem::take(&mut self.config.restored_parts) {
            self.restore_part(&hex).await;
        }
        let mut attempt: u32 = 0;
        loop {
            self.set_state(ModemState::Connecting);
            let end = match port::open(&self.config.port, self.in_process.as_ref()).await {
                Ok(port) => {
                    let mut link = Link {
                        port,
                        parser: Parser::new(),
                        buffer: vec![0; 4096],
                        urcs: VecDeque::new(),
                        failures: 0,
                        needs_settle: false,
                    };
                    self.reached_ready = false;
                    let end = self.session(&mut link).await;
                    if self.reached_ready {
                        attempt = 0;
                    }
                    end
                }
                Err(e) => SessionEnd::Lost(format!("cannot open {}: {e}", self.config.port)),
            };
            match end {
                SessionEnd::Stopped => break,
                SessionEnd::Fatal(reason) => {
                    warn!(modem = %self.config.name, %reason, "modem needs an operator");
                    self.set_state(ModemState::Failed(reason.clone()));
                    self.idle_until_stopped(&reason).await;
                    break;
                }
                SessionEnd::Lost(reason) => {
                    attempt = attempt.saturating_add(1);
                    self.info.counters.reconnects += 1;
                    let exponent = attempt.saturating_sub(1).min(16);
                    let base = self
                        .config
                        .reconnect_initial
                        .saturating_mul(1 << exponent)
                        .min(self.config.reconnect_max);
                    let delay = self.jitter(base);
                    warn!(modem = %self.config.name, %reason, ?delay, attempt, "modem lost; reconnecting");
                    self.set_state(ModemState::Reconnecting {
                        attempt,
                        retry_in: delay,
                    });
                    if self.wait_offline(delay, &reason).await {
                        break;
                    }
                }
            }
        }
        self.set_state(ModemState::Stopped);
    }

    /// Answers requests while there is no modem; returns true when asked to stop.
    async fn wait_offline(&mut self, delay: Duration, reason: &str) -> bool {
        let deadline = Instant::now() + delay;
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

    async fn idle_until_stopped(&mut self, reason: &str) {
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

    async fn session(&mut self, link: &mut Link) -> SessionEnd {
        self.set_state(ModemState::Initializing);
        if let Err(end) = self.init(link).await {
            return end;
        }
        self.set_state(ModemState::Ready);
        self.reached_ready = true;
        let mut next_health = Instant::now() + self.config.health_interval;
        let mut next_expiry = Instant::now() + Duration::from_secs(30);
        loop {
            if self.stop {
                return SessionEnd::Stopped;
            }
            if let Err(end) = self.drain_urcs(link).await {
                return end;
            }
            if link.failures >= self.config.reinit_after_failures {
                self.info.counters.reinits += 1;
                warn!(modem = %self.config.name, failures = link.failures, "re-initialising");
                self.set_state(ModemState::Initializing);
                link.failures = 0;
                if let Err(end) = self.init(link).await {
                    return end;
                }
                self.set_state(ModemState::Ready);
            }
            tokio::select! {
                read = link.port.read(&mut link.buffer) => match read {
                    Ok(0) => return SessionEnd::Lost("port closed (EOF)".into()),
                    Ok(n) => {
                        let events = link.parse(n);
                        for event in events {
                            Self::route_idle_event(link, event, &self.config.name);
                        }
                    }
                    Err(e) => return SessionEnd::Lost(format!("read failed: {e}")),
                },
                request = self.requests.recv() => match request {
                    None => return SessionEnd::Stopped,
                    Some(RequestBox(request)) => {
                        if let Err(end) = self.request(link, request).await {
                            return end;
                        }
                    }
                },
                Some(work) = self.ack_rx.recv() => {
                    if let Err(end) = self.acknowledge(link, work).await {
                        return end;
                    }
                }
                _ = sleep_until(next_health) => {
                    next_health = Instant::now() + self.config.health_interval;
                    if let Err(end) = self.health(link).await {
                        return end;
                    }
                    // Also catches messages whose read failed or whose ack was dropped.
                    if let Err(end) = self.sweep(link).await {
                        return end;
                    }
                }
                _ = sleep_until(next_expiry) => {
                    next_expiry = Instant::now() + Duration::from_secs(30);
                    let now = unix_now();
                    for incomplete in self.reassembler.expire(now) {
                        let parts: Vec<Part> = incomplete.parts.into_iter().map(|(_, p)| p).collect();
                        self.emit_sms(parts, incomplete.missing, incomplete.key.total).await;
                    }
                }
            }
        }
    }

    fn route_idle_event(link: &mut Link, event: Event, name: &str) {
        match event {
            Event::Urc(urc) => link.urcs.push_back(urc),
            Event::Noise { line, reason } => {
                debug!(modem = %name, %line, ?reason, "noise from modem");
            }
            Event::Response(r) => {
                debug!(modem = %name, command = %r.command, "late answer ignored")
            }
            Event::Prompt => debug!(modem = %name, "stray prompt"),
            _ => {}
        }
    }

    /// Writes `bytes` to the port.
    /// Writes `bytes` to the port. A port that does not take them within 10 s
    /// (stalled flow control, a TCP peer that stopped reading) is lost.
    async fn write(link: &mut Link, bytes: &[u8]) -> Result<(), ExecError> {
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
    async fn settle(&mut self, link: &mut Link) -> Result<(), ExecError> {
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
                        debug!(modem = %self.config.name, lines = ?stale.lines, "dropped a late answer");
                        link.parser.start(&sentinel);
                    }
                    other => Self::route_idle_event(link, other, &self.config.name),
                }
            }
        }
    }

    /// Reads until the parser yields a response (or the prompt, when
    /// `until_prompt`), queueing URCs; bounded by `deadline`.
    async fn read_until(
        &mut self,
        link: &mut Link,
        deadline: Instant,
        until_prompt: bool,
    ) -> Result<Option<Response>, ExecError> {
        loop {
            let events = link.read_events(deadline).await?;
            let mut found = None;
            for event in events {
                match event {
                    Event::Response(r) if found.is_none() => found = Some(Some(r)),
                    Event::Prompt if until_prompt && found.is_none() => found = Some(None),
                    other => Self::route_idle_event(link, other, &self.config.name),
                }
            }
            if let Some(result) = found {
                return Ok(result);
            }
        }
    }

    async fn exec(&mut self, link: &mut Link, cmd: &Command) -> Result<Response, ExecError> {
        if let Err(e) = self.settle(link).await {
            link.failures += 1;
            return Err(e);
        }
        let deadline = Instant::now() + self.config.timeouts.of(cmd.class);
        link.parser.start(cmd);
        Self::write(link, &cmd.to_bytes()).await?;
        match self.read_until(link, deadline, false).await {
            Ok(Some(response)) => {
                if matches!(response.result, FinalResult::Error) {
                    link.failures += 1;
                } else {
                    link.failures = 0;
                }
                Ok(response)
            }
            Ok(None) => Err(ExecError::Timeout),
            Err(ExecError::Timeout) => {
                link.parser.abort();
                link.needs_settle = true;
                link.failures += 1;
                self.info.counters.timeouts += 1;
                warn!(modem = %self.config.name, command = %cmd.text, "command timed out");
                Err(ExecError::Timeout)
            }
            Err(e) => Err(e),
        }
    }

    /// Runs a command that must succeed for the session to go on.
    async fn must(&mut self, link: &mut Link, cmd: &Command) -> Result<Vec<String>, SessionEnd> {
        match self.exec(link, cmd).await {
            Ok(r) => r
                .into_lines()
                .map_err(|e| SessionEnd::Lost(format!("init failed: {e}"))),
            Err(ExecError::Timeout) => Err(SessionEnd::Lost(format!("{} timed out", cmd.text))),
            Err(ExecError::Io(e)) => Err(SessionEnd::Lost(e)),
        }
    }

    /// Runs a command whose failure is only logged.
    async fn try_lines(
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

    async fn init(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        link.parser.reset();
        // Cancel a prompt a previous session may have left open, then wake the modem.
        Self::write(link, &[plutanium_at::command::CANCEL_PROMPT, b'\r'])
            .await
            .map_err(|e| SessionEnd::Lost(format!("{e:?}")))?;
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
        self.unlock_sim(link).await?;
        self.must(link, &command::pdu_mode()).await?;
        if self.config.direct_delivery {
            // Phase 2+: the TE acknowledges each +CMT/+CDS with +CNMA.
            self.try_lines(link, &Command::new("AT+CSMS=1", CommandClass::Quick))
                .await?;
        }
        if let Some(lines) = self
            .try_lines(link, &command::select_storage("SM", "SM", "SM"))
            .await?
            && let Some(set) = lines.first().and_then(|l| response::parse_cpms_set(l).ok())
            && let Some(&(used, total)) = set.first()
        {
            self.info.storage = Some((used, total));
        }
        let support = self
            .try_lines(link, &command::indication_support())
            .await?
            .and_then(|l| l.first().and_then(|l| response::parse_cnmi_test(l).ok()))
            .unwrap_or_default();
        let cnmi = support.choose_cnmi(self.config.direct_delivery);
        if self
            .try_lines(link, &command::set_indications(cnmi))
            .await?
            .is_none()
        {
            // Some modems refuse bfr/ds combinations: fall back to the classic setting.
            self.try_lines(link, &command::set_indications([2, 1, 0, 0, 0]))
                .await?;
        }
        self.try_lines(link, &command::caller_id(true)).await?;
        self.identify(link).await?;
        self.health(link).await?;
        self.sweep(link).await
    }

    async fn unlock_sim(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        for _ in 0..10 {
            let response = match self.exec(link, &command::pin_status()).await {
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
                    return Err(SessionEnd::Fatal("no SIM card inserted".into()));
                }
                _ => None,
            };
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
                Some(other) => {
                    return Err(SessionEnd::Fatal(format!("the SIM needs {other:?}")));
                }
                // SIM busy or not ready yet.
                None => sleep(Duration::from_millis(500)).await,
            }
        }
        Err(SessionEnd::Lost("the SIM never became ready".into()))
    }

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
        if self.config.smsc.is_some() {
            self.info.smsc = self.config.smsc.clone();
        } else if let Some(lines) = self.try_lines(link, &command::smsc_query()).await? {
            self.info.smsc = lines
                .first()
                .and_then(|l| response::parse_csca(l).ok())
                .map(|s| s.number);
        }
        if let Some(lines) = self.try_lines(link, &command::operator()).await? {
            self.info.operator = lines
                .first()
                .and_then(|l| response::parse_cops(l).ok())
                .and_then(|o| o.name);
        }
        Ok(())
    }

    async fn health(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        if let Some(lines) = self.try_lines(link, &command::signal_quality()).await? {
            self.info.signal_dbm = lines
                .first()
                .and_then(|l| response::parse_csq(l).ok())
                .and_then(|s| s.dbm());
        }
        if let Some(lines) = self.try_lines(link, &command::registration()).await? {
            self.info.registration = lines
                .first()
                .and_then(|l| response::parse_registration_response(l).ok())
                .map(|r| r.status);
        }
        Ok(())
    }

    /// Reads everything in storage (after every connect and re-init).
    async fn sweep(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        let Some(lines) = self.try_lines(link, &command::list_all_messages()).await? else {
            warn!(modem = %self.config.name, "storage sweep failed");
            return Ok(());
        };
        // Each entry on its own: one malformed entry must not hide the others.
        let mut stored = Vec::new();
        let starts: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with("+CMGL:"))
            .map(|(i, _)| i)
            .collect();
        for (n, &start) in starts.iter().enumerate() {
            let end = starts.get(n + 1).copied().unwrap_or(lines.len());
            match response::parse_cmgl(&lines[start..end]) {
                Ok(mut entry) => stored.append(&mut entry),
                Err(e) => {
                    warn!(modem = %self.config.name, error = %e, "skipping a malformed storage entry");
                }
            }
        }
        for message in stored {
            if matches!(
                message.status,
                MessageStatus::ReceivedUnread | MessageStatus::ReceivedRead
            ) {
                self.received_pdu(link, &message.pdu, Source::Stored(message.index))
                    .await?;
            }
        }
        Ok(())
    }

    async fn drain_urcs(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        while let Some(urc) = link.urcs.pop_front() {
            self.urc(link, urc).await?;
        }
        Ok(())
    }

    async fn urc(&mut self, link: &mut Link, urc: Urc) -> Result<(), SessionEnd> {
        match urc {
            Urc::NewMessage(at) | Urc::NewStatusReport(at) => {
                let Some(lines) = self
                    .try_lines(link, &command::read_message(at.index))
                    .await?
                else {
                    return Ok(());
                };
                match response::parse_cmgr(at.index, &lines) {
                    Ok(Some(message)) => {
                        self.received_pdu(link, &message.pdu, Source::Stored(at.index))
                            .await?;
                    }
                    Ok(None) => debug!(modem = %self.config.name, index = at.index, "empty slot"),
                    Err(e) => warn!(modem = %self.config.name, error = %e, "cannot parse +CMGR"),
                }
            }
            Urc::Message { pdu, .. } | Urc::StatusReport { pdu, .. } => {
                self.received_pdu(link, &pdu, Source::Direct).await?;
            }
            Urc::CallerId(caller) => {
                self.call(link, Some(caller.number).filter(|n| !n.is_empty()))
                    .await?;
            }
            // A ring is reported with the caller id (+CLIP) that follows it.
            Urc::Ring => {}
            Urc::Ussd(answer) => {
                if let Some(text) = answer.text {
                    self.emit(ModemEvent::Ussd(text)).await;
                }
            }
            Urc::Registration { registration, .. } => {
                self.info.registration = Some(registration.status);
            }
            _ => {}
        }
        Ok(())
    }

    async fn call(&mut self, link: &mut Link, caller: Option<String>) -> Result<(), SessionEnd> {
        let now = Instant::now();
        let repeated = self
            .ringing
            .as_ref()
            .is_some_and(|(last, at)| *last == caller && now.duration_since(*at) < SAME_CALL_GAP);
        self.ringing = Some((caller.clone(), now));
        if !repeated {
            self.emit(ModemEvent::Call(IncomingCall {
                modem: self.config.name.clone(),
                caller,
            }))
            .await;
        }
        // The same call ringing again is not a new call; if it still rings,
        // the last hang-up did not take, so try again.
        if self.config.hang_up_calls {
            let mut hung_up = self.try_lines(link, &command::hang_up()).await?.is_some();
            if !hung_up {
                hung_up = self
                    .try_lines(link, &command::hang_up_legacy())
                    .await?
                    .is_some();
            }
            if hung_up {
                // Over: the same caller ringing again is a new call.
                self.ringing = None;
            }
        }
        Ok(())
    }

    async fn emit(&mut self, event: ModemEvent) {
        // A dropped receiver means nobody listens; the driver keeps the modem alive.
        let _ = self.events.send(event).await;
    }

    fn ack(&self, delete: Vec<u32>, fingerprints: Vec<u64>) -> Ack {
        Ack {
            tx: self.ack_tx.clone(),
            work: Some(AckWork {
                delete,
                fingerprints,
                release_only: false,
            }),
        }
    }

    async fn received_pdu(
        &mut self,
        link: &mut Link,
        hex: &str,
        source: Source,
    ) -> Result<(), SessionEnd> {
        if let Source::Stored(index) = source {
            if self.owned_slots.contains(&index) {
                // Already handed out (or held for reassembly) and not yet
                // acknowledged: a sweep or a repeated +CMTI sees it again.
                return Ok(());
            }
        } else if self.expects_cnma() {
            // With +CSMS=1 the network waits for this, and only for a short while:
            // acknowledge at once. Direct delivery trades the "deleted only after
            // commit" guarantee for latency; storage delivery (the default) keeps it.
            self.try_lines(link, &command::acknowledge_message())
                .await?;
        }
        // Hex decoded once: for the fingerprint here and the PDU decode below.
        let octets = plutanium_sms::hex::decode(hex);
        let tpdu_fingerprint = {
            let raw = octets.as_deref().unwrap_or_default();
            let smsc_len = raw.first().map_or(0, |&l| usize::from(l) + 1);
            fingerprint(raw.get(smsc_len..).unwrap_or_default())
        };
        match source {
            Source::Stored(index) => {
                if let Some(seen) = self.direct_seen.get_mut(&tpdu_fingerprint) {
                    // The stored copy of a message already delivered as +CMT.
                    if seen.acked {
                        self.try_lines(link, &command::delete_message(index))
                            .await?;
                    } else if !seen.extra_indices.contains(&index) {
                        seen.extra_indices.push(index);
                        self.owned_slots.insert(index);
                    }
                    debug!(modem = %self.config.name, index, "stored copy of a direct delivery");
                    return Ok(());
                }
                self.owned_slots.insert(index);
            }
            Source::Direct | Source::Restored => {
                if self.direct_seen.contains_key(&tpdu_fingerprint) {
                    debug!(modem = %self.config.name, "repeated direct delivery ignored");
                    return Ok(());
                }
                if self.direct_seen.len() > 4096 {
                    self.direct_seen.retain(|_, s| !s.acked);
                }
                self.direct_seen.insert(tpdu_fingerprint, Seen::default());
            }
        }
        let delete: Vec<u32> = match source {
            Source::Stored(i) => vec![i],
            Source::Direct | Source::Restored => Vec::new(),
        };
        let decoded = match octets.and_then(|o| plutanium_sms::decode(&o, true)) {
            Ok(d) => d,
            Err(e) => {
                let ack = self.ack(delete, Vec::new());
                self.emit(ModemEvent::Undecodable(UndecodablePdu {
                    modem: self.config.name.clone(),
                    pdu: hex.to_string(),
                    error: e.to_string(),
                    ack,
                }))
                .await;
                return Ok(());
            }
        };
        match decoded.pdu {
            Pdu::Deliver(deliver) => {
                let part = Part {
                    source,
                    hex: hex.to_string(),
                    fingerprint: tpdu_fingerprint,
                    deliver,
                };
                match part.deliver.user_data.concat() {
                    None => self.emit_sms(vec![part], Vec::new(), 1).await,
                    Some(concat) => self.reassemble(part, concat).await,
                }
            }
            Pdu::StatusReport(report) => {
                let ack = self.ack(delete, vec![tpdu_fingerprint]);
                self.emit(ModemEvent::StatusReport(InboundStatusReport {
                    modem: self.config.name.clone(),
                    message_ref: report.message_reference,
                    recipient: report.recipient.value,
                    status: report.status,
                    discharge_time: report.discharge_time,
                    ack,
                }))
                .await;
            }
            Pdu::Submit(_) => {
                // A stored outgoing message: not ours to report or delete.
                if let Source::Stored(index) = source {
                    self.owned_slots.remove(&index);
                }
            }
        }
        Ok(())
    }

    /// Puts a part kept from an earlier run back into reassembly.
    async fn restore_part(&mut self, hex: &str) {
        let Some(octets) = plutanium_sms::hex::decode(hex).ok() else {
            warn!(modem = %self.config.name, hex, "a restored part is not hex; ignored");
            return;
        };
        let smsc_len = octets.first().map_or(0, |&l| usize::from(l) + 1);
        let tpdu_fingerprint = fingerprint(octets.get(smsc_len..).unwrap_or_default());
        let Ok(decoded) = plutanium_sms::decode(&octets, true) else {
            warn!(modem = %self.config.name, hex, "a restored part does not decode; ignored");
            return;
        };
        let Pdu::Deliver(deliver) = decoded.pdu else {
            return;
        };
        let Some(concat) = deliver.user_data.concat() else {
            return;
        };
        self.direct_seen.insert(tpdu_fingerprint, Seen::default());
        let part = Part {
            source: Source::Restored,
            hex: hex.to_string(),
            fingerprint: tpdu_fingerprint,
            deliver,
        };
        self.reassemble(part, concat).await;
    }

    /// Adds one part of a multipart message to reassembly, and hands out
    /// what that completes or pushes out.
    async fn reassemble(&mut self, part: Part, concat: plutanium_sms::Concat) {
        let key = ConcatKey {
            sender: part.deliver.originator.value.clone(),
            reference: concat.reference,
            total: concat.total,
        };
        // A directly delivered part is acknowledged to the network already
        // and exists nowhere else: offered to the caller to keep until its
        // message is whole.
        let kept = (part.source == Source::Direct).then(|| KeptPart {
            modem: self.config.name.clone(),
            sender: key.sender.clone(),
            reference: concat.reference,
            total: concat.total,
            seq: concat.sequence,
            pdu: part.hex.clone(),
        });
        let outcome = self
            .reassembler
            .push(key, concat.sequence, part, unix_now());
        for evicted in outcome.evicted {
            let total = evicted.key.total;
            let parts = evicted.parts.into_iter().map(|(_, p)| p).collect();
            self.emit_sms(parts, evicted.missing, total).await;
        }
        match outcome.pushed {
            Pushed::Complete(parts) => self.emit_sms(parts, Vec::new(), concat.total).await,
            Pushed::Waiting { .. } => {
                if let Some(kept) = kept {
                    self.emit(ModemEvent::PartKept(kept)).await;
                }
            }
            Pushed::Duplicate(part) | Pushed::Invalid(part) => {
                self.emit_sms(vec![part], Vec::new(), 1).await;
            }
        }
    }

    fn expects_cnma(&self) -> bool {
        self.config.direct_delivery
    }

    async fn emit_sms(&mut self, parts: Vec<Part>, missing: Vec<u8>, total: u8) {
        let Some(first) = parts.first() else { return };
        let sender = first.deliver.originator.value.clone();
        let timestamp = first.deliver.timestamp;
        let class = first.deliver.data_coding.class();
        // Only a message given out as a whole (complete, or given up
        // incomplete) replaces its kept parts; a lone duplicate part must not.
        let concat = first
            .deliver
            .user_data
            .concat()
            .filter(|_| total > 1)
            .map(|c| (c.reference, c.total));
        let mut text = String::new();
        let mut octets = Vec::new();
        let mut is_text = true;
        let mut delete = Vec::new();
        let mut fingerprints = Vec::new();
        let mut pdus = Vec::new();
        for part in &parts {
            match &part.deliver.user_data.payload {
                Payload::Text(t) => text.push_str(t),
                Payload::Octets(o) => {
                    is_text = false;
                    octets.extend_from_slice(o);
                }
            }
            match part.source {
                Source::Stored(i) => delete.push(i),
                Source::Direct | Source::Restored => {}
            }
            fingerprints.push(part.fingerprint);
            pdus.push(part.hex.clone());
        }
        let combined_fingerprint = fingerprints.iter().fold(0u64, |h, f| h.rotate_left(7) ^ f);
        let ack = self.ack(delete, fingerprints);
        self.info.counters.received += 1;
        self.emit(ModemEvent::Sms(InboundSms {
            modem: self.config.name.clone(),
            sender,
            payload: if is_text {
                Payload::Text(text)
            } else {
                Payload::Octets(octets)
            },
            timestamp,
            class,
            parts: usize::from(total.max(1)),
            missing_parts: missing,
            pdus,
            concat,
            fingerprint: combined_fingerprint,
            ack,
        }))
        .await;
    }

    async fn acknowledge(&mut self, link: &mut Link, work: AckWork) -> Result<(), SessionEnd> {
        if work.release_only {
            // Dropped without an ack: the next sweep hands these out again,
            // including stored copies of direct deliveries.
            for index in &work.delete {
                self.owned_slots.remove(index);
            }
            for fp in &work.fingerprints {
                if let Some(seen) = self.direct_seen.remove(fp) {
                    for index in seen.extra_indices {
                        self.owned_slots.remove(&index);
                    }
                }
            }
            return Ok(());
        }
        let mut delete = work.delete;
        for fp in &work.fingerprints {
            if let Some(seen) = self.direct_seen.get_mut(fp) {
                seen.acked = true;
                delete.append(&mut seen.extra_indices);
            }
        }
        delete.sort_unstable();
        delete.dedup();
        for index in delete {
            let deleted = self
                .try_lines(link, &command::delete_message(index))
                .await?
                .is_some();
            // Either way the slot is no longer ours: if the delete failed, the
            // next sweep hands the message out again rather than losing it.
            self.owned_slots.remove(&index);
            if !deleted {
                warn!(modem = %self.config.name, index, "could not delete a stored message; the next sweep sees it again");
            }
        }
        Ok(())
    }

    async fn request(&mut self, link: &mut Link, request: Request) -> Result<(), SessionEnd> {
        match request {
            Request::Send { pdus, reply } => {
                let (result, lost) = self.send(link, &pdus).await;
                let _ = reply.send(result);
                if let Some(reason) = lost {
                    return Err(SessionEnd::Lost(reason));
                }
            }
            Request::Ussd { code, reply } => {
                let answer = self.ussd(link, &code).await;
                let _ = reply.send(answer.map_err(|e| e.to_string()));
            }
            Request::Info { reply } => {
                let _ = reply.send(self.info.clone());
            }
            Request::Stop => self.stop = true,
        }
        Ok(())
    }

    /// Sends the parts in order. Also returns why the session is lost, if it is.
    async fn send(
        &mut self,
        link: &mut Link,
        pdus: &[EncodedPdu],
    ) -> (Result<Vec<Option<u8>>, SendError>, Option<String>) {
        let mut sent = Vec::with_capacity(pdus.len());
        for (i, pdu) in pdus.iter().enumerate() {
            let part = i + 1;
            let failure = match self.send_one(link, pdu).await {
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
                PartError::MaybeSent(lost) => (Err(SendError::Timeout { part, sent }), lost),
            };
        }
        (Ok(sent), None)
    }

    /// Sends one part; `Ok(None)` when the modem said OK without a reference.
    async fn send_one(
        &mut self,
        link: &mut Link,
        pdu: &EncodedPdu,
    ) -> Result<Option<u8>, PartError> {
        let lost = |e: ExecError| match e {
            ExecError::Io(reason) => Some(reason),
            ExecError::Timeout => None,
        };
        self.settle(link)
            .await
            .map_err(|e| PartError::NoPrompt(lost(e)))?;
        let cmd = command::send_message(pdu.tpdu_len);
        let deadline = Instant::now() + self.config.timeouts.of(cmd.class);
        link.parser.start(&cmd);
        Self::write(link, &cmd.to_bytes())
            .await
            .map_err(|e| PartError::NoPrompt(lost(e)))?;
        match self.read_until(link, deadline, true).await {
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
                return Err(PartError::NoPrompt(lost(e)));
            }
        }
        let hex = pdu.to_hex();
        link.parser.pdu_sent(&hex);
        // PDU and Ctrl-Z in one write. From here on, a failure may have sent it.
        Self::write(link, &command::pdu_payload(&hex))
            .await
            .map_err(|e| PartError::MaybeSent(lost(e)))?;
        match self.read_until(link, deadline, false).await {
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

    async fn ussd(&mut self, link: &mut Link, code: &str) -> Result<String, String> {
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
            Err(e) => return Err(format!("USSD failed: {e:?}")),
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

/// How one part failed; the strings say why the session is lost, if it is.
enum PartError {
    /// The modem answered with an error.
    Refused(FinalResult),
    /// No prompt came, so the PDU was never written: nothing was sent.
    NoPrompt(Option<String>),
    /// The PDU was written but no answer came: it may have been sent.
    MaybeSent(Option<String>),
}

fn unix_now() -> Duration {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
}
