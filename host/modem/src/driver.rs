//! The per-modem actor: command queue, init, send, receive, health, recovery.
//!
//! This file is the actor's skeleton: its state ([`Actor`]), [`spawn`], its
//! life cycle (connect, run a session, reconnect or stop) and the ready loop
//! that hands each thing that happens to the part that deals with it:
//!
//! * `config.rs`: [`DriverConfig`] and [`Timeouts`];
//! * `handle.rs`: [`ModemHandle`], the requests it sends and what comes back;
//! * `events.rs`: [`ModemEvent`], its payloads and [`Ack`];
//! * `link.rs`: running one AT command at a time over the port;
//! * `session.rs`: init, SIM PIN, identity, health, reconnect backoff;
//! * `inbound.rs`: receiving SMS and status reports, reassembly, deletion on ack;
//! * `storage.rs`: the memories (`AT+CPMS`), the one a URC names, the SIM a slot is on;
//! * `outbound.rs`: sending PDUs with `+CMGS`;
//! * `calls.rs` and `ussd.rs`: incoming calls and USSD requests;
//! * `radio.rs`: signal, network type and SIM state in one vocabulary;
//! * `remote.rs`: the other actor, for a modem a device lends through its
//!   API; `routeros.rs` and `hilink.rs`, what a MikroTik router's REST
//!   API and a Huawei HiLink device's web API speak.

mod calls;
mod config;
mod events;
mod handle;
mod hilink;
mod inbound;
mod link;
mod outbound;
mod radio;
mod remote;
mod routeros;
mod session;
mod storage;
mod ussd;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use plutanium_at::Urc;
use plutanium_sms::{Address, Reassembler};
use tokio::io::AsyncReadExt;
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, sleep_until};
use tracing::{info, warn};

pub use config::{DriverConfig, Password, Pulse, RestoredPart, Timeouts};
pub use events::{
    Ack, InboundSms, InboundStatusReport, IncomingCall, KeptPart, ModemEvent, UndecodablePdu,
};
pub use handle::{
    Counters, ModemHandle, ModemInfo, ModemState, QueuedSend, SendError, SendGate, SendOptions,
    SentMessage,
};
pub use radio::{NetworkType, SimState};

use crate::port::{self, InProcessPorts, PortUrl};
use events::AckWork;
use handle::{Request, RequestBox};
use inbound::{Part, Seen, Source};
use link::Link;
use storage::Slot;

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
        routeros_text_only: matches!(config.port, PortUrl::RouterOs(_)),
    };
    let channels = remote::Channels {
        requests: requests_rx,
        events: events_tx,
        state: state_tx,
        ack_tx,
        ack_rx,
    };
    // A modem a device lends through its API: the remote actor, with what
    // that device speaks (spawned here, where its type is known, so the
    // task's future is seen to be Send).
    match config.port.clone() {
        PortUrl::RouterOs(url) => {
            let api = routeros::RouterOsApi::new(&config, &url);
            let info = routeros::RouterOsApi::info(&url);
            let actor =
                remote::RemoteActor::new(api, info, url.to_string(), config, channels, seed | 1);
            tokio::spawn(actor.run());
            return (handle, events_rx);
        }
        PortUrl::Hilink(url) => {
            let api = hilink::HilinkApi::new(&config, &url);
            let info = hilink::HilinkApi::info();
            let actor =
                remote::RemoteActor::new(api, info, url.to_string(), config, channels, seed | 1);
            tokio::spawn(actor.run());
            return (handle, events_rx);
        }
        _ => {}
    }
    let remote::Channels {
        requests,
        events,
        state,
        ack_tx,
        ack_rx,
    } = channels;
    let actor = Actor {
        reassembler: Reassembler::new(config.reassembly),
        config,
        in_process,
        requests,
        events,
        state,
        ack_tx,
        ack_rx,
        info: ModemInfo::default(),
        rng: seed,
        owned_slots: HashSet::new(),
        read_memory: String::new(),
        refused_memories: HashSet::new(),
        announced_memories: Vec::new(),
        sim_epoch: 0,
        sim_identity: None,
        direct_seen: HashMap::new(),
        ringing: None,
        owed: Owed::default(),
        no_cesq: false,
        sends_by_reference: Box::new([None; 256]),
        reached_ready: false,
        indications_refused: false,
        stop: false,
    };
    tokio::spawn(actor.run());
    (handle, events_rx)
}

