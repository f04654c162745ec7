//! The demo's scene of modems that devices own, reached through the
//! devices' APIs instead of AT (fakes that `plutanium-modem-sim` serves in
//! front of simulated modems): lte inside a MikroTik router, through
//! RouterOS's REST API, and stick, a Huawei HiLink stick, through its web
//! API.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use plutanium_core::SendOptions;
use plutanium_modem_sim::{
    FakeHilink, FakeRouterOs, HilinkOptions, ModemConfig, RouterOsOptions, Simulator,
};
use plutanium_store::{NewOutbound, OutboxState, Store};

use super::{info, step, wait_for};

/// The router's modem's number.
pub(super) const LTE: &str = "+420777000004";
/// A phone that texts it.
const CAROL: &str = "+420601000003";
/// What the router's modem answers.
pub(super) const ANSWER: &str =
    "Hello from behind a MikroTik router: this went out through RouterOS's REST API.";
/// The HiLink stick's number.
pub(super) const STICK: &str = "+420777000005";
/// A phone that texts it.
const DANA: &str = "+420601000004";
/// What the stick answers (unicode: the stick encodes it).
pub(super) const STICK_ANSWER: &str =
    "Ahoj Dano 👋 — tohle poslala HiLink flashka přes své webové API.";

/// The fake devices, and the modems' lines for the demo's config.
pub(super) struct Devices {
    router: FakeRouterOs,
    stick: FakeHilink,
    /// `lte: { port: …, password_file: … }` and `stick: { port: … }`.
    pub(super) modem_lines: String,
}

/// Starts the devices' modems and the fakes in front of them.
pub(super) async fn start(sim: &Simulator, data_dir: &Path) -> Result<Devices> {
    sim.add_modem(ModemConfig::new("lte", LTE))?;
    sim.add_modem(ModemConfig::new("stick", STICK))?;
    let stick = sim
        .serve_hilink(
            "stick",
            tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .context("cannot listen for the fake HiLink stick")?,
            HilinkOptions::default(),
        )
        .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("cannot listen for the fake router")?;
    let password = "demo-router";
    let router = sim
        .serve_routeros(
            "lte",
            listener,
            RouterOsOptions {
                interface: "lte1".into(),
                user: "api".into(),
                password: password.into(),
            },
        )
        .await?;
    let password_file = data_dir.join("router-password");
    std::fs::write(&password_file, password)
        .with_context(|| format!("cannot write {}", password_file.display()))?;
    Ok(Devices {
        modem_lines: format!(
            "  lte: {{ port: \"routeros+http://api@{}/lte1\", password_file: \"{}\", number: \"{LTE}\" }}\n  \
             stick: {{ port: \"hilink://{}\", number: \"{STICK}\" }}\n",
            router.address(),
            password_file.display(),
            stick.address(),
        ),
        router,
        stick,
    })
}

pub(super) async fn show(sim: &Simulator, store: &Arc<dyn Store>, devices: &Devices) -> Result<()> {
    let router = devices;
    step(
        "A modem inside a MikroTik router (lte), reached through RouterOS's REST API instead of AT",
    );
    info(&format!(
        "the router (a fake on {}) owns the modem; the gateway polls /rest/tool/sms/inbox and sends with /rest/tool/sms/send",
        router.router.address()
    ));
    sim.phone_send(CAROL, LTE, "Hi router")?;
    let answer = wait_for("the answer through the router", || {
        sim.phone_inbox(CAROL)
            .into_iter()
            .find(|m| m.text == ANSWER)
    })
    .await?;
    wait_for("the SMS removed from the router", || {
        (router.router.removed() == 1).then_some(())
    })
    .await?;
    info(&format!(
        "Carol's \"Hi router\" was stored, then removed from the router's inbox; Carol got, from {}: \"{}\"",
        answer.from, answer.text
    ));
    let (store, message) = (
        store.clone(),
        NewOutbound {
            key: "demo:router-unicode".into(),
            source: "demo".into(),
            to: CAROL.into(),
            text: "Čau Carol 👋".into(),
            options: SendOptions::default(),
            allowed_modems: vec!["lte".into()],
        },
    );
    let queued = {
        let store = store.clone();
        tokio::task::spawn_blocking(move || store.enqueue(&message, store.clock()?))
            .await
            .context("queueing did not finish")??
    };
    let row = wait_for("the refusal", || {
        store
            .outbound(queued.id())
            .ok()
            .flatten()
            .filter(|row| row.state == OutboxState::Failed)
    })
    .await?;
    info(&format!(
        "a unicode SMS through it fails at once instead of going out mangled: {}",
        row.last_error.unwrap_or_default()
    ));

    step(
        "A Huawei HiLink stick (stick), reached through its web API: session, rotating tokens, XML",
    );
    sim.phone_send(DANA, STICK, "Hi stick")?;
    let answer = wait_for("the answer through the stick", || {
        sim.phone_inbox(DANA)
            .into_iter()
            .find(|m| m.text == STICK_ANSWER)
    })
    .await?;
    wait_for("the SMS deleted from the stick", || {
        (devices.stick.deleted() == 1).then_some(())
    })
    .await?;
    info(&format!(
        "Dana's \"Hi stick\" was stored, then deleted from the stick; Dana got, from {} (unicode: the stick encodes it): \"{}\"",
        answer.from, answer.text
    ));
    Ok(())
}
