//! The SQLite backend: one file, WAL, for one gateway node (the embedded
//! default).
//!
//! Durability: accepting a message and storing one that arrived commit
//! with `synchronous=FULL` (an fsync: they survive a power cut). The state
//! changes of messages already accepted (claims, outcomes, releases)
//! commit with `synchronous=NORMAL`, which in WAL survives a crash of the
//! process but not a power cut, and costs no fsync; one of them a second
//! commits fully, and with it everything before it. So a `kill -9`
//! repeats no more than it did (the message each modem had on the wire),
//! and a power cut may in addition repeat what was sent in the second
//! before it; it never loses an accepted message.
//!
//! Why rusqlite and not sqlx: the store is one embedded file written by one
//! process, so a synchronous connection owned by the store (callers on async
//! runtimes use `spawn_blocking`) is the simplest thing that is fully under
//! our control: PRAGMAs, transactions, no compile-time database. A write
//! transaction is what makes a claim exclusive here; PostgreSQL uses row
//! locks (`FOR UPDATE SKIP LOCKED`) for the same contract.
//!
//! This module opens the file and owns the connections; each table's SQL
//! is in the module named after it.
//!
//! Every `LIMIT` that takes a parameter says `LIMIT CAST(?N AS INTEGER)`:
//! with a bare `LIMIT ?N`, SQLite plans with the bound value, so each new
//! binding (rusqlite binds every execution) re-prepares the statement, and
//! the statement cache saved nothing. A claim spent most of its time in
//! SQLite's parser that way. A test checks the hot statements.

mod error;
mod health;
mod inbox;
mod kv;
mod leases;
mod live_log;
mod log;
mod migrations;
mod outbox;
mod reports;
mod search;

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, Row};

use crate::{LogPage, StoreError};
pub(crate) use migrations::SCHEMA_VERSION;
use migrations::migrate;

crate::contract::impl_store!(SqliteStore);

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
    /// Reads that need no write (a status read, a page of the log, the
    /// counts) get a connection of their own: in WAL they never wait for a
    /// commit's fsync on the message path, and see every commit that
    /// returned before them. `None` in memory.
    read_conn: Option<Mutex<Connection>>,
    /// When the last state change committed fully synchronously returned
    /// (see `with_state_change`).
    synced: Mutex<Synced>,
    /// The lane that went first in the last claim (lanes.rs).
    lanes_turn: Mutex<Option<String>>,
}

/// How long state changes of accepted messages may go without a fully
/// synchronous commit: what a power cut can undo of them at most (see
/// `SqliteStore::with_state_change`).
pub(crate) const UNSYNCED_FOR: Duration = Duration::from_secs(1);

/// The main connection's `synchronous` setting, and when a state change
/// last committed fully. The setting changes only when the next commit
/// needs the other one: a run of state changes (claims, outcomes, live
/// events on a fast modem's path) costs no PRAGMA each.
#[derive(Debug)]
struct Synced {
    at: std::time::Instant,
    mode: Mode,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Full,
    Normal,
}

impl Synced {
    /// Fully synchronous (as the connection opens), just synced.
    fn now() -> Self {
        Synced {
            at: std::time::Instant::now(),
            mode: Mode::Full,
        }
    }

    fn set(&mut self, conn: &Connection, mode: Mode) -> Result<(), StoreError> {
        if self.mode != mode {
            let value = match mode {
                Mode::Full => "FULL",
                Mode::Normal => "NORMAL",
            };
            conn.pragma_update(None, "synchronous", value)?;
            self.mode = mode;
        }
        Ok(())
    }
}

/// An SQLite error while opening `path`, said with the path.
fn opening(path: &Path, error: StoreError) -> StoreError {
    error.opening(&path.display().to_string())
}

