//! systemd's notification protocol (`Type=notify`): `READY=1`, `STOPPING=1`,
//! `STATUS=…` and watchdog pings, as datagrams to `$NOTIFY_SOCKET`. Without
//! that variable (not under systemd) every call does nothing.

use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::time::Duration;

/// Sends notifications to systemd, if it is listening.
pub(crate) struct Notifier {
    target: Option<(UnixDatagram, SocketAddr)>,
}

impl Notifier {
    /// The notifier for this process's `$NOTIFY_SOCKET`.
    pub(crate) fn from_env() -> Notifier {
        let target = std::env::var("NOTIFY_SOCKET").ok().and_then(|path| {
            let address = match path.strip_prefix('@') {
                // A Linux abstract socket.
                Some(name) => {
                    use std::os::linux::net::SocketAddrExt;
                    SocketAddr::from_abstract_name(name.as_bytes()).ok()?
                }
                None => SocketAddr::from_pathname(&path).ok()?,
            };
            let socket = UnixDatagram::unbound().ok()?;
            Some((socket, address))
        });
        Notifier { target }
    }

    /// Sends `state` (for example `READY=1`); errors are logged, not fatal.
    pub(crate) fn notify(&self, state: &str) {
        if let Some((socket, address)) = &self.target
            && let Err(e) = socket.send_to_addr(state.as_bytes(), address)
        {
            tracing::warn!(error = %e, state, "cannot notify systemd");
        }
    }

    /// How often to send `WATCHDOG=1`: half of `$WATCHDOG_USEC`, when the
    /// watchdog is on and meant for this process.
    pub(crate) fn watchdog_interval(&self) -> Option<Duration> {
        self.target.as_ref()?;
        let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
        if let Some(pid) = std::env::var("WATCHDOG_PID")
            .ok()
            .and_then(|p| p.parse::<u32>().ok())
            && pid != std::process::id()
        {
            return None;
        }
        Some(Duration::from_micros(usec / 2).max(Duration::from_millis(100)))
    }
}

/// `CLOCK_MONOTONIC` in microseconds, as `RELOADING=1` wants it in
/// `MONOTONIC_USEC=` (systemd 253 and later time the reload from it).
pub(crate) fn monotonic_usec() -> u64 {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map(|t| {
            u64::try_from(t.tv_sec()).unwrap_or(0) * 1_000_000
                + u64::try_from(t.tv_nsec()).unwrap_or(0) / 1_000
        })
        .unwrap_or(0)
}
