//! A loopback HTTP server (axum) that answers the statuses it is given, one
//! per request, and hands back each request as it arrived: what a
//! connector's outbound HTTP really sent.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};

/// A request as the server saw it.
pub(crate) struct Captured {
    /// `METHOD /path HTTP/1.1` and one `name: value` line per header (names
    /// in lower case, as HTTP/1.1 servers see them).
    pub(crate) head: String,
    pub(crate) body: Vec<u8>,
}

/// Serves on a free loopback port until `statuses` are used up, answering
/// each request with the next one; the handle gives back what came in.
pub(crate) async fn http_capture(
    statuses: &[u16],
) -> (String, tokio::task::JoinHandle<Vec<Captured>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let expected = statuses.len();
    let statuses: Arc<Mutex<VecDeque<u16>>> =
        Arc::new(Mutex::new(statuses.iter().copied().collect()));
    let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel();
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let (statuses, seen_tx) = (statuses.clone(), seen_tx.clone());
            async move {
                let head = std::iter::once(format!("{method} {uri} HTTP/1.1"))
                    .chain(headers.iter().map(|(name, value)| {
                        format!("{name}: {}", String::from_utf8_lossy(value.as_bytes()))
                    }))
                    .collect::<Vec<_>>()
                    .join("\r\n");
                let status = statuses.lock().unwrap().pop_front().unwrap_or(500);
                let _ = seen_tx.send(Captured {
                    head,
                    body: body.to_vec(),
                });
                StatusCode::from_u16(status).unwrap()
            }
        },
    );
    let server = tokio::spawn(axum::serve(listener, app).into_future());
    let handle = tokio::spawn(async move {
        let mut seen = Vec::new();
        while seen.len() < expected {
            match seen_rx.recv().await {
                Some(captured) => seen.push(captured),
                None => break,
            }
        }
        server.abort();
        seen
    });
    (address, handle)
}

/// One request answered 204: the handle gives back its head.
pub(crate) async fn http_server() -> (String, tokio::task::JoinHandle<String>) {
    let (address, seen) = http_capture(&[204]).await;
    let head = tokio::spawn(async move {
        seen.await
            .ok()
            .and_then(|mut seen| seen.pop())
            .map(|captured| captured.head)
            .unwrap_or_default()
    });
    (address, head)
}