/// Runs a page's queries from [`search::page_query`], which name
/// `:since`, `:before`, `:limit` (and `extra`'s names), reading each row
/// with `read`; with two, their rows are merged newest first (by the `id`
/// each query selects first).
fn page_rows<T>(
    page: &LogPage,
    conn: &Connection,
    sql: &search::PageSql,
    extra: &[(&str, &dyn rusqlite::ToSql)],
    mut read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let (since, before) = (page.since as i64, page.before.unwrap_or(i64::MAX));
    let mut named: Vec<(&str, &dyn rusqlite::ToSql)> = vec![
        (":since", &since),
        (":before", &before),
        (":limit", &page.limit),
    ];
    named.extend(
        sql.params
            .iter()
            .map(|(name, value)| (*name, value as &dyn rusqlite::ToSql)),
    );
    named.extend_from_slice(extra);
    let mut found: Vec<(i64, T)> = Vec::new();
    for query in &sql.queries {
        let mut stmt = conn.prepare(query)?;
        // Each query binds the names it has.
        let mut bound = Vec::with_capacity(named.len());
        for (name, value) in &named {
            if stmt.parameter_index(name)?.is_some() {
                bound.push((*name, *value));
            }
        }
        let rows = stmt.query_map(bound.as_slice(), |row| Ok((row.get(0)?, read(row)?)))?;
        for row in rows {
            found.push(row?);
        }
    }
    if sql.queries.len() > 1 {
        found.sort_by_key(|(id, _)| std::cmp::Reverse(*id));
        found.dedup_by_key(|(id, _)| *id);
        found.truncate(page.limit as usize);
    }
    Ok(found.into_iter().map(|(_, row)| row).collect())
}

