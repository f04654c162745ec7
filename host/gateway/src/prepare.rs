//! Everything a gateway needs that can fail, done before any modem or task
//! starts: ports parsed, PINs read, components found, loaded and checked
//! against the routes. A reload whose config cannot start therefore leaves
//! the running gateway alone.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use plutanium_catalog::{Catalog, CatalogError};
use plutanium_core::config::{
    ComponentRef, Config, ConnectorConfig, ModemConfig, Secret, TlsConfig,
};
use plutanium_core::{Processor, Sink};
use plutanium_modem::{DriverConfig, InProcessPorts, InvalidPortUrl, PortUrl};
use plutanium_runtime::{Connector, Grants, HttpLimits, LoadError, Runtime, RuntimeConfig, World};
use plutanium_store::Store;
use sha2::{Digest, Sha256};

use crate::handle::ConnectorStatsMap;
use crate::oauth::OAuthError;

/// Where and how a gateway runs, beside its config: the store it commits
/// to, where components come from, and (for the demo and tests) modems in
/// this process.
#[derive(Clone)]
pub struct Setup {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) catalog: Catalog,
    pub(crate) cache_dir: Option<PathBuf>,
    pub(crate) in_process: Option<Arc<dyn InProcessPorts>>,
    pub(crate) tweak_driver: Arc<dyn Fn(&mut DriverConfig) + Send + Sync>,
    /// This node's name among the nodes sharing the store.
    pub(crate) node: String,
    /// This node's leases, on a shared store (made by `Gateway::start`).
    pub(crate) cluster: Option<crate::cluster::Cluster>,
    /// Where send outcomes go before the store has them (the daemon on its
    /// SQLite file); without one, a modem's next PDU waits for the commit.
    pub(crate) journal: Option<Arc<crate::journal::OutcomeJournal>>,
}

impl Setup {
    /// A gateway over `store`, taking components from `catalog`.
    pub fn new(store: Arc<dyn Store>, catalog: Catalog) -> Setup {
        Setup {
            store,
            catalog,
            cache_dir: None,
            in_process: None,
            tweak_driver: Arc::new(|_| {}),
            node: "node".into(),
            cluster: None,
            journal: None,
        }
    }

    /// Names this node among the nodes sharing a store (`plutanium run
    /// --node`; the daemon passes the host name by default). Only a shared
    /// store (PostgreSQL) uses it: it is who holds a modem's lease.
    pub fn node(mut self, name: impl Into<String>) -> Setup {
        self.node = name.into();
        self
    }

    /// Writes each send's outcome to `journal` before the modem's next send,
    /// so that the next PDU need not wait for the store's commit (see
    /// [`crate::journal`]). Only for a store no other process uses; a
    /// shared store ignores it.
    pub fn outcome_journal(mut self, journal: crate::journal::OutcomeJournal) -> Setup {
        self.journal = Some(Arc::new(journal));
        self
    }

