//! The `plutanium` binary's integration tests, one binary for the crate: the
//! command line's golden files, `plutanium sim` / `plutanium modem` as
//! processes, and `plutanium run` against them: sending, the message log,
//! replies from a wasm processor, and crashes (`kill -9`) while sending and
//! receiving.

mod cli;
mod cluster;
mod config;
mod connector;
mod daemon;
mod detect;
mod device_apis;
mod readers;
mod sim;
mod watchdog;
