//! A fake MikroTik router in front of a simulated modem, serving the part
//! of RouterOS's REST API that Plutanium's `routeros+http://` transport
//! uses, with RouterOS's documented shapes and its reported habits:
//!
//! - HTTP Basic auth; a wrong or missing password is
//!   `401 {"error":401,"message":"Unauthorized"}`;
//! - `GET /rest/tool/sms/inbox`: every value a string, `.id` values like
//!   `*1` that are reused once removed and renumbered by a reboot;
//! - `POST /rest/tool/sms/inbox/remove {".id"}` (or `{"numbers":"*1,*2"}`),
//!   and `400 … "no such item"` for an unknown one;
//! - `POST /rest/tool/sms/send {port, phone-number, message}`: more than 160
//!   characters is `400 … "Body too long"`, an unknown port is refused, and
//!   **characters outside ASCII are dropped without a word**, as RouterOS
//!   does, so a client that sends them anyway is caught by the phone's inbox;
//! - `POST /rest/interface/lte/monitor {"numbers","once"}`: a fixed radio;
//! - errors as `{"error":N,"message":…,"detail":…}`; any other path is
//!   `400 … "no such command or directory"`.
//!
//! Like RouterOS, it drives the modem over AT (with Plutanium's own
//! driver): a message stays in the inbox, and on the SIM, until removed.
//! [`FakeRouterOs::reboot`] closes the port for a while and starts again,
//! reading the SIM afresh. Unlike RouterOS, each multipart message is listed
//! once, whole (RouterOS lists each part), and there is no `pdu` field.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use plutanium_modem::SendOptions;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::front::{Device, Ids};
use crate::{SimError, Simulator};

/// Who may log in, and which interface the modem is.
#[derive(Clone, Debug)]
pub struct RouterOsOptions {
    /// The LTE interface's name (`lte1`).
    pub interface: String,
    /// The user.
    pub user: String,
    /// Its password.
    pub password: String,
}

struct Shared {
    options: RouterOsOptions,
    device: Arc<Device>,
}

/// A running fake router. Dropping it stops it.
pub struct FakeRouterOs {
    address: SocketAddr,
    shared: Arc<Shared>,
    server: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for FakeRouterOs {
    fn drop(&mut self) {
        if let Some(server) = self.server.lock().unwrap_or_else(|e| e.into_inner()).take() {
            server.abort();
        }
    }
}

impl Simulator {
    /// Serves a fake RouterOS REST API for `modem` on `listener`.
    pub async fn serve_routeros(
        &self,
        modem: &str,
        listener: TcpListener,
        options: RouterOsOptions,
    ) -> Result<FakeRouterOs, SimError> {
        self.network().modem_id(modem)?;
        let address = listener
            .local_addr()
            .map_err(|e| SimError::Io(format!("the fake router's address: {e}")))?;
        let router = FakeRouterOs {
            address,
            shared: Arc::new(Shared {
                options,
                device: Device::new(self.clone(), modem, Ids::ReuseLowest),
            }),
            server: Mutex::new(None),
        };
        router.boot(listener);
        Ok(router)
    }
}

impl FakeRouterOs {
    /// Where it listens (`http://ADDRESS/rest`).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Messages sent through it so far.
    pub fn sent(&self) -> usize {
        self.shared.device.sent()
    }

    /// Inbox items removed through it so far.
    pub fn removed(&self) -> usize {
        self.shared.device.removed()
    }

    /// Messages in its inbox now.
    pub fn inbox_len(&self) -> usize {
        self.shared.device.inbox(|entries| entries.len())
    }

    /// Starts the modem's driver and the HTTP server.
    fn boot(&self, listener: TcpListener) {
        self.shared.device.power_on();
        let app = Router::new()
            .route("/rest/tool/sms/inbox", get(inbox))
            .route("/rest/tool/sms/inbox/remove", post(remove))
            .route("/rest/tool/sms/send", post(send))
            .route("/rest/tool/sms", get(settings))
            .route("/rest/interface/lte/monitor", post(monitor))
            .route_layer(middleware::from_fn_with_state(
                self.shared.clone(),
                authorize,
            ))
            .fallback(no_such_command)
            .with_state(self.shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        *self.server.lock().unwrap_or_else(|e| e.into_inner()) = Some(server);
    }

    /// Reboots the router: the API is unreachable for `downtime`, the inbox
    /// is forgotten (the messages stay on the SIM), and after it the router
    /// reads the SIM again and numbers the messages afresh.
    pub async fn reboot(&self, downtime: Duration) -> Result<(), SimError> {
        let server = self.server.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(server) = server {
            server.abort();
            let _ = server.await;
        }
        self.shared.device.power_off().await;
        tokio::time::sleep(downtime).await;
        let listener = TcpListener::bind(self.address).await.map_err(|e| {
            SimError::Io(format!(
                "the fake router cannot listen again on {}: {e}",
                self.address
            ))
        })?;
        self.boot(listener);
        Ok(())
    }
}

fn error(status: StatusCode, detail: Option<&str>) -> Response {
    let mut body = json!({
        "error": status.as_u16(),
        "message": status.canonical_reason().unwrap_or("Error"),
    });
    if let Some(detail) = detail {
        body["detail"] = json!(detail);
    }
    (status, Json(body)).into_response()
}

/// Every route's first step: the right Basic credentials, or a 401.
async fn authorize(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    if authorized(&shared, request.headers()) {
        next.run(request).await
    } else {
        error(StatusCode::UNAUTHORIZED, None)
    }
}

/// Whether the request carries the right Basic credentials.
fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    use base64::Engine as _;
    let expected = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        shared.options.user, shared.options.password
    ));
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    given == Some(expected.as_str())
}

