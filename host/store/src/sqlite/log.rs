//! The event log, retention and counts in SQLite.

use plutanium_core::Timestamp;
use rusqlite::params;

use super::SqliteStore;
use crate::{MessageCount, PRUNE_BATCH, StoreError, StoreStats};

impl SqliteStore {
    /// Appends to the event log.
    pub fn log_event(
        &self,
        at: Timestamp,
        kind: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.with(|conn| {
            conn.execute(
                "INSERT INTO events (at, kind, subject, detail) VALUES (?1, ?2, ?3, ?4)",
                params![at as i64, kind, subject, detail],
            )?;
            Ok(())
        })
    }

    /// The latest `limit` events, newest first: (at, kind, subject, detail).
    pub fn events(
        &self,
        limit: u32,
    ) -> Result<Vec<(Timestamp, String, String, String)>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT at, kind, subject, detail FROM events ORDER BY id DESC LIMIT CAST(?1 AS INTEGER)",
            )?;
            let rows = stmt.query_map([limit], |row| {
                Ok((
                    row.get::<_, i64>(0)? as Timestamp,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                ))
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Deletes what is older than `before` and finished: outbox rows that are
    /// sent (no report came within the retention), delivered, failed or
    /// expired, inbox messages and calls whose routes ran, and events.
    /// Queued and in-flight rows, and unrouted messages, are never pruned.
    /// Deletes in batches of [`PRUNE_BATCH`] rows, one short transaction
    /// each, so a large backlog never holds the store for long. Returns the
    /// rows deleted.
    pub fn prune(&self, before: Timestamp) -> Result<usize, StoreError> {
        const STATEMENTS: &[&str] = &[
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE \
             state IN ('sent','delivered','failed','expired') AND updated_at < ?1 LIMIT CAST(?2 AS INTEGER))",
            "DELETE FROM inbox WHERE id IN (SELECT id FROM inbox WHERE \
             routed_at IS NOT NULL AND stored_at < ?1 LIMIT CAST(?2 AS INTEGER))",
            "DELETE FROM calls WHERE id IN (SELECT id FROM calls WHERE \
             routed_at IS NOT NULL AND at < ?1 LIMIT CAST(?2 AS INTEGER))",
            "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE at < ?1 LIMIT CAST(?2 AS INTEGER))",
            "DELETE FROM live_events WHERE id IN (SELECT id FROM live_events WHERE at < ?1 LIMIT CAST(?2 AS INTEGER))",
            "DELETE FROM pending_reports WHERE id IN (SELECT id FROM pending_reports \
             WHERE at < ?1 LIMIT CAST(?2 AS INTEGER))",
        ];
        let before = before as i64;
        let mut deleted = 0;
        for sql in STATEMENTS {
            loop {
                let batch =
                    self.with(|conn| Ok(conn.execute(sql, params![before, PRUNE_BATCH])?))?;
                deleted += batch;
                if batch < PRUNE_BATCH {
                    break;
                }
            }
        }
        Ok(deleted)
    }

    /// See [`Store::index_search`](crate::Store::index_search): for each
    /// searched table, rows deleted since the last call leave the index,
    /// pending rows join it, and its segments merge a little; a thousand
    /// rows per transaction (each a few milliseconds, so a send waits
    /// little for the lock). Counts rows indexed and forgotten.
    pub fn index_search(&self, max: usize) -> Result<usize, StoreError> {
        /// Pages merged per table per call: enough to keep up with the
        /// index's growth at tens of thousands of rows a second, small
        /// enough to take milliseconds.
        const MERGE_PAGES: u32 = 256;
        let mut budget = max;
        for searched in super::search::SEARCHED {
            // Forgetting first: an id of a call may be reused.
            self.in_chunks(&mut budget, |conn, chunk| {
                super::search::forget_gone(conn, searched, chunk)
            })?;
            self.in_chunks(&mut budget, |conn, chunk| {
                super::search::index_pending(conn, searched, chunk)
            })?;
            self.with(|conn| Ok(super::search::merge(conn, searched, MERGE_PAGES)?))?;
        }
        Ok(max - budget)
    }

    /// Runs `work` (which does up to the number of rows it is given, in a
    /// transaction of its own) a thousand rows at a time until it does
    /// fewer or `budget` is spent; takes what it did from `budget`.
    fn in_chunks(
        &self,
        budget: &mut usize,
        work: impl Fn(&mut rusqlite::Connection, usize) -> rusqlite::Result<usize>,
    ) -> Result<(), StoreError> {
        const CHUNK: usize = 1_000;
        while *budget > 0 {
            let chunk = CHUNK.min(*budget);
            let did = self.with(|conn| Ok(work(conn, chunk)?))?;
            *budget -= did;
            if did < chunk {
                break;
            }
        }
        Ok(())
    }

    /// How many rows wait to be indexed for search, or to leave its index (see
    /// [`SqliteStore::index_search`]).
    pub fn search_backlog(&self) -> Result<u64, StoreError> {
        self.read(|conn| {
            let mut waiting = 0;
            for searched in super::search::SEARCHED {
                waiting += super::search::pending(conn, searched)?;
            }
            Ok(waiting)
        })
    }

    /// Counts by state.
    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        self.read(|conn| {
            let mut stats = StoreStats::default();
            let mut stmt = conn.prepare("SELECT state, COUNT(*) FROM outbox GROUP BY state")?;
            let rows = stmt.query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })?;
            for row in rows {
                let (state, count) = row?;
                let count = count as u64;
                match state.as_str() {
                    "queued" => stats.queued = count,
                    "sending" => stats.sending = count,
                    "sent" => stats.sent = count,
                    "delivered" => stats.delivered = count,
                    "failed" => stats.failed = count,
                    _ => stats.expired = count,
                }
            }
            let count = |sql: &str| {
                conn.query_row(sql, [], |row| row.get::<_, i64>(0))
                    .map(|n| n as u64)
            };
            stats.inbox = count("SELECT COUNT(*) FROM inbox")?;
            stats.inbox_parts = count("SELECT COUNT(*) FROM inbox_parts")?;
            stats.calls = count("SELECT COUNT(*) FROM calls")?;
            Ok(stats)
        })
    }

    /// The messages in the log by direction, status and modem: outbound
    /// rows by state and the modem that sent them (empty when none yet),
    /// inbound messages (`received`) by the modem they came in on.
    pub fn message_counts(&self) -> Result<Vec<MessageCount>, StoreError> {
        self.read(|conn| {
            let mut counts = Vec::new();
            let mut stmt = conn.prepare(
                "SELECT state, COALESCE(sent_by, ''), COUNT(*) FROM outbox GROUP BY state, sent_by",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok(MessageCount {
                    direction: "out",
                    status: row.get(0)?,
                    modem: row.get(1)?,
                    count: row.get::<_, i64>(2)? as u64,
                })
            })?;
            for row in rows {
                counts.push(row?);
            }
            let mut stmt = conn.prepare("SELECT modem, COUNT(*) FROM inbox GROUP BY modem")?;
            let rows = stmt.query_map([], |row| {
                Ok(MessageCount {
                    direction: "in",
                    status: "received".into(),
                    modem: row.get(0)?,
                    count: row.get::<_, i64>(1)? as u64,
                })
            })?;
            for row in rows {
                counts.push(row?);
            }
            Ok(counts)
        })
    }
}
