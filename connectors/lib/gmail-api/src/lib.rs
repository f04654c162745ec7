//! The calls Plutanium's Gmail connectors (`gmail`, `gmail-forward`) make
//! to Gmail's REST API (v1), over the host's HTTP, and what Gmail's errors
//! mean in the contract's terms. The host adds the OAuth token; a 401 has
//! already been retried once with a fresh token by the time it reaches here.
//!
//! It lives outside `connectors/*` because it is a library, not a
//! component: the daemon builds every crate directly under `connectors/`.

use std::time::Duration;

use plutanium_sdk::Error;
use plutanium_sdk::http::{Request, Response};
use serde_json::{Value, json};

#[cfg(any(test, feature = "fake"))]
pub mod fake;

/// Email composition and base64url, from the SDK (for users of the fake
/// that do not depend on the SDK themselves).
pub use plutanium_sdk::mail;

/// Gmail's API at `base` (ending in `/`).
/// Gmail's API at a base URL.
#[derive(Clone, Debug)]
pub struct Api {
    base: String,
    timeout: Duration,
}

/// The most IDs one `messages.list` page may return.
const PAGE: usize = 500;

impl Api {
    /// The API at `base` (`https://gmail.googleapis.com/` in production),
    /// each request limited to `timeout`.
    pub fn new(base: &str, timeout: Duration) -> Result<Api, Error> {
        let base = base.trim();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(Error::config(format!(
                "`api_base` {base:?} must be an http(s) URL"
            )));
        }
        let mut base = base.to_string();
        if !base.ends_with('/') {
            base.push('/');
        }
        Ok(Api { base, timeout })
    }

    fn url(&self, path: &str) -> String {
        format!("{}gmail/v1/users/me/{path}", self.base)
    }

    fn call(&self, request: Request, what: &str) -> Result<Response, Error> {
        let response = request
            .timeout(self.timeout)
            .send()
            .map_err(|e| Error::from(e).with_context(what))?;
        Ok(response)
    }

    /// The IDs of the messages `query` matches, as Gmail lists them (newest
    /// first), every page up to `cap` IDs.
    pub fn list(&self, query: &str, cap: usize) -> Result<Vec<String>, Error> {
        let mut ids = Vec::new();
        let mut page_token: Option<String> = None;
        loop {
            let mut url = format!(
                "{}?q={}&maxResults={}",
                self.url("messages"),
                percent_encode(query),
                PAGE.min(cap.saturating_sub(ids.len()).max(1))
            );
            if let Some(token) = &page_token {
                url.push_str("&pageToken=");
                url.push_str(&percent_encode(token));
            }
            let response = self.call(Request::get(url), "listing messages")?;
            let body = ok_json(&response, "listing messages")?;
            for message in body
                .get("messages")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(id) = message.get("id").and_then(Value::as_str)
                    && is_id(id)
                    && !ids.iter().any(|known| known == id)
                {
                    ids.push(id.to_string());
                }
            }
            page_token = body
                .get("nextPageToken")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if page_token.is_none() || ids.len() >= cap {
                ids.truncate(cap);
                return Ok(ids);
            }
        }
    }

    /// One message, whole (`format=full`); `None` when it is gone.
    pub fn get(&self, id: &str) -> Result<Option<Value>, Error> {
        let url = format!("{}?format=full", self.url(&format!("messages/{id}")));
        let response = self.call(Request::get(url), "reading a message")?;
        if response.status == 404 {
            return Ok(None);
        }
        ok_json(&response, "reading a message").map(Some)
    }

    /// Adds and removes labels; a message that is gone needs nothing.
    pub fn modify(&self, id: &str, add: &[String], remove: &[&str]) -> Result<(), Error> {
        let body = json!({"addLabelIds": add, "removeLabelIds": remove});
        let response = self.call(
            Request::post(self.url(&format!("messages/{id}/modify")))
                .header("content-type", "application/json")
                .body(body.to_string()),
            "labelling a message",
        )?;
        if response.status == 404 {
            return Ok(());
        }
        ok_json(&response, "labelling a message").map(drop)
    }

    /// The mailbox's labels: (id, name).
    pub fn labels(&self) -> Result<Vec<(String, String)>, Error> {
        let response = self.call(Request::get(self.url("labels")), "listing labels")?;
        let body = ok_json(&response, "listing labels")?;
        Ok(body
            .get("labels")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|l| {
                Some((
                    l.get("id")?.as_str()?.to_string(),
                    l.get("name")?.as_str()?.to_string(),
                ))
            })
            .collect())
    }

    /// Creates a user label; its id.
    pub fn create_label(&self, name: &str) -> Result<String, Error> {
        let body = json!({
            "name": name,
            "labelListVisibility": "labelShow",
            "messageListVisibility": "show",
        });
        let response = self.call(
            Request::post(self.url("labels"))
                .header("content-type", "application/json")
                .body(body.to_string()),
            "creating a label",
        )?;
        let body = ok_json(&response, "creating a label")?;
        body.get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| Error::transient("Gmail created a label but sent no id"))
    }

    /// Sends an RFC 2822 message, in `thread_id` when given.
    pub fn send(&self, rfc2822: &str, thread_id: Option<&str>) -> Result<(), Error> {
        let mut body = json!({"raw": plutanium_sdk::mail::base64url_encode(rfc2822.as_bytes())});
        if let Some(thread) = thread_id {
            body["threadId"] = json!(thread);
        }
        let response = self.call(
            Request::post(self.url("messages/send"))
                .header("content-type", "application/json")
                .body(body.to_string()),
            "sending an email",
        )?;
        ok_json(&response, "sending an email").map(drop)
    }
}

