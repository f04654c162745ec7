//! How the daemon scales with the number of modems, and an inbound flood.
//!
//! `plutanium run` as a process against `plutanium sim` (zero-latency
//! modems over loopback TCP), the store a real SQLite file with durable
//! commits, every modem's SMS answered by the echo test processor with the
//! shipped missed-call connector loaded beside it (as in the `daemon` bench):
//!
//! - **the scale curve**: at 1, 4, 16, 64 and 256 modems, outbound SMS/s
//!   (one batch committed, claimed, sent over AT, outcomes committed),
//!   inbound SMS/s (phones send to every modem at once; stored, and answered
//!   through the outbox), the daemon's peak resident memory, and the CPU the
//!   daemon and the simulator used while each ran (in cores: CPU time over
//!   wall time; the machine's cores bound their sum);
//! - **the flood**: 16 modems, each with thousands of SMS waiting at the
//!   network, so each delivers as fast as its link and the daemon allow. It
//!   reports the rate, and the backlog over time: what the network still
//!   holds (sent by phones, not yet stored) and the replies not yet sent.
//!   Every SMS must be stored exactly once, or the bench fails.
//!
//! `cargo bench -p plutanium --bench scale` (`-- --quick` for a short run,
//! `-- --modems 1,16` for some counts, `-- --no-flood`, `-- --flood-only`).
//! Figures go to stdout as tables; docs/benchmarks.md records them.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use plutanium_core::SendOptions;
use plutanium_store::{NewOutbound, SqliteStore, Store, StoreStats};

#[path = "shared/processes.rs"]
mod common;

use common::{
    Daemon, Sim, bench_dir, bench_rows, cpu_time, echo_config, finished, memory_kib, modem_number,
    start_daemon, start_sim, wait_for_store,
};

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// A simulator with `modems` modems and a daemon driving them all.
struct Rig {
    // Dropped in this order: the daemon before the simulator it drives.
    daemon: Daemon,
    sim: Sim,
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

impl Rig {
    fn start(modems: usize) -> Rig {
        let sim = start_sim(modems, &[]);
        let dir = bench_dir("plutanium-bench");
        let config = echo_config(dir.path(), &sim);
        // Once to fill the component cache, then the measured daemon.
        drop(start_daemon(&config, dir.path()));
        let daemon = start_daemon(&config, dir.path());
        let store = SqliteStore::open(dir.path().join("plutanium.db")).unwrap();
        let rig = Rig {
            daemon,
            sim,
            store,
            _dir: dir,
        };
        rig.wait_for_modems(modems);
        rig
    }

    /// Until every modem is up: one SMS through each, before anything is
    /// timed (the daemon says `READY=1` before its modems are set up).
    fn wait_for_modems(&self, modems: usize) {
        let rows: Vec<_> = (0..modems)
            .map(|n| NewOutbound {
                key: format!("warm-up:{n}"),
                source: "bench".into(),
                to: "+420601999999".into(),
                text: format!("warm-up {n}"),
                options: SendOptions {
                    status_report: false,
                    ..SendOptions::default()
                },
                allowed_modems: vec![format!("gsm{n}")],
            })
            .collect();
        self.store.enqueue_batch(&rows, now_ms()).unwrap();
        wait_for_store(&self.store, "warm-up", |s| finished(s) >= modems as u64);
    }

    fn stats(&self) -> StoreStats {
        self.store.stats().unwrap()
    }

    /// CPU time of the daemon and of the simulator so far.
    fn cpu(&self) -> (Duration, Duration) {
        (cpu_time(self.daemon.child.0.id()), cpu_time(self.sim.pid()))
    }

