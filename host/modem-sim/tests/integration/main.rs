//! Integration tests of the simulated network, one binary for the crate: the
//! sans-IO network through the host-side AT parser, and the real modem driver
//! against the simulator in-process and over TCP.

mod driver;
mod hilink;
mod network;
mod profiles;
mod routeros;
mod storage;
