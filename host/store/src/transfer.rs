//! Copying one node's SQLite store into PostgreSQL (`plutanium store
//! migrate`), so a gateway that outgrew one machine keeps its queue, its
//! log, its connectors' data and its ids.
//!
//! Every row is copied as it is, ids included (a key derived from an id,
//! `sms:<id>`, stays unique), in batches of one transaction each, in id
//! order. A copy that stops (a crash, a lost connection) is started again
//! and goes on after the last batch that committed: each table resumes
//! after the highest id already in PostgreSQL, and the tables keyed
//! otherwise skip what is there. At the end the id sequences go on after
//! the highest id SQLite ever gave, and the row counts of every table are
//! compared; a difference is an error that names the table.
//!
//! The caller makes sure no daemon writes to the SQLite file meanwhile
//! (the daemon's lock file); the file is opened read-only here.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::{ErrorKind, PgLocation, PgStore, StoreError};

/// How many rows go into PostgreSQL per transaction.
const BATCH: usize = 500;

/// How a column is stored in PostgreSQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// BIGINT.
    Big,
    /// INTEGER.
    Int,
    /// SMALLINT.
    Small,
    /// BOOLEAN (SQLite's 0 and 1).
    Bool,
    /// TEXT.
    Text,
    /// BYTEA.
    Bytes,
}

/// A table to copy: its columns in both databases (same names), the key
/// it resumes by, and the columns its search folds (PostgreSQL keeps them
/// folded beside the row).
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) name: &'static str,
    /// `Some`: an integer id, the copy's order and resume point; `None`:
    /// copied whole, skipping rows whose key is there.
    pub(crate) id: Option<&'static str>,
    /// Whether PostgreSQL generates the id (`OVERRIDING SYSTEM VALUE`, and
    /// the sequence moved on afterwards).
    pub(crate) identity: bool,
    pub(crate) columns: &'static [(&'static str, Kind)],
    pub(crate) search: &'static [&'static str],
}

use Kind::{Big, Bool, Bytes, Int, Small, Text};

/// The tables, parents before children. Leases are not copied: a single
/// node held none that mean anything to a cluster. Nor are the modems'
/// health samples: they are monitoring with a retention of days, and the
/// cluster's nodes start recording their own at once.
pub(crate) const TABLES: &[Table] = &[
    Table {
        name: "outbox",
        id: Some("id"),
        identity: true,
        columns: &[
            ("id", Big),
            ("key", Text),
            ("source", Text),
            ("to_number", Text),
            ("body", Text),
            ("encoding", Text),
            ("status_report", Bool),
            ("flash", Bool),
            ("validity_min", Big),
            ("modem", Text),
            ("allowed_modems", Text),
            ("state", Text),
            ("attempts", Int),
            ("next_attempt_at", Big),
            ("lease_until", Big),
            ("sent_by", Text),
            ("sent_sim", Text),
            ("sent_at", Big),
            ("message_refs", Text),
            ("delivered_refs", Text),
            ("last_error", Text),
            ("created_at", Big),
            ("updated_at", Big),
        ],
        search: &["body", "to_number"],
    },
    Table {
        name: "inbox",
        id: Some("id"),
        identity: true,
        columns: &[
            ("id", Big),
            ("fingerprint", Text),
            ("modem", Text),
            ("sender", Text),
            ("recipient", Text),
            ("body", Text),
            ("received_at", Big),
            ("stored_at", Big),
            ("meta", Text),
            ("routed_at", Big),
        ],
        search: &["body", "sender"],
    },
    Table {
        name: "inbox_parts",
        id: None,
        identity: false,
        columns: &[
            ("modem", Text),
            ("sender", Text),
            ("reference", Int),
            ("total", Small),
            ("seq", Small),
            ("pdu", Bytes),
            ("received_at", Big),
        ],
        search: &[],
    },
    Table {
        name: "calls",
        id: Some("id"),
        identity: true,
        columns: &[
            ("id", Big),
            ("modem", Text),
            ("caller", Text),
            ("at", Big),
            ("routed_at", Big),
        ],
        search: &["caller"],
    },
    Table {
        name: "pending_reports",
        id: Some("id"),
        identity: true,
        columns: &[
            ("id", Big),
            ("modem", Text),
            ("message_ref", Small),
            ("delivered", Bool),
            ("detail", Text),
            ("at", Big),
            ("recipient", Text),
            ("sim", Text),
        ],
        search: &[],
    },
    Table {
        name: "kv",
        id: None,
        identity: false,
        columns: &[("namespace", Text), ("key", Text), ("value", Bytes)],
        search: &[],
    },
    Table {
        name: "events",
        id: Some("id"),
        identity: true,
        columns: &[
            ("id", Big),
            ("at", Big),
            ("kind", Text),
            ("subject", Text),
            ("detail", Text),
        ],
        search: &[],
    },
    Table {
        name: "live_events",
        id: Some("id"),
        identity: false,
        columns: &[("id", Big), ("at", Big), ("kind", Text), ("data", Text)],
        search: &[],
    },
];

