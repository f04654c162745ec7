//! The API under load: many concurrent clients sending through a running
//! gateway on the simulated network. Every accepted message must reach its
//! phone, and nothing may fail with a 5xx.

use std::sync::Arc;

use plutanium_modem_sim::ModemConfig;
use plutanium_store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::tests::{config, eventually, fixture, start_on_sim};
use crate::api::tokens::{Scope, Tokens, line, new_token};

/// Requests in all, and clients sending them at once (the bench,
/// `cargo bench -p plutanium --bench api`, sends 10,000 in a release build).
const REQUESTS: usize = 5_000;
const CLIENTS: usize = 32;

async fn post(address: std::net::SocketAddr, token: &str, body: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST /api/v1/messages HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_api_sends_from_32_clients_all_reach_the_phones() {
    let (sim, dir, store) = fixture(41);
    for n in 1..4 {
        sim.add_modem(ModemConfig::new(
            format!("gsm{n}"),
            format!("+42077700000{n}"),
        ))
        .unwrap();
    }
    let config = config(
        r#"
modems:
  gsm0: { port: "sim://gsm0", number: "+420777000000", rate_per_minute: 1000000 }
  gsm1: { port: "sim://gsm1", number: "+420777000001", rate_per_minute: 1000000 }
  gsm2: { port: "sim://gsm2", number: "+420777000002", rate_per_minute: 1000000 }
  gsm3: { port: "sim://gsm3", number: "+420777000003", rate_per_minute: 1000000 }
policy: { per_destination_per_hour: 1000000 }
"#,
    );
    let shared = Arc::new(config.clone());
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    let token = new_token().unwrap();
    let tokens =
        Tokens::parse(&line(&token, &[Scope::Send], Some("load"), Some(1_000_000)).unwrap())
            .unwrap();
    let api_store: Arc<dyn Store> = store.clone();
    let state = crate::api::ApiState::new(api_store, shared, tokens);
    state.follow(&gateway);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(crate::api::serve(listener, state, stopped));

    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let token = token.clone();
        clients.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            for n in (client..REQUESTS).step_by(CLIENTS) {
                // 100 phones, each receiving 50 messages.
                let body = format!(
                    r#"{{"to":"+42060100{:04}","text":"load {n}","key":"load-{n}"}}"#,
                    n % 100
                );
                statuses.push(post(address, &token, &body).await);
            }
            statuses
        }));
    }
    let mut accepted = 0;
    for client in clients {
        for status in client.await.unwrap() {
            assert!(status < 500, "a 5xx under load: {status}");
            assert_eq!(status, 202, "every send accepted");
            accepted += 1;
        }
    }
    assert_eq!(accepted, REQUESTS);
    let received = eventually("every accepted message on its phone", || {
        let total: usize = (0..100)
            .map(|p| sim.phone_inbox(&format!("+42060100{p:04}")).len())
            .sum();
        (total >= REQUESTS).then_some(total)
    })
    .await;
    assert_eq!(received, REQUESTS, "each exactly once");
    let _ = stop.send(true);
    let _ = server.await;
    gateway.stop().await;
}
