//! The demo's last scene: two gateway nodes on one PostgreSQL, one modem
//! between them. Needs PostgreSQL's server programs (Debian's
//! `postgresql`); without them the scene says so and the demo goes on.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use plutanium_catalog::Catalog;
use plutanium_core::SendOptions;
use plutanium_gateway::{Gateway, Setup};
use plutanium_modem::{InProcessPorts, ModemState};
use plutanium_modem_sim::{ModemConfig, Simulator};
use plutanium_store::postgres::testing::TempCluster;
use plutanium_store::{NewOutbound, PgStore, Store};

use super::{OWNER, info, step, wait_for};

/// The shared modem's number.
const GSM2: &str = "+420777000003";

/// Whether `gateway` drives modem gsm2 now.
fn drives(gateway: &Gateway) -> bool {
    gateway
        .handle()
        .modem("gsm2")
        .is_some_and(|modem| *modem.state().borrow() == ModemState::Ready)
}

/// Queues a message to the owner on `store` (off the async workers).
async fn queue(store: &Arc<dyn Store>, key: &str, text: &str) -> Result<()> {
    let (store, message) = (
        store.clone(),
        NewOutbound {
            key: key.into(),
            source: "demo".into(),
            to: OWNER.into(),
            text: text.into(),
            options: SendOptions::default(),
            allowed_modems: Vec::new(),
        },
    );
    tokio::task::spawn_blocking(move || store.enqueue(&message, store.clock()?))
        .await
        .context("queueing did not finish")??;
    Ok(())
}

pub(super) async fn show(sim: &Simulator, data_dir: &Path) -> Result<()> {
    step(
        "Two gateway nodes share one PostgreSQL and a modem (gsm2): one drives it, the other stands by",
    );
    // Blocking calls (the server's programs, its client) off the workers.
    let started = tokio::task::spawn_blocking(|| {
        let server = TempCluster::start()?;
        let location = server.create_database();
        Ok::<_, String>((server, location))
    });
    let (server, location) = match started.await? {
        Ok(started) => started,
        Err(reason) => {
            info(&format!("skipped: {reason}"));
            return Ok(());
        }
    };
    sim.add_modem(ModemConfig::new("gsm2", GSM2))?;
    let config_text = format!(
        "store: \"{}\"\nmodems:\n  gsm2: {{ port: \"sim://gsm2\", number: \"{GSM2}\" }}\n",
        location.url
    );
    let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
    let mut nodes = Vec::new();
    for name in ["east", "west"] {
        let config = plutanium_core::config::load(&config_text, &|_| None)
            .map_err(|errors| anyhow::anyhow!("the demo's cluster config is wrong: {errors:?}"))?;
        let open = location.clone();
        let store: Arc<dyn Store> =
            Arc::new(tokio::task::spawn_blocking(move || PgStore::open(&open)).await??);
        let setup = Setup::new(store.clone(), Catalog::new(data_dir))
            .in_process(ports.clone())
            .node(name);
        nodes.push((name, store, Gateway::start(config, setup).await?));
        if name == "east" {
            // East first, so east takes the lease.
            wait_for("node east to drive gsm2", || {
                drives(&nodes[0].2).then_some(())
            })
            .await?;
        }
    }
    info(&format!(
        "a throwaway PostgreSQL ({}); node east drives gsm2, node west's copy stands by",
        location.url
    ));
    let before = sim.phone_inbox(OWNER).len();
    queue(
        &nodes[1].1,
        "demo:cluster-1",
        "Accepted by node west, sent by node east",
    )
    .await?;
    wait_for("the SMS through east", || {
        (sim.phone_inbox(OWNER).len() > before).then_some(())
    })
    .await?;
    info(
        "a message queued on west went out through east at once (NOTIFY wakes the node that drives the modem)",
    );

    let (_, _, east) = nodes.remove(0);
    let stopped = Instant::now();
    east.stop().await;
    wait_for("node west to drive gsm2", || {
        drives(&nodes[0].2).then_some(())
    })
    .await?;
    info(&format!(
        "node east stopped for maintenance; west drove gsm2 {:.1} s later (a clean stop gives the lease up; after a crash it runs out first, 15 s)",
        stopped.elapsed().as_secs_f64()
    ));
    let before = sim.phone_inbox(OWNER).len();
    queue(
        &nodes[0].1,
        "demo:cluster-2",
        "Sent by node west after the hand-over",
    )
    .await?;
    wait_for("the SMS through west", || {
        (sim.phone_inbox(OWNER).len() > before).then_some(())
    })
    .await?;
    info(
        "and west sends through it now. docs/cluster.md says how to run nodes on several machines",
    );
    for (_, _, gateway) in nodes {
        gateway.stop().await;
    }
    // The nodes' listening connections notice within a second that they
    // are no longer wanted; then the server goes.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    tokio::task::spawn_blocking(move || server.stop()).await?;
    Ok(())
}
