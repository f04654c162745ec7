//! `plutanium sim`: the simulated GSM network as a process, with modems on TCP
//! ports (and a pty) and an HTTP+JSON control API on loopback.

use std::net::SocketAddr;

use anyhow::{Context, Result, bail};
use clap::Args;
use plutanium_modem_sim::{
    HilinkOptions, Latency, ModemConfig, Profile, RouterOsOptions, Simulator,
};
use serde_json::json;
use tokio::net::TcpListener;

use gmail_api::fake::Mailbox;
use plutanium_fake_google::FakeGoogle;

/// Arguments of `plutanium sim`.
#[derive(Debug, Args)]
pub(crate) struct SimArgs {
    /// A modem: NAME=NUMBER, optionally served on TCP: NAME=NUMBER@tcp://127.0.0.1:PORT
    /// (port 0 picks a free one), or behind a fake MikroTik router's REST API:
    /// NAME=NUMBER@routeros://127.0.0.1:PORT (user `api`, interface `lte1`,
    /// the password `--routeros-password`), or behind a fake Huawei HiLink
    /// stick's web API: NAME=NUMBER@hilink://127.0.0.1:PORT (no login).
    /// Repeatable.
    #[arg(long = "modem", required = true)]
    modems: Vec<String>,
    /// Quirk profile for every modem: the make it behaves like (docs/modems.md
    /// has the table of what each does).
    #[arg(long, default_value = "generic", value_parser = clap::builder::PossibleValuesParser::new(Profile::ALL.map(Profile::name)))]
    profile: String,
    /// SMSC latency: zero, or realistic (1-6 s per SMS).
    #[arg(long, default_value = "zero")]
    latency: String,
    /// SIM PIN for every modem (none by default).
    #[arg(long)]
    pin: Option<String>,
    /// Seed for delays and faults.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also serve the first modem on a pseudo-terminal, with this symlink to it
    /// (for example /tmp/ttyGSM), for programs that open serial ports.
    #[arg(long)]
    pty: Option<std::path::PathBuf>,
    /// Where the control API listens (loopback only).
    #[arg(long, default_value = "127.0.0.1:0")]
    control: SocketAddr,
    /// Also serve a fake Gmail (its REST API and an OAuth token endpoint)
    /// here, loopback only, port 0 for any: the Gmail connectors run
    /// against it, and the control API's `/gmail/…` routes fill its
    /// mailbox.
    #[arg(long)]
    fake_gmail: Option<SocketAddr>,
    /// The password of the fake routers' user `api`.
    #[arg(long, default_value = "plutanium-sim")]
    routeros_password: String,
}

struct ModemSpec {
    name: String,
    number: String,
    front: Option<Front>,
}

/// How a modem is reached from outside the process.
enum Front {
    Tcp(String),
    RouterOs(String),
    Hilink(String),
}

fn parse_modem(spec: &str) -> Result<ModemSpec> {
    let (name, rest) = spec
        .split_once('=')
        .with_context(|| format!("--modem {spec:?}: expected NAME=NUMBER[@tcp://HOST:PORT]"))?;
    let (number, front) = match rest.split_once('@') {
        Some((number, url)) => {
            let front = if let Some(address) = url.strip_prefix("tcp://") {
                Front::Tcp(address.to_string())
            } else if let Some(address) = url.strip_prefix("routeros://") {
                Front::RouterOs(address.to_string())
            } else if let Some(address) = url.strip_prefix("hilink://") {
                Front::Hilink(address.to_string())
            } else {
                bail!(
                    "--modem {spec:?}: only tcp://, routeros:// or hilink://HOST:PORT can follow '@'"
                );
            };
            (number, Some(front))
        }
        None => (rest, None),
    };
    if name.is_empty() {
        bail!("--modem {spec:?}: the name is empty");
    }
    plutanium_sms::Address::parse(number)
        .with_context(|| format!("--modem {spec:?}: invalid number"))?;
    Ok(ModemSpec {
        name: name.to_string(),
        number: number.to_string(),
        front,
    })
}

/// A loopback listener for modem `name`'s front end.
async fn listen(name: &str, address: &str) -> Result<TcpListener> {
    let address: SocketAddr = address
        .parse()
        .with_context(|| format!("modem {name}: invalid address {address:?}"))?;
    check_loopback(&address, "a simulated modem")?;
    TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))
}

fn check_loopback(address: &SocketAddr, what: &str) -> Result<()> {
    if !address.ip().is_loopback() {
        bail!("{what} must listen on loopback (127.0.0.1 or ::1), not {address}");
    }
    Ok(())
}

