//! The outbox in SQLite: a claim is a write transaction taken at once
//! (`BEGIN IMMEDIATE`), so two senders never claim one row.

use std::sync::PoisonError;
use std::time::Duration;

use plutanium_core::{Encoding, Timestamp};
use rusqlite::{OptionalExtension, Row, params};

use super::{SqliteStore, page_rows};
use super::{exec, one};
use crate::lanes::{self, Due};
use crate::outbox::{RawOutbox, list_text, refs_text};
use crate::{
    Enqueued, Fence, LogPage, MAX_ATTEMPTS, NewOutbound, OutboxRow, OutboxState, RouteCommit,
    RouteOutput, RoutedMark, SendOutcome, StoreError,
};

/// The columns [`read_row`] reads, in its order.
pub(super) const COLUMNS: &str = "id, key, source, to_number, body, encoding, status_report, flash, \
    validity_min, modem, state, attempts, next_attempt_at, sent_by, message_refs, last_error, \
    created_at, updated_at, allowed_modems, delivered_refs";

/// An outbox row read from [`COLUMNS`]; a value this build cannot read is
/// [`StoreError::Corrupt`].
pub(super) fn read_row(row: &Row<'_>) -> rusqlite::Result<Result<OutboxRow, StoreError>> {
    Ok(RawOutbox {
        id: row.get(0)?,
        key: row.get(1)?,
        source: row.get(2)?,
        to: row.get(3)?,
        text: row.get(4)?,
        encoding: row.get(5)?,
        status_report: row.get(6)?,
        flash: row.get(7)?,
        validity_minutes: row.get(8)?,
        modem: row.get(9)?,
        state: row.get(10)?,
        attempts: row.get(11)?,
        next_attempt_at: row.get(12)?,
        sent_by: row.get(13)?,
        message_refs: row.get(14)?,
        last_error: row.get(15)?,
        created_at: row.get(16)?,
        updated_at: row.get(17)?,
        allowed_modems: row.get(18)?,
        delivered_refs: row.get(19)?,
    }
    .decode())
}

/// Queues `messages` in `tx`: each message's result, in order.
fn insert_messages(
    tx: &rusqlite::Transaction<'_>,
    messages: &[NewOutbound],
    now: Timestamp,
) -> Result<Vec<Enqueued>, StoreError> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO outbox (key, source, to_number, body, encoding, status_report, flash, \
         validity_min, modem, allowed_modems, state, next_attempt_at, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'queued', ?11, ?11, ?11) \
         ON CONFLICT (key) DO NOTHING",
    )?;
    let mut find = tx.prepare_cached("SELECT id FROM outbox WHERE key = ?1")?;
    let mut done = Vec::with_capacity(messages.len());
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
    Ok(done)
}

