//! `plutanium connector ...`: look at connector components.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Subcommand;
use plutanium_runtime::{MemoryKv, Runtime, RuntimeConfig};
use serde_json::json;

/// `plutanium connector` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ConnectorCommand {
    /// Describe a component: world, contract version, imports, exports, size,
    /// and whether this Plutanium can load it (JSON).
    Inspect {
        /// The component (.wasm).
        file: PathBuf,
    },
}

pub(crate) fn run(cmd: ConnectorCommand) -> Result<()> {
    match cmd {
        ConnectorCommand::Inspect { file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let runtime = Runtime::new(RuntimeConfig::default(), Arc::new(MemoryKv::default()))?;
            let inspection = runtime
                .inspect(&bytes)
                .with_context(|| format!("{} is not a usable component", file.display()))?;
            println!(
                "{}",
                json!({
                    "file": file.display().to_string(),
                    "world": inspection.world.map(|w| w.name()),
                    "contract_version": inspection.contract_version,
                    "imports": inspection.imports,
                    "exports": inspection.exports,
                    "size": inspection.size,
                    "compatible": inspection.incompatibility.is_none(),
                    "incompatibility": inspection.incompatibility,
                })
            );
        }
    }
    Ok(())
}
