//! `plutanium run --config FILE`: the daemon.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use plutanium_core::config::StoreLocation;
use plutanium_store::{SqliteStore, Store};

use crate::connector_catalog::Catalog;
use crate::gateway::{Gateway, Prepared, check_runnable};

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
    // One daemon per store: a second one would send the same queue twice.
    let _lock = match &config.store {
        StoreLocation::Sqlite(path) => Some(lock_store(path)?),
        StoreLocation::Memory => None,
    };
    let store: Arc<dyn Store> = Arc::new(match &config.store {
        StoreLocation::Sqlite(path) => SqliteStore::open(path)?,
        StoreLocation::Memory => SqliteStore::open_in_memory()?,
    });
    // What a crashed predecessor had claimed is due now, not when its lease
    // runs out.
    let recovered = store.recover_claims(crate::gateway::now_ms())?;
    if recovered > 0 {
        tracing::info!(
            messages = recovered,
            "sending again what was being sent when the last run stopped"
        );
    }
    let store_location = config.store.clone();
    let catalog = Catalog::new(&data_dir);
    let cache_dir = data_dir.join("cache");
    let prepare = |config, running: Option<&Gateway>| {
        Prepared::new(
            config,
            &store,
            &catalog,
            Some(cache_dir.clone()),
            &|_| {},
            running,
        )
    };
    let api_config = config.api.clone();
    let shared_config = Arc::new(config.clone());
    let mut gateway = Gateway::launch_prepared(prepare(config, None)?, store.clone(), None).await;
    let (api_stop, api_stopped) = tokio::sync::watch::channel(false);
    let api = match &api_config {
        Some(settings) => {
            let (state, server) =
                crate::api::start(settings, store.clone(), shared_config, api_stopped).await?;
            state.follow(&gateway);
            Some((state, server))
        }
        None => None,
    };
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
                notifier.notify(&format!(
                    "RELOADING=1\nMONOTONIC_USEC={}",
                    crate::sd_notify::monotonic_usec()
                ));
                // Everything that can fail is done before the running gateway
                // is touched: a config that does not load or start leaves it alone.
                let prepared = crate::config_cli::load(&args.config).and_then(|new| {
                    if new.store != store_location {
                        anyhow::bail!("the store cannot change on reload; restart the daemon for that");
                    }
                    check_runnable(&new, false)?;
                    if new.api != api_config {
                        tracing::warn!("the api settings changed; they take effect at the next start");
                    }
                    let kept = new.clone();
                    prepare(new, Some(&gateway)).map(|prepared| (prepared, kept))
                });
                match prepared {
                    Err(e) => tracing::error!(error = %format!("{e:#}"), "the new config cannot start; keeping the running one"),
                    Ok((prepared, new_config)) => {
                        // Changed modems and every connector restart; unchanged
                        // modems keep running; the store, and with it the queue
                        // and every connector's KV, stays.
                        gateway = gateway.reload(prepared, None).await;
                        if let Some((state, _)) = &api {
                            state.set_config(Arc::new(new_config));
                            state.follow(&gateway);
                            crate::api::reload_tokens(state, api_config.as_ref());
                        }
                        tracing::info!("reloaded");
                    }
                }
                notifier.notify("READY=1\nSTATUS=running");
            }
        }
    }
    tracing::info!("stopping");
    notifier.notify("STOPPING=1\nSTATUS=stopping");
    let _ = api_stop.send(true);
    gateway.stop().await;
    if let Some((_, server)) = api {
        let _ = server.await;
    }
    if let Some(watchdog) = watchdog {
        watchdog.abort();
    }
    Ok(())
}

/// Takes `<store>.lock` for the life of the process, or says who has it.
fn lock_store(store: &std::path::Path) -> Result<nix::fcntl::Flock<std::fs::File>> {
    let mut name = store.as_os_str().to_owned();
    name.push(".lock");
    let path = PathBuf::from(name);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| {
            format!(
                "cannot create the store's lock file {} (is the directory there and writable by this user?)",
                path.display()
            )
        })?;
    nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock).map_err(
        |(_, errno)| match errno {
            nix::errno::Errno::EWOULDBLOCK => anyhow::anyhow!(
                "another plutanium is running on the store {} (it holds {})",
                store.display(),
                path.display()
            ),
            other => anyhow::anyhow!("cannot lock {}: {other}", path.display()),
        },
    )
}
