//! Leases in SQLite (see `lease.rs` for what they are). Only one process
//! uses an SQLite store, so the gateway does not take leases on it; they
//! are here so that the contract, and its conformance suite, is one.

use std::time::Duration;

use plutanium_core::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use crate::lease::{self, Decision, Fence};
use crate::{Holder, Lease, StoreError};

fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Lease> {
    Ok(Lease {
        name: row.get(0)?,
        holder: Holder {
            node: row.get(1)?,
            instance: row.get(2)?,
        },
        epoch: row.get::<_, i64>(3)? as u64,
        expires_at: row.get::<_, i64>(4)? as u64,
    })
}

const COLUMNS: &str = "name, node, instance, epoch, expires_at";

fn lease(conn: &Connection, name: &str) -> Result<Option<Lease>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM leases WHERE name = ?1"),
            [name],
            read,
        )
        .optional()?)
}

fn write(conn: &Connection, lease: &Lease) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO leases (name, node, instance, epoch, expires_at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (name) DO UPDATE SET node = excluded.node, instance = excluded.instance, \
         epoch = excluded.epoch, expires_at = excluded.expires_at",
        params![
            lease.name,
            lease.holder.node,
            lease.holder.instance,
            lease.epoch as i64,
            lease.expires_at as i64
        ],
    )?;
    Ok(())
}

/// The modems whose lease `fence` still rests on (see [`Fence::current`]),
/// read in the caller's transaction.
pub(super) fn fenced_modems(
    conn: &Connection,
    fence: &Fence,
    now: Option<Timestamp>,
) -> Result<Vec<String>, StoreError> {
    let mut rows = Vec::new();
    for name in fence.lease_names() {
        rows.extend(lease(conn, &name)?);
    }
    Ok(fence.current(&rows, now))
}

impl SqliteStore {
    /// A store on one machine keeps the machine's time.
    pub(crate) const SHARED: bool = false;

    /// See [`Store::clock`](crate::Store::clock).
    pub fn clock(&self) -> Result<Timestamp, StoreError> {
        Ok(plutanium_core::time::now())
    }

    /// See [`Store::acquire_lease`](crate::Store::acquire_lease).
    pub fn acquire_lease(
        &self,
        name: &str,
        holder: &Holder,
        now: Timestamp,
        ttl: Duration,
    ) -> Result<Lease, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let current = lease(&tx, name)?;
            match lease::next(name, current, holder, now, ttl) {
                Decision::Keep(theirs) => Ok(theirs),
                Decision::Write(ours) => {
                    write(&tx, &ours)?;
                    tx.commit()?;
                    Ok(ours)
                }
            }
        })
    }

    /// See [`Store::renew_lease`](crate::Store::renew_lease).
    pub fn renew_lease(
        &self,
        held: &Lease,
        now: Timestamp,
        ttl: Duration,
    ) -> Result<Option<Lease>, StoreError> {
        let expires_at = now.saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX));
        self.with(|conn| {
            let changed = conn.execute(
                "UPDATE leases SET expires_at = ?5 WHERE name = ?1 AND node = ?2 AND instance = ?3 \
                 AND epoch = ?4 AND expires_at > ?6",
                params![
                    held.name,
                    held.holder.node,
                    held.holder.instance,
                    held.epoch as i64,
                    expires_at as i64,
                    now as i64
                ],
            )?;
            Ok((changed == 1).then(|| Lease {
                expires_at,
                ..held.clone()
            }))
        })
    }

    /// See [`Store::release_lease`](crate::Store::release_lease).
    pub fn release_lease(&self, held: &Lease) -> Result<bool, StoreError> {
        self.with(|conn| {
            let changed = conn.execute(
                "UPDATE leases SET expires_at = 0 WHERE name = ?1 AND node = ?2 AND instance = ?3 \
                 AND epoch = ?4",
                params![
                    held.name,
                    held.holder.node,
                    held.holder.instance,
                    held.epoch as i64
                ],
            )?;
            Ok(changed == 1)
        })
    }

    /// One process uses an SQLite store: nobody else commits anything to
    /// watch for.
    pub fn watch(
        &self,
        _channel: crate::Channel,
        _wake: crate::Wake,
    ) -> Result<Option<crate::Watch>, StoreError> {
        Ok(None)
    }

    /// See [`Store::leases`](crate::Store::leases).
    pub fn leases(&self) -> Result<Vec<Lease>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM leases ORDER BY name"))?;
            let rows = stmt.query_map([], read)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
