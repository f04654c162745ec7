//! The contract's types, with constructors that fill in the usual defaults.

pub use crate::bindings::processor::plutanium::gateway::types::{
    Action, Call, DeliveryState, DeliveryStatus, Encoding, Error, Event, Outbound, SendOptions,
    Sms, Timestamp,
};

impl Error {
    /// The connector's config is wrong; the host reports it and does not retry.
    pub fn config(message: impl Into<String>) -> Self {
        Error::Config(message.into())
    }

    /// Worth trying again later (a timeout, a 503, a full mailbox).
    pub fn transient(message: impl Into<String>) -> Self {
        Error::Transient(message.into())
    }

    /// This input will never work; the host gives it up with the reason.
    pub fn permanent(message: impl Into<String>) -> Self {
        Error::Permanent(message.into())
    }

    /// The message, without the kind.
    pub fn message(&self) -> &str {
        match self {
            Error::Config(m) | Error::Transient(m) | Error::Permanent(m) => m,
        }
    }
}

impl Default for SendOptions {
    /// Automatic encoding, no status report, not flash, the network's
    /// validity, any modem of the route.
    fn default() -> Self {
        SendOptions {
            encoding: Encoding::Auto,
            status_report: false,
            flash: false,
            validity_minutes: None,
            modem: None,
        }
    }
}

impl Outbound {
    /// A message to `to` with default options. `key` must identify this
    /// message for good: the host sends nothing twice for one key.
    pub fn new(to: impl Into<String>, text: impl Into<String>, key: impl Into<String>) -> Self {
        Outbound {
            to: to.into(),
            text: text.into(),
            key: key.into(),
            options: SendOptions::default(),
        }
    }

    /// The same message with other send options.
    pub fn with_options(mut self, options: SendOptions) -> Self {
        self.options = options;
        self
    }
}

impl Action {
    /// Answers the sender of the event.
    pub fn reply(text: impl Into<String>) -> Self {
        Action::Reply(text.into())
    }

    /// Sends a new message (see [`Outbound::new`] for the key).
    pub fn send(to: impl Into<String>, text: impl Into<String>, key: impl Into<String>) -> Self {
        Action::Send(Outbound::new(to, text, key))
    }
}
