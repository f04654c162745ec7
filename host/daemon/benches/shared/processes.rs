//! What the whole-path benches share: `plutanium sim` and `plutanium run`
//! as processes, their memory, and the simulator's control API.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixDatagram;
use std::path::Path;
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

/// Resident and peak resident memory of `pid`, in KiB.
pub(crate) fn memory_kib(child: &Child) -> (u64, u64) {
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
