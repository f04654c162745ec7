//! MikroTik RouterOS's REST API, as far as Plutanium drives a router's LTE
//! modem through it (`routeros+https://USER@HOST/INTERFACE`): sending with
//! `/tool/sms/send`, and reading and removing `/tool/sms/inbox`.
//!
//! - [`url`]: the port URL and its errors.
//! - [`api`]: the request and answer shapes, and what RouterOS can send
//!   whole ([`check_sendable`]); no I/O, so it is tested on its own.
//! - [`client`]: the HTTP calls, their typed errors and which of them are
//!   worth retrying.
//!
//! The modem driver (`plutanium-modem`) turns these into the same handle
//! and events an AT modem has, and `plutanium-modem-sim` serves a fake
//! router over its simulated network for tests and `plutanium sim`.

pub mod api;
pub mod client;
pub mod url;

pub use api::{InboxItem, LteStatus, MAX_SEPTETS, Unsendable, check_sendable};
pub use client::{Router, RouterError};
pub use url::{InvalidRouterOsUrl, RouterOsUrl};
