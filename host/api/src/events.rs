//! `GET /api/v1/events`: live events as Server-Sent Events — each an
//! `event:` named by its type (`sms`, `call`, `outbound`, `modem`) with the
//! JSON as `data:` and its `id:`. A client that reconnects with
//! `Last-Event-ID` (as a browser's EventSource does by itself) first gets
//! every event after that id from the store's live event log, across daemon
//! restarts, up to [`MAX_REPLAY`]. A listener too slow to keep up gets a
//! `lagged` event saying how many it missed. A token holds at most
//! [`MAX_STREAMS_PER_TOKEN`] streams at once (429 past that).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use plutanium_store::LoggedEvent;
use tokio::sync::broadcast::error::RecvError;

use crate::tokens::{Scope, TokenEntry};
use crate::{ApiError, Shared, need};

/// Event streams one token may hold open at once: a dashboard or two and
/// some browser tabs, not a leak that opens one per second.
pub const MAX_STREAMS_PER_TOKEN: usize = 8;

/// The most events a resumed stream replays; past that it gets a `lagged`
/// event and should reload what it shows (a client away for a day).
pub const MAX_REPLAY: u32 = 10_000;

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

/// `Last-Event-ID`, when a client resumes: an id this API gave.
fn last_event_id(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get("last-event-id") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>().map(Some).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("Last-Event-ID {text:?} is not an event id this API gave (they are numbers)"),
        )
    })
}

/// An event as SSE: its type as the event name, its JSON, its id.
fn sse(event: &LoggedEvent) -> Event {
    Event::default()
        .event(&event.kind)
        .data(&event.data)
        .id(event.id.to_string())
}

pub(crate) async fn stream(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    need(&token, Scope::Read)?;
    let resume_after = last_event_id(&headers)?;
    let slot = StreamSlot::take(&state, &token.name).ok_or_else(|| {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("this token has {MAX_STREAMS_PER_TOKEN} event streams open already"),
        )
    })?;
    // Listening starts before the replay is read: an event published in
    // between is in both, and the live copy is skipped by its id.
    let receiver = state.gateway.subscribe();
    let mut replayed = Vec::new();
    let mut seen = 0;
    if let Some(after) = resume_after {
        let missed = state
            .gateway
            .replay(after, MAX_REPLAY)
            .await
            .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()))?;
        seen = missed.last().map_or(after, |e| e.id);
        if missed.len() == MAX_REPLAY as usize {
            replayed.push(Ok(Event::default().event("lagged").data(
                serde_json::json!({ "type": "lagged", "missed": "more than the replay holds" })
                    .to_string(),
            )));
        }
        replayed.extend(missed.iter().map(|e| Ok(sse(e))));
    }
    // Then the modems as they are now, then whatever happens.
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
    let events = futures_util::stream::unfold(
        (receiver, slot, seen),
        |(mut receiver, slot, seen)| async move {
            let event = loop {
                match receiver.recv().await {
                    Ok(live) if live.id <= seen => continue,
                    Ok(live) => break sse(&live),
                    Err(RecvError::Lagged(missed)) => {
                        break Event::default().event("lagged").data(
                            serde_json::json!({ "type": "lagged", "missed": missed }).to_string(),
                        );
                    }
                    Err(RecvError::Closed) => return None,
                }
            };
            Some((Ok(event), (receiver, slot, seen)))
        },
    );
    use futures_util::StreamExt;
    let events = futures_util::stream::iter(replayed)
        .chain(futures_util::stream::iter(current))
        .chain(events);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
