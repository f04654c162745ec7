//! Builds the test connectors in `tests/guests/` to wasm32-wasip2 components, so
//! the runtime's tests load real components compiled from source.

use std::env;
use std::path::PathBuf;
use std::process::Command;

const GUESTS: &[&str] = &["processor", "sink", "source", "future"];

fn main() {
    let manifest =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let guests = manifest.join("tests/guests");
    let wit = manifest.join("../../wit");
    println!("cargo:rerun-if-changed={}", guests.display());
    println!("cargo:rerun-if-changed={}", wit.display());
    // One shared target directory for every guest and every host profile, so a
    // guest is compiled once, not once per check/test/doc build.
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../target"))
        .join("guests");
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for name in GUESTS {
        let status = Command::new(&cargo)
            .args(["build", "--release", "--quiet", "--target", "wasm32-wasip2"])
            .arg("--manifest-path")
            .arg(guests.join(name).join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&target_dir)
            // The host build's flags and wrappers (clippy, coverage) are not for the guest.
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("RUSTC_WRAPPER")
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env_remove("CARGO_TARGET_DIR")
            .status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => panic!(
                "building the test connector {name} failed ({s}); is the wasm32-wasip2 target installed? (rustup target add wasm32-wasip2)"
            ),
            Err(e) => panic!("cannot run cargo to build the test connector {name}: {e}"),
        }
        let crate_name = format!("plutanium_test_{name}");
        let wasm = target_dir
            .join("wasm32-wasip2/release")
            .join(format!("{crate_name}.wasm"));
        println!(
            "cargo:rustc-env=PLUTANIUM_TEST_GUEST_{}={}",
            name.to_uppercase(),
            wasm.display()
        );
    }
}
