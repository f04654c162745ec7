//! The traits a route's stages implement.

use std::time::Duration;

use async_trait::async_trait;

use crate::model::{Action, Event, Outbound};

/// Why a stage did not do its work.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StageError {
    /// The stage's config is wrong; retrying will not help until it changes.
    #[error("config error: {0}")]
    Config(String),
    /// Worth trying again later.
    #[error("transient error: {0}")]
    Transient(String),
    /// This input will never work.
    #[error("permanent error: {0}")]
    Permanent(String),
    /// The stage itself failed (crashed, ran past its deadline or its memory)
    /// or is restarting after that; try again after `retry_in`.
    #[error("{reason} (retry in {:.1} s)", retry_in.as_secs_f64())]
    Unavailable {
        /// What happened.
        reason: String,
        /// How long to wait before the next try.
        retry_in: Duration,
    },
}

impl StageError {
    /// Whether the same call may succeed later without a config change.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            StageError::Transient(_) | StageError::Unavailable { .. }
        )
    }
}

/// Sees each event of a route and says what to do.
#[async_trait]
pub trait Processor: Send {
    /// The stage's name, for logs and metrics.
    fn name(&self) -> &str;
    /// The actions for `event`, in order; empty passes the event on unchanged.
    async fn handle(&mut self, event: &Event) -> Result<Vec<Action>, StageError>;
}

/// Receives the events routed to it.
#[async_trait]
pub trait Sink: Send {
    /// The stage's name.
    fn name(&self) -> &str;
    /// Delivers one event.
    async fn deliver(&mut self, event: &Event) -> Result<(), StageError>;
}

/// Is polled for messages to send.
///
/// The core commits what `poll` returned to the outbox and then calls `ack`
/// with the committed keys, or `reject` with the keys its policy refused.
/// Until then the same keys may be offered again.
#[async_trait]
pub trait Source: Send {
    /// The stage's name.
    fn name(&self) -> &str;
    /// Up to `max` messages, oldest first.
    async fn poll(&mut self, max: u32) -> Result<Vec<Outbound>, StageError>;
    /// These keys are committed to the outbox.
    async fn ack(&mut self, keys: &[String]) -> Result<(), StageError>;
    /// These keys were refused, each with its reason.
    async fn reject(&mut self, refused: &[(String, String)]) -> Result<(), StageError>;
}
