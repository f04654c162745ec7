//! The `plutanium` binary's integration tests, one binary for the crate: the
//! command line's golden files, and `plutanium sim` / `plutanium modem` as processes.

mod cli;
mod config;
mod connector;
mod sim;
