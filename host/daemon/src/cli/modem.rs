//! `plutanium modem detect|probe|send|listen|ussd`: find the modems on this
//! machine, and talk to one from the shell.
//!
//! `sim://NAME` starts an embedded simulated network with that one modem, so the
//! commands can be tried without hardware.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use plutanium_modem::{
    DriverConfig, InProcessPorts, ModemEvent, ModemHandle, ModemState, PortUrl, SendOptions,
};
use plutanium_modem_sim::{Latency, ModemConfig, Simulator};
use plutanium_sms::{EncodingPolicy, Payload};
use serde_json::{Value, json};
use tokio::sync::mpsc::Receiver;

/// Options shared by every `plutanium modem` command.
#[derive(Debug, Args)]
pub(crate) struct PortArgs {
    /// The port: serial:///dev/ttyUSB0?baud=115200, tcp://HOST:PORT,
    /// rfc2217://HOST:PORT, routeros+https://USER@ROUTER/lte1, hilink://HOST,
    /// or sim://NAME (an embedded simulated modem).
    port: String,
    /// A file holding the device's password (routeros+ and hilink:// ports).
    #[arg(long)]
    password_file: Option<std::path::PathBuf>,
    /// A CA file for the router's certificate (routeros+https:// ports).
    #[arg(long)]
    ca_file: Option<std::path::PathBuf>,
    /// SIM PIN, if the SIM asks for one.
    #[arg(long, conflicts_with = "pin_file")]
    pin: Option<String>,
    /// A file holding the SIM PIN (keeps it out of the process list and shell history).
    #[arg(long)]
    pin_file: Option<std::path::PathBuf>,
    /// Seconds to wait for the modem to become ready.
    #[arg(long, default_value_t = 30)]
    ready_timeout: u64,
}

/// Where `plutanium modem detect` looks (each flag for tests and odd systems).
#[derive(Debug, Args)]
pub(crate) struct DetectArgs {
    /// Print the findings as JSON.
    #[arg(long)]
    json: bool,
    /// Only list ports and who holds them; write nothing to any port.
    #[arg(long)]
    no_probe: bool,
    /// Seconds to wait for an answer to AT on each port (asked twice).
    #[arg(long, default_value_t = 1.0)]
    at_timeout: f64,
    /// The directory of stable port names.
    #[arg(long, default_value = "/dev/serial/by-id")]
    by_id: std::path::PathBuf,
    /// Where ttyUSB* and ttyACM* devices are.
    #[arg(long, default_value = "/dev")]
    dev: std::path::PathBuf,
    /// sysfs, for USB vendor, product and interface.
    #[arg(long, default_value = "/sys")]
    sys: std::path::PathBuf,
    /// procfs, for the programs that hold a port.
    #[arg(long, default_value = "/proc")]
    proc: std::path::PathBuf,
    /// Where UUCP lock files (LCK..ttyUSB0) are.
    #[arg(long, default_value = "/run/lock")]
    lock_dir: std::path::PathBuf,
    /// Where a HiLink stick's web API is asked whether it answers, when a
    /// stick's network card is found (`HOST[:PORT]`).
    #[arg(long, default_value = "192.168.8.1")]
    hilink: String,
}

/// `plutanium modem` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ModemCommand {
    /// Find the modems on this machine: ports, who holds them, what answers
    /// AT (read-only), HiLink and mass-storage sticks; prints a config snippet.
    Detect(DetectArgs),
    /// Print identity, signal, registration, SMSC and storage as JSON.
    Probe(PortArgs),
    /// Send an SMS; prints the message references.
    Send {
        #[command(flatten)]
        port: PortArgs,
        /// Destination number.
        #[arg(long)]
        to: String,
        /// Alphabet policy: auto, gsm7, gsm7-strip, ucs2.
        #[arg(long, default_value = "auto")]
        encoding: String,
        /// Ask for a status report (and wait up to a minute for it).
        #[arg(long)]
        report: bool,
        /// Class 0 (flash) message.
        #[arg(long)]
        flash: bool,
        /// The text.
        text: String,
    },
    /// Print inbound SMS, status reports and calls as JSON lines until interrupted.
    Listen {
        #[command(flatten)]
        port: PortArgs,
        /// Delete each message from the modem once printed (default: leave it).
        #[arg(long)]
        delete: bool,
    },
    /// Run a USSD code and print the answer.
    Ussd {
        #[command(flatten)]
        port: PortArgs,
        /// The code, e.g. *100#.
        code: String,
    },
}

