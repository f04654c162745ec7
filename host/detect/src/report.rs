//! `detect`'s findings for people: each port with what it is, what to do
//! about a held one, and a `modems:` snippet ready to paste.

use std::fmt::Write;

use crate::hilink::WebApi;
use crate::probe::{PortKind, SimState};
use crate::usb::Portless;
use crate::{Port, Report};

/// The report as text, ending with the config snippet for the modems found.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    if report.ports.is_empty() && report.portless.is_empty() {
        out.push_str(
            "No modem found: no /dev/serial/by-id links, no ttyUSB or ttyACM devices, and no \
             HiLink or mass-storage stick. Is the modem plugged in? `dmesg | tail` shows what \
             the kernel made of it.\n",
        );
    }
    for port in &report.ports {
        describe(&mut out, port);
    }
    for portless in &report.portless {
        match portless {
            Portless::Hilink {
                interface,
                vendor,
                product,
                ..
            } => {
                let _ = writeln!(
                    out,
                    "{interface}: {}",
                    stick(report.hilink.as_ref(), interface, vendor, product)
                );
            }
            Portless::MassStorage {
                device,
                vendor,
                product,
            } => {
                let _ = writeln!(
                    out,
                    "USB device {device} ({vendor}:{product}) shows only storage: the stick is \
                     in its driver-CD mode. Install usb-modeswitch (`apt install usb-modeswitch`), \
                     then unplug and plug it in again; it should come back as a modem."
                );
            }
        }
    }
    if report.holders_partial {
        out.push_str(
            "(Not every process's open files could be read; run as root to see every program \
             that holds a port.)\n",
        );
    }
    let snippet = snippet(report);
    if !snippet.is_empty() {
        out.push_str("\nFor plutanium.yaml:\n\n");
        out.push_str(&snippet);
    }
    out
}

fn describe(out: &mut String, port: &Port) {
    let _ = write!(out, "{}", port.path.display());
    if port.path != port.device {
        let _ = write!(out, " ({})", port.device.display());
    }
    if let Some(usb) = &port.usb {
        let _ = write!(out, " [usb {}:{}", usb.vendor, usb.product);
        if let Some(interface) = &usb.interface {
            let _ = write!(out, ", interface {interface}");
        }
        if let Some(driver) = &usb.driver {
            let _ = write!(out, ", {driver}");
        }
        out.push(']');
    }
    out.push_str(": ");
    if let Some(holder) = port.held_by.first() {
        let _ = writeln!(
            out,
            "in use by {} (pid {}); not probed.",
            holder.name, holder.pid
        );
        if holder.name == "ModemManager" {
            out.push_str(&modem_manager_advice(port));
        }
        return;
    }
    if let Some(lock) = port.lock.as_ref().filter(|l| l.live) {
        let pid = lock.pid.map_or_else(|| "?".into(), |p| p.to_string());
        let _ = writeln!(
            out,
            "locked by pid {pid} ({}); not probed. Stop that program to use the port.",
            lock.path.display()
        );
        return;
    }
    if let Some(error) = &port.error {
        let _ = writeln!(out, "{error}.");
        return;
    }
    let Some(found) = &port.probe else {
        out.push_str("not probed.\n");
        return;
    };
    match found.kind {
        Some(PortKind::At) => {
            let make = [&found.manufacturer, &found.model]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" ");
            let _ = write!(out, "AT modem");
            if !make.is_empty() {
                let _ = write!(out, ", {make}");
            }
            if let Some(firmware) = &found.firmware {
                let _ = write!(out, ", firmware {firmware}");
            }
            if let Some(imei) = &found.imei {
                let _ = write!(out, ", IMEI {imei}");
            }
            let sim = match &found.sim {
                Some(SimState::Ready) => "SIM ready".to_string(),
                Some(SimState::NeedsPin) => "SIM wants its PIN (pin_file: in the config)".into(),
                Some(SimState::NeedsPuk) => {
                    "SIM locked by its PUK: unlock it in a phone first".into()
                }
                Some(SimState::Missing) => "no SIM".into(),
                Some(SimState::Other(s)) => format!("SIM says {s}"),
                None => "SIM state unknown".into(),
            };
            let _ = write!(out, "; {sim}");
            if found.sms_pdu == Some(false) {
                out.push_str("; it does not offer PDU mode, which Plutanium sends in");
            }
            out.push_str(".\n");
        }
        Some(PortKind::Nmea) => out.push_str("GPS (NMEA sentences), not a command port.\n"),
        Some(PortKind::Garbage) => out.push_str(
            "answers, but not in AT: a diagnostics port, or a serial line at another baud rate.\n",
        ),
        Some(PortKind::Silent) | None => {
            out.push_str("no answer to AT (a modem just plugged in may need a few seconds).\n")
        }
    }
}

