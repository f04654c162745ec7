//! `plutanium config check FILE`: the resolved config, or every error with
//! `FILE:line:col`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;

/// The exit code for a config that does not load (sysexits' EX_CONFIG).
pub(crate) const EXIT_CONFIG: u8 = 78;

/// `plutanium config` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Check a config file: print it resolved (JSON), or every error with
    /// FILE:LINE:COL and exit with 78.
    Check {
        /// The YAML file.
        file: PathBuf,
    },
}

/// A config with errors; main prints them, one per line, and exits with
/// [`EXIT_CONFIG`].
#[derive(Debug)]
pub(crate) struct InvalidConfig(pub(crate) Vec<String>);

impl std::fmt::Display for InvalidConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for InvalidConfig {}

/// Reads and resolves `file` with the process environment.
pub(crate) fn load(file: &Path) -> Result<plutanium_core::config::Config> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let env = |name: &str| std::env::var(name).ok();
    plutanium_core::config::load(&text, &env).map_err(|errors| {
        anyhow::Error::new(InvalidConfig(
            errors
                .iter()
                .map(|e| format!("{}:{e}", file.display()))
                .collect(),
        ))
    })
}

pub(crate) fn run(cmd: ConfigCommand) -> Result<()> {
    match cmd {
        ConfigCommand::Check { file } => {
            let mut config = load(&file)?;
            // Values that came from the environment are secrets, most likely.
            for connector in &mut config.connectors {
                let secret = connector.secret_keys.clone();
                for (key, value) in &mut connector.config {
                    if secret.contains(key) {
                        *value = "<redacted>".into();
                    }
                }
            }
            println!("{}", serde_json::to_string_pretty(&config)?);
            Ok(())
        }
    }
}
