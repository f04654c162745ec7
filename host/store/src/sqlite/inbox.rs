//! The inbox, the parts of incomplete multipart messages and the call log
//! in SQLite.

use plutanium_core::Timestamp;
use rusqlite::{OptionalExtension, Row, params};

use super::search;
use super::{SqliteStore, page_rows};
use crate::inbox::{meta_text, parse_meta};
use crate::{CallRecord, InboundRecord, Inserted, LogPage, PartRecord, StoreError};

/// The columns [`read_inbound`] reads, in its order.
const INBOX_COLUMNS: &str = "id, fingerprint, modem, sender, recipient, body, received_at, meta";

fn read_inbound(row: &Row<'_>) -> rusqlite::Result<(i64, InboundRecord)> {
    Ok((
        row.get(0)?,
        InboundRecord {
            fingerprint: row.get(1)?,
            modem: row.get(2)?,
            sender: row.get(3)?,
            recipient: row.get(4)?,
            text: row.get(5)?,
            received_at: row.get::<_, i64>(6)? as Timestamp,
            meta: parse_meta(&row.get::<_, String>(7)?),
        },
    ))
}

/// A `calls` row, read from `id, modem, caller, at`.
fn read_call(row: &Row<'_>) -> rusqlite::Result<CallRecord> {
    Ok(CallRecord {
        id: row.get(0)?,
        modem: row.get(1)?,
        caller: row.get(2)?,
        at: row.get::<_, i64>(3)? as Timestamp,
    })
}

impl SqliteStore {
    /// See [`Store::insert_inbound_batch`](crate::Store::insert_inbound_batch).
    pub fn insert_inbound_batch(
        &self,
        records: &[(InboundRecord, Option<(u16, u8)>)],
        now: Timestamp,
    ) -> Result<Vec<Inserted>, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut done = Vec::with_capacity(records.len());
            for (record, completes) in records {
                let inserted = tx.prepare_cached(
                    "INSERT INTO inbox (fingerprint, modem, sender, recipient, body, received_at, stored_at, meta) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (fingerprint) DO NOTHING",
                )?
                .execute(params![
                    record.fingerprint,
                    record.modem,
                    record.sender,
                    record.recipient,
                    record.text,
                    record.received_at as i64,
                    now as i64,
                    meta_text(&record.meta),
                ])?;
                let id: i64 = tx
                    .prepare_cached("SELECT id FROM inbox WHERE fingerprint = ?1")?
                    .query_row([&record.fingerprint], |row| row.get(0))?;
                if let Some((reference, total)) = completes {
                    tx.prepare_cached(
                        "DELETE FROM inbox_parts WHERE modem = ?1 AND sender = ?2 AND reference = ?3 AND total = ?4",
                    )?
                    .execute(params![record.modem, record.sender, reference, total])?;
                }
                done.push(if inserted == 1 {
                    Inserted::New(id)
                } else {
                    Inserted::Duplicate(id)
                });
            }
            tx.commit()?;
            Ok(done)
        })
    }

    /// The message with `id`.
    pub fn inbound(&self, id: i64) -> Result<Option<InboundRecord>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    &format!("SELECT {INBOX_COLUMNS} FROM inbox WHERE id = ?1"),
                    [id],
                    read_inbound,
                )
                .optional()?
                .map(|(_, record)| record))
        })
    }

    /// A page of the inbox, newest first (see [`LogPage`]).
    pub fn inbound_page(&self, page: &LogPage) -> Result<Vec<(i64, InboundRecord)>, StoreError> {
        let query = search::page_query(
            &search::INBOX,
            INBOX_COLUMNS,
            "stored_at >= :since AND id < :before",
            page,
        );
        self.read(|conn| page_rows(page, conn, &query, &[], read_inbound))
    }

    /// A page of the call log, newest first (see [`LogPage`]; `search`
    /// looks at the caller's number).
    pub fn calls_page(&self, page: &LogPage) -> Result<Vec<CallRecord>, StoreError> {
        let query = search::page_query(
            &search::CALLS,
            "id, modem, caller, at",
            "at >= :since AND id < :before",
            page,
        );
        self.read(|conn| page_rows(page, conn, &query, &[], read_call))
    }

    /// Stored messages whose routes have not run yet, oldest first: what a
    /// restart routes before anything new.
    pub fn unrouted_inbound(&self, limit: u32) -> Result<Vec<(i64, InboundRecord)>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {INBOX_COLUMNS} FROM inbox WHERE routed_at IS NULL ORDER BY id LIMIT CAST(?1 AS INTEGER)"
            ))?;
            let rows = stmt.query_map([limit], read_inbound)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Keeps a part of an incomplete message; a part already kept is not
    /// stored again (returns false).
    pub fn save_part(&self, part: &PartRecord) -> Result<bool, StoreError> {
        self.with(|conn| {
            let inserted = conn.execute(
                "INSERT INTO inbox_parts (modem, sender, reference, total, seq, pdu, received_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                params![
                    part.modem,
                    part.sender,
                    part.reference,
                    part.total,
                    part.seq,
                    part.pdu,
                    part.received_at as i64,
                ],
            )?;
            Ok(inserted == 1)
        })
    }

    /// Every kept part, oldest first: what a restart feeds back to reassembly.
    pub fn pending_parts(&self) -> Result<Vec<PartRecord>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare(
                "SELECT modem, sender, reference, total, seq, pdu, received_at FROM inbox_parts \
                 ORDER BY received_at, modem, sender, reference, seq",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok(PartRecord {
                    modem: row.get(0)?,
                    sender: row.get(1)?,
                    reference: row.get(2)?,
                    total: row.get(3)?,
                    seq: row.get(4)?,
                    pdu: row.get(5)?,
                    received_at: row.get::<_, i64>(6)? as Timestamp,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Logs a call; returns its id.
    pub fn log_call(
        &self,
        modem: &str,
        caller: Option<&str>,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        self.with(|conn| {
            conn.execute(
                "INSERT INTO calls (modem, caller, at) VALUES (?1, ?2, ?3)",
                params![modem, caller, at as i64],
            )?;
            Ok(conn.last_insert_rowid())
        })
    }

    /// Calls whose routes have not run yet, oldest first (stored before a
    /// stop, or whose routing failed and is due again).
    pub fn unrouted_calls(&self, limit: u32) -> Result<Vec<CallRecord>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare(
                "SELECT id, modem, caller, at FROM calls WHERE routed_at IS NULL ORDER BY id LIMIT CAST(?1 AS INTEGER)",
            )?;
            let rows = stmt.query_map([limit], read_call)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The newest `limit` calls, newest first.
    pub fn recent_calls(&self, limit: u32) -> Result<Vec<CallRecord>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT id, modem, caller, at FROM calls ORDER BY at DESC, id DESC LIMIT CAST(?1 AS INTEGER)",
            )?;
            let rows = stmt.query_map([limit], read_call)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
