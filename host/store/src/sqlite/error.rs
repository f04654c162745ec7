//! SQLite's errors as the store's: each result code mapped to the
//! [`ErrorKind`] a caller acts on, with a hint for the ones a person fixes.

use crate::{ErrorKind, StoreError};

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as Code;
        let (kind, hint) = match error.sqlite_error_code() {
            Some(Code::DatabaseBusy | Code::DatabaseLocked) => (
                ErrorKind::Unavailable,
                " (another process holds the file's lock; try again)",
            ),
            Some(Code::DiskFull) => (ErrorKind::Full, " (the disk is full)"),
            Some(Code::ReadOnly | Code::CannotOpen | Code::PermissionDenied) => (
                ErrorKind::Config,
                " (is the directory there and writable by this user?)",
            ),
            Some(Code::NotADatabase) => {
                (ErrorKind::Corrupt, " (this file is not a Plutanium store)")
            }
            Some(Code::DatabaseCorrupt) => (
                ErrorKind::Corrupt,
                " (the file is damaged; restore it from a backup)",
            ),
            Some(Code::ConstraintViolation) => (ErrorKind::Conflict, ""),
            Some(Code::SystemIoFailure) => {
                (ErrorKind::Unavailable, " (the disk failed a read or write)")
            }
            _ if matches!(error, rusqlite::Error::QueryReturnedNoRows) => (ErrorKind::NotFound, ""),
            _ => (ErrorKind::Other, ""),
        };
        StoreError::Backend {
            kind,
            backend: "sqlite",
            message: format!("{error}{hint}"),
            source: Some(Box::new(error)),
        }
    }
}

/// Whether `error` is SQLite's "another connection holds the lock": with no
/// busy timeout, a write that did not start.
pub(super) fn is_busy(error: &StoreError) -> bool {
    let StoreError::Backend {
        source: Some(source),
        ..
    } = error
    else {
        return false;
    };
    source
        .downcast_ref::<rusqlite::Error>()
        .and_then(rusqlite::Error::sqlite_error_code)
        .is_some_and(|code| {
            matches!(
                code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            )
        })
}
