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
    /// Log lines as plain text (journald-friendly) or as JSON objects.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
}

/// How log lines look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LogFormat {
    /// `LEVEL target: message key=value`, no time stamp (journald adds one).
    Text,
    /// One JSON object per line.
    Json,
}

/// Runs the gateway until SIGINT or SIGTERM, then stops polling, lets each
/// modem finish its command, and exits 0. SIGHUP reloads the config.
pub(crate) async fn run(args: RunArgs) -> Result<()> {
    let config = crate::config_cli::load(&args.config)?;
    check_runnable(&config, false)?;
    let data_dir = crate::data_dir::resolve(args.data_dir)?;
    let store = Arc::new(match &config.store {
        StoreLocation::Sqlite(path) => SqliteStore::open(path)
            .with_context(|| format!("cannot open the store {}", path.display()))?,
        StoreLocation::Memory => SqliteStore::open_in_memory()?,
    });
    let store_location = config.store.clone();
    let start = |config| {
        Gateway::start(
            config,
            store.clone(),
            Catalog::new(&data_dir),
            Some(data_dir.join("cache")),
            None,
            |_| {},
        )
    };
    let mut current = config.clone();
    let mut gateway = start(config).await?;
    let notifier = crate::sd_notify::Notifier::from_env();
    notifier.notify("READY=1\nSTATUS=running");
    tracing::info!("running");
    let watchdog = notifier.watchdog_interval().map(|every| {
        let pinger = crate::sd_notify::Notifier::from_env();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                pinger.notify("WATCHDOG=1");
            }
        })
    });
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate()).context("cannot watch for SIGTERM")?;
    let mut hangup = signal(SignalKind::hangup()).context("cannot watch for SIGHUP")?;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = terminate.recv() => break,
            _ = hangup.recv() => {
                // Reload: a config that does not load leaves the running one alone.
                notifier.notify("RELOADING=1");
                match crate::config_cli::load(&args.config) {
                    Err(e) => tracing::error!(error = %e, "the new config does not load; keeping the running one"),
                    Ok(new) if new.store != store_location => {
                        tracing::error!("the store cannot change on reload; restart the daemon for that");
                    }
                    Ok(new) => {
                        // Modems and connectors restart; the store, and with it
                        // the queue and every connector's KV, stays.
                        gateway.stop().await;
                        match start(new.clone()).await {
                            Ok(reloaded) => {
                                gateway = reloaded;
                                current = new;
                                tracing::info!("reloaded");
                            }
                            Err(e) => {
                                tracing::error!(error = %format!("{e:#}"), "the new config does not start; back to the running one");
                                gateway = start(current.clone()).await?;
                            }
                        }
                    }
                }
                notifier.notify("READY=1\nSTATUS=running");
            }
        }
    }
    tracing::info!("stopping");
    notifier.notify("STOPPING=1\nSTATUS=stopping");
    gateway.stop().await;
    if let Some(watchdog) = watchdog {
        watchdog.abort();
    }
    Ok(())
}
