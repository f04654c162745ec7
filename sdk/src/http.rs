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

/// An HTTP request to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The method, upper case: `GET`, `POST`, ...
    pub method: String,
    /// An absolute `http://` or `https://` URL.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body; empty for none.
    pub body: Vec<u8>,
    /// The longest wait for the first byte of the response (the host may
    /// hold the request to a shorter limit of its own).
    pub timeout: Option<Duration>,
    /// A longer response body is an error ([`HttpError::TooLarge`]).
    pub max_response_bytes: usize,
}

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

/// A response, read whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
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

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a request got no response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpError {
    /// The URL is not an absolute http(s) URL.
    InvalidUrl(String),
    /// A header name or value, or the method, was refused.
    InvalidRequest(String),
    /// The host refused the request: the host is not in `allow_hosts`, its
    /// address is private, or the request set `Authorization`.
    Denied(String),
    /// No answer within the timeout.
    Timeout,
    /// The body was larger than the limit (in bytes).
    TooLarge(usize),
    /// The connection or the protocol failed.
    Failed(String),
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

/// An absolute URL cut into the parts `wasi:http` wants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UrlParts<'a> {
    pub(crate) https: bool,
    pub(crate) authority: &'a str,
    pub(crate) path_with_query: String,
}

pub(crate) fn parse_url(url: &str) -> Result<UrlParts<'_>, HttpError> {
    let invalid = || HttpError::InvalidUrl(url.to_string());
    let (scheme, rest) = url.split_once("://").ok_or_else(invalid)?;
    let https = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        _ => return Err(invalid()),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.is_empty() || authority.contains('@') || authority.contains(char::is_whitespace) {
        return Err(invalid());
    }
    let tail = rest[end..].split('#').next().unwrap_or_default();
    let path_with_query = match tail.chars().next() {
        None => "/".to_string(),
        Some('/') => tail.to_string(),
        Some(_) => format!("/{tail}"),
    };
    Ok(UrlParts {
        https,
        authority,
        path_with_query,
    })
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn wasi_send(request: &Request) -> Result<Response, HttpError> {
    use crate::bindings::processor::wasi::http::outgoing_handler;
    use crate::bindings::processor::wasi::http::types::{
        ErrorCode, Fields, HeaderError, IncomingBody, Method, OutgoingBody, OutgoingRequest,
        RequestOptions, Scheme,
    };
    use crate::bindings::processor::wasi::io::streams::StreamError;

    fn from_code(code: ErrorCode) -> HttpError {
        match code {
            ErrorCode::HttpRequestDenied => HttpError::Denied("destination not granted".into()),
            ErrorCode::ConnectionTimeout
            | ErrorCode::ConnectionReadTimeout
            | ErrorCode::ConnectionWriteTimeout
            | ErrorCode::HttpResponseTimeout => HttpError::Timeout,
            ErrorCode::InternalError(Some(why)) if why.contains("denied") => HttpError::Denied(why),
            ErrorCode::HttpRequestBodySize(_) => {
                HttpError::InvalidRequest("the body does not match its content-length".into())
            }
            other => HttpError::Failed(describe(&other)),
        }
    }

    // The bindings print an error code only as Rust would debug it; this is
    // what a connector's log and the admin page show instead.
    fn describe(code: &ErrorCode) -> String {
        let detail = |what: &str, extra: Option<String>| match extra {
            Some(extra) => format!("{what} ({extra})"),
            None => what.to_string(),
        };
        match code {
            ErrorCode::DnsTimeout => "the DNS lookup timed out".into(),
            ErrorCode::DnsError(payload) => detail("the DNS lookup failed", payload.rcode.clone()),
            ErrorCode::DestinationNotFound => "the server was not found".into(),
            ErrorCode::DestinationUnavailable => "the server is unavailable".into(),
            ErrorCode::DestinationIpProhibited => "the server's address is prohibited".into(),
            ErrorCode::DestinationIpUnroutable => "the server's address is unroutable".into(),
            ErrorCode::ConnectionRefused => "the server refused the connection".into(),
            ErrorCode::ConnectionTerminated => "the connection was closed early".into(),
            ErrorCode::ConnectionTimeout => "connecting timed out".into(),
            ErrorCode::ConnectionReadTimeout => "reading from the server timed out".into(),
            ErrorCode::ConnectionWriteTimeout => "writing to the server timed out".into(),
            ErrorCode::ConnectionLimitReached => "too many connections are open".into(),
            ErrorCode::TlsProtocolError => "the TLS handshake failed".into(),
            ErrorCode::TlsCertificateError => {
                "the server's TLS certificate was not accepted".into()
            }
            ErrorCode::TlsAlertReceived(payload) => detail(
                "the server ended TLS with an alert",
                payload.alert_message.clone(),
            ),
            ErrorCode::HttpRequestDenied => "the host denied the request".into(),
            ErrorCode::HttpRequestLengthRequired => "the server wants a content-length".into(),
            ErrorCode::HttpRequestBodySize(_) => {
                "the body does not match its content-length".into()
            }
            ErrorCode::HttpRequestMethodInvalid => "the method is not valid".into(),
            ErrorCode::HttpRequestUriInvalid => "the URL is not valid".into(),
            ErrorCode::HttpRequestUriTooLong => "the URL is too long".into(),
            ErrorCode::HttpRequestHeaderSectionSize(_) | ErrorCode::HttpRequestHeaderSize(_) => {
                "the request's headers are too large".into()
            }
            ErrorCode::HttpRequestTrailerSectionSize(_) | ErrorCode::HttpRequestTrailerSize(_) => {
                "the request's trailers are too large".into()
            }
            ErrorCode::HttpResponseIncomplete => "the response ended early".into(),
            ErrorCode::HttpResponseHeaderSectionSize(_) | ErrorCode::HttpResponseHeaderSize(_) => {
                "the response's headers are too large".into()
            }
            ErrorCode::HttpResponseBodySize(_) => "the response's body is too large".into(),
            ErrorCode::HttpResponseTrailerSectionSize(_)
            | ErrorCode::HttpResponseTrailerSize(_) => {
                "the response's trailers are too large".into()
            }
            ErrorCode::HttpResponseTransferCoding(coding) => detail(
                "the response's transfer coding is not supported",
                coding.clone(),
            ),
            ErrorCode::HttpResponseContentCoding(coding) => detail(
                "the response's content coding is not supported",
                coding.clone(),
            ),
            ErrorCode::HttpResponseTimeout => "the response timed out".into(),
            ErrorCode::HttpUpgradeFailed => "the protocol upgrade failed".into(),
            ErrorCode::HttpProtocolError => "the server broke the HTTP protocol".into(),
            ErrorCode::LoopDetected => "the request loops back to itself".into(),
            ErrorCode::ConfigurationError => "the host's HTTP setup is wrong".into(),
            ErrorCode::InternalError(why) => detail("the host failed", why.clone()),
        }
    }

    // What a refused header is called in a message, for the three ways
    // `fields` can refuse one.
    fn header_refused(name: &str, error: &HeaderError) -> HttpError {
        let why = match error {
            HeaderError::InvalidSyntax => "its name or value is not valid HTTP",
            HeaderError::Forbidden => "the host does not let connectors set it",
            HeaderError::Immutable => "the headers could no longer be changed",
        };
        HttpError::InvalidRequest(format!(
            "the header \"{}\" was refused: {why}",
            name.escape_debug()
        ))
    }

    let url = parse_url(&request.url)?;
    let headers = Fields::new();
    for (name, value) in &request.headers {
        headers
            .append(name, value.as_bytes())
            .map_err(|e| header_refused(name, &e))?;
    }
    // A known length, not chunked encoding: some servers refuse chunked bodies.
    let framed = !request.body.is_empty() || !matches!(request.method.as_str(), "GET" | "HEAD");
    if framed && request.header_value("content-length").is_none() {
        headers
            .append("content-length", request.body.len().to_string().as_bytes())
            .map_err(|e| header_refused("content-length", &e))?;
    }
    let outgoing = OutgoingRequest::new(headers);
    let method = match request.method.as_str() {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        "PATCH" => Method::Patch,
        "HEAD" => Method::Head,
        "OPTIONS" => Method::Options,
        other => Method::Other(other.to_string()),
    };
    let refused = |what: &str| HttpError::InvalidRequest(format!("{what} refused"));
    outgoing
        .set_method(&method)
        .map_err(|()| refused("method"))?;
    let scheme = if url.https {
        Scheme::Https
    } else {
        Scheme::Http
    };
    outgoing
        .set_scheme(Some(&scheme))
        .map_err(|()| refused("scheme"))?;
    outgoing
        .set_authority(Some(url.authority))
        .map_err(|()| refused("authority"))?;
    outgoing
        .set_path_with_query(Some(&url.path_with_query))
        .map_err(|()| refused("path"))?;
    let body = outgoing.body().map_err(|()| refused("body"))?;
    let options = request.timeout.map(|timeout| {
        let options = RequestOptions::new();
        let nanos = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
        // A host that does not support a timeout keeps its own.
        let _ = options.set_first_byte_timeout(Some(nanos));
        options
    });
    let future = outgoing_handler::handle(outgoing, options).map_err(from_code)?;
    let written = (|| {
        let stream = body.write().map_err(|()| refused("body stream"))?;
        for chunk in request.body.chunks(4096) {
            stream.blocking_write_and_flush(chunk).map_err(|e| {
                HttpError::Failed(match e {
                    StreamError::Closed => "writing the body: the connection closed".into(),
                    StreamError::LastOperationFailed(e) => {
                        format!("writing the body: {}", e.to_debug_string())
                    }
                })
            })?;
        }
        drop(stream);
        OutgoingBody::finish(body, None).map_err(from_code)
    })();
    future.subscribe().block();
    if let Err(write_error) = written {
        // A request the host refused (a host not granted, say) closes the
        // body early; its own error says why, better than the write's.
        return Err(match future.get() {
            Some(Ok(Err(code))) => from_code(code),
            _ => write_error,
        });
    }
    let incoming = future
        .get()
        .ok_or_else(|| HttpError::Failed("no response".into()))?
        .map_err(|()| HttpError::Failed("response already taken".into()))?
        .map_err(from_code)?;
    let status = incoming.status();
    let headers = incoming
        .headers()
        .entries()
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
        .collect();
    let body = incoming
        .consume()
        .map_err(|()| HttpError::Failed("response body taken".into()))?;
    let mut bytes = Vec::new();
    {
        let stream = body
            .stream()
            .map_err(|()| HttpError::Failed("response body stream taken".into()))?;
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => {
                    if bytes.len() + chunk.len() > request.max_response_bytes {
                        return Err(HttpError::TooLarge(request.max_response_bytes));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(e)) => {
                    return Err(HttpError::Failed(e.to_debug_string()));
                }
            }
        }
    }
    let _trailers = IncomingBody::finish(body);
    Ok(Response {
        status,
        headers,
        body: bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_cut_for_wasi_http() {
        let parts =
            parse_url("https://gmail.googleapis.com/gmail/v1/users/me?q=is%3Aunread#x").unwrap();
        assert!(parts.https);
        assert_eq!(parts.authority, "gmail.googleapis.com");
        assert_eq!(parts.path_with_query, "/gmail/v1/users/me?q=is%3Aunread");
        let parts = parse_url("http://127.0.0.1:8080").unwrap();
        assert_eq!(
            (parts.https, parts.authority, parts.path_with_query.as_str()),
            (false, "127.0.0.1:8080", "/")
        );
        assert_eq!(parse_url("http://h?a=1").unwrap().path_with_query, "/?a=1");
        for bad in [
            "ftp://h/",
            "h/path",
            "https:///path",
            "https://user@h/",
            "https://a b/",
        ] {
            assert!(
                matches!(parse_url(bad), Err(HttpError::InvalidUrl(_))),
                "{bad}"
            );
        }
    }

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
