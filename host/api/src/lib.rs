//! Plutanium's REST API and web admin: an axum [`router`] over a
//! [`GatewayHandle`].
//!
//! What it is: the routes under `/api/v1` (messages, calls, modems, their
//! health over time, USSD, connectors, live events, counts, the OpenAPI document), `/metrics` in
//! Prometheus text, the health probes, and the web admin's static files at
//! `/`. The daemon serves it where `api.listen` says (loopback by
//! default), with bearer tokens from `api.token_file` ([`tokens`]); a
//! program of your own can mount [`router`] in its axum app.
//!
//! What it is not: the gateway. It sees only the handle, so it works the
//! same whether the gateway runs in this process, has just reloaded, or
//! has not started yet.
//!
//! Mounted under a path of your own app (the web admin names its files and
//! the API relative to its page, so it works there too):
//!
//! ```no_run
//! # fn mount(gateway: plutanium_gateway::GatewayHandle) -> Result<(), plutanium_api::tokens::TokenError> {
//! use plutanium_api::{ApiState, router, tokens::Tokens};
//!
//! let tokens = Tokens::load(std::path::Path::new("/etc/plutanium/api-tokens"))?;
//! let app: axum::Router = axum::Router::new().nest("/sms", router(ApiState::new(gateway, tokens)));
//! # let _ = app;
//! # Ok(())
//! # }
//! ```
//!
//! Every route under `/api/v1` needs a token (401 otherwise, whatever the
//! route), with the `send` scope to queue messages and `read` to read;
//! `/healthz` and `/readyz` need none. Bodies are capped at 64 KiB (4 MiB
//! for a batch of sends); wrong
//! input is a 400 whose JSON names the field; a message the policy refuses
//! is a 422 that says why; a token over its rate gets 429 with
//! `Retry-After`. `/api/v1/events` streams live events (Server-Sent
//! Events) as they are committed.

mod events;
mod messages;
mod metrics;
mod modem_health;
mod reads;
mod send;
mod status;
pub mod tokens;
pub mod views;
mod web;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Extension, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use plutanium_core::policy::RateLimiter;
use plutanium_gateway::{ConnectorStatsMap, GatewayHandle};
use plutanium_modem::ModemHandle;
use plutanium_store::Store;
use serde_json::json;

use tokens::{Scope, TokenEntry, TokenError, Tokens};

pub use events::{MAX_REPLAY, MAX_STREAMS_PER_TOKEN};
pub use reads::DEFAULT_READS_PER_MINUTE;

/// The web admin's files: how many, and their size in bytes unpacked.
pub fn web_admin_size() -> (usize, usize) {
    let bytes = web::FILES.iter().map(|(_, _, body)| body.len()).sum();
    (web::FILES.len(), bytes)
}

/// The largest request body.
pub const MAX_BODY: usize = 64 * 1024;

/// The largest body `POST /api/v1/messages/batch` takes: room for its
/// 1,000 messages of several parts each.
pub const MAX_BATCH_BODY: usize = 4 * 1024 * 1024;

/// What the API serves from: a gateway's handle and the tokens it accepts.
pub struct ApiState {
    gateway: GatewayHandle,
    tokens: RwLock<Tokens>,
    /// One sending-rate limiter per token name.
    limiters: Mutex<HashMap<String, RateLimiter>>,
    /// Event streams open, per token name.
    streams: Mutex<HashMap<String, usize>>,
    /// What each token (by name) may still read.
    reads: Mutex<HashMap<String, reads::ReadBudget>>,
}

impl ApiState {
    /// The API over `gateway`, accepting `tokens`.
    pub fn new(gateway: GatewayHandle, tokens: Tokens) -> Arc<ApiState> {
        Arc::new(ApiState {
            gateway,
            tokens: RwLock::new(tokens),
            limiters: Mutex::new(HashMap::new()),
            streams: Mutex::new(HashMap::new()),
            reads: Mutex::new(HashMap::new()),
        })
    }

    /// A new token file's tokens.
    pub fn set_tokens(&self, tokens: Tokens) {
        *self.tokens.write().unwrap_or_else(|e| e.into_inner()) = tokens;
    }

    fn store(&self) -> &Arc<dyn Store> {
        self.gateway.store()
    }

