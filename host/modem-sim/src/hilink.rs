//! A fake Huawei HiLink stick in front of a simulated modem, serving the
//! part of the web API that Plutanium's `hilink://` transport uses, with
//! the habits clients have to live with (as `huawei-lte-api` and published
//! captures describe them):
//!
//! - every answer is HTTP 200 with `<response>` or `<error><code>`, in
//!   CESU-8 (an emoji is a surrogate pair);
//! - a `SessionID` cookie from `/api/webserver/SesTokInfo`, checked on
//!   every call (125002 when stale), and a CSRF token on every POST: the
//!   session's own token may be used again, but the two a login hands out
//!   (and each one after them) are used once, each answer handing out a
//!   fresh one; an unknown or used one is 125003;
//! - with a password, a login of `password_type` 4 (checked against the
//!   token the request carried), a new cookie and two tokens after it,
//!   108006 for a wrong password and 108007 after three; calls before it
//!   are 100003; without one, `state-login` is 100002, as on most sticks;
//! - `send-sms` answers OK at once and `send-status` says later how it
//!   went; a second send meanwhile is 113018;
//! - `sms-list` pages (oldest first), each multipart SMS listed once,
//!   reassembled (`SmsType` 2), `Index` counting up from 40000;
//!   `delete-sms` answers OK even for an index that is gone.
//!
//! [`FakeHilink::expire_session`] and [`FakeHilink::reboot`] are the faults.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use plutanium_hilink::api::{
    self, CurrentPlmn, DeleteRequest, DeviceSignal, ListPage, ListRequest, LoginRequest,
    LoginState, Message, Messages, MonitoringStatus, SendRequest, SendStatus, SesTokInfo,
    UssdAnswer, UssdRequest, UssdStatus,
};
use plutanium_hilink::session::{encode_password, from_cesu8, to_cesu8};
use plutanium_modem::SendOptions;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::front::{Device, Ids};
use crate::{SimError, Simulator};

/// How the stick is set up.
#[derive(Clone, Debug, Default)]
pub struct HilinkOptions {
    /// The web page's password (user `admin`); `None`: no login at all.
    pub password: Option<String>,
}

#[derive(Default)]
struct Session {
    cookie: String,
    /// The session's own token (before a login), good for any number of calls.
    reusable: Option<String>,
    /// Tokens handed out since the login, each good for one call.
    tokens: Vec<String>,
    logged_in: bool,
    failures: u32,
    counter: u64,
}

impl Session {
    fn fresh(&mut self, what: &str) -> String {
        self.counter += 1;
        format!(
            "{what}{:08x}{}",
            self.counter.wrapping_mul(0x9E37_79B9),
            self.counter
        )
    }
}

#[derive(Default)]
struct Sending {
    phone: String,
    succeeded: String,
    failed: String,
    busy: bool,
}

/// The USSD exchange in hand: the stick runs one at a time.
#[derive(Default)]
enum Ussd {
    #[default]
    Idle,
    Waiting,
    Answered(String),
    Failed,
}

struct Shared {
    options: HilinkOptions,
    device: Arc<Device>,
    session: Mutex<Session>,
    sending: Mutex<Sending>,
    ussd: Mutex<Ussd>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running fake stick. Dropping it stops it.
pub struct FakeHilink {
    address: SocketAddr,
    shared: Arc<Shared>,
    server: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for FakeHilink {
    fn drop(&mut self) {
        if let Some(server) = lock(&self.server).take() {
            server.abort();
        }
    }
}

impl Simulator {
    /// Serves a fake HiLink web API for `modem` on `listener`.
    pub async fn serve_hilink(
        &self,
        modem: &str,
        listener: TcpListener,
        options: HilinkOptions,
    ) -> Result<FakeHilink, SimError> {
        self.network().modem_id(modem)?;
        let address = listener
            .local_addr()
            .map_err(|e| SimError::Io(format!("the fake HiLink's address: {e}")))?;
        let stick = FakeHilink {
            address,
            shared: Arc::new(Shared {
                options,
                device: Device::new(self.clone(), modem, Ids::CountUp(40000)),
                session: Mutex::new(Session::default()),
                sending: Mutex::new(Sending::default()),
                ussd: Mutex::new(Ussd::Idle),
            }),
            server: Mutex::new(None),
        };
        stick.boot(listener);
        Ok(stick)
    }
}

impl FakeHilink {
    /// Where it listens (`http://ADDRESS/api/…`).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Messages sent through it so far.
    pub fn sent(&self) -> usize {
        self.shared.device.sent()
    }

