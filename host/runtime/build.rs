//! Builds the test connectors in `tests/guests/` and the Rust example
//! connectors in `examples/connectors/` to wasm32-wasip2 components, so the
//! runtime's tests load real components compiled from source.

use std::env;
use std::path::PathBuf;

use plutanium_component_build::{build_component, ensure_target, guest_target_dir};

/// Test guests: directory under `tests/guests/`, crate name.
const GUESTS: &[(&str, &str)] = &[
    ("processor", "plutanium-test-processor"),
    ("sink", "plutanium-test-sink"),
    ("source", "plutanium-test-source"),
    ("future", "plutanium-test-future"),
    ("newer", "plutanium-test-newer"),
];

/// Example connectors: directory under `examples/connectors/`, crate name.
const EXAMPLES: &[(&str, &str)] = &[("rust-webhook", "rust-webhook")];

fn main() {
    let manifest =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.join("../..");
    for watched in [
        "tests/guests",
        "../../wit",
        "../../sdk",
        "../../examples/connectors",
    ] {
        println!(
            "cargo:rerun-if-changed={}",
            manifest.join(watched).display()
        );
    }
    ensure_target();
    let target_dir = guest_target_dir(&root);
    for (dir, crate_name) in GUESTS {
        let wasm = build_component(
            &manifest.join("tests/guests").join(dir).join("Cargo.toml"),
            crate_name,
            &target_dir,
        );
        println!(
            "cargo:rustc-env=PLUTANIUM_TEST_GUEST_{}={}",
            dir.to_uppercase(),
            wasm.display()
        );
    }
    for (dir, crate_name) in EXAMPLES {
        let wasm = build_component(
            &root
                .join("examples/connectors")
                .join(dir)
                .join("Cargo.toml"),
            crate_name,
            &target_dir,
        );
        println!(
            "cargo:rustc-env=PLUTANIUM_EXAMPLE_{}={}",
            dir.to_uppercase().replace('-', "_"),
            wasm.display()
        );
    }
}
