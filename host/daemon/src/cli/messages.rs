//! `plutanium send` (enqueue one message into the store a daemon sends
//! from) and `plutanium messages list|show` (read the message log).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use plutanium_api::views::{inbound_json, outbound_json};
use plutanium_core::Encoding;
use plutanium_core::config::{Config, StoreLocation};
use plutanium_core::time;
use plutanium_gateway::outbound::{self, Submission};
use plutanium_store::{Enqueued, LogPage, Store};
use serde_json::Value;

/// `plutanium send` arguments.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// The daemon's config file (for its store, policy and default country).
    #[arg(long)]
    config: PathBuf,
    /// The destination (E.164, or national with the config's default country).
    #[arg(long, required_unless_present = "file")]
    to: Option<String>,
    /// Send through this modem only.
    #[arg(long, conflicts_with = "file")]
    modem: Option<String>,
    /// An idempotency key: sending again with the same key queues nothing.
    #[arg(long, conflicts_with = "file")]
    key: Option<String>,
    /// auto, gsm7, gsm7-strip or ucs2.
    #[arg(long, default_value = "auto", value_parser = |name: &str| name.parse::<Encoding>())]
    encoding: Encoding,
    /// Ask the network for a delivery report.
    #[arg(long, conflicts_with = "file")]
    report: bool,
    /// Queue every message in this file instead (`-`: standard input), one
    /// JSON object per line as the API's batch takes them:
    /// `{"to": "+420601234567", "text": "Ahoj", "key": "order-7"}`, with
    /// `modem`, `encoding`, `flash` and `report` optional. A line that is
    /// refused is reported with its number, and the others are queued.
    #[arg(long, conflicts_with_all = ["to", "text"])]
    file: Option<PathBuf>,
    /// The text.
    #[arg(required_unless_present = "file")]
    text: Option<String>,
}

/// `plutanium messages` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum MessagesCommand {
    /// The newest messages, newest first.
    List {
        /// The daemon's config file (for its store).
        #[arg(long)]
        config: PathBuf,
        /// Only inbound (`in`) or outbound (`out`) messages.
        #[arg(long, value_parser = ["in", "out"])]
        direction: Option<String>,
        /// Only messages since then: a duration back from now (`30m`, `2h`,
        /// `7d`), a date (`2026-11-25`) or a UTC time (`2026-11-25T08:00:00Z`).
        #[arg(long, value_parser = |text: &str| time::parse_since(text, time::now()))]
        since: Option<u64>,
        /// At most this many of each direction.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Only messages whose text or number contains this, ignoring case
        /// (for all of Unicode: "čau" finds "Čau"), as the API's `q`.
        #[arg(long)]
        search: Option<String>,
        /// The search ignores accents too ("cau" finds "Čau").
        #[arg(long, requires = "search")]
        ignore_diacritics: bool,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// One message in full: `in-ID` or `out-ID` as `list` prints them.
    Show {
        /// The daemon's config file (for its store).
        #[arg(long)]
        config: PathBuf,
        /// `in-12`, `out-34`, or a bare number when only one direction has it.
        id: String,
    },
}

/// Opens the store `config` names; `create` makes a missing one (to queue
/// into on a fresh machine; the daemon sends it when it starts).
/// Also says whether it was created just now.
fn open_store(config_file: &Path, create: bool) -> Result<(Config, Arc<dyn Store>, bool)> {
    let config = crate::cli::config::load(config_file)?;
    let missing = matches!(&config.store, StoreLocation::Sqlite(path) if !path.exists());
    let store = crate::store::open(
        &config.store,
        &config.tls,
        crate::store::Opener::Tool { create },
    )
    .with_context(|| config_file.display().to_string())?;
    Ok((config, store, missing))
}

/// Enqueues one message (or a file of them); a running daemon sends it
/// within a second.
pub(crate) fn send(args: SendArgs) -> Result<()> {
    let (config, store, created) = open_store(&args.config, true)?;
    if created && let StoreLocation::Sqlite(path) = &config.store {
        eprintln!(
            "created the store {}; the daemon sends what is queued when it starts (`plutanium run --config {}`)",
            path.display(),
            args.config.display()
        );
    }
    if let Some(file) = &args.file {
        return send_file(&config, store.as_ref(), file);
    }
    let now = time::now();
    let key = args.key.map_or_else(
        || format!("cli:{now}:{}", std::process::id()),
        |k| format!("cli:{k}"),
    );
    let checked = outbound::check(
        &config,
        Submission {
            to: args.to.unwrap_or_default(),
            text: args.text.unwrap_or_default(),
            modem: args.modem,
            encoding: args.encoding,
            flash: false,
            report: args.report,
            key,
            source: "cli".into(),
        },
    )?;
    let (to, parts) = (checked.row.to.clone(), checked.parts);
    match store.enqueue(&checked.row, now)? {
        Enqueued::Queued(id) => println!("queued out-{id} to {to} ({parts} part{})", plural(parts)),
        Enqueued::Duplicate(id) => println!("already queued as out-{id} (same key); nothing added"),
    }
    Ok(())
}

