//! The shape of a GSM 7-bit character table (TS 23.038 §6.2.1).
//!
//! It has a module of its own because two modules hold tables of this shape:
//! [`crate::gsm7`] the default alphabet and its extension table, and the
//! generated [`crate::national`] the national language tables. With the shape
//! here, the national tables need nothing from `gsm7`, and `gsm7`, which looks
//! characters up in them, is the only one of the two that depends on the other.

/// One 128-entry GSM 7-bit table, indexed by septet; `None` marks a position
/// with no character.
pub(crate) type Table = [Option<char>; 128];
