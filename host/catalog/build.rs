//! Builds the built-in connectors (`connectors/*`) to wasm32-wasip2
//! components and embeds them in the binary, so a fresh install has them by
//! name.

use std::env;
use std::fmt::Write as _;
use std::path::PathBuf;

use plutanium_component_build::{build_component, ensure_target, guest_target_dir};

fn main() {
    let manifest =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.join("../..");
    let connectors = root.join("connectors");
    for watched in [&connectors, &root.join("sdk"), &root.join("wit")] {
        println!("cargo:rerun-if-changed={}", watched.display());
    }
    let mut names: Vec<String> = std::fs::read_dir(&connectors)
        .expect("the connectors/ directory is readable")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    ensure_target();
    let target_dir = guest_target_dir(&root);
    let mut table = String::from(
        "/// The built-in connectors: name and component bytes, sorted by name.\n\
         const BUILTIN_CONNECTORS: &[(&str, &[u8])] = &[\n",
    );
    for name in &names {
        let wasm = build_component(&connectors.join(name).join("Cargo.toml"), name, &target_dir);
        writeln!(
            table,
            "    ({name:?}, include_bytes!({:?})),",
            wasm.display().to_string()
        )
        .expect("writing to a string");
    }
    table.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("builtin_connectors.rs"), table).expect("OUT_DIR is writable");
}
