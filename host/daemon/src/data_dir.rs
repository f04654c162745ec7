//! Where the daemon keeps its state: installed connectors, the compile cache
//! and (later) the store.

use std::path::PathBuf;

use anyhow::{Result, bail};

/// The data directory: `--data-dir`, else `$PLUTANIUM_DATA_DIR`, else
/// systemd's `$STATE_DIRECTORY`, else `$XDG_DATA_HOME/plutanium`, else
/// `~/.local/share/plutanium`.
pub(crate) fn resolve(explicit: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir);
    }
    let from_env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = from_env("PLUTANIUM_DATA_DIR") {
        return Ok(dir);
    }
    if let Some(dirs) = std::env::var_os("STATE_DIRECTORY") {
        // systemd may list several, separated by ':'; the first is ours.
        if let Some(first) = std::env::split_paths(&dirs)
            .next()
            .filter(|d| !d.as_os_str().is_empty())
        {
            return Ok(first);
        }
    }
    if let Some(dir) = from_env("XDG_DATA_HOME") {
        return Ok(dir.join("plutanium"));
    }
    if let Some(home) = from_env("HOME") {
        return Ok(home.join(".local/share/plutanium"));
    }
    bail!("no data directory: pass --data-dir or set PLUTANIUM_DATA_DIR")
}
