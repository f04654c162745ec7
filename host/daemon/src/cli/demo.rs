//! `plutanium demo`: the whole gateway on a simulated network, a short
//! scripted scenario to watch, then a running gateway to play with.

mod cluster;
mod devices;
mod health;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use plutanium_modem::InProcessPorts;
use plutanium_modem_sim::{Latency, ModemConfig, Simulator};
use plutanium_store::{SqliteStore, Store};

use gmail_api::fake::Mailbox;
use plutanium_api::tokens::{self, Scope};
use plutanium_catalog::Catalog;
use plutanium_fake_google::FakeGoogle;
use plutanium_gateway::{Gateway, Setup};

const GSM0: &str = "+420777000001";
const GSM1: &str = "+420777000002";
const OWNER: &str = "+420777100100";
const ALICE: &str = "+420601000001";
const BOB: &str = "+420601000002";
/// The fake Gmail's own address: the owner's mailbox.
const MAILBOX: &str = gmail_api::fake::OWN_ADDRESS;
/// What the demo's keyword rule answers Alice (three UCS-2 parts).
const REPLY: &str = "Díky, Alice! Odpověď napsal konektor keyword (WebAssembly) a jde přes odchozí frontu: klíč idempotence, zámek, odeslání po částech 📨. Doručenky přijdou za každou část.";

/// `plutanium demo` arguments.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Where the simulator's control API listens (loopback only).
    #[arg(long, default_value = "127.0.0.1:8025")]
    control: SocketAddr,
    /// Where the gateway's REST API listens (loopback only).
    #[arg(long, default_value = "127.0.0.1:8026")]
    api: SocketAddr,
    /// The data directory (the demo's store goes there); default: a new
    /// directory under the system's temp directory.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Exit after the scenario instead of running on.
    #[arg(long)]
    once: bool,
    /// Real SMSC timing (1-6 s per SMS) instead of instant delivery.
    #[arg(long)]
    realistic: bool,
}

fn step(text: &str) {
    println!("\n▶ {text}");
}

fn info(text: &str) {
    println!("  {text}");
}

async fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> Result<T> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(found) = probe() {
            return Ok(found);
        }
        if tokio::time::Instant::now() > deadline {
            bail!(
                "the demo waited a minute for {what}; something is wrong (run with RUST_LOG=info to see why)"
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) async fn run(args: DemoArgs) -> Result<()> {
    if !args.control.ip().is_loopback() || !args.api.ip().is_loopback() {
        bail!("--control and --api must be loopback addresses");
    }
    let data_dir = args.data_dir.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("plutanium-demo-{}", std::process::id()))
    });
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let db = data_dir.join("demo.db");

    println!(
        "Plutanium demo: a simulated GSM network with three modems (one inside a MikroTik router) and a few phones."
    );
    let sim = Simulator::start(
        2026,
        if args.realistic {
            Latency::Realistic
        } else {
            Latency::Zero
        },
    );
    sim.add_modem(ModemConfig::new("gsm0", GSM0))?;
    sim.add_modem(ModemConfig::new("gsm1", GSM1))?;
    let devices = devices::start(&sim, &data_dir).await?;
    // A fake Gmail on loopback, with OAuth credentials its token endpoint
    // accepts: the Gmail connectors run for real against it.
    let google = FakeGoogle::start(Mailbox::new(100))
        .await
        .context("cannot start the fake Gmail")?;
    let credentials = data_dir.join("gmail-oauth.json");
    FakeGoogle::write_credentials(&credentials)
        .with_context(|| format!("cannot write {}", credentials.display()))?;
    // An API token for the demo: its hash in the token file, the token
    // printed for curl.
    let token_file = data_dir.join("api-tokens");
    // One demo token: a run in the same directory replaces the last one's.
    let _ = std::fs::remove_file(&token_file);
    let api_token = tokens::add_to_file(&token_file, &Scope::ALL, Some("demo"), None)?;
    let config_text = format!(
        r#"
store: sqlite://{db}
api: {{ listen: "{api_address}", token_file: "{token_file}" }}
health: {{ every: {health_every} }}
modems:
  gsm0: {{ port: "sim://gsm0", number: "{GSM0}" }}
  gsm1: {{ port: "sim://gsm1", number: "{GSM1}" }}
{device_modems}connectors:
  answer:
    component: keyword
    config:
      report: true
      max_parts: 6
      rules:
        - match: {{ regex: "^Ahoj" }}
          then: {{ reply: "{REPLY}" }}
  notify:
    component: missed-call
    config: {{ notify: ["{OWNER}"] }}
  gmail:
    component: gmail
    interval: 1s
    allow_hosts: ["127.0.0.1"]
    oauth: {{ kind: authorized_user, file: "{credentials}", token_uri: "{token_uri}" }}
    config: {{ api_base: "{api}", sent_label: SMS sent, error_label: SMS error }}
  router-answer:
    component: keyword
    config:
      rules:
        - match: {{ regex: "^Hi" }}
          then: {{ reply: "{router_answer}" }}
  stick-answer:
    component: keyword
    config:
      rules:
        - match: {{ regex: "^Hi" }}
          then: {{ reply: "{stick_answer}" }}
  mail:
    component: gmail-forward
    allow_hosts: ["127.0.0.1"]
    oauth: {{ kind: authorized_user, file: "{credentials}", token_uri: "{token_uri}" }}
    config: {{ api_base: "{api}", to: "{MAILBOX}" }}
routes:
  - {{ from: gsm0, through: [answer, notify], to: [gsm0, gsm1, mail] }}
  - {{ from: gmail, to: [gsm0, gsm1] }}
  - {{ from: lte, through: [router-answer], to: lte }}
  - {{ from: stick, through: [stick-answer], to: stick }}
"#,
        device_modems = devices.modem_lines,
        health_every = health::EVERY,
        router_answer = devices::ANSWER,
        stick_answer = devices::STICK_ANSWER,
        db = db.display(),
        api_address = args.api,
        token_file = token_file.display(),
        credentials = credentials.display(),
        token_uri = google.token_uri(),
        api = google.api_base(),
    );
    let config = plutanium_core::config::load(&config_text, &|_| None)
        .map_err(|errors| anyhow::anyhow!("the demo's own config is wrong: {errors:?}"))?;
    // Written out so `plutanium send` and `plutanium messages` can find the
    // demo's store while it runs.
    let config_file = data_dir.join("demo.yaml");
    std::fs::write(&config_file, &config_text)
        .with_context(|| format!("cannot write {}", config_file.display()))?;
    info(&format!(
        "modems: gsm0 {GSM0}, gsm1 {GSM1}, lte {} (inside a MikroTik router), stick {} (a HiLink stick); phones: Alice {ALICE}, Bob {BOB}, the owner {OWNER}",
        devices::LTE,
        devices::STICK
    ));
    info(
        "pipeline: gsm0 → keyword (answers \"Ahoj…\") → missed-call (tells the owner) → out through gsm0 or gsm1, and a copy by email (gmail-forward); built-in connectors, WebAssembly",
    );
    info(&format!(
        "pipeline: Gmail ({MAILBOX}, a fake on {}) → gmail source (subject = number, body = text) → gsm0 or gsm1",
        google.api_base()
    ));
    info(&format!("store: {}", db.display()));

    let store = Arc::new(SqliteStore::open(&db)?);
    let ports: Arc<dyn InProcessPorts> = Arc::new(sim.clone());
    let api_settings = config.api.clone().context("the demo's config has an api")?;
    let setup = Setup::new(store.clone(), Catalog::new(&data_dir))
        .compile_cache(data_dir.join("cache"))
        .in_process(ports);
    let gateway = Gateway::start(config, setup).await?;

    let (api_stop, api_stopped) = tokio::sync::watch::channel(false);
    let api_started = plutanium_api::start(&api_settings, gateway.handle(), api_stopped)
        .await
        .context("pass --api ADDRESS")?;
    let (api_address, api_server) = (api_started.address, api_started.server);

    let listener = tokio::net::TcpListener::bind(args.control)
        .await
        .with_context(|| format!("cannot listen on {} (pass --control ADDRESS)", args.control))?;
    let control = listener.local_addr()?;
    let app = plutanium_modem_sim::control::router(sim.clone())
        .merge(plutanium_fake_google::control::router(google.clone()));
    let api = tokio::spawn(axum::serve(listener, app).into_future());

    step("Alice texts gsm0 a long message with emoji (UCS-2, several parts)");
    let long = "Ahoj! Tahle zpráva je dlouhá a má emoji 👋🌍 — Plutanium ji složí ze všech částí dohromady, uloží ji a teprve potom ji smaže z modemu. ".repeat(2);
    let parts = sim.phone_send(ALICE, GSM0, &long)?;
    info(&format!("sent from Alice's phone in {parts} parts"));
    let (id, stored) = wait_for("Alice's message in the store", || {
        store
            .recent_inbound(10)
            .ok()?
            .into_iter()
            .find(|(_, m)| m.sender == ALICE)
    })
    .await?;
    let whole = stored.text == long;
    info(&format!(
        "stored in the inbox as message #{id}, reassembled whole: {whole}"
    ));

    step("The keyword connector answers Alice with a long unicode message, through the outbox");
    let key = format!("answer:reply:sms:{id}");
    let received = wait_for("the reply on Alice's phone", || {
        sim.phone_inbox(ALICE).into_iter().find(|m| m.text == REPLY)
    })
    .await?;
    info(&format!(
        "Alice's phone received it whole from {} ({} parts)",
        received.from, received.parts
    ));
    let row = wait_for("the delivery report", || {
        store
            .outbound_by_key(&key)
            .ok()
            .flatten()
            .filter(|r| r.state == plutanium_store::OutboxState::Delivered)
    })
    .await?;
    let refs: Vec<String> = row
        .message_refs
        .iter()
        .map(|r| r.map_or_else(|| "?".to_string(), |r| r.to_string()))
        .collect();
    info(&format!(
        "outbox row #{}: {}, sent by {}, message references {}, delivery reported for every part",
        row.id,
        row.state.name(),
        row.sent_by.unwrap_or_default(),
        refs.join(",")
    ));

    step("Bob calls gsm0 and hangs up: a missed call");
    sim.call(BOB, GSM0)?;
    let notification = wait_for("the owner's notification", || {
        sim.phone_inbox(OWNER).into_iter().next()
    })
    .await?;
    info(&format!(
        "the owner's phone got, from {}: \"{}\"",
        notification.from, notification.text
    ));

    step("Every SMS to gsm0 is also forwarded by email (gmail-forward)");
    let forwarded = wait_for("Alice's message in the mailbox", || {
        google
            .mailbox
            .sent()
            .into_iter()
            .find(|m| m.contains(&format!("Subject: SMS from {ALICE}")))
    })
    .await?;
    let subject = forwarded
        .lines()
        .find(|l| l.starts_with("Subject: "))
        .unwrap_or_default()
        .to_string();
    info(&format!("an email to {MAILBOX}, {subject}"));

    step(
        "An email becomes an SMS: the subject is the number, the body the text (the gmail source)",
    );
    let email = google
        .mailbox
        .deliver(BOB, "Hi Bob, the gateway reads my email.\n-- \nThe owner");
    let sms = wait_for("the email on Bob's phone", || {
        sim.phone_inbox(BOB).into_iter().next()
    })
    .await?;
    info(&format!(
        "Bob's phone got, from {}: \"{}\"",
        sms.from, sms.text
    ));
    wait_for("the email marked read", || {
        (!google.mailbox.is_unread(&email)).then_some(())
    })
    .await?;
    info(&format!(
        "the email is marked read only now that the SMS is committed; labels: {}",
        google.mailbox.labels_of(&email).join(", ")
    ));

    step("Replying to a forwarded SMS by email answers it");
    google.mailbox.deliver(
        &format!("Re: SMS from {ALICE}"),
        &format!("Got it, thanks!\n\nOn Thu, {MAILBOX} wrote:\n> Ahoj!\n"),
    );
    let answer = wait_for("the answer on Alice's phone", || {
        sim.phone_inbox(ALICE)
            .into_iter()
            .find(|m| m.text == "Got it, thanks!")
    })
    .await?;
    info(&format!(
        "Alice's phone got, from {}: \"{}\"",
        answer.from, answer.text
    ));

    step("An app queues an SMS through the REST API, with a bearer token");
    let (status, queued) = api_request(
        api_address,
        "POST",
        "/api/v1/messages",
        &api_token,
        &serde_json::json!({"to": BOB, "text": "Queued through the REST API", "key": "demo-1"})
            .to_string(),
    )
    .await?;
    let id = queued["id"].as_str().unwrap_or("?").to_string();
    info(&format!(
        "HTTP {status}: queued through the REST API as {id}"
    ));
    wait_for("the API's SMS on Bob's phone", || {
        sim.phone_inbox(BOB)
            .into_iter()
            .find(|m| m.text == "Queued through the REST API")
    })
    .await?;
    let (_, message) = api_request(
        api_address,
        "GET",
        &format!("/api/v1/messages/{id}"),
        &api_token,
        "",
    )
    .await?;
    info(&format!(
        "Bob's phone got it; GET /api/v1/messages/{id} says: {}",
        message["status"].as_str().unwrap_or("?")
    ));

    step("The web admin, served by the daemon beside the API");
    let (status, _) = api_request(api_address, "GET", "/", "", "").await?;
    let (files, size) = plutanium_api::web_admin_size();
    info(&format!(
        "HTTP {status}: the web admin at http://{api_address}/ ({files} files, {:.1} KiB, no internet needed); it logs in with the same token",
        size as f64 / 1024.0
    ));

    let shared: Arc<dyn Store> = store.clone();
    devices::show(&sim, &shared, &devices).await?;
    health::show(&shared, &api_address.to_string()).await?;

    let stats = store.stats()?;
    cluster::show(&sim, &data_dir).await?;

    step("Done");
    info(&format!(
        "store: {} inbound, {} calls, outbox {} delivered / {} sent / {} queued",
        stats.inbox, stats.calls, stats.delivered, stats.sent, stats.queued
    ));
    if args.once {
        let _ = api_stop.send(true);
        gateway.stop().await;
        let _ = api_server.await;
        api.abort();
        return Ok(());
    }
    println!("\nThe gateway keeps running. Talk to the simulated network at http://{control}:");
    println!(
        "  curl -X POST http://{control}/sms -d '{{\"from\":\"{ALICE}\",\"to\":\"{GSM0}\",\"text\":\"Hi\"}}'"
    );
    println!("  curl -X POST http://{control}/calls -d '{{\"from\":\"{BOB}\",\"to\":\"{GSM0}\"}}'");
    println!("  curl http://{control}/phones/{OWNER}/inbox");
    println!("  curl http://{control}/modems");
    println!(
        "  curl -X POST http://{control}/gmail/emails -d '{{\"subject\":\"{BOB}\",\"text\":\"An email, sent as SMS\"}}'"
    );
    println!("  curl http://{control}/gmail/sent");
    let me = std::env::current_exe()
        .ok()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "plutanium".into());
    let config_file = config_file.display();
    println!(
        "The gateway's REST API at http://{api_address} (token in {}):",
        token_file.display()
    );
    println!(
        "  curl -H 'Authorization: Bearer {api_token}' -d '{{\"to\":\"{ALICE}\",\"text\":\"Hi from curl\"}}' -H 'Content-Type: application/json' http://{api_address}/api/v1/messages"
    );
    println!("  curl -H 'Authorization: Bearer {api_token}' http://{api_address}/api/v1/messages");
    println!("  curl -H 'Authorization: Bearer {api_token}' http://{api_address}/api/v1/modems");
    println!("The web admin: open http://{api_address}/ and log in with the token above.");
    println!("and to the gateway, from another terminal:");
    println!("  {me} send --config {config_file} --to {ALICE} \"Hello from the gateway\"");
    println!("  {me} messages list --config {config_file}");
    println!("  {me} messages show --config {config_file} out-1");
    println!("Ctrl-C stops it.");
    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    let _ = api_stop.send(true);
    gateway.stop().await;
    let _ = api_server.await;
    api.abort();
    Ok(())
}

/// One request to the demo's own API: status and JSON body.
async fn api_request(
    address: SocketAddr,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> Result<(u16, serde_json::Value)> {
    let method = reqwest::Method::from_bytes(method.as_bytes())?;
    let answer = reqwest::Client::new()
        .request(method, format!("http://{address}{path}"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .with_context(|| format!("the demo's API at {address} did not answer"))?;
    let status = answer.status().as_u16();
    let bytes = answer.bytes().await?;
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    ))
}