/// Marks the event of `mark` routed in `tx` if it is still this caller's
/// to route: unrouted, and (with `held`, the modems a fence still holds)
/// from one of `held`.
fn claim_route(
    tx: &rusqlite::Transaction<'_>,
    mark: RoutedMark,
    held: Option<&[String]>,
    now: Timestamp,
) -> Result<Option<RouteCommit>, StoreError> {
    let (table, id) = mark.row();
    let row: Option<(String, Option<i64>)> = tx
        .prepare_cached(&format!(
            "SELECT modem, routed_at FROM {table} WHERE id = ?1"
        ))?
        .query_row([id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let refusal = match row {
        None | Some((_, Some(_))) => Some(RouteCommit::AlreadyRouted),
        Some((modem, None)) if held.is_some_and(|held| !held.contains(&modem)) => {
            Some(RouteCommit::NotOwner)
        }
        Some(_) => None,
    };
    if refusal.is_none() {
        tx.prepare_cached(&format!("UPDATE {table} SET routed_at = ?2 WHERE id = ?1"))?
            .execute(params![id, now as i64])?;
    }
    Ok(refusal)
}

/// A claim's condition on the modems that may send, which it names as `?3`:
/// a JSON array of their names. A row may go to a modem when its route
/// allows it (no list: every modem) and it did not ask for another one. One parameter, not one per modem, so the
/// SQL is the same whichever modems have room (one prepared statement,
/// not one per count of them: with hundreds of modems those crowded the
/// statement cache out, and each was parsed again).
const SENDABLE: &str = " AND (allowed_modems = '' OR EXISTS (SELECT 1 FROM json_each(?3) AS m \
     WHERE instr(',' || allowed_modems || ',', ',' || m.value || ',') > 0)) \
     AND (modem IS NULL OR modem = '' OR modem IN (SELECT value FROM json_each(?3)))";

/// [`SENDABLE`]'s `?3`.
fn sendable_names(modems: &[String]) -> String {
    serde_json::Value::from(modems).to_string()
}

/// A claim's two reads: the rows whose sender died, and one lane's rows
/// (its source is `?{source_param}`).
fn claim_sql(sendable: &str, source_param: usize) -> (String, String) {
    (
        format!(
            "SELECT id, next_attempt_at FROM outbox WHERE state = 'sending' AND lease_until < ?1\
             {sendable} ORDER BY next_attempt_at, id LIMIT CAST(?2 AS INTEGER)"
        ),
        format!(
            "SELECT id, next_attempt_at FROM outbox WHERE state = 'queued' \
             AND source = ?{source_param} AND next_attempt_at <= ?1{sendable} \
             ORDER BY next_attempt_at, id LIMIT CAST(?2 AS INTEGER)"
        ),
    )
}

/// A row by a unique column (`id`, `key`).
fn row_by(column: &str) -> String {
    format!("SELECT {COLUMNS} FROM outbox WHERE {column} = ?1")
}

/// The ids a claim takes, in [`lanes::take`]'s order: every query is an
/// index seek (see `lanes.rs`), whatever the depth of the queue. For rows
/// `modems` may send ([`SENDABLE`]); with none named, any row.
fn due_ids(
    tx: &rusqlite::Transaction<'_>,
    now: Timestamp,
    limit: u32,
    modems: Option<&[String]>,
    turn: &mut Option<String>,
) -> Result<Vec<i64>, StoreError> {
    let now = now as i64;
    let names = modems.map(sendable_names);
    let (overdue, lane) = match names {
        Some(_) => claim_sql(SENDABLE, 4),
        None => claim_sql("", 3),
    };
    let read = |sql: &str, source: Option<&str>| -> Result<Vec<Due>, StoreError> {
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![&now, &limit];
        if let Some(names) = &names {
            values.push(names);
        }
        if let Some(source) = &source {
            values.push(source);
        }
        let mut stmt = tx.prepare_cached(sql)?;
        let rows = stmt.query_map(values.as_slice(), |row| {
            Ok(Due {
                id: row.get(0)?,
                at: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let overdue = read(&overdue, None)?;
    let sources: Vec<String> = tx
        .prepare_cached(lanes::LIST_LANES)?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let lanes = sources
        .into_iter()
        .map(|source| Ok((source.clone(), read(&lane, Some(&source))?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(lanes::take(overdue, lanes, limit as usize, turn))
}

/// The queries whose cost must not grow with the queue (a claim's reads, a
/// status read by id and by key, a search), by name, with values to run
/// them with (what is not given is NULL).
fn hot_queries() -> Vec<(&'static str, String, Vec<rusqlite::types::Value>)> {
    use rusqlite::types::Value;
    let (overdue, lane) = claim_sql(SENDABLE, 4);
    let (now, limit, modem) = (
        Value::Integer(0),
        Value::Integer(10),
        Value::from(sendable_names(&["gsm0".to_string(), "gsm1".to_string()])),
    );
    let search = super::search::page_query(
        &super::search::OUTBOX,
        COLUMNS,
        "created_at >= :since AND id < :before",
        &LogPage {
            search: Some("hello".into()),
            ..LogPage::since(0, 10)
        },
    );
    vec![
        (
            "claim: rows whose sender died",
            overdue,
            vec![now.clone(), limit.clone(), modem.clone()],
        ),
        ("claim: the lanes", lanes::LIST_LANES.to_string(), vec![]),
        (
            "claim: one lane's rows",
            lane,
            vec![now, limit, modem, Value::from("api:x".to_string())],
        ),
        ("status read by id", row_by("id"), vec![Value::Integer(1)]),
        (
            "status read by key",
            row_by("key"),
            vec![Value::from("api:k".to_string())],
        ),
        (
            "search for a word: rows not indexed yet",
            search.queries[0].clone(),
            vec![],
        ),
        (
            "search for a word: the index",
            search.queries[1].clone(),
            vec![],
        ),
    ]
}

impl SqliteStore {
    /// What SQLite plans for each hot query (see `hot_queries`), by name:
    /// `EXPLAIN QUERY PLAN`'s lines, joined with `; `. A test checks that
    /// each is an index seek, so an index cannot go missing unnoticed.
    pub fn query_plans(&self) -> Result<Vec<(&'static str, String)>, StoreError> {
        use rusqlite::types::Value;
        self.with(|conn| {
            hot_queries()
                .into_iter()
                .map(|(name, sql, values)| {
                    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
                    // What is not given is NULL: a plan does not depend on it.
                    let mut values = values;
                    values.resize(stmt.parameter_count(), Value::Null);
                    let lines = stmt
                        .query_map(rusqlite::params_from_iter(values), |row| {
                            row.get::<_, String>(3)
                        })?
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok((name, lines.join("; ")))
                })
                .collect()
        })
    }

    /// How many times each hot query (see [`SqliteStore::query_plans`]) was
    /// prepared again when run three times: SQLite re-prepares a statement
    /// whose plan depends on a bound value (a bare `LIMIT ?`, see the
    /// module's doc) at each new binding. A test checks that it is never.
    pub fn hot_query_reprepares(&self) -> Result<Vec<(&'static str, i32)>, StoreError> {
        use rusqlite::types::Value;
        self.with(|conn| {
            hot_queries()
                .into_iter()
                .map(|(name, sql, values)| {
                    let mut stmt = conn.prepare(&sql)?;
                    // A number for what is not given: a `LIMIT` must be one.
                    let mut values = values;
                    values.resize(stmt.parameter_count(), Value::Integer(10));
                    for _ in 0..3 {
                        let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
                        while rows.next()?.is_some() {}
                    }
                    Ok((name, stmt.get_status(rusqlite::StatementStatus::RePrepare)))
                })
                .collect()
        })
    }
}

impl SqliteStore {
    /// See [`Store::commit_routes`](crate::Store::commit_routes): one
    /// write transaction (one durable commit) for all of `outputs`.
    pub fn commit_routes(
        &self,
        outputs: &[RouteOutput<'_>],
        fence: Option<&Fence>,
        now: Timestamp,
    ) -> Result<Vec<RouteCommit>, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let held = match fence {
                Some(fence) => Some(super::leases::fenced_modems(&tx, fence, None)?),
                None => None,
            };
            let mut results = Vec::with_capacity(outputs.len());
            for output in outputs {
                if let Some(mark) = output.mark
                    && let Some(refusal) = claim_route(&tx, mark, held.as_deref(), now)?
                {
                    results.push(refusal);
                    continue;
                }
                results.push(RouteCommit::Stored(insert_messages(
                    &tx,
                    output.messages,
                    now,
                )?));
            }
            tx.commit()?;
            Ok(results)
        })
    }

    /// [`Store::claim`](crate::Store::claim), only rows one of `modems` may send (`None`:
    /// any row): a row whose route allows only modems that are down stays
    /// queued, in its place, untouched, instead of being claimed and
    /// postponed again and again (each a write, growing the WAL).
    pub fn claim_for(
        &self,
        now: Timestamp,
        limit: u32,
        lease: Duration,
        modems: Option<&[String]>,
        fence: Option<&Fence>,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        if let Some(fence) = fence {
            // Only the modems whose lease is still this writer's, read in a
            // transaction of its own first: one process uses an SQLite
            // store, so nobody takes a lease in between.
            let held = self.with(|conn| super::leases::fenced_modems(conn, fence, Some(now)))?;
            let modems: Vec<String> = match modems {
                Some(modems) => modems
                    .iter()
                    .filter(|m| held.contains(m))
                    .cloned()
                    .collect(),
                None => held,
            };
            return self.claim_rows(
                now,
                limit,
                lease,
                Some(&modems),
                Some(&fence.holder().instance),
            );
        }
        self.claim_rows(now, limit, lease, modems, None)
    }

    /// Claims as [`Store::claim_for`](crate::Store::claim_for) says, marking
    /// each row with `claimer` (the process whose leases it was claimed
    /// under).
    fn claim_rows(
        &self,
        now: Timestamp,
        limit: u32,
        lease: Duration,
        modems: Option<&[String]>,
        claimer: Option<&str>,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        if modems.is_some_and(<[String]>::is_empty) {
            return Ok(Vec::new());
        }
        let lease_until = now.saturating_add(u64::try_from(lease.as_millis()).unwrap_or(u64::MAX));
        self.with_state_change(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut turn = self.lanes_turn.lock().unwrap_or_else(PoisonError::into_inner);
            let ids = due_ids(&tx, now, limit, modems, &mut turn)?;
            let mut claimed = Vec::with_capacity(ids.len());
            for id in ids {
                // A row whose sender keeps dying (its lease ran out every
                // time) gives up like one that keeps failing.
                let failed = exec(&tx,
                    "UPDATE outbox SET state = 'failed', lease_until = NULL, updated_at = ?3, \
                     last_error = 'gave up after ' || attempts || ' attempts; the last sender never finished' \
                     WHERE id = ?1 AND state = 'sending' AND attempts >= ?2",
                    params![id, MAX_ATTEMPTS, now as i64],
                )?;
                if failed == 1 {
                    continue;
                }
                exec(&tx,
                    "UPDATE outbox SET state = 'sending', lease_until = ?2, attempts = attempts + 1, \
                     updated_at = ?3, claimed_by = ?4 WHERE id = ?1",
                    params![id, lease_until as i64, now as i64, claimer],
                )?;
                let row = one(&tx,
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

    /// [`Store::complete`](crate::Store::complete) for several rows in one transaction (one
    /// durable commit). A `Sent` row takes the delivery reports that arrived
    /// for its references before this commit.
    pub fn complete_batch(
        &self,
        outcomes: &[(i64, u32, SendOutcome)],
        fence: Option<&Fence>,
        now: Timestamp,
    ) -> Result<Vec<bool>, StoreError> {
        self.with_state_change(|conn| complete_in(conn, outcomes, fence, now))
    }

    /// See [`Store::try_complete_batch`](crate::Store::try_complete_batch).
    pub fn try_complete_batch(
        &self,
        outcomes: &[(i64, u32, SendOutcome)],
        fence: Option<&Fence>,
        now: Timestamp,
    ) -> Result<Option<Vec<bool>>, StoreError> {
        self.try_state_change(|conn| complete_in(conn, outcomes, fence, now))
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

    /// See [`Store::recover_orphaned_claims`](crate::Store::recover_orphaned_claims).
    pub fn recover_orphaned_claims(&self, now: Timestamp) -> Result<Vec<i64>, StoreError> {
        self.with(|conn| {
            let mut statement = conn.prepare(
                "UPDATE outbox SET state = 'queued', lease_until = NULL, next_attempt_at = ?1, \
                 updated_at = ?1, claimed_by = NULL WHERE state = 'sending' AND claimed_by IS NOT NULL \
                 AND claimed_by NOT IN (SELECT instance FROM leases WHERE expires_at > ?1) RETURNING id",
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
        self.with_state_change(|conn| {
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
    pub fn expire(&self, now: Timestamp, max_age: Duration) -> Result<Vec<i64>, StoreError> {
        let now = now as i64;
        let max_age = i64::try_from(max_age.as_millis()).unwrap_or(i64::MAX);
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(
                "UPDATE outbox SET state = 'expired', last_error = 'validity ran out before it was sent', \
                 updated_at = ?1 WHERE state = 'queued' AND \
                 ((validity_min IS NOT NULL AND created_at + validity_min * 60000 < ?1) \
                  OR (validity_min IS NULL AND created_at + ?2 < ?1)) RETURNING id",
            )?;
            let ids = stmt.query_map(params![now, max_age], |row| row.get(0))?;
            Ok(ids.collect::<Result<_, _>>()?)
        })
    }

    /// The row with `id`.
    pub fn outbound(&self, id: i64) -> Result<Option<OutboxRow>, StoreError> {
        self.read(|conn| {
            one(conn, &row_by("id"), [id], read_row)
                .optional()?
                .transpose()
        })
    }

    /// The row with idempotency key `key`.
    pub fn outbound_by_key(&self, key: &str) -> Result<Option<OutboxRow>, StoreError> {
        self.read(|conn| {
            one(conn, &row_by("key"), [key], read_row)
                .optional()?
                .transpose()
        })
    }

    /// A page of the outbox, newest first: rows created at `page.since` or
    /// later, with ids below `page.before`, in `state` when given.
    pub fn outbound_page(
        &self,
        page: &LogPage,
        state: Option<OutboxState>,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let query = super::search::page_query(
            &super::search::OUTBOX,
            COLUMNS,
            "created_at >= :since AND id < :before AND (:state IS NULL OR state = :state)",
            page,
        );
        let state = state.map(OutboxState::name);
        self.read(|conn| {
            page_rows(page, conn, &query, &[(":state", &state)], read_row)?
                .into_iter()
                .collect()
        })
    }
}

/// [`SqliteStore::complete_batch`] on `conn`.
fn complete_in(
    conn: &mut rusqlite::Connection,
    outcomes: &[(i64, u32, SendOutcome)],
    fence: Option<&Fence>,
    now: Timestamp,
) -> Result<Vec<bool>, StoreError> {
    let now = now as i64;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let held = fence
        .map(|fence| super::leases::fenced_modems(&tx, fence, None))
        .transpose()?;
    let mut done = Vec::with_capacity(outcomes.len());
    for (id, attempt, outcome) in outcomes {
        let (id, attempt) = (*id, *attempt);
        if !outcome.may_record(held.as_deref()) {
            done.push(false);
            continue;
        }
        let changed = match outcome {
            SendOutcome::Sent {
                modem,
                message_refs,
                sim,
            } => {
                // When it was claimed, and whether it asked for
                // reports: only reports newer than the claim can be
                // this send's.
                let claimed: Option<(i64, bool)> = one(
                    &tx,
                    "SELECT updated_at, status_report FROM outbox WHERE id = ?1",
                    [id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
                let changed = exec(
                    &tx,
                    "UPDATE outbox SET state = 'sent', lease_until = NULL, sent_by = ?2, \
                         message_refs = ?3, delivered_refs = '', last_error = NULL, updated_at = ?4, \
                         sent_at = ?4, sent_sim = ?6 WHERE id = ?1 AND state = 'sending' AND attempts = ?5",
                    params![id, modem, refs_text(message_refs), now, attempt, sim],
                )?;
                if changed == 1
                    && let Some((claimed_at, true)) = claimed
                {
                    super::reports::apply_pending_reports(
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
            SendOutcome::Retry { error, at, modem } => exec(
                &tx,
                "UPDATE outbox SET state = CASE WHEN attempts >= ?6 THEN 'failed' ELSE 'queued' END, \
                     lease_until = NULL, next_attempt_at = ?2, sent_by = COALESCE(?7, sent_by), \
                     last_error = CASE WHEN attempts >= ?6 THEN 'gave up after ' || attempts || ' attempts: ' || ?3 ELSE ?3 END, \
                     updated_at = ?4 WHERE id = ?1 AND state = 'sending' AND attempts = ?5",
                params![id, *at as i64, error, now, attempt, MAX_ATTEMPTS, modem],
            )?,
            SendOutcome::Postpone { error, at } => exec(
                &tx,
                "UPDATE outbox SET state = 'queued', lease_until = NULL, \
                     attempts = MAX(attempts - 1, 0), next_attempt_at = ?2, last_error = ?3, \
                     updated_at = ?4 WHERE id = ?1 AND state = 'sending' AND attempts = ?5",
                params![id, *at as i64, error, now, attempt],
            )?,
            SendOutcome::Failed { error, modem } => exec(
                &tx,
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
}