pub(crate) async fn run(args: SimArgs) -> Result<()> {
    let profile: Profile = args.profile.parse()?;
    let latency = match args.latency.as_str() {
        "zero" => Latency::Zero,
        "realistic" => Latency::Realistic,
        other => bail!("--latency {other:?}: expected zero or realistic"),
    };
    check_loopback(&args.control, "--control")?;
    let specs = args
        .modems
        .iter()
        .map(|m| parse_modem(m))
        .collect::<Result<Vec<_>>>()?;
    let sim = Simulator::start(args.seed, latency);
    let mut modems = Vec::new();
    // The fake devices, kept for as long as the simulator runs: dropping
    // one stops it.
    let mut routers: Vec<Box<dyn std::any::Any + Send>> = Vec::new();
    for spec in specs {
        let mut config = ModemConfig::new(&spec.name, &spec.number);
        config.profile = profile;
        config.pin = args.pin.clone();
        sim.add_modem(config)?;
        let mut entry = json!({ "name": spec.name, "number": spec.number });
        match spec.front {
            Some(Front::Tcp(address)) => {
                let listener = listen(&spec.name, &address).await?;
                entry["tcp"] = json!(listener.local_addr()?.to_string());
                let server = sim.clone();
                let name = spec.name.clone();
                tokio::spawn(async move { server.serve_tcp(&name, listener).await });
            }
            Some(Front::RouterOs(address)) => {
                let listener = listen(&spec.name, &address).await?;
                let options = RouterOsOptions {
                    interface: "lte1".into(),
                    user: "api".into(),
                    password: args.routeros_password.clone(),
                };
                let router = sim.serve_routeros(&spec.name, listener, options).await?;
                entry["routeros"] = json!({
                    "port": format!("routeros+http://api@{}/lte1", router.address()),
                    "password": args.routeros_password,
                });
                routers.push(Box::new(router) as Box<dyn std::any::Any + Send>);
            }
            Some(Front::Hilink(address)) => {
                let listener = listen(&spec.name, &address).await?;
                let stick = sim
                    .serve_hilink(&spec.name, listener, HilinkOptions::default())
                    .await?;
                entry["hilink"] = json!({ "port": format!("hilink://{}", stick.address()) });
                routers.push(Box::new(stick));
            }
            None => {}
        }
        modems.push(entry);
    }
    if let Some(link) = &args.pty {
        let first = sim
            .modems()
            .first()
            .map(|m| m.name.clone())
            .context("--pty needs a modem")?;
        let server = sim.clone();
        let path = link.clone();
        // Create the pty before announcing it, so its path exists when we print it.
        let (created_tx, created_rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let result = server.serve_pty(&first, &path, created_tx).await;
            if let Err(e) = result {
                tracing::error!(error = %e, "pty front end stopped");
            }
        });
        created_rx
            .await
            .context("the pty front end stopped")?
            .with_context(|| format!("cannot serve a pty at {}", link.display()))?;
        if let Some(first) = modems.first_mut() {
            first["pty"] = json!(link.display().to_string());
        }
    }
    let mut gmail = None;
    let mut announced = json!({ "modems": modems });
    if let Some(address) = args.fake_gmail {
        check_loopback(&address, "--fake-gmail")?;
        let listener = TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address}"))?;
        let fake = FakeGoogle::serve(listener, Mailbox::new(100))?;
        announced["gmail"] = json!({
            "api_base": fake.api_base(),
            "token_uri": fake.token_uri(),
            "refresh_token": plutanium_fake_google::REFRESH_TOKEN,
        });
        gmail = Some(fake);
    }
    let listener = TcpListener::bind(args.control)
        .await
        .with_context(|| format!("cannot listen on {}", args.control))?;
    let control = listener.local_addr()?;
    announced["control"] = json!(control.to_string());
    // One line on stdout tells scripts where everything is (ports may be 0).
    println!("{announced}");
    let mut app = plutanium_modem_sim::control::router(sim);
    if let Some(fake) = gmail {
        app = app.merge(plutanium_fake_google::control::router(fake));
    }
    let server = axum::serve(listener, app).with_graceful_shutdown(shutdown_signal());
    server.await.context("control API failed")?;
    Ok(())
}

/// SIGINT or SIGTERM.
async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async {
            match term.as_mut() {
                Some(t) => { t.recv().await; }
                None => std::future::pending::<()>().await,
            }
        } => {}
    }
}