struct Connected {
    handle: ModemHandle,
    events: Receiver<ModemEvent>,
    /// Keeps an embedded simulator alive.
    _sim: Option<Simulator>,
}

async fn connect(args: &PortArgs) -> Result<Connected> {
    let url: PortUrl = args.port.parse()?;
    let mut sim = None;
    let in_process: Option<Arc<dyn InProcessPorts>> = match &url {
        PortUrl::InProcess { name } => {
            let s = Simulator::start(1, Latency::Zero);
            s.add_modem(ModemConfig::new(name, "+420777000000"))?;
            sim = Some(s.clone());
            Some(Arc::new(s))
        }
        _ => None,
    };
    let router = matches!(url, PortUrl::RouterOs(_));
    let hilink = matches!(url, PortUrl::Hilink(_));
    if !router && args.ca_file.is_some() {
        bail!("--ca-file is for routeros+https:// ports only");
    }
    if !router && !hilink && args.password_file.is_some() {
        bail!("--password-file is for routeros+ and hilink:// ports only");
    }
    if router && args.password_file.is_none() {
        bail!("{url} needs --password-file, a file holding the RouterOS user's password");
    }
    let mut config = DriverConfig::new("cli", url);
    if let Some(path) = &args.password_file {
        let password = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read --password-file {}", path.display()))?;
        config.password = Some(plutanium_modem::Password(
            password.trim_end_matches(['\r', '\n']).to_string(),
        ));
    }
    config.ca_files = args.ca_file.iter().cloned().collect();
    config.pin = match &args.pin_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read --pin-file {}", path.display()))?
                .trim()
                .to_string(),
        ),
        None => args.pin.clone(),
    };
    config.reconnect_initial = Duration::from_millis(500);
    config.reconnect_max = Duration::from_secs(5);
    let (handle, events) = plutanium_modem::spawn(config, in_process);
    let ready = tokio::time::timeout(Duration::from_secs(args.ready_timeout), handle.ready()).await;
    match ready {
        Ok(Ok(())) => {}
        Ok(Err(ModemState::Failed(reason))) => bail!("{}: {reason}", args.port),
        Ok(Err(state)) => bail!("{}: the modem is {state}", args.port),
        Err(_) => {
            let state = handle.state().borrow().clone();
            bail!(
                "{}: not ready after {} s (last state: {state}); is it a modem, and is the baud rate right?",
                args.port,
                args.ready_timeout
            );
        }
    }
    Ok(Connected {
        handle,
        events,
        _sim: sim,
    })
}

