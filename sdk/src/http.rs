//! Outbound HTTP through the host (`wasi:http/outgoing-handler`).
//!
//! The host only lets a connector reach the hosts its config grants
//! (`allow_hosts`), and adds OAuth tokens itself: a connector never sets an
//! `Authorization` header (the host refuses the request if it does).
//!
//! ```
//! use plutanium_sdk::http::Request;
//! # let host = plutanium_sdk::testing::FakeHost::new();
//! # host.respond("POST", "https://hooks.example.com/sms", plutanium_sdk::http::Response::new(204));
//! # host.run(|| {
//! let response = Request::post("https://hooks.example.com/sms")
//!     .header("content-type", "application/json")
//!     .body(r#"{"text":"hi"}"#)
//!     .send()?;
//! assert!(response.is_success());
//! # Ok::<(), plutanium_sdk::http::HttpError>(())
//! # }).unwrap();
//! ```

use std::fmt;
use std::time::Duration;

use crate::Error;
use crate::host_types::{find_header, parse_url};
// Defined with the other data the host layer passes, so that `host_calls`
// and the fake host need not use this module; their impls are below.
pub use crate::host_types::{HttpError, Request, Response};

/// The largest response body [`Request::send`] reads unless told otherwise.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 << 20;

/// Headers a connector may not set: the host sets them (`host`, framing,
/// connection management) or owns them (credentials).
pub const FORBIDDEN_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "transfer-encoding",
    "upgrade",
    "http2-settings",
];

impl Request {
    /// A request with `method` to `url`.
    pub fn new(method: &str, url: impl Into<String>) -> Self {
        Request {
            method: method.to_ascii_uppercase(),
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
            timeout: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// A `GET` request.
    pub fn get(url: impl Into<String>) -> Self {
        Request::new("GET", url)
    }

    /// A `POST` request.
    pub fn post(url: impl Into<String>) -> Self {
        Request::new("POST", url)
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets the first-byte timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The value of the first header called `name` (any case).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Sends the request and reads the whole response.
    pub fn send(&self) -> Result<Response, HttpError> {
        parse_url(&self.url)?;
        if let Some((name, _)) = self.headers.iter().find(|(name, _)| {
            FORBIDDEN_HEADERS
                .iter()
                .any(|f| name.eq_ignore_ascii_case(f))
        }) {
            return Err(HttpError::InvalidRequest(
                if name.eq_ignore_ascii_case("authorization") {
                    "connectors may not set Authorization; an `oauth` grant makes the host add it"
                        .into()
                } else {
                    format!(
                        "the header \"{}\" is set by the host, not by connectors: leave it out",
                        name.escape_debug()
                    )
                },
            ));
        }
        crate::host_calls::http_send(self)
    }
}

impl Response {
    /// A response with `status`, no headers and no body.
    pub fn new(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The value of the first header called `name` (any case).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The usual error for a status that is not 2xx: 408, 429 and 5xx are
    /// transient; 401 and 403 (the grant or the token is wrong) and 3xx
    /// (redirects are not followed) are config errors; other 4xx permanent.
    /// `None` for 2xx.
    pub fn status_error(&self) -> Option<Error> {
        let summary = || {
            let mut text = self.text();
            if text.len() > 200 {
                let mut cut = 200;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.truncate(cut);
                text.push('…');
            }
            format!("HTTP {}: {}", self.status, text.trim())
        };
        match self.status {
            200..=299 => None,
            408 | 429 | 500..=599 => Some(Error::Transient(summary())),
            // Redirects are not followed: the configured URL needs changing.
            300..=399 | 401 | 403 => Some(Error::Config(summary())),
            _ => Some(Error::Permanent(summary())),
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::InvalidUrl(url) => write!(
                f,
                "\"{}\" is not an http(s) URL: write it with http:// or https:// and a host, like https://example.com/path",
                url.escape_debug()
            ),
            HttpError::InvalidRequest(why) => write!(f, "invalid request: {why}"),
            HttpError::Denied(why) => write!(f, "request denied by the host: {why}"),
            HttpError::Timeout => f.write_str("request timed out"),
            HttpError::TooLarge(limit) => write!(f, "response body over {limit} bytes"),
            HttpError::Failed(why) => write!(f, "request failed: {why}"),
        }
    }
}

impl std::error::Error for HttpError {}

impl From<HttpError> for Error {
    /// Denied and invalid requests are config errors, a too large answer is
    /// permanent, and network trouble is transient.
    fn from(e: HttpError) -> Self {
        match e {
            HttpError::InvalidUrl(_) | HttpError::InvalidRequest(_) | HttpError::Denied(_) => {
                Error::Config(e.to_string())
            }
            HttpError::TooLarge(_) => Error::Permanent(e.to_string()),
            HttpError::Timeout | HttpError::Failed(_) => Error::Transient(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_the_usual_error_kinds() {
        assert_eq!(Response::new(204).status_error(), None);
        assert!(matches!(
            Response::new(503).status_error(),
            Some(Error::Transient(_))
        ));
        assert!(matches!(
            Response::new(429).status_error(),
            Some(Error::Transient(_))
        ));
        assert!(matches!(
            Response::new(401).status_error(),
            Some(Error::Config(_))
        ));
        assert!(matches!(
            Response::new(301).status_error(),
            Some(Error::Config(_))
        ));
        let forbidden = Request::post("https://h/")
            .header("Authorization", "Bearer x")
            .send();
        assert!(matches!(forbidden, Err(HttpError::InvalidRequest(m)) if m.contains("oauth")));
        let forbidden = Request::get("https://h/").header("Host", "other").send();
        assert_eq!(
            forbidden.unwrap_err().to_string(),
            "invalid request: the header \"Host\" is set by the host, not by connectors: leave it out"
        );
        assert_eq!(
            parse_url("ftp://h/").unwrap_err().to_string(),
            "\"ftp://h/\" is not an http(s) URL: write it with http:// or https:// and a host, like https://example.com/path"
        );
        let long = "é".repeat(300);
        let Some(Error::Permanent(m)) = Response::new(400).body(long).status_error() else {
            panic!("400 is permanent");
        };
        assert!(
            m.starts_with("HTTP 400: é") && m.ends_with('…') && m.len() < 220,
            "{m}"
        );
    }
}
