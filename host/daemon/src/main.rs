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
//! What it is not: a library. Behaviour lives in the crates: the gateway
//! engine (`plutanium-gateway`), the REST API and web admin
//! (`plutanium-api`), the connector catalog and tools (`plutanium-catalog`),
//! the codec, the driver, the store, the runtime and the simulators. Each
//! module of [`cli`] parses one subcommand's arguments, calls them, and
//! prints JSON or plain text.

mod cli;
mod data_dir;
mod memory;
mod sd_notify;
mod store;

use cli::{api, codec, config, connector, demo, gmail, messages, modem, run, sim};

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
    Pdu(codec::PduCommand),
    /// GSM 7-bit alphabet tools: transliterate text, count parts.
    #[command(subcommand)]
    Gsm7(codec::Gsm7Command),
    /// Talk to one modem: probe, send, listen, ussd.
    #[command(subcommand)]
    Modem(modem::ModemCommand),
    /// Run the simulated GSM network with a control API.
    Sim(sim::SimArgs),
    /// The whole gateway on a simulated network: a short scenario, then a
    /// running gateway to play with.
    Demo(demo::DemoArgs),
    /// Run the gateway: modems, store, connectors and routes from a config file.
    Run(run::RunArgs),
    /// Check a config file.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Queue one SMS in the store a running daemon sends from.
    Send(messages::SendArgs),
    /// Read the message log: list, show.
    #[command(subcommand)]
    Messages(messages::MessagesCommand),
    /// Connector components: inspect, list, install, new.
    #[command(subcommand)]
    Connector(connector::ConnectorCommand),
    /// The REST API: make tokens.
    #[command(subcommand)]
    Api(api::ApiCommand),
    /// Gmail: sign in for connectors whose OAuth kind is `installed`.
    #[command(subcommand)]
    Gmail(gmail::GmailCommand),
    /// The store: copy a single node's SQLite store into PostgreSQL.
    #[command(subcommand)]
    Store(cli::store::StoreCommand),
}

/// Logs go to stderr (journald-friendly plain text); `RUST_LOG` filters them.
fn init_logging() {
    init_logging_as(run::LogFormat::Text, "warn");
}

/// Logs to stderr, filtered by `RUST_LOG` (else `default_level`); a second
/// call changes nothing.
fn init_logging_as(format: run::LogFormat, default_level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        run::LogFormat::Json => builder.json().try_init(),
        run::LogFormat::Text => builder
            .without_time()
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}

pub(crate) fn block_on<T>(
    future: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Store calls run on the blocking pool and wait there for the
        // store's connection, so under a burst tokio would keep adding
        // threads (up to 512), each with its stack; a few dozen are as
        // fast. The threads that hold a slot for long are one completer
        // per gateway (two while a reload overlaps them).
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    runtime.block_on(future)
}

/// The blocking pool's cap (see [`block_on`]).
const BLOCKING_THREADS: usize = 64;

fn main() -> ExitCode {
    memory::limit_arenas();
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
        Command::Pdu(cmd) => codec::run_pdu(cmd),
        Command::Gsm7(cmd) => codec::run_gsm7(cmd),
        Command::Modem(cmd) => block_on(modem::run(cmd)),
        Command::Sim(args) => block_on(sim::run(args)),
        Command::Connector(cmd) => connector::run(cmd),
        Command::Gmail(cmd) => gmail::run(cmd),
        Command::Api(cmd) => api::run(cmd),
        Command::Store(cmd) => cli::store::run(cmd),
        Command::Config(cmd) => config::run(cmd),
        Command::Send(args) => messages::send(args),
        Command::Messages(cmd) => messages::run(cmd),
        Command::Run(args) => {
            init_logging_as(args.log_format, "info");
            block_on(run::run(args))
        }
        Command::Demo(args) => block_on(demo::run(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.downcast_ref::<config::InvalidConfig>().is_some() => {
            // Every config error, one per line, FILE:LINE:COL first.
            eprintln!("{err}");
            ExitCode::from(config::EXIT_CONFIG)
        }
        Err(err) => {
            // One line, whatever the underlying errors look like. Most of
            // our errors already say their cause; a cause is added only
            // when the line does not hold it yet, so nothing is said twice.
            let mut message = err.to_string();
            for cause in err.chain().skip(1) {
                let cause = cause.to_string();
                if !message.contains(&cause) {
                    message.push_str(": ");
                    message.push_str(&cause);
                }
            }
            let one_line: Vec<&str> = message.split_whitespace().collect();
            eprintln!("error: {}", one_line.join(" "));
            ExitCode::FAILURE
        }
    }
}
