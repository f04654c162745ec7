//! A simulated GSM network for Plutanium: modems that speak AT, virtual phones,
//! an SMSC with realistic or zero latency, quirk profiles and fault injection.
//!
//! What it is: a real network model, not a mock. An SMS sent by one modem arrives
//! at the phone or modem it was addressed to, long texts travel as real multipart
//! PDUs, status reports come back when asked for, and storage really deletes.
//! The core ([`Network`]) is sans-IO and deterministic (seeded); front ends feed
//! it bytes and time.
//!
//! What it is not: a radio simulator. Signal, registration and the operator are
//! fixed values; text mode (`AT+CMGF=1`) is not simulated.

pub mod control;
mod front;
mod hilink;
mod line_reader;
mod modem;
mod network;
mod profile;
#[cfg(unix)]
mod pty;
mod routeros;
mod server;

pub use hilink::{FakeHilink, HilinkOptions};
pub use modem::ModemConfig;
pub use network::{Fault, Latency, ModemId, ModemSummary, Network, PhoneMessage, SMSC, SimError};
pub use profile::{Profile, UnknownProfile};
pub use routeros::{FakeRouterOs, RouterOsOptions};
pub use server::Simulator;