/// How to make ModemManager let go of this modem.
fn modem_manager_advice(port: &Port) -> String {
    let mut advice = String::from(
        "  ModemManager manages this modem. To leave it to Plutanium, either stop ModemManager \
         (`sudo systemctl disable --now ModemManager`), or tell it to ignore this modem",
    );
    match &port.usb {
        Some(usb) => {
            let _ = write!(
                advice,
                " with a udev rule in /etc/udev/rules.d/77-plutanium-mm-ignore.rules:\n    \
                 ACTION==\"add|change|move|bind\", SUBSYSTEMS==\"usb\", ATTRS{{idVendor}}==\"{}\", \
                 ATTRS{{idProduct}}==\"{}\", ENV{{ID_MM_DEVICE_IGNORE}}=\"1\"\n  then \
                 `sudo udevadm control --reload && sudo udevadm trigger --action=change` and \
                 restart ModemManager.\n",
                usb.vendor, usb.product
            );
        }
        None => advice.push_str(
            " with a udev rule that sets ENV{ID_MM_DEVICE_IGNORE}=\"1\" for its USB vendor and \
             product (`udevadm info -a -n DEVICE` shows them).\n",
        ),
    }
    advice
}

/// What a HiLink stick's network card is, by what its web API said.
fn stick(api: Option<&WebApi>, interface: &str, vendor: &str, product: &str) -> String {
    match api {
        None => format!(
            "a USB network card from a modem maker ({vendor}:{product}), most likely a HiLink \
             stick with its web API at http://192.168.8.1: use `port: \"hilink://\"` (with \
             `password_file:` if its web page has a login)."
        ),
        Some(WebApi::Answers {
            url,
            network_type,
            signal_bars,
            sim_ready,
        }) => {
            let network = network_type
                .and_then(plutanium_modem::NetworkType::from_hilink)
                .map_or("no service".to_string(), |n| n.name().to_uppercase());
            let bars = signal_bars.map_or(String::new(), |b| format!(", {b} of 5 bars"));
            let sim = if *sim_ready {
                "SIM ready"
            } else {
                "no usable SIM"
            };
            format!(
                "a HiLink stick ({vendor}:{product}): its web API at {url} answers ({network}{bars}, \
                 {sim}): use `port: \"hilink://\"`."
            )
        }
        Some(WebApi::NeedsLogin { url }) => format!(
            "a HiLink stick ({vendor}:{product}): its web API at {url} answers and its web page \
             has a login: use `port: \"hilink://\"` with `password_file:` naming a file that \
             holds that password."
        ),
        Some(WebApi::Silent { url, reason }) => format!(
            "a USB network card from a modem maker ({vendor}:{product}), most likely a HiLink \
             stick, but nothing answers at {url} ({reason}). Is the interface up with an \
             address from the stick? `ip addr show {interface}` shows it; the stick's DHCP gives \
             one in 192.168.8.0/24."
        ),
    }
}

