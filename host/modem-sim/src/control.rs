//! The simulator's control API over HTTP (what `plutanium sim` serves on
//! `--control`): a test, a script or a person makes a phone send an SMS or
//! ring, injects a fault into a modem, and reads what each phone received.
//!
//! Loopback only is the caller's rule to enforce; this module only routes.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{Fault, SimError, Simulator};

/// The control API's routes.
pub fn router(sim: Simulator) -> Router {
    Router::new()
        .route("/sms", post(post_sms))
        .route("/sms/batch", post(post_sms_batch))
        .route("/calls", post(post_call))
        .route("/faults", post(post_fault))
        .route("/modems", get(get_modems))
        .route("/phones/{number}/inbox", get(get_inbox))
        .with_state(sim)
}

/// An error answer: `{"error": …}`.
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

impl From<SimError> for ApiError {
    fn from(e: SimError) -> Self {
        let status = match e {
            SimError::UnknownModem(_) => StatusCode::NOT_FOUND,
            SimError::Unplugged(_) => StatusCode::CONFLICT,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError(status, e.to_string())
    }
}

fn body<T: serde::de::DeserializeOwned>(
    json: Result<Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, ApiError> {
    json.map(|Json(v)| v)
        .map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.body_text()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SmsRequest {
    from: String,
    to: String,
    text: String,
}

async fn post_sms(
    State(sim): State<Simulator>,
    json: Result<Json<SmsRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req = body(json)?;
    let parts = sim.phone_send(&req.from, &req.to, &req.text)?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "parts": parts }))))
}

/// The most SMS one `POST /sms/batch` may carry: a flood is many batches,
/// and one request never holds the network's lock for long.
const BATCH_LIMIT: usize = 10_000;

/// Many phones send at once (a benchmark's flood). They are sent in order;
/// an SMS that cannot be sent stops the batch with an error naming its
/// index, and the ones before it are sent.
async fn post_sms_batch(
    State(sim): State<Simulator>,
    json: Result<Json<Vec<SmsRequest>>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let batch = body(json)?;
    if batch.len() > BATCH_LIMIT {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            format!(
                "a batch holds at most {BATCH_LIMIT} SMS, this one {}: split it",
                batch.len()
            ),
        ));
    }
    let items: Vec<(&str, &str, &str)> = batch
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str(), r.text.as_str()))
        .collect();
    let parts = sim
        .phone_send_batch(&items)
        .map_err(|(index, e)| ApiError::from(e).at(index))?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "parts": parts }))))
}