    /// Keeps compiled components in `dir`, so the next start is fast.
    pub fn compile_cache(mut self, dir: impl Into<PathBuf>) -> Setup {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Serves `sim://` ports from `ports` (the simulated network in this
    /// process): the demo and tests.
    pub fn in_process(mut self, ports: Arc<dyn InProcessPorts>) -> Setup {
        self.in_process = Some(ports);
        self
    }

    /// Changes each modem's driver settings before it starts (tests shorten
    /// the reconnect delay, or ask for direct delivery).
    pub fn tweak_driver(
        mut self,
        tweak: impl Fn(&mut DriverConfig) + Send + Sync + 'static,
    ) -> Setup {
        self.tweak_driver = Arc::new(tweak);
        self
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }
}

/// What a reload starts from: the config that runs, its runtime (shared
/// with the next), and what each running connector was made from.
pub(crate) struct Previous {
    pub(crate) config: Arc<Config>,
    pub(crate) runtime: Arc<Runtime>,
    pub(crate) connectors: HashMap<String, ConnectorIdentity>,
    pub(crate) worlds: HashMap<String, World>,
}

/// Why a config cannot start; nothing was started or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrepareError {
    /// A `tls.ca_files` entry cannot be used.
    #[error("tls.ca_files: {0}")]
    Trust(#[from] plutanium_tls::TrustError),
    /// A modem's `port:` is not a port URL.
    #[error("modem {modem}: {source}")]
    Port {
        /// The modem.
        modem: String,
        /// What is wrong with the URL.
        source: InvalidPortUrl,
    },
    /// A `sim://` port outside the demo, which alone runs the simulator.
    #[error(
        "modem {modem}: sim:// ports exist only inside `plutanium demo`; give a serial://, tcp:// or rfc2217:// port"
    )]
    SimulatedPort {
        /// The modem.
        modem: String,
    },
    /// A modem's PIN or password file could not be read.
    #[error("modem {modem}: cannot read the {what} file {}: {source}", path.display())]
    Secret {
        /// The modem.
        modem: String,
        /// `PIN` or `password`.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The component runtime could not start.
    #[error("cannot start the component runtime: {0}")]
    Runtime(#[source] LoadError),
    /// Preparing stopped unexpectedly (a bug: the log has the panic).
    #[error("preparing the config failed unexpectedly: {0}")]
    Internal(String),
    /// A connector names a component the catalog does not have.
    #[error(
        "connector {connector}: no built-in or installed component called {component:?} (see `plutanium connector list`)"
    )]
    NoComponent {
        /// The connector.
        connector: String,
        /// The component name.
        component: String,
    },
    /// The catalog could not be read.
    #[error("connector {connector}: {source}")]
    Catalog {
        /// The connector.
        connector: String,
        /// Why.
        source: CatalogError,
    },
    /// A connector's component file could not be read.
    #[error("connector {connector}: cannot read {}: {source}", path.display())]
    ComponentFile {
        /// The connector.
        connector: String,
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A connector's OAuth cannot work.
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    /// A component did not load.
    #[error("connector {connector}: {source}")]
    Load {
        /// The connector.
        connector: String,
        /// Why.
        source: LoadError,
    },
    /// Routes use connectors as what their world is not, one line each.
    #[error("{}", .0.join("\n"))]
    Routes(Vec<String>),
    /// A reload names another store than the running gateway's.
    #[error("the store cannot change on reload; restart the daemon for that")]
    StoreChanged,
    /// An earlier reload was cancelled halfway, and nothing runs.
    #[error("the gateway stopped during an earlier reload; restart the daemon")]
    Stopped,
}

/// The modem's port, with `baud:` applied to a port that has a speed (the
/// config check refuses it on any other, and beside a `?baud=` that
/// disagrees).
fn port_of(modem: &ModemConfig) -> Result<PortUrl, PrepareError> {
    let mut port = modem.port.parse().map_err(|source| PrepareError::Port {
        modem: modem.name.clone(),
        source,
    })?;
    if let (Some(baud), PortUrl::Serial { settings, .. } | PortUrl::Rfc2217 { settings, .. }) =
        (modem.baud, &mut port)
    {
        settings.baud = baud;
    }
    Ok(port)
}

fn read_secret(modem: &str, secret: &Secret, what: &'static str) -> Result<String, PrepareError> {
    match secret {
        Secret::Inline(value) => Ok(value.clone()),
        Secret::File(path) => Ok(std::fs::read_to_string(path)
            .map_err(|source| PrepareError::Secret {
                modem: modem.into(),
                what,
                path: path.clone(),
                source,
            })?
            .trim()
            .to_string()),
    }
}

/// A modem to start, its driver configured.
pub(crate) struct ModemPlan {
    pub(crate) config: ModemConfig,
    pub(crate) driver: DriverConfig,
}

/// Everything a gateway needs that can fail, done before any modem or task
/// starts.
pub(crate) struct Prepared {
    pub(crate) config: Arc<Config>,
    pub(crate) runtime: Arc<Runtime>,
    pub(crate) processors: HashMap<String, Box<dyn Processor>>,
    pub(crate) sinks: HashMap<String, Box<dyn Sink>>,
    pub(crate) sources: Vec<(ConnectorConfig, Connector)>,
    /// Connectors whose config and component did not change: the running
    /// instances are taken over at launch (loaded again from these bytes
    /// only if the old gateway could not hand one over).
    pub(crate) reused: Vec<(ConnectorConfig, Vec<u8>)>,
    /// What each connector was prepared from, for the next reload.
    pub(crate) identities: HashMap<String, ConnectorIdentity>,
    pub(crate) modems: Vec<ModemPlan>,
    /// The statistics of the connectors loaded here.
    pub(crate) stats: ConnectorStatsMap,
    /// The CAs every TLS client trusts under this config.
    pub(crate) trust: plutanium_tls::TrustStore,
}

/// A connector's config and a hash of its component: equal identities mean
/// a reload need not restart it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ConnectorIdentity {
    config: ConnectorConfig,
    component: [u8; 32],
    /// Its OAuth client trusts these: new CA files restart it.
    tls: TlsConfig,
}

impl ConnectorIdentity {
    fn of(config: &ConnectorConfig, bytes: &[u8], tls: &TlsConfig) -> ConnectorIdentity {
        ConnectorIdentity {
            config: config.clone(),
            component: Sha256::digest(bytes).into(),
            tls: tls.clone(),
        }
    }
}

