//! The durable key-value store connectors use, behind a trait: the store
//! crate implements it in SQL, the runtime gives each connector a namespace
//! of it, and [`MemoryKv`] is the test double.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Why a KV operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KvError {
    /// The store cannot be reached now.
    #[error("key-value store unavailable: {0}")]
    Unavailable(String),
}

/// A durable store, namespaced per connector by the caller.
pub trait KvStore: Send + Sync {
    /// The value for `key` in `namespace`.
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Vec<u8>>, KvError>;
    /// Sets `key` durably.
    fn set(&self, namespace: &str, key: &str, value: &[u8]) -> Result<(), KvError>;
    /// Removes `key`.
    fn delete(&self, namespace: &str, key: &str) -> Result<(), KvError>;
    /// Keys starting with `prefix`, in order.
    fn keys(&self, namespace: &str, prefix: &str) -> Result<Vec<String>, KvError>;
    /// Sets `key` to `new` (removes it when `new` is `None`) only if its
    /// value is `expected` now (`None`: the key is absent), atomically for
    /// every process sharing the store: of several racing writers that
    /// expected the same value, exactly one succeeds. Returns whether it
    /// did; `false` changed nothing.
    fn compare_and_set(
        &self,
        namespace: &str,
        key: &str,
        expected: Option<&[u8]>,
        new: Option<&[u8]>,
    ) -> Result<bool, KvError>;
}

/// Entries by (namespace, key).
type Entries = BTreeMap<(String, String), Vec<u8>>;

/// An in-memory [`KvStore`] for tests.
#[derive(Debug, Default, Clone)]
pub struct MemoryKv {
    entries: Arc<Mutex<Entries>>,
}

impl MemoryKv {
    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl KvStore for MemoryKv {
    fn get(&self, namespace: &str, key: &str) -> Result<Option<Vec<u8>>, KvError> {
        Ok(self
            .lock()
            .get(&(namespace.to_string(), key.to_string()))
            .cloned())
    }

    fn set(&self, namespace: &str, key: &str, value: &[u8]) -> Result<(), KvError> {
        self.lock()
            .insert((namespace.to_string(), key.to_string()), value.to_vec());
        Ok(())
    }

    fn delete(&self, namespace: &str, key: &str) -> Result<(), KvError> {
        self.lock()
            .remove(&(namespace.to_string(), key.to_string()));
        Ok(())
    }

    fn keys(&self, namespace: &str, prefix: &str) -> Result<Vec<String>, KvError> {
        Ok(self
            .lock()
            .keys()
            .filter(|(ns, k)| ns == namespace && k.starts_with(prefix))
            .map(|(_, k)| k.clone())
            .collect())
    }

    fn compare_and_set(
        &self,
        namespace: &str,
        key: &str,
        expected: Option<&[u8]>,
        new: Option<&[u8]>,
    ) -> Result<bool, KvError> {
        let mut entries = self.lock();
        let entry = (namespace.to_string(), key.to_string());
        if entries.get(&entry).map(Vec::as_slice) != expected {
            return Ok(false);
        }
        match new {
            Some(value) => entries.insert(entry, value.to_vec()),
            None => entries.remove(&entry),
        };
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_and_set_changes_only_the_value_it_expected() {
        let kv = MemoryKv::default();
        assert!(kv.compare_and_set("c", "k", None, Some(b"1")).unwrap());
        assert!(!kv.compare_and_set("c", "k", None, Some(b"2")).unwrap());
        assert!(
            !kv.compare_and_set("c", "k", Some(b"0"), Some(b"2"))
                .unwrap()
        );
        assert_eq!(kv.get("c", "k").unwrap().as_deref(), Some(&b"1"[..]));
        assert!(kv.compare_and_set("c", "k", Some(b"1"), None).unwrap());
        assert_eq!(kv.get("c", "k").unwrap(), None);
    }
}
