//! The outbox: every message to send, as a state machine
//! `queued → sending → sent → delivered | failed | expired`.
//!
//! Senders *claim* due rows with a lease; a claimed row is `sending` until
//! the sender completes or releases it, or until its lease runs out (a
//! crashed sender), when it is due again. The idempotency key is unique, so
//! enqueueing the same key twice stores one row.

use std::time::Duration;

use plutanium_core::{Encoding, SendOptions, Timestamp};
use rusqlite::{OptionalExtension, Row, params};

use crate::{SqliteStore, StoreError};

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

    /// Runs `sql`, a page query that names `:since`, `:before`, `:limit`
    /// and `:search` (and `extra`'s names), reading each row with `read`.
    pub(crate) fn rows<T>(
        &self,
        conn: &rusqlite::Connection,
        sql: &str,
        extra: &[(&str, &dyn rusqlite::ToSql)],
        read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let (since, before) = (self.since as i64, self.before.unwrap_or(i64::MAX));
        let search = self.search.as_deref();
        let mut named: Vec<(&str, &dyn rusqlite::ToSql)> = vec![
            (":since", &since),
            (":before", &before),
            (":limit", &self.limit),
            (":search", &search),
            (":diacritics", &self.ignore_diacritics),
        ];
        named.extend_from_slice(extra);
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map(named.as_slice(), read)?;
        Ok(rows.collect::<Result<_, _>>()?)
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

/// An inbound event whose routes ran, for [`SqliteStore::enqueue_routed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoutedMark {
    /// The inbox message with this id.
    Inbox(i64),
    /// The logged call with this id.
    Call(i64),
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

pub(crate) const COLUMNS: &str = "id, key, source, to_number, body, encoding, status_report, flash, \
    validity_min, modem, state, attempts, next_attempt_at, sent_by, message_refs, last_error, \
    created_at, updated_at, allowed_modems, delivered_refs";

/// How often a row is tried before it fails for good.
pub const MAX_ATTEMPTS: u32 = 20;

pub(crate) fn list_text(items: impl IntoIterator<Item = impl ToString>) -> String {
    items
        .into_iter()
        .map(|item| item.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn parse_list(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

fn refs_text(refs: &[Option<u8>]) -> String {
    refs.iter()
        .map(|r| r.map_or_else(|| "-".to_string(), |r| r.to_string()))
        .collect::<Vec<_>>()
        .join(",")
}

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

pub(crate) fn read_row(row: &Row<'_>) -> rusqlite::Result<Result<OutboxRow, StoreError>> {
    let id: i64 = row.get(0)?;
    let corrupt = |problem: String| StoreError::Corrupt {
        table: "outbox",
        id,
        problem,
    };
    let encoding: String = row.get(5)?;
    let encoding = match encoding.parse::<Encoding>() {
        Ok(encoding) => encoding,
        Err(unknown) => return Ok(Err(corrupt(unknown.to_string()))),
    };
    let state: String = row.get(10)?;
    let Some(state) = OutboxState::parse(&state) else {
        return Ok(Err(corrupt(format!("unknown state {state:?}"))));
    };
    let refs: String = row.get(14)?;
    let Some(message_refs) = parse_refs(&refs) else {
        return Ok(Err(corrupt(format!("bad message references {refs:?}"))));
    };
    let delivered: String = row.get(19)?;
    let Ok(delivered_refs) = parse_list(&delivered)
        .iter()
        .map(|r| r.parse::<u8>())
        .collect::<Result<Vec<_>, _>>()
    else {
        return Ok(Err(corrupt(format!(
            "bad delivered references {delivered:?}"
        ))));
    };
    Ok(Ok(OutboxRow {
        id,
        key: row.get(1)?,
        source: row.get(2)?,
        to: row.get(3)?,
        text: row.get(4)?,
        options: SendOptions {
            encoding,
            status_report: row.get(6)?,
            flash: row.get(7)?,
            validity_minutes: row.get(8)?,
            modem: row.get(9)?,
        },
        allowed_modems: parse_list(&row.get::<_, String>(18)?),
        state,
        attempts: row.get(11)?,
        next_attempt_at: row.get::<_, i64>(12)? as Timestamp,
        sent_by: row.get(13)?,
        message_refs,
        delivered_refs,
        last_error: row.get(15)?,
        created_at: row.get::<_, i64>(16)? as Timestamp,
        updated_at: row.get::<_, i64>(17)? as Timestamp,
    }))
}

impl SqliteStore {
    /// Stores `messages` as `queued`, due now, in one transaction (one
    /// durable commit); a known key stores nothing (its row's id is
    /// returned as a duplicate). In the same transaction, marks the inbound
    /// messages and calls whose routes produced them as routed: either both
    /// are on disk or neither. ([`Store::enqueue`](crate::Store::enqueue) and
    /// [`Store::enqueue_batch`](crate::Store::enqueue_batch) are this without
    /// marks.)
    pub fn enqueue_routed(
        &self,
        messages: &[NewOutbound],
        marks: &[RoutedMark],
        now: Timestamp,
    ) -> Result<Vec<Enqueued>, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction()?;
            for mark in marks {
                let (sql, id) = match *mark {
                    RoutedMark::Inbox(id) => ("UPDATE inbox SET routed_at = ?2 WHERE id = ?1", id),
                    RoutedMark::Call(id) => ("UPDATE calls SET routed_at = ?2 WHERE id = ?1", id),
                };
                tx.prepare_cached(sql)?.execute(params![id, now as i64])?;
            }
            let mut done = Vec::with_capacity(messages.len());
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO outbox (key, source, to_number, body, encoding, status_report, flash, \
                     validity_min, modem, allowed_modems, state, next_attempt_at, created_at, updated_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'queued', ?11, ?11, ?11) \
                     ON CONFLICT (key) DO NOTHING",
                )?;
                let mut find = tx.prepare_cached("SELECT id FROM outbox WHERE key = ?1")?;
                for message in messages {
                    let inserted = insert.execute(params![
                        message.key,
                        message.source,
                        message.to,
                        message.text,
                        Encoding::name(message.options.encoding),
                        message.options.status_report,
                        message.options.flash,
                        message.options.validity_minutes,
                        message.options.modem,
                        list_text(&message.allowed_modems),
                        now as i64,
                    ])?;
                    let id: i64 = find.query_row([&message.key], |row| row.get(0))?;
                    done.push(if inserted == 1 {
                        Enqueued::Queued(id)
                    } else {
                        Enqueued::Duplicate(id)
                    });
                }
            }
            tx.commit()?;
            Ok(done)
        })
    }

    /// Claims up to `limit` due rows for sending, oldest first: queued rows
    /// whose time has come, and `sending` rows whose lease ran out (their
    /// sender died). Each claimed row is `sending` until `now + lease`, and
    /// counts one more attempt.
    pub fn claim(
        &self,
        now: Timestamp,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        self.claim_for(now, limit, lease, None)
    }

    /// [`SqliteStore::claim`], only rows one of `modems` may send (`None`:
    /// any row): a row whose route allows only modems that are down stays
    /// queued, in its place, untouched, instead of being claimed and
    /// postponed again and again (each a write, growing the WAL).
    pub fn claim_for(
        &self,
        now: Timestamp,
        limit: u32,
        lease: Duration,
        modems: Option<&[String]>,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        if modems.is_some_and(<[String]>::is_empty) {
            return Ok(Vec::new());
        }
        let lease_until = now.saturating_add(u64::try_from(lease.as_millis()).unwrap_or(u64::MAX));
        // A row may go to a modem when its route allows it (no list: every
        // modem) and it did not ask for another one.
        let sendable = modems.map_or_else(String::new, |modems| {
            let named = (0..modems.len()).map(|i| format!("?{}", i + 3));
            let allowed = named
                .clone()
                .map(|n| format!("instr(',' || allowed_modems || ',', ',' || {n} || ',') > 0"))
                .collect::<Vec<_>>()
                .join(" OR ");
            let names = named.collect::<Vec<_>>().join(", ");
            format!(
                " AND (allowed_modems = '' OR {allowed}) AND (modem IS NULL OR modem = '' OR modem IN ({names}))"
            )
        });
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let ids: Vec<i64> = {
                let mut stmt = tx.prepare(&format!(
                    "SELECT id FROM outbox WHERE ((state = 'queued' AND next_attempt_at <= ?1) \
                     OR (state = 'sending' AND lease_until < ?1)){sendable} \
                     ORDER BY next_attempt_at, id LIMIT ?2"
                ))?;
                let mut values: Vec<&dyn rusqlite::ToSql> = Vec::new();
                let (now_value, limit_value) = (now as i64, limit);
                values.push(&now_value);
                values.push(&limit_value);
                for name in modems.unwrap_or_default() {
                    values.push(name);
                }
                let rows = stmt.query_map(values.as_slice(), |row| row.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut claimed = Vec::with_capacity(ids.len());
            for id in ids {
                // A row whose sender keeps dying (its lease ran out every
                // time) gives up like one that keeps failing.
                let failed = tx.execute(
                    "UPDATE outbox SET state = 'failed', lease_until = NULL, updated_at = ?3, \
                     last_error = 'gave up after ' || attempts || ' attempts; the last sender never finished' \
                     WHERE id = ?1 AND state = 'sending' AND attempts >= ?2",
                    params![id, MAX_ATTEMPTS, now as i64],
                )?;
                if failed == 1 {
                    continue;
                }
                tx.execute(
                    "UPDATE outbox SET state = 'sending', lease_until = ?2, attempts = attempts + 1, \
                     updated_at = ?3 WHERE id = ?1",
                    params![id, lease_until as i64, now as i64],
                )?;
                let row = tx.query_row(
                    &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
                    [id],
                    read_row,
                )??;
                claimed.push(row);
            }
            tx.commit()?;
            Ok(claimed)
        })
    }

    /// Records a sender's result for the row it claimed as attempt `attempt`
    /// (the row's `attempts` when claimed). Returns false, and changes
    /// nothing, when that claim is no longer the row's (its lease ran out
    /// and another sender took it) or the row is not `sending`.
    pub fn complete(
        &self,
        id: i64,
        attempt: u32,
        outcome: &SendOutcome,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        Ok(self.complete_batch(&[(id, attempt, outcome.clone())], now)?[0])
    }

    /// [`SqliteStore::complete`] for several rows in one transaction (one
    /// durable commit). A `Sent` row takes the delivery reports that arrived
    /// for its references before this commit.
    pub fn complete_batch(
        &self,
        outcomes: &[(i64, u32, SendOutcome)],
        now: Timestamp,
    ) -> Result<Vec<bool>, StoreError> {
        let now = now as i64;
        self.with(|conn| {
            let tx = conn.transaction()?;
            let mut done = Vec::with_capacity(outcomes.len());
            for (id, attempt, outcome) in outcomes {
                let (id, attempt) = (*id, *attempt);
                let changed = match outcome {
                    SendOutcome::Sent {
                        modem,
                        message_refs,
                        sim,
                    } => {
                        // When it was claimed, and whether it asked for
                        // reports: only reports newer than the claim can be
                        // this send's.
                        let claimed: Option<(i64, bool)> = tx
                            .query_row(
                                "SELECT updated_at, status_report FROM outbox WHERE id = ?1",
                                [id],
                                |row| Ok((row.get(0)?, row.get(1)?)),
                            )
                            .optional()?;
                        let changed = tx.execute(
                            "UPDATE outbox SET state = 'sent', lease_until = NULL, sent_by = ?2, \
                             message_refs = ?3, delivered_refs = '', last_error = NULL, updated_at = ?4, \
                             sent_sim = ?6 WHERE id = ?1 AND state = 'sending' AND attempts = ?5",
                            params![id, modem, refs_text(message_refs), now, attempt, sim],
                        )?;
                        if changed == 1
                            && let Some((claimed_at, true)) = claimed
                        {
                            crate::reports::apply_pending_reports(
                                &tx,
                                id,
                                modem,
                                message_refs,
                                claimed_at,
                                now,
                            )?;
                        }
                        changed
                    }
                    SendOutcome::Retry { error, at, modem } => tx.execute(
                        "UPDATE outbox SET state = CASE WHEN attempts >= ?6 THEN 'failed' ELSE 'queued' END, \
                         lease_until = NULL, next_attempt_at = ?2, sent_by = COALESCE(?7, sent_by), \
                         last_error = CASE WHEN attempts >= ?6 THEN 'gave up after ' || attempts || ' attempts: ' || ?3 ELSE ?3 END, \
                         updated_at = ?4 WHERE id = ?1 AND state = 'sending' AND attempts = ?5",
                        params![id, *at as i64, error, now, attempt, MAX_ATTEMPTS, modem],
                    )?,
                    SendOutcome::Postpone { error, at } => tx.execute(
                        "UPDATE outbox SET state = 'queued', lease_until = NULL, \
                         attempts = MAX(attempts - 1, 0), next_attempt_at = ?2, last_error = ?3, \
                         updated_at = ?4 WHERE id = ?1 AND state = 'sending' AND attempts = ?5",
                        params![id, *at as i64, error, now, attempt],
                    )?,
                    SendOutcome::Failed { error, modem } => tx.execute(
                        "UPDATE outbox SET state = 'failed', lease_until = NULL, last_error = ?2, \
                         sent_by = COALESCE(?5, sent_by), \
                         updated_at = ?3 WHERE id = ?1 AND state = 'sending' AND attempts = ?4",
                        params![id, error, now, attempt, modem],
                    )?,
                };
                done.push(changed == 1);
            }
            tx.commit()?;
            Ok(done)
        })
    }

    /// Makes every claimed row due now: for a process that starts on a
    /// store no other process uses (the daemon holds a lock for that), the
    /// rows still `sending` were claimed by its crashed predecessor, and
    /// need not wait for their lease. Their attempt still counts (the send
    /// may have gone out). Returns their ids, oldest first.
    pub fn recover_claims(&self, now: Timestamp) -> Result<Vec<i64>, StoreError> {
        self.with(|conn| {
            let mut statement = conn.prepare(
                "UPDATE outbox SET state = 'queued', lease_until = NULL, next_attempt_at = ?1, \
                 updated_at = ?1 WHERE state = 'sending' RETURNING id",
            )?;
            let mut ids = statement
                .query_map([now as i64], |row| row.get(0))?
                .collect::<Result<Vec<i64>, _>>()?;
            ids.sort_unstable();
            Ok(ids)
        })
    }

    /// Gives a claimed row back unsent (shutting down before trying it): it
    /// is queued again, and the claim does not count as an attempt.
    pub fn release(&self, id: i64, attempt: u32, now: Timestamp) -> Result<bool, StoreError> {
        self.with(|conn| {
            let changed = conn.execute(
                "UPDATE outbox SET state = 'queued', lease_until = NULL, attempts = MAX(attempts - 1, 0), \
                 updated_at = ?2 WHERE id = ?1 AND state = 'sending' AND attempts = ?3",
                params![id, now as i64, attempt],
            )?;
            Ok(changed == 1)
        })
    }

    /// Expires queued rows whose validity ran out (`validity_minutes` after
    /// they were enqueued), and queued rows older than `max_age` when they
    /// have no validity of their own. Returns how many expired.
    pub fn expire(&self, now: Timestamp, max_age: Duration) -> Result<usize, StoreError> {
        let now = now as i64;
        let max_age = i64::try_from(max_age.as_millis()).unwrap_or(i64::MAX);
        self.with(|conn| {
            Ok(conn.execute(
                "UPDATE outbox SET state = 'expired', last_error = 'validity ran out before it was sent', \
                 updated_at = ?1 WHERE state = 'queued' AND \
                 ((validity_min IS NOT NULL AND created_at + validity_min * 60000 < ?1) \
                  OR (validity_min IS NULL AND created_at + ?2 < ?1))",
                params![now, max_age],
            )?)
        })
    }

    /// The row with `id`.
    pub fn outbound(&self, id: i64) -> Result<Option<OutboxRow>, StoreError> {
        self.with(|conn| {
            conn.query_row(
                &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
                [id],
                read_row,
            )
            .optional()?
            .transpose()
        })
    }

    /// The row with idempotency key `key`.
    pub fn outbound_by_key(&self, key: &str) -> Result<Option<OutboxRow>, StoreError> {
        self.with(|conn| {
            conn.query_row(
                &format!("SELECT {COLUMNS} FROM outbox WHERE key = ?1"),
                [key],
                read_row,
            )
            .optional()?
            .transpose()
        })
    }

    /// The newest `limit` rows, newest first.
    pub fn recent_outbound(&self, limit: u32) -> Result<Vec<OutboxRow>, StoreError> {
        self.outbound_since(0, limit)
    }

    /// The newest `limit` rows enqueued at or after `since`, newest first.
    pub fn outbound_since(
        &self,
        since: Timestamp,
        limit: u32,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        self.outbound_page(&LogPage::since(since, limit), None)
    }

    /// A page of the outbox, newest first: rows created at `page.since` or
    /// later, with ids below `page.before`, in `state` when given.
    pub fn outbound_page(
        &self,
        page: &LogPage,
        state: Option<OutboxState>,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox WHERE created_at >= :since AND id < :before \
             AND (:state IS NULL OR state = :state) AND {} \
             ORDER BY id DESC LIMIT :limit",
            crate::search::matches(&["body", "to_number"])
        );
        let state = state.map(OutboxState::name);
        self.with(|conn| {
            page.rows(conn, &sql, &[(":state", &state)], read_row)?
                .into_iter()
                .collect()
        })
    }
}
