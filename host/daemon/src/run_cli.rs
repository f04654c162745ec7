//! `plutanium run --config FILE`: the daemon.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use plutanium_core::config::StoreLocation;
use plutanium_store::SqliteStore;

use crate::connector_catalog::Catalog;
use crate::gateway::{Gateway, check_runnable};

/// `plutanium run` arguments.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The config file.
    #[arg(long)]
    config: PathBuf,
    /// The data directory (installed connectors, compile cache).
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

/// Runs the gateway until SIGINT or SIGTERM, then stops polling, lets each
/// modem finish its command, and exits 0.
pub(crate) async fn run(args: RunArgs) -> Result<()> {
    let config = crate::config_cli::load(&args.config)?;
    check_runnable(&config, false)?;
    let data_dir = crate::data_dir::resolve(args.data_dir)?;
    let store = match &config.store {
        StoreLocation::Sqlite(path) => SqliteStore::open(path)
            .with_context(|| format!("cannot open the store {}", path.display()))?,
        StoreLocation::Memory => SqliteStore::open_in_memory()?,
    };
    let gateway = Gateway::start(
        config,
        Arc::new(store),
        Catalog::new(&data_dir),
        Some(data_dir.join("cache")),
        None,
        |_| {},
    )
    .await?;
    tracing::info!("running");
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot watch for SIGTERM")?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    tracing::info!("stopping");
    gateway.stop().await;
    Ok(())
}
