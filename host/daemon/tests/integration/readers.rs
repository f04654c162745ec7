//! Outside readers of the store while the daemon runs: a script (Python's
//! `sqlite3`, as an operator's would be) reads the outbox in a loop, the
//! way docs/store.md says to (read-only, with a busy timeout, one short
//! transaction per read), during a burst of sends. It gets no error, and the
//! daemon sends every message exactly once without a store error.

use std::collections::HashMap;
use std::process::{Command, Stdio};

use plutanium_store::SqliteStore;

use crate::daemon::{Daemon, OWNER, phone_texts, queue, wait_until, write_config};
use crate::sim::start_sim_with;

/// Reads until `stop` exists; prints `reads errors first-error`.
const READER: &str = r#"
import os, sqlite3, sys, time
db, stop, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
reads = errors = 0
first = ""
while not os.path.exists(stop):
    try:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=timeout,
                            isolation_level=None)
        # A slow report: one read transaction held for 50 ms. Without WAL
        # it would block every commit of the daemon meanwhile.
        c.execute("BEGIN")
        c.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
        time.sleep(0.05)
        c.execute("SELECT * FROM outbox ORDER BY id DESC LIMIT 50").fetchall()
        c.execute("COMMIT")
        c.close()
        reads += 1
    except sqlite3.Error as e:
        errors += 1
        first = first or str(e)
print(reads, errors, first.replace(" ", "_") or "-")
"#;

#[test]
fn a_script_reading_in_a_loop_gets_no_error_and_stalls_nothing() {
    const MESSAGES: usize = 300;
    let sim = start_sim_with("generic", &[]);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &sim);
    let db = dir.path().join("plutanium.db");
    queue(&SqliteStore::open(&db).unwrap(), MESSAGES);
    let stop = dir.path().join("stop");
    let reader = Command::new("python3")
        .arg("-c")
        .arg(READER)
        .arg(&db)
        .arg(&stop)
        .arg("5")
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs (Debian package python3): the outside reader is a Python script");
    let mut daemon = Daemon::start(&config, dir.path(), &[]);
    let seen = wait_until("every message", &mut daemon, || {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for text in phone_texts(&sim, OWNER) {
            *seen.entry(text).or_default() += 1;
        }
        (seen.len() >= MESSAGES).then_some(seen)
    });
    std::fs::write(&stop, "").unwrap();
    let output = reader.wait_with_output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout).to_string();
    let fields: Vec<&str> = report.split_whitespace().collect();
    let (reads, errors): (usize, usize) = (fields[0].parse().unwrap(), fields[1].parse().unwrap());
    let log = daemon.log();
    daemon.kill();
    assert!(
        reads >= 10,
        "the reader read while the daemon sent: {report}"
    );
    assert_eq!(errors, 0, "the reader failed: {report}");
    assert!(
        seen.values().all(|&n| n == 1),
        "each message once: {seen:?}"
    );
    for bad in [
        "database is locked",
        "cannot claim",
        "cannot commit",
        "ERROR",
    ] {
        assert!(!log.contains(bad), "{bad:?} in the daemon's log:\n{log}");
    }
}
