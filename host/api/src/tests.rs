//! The API on a real loopback socket over a real SQLite store.

use std::net::SocketAddr;
use std::sync::Arc;

use plutanium_gateway::GatewayHandle;
use plutanium_store::{SqliteStore, Store};
use serde_json::{Value, json};

use super::tokens::{Scope, Tokens, line, new_token};
use super::{ApiState, serve};

struct Api {
    address: SocketAddr,
    sender: String,
    reader: String,
    store: Arc<SqliteStore>,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::watch::Sender<bool>,
}

const CONFIG: &str = r#"
default_country: "+420"
modems:
  gsm0: { port: "sim://gsm0", number: "+420777000000" }
policy: { max_parts: 2 }
"#;

async fn start() -> Api {
    start_with_reads(None).await
}

/// [`start`], the reader's line ending in `reads=N` when given.
async fn start_with_reads(reads: Option<u32>) -> Api {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
    let config = Arc::new(plutanium_core::config::load(CONFIG, &|_| None).unwrap());
    let (sender, reader) = (new_token().unwrap(), new_token().unwrap());
    let tokens = Tokens::parse(&format!(
        "{}\n{}\n",
        line(&sender, &[Scope::Send, Scope::Read], Some("app"), Some(5)).unwrap(),
        line(&reader, &[Scope::Read], Some("dashboard"), None).unwrap()
            + &reads.map_or_else(String::new, |n| format!(" reads={n}")),
    ))
    .unwrap();
    let shared: Arc<dyn Store> = store.clone();
    // No gateway runs: what is queued stays queued, and there are no modems.
    let state = ApiState::new(GatewayHandle::new(shared, config), tokens);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(serve(listener, state.clone(), stopped));
    Api {
        address,
        sender,
        reader,
        store,
        _dir: dir,
        _stop: stop,
    }
}

