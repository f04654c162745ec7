//! The inbox, the parts of incomplete multipart messages and the call log
//! in PostgreSQL.

use plutanium_core::Timestamp;
use postgres::Row;

use super::outbox::ms;
use super::pages::PageQuery;
use super::{PgStore, search_columns};
use crate::inbox::{meta_text, parse_meta};
use crate::{CallRecord, InboundRecord, Inserted, LogPage, PartRecord, StoreError};

/// The columns [`read_inbound`] reads, in its order.
const INBOX_COLUMNS: &str = "id, fingerprint, modem, sender, recipient, body, received_at, meta";

fn read_inbound(row: &Row) -> Result<(i64, InboundRecord), StoreError> {
    Ok((
        row.try_get(0)?,
        InboundRecord {
            fingerprint: row.try_get(1)?,
            modem: row.try_get(2)?,
            sender: row.try_get(3)?,
            recipient: row.try_get(4)?,
            text: row.try_get(5)?,
            received_at: row.try_get::<_, i64>(6)?.max(0) as Timestamp,
            meta: parse_meta(&row.try_get::<_, String>(7)?),
        },
    ))
}

/// A `calls` row, read from `id, modem, caller, at`.
fn read_call(row: &Row) -> Result<CallRecord, StoreError> {
    Ok(CallRecord {
        id: row.try_get(0)?,
        modem: row.try_get(1)?,
        caller: row.try_get(2)?,
        at: row.try_get::<_, i64>(3)?.max(0) as Timestamp,
    })
}

impl PgStore {
    /// See [`Store::insert_inbound_batch`](crate::Store::insert_inbound_batch).
    pub fn insert_inbound_batch(
        &self,
        records: &[(InboundRecord, Option<(u16, u8)>)],
        now: Timestamp,
    ) -> Result<Vec<Inserted>, StoreError> {
        let now = ms(now);
        self.with(|conn| {
            let mut tx = conn.transaction()?;
            let insert = tx.prepare(
                "INSERT INTO inbox (fingerprint, modem, sender, recipient, body, received_at, \
                 stored_at, meta, search_fold, search_bare) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (fingerprint) DO NOTHING RETURNING id",
            )?;
            let mut done = Vec::with_capacity(records.len());
            for (record, completes) in records {
                let (fold, bare) = search_columns(&[&record.text, &record.sender]);
                let inserted = tx.query_opt(
                    &insert,
                    &[
                        &record.fingerprint,
                        &record.modem,
                        &record.sender,
                        &record.recipient,
                        &record.text,
                        &ms(record.received_at),
                        &now,
                        &meta_text(&record.meta),
                        &fold,
                        &bare,
                    ],
                )?;
                let outcome = match inserted {
                    Some(row) => Inserted::New(row.try_get(0)?),
                    None => Inserted::Duplicate(
                        tx.query_one(
                            "SELECT id FROM inbox WHERE fingerprint = $1",
                            &[&record.fingerprint],
                        )?
                        .try_get(0)?,
                    ),
                };
                if let Some((reference, total)) = completes {
                    tx.execute(
                        "DELETE FROM inbox_parts WHERE modem = $1 AND sender = $2 \
                         AND reference = $3 AND total = $4",
                        &[
                            &record.modem,
                            &record.sender,
                            &i32::from(*reference),
                            &i16::from(*total),
                        ],
                    )?;
                }
                done.push(outcome);
            }
            tx.commit()?;
            Ok(done)
        })
    }

    /// See [`Store::inbound`](crate::Store::inbound).
    pub fn inbound(&self, id: i64) -> Result<Option<InboundRecord>, StoreError> {
        self.with(|conn| {
            conn.query_opt(
                &format!("SELECT {INBOX_COLUMNS} FROM inbox WHERE id = $1"),
                &[&id],
            )?
            .as_ref()
            .map(|row| read_inbound(row).map(|(_, record)| record))
            .transpose()
        })
    }

    /// See [`Store::inbound_page`](crate::Store::inbound_page).
    pub fn inbound_page(&self, page: &LogPage) -> Result<Vec<(i64, InboundRecord)>, StoreError> {
        let query = PageQuery {
            table: "inbox",
            columns: INBOX_COLUMNS,
            time: "stored_at",
            own: "TRUE",
            params: Vec::new(),
        };
        self.with(|conn| query.rows(conn, page)?.iter().map(read_inbound).collect())
    }

