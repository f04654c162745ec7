//! Plutanium's durable store, in SQLite (one file, WAL, `synchronous=FULL`).
//!
//! What it is: the tables a message's path writes to — the outbox (a state
//! machine `queued → sending → sent → delivered/failed/expired` whose rows
//! are claimed with a lease, never popped, and whose idempotency key is a
//! unique constraint), the inbox (complete messages, de-duplicated by
//! fingerprint, plus the parts of incomplete multipart messages), the call
//! log, an event log, and each connector's key-value namespace — with
//! versioned migrations run at open.
//!
//! Why rusqlite and not sqlx: the store is one embedded file written by one
//! process, so a synchronous connection owned by the store (callers on async
//! runtimes use `spawn_blocking`) is the simplest thing that is fully under
//! our control: PRAGMAs, transactions, no compile-time database. A shared
//! PostgreSQL backend for several gateway nodes can implement the same
//! operations later (`FOR UPDATE SKIP LOCKED` where SQLite uses a
//! transaction).
//!
//! The gateway reaches it through the [`Store`] trait, so that a shared
//! backend can stand in for [`SqliteStore`].
//!
//! What it is not: the routing. It stores and answers; the core decides.

mod error;
mod inbox;
mod kv;
mod live_log;
mod migrations;
mod outbox;
mod reports;
mod search;
mod store;
mod store_trait;

pub use error::StoreError;
pub use inbox::{CallRecord, InboundRecord, Inserted, PartRecord};
pub use live_log::LoggedEvent;
pub use outbox::{
    Enqueued, LogPage, MAX_ATTEMPTS, NewOutbound, OutboxRow, OutboxState, RoutedMark, SendOutcome,
};
pub use reports::{DeliveryReport, REPORT_WINDOW_MS};
pub use store::{MessageCount, PRUNE_BATCH, SqliteStore, StoreStats};
pub use store_trait::Store;
