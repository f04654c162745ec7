//! The daemon's resident memory as a rack sees it: 16 zero-latency modems,
//! every shipped connector loaded and working, and the REST API under load.
//!
//! `plutanium run` against `plutanium sim --fake-gmail`, the store a real
//! SQLite file. Connectors: `gmail` (a source, polling the fake Gmail),
//! `gmail-forward` (SMS → email, a sink on every modem), `keyword`,
//! `sms-redirect` and `missed-call` (processors on every modem's SMS and
//! calls). Load, all at once: 32 API clients sending 10,000 messages one
//! request each, phones sending 4,000 SMS to the modems (each forwarded as
//! an email and seen by the processors), 16 missed calls, and emails to
//! turn into SMS. RSS is sampled every 50 ms until every message is sent.
//!
//! `cargo bench -p plutanium --bench footprint` (`-- --quick` for a tenth
//! of the load, `-- --smaps FILE` to keep the daemon's mappings at the end). Figures go to stdout; docs/benchmarks.md records them.

#[path = "shared/processes.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{
    api_token, bench_dir, free_address, gmail_grant, http, modem_lines, modem_number, start_daemon,
    start_sim, status_kib, wait_until_listening,
};
use plutanium_store::SqliteStore;

const MODEMS: usize = 16;
const CLIENTS: usize = 32;
const OWNER: &str = "+420777999999";

/// Resident memory of `pid` by kind, in KiB: total, anonymous, file-backed.
fn rss(pid: u32) -> (u64, u64, u64) {
    let [total, anon, file] = status_kib(pid, ["VmRSS:", "RssAnon:", "RssFile:"]);
    (total, anon, file)
}

