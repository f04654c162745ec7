//! Delivery reports in SQLite: the candidates for a report are read and
//! its row changed in one write transaction taken at once.

use plutanium_core::Timestamp;
use rusqlite::params;

use super::SqliteStore;
use super::outbox::{COLUMNS, read_row};
use super::{exec, one};
use crate::delivery::{
    CANDIDATES, FAILED_DELIVERY, PENDING_REPORT_WINDOW_MS, REPORT_WINDOW_MS, ours, recent_enough,
    settle,
};
use crate::outbox::parse_refs;
use crate::{DeliveryReport, OutboxRow, StoreError};

impl SqliteStore {
    /// Applies a delivery report to the newest `sent` row of its modem and
    /// SIM, to its recipient, with its reference. A failure fails the row;
    /// it is delivered when every part with a reference is (a repeated
    /// report counts once). A report that matches no row yet is kept, and
    /// applied when a matching send is committed (the network can be faster
    /// than our commit). Returns the row as it is now, if one matched.
    pub fn record_delivery(
        &self,
        report: &DeliveryReport,
        now: Timestamp,
    ) -> Result<Option<OutboxRow>, StoreError> {
        let now = now as i64;
        self.with(|conn| {
            // Immediate: it reads before it writes, and a deferred
            // transaction could not upgrade while another connection writes.
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let candidates: Vec<Candidate> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT id, message_refs, state, to_number, sent_sim, sent_at FROM outbox \
                     WHERE sent_by = ?1 AND state IN ('sent','delivered','failed') AND status_report = 1 \
                     AND updated_at >= ?2 ORDER BY updated_at DESC, id DESC LIMIT CAST(?3 AS INTEGER)",
                )?;
                let rows = stmt.query_map(
                    params![report.modem, now - REPORT_WINDOW_MS, CANDIDATES],
                    |row| {
                        Ok(Candidate {
                            id: row.get(0)?,
                            refs: row.get(1)?,
                            state: row.get(2)?,
                            to: row.get(3)?,
                            sim: row.get(4)?,
                            sent_at: row.get(5)?,
                        })
                    },
                )?;
                rows.collect::<Result<_, _>>()?
            };
            let found = candidates.into_iter().find(|c| {
                ours(report, &c.to, c.sim.as_deref())
                    && recent_enough(report, c.sent_at)
                    && parse_refs(&c.refs).is_some_and(|r| r.contains(&Some(report.message_ref)))
            });
            if let Some(found) = &found
                && found.state != "sent"
            {
                // A repeated report for a message already settled.
                let row = one(&tx,
                    &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
                    [found.id],
                    read_row,
                )??;
                return Ok(Some(row));
            }
            let Some(id) = found.map(|c| c.id) else {
                exec(&tx,
                    "INSERT INTO pending_reports (modem, message_ref, delivered, detail, at, recipient, sim) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        report.modem,
                        report.message_ref,
                        report.delivered,
                        report.detail,
                        now,
                        report.recipient,
                        report.sim
                    ],
                )?;
                tx.commit()?;
                return Ok(None);
            };
            apply_report(
                &tx,
                id,
                report.message_ref,
                report.delivered,
                report.detail.as_deref(),
                now,
            )?;
            let row = one(&tx,
                &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
                [id],
                read_row,
            )??;
            tx.commit()?;
            Ok(Some(row))
        })
    }
}

/// A sent row a report may be about.
struct Candidate {
    id: i64,
    refs: String,
    state: String,
    to: String,
    sim: Option<String>,
    sent_at: Option<i64>,
}

/// Applies one report to the `sent` row `id`.
fn apply_report(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    message_ref: u8,
    delivered: bool,
    detail: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    if !delivered {
        exec(
            tx,
            "UPDATE outbox SET state = 'failed', last_error = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, detail.unwrap_or(FAILED_DELIVERY), now],
        )?;
        return Ok(());
    }
    let (refs, done): (String, String) = one(
        tx,
        "SELECT message_refs, delivered_refs FROM outbox WHERE id = ?1",
        [id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let (done, complete) = settle(&refs, &done, message_ref);
    exec(
        tx,
        "UPDATE outbox SET delivered_refs = ?2, state = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, done, if complete { "delivered" } else { "sent" }, now],
    )?;
    Ok(())
}

/// Applies the reports that arrived for `refs` from `modem` before the send
/// of row `id` was committed, and forgets them. A report that names another
/// recipient or SIM is someone else's.
pub(super) fn apply_pending_reports(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    modem: &str,
    refs: &[Option<u8>],
    claimed_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    let since = claimed_at.max(now - PENDING_REPORT_WINDOW_MS);
    let (to, sim): (String, Option<String>) = one(
        tx,
        "SELECT to_number, sent_sim FROM outbox WHERE id = ?1",
        [id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    for reference in refs.iter().flatten() {
        let pending: Vec<(i64, DeliveryReport)> = {
            let mut stmt = tx.prepare_cached(
                "SELECT id, delivered, detail, recipient, sim FROM pending_reports \
                 WHERE modem = ?1 AND message_ref = ?2 AND at >= ?3 ORDER BY id",
            )?;
            let rows = stmt.query_map(params![modem, reference, since], |row| {
                Ok((
                    row.get(0)?,
                    DeliveryReport {
                        modem: modem.to_string(),
                        sim: row.get(4)?,
                        message_ref: *reference,
                        recipient: row.get(3)?,
                        delivered: row.get(1)?,
                        detail: row.get(2)?,
                        sent_not_before: None,
                    },
                ))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        for (pending_id, report) in pending {
            if !ours(&report, &to, sim.as_deref()) {
                continue;
            }
            apply_report(
                tx,
                id,
                *reference,
                report.delivered,
                report.detail.as_deref(),
                now,
            )?;
            exec(
                tx,
                "DELETE FROM pending_reports WHERE id = ?1",
                [pending_id],
            )?;
        }
    }
    Ok(())
}
