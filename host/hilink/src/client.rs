//! The calls Plutanium makes to a HiLink device, over hyper (plain HTTP:
//! the device serves nothing else), one at a time: concurrent requests race
//! for the device's tokens. A stale session (125002, 125003) is renewed
//! and the call made again once; an expired login (100003) likewise.

use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::Mutex;

use crate::api::{
    self, ApiError, DeleteRequest, DeviceSignal, ListPage, ListRequest, LoginRequest, LoginState,
    Message, MonitoringStatus, ParseError, SendRequest, SendStatus, SesTokInfo,
};
use crate::session::{self, Session};
use crate::url::HilinkUrl;

/// Messages listed per page (many models allow no more than 50).
const PAGE: u32 = 20;

/// What went wrong talking to the device; each names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeviceError {
    /// No connection.
    #[error("cannot reach the HiLink device at {url}: {reason}")]
    Unreachable {
        /// The modem's port URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// No answer in time.
    #[error("the HiLink device at {url} did not answer {path} within {seconds} s")]
    Timeout {
        /// The modem's port URL.
        url: String,
        /// The API path.
        path: String,
        /// The wait.
        seconds: u64,
    },
    /// The device answered with an error code.
    #[error("the HiLink device at {url} refused {path}: {error}")]
    Api {
        /// The modem's port URL.
        url: String,
        /// The API path.
        path: String,
        /// The code, and what it means.
        error: ApiError,
    },
    /// The device wants a login and no password was given.
    #[error(
        "the HiLink device at {url} wants a login: put its web page's password in a file and \
         name it with `password_file:` on the modem"
    )]
    NeedsPassword {
        /// The modem's port URL.
        url: String,
    },
    /// A USSD code the network did not answer in time (the device still
    /// waited: the client gave up).
    #[error(
        "no answer from the network to USSD {code} within {seconds} s (HiLink device at {url})"
    )]
    NoUssdAnswer {
        /// The modem's port URL.
        url: String,
        /// The code asked.
        code: String,
        /// The wait.
        seconds: u64,
    },
    /// A login this client cannot do.
    #[error(
        "the HiLink device at {url} asks for a login of type {password_type}, which Plutanium \
         does not speak (it knows types 0, 3 and 4); this firmware cannot be used yet"
    )]
    UnsupportedLogin {
        /// The modem's port URL.
        url: String,
        /// The device's `password_type`.
        password_type: u8,
    },
    /// An answer that is not the XML expected.
    #[error("the HiLink device at {url} answered {path} with {reason}")]
    Malformed {
        /// The modem's port URL.
        url: String,
        /// The API path.
        path: String,
        /// What did not parse.
        reason: String,
    },
}

impl DeviceError {
    /// Whether trying again later may work.
    pub fn is_transient(&self) -> bool {
        match self {
            DeviceError::Unreachable { .. }
            | DeviceError::Timeout { .. }
            | DeviceError::NoUssdAnswer { .. } => true,
            DeviceError::Api { error, .. } => error.is_transient(),
            _ => false,
        }
    }

    /// The device's error code, if it gave one.
    pub fn code(&self) -> Option<u32> {
        match self {
            DeviceError::Api { error, .. } => Some(error.code),
            _ => None,
        }
    }
}

/// A client for one HiLink device.
#[derive(Debug)]
pub struct Device {
    url: HilinkUrl,
    password: Option<String>,
    client: Client<HttpConnector, Full<Bytes>>,
    timeout: Duration,
    /// `None` until the first call; one call at a time holds it.
    session: Mutex<Option<Session>>,
}

impl Device {
    /// A client for `url`, logging in with `password` where the device
    /// wants a login; each call gives up after `timeout`.
    pub fn new(url: HilinkUrl, password: Option<String>, timeout: Duration) -> Device {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Device {
            url,
            password,
            client: Client::builder(hyper_util::rt::TokioExecutor::new())
                .pool_idle_timeout(Duration::from_secs(30))
                .build(connector),
            timeout,
            session: Mutex::new(None),
        }
    }

    /// The URL it talks to.
    pub fn url(&self) -> &HilinkUrl {
        &self.url
    }

