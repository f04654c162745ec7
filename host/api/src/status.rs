//! Health, readiness and the modems.

use std::time::Duration;

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use plutanium_modem::{Counters, ModemHandle, ModemInfo, ModemState};
use serde_json::{Value, json};

use crate::tokens::{Scope, TokenEntry};
use crate::{ApiError, Shared, need};
use plutanium_gateway::live::modem_state as state_name;

/// `GET /healthz`: the process answers.
pub(crate) async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 when the store takes a write and every modem is
/// ready; 503 with what is not.
pub(crate) async fn readyz(State(state): State<Shared>) -> (StatusCode, Json<Value>) {
    let store = state.store().clone();
    let writable = tokio::task::spawn_blocking(move || {
        store.set("api", "readyz", &plutanium_core::time::now().to_be_bytes())
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r.map_err(|e| e.to_string()));
    let mut problems = Vec::new();
    if let Err(e) = writable {
        problems.push(format!("the store takes no writes: {e}"));
    }
    for (name, handle) in state.modems() {
        let current = handle.state().borrow().clone();
        if current != ModemState::Ready {
            let (text, detail) = state_name(&current);
            problems.push(match detail {
                Some(detail) => format!("modem {name} is {text}: {detail}"),
                None => format!("modem {name} is {text}"),
            });
        }
    }
    if problems.is_empty() {
        (StatusCode::OK, Json(json!({ "status": "ready" })))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "not ready", "problems": problems })),
        )
    }
}

/// Reads one counter.
type Counter = fn(&Counters) -> u64;

/// The modem counters the API and the metrics report, by name.
pub(crate) const MODEM_COUNTERS: [(&str, Counter); 6] = [
    ("parts_sent", |c| c.parts_sent),
    ("send_failures", |c| c.send_failures),
    ("received", |c| c.received),
    ("reconnects", |c| c.reconnects),
    ("reinits", |c| c.reinits),
    ("timeouts", |c| c.timeouts),
];

/// Each running modem with what it reports (see
/// [`plutanium_gateway::modems_with_info`]).
pub(crate) async fn modems_with_info(
    state: &Shared,
) -> Vec<(String, ModemHandle, Option<ModemInfo>)> {
    plutanium_gateway::modems_with_info(state.modems()).await
}

/// The running modem called `name`, or a 404 that names it.
pub(crate) fn modem_named(state: &Shared, name: &str) -> Result<ModemHandle, ApiError> {
    state
        .gateway
        .modem(name)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no modem called {name:?}")))
}

/// On a store several nodes share, the node that holds each modem's lease
/// now, by modem; `None` for a store one node has to itself (or when the
/// leases cannot be read: the list still answers).
async fn modem_owners(state: &Shared) -> Option<std::collections::HashMap<String, String>> {
    let store = state.store().clone();
    if !store.shared() {
        return None;
    }
    let read = tokio::task::spawn_blocking(move || {
        let now = store.clock()?;
        store.leases().map(|leases| {
            leases
                .into_iter()
                .filter(|lease| lease.expires_at > now)
                .filter_map(|lease| {
                    let modem = plutanium_store::lease_modem(&lease.name)?.to_string();
                    Some((modem, lease.holder.node))
                })
                .collect()
        })
    })
    .await;
    match read {
        Ok(Ok(owners)) => Some(owners),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "cannot read which node drives which modem");
            Some(Default::default())
        }
        Err(_) => Some(Default::default()),
    }
}

