//! The REST API under load, whole path: `plutanium run` (API on loopback)
//! against `plutanium sim` with four zero-latency modems; 32 client threads
//! send 10,000 messages with `POST /api/v1/messages`, each request timed,
//! then 4 clients send 100,000 in batches of 1,000
//! (`POST /api/v1/messages/batch`). Twice: with modems at a real network's
//! pace (what the API and the store take), and with zero-latency modems
//! sending as fast as they can meanwhile, until the last is sent.
//!
//! `cargo bench -p plutanium --bench api` (`-- --quick` for 2,000 and 20,000; `-- --single` stops after the
//! single sends, for a profiler).
//! Figures go to stdout; docs/benchmarks.md records them.

#[path = "shared/processes.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{
    api_token, bench_dir, free_address, modem_lines, start_daemon, start_sim, wait_until_listening,
};
use plutanium_store::SqliteStore;

const CLIENTS: usize = 32;
/// Clients sending batches, and the messages in each.
const BATCH_CLIENTS: usize = 4;
const BATCH: usize = 1_000;

fn post(client: &reqwest::blocking::Client, address: &str, token: &str, body: &str) -> u16 {
    common::http_with(
        client,
        address,
        "POST",
        "/api/v1/messages",
        Some(token),
        body,
    )
    .0
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let requests = if quick { 2_000 } else { 10_000 };
    // Ingest as a shop sees it: modems that take seconds per SMS, as real
    // ones do, so what is measured is the API and the store.
    println!("== modems at a real network's pace (1-6 s per SMS)");
    run(requests, "realistic");
    if std::env::args().any(|a| a == "--single") {
        return;
    }
    // And under the most load: the same while four zero-latency modems
    // send as fast as the host lets them, to the last message.
    println!("== four zero-latency modems sending meanwhile");
    run(requests, "zero");
}

/// One run of the bench with modems of `latency`; with zero latency it
/// waits for every message to be sent.
fn run(requests: usize, latency: &str) {
    let sim = start_sim(4, &["--latency", latency]);
    let dir = bench_dir("plutanium-bench-api");
    let tokens = dir.path().join("api-tokens");
    let token = api_token(&tokens);
    let address = free_address();
    let config = format!(
        "store: sqlite://{}\napi: {{ listen: \"{address}\", token_file: \"{}\" }}\npolicy: {{ per_destination_per_hour: 1000000 }}\nmodems:\n{}",
        dir.path().join("plutanium.db").display(),
        tokens.display(),
        modem_lines(&sim)
    );
    let path = dir.path().join("plutanium.yaml");
    std::fs::write(&path, config).unwrap();
    let _daemon = start_daemon(&path, dir.path());
    wait_until_listening(&address);

    // Single sends: 32 clients, each on its own kept-alive connection, as
    // an application's HTTP client does.
    let started = Instant::now();
    let threads: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (address, token) = (address.clone(), token.clone());
            std::thread::spawn(move || {
                let http = reqwest::blocking::Client::new();
                let mut latencies = Vec::new();
                for n in (client..requests).step_by(CLIENTS) {
                    let body = format!(
                        r#"{{"to":"+42060200{:04}","text":"bench {n}","key":"bench-{n}"}}"#,
                        n % 1000
                    );
                    let sent = Instant::now();
                    let status = post(&http, &address, &token, &body);
                    latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                    assert_eq!(status, 202, "request {n}");
                }
                latencies
            })
        })
        .collect();
    let mut latencies: Vec<f64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let accepting = started.elapsed();
    latencies.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    println!("{requests} single API sends from {CLIENTS} clients (connections kept alive):");
    println!(
        "  accepted {:.0} /s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        requests as f64 / accepting.as_secs_f64(),
        at(0.5),
        at(0.99),
        latencies[latencies.len() - 1],
    );

    if std::env::args().any(|a| a == "--single") {
        return; // for profiling the single sends alone
    }
    // Batches: 1,000 messages a request, each with its own key, from
    // BATCH_CLIENTS clients.
    let batched = requests * 10;
    let started_batches = Instant::now();
    let threads: Vec<_> = (0..BATCH_CLIENTS)
        .map(|client| {
            let (address, token) = (address.clone(), token.clone());
            std::thread::spawn(move || {
                let http = reqwest::blocking::Client::new();
                let mut latencies = Vec::new();
                let batches = batched / BATCH;
                for b in (client..batches).step_by(BATCH_CLIENTS) {
                    let messages: Vec<String> = (b * BATCH..(b + 1) * BATCH)
                        .map(|n| {
                            format!(
                                r#"{{"to":"+42060300{:04}","text":"batch {n}","key":"batch-{n}"}}"#,
                                n % 1000
                            )
                        })
                        .collect();
                    let body = format!(r#"{{"messages":[{}]}}"#, messages.join(","));
                    let sent = Instant::now();
                    let (status, answer) = common::http_with(
                        &http,
                        &address,
                        "POST",
                        "/api/v1/messages/batch",
                        Some(&token),
                        &body,
                    );
                    latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                    assert_eq!(status, 200, "batch {b}: {answer}");
                    assert!(answer.contains(r#""accepted":1000"#), "batch {b}: {answer}");
                }
                latencies
            })
        })
        .collect();
    let mut batch_latencies: Vec<f64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let batching = started_batches.elapsed();
    batch_latencies.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{batched} messages in batches of {BATCH} from {BATCH_CLIENTS} clients: accepted {:.0} messages/s; a batch's latency p50 {:.1} ms, max {:.1} ms",
        batched as f64 / batching.as_secs_f64(),
        batch_latencies[batch_latencies.len() / 2],
        batch_latencies[batch_latencies.len() - 1],
    );

    if latency != "zero" {
        return;
    }
    let total = (requests + batched) as u64;
    let store = SqliteStore::open(dir.path().join("plutanium.db")).unwrap();
    loop {
        let stats = store.stats().unwrap();
        if stats.sent + stats.delivered >= total {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1200),
            "stuck at {stats:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let all_sent = started.elapsed();
    println!(
        "all {total} sent by the four modems {:.1} s after the first request ({:.0} /s)",
        all_sent.as_secs_f64(),
        total as f64 / all_sent.as_secs_f64()
    );
}