    fn modems(&self) -> Vec<(String, ModemHandle)> {
        self.gateway.modems()
    }

    fn connectors(&self) -> ConnectorStatsMap {
        self.gateway.connectors()
    }
}

type Shared = Arc<ApiState>;

/// An error answer: `{"error": …, "field": …}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<String>,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    fn field(status: StatusCode, field: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            field: Some(field.to_string()),
            ..ApiError::new(status, message)
        }
    }

    fn internal(error: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %error, "API request failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the store failed; see the daemon's log",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.message });
        if let Some(field) = self.field {
            body["field"] = field.into();
        }
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// A JSON body, or a 400 naming the field that is wrong.
pub(crate) struct Body<T>(pub(crate) T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim();
                v.eq_ignore_ascii_case("application/json")
                    || (v.starts_with("application/") && v.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as JSON, with Content-Type: application/json",
            ));
        }
        // The size limit answers 413 here, before anything is parsed.
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|rejection| ApiError::new(rejection.status(), rejection.body_text()))?;
        let mut json = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut json).map_err(|error| {
            // The path names a field whose value is wrong; a field that
            // is missing or unknown is named only in serde's message.
            let path = error.path().to_string();
            let message = error.inner().to_string();
            let field = if path == "." {
                field_named_in(&message)
            } else {
                Some(path)
            };
            ApiError {
                field,
                ..ApiError::new(StatusCode::BAD_REQUEST, message)
            }
        })?;
        // Trailing text after the object is as wrong as a broken object.
        json.end()
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.to_string()))?;
        Ok(Body(value))
    }
}

/// Query parameters, or a 400 naming the one that is wrong.
pub(crate) struct Params<T>(pub(crate) T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S>
    for Params<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Params(value)),
            Err(rejection) => {
                let text = rejection.body_text();
                Err(ApiError {
                    field: field_named_in(&text),
                    ..ApiError::new(StatusCode::BAD_REQUEST, text)
                })
            }
        }
    }
}

/// The field a serde error message names (serde writes them as `name`).
fn field_named_in(text: &str) -> Option<String> {
    text.split_once("field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(name, _)| name.to_string())
}

/// Checks the bearer token; the handler finds its entry in the request's
/// extensions.
async fn authenticate(State(state): State<Shared>, mut request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(presented) = presented else {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "an API token is needed: Authorization: Bearer <token>",
        )
        .into_response();
    };
    let entry = state
        .tokens
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .check(presented)
        .cloned();
    match entry {
        Some(entry) => {
            if request.method() == axum::http::Method::GET
                && let Err(wait) = spend_read(&state, &entry, request.uri())
            {
                return ApiError {
                    retry_after: Some(wait),
                    ..ApiError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        format!(
                            "this token reads too much: {} a minute (each read costs 1, and 1 more per 100 items it asks for); wait, or give it more with reads= in the token file",
                            entry.reads_per_minute
                        ),
                    )
                }
                .into_response();
            }
            request.extensions_mut().insert(entry);
            next.run(request).await
        }
        None => {
            ApiError::new(StatusCode::UNAUTHORIZED, "that API token is not valid").into_response()
        }
    }
}

/// Charges a read to its token's budget; the seconds to wait when it is
/// spent.
fn spend_read(state: &ApiState, entry: &TokenEntry, uri: &axum::http::Uri) -> Result<(), u64> {
    let limit = uri.query().and_then(|query| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("limit="))
            .and_then(|value| value.parse().ok())
    });
    let now = plutanium_core::time::now();
    let mut budgets = state.reads.lock().unwrap_or_else(|e| e.into_inner());
    budgets
        .entry(entry.name.clone())
        .or_insert_with(|| reads::ReadBudget::new(entry.reads_per_minute, now))
        .take(reads::cost(limit), now)
}

/// The API's description, OpenAPI 3 (kept in step with the routes by a
/// test).
pub const OPENAPI: &str = include_str!("../openapi.json");

async fn openapi(Extension(token): Extension<TokenEntry>) -> Result<Response, ApiError> {
    need(&token, Scope::Read)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response())
}

