//! The Plutanium gateway engine: modems, store, connectors and routes wired
//! together.
//!
//! What it is: [`Gateway::start`] takes a resolved config and a [`Setup`]
//! (the store, where components come from) and runs everything the config
//! names; [`Gateway::reload`] swaps in a new config and keeps what did not
//! change; [`Gateway::stop`] finishes what is in flight. A
//! [`GatewayHandle`] is what the rest of the program holds: it queues
//! messages (checked against the config's policy), streams live events,
//! and reports the modems and connectors now running. The REST API sees
//! nothing else.
//!
//! How a message moves, one file each:
//! - `inbound`: each modem's events are committed to the
//!   store, and only then acknowledged (so the modem deletes them);
//! - `router`: routes run their processors through the runtime, and the
//!   resulting messages are committed to the outbox under their idempotency
//!   keys;
//! - `sender`: a dispatcher claims due outbox rows and hands them to one
//!   worker per modem;
//! - `upkeep`: sources are polled on their interval and acknowledged after
//!   their messages are committed; retention and expiry run here;
//! - [`live`]: what happened, after it is committed, for whoever listens;
//! - [`oauth`]: access tokens for connectors, which never see them;
//! - [`journal`]: each send's outcome on file before the modem's next
//!   send, so that the next PDU need not wait for the store's commit;
//! - `accept`: sends from the API and tools committed in groups, each
//!   durable before it is answered;
//! - `cluster`: on a store several nodes share, which node drives which
//!   modem and polls which source (leases), and the store's clock.
//!
//! Every store call runs on a blocking thread, never on a modem's task.
//!
//! What it is not: a server or a command line. It opens no listening
//! socket; `plutanium-api` serves a [`GatewayHandle`] over HTTP, and the
//! `plutanium` binary parses arguments and prints.

mod accept;
mod cluster;
mod gateway;
mod handle;
mod inbound;
pub mod journal;
pub mod live;
pub mod oauth;
pub mod outbound;
mod prepare;
mod router;
mod sender;
mod upkeep;

use std::sync::{Arc, OnceLock};

use plutanium_store::{Store, StoreError};

pub use cluster::{Clock, Cluster, LEASE_TTL};
pub use gateway::Gateway;
pub use handle::{ConnectorStatsMap, GatewayHandle, modems_with_info};
pub use prepare::{PrepareError, Setup};

/// Why a store call made from the gateway's tasks failed.
#[derive(Debug, thiserror::Error)]
enum BlockingError {
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The blocking thread panicked or was cancelled at shutdown.
    #[error("a store call did not finish: {0}")]
    Join(#[from] tokio::task::JoinError),
}

/// Runs `f` on the store from a blocking thread.
async fn blocking<R: Send + 'static>(
    store: &Arc<dyn Store>,
    f: impl FnOnce(&dyn Store) -> Result<R, StoreError> + Send + 'static,
) -> Result<R, BlockingError> {
    let store = store.clone();
    Ok(tokio::task::spawn_blocking(move || f(store.as_ref())).await??)
}

/// Watches `channel` on the store, notifying `wake` for each commit another
/// process makes there; held as long as the returned watch is. When the
/// store cannot watch, one warning says what happens instead (`fallback`).
async fn watch(
    store: &Arc<dyn Store>,
    channel: plutanium_store::Channel,
    wake: Arc<tokio::sync::Notify>,
    fallback: &str,
) -> Option<plutanium_store::Watch> {
    let notify: plutanium_store::Wake = Arc::new(move || wake.notify_one());
    match blocking(store, move |s| s.watch(channel, notify)).await {
        Ok(watch) => watch,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for other nodes' commits; {fallback}");
            None
        }
    }
}

/// Crash-test hook: when `PLUTANIUM_FAILPOINT` names `point`, the process
/// aborts there, as a `kill -9` at exactly that moment would. The crash
/// tests use it to stop the daemon between a commit and what follows it.
fn failpoint(point: &str) {
    static ARMED: OnceLock<Option<String>> = OnceLock::new();
    let armed = ARMED.get_or_init(|| std::env::var("PLUTANIUM_FAILPOINT").ok());
    if armed.as_deref() == Some(point) {
        eprintln!("failpoint {point}: aborting");
        std::process::abort();
    }
}