pub(crate) async fn run(cmd: ModemCommand) -> Result<()> {
    match cmd {
        ModemCommand::Detect(args) => {
            if !(args.at_timeout.is_finite() && args.at_timeout > 0.0 && args.at_timeout <= 60.0) {
                bail!(
                    "--at-timeout must be between 0 and 60 seconds, not {}",
                    args.at_timeout
                );
            }
            let roots = plutanium_detect::Roots {
                by_id: args.by_id,
                dev: args.dev,
                sys: args.sys,
                proc: args.proc,
                locks: args.lock_dir,
            };
            let at = Duration::from_secs_f64(args.at_timeout);
            let timing = (!args.no_probe).then_some(plutanium_detect::probe::Timing {
                at,
                question: at.max(Duration::from_millis(500)),
                ..Default::default()
            });
            let hilink: plutanium_modem::HilinkUrl = format!("hilink://{}", args.hilink)
                .parse()
                .map_err(|e| anyhow::anyhow!("--hilink {:?}: {e}", args.hilink))?;
            let report = plutanium_detect::detect(&roots, timing, &hilink).await;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", plutanium_detect::render(&report));
            }
        }
        ModemCommand::Probe(args) => {
            let c = connect(&args).await?;
            let info = c.handle.info().await.context("the driver stopped")?;
            println!(
                "{}",
                json!({
                    "port": args.port,
                    "manufacturer": info.manufacturer,
                    "model": info.model,
                    "revision": info.revision,
                    "imei": info.imei,
                    "imsi": info.imsi,
                    "operator": info.operator,
                    "signal_dbm": info.signal_dbm,
                    "rsrp_dbm": info.rsrp_dbm,
                    "rsrq_db": info.rsrq_db,
                    "sinr_db": info.sinr_db,
                    "network": info.network.map(|n| n.name()),
                    "registration": info.registration.map(|r| r.name()),
                    "sim": info.sim.map(|s| s.name()),
                    "smsc": info.smsc,
                    "storage": info.storage.map(|(used, total)| json!({"used": used, "total": total})),
                    "memories": info.memories,
                    "cannot_receive": info.cannot_receive,
                    "no_direct_delivery": info.no_direct_delivery,
                })
            );
            c.handle.stop().await;
        }
        ModemCommand::Send {
            port,
            to,
            encoding,
            report,
            flash,
            text,
        } => {
            let encoding: EncodingPolicy = encoding.parse()?;
            let mut c = connect(&port).await?;
            let options = SendOptions {
                encoding,
                status_report: report,
                flash,
                ..SendOptions::default()
            };
            let sent = c
                .handle
                .send_text(&to, &text, &options)
                .await
                .map_err(|e| anyhow!("send failed: {e}"))?;
            println!(
                "{}",
                json!({ "message_refs": sent.message_refs, "concat_ref": sent.concat_ref })
            );
            if report {
                let mut pending: Vec<u8> = sent.message_refs.iter().flatten().copied().collect();
                let wait = tokio::time::timeout(Duration::from_secs(60), async {
                    while !pending.is_empty() {
                        let Some(event) = c.events.recv().await else {
                            return;
                        };
                        if let ModemEvent::StatusReport(r) = event {
                            pending.retain(|mr| *mr != r.message_ref);
                            println!("{}", status_json(&r));
                            r.ack.ack();
                        }
                    }
                })
                .await;
                if wait.is_err() {
                    eprintln!("note: no status report within 60 s");
                }
            }
            c.handle.stop().await;
        }
        ModemCommand::Listen { port, delete } => {
            let mut c = connect(&port).await?;
            loop {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => break,
                    event = c.events.recv() => {
                        let Some(event) = event else { break };
                        print_event(event, delete);
                    }
                }
            }
            c.handle.stop().await;
        }
        ModemCommand::Ussd { port, code } => {
            let c = connect(&port).await?;
            let answer = c.handle.ussd(&code).await.map_err(|e| anyhow!(e))?;
            println!("{}", json!({ "code": code, "answer": answer }));
            c.handle.stop().await;
        }
    }
    Ok(())
}

fn status_json(r: &plutanium_modem::InboundStatusReport) -> Value {
    json!({
        "type": "status-report",
        "message_ref": r.message_ref,
        "recipient": r.recipient,
        "status": r.status.0,
        "category": r.status.category().name(),
        "meaning": r.status.meaning(),
        "discharge_time": r.discharge_time.to_rfc3339(),
    })
}

fn print_event(event: ModemEvent, delete: bool) {
    let line = match event {
        ModemEvent::Sms(sms) => {
            let (text, data) = match &sms.payload {
                Payload::Text(t) => (json!(t), Value::Null),
                Payload::Octets(o) => (Value::Null, json!(plutanium_sms::hex::encode(o))),
            };
            let line = json!({
                "type": "sms",
                "sender": sms.sender,
                "text": text,
                "data": data,
                "timestamp": sms.timestamp.to_rfc3339(),
                "parts": sms.parts,
                "missing_parts": sms.missing_parts,
                "class": sms.class.map(|c| c.number()),
            });
            if delete {
                sms.ack.ack();
            }
            line
        }
        ModemEvent::StatusReport(r) => {
            let line = status_json(&r);
            if delete {
                r.ack.ack();
            }
            line
        }
        ModemEvent::Call(call) => json!({ "type": "call", "caller": call.caller }),
        ModemEvent::Ussd(text) => json!({ "type": "ussd", "text": text }),
        ModemEvent::Undecodable(u) => {
            json!({ "type": "undecodable", "pdu": u.pdu, "error": u.error })
        }
        _ => return,
    };
    println!("{line}");
}
