//! Delivery reports: finding the part a status report is about, and
//! keeping a report that arrives before its send is committed.
//!
//! TP-MR, the reference a report carries, is one byte per modem and
//! repeats every 256 parts. A report is therefore matched by modem, SIM,
//! recipient and reference, among the sends of the last
//! [`REPORT_WINDOW_MS`]; the newest match wins.

use plutanium_core::Timestamp;
use rusqlite::params;

use crate::outbox::{COLUMNS, list_text, parse_list, parse_refs, read_row};
use crate::{OutboxRow, SqliteStore, StoreError};

/// A status report as the modem read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryReport {
    /// The modem it came in on.
    pub modem: String,
    /// The IMSI of the SIM it came through, when known.
    pub sim: Option<String>,
    /// The reference of the part (TP-MR).
    pub message_ref: u8,
    /// The recipient as the network wrote it, when it gave one.
    pub recipient: Option<String>,
    /// Delivered, or failed for good.
    pub delivered: bool,
    /// The network's status, for people.
    pub detail: Option<String>,
}

/// How old a send may be and still get its report: networks keep an
/// undelivered SMS for up to a week by default, and a report after that
/// is more likely a reused reference than a late answer.
pub const REPORT_WINDOW_MS: i64 = 7 * 24 * 3_600_000;

/// How long a report that matched no sent row may still be applied to a
/// send committed after it (references repeat every 256 messages, so a
/// longer wait would risk matching the wrong one).
const PENDING_REPORT_WINDOW_MS: i64 = 120_000;

/// How many of a modem's latest reported sends are searched: more than the
/// 256 a reference takes to come round, with room for recipients that repeat.
const CANDIDATES: u32 = 1024;

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
                    "SELECT id, message_refs, state, to_number, sent_sim FROM outbox \
                     WHERE sent_by = ?1 AND state IN ('sent','delivered','failed') AND status_report = 1 \
                     AND updated_at >= ?2 ORDER BY updated_at DESC, id DESC LIMIT ?3",
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
                        })
                    },
                )?;
                rows.collect::<Result<_, _>>()?
            };
            let found = candidates.into_iter().find(|c| {
                ours(report, &c.to, c.sim.as_deref())
                    && parse_refs(&c.refs).is_some_and(|r| r.contains(&Some(report.message_ref)))
            });
            if let Some(found) = &found
                && found.state != "sent"
            {
                // A repeated report for a message already settled.
                let row = tx.query_row(
                    &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
                    [found.id],
                    read_row,
                )??;
                return Ok(Some(row));
            }
            let Some(id) = found.map(|c| c.id) else {
                tx.execute(
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
            let row = tx.query_row(
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
}

/// Whether `report` can be about a send to `to` through SIM `sim`: the same
/// recipient and the same SIM, where both sides know them.
fn ours(report: &DeliveryReport, to: &str, sim: Option<&str>) -> bool {
    let same_sim = match (report.sim.as_deref(), sim) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    same_sim
        && report
            .recipient
            .as_deref()
            .is_none_or(|r| same_number(to, r))
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
        tx.execute(
            "UPDATE outbox SET state = 'failed', last_error = ?2, updated_at = ?3 WHERE id = ?1",
            params![
                id,
                detail.unwrap_or("the network reported the delivery failed"),
                now
            ],
        )?;
        return Ok(());
    }
    let (refs, done): (String, String) = tx.query_row(
        "SELECT message_refs, delivered_refs FROM outbox WHERE id = ?1",
        [id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let refs = parse_refs(&refs).unwrap_or_default();
    let mut done = parse_list(&done);
    if !done.contains(&message_ref.to_string()) {
        done.push(message_ref.to_string());
    }
    let complete = refs.iter().flatten().all(|r| done.contains(&r.to_string()));
    tx.execute(
        "UPDATE outbox SET delivered_refs = ?2, state = ?3, updated_at = ?4 WHERE id = ?1",
        params![
            id,
            list_text(&done),
            if complete { "delivered" } else { "sent" },
            now
        ],
    )?;
    Ok(())
}

/// Whether a status report's recipient is this row's destination. The
/// report carries the number as the network wrote it: international
/// (`+420601234567`), national (`601234567`) or with an exit code
/// (`00420601234567`); the row has E.164. The same digits, or one ending in
/// the other's (at least 6 of them), are the same number.
fn same_number(destination: &str, reported: &str) -> bool {
    let digits = |n: &str| n.chars().filter(char::is_ascii_digit).collect::<String>();
    let (a, b) = (digits(destination), digits(reported));
    let (long, short) = if a.len() >= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    !short.is_empty() && (long == short || (short.len() >= 6 && long.ends_with(short.as_str())))
}

/// Applies the reports that arrived for `refs` from `modem` before the send
/// of row `id` was committed, and forgets them. A report that names another
/// recipient or SIM is someone else's.
pub(crate) fn apply_pending_reports(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    modem: &str,
    refs: &[Option<u8>],
    claimed_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    let since = claimed_at.max(now - PENDING_REPORT_WINDOW_MS);
    let (to, sim): (String, Option<String>) = tx.query_row(
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
            tx.execute("DELETE FROM pending_reports WHERE id = ?1", [pending_id])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::same_number;

    #[test]
    fn a_number_written_three_ways_is_one_number() {
        assert!(same_number("+420601234567", "+420601234567"));
        assert!(same_number("+420601234567", "601234567"));
        assert!(same_number("+420601234567", "00420601234567"));
        assert!(!same_number("+420601234567", "+420601234568"));
        assert!(
            !same_number("+420601234567", "4567"),
            "too few digits to tell"
        );
        assert!(!same_number("+420601234567", ""));
    }
}
