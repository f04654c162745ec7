//! The web admin in a real browser: Debian's headless Chromium driven over
//! WebDriver (chromedriver), against `plutanium run` and `plutanium sim`.
//!
//! It needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's
//! `chromium` and `chromium-driver`), which `.ci/run` installs, so it is
//! `#[ignore]`d in the plain `cargo test` and run by `.ci/run` with
//! `--ignored`. Without them it fails saying what to install. The
//! screenshot and the page-load figures are written to
//! `target/tmp/browser-test/`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{api_call, new_api_token, phone_sends, phone_texts, start_with_api, wait_until};
use crate::sim::start_sim_with;

/// The key a W3C WebDriver element reference is under.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A program from the environment (`PLUTANIUM_CHROMIUM`,
/// `PLUTANIUM_CHROMEDRIVER`) or its Debian path; a clear failure if absent.
fn program(variable: &str, debian: &str) -> PathBuf {
    let path = std::env::var_os(variable).map_or_else(|| PathBuf::from(debian), PathBuf::from);
    assert!(
        path.exists(),
        "{} is missing: install Debian's chromium and chromium-driver \
         (apt-get install chromium chromium-driver, as .ci/run does) or set {variable}",
        path.display()
    );
    path
}

/// Where the test leaves what a person looks at afterwards.
fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-test");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One chromedriver and one headless Chromium session.
struct Browser {
    driver: Child,
    address: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Browser {
        let chromium = program("PLUTANIUM_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = program("PLUTANIUM_CHROMEDRIVER", "/usr/bin/chromedriver");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::File::create(artifacts().join("chromedriver.log")).unwrap();
        let driver = Command::new(chromedriver)
            .args([format!("--port={port}"), "--allowed-ips=127.0.0.1".into()])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let address = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if std::net::TcpStream::connect(&address).is_ok() {
                let (status, body) = http(&address, "GET", "/status", None);
                if status == 200 && body.contains("\"ready\":true") {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let mut browser = Browser {
            driver,
            address,
            session: String::new(),
            _profile: profile,
        };
        // Chromium's own traffic (updates, sync, QUIC probes) off: the
        // machine has no internet and the page needs none.
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,2000",
                    format!("--user-data-dir={}", browser._profile.path().display()),
                ],
            },
        } } });
        let session = browser.call("POST", "/session", Some(capabilities));
        browser.session = session["sessionId"].as_str().unwrap().to_string();
        browser
    }

    /// One WebDriver command: its `value`, or a panic with the driver's
    /// error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_call(method, path, body)
            .unwrap_or_else(|error| panic!("{method} {path}: {error}"))
    }

    /// One WebDriver command: its `value`, or the driver's error.
    fn try_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, Value> {
        let body = body.map(|b| b.to_string());
        let (status, text) = http(&self.address, method, path, body.as_deref());
        let answer: Value = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{method} {path}: not JSON ({status}): {text}"));
        if status == 200 {
            Ok(answer["value"].clone())
        } else {
            Err(answer["value"].clone())
        }
    }

    /// An action on the element `css` finds. The page redraws some parts
    /// (the modem cards every 10 s): an element replaced between finding
    /// and acting is found again.
    fn act_on(&self, css: &str, action: &str, body: Value) {
        for _ in 0..5 {
            let element = self.element(css);
            let path = format!("/session/{}/element/{element}/{action}", self.session);
            match self.try_call("POST", &path, Some(body.clone())) {
                Ok(_) => return,
                Err(error) if error["error"] == "stale element reference" => continue,
                Err(error) => panic!("{action} on {css}: {error}"),
            }
        }
        panic!("{css} kept being replaced");
    }

    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    fn open(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page.
    fn run(&self, script: &str, args: Value) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    fn element(&self, css: &str) -> String {
        let found = self.session_call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        found[ELEMENT].as_str().unwrap().to_string()
    }

    /// Types into the element as a person would (key by key: every
    /// keystroke is an `input` event).
    fn type_into(&self, css: &str, text: &str) {
        self.act_on(css, "value", json!({ "text": text }));
    }

    fn clear(&self, css: &str) {
        self.act_on(css, "clear", json!({}));
    }

    fn click(&self, css: &str) {
        self.act_on(css, "click", json!({}));
    }

    /// Waits until `script` returns something other than null or false;
    /// on a timeout, saves a screenshot and fails with the page's text.
    fn wait_for(&self, what: &str, script: &str, args: Value) -> Value {
        self.wait_within(Duration::from_secs(30), what, script, args)
    }

    /// [`Browser::wait_for`] with a wait of its own.
    fn wait_within(&self, wait: Duration, what: &str, script: &str, args: Value) -> Value {
        let deadline = Instant::now() + wait;
        loop {
            let value = self.run(script, args.clone());
            if !value.is_null() && value != Value::Bool(false) {
                return value;
            }
            if Instant::now() > deadline {
                let shot = artifacts().join("failure.png");
                self.screenshot(&shot);
                let text = self.run("return document.body.innerText", json!([]));
                panic!(
                    "timed out waiting for {what} (screenshot {}); the page says:\n{}\nconsole: {:#}",
                    shot.display(),
                    text.as_str().unwrap_or_default(),
                    self.console()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&self, path: &Path) {
        use base64::Engine;
        let png = self.session_call("GET", "/screenshot", None);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// What the page logged to its console since the last call.
    fn console(&self) -> Value {
        self.session_call("POST", "/se/log", Some(json!({ "type": "browser" })))
    }
}

/// One WebDriver exchange with chromedriver: status and body.
fn http(address: &str, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
        .request(method.clone(), format!("http://{address}{path}"));
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json; charset=utf-8")
            .body(body.to_string());
    }
    let answer = request
        .send()
        .unwrap_or_else(|e| panic!("{method} {path}: chromedriver did not answer: {e}"));
    let status = answer.status().as_u16();
    (status, answer.text().unwrap())
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(
                &self.address,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// `document.querySelector(css)` matches (arguments[0]).
const EXISTS: &str = "return document.querySelector(arguments[0]) !== null";
/// The text of `document.querySelector(css)`, or null.
const TEXT: &str =
    "const e = document.querySelector(arguments[0]); return e ? e.textContent : null";

/// What loading the page cost, from the browser's Resource Timing: the
/// requests for the page and its files, bytes over the wire (headers
/// included), bodies as sent (gzipped) and unpacked.
const PAGE_LOAD: &str = "const n = performance.getEntriesByType('navigation')[0]; \
     const files = performance.getEntriesByType('resource').filter(r => !r.name.includes('/api/')); \
     return { requests: 1 + files.length, \
              transferred: n.transferSize + files.reduce((s, r) => s + r.transferSize, 0), \
              body: n.encodedBodySize + files.reduce((s, r) => s + r.encodedBodySize, 0), \
              unpacked: n.decodedBodySize + files.reduce((s, r) => s + r.decodedBodySize, 0), \
              dom_content_loaded_ms: Math.round(n.domContentLoadedEventEnd - n.startTime), \
              files: files.map(r => r.name.replace(location.origin, '')) }";

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn the_web_admin_logs_in_sends_and_shows_live_events_in_a_real_browser() {
    let sim = start_sim_with("generic", &[]);
    let dir = tempfile::tempdir().unwrap();
    let token = new_api_token(
        dir.path(),
        &["--name", "admin", "--scope", "send", "--scope", "read"],
    );
    let (mut daemon, address) = start_with_api(dir.path(), &sim);
    let browser = Browser::start();
    browser.open(&format!("http://{address}/"));

    // A wrong token is refused on the form; the right one opens the app.
    browser.wait_for(
        "the login form",
        "return !document.getElementById('login-view').hidden",
        json!([]),
    );
    browser.type_into("#token", "plu_not-a-token");
    browser.click("#login button[type=submit]");
    let refused = browser.wait_for(
        "the refusal",
        "const e = document.getElementById('login-error'); return e.textContent || null",
        json!([]),
    );
    assert_eq!(refused, "That token is not valid.");
    browser.clear("#token");
    browser.type_into("#token", &token);
    browser.click("#login button[type=submit]");
    browser.wait_for(
        "the app",
        "return !document.getElementById('app-view').hidden",
        json!([]),
    );
    assert_eq!(
        browser.run(TEXT, json!(["#who"])),
        "admin · send, read",
        "who is logged in"
    );
    // The token is in this tab's session storage, nowhere else.
    assert_eq!(
        browser.run(
            "return [sessionStorage.getItem('plutanium.token'), localStorage.length, document.cookie]",
            json!([])
        ),
        json!([token, 0, ""])
    );

    // The modem, ready, with its signal bars; the live stream connected.
    browser.wait_for(
        "gsm0 ready",
        EXISTS,
        json!(["article.modem[data-modem='gsm0'][data-state='ready']"]),
    );
    let bars = browser.wait_for(
        "signal bars",
        "const b = document.querySelector(\"article.modem[data-modem='gsm0'] .bars\"); \
         return b && b.dataset.bars !== 'unknown' ? [b.dataset.bars, b.querySelectorAll('span.on').length] : null",
        json!([]),
    );
    assert_eq!(
        bars[0].as_str().unwrap().parse::<u64>().unwrap(),
        bars[1].as_u64().unwrap()
    );
    assert!(
        bars[1].as_u64().unwrap() >= 1,
        "the simulator has signal: {bars}"
    );
    browser.wait_for("the live stream", EXISTS, json!(["#live[data-state='on']"]));
    browser.wait_for(
        "the echo connector",
        EXISTS,
        json!(["#connectors tr[data-connector='echo'] td.health[data-healthy='true']"]),
    );

    // A USSD code from the modem's card; its answer stays when the cards
    // are refreshed.
    browser.type_into("article.modem[data-modem='gsm0'] .ussd input", "*100#");
    browser.click("article.modem[data-modem='gsm0'] .ussd button");
    let ussd = "const e = document.querySelector(\"article.modem[data-modem='gsm0'] .ussd-answer\"); \
                return e && e.textContent.includes('balance') ? e.textContent : null";
    let answer = browser.wait_for("the USSD answer", ussd, json!([]));
    assert_eq!(answer, "*100#: Your balance is 12.50 EUR");
    // (The card is marked, so the wait below sees the new one.)
    browser.run(
        "document.querySelector(\"article.modem[data-modem='gsm0']\").dataset.old = 'yes'; \
         document.activeElement.blur(); loadModems()",
        json!([]),
    );
    browser.wait_for(
        "the refreshed card",
        EXISTS,
        json!(["article.modem[data-modem='gsm0']:not([data-old])"]),
    );
    assert_eq!(
        browser.wait_for("the answer after a refresh", ussd, json!([])),
        answer
    );

    // The part count and encoding follow the text as it is typed.
    browser.type_into("#send-to", "+420601234567");
    browser.type_into("#send-text", "Hello from the browser");
    // (Typed key by key, the count may answer for part of the text first:
    // wait for the whole text's.)
    let count_of = "const e = document.getElementById('send-count'); \
                    return e.textContent.includes(arguments[0]) ? e.textContent : null";
    let count = browser.wait_for("the GSM count", count_of, json!(["22/160"]));
    assert_eq!(count, "GSM 7-bit · 1 part · 22/160 (138 left)");
    browser.type_into("#send-text", " ✓");
    let count = browser.wait_for("the UCS-2 count", count_of, json!(["24/70"]));
    assert_eq!(count, "UCS-2 · 1 part · 24/70 (46 left)");

    // Sent with a delivery report: queued, then sent and delivered as the
    // live stream says, and on the phone.
    browser.click("#send-report");
    browser.click("#send-button");
    let id = browser.wait_for(
        "the queued id",
        "return document.getElementById('send-result').dataset.id || null",
        json!([]),
    );
    let id = id.as_str().unwrap().to_string();
    browser.wait_for(
        "the sent message in the live feed",
        EXISTS,
        json!([format!(
            "#feed li[data-type='outbound'][data-id='{id}'][data-status='sent']"
        )]),
    );
    browser.wait_for(
        "the delivery report in the live feed",
        EXISTS,
        json!([format!(
            "#feed li[data-type='outbound'][data-id='{id}'][data-status='delivered']"
        )]),
    );
    wait_until("the SMS on the phone", &mut daemon, || {
        phone_texts(&sim, "+420601234567")
            .contains(&"Hello from the browser ✓".to_string())
            .then_some(())
    });
    assert_eq!(
        browser.run(
            "return document.querySelector(`#feed li[data-id='${arguments[0]}'] .peer`).textContent",
            json!([id])
        ),
        "+420601234567"
    );

    // An SMS from a phone shows up live, and in the history.
    phone_sends(&sim, "+420601234567", "+420777000001", "Hi <b>admin</b>");
    let inbound = browser.wait_for(
        "the inbound SMS in the live feed",
        "const e = document.querySelector(\"#feed li[data-type='sms'] .text\"); return e ? e.textContent : null",
        json!([]),
    );
    assert_eq!(inbound, "Hi <b>admin</b>", "text stays text");
    assert_eq!(
        browser.run(EXISTS, json!(["#feed b"])),
        false,
        "no markup from an SMS"
    );
    browser.wait_for(
        "the inbound SMS in the history",
        "return [...document.querySelectorAll('#history td.text')].some(e => e.textContent === 'Hi <b>admin</b>')",
        json!([]),
    );

    // A call rings: live, and in the calls.
    let (status, answer) = crate::sim::http(
        &sim.control,
        "POST",
        "/calls",
        Some(r#"{"from":"+420601999888","to":"+420777000001"}"#),
    );
    assert_eq!(status, 202, "{answer}");
    browser.wait_for(
        "the call in the live feed",
        "return [...document.querySelectorAll(\"#feed li[data-type='call'] .peer\")] \
             .some(e => e.textContent === '+420601999888')",
        json!([]),
    );
    browser.wait_for(
        "the call in the calls",
        "return [...document.querySelectorAll('#calls tr[data-call] td')] \
             .some(e => e.textContent === '+420601999888')",
        json!([]),
    );

    // Search ignores case for all of Unicode, and accents when asked, as
    // the API and `plutanium messages list` do.
    phone_sends(&sim, "+420601234567", "+420777000001", "Čau ΣΟΦΙΑ");
    browser.type_into("#filter-q", "cau");
    browser.click("#filter-diacritics");
    browser.click("#filters button[type=submit]");
    browser.wait_for(
        "the accented message, searched without accents",
        "const rows = [...document.querySelectorAll('#history td.text')]; \
         return rows.some(r => r.textContent === 'Čau ΣΟΦΙΑ') && \
             rows.every(r => r.textContent.includes('Čau ΣΟΦΙΑ'))",
        json!([]),
    );
    browser.click("#filter-diacritics");
    browser.wait_for(
        "nothing for cau once accents count",
        "return document.querySelectorAll('#history tr[data-id]').length === 0",
        json!([]),
    );
    browser.clear("#filter-q");
    browser.type_into("#filter-q", "σοφια");
    browser.click("#filters button[type=submit]");
    browser.wait_for(
        "ΣΟΦΙΑ for σοφια",
        "const rows = [...document.querySelectorAll('#history td.text')]; \
         return rows.some(r => r.textContent === 'Čau ΣΟΦΙΑ') && \
             rows.every(r => r.textContent.includes('Čau ΣΟΦΙΑ'))",
        json!([]),
    );
    browser.clear("#filter-q");

    // Search and filters narrow the history.
    browser.type_into("#filter-q", "browser");
    browser.click("#filters button[type=submit]");
    browser.wait_for(
        "only the searched message",
        "const rows = [...document.querySelectorAll('#history tr[data-id]')]; \
         return rows.length === 1 && rows[0].dataset.id === arguments[0]",
        json!([id]),
    );
    browser.clear("#filter-q");
    browser.run(
        "const s = document.getElementById('filter-direction'); s.value = 'in'; s.dispatchEvent(new Event('change'))",
        json!([]),
    );
    browser.wait_for(
        "only inbound messages",
        "const rows = [...document.querySelectorAll('#history tr[data-id]')]; \
         return rows.length >= 1 && rows.every(r => r.dataset.id.startsWith('in-'))",
        json!([]),
    );
    // A message's detail: parts, references, delivery.
    browser.run(
        "document.getElementById('filter-direction').value = ''; \
         document.getElementById('filter-q').value = arguments[0]; \
         document.querySelector('#filters button[type=submit]').click()",
        json!(["browser"]),
    );
    browser.wait_for(
        "the sent message's row",
        "const r = document.querySelector(`#history tr[data-id='${arguments[0]}']`); if (r) r.click(); return r !== null",
        json!([id]),
    );
    let detail = browser.wait_for(
        "the message's detail",
        "const d = document.getElementById('detail'); return d.hidden ? null : d.textContent",
        json!([]),
    );
    assert!(
        detail.as_str().unwrap().contains("Message references"),
        "{detail}"
    );

    // A refused message says why, at the field.
    browser.clear("#send-to");
    browser.type_into("#send-to", "90123");
    browser.type_into("#send-text", "to a premium number");
    browser.click("#send-button");
    let refusal = browser.wait_for(
        "the refusal",
        "const e = document.getElementById('send-result'); return e.classList.contains('error') ? e.textContent : null",
        json!([]),
    );
    assert!(
        refusal.as_str().unwrap().starts_with("refused"),
        "{refusal}"
    );
    assert_eq!(
        browser.run(EXISTS, json!(["#send-to[aria-invalid='true']"])),
        true
    );

    // The page and its files, as the browser fetched them.
    let load = browser.run(PAGE_LOAD, json!([]));
    assert!(load["body"].as_u64().unwrap() > 1000, "{load}");
    browser.screenshot(&artifacts().join("admin.png"));

    // On a phone's width nothing sticks out sideways (wide tables scroll
    // inside their card).
    browser.session_call(
        "POST",
        "/window/rect",
        Some(json!({ "width": 400, "height": 900 })),
    );
    let widths = browser.wait_for(
        "the narrow layout",
        "return innerWidth < 600 ? [document.documentElement.scrollWidth, innerWidth] : null",
        json!([]),
    );
    assert!(
        widths[0].as_u64() <= widths[1].as_u64(),
        "the page is wider than the screen: {widths}"
    );
    browser.screenshot(&artifacts().join("admin-narrow.png"));

    // Nothing the policy blocked, no script errors.
    let console = browser.console();
    let problems: Vec<&Value> = console
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| {
            let message = entry["message"].as_str().unwrap_or_default();
            // The refused token (401) and message (422) were asked for.
            let expected = message.contains("the server responded with a status of 401")
                || message.contains("the server responded with a status of 422");
            (entry["level"] == "SEVERE" && !expected)
                || message.contains("Content Security Policy")
                || message.contains("TrustedHTML")
        })
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");

    // The token survives a reload of the tab, and logging out forgets it.
    browser.session_call("POST", "/refresh", Some(json!({})));
    browser.wait_for(
        "the app after a reload",
        "return !document.getElementById('app-view').hidden",
        json!([]),
    );
    // Reloaded, the files are revalidated (304), not sent again.
    let reload = browser.run(PAGE_LOAD, json!([]));
    assert!(
        reload["transferred"].as_u64().unwrap() < load["transferred"].as_u64().unwrap() / 4,
        "{reload}"
    );
    let figures = json!({ "first_load": load, "reload": reload });
    std::fs::write(artifacts().join("page-load.json"), format!("{figures:#}\n")).unwrap();
    println!("page load: {figures}");
    browser.click("#logout");
    browser.wait_for(
        "the login form again",
        "return !document.getElementById('login-view').hidden",
        json!([]),
    );
    assert_eq!(browser.run("return sessionStorage.length", json!([])), 0);
    // Nothing of the session stays on the page for the next person.
    assert_eq!(
        browser.run(
            "return document.querySelectorAll('#history tr, #feed li, #modems article, #connectors tr').length",
            json!([])
        ),
        0
    );
    // The API agrees the message went out.
    let (status, message) = api_call(
        &address,
        "GET",
        &format!("/api/v1/messages/{id}"),
        &token,
        None,
    );
    assert_eq!(status, 200);
    assert!(
        ["sent", "delivered"].contains(&message["status"].as_str().unwrap()),
        "{message}"
    );
    daemon.kill();

    // A modem that cannot receive says so on its card. (Beside gsm0 from
    // the start, it would take some of the sends above, and it sends no
    // delivery reports.)
    let mute = start_sim_with("nokia", &[]);
    let config = super::write_config(dir.path(), &sim);
    // Health sampled often, so the charts below fill within the wait.
    let text = std::fs::read_to_string(&config).unwrap().replacen(
        "modems:\n",
        &format!(
            "health: {{ every: 300ms }}\nmodems:\n  gsm1: {{ port: \"tcp://{}\", number: \"+420777000009\" }}\n",
            mute.modem_tcp
        ),
        1,
    );
    std::fs::write(&config, text).unwrap();
    super::add_api(&config, dir.path());
    let mut daemon = super::Daemon::start(&config, dir.path(), &[]);
    browser.open(&format!("http://{}/", daemon.api_address()));
    browser.type_into("#token", &token);
    browser.click("#login button[type=submit]");
    let warning = browser.wait_for(
        "gsm1's warning",
        "const w = document.querySelector(\"article.modem[data-modem='gsm1'] p.warning\"); \
         return w ? w.textContent : null",
        json!([]),
    );
    assert!(
        warning
            .as_str()
            .is_some_and(|w| w.starts_with("Cannot receive SMS: ") && w.contains("AT+CMGL")),
        "{warning}"
    );

    // Each modem's health, charted from what the store recorded: the
    // simulator's signal walks, so the line has several values, and the
    // hourly bars count the messages of the first run (same store).
    // The page fetches health at log-in, then every 30 s.
    let chart = browser.wait_within(
        Duration::from_secs(70),
        "gsm0's health charts with points",
        "const v = healthViews.get('gsm0');          if (!v || !v.signal || !document.body.contains(v.node)) return null;          const known = (series) => series.filter((x) => x !== null);          const rssi = known(v.signal.data[1]);          const canvas = v.node.querySelector('canvas');          if (rssi.length < 3 || new Set(rssi).size < 2 || !canvas || !canvas.width) return null;          const sum = (series) => series.reduce((a, b) => a + b, 0);          return { rssi, rsrp: known(v.signal.data[2]).length, points: Number(v.node.dataset.points),                   sent: sum(v.traffic.data[1]), received: sum(v.traffic.data[2]),                   charts: v.node.querySelectorAll('.uplot').length }",
        json!([]),
    );
    let rssi: Vec<i64> = chart["rssi"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert!(rssi.iter().all(|dbm| (-113..=-51).contains(dbm)), "{chart}");
    let mut distinct = rssi.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() >= 2, "the simulator's signal moves: {chart}");
    assert!(
        chart["rsrp"].as_u64().unwrap() >= 3,
        "+CESQ's RSRP: {chart}"
    );
    assert_eq!(chart["charts"], 2, "signal and messages per hour: {chart}");
    assert!(
        chart["sent"].as_u64().unwrap() >= 2 && chart["received"].as_u64().unwrap() >= 1,
        "the first run's messages: {chart}"
    );
    // The API the page drew from holds at least as many samples.
    let (status, health) = api_call(
        &daemon.api_address(),
        "GET",
        "/api/v1/modems/gsm0/health?since=1h",
        &token,
        None,
    );
    assert_eq!(status, 200, "{health}");
    assert!(
        health["samples"].as_array().unwrap().len() as u64 >= chart["points"].as_u64().unwrap()
    );
    let last = health["samples"].as_array().unwrap().last().unwrap();
    assert_eq!(
        (&last["network"], &last["sim"]),
        (&json!("lte"), &json!("ready")),
        "{last}"
    );
    browser.run(
        "document.querySelector(\"article.modem[data-modem='gsm0'] .health\").scrollIntoView({ block: 'center' })",
        json!([]),
    );
    browser.screenshot(&artifacts().join("health.png"));
    drop(browser);
    daemon.kill();
}
