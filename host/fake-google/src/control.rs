//! The fake Gmail's control API over HTTP (served beside the simulator's
//! by `plutanium sim --fake-gmail` and the demo): deliver an email to the
//! mailbox, look at one, list what the connectors sent.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::FakeGoogle;

/// The control API's routes for the fake Gmail: deliver an email, look
/// at one, list what was sent.
pub fn router(fake: FakeGoogle) -> Router {
    Router::new()
        .route("/gmail/emails", post(post_email))
        .route("/gmail/emails/{id}", get(get_email))
        .route("/gmail/sent", get(get_sent))
        .with_state(fake)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EmailRequest {
    subject: String,
    text: Option<String>,
    html: Option<String>,
}

async fn post_email(
    State(fake): State<FakeGoogle>,
    json: Result<Json<EmailRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Value>), BadRequest> {
    let req = json
        .map(|Json(v)| v)
        .map_err(|e| BadRequest(e.body_text()))?;
    let id = fake
        .mailbox
        .deliver_email(&req.subject, req.text.as_deref(), req.html.as_deref());
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

async fn get_email(State(fake): State<FakeGoogle>, Path(id): Path<String>) -> Json<Value> {
    Json(json!({
        "unread": fake.mailbox.is_unread(&id),
        "labels": fake.mailbox.labels_of(&id),
    }))
}

async fn get_sent(State(fake): State<FakeGoogle>) -> Json<Value> {
    Json(json!({ "sent": fake.mailbox.sent() }))
}

/// A request the control API cannot take: 400 `{"error": …}`.
struct BadRequest(String);

impl IntoResponse for BadRequest {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, Json(json!({ "error": self.0 }))).into_response()
    }
}
