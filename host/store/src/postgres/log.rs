//! The event log, the live events, retention and counts in PostgreSQL.

use plutanium_core::Timestamp;

use super::PgStore;
use super::outbox::ms;
use crate::{LoggedEvent, MessageCount, PRUNE_BATCH, StoreError, StoreStats};

/// The advisory lock that orders live event ids with their commits.
const LIVE_EVENTS_LOCK: i64 = 0x504C_4C56;

impl PgStore {
    /// See [`Store::index_search`](crate::Store::index_search): nothing to
    /// do, since PostgreSQL's trigram indexes take each row as it is
    /// written (GIN's pending list keeps that cheap).
    pub fn index_search(&self, _max: usize) -> Result<usize, StoreError> {
        Ok(0)
    }

    /// See [`Store::log_event`](crate::Store::log_event).
    pub fn log_event(
        &self,
        at: Timestamp,
        kind: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.with(|conn| {
            conn.execute(
                "INSERT INTO events (at, kind, subject, detail) VALUES ($1, $2, $3, $4)",
                &[&ms(at), &kind, &subject, &detail],
            )?;
            Ok(())
        })
    }

    /// See [`Store::events`](crate::Store::events).
    #[allow(clippy::type_complexity)]
    pub fn events(
        &self,
        limit: u32,
    ) -> Result<Vec<(Timestamp, String, String, String)>, StoreError> {
        self.with(|conn| {
            conn.query(
                "SELECT at, kind, subject, detail FROM events ORDER BY id DESC LIMIT $1",
                &[&i64::from(limit)],
            )?
            .iter()
            .map(|row| {
                Ok((
                    row.try_get::<_, i64>(0)?.max(0) as Timestamp,
                    row.try_get(1)?,
                    row.try_get(2)?,
                    row.try_get(3)?,
                ))
            })
            .collect()
        })
    }

