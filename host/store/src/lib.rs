//! Plutanium's durable store: the [`Store`] contract the gateway relies on,
//! and its backends.
//!
//! What it is: the tables a message's path writes to — the outbox (a state
//! machine `queued → sending → sent → delivered/failed/expired` whose rows
//! are claimed with a lease, never popped, and whose idempotency key is a
//! unique constraint), the inbox (complete messages, de-duplicated by
//! fingerprint, plus the parts of incomplete multipart messages), the call
//! log, an event log, each modem's health samples, and each connector's
//! key-value namespace — with
//! versioned migrations run at open.
//!
//! The contract is the [`Store`] trait, documented there method by method:
//! atomicity, ordering, idempotency and what a crash leaves. Errors are the
//! same for every backend ([`StoreError`], with an [`ErrorKind`] a caller
//! acts on). The records (`outbox`, `inbox`, `delivery`, `events`,
//! `stats`) and the search folding are shared, so a row and a search mean
//! the same on every backend.
//!
//! Backends: [`SqliteStore`] (module `sqlite`), one embedded file for one
//! node, the default; [`PgStore`] (module [`postgres`]), one PostgreSQL
//! database shared by several nodes.
//!
//! What it is not: the routing. It stores and answers; the core decides.

mod contract;
mod delivery;
mod error;
mod events;
mod health;
mod inbox;
mod lanes;
mod lease;
mod outbox;
pub mod postgres;
mod search;
mod sqlite;
mod stats;
mod transfer;
mod watch;

pub use contract::{PRUNE_BATCH, Store};
pub use delivery::{DeliveryReport, REPORT_WINDOW_MS};
pub use error::{ErrorKind, StoreError};
pub use events::LoggedEvent;
pub use health::{HealthSample, HourlyTraffic};
pub use inbox::{CallRecord, InboundRecord, Inserted, PartRecord};
pub use lease::{Fence, Holder, Lease, lease_modem, modem_lease};
pub use outbox::{
    Enqueued, LogPage, MAX_ATTEMPTS, NewOutbound, OutboxRow, OutboxState, RouteCommit, RouteOutput,
    RoutedMark, SendOutcome,
};
pub use postgres::{PgLocation, PgStore};
pub use sqlite::SqliteStore;
pub use stats::{MessageCount, StoreStats};
pub use transfer::{Copied, copy_sqlite_to_postgres};
pub use watch::{Channel, Wake, Watch};
