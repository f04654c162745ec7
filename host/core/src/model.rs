//! The messages that flow through a route.

/// Milliseconds since the Unix epoch.
pub type Timestamp = u64;

/// A received SMS, reassembled from all its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundSms {
    /// The store's id for it, stable across restarts.
    pub id: String,
    /// Who sent it, E.164 where the network gave an international number.
    pub sender: String,
    /// The number of the modem that received it.
    pub recipient: String,
    /// The text, decoded.
    pub text: String,
    /// When the network's service centre stamped it.
    pub received_at: Timestamp,
    /// The name of the modem that received it.
    pub modem: String,
    /// Extra facts (`smsc`, `parts`, ...).
    pub meta: Vec<(String, String)>,
}

/// An incoming call, seen as a missed call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The caller's number, `None` when withheld.
    pub caller: Option<String>,
    /// The modem that was called.
    pub modem: String,
    /// When it rang.
    pub at: Timestamp,
}

/// Where a sent message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// The network took it.
    Sent,
    /// The phone has it.
    Delivered,
    /// The network gave up.
    Failed,
    /// Its validity ran out before delivery.
    Expired,
}

impl DeliveryState {
    /// Its name in the API and the live events: `sent`, `delivered`,
    /// `failed` or `expired`.
    pub fn name(self) -> &'static str {
        match self {
            DeliveryState::Sent => "sent",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
            DeliveryState::Expired => "expired",
        }
    }
}

/// A delivery report for a message sent earlier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryStatus {
    /// The idempotency key of the outbound message.
    pub key: String,
    /// Its destination.
    pub to: String,
    /// Where it stands.
    pub state: DeliveryState,
    /// The network's reason, when there is one.
    pub detail: Option<String>,
    /// When the report was made.
    pub at: Timestamp,
}

/// What a route carries to processors and sinks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// An inbound SMS.
    Sms(InboundSms),
    /// An incoming call.
    Call(Call),
    /// A delivery report.
    Status(DeliveryStatus),
}

/// How to encode an outbound text: the codec's own policy (`auto`,
/// `gsm7`, `gsm7-strip`, `ucs2`), named and parsed there.
pub use plutanium_sms::EncodingPolicy as Encoding;

/// How to send an outbound message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SendOptions {
    /// The alphabet policy.
    pub encoding: Encoding,
    /// Ask the network for a delivery report.
    pub status_report: bool,
    /// A class 0 (flash) message.
    pub flash: bool,
    /// How long the network keeps trying, when not its default.
    pub validity_minutes: Option<u32>,
    /// A modem of the route to use, instead of any healthy one.
    pub modem: Option<String>,
}

/// A message to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outbound {
    /// The destination.
    pub to: String,
    /// The text.
    pub text: String,
    /// The idempotency key: one key is sent at most once.
    pub key: String,
    /// How to send it.
    pub options: SendOptions,
}

/// What a processor wants done with an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Answer the sender of the event.
    Reply(String),
    /// Send a new message.
    Send(Outbound),
    /// Stop the event here: later processors and sinks do not see it.
    Drop,
}
