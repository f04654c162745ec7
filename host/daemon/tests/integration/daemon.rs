//! `plutanium run` as a process against `plutanium sim` over TCP: `plutanium
//! send` and `plutanium messages` against the daemon's store, an inbound SMS
//! answered by a wasm processor, delivery reports, and crash tests that
//! `kill -9` the daemon while it sends and while it receives.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use plutanium_core::SendOptions;
use plutanium_store::{NewOutbound, OutboxState, SqliteStore, Store};
use serde_json::Value;

use crate::sim::{Sim, http, start_sim_with};

pub(crate) const OWNER: &str = "+420777000111";

/// The test processor the runtime's build compiles: it answers `echo: TEXT`.
pub(crate) fn echo_processor() -> PathBuf {
    let target = option_env!("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("guests/wasm32-wasip2/release/plutanium_test_processor.wasm")
}

/// A config for `sim`'s modems (gsm0 = +420777000001, gsm1 = …002, …) with
/// the echo processor answering on gsm0.
pub(crate) fn write_config(dir: &Path, sim: &Sim) -> PathBuf {
    let store = format!("sqlite://{}", dir.join("plutanium.db").display());
    write_config_on(dir, sim, &store)
}

/// [`write_config`] on the store `store` (`sqlite://…` or `postgres://…`).
pub(crate) fn write_config_on(dir: &Path, sim: &Sim, store: &str) -> PathBuf {
    let mut modems = String::new();
    for (index, tcp) in sim.modem_tcps.iter().enumerate() {
        modems.push_str(&format!(
            "  gsm{index}: {{ port: \"tcp://{tcp}\", number: \"+42077700000{}\", rate_per_minute: 100000 }}\n",
            index + 1
        ));
    }
    let config = dir.join("plutanium.yaml");
    std::fs::write(
        &config,
        format!(
            r#"
store: "{store}"
modems:
{modems}connectors:
  echo: {{ component: "{echo}" }}
routes:
  - {{ from: gsm0, through: [echo], to: gsm0 }}
"#,
            echo = echo_processor().display(),
        ),
    )
    .unwrap();
    config
}

/// `plutanium run`, its stderr in a file (read it with [`Daemon::log`]).
pub(crate) struct Daemon {
    child: Child,
    log: PathBuf,
}

impl Daemon {
    pub(crate) fn start(config: &Path, dir: &Path, env: &[(&str, &str)]) -> Daemon {
        Self::start_with_args(config, dir, &[], env)
    }

    /// [`Daemon::start`] with more arguments to `plutanium run`.
    pub(crate) fn start_with_args(
        config: &Path,
        dir: &Path,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Daemon {
        static STARTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = dir.join(format!("daemon-{n}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_plutanium"))
            .args(["run", "--config"])
            .arg(config)
            .arg("--data-dir")
            .arg(dir)
            .args(args)
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("plutanium run starts");
        Daemon { child, log }
    }

    /// Waits until the log has a line containing `text`.
    pub(crate) fn wait_for_log(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.log().lines().any(|line| line.contains(text)) {
            if let Some(status) = self.exited() {
                panic!("the daemon exited ({status}):\n{}", self.log());
            }
            assert!(Instant::now() < deadline, "no {text:?} in:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Where the API listens, once it does.
    pub(crate) fn api_address(&mut self) -> String {
        self.wait_for_log("API listening");
        self.log()
            .lines()
            .find(|l| l.contains("API listening"))
            .and_then(|l| l.split("address=").nth(1))
            .unwrap()
            .trim()
            .to_string()
    }

    /// Waits until the daemon, started with `PLUTANIUM_FAILPOINT=failpoint`,
    /// has aborted there.
    fn wait_for_failpoint(&mut self, failpoint: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = self.exited() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "{failpoint} never hit:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(!status.success(), "{failpoint}: it crashed");
        assert!(self.log().contains(&format!("failpoint {failpoint}")));
    }

    /// `kill -9`.
    pub(crate) fn kill(mut self) {
        self.kill_now();
    }

    /// `kill -9`, keeping the log to read.
    pub(crate) fn kill_now(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// The process id.
    pub(crate) fn id(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().unwrap()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn plutanium(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args(args)
        .output()
        .expect("plutanium runs")
}

pub(crate) fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// A phone texts a modem, through the simulator's control API.
pub(crate) fn phone_sends(sim: &Sim, from: &str, to: &str, text: &str) {
    let body = serde_json::json!({ "from": from, "to": to, "text": text }).to_string();
    let (status, answer) = http(&sim.control, "POST", "/sms", Some(&body));
    assert_eq!(status, 202, "{answer}");
}

/// The texts in `phone`'s inbox.
pub(crate) fn phone_texts(sim: &Sim, phone: &str) -> Vec<String> {
    let (status, body) = http(&sim.control, "GET", &format!("/phones/{phone}/inbox"), None);
    assert_eq!(status, 200, "{body}");
    let inbox: Value = serde_json::from_str(&body).unwrap();
    inbox
        .as_array()
        .expect("an array")
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

pub(crate) fn wait_until<T>(
    what: &str,
    daemon: &mut Daemon,
    mut probe: impl FnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(found) = probe() {
            return found;
        }
        if let Some(status) = daemon.exited() {
            panic!(
                "the daemon exited ({status}) waiting for {what}:\n{}",
                daemon.log()
            );
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}:\n{}",
            daemon.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn send_messages_log_replies_and_delivery_reports() {
    let sim = start_sim_with("generic", &[]);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &sim);
    let config_arg = config.to_str().unwrap();
    let mut daemon = Daemon::start(&config, dir.path(), &[]);
    daemon.wait_for_log("running");
    // A second daemon on the same store would send the queue twice: refused.
    let second = Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args(["run", "--config", config_arg, "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("another plutanium is running on the store"),
        "{stderr}"
    );

    // `plutanium send` queues into the daemon's store; the daemon sends it.
    let queued = stdout(&plutanium(&[
        "send",
        "--config",
        config_arg,
        "--to",
        OWNER,
        "--report",
        "hello from the CLI",
    ]));
    assert!(queued.starts_with("queued out-"), "{queued}");
    let id = queued.split_whitespace().nth(1).unwrap().to_string();
    wait_until("the CLI's message on the phone", &mut daemon, || {
        phone_texts(&sim, OWNER)
            .contains(&"hello from the CLI".to_string())
            .then_some(())
    });
    // The network's delivery report marks it delivered.
    let shown = wait_until("the delivery report", &mut daemon, || {
        let shown: Value = serde_json::from_str(&stdout(&plutanium(&[
            "messages", "show", "--config", config_arg, &id,
        ])))
        .unwrap();
        (shown["status"] == "delivered").then_some(shown)
    });
    assert_eq!(shown["to"], OWNER);
    assert_eq!(shown["modem"], "gsm0");
    assert_eq!(shown["delivered_refs"].as_array().unwrap().len(), 1);

    // The same key twice queues one message.
    for expected in ["queued out-", "already queued as out-"] {
        let output = stdout(&plutanium(&[
            "send", "--config", config_arg, "--to", OWNER, "--key", "k1", "once",
        ]));
        assert!(output.starts_with(expected), "{output}");
    }
    // The policy applies: short codes are refused, with the reason.
    let refused = plutanium(&["send", "--config", config_arg, "--to", "9000", "premium"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("refused") && stderr.contains("short code"),
        "{stderr}"
    );
    let unknown = plutanium(&[
        "send", "--config", config_arg, "--to", OWNER, "--modem", "gsm9", "x",
    ]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no modem called \"gsm9\""));

    // Inbound → the echo processor (a wasm component) → the reply.
    phone_sends(&sim, "+420601234567", "+420777000001", "ping");
    wait_until("the echo", &mut daemon, || {
        phone_texts(&sim, "+420601234567")
            .contains(&"echo: ping".to_string())
            .then_some(())
    });

    // The log lists both directions, newest first, and filters.
    let listed = stdout(&plutanium(&[
        "messages", "list", "--config", config_arg, "--json",
    ]));
    let items: Vec<Value> = listed
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        items
            .iter()
            .any(|i| i["direction"] == "in" && i["text"] == "ping"),
        "{listed}"
    );
    assert!(
        items
            .iter()
            .any(|i| i["direction"] == "out" && i["text"] == "echo: ping"),
        "{listed}"
    );
    let inbound = stdout(&plutanium(&[
        "messages",
        "list",
        "--config",
        config_arg,
        "--direction",
        "in",
        "--since",
        "1h",
    ]));
    assert_eq!(inbound.lines().count(), 1, "{inbound}");
    assert!(
        inbound.contains("<- +420601234567") && inbound.contains("ping"),
        "{inbound}"
    );
    let future = stdout(&plutanium(&[
        "messages",
        "list",
        "--config",
        config_arg,
        "--since",
        "2100-01-01",
    ]));
    assert_eq!(future, "");
    let bad = plutanium(&["messages", "show", "--config", config_arg, "out-999"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no message out-999"));
    daemon.kill();
}

/// Where a crash test keeps its store: the SQLite file in its directory,
/// or a fresh database on the throwaway PostgreSQL server. The crash tests
/// run on both.
pub(crate) enum Backend {
    Sqlite,
    Postgres(plutanium_store::PgLocation),
}

impl Backend {
    pub(crate) fn postgres() -> Backend {
        Backend::Postgres(
            plutanium_store::postgres::testing::TempCluster::shared().create_database(),
        )
    }

    /// `store:` for a config in `dir`.
    pub(crate) fn url(&self, dir: &Path) -> String {
        match self {
            Backend::Sqlite => format!("sqlite://{}", dir.join("plutanium.db").display()),
            Backend::Postgres(location) => location.url.clone(),
        }
    }

    /// Opens it, as the daemon in `dir` does.
    pub(crate) fn open(&self, dir: &Path) -> Box<dyn Store> {
        match self {
            Backend::Sqlite => Box::new(SqliteStore::open(dir.join("plutanium.db")).unwrap()),
            Backend::Postgres(location) => {
                Box::new(plutanium_store::PgStore::open(location).unwrap())
            }
        }
    }
}

/// Queues `count` numbered messages to the owner.
pub(crate) fn queue(store: &dyn Store, count: usize) {
    let messages: Vec<NewOutbound> = (0..count)
        .map(|n| NewOutbound {
            key: format!("crash:{n}"),
            source: "test".into(),
            to: OWNER.into(),
            text: format!("crash test #{n}"),
            options: SendOptions::default(),
            allowed_modems: Vec::new(),
        })
        .collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    store.enqueue_batch(&messages, now).unwrap();
}

#[test]
fn kill_9_while_sending_loses_nothing_and_repeats_only_what_was_in_flight() {
    kill_9_while_sending(Backend::Sqlite, 4);
}

/// On PostgreSQL a restarted node waits for its dead predecessor's modem
/// leases to run out (15 s) before it drives the modems: two kills, not
/// four, to keep the test's time in bounds; the bound checked is the same.
#[test]
fn on_postgresql_kill_9_while_sending_loses_nothing_and_repeats_only_what_was_in_flight() {
    kill_9_while_sending(Backend::postgres(), 2);
}

fn kill_9_while_sending(backend: Backend, kills_wanted: usize) {
    const MESSAGES: usize = 500;
    let sim = start_sim_with(
        "generic",
        &["--modem", "gsm1=+420777000002@tcp://127.0.0.1:0"],
    );
    let modems = sim.modem_tcps.len();
    assert_eq!(modems, 2);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config_on(dir.path(), &sim, &backend.url(dir.path()));
    queue(backend.open(dir.path()).as_ref(), MESSAGES);

    let count = || {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for text in phone_texts(&sim, OWNER) {
            *seen.entry(text).or_default() += 1;
        }
        seen
    };
    // Kill whenever another fifth has arrived, and start again.
    let mut kills = 0;
    let mut daemon = Daemon::start(&config, dir.path(), &[]);
    while kills < kills_wanted {
        let threshold = (kills + 1) * MESSAGES / (kills_wanted + 1);
        wait_until("progress", &mut daemon, || {
            (count().values().sum::<usize>() >= threshold).then_some(())
        });
        daemon.kill();
        kills += 1;
        daemon = Daemon::start(&config, dir.path(), &[]);
    }
    let seen = wait_until("every message", &mut daemon, || {
        let seen = count();
        (seen.len() >= MESSAGES).then_some(seen)
    });
    // Give a straggler (a duplicate in flight) a moment, then stop cleanly.
    std::thread::sleep(Duration::from_millis(300));
    let seen = {
        let later = count();
        if later.values().sum::<usize>() > seen.values().sum::<usize>() {
            later
        } else {
            seen
        }
    };
    daemon.kill();

    for n in 0..MESSAGES {
        assert!(
            seen.contains_key(&format!("crash test #{n}")),
            "message {n} was lost"
        );
    }
    let duplicates: usize = seen.values().map(|c| c - 1).sum();
    eprintln!("{duplicates} duplicate(s) after {kills} kills with {modems} modems");
    // At most the one message per modem whose send was not committed when
    // the process died.
    assert!(
        duplicates <= kills * modems,
        "{duplicates} duplicates for {kills} kills × {modems} modems: {seen:?}"
    );
    // And the store knows every message as sent.
    every_queued_row_is_sent(backend.open(dir.path()).as_ref(), MESSAGES);
}

/// Every row [`queue`] made (`count` of them) is sent, or delivered.
fn every_queued_row_is_sent(store: &dyn Store, count: usize) {
    for n in 0..count {
        let row = store
            .outbound_by_key(&format!("crash:{n}"))
            .unwrap()
            .unwrap();
        assert!(
            matches!(row.state, OutboxState::Sent | OutboxState::Delivered),
            "crash:{n} is {:?}",
            row.state
        );
    }
}

/// A send whose outcome reached the journal and not the store is recorded
/// as sent at the next start, not sent again; a clean stop leaves no
/// journal behind.
#[test]
fn a_crash_after_an_outcome_is_journaled_sends_nothing_twice() {
    const MESSAGES: usize = 3;
    let sim = start_sim_with("generic", &[]);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config_on(dir.path(), &sim, &Backend::Sqlite.url(dir.path()));
    queue(Backend::Sqlite.open(dir.path()).as_ref(), MESSAGES);
    let journal = dir.path().join("plutanium.db-outcomes");
    let failpoint = "after-outcome-journaled";
    let mut crashing = Daemon::start(&config, dir.path(), &[("PLUTANIUM_FAILPOINT", failpoint)]);
    crashing.wait_for_failpoint(failpoint);
    let sent_before = phone_texts(&sim, OWNER);
    assert_eq!(
        sent_before.len(),
        1,
        "one send before the crash: {sent_before:?}"
    );
    let line = std::fs::read_to_string(&journal).unwrap();
    assert!(line.contains(r#""outcome":"sent""#), "{line}");
    assert_eq!(
        Backend::Sqlite
            .open(dir.path())
            .outbound_by_key("crash:0")
            .unwrap()
            .unwrap()
            .state,
        OutboxState::Sending,
        "the store does not have it yet"
    );

    let mut daemon = Daemon::start(&config, dir.path(), &[]);
    wait_until("every message", &mut daemon, || {
        (phone_texts(&sim, OWNER).len() >= MESSAGES).then_some(())
    });
    // Time for a repeat, if there were going to be one.
    std::thread::sleep(Duration::from_millis(1000));
    let mut texts = phone_texts(&sim, OWNER);
    texts.sort();
    let wanted: Vec<String> = (0..MESSAGES).map(|n| format!("crash test #{n}")).collect();
    assert_eq!(texts, wanted, "each once");
    assert!(
        daemon
            .log()
            .contains("recorded the outcomes of sends the last run made"),
        "{}",
        daemon.log()
    );
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(daemon.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while daemon.exited().is_none() {
        assert!(
            Instant::now() < deadline,
            "no clean stop:\n{}",
            daemon.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!journal.exists(), "a clean stop removes the journal");
    let store = Backend::Sqlite.open(dir.path());
    every_queued_row_is_sent(store.as_ref(), MESSAGES);
    // The journaled one was not claimed again (the others were claimed by
    // the crashed run too, and that claim counts).
    let first = store.outbound_by_key("crash:0").unwrap().unwrap();
    assert_eq!(first.attempts, 1, "crash:0 was claimed once");
}

#[test]
fn a_crash_around_the_inbound_commit_answers_exactly_once() {
    crash_around_the_inbound_commit(|| Backend::Sqlite);
}

/// On PostgreSQL the restarted node routes what its dead predecessor stored
/// and had not routed once it has the modem's lease again.
#[test]
fn on_postgresql_a_crash_around_the_inbound_commit_answers_exactly_once() {
    crash_around_the_inbound_commit(Backend::postgres);
}

fn crash_around_the_inbound_commit(backend: impl Fn() -> Backend) {
    // Before the commit: the SIM still has the message. After the commit but
    // before the modem deleted it: the store has it, and the SIM too.
    for failpoint in ["before-inbound-commit", "after-inbound-commit"] {
        let backend = backend();
        let sim = start_sim_with("generic", &[]);
        let dir = tempfile::tempdir().unwrap();
        let config = write_config_on(dir.path(), &sim, &backend.url(dir.path()));
        let mut crashing =
            Daemon::start(&config, dir.path(), &[("PLUTANIUM_FAILPOINT", failpoint)]);
        phone_sends(&sim, "+420601234567", "+420777000001", "once");
        crashing.wait_for_failpoint(failpoint);

        let mut daemon = Daemon::start(&config, dir.path(), &[]);
        wait_until("the answer after the restart", &mut daemon, || {
            phone_texts(&sim, "+420601234567")
                .contains(&"echo: once".to_string())
                .then_some(())
        });
        // Time for a second answer, if there were going to be one.
        std::thread::sleep(Duration::from_millis(1500));
        let answers = phone_texts(&sim, "+420601234567")
            .iter()
            .filter(|t| *t == "echo: once")
            .count();
        assert_eq!(answers, 1, "{failpoint}: answered {answers} times");
        let store = backend.open(dir.path());
        let inbox = store.recent_inbound(10).unwrap();
        assert_eq!(inbox.len(), 1, "{failpoint}: stored once");
        daemon.kill();
    }
}

#[test]
fn a_store_that_cannot_be_opened_is_a_clear_error_and_nothing_starts() {
    let dir = tempfile::tempdir().unwrap();
    // A path under a regular file: no directory to write in (permissions
    // would not stop the root user the tests may run as).
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, b"").unwrap();
    let config = dir.path().join("plutanium.yaml");
    std::fs::write(
        &config,
        format!(
            "store: sqlite://{}/plutanium.db\nmodems:\n  gsm0: {{ port: \"tcp://127.0.0.1:9\" }}\n",
            file.display()
        ),
    )
    .unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args(["run", "--config"])
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("writable by this user"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    // The tools say there is no store rather than creating one.
    let send = plutanium(&[
        "send",
        "--config",
        config.to_str().unwrap(),
        "--to",
        OWNER,
        "x",
    ]);
    assert!(!send.status.success());
    assert!(String::from_utf8_lossy(&send.stderr).contains("there is no store at"));
}

#[test]
fn a_crash_between_the_outbox_commit_and_the_gmail_ack_sends_nothing_twice() {
    crash_between_the_outbox_commit_and_the_gmail_ack(Backend::Sqlite);
}

/// On PostgreSQL the source runs on the node that holds its lease: the
/// restarted node polls once its predecessor's lease has run out.
#[test]
fn on_postgresql_a_crash_between_the_outbox_commit_and_the_gmail_ack_sends_nothing_twice() {
    crash_between_the_outbox_commit_and_the_gmail_ack(Backend::postgres());
}

fn crash_between_the_outbox_commit_and_the_gmail_ack(backend: Backend) {
    let sim = start_sim_with("generic", &["--fake-gmail", "127.0.0.1:0"]);
    let gmail = sim.gmail.clone();
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("gmail-oauth.json");
    std::fs::write(
        &credentials,
        serde_json::json!({
            "client_id": "test", "client_secret": "test",
            "refresh_token": gmail["refresh_token"],
        })
        .to_string(),
    )
    .unwrap();
    let config = dir.path().join("plutanium.yaml");
    std::fs::write(
        &config,
        format!(
            r#"
store: "{store}"
modems:
  gsm0: {{ port: "tcp://{tcp}", number: "+420777000001", rate_per_minute: 100000 }}
connectors:
  gmail:
    component: gmail
    interval: 200ms
    allow_hosts: ["127.0.0.1"]
    oauth: {{ kind: authorized_user, file: "{credentials}", token_uri: "{token_uri}" }}
    config: {{ api_base: "{api}" }}
routes:
  - {{ from: gmail, to: gsm0 }}
"#,
            store = backend.url(dir.path()),
            tcp = sim.modem_tcp,
            credentials = credentials.display(),
            token_uri = gmail["token_uri"].as_str().unwrap(),
            api = gmail["api_base"].as_str().unwrap(),
        ),
    )
    .unwrap();
    let ids: Vec<String> = (1..=3)
        .map(|i| {
            let body = serde_json::json!({"subject": OWNER, "text": format!("email {i}")});
            let (status, answer) = http(
                &sim.control,
                "POST",
                "/gmail/emails",
                Some(&body.to_string()),
            );
            assert_eq!(status, 201, "{answer}");
            let answer: Value = serde_json::from_str(&answer).unwrap();
            answer["id"].as_str().unwrap().to_string()
        })
        .collect();
    let unread = |id: &str| {
        let (_, body) = http(&sim.control, "GET", &format!("/gmail/emails/{id}"), None);
        serde_json::from_str::<Value>(&body).unwrap()["unread"] == true
    };

    // The daemon dies right after the outbox commit, before the ack.
    let mut crashing = Daemon::start(
        &config,
        dir.path(),
        &[("PLUTANIUM_FAILPOINT", "after-source-commit")],
    );
    crashing.wait_for_failpoint("after-source-commit");
    assert!(ids.iter().all(|id| unread(id)), "nothing acknowledged");

    let mut daemon = Daemon::start(&config, dir.path(), &[]);
    wait_until("three SMS and three emails read", &mut daemon, || {
        (phone_texts(&sim, OWNER).len() >= 3 && ids.iter().all(|id| !unread(id))).then_some(())
    });
    std::thread::sleep(Duration::from_millis(1500));
    let mut texts = phone_texts(&sim, OWNER);
    texts.sort();
    assert_eq!(texts, ["email 1", "email 2", "email 3"], "each once");
    daemon.kill();
}

/// A bearer-token HTTP call to the daemon's API: status and JSON body.
fn api_call(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> (u16, Value) {
    let (status, text) = api_text(address, method, path, token, body);
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The same, the body as text.
fn api_text(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> (u16, String) {
    crate::sim::http_with(address, method, path, Some(token), body)
}

/// A new token from `plutanium api token --file dir/api-tokens ARGS`.
fn new_api_token(dir: &Path, args: &[&str]) -> String {
    let tokens = dir.join("api-tokens");
    let mut all = vec!["api", "token", "--file", tokens.to_str().unwrap()];
    all.extend_from_slice(args);
    stdout(&plutanium(&all)).trim().to_string()
}

/// `plutanium run` on [`write_config`]'s config with the API on a free
/// loopback port (tokens from `dir/api-tokens`): the daemon and where the
/// API listens.
fn start_with_api(dir: &Path, sim: &Sim) -> (Daemon, String) {
    let config = write_config(dir, sim);
    add_api(&config, dir);
    let mut daemon = Daemon::start(&config, dir, &[]);
    let address = daemon.api_address();
    (daemon, address)
}

/// Adds to `config` the API on a free loopback port, its tokens in
/// `dir/api-tokens`.
pub(crate) fn add_api(config: &Path, dir: &Path) {
    let text = std::fs::read_to_string(config).unwrap();
    std::fs::write(
        config,
        format!(
            "api: {{ listen: \"127.0.0.1:0\", token_file: \"{}\" }}\n{text}",
            dir.join("api-tokens").display()
        ),
    )
    .unwrap();
}

#[test]
fn the_api_queues_sends_and_reports_with_tokens_from_plutanium_api_token() {
    let sim = start_sim_with("generic", &[]);
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("api-tokens");
    let token = |args: &[&str]| new_api_token(dir.path(), args);
    let sender = token(&["--name", "app", "--scope", "send", "--scope", "read"]);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&tokens).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(!std::fs::read_to_string(&tokens).unwrap().contains(&sender));
    let (mut daemon, address) = start_with_api(dir.path(), &sim);
    // Live events: the modems first, then what happens.
    // The stream is read on a thread of its own, line by line, so the test
    // can give up waiting without a read blocking it.
    let events = reqwest::blocking::Client::builder()
        .timeout(None)
        .build()
        .unwrap()
        .get(format!("http://{address}/api/v1/events"))
        .bearer_auth(&sender)
        .header("accept", "text/event-stream")
        .send()
        .unwrap();
    assert_eq!(events.status(), 200);
    let (lines_tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(events).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = String::new();
    let mut read_events = |until: &str| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !seen.contains(until) {
            assert!(
                Instant::now() < deadline,
                "no {until:?} in the event stream:\n{seen}"
            );
            if let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
                seen.push_str(&line);
                seen.push('\n');
            }
        }
        seen.clone()
    };
    // The modem as it is now (maybe still initializing), then as it
    // changes: it ends up ready.
    let start = read_events(r#""name":"gsm0","state":"ready""#);
    assert!(start.contains("event: modem"), "{start}");
    let body = r#"{"to":"+420601234567","text":"from the API","key":"k1"}"#;
    let (status, queued) = api_call(&address, "POST", "/api/v1/messages", &sender, Some(body));
    assert_eq!(status, 202, "{queued}");
    wait_until("the SMS on the phone", &mut daemon, || {
        phone_texts(&sim, "+420601234567")
            .contains(&"from the API".to_string())
            .then_some(())
    });
    let id = queued["id"].as_str().unwrap();
    read_events(&format!(r#""id":"{id}","status":"sent""#));
    phone_sends(&sim, "+420601234567", "+420777000001", "live?");
    let seen = read_events(r#""text":"live?""#);
    assert!(seen.contains("event: sms"), "{seen}");
    wait_until("the echo", &mut daemon, || {
        phone_texts(&sim, "+420601234567")
            .contains(&"echo: live?".to_string())
            .then_some(())
    });
    let (status, connectors) = api_call(&address, "GET", "/api/v1/connectors", &sender, None);
    assert_eq!(status, 200, "{connectors}");
    assert_eq!(connectors["connectors"][0]["name"], "echo");
    assert_eq!(connectors["connectors"][0]["world"], "processor");
    assert!(connectors["connectors"][0]["calls"].as_u64().unwrap() >= 1);
    let (status, metrics) = api_text(&address, "GET", "/metrics", &sender, None);
    assert_eq!(status, 200, "{metrics}");
    for expected in [
        "# TYPE plutanium_send_seconds histogram",
        r#"plutanium_messages{direction="out",status="#,
        r#"plutanium_messages{direction="in",status="received",modem="gsm0"} 1"#,
        r#"plutanium_modem_up{modem="gsm0"} 1"#,
        r#"plutanium_modem_state{modem="gsm0",state="ready"} 1"#,
        r#"plutanium_connector_calls_total{connector="echo",world="processor"}"#,
        r#"plutanium_connector_call_seconds_bucket{connector="echo",le="+Inf"}"#,
        "plutanium_queue_depth ",
    ] {
        assert!(metrics.contains(expected), "{expected} in:\n{metrics}");
    }
    let sends = metrics
        .lines()
        .find_map(|l| l.strip_prefix("plutanium_send_seconds_count "))
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap();
    assert!(sends >= 2, "the API's message and the echo: {sends}");
    assert_eq!(
        api_text(&address, "GET", "/metrics", "plu_nope", None).0,
        401
    );
    // Every metric the example Grafana dashboard queries is served.
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../examples/grafana/plutanium-dashboard.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut queried = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            for (at, _) in expr.match_indices("plutanium_") {
                let name: String = expr[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    metrics.lines().any(|l| l.starts_with(&name)),
                    "the dashboard queries {name}, which /metrics does not serve"
                );
                queried += 1;
            }
        }
    }
    assert!(queried >= 10);
    let (_, message) = api_call(
        &address,
        "GET",
        &format!("/api/v1/messages/{id}"),
        &sender,
        None,
    );
    assert!(
        ["sent", "delivered"].contains(&message["status"].as_str().unwrap()),
        "{message}"
    );
    let (status, modems) = api_call(&address, "GET", "/api/v1/modems", &sender, None);
    assert_eq!(status, 200);
    assert_eq!(modems["modems"][0]["name"], "gsm0");
    assert_eq!(modems["modems"][0]["state"], "ready");
    assert!(
        modems["modems"][0]["counters"]["parts_sent"]
            .as_u64()
            .unwrap()
            >= 1
    );
    let (status, ussd) = api_call(
        &address,
        "POST",
        "/api/v1/modems/gsm0/ussd",
        &sender,
        Some(r#"{"code":"*100#"}"#),
    );
    assert_eq!(status, 200, "{ussd}");
    assert_eq!(ussd["answer"], "Your balance is 12.50 EUR");
    let (status, _) = api_call(
        &address,
        "POST",
        "/api/v1/modems/gsm9/ussd",
        &sender,
        Some(r#"{"code":"*100#"}"#),
    );
    assert_eq!(status, 404);
    let (status, bad) = api_call(
        &address,
        "POST",
        "/api/v1/modems/gsm0/ussd",
        &sender,
        Some(r#"{"code":"rm -rf"}"#),
    );
    assert_eq!((status, bad["field"].as_str()), (400, Some("code")));
    // A token added later works after SIGHUP.
    let reader = token(&["--scope", "read"]);
    assert_eq!(
        api_call(&address, "GET", "/api/v1/calls", &reader, None).0,
        401
    );
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(daemon.child.id() as i32),
        nix::sys::signal::Signal::SIGHUP,
    )
    .unwrap();
    wait_until("the new token", &mut daemon, || {
        (api_call(&address, "GET", "/api/v1/calls", &reader, None).0 == 200).then_some(())
    });
    assert_eq!(
        api_call(&address, "POST", "/api/v1/messages", &reader, Some(body)).0,
        403,
        "read only"
    );
    // The same key again: the same message, nothing sent twice.
    let (status, again) = api_call(&address, "POST", "/api/v1/messages", &sender, Some(body));
    assert_eq!((status, again["id"].as_str()), (200, Some(id)));
    std::thread::sleep(Duration::from_millis(500));
    let sent = phone_texts(&sim, "+420601234567")
        .iter()
        .filter(|t| *t == "from the API")
        .count();
    assert_eq!(sent, 1);
    daemon.kill();
}

mod browser;

/// Each modem's health: recorded every `health.every`, served per modem
/// with its messages per hour, and exported as gauges, each metric in one
/// group (lines of one metric split by another's are an error to
/// Prometheus, and two modems used to split them).
#[test]
fn modem_health_is_recorded_served_per_modem_and_exported_one_metric_at_a_time() {
    let sim = start_sim_with(
        "generic",
        &["--modem", "gsm1=+420777000002@tcp://127.0.0.1:0"],
    );
    let dir = tempfile::tempdir().unwrap();
    let sender = new_api_token(dir.path(), &["--scope", "send", "--scope", "read"]);
    let config = write_config(dir.path(), &sim);
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("health: {{ every: 200ms }}\n{text}")).unwrap();
    add_api(&config, dir.path());
    let mut daemon = Daemon::start(&config, dir.path(), &[]);
    let address = daemon.api_address();
    let body = r#"{"to":"+420601234567","text":"hello","modem":"gsm0"}"#;
    assert_eq!(
        api_call(&address, "POST", "/api/v1/messages", &sender, Some(body)).0,
        202
    );
    phone_sends(&sim, "+420601234567", "+420777000001", "ahoj");
    // Everything waited for in one predicate: the send and the receive
    // may fall either side of an hour, and the signal needs two probes
    // (one a second at most) to move.
    let health = wait_until(
        "samples, a moving signal and the messages",
        &mut daemon,
        || {
            let (status, health) =
                api_call(&address, "GET", "/api/v1/modems/gsm0/health", &sender, None);
            assert_eq!(status, 200, "{health}");
            let samples = health["samples"].as_array()?;
            let sum = |key: &str| -> u64 {
                health["hourly"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|h| h[key].as_u64())
                    .sum()
            };
            let signals: std::collections::BTreeSet<i64> = samples
                .iter()
                .filter_map(|s| s["signal_dbm"].as_i64())
                .collect();
            let ready = samples.iter().filter(|s| s["state"] == "ready").count();
            (ready >= 5 && signals.len() >= 2 && sum("sent") >= 1 && sum("received") >= 1)
                .then_some(health)
        },
    );
    // The newest sample with the radio in it (one whose modem did not
    // answer within 2 s has only its state).
    let last = health["samples"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|s| !s["signal_dbm"].is_null())
        .unwrap()
        .clone();
    assert_eq!(last["network"], "lte", "{last}");
    assert_eq!(last["sim"], "ready", "{last}");
    assert_eq!(last["registration"], "home", "{last}");
    assert_eq!(last["operator"], "Plutanium Sim", "{last}");
    assert!(
        last["rsrp_dbm"]
            .as_i64()
            .is_some_and(|v| (-141..=-44).contains(&v)),
        "{last}"
    );
    assert!(last["rsrq_db"].as_f64().is_some(), "{last}");
    // AT has no standard SINR.
    assert!(last["sinr_db"].is_null(), "{last}");
    // The other modem has its own samples.
    let (_, other) = api_call(
        &address,
        "GET",
        "/api/v1/modems/gsm1/health?since=1h",
        &sender,
        None,
    );
    assert!(!other["samples"].as_array().unwrap().is_empty(), "{other}");
    // Wrong input is named.
    let (status, missing) = api_call(&address, "GET", "/api/v1/modems/gsm9/health", &sender, None);
    assert_eq!(status, 404, "{missing}");
    assert!(
        missing["error"].as_str().unwrap().contains("gsm9"),
        "{missing}"
    );
    let (status, bad) = api_call(
        &address,
        "GET",
        "/api/v1/modems/gsm0/health?since=soon",
        &sender,
        None,
    );
    assert_eq!(
        (status, bad["field"].as_str()),
        (400, Some("since")),
        "{bad}"
    );

    let (status, metrics) = api_text(&address, "GET", "/metrics", &sender, None);
    assert_eq!(status, 200);
    for expected in [
        r#"plutanium_modem_rsrp_dbm{modem="gsm0"} "#,
        r#"plutanium_modem_rsrp_dbm{modem="gsm1"} "#,
        r#"plutanium_modem_registered{modem="gsm1"} 1"#,
        r#"plutanium_modem_info{modem="gsm0",operator="Plutanium Sim",network="lte",registration="home",sim="ready"} 1"#,
    ] {
        assert!(metrics.contains(expected), "{expected} in:\n{metrics}");
    }
    // Each metric's samples come in one run of lines, after its TYPE.
    let mut finished = std::collections::HashSet::new();
    let mut current = String::new();
    for line in metrics.lines() {
        let name = match line.strip_prefix("# TYPE ") {
            Some(rest) => rest.split(' ').next().unwrap().to_string(),
            None if line.starts_with('#') => continue,
            None => {
                let name: String = line
                    .chars()
                    .take_while(|c| *c != '{' && *c != ' ')
                    .collect();
                let base = ["_bucket", "_sum", "_count"]
                    .iter()
                    .find_map(|suffix| name.strip_suffix(suffix))
                    .filter(|base| metrics.contains(&format!("# TYPE {base} histogram")))
                    .map_or(name.clone(), str::to_string);
                assert_eq!(base, current, "{line} outside its group in:\n{metrics}");
                continue;
            }
        };
        assert!(
            finished.insert(name.clone()),
            "{name} has two groups in:\n{metrics}"
        );
        current = name;
    }
    daemon.kill();
}

#[test]
fn send_on_a_fresh_machine_creates_the_store_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plutanium.db");
    let config = dir.path().join("plutanium.yaml");
    std::fs::write(
        &config,
        format!(
            "store: sqlite://{}\nmodems:\n  gsm0: {{ port: \"tcp://127.0.0.1:9\" }}\n",
            db.display()
        ),
    )
    .unwrap();
    assert!(!db.exists());
    let config = config.to_str().unwrap();
    let send = plutanium(&["send", "--config", config, "--to", OWNER, "first"]);
    assert!(
        send.status.success(),
        "{}",
        String::from_utf8_lossy(&send.stderr)
    );
    assert!(
        stdout(&send).starts_with("queued out-1 to "),
        "{}",
        stdout(&send)
    );
    let said = String::from_utf8_lossy(&send.stderr);
    assert!(
        said.contains("created the store") && said.contains("plutanium run"),
        "{said}"
    );
    assert!(db.is_file());
    // The next send finds it, and says nothing about creating it.
    let again = plutanium(&["send", "--config", config, "--to", OWNER, "second"]);
    assert!(stdout(&again).starts_with("queued out-2 to "));
    assert!(!String::from_utf8_lossy(&again.stderr).contains("created"));
    let listed = plutanium(&["messages", "list", "--config", config, "--json"]);
    assert_eq!(stdout(&listed).lines().count(), 2);
    // Searched as the API searches: case for all of Unicode, accents on request.
    let third = plutanium(&["send", "--config", config, "--to", OWNER, "Čau ΣΟΦΙΑ"]);
    assert!(third.status.success());
    for args in [
        &["--search", "čau"][..],
        &["--search", "σοφια"],
        &["--search", "cau", "--ignore-diacritics"],
    ] {
        let mut command = vec!["messages", "list", "--config", config, "--json"];
        command.extend_from_slice(args);
        let found = stdout(&plutanium(&command));
        assert_eq!(found.lines().count(), 1, "{args:?}: {found}");
        assert!(found.contains("Čau ΣΟΦΙΑ"), "{found}");
    }
    let none = stdout(&plutanium(&[
        "messages", "list", "--config", config, "--json", "--search", "cau",
    ]));
    assert_eq!(none.lines().count(), 0, "{none}");
}

/// `plutanium send --file`: a file of JSON lines queued in one go; each
/// refused line named with its number and reason, the others queued, the
/// exit status saying some were refused; the same file again queues only
/// what had no key.
#[test]
fn send_file_queues_each_line_and_names_the_refused_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plutanium.db");
    let config = dir.path().join("plutanium.yaml");
    std::fs::write(
        &config,
        format!(
            "store: sqlite://{}\ndefault_country: \"+420\"\nmodems:\n  gsm0: {{ port: \"tcp://127.0.0.1:9\" }}\n",
            db.display()
        ),
    )
    .unwrap();
    let file = dir.path().join("batch.jsonl");
    let mut lines = vec![
        r#"{"to": "601 234 567", "text": "Ahoj", "key": "order-1"}"#.to_string(),
        r#"{"to": "+420601234568", "text": 7}"#.into(),
        String::new(),
        "not json".into(),
        r#"{"to": "9090", "text": "premium?"}"#.into(),
        r#"{"to": "+420601234569", "text": "x", "modem": "gsm9"}"#.into(),
    ];
    lines.extend((0..2_500).map(|n| format!(r#"{{"to": "+420601{n:06}", "text": "news {n}"}}"#)));
    std::fs::write(&file, lines.join("\n")).unwrap();
    let (config, file) = (config.to_str().unwrap(), file.to_str().unwrap());
    let send = plutanium(&["send", "--config", config, "--file", file]);
    assert_eq!(send.status.code(), Some(1), "some lines were refused");
    let said = String::from_utf8_lossy(&send.stderr);
    for (line, reason) in [
        (2, "text: invalid type"),
        (4, "not JSON"),
        (5, "to: refused"),
        (6, "modem: no modem called \"gsm9\""),
    ] {
        assert!(
            said.contains(&format!("{file}:{line}: refused, {reason}")),
            "line {line}: {said}"
        );
    }
    assert!(said.contains("4 lines of"), "{said}");
    assert_eq!(
        String::from_utf8_lossy(&send.stdout).trim(),
        "queued 2501 messages; 0 already queued (same key); 4 refused"
    );
    let store = SqliteStore::open(&db).unwrap();
    assert_eq!(store.stats().unwrap().queued, 2501);
    let row = store.outbound_by_key("cli:order-1").unwrap().unwrap();
    assert_eq!(
        (row.to.as_str(), row.source.as_str()),
        ("+420601234567", "cli")
    );
    // The keyed line is queued once however often the file is sent.
    let again = plutanium(&["send", "--config", config, "--file", file]);
    let again = String::from_utf8_lossy(&again.stdout);
    assert!(again.contains("1 already queued (same key)"), "{again}");
    assert_eq!(store.stats().unwrap().queued, 2501 + 2500);
}

/// A modem that cannot receive (the Nokia profile: a phone whose storage
/// cannot be listed) says so everywhere a user looks: `plutanium modem probe`,
/// `GET /api/v1/modems` (which the web admin shows on the modem's card),
/// and one warning line in the log, not one per reconnect.
#[test]
fn a_modem_that_cannot_receive_says_so_in_probe_the_api_and_one_log_line() {
    let sim = start_sim_with("nokia", &[]);
    let probe = plutanium(&["modem", "probe", &format!("tcp://{}", sim.modem_tcp)]);
    let probe: Value = serde_json::from_str(&stdout(&probe)).expect("probe JSON");
    let why = probe["cannot_receive"].as_str().unwrap_or_default();
    assert!(why.contains("AT+CMGL"), "{probe}");

    let dir = tempfile::tempdir().unwrap();
    let token = new_api_token(dir.path(), &["--scope", "read"]);
    let (mut daemon, address) = start_with_api(dir.path(), &sim);
    let modem = |daemon: &mut Daemon| {
        wait_until("gsm0 ready", daemon, || {
            let (_, modems) = api_call(&address, "GET", "/api/v1/modems", &token, None);
            let gsm0 = modems["modems"].as_array()?.first()?.clone();
            (gsm0["state"] == "ready").then_some(gsm0)
        })
    };
    let gsm0 = modem(&mut daemon);
    assert_eq!(gsm0["cannot_receive"], probe["cannot_receive"], "{gsm0}");
    // Unplugged and back: initialised again, and still one warning.
    let unplug = r#"{"modem":"gsm0","kind":"unplug"}"#;
    assert_eq!(http(&sim.control, "POST", "/faults", Some(unplug)).0, 204);
    wait_until("gsm0 lost", &mut daemon, || {
        let (_, modems) = api_call(&address, "GET", "/api/v1/modems", &token, None);
        (modems["modems"][0]["state"] != "ready").then_some(())
    });
    let replug = r#"{"modem":"gsm0","kind":"replug"}"#;
    assert_eq!(http(&sim.control, "POST", "/faults", Some(replug)).0, 204);
    let again = modem(&mut daemon);
    assert_eq!(again["cannot_receive"], probe["cannot_receive"]);
    let log = daemon.log();
    let warnings: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("WARN"))
        .filter(|line| line.contains("gsm0"))
        .collect();
    assert_eq!(
        warnings
            .iter()
            .filter(|line| line.contains("cannot receive SMS"))
            .count(),
        1,
        "{log}"
    );
    assert!(
        !warnings
            .iter()
            .any(|line| line.contains("refuses every AT+CPMS form")),
        "no second warning for the same trouble: {warnings:?}"
    );
    daemon.kill();
}

/// A token file that is not there: one line, naming the file and what the
/// system said once (the causes of an error are not repeated after it).
#[test]
fn a_missing_token_file_is_said_once_on_one_line() {
    let sim = start_sim_with("generic", &[]);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &sim);
    add_api(&config, dir.path());
    let run = Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args(["run", "--config"])
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    let error: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(error.len(), 1, "{stderr}");
    let tokens = dir.path().join("api-tokens").display().to_string();
    assert_eq!(error[0].matches(&tokens).count(), 1, "{}", error[0]);
    assert_eq!(error[0].matches("No such file").count(), 1, "{}", error[0]);
}
