//! What a claim, a status read and a search cost as the queue deepens:
//! 10³, 10⁴, 10⁵ and 10⁶ queued rows (a campaign from one API token, and
//! another token's few), on an SQLite file and on PostgreSQL (a throwaway
//! server the bench starts, fsync on).
//!
//! `cargo bench -p plutanium-store --bench deep_queue` (`-- --quick` stops
//! at 10⁵; `-- --sqlite` skips PostgreSQL). Figures go to stdout;
//! docs/benchmarks.md records them.

use std::time::{Duration, Instant};

use plutanium_core::SendOptions;
use plutanium_store::postgres::testing::TempCluster;
use plutanium_store::{LogPage, NewOutbound, PgStore, SqliteStore, Store};

const T0: u64 = 1_767_225_600_000;
const LEASE: Duration = Duration::from_secs(60);
/// Rows committed per transaction while filling.
const FILL_BATCH: usize = 10_000;

fn row(source: &str, n: usize, text: String) -> NewOutbound {
    NewOutbound {
        key: format!("{source}:{n}"),
        source: source.into(),
        to: format!("+42077{:07}", n % 10_000_000),
        text,
        options: SendOptions::default(),
        allowed_modems: Vec::new(),
    }
}

/// Queues rows until `depth` are queued: the first a rare word to search
/// for, then a campaign, one in a hundred from another token.
fn fill(store: &dyn Store, from: usize, depth: usize) {
    let mut n = from;
    while n < depth {
        let end = (n + FILL_BATCH).min(depth);
        let rows: Vec<NewOutbound> = (n..end)
            .map(|i| match i {
                0 => row("api:shop", i, "the needle in the queue".into()),
                i if i % 100 == 0 => row("api:shop", i, format!("your order {i} shipped")),
                i => row("api:campaign", i, format!("Winter sale, code {i}")),
            })
            .collect();
        store.enqueue_batch(&rows, T0).unwrap();
        n = end;
    }
    // As the daemon does in the background: the search index takes in the
    // new rows (SQLite; PostgreSQL indexes each row as it is written).
    let started = Instant::now();
    let indexed = store.index_search(usize::MAX).unwrap();
    if indexed > 0 {
        let seconds = started.elapsed().as_secs_f64();
        eprintln!(
            "  (indexed {indexed} new rows for search in {seconds:.2} s: {:.0} rows/s)",
            indexed as f64 / seconds
        );
    }
}

/// The mean time of `f` over `times` runs, in µs, and its p99.
fn time(times: usize, mut f: impl FnMut(usize)) -> (f64, f64) {
    let mut each: Vec<Duration> = (0..times)
        .map(|i| {
            let started = Instant::now();
            f(i);
            started.elapsed()
        })
        .collect();
    each.sort();
    let mean = each.iter().sum::<Duration>().as_secs_f64() * 1e6 / times as f64;
    let p99 = each[(times * 99 / 100).min(times - 1)].as_secs_f64() * 1e6;
    (mean, p99)
}

fn measure(name: &str, store: &dyn Store, depth: usize) {
    let modems = ["gsm0".to_string(), "gsm1".to_string()];
    // A claim of 8 (a dispatcher's batch), given back so the depth stays.
    let (claim, claim_p99) = time(200, |i| {
        let now = T0 + 1 + i as u64;
        let rows = store.claim_for(now, 8, LEASE, Some(&modems), None).unwrap();
        assert_eq!(rows.len(), 8);
        for row in rows {
            store.release(row.id, row.attempts, now).unwrap();
        }
    });
    let (read, read_p99) = time(1_000, |i| {
        let id = 1 + ((i * 7_919) % depth) as i64;
        assert!(store.outbound(id).unwrap().is_some());
    });
    let page = |search: &str| LogPage {
        search: Some(search.into()),
        ..LogPage::since(0, 50)
    };
    let (frequent, _) = time(20, |_| {
        let found = store.outbound_page(&page("sale"), None).unwrap();
        assert_eq!(found.len(), 50);
    });
    let (rare, _) = time(5, |_| {
        let found = store.outbound_page(&page("needle"), None).unwrap();
        assert_eq!(found.len(), 1);
    });
    println!(
        "| {name} | {depth} | {claim:.0} µs (p99 {claim_p99:.0}) | {read:.0} µs (p99 {read_p99:.0}) | {frequent:.0} µs | {:.1} ms |",
        rare / 1000.0
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let sqlite_only = args.iter().any(|a| a == "--sqlite");
    let depths: &[usize] = if quick {
        &[1_000, 10_000, 100_000]
    } else {
        &[1_000, 10_000, 100_000, 1_000_000]
    };
    println!(
        "| store | queued rows | claim 8 + give back | status read | search, first page of a frequent word | search for a word in one row |"
    );
    println!("|---|---|---|---|---|---|");
    let dir = tempfile::Builder::new()
        .prefix("plutanium-bench-deep-queue")
        .tempdir_in(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target"))
        .unwrap();
    let sqlite = SqliteStore::open(dir.path().join("deep.db")).unwrap();
    let mut filled = 0;
    for &depth in depths {
        fill(&sqlite, filled, depth);
        filled = depth;
        measure("SQLite", &sqlite, depth);
    }
    drop(sqlite);
    if sqlite_only {
        return;
    }
    let cluster = TempCluster::start().unwrap_or_else(|e| panic!("{e}"));
    let postgres = PgStore::open(&cluster.create_database()).unwrap();
    let mut filled = 0;
    for &depth in depths {
        fill(&postgres, filled, depth);
        filled = depth;
        measure("PostgreSQL", &postgres, depth);
    }
}
