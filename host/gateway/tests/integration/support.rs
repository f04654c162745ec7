//! What the gateway's tests share: a simulated network, a store on disk, a
//! gateway started on them, and a way to wait for what happens next.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use plutanium_catalog::Catalog;
use plutanium_core::config::Config;
use plutanium_gateway::{Gateway, Setup};
use plutanium_modem::InProcessPorts;
use plutanium_modem_sim::{Latency, ModemConfig, Simulator};
use plutanium_store::SqliteStore;

pub(crate) const CONFIG: &str = r#"
modems:
  gsm0: { port: "sim://gsm0", number: "+420777000000" }
connectors:
  notify:
    component: missed-call
    config: { notify: ["+420777000111"] }
routes:
  - { from: gsm0, through: [notify], to: gsm0 }
"#;

/// A simulated network with one modem, gsm0 (+420777000000).
pub(crate) fn network(seed: u64) -> Simulator {
    let sim = Simulator::start(seed, Latency::Zero);
    sim.add_modem(ModemConfig::new("gsm0", "+420777000000"))
        .unwrap();
    sim
}

/// Why `config` does not prepare (it must not).
pub(crate) async fn refused(
    config: Config,
    store: &Arc<SqliteStore>,
    dir: &std::path::Path,
) -> String {
    let ports: Arc<dyn InProcessPorts> = Arc::new(network(0));
    let setup = Setup::new(store.clone(), Catalog::new(dir)).in_process(ports);
    match Gateway::start(config, setup).await {
        Ok(gateway) => {
            gateway.stop().await;
            panic!("the config was accepted")
        }
        Err(error) => error.to_string(),
    }
}

pub(crate) fn config(text: &str) -> Config {
    plutanium_core::config::load(text, &|_| None).expect("config")
}

/// Starts a gateway for `config` over `store`, its modems on `ports`.
pub(crate) async fn start_on(
    config: Config,
    store: &Arc<SqliteStore>,
    dir: &std::path::Path,
    ports: Option<Arc<dyn InProcessPorts>>,
) -> Gateway {
    Gateway::start(config, setup(store, dir, ports))
        .await
        .expect("starts")
}

/// A setup over `store` with components from `dir`, modems on `ports`,
/// and a short reconnect delay.
pub(crate) fn setup(
    store: &Arc<SqliteStore>,
    dir: &std::path::Path,
    ports: Option<Arc<dyn InProcessPorts>>,
) -> Setup {
    let setup = Setup::new(store.clone(), Catalog::new(dir))
        .tweak_driver(|driver| driver.reconnect_initial = Duration::from_millis(50));
    match ports {
        Some(ports) => setup.in_process(ports),
        None => setup,
    }
}

/// A simulated network with gsm0, a data directory, and a store on disk
/// in it: what most tests start a gateway on.
pub(crate) fn fixture(seed: u64) -> (Simulator, tempfile::TempDir, Arc<SqliteStore>) {
    let sim = network(seed);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
    (sim, dir, store)
}

/// [`start_on`] with `sim` serving the `sim://` ports.
pub(crate) async fn start_on_sim(
    config: Config,
    store: &Arc<SqliteStore>,
    dir: &tempfile::TempDir,
    sim: &Simulator,
) -> Gateway {
    let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
    start_on(config, store, dir.path(), Some(ports)).await
}

/// Polls `probe` every 50 ms until it finds something, for up to 30 s.
pub(crate) async fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) fn echo_config(extra_modems: &str, route: &str) -> Config {
    let processor = test_source().with_file_name("plutanium_test_processor.wasm");
    config(&format!(
        r#"
modems:
  gsm0: {{ port: "sim://gsm0", number: "+420777000000", rate_per_minute: 10000 }}
{extra_modems}
connectors:
  echo: {{ component: {p} }}
routes:
  - {route}
"#,
        p = processor.display()
    ))
}

/// The test source built by the runtime's build script.
pub(crate) fn test_source() -> PathBuf {
    let target = option_env!("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("guests/wasm32-wasip2/release/plutanium_test_source.wasm")
}
