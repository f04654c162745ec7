//! The store's tests: the conformance suite, run against each backend, and
//! what is particular to each backend.

mod conformance;
mod postgres;
mod sqlite;
