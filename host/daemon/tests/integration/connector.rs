//! `plutanium connector inspect` on components the runtime's build compiled.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn guest(name: &str) -> PathBuf {
    let target = option_env!("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target
        .join("guests/wasm32-wasip2/release")
        .join(format!("plutanium_test_{name}.wasm"))
}

fn inspect(path: &std::path::Path) -> (bool, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args(["connector", "inspect"])
        .arg(path)
        .output()
        .expect("runs");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.success(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn inspect_reports_world_version_and_compatibility() {
    let (ok, json, _) = inspect(&guest("processor"));
    assert!(ok);
    assert_eq!(json["world"], "processor-connector");
    assert_eq!(json["contract_version"], "0.1.1");
    assert_eq!(json["compatible"], true);
    assert!(
        json["exports"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "plutanium:gateway/processor@0.1.1")
    );

    // A binary built against 0.1.0, kept since: still compatible.
    let old = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../runtime/tests/fixtures/processor-v0.1.0.wasm");
    let (ok, json, _) = inspect(&old);
    assert!(ok);
    assert_eq!(json["contract_version"], "0.1.0");
    assert_eq!(json["compatible"], true, "{json}");

    let (ok, json, _) = inspect(&guest("future"));
    assert!(ok, "an incompatible component is still described");
    assert_eq!(json["compatible"], false);
    assert_eq!(json["contract_version"], "0.2.0");
    assert!(json["incompatibility"].as_str().unwrap().contains("0.2.0"));

    let (ok, _, stderr) = inspect(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("Cargo.toml")
            .as_path(),
    );
    assert!(!ok);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not a usable component"), "{stderr}");
}

fn plutanium(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn list(data_dir: &str) -> Vec<Value> {
    let (ok, stdout, stderr) = plutanium(&["connector", "list", "--json", "--data-dir", data_dir]);
    assert!(ok, "{stderr}");
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn install_list_and_inspect_by_name() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    // A fresh data directory has the built-in connectors.
    let rows = list(data_dir);
    let missed = rows
        .iter()
        .find(|r| r["name"] == "missed-call")
        .expect("missed-call is built in");
    assert_eq!(missed["origin"], "built-in");
    assert_eq!(missed["world"], "processor-connector");
    assert_eq!(missed["compatible"], true);

    let cached = |dir: &Path| std::fs::read_dir(dir.join("cache")).map_or(0, |d| d.count());
    let cached_before = cached(data.path());
    let processor = guest("processor");
    let processor = processor.to_str().unwrap();
    let (ok, stdout, stderr) = plutanium(&[
        "connector",
        "install",
        processor,
        "--name",
        "echo-test",
        "--data-dir",
        data_dir,
    ]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.starts_with("installed echo-test (processor-connector"),
        "{stdout}"
    );
    assert!(data.path().join("connectors/echo-test.wasm").is_file());
    assert_eq!(
        cached(data.path()),
        cached_before + 1,
        "install precompiles into the cache"
    );
    let rows = list(data_dir);
    let installed = rows
        .iter()
        .find(|r| r["name"] == "echo-test")
        .expect("listed");
    assert_eq!(installed["origin"], "installed");
    assert_eq!(installed["compatible"], true);

    // Inspect by name, for built-in and installed connectors alike.
    for name in ["missed-call", "echo-test"] {
        let (ok, stdout, stderr) =
            plutanium(&["connector", "inspect", name, "--data-dir", data_dir]);
        assert!(ok, "{stderr}");
        let json: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json["world"], "processor-connector", "{name}");
    }

    // Refusals are one clear line each, and change nothing.
    let future = guest("future");
    let cases: [(&[&str], &str); 5] = [
        (&["--name", "echo-test"], "--force"),
        (&["--name", "missed-call"], "built-in"),
        (&["--name", "Bad Name"], "not a connector name"),
        (&["--name", "future", "--file-is-future"], ""),
        (&["--name", "nothing-here", "--missing-file"], "cannot read"),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["connector", "install"];
        let file = match extra.get(2) {
            Some(&"--file-is-future") => future.to_str().unwrap(),
            Some(&"--missing-file") => "/nonexistent/x.wasm",
            _ => processor,
        };
        args.push(file);
        args.extend(&extra[..2]);
        args.extend(["--data-dir", data_dir]);
        let (ok, _, stderr) = plutanium(&args);
        assert!(!ok, "{args:?} should fail");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        let expected = if expected.is_empty() {
            "0.2.0"
        } else {
            expected
        };
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    assert!(!data.path().join("connectors/future.wasm").exists());
    let (ok, _, stderr) = plutanium(&[
        "connector",
        "install",
        processor,
        "--name",
        "echo-test",
        "--force",
        "--data-dir",
        data_dir,
    ]);
    assert!(ok, "{stderr}");
}

/// Runs `cargo` in a scaffolded project with the workspace's lock file (same
/// versions, nothing new to download) and a target directory shared between runs.
fn cargo_in(project: &Path, args: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::copy(root.join("Cargo.lock"), project.join("Cargo.lock")).unwrap();
    let target = option_env!("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("scaffolds");
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(project)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?} in {} failed:\n{}",
        project.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn new_rust_projects_build_and_pass_their_tests() {
    let parent = tempfile::tempdir().unwrap();
    for world in ["processor", "sink", "source"] {
        let name = format!("my-{world}");
        let (ok, stdout, stderr) = plutanium(&[
            "connector",
            "new",
            &name,
            "--lang",
            "rust",
            "--world",
            world,
            "--dir",
            parent.path().to_str().unwrap(),
        ]);
        assert!(ok, "{stderr}");
        assert!(
            stdout.contains("cargo build --release --target wasm32-wasip2"),
            "{stdout}"
        );
        let project = parent.path().join(&name);
        cargo_in(&project, &["test", "--quiet"]);
        cargo_in(
            &project,
            &["build", "--quiet", "--release", "--target", "wasm32-wasip2"],
        );
        let target = option_env!("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
        let wasm = target
            .join("scaffolds/wasm32-wasip2/release")
            .join(format!("my_{world}.wasm"));
        let (ok, json, stderr) = inspect(&wasm);
        assert!(ok, "{stderr}");
        assert_eq!(json["world"], format!("{world}-connector"));
        assert_eq!(json["compatible"], true);
    }
    // Names cargo would refuse are refused up front.
    for reserved in ["test", "fn", "plutanium-sdk"] {
        let (ok, _, stderr) = plutanium(&[
            "connector",
            "new",
            reserved,
            "--lang",
            "rust",
            "--dir",
            parent.path().to_str().unwrap(),
        ]);
        assert!(
            !ok && stderr.contains("cannot name a project"),
            "{reserved}: {stderr}"
        );
    }
    // An existing directory is never overwritten.
    let (ok, _, stderr) = plutanium(&[
        "connector",
        "new",
        "my-sink",
        "--lang",
        "rust",
        "--dir",
        parent.path().to_str().unwrap(),
    ]);
    assert!(!ok && stderr.contains("already exists"), "{stderr}");
}

#[test]
fn the_builtin_missed_call_connector_runs_by_name() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let (ok, stdout, stderr) = plutanium(&[
        "connector",
        "try",
        "missed-call",
        "--config",
        "notify=+420777000111;+420777000222",
        "--call",
        "+420601234567",
        "--repeat",
        "3",
        "--data-dir",
        data_dir,
    ]);
    assert!(ok, "{stderr}");
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let first = lines[0]["actions"].as_array().unwrap();
    assert_eq!(first.len(), 2, "one SMS per number to notify: {stdout}");
    assert_eq!(first[0]["send"]["to"], "+420777000111");
    assert!(
        first[0]["send"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Missed call from +420601234567 at ")
    );
    // The same call handed over again (a retry) gets the same messages with
    // the same keys, which the daemon sends once.
    assert_eq!(lines[1]["actions"], lines[0]["actions"]);
    assert_eq!(lines[2]["actions"], lines[0]["actions"]);

    // A config error is printed, and the command fails with one line.
    let (ok, stdout, stderr) = plutanium(&[
        "connector",
        "try",
        "missed-call",
        "--call",
        "+1",
        "--data-dir",
        data_dir,
    ]);
    assert!(!ok);
    assert!(
        stdout.contains("`notify` needs at least one number"),
        "{stdout}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// What every language's template does for each world, through `connector
/// try`: the world, its arguments, and what the output must contain.
const NEW_PROJECT_TRIALS: [(&str, &[&str], &str); 3] = [
    (
        "processor",
        &["--config", "prefix=>> ", "--sms", "+420601234567", "hi"],
        r#"{"actions":[{"reply":">> hi"}]}"#,
    ),
    (
        "sink",
        &["--sms", "+420601234567", "hi"],
        r#"{"delivered":true}"#,
    ),
    (
        "source",
        &["--config", "to=+420601234567", "--poll", "5"],
        r#""key":"daily:"#,
    ),
];

#[test]
fn new_python_projects_build_run_and_pass_their_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let parent = tempfile::tempdir().unwrap();
    for (world, args, expected) in NEW_PROJECT_TRIALS {
        let name = format!("py-{world}");
        let (ok, stdout, stderr) = plutanium(&[
            "connector",
            "new",
            &name,
            "--lang",
            "python",
            "--world",
            world,
            "--dir",
            parent.path().to_str().unwrap(),
        ]);
        assert!(ok, "{stderr}");
        assert!(stdout.contains("componentize-py"), "{stdout}");
        let project = parent.path().join(&name);
        assert!(
            project.join("wit/gateway.wit").is_file()
                && project.join("wit/deps/http.wit").is_file()
        );
        // The template's own tests, with plain Python.
        let unit = Command::new("python3")
            .args(["-m", "unittest", "-q"])
            .current_dir(&project)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .expect("python3 runs");
        assert!(
            unit.status.success(),
            "{}",
            String::from_utf8_lossy(&unit.stderr)
        );
        // The build the template's build.sh runs, with the tests' componentize-py.
        let wasm = project.join(format!("{name}.wasm"));
        let build = plutanium_component_build::componentize_py(&root)
            .unwrap_or_else(|e| panic!("componentize-py is needed: {e}"))
            .args([
                "-d",
                "wit",
                "-w",
                &format!("plutanium:gateway/{world}-connector@0.1.1"),
                "componentize",
                "app",
                "-o",
            ])
            .arg(&wasm)
            .current_dir(&project)
            .output()
            .expect("componentize-py runs");
        assert!(
            build.status.success(),
            "{}",
            String::from_utf8_lossy(&build.stderr)
        );
        let build_sh = std::fs::read_to_string(project.join("build.sh")).unwrap();
        assert!(
            build_sh.contains(&format!(
                "-w plutanium:gateway/{world}-connector@0.1.1 componentize app"
            )),
            "{build_sh}"
        );
        // The component runs.
        let mut try_args = vec!["connector", "try", wasm.to_str().unwrap()];
        try_args.extend(args);
        let (ok, stdout, stderr) = plutanium(&try_args);
        assert!(ok, "{world}: {stderr}");
        assert!(stdout.contains(expected), "{world}: {stdout}");
    }
}

/// Runs `npm` with `args` in `project`; its output on failure.
fn npm_in(project: &Path, args: &[&str]) -> String {
    let out = Command::new("npm")
        .args(args)
        .current_dir(project)
        .output()
        .unwrap_or_else(|e| panic!("npm (Node.js 20.19 or later) is needed: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "npm {args:?}: {text}");
    text
}

#[test]
fn new_js_projects_install_test_build_and_run() {
    let parent = tempfile::tempdir().unwrap();
    for (world, args, expected) in NEW_PROJECT_TRIALS {
        let name = format!("js-{world}");
        let (ok, stdout, stderr) = plutanium(&[
            "connector",
            "new",
            &name,
            "--lang",
            "js",
            "--world",
            world,
            "--dir",
            parent.path().to_str().unwrap(),
        ]);
        assert!(ok, "{stderr}");
        assert!(stdout.contains("npm ci"), "{stdout}");
        let project = parent.path().join(&name);
        assert!(project.join("wit/gateway.wit").is_file());
        // The commands its README gives: the locked install (through the
        // helper that checks Node's version first), the tests under Node
        // against the fake host, the build.
        plutanium_component_build::componentize_js(&project)
            .unwrap_or_else(|e| panic!("componentize-js is needed: {e}"));
        let tests = npm_in(&project, &["test"]);
        assert!(tests.contains("# fail 0"), "{world}: {tests}");
        assert!(!tests.contains("# pass 0"), "{world}: no test ran: {tests}");
        npm_in(&project, &["run", "build"]);
        let wasm = project.join(format!("{name}.wasm"));
        let (ok, json, stderr) = inspect(&wasm);
        assert!(ok, "{stderr}");
        assert_eq!(json["world"], format!("{world}-connector"));
        assert_eq!(json["compatible"], true, "{json}");
        // The component runs.
        let mut try_args = vec!["connector", "try", wasm.to_str().unwrap()];
        try_args.extend(args);
        let (ok, stdout, stderr) = plutanium(&try_args);
        assert!(ok, "{world}: {stderr}");
        assert!(stdout.contains(expected), "{world}: {stdout}");
    }
}

/// The JavaScript example, built from source, installed, and answering SMS
/// in `plutanium run`: the typed log field (contract 0.1.1) in the daemon's
/// log, the count kept in the store across messages.
#[test]
fn the_js_example_answers_in_plutanium_run() {
    use crate::daemon::{Daemon, phone_sends, phone_texts, wait_until};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("autoreply.wasm");
    plutanium_component_build::build_js_component(
        &root.join("examples/connectors/js-autoreply"),
        "app.js",
        &root.join("wit"),
        "processor-connector",
        &wasm,
    )
    .unwrap_or_else(|e| panic!("the JavaScript example does not build: {e}"));
    let data_dir = dir.path().to_str().unwrap();
    let (ok, _, stderr) = plutanium(&[
        "connector",
        "install",
        wasm.to_str().unwrap(),
        "--name",
        "autoreply",
        "--data-dir",
        data_dir,
    ]);
    assert!(ok, "{stderr}");

    let sim = crate::sim::start_sim_with("generic", &[]);
    let config = dir.path().join("plutanium.yaml");
    std::fs::write(
        &config,
        format!(
            r#"
store: "sqlite://{db}"
modems:
  gsm0: {{ port: "tcp://{tcp}", number: "+420777000001" }}
connectors:
  autoreply:
    component: autoreply
    config:
      reply: {{ PING: "pong {{count}}" }}
routes:
  - {{ from: gsm0, through: [autoreply], to: gsm0 }}
"#,
            db = dir.path().join("plutanium.db").display(),
            tcp = sim.modem_tcps[0],
        ),
    )
    .unwrap();
    let mut daemon = Daemon::start(&config, dir.path(), &[]);
    let phone = "+420601234567";
    phone_sends(&sim, phone, "+420777000001", "ping");
    wait_until("the first answer", &mut daemon, || {
        phone_texts(&sim, phone)
            .contains(&"pong 1".to_string())
            .then_some(())
    });
    phone_sends(&sim, phone, "+420777000001", "PING again");
    wait_until("the second answer", &mut daemon, || {
        phone_texts(&sim, phone)
            .contains(&"pong 2".to_string())
            .then_some(())
    });
    let log = daemon.log();
    let replied = log
        .lines()
        .find(|l| l.contains("replied") && l.contains("autoreply"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(
        replied.contains(r#""count":1"#),
        "a number, not text: {replied}"
    );
    daemon.kill();
}
