//! `plutanium`: the Plutanium SMS gateway's command line.
//!
//! What it is: the binary users run: the daemon (`plutanium run`), the demo
//! (`plutanium demo`), sending and reading the message log (`plutanium send`,
//! `plutanium messages list|show`), config checks, connector tools, the codec
//! tools (`plutanium pdu …`, `plutanium gsm7 …`), Gmail sign-in
//! (`plutanium gmail login`), the modem tools
//! (`plutanium modem probe|send|listen|ussd`) and the simulated network
//! (`plutanium sim`).
//!
//! What it is not: a library. The codec, the driver, the routing core, the
//! store and the runtime live in their crates; this one wires them together
//! (`gateway`), parses arguments and prints JSON or plain text.

mod api;
mod api_cli;
mod codec_cli;
mod config_cli;
mod connector_catalog;
mod connector_cli;
mod connector_try;
mod data_dir;
mod demo_cli;
mod fake_google;
mod gateway;
mod gmail_cli;
mod live;
mod messages_cli;
mod modem_cli;
mod oauth;
mod run_cli;
mod scaffold;
mod sd_notify;
mod sim_cli;
mod web;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

/// Plutanium SMS gateway.
#[derive(Debug, Parser)]
#[command(name = "plutanium", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Encode, decode and join SMS PDUs (hex as modems print them).
    #[command(subcommand)]
    Pdu(codec_cli::PduCommand),
    /// GSM 7-bit alphabet tools: transliterate text, count parts.
    #[command(subcommand)]
    Gsm7(codec_cli::Gsm7Command),
    /// Talk to one modem: probe, send, listen, ussd.
    #[command(subcommand)]
    Modem(modem_cli::ModemCommand),
    /// Run the simulated GSM network with a control API.
    Sim(sim_cli::SimArgs),
    /// The whole gateway on a simulated network: a short scenario, then a
    /// running gateway to play with.
    Demo(demo_cli::DemoArgs),
    /// Run the gateway: modems, store, connectors and routes from a config file.
    Run(run_cli::RunArgs),
    /// Check a config file.
    #[command(subcommand)]
    Config(config_cli::ConfigCommand),
    /// Queue one SMS in the store a running daemon sends from.
    Send(messages_cli::SendArgs),
    /// Read the message log: list, show.
    #[command(subcommand)]
    Messages(messages_cli::MessagesCommand),
    /// Connector components: inspect, list, install, new.
    #[command(subcommand)]
    Connector(connector_cli::ConnectorCommand),
    /// The REST API: make tokens.
    #[command(subcommand)]
    Api(api_cli::ApiCommand),
    /// Gmail: sign in for connectors whose OAuth kind is `installed`.
    #[command(subcommand)]
    Gmail(gmail_cli::GmailCommand),
}

/// Logs go to stderr (journald-friendly plain text); `RUST_LOG` filters them.
fn init_logging() {
    init_logging_as(run_cli::LogFormat::Text, "warn");
}

/// Logs to stderr, filtered by `RUST_LOG` (else `default_level`); a second
/// call changes nothing.
fn init_logging_as(format: run_cli::LogFormat, default_level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        run_cli::LogFormat::Json => builder.json().try_init(),
        run_cli::LogFormat::Text => builder
            .without_time()
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}

pub(crate) fn block_on(
    future: impl std::future::Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    runtime.block_on(future)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => {
            // --help and --version.
            print!("{err}");
            return ExitCode::SUCCESS;
        }
        Err(err) if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprintln!("error: no command given (try --help)");
            return ExitCode::from(2);
        }
        Err(err) => {
            // One line, as for every other bad input; --help has the details.
            let message = err.to_string();
            let first = message.lines().next().unwrap_or("invalid arguments");
            eprintln!("{first} (try --help)");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Pdu(cmd) => codec_cli::run_pdu(cmd),
        Command::Gsm7(cmd) => codec_cli::run_gsm7(cmd),
        Command::Modem(cmd) => block_on(modem_cli::run(cmd)),
        Command::Sim(args) => block_on(sim_cli::run(args)),
        Command::Connector(cmd) => connector_cli::run(cmd),
        Command::Gmail(cmd) => gmail_cli::run(cmd),
        Command::Api(cmd) => api_cli::run(cmd),
        Command::Config(cmd) => config_cli::run(cmd),
        Command::Send(args) => messages_cli::send(args),
        Command::Messages(cmd) => messages_cli::run(cmd),
        Command::Run(args) => {
            init_logging_as(args.log_format, "info");
            block_on(run_cli::run(args))
        }
        Command::Demo(args) => block_on(demo_cli::run(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.downcast_ref::<config_cli::InvalidConfig>().is_some() => {
            // Every config error, one per line, FILE:LINE:COL first.
            eprintln!("{err}");
            ExitCode::from(config_cli::EXIT_CONFIG)
        }
        Err(err) => {
            // One line, whatever the underlying errors look like.
            let message = format!("{err:#}");
            let one_line: Vec<&str> = message.split_whitespace().collect();
            eprintln!("error: {}", one_line.join(" "));
            ExitCode::FAILURE
        }
    }
}
