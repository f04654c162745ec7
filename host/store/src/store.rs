//! Opening the file, the connection, the event log, retention and counts.

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use plutanium_core::Timestamp;
use rusqlite::{Connection, params};

use crate::StoreError;
use crate::migrations::{SCHEMA_VERSION, migrate};

/// How many rows [`SqliteStore::prune`] deletes per transaction.
pub const PRUNE_BATCH: usize = 1000;

/// The SQLite store. One per process; its methods are short transactions,
/// safe to call from several threads (async callers use `spawn_blocking`).
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// The connectors' key-value operations get a connection of their own,
    /// so a busy connector never queues behind the message path's lock (the
    /// file's write lock still orders their commits). `None` in memory,
    /// where every connection would be a database of its own.
    kv_conn: Option<Mutex<Connection>>,
}

/// Rows by state, for health pages and metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Outbox rows waiting to be sent.
    pub queued: u64,
    /// Outbox rows claimed by a sender.
    pub sending: u64,
    /// Sent, no delivery report yet.
    pub sent: u64,
    /// Delivered.
    pub delivered: u64,
    /// Given up.
    pub failed: u64,
    /// Expired before they could be sent or delivered.
    pub expired: u64,
    /// Complete inbound messages.
    pub inbox: u64,
    /// Parts of incomplete inbound messages.
    pub inbox_parts: u64,
    /// Logged calls.
    pub calls: u64,
}

/// An SQLite error while opening `path`, said with the path.
fn opening(path: &Path, error: StoreError) -> StoreError {
    match error {
        StoreError::Sqlite { source } => StoreError::Open {
            path: path.to_path_buf(),
            source,
        },
        other => other,
    }
}

/// Every connection's settings.
fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(Duration::from_secs(5))?;
    crate::search::register(conn)?;
    // WAL: readers never block the writer. FULL: a commit survives a power
    // cut, which is what "nothing accepted is lost" needs.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

impl SqliteStore {
    /// Opens (or creates) the store at `path` and migrates it.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let opened = Connection::open(path).map_err(StoreError::from);
        opened
            .and_then(Self::setup)
            .and_then(|mut store| {
                let kv = Connection::open(path)?;
                configure(&kv)?;
                store.kv_conn = Some(Mutex::new(kv));
                Ok(store)
            })
            .map_err(|error| opening(path, error))
    }

    /// Opens the store at `path` for a tool that queues into it
    /// (`plutanium send`): a store that exists is opened as by
    /// [`SqliteStore::open_existing`] (never migrated under a daemon); a
    /// missing one is created, at this build's schema, when its directory
    /// is there, since no daemon can be running on a file that does not
    /// exist yet. The daemon sends what was queued when it starts. A missing
    /// directory is [`StoreError::Missing`]: likely a mistyped `store:`.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let directory = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        if path.is_file() || !directory.is_dir() {
            return Self::open_existing(path);
        }
        Self::open(path)
    }

    /// Opens a store that must exist already at this build's schema, without
    /// migrating it: for tools that share the file with a running daemon
    /// (`plutanium send`, `plutanium messages`), which must neither create a
    /// store at a mistyped path nor change the schema under the daemon.
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        if !path.is_file() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        let open = || -> Result<Self, StoreError> {
            let conn = Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            configure(&conn)?;
            let found: u32 = conn
                .query_row("SELECT version FROM schema_version", [], |row| row.get(0))
                .unwrap_or(0);
            if found != SCHEMA_VERSION {
                return Err(if found > SCHEMA_VERSION {
                    StoreError::SchemaTooNew {
                        found,
                        supported: SCHEMA_VERSION,
                    }
                } else {
                    StoreError::SchemaTooOld {
                        found,
                        supported: SCHEMA_VERSION,
                    }
                });
            }
            Ok(SqliteStore {
                conn: Mutex::new(conn),
                kv_conn: None,
            })
        };
        open().map_err(|error| opening(path, error))
    }

    /// The file's size in database pages (4 KiB each by default).
    pub fn page_count(&self) -> Result<u64, StoreError> {
        self.with(|conn| Ok(conn.query_row("PRAGMA page_count", [], |row| row.get(0))?))
    }

    /// Caps the file at `pages` database pages (4 KiB each by default): a
    /// write that needs more fails as if the disk were full. For tests of
    /// what a full disk does, and for operators who want a hard cap.
    pub fn limit_pages(&self, pages: u64) -> Result<(), StoreError> {
        let limit = |conn: &mut Connection| -> Result<(), StoreError> {
            let _set: i64 =
                conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |row| {
                    row.get(0)
                })?;
            Ok(())
        };
        self.with(limit)?;
        self.with_kv(limit)
    }

    /// A store in memory, for tests and the demo.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Self, StoreError> {
        configure(&conn)?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            kv_conn: None,
        })
    }

    /// Runs `f` on the connection.
    pub(crate) fn with<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        // A panic while holding the lock leaves SQLite consistent (an open
        // transaction is rolled back when dropped), so the lock is reusable.
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut conn)
    }

    /// Runs `f` on the connection for the connectors' key-value data.
    pub(crate) fn with_kv<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let Some(kv) = &self.kv_conn else {
            return self.with(f);
        };
        let mut conn = kv.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut conn)
    }

    /// The schema version of the file.
    pub fn schema_version(&self) -> u32 {
        SCHEMA_VERSION
    }

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
        self.with(|conn| {
            let mut stmt = conn.prepare(
                "SELECT at, kind, subject, detail FROM events ORDER BY id DESC LIMIT ?1",
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
             state IN ('sent','delivered','failed','expired') AND updated_at < ?1 LIMIT ?2)",
            "DELETE FROM inbox WHERE id IN (SELECT id FROM inbox WHERE \
             routed_at IS NOT NULL AND stored_at < ?1 LIMIT ?2)",
            "DELETE FROM calls WHERE id IN (SELECT id FROM calls WHERE \
             routed_at IS NOT NULL AND at < ?1 LIMIT ?2)",
            "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE at < ?1 LIMIT ?2)",
            "DELETE FROM live_events WHERE id IN (SELECT id FROM live_events WHERE at < ?1 LIMIT ?2)",
            "DELETE FROM pending_reports WHERE id IN (SELECT id FROM pending_reports \
             WHERE at < ?1 LIMIT ?2)",
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

    /// Counts by state.
    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        self.with(|conn| {
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
        self.with(|conn| {
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

/// How many messages of one kind the log holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageCount {
    /// `in` or `out`.
    pub direction: &'static str,
    /// The outbox state, or `received`.
    pub status: String,
    /// The modem (empty for outbound rows not sent yet).
    pub modem: String,
    /// How many.
    pub count: u64,
}
