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
use plutanium_store::{OutboxState, SqliteStore};

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

/// A gateway on the simulated network with `modems` zero-latency modems
/// (`gsm0`…, no rate limits), and the API serving it with `tokens` (the
/// token file's text).
struct Running {
    sim: Simulator,
    store: Arc<SqliteStore>,
    gateway: Gateway,
    address: std::net::SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Running {
    async fn start(seed: u64, modems: usize, tokens: &str) -> Running {
        let sim = Simulator::start(seed, Latency::Zero);
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
        let mut config = String::from("policy: { per_destination_per_hour: 1000000 }\nmodems:\n");
        for n in 0..modems {
            let number = format!("+42077700000{n}");
            sim.add_modem(ModemConfig::new(format!("gsm{n}"), number.clone()))
                .unwrap();
            config.push_str(&format!(
                "  gsm{n}: {{ port: \"sim://gsm{n}\", number: \"{number}\", rate_per_minute: 1000000 }}\n"
            ));
        }
        let config = plutanium_core::config::load(&config, &|_| None).unwrap();
        let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
        let setup = Setup::new(store.clone(), Catalog::new(dir.path())).in_process(ports);
        let gateway = Gateway::start(config, setup).await.unwrap();
        let state = ApiState::new(gateway.handle(), Tokens::parse(tokens).unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let server = tokio::spawn(serve(listener, state, stopped));
        Running {
            sim,
            store,
            gateway,
            address,
            stop,
            server,
            _dir: dir,
        }
    }

    async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        self.gateway.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_api_sends_from_32_clients_all_reach_the_phones() {
    let token = new_token().unwrap();
    let running = Running::start(
        41,
        4,
        &line(&token, &[Scope::Send], Some("load"), Some(1_000_000)).unwrap(),
    )
    .await;
    let (sim, address) = (running.sim.clone(), running.address);

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
    running.stop().await;
}

/// A campaign token queues 100,000 messages in batches; another token's
/// one message then goes out next, not after the campaign: counted, not
/// timed, as the campaign messages that reached their phones between the
/// one-off's acceptance and its arrival.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_of_100000_does_not_hold_back_another_tokens_message() {
    const CAMPAIGN: usize = 100_000;
    const BATCH: usize = 1_000;
    let (campaign, shop) = (new_token().unwrap(), new_token().unwrap());
    let tokens = format!(
        "{}\n{}\n",
        line(
            &campaign,
            &[Scope::Send],
            Some("campaign"),
            Some(10_000_000)
        )
        .unwrap(),
        line(&shop, &[Scope::Send], Some("shop"), Some(100)).unwrap(),
    );
    let running = Running::start(42, 1, &tokens).await;
    let (sim, store, address) = (running.sim.clone(), running.store.clone(), running.address);
    let http = reqwest::Client::new();
    let post = |path: &'static str, token: &str, body: String| {
        http.post(format!("http://{address}{path}"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    // The campaign: 100 batches of 1,000, to 1,000 phones.
    for b in 0..CAMPAIGN / BATCH {
        let messages: Vec<String> = (b * BATCH..(b + 1) * BATCH)
            .map(|n| format!(r#"{{"to":"+42060200{:04}","text":"sale {n}"}}"#, n % 1000))
            .collect();
        let answer = post(
            "/api/v1/messages/batch",
            &campaign,
            format!(r#"{{"messages":[{}]}}"#, messages.join(",")),
        )
        .await
        .unwrap();
        assert_eq!(answer.status().as_u16(), 200);
        let answer: serde_json::Value =
            serde_json::from_str(&answer.text().await.unwrap()).unwrap();
        assert_eq!(answer["accepted"], BATCH, "{answer}");
    }
    // Each campaign message's number, and when it reached its phone.
    let campaign_arrivals = || -> Vec<(usize, Duration)> {
        (0..1000)
            .flat_map(|p| sim.phone_inbox(&format!("+42060200{p:04}")))
            .map(|m| (m.text["sale ".len()..].parse().unwrap(), m.received_at))
            .collect()
    };
    // The shop's one message, behind everything the campaign queued.
    let answer = post(
        "/api/v1/messages",
        &shop,
        r#"{"to":"+420601999999","text":"your order shipped"}"#.into(),
    )
    .await
    .unwrap();
    assert_eq!(answer.status().as_u16(), 202);
    let answer: serde_json::Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    let shop_id: i64 = answer["id"].as_str().unwrap()["out-".len()..]
        .parse()
        .unwrap();
    // The campaign goes in its order: those numbered from `waiting` on were
    // still queued when the shop's message was accepted.
    let queued = store.stats().unwrap().queued as usize;
    let shop_queued = store.outbound(shop_id).unwrap().unwrap().state == OutboxState::Queued;
    let waiting = CAMPAIGN - (queued - usize::from(shop_queued));
    let arrived_at = eventually("the shop's message on its phone", || {
        sim.phone_inbox("+420601999999")
            .first()
            .map(|m| m.received_at)
    })
    .await;
    // Of those, the ones that reached their phones before the shop's.
    let between = campaign_arrivals()
        .into_iter()
        .filter(|(n, at)| *n >= waiting && *at < arrived_at)
        .count();
    let queued = store.stats().unwrap().queued;
    eprintln!("{between} campaign messages went out before the shop's; {queued} still queued");
    // It went in the next claim: behind only the campaign rows its modem
    // already had in flight (8 for a fast modem, 4 for a slow one; see
    // gateway/src/sender.rs), plus one (the lanes take turns, the
    // campaign's lane first: its rows are older).
    assert!(between <= 9, "{between} campaign messages went first");
    assert!(
        queued > (CAMPAIGN / 2) as u64,
        "the campaign was mostly still queued: {queued}"
    );
    running.stop().await;
}
