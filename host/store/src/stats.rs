//! What the store holds, counted: for health pages, metrics and the
//! message log's summary.

/// Rows by state, for health pages and metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Outbox rows waiting to be sent.
    pub queued: u64,
    /// Outbox rows claimed by a sender.
    pub sending: u64,
    /// Sent, no delivery report yet.
    pub sent: u64,
    /// Delivered.
    pub delivered: u64,
    /// Given up.
    pub failed: u64,
    /// Expired before they could be sent or delivered.
    pub expired: u64,
    /// Complete inbound messages.
    pub inbox: u64,
    /// Parts of incomplete inbound messages.
    pub inbox_parts: u64,
    /// Logged calls.
    pub calls: u64,
}

/// How many messages of one kind the log holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageCount {
    /// `in` or `out`.
    pub direction: &'static str,
    /// The outbox state, or `received`.
    pub status: String,
    /// The modem (empty for outbound rows not sent yet).
    pub modem: String,
    /// How many.
    pub count: u64,
}
