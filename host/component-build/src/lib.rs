//! Compiles connector crates to `wasm32-wasip2` components from a build
//! script, the way wasmtime builds its test programs: a nested `cargo build`
//! with its own target directory, so it never waits on the outer build's lock.
//!
//! Build scripts fail by panicking; every panic here says what to do.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The target connectors are built for.
pub const TARGET: &str = "wasm32-wasip2";

/// Where components are built: `<target dir>/guests`, shared by every host
/// profile so that each component is compiled once.
pub fn guest_target_dir(workspace_root: &Path) -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root.join("target"))
        .join("guests")
}

/// Makes sure the standard library for [`TARGET`] is installed. rustup does
/// not add a `rust-toolchain.toml` target to a toolchain that is already
/// installed, so this asks it to.
pub fn ensure_target() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    let installed = sysroot.is_some_and(|root| root.join("lib/rustlib").join(TARGET).is_dir());
    if installed {
        return;
    }
    let status = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => {
            panic!("`rustup target add {TARGET}` failed ({s}); install the target and build again")
        }
        Err(e) => panic!(
            "the {TARGET} target is missing and rustup cannot be run ({e}); install the target and build again"
        ),
    }
}

/// Builds the crate at `manifest` in release mode for [`TARGET`] into
/// `target_dir`, and returns the path of its `.wasm` (named after `crate_name`
/// with `-` as `_`). Tells cargo to rerun the build script when `watch`
/// changes.
pub fn build_component(manifest: &Path, crate_name: &str, target_dir: &Path) -> PathBuf {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(["build", "--release", "--quiet", "--target", TARGET])
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--target-dir")
        .arg(target_dir)
        // The host build's flags and wrappers (clippy, coverage) are not for the guest.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!(
            "building the component {crate_name} ({}) failed ({s}); the errors are above",
            manifest.display()
        ),
        Err(e) => panic!("cannot run cargo to build the component {crate_name}: {e}"),
    }
    target_dir
        .join(TARGET)
        .join("release")
        .join(format!("{}.wasm", crate_name.replace('-', "_")))
}

/// The componentize-py version Python connectors are built with.
pub const COMPONENTIZE_PY_VERSION: &str = "0.25.1";

/// A command that runs componentize-py, installing it on first use.
///
/// `$PLUTANIUM_COMPONENTIZE_PY` names an executable to use as it is.
/// Otherwise componentize-py [`COMPONENTIZE_PY_VERSION`] is installed with
/// `python3 -m pip install --target` into `<target dir>/tools/` (a plain
/// directory, no virtualenv needed) and run from there.
pub fn componentize_py(workspace_root: &Path) -> Result<Command, String> {
    if let Some(executable) = env::var_os("PLUTANIUM_COMPONENTIZE_PY") {
        return Ok(Command::new(executable));
    }
    let tools = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root.join("target"))
        .join("tools");
    let installed = tools.join(format!("componentize-py-{COMPONENTIZE_PY_VERSION}"));
    if !installed.join("componentize_py").is_dir() {
        // Install beside, then rename: a concurrent installer or an
        // interrupted one never leaves a half-installed directory in place.
        static STAGING: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let staging = tools.join(format!(
            "componentize-py.tmp{}-{}",
            std::process::id(),
            STAGING.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&staging);
        let output = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(["--root-user-action=ignore", "--target"])
            .arg(&staging)
            .arg(format!("componentize-py=={COMPONENTIZE_PY_VERSION}"))
            .output()
            .map_err(|e| format!("cannot run python3 to install componentize-py: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "`python3 -m pip install componentize-py=={COMPONENTIZE_PY_VERSION}` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        if std::fs::rename(&staging, &installed).is_err() {
            // Someone else finished first; theirs is as good.
            let _ = std::fs::remove_dir_all(&staging);
        }
        if !installed.join("componentize_py").is_dir() {
            return Err(format!(
                "{} is not a componentize-py install; remove it and try again",
                installed.display()
            ));
        }
    }
    let mut command = Command::new("python3");
    command
        .env("PYTHONPATH", &installed)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .args([
            "-c",
            "import sys; from componentize_py import script; sys.argv[0] = 'componentize-py'; sys.exit(script())",
        ]);
    Ok(command)
}

/// The oldest Node.js that componentize-js runs on.
pub const NODE_MIN: (u32, u32) = (20, 19);

/// A command that runs componentize-js from `project`'s own `node_modules`
/// (a JavaScript connector: its `package.json` pins componentize-js and its
/// `package-lock.json` every package under it). When it is not installed
/// yet, `npm ci` installs exactly the locked versions first.
///
/// Add the source file, `--wit`, `--world-name` and `-o`.
pub fn componentize_js(project: &Path) -> Result<Command, String> {
    // Tests of one process build in parallel: one `npm ci` at a time.
    static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = INSTALLING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let bin = project.join("node_modules/.bin/componentize-js");
    check_node()?;
    if !bin.exists() {
        let output = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(project)
            .output()
            .map_err(|e| format!("cannot run npm ({e}): install Node.js's npm"))?;
        if !output.status.success() {
            return Err(format!(
                "`npm ci` in {} failed: {}",
                project.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        if !bin.exists() {
            return Err(format!(
                "`npm ci` in {} did not install componentize-js; is it in the package.json's devDependencies?",
                project.display()
            ));
        }
    }
    let mut command = Command::new(bin);
    command.current_dir(project);
    Ok(command)
}

/// Whether `node` is there and at least [`NODE_MIN`].
fn check_node() -> Result<(), String> {
    let (major, minor) = NODE_MIN;
    let wanted = format!(
        "Node.js {major}.{minor} or later is needed to build JavaScript connectors (Debian 12's nodejs package is 18: use the nodejs.org or NodeSource build)"
    );
    let output = Command::new("node")
        .arg("--version")
        .output()
        .map_err(|e| format!("{wanted}; `node` cannot be run: {e}"))?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let mut parts = version
        .trim_start_matches('v')
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let found = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if found < NODE_MIN {
        return Err(format!("{wanted}; this one is {version}"));
    }
    Ok(())
}

/// Builds `source` (an ES module in the JavaScript project `project`) into
/// the component `out` for the contract's `world` (`processor-connector`),
/// with componentize-js from the project's locked `node_modules`
/// ([`componentize_js`]). The incoming-HTTP handler is left out: no world
/// of the contract serves HTTP.
pub fn build_js_component(
    project: &Path,
    source: &str,
    wit: &Path,
    world: &str,
    out: &Path,
) -> Result<(), String> {
    let output = componentize_js(project)?
        .arg(source)
        .arg("--wit")
        .arg(wit)
        .arg("--world-name")
        .arg(format!("plutanium:gateway/{world}@0.1.1"))
        .args(["--disable", "fetch-event", "-o"])
        .arg(out)
        .output()
        .map_err(|e| format!("cannot run componentize-js: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "componentize-js failed on {}: {}{}",
            project.join(source).display(),
            String::from_utf8_lossy(&output.stdout).trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(())
}