/// Gmail ids are hex; anything else is refused, so an id is safe in a URL
/// and in a key.
pub fn is_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

trait Context {
    fn with_context(self, what: &str) -> Self;
}

impl Context for Error {
    fn with_context(self, what: &str) -> Error {
        match self {
            Error::Config(m) => Error::Config(format!("{what}: {m}")),
            Error::Transient(m) => Error::Transient(format!("{what}: {m}")),
            Error::Permanent(m) => Error::Permanent(format!("{what}: {m}")),
        }
    }
}

/// The JSON body of a 2xx answer, or the error Gmail's answer means:
/// 429, 5xx and rate-limit 403s are transient (the host retries with
/// backoff); 401 and other 403s are config errors (the grant is wrong).
pub fn ok_json(response: &Response, what: &str) -> Result<Value, Error> {
    if response.is_success() {
        if response.body.is_empty() {
            return Ok(Value::Null);
        }
        return serde_json::from_slice(&response.body).map_err(|e| {
            Error::transient(format!("{what}: Gmail sent JSON that does not parse: {e}"))
        });
    }
    let parsed: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let message = parsed
        .pointer("/error/message")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            let text = response.text();
            text.chars()
                .take(200)
                .collect::<String>()
                .trim()
                .to_string()
        });
    let reasons: Vec<&str> = parsed
        .pointer("/error/errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("reason").and_then(Value::as_str))
        .collect();
    let summary = format!("{what}: HTTP {}: {message}", response.status);
    let rate_limited = reasons.iter().any(|r| {
        matches!(
            *r,
            "rateLimitExceeded"
                | "userRateLimitExceeded"
                | "backendError"
                | "concurrentLimitExceeded"
        )
    });
    Err(match response.status {
        408 | 429 | 500..=599 => Error::Transient(summary),
        403 if rate_limited => Error::Transient(summary),
        401 => Error::Config(format!(
            "{summary} (the access token was refused even after a refresh; check the connector's `oauth`)"
        )),
        403 => Error::Config(format!(
            "{summary} (the grant lacks a scope: the source needs gmail.modify)"
        )),
        _ => Error::Permanent(summary),
    })
}

/// `text` percent-encoded for a URL query value.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_errors_mean_what_they_say() {
        let answer = |status: u16, body: &str| ok_json(&Response::new(status).body(body), "x");
        assert!(matches!(answer(429, ""), Err(Error::Transient(_))));
        assert!(matches!(answer(503, "busy"), Err(Error::Transient(_))));
        let rate = r#"{"error":{"code":403,"message":"User Rate Limit Exceeded","errors":[{"reason":"userRateLimitExceeded"}]}}"#;
        let Err(Error::Transient(m)) = answer(403, rate) else {
            panic!()
        };
        assert!(m.contains("User Rate Limit Exceeded"), "{m}");
        let scope = r#"{"error":{"code":403,"message":"Insufficient Permission","errors":[{"reason":"insufficientPermissions"}]}}"#;
        assert!(matches!(answer(403, scope), Err(Error::Config(_))));
        assert!(matches!(answer(401, "{}"), Err(Error::Config(_))));
        assert!(matches!(answer(400, "bad"), Err(Error::Permanent(_))));
        assert_eq!(answer(200, r#"{"a":1}"#).unwrap()["a"], 1);
        assert!(matches!(answer(200, "not json"), Err(Error::Transient(_))));
        assert_eq!(
            percent_encode("is:unread label:sms"),
            "is%3Aunread%20label%3Asms"
        );
        assert!(Api::new("ftp://x", Duration::from_secs(1)).is_err());
        assert_eq!(
            Api::new("http://127.0.0.1:9", Duration::from_secs(1))
                .unwrap()
                .url("labels"),
            "http://127.0.0.1:9/gmail/v1/users/me/labels"
        );
    }
}
