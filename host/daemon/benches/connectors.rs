//! Figures for the shipped connectors, whole path: `plutanium run` against
//! `plutanium sim --fake-gmail` (a zero-latency modem over loopback TCP and
//! a fake Gmail with its OAuth endpoint on loopback).
//!
//! - latency from an email appearing in the (fake) mailbox to its SMS
//!   reaching the simulated phone, with the gmail source's `interval: 1s`;
//! - resident memory of each built-in connector: the daemon's RSS with ten
//!   instantiated copies of it, less the RSS without connectors, over ten.
//!
//! `cargo bench -p plutanium --bench connectors` (`-- --quick` for a short
//! run). Figures go to stdout; docs/benchmarks.md records them.

#[path = "shared/processes.rs"]
mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Sim, gmail_grant, http, memory_kib, start_daemon, start_sim};

const MODEM: &str = "+420777000001";
const OWNER: &str = "+420777999999";

/// `plutanium sim` with gsm0 on TCP and the fake Gmail.
fn sim_with_gmail() -> Sim {
    start_sim(
        0,
        &[
            "--modem",
            &format!("gsm0={MODEM}@tcp://127.0.0.1:0"),
            "--fake-gmail",
            "127.0.0.1:0",
        ],
    )
}

fn base_config(dir: &Path, sim: &Sim) -> String {
    format!(
        "store: sqlite://{}\nmodems:\n  gsm0: {{ port: \"tcp://{}\", number: \"{MODEM}\", rate_per_minute: 1000000 }}\npolicy: {{ per_destination_per_hour: 1000000 }}\n",
        dir.join("plutanium.db").display(),
        sim.modems[0],
    )
}

fn phone_count(sim: &Sim, phone: &str) -> usize {
    let (status, body) = http(&sim.control, "GET", &format!("/phones/{phone}/inbox"), "");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<serde_json::Value>(&body)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

fn wait(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Email → SMS latencies, in ms, sorted.
fn email_latency(emails: usize) -> Vec<f64> {
    let sim = sim_with_gmail();
    let dir = tempfile::tempdir().unwrap();
    let (grant, api) = gmail_grant(dir.path(), &sim);
    let config = base_config(dir.path(), &sim)
        + &format!(
            "connectors:\n  gmail: {{ component: gmail, interval: 1s, batch: 10, {grant}, config: {{ api_base: \"{api}\" }} }}\nroutes:\n  - {{ from: gmail, to: gsm0 }}\n"
        );
    let path = dir.path().join("plutanium.yaml");
    std::fs::write(&path, config).unwrap();
    let _daemon = start_daemon(&path, dir.path());
    let mut latencies = Vec::new();
    // A pseudo-random pause between emails, so they land at every phase of
    // the poll interval.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for n in 0..emails {
        let phone = format!("+42060{:07}", n);
        let body = serde_json::json!({"subject": phone, "text": format!("email {n}")}).to_string();
        let started = Instant::now();
        let (status, answer) = http(&sim.control, "POST", "/gmail/emails", &body);
        assert_eq!(status, 201, "{answer}");
        wait("the email's SMS", || phone_count(&sim, &phone) == 1);
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(seed % 1000));
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    latencies
}

/// The RSS a daemon settles at with `connectors` (YAML lines under
/// `connectors:`) and `routes`, after `exercise` has made every connector
/// run once, in KiB.
fn settled_rss(connectors: &str, routes: &str, exercise: &dyn Fn(&Sim)) -> u64 {
    let sim = sim_with_gmail();
    let dir = tempfile::tempdir().unwrap();
    let mut config = base_config(dir.path(), &sim);
    let (grant, api) = gmail_grant(dir.path(), &sim);
    let connectors = connectors.replace("{grant}", &grant).replace("{api}", &api);
    if !connectors.is_empty() {
        config += &format!("connectors:\n{connectors}routes:\n{routes}");
    }
    let path = dir.path().join("plutanium.yaml");
    std::fs::write(&path, config).unwrap();
    // Once to fill the component cache, then the measured run.
    drop(start_daemon(&path, dir.path()));
    let daemon = start_daemon(&path, dir.path());
    exercise(&sim);
    std::thread::sleep(Duration::from_millis(1500));
    memory_kib(&daemon.child.0).0
}

const COPIES: usize = 10;

/// A connector to measure: its name, its copies' config lines, their
/// routes, and what makes them all run once.
type Case<'a> = (&'a str, String, String, &'a dyn Fn(&Sim));

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let latencies = email_latency(if quick { 5 } else { 30 });
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    println!(
        "email → SMS on the phone, gmail interval 1 s, {} emails:",
        latencies.len()
    );
    println!(
        "  min {:.0} ms, p50 {:.0} ms, p90 {:.0} ms, max {:.0} ms",
        latencies[0],
        at(0.5),
        at(0.9),
        latencies[latencies.len() - 1]
    );

    let sms = |sim: &Sim| {
        let body =
            serde_json::json!({"from": "+420601000001", "to": MODEM, "text": "hello"}).to_string();
        let (status, answer) = http(&sim.control, "POST", "/sms", &body);
        assert_eq!(status, 202, "{answer}");
        std::thread::sleep(Duration::from_millis(500));
    };
    let baseline = settled_rss("", "", &|_| {});
    println!(
        "\nresident memory per instantiated connector ({COPIES} copies, RSS less a daemon without connectors of {:.1} MiB):",
        baseline as f64 / 1024.0
    );
    let names: Vec<String> = (0..COPIES).map(|n| format!("c{n}")).collect();
    let through = names.join(", ");
    let cases: Vec<Case> = vec![
        (
            "missed-call",
            names.iter().map(|n| format!("  {n}: {{ component: missed-call, config: {{ notify: [\"{OWNER}\"] }} }}\n")).collect(),
            format!("  - {{ from: gsm0, through: [{through}], to: gsm0 }}\n"),
            &sms,
        ),
        (
            "keyword",
            names.iter().map(|n| format!("  {n}: {{ component: keyword, config: {{ rules: [{{ match: {{ keyword: NEVER }}, then: {{ reply: x }} }}] }} }}\n")).collect(),
            format!("  - {{ from: gsm0, through: [{through}], to: gsm0 }}\n"),
            &sms,
        ),
        (
            "sms-redirect",
            names.iter().map(|n| format!("  {n}: {{ component: sms-redirect, config: {{ owner: [\"{OWNER}\"], destination: \"{OWNER}\" }} }}\n")).collect(),
            format!("  - {{ from: gsm0, through: [{through}], to: gsm0 }}\n"),
            &sms,
        ),
        (
            "gmail (source)",
            names.iter().map(|n| format!("  {n}: {{ component: gmail, interval: 200ms, {{grant}}, config: {{ api_base: \"{{api}}\" }} }}\n")).collect(),
            names.iter().map(|n| format!("  - {{ from: {n}, to: gsm0 }}\n")).collect(),
            &|_| {},
        ),
        (
            "gmail-forward (sink)",
            names.iter().map(|n| format!("  {n}: {{ component: gmail-forward, {{grant}}, config: {{ api_base: \"{{api}}\", to: owner@example.com }} }}\n")).collect(),
            format!("  - {{ from: gsm0, to: [{through}] }}\n"),
            &sms,
        ),
    ];
    for (name, connectors, routes, exercise) in cases {
        let rss = settled_rss(&connectors, &routes, exercise);
        let per = (rss.saturating_sub(baseline)) as f64 / COPIES as f64;
        println!(
            "  {name}: {per:.0} KiB (daemon {:.1} MiB)",
            rss as f64 / 1024.0
        );
    }
}
