//! The gateway's integration tests: a real gateway on the simulated
//! network, over a real SQLite store, with real components built from
//! source.

mod builtin;
mod cluster;
mod examples;
mod faults;
mod gmail;
mod lifecycle;
mod logs;
mod multipart;
mod oauth;
mod paths;
mod sources;
mod support;
