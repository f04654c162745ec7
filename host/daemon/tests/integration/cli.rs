//! Golden tests of the command line: each `tests/golden/*.golden` file holds the
//! arguments, the expected stdout, stderr and exit code. Run with
//! `UPDATE_GOLDEN=1 cargo test -p plutanium --test integration` to rewrite them after an
//! intended change (and review the diff).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    args: Vec<String>,
    stdout: String,
    stderr: String,
    exit: i32,
}

fn parse(text: &str, path: &Path) -> Case {
    let mut section = "";
    let mut args = Vec::new();
    let mut stdout = String::new();
    let mut stderr = String::new();
    let mut exit = None;
    for line in text.lines() {
        match line {
            "args:" | "stdout:" | "stderr:" => {
                section = line;
                continue;
            }
            _ if line.starts_with("exit: ") => {
                exit = line["exit: ".len()..].parse().ok();
                section = "";
                continue;
            }
            _ => {}
        }
        match section {
            "args:" => args.push(line.to_string()),
            "stdout:" => {
                stdout.push_str(line);
                stdout.push('\n');
            }
            "stderr:" => {
                stderr.push_str(line);
                stderr.push('\n');
            }
            _ => panic!("{}: line outside a section: {line:?}", path.display()),
        }
    }
    Case {
        args,
        stdout,
        stderr,
        exit: exit.unwrap_or_else(|| panic!("{}: no exit line", path.display())),
    }
}

fn render(case: &Case) -> String {
    let mut text = String::from("args:\n");
    for arg in &case.args {
        text.push_str(arg);
        text.push('\n');
    }
    text.push_str("stdout:\n");
    text.push_str(&case.stdout);
    text.push_str("stderr:\n");
    text.push_str(&case.stderr);
    text.push_str(&format!("exit: {}\n", case.exit));
    text
}

fn golden_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("golden directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "golden"))
        .collect();
    files.sort();
    files
}

#[test]
fn command_line_matches_golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let files = golden_files();
    assert!(files.len() >= 20, "golden cases are missing");
    let mut failures = Vec::new();
    for path in files {
        let expected = parse(&fs::read_to_string(&path).expect("readable"), &path);
        let output = Command::new(env!("CARGO_BIN_EXE_plutanium"))
            .args(&expected.args)
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("binary runs");
        let actual = Case {
            args: expected.args.clone(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            exit: output.status.code().unwrap_or(-1),
        };
        // Whatever the case, bad input is one line on stderr and never a panic.
        assert!(!actual.stderr.contains("panicked"), "{}", path.display());
        if actual.exit != 0 {
            assert_eq!(
                actual.stderr.lines().count(),
                1,
                "{}: one-line error",
                path.display()
            );
        }
        let rendered = render(&actual);
        if update {
            fs::write(&path, &rendered).expect("writable");
        } else if rendered != render(&expected) {
            failures.push(format!(
                "{}\n--- expected\n{}--- actual\n{}",
                path.display(),
                render(&expected),
                rendered
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The PDUs printed by `pdu encode` decode back to the text with `pdu join`.
#[test]
fn encode_then_join_round_trips() {
    let bin = env!("CARGO_BIN_EXE_plutanium");
    let text = "Ünïcödé and emoji 😀 across parts. ".repeat(5);
    let out = Command::new(bin)
        .args(["pdu", "encode", "--to", "+420777123456", &text])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let pdus: Vec<String> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            v["pdu"].as_str().expect("pdu").to_string()
        })
        .collect();
    assert!(pdus.len() >= 3);
    let mut args = vec!["pdu".to_string(), "join".to_string()];
    args.extend(pdus.iter().rev().cloned());
    let out = Command::new(bin).args(&args).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["text"], text);
    assert_eq!(v["encoding"], "ucs2");
    assert_eq!(v["concat"]["parts"], pdus.len());
}

#[test]
fn the_demo_runs_its_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args([
            "demo",
            "--once",
            "--control",
            "127.0.0.1:0",
            "--api",
            "127.0.0.1:0",
            "--data-dir",
        ])
        .arg(dir.path())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "reassembled whole: true",
        "Alice's phone received it whole from +420777000001",
        "delivered, sent by gsm0",
        "\"Missed call from +420601000002 at ",
        "store: 3 inbound, 1 calls",
        "Bob's phone got, from +42077700000",
        "Alice's phone got, from +42077700000",
        "HTTP 202: queued through the REST API as out-",
        "HTTP 200: the web admin at http://127.0.0.1:",
        // The modem inside the fake MikroTik router.
        "Carol's \"Hi router\" was stored, then removed from the router's inbox",
        "Carol got, from +420777000004: \"Hello from behind a MikroTik router",
        "a unicode SMS through it fails at once instead of going out mangled: RouterOS's",
        // The HiLink stick.
        "Dana's \"Hi stick\" was stored, then deleted from the stick; Dana got, from +420777000005",
        // Each transport's health, as recorded.
        "gsm0 (AT): LTE · RSSI -",
        "lte (RouterOS): LTE · RSSI -69 dBm · RSRP -98 dBm · RSRQ -10 dB · SINR 12 dB · home · SIM ready",
        "stick (HiLink): LTE · RSSI -71 dBm · RSRP -105 dBm · RSRQ -14 dB · SINR -7 dB · home · SIM ready",
        // Two nodes on a throwaway PostgreSQL (Debian's `postgresql`).
        "a message queued on west went out through east at once",
        "and west sends through it now",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    assert!(dir.path().join("demo.db").is_file());
}

#[test]
fn the_systemd_unit_matches_the_daemon() {
    let unit = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/systemd/plutanium.service"),
    )
    .unwrap();
    let value = |key: &str| {
        unit.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("the unit has no {key}="))
            .to_string()
    };
    assert_eq!(value("Type"), "notify");
    assert!(value("ExecStart").contains("plutanium run --config "));
    // The exit code the daemon uses for a config that does not load.
    let bad = std::env::temp_dir().join(format!("plutanium-unit-test-{}.yaml", std::process::id()));
    std::fs::write(&bad, "modems: { gsm0: { port: nowhere } }\n").unwrap();
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args(["run", "--config"])
        .arg(&bad)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&bad);
    assert_eq!(
        check.status.code().map(|c| c.to_string()),
        Some(value("RestartPreventExitStatus"))
    );
    for hardening in [
        "NoNewPrivileges",
        "ProtectSystem",
        "StateDirectory",
        "SupplementaryGroups",
    ] {
        value(hardening);
    }
}
