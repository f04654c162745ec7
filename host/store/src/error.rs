//! The store's errors.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite refused or failed (disk full, locked, corrupt file).
    #[error("store: {source}{}", hint(source))]
    Sqlite {
        /// SQLite's error.
        #[from]
        source: rusqlite::Error,
    },
    /// The file could not be opened or set up (a missing or read-only
    /// directory, a file that is not a database).
    #[error("cannot open the store {}: {source}{}", path.display(), hint(source))]
    Open {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The file was written by a newer Plutanium.
    #[error(
        "the store's schema is version {found}, newer than this Plutanium's {supported}; upgrade Plutanium"
    )]
    SchemaTooNew {
        /// The version in the file.
        found: u32,
        /// The newest version this build knows.
        supported: u32,
    },
    /// The file was written by an older Plutanium and not migrated yet.
    #[error(
        "the store's schema is version {found}, older than this Plutanium's {supported}; run the daemon once (`plutanium run --config FILE`) to migrate it"
    )]
    SchemaTooOld {
        /// The version in the file.
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

/// A hint for the errors a person can fix.
fn hint(error: &rusqlite::Error) -> &'static str {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen) => {
            " (is the directory there and writable by this user?)"
        }
        Some(rusqlite::ErrorCode::DiskFull) => " (the disk is full)",
        Some(rusqlite::ErrorCode::NotADatabase) => " (this file is not a Plutanium store)",
        _ => "",
    }
}

impl StoreError {
    /// Whether the disk (or the database's page limit) is full: writes fail
    /// until space is freed, and nothing was changed.
    pub fn is_full(&self) -> bool {
        matches!(self, StoreError::Sqlite { source: e } | StoreError::Open { source: e, .. }
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull))
    }
}
