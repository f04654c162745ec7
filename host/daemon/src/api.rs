//! The REST API (`/api/v1`), served by the daemon where `api.listen` says
//! (loopback by default), with bearer tokens from `api.token_file`.
//!
//! Every route under `/api/v1` needs a token (401 otherwise, whatever the
//! route), with the `send` scope to queue messages and `read` to read;
//! `/healthz` and `/readyz` need none. Bodies are capped at 64 KiB; wrong
//! input is a 400 whose JSON names the field; a message the policy refuses
//! is a 422 that says why; a token over its rate gets 429 with
//! `Retry-After`. `/api/v1/events` streams live events (Server-Sent
//! Events) as they are committed. The web admin ([`crate::web`]) is served
//! at `/` beside it.

mod events;
mod messages;
mod metrics;
mod status;
pub(crate) mod tokens;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Extension, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use plutanium_core::config::Config;
use plutanium_core::policy::RateLimiter;
use plutanium_modem::ModemHandle;
use plutanium_store::Store;
use serde_json::json;

use tokens::{Scope, TokenEntry, Tokens};

/// The largest request body.
pub(crate) const MAX_BODY: usize = 64 * 1024;

/// What the API serves from; the daemon updates it on reload.
pub(crate) struct ApiState {
    store: Arc<dyn Store>,
    config: RwLock<Arc<Config>>,
    tokens: RwLock<Tokens>,
    modems: RwLock<Vec<(String, ModemHandle)>>,
    /// One sending-rate limiter per token name.
    limiters: Mutex<HashMap<String, RateLimiter>>,
    /// Where it listens, once it does.
    address: RwLock<Option<std::net::SocketAddr>>,
    /// The gateway's live events.
    live: RwLock<Option<crate::live::Live>>,
    /// The connectors' statistics.
    connectors: RwLock<crate::gateway::ConnectorStatsMap>,
    /// Event streams open, per token name.
    streams: Mutex<HashMap<String, usize>>,
}

impl ApiState {
    /// The API over `store`, for `config`, accepting `tokens`.
    pub(crate) fn new(store: Arc<dyn Store>, config: Arc<Config>, tokens: Tokens) -> Arc<ApiState> {
        Arc::new(ApiState {
            store,
            config: RwLock::new(config),
            tokens: RwLock::new(tokens),
            modems: RwLock::new(Vec::new()),
            limiters: Mutex::new(HashMap::new()),
            address: RwLock::new(None),
            live: RwLock::new(None),
            connectors: RwLock::new(Default::default()),
            streams: Mutex::new(HashMap::new()),
        })
    }

    /// A new config (after a reload).
    pub(crate) fn set_config(&self, config: Arc<Config>) {
        *self.config.write().unwrap_or_else(|e| e.into_inner()) = config;
    }

    /// Serves what `gateway` runs: its modems, connectors and live events
    /// (again after each reload).
    pub(crate) fn follow(&self, gateway: &crate::gateway::Gateway) {
        self.set_modems(gateway.modem_handles());
        self.set_live(gateway.live());
        self.set_connectors(gateway.connector_stats());
    }

    /// Where the API listens (the port it got when asked for port 0).
    pub(crate) fn local_address(&self) -> std::net::SocketAddr {
        self.address
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or_else(|| std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// The gateway's live events (one bus for the life of the daemon).
    pub(crate) fn set_live(&self, live: crate::live::Live) {
        *self.live.write().unwrap_or_else(|e| e.into_inner()) = Some(live);
    }

    /// The connectors now running.
    fn set_connectors(&self, connectors: crate::gateway::ConnectorStatsMap) {
        *self.connectors.write().unwrap_or_else(|e| e.into_inner()) = connectors;
    }

    fn connectors(&self) -> crate::gateway::ConnectorStatsMap {
        self.connectors
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The modems now running.
    fn set_modems(&self, modems: Vec<(String, ModemHandle)>) {
        *self.modems.write().unwrap_or_else(|e| e.into_inner()) = modems;
    }

    /// A new token file's tokens.
    pub(crate) fn set_tokens(&self, tokens: Tokens) {
        *self.tokens.write().unwrap_or_else(|e| e.into_inner()) = tokens;
    }

    fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn modems(&self) -> Vec<(String, ModemHandle)> {
        self.modems
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
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
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => {
                let text = rejection.body_text();
                let field = field_named_in(&text);
                let message = text
                    .trim_start_matches(
                        "Failed to deserialize the JSON body into the target type: ",
                    )
                    .to_string();
                // axum says 422 for JSON of the wrong shape; here 422 means
                // a well-formed message the policy refused, so wrong input
                // is 400 whatever its kind (413 and 415 stay).
                let status = match rejection.status() {
                    StatusCode::UNPROCESSABLE_ENTITY => StatusCode::BAD_REQUEST,
                    other => other,
                };
                Err(ApiError {
                    field,
                    ..ApiError::new(status, message)
                })
            }
        }
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
            request.extensions_mut().insert(entry);
            next.run(request).await
        }
        None => {
            ApiError::new(StatusCode::UNAUTHORIZED, "that API token is not valid").into_response()
        }
    }
}

/// The API's description, OpenAPI 3 (kept in step with the routes by a
/// test).
pub(crate) const OPENAPI: &str = include_str!("../openapi.json");

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

/// The API's routes.
pub(crate) fn router(state: Shared) -> Router {
    let v1 = Router::new()
        .route("/messages", post(messages::send).get(messages::list))
        .route("/messages/{id}", get(messages::show))
        .route("/calls", get(messages::calls))
        .route("/modems", get(status::modems))
        .route("/modems/{name}/ussd", post(status::ussd))
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
        .merge(crate::web::router())
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// Binds `settings.listen`, reads the token file, and serves until `stop`
/// turns true. A missing token file, or an address that cannot be bound,
/// is an error now, not a silent API that refuses everyone.
pub(crate) async fn start(
    settings: &plutanium_core::config::ApiConfig,
    store: Arc<dyn Store>,
    config: Arc<Config>,
    stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<(Shared, tokio::task::JoinHandle<()>)> {
    let Some(file) = &settings.token_file else {
        anyhow::bail!(
            "api: a token_file is needed (create one with `plutanium api token --file PATH`)"
        );
    };
    let tokens = Tokens::load(file)?;
    if tokens.len() == 0 {
        tracing::warn!(file = %file.display(), "the API token file has no tokens: every API request will get 401");
    }
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|e| anyhow::anyhow!("api: cannot listen on {}: {e}", settings.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "API listening");
    let state = ApiState::new(store, config, tokens);
    *state.address.write().unwrap_or_else(|e| e.into_inner()) = Some(address);
    let server = tokio::spawn(serve(listener, state.clone(), stop));
    Ok((state, server))
}

/// Reads the token file again (on reload); a file that does not read keeps
/// the tokens there were.
pub(crate) fn reload_tokens(
    state: &ApiState,
    settings: Option<&plutanium_core::config::ApiConfig>,
) {
    let Some(file) = settings.and_then(|s| s.token_file.as_ref()) else {
        return;
    };
    match Tokens::load(file) {
        Ok(tokens) => state.set_tokens(tokens),
        Err(e) => tracing::error!(error = %format!("{e:#}"), "keeping the API tokens there were"),
    }
}

/// Serves the API on `listener` until `stop` turns true.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    state: Shared,
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
