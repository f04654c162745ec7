//! `plutanium send` (enqueue one message into the store a daemon sends
//! from) and `plutanium messages list|show` (read the message log).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use plutanium_core::config::{Config, StoreLocation};
use plutanium_core::{Encoding, SendOptions};
use plutanium_store::{Enqueued, InboundRecord, NewOutbound, OutboxRow, SqliteStore, Store};
use serde_json::{Value, json};

use crate::gateway::now_ms;

/// `plutanium send` arguments.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// The daemon's config file (for its store, policy and default country).
    #[arg(long)]
    config: PathBuf,
    /// The destination (E.164, or national with the config's default country).
    #[arg(long)]
    to: String,
    /// Send through this modem only.
    #[arg(long)]
    modem: Option<String>,
    /// An idempotency key: sending again with the same key queues nothing.
    #[arg(long)]
    key: Option<String>,
    /// auto, gsm7, gsm7-strip or ucs2.
    #[arg(long, default_value = "auto", value_parser = parse_encoding)]
    encoding: Encoding,
    /// Ask the network for a delivery report.
    #[arg(long)]
    report: bool,
    /// The text.
    text: String,
}

pub(crate) fn parse_encoding(text: &str) -> Result<Encoding, String> {
    Ok(match text {
        "auto" => Encoding::Auto,
        "gsm7" => Encoding::Gsm7,
        "gsm7-strip" => Encoding::Gsm7Strip,
        "ucs2" => Encoding::Ucs2,
        other => return Err(format!("{other:?}: use auto, gsm7, gsm7-strip or ucs2")),
    })
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
        #[arg(long, value_parser = parse_since)]
        since: Option<u64>,
        /// At most this many of each direction.
        #[arg(long, default_value_t = 50)]
        limit: u32,
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

/// Opens the store `config` names.
fn open_store(config_file: &Path) -> Result<(Config, SqliteStore)> {
    let config = crate::config_cli::load(config_file)?;
    let store = match &config.store {
        StoreLocation::Sqlite(path) => SqliteStore::open_existing(path)?,
        StoreLocation::Memory => bail!(
            "{}: the store is in memory, so no other process can reach it; give `store:` a file",
            config_file.display()
        ),
    };
    Ok((config, store))
}

/// Enqueues one message; a running daemon sends it within a second.
pub(crate) fn send(args: SendArgs) -> Result<()> {
    let (config, store) = open_store(&args.config)?;
    if let Some(modem) = &args.modem
        && !config.modems.iter().any(|m| &m.name == modem)
    {
        let known: Vec<&str> = config.modems.iter().map(|m| m.name.as_str()).collect();
        bail!(
            "no modem called {modem:?} (the config has {})",
            known.join(", ")
        );
    }
    let (to, parts) = config
        .policy
        .check(
            &args.to,
            &args.text,
            args.encoding,
            config.default_country.as_deref(),
        )
        .map_err(|refusal| anyhow::anyhow!("refused: {refusal}"))?;
    let now = now_ms();
    let key = args.key.map_or_else(
        || format!("cli:{now}:{}", std::process::id()),
        |k| format!("cli:{k}"),
    );
    let row = NewOutbound {
        key,
        source: "cli".into(),
        to: to.clone(),
        text: args.text,
        options: SendOptions {
            encoding: args.encoding,
            status_report: args.report,
            modem: args.modem,
            ..SendOptions::default()
        },
        allowed_modems: Vec::new(),
    };
    match store.enqueue(&row, now)? {
        Enqueued::Queued(id) => println!("queued out-{id} to {to} ({parts} part{})", plural(parts)),
        Enqueued::Duplicate(id) => println!("already queued as out-{id} (same key); nothing added"),
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
            json,
        } => {
            let (_, store) = open_store(&config)?;
            let since = since.unwrap_or(0);
            let mut items: Vec<(u64, Value)> = Vec::new();
            if direction.as_deref() != Some("out") {
                for (id, record) in store.inbound_since(since, limit)? {
                    items.push((record.received_at, inbound_json(id, &record)));
                }
            }
            if direction.as_deref() != Some("in") {
                for row in store.outbound_since(since, limit)? {
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
            let (_, store) = open_store(&config)?;
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

pub(crate) fn time_text(ms: u64) -> String {
    let seconds = i64::try_from(ms / 1000).unwrap_or(i64::MAX);
    plutanium_sms::Timestamp::from_unix(seconds, 0).to_rfc3339()
}

pub(crate) fn inbound_json(id: i64, record: &InboundRecord) -> Value {
    let meta: serde_json::Map<String, Value> = record
        .meta
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "id": format!("in-{id}"),
        "direction": "in",
        "from": record.sender,
        "to": record.recipient,
        "modem": record.modem,
        "text": record.text,
        "at": time_text(record.received_at),
        "meta": meta,
    })
}

pub(crate) fn outbound_json(row: &OutboxRow) -> Value {
    json!({
        "id": format!("out-{}", row.id),
        "direction": "out",
        "key": row.key,
        "source": row.source,
        "to": row.to,
        "modem": row.sent_by.as_deref().or(row.options.modem.as_deref()),
        "text": row.text,
        "status": row.state.name(),
        "attempts": row.attempts,
        "parts": row.message_refs.len(),
        "message_refs": row.message_refs,
        "delivered_refs": row.delivered_refs,
        "error": row.last_error,
        "at": time_text(row.created_at),
        "updated": time_text(row.updated_at),
    })
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

/// `--since`: a duration back from now, a date, or a UTC time; in ms.
pub(crate) fn parse_since(text: &str) -> Result<u64, String> {
    if let Ok(back) = plutanium_core::config::parse_duration(text) {
        let back = u64::try_from(back.as_millis()).unwrap_or(u64::MAX);
        return Ok(now_ms().saturating_sub(back));
    }
    parse_utc(text).ok_or_else(|| {
        format!("{text:?}: write a duration (30m, 2h, 7d), a date (2026-11-25) or a UTC time (2026-11-25T08:00:00Z)")
    })
}

/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]Z` as ms since the epoch.
fn parse_utc(text: &str) -> Option<u64> {
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((date, time)) => (date, Some(time.strip_suffix('Z')?)),
        None => (text, None),
    };
    let mut fields = date.splitn(3, '-').map(|f| f.parse::<i64>().ok());
    let (year, month, day) = (fields.next()??, fields.next()??, fields.next()??);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    if !(1..=9999).contains(&year) {
        return None;
    }
    let seconds_of_day = match time {
        None => 0,
        Some(time) => {
            let mut hms = time.split(':').map(|f| f.parse::<i64>().ok());
            let (h, m) = (hms.next()??, hms.next()??);
            let s = hms.next().flatten().unwrap_or(0);
            if !(0..24).contains(&h) || !(0..60).contains(&m) || !(0..61).contains(&s) {
                return None;
            }
            h * 3600 + m * 60 + s
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from((days * 86_400 + seconds_of_day) * 1000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_dates_times_and_durations() {
        assert_eq!(parse_utc("1970-01-01"), Some(0));
        assert_eq!(parse_utc("2026-11-25"), Some(1_795_564_800_000));
        assert_eq!(parse_utc("2026-11-25T08:30:00Z"), Some(1_795_595_400_000));
        assert_eq!(parse_utc("2000-03-01T00:00Z"), Some(951_868_800_000));
        assert_eq!(parse_utc("2026-13-01"), None);
        assert_eq!(
            parse_utc("2026-11-25T08:30:00"),
            None,
            "UTC only, said with Z"
        );
        let hour_ago = parse_since("1h").unwrap();
        assert!(now_ms() - hour_ago >= 3_600_000 && now_ms() - hour_ago < 3_700_000);
        assert!(parse_since("yesterday").unwrap_err().contains("duration"));
    }
}
