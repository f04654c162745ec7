//! `plutanium modem detect` against ports it must tell apart, all on ptys: a
//! simulated Quectel behind a by-id style link, a port that never answers, a
//! port ModemManager holds (a fake `/proc`), a port under another program's
//! live lock file, and a link whose device is gone.

use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::sim::start_sim_with;

/// A pty nobody answers on; the master is kept to see whether anything was
/// written to the port.
struct QuietPty {
    master: std::os::fd::OwnedFd,
    _slave: std::os::fd::OwnedFd,
    device: PathBuf,
}

fn quiet_pty() -> QuietPty {
    let pty = nix::pty::openpty(None, None).expect("openpty");
    let device = std::fs::read_link(format!("/proc/self/fd/{}", pty.slave.as_raw_fd()))
        .expect("the pty's device");
    QuietPty {
        master: pty.master,
        _slave: pty.slave,
        device,
    }
}

impl QuietPty {
    /// What was written to the port (without waiting).
    fn written(&self) -> Vec<u8> {
        let flags = nix::fcntl::fcntl(&self.master, nix::fcntl::FcntlArg::F_GETFL).unwrap();
        let flags = nix::fcntl::OFlag::from_bits_truncate(flags) | nix::fcntl::OFlag::O_NONBLOCK;
        nix::fcntl::fcntl(&self.master, nix::fcntl::FcntlArg::F_SETFL(flags)).unwrap();
        let mut buf = [0u8; 256];
        match nix::unistd::read(&self.master, &mut buf) {
            Ok(n) => buf[..n].to_vec(),
            Err(_) => Vec::new(),
        }
    }
}