/// `conn.execute(sql, params)` through the connection's statement cache:
/// a hot statement is parsed once, not at every call.
pub(super) fn exec(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// `conn.query_row(sql, params, f)` through the statement cache.
pub(super) fn one<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
    f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

/// Prepared statements kept per connection (see `configure`).
const STATEMENT_CACHE: usize = 256;

/// How long a statement waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Every connection's settings.
fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Room for every statement the store prepares: with rusqlite's default
    // of 16, a claim's and a commit's statements pushed each other out, and
    // a fast modem's path spent much of its time compiling SQL again.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    search::register(conn)?;
    // WAL: readers never block the writer. FULL: a commit survives a power
    // cut, which is what "nothing accepted is lost" needs.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

/// The page cache of a daemon's connections, in KiB: the writer's, the
/// key-value one's and the reader's. SQLite's default is about 2 MiB each;
/// what a connection misses, it reads again from the OS's page cache. The
/// writer keeps the default: with 1 MiB, a batch of 1,000 messages through
/// the API missed the pages of the key index and the table it writes, and
/// batch ingest fell from 55,195 to 34,525 messages/s (`api` bench). Reads
/// (a status, a search, a page of the log) are index seeks.
const WRITER_CACHE_KIB: i64 = 2048;
const KV_CACHE_KIB: i64 = 256;
const READER_CACHE_KIB: i64 = 512;

fn cache_kib(conn: &Connection, kib: i64) -> Result<(), StoreError> {
    // Negative: a size in KiB rather than in pages.
    conn.pragma_update(None, "cache_size", -kib)?;
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
                let side = |cache| -> Result<_, StoreError> {
                    let conn = Connection::open(path)?;
                    configure(&conn)?;
                    cache_kib(&conn, cache)?;
                    Ok(Some(Mutex::new(conn)))
                };
                cache_kib(
                    store.conn.get_mut().unwrap_or_else(PoisonError::into_inner),
                    WRITER_CACHE_KIB,
                )?;
                store.kv_conn = side(KV_CACHE_KIB)?;
                store.read_conn = side(READER_CACHE_KIB)?;
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
                read_conn: None,
                synced: Mutex::new(Synced::now()),
                lanes_turn: Mutex::new(None),
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
            read_conn: None,
            synced: Mutex::new(Synced::now()),
            lanes_turn: Mutex::new(None),
        })
    }

    /// Runs `f` on the connection, committing fully synchronously.
    fn with<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        // A panic while holding the lock leaves SQLite consistent (an open
        // transaction is rolled back when dropped), so the lock is reusable.
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let mut synced = self.synced.lock().unwrap_or_else(PoisonError::into_inner);
        synced.set(&conn, Mode::Full)?;
        drop(synced);
        f(&mut conn)
    }

    /// Runs `f`, a state change of messages already accepted (a claim, a
    /// send's outcome, a release), committed with `synchronous = NORMAL`:
    /// in WAL that survives a crash of the process (the kernel holds the
    /// WAL) but not a power cut, and costs no fsync. At most
    /// [`UNSYNCED_FOR`] after the last state change committed fully, the
    /// next one is full again (and with it every commit before it), so a
    /// power cut can undo no more than that much of the state changes:
    /// messages sent in that time are sent again, and nothing accepted is
    /// lost (accepting and storing what arrives are always fully
    /// synchronous).
    fn with_state_change<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let mut synced = self.synced.lock().unwrap_or_else(PoisonError::into_inner);
        if synced.at.elapsed() >= UNSYNCED_FOR {
            // This one commits fully, and with it what came before.
            synced.set(&conn, Mode::Full)?;
            let result = f(&mut conn);
            if result.is_ok() {
                synced.at = std::time::Instant::now();
            }
            return result;
        }
        synced.set(&conn, Mode::Normal)?;
        let result = f(&mut conn);
        if result.is_err() {
            // Whatever failed, the connection is left fully synchronous.
            synced.set(&conn, Mode::Full)?;
        }
        result
    }

    /// [`SqliteStore::with_state_change`], only if `f` can run at once:
    /// `Ok(None)`, and nothing done, when another thread has the connection,
    /// a fully synchronous commit is due, or another connection is writing
    /// (`f` must then have changed nothing: SQLite refuses the write lock
    /// before any write).
    fn try_state_change<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, StoreError>,
    ) -> Result<Option<R>, StoreError> {
        let Ok(mut conn) = self.conn.try_lock() else {
            return Ok(None);
        };
        let Ok(mut synced) = self.synced.try_lock() else {
            return Ok(None);
        };
        if synced.at.elapsed() >= UNSYNCED_FOR {
            return Ok(None);
        }
        synced.set(&conn, Mode::Normal)?;
        conn.busy_timeout(Duration::ZERO)?;
        let result = f(&mut conn);
        conn.busy_timeout(BUSY_TIMEOUT)?;
        match result {
            Ok(value) => Ok(Some(value)),
            Err(e) if error::is_busy(&e) => Ok(None),
            Err(e) => {
                synced.set(&conn, Mode::Full)?;
                Err(e)
            }
        }
    }

    /// Runs `f`, which only reads, on the reading connection (the main one
    /// in memory).
    fn read<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        self.on(self.read_conn.as_ref(), f)
    }

    /// Runs `f` on the connection for the connectors' key-value data.
    fn with_kv<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        self.on(self.kv_conn.as_ref(), f)
    }

    /// Runs `f` on `side`, a connection of its own, or on the main one
    /// when there is none (in memory).
    fn on<R>(
        &self,
        side: Option<&Mutex<Connection>>,
        f: impl FnOnce(&mut Connection) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let Some(side) = side else {
            return self.with(f);
        };
        let mut conn = side.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synchronous(conn: &mut Connection) -> Result<i64, StoreError> {
        Ok(conn.query_row("PRAGMA synchronous", [], |row| row.get(0))?)
    }

    /// State changes skip the fsync (NORMAL = 1), except one a second,
    /// which syncs (FULL = 2) everything before it; everything else is
    /// always FULL.
    #[test]
    fn state_changes_sync_once_a_second_and_everything_else_always() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("plutanium.db")).unwrap();
        assert_eq!(store.with(synchronous).unwrap(), 2);
        // Just opened: the next state change may skip the fsync.
        assert_eq!(store.with_state_change(synchronous).unwrap(), 1);
        assert_eq!(store.with(synchronous).unwrap(), 2, "restored");
        // A second on, one syncs, and the clock starts again.
        store.synced.lock().unwrap().at -= UNSYNCED_FOR;
        assert_eq!(store.with_state_change(synchronous).unwrap(), 2);
        assert_eq!(store.with_state_change(synchronous).unwrap(), 1);
        // A failed state change leaves the connection fully synchronous.
        let failed: Result<(), StoreError> = store.with_state_change(|conn| {
            conn.execute_batch("SELECT * FROM no_such_table")?;
            Ok(())
        });
        assert!(failed.is_err());
        assert_eq!(store.with(synchronous).unwrap(), 2);
    }
}
