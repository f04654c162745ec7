//! Messages and calls: queue one, list and read the log.

use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use plutanium_core::Encoding;
use plutanium_core::policy::RateLimiter;
use plutanium_core::time::{self, rfc3339};
use plutanium_gateway::outbound::Submission;
use plutanium_store::{Enqueued, LogPage, OutboxState};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::tokens::{Scope, TokenEntry};
use crate::views::{inbound_json, outbound_json};
use crate::{ApiError, Body, Params, Shared, need};

/// `POST /api/v1/messages`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SendRequest {
    to: String,
    text: String,
    #[serde(default)]
    modem: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default)]
    flash: bool,
    #[serde(default)]
    report: bool,
    #[serde(default)]
    key: Option<String>,
}

/// Runs store work off the async workers.
async fn blocking<R: Send + 'static>(
    work: impl FnOnce() -> Result<R, plutanium_store::StoreError> + Send + 'static,
) -> Result<R, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// Queues one SMS: 202 with its id; the same `key` again gives the same id
/// (200) and queues nothing.
pub(crate) async fn send(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
    body: Result<Body<SendRequest>, ApiError>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    need(&token, Scope::Send)?;
    let Body(request) = body?;
    if request.text.is_empty() {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "text",
            "the text is empty",
        ));
    }
    let encoding = encoding(request.encoding.as_deref())?;
    if let Some(key) = &request.key
        && (key.is_empty() || key.len() > 200 || key.chars().any(char::is_control))
    {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "key",
            "a key is 1 to 200 characters, none of them control characters",
        ));
    }
    let now = time::now();
    let key = match &request.key {
        Some(key) => format!("api:{key}"),
        None => format!("api:{}:{now}:{}", token.name, next_serial()),
    };
    let checked = state
        .gateway
        .check(Submission {
            to: request.to,
            text: request.text,
            modem: request.modem,
            encoding,
            flash: request.flash,
            report: request.report,
            key,
            source: format!("api:{}", token.name),
        })
        .map_err(|rejection| {
            // A modem the config lacks is a wrong request; a message the
            // policy refuses is well formed, and refused.
            let status = match rejection {
                plutanium_gateway::outbound::Rejection::NoSuchModem { .. } => {
                    StatusCode::BAD_REQUEST
                }
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            ApiError::field(status, rejection.field(), rejection.to_string())
        })?;
    // A repeat is answered before the rate limit: it queues nothing.
    if request.key.is_some() {
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
    {
        let mut limiters = state.limiters.lock().unwrap_or_else(|e| e.into_inner());
        let limiter = limiters.entry(token.name.clone()).or_insert_with(|| {
            RateLimiter::new(token.per_minute, std::time::Duration::from_secs(60))
        });
        if let Err(free_at) = limiter.try_acquire(&token.name, now) {
            return Err(ApiError {
                retry_after: Some(free_at.saturating_sub(now).div_ceil(1000).max(1)),
                ..ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "this token may queue {} messages a minute",
                        token.per_minute
                    ),
                )
            });
        }
    }
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

/// `encoding`, `auto` when not given.
fn encoding(name: Option<&str>) -> Result<Encoding, ApiError> {
    name.unwrap_or("auto")
        .parse()
        .map_err(|e: plutanium_core::UnknownEncoding| {
            ApiError::field(StatusCode::BAD_REQUEST, "encoding", e.to_string())
        })
}

/// Distinguishes keyless messages queued in the same millisecond.
fn next_serial() -> u64 {
    static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// `GET /api/v1/messages` parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    /// Only messages whose text or number holds this.
    q: Option<String>,
    /// `ignore`: the search ignores accents too.
    diacritics: Option<String>,
    direction: Option<String>,
    status: Option<String>,
    since: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

/// The most items one page holds.
pub(crate) const MAX_PAGE: u32 = 500;

fn page_limit(limit: Option<u32>) -> Result<u32, ApiError> {
    match limit {
        None => Ok(50),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "limit",
            format!("limit is 1 to {MAX_PAGE}"),
        )),
    }
}