fn seconds(delay: Duration) -> String {
    format!("{:.1} s", delay.as_secs_f64())
}

/// A seed for the jitter and the first concatenation reference, different
/// per modem and per run, so two modems (or a restart) do not pick the same.
fn seed_from(name: &str) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    name.bytes()
        .fold(u64::from(nanos) | 1, |h, b| h.rotate_left(5) ^ u64::from(b))
}

/// Added to every wait the driver reports to its pulse.
const PULSE_MARGIN: Duration = Duration::from_secs(10);

/// How a session ended.
enum SessionEnd {
    /// The port is gone or the modem stopped answering: reconnect.
    Lost(String),
    /// The modem needs an operator: stay down.
    Fatal(String),
    /// Asked to stop.
    Stopped,
    /// This process may no longer drive the modem (its lease went to
    /// another node): close the port and wait in standby.
    Yielded,
}

/// Commands owed for URCs handled while another command ran (the modem
/// takes no command before the running one ends).
#[derive(Default)]
struct Owed {
    /// `+CNMA`s for messages delivered directly.
    acknowledgements: u32,
    /// A hang-up for a call that rang.
    hang_up: bool,
}

/// One modem's driver: owns the port for as long as it runs, and everything
/// it knows about the modem. The files under `driver/` add its methods.
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
    owned_slots: HashSet<Slot>,
    /// The read memory (`mem1`) selected now.
    read_memory: String,
    /// Memories a URC named that the modem refused to select (warned once).
    refused_memories: HashSet<String>,
    /// Memories other than the primary one that a URC named: the sweep
    /// lists them too.
    announced_memories: Vec<String>,
    /// Which SIM slots belong to: changes when the IMSI does.
    sim_epoch: u32,
    /// The IMSI of the last session (`Some(None)`: it could not be read;
    /// `None`: no session identified a SIM yet).
    sim_identity: Option<Option<String>>,
    /// Fingerprints of directly delivered (`+CMT`) PDUs, to recognise their
    /// stored copies and network retries.
    direct_seen: HashMap<u64, Seen>,
    /// The caller of the call ringing now and when its last ring came: a
    /// network repeats RING/+CLIP every few seconds for one call.
    ringing: Option<(Option<String>, Instant)>,
    /// Commands owed for what was taken in while a command ran.
    owed: Owed,
    /// For each message reference, when the latest send that got it
    /// started: a status report names it (see
    /// [`InboundStatusReport::send_started`](crate::InboundStatusReport)).
    sends_by_reference: Box<[Option<std::time::Instant>; 256]>,
    /// Whether the current session reached Ready (resets the backoff).
    reached_ready: bool,
    /// The modem refused every `AT+CNMI` setting at the last init.
    indications_refused: bool,
    /// The modem refused `AT+CESQ` this session (2G/3G modems): the health
    /// probe does not ask again until the next init.
    no_cesq: bool,
    /// A [`Request::Stop`] came: end the session after the request in hand.
    stop: bool,
}

