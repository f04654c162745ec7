//! Being told when another process sharing the store commits something
//! ([`Store::watch`](crate::Store::watch)), instead of looking every so
//! often.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What to be told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// New outbox rows: a node that drives a modem sends them at once.
    Outbox,
    /// New live events: every node's event stream shows the whole
    /// cluster's.
    LiveEvents,
}

impl Channel {
    /// Its name on the database (`LISTEN`/`NOTIFY`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Channel::Outbox => "plutanium_outbox",
            Channel::LiveEvents => "plutanium_live",
        }
    }
}

/// What a watch calls when another process committed something.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// A watch: it lasts until dropped.
#[derive(Debug)]
pub struct Watch {
    stop: Arc<AtomicBool>,
}

impl Watch {
    pub(crate) fn new(stop: Arc<AtomicBool>) -> Self {
        Watch { stop }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}
