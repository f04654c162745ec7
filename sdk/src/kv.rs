//! The connector's durable key-value store.
//!
//! Each connector has its own namespace; values survive restarts of the
//! component and of the daemon. Keys are strings, values bytes; the `_str`
//! functions store UTF-8 text.

use std::fmt;

use crate::Error;

// Defined with the other data the host layer passes, so that `host_calls`
// and the fake host need not use this module; its impls are below.
pub use crate::host_types::KvError;

impl fmt::Display for KvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KvError::Unavailable(reason) => write!(f, "key-value store unavailable: {reason}"),
            KvError::TooLarge(size) => write!(f, "{size} bytes is more than the store takes"),
        }
    }
}

impl std::error::Error for KvError {}

impl From<KvError> for Error {
    /// An unavailable store is worth retrying; an oversized value is not.
    fn from(e: KvError) -> Self {
        match e {
            KvError::Unavailable(_) => Error::Transient(e.to_string()),
            KvError::TooLarge(_) => Error::Permanent(e.to_string()),
        }
    }
}

/// The value under `key`, if any.
pub fn get(key: &str) -> Result<Option<Vec<u8>>, KvError> {
    crate::host_calls::kv_get(key)
}

/// Stores `value` under `key`, replacing what was there.
pub fn set(key: &str, value: &[u8]) -> Result<(), KvError> {
    crate::host_calls::kv_set(key, value)
}

/// Removes `key`; removing a missing key is not an error.
pub fn delete(key: &str) -> Result<(), KvError> {
    crate::host_calls::kv_delete(key)
}

/// Every key that starts with `prefix`, sorted.
pub fn keys(prefix: &str) -> Result<Vec<String>, KvError> {
    crate::host_calls::kv_keys(prefix)
}

/// Sets `key` to `new` (removes it when `new` is `None`) only if its value
/// is `expected` now (`None`: the key is absent), and says whether it did.
/// Atomic across every gateway node sharing the store, so a value several
/// instances update (a counter, the current redirect target) is read,
/// changed and written back without losing another node's change:
///
/// ```no_run
/// # fn main() -> Result<(), plutanium_sdk::kv::KvError> {
/// use plutanium_sdk::kv;
/// loop {
///     let old = kv::get("count")?;
///     let n: u64 = old
///         .as_deref()
///         .and_then(|v| std::str::from_utf8(v).ok()?.parse().ok())
///         .unwrap_or(0);
///     let new = (n + 1).to_string();
///     if kv::compare_and_set("count", old.as_deref(), Some(new.as_bytes()))? {
///         break;
///     }
/// }
/// # Ok(())
/// # }
/// ```
pub fn compare_and_set(
    key: &str,
    expected: Option<&[u8]>,
    new: Option<&[u8]>,
) -> Result<bool, KvError> {
    crate::host_calls::kv_compare_and_set(key, expected, new)
}

/// The value under `key` as text; bytes that are not UTF-8 are replaced.
pub fn get_str(key: &str) -> Result<Option<String>, KvError> {
    Ok(get(key)?.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
}

/// Stores `value` as UTF-8 under `key`.
pub fn set_str(key: &str, value: &str) -> Result<(), KvError> {
    set(key, value.as_bytes())
}
