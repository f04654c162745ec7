//! A modem a MikroTik router owns, driven through RouterOS's REST API
//! instead of AT, behind the same [`ModemHandle`](super::ModemHandle) and
//! [`ModemEvent`]s:
//!
//! - **Sending** is `POST /tool/sms/send`, one request per message, only for
//!   text RouterOS delivers whole ([`plutanium_routeros::check_sendable`]:
//!   ASCII, one SMS). Anything else is refused before it reaches the router
//!   ([`SendError::Unsupported`]), never sent mangled. RouterOS gives no
//!   message reference, so no status report can be matched to the send.
//! - **Receiving** polls `GET /tool/sms/inbox` every
//!   [`DriverConfig::inbox_poll`]. Each message is handed out with an
//!   [`Ack`], and removed from the router only when acknowledged, which the
//!   gateway does once it is stored. A message is known by a fingerprint of
//!   its sender, time stamp and text, not by its `.id`, which RouterOS reuses
//!   and renumbers: the removal looks the message up again and removes
//!   whichever item holds it now. A crash between storing and removing hands
//!   the message out again after the restart, with the same fingerprint,
//!   which the store recognises.
//! - **A router that cannot be reached** (rebooting, the link down) is
//!   reconnected to with the same backoff as a serial port; wrong
//!   credentials stop the driver with a message saying what to fix.

use std::collections::HashSet;
use std::time::Duration;

use plutanium_at::response::RegistrationStatus;
use plutanium_routeros::{InboxItem, LteStatus, Router, RouterError, RouterOsUrl};
use plutanium_sms::{Payload, Timestamp};
use tokio::sync::{mpsc, watch};
use tracing::{debug, info, warn};

use super::events::AckWork;
use super::handle::{OutgoingText, Request, RequestBox, Submitted};
use super::{
    Ack, DriverConfig, InboundSms, ModemEvent, ModemInfo, ModemState, SendError, SendGate,
};

/// How long a call to the router may take: RouterOS holds a send while its
/// own AT exchange with the modem runs (up to a minute at first, it says).
const CALL_TIMEOUT: Duration = Duration::from_secs(70);

/// How long a send waits for its gate (as the AT driver waits at the prompt).
const GATE_WAIT: Duration = Duration::from_secs(1);

pub(super) struct RouterActor {
    pub(super) config: DriverConfig,
    pub(super) url: RouterOsUrl,
    pub(super) requests: mpsc::Receiver<RequestBox>,
    pub(super) events: mpsc::Sender<ModemEvent>,
    pub(super) state: watch::Sender<ModemState>,
    pub(super) ack_tx: mpsc::UnboundedSender<AckWork>,
    pub(super) ack_rx: mpsc::UnboundedReceiver<AckWork>,
    pub(super) rng: u64,
    /// The LTE interface's last `monitor`, for [`ModemInfo`].
    pub(super) status: Option<LteStatus>,
}

/// Why a connected session ended.
enum End {
    /// Asked to stop, or nobody listens any more.
    Stop,
    /// The router went away; connect again.
    Lost(RouterError),
    /// Something only a person can fix.
    Fatal(String),
}

/// The state of one connected session.
struct Session {
    router: Router,
    /// `monitor` was refused: not asked again this session.
    no_monitor: bool,
    /// Fingerprints handed out and neither acknowledged nor released.
    handed: HashSet<u64>,
}

