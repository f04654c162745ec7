//! `plutanium run --config FILE`: the daemon.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use plutanium_core::config::StoreLocation;

use plutanium_catalog::Catalog;
use plutanium_gateway::{Gateway, Setup};

/// `plutanium run` arguments.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The config file.
    #[arg(long)]
    config: PathBuf,
    /// The data directory (installed connectors, compile cache).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// This node's name among the daemons sharing a PostgreSQL store: who
    /// drives which modem (shown in the modem list) and holds its lease.
    /// Every node may run the same config file. Default: the host name.
    #[arg(long, value_name = "NAME")]
    node: Option<String>,
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

/// Tells systemd the gateway runs (at start and after a reload), then lets
/// go of what getting there took.
fn ready(notifier: &crate::sd_notify::Notifier) {
    notifier.notify("READY=1\nSTATUS=running");
    crate::memory::release_start_pages();
}

/// Runs the gateway until SIGINT or SIGTERM, then stops polling, lets each
/// modem finish its command, and exits 0. SIGHUP reloads the config.
pub(crate) async fn run(args: RunArgs) -> Result<()> {
    let config = crate::cli::config::load(&args.config)?;
    let data_dir = crate::data_dir::resolve(args.data_dir)?;
    // One daemon per SQLite file: a second one would send the same queue
    // twice. Several daemons may share a PostgreSQL database.
    let _lock = match &config.store {
        StoreLocation::Sqlite(path) => Some(crate::store::lock(path)?),
        StoreLocation::Memory | StoreLocation::Postgres { .. } => None,
    };
    // Off the async workers: a PostgreSQL client blocks (and refuses to
    // run on one).
    let (location, tls) = (config.store.clone(), config.tls.clone());
    let store = tokio::task::spawn_blocking(move || {
        crate::store::open(&location, &tls, crate::store::Opener::Daemon)
    })
    .await
    .context("opening the store did not finish")??;
    // The outcome journal beside a SQLite file (see plutanium_gateway::journal).
    let journal = match &config.store {
        StoreLocation::Sqlite(path) => Some(plutanium_gateway::journal::beside(path)),
        StoreLocation::Memory | StoreLocation::Postgres { .. } => None,
    };
    if store.shared() {
        // The rows still being sent may be another live node's: they come
        // back when their lease runs out, not now.
        tracing::info!(
            "on a shared PostgreSQL store: rows a stopped node was sending are sent again when their lease runs out"
        );
    } else {
        // Outcomes a crashed predecessor had on file and not in the store
        // first: those sends are done, and must not go again.
        if let Some(journal) = &journal {
            let replayed = plutanium_gateway::journal::replay(store.as_ref(), journal)?;
            if !replayed.applied.is_empty() {
                tracing::info!(
                    messages = replayed.applied.len(),
                    journal = %journal.display(),
                    "recorded the outcomes of sends the last run made and had not committed when it stopped"
                );
            }
            if replayed.unreadable > 0 {
                tracing::warn!(
                    lines = replayed.unreadable,
                    journal = %journal.display(),
                    "unreadable lines in the outcome journal (torn by a power cut): those sends go again"
                );
            }
        }
        // What a crashed predecessor had claimed is due now, not when its
        // lease runs out.
        let recovered = store.recover_claims(plutanium_core::time::now())?;
        if !recovered.is_empty() {
            let ids: Vec<String> = recovered.iter().map(|id| format!("out-{id}")).collect();
            tracing::warn!(
                messages = %ids.join(", "),
                "sending again what was being sent when the last run stopped without a clean shutdown; the network may have taken some already, so each may arrive twice"
            );
        }
    }
    let node = match args.node {
        Some(node) if node.trim().is_empty() => {
            anyhow::bail!(
                "--node: the node name is empty; give each node a name of its own, or leave --node out to use the host name"
            )
        }
        Some(node) => node,
        None => host_name(),
    };
    let mut setup = Setup::new(store, Catalog::new(&data_dir))
        .compile_cache(data_dir.join("cache"))
        .node(node);
    if let Some(journal) = &journal {
        setup = setup.outcome_journal(plutanium_gateway::journal::OutcomeJournal::open(journal)?);
    }
    let api_config = config.api.clone();
    let mut gateway = Gateway::start(config, setup).await?;
    let (api_stop, api_stopped) = tokio::sync::watch::channel(false);
    let api = match &api_config {
        Some(settings) => {
            Some(plutanium_api::start(settings, gateway.handle(), api_stopped).await?)
        }
        None => None,
    };
    let notifier = crate::sd_notify::Notifier::from_env();
    ready(&notifier);
    tracing::info!("running");
    // Fed only while the router, the dispatcher and every modem show life
    // by when they said they would: a gateway that deadlocks stops feeding
    // it, and systemd restarts the daemon.
    let watchdog = notifier.watchdog_interval().map(|every| {
        let pinger = crate::sd_notify::Notifier::from_env();
        let liveness = gateway.handle().liveness().clone();
        tokio::spawn(async move {
            let mut stalled_before = false;
            loop {
                tokio::time::sleep(every).await;
                let stalled = liveness.stalled(std::time::Instant::now());
                if stalled.is_empty() {
                    if stalled_before {
                        tracing::warn!("every task shows life again; feeding the systemd watchdog");
                    }
                    pinger.notify("WATCHDOG=1");
                } else if !stalled_before {
                    let names: Vec<String> = stalled.iter().map(ToString::to_string).collect();
                    tracing::error!(
                        stalled = %names.join(", "),
                        "stuck: not feeding the systemd watchdog, so systemd restarts the daemon when WatchdogSec runs out"
                    );
                }
                stalled_before = !stalled.is_empty();
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
                // A config that does not load or start leaves the running
                // gateway alone: the gateway prepares everything first.
                let reloaded = match crate::cli::config::load(&args.config) {
                    Ok(new) => {
                        if new.api != api_config {
                            tracing::warn!("the api settings changed; they take effect at the next start");
                        }
                        gateway.reload(new).await.map_err(anyhow::Error::from)
                    }
                    Err(e) => Err(e),
                };
                match reloaded {
                    Err(e) => tracing::error!(error = %format!("{e:#}"), "the new config cannot start; keeping the running one"),
                    Ok(()) => {
                        // Changed modems and connectors restart; unchanged
                        // ones keep running; the store, and with it the
                        // queue and every connector's KV, stays.
                        if let Some(api) = &api {
                            plutanium_api::reload_tokens(&api.state, api_config.as_ref());
                        }
                        tracing::info!("reloaded");
                    }
                }
                ready(&notifier);
            }
        }
    }
    tracing::info!("stopping");
    notifier.notify("STOPPING=1\nSTATUS=stopping");
    let _ = api_stop.send(true);
    gateway.stop().await;
    if let Some(api) = api {
        let _ = api.server.await;
    }
    if let Some(watchdog) = watchdog {
        watchdog.abort();
    }
    Ok(())
}

/// This machine's host name, the default node name.
fn host_name() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|name| name.into_string().ok())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".into())
}