impl ApiError {
    /// Names the batch item the error is about.
    fn at(self, index: usize) -> Self {
        ApiError(self.0, format!("item {index}: {}", self.1))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallRequest {
    from: String,
    to: String,
}

async fn post_call(
    State(sim): State<Simulator>,
    json: Result<Json<CallRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let req = body(json)?;
    sim.call(&req.from, &req.to)?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    modem: String,
    kind: String,
    seconds: Option<f64>,
    bytes: Option<usize>,
    code: Option<u16>,
    count: Option<u32>,
    empty: Option<bool>,
    imsi: Option<String>,
}

fn fault_of(req: &FaultRequest) -> Result<Fault, ApiError> {
    let seconds = |what: &str| -> Result<Option<Duration>, ApiError> {
        match req.seconds {
            None => Ok(None),
            Some(s) if (0.0..86_400.0).contains(&s) => Ok(Some(Duration::from_secs_f64(s))),
            Some(_) => Err(ApiError(
                StatusCode::BAD_REQUEST,
                format!("{what}: seconds must be between 0 and 86400"),
            )),
        }
    };
    let need = |value: Option<u32>, field: &str| {
        value.ok_or_else(|| {
            ApiError(
                StatusCode::BAD_REQUEST,
                format!("fault {:?} needs the field {field:?}", req.kind),
            )
        })
    };
    Ok(match req.kind.as_str() {
        "hang" => Fault::Hang {
            duration: seconds("hang")?,
        },
        "unplug" => Fault::Unplug,
        "replug" => Fault::Replug,
        "garbage" => Fault::Garbage {
            bytes: req.bytes.unwrap_or(64).min(65_536),
        },
        "send_error" => Fault::SendError {
            code: req.code.ok_or_else(|| {
                ApiError(
                    StatusCode::BAD_REQUEST,
                    "fault \"send_error\" needs \"code\"".into(),
                )
            })?,
            count: req.count.unwrap_or(1),
        },
        "sim_busy" => Fault::SimBusy {
            count: need(req.count, "count")?,
        },
        "sms_not_ready" => Fault::SmsNotReady {
            count: need(req.count, "count")?,
            empty: req.empty.unwrap_or(false),
        },
        "slow_smsc" => Fault::SlowSmsc {
            extra: seconds("slow_smsc")?.unwrap_or(Duration::from_secs(10)),
        },
        "interleave_urcs" => Fault::InterleaveUrcs,
        "no_indications" => Fault::NoIndications,
        "cpms_at_most" => Fault::CpmsAtMost {
            most: req.count.unwrap_or(1) as usize,
        },
        "swallow_send" => Fault::SwallowSend {
            count: req.count.unwrap_or(1),
        },
        "unreadable_storage" => Fault::UnreadableStorage,
        "swap_sim" => Fault::SwapSim {
            imsi: req.imsi.clone().ok_or_else(|| {
                ApiError(
                    StatusCode::BAD_REQUEST,
                    "fault \"swap_sim\" needs \"imsi\": the new SIM's IMSI".into(),
                )
            })?,
        },
        "store_in_me" => Fault::StoreInMe {
            count: req.count.unwrap_or(1),
        },
        "duplicate_delivery" => Fault::DuplicateDelivery,
        "drop_status_report" => Fault::DropStatusReport {
            count: req.count.unwrap_or(1),
        },
        "undeliverable_reports" => Fault::UndeliverableReports {
            count: req.count.unwrap_or(1),
        },
        "slow_answers" => Fault::SlowAnswers {
            delay: seconds("slow_answers")?.unwrap_or(Duration::from_secs(10)),
            count: req.count.unwrap_or(1),
        },
        "clear" => Fault::Clear,
        other => {
            return Err(ApiError(
                StatusCode::BAD_REQUEST,
                format!(
                    "unknown fault kind {other:?} (hang, unplug, replug, garbage, send_error, sim_busy, sms_not_ready, swallow_send, no_indications, unreadable_storage, store_in_me, swap_sim, slow_smsc, slow_answers, interleave_urcs, duplicate_delivery, drop_status_report, clear)"
                ),
            ));
        }
    })
}

async fn post_fault(
    State(sim): State<Simulator>,
    json: Result<Json<FaultRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let req = body(json)?;
    let fault = fault_of(&req)?;
    sim.inject(&req.modem, fault)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn get_modems(State(sim): State<Simulator>) -> Json<Value> {
    let modems: Vec<Value> = sim
        .modems()
        .into_iter()
        .map(|m| {
            json!({
                "name": m.name,
                "number": m.number,
                "profile": m.profile,
                "plugged": m.plugged,
                "stored": m.stored,
                "waiting": m.waiting,
            })
        })
        .collect();
    Json(Value::Array(modems))
}

async fn get_inbox(State(sim): State<Simulator>, Path(number): Path<String>) -> Json<Value> {
    let inbox: Vec<Value> = sim
        .phone_inbox(&number)
        .into_iter()
        .map(|m| {
            json!({
                "from": m.from,
                "text": m.text,
                "parts": m.parts,
                "report_requested": m.report_requested,
                "received_after_ms": m.received_at.as_millis() as u64,
            })
        })
        .collect();
    Json(Value::Array(inbox))
}
