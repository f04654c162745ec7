//! Huawei HiLink's web API (E3372h, E8372, B535 and their kin), as far as
//! Plutanium drives a HiLink device through it (`hilink://HOST`): sending
//! with `/api/sms/send-sms` and following `/api/sms/send-status`, reading
//! and deleting the inbox, and the radio from `/api/monitoring/status` and
//! `/api/device/signal`.
//!
//! - [`url`]: the port URL and its errors.
//! - [`api`]: the XML shapes (quick-xml with serde, element order kept),
//!   the `<error>` answer and what each code means; no I/O.
//! - [`session`]: the `SessionID` cookie, the rotating CSRF tokens, the
//!   login's password encoding and CESU-8; no I/O.
//! - [`client`]: the HTTP calls, one at a time, renewing a stale session
//!   once, with typed errors.
//!
//! The shapes and rules follow the `huawei-lte-api` Python project (the
//! best-kept client) and captures published by other clients.

pub mod api;
pub mod client;
pub mod session;
pub mod url;

pub use api::{ApiError, Message, MonitoringStatus, SendStatus};
pub use client::{Device, DeviceError};
pub use url::{HilinkUrl, InvalidHilinkUrl};
