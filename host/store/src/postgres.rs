//! The PostgreSQL backend: one database that several gateway nodes share
//! (`store: postgres://user@host/db`).
//!
//! Why `postgres` (the blocking face of `tokio-postgres`) with an `r2d2`
//! pool, and not sqlx or deadpool: the [`Store`](crate::Store) contract is
//! synchronous (callers on async runtimes use `spawn_blocking`, as for
//! SQLite), so a blocking client keeps one shape for both backends; its
//! errors carry the SQLSTATE we map to [`ErrorKind`];
//! it needs no database at compile time (sqlx's checked queries would);
//! and `LISTEN/NOTIFY` is a plain iterator on it. `r2d2` is the pool the
//! `postgres` crate's author maintains an adapter for. TLS is
//! `tokio-postgres-rustls` (rustls with ring, as the rest of the daemon),
//! trusting what the daemon's one trust store trusts.
//!
//! What makes the contract hold on a shared database: a claim takes its
//! rows with `FOR UPDATE SKIP LOCKED` (two nodes never block each other
//! and never share a row); an idempotency key is a unique constraint
//! (`ON CONFLICT DO NOTHING`); a delivery report and the send it may
//! belong to are ordered by a per-modem advisory lock, so a report that
//! races its send's commit is never stranded; ids are identity columns,
//! never reused.
//!
//! This module opens the database and owns the pool; each table's SQL is
//! in the module named after it.

mod error;
mod health;
mod import;
mod inbox;
mod kv;
mod leases;
mod log;
mod migrations;
mod notify;
mod outbox;
mod pages;
mod reports;
#[cfg(feature = "testing")]
pub mod testing;

use std::str::FromStr;
use std::time::Duration;

use std::sync::Arc;

use postgres::Client;
use postgres::config::Host;
use r2d2_postgres::PostgresConnectionManager;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::{ErrorKind, StoreError};

crate::contract::impl_store!(PgStore);

/// How many connections a node keeps to the database: enough for the
/// sender, the router, the API and the connectors' KV at once.
const POOL_SIZE: u32 = 8;

/// How long a connection attempt may take before the store is
/// unavailable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What every pooled session sets first. A node that freezes (SIGSTOP, a
/// VM migrated, a long GC pause in a connector) in the middle of a
/// transaction keeps its row locks for as long as it is frozen: the share
/// lock a fenced claim takes on its lease rows would stop every other node
/// from taking those leases, so the cluster would wait for the frozen node
/// instead of replacing it. The server ends such a session after
/// `idle_in_transaction_session_timeout` (well inside a lease's time, so a
/// takeover is not delayed past the lease) and rolls its transaction back,
/// which is what the fence wants: the frozen node wrote nothing. A lock
/// wait is bounded too, so a node's lease renewal never hangs behind
/// another node's row: it fails as retryable and is tried again.
/// Set with `SET` after connecting rather than as startup options, which
/// connection poolers such as PgBouncer refuse.
const SESSION_SETUP: &str = "SET idle_in_transaction_session_timeout = '5s'; \
                             SET lock_timeout = '2s'";

/// Applies [`SESSION_SETUP`] to each connection the pool opens.
#[derive(Debug)]
struct SessionSetup;

impl r2d2::CustomizeConnection<Client, postgres::Error> for SessionSetup {
    fn on_acquire(&self, conn: &mut Client) -> Result<(), postgres::Error> {
        conn.batch_execute(SESSION_SETUP)
    }
}

/// The PostgreSQL store. One per node; several nodes share the database.
pub struct PgStore {
    /// `None` only while the store is dropped (see its `Drop`).
    pool: Option<r2d2::Pool<PostgresConnectionManager<MakeRustlsConnect>>>,
    location: String,
    /// How to connect, for connections outside the pool (notify.rs).
    config: postgres::Config,
    /// TLS for those connections, with the trust the pool's have.
    tls: MakeRustlsConnect,
    /// The server's clock as last read (leases.rs).
    clock: std::sync::Mutex<Option<plutanium_core::time::Reading>>,
    /// The lane that went first in this node's last claim (lanes.rs).
    lanes_turn: std::sync::Mutex<Option<String>>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// Where a PostgreSQL store is: its URL (`postgres://user@host[:port]/db`,
/// with `?host=/run/postgresql` for a Unix socket) and the password, which
/// is never in the URL.
#[derive(Clone, Default)]
pub struct PgLocation {
    /// The URL, without a password.
    pub url: String,
    /// The password, read from a file or the environment by the caller.
    pub password: Option<String>,
    /// The CAs a server's certificate must chain to, with `sslmode=prefer`
    /// or `require` over TCP (the daemon's one trust store: the platform's
    /// CAs and `tls.ca_files`); `None`: the platform's CAs.
    pub trust: Option<Arc<rustls::ClientConfig>>,
}

impl std::fmt::Debug for PgLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgLocation")
            .field("url", &self.url)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .field("trust", &self.trust.as_ref().map(|_| "…"))
            .finish()
    }
}

/// An error about the store's address or settings, before any connection.
fn config_error(location: &str, message: String) -> StoreError {
    StoreError::Open {
        kind: ErrorKind::Config,
        location: location.to_string(),
        message,
        source: None,
    }
}

