//! Wake-ups through PostgreSQL's `LISTEN/NOTIFY`: a commit that adds outbox
//! rows notifies `plutanium_outbox`, one that adds live events
//! `plutanium_live`, and every node that watches hears it on a connection of
//! its own: the node that drives a modem sends a message another node
//! accepted at once, and every node's event stream shows every node's
//! events, instead of at their next look.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::PgStore;
use crate::{Channel, StoreError, Wake, Watch};

/// How often the listening thread looks whether its watch was dropped, and
/// waits between attempts to connect again.
const LOOK_EVERY: Duration = Duration::from_secs(1);

fn listen(
    config: &postgres::Config,
    tls: &MakeRustlsConnect,
    channel: Channel,
) -> Result<Client, postgres::Error> {
    let mut client = config.connect(tls.clone())?;
    client.batch_execute(&format!("LISTEN {}", channel.name()))?;
    Ok(client)
}

impl PgStore {
    /// See [`Store::watch`](crate::Store::watch): a thread with a connection
    /// of its own that listens, reconnecting when the server goes away (and
    /// waking once then, as a notification may have been missed).
    pub fn watch(&self, channel: Channel, wake: Wake) -> Result<Option<Watch>, StoreError> {
        // The first connection here, so a watch that cannot start says so.
        let client = listen(&self.config, &self.tls, channel)
            .map_err(|e| StoreError::from(e).opening(&self.location))?;
        let stop = Arc::new(AtomicBool::new(false));
        let (config, tls, location, stopped) = (
            self.config.clone(),
            self.tls.clone(),
            self.location.clone(),
            stop.clone(),
        );
        std::thread::Builder::new()
            .name("plutanium-listen".into())
            .spawn(move || run(client, channel, &config, &tls, &location, &wake, &stopped))
            .map_err(|e| StoreError::Unavailable {
                reason: format!(
                    "cannot start the thread that listens for other nodes' commits: {e}"
                ),
            })?;
        Ok(Some(Watch::new(stop)))
    }
}

fn run(
    mut client: Client,
    channel: Channel,
    config: &postgres::Config,
    tls: &MakeRustlsConnect,
    location: &str,
    wake: &Wake,
    stop: &AtomicBool,
) {
    while !stop.load(Ordering::Acquire) {
        let heard = client.notifications().timeout_iter(LOOK_EVERY).next();
        match heard {
            Ok(Some(_)) => wake(),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(store = %location, channel = channel.name(), error = %e, "lost the connection that listens for other nodes' commits; connecting again");
                client = loop {
                    if stop.load(Ordering::Acquire) {
                        return;
                    }
                    std::thread::sleep(LOOK_EVERY);
                    if let Ok(client) = listen(config, tls, channel) {
                        break client;
                    }
                };
                wake();
            }
        }
    }
}