fn since(text: Option<&str>) -> Result<u64, ApiError> {
    text.map_or(Ok(0), |t| {
        time::parse_since(t, time::now())
            .map_err(|e| ApiError::field(StatusCode::BAD_REQUEST, "since", e.to_string()))
    })
}

/// `q`: words to look for (trimmed; empty is no search).
fn search(q: Option<String>) -> Result<Option<String>, ApiError> {
    let q = q.map(|q| q.trim().to_string()).filter(|q| !q.is_empty());
    if q.as_ref().is_some_and(|q| q.chars().count() > 160) {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "q",
            "a search is at most 160 characters",
        ));
    }
    Ok(q)
}

/// `diacritics`: `match` (the default: "cau" does not find "Čau") or
/// `ignore`. Case is ignored either way, for all of Unicode.
fn ignore_diacritics(value: Option<&str>) -> Result<bool, ApiError> {
    match value {
        None | Some("match") => Ok(false),
        Some("ignore") => Ok(true),
        Some(_) => Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "diacritics",
            "diacritics is match or ignore",
        )),
    }
}

/// A cursor: `in:<id>,out:<id>`, the last id each table gave.
fn parse_cursor(cursor: Option<&str>) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let bad = || {
        ApiError::field(
            StatusCode::BAD_REQUEST,
            "cursor",
            "not a cursor this API gave",
        )
    };
    let mut result = (None, None);
    for part in cursor.unwrap_or("").split(',').filter(|p| !p.is_empty()) {
        let (table, id) = part.split_once(':').ok_or_else(bad)?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        match table {
            "in" => result.0 = Some(id),
            "out" => result.1 = Some(id),
            _ => return Err(bad()),
        }
    }
    Ok(result)
}

/// The log, newest first, in pages: `next_cursor` fetches the next one.
pub(crate) async fn list(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
    query: Result<Params<ListQuery>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    need(&token, Scope::Read)?;
    let Params(query) = query?;
    let limit = page_limit(query.limit)?;
    let since = since(query.since.as_deref())?;
    let status = match query.status.as_deref() {
        None => None,
        Some(name) => Some(OutboxState::parse(name).ok_or_else(|| {
            ApiError::field(
                StatusCode::BAD_REQUEST,
                "status",
                "status is queued, sending, sent, delivered, failed or expired",
            )
        })?),
    };
    let (want_in, want_out) = match query.direction.as_deref() {
        None => (status.is_none(), true),
        Some("in") if status.is_none() => (true, false),
        Some("in") => {
            return Err(ApiError::field(
                StatusCode::BAD_REQUEST,
                "status",
                "status is for outbound messages",
            ));
        }
        Some("out") => (false, true),
        Some(_) => {
            return Err(ApiError::field(
                StatusCode::BAD_REQUEST,
                "direction",
                "direction is in or out",
            ));
        }
    };
    let (in_before, out_before) = parse_cursor(query.cursor.as_deref())?;
    let search = search(query.q)?;
    let ignore_diacritics = ignore_diacritics(query.diacritics.as_deref())?;
    let store = state.store().clone();
    let (inbound, outbound) = blocking(move || {
        let inbound = if want_in {
            store.inbound_page(&LogPage {
                since,
                before: in_before,
                limit,
                search: search.clone(),
                ignore_diacritics,
            })?
        } else {
            Vec::new()
        };
        let outbound = if want_out {
            store.outbound_page(
                &LogPage {
                    since,
                    before: out_before,
                    limit,
                    search,
                    ignore_diacritics,
                },
                status,
            )?
        } else {
            Vec::new()
        };
        Ok((inbound, outbound))
    })
    .await?;
    // Merge the two newest-first lists by time; the cursor remembers how far
    // each table was read.
    let (mut i, mut o) = (0, 0);
    let mut items = Vec::new();
    while items.len() < limit as usize && (i < inbound.len() || o < outbound.len()) {
        let take_in = match (inbound.get(i), outbound.get(o)) {
            (Some((_, record)), Some(row)) => record.received_at >= row.created_at,
            (Some(_), None) => true,
            _ => false,
        };
        if take_in {
            let (id, record) = &inbound[i];
            items.push(inbound_json(*id, record));
            i += 1;
        } else {
            items.push(outbound_json(&outbound[o]));
            o += 1;
        }
    }
    let more_in = want_in && (i < inbound.len() || inbound.len() == limit as usize);
    let more_out = want_out && (o < outbound.len() || outbound.len() == limit as usize);
    let next = (more_in || more_out).then(|| {
        let last_in = if i > 0 {
            Some(inbound[i - 1].0)
        } else {
            in_before
        };
        let last_out = if o > 0 {
            Some(outbound[o - 1].id)
        } else {
            out_before
        };
        let mut parts = Vec::new();
        if let Some(id) = last_in {
            parts.push(format!("in:{id}"));
        }
        if let Some(id) = last_out {
            parts.push(format!("out:{id}"));
        }
        parts.join(",")
    });
    Ok(Json(json!({ "messages": items, "next_cursor": next })))
}

