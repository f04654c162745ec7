//! Who else has a port: processes with it open (from `/proc/PID/fd`), and
//! UUCP lock files (`/run/lock/LCK..ttyUSB0`, written by minicom, pppd and
//! smstools). A port someone holds is never probed: writing `AT` into
//! another program's session garbles both, and root may open a port that
//! its holder opened exclusively (`TIOCEXCL` does not stop `CAP_SYS_ADMIN`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// A process that has a port open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Holder {
    /// Its process id.
    pub pid: u32,
    /// Its name (`/proc/PID/comm`), such as `ModemManager` or `gammu-smsd`.
    pub name: String,
}

/// Which processes hold which devices, read once.
#[derive(Debug, Default)]
pub struct Holders {
    /// By the device's canonical path.
    open: HashMap<PathBuf, Vec<Holder>>,
    /// Whether some process's descriptors could not be read (not root).
    pub(crate) partial: bool,
}

impl Holders {
    /// Reads every `PROC/PID/fd/*` link.
    pub fn read(proc: &Path) -> Holders {
        let mut holders = Holders::default();
        let Ok(entries) = std::fs::read_dir(proc) else {
            holders.partial = true;
            return holders;
        };
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            if pid == std::process::id() {
                continue;
            }
            let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
                holders.partial = true;
                continue;
            };
            let name = std::fs::read_to_string(entry.path().join("comm"))
                .map(|s| s.trim().to_string())
                .unwrap_or_default();
            for fd in fds.flatten() {
                let Ok(target) = std::fs::read_link(fd.path()) else {
                    continue;
                };
                // Sockets, pipes and the like (`socket:[123]`) are not paths.
                // The kernel gives a device's real path, so no canonicalising.
                if !target.is_absolute() {
                    continue;
                }
                let list = holders.open.entry(target).or_default();
                if !list.iter().any(|h| h.pid == pid) {
                    list.push(Holder {
                        pid,
                        name: name.clone(),
                    });
                }
            }
        }
        holders
    }

    /// The processes that have `device` (canonical) open.
    pub fn of(&self, device: &Path) -> &[Holder] {
        self.open.get(device).map_or(&[], Vec::as_slice)
    }
}

/// A UUCP lock file for a port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lock {
    /// The lock file.
    pub path: PathBuf,
    /// The pid written in it, if it could be read.
    pub pid: Option<u32>,
    /// Whether that process still runs; a stale lock does not hold the port.
    pub live: bool,
}

/// The lock file for `device` in `dir` (`LCK..ttyUSB0`), if there is one.
pub fn lock(dir: &Path, device: &Path, proc: &Path) -> Option<Lock> {
    let name = device.file_name()?.to_str()?;
    let path = dir.join(format!("LCK..{name}"));
    let bytes = std::fs::read(&path).ok()?;
    // Text (`      1234\n`, the HDB style nearly everyone writes) or, from
    // old software, the pid as a native 4-byte integer.
    let pid = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .or_else(|| {
            <[u8; 4]>::try_from(bytes.as_slice())
                .ok()
                .map(u32::from_ne_bytes)
        });
    let live = pid.is_some_and(|pid| proc.join(pid.to_string()).exists());
    Some(Lock { path, pid, live })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_and_locks_are_read_from_the_trees_given() {
        let root = std::env::temp_dir().join(format!("plutanium-holders-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let proc = root.join("proc");
        let device = root.join("ttyUSB2");
        std::fs::create_dir_all(proc.join("4242/fd")).unwrap();
        std::fs::create_dir_all(proc.join("17")).unwrap();
        std::fs::write(&device, b"").unwrap();
        std::fs::write(proc.join("4242/comm"), "ModemManager\n").unwrap();
        std::os::unix::fs::symlink(&device, proc.join("4242/fd/7")).unwrap();
        std::os::unix::fs::symlink("socket:[123]", proc.join("4242/fd/8")).unwrap();
        let locks = root.join("lock");
        std::fs::create_dir_all(&locks).unwrap();
        std::fs::write(locks.join("LCK..ttyUSB2"), "        17\n").unwrap();
        std::fs::write(locks.join("LCK..ttyUSB3"), 99999u32.to_ne_bytes()).unwrap();

        let holders = Holders::read(&proc);
        let canonical = std::fs::canonicalize(&device).unwrap();
        assert_eq!(
            holders.of(&canonical),
            [Holder {
                pid: 4242,
                name: "ModemManager".into()
            }]
        );
        let live = lock(&locks, &device, &proc).unwrap();
        assert_eq!((live.pid, live.live), (Some(17), true));
        let stale = lock(&locks, Path::new("/dev/ttyUSB3"), &proc).unwrap();
        assert_eq!((stale.pid, stale.live), (Some(99999), false));
        assert!(lock(&locks, Path::new("/dev/ttyUSB0"), &proc).is_none());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
