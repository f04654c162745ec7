//! The outbox in PostgreSQL: claims take rows with `FOR UPDATE SKIP
//! LOCKED`, so nodes claiming at once never wait on each other nor share a
//! row; every state change checks the claim it was given.

use std::sync::PoisonError;
use std::time::Duration;

use plutanium_core::{Encoding, Timestamp};
use postgres::Row;
use postgres::types::ToSql;

use super::pages::PageQuery;
use super::{PgStore, search_columns};
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

/// An outbox row read from [`COLUMNS`].
pub(super) fn read_row(row: &Row) -> Result<OutboxRow, StoreError> {
    let id: i64 = row.try_get(0)?;
    let validity: Option<i64> = row.try_get(8)?;
    let attempts: i32 = row.try_get(11)?;
    RawOutbox {
        id,
        key: row.try_get(1)?,
        source: row.try_get(2)?,
        to: row.try_get(3)?,
        text: row.try_get(4)?,
        encoding: row.try_get(5)?,
        status_report: row.try_get(6)?,
        flash: row.try_get(7)?,
        validity_minutes: validity.map(|v| u32::try_from(v).unwrap_or(u32::MAX)),
        modem: row.try_get(9)?,
        state: row.try_get(10)?,
        attempts: u32::try_from(attempts).unwrap_or(0),
        next_attempt_at: row.try_get(12)?,
        sent_by: row.try_get(13)?,
        message_refs: row.try_get(14)?,
        last_error: row.try_get(15)?,
        created_at: row.try_get(16)?,
        updated_at: row.try_get(17)?,
        allowed_modems: row.try_get(18)?,
        delivered_refs: row.try_get(19)?,
    }
    .decode()
}

/// A time as stored.
pub(super) fn ms(at: Timestamp) -> i64 {
    i64::try_from(at).unwrap_or(i64::MAX)
}

/// Queues `messages` in `tx`: each message's result, in order.
fn insert_messages(
    tx: &mut postgres::Transaction<'_>,
    messages: &[NewOutbound],
    now: i64,
) -> Result<Vec<Enqueued>, StoreError> {
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    let insert = tx.prepare(
        "INSERT INTO outbox (key, source, to_number, body, encoding, status_report, flash, \
         validity_min, modem, allowed_modems, state, next_attempt_at, created_at, updated_at, \
         search_fold, search_bare) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued', $11, $11, $11, $12, $13) \
         ON CONFLICT (key) DO NOTHING RETURNING id",
    )?;
    let find = tx.prepare("SELECT id FROM outbox WHERE key = $1")?;
    let mut done = Vec::with_capacity(messages.len());
    for message in messages {
        let (fold, bare) = search_columns(&[&message.text, &message.to]);
        let validity = message.options.validity_minutes.map(i64::from);
        let inserted = tx.query_opt(
            &insert,
            &[
                &message.key,
                &message.source,
                &message.to,
                &message.text,
                &Encoding::name(message.options.encoding),
                &message.options.status_report,
                &message.options.flash,
                &validity,
                &message.options.modem,
                &list_text(&message.allowed_modems),
                &now,
                &fold,
                &bare,
            ],
        )?;
        done.push(match inserted {
            Some(row) => Enqueued::Queued(row.try_get(0)?),
            // The key was there (or was committed by another node while
            // this insert waited for it).
            None => Enqueued::Duplicate(tx.query_one(&find, &[&message.key])?.try_get(0)?),
        });
    }
    Ok(done)
}

/// Marks the event of `mark` routed in `tx` if it is still this caller's
/// to route: unrouted, and (with `held`, the modems a fence still holds)
/// from one of `held`. The row is locked first, so of two nodes routing
/// one event at once, the second sees the first's mark once it commits.
fn claim_route(
    tx: &mut postgres::Transaction<'_>,
    mark: RoutedMark,
    held: Option<&[String]>,
    now: i64,
) -> Result<Option<RouteCommit>, StoreError> {
    let (table, id) = mark.row();
    let row = tx.query_opt(
        &format!("SELECT modem, routed_at FROM {table} WHERE id = $1 FOR UPDATE"),
        &[&id],
    )?;
    let refusal = match row {
        None => Some(RouteCommit::AlreadyRouted),
        Some(row) => {
            let modem: String = row.try_get(0)?;
            let routed_at: Option<i64> = row.try_get(1)?;
            if routed_at.is_some() {
                Some(RouteCommit::AlreadyRouted)
            } else if held.is_some_and(|held| !held.contains(&modem)) {
                Some(RouteCommit::NotOwner)
            } else {
                None
            }
        }
    };
    if refusal.is_none() {
        tx.execute(
            &format!("UPDATE {table} SET routed_at = $2 WHERE id = $1"),
            &[&id, &now],
        )?;
    }
    Ok(refusal)
}

