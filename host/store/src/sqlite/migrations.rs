//! Versioned schema migrations, run in order at open, each in its own
//! transaction. Never edit a migration that has shipped: add the next one.

use rusqlite::{Connection, OptionalExtension};

use crate::StoreError;

/// The migrations, in order; the schema version is their count.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        key             TEXT NOT NULL UNIQUE,
        source          TEXT NOT NULL,
        to_number       TEXT NOT NULL,
        body            TEXT NOT NULL,
        encoding        TEXT NOT NULL,
        status_report   INTEGER NOT NULL,
        flash           INTEGER NOT NULL,
        validity_min    INTEGER,
        modem           TEXT,
        state           TEXT NOT NULL CHECK (state IN
                          ('queued','sending','sent','delivered','failed','expired')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        lease_until     INTEGER,
        sent_by         TEXT,
        message_refs    TEXT NOT NULL DEFAULT '',
        parts_delivered INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
    );
    CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
    CREATE INDEX outbox_sent_by ON outbox (sent_by, state);

    CREATE TABLE inbox (
        id          INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL UNIQUE,
        modem       TEXT NOT NULL,
        sender      TEXT NOT NULL,
        recipient   TEXT NOT NULL,
        body        TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        stored_at   INTEGER NOT NULL,
        meta        TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX inbox_stored_at ON inbox (stored_at);

    CREATE TABLE inbox_parts (
        modem       TEXT NOT NULL,
        sender      TEXT NOT NULL,
        reference   INTEGER NOT NULL,
        total       INTEGER NOT NULL,
        seq         INTEGER NOT NULL,
        pdu         BLOB NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (modem, sender, reference, total, seq)
    );

    CREATE TABLE calls (
        id     INTEGER PRIMARY KEY,
        modem  TEXT NOT NULL,
        caller TEXT,
        at     INTEGER NOT NULL
    );
    CREATE INDEX calls_at ON calls (at);

    CREATE TABLE kv (
        namespace TEXT NOT NULL,
        key       TEXT NOT NULL,
        value     BLOB NOT NULL,
        PRIMARY KEY (namespace, key)
    );

    CREATE TABLE events (
        id      INTEGER PRIMARY KEY,
        at      INTEGER NOT NULL,
        kind    TEXT NOT NULL,
        subject TEXT NOT NULL,
        detail  TEXT NOT NULL
    );
    CREATE INDEX events_at ON events (at);
    "#,
    // 2: inbound messages remember whether their routes ran, so a restart
    // routes what was stored but not yet routed.
    r#"
    ALTER TABLE inbox ADD COLUMN routed_at INTEGER;
    CREATE INDEX inbox_unrouted ON inbox (id) WHERE routed_at IS NULL;
    "#,
    // 3: ids are never reused (AUTOINCREMENT), so keys derived from them
    // (`sms:<id>`) stay unique after retention empties a table; outbound
    // rows keep the modems their route allows and the set of references
    // reported delivered (a duplicate report is not a second part); reports
    // that arrive before their send is committed wait in `pending_reports`;
    // calls remember whether their routes ran.
    r#"
    CREATE TABLE outbox_v3 (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        key             TEXT NOT NULL UNIQUE,
        source          TEXT NOT NULL,
        to_number       TEXT NOT NULL,
        body            TEXT NOT NULL,
        encoding        TEXT NOT NULL,
        status_report   INTEGER NOT NULL,
        flash           INTEGER NOT NULL,
        validity_min    INTEGER,
        modem           TEXT,
        allowed_modems  TEXT NOT NULL DEFAULT '',
        state           TEXT NOT NULL CHECK (state IN
                          ('queued','sending','sent','delivered','failed','expired')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        lease_until     INTEGER,
        sent_by         TEXT,
        message_refs    TEXT NOT NULL DEFAULT '',
        delivered_refs  TEXT NOT NULL DEFAULT '',
        last_error      TEXT,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
    );
    INSERT INTO outbox_v3 (id, key, source, to_number, body, encoding, status_report, flash,
        validity_min, modem, state, attempts, next_attempt_at, lease_until, sent_by,
        message_refs, last_error, created_at, updated_at)
      SELECT id, key, source, to_number, body, encoding, status_report, flash,
        validity_min, modem, state, attempts, next_attempt_at, lease_until, sent_by,
        message_refs, last_error, created_at, updated_at FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_v3 RENAME TO outbox;
    CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
    CREATE INDEX outbox_sent_by ON outbox (sent_by, state, updated_at);

    CREATE TABLE inbox_v3 (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        fingerprint TEXT NOT NULL UNIQUE,
        modem       TEXT NOT NULL,
        sender      TEXT NOT NULL,
        recipient   TEXT NOT NULL,
        body        TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        stored_at   INTEGER NOT NULL,
        meta        TEXT NOT NULL DEFAULT '',
        routed_at   INTEGER
    );
    INSERT INTO inbox_v3 SELECT id, fingerprint, modem, sender, recipient, body, received_at,
        stored_at, meta, routed_at FROM inbox;
    DROP TABLE inbox;
    ALTER TABLE inbox_v3 RENAME TO inbox;
    CREATE INDEX inbox_stored_at ON inbox (stored_at);
    CREATE INDEX inbox_unrouted ON inbox (id) WHERE routed_at IS NULL;

    CREATE TABLE pending_reports (
        id          INTEGER PRIMARY KEY,
        modem       TEXT NOT NULL,
        message_ref INTEGER NOT NULL,
        delivered   INTEGER NOT NULL,
        detail      TEXT,
        at          INTEGER NOT NULL
    );
    CREATE INDEX pending_reports_ref ON pending_reports (modem, message_ref);

    ALTER TABLE calls ADD COLUMN routed_at INTEGER;
    UPDATE calls SET routed_at = at;
    CREATE INDEX calls_unrouted ON calls (id) WHERE routed_at IS NULL;
    "#,
    // 4: a report waiting for its send keeps the recipient it names, so it
    // finds its message by recipient as well as by the one-byte reference,
    // which repeats every 256 parts.
    r#"
    ALTER TABLE pending_reports ADD COLUMN recipient TEXT;
    "#,
    // 5: and the SIM: a sent row keeps the IMSI it went from, a waiting
    // report the IMSI it came through, so a report for one SIM never
    // settles a message sent from another in the same modem.
    r#"
    ALTER TABLE outbox ADD COLUMN sent_sim TEXT;
    ALTER TABLE pending_reports ADD COLUMN sim TEXT;
    "#,
    // 6: the live events as published, by their stream id, so an event
    // stream resumes with `Last-Event-ID` (live_log.rs).
    r#"
    CREATE TABLE live_events (
        id   INTEGER PRIMARY KEY,
        at   INTEGER NOT NULL,
        kind TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE INDEX live_events_at ON live_events (at);
    "#,
    // 7: leases (lease.rs): who drives which modem and leads what, with
    // the epoch that fences writes made under them. One node never needs
    // them, but the schema is one for both backends.
    r#"
    CREATE TABLE leases (
        name       TEXT PRIMARY KEY,
        node       TEXT NOT NULL,
        instance   TEXT NOT NULL,
        epoch      INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    );
    "#,
    // 8: a row claimed under leases (several nodes) keeps which process
    // claimed it, so when that process holds no lease any more (it died)
    // its rows are sent again at once, not when their claim runs out.
    r#"
    ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
    "#,
    // 9: a claim takes each source's rows in turn (lanes.rs), each lane
    // read by a seek on this index (the rowid, which orders ties, is in
    // every SQLite index), so claims cost the same however deep the queue.
    r#"
    CREATE INDEX outbox_lanes ON outbox (state, source, next_attempt_at);
    "#,
    // 10: searches read a trigram index of each searched table's text,
    // folded without diacritics (search.rs), instead of folding every row.
    // A new row is only noted as pending (a small insert, so accepting a
    // burst stays fast); the daemon indexes pending rows in the background,
    // and searches read those rows directly until then.
    r#"
    CREATE VIRTUAL TABLE outbox_search USING fts5(
        bare, content='', contentless_delete=1, detail='none', tokenize='trigram case_sensitive 1'
    );
    CREATE TABLE outbox_search_pending (id INTEGER PRIMARY KEY);
    INSERT INTO outbox_search (rowid, bare) SELECT id, plutanium_fold(body || char(31) || to_number, 1) FROM outbox;
    CREATE TRIGGER outbox_search_insert AFTER INSERT ON outbox BEGIN
        INSERT INTO outbox_search_pending (id) VALUES (new.id);
    END;
    CREATE TRIGGER outbox_search_delete AFTER DELETE ON outbox BEGIN
        DELETE FROM outbox_search WHERE rowid = old.id;
        DELETE FROM outbox_search_pending WHERE id = old.id;
    END;
    CREATE VIRTUAL TABLE inbox_search USING fts5(
        bare, content='', contentless_delete=1, detail='none', tokenize='trigram case_sensitive 1'
    );
    CREATE TABLE inbox_search_pending (id INTEGER PRIMARY KEY);
    INSERT INTO inbox_search (rowid, bare) SELECT id, plutanium_fold(body || char(31) || sender, 1) FROM inbox;
    CREATE TRIGGER inbox_search_insert AFTER INSERT ON inbox BEGIN
        INSERT INTO inbox_search_pending (id) VALUES (new.id);
    END;
    CREATE TRIGGER inbox_search_delete AFTER DELETE ON inbox BEGIN
        DELETE FROM inbox_search WHERE rowid = old.id;
        DELETE FROM inbox_search_pending WHERE id = old.id;
    END;
    CREATE VIRTUAL TABLE calls_search USING fts5(
        bare, content='', contentless_delete=1, detail='none', tokenize='trigram case_sensitive 1'
    );
    CREATE TABLE calls_search_pending (id INTEGER PRIMARY KEY);
    INSERT INTO calls_search (rowid, bare) SELECT id, plutanium_fold(coalesce(caller, ''), 1) FROM calls;
    CREATE TRIGGER calls_search_insert AFTER INSERT ON calls BEGIN
        INSERT INTO calls_search_pending (id) VALUES (new.id);
    END;
    CREATE TRIGGER calls_search_delete AFTER DELETE ON calls BEGIN
        DELETE FROM calls_search WHERE rowid = old.id;
        DELETE FROM calls_search_pending WHERE id = old.id;
    END;
    "#,
    // 11: when a row was sent, kept when a report changes `updated_at`:
    // a delivery report is matched only to rows sent since the send that
    // got its reference started (delivery.rs).
    r#"
    ALTER TABLE outbox ADD COLUMN sent_at INTEGER;
    "#,
    // 12: the search index without `contentless_delete`, whose deletes
    // held the store's write lock for seconds while retention ran (the
    // retention bench: accepting commits waited up to 5.8 s). A deleted
    // row that was indexed now leaves its text in `{table}_search_gone`,
    // a plain insert that needs none of our SQL functions (so the
    // `sqlite3` shell can still delete rows); the daemon's indexer removes
    // it from the index with FTS5's 'delete' command, in small
    // transactions, before it indexes new rows. A row still pending was
    // never indexed and is only forgotten. Automerge is off: the indexer
    // merges a little at each run instead of one long merge in a send's
    // way. Every row is indexed again, in the background.
    r#"
    DROP TRIGGER outbox_search_delete;
    DROP TABLE outbox_search;
    CREATE VIRTUAL TABLE outbox_search USING fts5(
        bare, content='', detail='none', tokenize='trigram case_sensitive 1'
    );
    INSERT INTO outbox_search (outbox_search, rank) VALUES ('automerge', 0);
    CREATE TABLE outbox_search_gone (seq INTEGER PRIMARY KEY, id INTEGER NOT NULL, text TEXT NOT NULL);
    INSERT OR IGNORE INTO outbox_search_pending (id) SELECT id FROM outbox;
    CREATE TRIGGER outbox_search_delete AFTER DELETE ON outbox BEGIN
        INSERT INTO outbox_search_gone (id, text) SELECT old.id, old.body || char(31) || old.to_number
            WHERE NOT EXISTS (SELECT 1 FROM outbox_search_pending WHERE id = old.id);
        DELETE FROM outbox_search_pending WHERE id = old.id;
    END;
    DROP TRIGGER inbox_search_delete;
    DROP TABLE inbox_search;
    CREATE VIRTUAL TABLE inbox_search USING fts5(
        bare, content='', detail='none', tokenize='trigram case_sensitive 1'
    );
    INSERT INTO inbox_search (inbox_search, rank) VALUES ('automerge', 0);
    CREATE TABLE inbox_search_gone (seq INTEGER PRIMARY KEY, id INTEGER NOT NULL, text TEXT NOT NULL);
    INSERT OR IGNORE INTO inbox_search_pending (id) SELECT id FROM inbox;
    CREATE TRIGGER inbox_search_delete AFTER DELETE ON inbox BEGIN
        INSERT INTO inbox_search_gone (id, text) SELECT old.id, old.body || char(31) || old.sender
            WHERE NOT EXISTS (SELECT 1 FROM inbox_search_pending WHERE id = old.id);
        DELETE FROM inbox_search_pending WHERE id = old.id;
    END;
    DROP TRIGGER calls_search_delete;
    DROP TABLE calls_search;
    CREATE VIRTUAL TABLE calls_search USING fts5(
        bare, content='', detail='none', tokenize='trigram case_sensitive 1'
    );
    INSERT INTO calls_search (calls_search, rank) VALUES ('automerge', 0);
    CREATE TABLE calls_search_gone (seq INTEGER PRIMARY KEY, id INTEGER NOT NULL, text TEXT NOT NULL);
    INSERT OR IGNORE INTO calls_search_pending (id) SELECT id FROM calls;
    CREATE TRIGGER calls_search_delete AFTER DELETE ON calls BEGIN
        INSERT INTO calls_search_gone (id, text) SELECT old.id, coalesce(old.caller, '')
            WHERE NOT EXISTS (SELECT 1 FROM calls_search_pending WHERE id = old.id);
        DELETE FROM calls_search_pending WHERE id = old.id;
    END;
    "#,
    // 13: the lanes' index holds queued rows only. A claim reads no other
    // (see 9), and a sent row kept in it cost a fast modem's every outcome
    // two more index pages to write (an entry moved from `sending` to
    // `sent`), and a deep log's every claim a larger index.
    r#"
    DROP INDEX outbox_lanes;
    CREATE INDEX outbox_lanes ON outbox (state, source, next_attempt_at) WHERE state = 'queued';
    "#,
    // 14: each modem's health over time, for the web admin's charts. Its
    // own table with its own retention: a sample is monitoring, not a
    // message, and none of the message tables' indexes pay for it.
    r#"
    CREATE TABLE modem_health (
        id           INTEGER PRIMARY KEY,
        modem        TEXT NOT NULL,
        at           INTEGER NOT NULL,
        state        TEXT NOT NULL,
        signal_dbm   INTEGER,
        rsrp_dbm     INTEGER,
        rsrq_db      REAL,
        sinr_db      REAL,
        network      TEXT,
        registration TEXT,
        operator     TEXT,
        sim          TEXT
    );
    CREATE INDEX modem_health_modem ON modem_health (modem, at);
    CREATE INDEX modem_health_at ON modem_health (at);
    "#,
];

/// The schema version this build writes.
pub(crate) const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings `conn` to [`SCHEMA_VERSION`]; refuses a newer file.
pub(crate) fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    loop {
        // Read and bump the version in one write transaction, so two
        // processes opening the same file never run a migration twice.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let found: u32 = tx
            .query_row("SELECT version FROM schema_version", [], |row| row.get(0))
            .optional()?
            .unwrap_or(0);
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        let Some(sql) = MIGRATIONS.get(found as usize) else {
            return Ok(SCHEMA_VERSION);
        };
        let version = found + 1;
        tx.execute_batch(sql)?;
        tx.execute("DELETE FROM schema_version", [])?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            [version],
        )?;
        tx.commit()?;
    }
}