impl RouterActor {
    pub(super) async fn run(mut self) {
        let router = match self.router() {
            Ok(router) => router,
            Err(reason) => return self.failed(reason).await,
        };
        let mut session = Session {
            router,
            no_monitor: false,
            handed: HashSet::new(),
        };
        let mut attempt = 0u32;
        loop {
            let end = match session.router.inbox().await {
                Ok(items) => {
                    attempt = 0;
                    info!(modem = %self.config.name, router = %self.url, "connected to the router");
                    self.serve(&mut session, items).await
                }
                Err(e) if e.is_transient() => End::Lost(e),
                Err(e) => End::Fatal(e.to_string()),
            };
            match end {
                End::Stop => break,
                End::Fatal(reason) => return self.failed(reason).await,
                End::Lost(e) => {
                    attempt += 1;
                    let retry_in = self.backoff(attempt);
                    warn!(modem = %self.config.name, error = %e, attempt,
                          retry_in_s = retry_in.as_secs_f64(), "the router is unreachable; trying again");
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

    fn router(&self) -> Result<Router, String> {
        let password = self.config.password.as_ref().ok_or_else(|| {
            format!(
                "{} needs the RouterOS user's password: put it in a file and name it with \
                 `password_file:` on the modem",
                self.url
            )
        })?;
        if !self.url.tls {
            warn!(modem = %self.config.name, router = %self.url,
                  "the router is reached over plain HTTP: its password and every message cross the network unencrypted");
        }
        let trust = plutanium_tls::TrustStore::load(&self.config.ca_files)
            .map_err(|e| format!("{}: {e}", self.url))?;
        Ok(Router::new(
            self.url.clone(),
            &password.0,
            &trust,
            CALL_TIMEOUT,
        ))
    }

    /// Stays failed, answering requests, until stopped.
    async fn failed(mut self, reason: String) {
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
                let _ = reply.send(self.info());
            }
            Request::Stop => {}
        }
    }

    /// Waits `pause` while answering requests; `false` once stopped.
    async fn idle(&mut self, pause: Duration) -> bool {
        let until = tokio::time::Instant::now() + pause;
        loop {
            tokio::select! {
                request = self.requests.recv() => match request {
                    None | Some(RequestBox(Request::Stop)) => return false,
                    Some(RequestBox(request)) => self.not_ready(request, "the router is unreachable"),
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
        // Up to a quarter more, so routers that came back together are not
        // all asked at once.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        base + base.mul_f64((self.rng % 1000) as f64 / 4000.0)
    }

    fn info(&self) -> ModemInfo {
        let status = self.status.as_ref();
        ModemInfo {
            manufacturer: Some("MikroTik RouterOS".into()),
            model: Some(self.url.interface.clone()),
            operator: status.and_then(|s| s.current_operator.clone()),
            signal_dbm: status.and_then(|s| LteStatus::dbm(s.rssi.as_ref())),
            registration: status
                .and_then(|s| s.registration_status.as_deref())
                .map(registration),
            ..ModemInfo::default()
        }
    }

    /// Reads the interface's radio and registration. A router without
    /// `/interface lte monitor` (or a user without the policy for it) is
    /// said once and not asked again.
    async fn monitor(&mut self, session: &mut Session) -> Result<(), End> {
        if session.no_monitor {
            return Ok(());
        }
        match session.router.monitor().await {
            Ok(status) => self.status = Some(status),
            Err(e) if e.is_transient() => return Err(End::Lost(e)),
            Err(e) => {
                warn!(modem = %self.config.name, error = %e,
                      "cannot read the LTE interface's signal and operator; sending and receiving go on without them");
                session.no_monitor = true;
            }
        }
        Ok(())
    }

    async fn serve(&mut self, session: &mut Session, first: Vec<InboxItem>) -> End {
        // Ready with its signal and operator known.
        if let Err(end) = self.monitor(session).await {
            return end;
        }
        self.state.send_replace(ModemState::Ready);
        if let Err(end) = self.hand_out(session, first).await {
            return end;
        }
        let mut poll = tokio::time::interval(self.config.inbox_poll);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        poll.tick().await;
        let mut health = tokio::time::interval(self.config.health_interval);
        health.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        health.tick().await;
        loop {
            tokio::select! {
                request = self.requests.recv() => match request {
                    None | Some(RequestBox(Request::Stop)) => return End::Stop,
                    Some(RequestBox(request)) => {
                        if let Err(end) = self.request(session, request).await {
                            return end;
                        }
                    }
                },
                Some(work) = self.ack_rx.recv() => {
                    let mut works = vec![work];
                    while let Ok(more) = self.ack_rx.try_recv() {
                        works.push(more);
                    }
                    if let Err(end) = self.acknowledge(session, works).await {
                        return end;
                    }
                }
                _ = health.tick() => {
                    if let Err(end) = self.monitor(session).await {
                        return end;
                    }
                }
                _ = poll.tick() => {
                    let items = match session.router.inbox().await {
                        Ok(items) => items,
                        Err(e) if e.is_transient() => return End::Lost(e),
                        Err(e) => return End::Fatal(e.to_string()),
                    };
                    if let Err(end) = self.hand_out(session, items).await {
                        return end;
                    }
                }
            }
        }
    }

    async fn request(&mut self, session: &mut Session, request: Request) -> Result<(), End> {
        match request {
            Request::Send {
                text, gate, reply, ..
            } => {
                let result = self.send(session, text, gate).await;
                let lost = matches!(&result, Err(SendError::NotReady(_)));
                let _ = reply.send(result);
                if lost {
                    // Tried at once again after a reconnect; the row waits meanwhile.
                    return session.router.inbox().await.map(drop).map_err(|e| {
                        if e.is_transient() {
                            End::Lost(e)
                        } else {
                            End::Fatal(e.to_string())
                        }
                    });
                }
            }
            Request::Ussd { reply, .. } => {
                let _ = reply.send(Err(
                    "USSD is not available through RouterOS's REST API; reach the modem over AT \
                     (rfc2217:// to the router's USB port) for USSD"
                        .into(),
                ));
            }
            Request::Info { reply } => {
                let _ = reply.send(self.info());
            }
            Request::Stop => {}
        }
        Ok(())
    }

    async fn send(
        &mut self,
        session: &Session,
        text: Option<OutgoingText>,
        gate: Option<SendGate>,
    ) -> Result<Submitted, SendError> {
        let Some(OutgoingText { to, text }) = text else {
            return Err(SendError::Unsupported(
                "RouterOS's REST API sends text, not ready-made PDUs".into(),
            ));
        };
        plutanium_routeros::check_sendable(&text)
            .map_err(|e| SendError::Unsupported(e.to_string()))?;
        if let Some(SendGate(gate)) = gate {
            // The outcome of the send before must be on disk first (the
            // gateway's crash bound), as at an AT modem's prompt.
            match tokio::time::timeout(GATE_WAIT, gate).await {
                Ok(Ok(())) => {}
                _ => return Err(SendError::Withdrawn),
            }
        }
        match session.router.send(&to, &text).await {
            Ok(()) => Ok((vec![None], None)),
            // The request never got there: nothing was sent.
            Err(e @ RouterError::Unreachable { .. }) => Err(SendError::NotReady(e.to_string())),
            // It got there and no answer came: it may have been sent.
            Err(RouterError::Timeout { .. }) => Err(SendError::Timeout {
                part: 1,
                sent: Vec::new(),
            }),
            Err(e) => Err(SendError::Rejected {
                transient: e.is_transient(),
                reason: e.to_string(),
            }),
        }
    }

    /// Hands out the inbox items not handed out yet.
    async fn hand_out(&mut self, session: &mut Session, items: Vec<InboxItem>) -> Result<(), End> {
        for item in items {
            let fingerprint = fingerprint(&item);
            if !session.handed.insert(fingerprint) {
                continue;
            }
            debug!(modem = %self.config.name, id = %item.id, from = %item.phone, "SMS in the router's inbox");
            let sms = InboundSms {
                modem: self.config.name.clone(),
                sender: item.phone.clone(),
                payload: Payload::Text(item.message.clone()),
                timestamp: timestamp(&item.timestamp),
                class: None,
                parts: 1,
                missing_parts: Vec::new(),
                pdus: item.pdu.clone().into_iter().collect(),
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

    /// Removes from the router the messages acknowledged, found again by
    /// fingerprint; forgets the released ones, so they are handed out again.
    async fn acknowledge(&mut self, session: &mut Session, works: Vec<AckWork>) -> Result<(), End> {
        let mut remove = HashSet::new();
        for work in works {
            if let Some(fingerprint) = work.remote {
                session.handed.remove(&fingerprint);
                if !work.release_only {
                    remove.insert(fingerprint);
                }
            }
        }
        if remove.is_empty() {
            return Ok(());
        }
        let items = match session.router.inbox().await {
            Ok(items) => items,
            // Not removed now; the messages are handed out again later, and
            // the store recognises them.
            Err(e) if e.is_transient() => return Err(End::Lost(e)),
            Err(e) => return Err(End::Fatal(e.to_string())),
        };
        for item in items {
            let fingerprint = fingerprint(&item);
            if !remove.remove(&fingerprint) {
                continue;
            }
            match session.router.remove(&item.id).await {
                Ok(_) => {
                    debug!(modem = %self.config.name, id = %item.id, "removed from the router's inbox")
                }
                Err(e) if e.is_transient() => return Err(End::Lost(e)),
                Err(e) => warn!(modem = %self.config.name, id = %item.id, error = %e,
                                "cannot remove a stored SMS from the router's inbox; it will be seen again"),
            }
        }
        Ok(())
    }
}

/// RouterOS's `registration-status` in AT's terms.
fn registration(text: &str) -> RegistrationStatus {
    match text {
        "registered" => RegistrationStatus::Home,
        "roaming" => RegistrationStatus::Roaming,
        "searching" => RegistrationStatus::Searching,
        "denied" => RegistrationStatus::Denied,
        "not registered" | "not-registered" => RegistrationStatus::NotRegistered,
        _ => RegistrationStatus::Unknown,
    }
}

/// A message's identity: sender, time stamp and text (FNV-1a), the same
/// whatever `.id` RouterOS gives it.
fn fingerprint(item: &InboxItem) -> u64 {
    [
        item.phone.as_bytes(),
        b"\n",
        item.timestamp.as_bytes(),
        b"\n",
        item.message.as_bytes(),
    ]
    .concat()
    .iter()
    .fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// RouterOS's time stamp: `2025-03-01 12:33:55` (7.10 and later) or
/// `aug/17/2024 15:27:02`; the time it was read when it is neither.
fn timestamp(text: &str) -> Timestamp {
    parse_timestamp(text).unwrap_or_else(|| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        Timestamp::from_unix(now, 0)
    })
}

fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let (date, time) = text.trim().split_once(' ')?;
    let mut clock = time.get(..8)?.split(':').map(|n| n.parse::<u8>().ok());
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    let (year, month, day) = if let Some((year, rest)) = date.split_once('-') {
        let (month, day) = rest.split_once('-')?;
        (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
    } else {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let mut parts = date.split('/');
        let month = parts.next()?.to_ascii_lowercase();
        let month = MONTHS.iter().position(|m| *m == month)? as u8 + 1;
        let day = parts.next()?.parse().ok()?;
        (parts.next()?.parse().ok()?, month, day)
    };
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    valid.then_some(Timestamp {
        year,
        month,
        day,
        hour,
        minute,
        second,
        offset_quarters: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_timestamp_forms_parse_and_garbage_does_not() {
        let new = parse_timestamp("2025-03-01 12:33:55").unwrap();
        assert_eq!(
            (
                new.year, new.month, new.day, new.hour, new.minute, new.second
            ),
            (2025, 3, 1, 12, 33, 55)
        );
        let old = parse_timestamp("aug/17/2024 15:27:02").unwrap();
        assert_eq!((old.year, old.month, old.day, old.hour), (2024, 8, 17, 15));
        assert!(parse_timestamp("yesterday").is_none());
        assert!(parse_timestamp("2025-13-01 12:33:55").is_none());
    }

    #[test]
    fn the_fingerprint_ignores_the_id() {
        let item = |id: &str, message: &str| InboxItem {
            id: id.into(),
            phone: "+420777123456".into(),
            message: message.into(),
            timestamp: "2025-03-01 12:33:55".into(),
            kind: None,
            pdu: None,
        };
        assert_eq!(
            fingerprint(&item("*0", "Hi")),
            fingerprint(&item("*7", "Hi"))
        );
        assert_ne!(
            fingerprint(&item("*0", "Hi")),
            fingerprint(&item("*0", "Hi!"))
        );
    }
}
