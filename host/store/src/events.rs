//! The live events as they were published (`sms`, `call`, `outbound`,
//! `modem`), each with the id it carried on the API's event stream, so a
//! client that reconnects with `Last-Event-ID` gets what it missed. Written
//! in batches by the gateway, kept for the retention like the event log.

use plutanium_core::Timestamp;

/// One published live event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedEvent {
    /// Its id on the event stream: increasing, never reused.
    pub id: i64,
    /// When it was published, ms.
    pub at: Timestamp,
    /// Its type: the SSE event name.
    pub kind: String,
    /// Its JSON.
    pub data: String,
}
