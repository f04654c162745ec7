//! Async front ends: the network on a tokio runtime, reachable in-process
//! (`sim://NAME`), over TCP, and through a control handle.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use plutanium_modem::{InProcessPorts, Port};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::time::Instant;
use tracing::debug;

use crate::ModemConfig;
use crate::network::{Fault, Latency, ModemId, ModemSummary, Network, PhoneMessage, SimError};

struct Shared {
    network: Mutex<Network>,
    start: Instant,
    /// Something was scheduled or changed: the clock task re-plans.
    kick: Notify,
    /// Output may be waiting: sessions look.
    changed: Notify,
}

/// A running simulated network. Cheap to clone; all clones share one network.
#[derive(Clone)]
pub struct Simulator {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator").finish_non_exhaustive()
    }
}

impl Simulator {
    /// Starts an empty network on the current tokio runtime.
    pub fn start(seed: u64, latency: Latency) -> Self {
        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let shared = Arc::new(Shared {
            network: Mutex::new(Network::new(seed, latency, epoch)),
            start: Instant::now(),
            kick: Notify::new(),
            changed: Notify::new(),
        });
        tokio::spawn(clock(Arc::downgrade(&shared)));
        Simulator { shared }
    }

    fn now(&self) -> Duration {
        self.shared.start.elapsed()
    }

    pub(crate) fn network(&self) -> MutexGuard<'_, Network> {
        // A panic while holding the lock would be a simulator bug; keep serving.
        self.shared
            .network
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` on the network at the current simulated time, then wakes the
    /// sessions and the clock.
    pub fn with_network<R>(&self, f: impl FnOnce(&mut Network, Duration) -> R) -> R {
        let now = self.now();
        let result = {
            let mut net = self.network();
            let r = f(&mut net, now);
            net.tick(now);
            r
        };
        self.shared.kick.notify_one();
        self.shared.changed.notify_waiters();
        result
    }

    /// Adds a modem.
    pub fn add_modem(&self, config: ModemConfig) -> Result<ModemId, SimError> {
        self.with_network(|net, _| net.add_modem(config))
    }

    /// A phone sends an SMS to a modem.
    pub fn phone_send(&self, from: &str, to: &str, text: &str) -> Result<usize, SimError> {
        self.with_network(|net, now| net.phone_send(from, to, text, now))
    }

    /// Many phones send, in order, under one hold of the network. Stops at
    /// the first SMS that cannot be sent and returns its index: the ones
    /// before it are sent. Returns the parts of each.
    pub fn phone_send_batch(
        &self,
        batch: &[(&str, &str, &str)],
    ) -> Result<Vec<usize>, (usize, SimError)> {
        self.with_network(|net, now| {
            batch
                .iter()
                .enumerate()
                .map(|(i, (from, to, text))| {
                    net.phone_send(from, to, text, now).map_err(|e| (i, e))
                })
                .collect()
        })
    }

    /// A phone sends only some parts (0-based) of a long SMS, with the
    /// concatenation reference given; see [`Network::phone_send_parts`].
    pub fn phone_send_parts(
        &self,
        from: &str,
        to: &str,
        text: &str,
        reference: u8,
        only: &[usize],
    ) -> Result<usize, SimError> {
        self.with_network(|net, now| {
            net.phone_send_parts(from, to, text, reference, Some(only), now)
        })
    }

    /// A phone calls a modem.
    pub fn call(&self, from: &str, to: &str) -> Result<(), SimError> {
        self.with_network(|net, now| net.call(from, to, now))
    }

    /// Sets the time between two RINGs of one call (5 s unless changed).
    pub fn set_ring_interval(&self, interval: Duration) {
        self.with_network(|net, _| net.set_ring_interval(interval));
    }

    /// What a phone received.
    pub fn phone_inbox(&self, number: &str) -> Vec<PhoneMessage> {
        self.network().phone_inbox(number)
    }

    /// Injects a fault.
    pub fn inject(&self, modem: &str, fault: Fault) -> Result<(), SimError> {
        self.with_network(|net, now| {
            let id = net.modem_id(modem)?;
            net.inject(id, fault, now)
        })
    }

    /// Every modem.
    pub fn modems(&self) -> Vec<ModemSummary> {
        self.network().modems()
    }

    /// Opens an in-process connection to a modem (what `sim://NAME` does).
    pub fn connect(&self, modem: &str) -> Result<DuplexStream, SimError> {
        let (id, generation) = {
            let net = self.network();
            let id = net.modem_id(modem)?;
            let (plugged, generation) = net.plug_state(id);
            if !plugged {
                return Err(SimError::Unplugged(modem.to_string()));
            }
            (id, generation)
        };
        let (host, device) = tokio::io::duplex(64 * 1024);
        tokio::spawn(session(self.clone(), id, generation, device));
        Ok(host)
    }

