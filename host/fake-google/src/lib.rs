//! A stand-in for Google on loopback, beside the simulated GSM network:
//! Gmail's REST API over a fake mailbox (`gmail_api::fake`) and an OAuth
//! token endpoint.
//!
//! What it is for: `plutanium demo` and `plutanium sim --fake-gmail` run the
//! Gmail connectors against it, and so do the gateway's tests and the
//! connector bench. [`control`] is the HTTP API a test or a person uses to
//! put an email in the mailbox and look at what was sent.
//!
//! What it is not: part of the gateway. Nothing here talks to Google, and
//! `plutanium run` never starts it.

pub mod control;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use gmail_api::fake::Mailbox;

/// The refresh token the fake OAuth endpoint accepts.
pub const REFRESH_TOKEN: &str = "1//fake-refresh-token";
/// The authorization code the fake OAuth endpoint accepts.
pub const AUTHORIZATION_CODE: &str = "fake-authorization-code";

#[derive(Debug, Default)]
struct State {
    /// When set, Gmail answers 401 to any other bearer token.
    accepted: Mutex<Option<String>>,
    /// Gmail answers 500 to `modify` (the acknowledgement) while set.
    refuse_modify: AtomicBool,
    /// Access tokens issued so far.
    issued: AtomicUsize,
    /// Requests to Gmail's API so far.
    api_requests: AtomicUsize,
    /// The claims of the last service account JWT, as JSON text.
    jwt_claims: Mutex<Option<String>>,
}

/// The fake, serving until the runtime it was started on ends.
#[derive(Clone, Debug)]
pub struct FakeGoogle {
    /// The mailbox behind the API.
    pub mailbox: Mailbox,
    address: SocketAddr,
    state: Arc<State>,
}

impl FakeGoogle {
    /// Serves `mailbox` on a free loopback port.
    pub async fn start(mailbox: Mailbox) -> std::io::Result<FakeGoogle> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        Self::serve(listener, mailbox)
    }

    /// Serves `mailbox` on `listener`.
    pub fn serve(
        listener: tokio::net::TcpListener,
        mailbox: Mailbox,
    ) -> std::io::Result<FakeGoogle> {
        let address = listener.local_addr()?;
        let fake = FakeGoogle {
            mailbox,
            address,
            state: Arc::new(State::default()),
        };
        let handler = fake.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let fake = handler.clone();
                async move { fake.answer(&method, &uri, &headers, &body) }
            },
        );
        tokio::spawn(axum::serve(listener, app).into_future());
        Ok(fake)
    }

    /// Writes an `authorized_user` credentials file whose refresh token
    /// this fake's endpoint accepts.
    pub fn write_credentials(path: &std::path::Path) -> std::io::Result<()> {
        let json = serde_json::json!({
            "type": "authorized_user",
            "client_id": "fake.apps.googleusercontent.com",
            "client_secret": "fake-secret",
            "refresh_token": REFRESH_TOKEN,
        });
        std::fs::write(path, json.to_string())
    }

    /// The `api_base` for the connectors.
    pub fn api_base(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// The `token_uri` for `oauth`.
    pub fn token_uri(&self) -> String {
        format!("http://{}/token", self.address)
    }

    /// Makes Gmail refuse every bearer token but `token` (`None`: accept
    /// any).
    pub fn accept_only(&self, token: Option<&str>) {
        *self
            .state
            .accepted
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = token.map(str::to_string);
    }

    /// Makes Gmail fail acknowledgements (`modify`) while `refuse` is true.
    pub fn refuse_modify(&self, refuse: bool) {
        self.state.refuse_modify.store(refuse, Ordering::SeqCst);
    }

    /// Access tokens issued so far (`ya29.fake-1`, `-2`, …).
    pub fn tokens_issued(&self) -> usize {
        self.state.issued.load(Ordering::SeqCst)
    }

    /// The claims of the last service account JWT, as JSON text.
    pub fn last_jwt_claims(&self) -> Option<String> {
        self.state
            .jwt_claims
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn answer(&self, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Response {
        if uri.path() == "/token" && *method == Method::POST {
            return self.token(body);
        }
        self.state.api_requests.fetch_add(1, Ordering::SeqCst);
        let accepted = self
            .state
            .accepted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(accepted) = accepted {
            let given = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if given != format!("Bearer {accepted}") {
                return json(
                    StatusCode::UNAUTHORIZED,
                    r#"{"error":{"code":401,"message":"Request had invalid authentication credentials.","errors":[{"reason":"authError"}]}}"#.into(),
                );
            }
        }
        if uri.path().ends_with("/modify") && self.state.refuse_modify.load(Ordering::SeqCst) {
            return json(
                StatusCode::INTERNAL_SERVER_ERROR,
                r#"{"error":{"code":500,"message":"fake outage","errors":[{"reason":"backendError"}]}}"#.into(),
            );
        }
        let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str());
        let (status, body) = self.mailbox.handle(method.as_str(), path_and_query, body);
        json(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body,
        )
    }

    /// The OAuth token endpoint: the refresh grant with [`REFRESH_TOKEN`],
    /// the code grant with [`AUTHORIZATION_CODE`], and the JWT grant of a
    /// service account (its claims must name a scope).
    fn token(&self, body: &[u8]) -> Response {
        let form = String::from_utf8_lossy(body);
        let field = |name: &str| {
            form.split('&')
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| *k == name)
                .map(|(_, v)| gmail_api::fake::percent_decode(v))
        };
        let valid = match field("grant_type").as_deref() {
            Some("refresh_token") => field("refresh_token").as_deref() == Some(REFRESH_TOKEN),
            Some("authorization_code") => field("code").as_deref() == Some(AUTHORIZATION_CODE),
            Some("urn:ietf:params:oauth:grant-type:jwt-bearer") => field("assertion")
                .and_then(|jwt| {
                    let claims = jwt.split('.').nth(1)?.to_string();
                    let claims = jwt_segment(&claims)?;
                    let valid = claims.contains("\"scope\"") && claims.contains("gmail");
                    *self
                        .state
                        .jwt_claims
                        .lock()
                        .unwrap_or_else(|e| e.into_inner()) = Some(claims);
                    Some(valid)
                })
                .unwrap_or(false),
            _ => false,
        };
        if !valid {
            return json(
                StatusCode::BAD_REQUEST,
                r#"{"error":"invalid_grant","error_description":"Bad Request"}"#.into(),
            );
        }
        let n = self.state.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let mut answer = serde_json::json!({
            "access_token": format!("ya29.fake-{n}"),
            "expires_in": 3599,
            "token_type": "Bearer",
        });
        if field("grant_type").as_deref() == Some("authorization_code") {
            answer["refresh_token"] = REFRESH_TOKEN.into();
        }
        json(StatusCode::OK, answer.to_string())
    }
}

/// A JWT segment (base64url, padded or not) as text.
fn jwt_segment(segment: &str) -> Option<String> {
    let bytes = gmail_api::mail::base64url_decode(segment).ok()?;
    String::from_utf8(bytes).ok()
}

fn json(status: StatusCode, body: String) -> Response {
    (status, [("content-type", "application/json")], body).into_response()
}
