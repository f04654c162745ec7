//! The store's errors.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite refused or failed (disk full, locked, corrupt file).
    #[error("store: {0}")]
    Sqlite(#[from] rusqlite::Error),
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