impl PgLocation {
    /// The client configuration, refusing a URL with a password in it.
    /// libpq's `verify-ca` and `verify-full` are read as `require`, which
    /// here always checks the server's certificate and name against the
    /// trust store (libpq's `require` checks neither).
    fn config(&self) -> Result<(postgres::Config, String), StoreError> {
        let url = self
            .url
            .replace("sslmode=verify-full", "sslmode=require")
            .replace("sslmode=verify-ca", "sslmode=require");
        let mut config = postgres::Config::from_str(&url).map_err(|e| {
            config_error(
                &redact(&self.url),
                format!("not a PostgreSQL URL ({e}); write postgres://USER@HOST[:PORT]/DATABASE"),
            )
        })?;
        let location = describe(&config);
        if config.get_password().is_some() {
            return Err(config_error(
                &location,
                "the URL holds a password; put it in a file named by `password_file:` \
                 (or in PGPASSWORD) and take it out of the URL"
                    .into(),
            ));
        }
        if let Some(password) = &self.password {
            config.password(password.trim_end_matches(['\r', '\n']));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("plutanium");
        Ok((config, location))
    }
}

/// `user@host:port/db`, for messages: never the password.
fn describe(config: &postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|host| match host {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "postgres://{}@{}:{port}/{}",
        config.get_user().unwrap_or(""),
        hosts.join(","),
        config.get_dbname().unwrap_or("")
    )
}

/// `url` with anything between `://` and `@` after a `:` hidden.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if scheme < at => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

impl PgLocation {
    /// TLS for its connections: its trust, or the platform's CAs.
    fn tls(&self, location: &str) -> Result<MakeRustlsConnect, StoreError> {
        let client = match &self.trust {
            Some(config) => config.as_ref().clone(),
            None => plutanium_tls::TrustStore::load(&[])
                .map_err(|e| {
                    config_error(location, format!("the CAs to check the server with: {e}"))
                })?
                .client_config()
                .as_ref()
                .clone(),
        };
        Ok(MakeRustlsConnect::new(client))
    }
}

impl PgStore {
    /// Connects to the database at `location` and migrates it: what a
    /// gateway node does at start. Several nodes may do it at once.
    pub fn open(location: &PgLocation) -> Result<Self, StoreError> {
        Self::connect(location, true)
    }

    /// Connects to a database that must be at this build's schema already,
    /// without migrating it: for tools that share it with running nodes.
    pub fn open_existing(location: &PgLocation) -> Result<Self, StoreError> {
        Self::connect(location, false)
    }

    fn connect(location: &PgLocation, migrate: bool) -> Result<Self, StoreError> {
        let (config, described) = location.config()?;
        let tls = location.tls(&described)?;
        // One connection first, so a wrong address or password is reported
        // as the server said it, and the schema is settled before the pool
        // hands out connections.
        let mut first = config
            .connect(tls.clone())
            .map_err(|e| StoreError::from(e).opening(&described))?;
        if migrate {
            migrations::migrate(&mut first).map(drop)
        } else {
            migrations::check(&mut first)
        }
        .map_err(|e| e.opening(&described))?;
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(CONNECT_TIMEOUT)
            // A connection the server closed (a restart) is found out
            // before it is handed out, not by the caller's query.
            .test_on_check_out(true)
            .connection_customizer(Box::new(SessionSetup))
            .build_unchecked(PostgresConnectionManager::new(config.clone(), tls.clone()));
        Ok(PgStore {
            pool: Some(pool),
            location: described,
            config,
            tls,
            clock: std::sync::Mutex::new(None),
            lanes_turn: std::sync::Mutex::new(None),
        })
    }

    /// The database's address, without credentials.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Runs `f` on a connection from the pool.
    fn with<R>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let pool = self.pool.as_ref().ok_or_else(|| StoreError::Unavailable {
            reason: "the store is being closed".into(),
        })?;
        let mut conn = pool.get().map_err(error::pool)?;
        f(&mut conn)
    }
}

impl Drop for PgStore {
    /// Closes the connections on a thread of its own: closing one blocks
    /// on the client's internal runtime, which panics on an async worker,
    /// where the last handle on a store is often dropped (a gateway that
    /// stops).
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            let _ = std::thread::spawn(move || drop(pool)).join();
        }
    }
}

/// Joins the searchable columns of a row in its `search_*` columns: a
/// character no search holds (searches have it removed), so a match never
/// spans two columns.
const SEPARATOR: char = '\u{1f}';

/// The `(search_fold, search_bare)` values for a row whose searchable
/// columns are `columns`.
fn search_columns(columns: &[&str]) -> (String, String) {
    let fold = |ignore| {
        columns
            .iter()
            .map(|c| crate::search::fold(c, ignore))
            .collect::<Vec<_>>()
            .join(&SEPARATOR.to_string())
    };
    (fold(false), fold(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_url_is_refused_and_never_repeated() {
        let location = PgLocation {
            url: "postgres://gw:s3cret@db.example/sms".into(),
            ..PgLocation::default()
        };
        let err = location.config().unwrap_err().to_string();
        assert!(err.contains("password_file"), "{err}");
        assert!(!err.contains("s3cret"), "{err}");
        let location = PgLocation {
            url: "mysql://gw:s3cret@db".into(),
            ..PgLocation::default()
        };
        let err = location.config().unwrap_err().to_string();
        assert!(err.contains("not a PostgreSQL URL"), "{err}");
        assert!(!err.contains("s3cret"), "{err}");
    }

    #[test]
    fn the_location_names_user_host_and_database() {
        let location = PgLocation {
            url: "postgres://gw@db.example:5433/sms?sslmode=disable".into(),
            password: Some("pw\n".into()),
            trust: None,
        };
        let (config, described) = location.config().unwrap();
        assert_eq!(described, "postgres://gw@db.example:5433/sms");
        assert_eq!(config.get_password(), Some(&b"pw"[..]), "newline trimmed");
    }
}
