//! The API under load: many concurrent clients sending through a running
//! gateway on the simulated network. Every accepted message must reach its
//! phone, and nothing may fail with a 5xx.

use std::sync::Arc;
use std::time::Duration;

use plutanium_api::tokens::{Scope, Tokens, line, new_token};
use plutanium_api::{ApiState, serve};
use plutanium_catalog::Catalog;
use plutanium_gateway::{Gateway, Setup};
use plutanium_modem::InProcessPorts;
use plutanium_modem_sim::{Latency, ModemConfig, Simulator};
use plutanium_store::SqliteStore;

/// Requests in all, and clients sending them at once (the bench,
/// `cargo bench -p plutanium --bench api`, sends 10,000 in a release build).
const REQUESTS: usize = 5_000;
const CLIENTS: usize = 32;

async fn post(
    client: &reqwest::Client,
    address: std::net::SocketAddr,
    token: &str,
    body: String,
) -> u16 {
    let answer = client
        .post(format!("http://{address}/api/v1/messages"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    answer.status().as_u16()
}

/// Polls `probe` every 50 ms until it finds something, for up to 60 s.
async fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_api_sends_from_32_clients_all_reach_the_phones() {
    let sim = Simulator::start(41, Latency::Zero);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
    for n in 0..4 {
        sim.add_modem(ModemConfig::new(
            format!("gsm{n}"),
            format!("+42077700000{n}"),
        ))
        .unwrap();
    }
    let config = plutanium_core::config::load(
        r#"
modems:
  gsm0: { port: "sim://gsm0", number: "+420777000000", rate_per_minute: 1000000 }
  gsm1: { port: "sim://gsm1", number: "+420777000001", rate_per_minute: 1000000 }
  gsm2: { port: "sim://gsm2", number: "+420777000002", rate_per_minute: 1000000 }
  gsm3: { port: "sim://gsm3", number: "+420777000003", rate_per_minute: 1000000 }
policy: { per_destination_per_hour: 1000000 }
"#,
        &|_| None,
    )
    .unwrap();
    let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
    let setup = Setup::new(store.clone(), Catalog::new(dir.path())).in_process(ports);
    let gateway = Gateway::start(config, setup).await.unwrap();
    let token = new_token().unwrap();
    let tokens =
        Tokens::parse(&line(&token, &[Scope::Send], Some("load"), Some(1_000_000)).unwrap())
            .unwrap();
    let state = ApiState::new(gateway.handle(), tokens);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(serve(listener, state, stopped));

    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let token = token.clone();
        // One connection per client, kept alive, as a real client keeps it.
        let http = reqwest::Client::new();
        clients.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            for n in (client..REQUESTS).step_by(CLIENTS) {
                // 100 phones, each receiving 50 messages.
                let body = format!(
                    r#"{{"to":"+42060100{:04}","text":"load {n}","key":"load-{n}"}}"#,
                    n % 100
                );
                statuses.push(post(&http, address, &token, body).await);
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
