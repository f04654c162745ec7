//! Messages and calls: list and read the log, and count a text's parts
//! (queuing them is `send`).

use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use plutanium_core::Encoding;
use plutanium_core::time::{self, rfc3339};
use plutanium_store::{LogPage, OutboxState};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::tokens::{Scope, TokenEntry};
use crate::views::{inbound_json, outbound_json};
use crate::{ApiError, Body, Params, Shared, need};

/// Runs store work off the async workers.
pub(crate) async fn blocking<R: Send + 'static>(
    work: impl FnOnce() -> Result<R, plutanium_store::StoreError> + Send + 'static,
) -> Result<R, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// `encoding`, `auto` when not given.
fn encoding(name: Option<&str>) -> Result<Encoding, ApiError> {
    name.unwrap_or("auto")
        .parse()
        .map_err(|e: plutanium_core::UnknownEncoding| {
            ApiError::field(StatusCode::BAD_REQUEST, "encoding", e.to_string())
        })
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

pub(crate) fn since(text: Option<&str>) -> Result<u64, ApiError> {
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
