//! Whole-path figures for the daemon: `plutanium run` as a process against
//! `plutanium sim` (zero-latency modems over loopback TCP), its store a real
//! SQLite file on disk with durable commits (WAL, `synchronous=FULL`).
//!
//! - outbound throughput: messages committed to the outbox, claimed, sent
//!   over AT and their outcomes committed, with 1 and 16 modems;
//! - inbound → wasm processor → reply, per second;
//! - start to `READY=1` with a warm component cache;
//! - resident memory idle and under load, with the shipped connectors
//!   loaded.
//!
//! `cargo bench -p plutanium --bench daemon` (add `-- --quick` for a short
//! run). Figures go to stdout as a table; docs/benchmarks.md records them.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use plutanium_store::{SqliteStore, Store};

#[path = "shared/processes.rs"]
mod common;

use common::{
    bench_dir, bench_rows, echo_config, finished, memory_kib, modem_number, start_daemon,
    start_sim, wait_for_store,
};

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn post_sms(control: &str, from: &str, to: &str, text: &str) {
    let body = format!(r#"{{"from":"{from}","to":"{to}","text":"{text}"}}"#);
    let (status, answer) = common::http(control, "POST", "/sms", &body);
    assert_eq!(status, 202, "{answer}");
}

struct Figures {
    modems: usize,
    ready_ms: f64,
    idle_mib: f64,
    outbound_per_s: f64,
    inbound_per_s: f64,
    peak_mib: f64,
}

fn run(modems: usize, outbound: usize, inbound: usize) -> Figures {
    let sim = start_sim(modems, &[]);
    let dir = bench_dir("plutanium-bench");
    let config = echo_config(dir.path(), &sim);
    // Once to fill the component cache, then the measured start.
    drop(start_daemon(&config, dir.path()));
    let daemon = start_daemon(&config, dir.path());
    std::thread::sleep(Duration::from_millis(1500));
    let (idle, _) = memory_kib(&daemon.child.0);
    let store = SqliteStore::open(dir.path().join("plutanium.db")).unwrap();

    // Outbound: one batch committed, then sent by the daemon.
    let rows = bench_rows(outbound);
    let started = Instant::now();
    store.enqueue_batch(&rows, now_ms()).unwrap();
    wait_for_store(&store, "outbound", |s| finished(s) >= outbound as u64);
    let outbound_per_s = outbound as f64 / started.elapsed().as_secs_f64();

    // Inbound: SMS from phones to every modem, each answered by the echo
    // processor through the outbox.
    let started = Instant::now();
    for n in 0..inbound {
        post_sms(
            &sim.control,
            &format!("+42060{:07}", n),
            &modem_number(n % modems),
            &format!("ping {n}"),
        );
    }
    wait_for_store(&store, "inbound replies", |s| {
        finished(s) >= (outbound + inbound) as u64
    });
    let inbound_per_s = inbound as f64 / started.elapsed().as_secs_f64();
    let (_, peak) = memory_kib(&daemon.child.0);
    Figures {
        modems,
        ready_ms: daemon.started_to_ready.as_secs_f64() * 1000.0,
        idle_mib: idle as f64 / 1024.0,
        outbound_per_s,
        inbound_per_s,
        peak_mib: peak as f64 / 1024.0,
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    // `cargo bench` passes --bench; `cargo test --benches` does not run us.
    let (outbound, inbound) = if quick { (1000, 200) } else { (10_000, 2_000) };
    println!(
        "| modems | start→READY | RSS idle | outbound SMS/s | inbound→wasm→reply /s | peak RSS |"
    );
    println!("|---|---|---|---|---|---|");
    for modems in [1, 16] {
        let f = run(modems, outbound, inbound);
        println!(
            "| {} | {:.0} ms | {:.1} MiB | {:.0} | {:.0} | {:.1} MiB |",
            f.modems, f.ready_ms, f.idle_mib, f.outbound_per_s, f.inbound_per_s, f.peak_mib
        );
    }
}
