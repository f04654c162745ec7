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

    fn compare_and_set(
        &self,
        namespace: &str,
        key: &str,
        expected: Option<&[u8]>,
        new: Option<&[u8]>,
    ) -> Result<bool, KvError> {
        self.with(|conn| {
            let mut tx = conn.transaction()?;
            // The row lock orders racing nodes; a key nobody has yet has no
            // row to lock, so for an absent key the insert's unique
            // constraint decides (ON CONFLICT DO NOTHING: the loser sees 0).
            let current: Option<Vec<u8>> = tx
                .query_opt(
                    "SELECT value FROM kv WHERE namespace = $1 AND key = $2 FOR UPDATE",
                    &[&namespace, &key],
                )?
                .map(|row| row.try_get(0))
                .transpose()?;
            if current.as_deref() != expected {
                return Ok(false);
            }
            let changed = match (current.is_some(), new) {
                (false, None) => 1,
                (false, Some(value)) => tx.execute(
                    "INSERT INTO kv (namespace, key, value) VALUES ($1, $2, $3) \
                     ON CONFLICT (namespace, key) DO NOTHING",
                    &[&namespace, &key, &value],
                )?,
                (true, Some(value)) => tx.execute(
                    "UPDATE kv SET value = $3 WHERE namespace = $1 AND key = $2",
                    &[&namespace, &key, &value],
                )?,
                (true, None) => tx.execute(
                    "DELETE FROM kv WHERE namespace = $1 AND key = $2",
                    &[&namespace, &key],
                )?,
            };
            tx.commit()?;
            Ok(changed == 1)
        })
        .map_err(unavailable)
    }
}
