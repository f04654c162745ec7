//! `plutanium gmail login`: signs a Google account in once, through a
//! browser, for connectors whose `oauth.kind` is `installed`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::{Args, Subcommand};

/// `plutanium gmail …`.
#[derive(Debug, Subcommand)]
pub(crate) enum GmailCommand {
    /// Sign in through a browser and save the tokens for `oauth.kind:
    /// installed` (the loopback redirect of a Desktop app client).
    Login(LoginArgs),
}

/// `plutanium gmail login` arguments.
#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// The Desktop app's client secret JSON, from Google Cloud → APIs &
    /// Services → Credentials.
    #[arg(long)]
    client_secret: PathBuf,
    /// Where to save the tokens (mode 0600): the connector's
    /// `oauth.token_cache`.
    #[arg(long)]
    token_cache: PathBuf,
    /// A scope to ask for; repeat for more. Default: gmail.modify (what
    /// the gmail source needs; it covers the gmail-forward sink too).
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// The loopback port for the browser's redirect (default: any free
    /// one). Fix it to forward it over SSH from a machine with a browser.
    #[arg(long)]
    port: Option<u16>,
    /// How long to wait for the browser, in seconds.
    #[arg(long, default_value_t = 600)]
    timeout: u64,
}

/// Runs a `gmail` subcommand.
pub(crate) fn run(command: GmailCommand) -> Result<()> {
    match command {
        GmailCommand::Login(args) => crate::block_on(async move {
            plutanium_gateway::oauth::login(
                &args.client_secret,
                &args.token_cache,
                &args.scopes,
                args.port,
                None,
                Duration::from_secs(args.timeout.max(1)),
                Box::new(|url| {
                    eprintln!(
                        "Open this address in a browser on this machine and allow access:\n\n  {url}\n\n\
                         (Without a browser here: run with --port N, forward it with\n\
                         `ssh -L N:localhost:N this-host` and open the address on your computer.)\n"
                    )
                }),
            )
            .await?;
            eprintln!(
                "Signed in. The tokens are in {} (readable by you only); point the connector's oauth.token_cache at it.",
                args.token_cache.display()
            );
            Ok(())
        }),
    }
}