    /// Serves a modem on a TCP listener, one host at a time, like ser2net.
    /// Connections while the modem is unplugged are closed at once.
    pub async fn serve_tcp(&self, modem: &str, listener: TcpListener) -> Result<(), SimError> {
        let id = self.network().modem_id(modem)?;
        let mut serving: Option<tokio::task::JoinHandle<()>> = None;
        loop {
            let Ok((stream, peer)) = listener.accept().await else {
                // Out of file descriptors and the like: do not spin.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            };
            let _ = stream.set_nodelay(true);
            let (plugged, generation) = self.network().plug_state(id);
            if !plugged {
                debug!(%peer, modem, "refusing a connection to an unplugged modem");
                continue;
            }
            // One host at a time, and the newest wins (as ser2net with
            // `kickolduser: true`): a gateway node that froze with the port
            // open must not keep out the node that took the modem over.
            if let Some(old) = serving.take() {
                old.abort();
                let _ = old.await;
                debug!(%peer, modem, "a new host takes the modem; the old connection is closed");
            }
            serving = Some(tokio::spawn(session(self.clone(), id, generation, stream)));
        }
    }
}

#[cfg(unix)]
impl Simulator {
    /// Serves a modem on a new pseudo-terminal and points `link` (for example
    /// `/tmp/ttyGSM`) at it, so any program that opens serial ports can use the
    /// modem. Runs until the modem is removed; re-plugs are followed.
    ///
    /// `created` learns whether the pty could be made, as soon as it is known.
    pub async fn serve_pty(
        &self,
        modem: &str,
        link: &std::path::Path,
        created: tokio::sync::oneshot::Sender<Result<(), SimError>>,
    ) -> Result<(), SimError> {
        let opened = self.network().modem_id(modem).and_then(|id| {
            crate::pty::PtyMaster::open(link)
                .map(|pty| (id, pty))
                .map_err(|e| {
                    SimError::Io(format!("cannot create a pty at {}: {e}", link.display()))
                })
        });
        let (id, mut pty) = match opened {
            Ok(v) => {
                let _ = created.send(Ok(()));
                v
            }
            Err(e) => {
                let _ = created.send(Err(e.clone()));
                return Err(e);
            }
        };
        loop {
            let (plugged, generation) = self.network().plug_state(id);
            if plugged {
                session(self.clone(), id, generation, &mut pty).await;
            } else {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

impl InProcessPorts for Simulator {
    fn open(&self, name: &str) -> std::io::Result<Port> {
        self.connect(name)
            .map(|s| Box::new(s) as Port)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::NotFound, e.to_string()))
    }
}

/// Runs the network's schedule in time. Ends once every [`Simulator`] handle is gone
/// (it looks at least once a second).
async fn clock(shared: std::sync::Weak<Shared>) {
    loop {
        let Some(s) = shared.upgrade() else { return };
        if Arc::strong_count(&s) == 1 {
            return;
        }
        let kicked = s.kick.notified();
        tokio::pin!(kicked);
        kicked.as_mut().enable();
        let next = {
            let mut net = s
                .network
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            net.tick(s.start.elapsed());
            net.next_wakeup()
        };
        s.changed.notify_waiters();
        let limit = Instant::now() + Duration::from_secs(1);
        let wake = next.map_or(limit, |at| (s.start + at).min(limit));
        tokio::select! {
            _ = tokio::time::sleep_until(wake) => {}
            _ = &mut kicked => {}
        }
    }
}

/// Bridges one host connection to a modem until either side goes away, or the
/// modem is unplugged.
async fn session<S>(sim: Simulator, modem: ModemId, generation: u64, mut stream: S)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut buffer = vec![0u8; 4096];
    loop {
        let changed = sim.shared.changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        let (output, plug) = {
            let mut net = sim.network();
            (net.take_output(modem), net.plug_state(modem))
        };
        if !output.is_empty() && stream.write_all(&output).await.is_err() {
            return;
        }
        if plug != (true, generation) {
            // Unplugged (or re-plugged: a new device): the host sees EOF.
            let _ = stream.shutdown().await;
            return;
        }
        tokio::select! {
            read = stream.read(&mut buffer) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    let now = sim.now();
                    sim.network().input(modem, &buffer[..n], now);
                    sim.shared.kick.notify_one();
                }
            },
            _ = &mut changed => {}
        }
    }
}