/// Loads `connector` from `bytes` into `runtime`. A connector whose config
/// has no `default_country` gets the gateway's, so national numbers in its
/// config read as they do everywhere else in the file.
pub(crate) fn load_connector(
    runtime: &Runtime,
    connector: &ConnectorConfig,
    bytes: &[u8],
    default_country: Option<&str>,
    trust: &plutanium_tls::TrustStore,
) -> Result<Connector, PrepareError> {
    let mut config = connector.config.clone();
    if let Some(country) = default_country
        && !config.iter().any(|(key, _)| key == "default_country")
    {
        config.push((
            "default_country".into(),
            format!("+{}", country.trim_start_matches('+')),
        ));
    }
    let grants = Grants {
        allow_hosts: connector.allow_hosts.clone(),
        config,
        oauth: crate::oauth::grant(connector, trust)?,
        call_deadline: Some(connector.deadline),
        memory_limit: Some((connector.memory_mib as usize) << 20),
        http_limits: Some(HttpLimits {
            connect_timeout: connector.http.connect_timeout,
            deadline: connector.http.deadline,
            max_response_bytes: u64::from(connector.http.max_response_mib) << 20,
            max_concurrent: connector.http.max_concurrent as usize,
        }),
    };
    runtime
        .load(&connector.name, bytes, grants)
        .map_err(|source| PrepareError::Load {
            connector: connector.name.clone(),
            source,
        })
}

impl Prepared {
    /// [`Prepared::new`] on the blocking pool: compiling components takes
    /// seconds of CPU, and on an async worker it would stall the API, the
    /// modems and everything else on that worker meanwhile.
    pub(crate) async fn off_the_runtime(
        config: Config,
        setup: &Setup,
        running: Option<Previous>,
    ) -> Result<Prepared, PrepareError> {
        let setup = setup.clone();
        tokio::task::spawn_blocking(move || Prepared::new(config, &setup, running.as_ref()))
            .await
            .map_err(|e| PrepareError::Internal(e.to_string()))?
    }

    /// Loads the connectors and checks the modems of `config`. With
    /// `running` (a reload), its runtime is shared and its connectors whose
    /// config and component did not change are kept, not loaded again.
    pub(crate) fn new(
        config: Config,
        setup: &Setup,
        running: Option<&Previous>,
    ) -> Result<Prepared, PrepareError> {
        if let Some(running) = running
            && running.config.store != config.store
        {
            return Err(PrepareError::StoreChanged);
        }
        let mut modems = Vec::new();
        for modem in &config.modems {
            if setup.in_process.is_none() && modem.port.starts_with("sim://") {
                return Err(PrepareError::SimulatedPort {
                    modem: modem.name.clone(),
                });
            }
            let port = port_of(modem)?;
            let mut driver = DriverConfig::new(&modem.name, port);
            driver.pin = modem
                .pin
                .as_ref()
                .map(|pin| read_secret(&modem.name, pin, "PIN"))
                .transpose()?;
            driver.password = modem
                .password
                .as_ref()
                .map(|password| {
                    read_secret(&modem.name, password, "password").map(plutanium_modem::Password)
                })
                .transpose()?;
            // The router's HTTPS trusts what every other client here trusts,
            // and its own certificate when `ca_file:` names it.
            driver.ca_files = config
                .tls
                .ca_files
                .iter()
                .cloned()
                .chain(modem.ca_file.clone())
                .collect();
            driver.hang_up_calls = modem.hang_up_calls;
            driver.timeouts.prompt = modem.prompt_timeout;
            driver.reassembly.timeout = modem.incomplete_after;
            // A sample more often than the probe would record the same
            // values again; a rarer one keeps the probe's own pace, which
            // also finds a hung modem. Never more than once a second: the
            // probe's commands share the line with the sends.
            driver.health_interval = driver
                .health_interval
                .min(config.health.every)
                .max(std::time::Duration::from_secs(1));
            (setup.tweak_driver)(&mut driver);
            modems.push(ModemPlan {
                config: modem.clone(),
                driver,
            });
        }
        let trust = plutanium_tls::TrustStore::load(&config.tls.ca_files)?;
        let runtime = match running {
            Some(running) => running.runtime.clone(),
            None => {
                let mut runtime = Runtime::new(RuntimeConfig::default(), setup.store.clone())
                    .map_err(PrepareError::Runtime)?;
                if let Some(dir) = &setup.cache_dir {
                    runtime = runtime.with_compile_cache(dir);
                }
                Arc::new(runtime)
            }
        };
        let mut processors: HashMap<String, Box<dyn Processor>> = HashMap::new();
        let mut sinks: HashMap<String, Box<dyn Sink>> = HashMap::new();
        let mut sources = Vec::new();
        let mut reused = Vec::new();
        let mut identities = HashMap::new();
        let mut stats = ConnectorStatsMap::new();
        for connector in &config.connectors {
            let bytes = match &connector.component {
                ComponentRef::Name(name) => setup
                    .catalog
                    .bytes(name)
                    .map_err(|source| PrepareError::Catalog {
                        connector: connector.name.clone(),
                        source,
                    })?
                    .ok_or_else(|| PrepareError::NoComponent {
                        connector: connector.name.clone(),
                        component: name.clone(),
                    })?
                    .into_owned(),
                ComponentRef::Path(path) => {
                    std::fs::read(path).map_err(|source| PrepareError::ComponentFile {
                        connector: connector.name.clone(),
                        path: path.clone(),
                        source,
                    })?
                }
            };
            let identity = ConnectorIdentity::of(connector, &bytes, &config.tls);
            let unchanged = running
                .and_then(|running| running.connectors.get(&connector.name))
                .is_some_and(|running| *running == identity);
            identities.insert(connector.name.clone(), identity);
            if unchanged {
                reused.push((connector.clone(), bytes));
                continue;
            }
            let loaded = load_connector(
                &runtime,
                connector,
                &bytes,
                config.default_country.as_deref(),
                &trust,
            )?;
            stats.insert(
                connector.name.clone(),
                (loaded.world(), loaded.stats_handle()),
            );
            match loaded.world() {
                World::Processor => {
                    processors.insert(connector.name.clone(), Box::new(loaded));
                }
                World::Sink => {
                    sinks.insert(connector.name.clone(), Box::new(loaded));
                }
                World::Source => sources.push((connector.clone(), loaded)),
            }
        }
        let kept_world = |name: &str| running.and_then(|running| running.worlds.get(name).copied());
        check_worlds(&config, &processors, &sinks, &sources, &kept_world)?;
        Ok(Prepared {
            config: Arc::new(config),
            runtime,
            processors,
            sinks,
            sources,
            reused,
            identities,
            modems,
            stats,
            trust,
        })
    }
}

