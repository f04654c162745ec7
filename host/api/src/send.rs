//! Queuing SMS: `POST /api/v1/messages` (one) and
//! `POST /api/v1/messages/batch` (up to [`MOST_PER_BATCH`], each with its
//! own idempotency key and its own result). Both answer only once what they
//! accepted is durable; the gateway commits the sends that arrive together
//! in one transaction.

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use plutanium_core::policy::RateLimiter;
use plutanium_core::time;
use plutanium_gateway::outbound::{Checked, Rejection, SendItem};
use plutanium_store::Enqueued;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::messages::blocking;
use crate::tokens::{Scope, TokenEntry};
use crate::{ApiError, Body, Shared, need};

/// The most messages one batch request may carry.
pub(crate) const MOST_PER_BATCH: usize = 1_000;

/// A refused message as the API reports it: 400 for a malformed request,
/// 422 for a message the config refuses.
fn refused(rejection: &Rejection) -> ApiError {
    let status = if rejection.malformed() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    ApiError::field(status, rejection.field(), rejection.to_string())
}

/// An item made into a checked message for `token`, or why not.
fn check(state: &Shared, token: &TokenEntry, item: SendItem) -> Result<Checked, Rejection> {
    let submission = item.submission(&format!("api:{}", token.name), "api", || {
        format!("api:{}:{}:{}", token.name, time::now(), next_serial())
    })?;
    state.gateway.check(submission)
}

/// Takes one send from `token`'s allowance, or says when to come back
/// (in whole seconds).
fn spend(state: &Shared, token: &TokenEntry) -> Result<(), u64> {
    let now = time::now();
    let mut limiters = state.limiters.lock().unwrap_or_else(|e| e.into_inner());
    limiters
        .entry(token.name.clone())
        .or_insert_with(|| RateLimiter::new(token.per_minute, std::time::Duration::from_secs(60)))
        .try_acquire(&token.name, now)
        .map_err(|free_at| free_at.saturating_sub(now).div_ceil(1000).max(1))
}

fn too_many(token: &TokenEntry) -> String {
    format!(
        "this token may queue {} messages a minute",
        token.per_minute
    )
}

/// Queues one SMS: 202 with its id; the same `key` again gives the same id
/// (200) and queues nothing.
pub(crate) async fn send(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
    body: Result<Body<SendItem>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    need(&token, Scope::Send)?;
    let Body(item) = body?;
    let keyed = item.key.is_some();
    let checked = check(&state, &token, item).map_err(|r| refused(&r))?;
    // A repeat is answered before the rate limit: it queues nothing.
    if keyed {
        let lookup = checked.row.key.clone();
        let store = state.store().clone();
        if let Some(row) = blocking(move || store.outbound_by_key(&lookup)).await? {
            return Ok((
                StatusCode::OK,
                Json(
                    json!({ "id": format!("out-{}", row.id), "duplicate": true, "status": row.state.name() }),
                ),
            ));
        }
    }
    spend(&state, &token).map_err(|wait| ApiError {
        retry_after: Some(wait),
        ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, too_many(&token))
    })?;
    let (to, parts) = (checked.row.to.clone(), checked.parts);
    match state
        .gateway
        .queue(checked)
        .await
        .map_err(ApiError::internal)?
    {
        Enqueued::Queued(id) => Ok((
            StatusCode::ACCEPTED,
            Json(
                json!({ "id": format!("out-{id}"), "to": to, "parts": parts, "status": "queued" }),
            ),
        )),
        Enqueued::Duplicate(id) => Ok((
            StatusCode::OK,
            Json(json!({ "id": format!("out-{id}"), "duplicate": true })),
        )),
    }
}

/// `POST /api/v1/messages/batch`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BatchRequest {
    /// Each message as [`SendItem`] reads it; read one by one, so a
    /// malformed one is refused alone.
    messages: Vec<Value>,
}

/// Queues up to [`MOST_PER_BATCH`] messages in one request: 200 with one
/// result per message, in order, each `accepted` (with its id and parts),
/// `duplicate` (its key was queued before; the id it has) or `refused`
/// (with the field at fault and why). A refused message never holds the
/// others back; the accepted ones are durable when the answer comes.
pub(crate) async fn batch(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
    body: Result<Body<BatchRequest>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    need(&token, Scope::Send)?;
    let Body(request) = body?;
    if request.messages.len() > MOST_PER_BATCH {
        return Err(ApiError::field(
            StatusCode::PAYLOAD_TOO_LARGE,
            "messages",
            format!(
                "{} messages in one request; send at most {MOST_PER_BATCH} per request",
                request.messages.len()
            ),
        ));
    }
    let mut results: Vec<Value> = Vec::with_capacity(request.messages.len());
    let mut checked = Vec::new();
    let mut slots = Vec::new();
    let mut keyed = Vec::new();
    for value in request.messages {
        let item = SendItem::from_json(value);
        let has_key = item.as_ref().is_ok_and(|item| item.key.is_some());
        match item.and_then(|item| check(&state, &token, item)) {
            Ok(message) => {
                if has_key {
                    keyed.push((checked.len(), message.row.key.clone()));
                }
                slots.push(results.len());
                results.push(Value::Null);
                checked.push(message);
            }
            Err(rejection) => results.push(json!({
                "status": "refused",
                "field": rejection.field(),
                "error": rejection.to_string(),
            })),
        }
    }
    // Keys queued before are answered as duplicates before the rate
    // limit, as for a single send: they queue nothing.
    if !keyed.is_empty() {
        let store = state.store().clone();
        let known = blocking(move || {
            let mut known = Vec::new();
            for (n, key) in keyed {
                if let Some(row) = store.outbound_by_key(&key)? {
                    known.push((n, row.id));
                }
            }
            Ok(known)
        })
        .await?;
        for (n, id) in known.into_iter().rev() {
            checked.remove(n);
            let slot = slots.remove(n);
            results[slot] = json!({ "status": "duplicate", "id": format!("out-{id}") });
        }
    }
    // The allowance goes to the first messages; the rest are refused with
    // when to come back.
    let over = (0..checked.len()).find_map(|n| spend(&state, &token).err().map(|wait| (n, wait)));
    let allowed = over.map_or(checked.len(), |(n, _)| n);
    let retry_after = over.map(|(_, wait)| wait);
    for slot in slots.drain(allowed..) {
        results[slot] = json!({
            "status": "refused",
            "field": null,
            "error": format!("{}; try again in {} s", too_many(&token), retry_after.unwrap_or(1)),
            "retry_after": retry_after,
        });
    }
    checked.truncate(allowed);
    let shape: Vec<(String, usize)> = checked
        .iter()
        .map(|c| (c.row.to.clone(), c.parts))
        .collect();
    let done = if checked.is_empty() {
        Vec::new()
    } else {
        state
            .gateway
            .queue_batch(checked)
            .await
            .map_err(ApiError::internal)?
    };
    for ((slot, enqueued), (to, parts)) in slots.into_iter().zip(done).zip(shape) {
        results[slot] = match enqueued {
            Enqueued::Queued(id) => json!({
                "status": "accepted", "id": format!("out-{id}"), "to": to, "parts": parts,
            }),
            Enqueued::Duplicate(id) => json!({ "status": "duplicate", "id": format!("out-{id}") }),
        };
    }
    let count = |status: &str| results.iter().filter(|r| r["status"] == status).count();
    Ok(Json(json!({
        "accepted": count("accepted"),
        "duplicates": count("duplicate"),
        "refused": count("refused"),
        "results": results,
    })))
}

/// Distinguishes keyless messages queued in the same millisecond.
fn next_serial() -> u64 {
    static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}
