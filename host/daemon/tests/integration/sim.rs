//! `plutanium sim` as a process: its control API over real HTTP on loopback, its
//! modems over real TCP, and `plutanium modem ...` talking to them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

pub(crate) struct Sim {
    child: Child,
    pub(crate) control: String,
    pub(crate) modem_tcp: String,
    /// Every modem's TCP address, in `--modem` order.
    pub(crate) modem_tcps: Vec<String>,
    /// With `--fake-gmail`: its `api_base`, `token_uri` and
    /// `refresh_token`.
    pub(crate) gmail: Value,
    /// Every modem as the ready line gives it (`routeros` for a modem
    /// behind a fake router).
    pub(crate) modems: Value,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sim(profile: &str) -> Sim {
    start_sim_with(profile, &[])
}

pub(crate) fn start_sim_with(profile: &str, extra: &[&str]) -> Sim {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args([
            "sim",
            "--profile",
            profile,
            "--modem",
            "gsm0=+420777000001@tcp://127.0.0.1:0",
            "--control",
            "127.0.0.1:0",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("plutanium sim starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("ready line");
    let ready: Value = serde_json::from_str(&line).expect("ready JSON");
    Sim {
        child,
        control: ready["control"].as_str().expect("control").to_string(),
        modem_tcp: ready["modems"][0]["tcp"].as_str().expect("tcp").to_string(),
        modem_tcps: ready["modems"]
            .as_array()
            .expect("modems")
            .iter()
            .filter_map(|m| Some(m["tcp"].as_str()?.to_string()))
            .collect(),
        gmail: ready["gmail"].clone(),
        modems: ready["modems"].clone(),
    }
}

/// One request to a control API (or the daemon's): status and body.
pub(crate) fn http(address: &str, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    http_with(address, method, path, None, body)
}

/// The same with a bearer token.
pub(crate) fn http_with(
    address: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String) {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("an HTTP client");
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = client
        .request(method, format!("http://{address}{path}"))
        .header("content-type", "application/json")
        .body(body.unwrap_or("").to_string());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().expect("an answer");
    let status = response.status().as_u16();
    (status, response.text().expect("a body"))
}

/// Talks AT to a modem port directly and returns what it answered.
fn at(address: &str, commands: &[&str]) -> String {
    let Ok(mut stream) = TcpStream::connect(address) else {
        return String::new();
    };
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    let mut out = String::new();
    for command in commands {
        // An unplugged modem's port closes at once: a failed write is an answer too.
        if write!(stream, "{command}\r").is_err() {
            break;
        }
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => out.push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(_) => break,
            }
            if out.ends_with("OK\r\n") || out.ends_with("ERROR\r\n") {
                break;
            }
        }
    }
    out
}

#[test]
fn control_api_and_modem_port() {
    let sim = start_sim("generic");
    let (status, body) = http(&sim.control, "GET", "/modems", None);
    assert_eq!(status, 200);
    let modems: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(modems[0]["number"], "+420777000001");
    assert_eq!(modems[0]["plugged"], true);

    let sms =
        json!({"from": "+420111222333", "to": "+420777000001", "text": "Ahoj 👋"}).to_string();
    let (status, body) = http(&sim.control, "POST", "/sms", Some(&sms));
    assert_eq!((status, body.as_str()), (202, r#"{"parts":1}"#));
    let listing = at(&sim.modem_tcp, &["ATE0", "AT+CMGF=0", "AT+CMGL=4"]);
    assert!(listing.contains("+CMGL: 0,0,,"), "{listing}");

    // A batch: sent in order, its parts counted per SMS; an SMS to an
    // unknown modem stops it there, named by its index.
    let batch = json!([
        {"from": "+420111222333", "to": "+420777000001", "text": "one"},
        {"from": "+420111222333", "to": "+420777000001", "text": "x".repeat(200)},
    ])
    .to_string();
    let (status, body) = http(&sim.control, "POST", "/sms/batch", Some(&batch));
    assert_eq!((status, body.as_str()), (202, r#"{"parts":[1,2]}"#));
    let listing = at(&sim.modem_tcp, &["AT+CMGL=4"]);
    assert_eq!(listing.matches("+CMGL:").count(), 4, "{listing}");
    let batch = json!([
        {"from": "+420111222333", "to": "+420777000001", "text": "four"},
        {"from": "+420111222333", "to": "+420999", "text": "lost"},
    ])
    .to_string();
    let (status, body) = http(&sim.control, "POST", "/sms/batch", Some(&batch));
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("item 1:"), "{body}");
    let listing = at(&sim.modem_tcp, &["AT+CMGL=4"]);
    assert_eq!(listing.matches("+CMGL:").count(), 5, "{listing}");

    // Bad input gets a JSON error naming the problem.
    let (status, body) = http(
        &sim.control,
        "POST",
        "/faults",
        Some(r#"{"modem":"gsm0","kind":"explode"}"#),
    );
    assert_eq!(status, 400);
    assert!(body.contains("unknown fault kind"), "{body}");
    let (status, _) = http(
        &sim.control,
        "POST",
        "/faults",
        Some(r#"{"modem":"nope","kind":"clear"}"#),
    );
    assert_eq!(status, 404);
    let (status, body) = http(&sim.control, "POST", "/sms", Some(r#"{"from":1}"#));
    assert_eq!(status, 400, "{body}");
    let (status, _) = http(
        &sim.control,
        "POST",
        "/sms",
        Some(r#"{"from":"+1","to":"+420777000001","text":"x","extra":1}"#),
    );
    assert_eq!(status, 400, "unknown fields are refused");

    // Calls ring on the modem's port.
    let (status, _) = http(
        &sim.control,
        "POST",
        "/calls",
        Some(r#"{"from":"+420123","to":"+420777000001"}"#),
    );
    assert_eq!(status, 202);

    // Unplug: the port refuses; replug: it answers again.
    let (status, _) = http(
        &sim.control,
        "POST",
        "/faults",
        Some(r#"{"modem":"gsm0","kind":"unplug"}"#),
    );
    assert_eq!(status, 204);
    assert!(!at(&sim.modem_tcp, &["AT"]).contains("OK"));
    http(
        &sim.control,
        "POST",
        "/faults",
        Some(r#"{"modem":"gsm0","kind":"replug"}"#),
    );
    assert!(at(&sim.modem_tcp, &["AT"]).contains("OK"));
}

#[test]
fn modem_commands_against_the_simulator() {
    let sim = start_sim("simcom");
    let port = format!("tcp://{}", sim.modem_tcp);
    let bin = env!("CARGO_BIN_EXE_plutanium");
    let out = Command::new(bin)
        .args(["modem", "probe", &port])
        .output()
        .expect("probe runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let probe: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(probe["manufacturer"], "SIMCOM_Ltd");
    assert_eq!(probe["registration"], "home");
    assert_eq!(probe["smsc"], "+420603052000");

    let out = Command::new(bin)
        .args([
            "modem",
            "send",
            &port,
            "--to",
            "+420999000111",
            "Hello via CLI",
        ])
        .output()
        .expect("send runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(sent["message_refs"].as_array().map(Vec::len), Some(1));
    let (_, inbox) = http(&sim.control, "GET", "/phones/+420999000111/inbox", None);
    assert!(inbox.contains("Hello via CLI"), "{inbox}");

    let out = Command::new(bin)
        .args(["modem", "ussd", &port, "*100#"])
        .output()
        .expect("ussd runs");
    let answer: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(answer["answer"], "Your balance is 12.50 EUR");

    let out = Command::new(bin)
        .args([
            "modem",
            "probe",
            "tcp://127.0.0.1:1",
            "--ready-timeout",
            "1",
        ])
        .output()
        .expect("probe runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .last()
            .unwrap_or_default()
            .contains("not ready after 1 s"),
        "{stderr}"
    );
}

/// The simulator on a pty, driven through the real serial transport (tokio-serial).
#[test]
fn serial_transport_over_a_pty() {
    let link = std::env::temp_dir().join(format!("plutanium-test-tty-{}", std::process::id()));
    let link_text = link.display().to_string();
    let mut sim = start_sim_with("huawei", &["--pty", &link_text]);
    let port = format!("serial://{link_text}?baud=115200&flow=none");
    let out = Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args([
            "modem",
            "send",
            &port,
            "--to",
            "+420999000333",
            "over a serial port",
        ])
        .output()
        .expect("send runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, inbox) = http(&sim.control, "GET", "/phones/+420999000333/inbox", None);
    assert!(inbox.contains("over a serial port"), "{inbox}");
    // SIGTERM stops the simulator cleanly and removes the link.
    let pid = sim.child.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let _ = sim.child.wait();
    assert!(!link.exists(), "the pty symlink is removed on exit");
}

/// `plutanium modem listen` prints what arrives as JSON lines, and `--pin-file` works.
#[test]
fn listen_prints_inbound_sms_as_json_lines() {
    let sim = start_sim_with("generic", &["--pin", "4321"]);
    let pin_file = std::env::temp_dir().join(format!("plutanium-test-pin-{}", std::process::id()));
    std::fs::write(&pin_file, "4321\n").expect("pin file");
    let mut listen = Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args([
            "modem",
            "listen",
            &format!("tcp://{}", sim.modem_tcp),
            "--delete",
        ])
        .arg("--pin-file")
        .arg(&pin_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("listen runs");
    // Wait until the listener owns the modem (the sim serves one host at a time).
    std::thread::sleep(Duration::from_millis(1500));
    let sms =
        json!({"from": "+420111222333", "to": "+420777000001", "text": "heard you"}).to_string();
    let (status, _) = http(&sim.control, "POST", "/sms", Some(&sms));
    assert_eq!(status, 202);
    let mut line = String::new();
    BufReader::new(listen.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("a line");
    let _ = listen.kill();
    let _ = listen.wait();
    let _ = std::fs::remove_file(&pin_file);
    let event: Value = serde_json::from_str(&line).expect("json");
    assert_eq!(event["type"], "sms");
    assert_eq!(event["sender"], "+420111222333");
    assert_eq!(event["text"], "heard you");
}

/// `plutanium run` against `plutanium sim` over real TCP: a missed call on the
/// simulated modem reaches the owner's phone through the store, the built-in
/// missed-call connector and the outbox; SIGTERM stops it cleanly.
#[test]
fn the_daemon_runs_a_pipeline_end_to_end_and_stops_on_sigterm() {
    let sim = start_sim("generic");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("plutanium.yaml");
    std::fs::write(
        &config,
        format!(
            r#"
store: sqlite://{store}
modems:
  gsm0: {{ port: "tcp://{tcp}", number: "+420777000001" }}
connectors:
  notify:
    component: missed-call
    config: {{ notify: ["+420777000111"] }}
routes:
  - {{ from: gsm0, through: [notify], to: gsm0 }}
"#,
            store = dir.path().join("plutanium.db").display(),
            tcp = sim.modem_tcp
        ),
    )
    .unwrap();
    // systemd's side of Type=notify: a datagram socket the daemon reports to.
    let notify_path = dir.path().join("notify.sock");
    let notify = std::os::unix::net::UnixDatagram::bind(&notify_path).unwrap();
    notify
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let next_notification = || {
        let mut buffer = [0u8; 256];
        let n = notify.recv(&mut buffer).expect("a notification in time");
        String::from_utf8_lossy(&buffer[..n]).into_owned()
    };
    let mut daemon = Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args(["run", "--log-format", "json", "--config"])
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path())
        .env("NOTIFY_SOCKET", &notify_path)
        .env("WATCHDOG_USEC", "400000")
        .env_remove("WATCHDOG_PID")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("plutanium run starts");

    assert!(next_notification().starts_with("READY=1"), "READY first");
    assert_eq!(next_notification(), "WATCHDOG=1", "then watchdog pings");

    // Ring until the daemon has the modem up and the notification arrives.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let inbox = loop {
        let (status, _) = http(
            &sim.control,
            "POST",
            "/calls",
            Some(r#"{"from":"+420601234567","to":"+420777000001"}"#),
        );
        assert_eq!(status, 202);
        std::thread::sleep(Duration::from_millis(500));
        let (_, body) = http(&sim.control, "GET", "/phones/+420777000111/inbox", None);
        if body.contains("Missed call from +420601234567") {
            break body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no notification: {body}"
        );
        assert!(
            daemon.try_wait().unwrap().is_none(),
            "the daemon exited early"
        );
    };
    assert!(
        inbox.contains("+420777000001"),
        "sent from the modem's number: {inbox}"
    );

    // SIGHUP with a broken config: it keeps running the old one. (Configs are
    // replaced by rename, as editors and config management do, so the daemon
    // never reads half a file.)
    let pid = i32::try_from(daemon.id()).unwrap();
    let hangup = || {
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGHUP,
        )
        .unwrap();
    };
    let replace_config = |text: &str| {
        let temporary = dir.path().join("plutanium.yaml.new");
        std::fs::write(&temporary, text).unwrap();
        std::fs::rename(&temporary, &config).unwrap();
    };
    let wait_for = |wanted: &str| loop {
        let message = next_notification();
        if message.starts_with(wanted) {
            return message;
        }
    };
    let good = std::fs::read_to_string(&config).unwrap();
    replace_config("modems: {\n");
    hangup();
    wait_for("RELOADING=1");
    wait_for("READY=1");
    // SIGHUP with a new owner number: the connector restarts with it.
    replace_config(&good.replace("+420777000111", "+420777000222"));
    hangup();
    wait_for("RELOADING=1");
    wait_for("READY=1");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        http(
            &sim.control,
            "POST",
            "/calls",
            Some(r#"{"from":"+420601999999","to":"+420777000001"}"#),
        );
        std::thread::sleep(Duration::from_millis(500));
        let (_, body) = http(&sim.control, "GET", "/phones/+420777000222/inbox", None);
        if body.contains("Missed call from +420601999999") {
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = daemon.kill();
            let mut stderr = String::new();
            daemon
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            panic!("no notification after reload: {body}\n{stderr}");
        }
        assert!(
            daemon.try_wait().unwrap().is_none(),
            "the daemon exited on reload"
        );
    }

    // SIGTERM: it stops polling, lets the modem finish, and exits 0.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let stopping = loop {
        let message = next_notification();
        if message.starts_with("STOPPING") {
            break message;
        }
    };
    assert!(stopping.starts_with("STOPPING=1"), "{stopping}");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = daemon.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    daemon
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "exit {status}: {stderr}");
    // --log-format json: every log line is a JSON object.
    assert!(stderr.lines().any(|l| l.contains("running")), "{stderr}");
    assert!(stderr.contains("the new config cannot start"), "{stderr}");
    assert!(stderr.contains("reloaded"), "{stderr}");
    for line in stderr.lines() {
        let parsed: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(parsed["level"].is_string(), "{line}");
    }
    // The store kept the calls and the sent notification.
    use plutanium_store::Store;
    let store = plutanium_store::SqliteStore::open(dir.path().join("plutanium.db")).unwrap();
    assert!(!store.recent_calls(10).unwrap().is_empty());
    let sent = store.recent_outbound(10).unwrap();
    assert!(
        sent.iter()
            .any(|row| row.to == "+420777000111"
                && row.state != plutanium_store::OutboxState::Queued),
        "{sent:?}"
    );
}
