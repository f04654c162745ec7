//! The store under the whole path, SQLite against PostgreSQL, one node
//! against two, in one run on the same simulated modems: `plutanium run`
//! against `plutanium sim` with four zero-latency TCP modems; 32 client
//! threads send with `POST /api/v1/messages`, spread over the nodes' APIs.
//!
//! - `sqlite`: one node, its store an SQLite file (WAL, `synchronous=FULL`);
//! - `postgres, 1 node`: one node on a PostgreSQL server the bench starts
//!   (`initdb` in a temporary directory, Unix socket, `fsync` on);
//! - `postgres, 2 nodes`: two nodes on that server, each with two of the
//!   four modems (as two hosts with two USB modems each), each client
//!   sending to one node's API.
//!
//! For each: API sends accepted per second, and outbound SMS per second
//! from the first request until every message is sent.
//!
//! `cargo bench -p plutanium --bench cluster` (`-- --quick` for 1,000 per
//! setup). Figures go to stdout; docs/benchmarks.md records them.

#[path = "shared/processes.rs"]
mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{
    api_token, bench_dir, free_address, modem_number, start_daemon_with, start_sim,
    wait_until_listening,
};
use plutanium_store::postgres::testing::TempCluster;
use plutanium_store::{PgStore, SqliteStore, Store};

const CLIENTS: usize = 32;
const MODEMS: usize = 4;

/// A node's config: `store`, its API on `api`, and the modems `modems`
/// (indices into the simulator's).
fn write_config(
    dir: &Path,
    name: &str,
    store: &str,
    api: &str,
    tcps: &[(usize, String)],
) -> std::path::PathBuf {
    let mut config = format!(
        "store: \"{store}\"\napi: {{ listen: \"{api}\", token_file: \"{}\" }}\npolicy: {{ per_destination_per_hour: 1000000 }}\nmodems:\n",
        dir.join("api-tokens").display()
    );
    for (n, tcp) in tcps {
        config.push_str(&format!(
            "  gsm{n}: {{ port: \"tcp://{tcp}\", number: \"{}\" }}\n",
            modem_number(*n)
        ));
    }
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, config).unwrap();
    path
}

/// Sends `requests` messages from [`CLIENTS`] threads, client `c` to
/// `apis[c % apis.len()]`; waits until `store` has every one sent. Returns
/// (accepted per second, sent per second).
fn drive(apis: &[String], token: &str, requests: usize, store: Arc<dyn Store>) -> (f64, f64) {
    for api in apis {
        wait_until_listening(api);
    }
    let started = Instant::now();
    let threads: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (address, token) = (apis[client % apis.len()].clone(), token.to_string());
            std::thread::spawn(move || {
                let http = reqwest::blocking::Client::new();
                for n in (client..requests).step_by(CLIENTS) {
                    let body = format!(
                        r#"{{"to":"+42060200{:04}","text":"bench {n}","key":"bench-{n}"}}"#,
                        n % 1000
                    );
                    let status = common::http_with(
                        &http,
                        &address,
                        "POST",
                        "/api/v1/messages",
                        Some(&token),
                        &body,
                    )
                    .0;
                    assert_eq!(status, 202, "request {n}");
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let accepting = started.elapsed();
    loop {
        let stats = store.stats().unwrap();
        if stats.sent + stats.delivered >= requests as u64 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(900),
            "stuck at {stats:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let sent = started.elapsed();
    (
        requests as f64 / accepting.as_secs_f64(),
        requests as f64 / sent.as_secs_f64(),
    )
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let requests = if quick { 1_000 } else { 5_000 };
    let root = bench_dir("plutanium-bench-cluster");
    let tokens = root.path().join("api-tokens");
    let token = api_token(&tokens);
    let server = TempCluster::shared();
    let mut rows = Vec::new();

    for setup in ["sqlite", "postgres, 1 node", "postgres, 2 nodes"] {
        let sim = start_sim(MODEMS, &[]);
        let all: Vec<(usize, String)> = sim.modems.iter().cloned().enumerate().collect();
        let dir = tempfile::tempdir_in(root.path()).unwrap();
        std::fs::copy(&tokens, dir.path().join("api-tokens")).unwrap();
        let (store_url, store): (String, Arc<dyn Store>) = if setup == "sqlite" {
            let path = dir.path().join("plutanium.db");
            // Created and migrated here, as the daemon would.
            let store = Arc::new(SqliteStore::open(&path).unwrap());
            (format!("sqlite://{}", path.display()), store)
        } else {
            let location = server.create_database();
            let store = Arc::new(PgStore::open(&location).unwrap());
            (location.url, store)
        };
        let plans: Vec<(&str, Vec<(usize, String)>)> = if setup.ends_with("2 nodes") {
            vec![
                ("a", all[..MODEMS / 2].to_vec()),
                ("b", all[MODEMS / 2..].to_vec()),
            ]
        } else {
            vec![("a", all.clone())]
        };
        let mut nodes = Vec::new();
        let mut apis = Vec::new();
        for (name, modems) in &plans {
            let node_dir = dir.path().join(name);
            std::fs::create_dir_all(&node_dir).unwrap();
            std::fs::copy(&tokens, node_dir.join("api-tokens")).unwrap();
            let api = free_address();
            let config = write_config(&node_dir, name, &store_url, &api, modems);
            nodes.push(start_daemon_with(&config, &node_dir, &["--node", name]));
            apis.push(api);
        }
        let (accepted, sent) = drive(&apis, &token, requests, store);
        println!("{setup:<20} accepted {accepted:>6.0} /s, sent {sent:>6.0} SMS/s");
        rows.push((setup, accepted, sent));
        drop(nodes);
    }
    let base = rows[0].2;
    println!("\n{requests} API sends from {CLIENTS} clients, {MODEMS} zero-latency modems:");
    println!("| store | API accepted/s | SMS sent/s | sent vs SQLite |");
    println!("|---|---|---|---|");
    for (setup, accepted, sent) in rows {
        println!(
            "| {setup} | {accepted:.0} | {sent:.0} | {:.2} |",
            sent / base
        );
    }
}
