//! The contract's versions: a component built against `0.1.0` (a binary
//! committed when 0.1.0 was current, not rebuilt) runs on this host of
//! `0.1.1`; one that needs `0.1.2` is refused naming both versions; the
//! function 0.1.1 added works.

use plutanium_runtime::{CONTRACT, Grants, LoadError, World};
use sha2::{Digest, Sha256};

use super::{Captured, grants, load, reply, runtime, sms};

/// Built from `tests/guests/processor` at 492db53, against
/// `wit/since_v0.1.0`; see `tests/fixtures/README.md`.
const OLD: &[u8] = include_bytes!("../fixtures/processor-v0.1.0.wasm");
const OLD_SHA256: &str = "c34ecdd4f905d0daeae8c734b6b5d7c25e96ebaceb20fa065dacf008aa0c7257";

const NEWER: &str = env!("PLUTANIUM_TEST_GUEST_NEWER");

#[tokio::test]
async fn a_component_built_against_0_1_0_runs_unchanged() {
    // The very bytes committed then: a rebuild would prove only old source.
    assert_eq!(hex(&Sha256::digest(OLD)), OLD_SHA256, "the fixture changed");
    let rt = runtime();
    let inspection = rt.inspect(OLD).unwrap();
    assert_eq!(inspection.contract_version.as_deref(), Some("0.1.0"));
    assert_eq!(inspection.world, Some(World::Processor));
    assert_eq!(inspection.incompatibility, None);
    assert!(
        inspection
            .imports
            .iter()
            .any(|i| i == "plutanium:gateway/host@0.1.0"),
        "{:?}",
        inspection.imports
    );
    // Its config, its log and its KV, all 0.1.0 imports, linked to this
    // host's 0.1.1.
    let mut echo = rt
        .load_processor("old", OLD, grants(&[("prefix", "old: ")], &[]))
        .unwrap();
    assert_eq!(echo.world(), World::Processor);
    assert_eq!(reply(&echo.handle(&sms("hi")).await.unwrap()), "old: hi");
    let mut counter = rt
        .load_processor("old-kv", OLD, grants(&[("mode", "kv")], &[]))
        .unwrap();
    assert_eq!(reply(&counter.handle(&sms("x")).await.unwrap()), "count 1");
    assert_eq!(reply(&counter.handle(&sms("x")).await.unwrap()), "count 2");
    // And under the world the caller asks for by name.
    assert_eq!(
        rt.load("old", OLD, Grants::default()).unwrap().world(),
        World::Processor
    );
}

#[test]
fn a_component_needing_a_newer_contract_is_refused_naming_both_versions() {
    let rt = runtime();
    let newer = std::fs::read(NEWER).expect("built newer-version test processor");
    let error = match rt.load_processor("newer", &newer, Grants::default()) {
        Err(e) => e,
        Ok(_) => panic!("a 0.1.2 component loaded on a 0.1.1 host"),
    };
    match &error {
        LoadError::NewerContract { speaks, found } => {
            assert_eq!(*speaks, CONTRACT);
            assert_eq!(CONTRACT, "plutanium:gateway@0.1.1");
            assert!(found.ends_with("@0.1.2"), "{found}");
        }
        other => panic!("{other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains("@0.1.2"), "{message}");
    assert!(message.contains("plutanium:gateway@0.1.1"), "{message}");
    assert!(message.contains("upgrade Plutanium"), "{message}");
    // `connector inspect` says the same, without loading it.
    let inspection = rt.inspect(&newer).unwrap();
    assert_eq!(inspection.contract_version.as_deref(), Some("0.1.2"));
    assert_eq!(inspection.incompatibility, Some(message));
}

#[tokio::test(flavor = "current_thread")]
async fn typed_log_fields_keep_their_types() {
    let (captured, _guard) = Captured::this_thread();
    let rt = runtime();
    let mut p = load(&rt, "typed", &[("mode", "log")], &[]);
    assert_eq!(reply(&p.handle(&sms("hi")).await.unwrap()), "logged");
    drop(p);
    let log = captured.text();
    let typed = log
        .lines()
        .find(|l| l.contains("typed fields"))
        .unwrap_or_else(|| panic!("{log}"));
    let fields = typed
        .split_once("fields=")
        .map(|(_, json)| json.split_once(' ').map_or(json, |(j, _)| j))
        .unwrap_or_else(|| panic!("{typed}"));
    let fields: serde_json::Value = serde_json::from_str(fields).unwrap();
    assert_eq!(
        fields,
        serde_json::json!({"status": 200, "ratio": 0.5, "ok": true, "from": "+420777000111", "nan": null})
    );
    assert!(
        typed.contains("typed"),
        "tagged with the connector: {typed}"
    );
    let text = log
        .lines()
        .find(|l| l.contains("text fields"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(text.contains(r#"fields={"status":"200"}"#), "{text}");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