/// Messages committed together by `send --file`.
const FILE_BATCH: usize = 1_000;

/// `send --file`: each line checked alone, the accepted ones queued in
/// batches of [`FILE_BATCH`] (one commit each).
fn send_file(config: &Config, store: &dyn Store, file: &Path) -> Result<()> {
    use std::io::BufRead;
    let reader: Box<dyn BufRead> = if file == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?,
        ))
    };
    let (pid, started) = (std::process::id(), time::now());
    let (mut queued, mut duplicates, mut refused) = (0usize, 0usize, 0usize);
    let mut pending = Vec::new();
    let mut commit = |pending: &mut Vec<outbound::Checked>| -> Result<()> {
        let rows: Vec<_> = pending.drain(..).map(|checked| checked.row).collect();
        for done in store.enqueue_batch(&rows, time::now())? {
            match done {
                Enqueued::Queued(_) => queued += 1,
                Enqueued::Duplicate(_) => duplicates += 1,
            }
        }
        Ok(())
    };
    for (n, line) in reader.lines().enumerate() {
        let number = n + 1;
        let line = line.with_context(|| format!("cannot read {}", file.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let checked = serde_json::from_str::<Value>(&line)
            .map_err(|e| format!("not JSON ({e})"))
            .and_then(|value| {
                outbound::SendItem::from_json(value)
                    .and_then(|item| {
                        item.submission("cli", "cli", || format!("cli:{started}:{pid}:{number}"))
                    })
                    .and_then(|submission| outbound::check(config, submission))
                    .map_err(|rejection| format!("{}: {rejection}", rejection.field()))
            });
        match checked {
            Ok(checked) => {
                pending.push(checked);
                if pending.len() == FILE_BATCH {
                    commit(&mut pending)?;
                }
            }
            Err(why) => {
                refused += 1;
                eprintln!("{}:{number}: refused, {why}", file.display());
            }
        }
    }
    commit(&mut pending)?;
    println!(
        "queued {queued} message{}; {duplicates} already queued (same key); {refused} refused",
        plural(queued)
    );
    if refused > 0 {
        bail!(
            "{refused} line{} of {} refused (each is named above); the others are queued",
            plural(refused),
            file.display()
        );
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub(crate) fn run(cmd: MessagesCommand) -> Result<()> {
    match cmd {
        MessagesCommand::List {
            config,
            direction,
            since,
            limit,
            search,
            ignore_diacritics,
            json,
        } => {
            let (_, store, _) = open_store(&config, false)?;
            let page = LogPage {
                search: search
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty()),
                ignore_diacritics,
                ..LogPage::since(since.unwrap_or(0), limit)
            };
            let mut items: Vec<(u64, Value)> = Vec::new();
            if direction.as_deref() != Some("out") {
                for (id, record) in store.inbound_page(&page)? {
                    items.push((record.received_at, inbound_json(id, &record)));
                }
            }
            if direction.as_deref() != Some("in") {
                for row in store.outbound_page(&page, None)? {
                    items.push((row.created_at, outbound_json(&row)));
                }
            }
            items.sort_by_key(|item| std::cmp::Reverse(item.0));
            for (_, item) in items {
                if json {
                    println!("{item}");
                } else {
                    println!("{}", table_line(&item));
                }
            }
            Ok(())
        }
        MessagesCommand::Show { config, id } => {
            let (_, store, _) = open_store(&config, false)?;
            let (direction, number) = match id.split_once('-') {
                Some((d @ ("in" | "out"), n)) => (Some(d), n),
                _ => (None, id.as_str()),
            };
            let number: i64 = number
                .parse()
                .with_context(|| format!("{id:?} is not a message id (like in-12 or out-34)"))?;
            let inbound = match direction {
                Some("out") => None,
                _ => store.inbound(number)?.map(|r| inbound_json(number, &r)),
            };
            let outbound = match direction {
                Some("in") => None,
                _ => store.outbound(number)?.map(|r| outbound_json(&r)),
            };
            let found = match (inbound, outbound) {
                (Some(_), Some(_)) => bail!(
                    "both in-{number} and out-{number} exist; say which (in-{number} or out-{number})"
                ),
                (Some(found), None) | (None, Some(found)) => found,
                (None, None) => bail!("no message {id}"),
            };
            println!("{}", serde_json::to_string_pretty(&found)?);
            Ok(())
        }
    }
}

/// `ID  TIME  DIR  PEER  STATUS  TEXT`, the text shortened to one line.
fn table_line(item: &Value) -> String {
    let text = item["text"].as_str().unwrap_or("");
    let mut one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() > 50 {
        one_line = one_line.chars().take(49).collect::<String>() + "…";
    }
    let (arrow, peer) = if item["direction"] == "in" {
        ("<-", &item["from"])
    } else {
        ("->", &item["to"])
    };
    format!(
        "{:<9} {}  {arrow} {:<16} {:<9} {one_line}",
        item["id"].as_str().unwrap_or(""),
        item["at"].as_str().unwrap_or(""),
        peer.as_str().unwrap_or(""),
        item["status"].as_str().unwrap_or("received"),
    )
}