fn detect(dir: &Path, json: bool) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plutanium"));
    command.args(["modem", "detect", "--at-timeout", "0.3"]);
    for (flag, sub) in [
        ("--by-id", "by-id"),
        ("--dev", "dev"),
        ("--sys", "sys"),
        ("--proc", "proc"),
        ("--lock-dir", "lock"),
    ] {
        command.arg(flag).arg(dir.join(sub));
    }
    if json {
        command.arg("--json");
    }
    let out = command.output().expect("plutanium modem detect runs");
    assert!(
        out.status.success(),
        "detect failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn detect_tells_a_modem_from_silent_held_and_locked_ports() {
    let dir = tempfile::tempdir().expect("temp dir");
    for sub in ["by-id", "dev", "sys", "proc", "lock"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    let by_id = dir.path().join("by-id");
    let sim_link = dir.path().join("ttySIM");
    let _sim = start_sim_with("quectel", &["--pty", sim_link.to_str().unwrap()]);
    std::os::unix::fs::symlink(&sim_link, by_id.join("usb-Quectel_EC25-if02-port0")).unwrap();

    let silent = quiet_pty();
    std::os::unix::fs::symlink(&silent.device, by_id.join("usb-Quiet_Port-if00-port0")).unwrap();
    // ModemManager (pid 4242 in the fake /proc) has this one open.
    let held = quiet_pty();
    std::os::unix::fs::symlink(&held.device, by_id.join("usb-Held_Modem-if02-port0")).unwrap();
    let mm = dir.path().join("proc/4242");
    std::fs::create_dir_all(mm.join("fd")).unwrap();
    std::fs::write(mm.join("comm"), "ModemManager\n").unwrap();
    std::os::unix::fs::symlink(&held.device, mm.join("fd/9")).unwrap();
    // minicom (pid 4343, alive in the fake /proc) holds a UUCP lock on this one.
    let locked = quiet_pty();
    std::os::unix::fs::symlink(&locked.device, by_id.join("usb-Locked_Modem-if00-port0")).unwrap();
    std::fs::create_dir_all(dir.path().join("proc/4343")).unwrap();
    let name = locked.device.file_name().unwrap().to_str().unwrap();
    std::fs::write(
        dir.path().join("lock").join(format!("LCK..{name}")),
        "      4343\n",
    )
    .unwrap();
    // A stick that was pulled out: its link dangles.
    std::os::unix::fs::symlink(
        "/dev/ttyUSB99-gone",
        by_id.join("usb-Pulled_Out-if00-port0"),
    )
    .unwrap();

    let report: Value = serde_json::from_str(&detect(dir.path(), true)).expect("JSON");
    let ports = report["ports"].as_array().expect("ports");
    let by_name = |name: &str| -> &Value {
        ports
            .iter()
            .find(|p| p["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .unwrap_or_else(|| panic!("no port {name} in {report:#}"))
    };
    assert_eq!(
        ports.len(),
        4,
        "the dangling link names no port: {report:#}"
    );

    let modem = by_name("usb-Quectel_EC25-if02-port0");
    assert_eq!(modem["probe"]["kind"], "at");
    assert_eq!(modem["probe"]["manufacturer"], "Quectel");
    assert_eq!(modem["probe"]["model"], "EC25");
    assert_eq!(modem["probe"]["sim"]["state"], "ready");
    assert_eq!(modem["probe"]["sms_pdu"], true);
    assert!(
        modem["probe"]["imei"]
            .as_str()
            .is_some_and(|i| i.len() == 15),
        "{modem:#}"
    );

    assert_eq!(
        by_name("usb-Quiet_Port-if00-port0")["probe"]["kind"],
        "silent"
    );
    assert_eq!(
        silent.written(),
        b"AT\rAT\r",
        "asked AT twice, and nothing else"
    );

    let mm_port = by_name("usb-Held_Modem-if02-port0");
    assert_eq!(mm_port["held_by"][0]["name"], "ModemManager");
    assert_eq!(mm_port["probe"], Value::Null);
    assert!(held.written().is_empty(), "a held port is not written to");

    let locked_port = by_name("usb-Locked_Modem-if00-port0");
    assert_eq!(locked_port["lock"]["pid"], 4343);
    assert_eq!(locked_port["lock"]["live"], true);
    assert_eq!(locked_port["probe"], Value::Null);
    assert!(
        locked.written().is_empty(),
        "a locked port is not written to"
    );

    // The text names each case and ends with a config for the modem only.
    let text = detect(dir.path(), false);
    assert!(text.contains("AT modem, Quectel EC25"), "{text}");
    assert!(
        text.contains("in use by ModemManager (pid 4242); not probed"),
        "{text}"
    );
    assert!(
        text.contains("sudo systemctl disable --now ModemManager"),
        "{text}"
    );
    assert!(text.contains("locked by pid 4343"), "{text}");
    assert!(text.contains("no answer to AT"), "{text}");
    let snippet = text.split("For plutanium.yaml:").nth(1).expect("a snippet");
    assert!(
        snippet.contains(&format!(
            "gsm0: {{ port: \"serial://{}?baud=115200\" }}",
            by_id.join("usb-Quectel_EC25-if02-port0").display()
        )),
        "{snippet}"
    );
    assert!(
        !snippet.contains("gsm1"),
        "only the modem is in the snippet: {snippet}"
    );
}

#[test]
fn detect_with_nothing_plugged_in_says_what_to_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = detect(dir.path(), false);
    assert!(text.starts_with("No modem found"), "{text}");
    assert!(text.contains("dmesg"), "{text}");
}

/// A HiLink stick's network card in a sysfs tree (as an E3372h in HiLink
/// mode shows it), and its web API served by `plutanium sim` on loopback:
/// `--hilink` points detect there, and the stick is confirmed by what the
/// API answers.
#[test]
fn a_hilink_stick_is_confirmed_by_its_web_api() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sys = dir.path().join("sys");
    let usb = sys.join("devices/usb1/1-2");
    let write = |path: &Path, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(&usb.join("idVendor"), "12d1\n");
    write(&usb.join("idProduct"), "14dc\n");
    let interface = usb.join("1-2:1.0");
    let driver = sys.join("bus/usb/drivers/cdc_ether");
    std::fs::create_dir_all(&driver).unwrap();
    std::fs::create_dir_all(&interface).unwrap();
    std::os::unix::fs::symlink(&driver, interface.join("driver")).unwrap();
    std::fs::create_dir_all(sys.join("class/net/eth1")).unwrap();
    std::os::unix::fs::symlink(&interface, sys.join("class/net/eth1/device")).unwrap();

    let sim = start_sim_with(
        "generic",
        &["--modem", "stick=+420777000005@hilink://127.0.0.1:0"],
    );
    let stick = sim
        .modems
        .as_array()
        .unwrap()
        .iter()
        .find_map(|m| m["hilink"]["port"].as_str())
        .expect("the stick's address")
        .trim_start_matches("hilink://")
        .to_string();
    let run = |hilink: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_plutanium"))
            .args(["modem", "detect", "--hilink", hilink])
            .arg("--sys")
            .arg(&sys)
            .args(["--by-id", "/nonexistent", "--dev", "/nonexistent"])
            .args(["--proc", "/nonexistent", "--lock-dir", "/nonexistent"])
            .output()
            .expect("plutanium runs");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let text = run(&stick);
    assert!(
        text.contains(&format!(
            "eth1: a HiLink stick (12d1:14dc): its web API at http://{stick} answers (LTE, 4 of 5 bars, SIM ready)"
        )),
        "{text}"
    );
    assert!(text.contains("hilink0: { port: \"hilink://\" }"), "{text}");
    // Nothing listening: said, with what to check.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let text = run(&closed);
    assert!(
        text.contains(&format!("nothing answers at http://{closed}"))
            && text.contains("ip addr show eth1"),
        "{text}"
    );
}
