//! The inbox (complete messages, de-duplicated), the parts of incomplete
//! multipart messages, and the call log.

use plutanium_core::Timestamp;
use rusqlite::{OptionalExtension, Row, params};

use crate::search::matches as search_matches;
use crate::{LogPage, SqliteStore, StoreError};

/// A complete inbound message to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundRecord {
    /// What makes this message itself: the same SMS read twice (`+CMT` and
    /// the stored copy, or a re-read after a restart) has the same one.
    pub fingerprint: String,
    /// The modem that received it.
    pub modem: String,
    /// The sender.
    pub sender: String,
    /// The receiving number.
    pub recipient: String,
    /// The text.
    pub text: String,
    /// The service centre's time stamp.
    pub received_at: Timestamp,
    /// Extra facts.
    pub meta: Vec<(String, String)>,
}

/// What [`SqliteStore::insert_inbound`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inserted {
    /// A new message, with its id.
    New(i64),
    /// Seen before: nothing stored, the existing id.
    Duplicate(i64),
}

impl Inserted {
    /// The row's id either way.
    pub fn id(self) -> i64 {
        match self {
            Inserted::New(id) | Inserted::Duplicate(id) => id,
        }
    }
}

/// One part of a multipart message still waiting for the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartRecord {
    /// The modem that received it.
    pub modem: String,
    /// The sender.
    pub sender: String,
    /// The concatenation reference.
    pub reference: u16,
    /// How many parts the message has.
    pub total: u8,
    /// This part's number, from 1.
    pub seq: u8,
    /// The part's PDU as received, so a restart can reassemble it.
    pub pdu: Vec<u8>,
    /// When it arrived.
    pub received_at: Timestamp,
}

/// A logged call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRecord {
    /// Its id.
    pub id: i64,
    /// The modem that was called.
    pub modem: String,
    /// The caller, `None` when withheld.
    pub caller: Option<String>,
    /// When it rang.
    pub at: Timestamp,
}

/// `key\tvalue` lines, with `\\`, `\t` and `\n` escaped.
fn meta_text(meta: &[(String, String)]) -> String {
    let escape = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('\t', "\\t")
            .replace('\n', "\\n")
    };
    meta.iter()
        .map(|(k, v)| format!("{}\t{}", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_meta(text: &str) -> Vec<(String, String)> {
    let unescape = |s: &str| {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match (c, c == '\\') {
                (_, true) => match chars.next() {
                    Some('t') => out.push('\t'),
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                },
                (c, false) => out.push(c),
            }
        }
        out
    };
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (k, v) = line.split_once('\t').unwrap_or((line, ""));
            (unescape(k), unescape(v))
        })
        .collect()
}

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
    /// Stores a complete message, unless its fingerprint is known. When it
    /// was reassembled, `completes` names its parts (reference, total), which
    /// are deleted in the same transaction.
    pub fn insert_inbound(
        &self,
        record: &InboundRecord,
        completes: Option<(u16, u8)>,
        now: Timestamp,
    ) -> Result<Inserted, StoreError> {
        let mut done = self.insert_inbound_batch(&[(record.clone(), completes)], now)?;
        Ok(done.remove(0))
    }

    /// [`SqliteStore::insert_inbound`] for several messages (from several
    /// modems, say) in one transaction: one durable commit for all.
    pub fn insert_inbound_batch(
        &self,
        records: &[(InboundRecord, Option<(u16, u8)>)],
        now: Timestamp,
    ) -> Result<Vec<Inserted>, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction()?;
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
        self.with(|conn| {
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

    /// The newest `limit` messages with their ids, newest first.
    pub fn recent_inbound(&self, limit: u32) -> Result<Vec<(i64, InboundRecord)>, StoreError> {
        self.inbound_since(0, limit)
    }

    /// The newest `limit` messages stored at or after `since`, newest first.
    pub fn inbound_since(
        &self,
        since: Timestamp,
        limit: u32,
    ) -> Result<Vec<(i64, InboundRecord)>, StoreError> {
        self.inbound_page(&LogPage::since(since, limit))
    }

    /// A page of the inbox, newest first (see [`LogPage`]).
    pub fn inbound_page(&self, page: &LogPage) -> Result<Vec<(i64, InboundRecord)>, StoreError> {
        let sql = format!(
            "SELECT {INBOX_COLUMNS} FROM inbox WHERE stored_at >= :since AND id < :before \
             AND {} ORDER BY id DESC LIMIT :limit",
            search_matches(&["body", "sender"])
        );
        self.with(|conn| page.rows(conn, &sql, &[], read_inbound))
    }

    /// A page of the call log, newest first (see [`LogPage`]; `search`
    /// looks at the caller's number).
    pub fn calls_page(&self, page: &LogPage) -> Result<Vec<CallRecord>, StoreError> {
        let sql = format!(
            "SELECT id, modem, caller, at FROM calls WHERE at >= :since AND id < :before \
             AND {} ORDER BY id DESC LIMIT :limit",
            search_matches(&["coalesce(caller, '')"])
        );
        self.with(|conn| page.rows(conn, &sql, &[], read_call))
    }

    /// Notes that `id`'s routes ran (their results are committed).
    pub fn mark_routed(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        self.enqueue_routed(&[], &[crate::RoutedMark::Inbox(id)], now)?;
        Ok(())
    }

    /// Stored messages whose routes have not run yet, oldest first: what a
    /// restart routes before anything new.
    pub fn unrouted_inbound(&self, limit: u32) -> Result<Vec<(i64, InboundRecord)>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {INBOX_COLUMNS} FROM inbox WHERE routed_at IS NULL ORDER BY id LIMIT ?1"
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

    /// Deletes the kept parts of one message (given up as incomplete, after
    /// what arrived was stored as a message of its own).
    pub fn drop_parts(
        &self,
        modem: &str,
        sender: &str,
        reference: u16,
        total: u8,
    ) -> Result<usize, StoreError> {
        self.with(|conn| {
            Ok(conn.execute(
                "DELETE FROM inbox_parts WHERE modem = ?1 AND sender = ?2 AND reference = ?3 AND total = ?4",
                params![modem, sender, reference, total],
            )?)
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
                "SELECT id, modem, caller, at FROM calls WHERE routed_at IS NULL ORDER BY id LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], read_call)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Records that the call `id`'s routes ran and their messages are
    /// committed.
    pub fn mark_call_routed(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        self.enqueue_routed(&[], &[crate::RoutedMark::Call(id)], now)?;
        Ok(())
    }

    /// The newest `limit` calls, newest first.
    pub fn recent_calls(&self, limit: u32) -> Result<Vec<CallRecord>, StoreError> {
        self.with(|conn| {
            let mut stmt = conn.prepare(
                "SELECT id, modem, caller, at FROM calls ORDER BY at DESC, id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], read_call)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_survives_awkward_characters() {
        let meta = vec![
            ("smsc".to_string(), "+420602909909".to_string()),
            ("odd\tkey".to_string(), "line\nbreak \\ slash".to_string()),
            ("empty".to_string(), String::new()),
        ];
        assert_eq!(parse_meta(&meta_text(&meta)), meta);
        assert!(parse_meta("").is_empty());
    }
}
