//! `plutanium config check` against golden files: every `tests/config/*.yaml`
//! has its expected output beside it (`.out`: exit code, stdout, stderr);
//! `UPDATE_GOLDEN=1` rewrites them. The example pipelines must all load.

use std::path::Path;
use std::process::Command;

fn check(dir: &Path, file: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plutanium"))
        .args(["config", "check", file])
        .current_dir(dir)
        .env("HOOK_SECRET", "s3cret")
        .env("MODEM_PIN", "1234")
        .env_remove("NOPE")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn config_check_matches_golden_files() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(crate_dir.join("tests/config"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "the golden configs are there");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let (code, stdout, stderr) = check(crate_dir, &format!("tests/config/{name}"));
        assert!(code == 0 || code == 78, "{name}: exit {code}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        let actual = format!("exit {code}\n--- stdout\n{stdout}--- stderr\n{stderr}");
        let expected_path = path.with_extension("out");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            mismatches.push(format!(
                "{name}:\n--- expected\n{expected}\n--- actual\n{actual}"
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "run with UPDATE_GOLDEN=1 if intended:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn every_example_pipeline_loads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut checked = 0;
    for entry in std::fs::read_dir(root.join("examples/pipelines")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let name = format!(
                "examples/pipelines/{}",
                path.file_name().unwrap().to_str().unwrap()
            );
            let (code, _, stderr) = check(&root, &name);
            assert_eq!(code, 0, "{name}: {stderr}");
            checked += 1;
        }
    }
    assert!(checked >= 1);
}