    /// Every message in the device's inbox, oldest first.
    pub async fn inbox(&self) -> Result<Vec<Message>, DeviceError> {
        let mut all = Vec::new();
        for page in 1.. {
            let listed: ListPage = self
                .post("/api/sms/sms-list", &ListRequest::inbox(page, PAGE))
                .await?;
            let count = listed.messages.message.len();
            all.extend(listed.messages.message);
            if count < PAGE as usize {
                break;
            }
        }
        Ok(all)
    }

    /// Deletes message `index` (the device answers OK for one that is gone).
    pub async fn delete(&self, index: u32) -> Result<(), DeviceError> {
        self.post_ok("/api/sms/delete-sms", &DeleteRequest { index })
            .await
    }

    /// Hands `text` to the device for `phone`; [`Device::send_status`] says
    /// how it went.
    pub async fn send(&self, phone: &str, text: &str) -> Result<(), DeviceError> {
        self.post_ok("/api/sms/send-sms", &SendRequest::new(phone, text))
            .await
    }

    /// Where the last send is.
    pub async fn send_status(&self) -> Result<SendStatus, DeviceError> {
        self.get("/api/sms/send-status").await
    }

    /// Runs a USSD code and waits up to `wait` for the network's answer:
    /// sends it, asks `ussd/status` every half second until the answer is
    /// in, then reads it with `ussd/get`.
    pub async fn ussd(&self, code: &str, wait: Duration) -> Result<String, DeviceError> {
        self.post_ok("/api/ussd/send", &api::UssdRequest::new(code))
            .await?;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let status: api::UssdStatus = self.get("/api/ussd/status").await?;
            if status.result == 0 {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(DeviceError::NoUssdAnswer {
                    url: self.url.to_string(),
                    code: code.to_string(),
                    seconds: wait.as_secs(),
                });
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let answer: api::UssdAnswer = self.get("/api/ussd/get").await?;
        Ok(answer.content)
    }

    /// Connection, network type, bars, SIM.
    pub async fn status(&self) -> Result<MonitoringStatus, DeviceError> {
        self.get("/api/monitoring/status").await
    }

    /// The operator.
    pub async fn plmn(&self) -> Result<api::CurrentPlmn, DeviceError> {
        self.get("/api/net/current-plmn").await
    }

    /// RSSI, RSRP, RSRQ, SINR (absent on some firmware: 100002).
    pub async fn signal(&self) -> Result<DeviceSignal, DeviceError> {
        self.get("/api/device/signal").await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, DeviceError> {
        let text = self.call(Method::GET, path, None).await?;
        api::parse(&text).map_err(|e| self.parse_error(path, e))
    }

    async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, DeviceError> {
        let text = self
            .call(Method::POST, path, Some(api::request(body)))
            .await?;
        api::parse(&text).map_err(|e| self.parse_error(path, e))
    }

    async fn post_ok(&self, path: &str, body: &impl Serialize) -> Result<(), DeviceError> {
        let text = self
            .call(Method::POST, path, Some(api::request(body)))
            .await?;
        api::parse_ok(&text).map_err(|e| self.parse_error(path, e))
    }

    fn parse_error(&self, path: &str, e: ParseError) -> DeviceError {
        match e {
            ParseError::Api(error) => DeviceError::Api {
                url: self.url.to_string(),
                path: path.into(),
                error,
            },
            ParseError::Xml(reason) => DeviceError::Malformed {
                url: self.url.to_string(),
                path: path.into(),
                reason,
            },
        }
    }

    /// One call, renewing the session (and logging in again) once if the
    /// device says it went stale. Returns the answer's text.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<String, DeviceError> {
        let mut guard = self.session.lock().await;
        if guard.is_none() {
            *guard = Some(self.open().await?);
        }
        let session = guard.as_mut().expect("opened above");
        let text = self
            .exchange(session, method.clone(), path, body.clone(), false)
            .await?;
        let stale = api::error_of(&text)
            .is_some_and(|error| error.wants_new_session() || error.wants_login());
        if !stale {
            return Ok(text);
        }
        *guard = Some(self.open().await?);
        let session = guard.as_mut().expect("opened above");
        self.exchange(session, method, path, body, false).await
    }

    /// A new session: the cookie and first token, then the login if the
    /// device wants one.
    async fn open(&self) -> Result<Session, DeviceError> {
        let path = "/api/webserver/SesTokInfo";
        let mut bare = Session::default();
        let text = self
            .exchange(&mut bare, Method::GET, path, None, false)
            .await?;
        let info: SesTokInfo = api::parse(&text).map_err(|e| self.parse_error(path, e))?;
        let mut session = Session::new(info);
        let path = "/api/user/state-login";
        let text = self
            .exchange(&mut session, Method::GET, path, None, false)
            .await?;
        let state: LoginState = match api::parse(&text) {
            Ok(state) => state,
            // A stick without a login at all.
            Err(ParseError::Api(ApiError { code: 100002 })) => return Ok(session),
            Err(e) => return Err(self.parse_error(path, e)),
        };
        if state.state == 0 {
            return Ok(session);
        }
        let password = self
            .password
            .as_deref()
            .ok_or_else(|| DeviceError::NeedsPassword {
                url: self.url.to_string(),
            })?;
        let password_type = state.password_type.unwrap_or(4);
        let token = session.login_token().unwrap_or_default().to_string();
        let encoded = session::encode_password(&self.url.user, password, password_type, &token)
            .ok_or_else(|| DeviceError::UnsupportedLogin {
                url: self.url.to_string(),
                password_type,
            })?;
        let path = "/api/user/login";
        let request = LoginRequest {
            username: self.url.user.clone(),
            password: encoded,
            password_type,
        };
        let text = self
            .exchange(
                &mut session,
                Method::POST,
                path,
                Some(api::request(&request)),
                true,
            )
            .await?;
        api::parse_ok(&text).map_err(|e| self.parse_error(path, e))?;
        Ok(session)
    }

    /// One HTTP exchange in `session`: its cookie and token go out, what
    /// the answer brings comes in. The body is CESU-8 both ways.
    async fn exchange(
        &self,
        session: &mut Session,
        method: Method,
        path: &str,
        body: Option<String>,
        login: bool,
    ) -> Result<String, DeviceError> {
        let url = self.url.to_string();
        let mut request = Request::builder()
            .method(method.clone())
            .uri(format!("{}{path}", self.url.base()))
            .header("X-Requested-With", "XMLHttpRequest");
        if let Some(cookie) = session.cookie() {
            request = request.header(header::COOKIE, cookie);
        }
        let token = if method == Method::POST {
            session.token_for_post()
        } else {
            session.token_for_get().map(str::to_string)
        };
        if let Some(token) = token {
            request = request.header("__RequestVerificationToken", token);
        }
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/xml; charset=UTF-8");
        }
        let request = request
            .body(Full::new(Bytes::from(
                body.map(|b| session::to_cesu8(&b)).unwrap_or_default(),
            )))
            .map_err(|e| DeviceError::Malformed {
                url: url.clone(),
                path: path.into(),
                reason: e.to_string(),
            })?;
        let exchange = async {
            let response = self.client.request(request).await.map_err(|e| {
                let mut reason = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    reason = format!("{reason}: {cause}");
                    source = cause.source();
                }
                DeviceError::Unreachable {
                    url: url.clone(),
                    reason,
                }
            })?;
            let headers = response.headers().clone();
            let status = response.status();
            let bytes = response
                .into_body()
                .collect()
                .await
                .map_err(|e| DeviceError::Unreachable {
                    url: url.clone(),
                    reason: format!("the answer broke off: {e}"),
                })?
                .to_bytes();
            Ok::<_, DeviceError>((status, headers, bytes))
        };
        let (status, headers, bytes) = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| DeviceError::Timeout {
                url: url.clone(),
                path: path.into(),
                seconds: self.timeout.as_secs().max(1),
            })??;
        session.answered(
            |name| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            },
            login,
        );
        if !status.is_success() {
            // Some firmware redirects an unknown path to its web page.
            return Err(DeviceError::Malformed {
                url,
                path: path.into(),
                reason: format!("HTTP {status} instead of XML"),
            });
        }
        Ok(session::from_cesu8(&bytes))
    }
}
