//! The systemd watchdog is fed from the gateway's own liveness: a router
//! frozen by a fail point stops the `WATCHDOG=1` notifications (so systemd
//! would restart the daemon), and they come back when it thaws.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::sim::start_sim_with;

#[test]
fn a_frozen_router_stops_the_watchdog_notifications() {
    let sim = start_sim_with("generic", &[]);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("plutanium.yaml");
    std::fs::write(
        &config,
        format!(
            "store: sqlite://{}\nmodems:\n  gsm0: {{ port: \"tcp://{}\" }}\n",
            dir.path().join("plutanium.db").display(),
            sim.modem_tcp
        ),
    )
    .unwrap();
    let notify_path = dir.path().join("notify.sock");
    let notify = std::os::unix::net::UnixDatagram::bind(&notify_path).unwrap();
    notify
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut daemon = Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args(["run", "--config"])
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path())
        .env("NOTIFY_SOCKET", &notify_path)
        .env("WATCHDOG_USEC", "400000")
        .env_remove("WATCHDOG_PID")
        // The router's first three turns run (an idle router turns once a
        // second), then it is stuck for 12 s in the middle of a turn.
        .env("FAILPOINTS", "router::loop=3*off->1*sleep(12000)->off")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("plutanium run starts");

    // Every WATCHDOG=1, by when it came.
    let started = Instant::now();
    let mut pings = Vec::new();
    let mut ready = false;
    while started.elapsed() < Duration::from_secs(30) {
        let mut buffer = [0u8; 256];
        if let Ok(n) = notify.recv(&mut buffer) {
            let text = String::from_utf8_lossy(&buffer[..n]).into_owned();
            ready |= text.starts_with("READY=1");
            if text == "WATCHDOG=1" {
                pings.push(started.elapsed());
                // Stopped, then back for a few pings: enough seen.
                let thawed = pings
                    .windows(2)
                    .position(|w| w[1] - w[0] >= Duration::from_secs(3))
                    .is_some_and(|gap| pings.len() > gap + 4);
                if thawed {
                    break;
                }
            }
        }
    }
    let _ = daemon.kill();
    let mut stderr = String::new();
    daemon
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let _ = daemon.wait();
    assert!(ready, "READY=1 came");
    assert!(!pings.is_empty(), "pings before the freeze");
    // The router was due again 6 s after its last turn; with pings every
    // 200 ms, a gap of several seconds is the watchdog not being fed.
    let longest_gap = pings
        .windows(2)
        .map(|w| w[1] - w[0])
        .max()
        .unwrap_or_default();
    assert!(
        longest_gap >= Duration::from_secs(3),
        "the pings never stopped (longest gap {longest_gap:?}): {pings:?}"
    );
    assert!(
        pings.last().unwrap() > &(pings[0] + longest_gap),
        "and they came back after the thaw: {pings:?}"
    );
    assert!(
        stderr.contains("not feeding the systemd watchdog") && stderr.contains("router"),
        "the log names what is stuck: {stderr}"
    );
}
