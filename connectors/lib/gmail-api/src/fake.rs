//! A fake Gmail mailbox for tests: the few REST calls this connector makes
//! (`messages.list` with `is:unread` and paging, `messages.get`,
//! `messages.modify`, `messages.send`, `labels.list`, `labels.create`),
//! answered from memory. The connector's own tests serve it through the
//! SDK's fake host; the daemon's end-to-end tests serve it over real HTTP.
//! Enabled by the `fake` feature.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use plutanium_sdk::mail::{base64url_decode, base64url_encode};
use serde_json::{Value, json};

/// One email in the fake mailbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeEmail {
    /// Gmail's id (hex).
    pub id: String,
    /// When it arrived, ms.
    pub internal_date: u64,
    /// `Subject`.
    pub subject: String,
    /// `From`.
    pub from: String,
    /// The `text/plain` body; `None` for none.
    pub text: Option<String>,
    /// A `text/html` body; `None` for none.
    pub html: Option<String>,
    /// Label ids (`UNREAD`, `INBOX`, user labels).
    pub labels: Vec<String>,
    /// More headers.
    pub headers: Vec<(String, String)>,
}

/// The mailbox's own address: what is sent to it arrives in it.
pub const OWN_ADDRESS: &str = "gateway@example.com";

#[derive(Debug, Default)]
struct Inner {
    emails: Vec<FakeEmail>,
    /// (id, name).
    labels: Vec<(String, String)>,
    /// `raw` of every sent message, decoded.
    sent: Vec<String>,
    /// Statuses to answer the next requests with, instead of working.
    failures: VecDeque<u16>,
    /// `METHOD path?query` of every request.
    requests: Vec<String>,
    page_size: usize,
    next_id: u64,
    clock: u64,
    /// Messages delivered as raw bytes ([`Mailbox::deliver_raw`]), by id.
    raw: std::collections::HashMap<String, Vec<u8>>,
}

/// The mailbox. Clones share it.
#[derive(Clone, Debug, Default)]
pub struct Mailbox {
    inner: Arc<Mutex<Inner>>,
}