    /// See [`Store::append_live_events`](crate::Store::append_live_events).
    pub fn append_live_events(&self, events: &[LoggedEvent]) -> Result<(), StoreError> {
        self.with(|conn| {
            let mut tx = conn.transaction()?;
            let insert = tx.prepare(
                "INSERT INTO live_events (id, at, kind, data) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO NOTHING",
            )?;
            for event in events {
                tx.execute(
                    &insert,
                    &[&event.id, &ms(event.at), &event.kind, &event.data],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// See [`Store::publish_live_events`](crate::Store::publish_live_events):
    /// ids from a sequence, taken under a transaction-long advisory lock so
    /// they commit in their order (a reader never sees id N+1 before N),
    /// and every watching node told (`plutanium_live`).
    pub fn publish_live_events(
        &self,
        events: &[LoggedEvent],
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        self.with(|conn| {
            let mut tx = conn.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LIVE_EVENTS_LOCK])?;
            let insert = tx.prepare(
                "INSERT INTO live_events (id, at, kind, data) \
                 VALUES (nextval('live_event_ids'), $1, $2, $3) RETURNING id",
            )?;
            let mut published = Vec::with_capacity(events.len());
            for event in events {
                let id: i64 = tx
                    .query_one(&insert, &[&ms(event.at), &event.kind, &event.data])?
                    .try_get(0)?;
                published.push(LoggedEvent {
                    id,
                    ..event.clone()
                });
            }
            if !published.is_empty() {
                tx.batch_execute(&format!("NOTIFY {}", crate::Channel::LiveEvents.name()))?;
            }
            tx.commit()?;
            Ok(published)
        })
    }

    /// Makes the live event ids go on after the highest logged (after a
    /// copy from SQLite, which logged them with ids of its own).
    pub(crate) fn continue_live_event_ids(&self) -> Result<(), StoreError> {
        self.with(|conn| {
            conn.execute(
                "SELECT setval('live_event_ids', GREATEST((SELECT coalesce(max(id), 0) FROM live_events), 1), \
                 (SELECT count(*) FROM live_events) > 0)",
                &[],
            )?;
            Ok(())
        })
    }

    /// See [`Store::live_events_after`](crate::Store::live_events_after).
    pub fn live_events_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        self.with(|conn| {
            conn.query(
                "SELECT id, at, kind, data FROM live_events WHERE id > $1 ORDER BY id LIMIT $2",
                &[&after, &i64::from(limit)],
            )?
            .iter()
            .map(|row| {
                Ok(LoggedEvent {
                    id: row.try_get(0)?,
                    at: row.try_get::<_, i64>(1)?.max(0) as Timestamp,
                    kind: row.try_get(2)?,
                    data: row.try_get(3)?,
                })
            })
            .collect()
        })
    }

    /// See [`Store::last_live_event_id`](crate::Store::last_live_event_id).
    pub fn last_live_event_id(&self) -> Result<i64, StoreError> {
        self.with(|conn| {
            Ok(conn
                .query_one("SELECT coalesce(max(id), 0)::bigint FROM live_events", &[])?
                .try_get(0)?)
        })
    }

    /// See [`Store::prune`](crate::Store::prune).
    pub fn prune(&self, before: Timestamp) -> Result<usize, StoreError> {
        const STATEMENTS: &[&str] = &[
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE \
             state IN ('sent','delivered','failed','expired') AND updated_at < $1 LIMIT $2)",
            "DELETE FROM inbox WHERE id IN (SELECT id FROM inbox WHERE \
             routed_at IS NOT NULL AND stored_at < $1 LIMIT $2)",
            "DELETE FROM calls WHERE id IN (SELECT id FROM calls WHERE \
             routed_at IS NOT NULL AND at < $1 LIMIT $2)",
            "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE at < $1 LIMIT $2)",
            "DELETE FROM live_events WHERE id IN (SELECT id FROM live_events WHERE at < $1 LIMIT $2)",
            "DELETE FROM pending_reports WHERE id IN (SELECT id FROM pending_reports \
             WHERE at < $1 LIMIT $2)",
        ];
        let (before, batch) = (ms(before), PRUNE_BATCH as i64);
        let mut deleted = 0;
        for sql in STATEMENTS {
            loop {
                let done = self.with(|conn| Ok(conn.execute(*sql, &[&before, &batch])?))? as usize;
                deleted += done;
                if done < PRUNE_BATCH {
                    break;
                }
            }
        }
        Ok(deleted)
    }

    /// See [`Store::stats`](crate::Store::stats).
    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        self.with(|conn| {
            let mut stats = StoreStats::default();
            for row in conn.query("SELECT state, COUNT(*) FROM outbox GROUP BY state", &[])? {
                let (state, count): (String, i64) = (row.try_get(0)?, row.try_get(1)?);
                let count = count.max(0) as u64;
                match state.as_str() {
                    "queued" => stats.queued = count,
                    "sending" => stats.sending = count,
                    "sent" => stats.sent = count,
                    "delivered" => stats.delivered = count,
                    "failed" => stats.failed = count,
                    _ => stats.expired = count,
                }
            }
            let row = conn.query_one(
                "SELECT (SELECT COUNT(*) FROM inbox), (SELECT COUNT(*) FROM inbox_parts), \
                 (SELECT COUNT(*) FROM calls)",
                &[],
            )?;
            let count = |i: usize| row.try_get::<_, i64>(i).map(|n| n.max(0) as u64);
            stats.inbox = count(0)?;
            stats.inbox_parts = count(1)?;
            stats.calls = count(2)?;
            Ok(stats)
        })
    }

    /// See [`Store::message_counts`](crate::Store::message_counts).
    pub fn message_counts(&self) -> Result<Vec<MessageCount>, StoreError> {
        self.with(|conn| {
            let mut counts = Vec::new();
            for row in conn.query(
                "SELECT state, COALESCE(sent_by, ''), COUNT(*) FROM outbox GROUP BY state, sent_by",
                &[],
            )? {
                counts.push(MessageCount {
                    direction: "out",
                    status: row.try_get(0)?,
                    modem: row.try_get(1)?,
                    count: row.try_get::<_, i64>(2)?.max(0) as u64,
                });
            }
            for row in conn.query("SELECT modem, COUNT(*) FROM inbox GROUP BY modem", &[])? {
                counts.push(MessageCount {
                    direction: "in",
                    status: "received".into(),
                    modem: row.try_get(0)?,
                    count: row.try_get::<_, i64>(1)?.max(0) as u64,
                });
            }
            Ok(counts)
        })
    }
}
