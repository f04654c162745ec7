//! The outbox's records, the same for every backend: every message to
//! send, as a state machine
//! `queued → sending → sent → delivered | failed | expired`.
//!
//! Senders *claim* due rows with a lease; a claimed row is `sending` until
//! the sender completes or releases it, or until its lease runs out (a
//! crashed sender), when it is due again. The idempotency key is unique, so
//! enqueueing the same key twice stores one row. The rules are stated on
//! [`Store`](crate::Store); each backend stores these records its own way
//! and reads them back through [`RawOutbox`].

use plutanium_core::{Encoding, SendOptions, Timestamp};

use crate::StoreError;

/// Where an outbox row stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutboxState {
    /// Waiting to be sent (again, after a transient failure).
    Queued,
    /// Claimed by a sender, under a lease.
    Sending,
    /// The network took every part; no delivery report yet.
    Sent,
    /// Every part was reported delivered.
    Delivered,
    /// Given up: a permanent error, or a failed delivery report.
    Failed,
    /// Its validity ran out first.
    Expired,
}

impl OutboxState {
    /// The name stored in the table.
    pub fn name(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Delivered => "delivered",
            OutboxState::Failed => "failed",
            OutboxState::Expired => "expired",
        }
    }

    /// The state called `name` (as [`OutboxState::name`] spells it).
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "queued" => OutboxState::Queued,
            "sending" => OutboxState::Sending,
            "sent" => OutboxState::Sent,
            "delivered" => OutboxState::Delivered,
            "failed" => OutboxState::Failed,
            "expired" => OutboxState::Expired,
            _ => return None,
        })
    }
}

/// Which part of the message log to read: newest first, from `since`
/// (ms), with ids below `before` (the last id of the previous page), at most
/// `limit`, and only messages whose text or number holds `search`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogPage {
    /// The earliest time, ms since the epoch.
    pub since: Timestamp,
    /// Only ids below this one.
    pub before: Option<i64>,
    /// The most rows.
    pub limit: u32,
    /// Only messages whose text or number (the peer's) contains this,
    /// ignoring case (all of Unicode's).
    pub search: Option<String>,
    /// The search ignores accents too: "cau" finds "Čau".
    pub ignore_diacritics: bool,
}

impl LogPage {
    /// The newest `limit` rows from `since` on.
    pub fn since(since: Timestamp, limit: u32) -> LogPage {
        LogPage {
            since,
            before: None,
            limit,
            search: None,
            ignore_diacritics: false,
        }
    }
}

/// A message to enqueue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOutbound {
    /// The idempotency key (source id + part): one key, one row, one send.
    pub key: String,
    /// Who asked: a route, a connector, the API.
    pub source: String,
    /// The destination.
    pub to: String,
    /// The text.
    pub text: String,
    /// How to send it.
    pub options: SendOptions,
    /// The modems that may send it (its route's); empty: any. A modem named
    /// in `options` narrows it to that one.
    pub allowed_modems: Vec<String>,
}

/// A stored inbound event whose routes ran, for
/// [`Store::commit_routes`](crate::Store::commit_routes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoutedMark {
    /// The inbox message with this id.
    Inbox(i64),
    /// The logged call with this id.
    Call(i64),
}

impl RoutedMark {
    /// The table the event is in, and its id there.
    pub(crate) fn row(self) -> (&'static str, i64) {
        match self {
            RoutedMark::Inbox(id) => ("inbox", id),
            RoutedMark::Call(id) => ("calls", id),
        }
    }
}

/// What one event's routes produced, for
/// [`Store::commit_routes`](crate::Store::commit_routes).
#[derive(Clone, Copy, Debug)]
pub struct RouteOutput<'a> {
    /// The stored event whose routes produced `messages`; `None` for
    /// messages that come from no stored event (an API send, a source's
    /// messages, the replies to a delivery status).
    pub mark: Option<RoutedMark>,
    /// What to queue.
    pub messages: &'a [NewOutbound],
}

/// What [`Store::commit_routes`](crate::Store::commit_routes) did with one
/// event's output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteCommit {
    /// Queued (each message's result, in order) and the event marked
    /// routed.
    Stored(Vec<Enqueued>),
    /// The event was routed already (by another node, or by an earlier
    /// commit whose answer was lost), or is no longer in the store:
    /// nothing stored.
    AlreadyRouted,
    /// The event came in on a modem whose lease the fence's holder no
    /// longer holds: nothing stored; the node that drives the modem now
    /// routes it.
    NotOwner,
}

impl RouteCommit {
    /// Each message's result when stored; empty otherwise.
    pub fn into_stored(self) -> Vec<Enqueued> {
        match self {
            RouteCommit::Stored(done) => done,
            RouteCommit::AlreadyRouted | RouteCommit::NotOwner => Vec::new(),
        }
    }
}

/// What [`Store::enqueue`](crate::Store::enqueue) did to one message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enqueued {
    /// A new row, with its id.
    Queued(i64),
    /// The key was already there: nothing stored, the existing row's id.
    Duplicate(i64),
}

impl Enqueued {
    /// The row's id either way.
    pub fn id(self) -> i64 {
        match self {
            Enqueued::Queued(id) | Enqueued::Duplicate(id) => id,
        }
    }
}

