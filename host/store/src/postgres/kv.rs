//! The connectors' key-value data in PostgreSQL, one namespace per
//! connector, shared by every node.

use plutanium_core::{KvError, KvStore};

use super::PgStore;

fn unavailable(e: crate::StoreError) -> KvError {
    KvError::Unavailable(e.to_string())
}

impl KvStore for PgStore {
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Vec<u8>>, KvError> {
        self.with(|conn| {
            let row = conn.query_opt(
                "SELECT value FROM kv WHERE namespace = $1 AND key = $2",
                &[&namespace, &key],
            )?;
            Ok(row.map(|row| row.try_get(0)).transpose()?)
        })
        .map_err(unavailable)
    }

    fn set(&self, namespace: &str, key: &str, value: &[u8]) -> Result<(), KvError> {
        self.with(|conn| {
            conn.execute(
                "INSERT INTO kv (namespace, key, value) VALUES ($1, $2, $3) \
                 ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value",
                &[&namespace, &key, &value],
            )?;
            Ok(())
        })
        .map_err(unavailable)
    }

    fn delete(&self, namespace: &str, key: &str) -> Result<(), KvError> {
        self.with(|conn| {
            conn.execute(
                "DELETE FROM kv WHERE namespace = $1 AND key = $2",
                &[&namespace, &key],
            )?;
            Ok(())
        })
        .map_err(unavailable)
    }

    fn keys(&self, namespace: &str, prefix: &str) -> Result<Vec<String>, KvError> {
        self.with(|conn| {
            // A range, not LIKE: prefixes may hold '%' and '_'. Keys compare
            // bytewise (COLLATE "C" in the schema).
            let rows = conn.query(
                "SELECT key FROM kv WHERE namespace = $1 AND key >= $2 \
                 AND starts_with(key, $2) ORDER BY key",
                &[&namespace, &prefix],
            )?;
            Ok(rows
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<_, _>>()?)
        })
        .map_err(unavailable)
    }
}
