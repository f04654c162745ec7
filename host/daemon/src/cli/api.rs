//! `plutanium api token`: makes an API token and adds its hash to a token
//! file.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};

use plutanium_api::tokens::{self, Scope};

/// `plutanium api …`.
#[derive(Debug, Subcommand)]
pub(crate) enum ApiCommand {
    /// Make a token: its hash goes into the token file, the token itself
    /// is printed once (keep it; it cannot be recovered).
    Token(TokenArgs),
}

/// `plutanium api token` arguments.
#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    /// The token file (`api.token_file`); created, mode 0600, when missing.
    #[arg(long)]
    file: PathBuf,
    /// What it may do: send, read; repeat for both (default: both).
    #[arg(long = "scope", value_parser = ["send", "read"])]
    scopes: Vec<String>,
    /// A name for logs and rate limits.
    #[arg(long)]
    name: Option<String>,
    /// Messages it may queue per minute (default 60).
    #[arg(long)]
    rate: Option<u32>,
}

/// Runs an `api` subcommand.
pub(crate) fn run(command: ApiCommand) -> Result<()> {
    match command {
        ApiCommand::Token(args) => {
            let mut scopes: Vec<Scope> =
                args.scopes.iter().filter_map(|s| Scope::parse(s)).collect();
            if scopes.is_empty() {
                scopes = Scope::ALL.to_vec();
            }
            if args.rate == Some(0) {
                anyhow::bail!("--rate is messages per minute, at least 1");
            }
            let token = tokens::add_to_file(&args.file, &scopes, args.name.as_deref(), args.rate)?;
            println!("{token}");
            eprintln!(
                "Added to {} (its hash only). Send it as `Authorization: Bearer <token>`; the daemon reads the file at start and on SIGHUP.",
                args.file.display()
            );
            Ok(())
        }
    }
}
