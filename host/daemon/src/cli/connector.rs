//! `plutanium connector ...`: inspect, list, install and scaffold connector
//! components.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use plutanium_catalog::scaffold::{self, Language, WorldKind};
use plutanium_catalog::trial::{self, Stimulus, Trial};
use plutanium_catalog::{Catalog, Origin, check_name, install};
use plutanium_runtime::{Inspection, MemoryKv, Runtime, RuntimeConfig};
use serde_json::{Value, json};

/// `plutanium connector` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ConnectorCommand {
    /// Describe a component: world, contract version, imports, exports, size,
    /// and whether this Plutanium can load it (JSON).
    Inspect {
        /// A component file (.wasm), or the name of a built-in or installed connector.
        file: PathBuf,
        /// The data directory (default: $PLUTANIUM_DATA_DIR, $STATE_DIRECTORY or ~/.local/share/plutanium).
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// List the built-in and installed connectors.
    List {
        /// The data directory.
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// JSON, one object per connector, instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Check a component, precompile it, and copy it into the data directory
    /// so configs can name it.
    Install {
        /// The component (.wasm).
        file: PathBuf,
        /// The name to install it under (default: the file name without .wasm,
        /// with '_' as '-').
        #[arg(long)]
        name: Option<String>,
        /// Replace an installed connector of the same name.
        #[arg(long)]
        force: bool,
        /// The data directory.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Run a connector once, without a daemon: give it an SMS or a call, or
    /// poll it, and print what it returned (JSON). Its store lasts for this run only.
    Try {
        /// A component file (.wasm), or the name of a built-in or installed connector.
        file: PathBuf,
        /// A config pair for the connector, `key=value` (repeatable).
        #[arg(long = "config", value_name = "KEY=VALUE")]
        config: Vec<String>,
        /// A host its HTTP requests may reach (repeatable).
        #[arg(long = "allow-host", value_name = "HOST")]
        allow_hosts: Vec<String>,
        /// Give it an inbound SMS: the sender and the text.
        #[arg(long, num_args = 2, value_names = ["FROM", "TEXT"], conflicts_with_all = ["call", "poll"])]
        sms: Option<Vec<String>>,
        /// Give it a missed call from this number ("" for a withheld number).
        #[arg(long, value_name = "FROM", conflicts_with = "poll")]
        call: Option<String>,
        /// Poll a source for up to this many messages.
        #[arg(long, value_name = "MAX")]
        poll: Option<u32>,
        /// Send the same event this many times (to see what the store keeps).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        repeat: u32,
        /// The data directory, for connector names.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Create a new connector project that builds and has a test.
    New {
        /// The project's name (also its directory).
        name: String,
        /// The language to write it in.
        #[arg(long, value_parser = PossibleValuesParser::new(["rust", "python", "js"]).try_map(|s| s.parse::<Language>()))]
        lang: Language,
        /// The kind of connector.
        #[arg(long, default_value = "processor", value_parser = PossibleValuesParser::new(["processor", "sink", "source"]).try_map(|s| s.parse::<WorldKind>()))]
        world: WorldKind,
        /// Where to create the project directory (default: here).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// A Plutanium source checkout's `sdk/` directory, for Rust projects
        /// (default: the one this binary was built from, if it is still there).
        #[arg(long)]
        sdk: Option<PathBuf>,
    },
}

fn runtime(cache: Option<&Path>) -> Result<Runtime> {
    let runtime = Runtime::new(RuntimeConfig::default(), Arc::new(MemoryKv::default()))?;
    Ok(match cache {
        Some(dir) => runtime.with_compile_cache(dir),
        None => runtime,
    })
}

fn inspection_json(source: &str, inspection: &Inspection) -> Value {
    json!({
        "file": source,
        "world": inspection.world.map(|w| w.name()),
        "contract_version": inspection.contract_version,
        "imports": inspection.imports,
        "exports": inspection.exports,
        "size": inspection.size,
        "compatible": inspection.incompatibility.is_none(),
        "incompatibility": inspection.incompatibility,
    })
}

pub(crate) fn run(cmd: ConnectorCommand) -> Result<()> {
    match cmd {
        ConnectorCommand::Inspect { file, data_dir } => inspect(&file, data_dir),
        ConnectorCommand::List { data_dir, json } => list(data_dir, json),
        ConnectorCommand::Install {
            file,
            name,
            force,
            data_dir,
        } => install(&file, name, force, data_dir),
        ConnectorCommand::Try {
            file,
            config,
            allow_hosts,
            sms,
            call,
            poll,
            repeat,
            data_dir,
        } => {
            let stimulus = match (sms, call, poll) {
                (Some(sms), _, _) => Stimulus::Sms {
                    from: sms[0].clone(),
                    text: sms[1].clone(),
                },
                (None, Some(from), _) => Stimulus::Call { from },
                (None, None, Some(max)) => Stimulus::Poll { max },
                (None, None, None) => {
                    bail!("say what to do: --sms FROM TEXT, --call FROM or --poll MAX")
                }
            };
            let bytes = component_bytes(&file, data_dir)?;
            let config = config
                .iter()
                .map(|pair| {
                    pair.split_once('=')
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .with_context(|| format!("--config {pair:?} is not KEY=VALUE"))
                })
                .collect::<Result<Vec<_>>>()?;
            let name = file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("connector")
                .to_string();
            let trial = Trial {
                name,
                config,
                allow_hosts,
            };
            let answers =
                crate::block_on(async { Ok(trial::run(trial, &bytes, stimulus, repeat).await?) })?;
            for answer in &answers {
                println!("{}", answer.json);
            }
            let failed = answers.iter().filter(|a| a.failed).count();
            if failed > 0 {
                bail!("{failed} of {} calls failed", answers.len());
            }
            Ok(())
        }
        ConnectorCommand::New {
            name,
            lang,
            world,
            dir,
            sdk,
        } => {
            let created = scaffold::create(&dir, &name, lang, world, sdk)?;
            println!(
                "created {} ({} {})",
                created.display(),
                lang.name(),
                world.name()
            );
            println!("{}", scaffold::next_steps(&created, lang));
            Ok(())
        }
    }
}

/// The bytes of a component given as a file, or as a connector's name.
fn component_bytes(file: &Path, data_dir: Option<PathBuf>) -> Result<Vec<u8>> {
    let named = file
        .to_str()
        .filter(|s| !file.is_file() && check_name(s).is_ok());
    Ok(match named {
        Some(name) => {
            let catalog = Catalog::new(&crate::data_dir::resolve(data_dir)?);
            catalog
                .bytes(name)?
                .with_context(|| format!("no file and no connector called {name:?}"))?
                .into_owned()
        }
        None => std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?,
    })
}

fn inspect(file: &Path, data_dir: Option<PathBuf>) -> Result<()> {
    let bytes = component_bytes(file, data_dir)?;
    let inspection = runtime(None)?
        .inspect(&bytes)
        .with_context(|| format!("{} is not a usable component", file.display()))?;
    println!(
        "{}",
        inspection_json(&file.display().to_string(), &inspection)
    );
    Ok(())
}

fn list(data_dir: Option<PathBuf>, as_json: bool) -> Result<()> {
    let data_dir = crate::data_dir::resolve(data_dir)?;
    let catalog = Catalog::new(&data_dir);
    let cache = data_dir.join("cache");
    let runtime = runtime(Some(&cache))?;
    let mut rows = Vec::new();
    for entry in catalog.entries()? {
        let bytes = catalog.bytes(&entry.name)?.unwrap_or_default();
        let (world, version, problem) = match runtime.inspect(&bytes) {
            Ok(i) => (
                i.world.map(|w| w.name().to_string()),
                i.contract_version.clone(),
                i.incompatibility.clone(),
            ),
            Err(e) => (None, None, Some(e.to_string())),
        };
        let origin = entry.origin.name();
        let path = match &entry.origin {
            Origin::Installed(path) => Some(path.display().to_string()),
            _ => None,
        };
        rows.push(json!({
            "name": entry.name, "origin": origin, "path": path, "world": world,
            "contract_version": version, "size": bytes.len(),
            "compatible": problem.is_none(), "incompatibility": problem,
        }));
    }
    if as_json {
        for row in &rows {
            println!("{row}");
        }
        return Ok(());
    }
    println!(
        "{:<24} {:<10} {:<20} {:>10}  NOTES",
        "NAME", "ORIGIN", "WORLD", "SIZE"
    );
    for row in &rows {
        let notes = match (&row["incompatibility"], &row["path"]) {
            (Value::String(problem), _) => format!("cannot load: {problem}"),
            (_, Value::String(path)) => path.clone(),
            _ => String::new(),
        };
        let line = format!(
            "{:<24} {:<10} {:<20} {:>6} KiB  {notes}",
            row["name"].as_str().unwrap_or_default(),
            row["origin"].as_str().unwrap_or_default(),
            row["world"].as_str().unwrap_or("?"),
            row["size"].as_u64().unwrap_or(0).div_ceil(1024),
        );
        println!("{}", line.trim_end());
    }
    Ok(())
}

fn install(
    file: &Path,
    name: Option<String>,
    force: bool,
    data_dir: Option<PathBuf>,
) -> Result<()> {
    let data_dir = crate::data_dir::resolve(data_dir)?;
    let catalog = Catalog::new(&data_dir);
    let runtime = runtime(Some(&data_dir.join("cache")))?;
    let installed = install::install(&catalog, &runtime, file, name, force)?;
    let world = installed.world.map_or("?", |w| w.name());
    println!(
        "installed {} ({world}, {} KiB) at {}",
        installed.name,
        installed.size.div_ceil(1024),
        installed.path.display()
    );
    Ok(())
}
