//! `GET /api/v1/events`: live events as Server-Sent Events — each an
//! `event:` named by its type (`sms`, `call`, `outbound`, `modem`) with the
//! JSON as `data:`. A listener too slow to keep up gets a `lagged` event
//! saying how many it missed. A token holds at most
//! [`MAX_STREAMS_PER_TOKEN`] streams at once (429 past that).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use crate::tokens::{Scope, TokenEntry};
use crate::{ApiError, Shared, need};

/// Event streams one token may hold open at once: a dashboard or two and
/// some browser tabs, not a leak that opens one per second.
pub const MAX_STREAMS_PER_TOKEN: usize = 8;

/// One open stream of a token, counted while it lives.
struct StreamSlot {
    state: Shared,
    token: String,
}

impl StreamSlot {
    fn take(state: &Shared, token: &str) -> Option<StreamSlot> {
        let mut streams = state.streams.lock().unwrap_or_else(|e| e.into_inner());
        let open = streams.entry(token.to_string()).or_default();
        if *open >= MAX_STREAMS_PER_TOKEN {
            return None;
        }
        *open += 1;
        Some(StreamSlot {
            state: state.clone(),
            token: token.to_string(),
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut streams = self.state.streams.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(open) = streams.get_mut(&self.token) {
            *open = open.saturating_sub(1);
            if *open == 0 {
                streams.remove(&self.token);
            }
        }
    }
}

pub(crate) async fn stream(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    need(&token, Scope::Read)?;
    let slot = StreamSlot::take(&state, &token.name).ok_or_else(|| {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("this token has {MAX_STREAMS_PER_TOKEN} event streams open already"),
        )
    })?;
    let receiver = state.gateway.subscribe();
    // First the modems as they are now, then whatever happens.
    let current: Vec<Result<Event, Infallible>> = state
        .modems()
        .into_iter()
        .map(|(name, handle)| {
            let (text, detail) = plutanium_gateway::live::modem_state(&handle.state().borrow());
            let live = plutanium_gateway::live::LiveEvent::Modem {
                name,
                state: text.into(),
                detail,
            };
            let json = serde_json::to_value(&live).unwrap_or_default();
            Ok(Event::default().event("modem").data(json.to_string()))
        })
        .collect();
    // The slot lives as long as the stream: it is freed when the client goes.
    let events =
        futures_util::stream::unfold((receiver, slot), |(mut receiver, slot)| async move {
            let event = match receiver.recv().await {
                Ok(live) => {
                    let json = serde_json::to_value(&live).unwrap_or_default();
                    let kind = json["type"].as_str().unwrap_or("event").to_string();
                    Event::default().event(kind).data(json.to_string())
                }
                Err(RecvError::Lagged(missed)) => Event::default()
                    .event("lagged")
                    .data(serde_json::json!({ "type": "lagged", "missed": missed }).to_string()),
                Err(RecvError::Closed) => return None,
            };
            Some((Ok(event), (receiver, slot)))
        });
    use futures_util::StreamExt;
    let events = futures_util::stream::iter(current).chain(events);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