/// `GET /api/v1/messages/{id}`: `in-N` or `out-N`, with parts, message
/// references and delivery.
pub(crate) async fn show(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    need(&token, Scope::Read)?;
    let bad = || ApiError::field(StatusCode::BAD_REQUEST, "id", "an id is in-N or out-N");
    let (direction, number) = id.split_once('-').ok_or_else(bad)?;
    let number: i64 = number.parse().map_err(|_| bad())?;
    let store = state.store().clone();
    let found = match direction {
        "in" => blocking(move || store.inbound(number))
            .await?
            .map(|record| inbound_json(number, &record)),
        "out" => blocking(move || store.outbound(number))
            .await?
            .map(|row| outbound_json(&row)),
        _ => return Err(bad()),
    };
    found
        .map(Json)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no message {id}")))
}

/// `GET /api/v1/calls` parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CallsQuery {
    /// Only calls from numbers holding this.
    q: Option<String>,
    /// `ignore`: the search ignores accents too.
    diacritics: Option<String>,
    since: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

/// The call log, newest first, in pages.
pub(crate) async fn calls(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
    query: Result<Params<CallsQuery>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    need(&token, Scope::Read)?;
    let Params(query) = query?;
    let limit = page_limit(query.limit)?;
    let since = since(query.since.as_deref())?;
    let before = match query.cursor.as_deref() {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| {
            ApiError::field(
                StatusCode::BAD_REQUEST,
                "cursor",
                "not a cursor this API gave",
            )
        })?),
    };
    let search = search(query.q)?;
    let ignore_diacritics = ignore_diacritics(query.diacritics.as_deref())?;
    let store = state.store().clone();
    let calls = blocking(move || {
        store.calls_page(&LogPage {
            since,
            before,
            limit,
            search,
            ignore_diacritics,
        })
    })
    .await?;
    let next = (calls.len() == limit as usize)
        .then(|| calls.last().map(|c| c.id.to_string()))
        .flatten();
    let calls: Vec<Value> = calls
        .iter()
        .map(|c| json!({ "id": c.id, "modem": c.modem, "caller": c.caller, "at": rfc3339(c.at) }))
        .collect();
    Ok(Json(json!({ "calls": calls, "next_cursor": next })))
}

/// `POST /api/v1/sms/count`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CountRequest {
    text: String,
    #[serde(default)]
    encoding: Option<String>,
}

/// How a text would be sent: the alphabet, the parts, the units used and
/// the units one part holds — what a sending form shows as you type.
pub(crate) async fn count(
    Extension(token): Extension<TokenEntry>,
    body: Result<Body<CountRequest>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    need(&token, Scope::Read)?;
    let Body(request) = body?;
    let options = plutanium_sms::EncodeOptions {
        policy: encoding(request.encoding.as_deref())?,
        ..plutanium_sms::EncodeOptions::default()
    };
    let counted = plutanium_sms::count(&request.text, &options)
        .map_err(|e| ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "text", e.to_string()))?;
    Ok(Json(json!({
        "encoding": match counted.alphabet {
            plutanium_sms::Alphabet::Gsm7 => "gsm7",
            plutanium_sms::Alphabet::Ucs2 => "ucs2",
            _ => "8bit",
        },
        "parts": counted.parts,
        "units": counted.units,
        "per_part": counted.per_part,
    })))
}
