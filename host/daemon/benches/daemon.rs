//! Whole-path figures for the daemon: `plutanium run` as a process against
//! `plutanium sim` (zero-latency modems over loopback TCP), its store a real
//! SQLite file on disk with durable commits (WAL, `synchronous=FULL`).
//!
//! - outbound throughput: messages committed to the outbox, claimed, sent
//!   over AT and their outcomes committed, with 1 and 16 modems;
//! - inbound → wasm processor → reply, per second;
//! - start to `READY=1` with a warm component cache;
//! - resident memory idle and under load, with the shipped connectors
//!   loaded.
//!
//! `cargo bench -p plutanium --bench daemon` (add `-- --quick` for a short
//! run). Figures go to stdout as a table; the README records them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use plutanium_core::SendOptions;
use plutanium_store::{NewOutbound, SqliteStore, Store};

const BIN: &str = env!("CARGO_BIN_EXE_plutanium");

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Sim {
    _child: Killed,
    control: String,
    modems: Vec<String>,
}

fn start_sim(modems: usize) -> Sim {
    let mut command = Command::new(BIN);
    command.args(["sim", "--control", "127.0.0.1:0"]);
    for n in 0..modems {
        command.args([
            "--modem",
            &format!("gsm{n}=+4207770{n:05}@tcp://127.0.0.1:0"),
        ]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("plutanium sim starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: serde_json::Value = serde_json::from_str(&line).unwrap();
    Sim {
        _child: Killed(child),
        control: ready["control"].as_str().unwrap().to_string(),
        modems: ready["modems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["tcp"].as_str().unwrap().to_string())
            .collect(),
    }
}

fn echo_processor() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/guests/wasm32-wasip2/release/plutanium_test_processor.wasm")
}

/// Every modem answers SMS through the echo processor, and the shipped
/// missed-call connector is loaded on every modem's calls.
fn write_config(dir: &Path, sim: &Sim) -> PathBuf {
    let mut text = format!(
        "store: sqlite://{}\nmodems:\n",
        dir.join("plutanium.db").display()
    );
    for (n, tcp) in sim.modems.iter().enumerate() {
        text.push_str(&format!(
            "  gsm{n}: {{ port: \"tcp://{tcp}\", number: \"+4207770{n:05}\", rate_per_minute: 1000000 }}\n"
        ));
    }
    text.push_str(&format!(
        "connectors:\n  echo: {{ component: \"{}\" }}\n  notify: {{ component: missed-call, config: {{ notify: [\"+420777999999\"] }} }}\npolicy: {{ per_destination_per_hour: 1000000 }}\nroutes:\n",
        echo_processor().display()
    ));
    for n in 0..sim.modems.len() {
        text.push_str(&format!(
            "  - {{ from: gsm{n}, through: [echo, notify], to: gsm{n} }}\n"
        ));
    }
    let path = dir.join("plutanium.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

struct Daemon {
    child: Killed,
    started_to_ready: Duration,
}

fn start_daemon(config: &Path, dir: &Path) -> Daemon {
    let socket_path = dir.join("notify.sock");
    let _ = std::fs::remove_file(&socket_path);
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let started = Instant::now();
    let child = Command::new(BIN)
        .args(["run", "--config"])
        .arg(config)
        .arg("--data-dir")
        .arg(dir)
        .env("NOTIFY_SOCKET", &socket_path)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("plutanium run starts");
    let mut buffer = [0u8; 256];
    loop {
        let n = socket.recv(&mut buffer).expect("READY in time");
        if buffer[..n].starts_with(b"READY=1") {
            break;
        }
    }
    Daemon {
        started_to_ready: started.elapsed(),
        child: Killed(child),
    }
}

/// Resident and peak resident memory of `pid`, in KiB.
fn memory_kib(child: &Child) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn post_sms(control: &str, from: &str, to: &str, text: &str) {
    let body = format!(r#"{{"from":"{from}","to":"{to}","text":"{text}"}}"#);
    let mut stream = TcpStream::connect(control).unwrap();
    write!(
        stream,
        "POST /sms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 202"), "{response}");
}

fn wait_for_sent(store: &SqliteStore, total: u64, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let stats = store.stats().unwrap();
        if stats.sent + stats.delivered + stats.failed >= total {
            assert_eq!(stats.failed, 0, "{what}: failures {stats:?}");
            return;
        }
        assert!(Instant::now() < deadline, "{what}: stuck at {stats:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

struct Figures {
    modems: usize,
    ready_ms: f64,
    idle_mib: f64,
    outbound_per_s: f64,
    inbound_per_s: f64,
    peak_mib: f64,
}

fn run(modems: usize, outbound: usize, inbound: usize) -> Figures {
    let sim = start_sim(modems);
    let dir = tempfile::Builder::new()
        .prefix("plutanium-bench")
        .tempdir_in(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .unwrap();
    let config = write_config(dir.path(), &sim);
    // Once to fill the component cache, then the measured start.
    drop(start_daemon(&config, dir.path()));
    let daemon = start_daemon(&config, dir.path());
    std::thread::sleep(Duration::from_millis(1500));
    let (idle, _) = memory_kib(&daemon.child.0);
    let store = SqliteStore::open(dir.path().join("plutanium.db")).unwrap();

    // Outbound: one batch committed, then sent by the daemon.
    let rows: Vec<_> = (0..outbound)
        .map(|n| NewOutbound {
            key: format!("bench:{n}"),
            source: "bench".into(),
            to: format!("+42060{:07}", n % 1000),
            text: format!("bench message {n}"),
            options: SendOptions {
                status_report: false,
                ..SendOptions::default()
            },
            allowed_modems: Vec::new(),
        })
        .collect();
    let started = Instant::now();
    store.enqueue_batch(&rows, now_ms()).unwrap();
    wait_for_sent(&store, outbound as u64, "outbound");
    let outbound_per_s = outbound as f64 / started.elapsed().as_secs_f64();

    // Inbound: SMS from phones to every modem, each answered by the echo
    // processor through the outbox.
    let started = Instant::now();
    for n in 0..inbound {
        let modem = n % modems;
        post_sms(
            &sim.control,
            &format!("+42060{:07}", n),
            &format!("+4207770{modem:05}"),
            &format!("ping {n}"),
        );
    }
    wait_for_sent(&store, (outbound + inbound) as u64, "inbound replies");
    let inbound_per_s = inbound as f64 / started.elapsed().as_secs_f64();
    let (_, peak) = memory_kib(&daemon.child.0);
    Figures {
        modems,
        ready_ms: daemon.started_to_ready.as_secs_f64() * 1000.0,
        idle_mib: idle as f64 / 1024.0,
        outbound_per_s,
        inbound_per_s,
        peak_mib: peak as f64 / 1024.0,
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    // `cargo bench` passes --bench; `cargo test --benches` does not run us.
    let (outbound, inbound) = if quick { (1000, 200) } else { (10_000, 2_000) };
    println!(
        "| modems | start→READY | RSS idle | outbound SMS/s | inbound→wasm→reply /s | peak RSS |"
    );
    println!("|---|---|---|---|---|---|");
    for modems in [1, 16] {
        let f = run(modems, outbound, inbound);
        println!(
            "| {} | {:.0} ms | {:.1} MiB | {:.0} | {:.0} | {:.1} MiB |",
            f.modems, f.ready_ms, f.idle_mib, f.outbound_per_s, f.inbound_per_s, f.peak_mib
        );
    }
}
