//! The calls Plutanium makes to a router, over hyper (HTTP/1.1, with
//! rustls trusting Plutanium's one trust store, plus a router's own
//! certificate where `ca_file:` names it).

use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderValue, Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;

use crate::api::{ErrorBody, InboxItem, LteStatus, RemoveRequest, SendRequest};
use crate::url::RouterOsUrl;

/// What went wrong talking to the router; each names the router.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RouterError {
    /// No connection (refused, no route, TLS failed).
    #[error("cannot reach the router at {url}: {reason}")]
    Unreachable {
        /// The modem's port URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The router's HTTPS certificate is not one this host trusts.
    #[error(
        "the router at {url} showed a certificate this host does not trust ({reason}): name the \
         router's certificate, or the CA that signed it, with `ca_file:` on the modem"
    )]
    Untrusted {
        /// The modem's port URL.
        url: String,
        /// What TLS said.
        reason: String,
    },
    /// The user or password is wrong.
    #[error(
        "the router at {url} refused the password of user \"{user}\" (401): check the modem's \
         password_file, and that the user's group has the api, read, write and test policies"
    )]
    Unauthorized {
        /// The modem's port URL.
        url: String,
        /// The RouterOS user.
        user: String,
    },
    /// RouterOS answered with an error.
    #[error("the router at {url} refused {path}: {status} {message}{}", detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        /// The modem's port URL.
        url: String,
        /// The API path.
        path: String,
        /// The HTTP status.
        status: u16,
        /// Its reason, as RouterOS gives it.
        message: String,
        /// RouterOS's `detail`.
        detail: Option<String>,
    },
    /// No answer in time.
    #[error("the router at {url} did not answer {path} within {seconds} s")]
    Timeout {
        /// The modem's port URL.
        url: String,
        /// The API path.
        path: String,
        /// The wait.
        seconds: u64,
    },
    /// An answer that is not RouterOS's JSON.
    #[error(
        "the router at {url} answered {path} with something that is not RouterOS's JSON: {reason}"
    )]
    Malformed {
        /// The modem's port URL.
        url: String,
        /// The API path.
        path: String,
        /// What did not parse.
        reason: String,
    },
}

impl RouterError {
    /// Whether trying again later may work: an unreachable, rebooting or
    /// slow router, or one that answers 5xx. A refusal (4xx) or bad
    /// credentials need a person.
    pub fn is_transient(&self) -> bool {
        match self {
            RouterError::Unreachable { .. } | RouterError::Timeout { .. } => true,
            RouterError::Refused { status, .. } => *status >= 500,
            RouterError::Unauthorized { .. }
            | RouterError::Untrusted { .. }
            | RouterError::Malformed { .. } => false,
        }
    }

    /// RouterOS's own words, for a refusal.
    pub fn detail(&self) -> Option<&str> {
        match self {
            RouterError::Refused { detail, .. } => detail.as_deref(),
            _ => None,
        }
    }
}

/// The TLS error in `error`, looking inside io::Errors, which hide what
/// they wrap from `source()` (hyper-rustls wraps tokio-rustls's io::Error,
/// which wraps rustls's error, in another).
fn tls_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(tls) = error.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    let inner = error.downcast_ref::<std::io::Error>()?.get_ref()?;
    tls_error(inner)
}

/// A client for one router and one LTE interface.
#[derive(Clone, Debug)]
pub struct Router {
    url: RouterOsUrl,
    base: String,
    authorization: HeaderValue,
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

impl Router {
    /// A client logging in as the URL's user with `password`, trusting
    /// `trust` for HTTPS; each call gives up after `timeout`.
    pub fn new(
        url: RouterOsUrl,
        password: &str,
        trust: &plutanium_tls::TrustStore,
        timeout: Duration,
    ) -> Router {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(trust.client_config().as_ref().clone())
            .https_or_http()
            .enable_http1()
            .build();
        let client = Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(https);
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("{}:{password}", url.user));
        let mut authorization = HeaderValue::from_str(&format!("Basic {credentials}"))
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        authorization.set_sensitive(true);
        Router {
            base: url.rest_base(),
            url,
            authorization,
            client,
            timeout,
        }
    }

    /// The URL it talks to.
    pub fn url(&self) -> &RouterOsUrl {
        &self.url
    }

