//! `plutanium sim`: the simulated GSM network as a process, with modems on TCP
//! ports (and a pty) and an HTTP+JSON control API on loopback.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clap::Args;
use plutanium_modem_sim::{Fault, Latency, ModemConfig, Profile, SimError, Simulator};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::fake_google::FakeGoogle;
use gmail_api::fake::Mailbox;

/// Arguments of `plutanium sim`.
#[derive(Debug, Args)]
pub(crate) struct SimArgs {
    /// A modem: NAME=NUMBER, optionally served on TCP: NAME=NUMBER@tcp://127.0.0.1:PORT
    /// (port 0 picks a free one). Repeatable.
    #[arg(long = "modem", required = true)]
    modems: Vec<String>,
    /// Quirk profile for every modem: generic, huawei, simcom, quectel, wavecom.
    #[arg(long, default_value = "generic")]
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
}

struct ModemSpec {
    name: String,
    number: String,
    tcp: Option<String>,
}

fn parse_modem(spec: &str) -> Result<ModemSpec> {
    let (name, rest) = spec
        .split_once('=')
        .with_context(|| format!("--modem {spec:?}: expected NAME=NUMBER[@tcp://HOST:PORT]"))?;
    let (number, tcp) = match rest.split_once('@') {
        Some((number, url)) => {
            let address = url.strip_prefix("tcp://").with_context(|| {
                format!("--modem {spec:?}: only tcp://HOST:PORT can follow '@'")
            })?;
            (number, Some(address.to_string()))
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
        tcp,
    })
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
    for spec in specs {
        let mut config = ModemConfig::new(&spec.name, &spec.number);
        config.profile = profile;
        config.pin = args.pin.clone();
        sim.add_modem(config)?;
        let mut entry = json!({ "name": spec.name, "number": spec.number });
        if let Some(address) = spec.tcp {
            let address: SocketAddr = address
                .parse()
                .with_context(|| format!("modem {}: invalid TCP address {address:?}", spec.name))?;
            check_loopback(&address, "a simulated modem")?;
            let listener = TcpListener::bind(address)
                .await
                .with_context(|| format!("cannot listen on {address}"))?;
            entry["tcp"] = json!(listener.local_addr()?.to_string());
            let server = sim.clone();
            let name = spec.name.clone();
            tokio::spawn(async move { server.serve_tcp(&name, listener).await });
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
            "refresh_token": crate::fake_google::REFRESH_TOKEN,
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
    let mut app = router(sim);
    if let Some(fake) = gmail {
        app = app.merge(gmail_router(fake));
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

/// The control API's routes.
pub(crate) fn router(sim: Simulator) -> Router {
    Router::new()
        .route("/sms", post(post_sms))
        .route("/calls", post(post_call))
        .route("/faults", post(post_fault))
        .route("/modems", get(get_modems))
        .route("/phones/{number}/inbox", get(get_inbox))
        .with_state(sim)
}

/// The control API's routes for the fake Gmail: deliver an email, look
/// at one, list what was sent.
pub(crate) fn gmail_router(fake: FakeGoogle) -> Router {
    Router::new()
        .route("/gmail/emails", post(post_email))
        .route("/gmail/emails/{id}", get(get_email))
        .route("/gmail/sent", get(get_sent))
        .with_state(fake)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EmailRequest {
    subject: String,
    text: Option<String>,
    html: Option<String>,
}

async fn post_email(
    State(fake): State<FakeGoogle>,
    json: Result<Json<EmailRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req = body(json)?;
    let id = fake
        .mailbox
        .deliver_email(&req.subject, req.text.as_deref(), req.html.as_deref());
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

async fn get_email(State(fake): State<FakeGoogle>, Path(id): Path<String>) -> Json<Value> {
    Json(json!({
        "unread": fake.mailbox.is_unread(&id),
        "labels": fake.mailbox.labels_of(&id),
    }))
}

async fn get_sent(State(fake): State<FakeGoogle>) -> Json<Value> {
    Json(json!({ "sent": fake.mailbox.sent() }))
}

struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

impl From<SimError> for ApiError {
    fn from(e: SimError) -> Self {
        let status = match e {
            SimError::UnknownModem(_) => StatusCode::NOT_FOUND,
            SimError::Unplugged(_) => StatusCode::CONFLICT,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError(status, e.to_string())
    }
}

fn body<T: serde::de::DeserializeOwned>(
    json: Result<Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, ApiError> {
    json.map(|Json(v)| v)
        .map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.body_text()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SmsRequest {
    from: String,
    to: String,
    text: String,
}

async fn post_sms(
    State(sim): State<Simulator>,
    json: Result<Json<SmsRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req = body(json)?;
    let parts = sim.phone_send(&req.from, &req.to, &req.text)?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "parts": parts }))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallRequest {
    from: String,
    to: String,
}

async fn post_call(
    State(sim): State<Simulator>,
    json: Result<Json<CallRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let req = body(json)?;
    sim.call(&req.from, &req.to)?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    modem: String,
    kind: String,
    seconds: Option<f64>,
    bytes: Option<usize>,
    code: Option<u16>,
    count: Option<u32>,
}

fn fault_of(req: &FaultRequest) -> Result<Fault, ApiError> {
    let seconds = |what: &str| -> Result<Option<Duration>, ApiError> {
        match req.seconds {
            None => Ok(None),
            Some(s) if (0.0..86_400.0).contains(&s) => Ok(Some(Duration::from_secs_f64(s))),
            Some(_) => Err(ApiError(
                StatusCode::BAD_REQUEST,
                format!("{what}: seconds must be between 0 and 86400"),
            )),
        }
    };
    let need = |value: Option<u32>, field: &str| {
        value.ok_or_else(|| {
            ApiError(
                StatusCode::BAD_REQUEST,
                format!("fault {:?} needs the field {field:?}", req.kind),
            )
        })
    };
    Ok(match req.kind.as_str() {
        "hang" => Fault::Hang {
            duration: seconds("hang")?,
        },
        "unplug" => Fault::Unplug,
        "replug" => Fault::Replug,
        "garbage" => Fault::Garbage {
            bytes: req.bytes.unwrap_or(64).min(65_536),
        },
        "send_error" => Fault::SendError {
            code: req.code.ok_or_else(|| {
                ApiError(
                    StatusCode::BAD_REQUEST,
                    "fault \"send_error\" needs \"code\"".into(),
                )
            })?,
            count: req.count.unwrap_or(1),
        },
        "sim_busy" => Fault::SimBusy {
            count: need(req.count, "count")?,
        },
        "slow_smsc" => Fault::SlowSmsc {
            extra: seconds("slow_smsc")?.unwrap_or(Duration::from_secs(10)),
        },
        "interleave_urcs" => Fault::InterleaveUrcs,
        "duplicate_delivery" => Fault::DuplicateDelivery,
        "drop_status_report" => Fault::DropStatusReport {
            count: req.count.unwrap_or(1),
        },
        "slow_answers" => Fault::SlowAnswers {
            delay: seconds("slow_answers")?.unwrap_or(Duration::from_secs(10)),
            count: req.count.unwrap_or(1),
        },
        "clear" => Fault::Clear,
        other => {
            return Err(ApiError(
                StatusCode::BAD_REQUEST,
                format!(
                    "unknown fault kind {other:?} (hang, unplug, replug, garbage, send_error, sim_busy, slow_smsc, slow_answers, interleave_urcs, duplicate_delivery, drop_status_report, clear)"
                ),
            ));
        }
    })
}

async fn post_fault(
    State(sim): State<Simulator>,
    json: Result<Json<FaultRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let req = body(json)?;
    let fault = fault_of(&req)?;
    sim.inject(&req.modem, fault)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn get_modems(State(sim): State<Simulator>) -> Json<Value> {
    let modems: Vec<Value> = sim
        .modems()
        .into_iter()
        .map(|m| {
            json!({
                "name": m.name,
                "number": m.number,
                "profile": m.profile,
                "plugged": m.plugged,
                "stored": m.stored,
                "waiting": m.waiting,
            })
        })
        .collect();
    Json(Value::Array(modems))
}

async fn get_inbox(State(sim): State<Simulator>, Path(number): Path<String>) -> Json<Value> {
    let inbox: Vec<Value> = sim
        .phone_inbox(&number)
        .into_iter()
        .map(|m| {
            json!({
                "from": m.from,
                "text": m.text,
                "parts": m.parts,
                "report_requested": m.report_requested,
                "received_after_ms": m.received_at.as_millis() as u64,
            })
        })
        .collect();
    Json(Value::Array(inbox))
}
