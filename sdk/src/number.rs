//! Phone numbers: from what people type to E.164 (`+420777123456`).
//!
//! The same rules the daemon uses for its config (they live in
//! `plutanium-sms`); a [`NumberError`] converts into a permanent [`Error`].
//!
//! ```
//! use plutanium_sdk::number::normalize;
//! assert_eq!(normalize("00420 777 123 456", None).unwrap(), "+420777123456");
//! let e: plutanium_sdk::Error = normalize("abc", None).unwrap_err().into();
//! assert!(matches!(e, plutanium_sdk::Error::Permanent(_)));
//! ```

pub use plutanium_sms::number::{NumberError, is_short_code, normalize, same};

use crate::Error;

impl From<NumberError> for Error {
    /// A bad number will never work: permanent.
    fn from(e: NumberError) -> Self {
        Error::Permanent(e.to_string())
    }
}
