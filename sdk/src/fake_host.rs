//! The fake host: the state a test sets up and looks at, and the thread's
//! current host, which the SDK's host functions talk to outside wasm.
//!
//! Public as [`crate::testing`]; a module of its own so that `host_calls`
//! reaches the fake host without depending on `testing`, whose harness drives
//! connectors through the SDK and so through `host_calls`.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

// Only the plain data of `host_types`, not `log`, `kv` or `http`: those call
// the host through `host_calls`, which calls this module.
use crate::host_types::{HttpError, KvError, Level, Request, Response};

/// The largest key or value the fake store takes, as the daemon's.
pub const MAX_KV_VALUE: usize = 1 << 20;

/// The time a new fake host starts at: 2026-01-01T00:00:00Z, in ms.
pub const START_TIME: u64 = 1_767_225_600_000;

/// A log line the connector wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// Its level.
    pub level: Level,
    /// Its message.
    pub message: String,
    /// Its fields.
    pub fields: Vec<(String, String)>,
}

impl LogLine {
    /// The value of field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
struct Scripted {
    method: String,
    url: String,
    answer: Result<Response, HttpError>,
}

/// A fake service answering every request no scripted answer matched.
struct Service(Box<ServiceFn>);

type ServiceFn = dyn FnMut(&Request) -> Result<Response, HttpError>;

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Service")
    }
}

#[derive(Debug)]
struct State {
    config: Vec<(String, String)>,
    now: u64,
    kv: BTreeMap<String, Vec<u8>>,
    kv_failure: Option<KvError>,
    logs: Vec<LogLine>,
    scripted: VecDeque<Scripted>,
    service: Option<Service>,
    requests: Vec<Request>,
}

/// A fake host. Clones share one state, so a test keeps a handle to look at
/// what the connector did.
#[derive(Clone, Debug)]
pub struct FakeHost {
    state: Rc<RefCell<State>>,
}

impl Default for FakeHost {
    fn default() -> Self {
        FakeHost::new()
    }
}

thread_local! {
    static CURRENT: RefCell<Option<FakeHost>> = const { RefCell::new(None) };
}

/// Calls `f` with the fake host that [`FakeHost::run`] installed.
///
/// # Panics
/// Outside [`FakeHost::run`] (and so outside a
/// [`Harness`](crate::testing::Harness)) there is no host
/// to talk to: that is a mistake in the test, and the panic says so.
pub(crate) fn with_current<R>(f: impl FnOnce(&FakeHost) -> R) -> R {
    let host = CURRENT.with(|current| current.borrow().clone());
    match host {
        Some(host) => f(&host),
        None => panic!(
            "plutanium-sdk: a host function was called outside wasm with no fake host; \
             run the code through plutanium_sdk::testing::Harness or FakeHost::run"
        ),
    }
}

/// Puts the previous host back when a `run` ends, even by panic.
struct Installed(Option<FakeHost>);

impl Drop for Installed {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|current| *current.borrow_mut() = previous);
    }
}

impl FakeHost {
    /// A host with no config, an empty store, no scripted responses, and the
    /// clock at [`START_TIME`].
    pub fn new() -> Self {
        FakeHost {
            state: Rc::new(RefCell::new(State {
                config: Vec::new(),
                now: START_TIME,
                kv: BTreeMap::new(),
                kv_failure: None,
                logs: Vec::new(),
                scripted: VecDeque::new(),
                service: None,
                requests: Vec::new(),
            })),
        }
    }

    /// Adds a config pair.
    pub fn config(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.state
            .borrow_mut()
            .config
            .push((key.into(), value.into()));
        self
    }

