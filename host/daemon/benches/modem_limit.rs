//! Whether the defaults let a modem send as fast as it can.
//!
//! One modem whose SMSC answers every send after 2 s, so 0.5 SMS/s is its
//! own limit; 45 messages go through `plutanium run` (a real process, its
//! store a real SQLite file) with the default config, and, in the same run
//! for comparison, with `rate_per_minute: 20` (the old default). The figure
//! is the modem's limit (45 × 2 s) over the time from enqueue to the last
//! send committed; overheads count against it.
//!
//! `cargo bench -p plutanium --bench modem_limit` (about four minutes).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use plutanium_core::SendOptions;
use plutanium_store::{NewOutbound, SqliteStore, Store};

#[path = "shared/processes.rs"]
mod common;

use common::{start_daemon, start_sim};

const MESSAGES: usize = 45;
const ROUND_TRIP: Duration = Duration::from_secs(2);

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn write_config(dir: &Path, modem: &str, rate: Option<u32>) -> PathBuf {
    let rate = rate.map_or_else(String::new, |r| format!(", rate_per_minute: {r}"));
    let text = format!(
        "store: sqlite://{}\nmodems:\n  gsm0: {{ port: \"tcp://{modem}\", number: \"+420777000000\"{rate} }}\nroutes: []\n",
        dir.join("plutanium.db").display()
    );
    let path = dir.join("plutanium.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Seconds for [`MESSAGES`] messages through a modem with a 2 s SMSC.
fn run(rate: Option<u32>) -> f64 {
    let sim = start_sim(1, &[]);
    let (status, answer) = common::http(
        &sim.control,
        "POST",
        "/faults",
        &format!(
            r#"{{"modem":"gsm0","kind":"slow_smsc","seconds":{}}}"#,
            ROUND_TRIP.as_secs_f64()
        ),
    );
    assert_eq!(status, 204, "{answer}");
    let dir = tempfile::Builder::new()
        .prefix("plutanium-bench")
        .tempdir_in(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .unwrap();
    let config = write_config(dir.path(), &sim.modems[0], rate);
    let _daemon = start_daemon(&config, dir.path());
    let store = SqliteStore::open(dir.path().join("plutanium.db")).unwrap();
    let rows: Vec<_> = (0..MESSAGES)
        .map(|n| NewOutbound {
            key: format!("bench:{n}"),
            source: "bench".into(),
            to: format!("+42060{n:07}"),
            text: format!("bench message {n}"),
            options: SendOptions::default(),
            allowed_modems: Vec::new(),
        })
        .collect();
    let started = Instant::now();
    store.enqueue_batch(&rows, now_ms()).unwrap();
    loop {
        let stats = store.stats().unwrap();
        if stats.sent + stats.delivered >= MESSAGES as u64 {
            break;
        }
        assert_eq!(stats.failed, 0, "{stats:?}");
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "stuck at {stats:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    started.elapsed().as_secs_f64()
}

fn main() {
    let limit = MESSAGES as f64 * ROUND_TRIP.as_secs_f64();
    println!("| config | {MESSAGES} messages | SMS/s | of the modem's own limit (0.5 SMS/s) |");
    println!("|---|---|---|---|");
    for (name, rate) in [
        ("defaults (no rate_per_minute)", None),
        ("rate_per_minute: 20", Some(20)),
    ] {
        let seconds = run(rate);
        println!(
            "| {name} | {seconds:.2} s | {:.4} | {:.2} % |",
            MESSAGES as f64 / seconds,
            100.0 * limit / seconds
        );
    }
}