async fn inbox(State(shared): State<Arc<Shared>>) -> Response {
    let items: Vec<Value> = shared.device.inbox(|entries| {
        entries
            .iter()
            .map(|(id, entry)| {
                let t = &entry.time;
                json!({
                    ".id": format!("*{id:X}"),
                    "phone": entry.phone,
                    "message": entry.text,
                    // RouterOS 7.10 and later print `2025-03-01 12:33:55`.
                    "timestamp": format!(
                        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                        t.year, t.month, t.day, t.hour, t.minute, t.second
                    ),
                    "type": "class-1",
                })
            })
            .collect()
    });
    Json(items).into_response()
}

async fn remove(State(shared): State<Arc<Shared>>, body: Json<Value>) -> Response {
    let ids = body
        .get(".id")
        .or_else(|| body.get("numbers"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split(',')
        .map(|id| {
            id.trim()
                .strip_prefix('*')
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
        })
        .collect::<Option<Vec<u32>>>();
    let known = |ids: &Vec<u32>| {
        shared
            .device
            .inbox(|entries| ids.iter().all(|id| entries.contains_key(id)))
    };
    let Some(ids) = ids.filter(known) else {
        return error(StatusCode::BAD_REQUEST, Some("no such item"));
    };
    for id in ids {
        shared.device.remove(id);
    }
    Json(json!([])).into_response()
}

async fn send(State(shared): State<Arc<Shared>>, body: Json<Value>) -> Response {
    let field = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_string);
    if field("port").is_some_and(|port| port != shared.options.interface) {
        return error(
            StatusCode::BAD_REQUEST,
            Some("input does not match any value of port"),
        );
    }
    let (Some(phone), Some(message)) = (field("phone-number"), field("message")) else {
        return error(
            StatusCode::BAD_REQUEST,
            Some("missing value(s) of argument(s) phone-number, message"),
        );
    };
    if message.chars().count() > 160 {
        return error(StatusCode::BAD_REQUEST, Some("Body too long"));
    }
    // What RouterOS does with the rest: it is gone.
    let message: String = message.chars().filter(char::is_ascii).collect();
    let options = SendOptions {
        encoding: plutanium_sms::EncodingPolicy::Gsm7,
        max_parts: Some(1),
        ..SendOptions::default()
    };
    match shared.device.send(&phone, &message, &options).await {
        Ok(()) => Json(json!([])).into_response(),
        Err(e) => error(StatusCode::BAD_REQUEST, Some(&e)),
    }
}

async fn settings(State(shared): State<Arc<Shared>>) -> Response {
    Json(json!({
        "allowed-number": "",
        "auto-erase": "false",
        "channel": "0",
        "polling": "false",
        "port": shared.options.interface,
        "receive-enabled": "true",
        "secret": "",
        "status": "running",
    }))
    .into_response()
}

/// The LTE interface's state, once: the simulated network's fixed radio.
/// Without `once` RouterOS streams until its 60 s REST timeout; the fake
/// refuses instead, so a client that forgets it fails its test at once.
async fn monitor(State(shared): State<Arc<Shared>>, body: Json<Value>) -> Response {
    if body.get("once").is_none() {
        return error(
            StatusCode::BAD_REQUEST,
            Some("monitor without once streams until the timeout"),
        );
    }
    let interface = body
        .get("numbers")
        .or_else(|| body.get(".id"))
        .and_then(Value::as_str);
    if interface != Some(shared.options.interface.as_str()) {
        return error(StatusCode::BAD_REQUEST, Some("no such item"));
    }
    Json(json!([{
        "status": "connected",
        "pin-status": "ok",
        "registration-status": "registered",
        "functionality": "full",
        "current-operator": "Plutanium Sim",
        "access-technology": "LTE",
        "rssi": "-69dBm",
        "rsrp": "-98dBm",
        "rsrq": "-10dB",
        "sinr": "12dB",
    }]))
    .into_response()
}

async fn no_such_command() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        Some("no such command or directory"),
    )
}