/// The `modems:` section for every port that answered AT, and every stick.
pub(crate) fn snippet(report: &Report) -> String {
    let modems: Vec<&Port> = report.ports.iter().filter(|p| p.is_modem()).collect();
    let sticks: Vec<&str> = report
        .portless
        .iter()
        .filter_map(|p| match p {
            Portless::Hilink { interface, .. } => Some(interface.as_str()),
            Portless::MassStorage { .. } => None,
        })
        .collect();
    if modems.is_empty() && sticks.is_empty() {
        return String::new();
    }
    let mut out = String::from("modems:\n");
    for (i, port) in modems.iter().enumerate() {
        let found = port.probe.as_ref();
        let about = found
            .map(|f| {
                [&f.manufacturer, &f.model]
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        if !about.is_empty() {
            let _ = writeln!(out, "  # {about}");
        }
        let _ = write!(
            out,
            "  gsm{i}: {{ port: \"serial://{}?baud=115200\"",
            port.path.display()
        );
        if found.and_then(|f| f.sim.as_ref()) == Some(&SimState::NeedsPin) {
            let _ = write!(out, ", pin_file: /etc/plutanium/gsm{i}.pin");
        }
        out.push_str(" }\n");
    }
    for (i, interface) in sticks.iter().enumerate() {
        // Every HiLink stick answers at 192.168.8.1; a second one needs its
        // own address, set in its web page.
        let login = matches!(report.hilink, Some(WebApi::NeedsLogin { .. }));
        let password = if login {
            format!(", password_file: /etc/plutanium/hilink{i}.password")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  # the HiLink stick on {interface}\n  hilink{i}: {{ port: \"hilink://\"{password} }}"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sticks_without_a_port_are_named_and_get_a_config_line() {
        let report = Report {
            ports: Vec::new(),
            portless: vec![
                Portless::Hilink {
                    interface: "eth1".into(),
                    vendor: "12d1".into(),
                    product: "14dc".into(),
                    driver: "cdc_ether".into(),
                },
                Portless::MassStorage {
                    device: "1-3".into(),
                    vendor: "12d1".into(),
                    product: "1f01".into(),
                },
            ],
            hilink: None,
            holders_partial: false,
        };
        let text = render(&report);
        assert!(text.contains("eth1: a USB network card"), "{text}");
        assert!(text.contains("usb-modeswitch"), "{text}");
        assert!(text.contains("hilink0: { port: \"hilink://\" }"), "{text}");
        assert!(!text.contains("No modem found"), "{text}");
    }

    #[test]
    fn a_stick_is_described_by_what_its_web_api_said() {
        let mut report = Report {
            ports: Vec::new(),
            portless: vec![Portless::Hilink {
                interface: "eth1".into(),
                vendor: "12d1".into(),
                product: "14dc".into(),
                driver: "cdc_ether".into(),
            }],
            hilink: Some(WebApi::Answers {
                url: "http://192.168.8.1:80".into(),
                network_type: Some(101),
                signal_bars: Some(4),
                sim_ready: true,
            }),
            holders_partial: false,
        };
        let text = render(&report);
        assert!(
            text.contains("eth1: a HiLink stick (12d1:14dc): its web API at http://192.168.8.1:80 answers (LTE, 4 of 5 bars, SIM ready)"),
            "{text}"
        );
        report.hilink = Some(WebApi::NeedsLogin {
            url: "http://192.168.8.1:80".into(),
        });
        let text = render(&report);
        assert!(text.contains("has a login"), "{text}");
        assert!(
            text.contains(
                "hilink0: { port: \"hilink://\", password_file: /etc/plutanium/hilink0.password }"
            ),
            "{text}"
        );
        report.hilink = Some(WebApi::Silent {
            url: "http://192.168.8.1:80".into(),
            reason: "connection refused".into(),
        });
        let text = render(&report);
        assert!(
            text.contains("nothing answers at http://192.168.8.1:80 (connection refused)")
                && text.contains("ip addr show eth1"),
            "{text}"
        );
    }
}