impl Mailbox {
    /// An empty mailbox whose list pages hold at most `page_size` ids (small
    /// pages test paging).
    pub fn new(page_size: usize) -> Mailbox {
        let mailbox = Mailbox::default();
        {
            let mut inner = mailbox.lock();
            inner.page_size = page_size.max(1);
            inner.next_id = 0x18c0_0000;
            inner.clock = 1_700_000_000_000;
            inner.labels = ["INBOX", "UNREAD", "SENT", "STARRED"]
                .iter()
                .map(|l| (l.to_string(), l.to_string()))
                .collect();
        }
        mailbox
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Delivers an unread email with a plain-text body; its id. Each email
    /// arrives one second after the one before.
    pub fn deliver(&self, subject: &str, text: &str) -> String {
        self.deliver_email(subject, Some(text), None)
    }

    /// Delivers an unread email with the bodies given; its id.
    pub fn deliver_email(&self, subject: &str, text: Option<&str>, html: Option<&str>) -> String {
        let mut inner = self.lock();
        inner.next_id += 1;
        inner.clock += 1000;
        let email = FakeEmail {
            id: format!("{:x}", inner.next_id),
            internal_date: inner.clock,
            subject: subject.to_string(),
            from: "Jana Nováková <jana@example.com>".into(),
            text: text.map(str::to_string),
            html: html.map(str::to_string),
            labels: vec!["INBOX".into(), "UNREAD".into()],
            headers: Vec::new(),
        };
        let id = email.id.clone();
        inner.emails.push(email);
        id
    }

    /// Delivers a message as it came from the Internet (RFC 5322 bytes, in
    /// any charset and transfer encoding), unread; its id. `messages.get`
    /// gives it as Gmail's `format=full` does: the headers as written
    /// (encoded words and all), and each text part's body turned into UTF-8
    /// while its `Content-Type` keeps the original `charset=`.
    pub fn deliver_raw(&self, raw: &[u8]) -> String {
        let subject = mail_parser::MessageParser::default()
            .parse(raw)
            .and_then(|m| m.subject().map(str::to_string))
            .unwrap_or_default();
        let mut inner = self.lock();
        inner.next_id += 1;
        inner.clock += 1000;
        let id = format!("{:x}", inner.next_id);
        let email = FakeEmail {
            id: id.clone(),
            internal_date: inner.clock,
            subject,
            from: String::new(),
            text: None,
            html: None,
            labels: vec!["INBOX".into(), "UNREAD".into()],
            headers: Vec::new(),
        };
        inner.emails.push(email);
        inner.raw.insert(id.clone(), raw.to_vec());
        id
    }

    /// Puts an email in as it is (any date, any labels).
    pub fn insert(&self, email: FakeEmail) {
        self.lock().emails.push(email);
    }

    /// The next request is answered with `status` (and Gmail's error body).
    pub fn fail_next(&self, status: u16) {
        self.lock().failures.push_back(status);
    }

    /// The email's labels, by name.
    pub fn labels_of(&self, id: &str) -> Vec<String> {
        let inner = self.lock();
        let Some(email) = inner.emails.iter().find(|e| e.id == id) else {
            return Vec::new();
        };
        email
            .labels
            .iter()
            .map(|l| {
                inner
                    .labels
                    .iter()
                    .find(|(lid, _)| lid == l)
                    .map_or(l.clone(), |(_, name)| name.clone())
            })
            .collect()
    }

    /// Whether the email is still unread.
    pub fn is_unread(&self, id: &str) -> bool {
        self.labels_of(id).iter().any(|l| l == "UNREAD")
    }

    /// Every message sent through the API, as RFC 2822 text.
    pub fn sent(&self) -> Vec<String> {
        self.lock().sent.clone()
    }

    /// Every request so far, as `METHOD path?query`.
    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    /// Answers one request: `url` is the whole URL or its path and query.
    /// Returns the status and the JSON body.
    pub fn handle(&self, method: &str, url: &str, body: &[u8]) -> (u16, String) {
        let mut inner = self.lock();
        let path_and_query = match url.find("/gmail/v1/") {
            Some(at) => &url[at..],
            None => url,
        };
        inner.requests.push(format!("{method} {path_and_query}"));
        if let Some(status) = inner.failures.pop_front() {
            let reason = match status {
                429 => "rateLimitExceeded",
                401 => "authError",
                _ => "backendError",
            };
            let body = json!({"error": {"code": status, "message": format!("fake failure {status}"),
                "errors": [{"reason": reason}]}});
            return (status, body.to_string());
        }
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let Some(rest) = path.strip_prefix("/gmail/v1/users/me/") else {
            return not_found();
        };
        let segments: Vec<&str> = rest.split('/').collect();
        let param = |name: &str| {
            query
                .split('&')
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| *k == name)
                .map(|(_, v)| percent_decode(v))
        };
        let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        match (method, segments.as_slice()) {
            ("GET", ["messages"]) => {
                let q = param("q").unwrap_or_default();
                let max: usize = param("maxResults")
                    .and_then(|m| m.parse().ok())
                    .unwrap_or(100);
                let start: usize = param("pageToken").and_then(|t| t.parse().ok()).unwrap_or(0);
                let mut matching: Vec<&FakeEmail> = inner
                    .emails
                    .iter()
                    .filter(|e| !q.contains("is:unread") || e.labels.iter().any(|l| l == "UNREAD"))
                    .collect();
                // Newest first, as Gmail lists.
                matching.sort_by_key(|e| std::cmp::Reverse(e.internal_date));
                let page = max.min(inner.page_size);
                let ids: Vec<Value> = matching
                    .iter()
                    .skip(start)
                    .take(page)
                    .map(|e| json!({"id": e.id, "threadId": e.id}))
                    .collect();
                let mut answer = json!({"resultSizeEstimate": matching.len()});
                if !ids.is_empty() {
                    answer["messages"] = Value::Array(ids);
                }
                if start + page < matching.len() {
                    answer["nextPageToken"] = json!((start + page).to_string());
                }
                (200, answer.to_string())
            }
            ("GET", ["messages", id]) => match inner.emails.iter().find(|e| e.id == *id) {
                Some(email) => match inner.raw.get(&email.id) {
                    Some(raw) => (200, full_from_raw(email, raw).to_string()),
                    None => (200, full(email).to_string()),
                },
                None => not_found(),
            },
            ("POST", ["messages", id, "modify"]) => {
                let strings = |key: &str| -> Vec<String> {
                    request[key]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                };
                let (add, remove) = (strings("addLabelIds"), strings("removeLabelIds"));
                if let Some(unknown) = add
                    .iter()
                    .find(|l| !inner.labels.iter().any(|(lid, _)| lid == *l))
                {
                    let body = json!({"error": {"code": 400, "message": format!("Invalid label: {unknown}")}});
                    return (400, body.to_string());
                }
                let Some(email) = inner.emails.iter_mut().find(|e| e.id == *id) else {
                    return not_found();
                };
                email.labels.retain(|l| !remove.contains(l));
                for label in add {
                    if !email.labels.contains(&label) {
                        email.labels.push(label);
                    }
                }
                (200, json!({"id": id, "labelIds": email.labels}).to_string())
            }
            ("POST", ["messages", "send"]) => {
                let raw = request["raw"].as_str().unwrap_or_default();
                match base64url_decode(raw) {
                    Ok(bytes) if !bytes.is_empty() => {
                        let raw = String::from_utf8_lossy(&bytes).into_owned();
                        if let Some(email) = arrival(&raw, &mut inner) {
                            inner.emails.push(email);
                        }
                        inner.sent.push(raw);
                        let id = format!("5e{:x}", inner.sent.len());
                        (200, json!({"id": id, "labelIds": ["SENT"]}).to_string())
                    }
                    _ => (
                        400,
                        json!({"error": {"code": 400, "message": "Invalid raw"}}).to_string(),
                    ),
                }
            }
            ("GET", ["labels"]) => {
                let labels: Vec<Value> = inner
                    .labels
                    .iter()
                    .map(|(id, name)| json!({"id": id, "name": name}))
                    .collect();
                (200, json!({"labels": labels}).to_string())
            }
            ("POST", ["labels"]) => {
                let name = request["name"].as_str().unwrap_or_default().to_string();
                if name.is_empty() || inner.labels.iter().any(|(_, n)| *n == name) {
                    return (409, json!({"error": {"code": 409, "message": "Label name exists or conflicts"}}).to_string());
                }
                let id = format!("Label_{}", inner.labels.len());
                inner.labels.push((id.clone(), name.clone()));
                (200, json!({"id": id, "name": name}).to_string())
            }
            _ => not_found(),
        }
    }
}

