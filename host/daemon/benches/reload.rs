//! What a reload that compiles components costs the API: `plutanium run`
//! answers `GET /healthz` every 10 ms from one client, first for 3 s of
//! nothing, then across a SIGHUP whose new config adds four connectors, each
//! a component compiled from scratch (a fresh compile cache). The figures are
//! the latencies in each window, and how long the reload took
//! (`RELOADING=1` to `READY=1`).
//!
//! `cargo bench -p plutanium --bench reload` (about half a minute).

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "shared/processes.rs"]
mod common;

use common::{start_daemon, start_sim};

fn write_config(
    path: &Path,
    store: &Path,
    modem: &str,
    api: &str,
    tokens: &Path,
    connectors: bool,
) {
    let connectors = if connectors {
        "connectors:\n  k: { component: keyword }\n  f: { component: gmail-forward }\n  r: { component: sms-redirect, config: { owner: \"+420777000111\" } }\n  m: { component: missed-call, config: { notify: [\"+420777000111\"] } }\n"
    } else {
        ""
    };
    let text = format!(
        "store: sqlite://{}\napi: {{ listen: \"{api}\", token_file: \"{}\" }}\nmodems:\n  gsm0: {{ port: \"tcp://{modem}\", number: \"+420777000000\" }}\n{connectors}",
        store.display(),
        tokens.display()
    );
    // Replaced by rename, as editors do: the daemon never reads half a file.
    let next = path.with_extension("next");
    std::fs::write(&next, text).unwrap();
    std::fs::rename(&next, path).unwrap();
}

/// Latencies of `GET /healthz`, one every 10 ms, until `until` says stop.
fn probe(api: &str, mut until: impl FnMut() -> bool) -> Vec<Duration> {
    let client = reqwest::blocking::Client::new();
    let mut latencies = Vec::new();
    while !until() {
        let started = Instant::now();
        let (status, _) = common::http_with(&client, api, "GET", "/healthz", None, "");
        assert_eq!(status, 200);
        latencies.push(started.elapsed());
        std::thread::sleep(Duration::from_millis(10).saturating_sub(started.elapsed()));
    }
    latencies
}

fn summary(mut latencies: Vec<Duration>) -> String {
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    format!(
        "{} | {:.2} ms | {:.2} ms | {:.2} ms",
        latencies.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3
    )
}

fn main() {
    let sim = start_sim(1, &[]);
    let dir = tempfile::Builder::new()
        .prefix("plutanium-bench")
        .tempdir_in(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .unwrap();
    let api = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().to_string()
    };
    let config = dir.path().join("plutanium.yaml");
    let store = dir.path().join("plutanium.db");
    let tokens = dir.path().join("api-tokens");
    let made = std::process::Command::new(common::BIN)
        .args(["api", "token", "--file"])
        .arg(&tokens)
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    write_config(&config, &store, &sim.modems[0], &api, &tokens, false);
    let daemon = start_daemon(&config, dir.path());
    // systemd's side again, to see when the reload is done.
    let socket_path = dir.path().join("notify.sock");
    let _ = std::fs::remove_file(&socket_path);
    let notify = UnixDatagram::bind(&socket_path).unwrap();
    notify.set_nonblocking(true).unwrap();

    let quiet_until = Instant::now() + Duration::from_secs(3);
    let quiet = probe(&api, || Instant::now() > quiet_until);

    write_config(&config, &store, &sim.modems[0], &api, &tokens, true);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(daemon.child.0.id() as i32),
        nix::sys::signal::Signal::SIGHUP,
    )
    .unwrap();
    let hup = Instant::now();
    let mut reloaded = None;
    let during = probe(&api, || {
        let mut buffer = [0u8; 256];
        while let Ok(n) = notify.recv(&mut buffer) {
            if buffer[..n].starts_with(b"READY=1") && reloaded.is_none() {
                reloaded = Some(hup.elapsed());
            }
        }
        assert!(
            hup.elapsed() < Duration::from_secs(120),
            "no READY after the reload"
        );
        reloaded.is_some()
    });
    println!(
        "reload with 4 components compiled: {:.2} s from SIGHUP to READY=1",
        reloaded.unwrap().as_secs_f64()
    );
    println!("| window | requests | p50 | p99 | max |");
    println!("|---|---|---|---|---|");
    println!("| quiet, 3 s | {} |", summary(quiet));
    println!("| during the reload | {} |", summary(during));
}
