//! The store's errors, the same for every backend: what went wrong in terms
//! a caller can act on ([`ErrorKind`]), said in words a person can act on.
//! No backend's own error type appears here; each backend maps its errors
//! to these in its `error` module and keeps the original as the source.

/// What kind of failure a [`StoreError`] is: what the caller may do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The store could not be reached or was busy (a lock held too long, a
    /// lost connection, a database restarting, a cancelled call). Nothing
    /// was changed; the same call may be tried again.
    Unavailable,
    /// The disk (or the database's size limit) is full. Nothing was
    /// changed; writes fail until space is freed, reads still work.
    Full,
    /// The write conflicted with another: a claim or lease that is no
    /// longer the caller's (another node took it), or a concurrent change
    /// the backend refused. Nothing was changed; read again before deciding.
    Conflict,
    /// The thing asked for is not there (a store at a path that does not
    /// exist).
    NotFound,
    /// A row or the schema holds what this build cannot read.
    Corrupt,
    /// The store's schema is from another version of Plutanium.
    Schema,
    /// The store cannot be opened as configured (a wrong path, address,
    /// credential or permission): a person must fix the configuration.
    Config,
    /// Anything else the backend reported: a bug, ours or the backend's.
    Other,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The backend refused or failed the operation.
    #[error("store ({backend}): {message}")]
    Backend {
        /// What kind of failure, for the caller.
        kind: ErrorKind,
        /// `sqlite` or `postgres`.
        backend: &'static str,
        /// What happened, with a hint for a person where there is one.
        message: String,
        /// The backend's own error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The store could not be opened or set up (a missing or read-only
    /// directory, a file that is not a database, a server that refuses).
    #[error("cannot open the store {location}: {message}")]
    Open {
        /// What kind of failure.
        kind: ErrorKind,
        /// The file, or the server's address without credentials.
        location: String,
        /// Why, with a hint.
        message: String,
        /// The backend's own error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The store was written by a newer Plutanium.
    #[error(
        "the store's schema is version {found}, newer than this Plutanium's {supported}; upgrade Plutanium"
    )]
    SchemaTooNew {
        /// The version in the store.
        found: u32,
        /// The newest version this build knows.
        supported: u32,
    },
    /// The store was written by an older Plutanium and not migrated yet.
    #[error(
        "the store's schema is version {found}, older than this Plutanium's {supported}; run the daemon once (`plutanium run --config FILE`) to migrate it"
    )]
    SchemaTooOld {
        /// The version in the store.
        found: u32,
        /// The version this build writes.
        supported: u32,
    },
    /// There is no store at that path.
    #[error(
        "there is no store at {} and no directory to create it in (is `store:` right? `plutanium run --config FILE` creates it)",
        path.display()
    )]
    Missing {
        /// The path.
        path: std::path::PathBuf,
    },
    /// The call did not complete (the thread that ran it was cancelled or
    /// panicked, as at shutdown); it may be tried again.
    #[error("the store call did not complete ({reason}); try again")]
    Unavailable {
        /// What happened.
        reason: String,
    },
    /// A row holds a value this build cannot read.
    #[error("store row {table}#{id}: {problem}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The row.
        id: i64,
        /// What is wrong.
        problem: String,
    },
}

impl StoreError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            StoreError::Backend { kind, .. } | StoreError::Open { kind, .. } => *kind,
            StoreError::SchemaTooNew { .. } | StoreError::SchemaTooOld { .. } => ErrorKind::Schema,
            StoreError::Missing { .. } => ErrorKind::NotFound,
            StoreError::Unavailable { .. } => ErrorKind::Unavailable,
            StoreError::Corrupt { .. } => ErrorKind::Corrupt,
        }
    }

    /// Whether the disk (or the database's size limit) is full: writes fail
    /// until space is freed, and nothing was changed.
    pub fn is_full(&self) -> bool {
        self.kind() == ErrorKind::Full
    }

    /// Whether the same call may simply be tried again later.
    pub fn is_retryable(&self) -> bool {
        matches!(self.kind(), ErrorKind::Unavailable | ErrorKind::Full)
    }

    /// The same failure, said as one while opening `location`.
    pub(crate) fn opening(self, location: &str) -> StoreError {
        match self {
            StoreError::Backend {
                kind,
                message,
                source,
                ..
            } => StoreError::Open {
                kind,
                location: location.to_string(),
                message,
                source,
            },
            other => other,
        }
    }
}
