//! What the whole-path benches share: `plutanium sim` and `plutanium run`
//! as processes, their memory and CPU, their configs' common parts (modems,
//! the echo route, an API token, a Gmail grant), and the simulator's
//! control API.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_plutanium");

pub(crate) struct Killed(pub(crate) Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) struct Sim {
    child: Killed,
    pub(crate) control: String,
    pub(crate) modems: Vec<String>,
    /// With `--fake-gmail`: `api_base`, `token_uri`, `refresh_token`.
    pub(crate) gmail: serde_json::Value,
}

/// `plutanium sim` with `modems` modems on TCP, plus `extra` arguments.
pub(crate) fn start_sim(modems: usize, extra: &[&str]) -> Sim {
    let mut command = Command::new(BIN);
    command
        .args(["sim", "--control", "127.0.0.1:0"])
        .args(extra);
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
        child: Killed(child),
        control: ready["control"].as_str().unwrap().to_string(),
        modems: ready["modems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["tcp"].as_str().unwrap().to_string())
            .collect(),
        gmail: ready["gmail"].clone(),
    }
}

impl Sim {
    /// The simulator's process id, for its CPU time.
    pub(crate) fn pid(&self) -> u32 {
        self.child.0.id()
    }
}

/// CPU time (user and system) that process `pid` has used so far.
pub(crate) fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The command name, in parentheses, may hold spaces: count from after it.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..]
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // In USER_HZ, which the kernel fixes at 100 for /proc on every
    // architecture Linux supports (whatever the kernel's own HZ).
    Duration::from_millis(ticks * 10)
}

pub(crate) struct Daemon {
    pub(crate) child: Killed,
    pub(crate) started_to_ready: Duration,
}

/// `plutanium run`, returned once it said `READY=1`.
pub(crate) fn start_daemon(config: &Path, dir: &Path) -> Daemon {
    start_daemon_with(config, dir, &[])
}

/// [`start_daemon`] with more arguments to `plutanium run`.
pub(crate) fn start_daemon_with(config: &Path, dir: &Path, args: &[&str]) -> Daemon {
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
        .args(args)
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

/// Fields of `/proc/PID/status` (such as `VmRSS:`), in KiB; 0 for one
/// the kernel does not give.
pub(crate) fn status_kib<const N: usize>(pid: u32, names: [&str; N]) -> [u64; N] {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    names.map(|name| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    })
}

/// Resident and peak resident memory of `pid`, in KiB.
pub(crate) fn memory_kib(child: &Child) -> (u64, u64) {
    let [rss, peak] = status_kib(child.id(), ["VmRSS:", "VmHWM:"]);
    (rss, peak)
}

/// A directory for one run, under `target/` (a real disk, as a daemon's
/// store is; the system's temporary directory may be a tmpfs).
pub(crate) fn bench_dir(prefix: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .unwrap()
}

/// A modem's number in the benches' simulators (`gsmN`).
pub(crate) fn modem_number(modem: usize) -> String {
    format!("+4207770{modem:05}")
}

/// The `modems:` entries for every modem of `sim`, their rate limit lifted.
pub(crate) fn modem_lines(sim: &Sim) -> String {
    sim.modems
        .iter()
        .enumerate()
        .map(|(n, tcp)| {
            format!(
                "  gsm{n}: {{ port: \"tcp://{tcp}\", number: \"{}\", rate_per_minute: 1000000 }}\n",
                modem_number(n)
            )
        })
        .collect()
}

/// A daemon's config in `dir` for every modem of `sim`, each modem's SMS
/// answered by the echo test processor, with the shipped missed-call
/// connector loaded beside it on every modem.
pub(crate) fn echo_config(dir: &Path, sim: &Sim) -> PathBuf {
    let echo = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/guests/wasm32-wasip2/release/plutanium_test_processor.wasm");
    let mut text = format!(
        "store: sqlite://{}\nmodems:\n{}",
        dir.join("plutanium.db").display(),
        modem_lines(sim)
    );
    text.push_str(&format!(
        "connectors:\n  echo: {{ component: \"{}\" }}\n  notify: {{ component: missed-call, config: {{ notify: [\"+420777999999\"] }} }}\npolicy: {{ per_destination_per_hour: 1000000 }}\nroutes:\n",
        echo.display()
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

/// `count` outbound messages from the source `bench` to 1,000 phones,
/// without status reports.
pub(crate) fn bench_rows(count: usize) -> Vec<plutanium_store::NewOutbound> {
    (0..count)
        .map(|n| plutanium_store::NewOutbound {
            key: format!("bench:{n}"),
            source: "bench".into(),
            to: format!("+42060{:07}", n % 1000),
            text: format!("bench message {n}"),
            options: plutanium_core::SendOptions {
                status_report: false,
                ..plutanium_core::SendOptions::default()
            },
            allowed_modems: Vec::new(),
        })
        .collect()
}

/// Polls `store` every 20 ms until `done` holds (each poll counts the
/// outbox: more often, and the bench takes CPU from what it measures on
/// a 2-core machine). Fails on a failed message, or after 15 minutes.
pub(crate) fn wait_for_store(
    store: &plutanium_store::SqliteStore,
    what: &str,
    done: impl Fn(&plutanium_store::StoreStats) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(900);
    loop {
        let stats = store.stats().unwrap();
        if done(&stats) {
            assert_eq!(stats.failed, 0, "{what}: failures {stats:?}");
            return;
        }
        assert!(Instant::now() < deadline, "{what}: stuck at {stats:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Outbound messages that have an outcome: sent, delivered or failed.
pub(crate) fn finished(stats: &plutanium_store::StoreStats) -> u64 {
    stats.sent + stats.delivered + stats.failed
}

/// An API token that may send ten million messages a minute, written to
/// `file` (what `token_file:` then names).
pub(crate) fn api_token(file: &Path) -> String {
    let output = Command::new(BIN)
        .args(["api", "token", "--rate", "10000000", "--file"])
        .arg(file)
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// A loopback address with a port free at the moment.
pub(crate) fn free_address() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

/// Until something listens on `address` (the API starts just after READY).
pub(crate) fn wait_until_listening(address: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(address).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {address}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A connector's `allow_hosts` and `oauth` grant for `sim`'s fake Gmail,
/// with its credentials written in `dir`; and the fake's `api_base`.
pub(crate) fn gmail_grant(dir: &Path, sim: &Sim) -> (String, String) {
    let credentials = dir.join("gmail-oauth.json");
    std::fs::write(
        &credentials,
        serde_json::json!({"client_id": "c", "client_secret": "s",
            "refresh_token": sim.gmail["refresh_token"]})
        .to_string(),
    )
    .unwrap();
    (
        format!(
            "allow_hosts: [\"127.0.0.1\"], oauth: {{ kind: authorized_user, file: \"{}\", token_uri: \"{}\" }}",
            credentials.display(),
            sim.gmail["token_uri"].as_str().unwrap()
        ),
        sim.gmail["api_base"].as_str().unwrap().to_string(),
    )
}

/// One request to the control API: status and body.
pub(crate) fn http(control: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    http_with(
        &reqwest::blocking::Client::new(),
        control,
        method,
        path,
        None,
        body,
    )
}

/// The same on `client` (whose connections are kept open between
/// requests, as an application's are), with a bearer token.
pub(crate) fn http_with(
    client: &reqwest::blocking::Client,
    address: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, String) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client
        .request(method, format!("http://{address}{path}"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    match request.send() {
        Ok(answer) => {
            let status = answer.status().as_u16();
            (status, answer.text().unwrap_or_default())
        }
        Err(_) => (0, String::new()),
    }
}
