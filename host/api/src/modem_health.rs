//! `GET /api/v1/modems/{name}/health`: a modem's recorded health and the
//! messages it carried per hour, for the web admin's charts.

use std::time::Duration;

use axum::Json;
use axum::extract::{Extension, Path, State};
use plutanium_core::time::{self, rfc3339};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::tokens::{Scope, TokenEntry};
use crate::{ApiError, Params, Shared, need};

/// The window when none is asked for.
const DEFAULT_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// The most samples one answer holds (a week at one a minute): the newest
/// ones when the window holds more.
const MAX_SAMPLES: u32 = 10_080;

/// `GET /api/v1/modems/{name}/health` parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HealthQuery {
    /// From when: `6h`, `7d`, a date or a UTC time (as `?since=` on the
    /// message log); 24 hours back when not given.
    since: Option<String>,
}

/// The samples of `name` since `since`, oldest first, and its messages
/// sent and received per hour; 404 for a modem the config does not have.
pub(crate) async fn health(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
    Path(name): Path<String>,
    Params(query): Params<HealthQuery>,
) -> Result<Json<Value>, ApiError> {
    need(&token, Scope::Read)?;
    crate::status::modem_named(&state, &name)?;
    let since = match query.since.as_deref() {
        Some(text) => crate::messages::since(Some(text))?,
        None => time::now().saturating_sub(DEFAULT_WINDOW.as_millis() as u64),
    };
    let store = state.store().clone();
    let modem = name.clone();
    let (samples, hours) = tokio::task::spawn_blocking(move || {
        Ok::<_, plutanium_store::StoreError>((
            store.health(&modem, since, MAX_SAMPLES)?,
            store.traffic_by_hour(&modem, since)?,
        ))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    let samples: Vec<Value> = samples
        .iter()
        .map(|s| {
            json!({
                "at": rfc3339(s.at),
                "state": s.state,
                "signal_dbm": s.signal_dbm,
                "rsrp_dbm": s.rsrp_dbm,
                "rsrq_db": s.rsrq_db,
                "sinr_db": s.sinr_db,
                "network": s.network,
                "registration": s.registration,
                "operator": s.operator,
                "sim": s.sim,
            })
        })
        .collect();
    let hourly: Vec<Value> = hours
        .iter()
        .map(|h| json!({ "hour": rfc3339(h.hour), "sent": h.sent, "received": h.received }))
        .collect();
    Ok(Json(json!({
        "modem": name,
        "since": rfc3339(since),
        "samples": samples,
        "hourly": hourly,
    })))
}