    /// Messages deleted through it so far.
    pub fn deleted(&self) -> usize {
        self.shared.device.removed()
    }

    /// Messages in its inbox now.
    pub fn inbox_len(&self) -> usize {
        self.shared.device.inbox(|entries| entries.len())
    }

    /// Files a delivery report (`SmsType` 7) in the inbox, as a stick with
    /// `UseSReport` on does.
    pub fn file_delivery_report(&self, phone: &str) {
        self.shared.device.file_report(phone);
    }

    /// Ends the session, as the stick does after a few idle minutes: the
    /// next call with the old cookie is 125002.
    pub fn expire_session(&self) {
        let mut session = lock(&self.shared.session);
        session.cookie = String::from("SessionID=expired");
        session.reusable = None;
        session.tokens.clear();
        session.logged_in = false;
    }

    fn boot(&self, listener: TcpListener) {
        self.shared.device.power_on();
        let app = Router::new()
            .route("/api/webserver/SesTokInfo", get(ses_tok_info))
            .route("/api/user/state-login", get(state_login))
            .route("/api/user/login", post(login))
            .route("/api/sms/sms-list", post(sms_list))
            .route("/api/sms/delete-sms", post(delete_sms))
            .route("/api/sms/send-sms", post(send_sms))
            .route("/api/sms/send-status", get(send_status))
            .route("/api/ussd/send", post(ussd_send))
            .route("/api/ussd/status", get(ussd_status))
            .route("/api/ussd/get", get(ussd_get))
            .route("/api/monitoring/status", get(monitoring_status))
            .route("/api/device/signal", get(device_signal))
            .route("/api/net/current-plmn", get(current_plmn))
            .fallback(|| async { xml(api::error(100002), HeaderMap::new()) })
            .with_state(self.shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        *lock(&self.server) = Some(server);
    }

    /// Unplugs the stick for `downtime`: the API is unreachable, the
    /// session is gone, and after it the stick reads the SIM again.
    pub async fn reboot(&self, downtime: Duration) -> Result<(), SimError> {
        let server = lock(&self.server).take();
        if let Some(server) = server {
            server.abort();
            let _ = server.await;
        }
        self.shared.device.power_off().await;
        self.expire_session();
        tokio::time::sleep(downtime).await;
        let listener = TcpListener::bind(self.address).await.map_err(|e| {
            SimError::Io(format!(
                "the fake HiLink cannot listen again on {}: {e}",
                self.address
            ))
        })?;
        self.boot(listener);
        Ok(())
    }
}

/// An XML answer in CESU-8, with `headers`.
fn xml(body: String, headers: HeaderMap) -> Response {
    let mut response = (StatusCode::OK, to_cesu8(&body)).into_response();
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("text/html"));
    response.headers_mut().extend(headers);
    response
}

fn header(name: &'static str, value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
    headers
}

/// Checks the cookie, and for a POST uses up its token (handing out a
/// fresh one); then, with a password, the login. `Err`: the error's code,
/// and the headers its answer carries.
fn check(shared: &Shared, headers: &HeaderMap, post: bool) -> Result<HeaderMap, (u32, HeaderMap)> {
    let mut session = lock(&shared.session);
    let cookie = headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if session.cookie.is_empty() || !cookie.split(';').any(|c| c.trim() == session.cookie) {
        return Err((125002, HeaderMap::new()));
    }
    let mut answer = HeaderMap::new();
    if post {
        let token = headers
            .get("__RequestVerificationToken")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if session.reusable.as_deref() != Some(token) {
            let Some(at) = session.tokens.iter().position(|t| t == token) else {
                return Err((125003, HeaderMap::new()));
            };
            session.tokens.remove(at);
            let fresh = session.fresh("tok");
            session.tokens.push(fresh.clone());
            answer = header("__RequestVerificationToken", &fresh);
        }
    }
    if shared.options.password.is_some() && !session.logged_in {
        return Err((100003, answer));
    }
    Ok(answer)
}

/// A POST's session check (its token used up) and then its XML, as
/// [`check`] and [`parse`].
fn posted<T: serde::de::DeserializeOwned>(
    shared: &Shared,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(HeaderMap, T), (u32, HeaderMap)> {
    let answer = check(shared, headers, true)?;
    let request = parse(body).map_err(|code| (code, HeaderMap::new()))?;
    Ok((answer, request))
}

/// A request's XML, or 100005 (what a device answers to XML it cannot read).
fn parse<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, u32> {
    quick_xml::de::from_str(&from_cesu8(body)).map_err(|_| 100005)
}

async fn ses_tok_info(State(shared): State<Arc<Shared>>) -> Response {
    let mut session = lock(&shared.session);
    let cookie = format!("SessionID={}", session.fresh("sess"));
    let token = session.fresh("tok");
    session.cookie = cookie.clone();
    session.reusable = Some(token.clone());
    session.tokens.clear();
    session.logged_in = false;
    xml(
        api::response(&SesTokInfo {
            session: cookie,
            token,
        }),
        HeaderMap::new(),
    )
}

async fn state_login(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if shared.options.password.is_none() {
        return xml(api::error(100002), HeaderMap::new());
    }
    let session = lock(&shared.session);
    let cookie = headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !cookie.split(';').any(|c| c.trim() == session.cookie) {
        return xml(api::error(125002), HeaderMap::new());
    }
    xml(
        api::response(&LoginState {
            state: if session.logged_in { 0 } else { -1 },
            password_type: Some(4),
        }),
        HeaderMap::new(),
    )
}

async fn login(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(password) = shared.options.password.clone() else {
        return xml(api::error(100002), HeaderMap::new());
    };
    let token = headers
        .get("__RequestVerificationToken")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let request: LoginRequest = match parse(&body) {
        Ok(request) => request,
        Err(code) => return xml(api::error(code), HeaderMap::new()),
    };
    let mut session = lock(&shared.session);
    let cookie = headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !cookie.split(';').any(|c| c.trim() == session.cookie) {
        return xml(api::error(125002), HeaderMap::new());
    }
    if session.reusable.as_deref() != Some(token.as_str()) {
        let Some(at) = session.tokens.iter().position(|t| *t == token) else {
            return xml(api::error(125003), HeaderMap::new());
        };
        session.tokens.remove(at);
    }
    if session.failures >= 3 {
        return xml(api::error(108007), HeaderMap::new());
    }
    let expected = encode_password("admin", &password, 4, &token);
    if request.username != "admin" || Some(request.password) != expected {
        session.failures += 1;
        let code = if session.failures >= 3 {
            108007
        } else {
            108006
        };
        return xml(api::error(code), HeaderMap::new());
    }
    session.failures = 0;
    session.logged_in = true;
    session.cookie = format!("SessionID={}", session.fresh("sess"));
    let (one, two) = (session.fresh("tok"), session.fresh("tok"));
    session.reusable = None;
    session.tokens = vec![one.clone(), two.clone()];
    let mut answer = header("__RequestVerificationTokenone", &one);
    answer.extend(header("__RequestVerificationTokentwo", &two));
    answer.extend(header(
        "set-cookie",
        &format!("{}; path=/; HttpOnly", session.cookie),
    ));
    xml("<response>OK</response>".into(), answer)
}

async fn sms_list(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let (answer, request): (_, ListRequest) = match posted(&shared, &headers, &body) {
        Ok(posted) => posted,
        Err((code, headers)) => return xml(api::error(code), headers),
    };
    let count = request.count.clamp(1, 50) as usize;
    let skip = (request.page.max(1) as usize - 1) * count;
    let message = shared.device.inbox(|entries| {
        entries
            .iter()
            .skip(skip)
            .take(count)
            .map(|(index, entry)| {
                let t = &entry.time;
                Message {
                    status: 0,
                    index: *index,
                    phone: entry.phone.clone(),
                    content: entry.text.clone(),
                    date: format!(
                        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                        t.year, t.month, t.day, t.hour, t.minute, t.second
                    ),
                    sms_type: if entry.report {
                        7
                    } else if entry.parts > 1 {
                        2
                    } else {
                        1
                    },
                }
            })
            .collect::<Vec<_>>()
    });
    let page = ListPage {
        count: u32::try_from(message.len()).unwrap_or(u32::MAX),
        messages: Messages { message },
    };
    xml(api::response(&page), answer)
}

async fn delete_sms(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (answer, request): (_, DeleteRequest) = match posted(&shared, &headers, &body) {
        Ok(posted) => posted,
        Err((code, headers)) => return xml(api::error(code), headers),
    };
    shared.device.remove(request.index);
    xml("<response>OK</response>".into(), answer)
}

async fn send_sms(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let (answer, request): (_, SendRequest) = match posted(&shared, &headers, &body) {
        Ok(posted) => posted,
        Err((code, headers)) => return xml(api::error(code), headers),
    };
    let Some(phone) = request.phones.phone.first().cloned() else {
        return xml(api::error(113017), answer);
    };
    if phone.len() > 20 {
        return xml(api::error(113054), answer);
    }
    {
        let mut sending = lock(&shared.sending);
        if sending.busy {
            return xml(api::error(113018), answer);
        }
        *sending = Sending {
            phone: phone.clone(),
            busy: true,
            ..Sending::default()
        };
    }
    let task = shared.clone();
    tokio::spawn(async move {
        let sent = task
            .device
            .send(&phone, &request.content, &SendOptions::default())
            .await;
        let mut sending = lock(&task.sending);
        match sent {
            Ok(()) => sending.succeeded = phone,
            Err(_) => sending.failed = phone,
        }
        sending.busy = false;
    });
    xml("<response>OK</response>".into(), answer)
}

async fn send_status(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let status = {
        let sending = lock(&shared.sending);
        SendStatus {
            phone: sending.phone.clone(),
            succeeded: sending.succeeded.clone(),
            failed: sending.failed.clone(),
        }
    };
    checked(&shared, &headers, &status)
}

/// `ussd/send`: asks the network through the modem, in the background;
/// 111013 while an earlier code waits.
async fn ussd_send(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let (answer, request): (_, UssdRequest) = match posted(&shared, &headers, &body) {
        Ok(posted) => posted,
        Err((code, headers)) => return xml(api::error(code), headers),
    };
    if request.content.trim().is_empty() {
        return xml(api::error(111016), answer);
    }
    {
        let mut ussd = lock(&shared.ussd);
        if matches!(*ussd, Ussd::Waiting) {
            return xml(api::error(111013), answer);
        }
        *ussd = Ussd::Waiting;
    }
    let task = shared.clone();
    tokio::spawn(async move {
        let result = task.device.ussd(&request.content).await;
        *lock(&task.ussd) = match result {
            Ok(text) => Ussd::Answered(text),
            Err(_) => Ussd::Failed,
        };
    });
    xml("<response>OK</response>".into(), answer)
}

/// `ussd/status`: 1 while the network has not answered.
async fn ussd_status(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let waiting = matches!(*lock(&shared.ussd), Ussd::Waiting);
    let status = UssdStatus {
        result: u32::from(waiting),
    };
    checked(&shared, &headers, &status)
}

/// `ussd/get`: the answer, once; 111019 when the network gave none.
async fn ussd_get(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let answer = match check(&shared, &headers, false) {
        Ok(answer) => answer,
        Err((code, headers)) => return xml(api::error(code), headers),
    };
    let mut ussd = lock(&shared.ussd);
    match std::mem::take(&mut *ussd) {
        Ussd::Answered(content) => xml(api::response(&UssdAnswer { content }), answer),
        Ussd::Waiting => {
            *ussd = Ussd::Waiting;
            xml(api::error(111019), answer)
        }
        Ussd::Idle | Ussd::Failed => xml(api::error(111019), answer),
    }
}

/// A GET's answer: `value`, once the session checks out.
fn checked<T: serde::Serialize>(shared: &Shared, headers: &HeaderMap, value: &T) -> Response {
    match check(shared, headers, false) {
        Ok(answer) => xml(api::response(value), answer),
        Err((code, headers)) => xml(api::error(code), headers),
    }
}

async fn monitoring_status(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let status = MonitoringStatus {
        connection: Some(901),
        signal_icon: Some(4),
        network_type: Some(19),
        service: Some(2),
        sim: Some(1),
        roaming: Some(0),
    };
    checked(&shared, &headers, &status)
}

async fn device_signal(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let signal = DeviceSignal {
        rssi: Some("-71dBm".into()),
        rsrp: Some("-105dBm".into()),
        rsrq: Some("-14.0dB".into()),
        sinr: Some("-7dB".into()),
    };
    checked(&shared, &headers, &signal)
}

async fn current_plmn(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let plmn = CurrentPlmn {
        full_name: Some("Plutanium Sim".into()),
        numeric: Some("23099".into()),
    };
    checked(&shared, &headers, &plmn)
}
