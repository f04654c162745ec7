//! The plain data the host's services take and give back: a log [`Level`],
//! a [`KvError`], an HTTP [`Request`], [`Response`] and [`HttpError`], and
//! the helpers both sides of the host boundary read them with.
//!
//! Public as [`crate::log`], [`crate::kv`] and [`crate::http`], which add the
//! builders, messages and functions connectors call. The definitions sit here,
//! below those modules, because `host_calls` (the wasm imports) and
//! `fake_host` (the native stand-in) pass these values too: with them in the
//! public modules, each public module and the host layer would use each other.
//! So this module uses nothing of the SDK's, and only what the host layer
//! itself needs is implemented here.

use std::time::Duration;

/// How important a log line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Step by step detail.
    Trace,
    /// Detail for whoever debugs the connector.
    Debug,
    /// Something happened that the operator may want to know.
    Info,
    /// Something went wrong and was handled.
    Warn,
    /// Something went wrong and was not handled.
    Error,
}

/// Why the key-value store did not answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KvError {
    /// The store cannot be reached now; try again later.
    Unavailable(String),
    /// The key or value is larger than the host allows (1 MiB); its size in bytes.
    TooLarge(u32),
}

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

/// An HTTP response, read whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// Why an HTTP request got no response.
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

/// The value of the first header called `name` (any case). Here, not in
/// `http`, because the wasm host call looks up `content-length` with it.
pub(crate) fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// An absolute URL cut into the parts `wasi:http` wants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UrlParts<'a> {
    pub(crate) https: bool,
    pub(crate) authority: &'a str,
    pub(crate) path_with_query: String,
}

/// Cuts `url` for `wasi:http`. Here, not in `http`, because both sides use
/// it: [`Request::send`](crate::http::Request::send) to refuse a bad URL the
/// same way natively and in wasm, and the wasm host call to build the request.
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
}