/// A claim's condition on the modems, which it names as `$3`: a row may go
/// to one when its route allows it (no list: every modem) and it did not
/// ask for another one.
const SENDABLE: &str = " AND (allowed_modems = '' OR string_to_array(allowed_modems, ',') && $3::text[]) \
     AND (modem IS NULL OR modem = '' OR modem = ANY($3::text[]))";

/// A claim's two reads: the rows whose sender died, and one lane's rows
/// (its source is `${source_param}`), each locked for the claim.
fn claim_sql(sendable: &str, source_param: usize) -> (String, String) {
    (
        format!(
            "SELECT id, next_attempt_at FROM outbox WHERE state = 'sending' AND lease_until < $1\
             {sendable} ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED"
        ),
        format!(
            "SELECT id, next_attempt_at FROM outbox WHERE state = 'queued' \
             AND source = ${source_param} AND next_attempt_at <= $1{sendable} \
             ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED"
        ),
    )
}

/// A row by a unique column (`id`, `key`).
fn row_by(column: &str) -> String {
    format!("SELECT {COLUMNS} FROM outbox WHERE {column} = $1")
}

/// The ids a claim takes, in [`lanes::take`]'s order, locked for it
/// (`FOR UPDATE SKIP LOCKED`: a row another node is claiming is left to
/// it): every query is an index seek (see `lanes.rs`), whatever the depth
/// of the queue. `sendable` is the claim's condition on the modems, which
/// names them as `$3` (given as `names`).
fn due_ids(
    tx: &mut postgres::Transaction<'_>,
    now: i64,
    limit: i64,
    sendable: &str,
    names: Option<&Vec<String>>,
    turn: &mut Option<String>,
) -> Result<Vec<i64>, StoreError> {
    let source_param = if names.is_some() { 4 } else { 3 };
    let sources: Vec<String> = tx
        .query(lanes::LIST_LANES, &[])?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    let mut read = |sql: &str, source: Option<&String>| -> Result<Vec<Due>, StoreError> {
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&now, &limit];
        if let Some(names) = &names {
            params.push(names);
        }
        if let Some(source) = &source {
            params.push(source);
        }
        tx.query(sql, &params)?
            .iter()
            .map(|row| {
                Ok(Due {
                    id: row.try_get(0)?,
                    at: row.try_get(1)?,
                })
            })
            .collect()
    };
    let (overdue, lane) = claim_sql(sendable, source_param);
    let overdue = read(&overdue, None)?;
    let lanes = sources
        .into_iter()
        .map(|source| Ok((source.clone(), read(&lane, Some(&source))?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(lanes::take(
        overdue,
        lanes,
        usize::try_from(limit).unwrap_or(0),
        turn,
    ))
}

impl PgStore {
    /// What PostgreSQL plans for each query whose cost must not grow with
    /// the queue (a claim's reads, a status read by id and by key, a
    /// search), by name: `EXPLAIN`'s lines, joined with `; `, planned as for a deep
    /// queue (the table analyzed, and sequential scans off, since a small
    /// table is cheapest read whole). A test checks that each uses an index.
    pub fn query_plans(&self) -> Result<Vec<(&'static str, String)>, StoreError> {
        let (overdue, lane) = claim_sql(SENDABLE, 4);
        let (now, limit, names) = (0i64, 10i64, vec!["gsm0".to_string()]);
        let (source, id, key) = ("api:x".to_string(), 1i64, "api:k".to_string());
        let queries: [(&'static str, String, Vec<&(dyn ToSql + Sync)>); 5] = [
            (
                "claim: rows whose sender died",
                overdue,
                vec![&now, &limit, &names],
            ),
            ("claim: the lanes", lanes::LIST_LANES.to_string(), vec![]),
            (
                "claim: one lane's rows",
                lane,
                vec![&now, &limit, &names, &source],
            ),
            ("status read by id", row_by("id"), vec![&id]),
            ("status read by key", row_by("key"), vec![&key]),
        ];
        self.with(|conn| {
            let mut tx = conn.transaction()?;
            tx.batch_execute("ANALYZE outbox; SET LOCAL enable_seqscan = off")?;
            let mut plans = Vec::new();
            for (name, sql, params) in queries {
                let lines: Vec<String> = tx
                    .query(&format!("EXPLAIN {sql}"), &params)?
                    .iter()
                    .map(|row| row.try_get(0))
                    .collect::<Result<_, _>>()?;
                plans.push((name, lines.join("; ")));
            }
            plans.push(("search for a word", PgStore::search_plan(&mut tx)?));
            tx.rollback()?;
            Ok(plans)
        })
    }
}

impl PgStore {
    /// See [`Store::commit_routes`](crate::Store::commit_routes).
    pub fn commit_routes(
        &self,
        outputs: &[RouteOutput<'_>],
        fence: Option<&Fence>,
        now: Timestamp,
    ) -> Result<Vec<RouteCommit>, StoreError> {
        let now = ms(now);
        self.with(|conn| {
            let mut tx = conn.transaction()?;
            let held = match fence {
                Some(fence) => Some(super::leases::fenced_modems(&mut tx, fence, None)?),
                None => None,
            };
            let mut results = Vec::with_capacity(outputs.len());
            for output in outputs {
                if let Some(mark) = output.mark
                    && let Some(refusal) = claim_route(&mut tx, mark, held.as_deref(), now)?
                {
                    results.push(refusal);
                    continue;
                }
                results.push(RouteCommit::Stored(insert_messages(
                    &mut tx,
                    output.messages,
                    now,
                )?));
            }
            let queued = results.iter().any(|result| {
                matches!(result, RouteCommit::Stored(done)
                    if done.iter().any(|e| matches!(e, Enqueued::Queued(_))))
            });
            if queued {
                // Heard by every watching node once this commits.
                tx.batch_execute(&format!("NOTIFY {}", crate::Channel::Outbox.name()))?;
            }
            tx.commit()?;
            Ok(results)
        })
    }

    /// See [`Store::claim_for`](crate::Store::claim_for).
    pub fn claim_for(
        &self,
        now: Timestamp,
        limit: u32,
        lease: Duration,
        modems: Option<&[String]>,
        fence: Option<&Fence>,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        if modems.is_some_and(<[String]>::is_empty) {
            return Ok(Vec::new());
        }
        let at = now;
        let now = ms(now);
        let lease_until = now.saturating_add(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX));
        let limit = i64::from(limit);
        // A row may go to a modem when its route allows it (no list: every
        // modem) and it did not ask for another one.
        let sendable = if modems.is_some() || fence.is_some() {
            SENDABLE
        } else {
            ""
        };
        let claimer: Option<&str> = fence.map(|fence| fence.holder().instance.as_str());
        self.with(|conn| {
            let mut tx = conn.transaction()?;
            let mut names: Vec<String> = modems.map(<[String]>::to_vec).unwrap_or_default();
            if let Some(fence) = fence {
                // Only modems whose lease is still ours, share-locked until
                // this claim commits: a node taking one waits for it.
                let held = super::leases::fenced_modems(&mut tx, fence, Some(at))?;
                names = match modems {
                    Some(_) => names.into_iter().filter(|m| held.contains(m)).collect(),
                    None => held,
                };
                if names.is_empty() {
                    return Ok(Vec::new());
                }
            }
            let names = (modems.is_some() || fence.is_some()).then_some(&names);
            let mut turn = self.lanes_turn.lock().unwrap_or_else(PoisonError::into_inner);
            let ids = due_ids(&mut tx, now, limit, sendable, names, &mut turn)?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            // A row whose sender keeps dying (its lease ran out every time)
            // gives up like one that keeps failing.
            tx.execute(
                "UPDATE outbox SET state = 'failed', lease_until = NULL, updated_at = $3, \
                 last_error = 'gave up after ' || attempts || ' attempts; the last sender never finished' \
                 WHERE id = ANY($1) AND state = 'sending' AND attempts >= $2",
                &[&ids, &(MAX_ATTEMPTS as i32), &now],
            )?;
            let rows = tx.query(
                &format!(
                    "UPDATE outbox SET state = 'sending', lease_until = $2, attempts = attempts + 1, \
                     updated_at = $3, claimed_by = $4 WHERE id = ANY($1) AND state IN ('queued', 'sending') \
                     RETURNING {COLUMNS}"
                ),
                &[&ids, &lease_until, &now, &claimer],
            )?;
            let mut claimed = rows.iter().map(read_row).collect::<Result<Vec<_>, _>>()?;
            // RETURNING has no order: give them back in the claim's.
            claimed.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
            tx.commit()?;
            Ok(claimed)
        })
    }

    /// See [`Store::try_complete_batch`](crate::Store::try_complete_batch):
    /// never at once, as every commit is a round trip to the server.
    pub fn try_complete_batch(
        &self,
        _outcomes: &[(i64, u32, SendOutcome)],
        _fence: Option<&Fence>,
        _now: Timestamp,
    ) -> Result<Option<Vec<bool>>, StoreError> {
        Ok(None)
    }

    /// See [`Store::complete_batch`](crate::Store::complete_batch).
    pub fn complete_batch(
        &self,
        outcomes: &[(i64, u32, SendOutcome)],
        fence: Option<&Fence>,
        now: Timestamp,
    ) -> Result<Vec<bool>, StoreError> {
        let now = ms(now);
        self.with(|conn| {
            let mut tx = conn.transaction()?;
            let held = fence
                .map(|fence| super::leases::fenced_modems(&mut tx, fence, None))
                .transpose()?;
            // Reports for these modems wait for this commit (see reports.rs).
            let mut modems: Vec<&str> = outcomes
                .iter()
                .filter_map(|(_, _, outcome)| match outcome {
                    SendOutcome::Sent { modem, .. } => Some(modem.as_str()),
                    _ => None,
                })
                .collect();
            modems.sort_unstable();
            modems.dedup();
            for modem in &modems {
                super::reports::lock_modem(&mut tx, modem)?;
            }
            let mut done = Vec::with_capacity(outcomes.len());
            for (id, attempt, outcome) in outcomes {
                let (id, attempt) = (*id, *attempt as i32);
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
                        let claimed = tx.query_opt(
                            "SELECT updated_at, status_report FROM outbox WHERE id = $1",
                            &[&id],
                        )?;
                        let changed = tx.execute(
                            "UPDATE outbox SET state = 'sent', lease_until = NULL, sent_by = $2, \
                             message_refs = $3, delivered_refs = '', last_error = NULL, updated_at = $4, \
                             sent_at = $4, sent_sim = $6 WHERE id = $1 AND state = 'sending' AND attempts = $5",
                            &[&id, modem, &refs_text(message_refs), &now, &attempt, sim],
                        )?;
                        if changed == 1
                            && let Some(claimed) = claimed
                            && claimed.try_get::<_, bool>(1)?
                        {
                            super::reports::apply_pending_reports(
                                &mut tx,
                                id,
                                modem,
                                message_refs,
                                claimed.try_get(0)?,
                                now,
                            )?;
                        }
                        changed
                    }
                    SendOutcome::Retry { error, at, modem } => tx.execute(
                        "UPDATE outbox SET state = CASE WHEN attempts >= $6 THEN 'failed' ELSE 'queued' END, \
                         lease_until = NULL, next_attempt_at = $2, sent_by = COALESCE($7, sent_by), \
                         last_error = CASE WHEN attempts >= $6 THEN 'gave up after ' || attempts || ' attempts: ' || $3 ELSE $3 END, \
                         updated_at = $4 WHERE id = $1 AND state = 'sending' AND attempts = $5",
                        &[&id, &ms(*at), error, &now, &attempt, &(MAX_ATTEMPTS as i32), modem],
                    )?,
                    SendOutcome::Postpone { error, at } => tx.execute(
                        "UPDATE outbox SET state = 'queued', lease_until = NULL, \
                         attempts = GREATEST(attempts - 1, 0), next_attempt_at = $2, last_error = $3, \
                         updated_at = $4 WHERE id = $1 AND state = 'sending' AND attempts = $5",
                        &[&id, &ms(*at), error, &now, &attempt],
                    )?,
                    SendOutcome::Failed { error, modem } => tx.execute(
                        "UPDATE outbox SET state = 'failed', lease_until = NULL, last_error = $2, \
                         sent_by = COALESCE($5, sent_by), \
                         updated_at = $3 WHERE id = $1 AND state = 'sending' AND attempts = $4",
                        &[&id, error, &now, &attempt, modem],
                    )?,
                };
                done.push(changed == 1);
            }
            tx.commit()?;
            Ok(done)
        })
    }

    /// See [`Store::recover_claims`](crate::Store::recover_claims).
    pub fn recover_claims(&self, now: Timestamp) -> Result<Vec<i64>, StoreError> {
        let now = ms(now);
        self.with(|conn| {
            let mut ids = conn
                .query(
                    "UPDATE outbox SET state = 'queued', lease_until = NULL, next_attempt_at = $1, \
                     updated_at = $1 WHERE state = 'sending' RETURNING id",
                    &[&now],
                )?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<Vec<i64>, _>>()?;
            ids.sort_unstable();
            Ok(ids)
        })
    }

    /// See [`Store::recover_orphaned_claims`](crate::Store::recover_orphaned_claims).
    pub fn recover_orphaned_claims(&self, now: Timestamp) -> Result<Vec<i64>, StoreError> {
        let now = ms(now);
        self.with(|conn| {
            let mut ids = conn
                .query(
                    "UPDATE outbox SET state = 'queued', lease_until = NULL, next_attempt_at = $1, \
                     updated_at = $1, claimed_by = NULL WHERE state = 'sending' AND claimed_by IS NOT NULL \
                     AND claimed_by NOT IN (SELECT instance FROM leases WHERE expires_at > $1) RETURNING id",
                    &[&now],
                )?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<Vec<i64>, _>>()?;
            ids.sort_unstable();
            Ok(ids)
        })
    }

    /// See [`Store::release`](crate::Store::release).
    pub fn release(&self, id: i64, attempt: u32, now: Timestamp) -> Result<bool, StoreError> {
        self.with(|conn| {
            let changed = conn.execute(
                "UPDATE outbox SET state = 'queued', lease_until = NULL, \
                 attempts = GREATEST(attempts - 1, 0), updated_at = $2 \
                 WHERE id = $1 AND state = 'sending' AND attempts = $3",
                &[&id, &ms(now), &(attempt as i32)],
            )?;
            Ok(changed == 1)
        })
    }

    /// See [`Store::expire`](crate::Store::expire).
    pub fn expire(&self, now: Timestamp, max_age: Duration) -> Result<Vec<i64>, StoreError> {
        let max_age = i64::try_from(max_age.as_millis()).unwrap_or(i64::MAX);
        self.with(|conn| {
            conn.query(
                "UPDATE outbox SET state = 'expired', last_error = 'validity ran out before it was sent', \
                 updated_at = $1 WHERE state = 'queued' AND \
                 ((validity_min IS NOT NULL AND created_at + validity_min * 60000 < $1) \
                  OR (validity_min IS NULL AND created_at + $2 < $1)) RETURNING id",
                &[&ms(now), &max_age],
            )?
            .iter()
            .map(|row| Ok(row.try_get(0)?))
            .collect()
        })
    }

    /// See [`Store::outbound`](crate::Store::outbound).
    pub fn outbound(&self, id: i64) -> Result<Option<OutboxRow>, StoreError> {
        self.with(|conn| {
            conn.query_opt(&row_by("id"), &[&id])?
                .as_ref()
                .map(read_row)
                .transpose()
        })
    }

    /// See [`Store::outbound_by_key`](crate::Store::outbound_by_key).
    pub fn outbound_by_key(&self, key: &str) -> Result<Option<OutboxRow>, StoreError> {
        self.with(|conn| {
            conn.query_opt(&row_by("key"), &[&key])?
                .as_ref()
                .map(read_row)
                .transpose()
        })
    }

    /// See [`Store::outbound_page`](crate::Store::outbound_page).
    pub fn outbound_page(
        &self,
        page: &LogPage,
        state: Option<OutboxState>,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let state = state.map(OutboxState::name);
        let query = PageQuery {
            table: "outbox",
            columns: COLUMNS,
            time: "created_at",
            own: "($1::text IS NULL OR state = $1)",
            params: vec![&state],
        };
        self.with(|conn| query.rows(conn, page)?.iter().map(read_row).collect())
    }
}
