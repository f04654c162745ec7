//! PostgreSQL's errors as the store's: each SQLSTATE class mapped to the
//! [`ErrorKind`] a caller acts on, with a hint for the ones a person fixes.

use postgres::error::SqlState;

use crate::{ErrorKind, StoreError};

impl From<postgres::Error> for StoreError {
    fn from(error: postgres::Error) -> Self {
        let (kind, hint) = classify(&error);
        let message = match error.as_db_error() {
            Some(db) => format!("{}: {}{hint}", db.severity(), db.message()),
            None => {
                // The client's errors keep their cause (a refused
                // certificate, a reset connection) out of their text.
                let mut text = error.to_string();
                let mut cause = std::error::Error::source(&error);
                while let Some(inner) = cause {
                    text.push_str(&format!(": {inner}"));
                    cause = inner.source();
                }
                let hint = if text.contains("TLS handshake") {
                    " (check that the server's certificate is for the host in `store:` and that its CA is trusted: the platform's CAs, or a file in tls.ca_files)"
                } else {
                    hint
                };
                format!("{text}{hint}")
            }
        };
        StoreError::Backend {
            kind,
            backend: "postgres",
            message,
            source: Some(Box::new(error)),
        }
    }
}

/// What kind of failure `error` is, and a hint for a person.
fn classify(error: &postgres::Error) -> (ErrorKind, &'static str) {
    let Some(code) = error.code() else {
        // No SQLSTATE: the connection itself failed or was closed.
        return (
            ErrorKind::Unavailable,
            " (is the PostgreSQL server running and reachable?)",
        );
    };
    let class = &code.code()[..2];
    match (code, class) {
        (&SqlState::UNIQUE_VIOLATION, _) => (ErrorKind::Conflict, ""),
        (&SqlState::T_R_SERIALIZATION_FAILURE | &SqlState::T_R_DEADLOCK_DETECTED, _) => {
            (ErrorKind::Unavailable, " (a concurrent change; try again)")
        }
        // A row another node holds for longer than `lock_timeout`, and a
        // session the server ended because its node froze in a transaction.
        (&SqlState::LOCK_NOT_AVAILABLE, _) => (
            ErrorKind::Unavailable,
            " (a row another node holds; try again)",
        ),
        (&SqlState::IDLE_IN_TRANSACTION_SESSION_TIMEOUT, _) => (
            ErrorKind::Unavailable,
            " (this node paused inside a transaction and the server ended it; nothing of it was written)",
        ),
        (
            &SqlState::DISK_FULL | &SqlState::OUT_OF_MEMORY | &SqlState::PROGRAM_LIMIT_EXCEEDED,
            _,
        ) => (ErrorKind::Full, " (the database server is out of space)"),
        (&SqlState::INVALID_PASSWORD | &SqlState::INVALID_AUTHORIZATION_SPECIFICATION, _) => (
            ErrorKind::Config,
            " (check the user in `store:` and the password in its file or PGPASSWORD)",
        ),
        (&SqlState::INVALID_CATALOG_NAME, _) => (
            ErrorKind::Config,
            " (create the database first: `createdb NAME` on the server)",
        ),
        (&SqlState::INSUFFICIENT_PRIVILEGE, _) => (
            ErrorKind::Config,
            " (the user needs to own the database, or CREATE on it and on its schema: the schema's migrations create tables, indexes and the pg_trgm extension)",
        ),
        // 08: connection exceptions; 57: the server shutting down or
        // restarting; 53: out of resources (too many connections).
        (_, "08" | "57") => (
            ErrorKind::Unavailable,
            " (the database server is restarting or unreachable; try again)",
        ),
        (_, "53") => (
            ErrorKind::Unavailable,
            " (the database server is overloaded)",
        ),
        (_, "XX") => (
            ErrorKind::Corrupt,
            " (the database reported internal damage)",
        ),
        _ => (ErrorKind::Other, ""),
    }
}

/// The pool could not hand out a connection in time.
pub(super) fn pool(error: r2d2::Error) -> StoreError {
    StoreError::Backend {
        kind: ErrorKind::Unavailable,
        backend: "postgres",
        message: format!(
            "no connection to the database server ({error}); is it running and reachable?"
        ),
        source: Some(Box::new(error)),
    }
}