/// `GET /api/v1/modems`: state, signal, registration, operator, counters,
/// and on a shared store the node that drives each.
pub(crate) async fn modems(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
) -> Result<Json<Value>, ApiError> {
    need(&token, Scope::Read)?;
    let owners = modem_owners(&state).await;
    let mut answer = Vec::new();
    for (name, handle, info) in modems_with_info(&state).await {
        let current = handle.state().borrow().clone();
        let (text, detail) = state_name(&current);
        let mut modem = json!({ "name": name, "state": text, "detail": detail });
        if let Some(owners) = &owners {
            // Which node drives it (null: none does now).
            modem["node"] = json!(owners.get(&name));
        }
        if let Some(info) = info {
            modem["signal_dbm"] = json!(info.signal_dbm);
            modem["rsrp_dbm"] = json!(info.rsrp_dbm);
            modem["rsrq_db"] = json!(info.rsrq_db);
            modem["sinr_db"] = json!(info.sinr_db);
            modem["network"] = json!(info.network.map(|n| n.name()));
            modem["registration"] = json!(info.registration.map(|r| r.name()));
            modem["operator"] = json!(info.operator);
            modem["sim"] = json!(info.sim.map(|s| s.name()));
            modem["model"] = json!(info.model);
            modem["storage"] = json!(
                info.storage
                    .map(|(used, total)| json!({"used": used, "total": total}))
            );
            modem["memories"] = json!(info.memories);
            modem["cannot_receive"] = json!(info.cannot_receive);
            modem["no_direct_delivery"] = json!(info.no_direct_delivery);
            let counters: serde_json::Map<String, Value> = MODEM_COUNTERS
                .iter()
                .map(|(name, get)| (name.to_string(), json!(get(&info.counters))))
                .collect();
            modem["counters"] = Value::Object(counters);
        }
        answer.push(modem);
    }
    Ok(Json(json!({ "modems": answer })))
}

/// `POST /api/v1/modems/{name}/ussd`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UssdRequest {
    code: String,
}

/// Runs a USSD code (`*100#`) on a modem and answers with the network's
/// reply.
pub(crate) async fn ussd(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
    axum::extract::Path(name): axum::extract::Path<String>,
    body: Result<crate::Body<UssdRequest>, ApiError>,
) -> Result<Json<Value>, ApiError> {
    need(&token, Scope::Send)?;
    let crate::Body(request) = body?;
    let code = request.code.trim();
    if code.is_empty()
        || code.len() > 64
        || !code
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '*' | '#' | '+'))
    {
        return Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "code",
            "a USSD code is digits, * and # (like *100#)",
        ));
    }
    let handle = modem_named(&state, &name)?;
    match tokio::time::timeout(Duration::from_secs(40), handle.ussd(code)).await {
        Ok(Ok(answer)) => Ok(Json(
            json!({ "modem": name, "code": code, "answer": answer }),
        )),
        Ok(Err(why)) => Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            format!("the modem could not run it: {why}"),
        )),
        Err(_) => Err(ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "no answer from the network in 40 s",
        )),
    }
}

/// `GET /api/v1/connectors`: each connector's world, calls, errors, traps,
/// deadlines, restarts and mean call time.
pub(crate) async fn connectors(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
) -> Result<Json<Value>, ApiError> {
    need(&token, Scope::Read)?;
    let connectors: Vec<Value> = state
        .connectors()
        .iter()
        .map(|(name, (world, handle))| {
            let s = handle.get();
            let mean_ms = if s.calls == 0 {
                0.0
            } else {
                s.latency_sum_micros as f64 / s.calls as f64 / 1000.0
            };
            json!({
                "name": name,
                "world": crate::world_kind(*world),
                "calls": s.calls,
                "errors": s.errors,
                "traps": s.traps,
                "deadlines": s.deadlines,
                "restarts": s.restarts,
                "mean_call_ms": (mean_ms * 1000.0).round() / 1000.0,
                "healthy": s.traps == 0 || s.restarts >= s.traps,
            })
        })
        .collect();
    Ok(Json(json!({ "connectors": connectors })))
}

/// `GET /api/v1/token`: the token this request carries (any scope): what a
/// client, the web admin among them, may do with it.
pub(crate) async fn token(Extension(token): Extension<TokenEntry>) -> Json<Value> {
    let scopes: Vec<&str> = Scope::ALL
        .into_iter()
        .filter(|scope| token.allows(*scope))
        .map(Scope::name)
        .collect();
    Json(
        json!({ "name": token.name, "scopes": scopes, "per_minute": token.per_minute, "reads_per_minute": token.reads_per_minute }),
    )
}
