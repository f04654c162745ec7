//! Whether retention keeps an SQLite store's size bounded under a steady
//! load, and how long a sender waits while it runs.
//!
//! A simulated clock moves one second per tick; each tick 1,000 messages
//! are accepted (one commit, as the API's group commit does), claimed and
//! recorded as sent, and the search index takes them in. Retention keeps
//! 10 simulated minutes (600,000 messages) and runs every simulated minute
//! on a thread of its own, as the daemon's housekeeping does, while the
//! ticks go on. The bench prints, per window of ticks: messages so far,
//! the file's size (database and WAL), rows pruned, and the longest and
//! p99 wait of an accepting commit (which retention's transactions hold
//! back).
//!
//! `cargo bench -p plutanium-store --bench retention` (3,000,000
//! messages; `-- --quick` for 600,000 with 2 minutes kept).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use plutanium_core::SendOptions;
use plutanium_store::{NewOutbound, SendOutcome, SqliteStore, Store};

const T0: u64 = 1_767_225_600_000;
const PER_TICK: usize = 1_000;
const LEASE: Duration = Duration::from_secs(60);

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (ticks, keep_ticks, window) = if quick {
        (600u64, 120u64, 60u64)
    } else {
        (3_000u64, 600u64, 300u64)
    };
    let dir = tempfile::Builder::new()
        .prefix("plutanium-bench-retention")
        .tempdir_in(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target"))
        .unwrap();
    let path = dir.path().join("retention.db");
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    // Simulated now, shared with the retention thread.
    let now = Arc::new(AtomicU64::new(T0));
    let stop = Arc::new(AtomicBool::new(false));
    let pruned = Arc::new(AtomicUsize::new(0));
    let keeper = {
        let (store, now, stop, pruned) = (store.clone(), now.clone(), stop.clone(), pruned.clone());
        std::thread::spawn(move || {
            let mut last_run = T0;
            while !stop.load(Ordering::Relaxed) {
                let at = now.load(Ordering::Relaxed);
                if at >= last_run + 60_000 {
                    last_run = at;
                    let before = at.saturating_sub(keep_ticks * 1_000);
                    pruned.fetch_add(store.prune(before).unwrap(), Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    println!(
        "{} messages, 1,000 a simulated second, {} simulated minutes kept:",
        ticks as usize * PER_TICK,
        keep_ticks / 60
    );
    println!(
        "| messages | database + WAL | rows pruned so far | accepting commit: p99 | longest |"
    );
    println!("|---|---|---|---|---|");
    let started = Instant::now();
    let mut waits: Vec<Duration> = Vec::new();
    for tick in 0..ticks {
        let at = T0 + tick * 1_000;
        now.store(at, Ordering::Relaxed);
        let rows: Vec<NewOutbound> = (0..PER_TICK)
            .map(|i| {
                let n = tick as usize * PER_TICK + i;
                NewOutbound {
                    key: format!("api:steady:{n}"),
                    source: "api:steady".into(),
                    to: format!("+42077{:07}", n % 10_000_000),
                    text: format!("Your code is {n}; it expires in ten minutes."),
                    options: SendOptions::default(),
                    allowed_modems: Vec::new(),
                }
            })
            .collect();
        let accepting = Instant::now();
        store.enqueue_batch(&rows, at).unwrap();
        waits.push(accepting.elapsed());
        let claimed = store
            .claim_for(at, PER_TICK as u32, LEASE, None, None)
            .unwrap();
        let outcomes: Vec<(i64, u32, SendOutcome)> = claimed
            .iter()
            .map(|row| {
                let outcome = SendOutcome::Sent {
                    modem: "gsm0".into(),
                    message_refs: vec![Some((row.id % 256) as u8)],
                    sim: None,
                };
                (row.id, row.attempts, outcome)
            })
            .collect();
        store.complete_batch(&outcomes, None, at).unwrap();
        store.index_search(usize::MAX).unwrap();
        if (tick + 1) % window == 0 {
            waits.sort();
            let p99 = waits[waits.len() * 99 / 100];
            let longest = waits[waits.len() - 1];
            let size: u64 = ["retention.db", "retention.db-wal"]
                .iter()
                .filter_map(|f| std::fs::metadata(dir.path().join(f)).ok())
                .map(|m| m.len())
                .sum();
            println!(
                "| {} | {:.0} MiB | {} | {:.1} ms | {:.1} ms |",
                (tick + 1) as usize * PER_TICK,
                size as f64 / (1024.0 * 1024.0),
                pruned.load(Ordering::Relaxed),
                p99.as_secs_f64() * 1e3,
                longest.as_secs_f64() * 1e3
            );
            waits.clear();
        }
    }
    stop.store(true, Ordering::Relaxed);
    keeper.join().unwrap();
    println!(
        "({:.0} s in all, {:.0} messages/s accepted, sent and indexed)",
        started.elapsed().as_secs_f64(),
        (ticks as usize * PER_TICK) as f64 / started.elapsed().as_secs_f64()
    );
}
