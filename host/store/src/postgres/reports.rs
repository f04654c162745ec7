//! Delivery reports in PostgreSQL. A report and the commit of the send it
//! may belong to take the same advisory lock, one per modem, so a report
//! that matches nothing is kept before the send's commit looks for kept
//! reports, or after it (and then finds the sent row): never in between.

use plutanium_core::Timestamp;
use postgres::Transaction;

use super::PgStore;
use super::outbox::{COLUMNS, ms, read_row};
use crate::delivery::{
    CANDIDATES, FAILED_DELIVERY, PENDING_REPORT_WINDOW_MS, REPORT_WINDOW_MS, ours, recent_enough,
    settle,
};
use crate::outbox::parse_refs;
use crate::{DeliveryReport, OutboxRow, StoreError};

/// Holds, until `tx` ends, the lock that orders `modem`'s reports and sends.
pub(super) fn lock_modem(tx: &mut Transaction<'_>, modem: &str) -> Result<(), StoreError> {
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('plutanium report ' || $1, 0))",
        &[&modem],
    )?;
    Ok(())
}

impl PgStore {
    /// See [`Store::record_delivery`](crate::Store::record_delivery).
    pub fn record_delivery(
        &self,
        report: &DeliveryReport,
        now: Timestamp,
    ) -> Result<Option<OutboxRow>, StoreError> {
        let now = ms(now);
        self.with(|conn| {
            let mut tx = conn.transaction()?;
            lock_modem(&mut tx, &report.modem)?;
            let candidates = tx.query(
                "SELECT id, message_refs, state, to_number, sent_sim, sent_at FROM outbox \
                 WHERE sent_by = $1 AND state IN ('sent','delivered','failed') AND status_report \
                 AND updated_at >= $2 ORDER BY updated_at DESC, id DESC LIMIT $3",
                &[&report.modem, &(now - REPORT_WINDOW_MS), &i64::from(CANDIDATES)],
            )?;
            let mut found = None;
            for row in &candidates {
                let (to, sim, refs): (String, Option<String>, String) =
                    (row.try_get(3)?, row.try_get(4)?, row.try_get(1)?);
                if ours(report, &to, sim.as_deref())
                    && recent_enough(report, row.try_get(5)?)
                    && parse_refs(&refs).is_some_and(|r| r.contains(&Some(report.message_ref)))
                {
                    found = Some((row.try_get::<_, i64>(0)?, row.try_get::<_, String>(2)?));
                    break;
                }
            }
            let Some((id, state)) = found else {
                tx.execute(
                    "INSERT INTO pending_reports (modem, message_ref, delivered, detail, at, recipient, sim) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    &[
                        &report.modem,
                        &i16::from(report.message_ref),
                        &report.delivered,
                        &report.detail,
                        &now,
                        &report.recipient,
                        &report.sim,
                    ],
                )?;
                tx.commit()?;
                return Ok(None);
            };
            if state == "sent" {
                apply_report(
                    &mut tx,
                    id,
                    report.message_ref,
                    report.delivered,
                    report.detail.as_deref(),
                    now,
                )?;
            }
            // Otherwise a repeated report for a message already settled.
            let row = tx.query_one(&format!("SELECT {COLUMNS} FROM outbox WHERE id = $1"), &[&id])?;
            let row = read_row(&row)?;
            tx.commit()?;
            Ok(Some(row))
        })
    }
}

/// Applies one report to the `sent` row `id`.
fn apply_report(
    tx: &mut Transaction<'_>,
    id: i64,
    message_ref: u8,
    delivered: bool,
    detail: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    if !delivered {
        tx.execute(
            "UPDATE outbox SET state = 'failed', last_error = $2, updated_at = $3 WHERE id = $1",
            &[&id, &detail.unwrap_or(FAILED_DELIVERY), &now],
        )?;
        return Ok(());
    }
    let row = tx.query_one(
        "SELECT message_refs, delivered_refs FROM outbox WHERE id = $1 FOR UPDATE",
        &[&id],
    )?;
    let (refs, done): (String, String) = (row.try_get(0)?, row.try_get(1)?);
    let (done, complete) = settle(&refs, &done, message_ref);
    tx.execute(
        "UPDATE outbox SET delivered_refs = $2, state = $3, updated_at = $4 WHERE id = $1",
        &[
            &id,
            &done,
            &if complete { "delivered" } else { "sent" },
            &now,
        ],
    )?;
    Ok(())
}

/// Applies the reports that arrived for `refs` from `modem` before the send
/// of row `id` was committed, and forgets them. A report that names another
/// recipient or SIM is someone else's. The caller holds `modem`'s lock.
pub(super) fn apply_pending_reports(
    tx: &mut Transaction<'_>,
    id: i64,
    modem: &str,
    refs: &[Option<u8>],
    claimed_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    let since = claimed_at.max(now - PENDING_REPORT_WINDOW_MS);
    let row = tx.query_one(
        "SELECT to_number, sent_sim FROM outbox WHERE id = $1",
        &[&id],
    )?;
    let (to, sim): (String, Option<String>) = (row.try_get(0)?, row.try_get(1)?);
    for reference in refs.iter().flatten() {
        let pending = tx.query(
            "SELECT id, delivered, detail, recipient, sim FROM pending_reports \
             WHERE modem = $1 AND message_ref = $2 AND at >= $3 ORDER BY id",
            &[&modem, &i16::from(*reference), &since],
        )?;
        for row in pending {
            let pending_id: i64 = row.try_get(0)?;
            let report = DeliveryReport {
                modem: modem.to_string(),
                sim: row.try_get(4)?,
                message_ref: *reference,
                recipient: row.try_get(3)?,
                delivered: row.try_get(1)?,
                detail: row.try_get(2)?,
                sent_not_before: None,
            };
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
            tx.execute("DELETE FROM pending_reports WHERE id = $1", &[&pending_id])?;
        }
    }
    Ok(())
}
