//! The AT trace a user attaches to a bug report: every line to and from the
//! modem at `plutanium_modem::at=trace`, and never the SIM's PIN; and the
//! warning a lost `> ` prompt leaves, with the ESC that cancels it.
//!
//! A test binary of its own: `tracing` caches for each call site whether
//! any subscriber listens, and a call site first reached on another test's
//! thread while this test set up its subscriber could be cached as unheard
//! (it failed that way once in a full run). Alone in its process, nothing
//! else reaches the driver's call sites.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plutanium_modem::{DriverConfig, InProcessPorts, SendOptions};
use plutanium_modem_sim::{Fault, Latency, ModemConfig, Simulator};
use tokio::time::timeout;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread: the driver's task logs to this test's subscriber.
#[tokio::test(flavor = "current_thread")]
async fn the_at_trace_has_every_line_and_not_the_pin() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("plutanium_modem=warn,plutanium_modem::at=trace")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sim = Simulator::start(5, Latency::Zero);
    let mut modem = ModemConfig::new("m0", "+420777000000");
    modem.pin = Some("8642".into());
    sim.add_modem(modem).unwrap();
    let mut config = DriverConfig::new("m0", "sim://m0".parse().unwrap());
    config.pin = Some("8642".into());
    config.timeouts.prompt = Duration::from_secs(1);
    let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
    let (handle, _events) = plutanium_modem::spawn(config, Some(ports));
    timeout(Duration::from_secs(20), handle.ready())
        .await
        .unwrap()
        .unwrap();
    handle
        .send_text("+420601234567", "traced", &SendOptions::default())
        .await
        .unwrap();
    // A prompt lost on the way: given up, cancelled with ESC, and said so.
    sim.inject("m0", Fault::SwallowSend { count: 1 }).unwrap();
    let lost = handle
        .send_text("+420601234567", "no prompt", &SendOptions::default())
        .await;
    assert!(lost.is_err(), "{lost:?}");
    handle.stop().await;

    let log = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    assert!(log.contains("-> AT+CPIN=(redacted)"), "{log}");
    assert!(!log.contains("8642"), "the PIN is never logged");
    assert!(log.contains("-> AT+CMGS="), "{log}");
    assert!(log.contains("<- \\r\\n+CMGS: "), "{log}");
    assert!(log.contains("modem=m0"), "{log}");
    assert!(log.contains("-> \\x1b"), "ESC written: {log}");
    let warning = log
        .lines()
        .find(|line| line.contains("no \"> \" prompt after AT+CMGS"))
        .unwrap_or_else(|| panic!("no warning: {log}"));
    assert!(
        warning.contains("WARN") && warning.contains("cancelled with ESC"),
        "{warning}"
    );
}
