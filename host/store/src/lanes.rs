//! The order a claim takes rows in: each *source* (an API token's
//! `api:NAME`, `cli`, a source connector, a route) is a lane, and a claim
//! takes the lanes' rows in turn, so a campaign that queued 100,000
//! messages through one token does not hold back another token's one-off
//! message: that message goes in the next claim. Within a lane, rows go
//! oldest due first. Rows whose sender died (an expired claim) go before
//! everything: they are the oldest work.
//!
//! Both backends read each lane's first rows with an index seek
//! (`outbox (state, source, next_attempt_at)`) and list the lanes with a
//! skip scan over the same index, so a claim costs the same at a thousand
//! queued rows as at a million.

/// A row a claim may take: its id and when it became due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Due {
    pub(crate) at: i64,
    pub(crate) id: i64,
}

/// The SQL that lists the sources with queued rows, one index seek per
/// source (a recursive skip scan, which both SQLite and PostgreSQL run
/// over `outbox_lanes`). The same text for both backends.
pub(crate) const LIST_LANES: &str = "WITH RECURSIVE lanes(source) AS ( \
     SELECT (SELECT source FROM outbox WHERE state = 'queued' ORDER BY source LIMIT 1) \
     UNION ALL \
     SELECT (SELECT source FROM outbox WHERE state = 'queued' AND source > lanes.source \
             ORDER BY source LIMIT 1) FROM lanes WHERE lanes.source IS NOT NULL) \
     SELECT source FROM lanes WHERE source IS NOT NULL";

/// Up to `limit` ids: `overdue` first (rows whose sender died, oldest
/// first), then the lanes in turn, round after round, each lane's rows
/// oldest first. The lanes go in the order of their names, starting after
/// `turn`, the lane that went first in the previous claim, which becomes
/// the one that went first in this: claims of one row each (a modem with
/// room for one more) serve the lanes in turn too.
pub(crate) fn take(
    mut overdue: Vec<Due>,
    mut lanes: Vec<(String, Vec<Due>)>,
    limit: usize,
    turn: &mut Option<String>,
) -> Vec<i64> {
    overdue.sort_unstable();
    let mut ids: Vec<i64> = overdue.iter().take(limit).map(|due| due.id).collect();
    lanes.retain(|(_, rows)| !rows.is_empty());
    lanes.sort_by(|a, b| a.0.cmp(&b.0));
    // Those after the last first lane, then the rest, in name order.
    let start = turn
        .as_ref()
        .map_or(0, |last| lanes.partition_point(|(name, _)| name <= last));
    // partition_point is at most the length, which rotates nothing.
    lanes.rotate_left(start);
    let mut first = None;
    let mut round = 0;
    while ids.len() < limit {
        let mut took = false;
        for (name, rows) in &lanes {
            if ids.len() == limit {
                break;
            }
            if let Some(due) = rows.get(round) {
                first.get_or_insert(name);
                ids.push(due.id);
                took = true;
            }
        }
        if !took {
            break;
        }
        round += 1;
    }
    if let Some(first) = first {
        *turn = Some(first.clone());
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lane(rows: &[(i64, i64)]) -> Vec<Due> {
        rows.iter().map(|&(at, id)| Due { at, id }).collect()
    }

    #[test]
    fn lanes_take_turns_and_overdue_rows_go_first() {
        let campaign = || {
            (
                "api:campaign".to_string(),
                lane(&[(10, 1), (10, 2), (10, 3), (10, 4)]),
            )
        };
        let one_off = || ("api:shop".to_string(), lane(&[(20, 9)]));
        let mut turn = None;
        // A campaign and a one-off queued after it: the one-off goes
        // second, not fifth.
        assert_eq!(
            take(Vec::new(), vec![one_off(), campaign()], 4, &mut turn),
            [1, 9, 2, 3]
        );
        assert_eq!(turn.as_deref(), Some("api:campaign"));
        // Claims of one row each take the lanes in turn as well.
        let mut turn = None;
        assert_eq!(
            take(Vec::new(), vec![campaign(), one_off()], 1, &mut turn),
            [1]
        );
        assert_eq!(
            take(Vec::new(), vec![campaign(), one_off()], 1, &mut turn),
            [9]
        );
        assert_eq!(
            take(Vec::new(), vec![campaign(), one_off()], 1, &mut turn),
            [1]
        );
        // A row whose sender died goes before both.
        let mut turn = None;
        assert_eq!(
            take(lane(&[(5, 7)]), vec![campaign(), one_off()], 3, &mut turn),
            [7, 1, 9]
        );
        // The limit holds, whatever is there.
        assert_eq!(
            take(lane(&[(1, 1), (2, 2)]), vec![campaign()], 1, &mut turn),
            [1]
        );
        assert!(take(Vec::new(), vec![("x".into(), Vec::new())], 5, &mut turn).is_empty());
    }
}
