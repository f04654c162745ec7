//! `GET /api/v1/events`: live events as Server-Sent Events — each an
//! `event:` named by its type (`sms`, `call`, `outbound`, `modem`) with the
//! JSON as `data:`. A listener too slow to keep up gets a `lagged` event
//! saying how many it missed.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::tokens::{Scope, TokenEntry};
use super::{ApiError, Shared, need};

pub(super) async fn stream(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    need(&token, Scope::Read)?;
    let receiver = state
        .live
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map(|live| live.subscribe())
        .ok_or_else(|| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the gateway is starting"))?;
    // First the modems as they are now, then whatever happens.
    let current: Vec<Result<Event, Infallible>> = state
        .modems()
        .into_iter()
        .map(|(name, handle)| {
            let (text, detail) = crate::live::modem_state(&handle.state().borrow());
            let live = crate::live::LiveEvent::Modem {
                name,
                state: text.into(),
                detail,
            };
            let json = serde_json::to_value(&live).unwrap_or_default();
            Ok(Event::default().event("modem").data(json.to_string()))
        })
        .collect();
    let events = futures_util::stream::unfold(receiver, |mut receiver| async move {
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
        Some((Ok(event), receiver))
    });
    use futures_util::StreamExt;
    let events = futures_util::stream::iter(current).chain(events);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