/// One request: status, headers as `name: value` lines (lower case), body.
async fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, String, Vec<u8>) {
    let client = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client.request(method, format!("http://{address}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    let head: String = answer
        .headers()
        .iter()
        .map(|(name, value)| format!("{name}: {}\n", value.to_str().unwrap_or("")))
        .collect();
    let bytes = answer.bytes().await.unwrap().to_vec();
    (status, head.to_lowercase(), bytes)
}

/// One request with a bearer token: status, headers (lower case), JSON body.
async fn call(
    address: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String, Value) {
    let authorization = token.map(|token| format!("Bearer {token}"));
    let headers: Vec<(&str, &str)> = authorization
        .iter()
        .map(|value| ("authorization", value.as_str()))
        .collect();
    let (status, head, bytes) = request(address, method, path, &headers, body).await;
    (
        status,
        head,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

impl Api {
    async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let (status, _, body) = call(self.address, "GET", path, token, None).await;
        (status, body)
    }

    async fn post(&self, path: &str, token: Option<&str>, body: &str) -> (u16, String, Value) {
        call(self.address, "POST", path, token, Some(body)).await
    }
}

#[tokio::test]
async fn nothing_without_a_valid_token_but_the_health_probes() {
    let api = start().await;
    assert_eq!(
        api.get("/healthz", None).await,
        (200, serde_json::json!({"status": "ok"}))
    );
    let (status, ready) = api.get("/readyz", None).await;
    assert_eq!(status, 200, "{ready}");
    for path in [
        "/api/v1/messages",
        "/api/v1/calls",
        "/api/v1/modems",
        "/api/v1/nowhere",
        "/api/v1/messages/out-1",
    ] {
        let (status, head, body) = call(api.address, "GET", path, None, None).await;
        assert_eq!(status, 401, "{path}");
        assert!(head.contains("www-authenticate: bearer"), "{head}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("Authorization: Bearer")
        );
        let (status, _, _) = call(api.address, "GET", path, Some("plu_guessed"), None).await;
        assert_eq!(status, 401, "{path} with a wrong token");
    }
    let (status, _, _) = api
        .post(
            "/api/v1/messages",
            None,
            r#"{"to":"+420601234567","text":"x"}"#,
        )
        .await;
    assert_eq!(status, 401);
    assert!(api.store.recent_outbound(10).unwrap().is_empty());
    // A read-only token cannot send.
    let (status, _, body) = api
        .post(
            "/api/v1/messages",
            Some(&api.reader),
            r#"{"to":"+420601234567","text":"x"}"#,
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(api.get("/api/v1/nowhere", Some(&api.reader)).await.0, 404);
}

#[tokio::test]
async fn messages_are_queued_once_per_key_and_refused_with_a_reason() {
    let api = start().await;
    let token = Some(api.sender.as_str());
    let (status, _, body) = api
        .post(
            "/api/v1/messages",
            token,
            r#"{"to":"601 234 567","text":"Ahoj 👋","key":"order-7","report":true}"#,
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let id = body["id"].as_str().unwrap().to_string();
    assert_eq!(body["to"], "+420601234567");
    assert_eq!(body["parts"], 1);
    let (status, _, again) = api
        .post(
            "/api/v1/messages",
            token,
            r#"{"to":"601 234 567","text":"Ahoj 👋","key":"order-7"}"#,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(again["id"], id.as_str());
    assert_eq!(again["duplicate"], true);
    let rows = api.store.recent_outbound(10).unwrap();
    assert_eq!(rows.len(), 1, "sent nothing twice");
    assert_eq!(rows[0].key, "api:order-7");
    assert!(rows[0].options.status_report);
    assert_eq!(rows[0].source, "api:app");

    for (body, status, field) in [
        (r#"{"to":"+420601234567"}"#, 400, "text"),
        (r#"{"to":"+420601234567","text":""}"#, 400, "text"),
        (
            r#"{"to":"+420601234567","text":"x","colour":"red"}"#,
            400,
            "colour",
        ),
        (
            r#"{"to":"+420601234567","text":"x","encoding":"utf8"}"#,
            400,
            "encoding",
        ),
        (
            r#"{"to":"+420601234567","text":"x","modem":"gsm9"}"#,
            400,
            "modem",
        ),
        (r#"{"to":"+420601234567","text":"x","key":""}"#, 400, "key"),
        (r#"{"to":"hello","text":"x"}"#, 422, "to"),
        (r#"{"to":"9090","text":"premium?"}"#, 422, "to"),
        (
            &format!(r#"{{"to":"+420601234567","text":"{}"}}"#, "x".repeat(400)),
            422,
            "text",
        ),
    ] {
        let (got, _, answer) = api.post("/api/v1/messages", token, body).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert_eq!(answer["field"], field, "{body}: {answer}");
        assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    let (status, _, answer) = api.post("/api/v1/messages", token, "{not json").await;
    assert_eq!(status, 400, "{answer}");
    let huge = format!(
        r#"{{"to":"+420601234567","text":"{}"}}"#,
        "x".repeat(super::MAX_BODY)
    );
    let (status, _, _) = api.post("/api/v1/messages", token, &huge).await;
    assert_eq!(status, 413, "bodies are capped");
    assert_eq!(
        api.store.recent_outbound(10).unwrap().len(),
        1,
        "nothing refused was queued"
    );
}

#[tokio::test]
async fn a_batch_queues_each_message_with_its_own_result() {
    let api = start().await;
    let token = Some(api.sender.as_str());
    let (status, _, first) = api
        .post(
            "/api/v1/messages",
            token,
            r#"{"to":"+420601234567","text":"before","key":"k-0"}"#,
        )
        .await;
    assert_eq!(status, 202, "{first}");
    let batch = json!({ "messages": [
        { "to": "601 234 567", "text": "one", "key": "k-1" },
        { "to": "+420601234567", "text": 7 },
        { "to": "+420601234567", "text": "again", "key": "k-0" },
        { "to": "+420601234567", "text": "x", "colour": "red" },
        { "to": "9090", "text": "premium?" },
        { "to": "+420601234567", "text": "two", "modem": "gsm9" },
        { "text": "no number" },
        "not an object",
        { "to": "+420601234567", "text": "three" },
    ]});
    let (status, _, answer) = api
        .post("/api/v1/messages/batch", token, &batch.to_string())
        .await;
    assert_eq!(status, 200, "{answer}");
    let results = answer["results"].as_array().unwrap();
    let statuses: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "accepted",
            "refused",
            "duplicate",
            "refused",
            "refused",
            "refused",
            "refused",
            "refused",
            "accepted"
        ],
        "{answer}"
    );
    let fields: Vec<&Value> = results.iter().map(|r| &r["field"]).collect();
    assert_eq!(fields[1], "text", "a wrong type names its field: {answer}");
    assert_eq!(fields[3], "colour");
    assert_eq!(fields[4], "to");
    assert_eq!(fields[5], "modem");
    assert_eq!(fields[6], "to");
    assert!(
        results
            .iter()
            .filter(|r| r["status"] == "refused")
            .all(|r| r["error"].as_str().is_some_and(|e| !e.is_empty())),
        "{answer}"
    );
    assert_eq!(results[0]["to"], "+420601234567");
    assert_eq!(results[2]["id"], first["id"], "the key's earlier message");
    assert_eq!(
        (
            &answer["accepted"],
            &answer["duplicates"],
            &answer["refused"]
        ),
        (&json!(2), &json!(1), &json!(6))
    );
    // What was accepted is in the store, once; the same batch again queues
    // nothing more.
    let keys: Vec<String> = api
        .store
        .recent_outbound(10)
        .unwrap()
        .into_iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(keys.contains(&"api:k-1".to_string()), "{keys:?}");
    let again = json!({ "messages": [{ "to": "601 234 567", "text": "one", "key": "k-1" }] });
    let (_, _, answer) = api
        .post("/api/v1/messages/batch", token, &again.to_string())
        .await;
    assert_eq!(answer["results"][0]["status"], "duplicate", "{answer}");
    assert_eq!(answer["results"][0]["id"], results[0]["id"]);
    // The token may queue 5 a minute; duplicates spent none of it. Of
    // three more, two fit, and the third is refused alone with when to
    // come back.
    let three: Vec<Value> = (0..3)
        .map(|n| json!({ "to": "+420601234567", "text": format!("more #{n}") }))
        .collect();
    let (_, _, answer) = api
        .post(
            "/api/v1/messages/batch",
            token,
            &json!({ "messages": three }).to_string(),
        )
        .await;
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results[0]["status"], "accepted", "{answer}");
    assert_eq!(results[1]["status"], "accepted", "{answer}");
    assert_eq!(results[2]["status"], "refused", "{answer}");
    assert!(results[2]["field"].is_null(), "{answer}");
    assert!(results[2]["retry_after"].as_u64().is_some_and(|s| s >= 1));
    assert_eq!(api.store.recent_outbound(10).unwrap().len(), 5);
    // Over 1,000, the request is refused whole, naming the limit.
    let many: Vec<Value> = (0..1001)
        .map(|n| json!({ "to": "+420601234567", "text": format!("#{n}") }))
        .collect();
    let (status, _, answer) = api
        .post(
            "/api/v1/messages/batch",
            token,
            &json!({ "messages": many }).to_string(),
        )
        .await;
    assert_eq!(status, 413, "{answer}");
    assert_eq!(answer["field"], "messages");
    assert!(answer["error"].as_str().unwrap().contains("at most 1000"));
    // 1,000 long messages fit the body limit; each is answered (here
    // refused by the token's rate, which is spent).
    let full: Vec<Value> = (0..1000)
        .map(|n| json!({ "to": "+420601234567", "text": format!("{n:>150}") }))
        .collect();
    let (status, _, answer) = api
        .post(
            "/api/v1/messages/batch",
            token,
            &json!({ "messages": full }).to_string(),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["refused"], 1000, "{answer}");
    assert_eq!(api.store.recent_outbound(10).unwrap().len(), 5);
}

#[tokio::test]
async fn a_token_is_held_to_its_rate() {
    let api = start().await;
    let token = Some(api.sender.as_str());
    for n in 0..5 {
        let (status, _, body) = api
            .post(
                "/api/v1/messages",
                token,
                &format!(r#"{{"to":"+420601234567","text":"{n}"}}"#),
            )
            .await;
        assert_eq!(status, 202, "{body}");
    }
    let (status, head, body) = api
        .post(
            "/api/v1/messages",
            token,
            r#"{"to":"+420601234567","text":"one too many"}"#,
        )
        .await;
    assert_eq!(status, 429, "{body}");
    assert!(head.contains("retry-after:"), "{head}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("5 messages a minute")
    );
    // A repeat of a key already queued is still answered.
    assert_eq!(api.store.recent_outbound(10).unwrap().len(), 5);
}

#[tokio::test]
async fn the_log_reads_in_pages_and_one_message_whole() {
    let api = start().await;
    let token = Some(api.sender.as_str());
    for n in 0..3 {
        api.post(
            "/api/v1/messages",
            token,
            &format!(r#"{{"to":"+420601234567","text":"out {n}"}}"#),
        )
        .await;
    }
    for n in 0..2 {
        let record = plutanium_store::InboundRecord {
            fingerprint: format!("f{n}"),
            modem: "gsm0".into(),
            sender: "+420601234567".into(),
            recipient: "+420777000000".into(),
            text: format!("in {n}"),
            received_at: plutanium_core::time::now() + 10 + n,
            meta: Vec::new(),
        };
        api.store
            .insert_inbound(&record, None, plutanium_core::time::now())
            .unwrap();
    }
    api.store
        .log_call("gsm0", Some("+420601234567"), plutanium_core::time::now())
        .unwrap();
    let reader = Some(api.reader.as_str());
    let mut seen = Vec::new();
    let mut path = "/api/v1/messages?limit=2".to_string();
    loop {
        let (status, page) = api.get(&path, reader).await;
        assert_eq!(status, 200, "{page}");
        let items = page["messages"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(
            items
                .iter()
                .map(|m| m["text"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/messages?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        ["in 0", "in 1", "out 0", "out 1", "out 2"],
        "every message once"
    );
    let (_, outbound) = api
        .get("/api/v1/messages?direction=out&status=queued", reader)
        .await;
    assert_eq!(outbound["messages"].as_array().unwrap().len(), 3);
    let (_, inbound) = api.get("/api/v1/messages?direction=in", reader).await;
    assert_eq!(inbound["messages"][0]["text"], "in 1", "newest first");
    let (_, none) = api.get("/api/v1/messages?since=2099-01-01", reader).await;
    assert!(none["messages"].as_array().unwrap().is_empty());
    for (query, field) in [
        ("direction=sideways", "direction"),
        ("status=lost", "status"),
        ("limit=0", "limit"),
        ("since=yesterdayish", "since"),
        ("cursor=abc", "cursor"),
        ("direction=in&status=sent", "status"),
    ] {
        let (status, body) = api.get(&format!("/api/v1/messages?{query}"), reader).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["field"], field, "{query}: {body}");
    }
    let id = outbound["messages"][0]["id"].as_str().unwrap().to_string();
    let (status, message) = api.get(&format!("/api/v1/messages/{id}"), reader).await;
    assert_eq!(status, 200);
    assert_eq!(message["status"], "queued");
    assert!(message["message_refs"].is_array() && message["delivered_refs"].is_array());
    assert_eq!(api.get("/api/v1/messages/out-999", reader).await.0, 404);
    assert_eq!(api.get("/api/v1/messages/banana", reader).await.0, 400);
    let (status, calls) = api.get("/api/v1/calls", reader).await;
    assert_eq!(status, 200);
    assert_eq!(calls["calls"][0]["caller"], "+420601234567");
    let (status, modems) = api.get("/api/v1/modems", reader).await;
    assert_eq!(
        (status, modems["modems"].as_array().unwrap().len()),
        (200, 0)
    );
}

/// `(METHOD, path)` of every route `api.rs` builds, read from its source:
/// the routes inside `let v1 = …;` are under `/api/v1`.
fn routes_in_source() -> std::collections::BTreeSet<(String, String)> {
    let source = include_str!("lib.rs");
    let v1_start = source.find("let v1 = Router::new()").unwrap();
    let v1_end = v1_start + source[v1_start..].find(';').unwrap();
    let mut routes = std::collections::BTreeSet::new();
    for (at, _) in source.match_indices(".route(") {
        // The path, after any line break rustfmt put before it.
        let rest = source[at + 7..].trim_start();
        let Some(rest) = rest.strip_prefix('"') else {
            continue;
        };
        let path = &rest[..rest.find('"').unwrap()];
        // The route's call, which may span lines: up to the next call.
        let line = &rest[..rest.find("\n        .").unwrap_or(rest.len())];
        let prefix = if (v1_start..v1_end).contains(&at) {
            "/api/v1"
        } else {
            ""
        };
        for method in ["get", "post", "put", "delete", "patch"] {
            if line.contains(&format!("{method}(")) {
                routes.insert((method.to_uppercase(), format!("{prefix}{path}")));
            }
        }
    }
    routes
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_and_only_them() {
    let spec: Value = serde_json::from_str(super::OPENAPI).unwrap();
    let mut documented = std::collections::BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let built = routes_in_source();
    assert!(built.len() >= 12, "{built:?}");
    assert_eq!(documented, built, "openapi.json and api.rs disagree");
    // And every documented route answers (not 404/405) with a full token.
    let api = start().await;
    for (method, path) in &documented {
        let path = path.replace("{id}", "out-1").replace("{name}", "gsm0");
        if path == "/api/v1/events" {
            continue; // a stream: it does not end
        }
        let body = (method == "POST").then_some("{}");
        let (status, _, _) = call(api.address, method, &path, Some(&api.sender), body).await;
        assert!(
            ![404, 405].contains(&status)
                || path.ends_with("out-1")
                || path.contains("/modems/gsm0"),
            "{method} {path}: {status}"
        );
    }
    let (status, _, served) = call(
        api.address,
        "GET",
        "/api/v1/openapi.json",
        Some(&api.reader),
        None,
    )
    .await;
    assert_eq!((status, served["openapi"].as_str()), (200, Some("3.0.3")));
}

#[tokio::test]
async fn a_text_is_counted_as_it_would_be_sent() {
    let api = start().await;
    let token = Some(api.reader.as_str());
    let (status, _, count) = api
        .post("/api/v1/sms/count", token, r#"{"text":"Hello"}"#)
        .await;
    assert_eq!(status, 200, "{count}");
    assert_eq!(
        (count["encoding"].as_str(), count["parts"].as_u64()),
        (Some("gsm7"), Some(1))
    );
    let long = "ž".repeat(71);
    let (_, _, count) = api
        .post(
            "/api/v1/sms/count",
            token,
            &format!(r#"{{"text":"{long}"}}"#),
        )
        .await;
    assert_eq!(
        (count["encoding"].as_str(), count["parts"].as_u64()),
        (Some("ucs2"), Some(2))
    );
    assert_eq!(count["per_part"], 67);
    let (_, _, stripped) = api
        .post(
            "/api/v1/sms/count",
            token,
            &format!(r#"{{"text":"{long}","encoding":"gsm7-strip"}}"#),
        )
        .await;
    assert_eq!(
        (stripped["encoding"].as_str(), stripped["parts"].as_u64()),
        (Some("gsm7"), Some(1))
    );
    let (status, _, bad) = api
        .post(
            "/api/v1/sms/count",
            token,
            r#"{"text":"x","encoding":"morse"}"#,
        )
        .await;
    assert_eq!((status, bad["field"].as_str()), (400, Some("encoding")));
}

#[tokio::test]
async fn the_web_admin_is_served_without_a_token_under_a_strict_policy() {
    let api = start().await;
    for (path, content_type, body) in crate::web::FILES {
        let (status, head, _) = call(api.address, "GET", path, None, None).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            head.contains(&format!("content-type: {content_type}")),
            "{path}: {head}"
        );
        assert!(
            head.contains(&format!(
                "content-security-policy: {}",
                crate::web::CONTENT_SECURITY_POLICY
            )),
            "{path}: {head}"
        );
        assert!(head.contains("x-content-type-options: nosniff"), "{head}");
        assert!(head.contains("x-frame-options: deny"), "{head}");
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
    }
    // The page is only the page: no data without a token.
    let (status, _, _) = call(api.address, "GET", "/admin/nothing.js", None, None).await;
    assert_eq!(status, 404);
    // A browser that has the page already is told so (304, no body).
    let (_, head, _) = call(api.address, "GET", "/admin/admin.js", None, None).await;
    let etag = head
        .lines()
        .find_map(|l| l.strip_prefix("etag: "))
        .unwrap()
        .trim()
        .to_string();
    let (status, _, body) = request(
        api.address,
        "GET",
        "/admin/admin.js",
        &[("if-none-match", &etag)],
        None,
    )
    .await;
    assert_eq!(status, 304);
    assert!(body.is_empty(), "no body: {body:?}");
    // Gzipped for a browser that takes it: the same bytes, unpacked.
    for (path, _, body) in crate::web::FILES {
        let (_, head, packed) = request(
            api.address,
            "GET",
            path,
            &[("accept-encoding", "gzip, br")],
            None,
        )
        .await;
        assert!(head.contains("content-encoding: gzip"), "{path}: {head}");
        assert!(head.contains("vary: accept-encoding"), "{path}: {head}");
        assert!(!head.contains(&format!("etag: {etag}")), "its own ETag");
        let packed = &packed[..];
        let mut unpacked = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(packed), &mut unpacked)
            .unwrap();
        assert_eq!(unpacked, body, "{path}");
        if body.len() > 2000 {
            assert!(
                packed.len() < body.len() / 2,
                "{path}: {} bytes",
                packed.len()
            );
        }
    }
}

#[tokio::test]
async fn a_token_tells_its_name_scopes_and_rate() {
    let api = start().await;
    let (status, me) = api.get("/api/v1/token", Some(&api.sender)).await;
    assert_eq!(status, 200);
    assert_eq!(
        me,
        serde_json::json!({"name": "app", "scopes": ["send", "read"], "per_minute": 5, "reads_per_minute": 3000})
    );
    let (status, me) = api.get("/api/v1/token", Some(&api.reader)).await;
    assert_eq!((status, &me["scopes"]), (200, &serde_json::json!(["read"])));
    assert_eq!(api.get("/api/v1/token", Some("nope")).await.0, 401);
}

#[tokio::test]
async fn the_log_is_searched_by_text_and_number() {
    let api = start().await;
    for (to, text) in [
        ("+420601111111", "Lunch at noon?"),
        ("+420602222222", "NOON is fine"),
        ("+420603333333", "see you"),
        ("+420604444444", "Čau, ΣΟΦΙΑ"),
    ] {
        let body = serde_json::json!({ "to": to, "text": text }).to_string();
        assert_eq!(
            api.post("/api/v1/messages", Some(&api.sender), &body)
                .await
                .0,
            202
        );
    }
    let found = |path: &'static str| {
        let api = &api;
        async move {
            let (status, page) = api.get(path, Some(&api.reader)).await;
            assert_eq!(status, 200, "{page}");
            page["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["to"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        found("/api/v1/messages?q=noon").await,
        ["+420602222222", "+420601111111"]
    );
    assert_eq!(
        found("/api/v1/messages?q=603333&direction=out").await,
        ["+420603333333"]
    );
    assert_eq!(
        found("/api/v1/messages?q=%20%20").await.len(),
        4,
        "a blank search is no search"
    );
    // Case for all of Unicode; accents when asked.
    for path in [
        "/api/v1/messages?q=%C4%8Dau",
        "/api/v1/messages?q=%CF%83%CE%BF%CF%86%CE%B9%CE%B1",
        "/api/v1/messages?q=cau&diacritics=ignore",
    ] {
        assert_eq!(found(path).await, ["+420604444444"], "{path}");
    }
    assert!(found("/api/v1/messages?q=cau").await.is_empty());
    let (status, error) = api
        .get("/api/v1/messages?q=cau&diacritics=maybe", Some(&api.reader))
        .await;
    assert_eq!((status, error["field"].as_str()), (400, Some("diacritics")));
    let long = format!("/api/v1/messages?q={}", "x".repeat(161));
    let (status, error) = api.get(&long, Some(&api.reader)).await;
    assert_eq!((status, error["field"].as_str()), (400, Some("q")));
    let (status, calls) = api.get("/api/v1/calls?q=601", Some(&api.reader)).await;
    assert_eq!(
        (status, calls["calls"].as_array().map(Vec::len)),
        (200, Some(0))
    );
}

#[tokio::test]
async fn a_token_holds_a_bounded_number_of_event_streams() {
    let api = start().await;
    // A stream stays open as long as its response is held.
    let open_with = |token: String| async move {
        let stream = reqwest::Client::new()
            .get(format!("http://{}/api/v1/events", api.address))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        (stream.status().as_u16(), stream)
    };
    let open = || open_with(api.reader.clone());
    let mut streams = Vec::new();
    for _ in 0..super::MAX_STREAMS_PER_TOKEN {
        let (status, stream) = open().await;
        assert_eq!(status, 200);
        streams.push(stream);
    }
    assert_eq!(open().await.0, 429, "one too many");
    // Another token has its own streams.
    let (status, _other) = open_with(api.sender.clone()).await;
    assert_eq!(status, 200);
    // A client that goes frees its stream.
    drop(streams.pop());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (status, stream) = open().await;
        if status == 200 {
            streams.push(stream);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the slot was never freed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Reads SSE events from `stream` until `count` have come (keep-alive
/// comments skipped): (id, event name, JSON).
async fn sse_events(
    stream: &mut reqwest::Response,
    count: usize,
) -> Vec<(Option<i64>, String, serde_json::Value)> {
    let mut text = String::new();
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while events.len() < count {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("events in time")
            .unwrap()
            .expect("the stream stays open");
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            let (mut id, mut name, mut data) = (None, String::new(), String::new());
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse().ok();
                } else if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                }
            }
            if !data.is_empty() {
                events.push((id, name, serde_json::from_str(&data).unwrap()));
            }
        }
    }
    events
}

/// A client that reconnects with `Last-Event-ID` gets what it missed, in
/// order and once, from the durable log: across a restart too.
#[tokio::test]
async fn a_resumed_event_stream_replays_what_it_missed() {
    let api = start().await;
    let open = |last: Option<i64>| {
        let api = &api;
        async move {
            let mut request = reqwest::Client::new()
                .get(format!("http://{}/api/v1/events", api.address))
                .bearer_auth(&api.reader);
            if let Some(last) = last {
                request = request.header("Last-Event-ID", last.to_string());
            }
            let stream = request.send().await.unwrap();
            assert_eq!(stream.status(), 200);
            stream
        }
    };
    let queue = |text: &'static str| {
        let api = &api;
        async move {
            let body = serde_json::json!({ "to": "+420601111111", "text": text }).to_string();
            let (status, text, answer) =
                api.post("/api/v1/messages", Some(&api.sender), &body).await;
            assert_eq!(status, 202, "{text}");
            answer["id"].as_str().unwrap().to_string()
        }
    };
    let mut first = open(None).await;
    let seen = queue("one").await;
    let events = sse_events(&mut first, 1).await;
    let (Some(last), ref kind, ref data) = events[0] else {
        panic!("an event without an id: {events:?}");
    };
    assert_eq!(
        (kind.as_str(), data["id"].as_str()),
        ("outbound", Some(seen.as_str()))
    );
    drop(first);
    // Away: two more.
    let missed = [queue("two").await, queue("three").await];
    let mut resumed = open(Some(last)).await;
    let replayed = sse_events(&mut resumed, 2).await;
    assert_eq!(
        replayed.iter().map(|(id, ..)| *id).collect::<Vec<_>>(),
        [Some(last + 1), Some(last + 2)]
    );
    assert_eq!(
        replayed
            .iter()
            .map(|(_, _, data)| data["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>(),
        missed
    );
    // And then live, without repeating anything.
    let after = queue("four").await;
    let live = sse_events(&mut resumed, 1).await;
    assert_eq!(live[0].0, Some(last + 3));
    assert_eq!(live[0].2["id"].as_str(), Some(after.as_str()));
    drop(resumed);

    // A restart: a new gateway handle over the same store replays from the
    // log, and its ids go on from the highest logged.
    let store: Arc<dyn Store> = api.store.clone();
    let config = Arc::new(plutanium_core::config::load(CONFIG, &|_| None).unwrap());
    let restarted = GatewayHandle::new(store, config);
    let again = restarted.replay(last, 10).await.unwrap();
    assert_eq!(
        again.iter().map(|e| e.id).collect::<Vec<_>>(),
        [last + 1, last + 2, last + 3]
    );
    assert_eq!(
        api.store.last_live_event_id().unwrap(),
        last + 3,
        "ids go on from here"
    );
    // An id this API never gave is refused, saying so.
    let bad = reqwest::Client::new()
        .get(format!("http://{}/api/v1/events", api.address))
        .bearer_auth(&api.reader)
        .header("Last-Event-ID", "yesterday")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("Last-Event-ID"));
}

/// Reads are limited per token too: a loop of small reads, or a few big
/// ones, get 429 with Retry-After, and another token is not affected.
#[tokio::test]
async fn reads_are_rate_limited_per_token() {
    // 40 a minute: 10 at once, then one every 1.5 s.
    let api = start_with_reads(Some(40)).await;
    for n in 0..10 {
        let (status, body) = api.get("/api/v1/messages", Some(&api.reader)).await;
        assert_eq!(status, 200, "read {n}: {body}");
    }
    let bearer = format!("Bearer {}", api.reader);
    let (status, headers, body) = request(
        api.address,
        "GET",
        "/api/v1/messages",
        &[("authorization", bearer.as_str())],
        None,
    )
    .await;
    let body = String::from_utf8_lossy(&body).to_string();
    assert_eq!(status, 429, "{body}");
    assert!(
        headers.lines().any(|l| l.starts_with("retry-after: ")),
        "{headers}"
    );
    assert!(body.contains("reads="), "{body}");
    // The sender's token has its own budget.
    assert_eq!(api.get("/api/v1/messages", Some(&api.sender)).await.0, 200);
    // A big page costs more: 500 items is 6 reads.
    let big = start_with_reads(Some(40)).await;
    assert_eq!(
        big.get("/api/v1/messages?limit=500", Some(&big.reader))
            .await
            .0,
        200
    );
    assert_eq!(
        big.get("/api/v1/messages?limit=500", Some(&big.reader))
            .await
            .0,
        429
    );
    assert_eq!(
        big.get("/api/v1/messages?limit=10", Some(&big.reader))
            .await
            .0,
        200
    );
}