impl Actor {
    /// The actor's life: put back restored parts, then connect, run a
    /// session, and reconnect after a backoff, until stopped or until the
    /// modem needs an operator.
    async fn run(mut self) {
        for part in std::mem::take(&mut self.config.restored_parts) {
            self.restore_part(&part).await;
        }
        let mut attempt: u32 = 0;
        loop {
            if !self.may_drive() {
                if self.standby().await {
                    break;
                }
                attempt = 0;
                continue;
            }
            self.set_state(ModemState::Connecting);
            // Opening a port is bounded by the OS (a TCP connect gives up
            // within about two minutes).
            self.alive_until(Instant::now() + Duration::from_secs(150));
            let end = match port::open(&self.config.port, self.in_process.as_ref()).await {
                Ok(port) => {
                    let mut link = Link::new(&self.config.name, port);
                    self.reached_ready = false;
                    let end = self.session(&mut link).await;
                    if self.reached_ready {
                        attempt = 0;
                    }
                    end
                }
                Err(e) => SessionEnd::Lost(format!("cannot open {}: {e}", self.config.port)),
            };
            self.info.forget_radio();
            match end {
                SessionEnd::Stopped => break,
                SessionEnd::Yielded => {
                    info!(modem = %self.config.name, "port closed: another node drives this modem now");
                }
                SessionEnd::Fatal(reason) => {
                    warn!(modem = %self.config.name, %reason, "modem needs an operator");
                    self.set_state(ModemState::Failed(reason.clone()));
                    self.idle_until_stopped(&reason).await;
                    break;
                }
                SessionEnd::Lost(reason) => {
                    attempt = attempt.saturating_add(1);
                    self.info.counters.reconnects += 1;
                    let delay = self.reconnect_delay(attempt);
                    warn!(
                        modem = %self.config.name,
                        %reason,
                        retry_in = %seconds(delay),
                        attempt,
                        "modem lost; reconnecting by itself"
                    );
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

    /// One session over an open port: initialise, then serve until the port
    /// is lost or the driver is stopped. Re-initialises in place after
    /// `reinit_after_failures` failed commands in a row.
    async fn session(&mut self, link: &mut Link) -> SessionEnd {
        self.set_state(ModemState::Initializing);
        if let Err(end) = self.init(link).await {
            return end;
        }
        self.set_state(ModemState::Ready);
        self.reached_ready = true;
        let mut next_health = Instant::now() + self.config.health_interval;
        // Incomplete messages are looked at often enough to go out close to
        // their timeout: every 30 s, or sooner for a short timeout.
        let expiry_interval = (self.config.reassembly.timeout / 2)
            .clamp(Duration::from_millis(100), Duration::from_secs(30));
        let mut next_expiry = Instant::now() + expiry_interval;
        let mut ownership = self.config.ownership.clone();
        loop {
            if self.stop {
                return SessionEnd::Stopped;
            }
            if !self.may_drive() {
                return SessionEnd::Yielded;
            }
            // Idle, the select below wakes by the next health probe or
            // expiry; work in between reports its own waits.
            self.alive_until(next_health.min(next_expiry));
            if let Err(end) = self.drain_urcs(link).await {
                return end;
            }
            // Acknowledgements before the next request: each deletes what
            // the modem stored, and a modem sending back to back would
            // otherwise fill its storage with reports already taken, and
            // lose the next ones (a full memory takes no more).
            while let Ok(work) = self.ack_rx.try_recv() {
                if let Err(end) = self.acknowledge(link, work).await {
                    return end;
                }
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
                    if let Err(end) = self.recheck(link).await {
                        return end;
                    }
                    // Also catches messages whose read failed or whose ack was dropped.
                    match self.sweep(link).await {
                        Ok(listed) => self.judge_receiving(listed),
                        Err(end) => return end,
                    }
                }
                _ = sleep_until(next_expiry) => {
                    next_expiry = Instant::now() + expiry_interval;
                    self.expire_incomplete().await;
                }
                () = session::lost_ownership(&mut ownership) => return SessionEnd::Yielded,
            }
        }
    }

    /// Serves one request from a [`ModemHandle`].
    async fn request(&mut self, link: &mut Link, request: Request) -> Result<(), SessionEnd> {
        match request {
            Request::Send {
                pdus, gate, reply, ..
            } => {
                let started = std::time::Instant::now();
                let (result, lost) = self.send(link, &pdus, gate).await;
                let references = match &result {
                    Ok(refs) => refs.as_slice(),
                    Err(e) => e.sent_references(),
                };
                for reference in references.iter().flatten() {
                    self.sends_by_reference[usize::from(*reference)] = Some(started);
                }
                let _ = reply.send(result.map(|refs| (refs, self.info.imsi.clone())));
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

    /// Sends the commands owed (see [`Owed`]), then handles the URCs
    /// queued while commands ran (or read while idle).
    async fn drain_urcs(&mut self, link: &mut Link) -> Result<(), SessionEnd> {
        while self.owed.acknowledgements > 0 {
            self.owed.acknowledgements -= 1;
            self.try_lines(link, &plutanium_at::command::acknowledge_message())
                .await?;
        }
        if std::mem::take(&mut self.owed.hang_up) {
            self.hang_up(link).await?;
        }
        while let Some(urc) = link.urcs.pop_front() {
            self.urc(link, urc).await?;
        }
        Ok(())
    }

    /// Hands one URC, something the modem said unasked, to the part that
    /// deals with it.
    async fn urc(&mut self, link: &mut Link, urc: Urc) -> Result<(), SessionEnd> {
        match urc {
            Urc::NewMessage(at) => {
                if self.config.direct_delivery {
                    self.no_direct_delivery(
                        "it stores each SMS and announces it with +CMTI even when asked to \
                         deliver it directly; SMS are read back from storage"
                            .into(),
                    );
                }
                self.read_stored(link, &at, false).await?;
            }
            Urc::NewStatusReport(at) => self.read_stored(link, &at, true).await?,
            Urc::Message { pdu, .. } | Urc::StatusReport { pdu, .. } => {
                self.received_pdu(link, &pdu, Source::Direct).await?;
            }
            Urc::CallerId(caller) => {
                self.call(link, Some(caller.number).filter(|n| !n.is_empty()))
                    .await?;
            }
            // A ring is reported with the caller id (+CLIP) that follows it.
            Urc::Ring => {}
            Urc::Ussd(answer) => self.ussd_answer(answer).await,
            Urc::Registration { registration, .. } => {
                self.info.registration = Some(registration.status);
            }
            _ => {}
        }
        Ok(())
    }

    /// Handles, while a command runs, the queued URCs that need no command
    /// of their own: messages and reports delivered directly, calls and
    /// USSD answers. The rest (a `+CMTI` needs `AT+CMGR`) wait for the
    /// command to end.
    pub(super) async fn serve_while_busy(&mut self, link: &mut Link) {
        let queued = std::mem::take(&mut link.urcs);
        for urc in queued {
            match urc {
                Urc::Message { pdu, .. } | Urc::StatusReport { pdu, .. } => {
                    self.received_pdu_while_busy(&pdu).await;
                }
                Urc::CallerId(caller) => {
                    self.ringing_call(Some(caller.number).filter(|n| !n.is_empty()))
                        .await;
                    self.owed.hang_up |= self.config.hang_up_calls;
                }
                Urc::Ussd(answer) => self.ussd_answer(answer).await,
                other => link.urcs.push_back(other),
            }
        }
    }

    /// Hands on a USSD answer the network sent unasked (or late).
    async fn ussd_answer(&mut self, answer: plutanium_at::response::UssdResponse) {
        if let Some(text) = answer.text {
            self.emit(ModemEvent::Ussd(text)).await;
        }
    }

    /// Publishes a state change (and logs it) to every handle.
    fn set_state(&self, state: ModemState) {
        if *self.state.borrow() != state {
            info!(modem = %self.config.name, state = %state, "modem state");
            self.state.send_replace(state);
        }
    }

    /// Tells the pulse the driver shows life again by `until` (plus a
    /// margin for scheduling and a busy machine).
    fn alive_until(&self, until: Instant) {
        if let Some(pulse) = &self.config.pulse {
            pulse.report(Some(until.into_std() + PULSE_MARGIN));
        }
    }

    /// Tells the pulse the driver rests in a wait that is no fault.
    fn resting(&self) {
        if let Some(pulse) = &self.config.pulse {
            pulse.report(None);
        }
    }

    async fn emit(&mut self, event: ModemEvent) {
        // The consumer commits each event to the store: a minute without
        // room means it is stuck.
        self.alive_until(Instant::now() + Duration::from_secs(60));
        // A dropped receiver means nobody listens; the driver keeps the modem alive.
        let _ = self.events.send(event).await;
    }
}