    /// Runs `f` with this host behind the SDK's host functions.
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        let previous = CURRENT.with(|current| current.borrow_mut().replace(self.clone()));
        let _restore = Installed(previous);
        f()
    }

    /// Sets the clock (ms since the Unix epoch).
    pub fn set_now(&self, ms: u64) {
        self.state.borrow_mut().now = ms;
    }

    /// Moves the clock forward.
    pub fn advance(&self, ms: u64) {
        let mut state = self.state.borrow_mut();
        state.now = state.now.saturating_add(ms);
    }

    /// Puts a value in the store.
    pub fn kv_insert(&self, key: impl Into<String>, value: impl Into<Vec<u8>>) {
        self.state.borrow_mut().kv.insert(key.into(), value.into());
    }

    /// The stored value of `key`.
    pub fn kv_value(&self, key: &str) -> Option<Vec<u8>> {
        self.state.borrow().kv.get(key).cloned()
    }

    /// The stored value of `key` as text.
    pub fn kv_text(&self, key: &str) -> Option<String> {
        self.kv_value(key)
            .map(|v| String::from_utf8_lossy(&v).into_owned())
    }

    /// Every stored key, sorted.
    pub fn kv_all_keys(&self) -> Vec<String> {
        self.state.borrow().kv.keys().cloned().collect()
    }

    /// Makes every store call fail with `failure` (or work again with `None`).
    pub fn fail_kv(&self, failure: Option<KvError>) {
        self.state.borrow_mut().kv_failure = failure;
    }

    /// Scripts the answer to the next `method` request to exactly `url`.
    /// Each scripted answer is used once, in the order they were added.
    pub fn respond(&self, method: &str, url: &str, response: Response) {
        self.script(method, url, Ok(response));
    }

    /// Scripts a failure for the next `method` request to exactly `url`.
    pub fn fail(&self, method: &str, url: &str, error: HttpError) {
        self.script(method, url, Err(error));
    }

    fn script(&self, method: &str, url: &str, answer: Result<Response, HttpError>) {
        self.state.borrow_mut().scripted.push_back(Scripted {
            method: method.to_ascii_uppercase(),
            url: url.to_string(),
            answer,
        });
    }

    /// Answers every request that no scripted answer matches with
    /// `service` — a fake of the whole remote API (scripted answers still
    /// come first, so a test can inject one failure into a working fake).
    pub fn serve(&self, service: impl FnMut(&Request) -> Result<Response, HttpError> + 'static) {
        self.state.borrow_mut().service = Some(Service(Box::new(service)));
    }

    /// Scripted answers not used yet, as `METHOD url`.
    pub fn unused_responses(&self) -> Vec<String> {
        self.state
            .borrow()
            .scripted
            .iter()
            .map(|s| format!("{} {}", s.method, s.url))
            .collect()
    }

    /// Every request the connector sent, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.state.borrow().requests.clone()
    }

    /// Every log line the connector wrote, in order.
    pub fn logs(&self) -> Vec<LogLine> {
        self.state.borrow().logs.clone()
    }

    pub(crate) fn config_pairs(&self) -> Vec<(String, String)> {
        self.state.borrow().config.clone()
    }

    pub(crate) fn now(&self) -> u64 {
        self.state.borrow().now
    }

    pub(crate) fn record_log(&self, level: Level, message: &str, fields: &[(String, String)]) {
        self.state.borrow_mut().logs.push(LogLine {
            level,
            message: message.to_string(),
            fields: fields.to_vec(),
        });
    }

    fn kv_check(&self) -> Result<(), KvError> {
        match &self.state.borrow().kv_failure {
            Some(failure) => Err(failure.clone()),
            None => Ok(()),
        }
    }

    pub(crate) fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, KvError> {
        self.kv_check()?;
        Ok(self.kv_value(key))
    }

    pub(crate) fn kv_set(&self, key: &str, value: &[u8]) -> Result<(), KvError> {
        self.kv_check()?;
        let size = key.len().max(value.len());
        if size > MAX_KV_VALUE {
            return Err(KvError::TooLarge(u32::try_from(size).unwrap_or(u32::MAX)));
        }
        self.kv_insert(key, value);
        Ok(())
    }

    pub(crate) fn kv_compare_and_set(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: Option<&[u8]>,
    ) -> Result<bool, KvError> {
        self.kv_check()?;
        let size = key.len().max(new.map_or(0, <[u8]>::len));
        if size > MAX_KV_VALUE {
            return Err(KvError::TooLarge(u32::try_from(size).unwrap_or(u32::MAX)));
        }
        if self.kv_value(key).as_deref() != expected {
            return Ok(false);
        }
        match new {
            Some(value) => self.kv_insert(key, value),
            None => {
                self.state.borrow_mut().kv.remove(key);
            }
        }
        Ok(true)
    }

    pub(crate) fn kv_delete(&self, key: &str) -> Result<(), KvError> {
        self.kv_check()?;
        self.state.borrow_mut().kv.remove(key);
        Ok(())
    }

    pub(crate) fn kv_keys(&self, prefix: &str) -> Result<Vec<String>, KvError> {
        self.kv_check()?;
        Ok(self
            .state
            .borrow()
            .kv
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect())
    }

    pub(crate) fn http_send(&self, request: &Request) -> Result<Response, HttpError> {
        let mut state = self.state.borrow_mut();
        state.requests.push(request.clone());
        let position = state
            .scripted
            .iter()
            .position(|s| s.method == request.method && s.url == request.url);
        match position.and_then(|i| state.scripted.remove(i)) {
            Some(scripted) => match scripted.answer {
                Ok(response) if response.body.len() > request.max_response_bytes => {
                    Err(HttpError::TooLarge(request.max_response_bytes))
                }
                answer => answer,
            },
            None => match state.service.take() {
                Some(mut service) => {
                    // The service may call back into the host (it is user
                    // code), so the state is not borrowed while it runs.
                    drop(state);
                    let answer = (service.0)(request);
                    self.state.borrow_mut().service = Some(service);
                    answer
                }
                None => Err(HttpError::Failed(format!(
                    "no scripted response for {} {}",
                    request.method, request.url
                ))),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_and_set_changes_only_the_value_it_expected() {
        let host = FakeHost::new();
        assert_eq!(host.kv_compare_and_set("k", None, Some(b"1")), Ok(true));
        assert_eq!(host.kv_compare_and_set("k", None, Some(b"2")), Ok(false));
        assert_eq!(
            host.kv_compare_and_set("k", Some(b"0"), Some(b"2")),
            Ok(false)
        );
        assert_eq!(host.kv_text("k").as_deref(), Some("1"));
        assert_eq!(host.kv_compare_and_set("k", Some(b"1"), None), Ok(true));
        assert_eq!(host.kv_value("k"), None);
        let big = vec![0u8; MAX_KV_VALUE + 1];
        assert!(matches!(
            host.kv_compare_and_set("k", None, Some(&big)),
            Err(KvError::TooLarge(_))
        ));
    }
}