/// A sent message addressed to the mailbox itself, as it arrives there.
fn arrival(raw: &str, inner: &mut Inner) -> Option<FakeEmail> {
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push_str(line.trim_start());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    if !header("To")?.contains(OWN_ADDRESS) {
        return None;
    }
    let text = base64url_decode(body)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).replace("\r\n", "\n"));
    inner.next_id += 1;
    inner.clock += 1000;
    let own = [
        "From",
        "To",
        "Subject",
        "Message-ID",
        "MIME-Version",
        "Content-Type",
        "Content-Transfer-Encoding",
    ];
    Some(FakeEmail {
        id: format!("{:x}", inner.next_id),
        internal_date: inner.clock,
        subject: plutanium_sdk::mail::decode_header(&header("Subject").unwrap_or_default()),
        from: header("From").unwrap_or_else(|| OWN_ADDRESS.into()),
        text,
        html: None,
        labels: vec!["INBOX".into(), "UNREAD".into()],
        headers: headers
            .into_iter()
            .filter(|(n, _)| !own.iter().any(|o| o.eq_ignore_ascii_case(n)))
            .collect(),
    })
}

fn not_found() -> (u16, String) {
    (
        404,
        json!({"error": {"code": 404, "message": "Requested entity was not found."}}).to_string(),
    )
}

