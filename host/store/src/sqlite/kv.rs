//! The connectors' durable key-value store, one namespace per connector.

use plutanium_core::{KvError, KvStore};
use rusqlite::{OptionalExtension, params};

use super::SqliteStore;

fn unavailable(e: crate::StoreError) -> KvError {
    KvError::Unavailable(e.to_string())
}

impl KvStore for SqliteStore {
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Vec<u8>>, KvError> {
        self.with_kv(|conn| {
            Ok(conn
                .query_row(
                    "SELECT value FROM kv WHERE namespace = ?1 AND key = ?2",
                    [namespace, key],
                    |row| row.get(0),
                )
                .optional()?)
        })
        .map_err(unavailable)
    }

    fn set(&self, namespace: &str, key: &str, value: &[u8]) -> Result<(), KvError> {
        self.with_kv(|conn| {
            conn.execute(
                "INSERT INTO kv (namespace, key, value) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value",
                params![namespace, key, value],
            )?;
            Ok(())
        })
        .map_err(unavailable)
    }

    fn delete(&self, namespace: &str, key: &str) -> Result<(), KvError> {
        self.with_kv(|conn| {
            conn.execute(
                "DELETE FROM kv WHERE namespace = ?1 AND key = ?2",
                [namespace, key],
            )?;
            Ok(())
        })
        .map_err(unavailable)
    }

    fn keys(&self, namespace: &str, prefix: &str) -> Result<Vec<String>, KvError> {
        self.with_kv(|conn| {
            // A range, not LIKE: prefixes may hold '%' and '_'.
            let mut stmt =
                conn.prepare("SELECT key FROM kv WHERE namespace = ?1 AND key >= ?2 ORDER BY key")?;
            let rows = stmt.query_map([namespace, prefix], |row| row.get::<_, String>(0))?;
            let mut keys = Vec::new();
            for key in rows {
                let key = key?;
                if !key.starts_with(prefix) {
                    break;
                }
                keys.push(key);
            }
            Ok(keys)
        })
        .map_err(unavailable)
    }

    fn compare_and_set(
        &self,
        namespace: &str,
        key: &str,
        expected: Option<&[u8]>,
        new: Option<&[u8]>,
    ) -> Result<bool, KvError> {
        self.with_kv(|conn| {
            // Immediate: the write lock is taken before the read, so no other
            // connection changes the value between the two.
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let current: Option<Vec<u8>> = tx
                .query_row(
                    "SELECT value FROM kv WHERE namespace = ?1 AND key = ?2",
                    [namespace, key],
                    |row| row.get(0),
                )
                .optional()?;
            if current.as_deref() != expected {
                return Ok(false);
            }
            match new {
                Some(value) => tx.execute(
                    "INSERT INTO kv (namespace, key, value) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value",
                    params![namespace, key, value],
                )?,
                None => tx.execute(
                    "DELETE FROM kv WHERE namespace = ?1 AND key = ?2",
                    [namespace, key],
                )?,
            };
            tx.commit()?;
            Ok(true)
        })
        .map_err(unavailable)
    }
}
