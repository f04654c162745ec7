//! Wake-ups through PostgreSQL's `LISTEN/NOTIFY`: a commit that adds outbox
//! rows notifies `plutanium_outbox`, and every node that watches the outbox
//! hears it on a connection of its own, so the node that drives a modem
//! sends a message another node accepted at once instead of at its next
//! look.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls};

use super::PgStore;
use crate::{OutboxWatch, StoreError, Wake};

/// The channel new outbox rows are announced on.
pub(super) const OUTBOX_CHANNEL: &str = "plutanium_outbox";

/// How often the listening thread looks whether its watch was dropped, and
/// waits between attempts to connect again.
const LOOK_EVERY: Duration = Duration::from_secs(1);

fn listen(config: &postgres::Config) -> Result<Client, postgres::Error> {
    let mut client = config.connect(NoTls)?;
    client.batch_execute(&format!("LISTEN {OUTBOX_CHANNEL}"))?;
    Ok(client)
}

impl PgStore {
    /// See [`Store::watch_outbox`](crate::Store::watch_outbox): a thread with
    /// a connection of its own that listens, reconnecting when the server
    /// goes away (and waking once then, as a notification may have been
    /// missed).
    pub fn watch_outbox(&self, wake: Wake) -> Result<Option<OutboxWatch>, StoreError> {
        // The first connection here, so a watch that cannot start says so.
        let client =
            listen(&self.config).map_err(|e| StoreError::from(e).opening(&self.location))?;
        let stop = Arc::new(AtomicBool::new(false));
        let (config, location, stopped) =
            (self.config.clone(), self.location.clone(), stop.clone());
        std::thread::Builder::new()
            .name("plutanium-listen".into())
            .spawn(move || run(client, &config, &location, &wake, &stopped))
            .map_err(|e| StoreError::Unavailable {
                reason: format!("cannot start the thread that listens for new messages: {e}"),
            })?;
        Ok(Some(OutboxWatch::new(stop)))
    }
}

fn run(
    mut client: Client,
    config: &postgres::Config,
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
                tracing::warn!(store = %location, error = %e, "lost the connection that listens for new messages; connecting again");
                client = loop {
                    if stop.load(Ordering::Acquire) {
                        return;
                    }
                    std::thread::sleep(LOOK_EVERY);
                    if let Ok(client) = listen(config) {
                        break client;
                    }
                };
                wake();
            }
        }
    }
}
