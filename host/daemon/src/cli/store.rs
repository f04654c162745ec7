//! `plutanium store migrate --from sqlite://PATH --to postgres://…`: copies
//! a single node's store into PostgreSQL, the step from one machine to
//! several (docs/cluster.md).

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use plutanium_store::{PgLocation, copy_sqlite_to_postgres};

/// `plutanium store …`.
#[derive(Debug, Subcommand)]
pub(crate) enum StoreCommand {
    /// Copy an SQLite store into a PostgreSQL database: every message,
    /// call, log line and connector value, ids kept. Resumable: run it
    /// again after an interruption. Refuses to run while a daemon uses the
    /// SQLite file.
    Migrate(MigrateArgs),
}

/// `plutanium store migrate` arguments.
#[derive(Debug, Args)]
pub(crate) struct MigrateArgs {
    /// The SQLite store: `sqlite:///var/lib/plutanium/plutanium.db`.
    #[arg(long, value_name = "sqlite://PATH")]
    from: String,
    /// The PostgreSQL database, without a password:
    /// `postgres://USER@HOST[:PORT]/DATABASE`.
    #[arg(long, value_name = "postgres://USER@HOST/DATABASE")]
    to: String,
    /// A file whose first line is the database password (else
    /// `PGPASSWORD`, or none).
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// A PEM file of a CA the server's certificate may chain to, besides
    /// the platform's (as `tls.ca_files`); repeat for more.
    #[arg(long = "ca-file", value_name = "FILE")]
    ca_files: Vec<PathBuf>,
}

/// Runs a `store` subcommand.
pub(crate) fn run(command: StoreCommand) -> Result<()> {
    match command {
        StoreCommand::Migrate(args) => migrate(args),
    }
}

fn migrate(args: MigrateArgs) -> Result<()> {
    let Some(path) = args.from.strip_prefix("sqlite://").map(PathBuf::from) else {
        bail!(
            "--from {:?}: give the SQLite store as sqlite://PATH (the `store:` of the single node's config)",
            args.from
        );
    };
    if !(args.to.starts_with("postgres://") || args.to.starts_with("postgresql://")) {
        bail!(
            "--to {:?}: give the PostgreSQL database as postgres://USER@HOST[:PORT]/DATABASE",
            args.to
        );
    }
    if !path.is_file() {
        bail!(
            "--from: there is no store at {} (is the path right?)",
            path.display()
        );
    }
    // The daemon holds this lock while it runs: copying a store that is
    // still being written would leave the copy behind it.
    let _lock = crate::store::lock(&path)
        .context("stop the daemon that uses it first (systemctl stop plutanium), then copy")?;
    let location = PgLocation {
        url: args.to.clone(),
        password: crate::store::password(args.password_file.as_deref())?,
        trust: Some(crate::store::trust(&args.ca_files)?),
    };
    let mut last = String::new();
    let copied = copy_sqlite_to_postgres(&path, &location, |progress| {
        // One line per table, rewritten as its batches go.
        if progress.table != last {
            if !last.is_empty() {
                eprintln!();
            }
            last = progress.table.to_string();
        }
        eprint!(
            "\r{}: {} of {} rows copied",
            progress.table, progress.copied, progress.source
        );
    });
    if !last.is_empty() {
        eprintln!();
    }
    let copied = copied?;
    for table in &copied {
        println!(
            "{:<16} {:>9} rows in SQLite, {:>9} in PostgreSQL ({} copied now)",
            table.table, table.source, table.target, table.copied
        );
    }
    println!(
        "copied {} into {}: every table has the same rows. Point `store:` at the database (and `store_password_file:`), then start the nodes.",
        path.display(),
        args.to
    );
    Ok(())
}