/// A connector world as the API and the metrics name it.
fn world_kind(world: plutanium_runtime::World) -> &'static str {
    match world {
        plutanium_runtime::World::Source => "source",
        plutanium_runtime::World::Sink => "sink",
        plutanium_runtime::World::Processor => "processor",
    }
}

/// A 403 unless `token` has `scope`.
fn need(token: &TokenEntry, scope: Scope) -> Result<(), ApiError> {
    if token.allows(scope) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        format!("this token lacks the {} scope", scope.name()),
    ))
}

/// The API's routes, the web admin's files and the health probes, to
/// serve or to mount in an app of your own.
pub fn router(state: Arc<ApiState>) -> Router {
    let v1 = Router::new()
        .route("/messages", post(send::send).get(messages::list))
        .route(
            "/messages/batch",
            post(send::batch).layer(DefaultBodyLimit::max(MAX_BATCH_BODY)),
        )
        .route("/messages/{id}", get(messages::show))
        .route("/calls", get(messages::calls))
        .route("/modems", get(status::modems))
        .route("/modems/{name}/ussd", post(status::ussd))
        .route("/modems/{name}/health", get(modem_health::health))
        .route("/events", get(events::stream))
        .route("/connectors", get(status::connectors))
        .route("/sms/count", post(messages::count))
        .route("/openapi.json", get(openapi))
        .route("/token", get(status::token))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such route") })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            authenticate,
        ));
    let metrics = Router::new()
        .route("/metrics", get(metrics::metrics))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            authenticate,
        ));
    Router::new()
        .route("/healthz", get(status::healthz))
        .route("/readyz", get(status::readyz))
        .nest("/api/v1", v1)
        .merge(metrics)
        .merge(web::router())
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// Why the API did not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// `api:` has no `token_file`.
    #[error("api: a token_file is needed (create one with `plutanium api token --file PATH`)")]
    NoTokenFile,
    /// The token file cannot be used.
    #[error("api: {0}")]
    Tokens(#[from] TokenError),
    /// The address cannot be listened on.
    #[error("api: cannot listen on {address}: {source} (is another program using the port?)")]
    Listen {
        /// The address.
        address: std::net::SocketAddr,
        /// What the OS said.
        source: std::io::Error,
    },
}

/// The API, listening.
pub struct Started {
    /// What it serves from (to give it new tokens on reload).
    pub state: Arc<ApiState>,
    /// Where it listens: the port it got when asked for port 0.
    pub address: std::net::SocketAddr,
    /// The server, until `stop` turns true.
    pub server: tokio::task::JoinHandle<()>,
}

/// Binds `settings.listen`, reads the token file, and serves `gateway` until
/// `stop` turns true. A missing token file, or an address that cannot be
/// bound, is an error now, not a silent API that refuses everyone.
pub async fn start(
    settings: &plutanium_core::config::ApiConfig,
    gateway: GatewayHandle,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Result<Started, StartError> {
    let file = settings
        .token_file
        .as_ref()
        .ok_or(StartError::NoTokenFile)?;
    let tokens = Tokens::load(file)?;
    if tokens.is_empty() {
        tracing::warn!(file = %file.display(), "the API token file has no tokens: every API request will get 401; add one with `plutanium api token`");
    }
    let listen_error = |source| StartError::Listen {
        address: settings.listen,
        source,
    };
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(listen_error)?;
    let address = listener.local_addr().map_err(listen_error)?;
    tracing::info!(%address, "API listening");
    let state = ApiState::new(gateway, tokens);
    let server = tokio::spawn(serve(listener, state.clone(), stop));
    Ok(Started {
        state,
        address,
        server,
    })
}

/// Reads the token file again (on reload); a file that does not read keeps
/// the tokens there were.
pub fn reload_tokens(state: &ApiState, settings: Option<&plutanium_core::config::ApiConfig>) {
    let Some(file) = settings.and_then(|s| s.token_file.as_ref()) else {
        return;
    };
    match Tokens::load(file) {
        Ok(tokens) => state.set_tokens(tokens),
        Err(e) => tracing::error!(error = %e, "keeping the API tokens there were"),
    }
}

/// Serves the API on `listener` until `stop` turns true.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<ApiState>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let app = router(state);
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
        })
        .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "the API server stopped");
    }
}

#[cfg(test)]
mod tests;
