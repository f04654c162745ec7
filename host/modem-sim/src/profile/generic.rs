//! A modem that does what 27.005 and 27.007 say, and nothing else: the
//! baseline every other profile departs from.

use super::{STANDARD, Spec};

pub(super) const SPEC: Spec = STANDARD;