    /// See [`Store::calls_page`](crate::Store::calls_page).
    pub fn calls_page(&self, page: &LogPage) -> Result<Vec<CallRecord>, StoreError> {
        let query = PageQuery {
            table: "calls",
            columns: "id, modem, caller, at",
            time: "at",
            own: "TRUE",
            params: Vec::new(),
        };
        self.with(|conn| query.rows(conn, page)?.iter().map(read_call).collect())
    }

    /// See [`Store::unrouted_inbound`](crate::Store::unrouted_inbound).
    pub fn unrouted_inbound(&self, limit: u32) -> Result<Vec<(i64, InboundRecord)>, StoreError> {
        self.with(|conn| {
            conn.query(
                &format!(
                    "SELECT {INBOX_COLUMNS} FROM inbox WHERE routed_at IS NULL ORDER BY id LIMIT $1"
                ),
                &[&i64::from(limit)],
            )?
            .iter()
            .map(read_inbound)
            .collect()
        })
    }

    /// See [`Store::save_part`](crate::Store::save_part).
    pub fn save_part(&self, part: &PartRecord) -> Result<bool, StoreError> {
        self.with(|conn| {
            let inserted = conn.execute(
                "INSERT INTO inbox_parts (modem, sender, reference, total, seq, pdu, received_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                &[
                    &part.modem,
                    &part.sender,
                    &i32::from(part.reference),
                    &i16::from(part.total),
                    &i16::from(part.seq),
                    &part.pdu,
                    &ms(part.received_at),
                ],
            )?;
            Ok(inserted == 1)
        })
    }

    /// See [`Store::pending_parts`](crate::Store::pending_parts).
    pub fn pending_parts(&self) -> Result<Vec<PartRecord>, StoreError> {
        self.with(|conn| {
            conn.query(
                "SELECT modem, sender, reference, total, seq, pdu, received_at FROM inbox_parts \
                 ORDER BY received_at, modem, sender, reference, seq",
                &[],
            )?
            .iter()
            .map(|row| {
                Ok(PartRecord {
                    modem: row.try_get(0)?,
                    sender: row.try_get(1)?,
                    reference: u16::try_from(row.try_get::<_, i32>(2)?).unwrap_or_default(),
                    total: u8::try_from(row.try_get::<_, i16>(3)?).unwrap_or_default(),
                    seq: u8::try_from(row.try_get::<_, i16>(4)?).unwrap_or_default(),
                    pdu: row.try_get(5)?,
                    received_at: row.try_get::<_, i64>(6)?.max(0) as Timestamp,
                })
            })
            .collect()
        })
    }

    /// See [`Store::log_call`](crate::Store::log_call).
    pub fn log_call(
        &self,
        modem: &str,
        caller: Option<&str>,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        let (fold, bare) = search_columns(&[caller.unwrap_or("")]);
        self.with(|conn| {
            Ok(conn
                .query_one(
                    "INSERT INTO calls (modem, caller, at, search_fold, search_bare) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[&modem, &caller, &ms(at), &fold, &bare],
                )?
                .try_get(0)?)
        })
    }

    /// See [`Store::unrouted_calls`](crate::Store::unrouted_calls).
    pub fn unrouted_calls(&self, limit: u32) -> Result<Vec<CallRecord>, StoreError> {
        self.with(|conn| {
            conn.query(
                "SELECT id, modem, caller, at FROM calls WHERE routed_at IS NULL ORDER BY id LIMIT $1",
                &[&i64::from(limit)],
            )?
            .iter()
            .map(read_call)
            .collect()
        })
    }

    /// See [`Store::recent_calls`](crate::Store::recent_calls).
    pub fn recent_calls(&self, limit: u32) -> Result<Vec<CallRecord>, StoreError> {
        self.with(|conn| {
            conn.query(
                "SELECT id, modem, caller, at FROM calls ORDER BY at DESC, id DESC LIMIT $1",
                &[&i64::from(limit)],
            )?
            .iter()
            .map(read_call)
            .collect()
        })
    }
}
