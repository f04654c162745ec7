//! The REST API under load, whole path: `plutanium run` (API on loopback)
//! against `plutanium sim` with four zero-latency modems; 32 client threads
//! send 10,000 messages with `POST /api/v1/messages`, each request timed.
//!
//! `cargo bench -p plutanium --bench api` (`-- --quick` for 2,000).
//! Figures go to stdout; docs/benchmarks.md records them.

#[path = "shared/processes.rs"]
mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{BIN, start_daemon, start_sim};
use plutanium_store::SqliteStore;

const CLIENTS: usize = 32;

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
    let sim = start_sim(4, &[]);
    let dir = tempfile::Builder::new()
        .prefix("plutanium-bench-api")
        .tempdir_in(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .unwrap();
    let tokens = dir.path().join("api-tokens");
    let output = Command::new(BIN)
        .args(["api", "token", "--rate", "10000000", "--file"])
        .arg(&tokens)
        .output()
        .unwrap();
    assert!(output.status.success());
    let token = String::from_utf8(output.stdout).unwrap().trim().to_string();
    // A free port for the API.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let mut config = format!(
        "store: sqlite://{}\napi: {{ listen: \"{address}\", token_file: \"{}\" }}\npolicy: {{ per_destination_per_hour: 1000000 }}\nmodems:\n",
        dir.path().join("plutanium.db").display(),
        tokens.display()
    );
    for (n, tcp) in sim.modems.iter().enumerate() {
        config.push_str(&format!(
            "  gsm{n}: {{ port: \"tcp://{tcp}\", number: \"+4207770{n:05}\", rate_per_minute: 1000000 }}\n"
        ));
    }
    let path = dir.path().join("plutanium.yaml");
    std::fs::write(&path, config).unwrap();
    let _daemon = start_daemon(&path, dir.path());
    // The API listens just after READY.
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(&address).is_err() {
        assert!(Instant::now() < deadline, "the API does not listen");
        std::thread::sleep(Duration::from_millis(10));
    }

    let started = Instant::now();
    let threads: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (address, token) = (address.clone(), token.clone());
            std::thread::spawn(move || {
                // A connection per request, as the figures in
                // docs/benchmarks.md were measured (reusing connections is
                // faster; that is issue 18's to measure).
                let http = reqwest::blocking::Client::builder()
                    .pool_max_idle_per_host(0)
                    .build()
                    .unwrap();
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
    let store = SqliteStore::open(dir.path().join("plutanium.db")).unwrap();
    loop {
        let stats = store.stats().unwrap();
        if stats.sent + stats.delivered >= requests as u64 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "stuck at {stats:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let all_sent = started.elapsed();
    latencies.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    println!("{requests} API sends from {CLIENTS} clients, four modems:");
    println!(
        "  accepted {:.0} /s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; all sent by the modems after {:.1} s ({:.0} /s)",
        requests as f64 / accepting.as_secs_f64(),
        at(0.5),
        at(0.99),
        latencies[latencies.len() - 1],
        all_sent.as_secs_f64(),
        requests as f64 / all_sent.as_secs_f64()
    );
}