/// Whether every email has reached its phone as an SMS (the gmail source
/// polls once a second).
fn emails_delivered(sim: &common::Sim, emails: usize) -> bool {
    (0..emails).all(|n| {
        let (status, body) = http(
            &sim.control,
            "GET",
            &format!("/phones/+42060300{n:04}/inbox"),
            "",
        );
        status == 200 && body.contains(&format!("email {n}"))
    })
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (requests, inbound) = if quick { (1_000, 400) } else { (10_000, 4_000) };
    let sim = start_sim(MODEMS, &["--fake-gmail", "127.0.0.1:0"]);
    let dir = bench_dir("plutanium-bench-footprint");
    let tokens = dir.path().join("api-tokens");
    let token = api_token(&tokens);
    let (google, api_base) = gmail_grant(dir.path(), &sim);
    let address = free_address();

    let mut config = format!(
        "store: sqlite://{}\napi: {{ listen: \"{address}\", token_file: \"{}\" }}\npolicy: {{ per_destination_per_hour: 1000000 }}\nmodems:\n{}",
        dir.path().join("plutanium.db").display(),
        tokens.display(),
        modem_lines(&sim)
    );
    config.push_str(&format!(
        "connectors:\n\
         \x20 gmail: {{ component: gmail, interval: 1s, {google}, config: {{ api_base: \"{api_base}\" }} }}\n\
         \x20 forward: {{ component: gmail-forward, {google}, config: {{ api_base: \"{api_base}\", to: owner@example.com }} }}\n\
         \x20 keyword: {{ component: keyword, config: {{ rules: [{{ match: {{ keyword: STOP }}, then: {{ reply: \"Unsubscribed\" }} }}] }} }}\n\
         \x20 redirect: {{ component: sms-redirect, config: {{ owner: [\"{OWNER}\"], destination: \"{OWNER}\" }} }}\n\
         \x20 missed: {{ component: missed-call, config: {{ notify: [\"{OWNER}\"] }} }}\n\
         routes:\n\
         \x20 - {{ from: gmail, to: gsm0 }}\n"
    ));
    for n in 0..MODEMS {
        config.push_str(&format!(
            "  - {{ from: gsm{n}, through: [keyword, redirect, missed], to: gsm{n} }}\n  - {{ from: gsm{n}, to: [forward] }}\n"
        ));
    }
    let path = dir.path().join("plutanium.yaml");
    std::fs::write(&path, config).unwrap();
    // Once to fill the component cache, then the measured daemon.
    drop(start_daemon(&path, dir.path()));
    let daemon = start_daemon(&path, dir.path());
    let pid = daemon.child.0.id();
    wait_until_listening(&address);
    std::thread::sleep(Duration::from_millis(1500));
    let idle = rss(pid);

    let started = Instant::now();
    // The API: 32 clients, each on its own kept-alive connection.
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (address, token) = (address.clone(), token.clone());
            std::thread::spawn(move || {
                let http = reqwest::blocking::Client::new();
                for n in (client..requests).step_by(CLIENTS) {
                    let body = format!(
                        r#"{{"to":"+42060200{:04}","text":"footprint {n}","key":"footprint-{n}"}}"#,
                        n % 1000
                    );
                    let (status, answer) = common::http_with(
                        &http,
                        &address,
                        "POST",
                        "/api/v1/messages",
                        Some(&token),
                        &body,
                    );
                    assert_eq!(status, 202, "request {n}: {answer}");
                }
            })
        })
        .collect();
    // Phones: SMS to every modem at once, and a missed call to each.
    let sms: Vec<serde_json::Value> = (0..inbound)
        .map(|n| {
            serde_json::json!({
                "from": format!("+42060{:07}", n % 1000),
                "to": modem_number(n % MODEMS),
                // Every text its own: the same text from the same phone to
                // the same modem within a second is one SMS delivered twice.
                "text": if n % 10 == 0 { format!("STOP {n}") } else { format!("hello {n}") },
            })
        })
        .collect();
    let (status, answer) = http(
        &sim.control,
        "POST",
        "/sms/batch",
        &serde_json::to_string(&sms).unwrap(),
    );
    assert_eq!(status, 202, "{answer}");
    for n in 0..MODEMS {
        let body = serde_json::json!({"from": "+420601999999", "to": modem_number(n)}).to_string();
        let (status, answer) = http(&sim.control, "POST", "/calls", &body);
        assert_eq!(status, 202, "{answer}");
    }
    // Emails to turn into SMS.
    let emails = 20;
    for n in 0..emails {
        let body = serde_json::json!({"subject": format!("+42060300{n:04}"), "text": format!("email {n}")})
            .to_string();
        let (status, answer) = http(&sim.control, "POST", "/gmail/emails", &body);
        assert_eq!(status, 201, "{answer}");
    }

    // Until every message is in and out: the API's, the emails' and the
    // processors' replies (at least one per STOP).
    let store = SqliteStore::open(dir.path().join("plutanium.db")).unwrap();
    let mut peak = idle;
    let mut samples = 0;
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let now = rss(pid);
        if now.0 > peak.0 {
            peak = now;
        }
        samples += 1;
        let stats = store.stats().unwrap();
        let out = common::finished(&stats);
        let clients_done = clients.iter().all(|c| c.is_finished());
        if clients_done
            && emails_delivered(&sim, emails)
            && stats.inbox >= inbound as u64
            && stats.queued + stats.sending == 0
            && out >= (requests + emails + inbound / 10) as u64
        {
            assert_eq!(stats.failed, 0, "failures: {stats:?}");
            break;
        }
        assert!(Instant::now() < deadline, "stuck at {stats:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    for client in clients {
        client.join().unwrap();
    }
    let wall = started.elapsed();
    let high_water = common::memory_kib(&daemon.child.0).1;
    let end = rss(pid);
    // `-- --smaps FILE`: the daemon's mappings at the end, to see where the
    // memory is.
    let args: Vec<String> = std::env::args().collect();
    if let Some(file) = args
        .iter()
        .position(|a| a == "--smaps")
        .and_then(|i| args.get(i + 1))
    {
        std::fs::copy(format!("/proc/{pid}/smaps"), file).unwrap();
    }
    println!(
        "{MODEMS} modems; gmail, gmail-forward, keyword, sms-redirect and missed-call loaded; \
         {requests} API sends from {CLIENTS} clients, {inbound} inbound SMS, {MODEMS} calls and {emails} emails in {:.1} s",
        wall.as_secs_f64()
    );
    println!("| | RSS | anonymous | file-backed |");
    println!("|---|---|---|---|");
    for (what, (total, anon, file)) in [("idle", idle), ("peak sampled", peak), ("at the end", end)]
    {
        println!(
            "| {what} | {:.1} MiB | {:.1} MiB | {:.1} MiB |",
            mib(total),
            mib(anon),
            mib(file)
        );
    }
    println!(
        "| high-water mark (VmHWM, {samples} samples) | {:.1} MiB | | |",
        mib(high_water)
    );
}