/// A raw message as `format=full` gives it (see [`Mailbox::deliver_raw`]).
fn full_from_raw(email: &FakeEmail, raw: &[u8]) -> Value {
    use mail_parser::{MimeHeaders, PartType};
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in String::from_utf8_lossy(&raw[..head_end]).split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim_start());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let headers: Vec<Value> = headers
        .iter()
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    let message = mail_parser::MessageParser::default().parse(raw);
    let mut parts = Vec::new();
    let mut multipart = false;
    if let Some(message) = &message {
        multipart = matches!(message.root_part().body, PartType::Multipart(_));
        for part in &message.parts {
            let (mime, text) = match &part.body {
                PartType::Text(text) => ("text/plain", text),
                PartType::Html(html) => ("text/html", html),
                _ => continue,
            };
            let content_type = part.content_type().map_or_else(
                || format!("{mime}; charset=\"us-ascii\""),
                |ct| {
                    let mut value = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("plain"));
                    if let Some(charset) = ct.attribute("charset") {
                        value.push_str(&format!("; charset=\"{charset}\""));
                    }
                    value
                },
            );
            let mut part_headers = vec![json!({"name": "Content-Type", "value": content_type})];
            // Kept, although the data below is decoded already: as Gmail does.
            if let Some(encoding) = part.content_transfer_encoding() {
                part_headers.push(json!({"name": "Content-Transfer-Encoding", "value": encoding}));
            }
            parts.push(json!({"mimeType": mime, "headers": part_headers,
                "body": {"size": text.len(), "data": base64url_encode(text.as_bytes())}}));
        }
    }
    let payload = if !multipart && parts.len() == 1 {
        let mut only = parts.remove(0);
        only["headers"] = Value::Array(headers);
        only
    } else {
        json!({"mimeType": "multipart/alternative", "headers": headers, "body": {"size": 0}, "parts": parts})
    };
    json!({"id": email.id, "threadId": email.id, "labelIds": email.labels,
           "internalDate": email.internal_date.to_string(), "payload": payload})
}

/// A message as `format=full` gives it.
fn full(email: &FakeEmail) -> Value {
    let part = |mime: &str, text: &str| {
        json!({"mimeType": mime, "headers": [{"name": "Content-Type", "value": format!("{mime}; charset=UTF-8")}],
               "body": {"size": text.len(), "data": base64url_encode(text.as_bytes())}})
    };
    let mut parts = Vec::new();
    if let Some(text) = &email.text {
        parts.push(part("text/plain", text));
    }
    if let Some(html) = &email.html {
        parts.push(part("text/html", html));
    }
    let mut headers = json!([
        {"name": "From", "value": email.from},
        {"name": "To", "value": OWN_ADDRESS},
        {"name": "Subject", "value": email.subject},
        {"name": "Message-ID", "value": format!("<{}@mail.example.com>", email.id)},
    ]);
    if let Some(list) = headers.as_array_mut() {
        for (name, value) in &email.headers {
            list.push(json!({"name": name, "value": value}));
        }
    }
    let payload = if parts.len() == 1 {
        let mut only = parts.remove(0);
        only["headers"] = headers;
        only
    } else {
        json!({"mimeType": "multipart/alternative", "headers": headers, "body": {"size": 0}, "parts": parts})
    };
    json!({"id": email.id, "threadId": email.id, "labelIds": email.labels,
           "internalDate": email.internal_date.to_string(), "payload": payload})
}

/// A URL query or form value, `%XX` and `+` decoded.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