/// A sender's result for a claimed row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// Every part was accepted by `modem`, with these references (a part
    /// without a usable reference is `None`).
    Sent {
        /// The modem that sent it.
        modem: String,
        /// The message reference of each part.
        message_refs: Vec<Option<u8>>,
        /// The IMSI of the SIM it went from, when the modem told it.
        sim: Option<String>,
    },
    /// Try again at `at` (a transient error).
    Retry {
        /// What went wrong.
        error: String,
        /// When it is due again.
        at: Timestamp,
        /// The modem it was tried on.
        modem: Option<String>,
    },
    /// Not tried (no modem could take it, or the sender stopped first):
    /// queued again, due at `at`, and the claim does not count as an
    /// attempt.
    Postpone {
        /// Why.
        error: String,
        /// When it is due again.
        at: Timestamp,
    },
    /// Give up (a permanent error).
    Failed {
        /// Why.
        error: String,
        /// The modem it failed on.
        modem: Option<String>,
    },
}

impl SendOutcome {
    /// The modem it names, if any.
    pub fn modem(&self) -> Option<&str> {
        match self {
            SendOutcome::Sent { modem, .. } => Some(modem),
            SendOutcome::Retry { modem, .. } | SendOutcome::Failed { modem, .. } => {
                modem.as_deref()
            }
            SendOutcome::Postpone { .. } => None,
        }
    }

    /// Whether a completion may record it when the writer still holds the
    /// leases of `held` (`None`: not fenced). One on a modem needs that
    /// modem's lease; one on no modem (postponed before any was chosen)
    /// needs none, and the row's attempt count still fences it.
    pub(crate) fn may_record(&self, held: Option<&[String]>) -> bool {
        match (held, self.modem()) {
            (Some(held), Some(modem)) => held.iter().any(|m| m == modem),
            _ => true,
        }
    }
}

/// One outbox row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    /// Its id.
    pub id: i64,
    /// Its idempotency key.
    pub key: String,
    /// Who asked.
    pub source: String,
    /// The destination.
    pub to: String,
    /// The text.
    pub text: String,
    /// How to send it.
    pub options: SendOptions,
    /// The modems that may send it; empty: any.
    pub allowed_modems: Vec<String>,
    /// Where it stands.
    pub state: OutboxState,
    /// Sends started so far.
    pub attempts: u32,
    /// When it is due (queued rows).
    pub next_attempt_at: Timestamp,
    /// The modem that sent it, or that last tried (a failed or retried
    /// send records where it failed).
    pub sent_by: Option<String>,
    /// The part references the modem gave.
    pub message_refs: Vec<Option<u8>>,
    /// The references reported delivered so far.
    pub delivered_refs: Vec<u8>,
    /// The last error.
    pub last_error: Option<String>,
    /// When it was enqueued.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// How often a row is tried before it fails for good.
pub const MAX_ATTEMPTS: u32 = 20;

/// The names of a list, as one text column: `a,b,c`.
pub(crate) fn list_text(items: impl IntoIterator<Item = impl ToString>) -> String {
    items
        .into_iter()
        .map(|item| item.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The list [`list_text`] wrote.
pub(crate) fn parse_list(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

/// Part references as one text column: `12,-,14` (`-`: none given).
pub(crate) fn refs_text(refs: &[Option<u8>]) -> String {
    refs.iter()
        .map(|r| r.map_or_else(|| "-".to_string(), |r| r.to_string()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The references [`refs_text`] wrote; `None` when the text is not such.
pub(crate) fn parse_refs(text: &str) -> Option<Vec<Option<u8>>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split(',')
        .map(|item| match item {
            "-" => Some(None),
            n => n.parse().ok().map(Some),
        })
        .collect()
}

/// An outbox row as a backend reads it, column by column, before its text
/// columns are checked: one decoder for every backend, so a row means the
/// same wherever it is stored.
#[derive(Debug)]
pub(crate) struct RawOutbox {
    pub id: i64,
    pub key: String,
    pub source: String,
    pub to: String,
    pub text: String,
    pub encoding: String,
    pub status_report: bool,
    pub flash: bool,
    pub validity_minutes: Option<u32>,
    pub modem: Option<String>,
    pub state: String,
    pub attempts: u32,
    pub next_attempt_at: i64,
    pub sent_by: Option<String>,
    pub message_refs: String,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub allowed_modems: String,
    pub delivered_refs: String,
}

impl RawOutbox {
    /// The row, or [`StoreError::Corrupt`] naming the column that is not
    /// what this build writes.
    pub(crate) fn decode(self) -> Result<OutboxRow, StoreError> {
        let id = self.id;
        let corrupt = |problem: String| StoreError::Corrupt {
            table: "outbox",
            id,
            problem,
        };
        let encoding = self
            .encoding
            .parse::<Encoding>()
            .map_err(|unknown| corrupt(unknown.to_string()))?;
        let state = OutboxState::parse(&self.state)
            .ok_or_else(|| corrupt(format!("unknown state {:?}", self.state)))?;
        let message_refs = parse_refs(&self.message_refs)
            .ok_or_else(|| corrupt(format!("bad message references {:?}", self.message_refs)))?;
        let delivered_refs = parse_list(&self.delivered_refs)
            .iter()
            .map(|r| r.parse::<u8>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                corrupt(format!(
                    "bad delivered references {:?}",
                    self.delivered_refs
                ))
            })?;
        Ok(OutboxRow {
            id,
            key: self.key,
            source: self.source,
            to: self.to,
            text: self.text,
            options: SendOptions {
                encoding,
                status_report: self.status_report,
                flash: self.flash,
                validity_minutes: self.validity_minutes,
                modem: self.modem,
            },
            allowed_modems: parse_list(&self.allowed_modems),
            state,
            attempts: self.attempts,
            next_attempt_at: self.next_attempt_at.max(0) as Timestamp,
            sent_by: self.sent_by,
            message_refs,
            delivered_refs,
            last_error: self.last_error,
            created_at: self.created_at.max(0) as Timestamp,
            updated_at: self.updated_at.max(0) as Timestamp,
        })
    }
}
