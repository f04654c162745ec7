//! Versioned schema migrations for PostgreSQL, run in order at open, each
//! in its own transaction under an advisory lock, so nodes that start at
//! once never run one twice. Never edit a migration that has shipped: add
//! the next one. The versions count apart from SQLite's: version 1 here is
//! SQLite's version 6, in one step.

use postgres::Client;

use crate::StoreError;

/// The lock every migrating node takes (any fixed number; this one spells
/// "PLUT" in ASCII).
const MIGRATION_LOCK: i64 = 0x504C_5554;

/// The migrations, in order; the schema version is their count.
const MIGRATIONS: &[&str] = &[
    // 1: the schema of SQLite's version 6. Times are ms since the epoch
    // (BIGINT), as the records carry them. `search_fold` and `search_bare`
    // hold the searchable columns folded as `crate::search::fold` does
    // (with and without accents), joined by U+001F, because the fold is
    // ours and PostgreSQL cannot call it.
    r#"
    CREATE TABLE outbox (
        id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        key             TEXT NOT NULL UNIQUE,
        source          TEXT NOT NULL,
        to_number       TEXT NOT NULL,
        body            TEXT NOT NULL,
        encoding        TEXT NOT NULL,
        status_report   BOOLEAN NOT NULL,
        flash           BOOLEAN NOT NULL,
        validity_min    BIGINT,
        modem           TEXT,
        allowed_modems  TEXT NOT NULL DEFAULT '',
        state           TEXT NOT NULL CHECK (state IN
                          ('queued','sending','sent','delivered','failed','expired')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        lease_until     BIGINT,
        sent_by         TEXT,
        sent_sim        TEXT,
        message_refs    TEXT NOT NULL DEFAULT '',
        delivered_refs  TEXT NOT NULL DEFAULT '',
        last_error      TEXT,
        created_at      BIGINT NOT NULL,
        updated_at      BIGINT NOT NULL,
        search_fold     TEXT NOT NULL,
        search_bare     TEXT NOT NULL
    );
    CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
    CREATE INDEX outbox_sent_by ON outbox (sent_by, state, updated_at);

    CREATE TABLE inbox (
        id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        fingerprint TEXT NOT NULL UNIQUE,
        modem       TEXT NOT NULL,
        sender      TEXT NOT NULL,
        recipient   TEXT NOT NULL,
        body        TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        stored_at   BIGINT NOT NULL,
        meta        TEXT NOT NULL DEFAULT '',
        routed_at   BIGINT,
        search_fold TEXT NOT NULL,
        search_bare TEXT NOT NULL
    );
    CREATE INDEX inbox_stored_at ON inbox (stored_at);
    CREATE INDEX inbox_unrouted ON inbox (id) WHERE routed_at IS NULL;

    CREATE TABLE inbox_parts (
        modem       TEXT NOT NULL,
        sender      TEXT NOT NULL,
        reference   INTEGER NOT NULL,
        total       SMALLINT NOT NULL,
        seq         SMALLINT NOT NULL,
        pdu         BYTEA NOT NULL,
        received_at BIGINT NOT NULL,
        PRIMARY KEY (modem, sender, reference, total, seq)
    );

    CREATE TABLE calls (
        id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        modem       TEXT NOT NULL,
        caller      TEXT,
        at          BIGINT NOT NULL,
        routed_at   BIGINT,
        search_fold TEXT NOT NULL,
        search_bare TEXT NOT NULL
    );
    CREATE INDEX calls_at ON calls (at);
    CREATE INDEX calls_unrouted ON calls (id) WHERE routed_at IS NULL;

    CREATE TABLE pending_reports (
        id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        modem       TEXT NOT NULL,
        message_ref SMALLINT NOT NULL,
        delivered   BOOLEAN NOT NULL,
        detail      TEXT,
        at          BIGINT NOT NULL,
        recipient   TEXT,
        sim         TEXT
    );
    CREATE INDEX pending_reports_ref ON pending_reports (modem, message_ref);

    -- Keys compare byte by byte (COLLATE "C"), as in SQLite, so a prefix
    -- is a range and the order does not depend on the server's locale.
    CREATE TABLE kv (
        namespace TEXT NOT NULL,
        key       TEXT COLLATE "C" NOT NULL,
        value     BYTEA NOT NULL,
        PRIMARY KEY (namespace, key)
    );

    CREATE TABLE events (
        id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at      BIGINT NOT NULL,
        kind    TEXT NOT NULL,
        subject TEXT NOT NULL,
        detail  TEXT NOT NULL
    );
    CREATE INDEX events_at ON events (at);

    CREATE TABLE live_events (
        id   BIGINT PRIMARY KEY,
        at   BIGINT NOT NULL,
        kind TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE INDEX live_events_at ON live_events (at);
    "#,
    // 2: leases (lease.rs): who drives which modem and leads what, with
    // the epoch that fences writes made under them.
    r#"
    CREATE TABLE leases (
        name       TEXT PRIMARY KEY,
        node       TEXT NOT NULL,
        instance   TEXT NOT NULL,
        epoch      BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
    );
    "#,
    // 3: a row claimed under leases keeps which process claimed it, so when
    // that process holds no lease any more (it died) its rows are sent
    // again at once, not when their claim runs out.
    r#"
    ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
    CREATE INDEX outbox_claimed_by ON outbox (claimed_by) WHERE state = 'sending';
    "#,
    // 4: live event ids from the database, so every node's events share
    // one order (publish_live_events); going on after those logged so far.
    r#"
    CREATE SEQUENCE live_event_ids;
    SELECT setval('live_event_ids', GREATEST((SELECT coalesce(max(id), 0) FROM live_events), 1),
                  (SELECT count(*) FROM live_events) > 0);
    "#,
    // 5: a claim takes each source's rows in turn (lanes.rs), each lane
    // read by a seek on this index, so claims cost the same however deep
    // the queue.
    r#"
    CREATE INDEX outbox_lanes ON outbox (state, source, next_attempt_at, id);
    "#,
    // 6: searches read a trigram index of each searched table's text
    // folded without diacritics (postgres.rs, `PageFilter`), instead of
    // reading every row. pg_trgm ships with PostgreSQL and is a trusted
    // extension: a user with CREATE on the database may add it.
    r#"
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX outbox_search ON outbox USING gin (search_bare gin_trgm_ops);
    CREATE INDEX inbox_search ON inbox USING gin (search_bare gin_trgm_ops);
    CREATE INDEX calls_search ON calls USING gin (search_bare gin_trgm_ops);
    "#,
    // 7: when a row was sent, kept when a report changes `updated_at`:
    // a delivery report is matched only to rows sent since the send that
    // got its reference started (delivery.rs).
    r#"
    ALTER TABLE outbox ADD COLUMN sent_at BIGINT;
    "#,
    // 8: each modem's health over time, for the web admin's charts. Its
    // own table with its own retention: a sample is monitoring, not a
    // message, and none of the message tables' indexes pay for it.
    r#"
    CREATE TABLE modem_health (
        id           BIGSERIAL PRIMARY KEY,
        modem        TEXT NOT NULL,
        at           BIGINT NOT NULL,
        state        TEXT NOT NULL,
        signal_dbm   SMALLINT,
        rsrp_dbm     SMALLINT,
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
pub(super) const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The schema version the database holds (0: none yet).
fn found_version(client: &mut impl postgres::GenericClient) -> Result<u32, StoreError> {
    let row = client.query_opt("SELECT version FROM plutanium_schema", &[])?;
    Ok(row.map_or(0, |row| row.get::<_, i32>(0).max(0) as u32))
}

/// Brings the database to [`SCHEMA_VERSION`]; refuses a newer one.
pub(super) fn migrate(client: &mut Client) -> Result<u32, StoreError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS plutanium_schema (version INTEGER NOT NULL)")?;
    let found = found_version(&mut tx)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for sql in &MIGRATIONS[found as usize..] {
        tx.batch_execute(sql)?;
    }
    tx.execute("DELETE FROM plutanium_schema", &[])?;
    tx.execute(
        "INSERT INTO plutanium_schema (version) VALUES ($1)",
        &[&(SCHEMA_VERSION as i32)],
    )?;
    tx.commit()?;
    Ok(SCHEMA_VERSION)
}

/// Checks, without changing anything, that the database is at this
/// build's schema: for tools that share it with running daemons.
pub(super) fn check(client: &mut Client) -> Result<(), StoreError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('plutanium_schema') IS NOT NULL", &[])?
        .get(0);
    let found = if exists { found_version(client)? } else { 0 };
    match found.cmp(&SCHEMA_VERSION) {
        std::cmp::Ordering::Equal => Ok(()),
        std::cmp::Ordering::Greater => Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        }),
        std::cmp::Ordering::Less => Err(StoreError::SchemaTooOld {
            found,
            supported: SCHEMA_VERSION,
        }),
    }
}
