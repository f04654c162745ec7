//! Two `plutanium run` processes (`--node a`, `--node b`) with one config
//! file on one PostgreSQL database (a throwaway server the test starts:
//! `initdb` and `pg_ctl` on a Unix socket), and `plutanium sim` with two
//! modems over TCP: sends accepted by either node's API all go out through
//! whichever node drives each modem; `kill -9` of that node moves its
//! modems to the other within the lease; a node frozen with SIGSTOP past
//! its lease writes nothing once it runs again.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use plutanium_store::postgres::testing::TempCluster;
use serde_json::{Value, json};

use crate::daemon::{Daemon, add_api, phone_texts, write_config_on};
use crate::sim::{Sim, http_with, start_sim_with};

const PHONE: &str = "+420601234567";

/// The lease time the daemon uses (plutanium_gateway::LEASE_TTL).
const LEASE: Duration = Duration::from_secs(15);

/// One config for both nodes: [`write_config_on`]'s modems over TCP and
/// the store, plus the API on a free port of each node's choosing.
fn write_config(dir: &Path, sim: &Sim, store_url: &str) -> std::path::PathBuf {
    let config = write_config_on(dir, sim, store_url);
    add_api(&config, dir);
    config
}

/// A send-and-read token in `dir/api-tokens`.
fn token(dir: &Path) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args(["api", "token", "--file"])
        .arg(dir.join("api-tokens"))
        .args(["--name", "test", "--scope", "send", "--scope", "read"])
        .args(["--rate", "1000000"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// A node: the daemon and where its API listens.
struct Node {
    daemon: Daemon,
    api: String,
}

impl Node {
    fn start(name: &str, config: &Path, dir: &Path) -> Node {
        let data = dir.join(format!("node-{name}"));
        std::fs::create_dir_all(&data).unwrap();
        let mut daemon = Daemon::start_with_args(
            config,
            &data,
            &["--node", name],
            &[("RUST_LOG", "info,plutanium_gateway::sender=debug")],
        );
        let api = daemon.api_address();
        Node { daemon, api }
    }

    /// `GET /api/v1/modems`: each modem's state and the node driving it.
    fn modems(&self, token: &str) -> HashMap<String, (String, Value)> {
        let (status, body) = http_with(&self.api, "GET", "/api/v1/modems", Some(token), None);
        assert_eq!(status, 200, "{body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        body["modems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["name"].as_str().unwrap().to_string(),
                    (m["state"].as_str().unwrap().to_string(), m["node"].clone()),
                )
            })
            .collect()
    }

    /// Whether this node drives both modems, by its own API.
    fn drives_both(&self, token: &str, me: &str) -> bool {
        let modems = self.modems(token);
        modems.len() == 2
            && modems
                .values()
                .all(|(state, node)| state == "ready" && node == me)
    }

    fn send(&self, token: &str, n: usize) {
        let body = json!({ "to": PHONE, "text": format!("cluster #{n}") }).to_string();
        let (status, answer) = http_with(
            &self.api,
            "POST",
            "/api/v1/messages",
            Some(token),
            Some(&body),
        );
        assert_eq!(status, 202, "{answer}");
    }
}

