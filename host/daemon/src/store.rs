//! Opening the store `store:` names, for the daemon and for the tools that
//! share it (`plutanium send`, `plutanium messages`).

use std::sync::Arc;

use anyhow::{Context, Result};
use plutanium_core::config::{StoreLocation, TlsConfig};
use plutanium_store::{PgLocation, PgStore, SqliteStore, Store};

/// Who opens the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Opener {
    /// The daemon: creates and migrates.
    Daemon,
    /// A tool beside running daemons: never migrates; `create` makes a
    /// missing SQLite file (to queue into on a fresh machine).
    Tool {
        /// Make a missing SQLite file.
        create: bool,
    },
}

/// Opens the store at `location`; a PostgreSQL server's certificate is
/// checked against the platform's CAs and `tls.ca_files`.
pub(crate) fn open(
    location: &StoreLocation,
    tls: &TlsConfig,
    opener: Opener,
) -> Result<Arc<dyn Store>> {
    Ok(match (location, opener) {
        (StoreLocation::Sqlite(path), Opener::Daemon) => Arc::new(SqliteStore::open(path)?),
        (StoreLocation::Sqlite(path), Opener::Tool { create: true }) => {
            Arc::new(SqliteStore::open_or_create(path)?)
        }
        (StoreLocation::Sqlite(path), Opener::Tool { create: false }) => {
            Arc::new(SqliteStore::open_existing(path)?)
        }
        (StoreLocation::Memory, Opener::Daemon) => Arc::new(SqliteStore::open_in_memory()?),
        (StoreLocation::Memory, Opener::Tool { .. }) => anyhow::bail!(
            "the store is in memory, so no other process can reach it; give `store:` a file or a database"
        ),
        (StoreLocation::Postgres { url, password_file }, opener) => {
            let location = PgLocation {
                url: url.clone(),
                password: password(password_file.as_deref())?,
                trust: Some(trust(&tls.ca_files)?),
            };
            Arc::new(if opener == Opener::Daemon {
                PgStore::open(&location)?
            } else {
                PgStore::open_existing(&location)?
            })
        }
    })
}

/// The database password: the file's first line, or `PGPASSWORD` (as
/// PostgreSQL's own tools read it), or none (trust, peer or certificate
/// authentication).
pub(crate) fn password(file: Option<&std::path::Path>) -> Result<Option<String>> {
    match file {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!(
                    "cannot read store_password_file {} (is it there and readable by this user?)",
                    path.display()
                )
            })?;
            let line = text.lines().next().unwrap_or("").to_string();
            anyhow::ensure!(
                !line.is_empty(),
                "store_password_file {} is empty: write the database password on its first line",
                path.display()
            );
            Ok(Some(line))
        }
        None => Ok(std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty())),
    }
}

/// Takes `<store>.lock` for the life of the process, or says who has it.
pub(crate) fn lock(store: &std::path::Path) -> Result<nix::fcntl::Flock<std::fs::File>> {
    let mut name = store.as_os_str().to_owned();
    name.push(".lock");
    let path = std::path::PathBuf::from(name);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| {
            format!(
                "cannot create the store's lock file {} (is the directory there and writable by this user?)",
                path.display()
            )
        })?;
    nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock).map_err(
        |(_, errno)| match errno {
            nix::errno::Errno::EWOULDBLOCK => anyhow::anyhow!(
                "another plutanium is running on the store {} (it holds {})",
                store.display(),
                path.display()
            ),
            other => anyhow::anyhow!("cannot lock {}: {other}", path.display()),
        },
    )
}

/// The daemon's one trust store (the platform's CAs and `ca_files`), for
/// the TLS to a PostgreSQL server.
pub(crate) fn trust(ca_files: &[std::path::PathBuf]) -> Result<Arc<rustls::ClientConfig>> {
    Ok(plutanium_tls::TrustStore::load(ca_files)
        .context("tls.ca_files")?
        .client_config())
}