    /// Phones send `per_modem` SMS to every modem, all at once.
    fn flood(&self, modems: usize, per_modem: usize, tag: &str) {
        let items: Vec<serde_json::Value> = (0..per_modem * modems)
            .map(|n| {
                serde_json::json!({
                    "from": format!("+42060{:07}", n % 1000),
                    "to": modem_number(n % modems),
                    "text": format!("{tag} {n}"),
                })
            })
            .collect();
        for chunk in items.chunks(10_000) {
            let body = serde_json::to_string(chunk).unwrap();
            let (status, answer) = common::http(&self.sim.control, "POST", "/sms/batch", &body);
            assert_eq!(status, 202, "{answer}");
        }
    }
}

/// What one phase cost: its rate and the cores each process used.
struct Phase {
    per_s: f64,
    daemon_cores: f64,
    sim_cores: f64,
}

fn measure(rig: &Rig, count: usize, run: impl FnOnce()) -> Phase {
    let (daemon_before, sim_before) = rig.cpu();
    let started = Instant::now();
    run();
    let wall = started.elapsed().as_secs_f64();
    let (daemon_after, sim_after) = rig.cpu();
    Phase {
        per_s: count as f64 / wall,
        daemon_cores: (daemon_after - daemon_before).as_secs_f64() / wall,
        sim_cores: (sim_after - sim_before).as_secs_f64() / wall,
    }
}

fn curve_point(modems: usize, quick: bool) {
    let rig = Rig::start(modems);
    let (idle_kib, _) = memory_kib(&rig.daemon.child.0);
    let outbound = if quick {
        (50 * modems).clamp(500, 5_000)
    } else {
        (400 * modems).clamp(4_000, 25_600)
    };
    let rows = bench_rows(outbound);
    let out = measure(&rig, outbound, || {
        rig.store.enqueue_batch(&rows, now_ms()).unwrap();
        wait_for_store(&rig.store, "outbound", |s| {
            finished(s) >= (modems + outbound) as u64
        });
    });

    let per_modem = if quick {
        (1_000 / modems).clamp(4, 100)
    } else {
        (4_000 / modems).clamp(16, 400)
    };
    let inbound = per_modem * modems;
    let mut stored_after = 0.0;
    let started = Instant::now();
    let inb = measure(&rig, inbound, || {
        rig.flood(modems, per_modem, "ping");
        wait_for_store(&rig.store, "inbound", |s| s.inbox >= inbound as u64);
        stored_after = started.elapsed().as_secs_f64();
        wait_for_store(&rig.store, "inbound replies", |s| {
            finished(s) >= (modems + outbound + inbound) as u64
        });
    });
    let stats = rig.stats();
    assert_eq!(stats.inbox, inbound as u64, "every SMS stored once");
    let (_, peak_kib) = memory_kib(&rig.daemon.child.0);
    println!(
        "| {modems} | {:.0} | {:.2} + {:.2} | {:.0} | {:.0} | {:.2} + {:.2} | {:.1} MiB | {:.1} MiB |",
        out.per_s,
        out.daemon_cores,
        out.sim_cores,
        inbound as f64 / stored_after,
        inb.per_s,
        inb.daemon_cores,
        inb.sim_cores,
        idle_kib as f64 / 1024.0,
        peak_kib as f64 / 1024.0,
    );
}

fn flood(quick: bool) {
    const MODEMS: usize = 16;
    let per_modem = if quick { 300 } else { 2_000 };
    let total = (per_modem * MODEMS) as u64;
    let rig = Rig::start(MODEMS);
    let warm_up = MODEMS as u64;
    let mut samples = Vec::new();
    let (daemon_before, _) = rig.cpu();
    let started = Instant::now();
    rig.flood(MODEMS, per_modem, "flood");
    loop {
        let stats = rig.stats();
        samples.push((started.elapsed(), stats.inbox, finished(&stats) - warm_up));
        assert_eq!(stats.failed, 0, "failures {stats:?}");
        if finished(&stats) >= warm_up + total {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(900),
            "flood stuck at {stats:?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let wall = started.elapsed();
    let (daemon_after, _) = rig.cpu();
    let stats = rig.stats();
    assert_eq!(stats.inbox, total, "every SMS stored exactly once");
    let stored_at = samples
        .iter()
        .find(|(_, stored, _)| *stored >= total)
        .map_or(wall, |(t, _, _)| *t);
    println!(
        "{MODEMS} modems, {per_modem} SMS waiting for each: {total} stored in {:.1} s ({:.0} SMS/s), \
         all answered in {:.1} s ({:.0} replies/s); daemon {:.2} cores, peak RSS {:.1} MiB",
        stored_at.as_secs_f64(),
        total as f64 / stored_at.as_secs_f64(),
        wall.as_secs_f64(),
        total as f64 / wall.as_secs_f64(),
        (daemon_after - daemon_before).as_secs_f64() / wall.as_secs_f64(),
        memory_kib(&rig.daemon.child.0).1 as f64 / 1024.0,
    );
    println!();
    println!("| t | stored | still at the network | replies sent | replies waiting |");
    println!("|---|---|---|---|---|");
    // At most about 20 rows, evenly spread, and always the last.
    let step = samples.len().div_ceil(20).max(1);
    for (i, (t, stored, replied)) in samples.iter().enumerate() {
        if i % step == 0 || i + 1 == samples.len() {
            println!(
                "| {:.2} s | {stored} | {} | {replied} | {} |",
                t.as_secs_f64(),
                total - stored,
                stored - replied.min(stored),
            );
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let modems: Vec<usize> = args
        .iter()
        .position(|a| a == "--modems")
        .and_then(|i| args.get(i + 1))
        .map(|list| {
            list.split(',')
                .map(|n| n.parse().expect("--modems takes counts like 1,4,16"))
                .collect()
        })
        .unwrap_or_else(|| vec![1, 4, 16, 64, 256]);
    if !args.iter().any(|a| a == "--flood-only") {
        println!(
            "| modems | outbound SMS/s | cores (daemon + sim) | inbound stored/s | inbound → reply sent /s | cores (daemon + sim) | RSS idle | peak RSS |"
        );
        println!("|---|---|---|---|---|---|---|---|");
        for count in modems {
            curve_point(count, quick);
        }
        println!();
    }
    if !args.iter().any(|a| a == "--no-flood") {
        flood(quick);
    }
}