/// Refuses routes that use a connector as what its world is not: a route
/// starts at a modem or a source, goes through processors, and ends at
/// modems or sinks.
fn check_worlds(
    config: &Config,
    processors: &HashMap<String, Box<dyn Processor>>,
    sinks: &HashMap<String, Box<dyn Sink>>,
    sources: &[(ConnectorConfig, Connector)],
    kept_world: &dyn Fn(&str) -> Option<World>,
) -> Result<(), PrepareError> {
    use plutanium_core::config::Endpoint;
    let world = |name: &str| {
        if let Some(world) = kept_world(name) {
            match world {
                World::Processor => "a processor",
                World::Sink => "a sink",
                World::Source => "a source",
            }
        } else if processors.contains_key(name) {
            "a processor"
        } else if sinks.contains_key(name) {
            "a sink"
        } else if sources.iter().any(|(c, _)| c.name == name) {
            "a source"
        } else {
            "not loaded"
        }
    };
    let mut problems = Vec::new();
    for (index, route) in config.routes.iter().enumerate() {
        let number = index + 1;
        if let Endpoint::Connector(name) = &route.from
            && world(name) != "a source"
        {
            problems.push(format!(
                "route {number}: `from: {name}` must be a modem or a source, and {name} is {}",
                world(name)
            ));
        }
        for name in &route.through {
            if world(name) != "a processor" {
                problems.push(format!(
                    "route {number}: `through: {name}` must be a processor, and {name} is {}",
                    world(name)
                ));
            }
        }
        for end in &route.to {
            if let Endpoint::Connector(name) = end
                && world(name) != "a sink"
            {
                problems.push(format!(
                    "route {number}: `to: {name}` must be a modem or a sink, and {name} is {}",
                    world(name)
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(PrepareError::Routes(problems));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modem(port: &str, baud: Option<u32>) -> ModemConfig {
        let text = match baud {
            Some(baud) => format!("modems:\n  gsm0: {{ port: \"{port}\", baud: {baud} }}\n"),
            None => format!("modems:\n  gsm0: {{ port: \"{port}\" }}\n"),
        };
        plutanium_core::config::load(&text, &|_| None)
            .expect("a valid config")
            .modems
            .remove(0)
    }

    fn baud(port: PortUrl) -> u32 {
        match port {
            PortUrl::Serial { settings, .. } | PortUrl::Rfc2217 { settings, .. } => settings.baud,
            other => panic!("no speed on {other}"),
        }
    }

    #[test]
    fn baud_beside_the_port_is_the_ports_speed() {
        let port = |p, b| port_of(&modem(p, b)).unwrap();
        assert_eq!(baud(port("serial:///dev/ttyUSB0", Some(9600))), 9600);
        assert_eq!(baud(port("rfc2217://127.0.0.1:2217", Some(57600))), 57600);
        assert_eq!(
            baud(port("serial:///dev/ttyUSB0?baud=19200", Some(19200))),
            19200
        );
        assert_eq!(baud(port("serial:///dev/ttyUSB0?baud=19200", None)), 19200);
        assert_eq!(baud(port("serial:///dev/ttyUSB0", None)), 115_200);
    }
}
