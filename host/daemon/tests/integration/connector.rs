//! `plutanium connector inspect` on components the runtime's build compiled.

use std::path::PathBuf;
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
    assert_eq!(json["contract_version"], "0.1.0");
    assert_eq!(json["compatible"], true);
    assert!(
        json["exports"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "plutanium:gateway/processor@0.1.0")
    );

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
