//! Live events: what happened at the gateway, after it is committed, for
//! whoever listens (the API's Server-Sent Events). A listener that falls
//! behind loses the oldest events, never slows the gateway.

use plutanium_core::{DeliveryState, Event};
use plutanium_modem::ModemState;
use serde::Serialize;
use tokio::sync::{broadcast, watch};

use crate::messages_cli::time_text;

/// One live event, as JSON: `{"type": "sms", …}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum LiveEvent {
    /// An SMS arrived and is stored.
    Sms {
        /// `in-N`.
        id: String,
        from: String,
        to: String,
        modem: String,
        text: String,
        at: String,
    },
    /// A call rang.
    Call {
        id: Option<i64>,
        modem: String,
        caller: Option<String>,
        at: String,
    },
    /// An outbound message changed state.
    Outbound {
        /// `out-N`, or the key when only that is known.
        id: String,
        status: String,
        modem: Option<String>,
        detail: Option<String>,
    },
    /// A modem changed state.
    Modem {
        name: String,
        state: String,
        detail: Option<String>,
    },
}

/// Where live events go.
pub(crate) type Live = broadcast::Sender<LiveEvent>;

/// A new bus; it keeps the newest 1024 events for slow listeners.
pub(crate) fn channel() -> Live {
    broadcast::channel(1024).0
}

/// The live event for a routed gateway event, when there is one.
pub(crate) fn of_event(event: &Event, stored_id: Option<i64>) -> Option<LiveEvent> {
    Some(match event {
        Event::Sms(sms) => LiveEvent::Sms {
            id: stored_id.map_or_else(|| sms.id.clone(), |id| format!("in-{id}")),
            from: sms.sender.clone(),
            to: sms.recipient.clone(),
            modem: sms.modem.clone(),
            text: sms.text.clone(),
            at: time_text(sms.received_at),
        },
        Event::Call(call) => LiveEvent::Call {
            id: stored_id,
            modem: call.modem.clone(),
            caller: call.caller.clone(),
            at: time_text(call.at),
        },
        Event::Status(status) => LiveEvent::Outbound {
            id: status.key.clone(),
            status: match status.state {
                DeliveryState::Sent => "sent",
                DeliveryState::Delivered => "delivered",
                DeliveryState::Failed => "failed",
                DeliveryState::Expired => "expired",
            }
            .into(),
            modem: None,
            detail: status.detail.clone(),
        },
    })
}

/// The name and detail of a modem state.
pub(crate) fn modem_state(state: &ModemState) -> (&'static str, Option<String>) {
    match state {
        ModemState::Connecting => ("connecting", None),
        ModemState::Initializing => ("initializing", None),
        ModemState::Ready => ("ready", None),
        ModemState::Reconnecting { attempt, retry_in } => (
            "reconnecting",
            Some(format!(
                "attempt {attempt}, next in {} s",
                retry_in.as_secs()
            )),
        ),
        ModemState::Failed(why) => ("failed", Some(why.clone())),
        ModemState::Stopped => ("stopped", None),
        _ => ("unknown", None),
    }
}

/// Tells `live` each state `modem` goes through, until its driver ends.
pub(crate) async fn watch_modem(name: String, mut state: watch::Receiver<ModemState>, live: Live) {
    loop {
        let (text, detail) = modem_state(&state.borrow_and_update());
        let _ = live.send(LiveEvent::Modem {
            name: name.clone(),
            state: text.into(),
            detail,
        });
        if state.changed().await.is_err() {
            return;
        }
    }
}
