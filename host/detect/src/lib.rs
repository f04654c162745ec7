//! `plutanium modem detect`: the modems on this Linux machine, found the
//! way a person would look for them, without disturbing any of them.
//!
//! - **Ports:** the links in `/dev/serial/by-id` (stable names, which the
//!   config should use) and every `/dev/ttyUSB*` and `/dev/ttyACM*`.
//! - **Who holds them** ([`holders`]): processes with the port open
//!   (ModemManager, gammu-smsd, pppd) and UUCP lock files. A held port is
//!   reported, never probed.
//! - **What answers** ([`probe`]): a short, read-only AT conversation on
//!   each free port, which tells a modem's command port from its GPS and
//!   diagnostics ports, and reads make, model, firmware, IMEI and the SIM.
//! - **What has no port** ([`usb`]): HiLink sticks (a USB network card,
//!   confirmed when its web API answers: [`hilink`]) and sticks still in
//!   mass-storage mode.
//!
//! Every place it reads is a parameter ([`Roots`]), so tests point it at
//! trees they build, with simulated modems on ptys.

pub mod hilink;
pub mod holders;
pub mod probe;
mod report;
pub mod usb;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub use report::render;

/// Where to look; [`Roots::default`] is the real system.
#[derive(Clone, Debug)]
pub struct Roots {
    /// `/dev/serial/by-id`.
    pub by_id: PathBuf,
    /// `/dev`, for `ttyUSB*` and `ttyACM*`.
    pub dev: PathBuf,
    /// `/sys`.
    pub sys: PathBuf,
    /// `/proc`.
    pub proc: PathBuf,
    /// `/run/lock`, for UUCP lock files.
    pub locks: PathBuf,
}

impl Default for Roots {
    fn default() -> Self {
        Roots {
            by_id: "/dev/serial/by-id".into(),
            dev: "/dev".into(),
            sys: "/sys".into(),
            proc: "/proc".into(),
            locks: "/run/lock".into(),
        }
    }
}

/// One serial port and what is known about it.
#[derive(Clone, Debug, Serialize)]
pub struct Port {
    /// The name to put in a config: the by-id link when there is one.
    pub path: PathBuf,
    /// The device it is (`/dev/ttyUSB2`).
    pub device: PathBuf,
    /// Its USB device and interface, from sysfs.
    pub usb: Option<usb::UsbPort>,
    /// Processes that have it open.
    pub held_by: Vec<holders::Holder>,
    /// A lock file for it.
    pub lock: Option<holders::Lock>,
    /// What the probe found; `None` when it was not probed (held, or
    /// `--no-probe`).
    pub probe: Option<probe::Findings>,
    /// Why it could not be probed, when opening it failed.
    pub error: Option<String>,
}

impl Port {
    /// Whether another program holds it.
    pub fn held(&self) -> bool {
        !self.held_by.is_empty() || self.lock.as_ref().is_some_and(|l| l.live)
    }

    /// Whether it answered AT.
    pub fn is_modem(&self) -> bool {
        self.probe.as_ref().and_then(|p| p.kind) == Some(probe::PortKind::At)
    }
}

/// Everything `detect` found.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Every serial port.
    pub ports: Vec<Port>,
    /// Modems without a serial port.
    pub portless: Vec<usb::Portless>,
    /// What the HiLink web API said, asked when a HiLink stick's network
    /// card was found and probing is on.
    pub hilink: Option<hilink::WebApi>,
    /// Some processes' descriptors could not be read (run as root to see
    /// every holder).
    pub holders_partial: bool,
}

/// The serial ports under `roots`: by-id links first, then the devices no
/// link names. Each device appears once.
pub fn ports(roots: &Roots) -> Vec<(PathBuf, PathBuf)> {
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut links: Vec<PathBuf> = read_dir(&roots.by_id);
    links.sort();
    for link in links {
        // A dangling link (the stick was pulled) names nothing.
        if let Ok(device) = std::fs::canonicalize(&link)
            && !found.iter().any(|(_, d)| *d == device)
        {
            found.push((link, device));
        }
    }
    let mut devices: Vec<PathBuf> = read_dir(&roots.dev)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("ttyUSB") || n.starts_with("ttyACM"))
        })
        .collect();
    devices.sort();
    for path in devices {
        let device = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if !found.iter().any(|(_, d)| *d == device) {
            found.push((path, device));
        }
    }
    found
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// How long the HiLink web API has to answer: a stick answers in
/// milliseconds; an address with no route can hold a connect for minutes.
const HILINK_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Finds the ports, who holds them and (with `probe`) what answers on the
/// free ones, one port at a time, and (with `probe` too) whether a HiLink
/// stick's web API answers at `hilink`.
pub async fn detect(
    roots: &Roots,
    probe: Option<probe::Timing>,
    hilink: &plutanium_hilink::HilinkUrl,
) -> Report {
    let holders = holders::Holders::read(&roots.proc);
    let mut ports = Vec::new();
    for (path, device) in self::ports(roots) {
        let name = device.file_name().map(|n| n.to_string_lossy().into_owned());
        let mut port = Port {
            usb: name.as_deref().and_then(|n| usb::port(&roots.sys, n)),
            held_by: holders.of(&device).to_vec(),
            lock: holders::lock(&roots.locks, &device, &roots.proc),
            path,
            device,
            probe: None,
            error: None,
        };
        if let Some(timing) = probe
            && !port.held()
        {
            match probe_port(&port.device, timing).await {
                Ok(findings) => port.probe = Some(findings),
                Err(e) => port.error = Some(e),
            }
        }
        ports.push(port);
    }
    let portless = usb::portless(&roots.sys);
    let has_stick = portless
        .iter()
        .any(|p| matches!(p, usb::Portless::Hilink { .. }));
    let hilink = match probe {
        // Every stick answers at the same address: one question is enough.
        Some(_) if has_stick => Some(hilink::ask(hilink, HILINK_WAIT).await),
        _ => None,
    };
    Report {
        ports,
        portless,
        hilink,
        holders_partial: holders.partial,
    }
}

/// Runs [`probe::Probe`] on `device`, opened exclusively as the driver
/// opens it (so a port another program opened exclusively is refused, not
/// shared).
async fn probe_port(device: &Path, timing: probe::Timing) -> Result<probe::Findings, String> {
    let url = plutanium_modem::PortUrl::Serial {
        path: device.to_string_lossy().into_owned(),
        settings: plutanium_modem::LineSettings::default(),
    };
    let mut port = plutanium_modem::open(&url, None).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::ResourceBusy {
            "another program has it open (EBUSY)".to_string()
        } else {
            format!("cannot open it: {e}")
        }
    })?;
    let mut probe = probe::Probe::new(timing, Instant::now());
    let mut buf = [0u8; 512];
    loop {
        if let Some(bytes) = probe.transmit() {
            port.write_all(&bytes)
                .await
                .map_err(|e| format!("cannot write to it: {e}"))?;
        }
        let Some(deadline) = probe.deadline() else {
            break;
        };
        tokio::select! {
            read = port.read(&mut buf) => match read {
                Ok(0) => return Err("it closed while being probed".into()),
                Ok(n) => probe.input(&buf[..n], Instant::now()),
                Err(e) => return Err(format!("cannot read from it: {e}")),
            },
            () = tokio::time::sleep_until(deadline.into()) => probe.timeout(Instant::now()),
        }
    }
    Ok(probe.done().cloned().unwrap_or_default())
}
