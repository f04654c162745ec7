//! Delivery reports, the same for every backend: which sent row a status
//! report is about, and what it does to it. A report that arrives before
//! its send is committed is kept and applied when the send is.
//!
//! TP-MR, the reference a report carries, is one byte per modem and
//! repeats every 256 parts. A report is therefore matched by modem, SIM,
//! recipient and reference, among the sends of the last
//! [`REPORT_WINDOW_MS`]; the newest match wins. When the driver says when
//! the send that got the reference started
//! ([`DeliveryReport::sent_not_before`]), only rows sent since then match:
//! an older send to the same recipient that had the same reference is
//! never taken for it, and a report that beats its send's commit waits for
//! it even when such an older row exists.

use crate::outbox::{list_text, parse_list, parse_refs};

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
    /// When the latest send that got this reference started (store clock,
    /// ms), when the driver knows it: the report is that send's (or a
    /// repeat of a later report), never an older send's that had the same
    /// reference. A report for a send whose outcome is not committed yet
    /// then waits for that commit instead of matching an older row.
    pub sent_not_before: Option<i64>,
}

/// How old a send may be and still get its report: networks keep an
/// undelivered SMS for up to a week by default, and a report after that
/// is more likely a reused reference than a late answer.
pub const REPORT_WINDOW_MS: i64 = 7 * 24 * 3_600_000;

/// How long a report that matched no sent row may still be applied to a
/// send committed after it (references repeat every 256 messages, so a
/// longer wait would risk matching the wrong one).
pub(crate) const PENDING_REPORT_WINDOW_MS: i64 = 120_000;

/// How many of a modem's latest reported sends are searched: more than the
/// 256 a reference takes to come round, with room for recipients that repeat.
pub(crate) const CANDIDATES: u32 = 1024;

/// Whether `report` can be about a send to `to` through SIM `sim`: the same
/// recipient and the same SIM, where both sides know them.
pub(crate) fn ours(report: &DeliveryReport, to: &str, sim: Option<&str>) -> bool {
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

/// The delivered references of a row with `refs` after a report that
/// `message_ref` was delivered, given those already reported (`delivered`,
/// as stored): the new list, as stored, and whether every part with a
/// reference is now delivered. A repeated report counts once.
pub(crate) fn settle(refs: &str, delivered: &str, message_ref: u8) -> (String, bool) {
    let refs = parse_refs(refs).unwrap_or_default();
    let mut done = parse_list(delivered);
    if !done.contains(&message_ref.to_string()) {
        done.push(message_ref.to_string());
    }
    let complete = refs.iter().flatten().all(|r| done.contains(&r.to_string()));
    (list_text(&done), complete)
}

/// Whether a row sent at `sent_at` (ms; `None` for rows sent before the
/// store kept it) may be the send `report` is about.
pub(crate) fn recent_enough(report: &DeliveryReport, sent_at: Option<i64>) -> bool {
    match (report.sent_not_before, sent_at) {
        (Some(start), Some(sent_at)) => sent_at >= start,
        // A row from before `sent_at` existed was sent before this run.
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// The error a failed report leaves on its row when the network said no more.
pub(crate) const FAILED_DELIVERY: &str = "the network reported the delivery failed";

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
