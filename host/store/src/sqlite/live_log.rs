//! The live events in SQLite.

use plutanium_core::Timestamp;
use rusqlite::params;

use super::SqliteStore;
use crate::{LoggedEvent, StoreError};

impl SqliteStore {
    /// Appends `events` (ids the publisher gave) in one transaction; an id
    /// already logged is left as it was.
    ///
    /// Committed as a state change (`synchronous = NORMAL`, see
    /// `SqliteStore::with_state_change`): the events describe state changes
    /// that a power cut may undo as well, and a fully synchronous commit
    /// per sent message was one fsync per message on a fast modem's path.
    pub fn append_live_events(&self, events: &[LoggedEvent]) -> Result<(), StoreError> {
        self.with_state_change(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT OR IGNORE INTO live_events (id, at, kind, data) VALUES (?1, ?2, ?3, ?4)",
                )?;
                for event in events {
                    insert.execute(params![event.id, event.at as i64, event.kind, event.data])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// See [`Store::publish_live_events`](crate::Store::publish_live_events):
    /// the next ids after the highest logged, under the write lock;
    /// committed as a state change, as [`SqliteStore::append_live_events`].
    pub fn publish_live_events(
        &self,
        events: &[LoggedEvent],
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        self.with_state_change(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut next: i64 = super::one(
                &tx,
                "SELECT coalesce(max(id), 0) FROM live_events",
                [],
                |row| row.get(0),
            )?;
            let mut published = Vec::with_capacity(events.len());
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO live_events (id, at, kind, data) VALUES (?1, ?2, ?3, ?4)",
                )?;
                for event in events {
                    next += 1;
                    insert.execute(params![next, event.at as i64, event.kind, event.data])?;
                    published.push(LoggedEvent {
                        id: next,
                        ..event.clone()
                    });
                }
            }
            tx.commit()?;
            Ok(published)
        })
    }

    /// The events after `after`, oldest first, at most `limit`.
    pub fn live_events_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, at, kind, data FROM live_events WHERE id > ?1 ORDER BY id LIMIT CAST(?2 AS INTEGER)",
            )?;
            let rows = stmt.query_map(params![after, limit], |row| {
                Ok(LoggedEvent {
                    id: row.get(0)?,
                    at: row.get::<_, i64>(1)? as Timestamp,
                    kind: row.get(2)?,
                    data: row.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The highest id logged, 0 when none: the publisher goes on from there.
    pub fn last_live_event_id(&self) -> Result<i64, StoreError> {
        self.with(|conn| {
            Ok(
                conn.query_row("SELECT coalesce(max(id), 0) FROM live_events", [], |row| {
                    row.get(0)
                })?,
            )
        })
    }
}