    /// Every message in `/tool/sms/inbox`.
    pub async fn inbox(&self) -> Result<Vec<InboxItem>, RouterError> {
        let path = "/tool/sms/inbox";
        let body = self.call(Method::GET, path, None).await?;
        serde_json::from_slice(&body).map_err(|e| self.malformed(path, e.to_string()))
    }

    /// Removes inbox item `id`. `Ok(false)`: there was no such item (it
    /// was removed already).
    pub async fn remove(&self, id: &str) -> Result<bool, RouterError> {
        let path = "/tool/sms/inbox/remove";
        let body = serde_json::to_vec(&RemoveRequest { id: id.to_string() })
            .map_err(|e| self.malformed(path, e.to_string()))?;
        match self.call(Method::POST, path, Some(body)).await {
            Ok(_) => Ok(true),
            Err(e) if e.detail().is_some_and(|d| d.contains("no such item")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Sends `message` (checked with [`crate::check_sendable`]) to `phone`
    /// through the URL's interface.
    pub async fn send(&self, phone: &str, message: &str) -> Result<(), RouterError> {
        let path = "/tool/sms/send";
        let body = serde_json::to_vec(&SendRequest {
            port: self.url.interface.clone(),
            phone_number: phone.to_string(),
            message: message.to_string(),
        })
        .map_err(|e| self.malformed(path, e.to_string()))?;
        self.call(Method::POST, path, Some(body)).await.map(drop)
    }

    /// The LTE interface's radio and registration, once.
    pub async fn monitor(&self) -> Result<LteStatus, RouterError> {
        let path = "/interface/lte/monitor";
        let body = serde_json::to_vec(&serde_json::json!({
            "numbers": self.url.interface,
            "once": "",
        }))
        .map_err(|e| self.malformed(path, e.to_string()))?;
        let answer = self.call(Method::POST, path, Some(body)).await?;
        let mut status: Vec<LteStatus> =
            serde_json::from_slice(&answer).map_err(|e| self.malformed(path, e.to_string()))?;
        Ok(status.pop().unwrap_or_default())
    }

    fn malformed(&self, path: &str, reason: String) -> RouterError {
        RouterError::Malformed {
            url: self.url.to_string(),
            path: path.to_string(),
            reason,
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Bytes, RouterError> {
        let url = self.url.to_string();
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header(header::AUTHORIZATION, self.authorization.clone());
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let request = request
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| self.malformed(path, e.to_string()))?;
        let exchange = async {
            let response = self.client.request(request).await.map_err(|e| {
                // hyper-util's error says "client error (Connect)"; the cause
                // says what happened.
                let mut reason = e.to_string();
                let mut untrusted = None;
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    reason = format!("{reason}: {cause}");
                    if let Some(tls @ rustls::Error::InvalidCertificate(_)) = tls_error(cause) {
                        untrusted = Some(tls.to_string());
                    }
                    source = cause.source();
                }
                match untrusted {
                    // Trying again will not change the certificate.
                    Some(reason) => RouterError::Untrusted {
                        url: url.clone(),
                        reason,
                    },
                    None => RouterError::Unreachable {
                        url: url.clone(),
                        reason,
                    },
                }
            })?;
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| RouterError::Unreachable {
                    url: url.clone(),
                    reason: format!("the answer broke off: {e}"),
                })?
                .to_bytes();
            Ok::<_, RouterError>((status, body))
        };
        let (status, body) = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| RouterError::Timeout {
                url: url.clone(),
                path: path.to_string(),
                seconds: self.timeout.as_secs().max(1),
            })??;
        if status.is_success() {
            return Ok(body);
        }
        if status == StatusCode::UNAUTHORIZED {
            return Err(RouterError::Unauthorized {
                url,
                user: self.url.user.clone(),
            });
        }
        let error: Option<ErrorBody> = serde_json::from_slice(&body).ok();
        Err(RouterError::Refused {
            url,
            path: path.to_string(),
            status: status.as_u16(),
            message: error.as_ref().map_or_else(
                || status.canonical_reason().unwrap_or("error").to_string(),
                |e| e.message.clone(),
            ),
            detail: error.and_then(|e| e.detail),
        })
    }
}