/// Waits up to `limit` for `probe` (which is given the nodes), failing at
/// once if a node exits.
fn wait(
    what: &str,
    limit: Duration,
    nodes: &mut [&mut Node],
    mut probe: impl FnMut(&[&mut Node]) -> bool,
) -> Duration {
    let started = Instant::now();
    while !probe(nodes) {
        for node in nodes.iter_mut() {
            if let Some(status) = node.daemon.exited() {
                panic!(
                    "a node exited ({status}) waiting for {what}:\n{}",
                    node.daemon.log()
                );
            }
        }
        if started.elapsed() > limit {
            let logs: Vec<String> = nodes.iter().map(|n| n.daemon.log()).collect();
            panic!("timed out waiting for {what}:\n{}", logs.join("\n-----\n"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    started.elapsed()
}

fn counts(sim: &Sim) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for text in phone_texts(sim, PHONE) {
        *seen.entry(text).or_default() += 1;
    }
    seen
}

/// `plutanium sim` with two TCP modems, a fresh database, and two nodes on
/// it: a started first and driving both modems, then b.
struct Pair {
    sim: Sim,
    _dir: tempfile::TempDir,
    token: String,
    a: Node,
    b: Node,
}

impl Pair {
    fn start() -> Pair {
        let sim = start_sim_with(
            "generic",
            &["--modem", "gsm1=+420777000002@tcp://127.0.0.1:0"],
        );
        let dir = tempfile::tempdir().unwrap();
        let store = TempCluster::shared().create_database();
        let config = write_config(dir.path(), &sim, &store.url);
        let token = token(dir.path());
        let mut a = Node::start("a", &config, dir.path());
        wait(
            "node a to drive both modems",
            LEASE * 2,
            &mut [&mut a],
            |n| n[0].drives_both(&token, "a"),
        );
        let b = Node::start("b", &config, dir.path());
        Pair {
            sim,
            _dir: dir,
            token,
            a,
            b,
        }
    }
}

#[test]
fn two_nodes_send_a_thousand_through_a_kill_9_of_the_node_driving_the_modems() {
    const MESSAGES: usize = 1_000;
    let Pair {
        sim,
        _dir,
        token,
        mut a,
        mut b,
    } = Pair::start();
    // b's modems wait in standby, and b's list says who drives them.
    let seen_by_b = b.modems(&token);
    assert!(
        seen_by_b
            .values()
            .all(|(state, node)| state == "standby" && node == "a"),
        "{seen_by_b:?}"
    );

    // The sends are spread over both nodes' APIs.
    for n in 0..MESSAGES {
        let node = if n % 2 == 0 { &a } else { &b };
        node.send(&token, n);
    }
    wait(
        "a third delivered",
        Duration::from_secs(120),
        &mut [&mut a, &mut b],
        |_| counts(&sim).len() >= MESSAGES / 3,
    );

    // kill -9 the node that drives the modems.
    a.daemon.kill_now();
    let moved = wait(
        "node b to drive a's modems",
        LEASE + Duration::from_secs(5),
        &mut [&mut b],
        |n| n[0].drives_both(&token, "b"),
    );
    wait(
        "every message delivered",
        Duration::from_secs(300),
        &mut [&mut b],
        |_| counts(&sim).len() >= MESSAGES,
    );
    std::thread::sleep(Duration::from_millis(500));
    let seen = counts(&sim);
    for n in 0..MESSAGES {
        assert!(seen.contains_key(&format!("cluster #{n}")), "#{n} was lost");
    }
    let duplicates: usize = seen.values().map(|c| c - 1).sum();
    eprintln!("b drove both modems {moved:?} after the kill; {duplicates} duplicate(s)");
    // As on one node: at most the one message per modem in flight at the kill.
    assert!(duplicates <= 2, "{duplicates} duplicates: {seen:?}");
}

#[test]
fn a_node_frozen_past_its_lease_writes_nothing_when_it_runs_again() {
    let Pair {
        sim,
        _dir,
        token,
        mut a,
        mut b,
    } = Pair::start();
    for n in 0..200 {
        a.send(&token, n);
    }
    wait(
        "the first sends",
        Duration::from_secs(60),
        &mut [&mut a, &mut b],
        |_| !counts(&sim).is_empty(),
    );

    // a freezes mid-run, with rows in hand.
    let pid = Pid::from_raw(a.daemon.id() as i32);
    kill(pid, Signal::SIGSTOP).unwrap();
    // The lease runs out, then b's next acquire takes it: about 13 s on
    // an idle machine; the margin is for a loaded one (this test ran out
    // of a 5 s one while other suites shared the two cores).
    let moved = wait(
        "node b to take the frozen node's modems",
        LEASE + Duration::from_secs(15),
        &mut [&mut b],
        |n| n[0].drives_both(&token, "b"),
    );
    for n in 200..300 {
        b.send(&token, n);
    }
    wait(
        "every message delivered",
        Duration::from_secs(120),
        &mut [&mut b],
        |_| counts(&sim).len() >= 300,
    );

    // a runs again: it finds its leases gone, closes its ports, and writes
    // no outcome (the store refuses it: another node took the modems).
    let log_before = a.daemon.log().len();
    kill(pid, Signal::SIGCONT).unwrap();
    wait(
        "node a to stand by",
        Duration::from_secs(10),
        &mut [&mut a],
        |n| {
            n[0].modems(&token)
                .values()
                .all(|(state, node)| state == "standby" && node == "b")
        },
    );
    std::thread::sleep(Duration::from_secs(2));
    let after = a.daemon.log()[log_before..].to_string();
    let written: Vec<&str> = after
        .lines()
        .filter(|line| line.contains(": sent id="))
        .collect();
    assert!(
        written.is_empty(),
        "a recorded sends after losing its leases:\n{after}"
    );
    assert!(
        after.contains("no longer drives the modem"),
        "a did not say it gave its modems up:\n{after}"
    );
    // b still drives both; nothing was sent twice beyond the one message
    // per modem a may have had on the wire when it froze.
    assert!(b.drives_both(&token, "b"));
    let seen = counts(&sim);
    let duplicates: usize = seen.values().map(|c| c - 1).sum();
    eprintln!("b took over {moved:?} after the freeze; {duplicates} duplicate(s)");
    assert!(duplicates <= 2, "{duplicates} duplicates: {seen:?}");
    for n in 0..300 {
        assert!(seen.contains_key(&format!("cluster #{n}")), "#{n} was lost");
    }
}

/// `plutanium store migrate`: refused while a daemon runs on the SQLite
/// file, then a copy whose every table is verified, and a node on
/// PostgreSQL sends what the single node had queued.
#[test]
fn store_migrate_moves_a_single_node_to_postgresql() {
    use plutanium_store::{PgStore, SqliteStore};
    let sim = start_sim_with("generic", &[]);
    let dir = tempfile::tempdir().unwrap();
    let single = crate::daemon::write_config(dir.path(), &sim);
    let sqlite = dir.path().join("plutanium.db");
    let mut daemon = Daemon::start(&single, dir.path(), &[]);
    daemon.wait_for_log("running");
    let target = TempCluster::shared().create_database();
    let migrate = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_plutanium"))
            .args(["store", "migrate", "--from"])
            .arg(format!("sqlite://{}", sqlite.display()))
            .args(["--to", &target.url])
            .output()
            .unwrap()
    };
    let refused = migrate();
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("another plutanium is running") && said.contains("stop the daemon"),
        "{said}"
    );
    daemon.kill();

    // Queued while no modem could send them (the single node is down).
    let store = SqliteStore::open(&sqlite).unwrap();
    crate::daemon::queue(&store, 30);
    drop(store);
    let copied = migrate();
    let out = String::from_utf8_lossy(&copied.stdout);
    assert!(
        copied.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&copied.stderr)
    );
    assert!(out.contains("every table has the same rows"), "{out}");
    let pg = PgStore::open(&target).unwrap();
    assert_eq!(pg.stats().unwrap().queued, 30);

    // A node on PostgreSQL sends them.
    let config = write_config(dir.path(), &sim, &target.url);
    let token = token(dir.path());
    let mut node = Node::start("solo", &config, dir.path());
    wait(
        "the queue sent from PostgreSQL",
        Duration::from_secs(60),
        &mut [&mut node],
        |_| phone_texts(&sim, crate::daemon::OWNER).len() >= 30,
    );
    assert!(node.modems(&token).values().all(|(_, n)| n == "solo"));
}