/// One value read from SQLite.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

impl From<rusqlite::types::Value> for Value {
    fn from(value: rusqlite::types::Value) -> Self {
        use rusqlite::types::Value as V;
        match value {
            V::Null => Value::Null,
            V::Integer(n) => Value::Int(n),
            V::Real(r) => Value::Int(r as i64),
            V::Text(t) => Value::Text(t),
            V::Blob(b) => Value::Bytes(b),
        }
    }
}

/// What the copy did to one table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    /// The table.
    pub table: &'static str,
    /// Rows in SQLite.
    pub source: u64,
    /// Rows this run copied (fewer than `source` when resuming).
    pub copied: u64,
    /// Rows in PostgreSQL afterwards.
    pub target: u64,
}

fn read_error(path: &Path, message: String) -> StoreError {
    StoreError::Open {
        kind: ErrorKind::Config,
        location: path.display().to_string(),
        message,
        source: None,
    }
}

/// Copies the SQLite store at `source` into the PostgreSQL database at
/// `target` (created tables and all: it is migrated first), telling
/// `progress` after each batch. Returns what it did, table by table.
pub fn copy_sqlite_to_postgres(
    source: &Path,
    target: &PgLocation,
    mut progress: impl FnMut(&Copied),
) -> Result<Vec<Copied>, StoreError> {
    let sqlite = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| read_error(source, format!("cannot open it read-only: {e}")))?;
    let version: Option<u32> = sqlite
        .query_row("SELECT version FROM schema_version", [], |row| row.get(0))
        .optional()
        .map_err(|e| {
            read_error(
                source,
                format!("not a Plutanium store ({e}); give the file `store:` names"),
            )
        })?;
    let supported = crate::sqlite::SCHEMA_VERSION;
    match version {
        Some(found) if found > supported => {
            return Err(StoreError::SchemaTooNew { found, supported });
        }
        Some(found) if found < supported => {
            return Err(StoreError::SchemaTooOld { found, supported });
        }
        None => {
            return Err(read_error(
                source,
                "it has no schema version: not a Plutanium store".into(),
            ));
        }
        Some(_) => {}
    }
    let pg = PgStore::open(target)?;
    let mut done = Vec::new();
    for table in TABLES {
        let total: i64 = sqlite
            .query_row(&format!("SELECT count(*) FROM {}", table.name), [], |row| {
                row.get(0)
            })
            .map_err(StoreError::from)?;
        let mut copied = Copied {
            table: table.name,
            source: total.max(0) as u64,
            copied: 0,
            target: 0,
        };
        let mut after = match table.id {
            Some(_) => pg.highest_id(table)?,
            None => i64::MIN,
        };
        loop {
            let rows = read_batch(&sqlite, table, after)?;
            if rows.is_empty() {
                break;
            }
            if table.id.is_some()
                && let Some(Value::Int(last)) = rows.last().and_then(|row| row.first())
            {
                after = *last;
            }
            copied.copied += pg.import(table, &rows)?;
            progress(&copied);
            if table.id.is_none() {
                // Keyed otherwise: read whole in one batch (small tables:
                // kept parts, connectors' values).
                break;
            }
        }
        if table.identity {
            let sqlite_seq: i64 = sqlite
                .query_row(
                    "SELECT seq FROM sqlite_sequence WHERE name = ?1",
                    [table.name],
                    |row| row.get(0),
                )
                .optional()
                .map_err(StoreError::from)?
                .unwrap_or(0);
            pg.continue_ids_after(table, sqlite_seq)?;
        }
        if table.name == "live_events" {
            pg.continue_live_event_ids()?;
        }
        copied.target = pg.count(table)?;
        if copied.target != copied.source {
            return Err(StoreError::Backend {
                kind: ErrorKind::Conflict,
                backend: "postgres",
                message: format!(
                    "table {}: {} rows in PostgreSQL after the copy, {} in {}; was the database used by a daemon before the copy finished? Copy into an empty database",
                    table.name,
                    copied.target,
                    copied.source,
                    source.display()
                ),
                source: None,
            });
        }
        done.push(copied);
    }
    Ok(done)
}

/// Up to [`BATCH`] rows of `table` with ids above `after`, in id order (all
/// rows, for a table without an id).
fn read_batch(
    sqlite: &Connection,
    table: &Table,
    after: i64,
) -> Result<Vec<Vec<Value>>, StoreError> {
    let columns: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
    let sql = match table.id {
        Some(id) => format!(
            "SELECT {} FROM {} WHERE {id} > ?1 ORDER BY {id} LIMIT {BATCH}",
            columns.join(", "),
            table.name
        ),
        None => format!(
            "SELECT {} FROM {} WHERE ?1 IS NOT NULL",
            columns.join(", "),
            table.name
        ),
    };
    let mut statement = sqlite.prepare(&sql)?;
    let rows = statement.query_map([after], |row| {
        (0..columns.len())
            .map(|i| row.get::<_, rusqlite::types::Value>(i).map(Value::from))
            .collect::<Result<Vec<_>, _>>()
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
