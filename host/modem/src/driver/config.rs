//! How to drive one modem: [`DriverConfig`], and the command [`Timeouts`] in it.

use std::time::Duration;

use plutanium_at::CommandClass;
use plutanium_sms::ReassemblyLimits;

use crate::port::PortUrl;

/// Timeouts per command class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// `AT`, `ATE0`, `+CSQ`, identity.
    pub quick: Duration,
    /// SIM access: `+CPIN`, `+CMGR`, `+CMGL`, `+CMGD`.
    pub sim: Duration,
    /// `+CMGS`, from the command to the final result.
    pub send: Duration,
    /// `+COPS`, `+CUSD`, call control.
    pub network: Duration,
    /// The `> ` prompt after `AT+CMGS`. Past it the send is cancelled with
    /// ESC and reported as not sent, so it is tried again: a modem that
    /// swallowed the command does not hold the modem for `send`.
    pub prompt: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            quick: CommandClass::Quick.default_timeout(),
            sim: CommandClass::Sim.default_timeout(),
            send: CommandClass::Send.default_timeout(),
            network: CommandClass::Network.default_timeout(),
            // As plutanium_core::config::DEFAULT_PROMPT_TIMEOUT (the driver
            // does not depend on the config crate).
            prompt: Duration::from_secs(5),
        }
    }
}

impl Timeouts {
    pub(super) fn of(&self, class: CommandClass) -> Duration {
        match class {
            CommandClass::Quick => self.quick,
            CommandClass::Sim => self.sim,
            CommandClass::Send => self.send,
            _ => self.network,
        }
    }
}

/// Where a driver says by when it will show life again: `Some(instant)`
/// while it works or waits for something with an end (a command's answer,
/// the reconnect backoff, its next health probe), `None` while it rests in a
/// wait that is no fault (a modem that needs an operator). A driver past its
/// instant is stuck.
#[derive(Clone)]
pub struct Pulse(std::sync::Arc<dyn Fn(Option<std::time::Instant>) + Send + Sync>);

impl Pulse {
    /// A pulse that calls `report`.
    pub fn new(report: impl Fn(Option<std::time::Instant>) + Send + Sync + 'static) -> Self {
        Pulse(std::sync::Arc::new(report))
    }

    pub(crate) fn report(&self, due: Option<std::time::Instant>) {
        (self.0)(due);
    }
}

impl std::fmt::Debug for Pulse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pulse")
    }
}

/// How to drive one modem.
#[derive(Clone, Debug)]
pub struct DriverConfig {
    /// The modem's name in logs and events.
    pub name: String,
    /// Where it is.
    pub port: PortUrl,
    /// SIM PIN. A wrong PIN is never retried: the driver stops and says so.
    pub pin: Option<String>,
    /// SMSC to put in PDUs; `None` uses the one stored on the SIM.
    pub smsc: Option<String>,
    /// How often to probe signal and registration.
    pub health_interval: Duration,
    /// Consecutive timeouts or errors that trigger a re-initialisation.
    pub reinit_after_failures: u32,
    /// First reconnect delay; doubles up to `reconnect_max`, with jitter.
    pub reconnect_initial: Duration,
    /// Longest reconnect delay.
    pub reconnect_max: Duration,
    /// Hang up incoming calls after reporting them.
    pub hang_up_calls: bool,
    /// Ask for direct delivery (`+CMT`) instead of storage + `+CMTI`.
    pub direct_delivery: bool,
    /// Command timeouts.
    pub timeouts: Timeouts,
    /// How long to wait for a USSD answer.
    pub ussd_timeout: Duration,
    /// Multipart reassembly bounds and timeout.
    pub reassembly: ReassemblyLimits,
    /// Parts of incomplete messages kept from an earlier run
    /// ([`ModemEvent::PartKept`](crate::ModemEvent::PartKept)), put back into reassembly at start.
    pub restored_parts: Vec<RestoredPart>,
    /// Capacity of the event channel. A full channel makes the modem wait: the
    /// consumer (the store) applies back-pressure rather than losing events.
    pub event_capacity: usize,
    /// Told, as the driver goes, by when it will show life again; the
    /// gateway feeds the systemd watchdog from it.
    pub pulse: Option<Pulse>,
    /// Whether this process may drive the modem now (several gateway nodes
    /// share it, and one holds its lease). While `false` the port stays
    /// closed and the state is [`ModemState::Standby`](crate::ModemState::Standby);
    /// when it turns `false` mid-session, the driver finishes the command in
    /// hand and closes the port. `None`: always.
    pub ownership: Option<tokio::sync::watch::Receiver<bool>>,
    /// The password for a modem behind a router's API (`routeros+…`).
    pub password: Option<Password>,
    /// CA files trusted for a router's HTTPS besides the platform's roots
    /// (the router's own certificate, or the CA that signed it).
    pub ca_files: Vec<std::path::PathBuf>,
    /// How often a device's inbox is read (`routeros+…`, `hilink://`),
    /// which has no notifications.
    pub inbox_poll: Duration,
    /// How long a multipart SMS that a device reassembles itself (HiLink)
    /// must stay unchanged before it is taken: its last parts may still be
    /// coming.
    pub merge_grace: Duration,
}

/// A password that never shows in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(pub String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(redacted)")
    }
}

impl DriverConfig {
    /// Defaults for a modem at `port`.
    pub fn new(name: impl Into<String>, port: PortUrl) -> Self {
        DriverConfig {
            name: name.into(),
            port,
            pin: None,
            smsc: None,
            health_interval: Duration::from_secs(30),
            reinit_after_failures: 3,
            reconnect_initial: Duration::from_secs(1),
            reconnect_max: Duration::from_secs(60),
            hang_up_calls: false,
            direct_delivery: false,
            timeouts: Timeouts::default(),
            ussd_timeout: Duration::from_secs(30),
            reassembly: ReassemblyLimits::default(),
            restored_parts: Vec::new(),
            event_capacity: 256,
            pulse: None,
            ownership: None,
            password: None,
            ca_files: Vec::new(),
            inbox_poll: Duration::from_secs(5),
            merge_grace: Duration::from_secs(10),
        }
    }
}

/// A part of an incomplete multipart message kept from an earlier run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoredPart {
    /// The PDU as received (hex, SMSC field included).
    pub pdu: String,
    /// When it was received: the incomplete message's timeout counts from
    /// then, not from the restart.
    pub received_at: std::time::SystemTime,
}
