//! The runtime with real components compiled from `tests/guests/` by the build
//! script: calls, config, KV, typed errors, deadlines, memory caps, traps and
//! restarts, HTTP grants, and clear load errors.

mod egress;
mod examples;
mod loopback;
mod stages;
mod versions;

use std::sync::Arc;
use std::time::Duration;

use plutanium_runtime::{
    Action, CallError, Connector, ConnectorError, Event, Grants, HostPolicy, LoadError, MemoryKv,
    OAuthGrant, Runtime, RuntimeConfig, Sms, TokenProvider, World,
};

use loopback::http_server;

const PROCESSOR: &str = env!("PLUTANIUM_TEST_GUEST_PROCESSOR");
const SINK: &str = env!("PLUTANIUM_TEST_GUEST_SINK");
const SOURCE: &str = env!("PLUTANIUM_TEST_GUEST_SOURCE");
const FUTURE: &str = env!("PLUTANIUM_TEST_GUEST_FUTURE");

fn runtime() -> Runtime {
    let config = RuntimeConfig {
        call_deadline: Duration::from_millis(500),
        memory_limit: 32 << 20,
        restart_backoff: Duration::from_millis(200),
        ..RuntimeConfig::default()
    };
    Runtime::new(config, Arc::new(MemoryKv::default())).expect("runtime")
}

fn grants(config: &[(&str, &str)], allow_hosts: &[&str]) -> Grants {
    Grants {
        allow_hosts: allow_hosts.iter().map(|h| h.to_string()).collect(),
        config: config
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        oauth: None,
        ..Grants::default()
    }
}

fn load_with(runtime: &Runtime, name: &str, grants: Grants) -> Connector {
    let bytes = std::fs::read(PROCESSOR).expect("built test processor");
    runtime.load_processor(name, &bytes, grants).expect("loads")
}

fn load(runtime: &Runtime, name: &str, config: &[(&str, &str)], allow_hosts: &[&str]) -> Connector {
    load_with(runtime, name, grants(config, allow_hosts))
}

fn sms(text: &str) -> Event {
    Event::Sms(Sms {
        id: "1".into(),
        sender: "+420777000111".into(),
        recipient: "+420777000000".into(),
        text: text.into(),
        received_at: 0,
        modem: "gsm0".into(),
        meta: Vec::new(),
    })
}

fn reply(actions: &[Action]) -> &str {
    match actions {
        [Action::Reply(text)] => text,
        other => panic!("expected one reply, got {other:?}"),
    }
}

#[tokio::test]
async fn echo_with_config_and_reused_instance() {
    let rt = runtime();
    let mut p = load(&rt, "echo", &[("prefix", "re: ")], &[]);
    for i in 0..3 {
        let actions = p.handle(&sms(&format!("hello {i}"))).await.unwrap();
        assert_eq!(reply(&actions), format!("re: hello {i}"));
    }
    // Non-SMS events pass through with no actions.
    let call = Event::Call(plutanium_runtime::Call {
        caller: None,
        modem: "gsm0".into(),
        at: 0,
    });
    assert!(p.handle(&call).await.unwrap().is_empty());
}

/// Two connectors of one component share its compiled code and memory
/// image (one component loaded), and each still has its own memory.
#[tokio::test]
async fn connectors_of_one_component_share_it_and_keep_their_own_memory() {
    let rt = runtime();
    let mut a = load(&rt, "memory-a", &[("mode", "memory")], &[]);
    let mut b = load(&rt, "memory-b", &[("mode", "memory")], &[]);
    assert_eq!(rt.components_in_use(), 1);
    assert_eq!(reply(&a.handle(&sms("x")).await.unwrap()), "calls 1");
    assert_eq!(reply(&a.handle(&sms("x")).await.unwrap()), "calls 2");
    assert_eq!(reply(&b.handle(&sms("x")).await.unwrap()), "calls 1");
    drop(a);
    assert_eq!(rt.components_in_use(), 1, "b still uses it");
    drop(b);
    assert_eq!(rt.components_in_use(), 0, "forgotten once unused");
    // Loaded again after that: a fresh component, fresh memory.
    let mut c = load(&rt, "memory-c", &[("mode", "memory")], &[]);
    assert_eq!(reply(&c.handle(&sms("x")).await.unwrap()), "calls 1");
}

#[tokio::test]
async fn kv_is_per_connector_and_survives_instances() {
    let rt = runtime();
    let mut a = load(&rt, "counter-a", &[("mode", "kv")], &[]);
    let mut b = load(&rt, "counter-b", &[("mode", "kv")], &[]);
    assert_eq!(reply(&a.handle(&sms("x")).await.unwrap()), "count 1");
    assert_eq!(reply(&a.handle(&sms("x")).await.unwrap()), "count 2");
    assert_eq!(reply(&b.handle(&sms("x")).await.unwrap()), "count 1");
    // A new instance of the same connector sees the same store.
    let mut a2 = load(&rt, "counter-a", &[("mode", "kv")], &[]);
    assert_eq!(reply(&a2.handle(&sms("x")).await.unwrap()), "count 3");
}

#[tokio::test]
async fn connector_errors_are_typed() {
    let rt = runtime();
    let mut p = load(&rt, "fail", &[("mode", "fail")], &[]);
    match p.handle(&sms("x")).await {
        Err(CallError::Connector(ConnectorError::Permanent(reason))) => {
            assert_eq!(reason, "refused on purpose")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_looping_connector_is_stopped_and_others_keep_working() {
    let rt = runtime();
    let mut looper = load(&rt, "looper", &[("mode", "loop")], &[]);
    let mut echo = load(&rt, "echo", &[], &[]);
    let started = std::time::Instant::now();
    assert!(matches!(
        looper.handle(&sms("x")).await,
        Err(CallError::Deadline(_))
    ));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        reply(&echo.handle(&sms("still here")).await.unwrap()),
        "echo: still here"
    );
    // Right away it waits out its restart backoff; then a fresh instance is made
    // and stopped again.
    assert!(matches!(
        looper.handle(&sms("x")).await,
        Err(CallError::Backoff(_))
    ));
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(matches!(
        looper.handle(&sms("x")).await,
        Err(CallError::Deadline(_))
    ));
    assert_eq!(looper.stats().deadlines, 2);
    assert_eq!(looper.stats().restarts, 1);
    assert_eq!(echo.stats().calls, 1);
}

#[tokio::test]
async fn memory_growth_traps_at_the_cap() {
    let rt = runtime();
    let mut hog = load(&rt, "hog", &[("mode", "grow")], &[]);
    match hog.handle(&sms("x")).await {
        Err(CallError::Trap(_)) => {}
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[tokio::test]
async fn a_trapping_connector_is_restarted() {
    let rt = runtime();
    let mut p = load(&rt, "trapper", &[("mode", "trap")], &[]);
    assert!(matches!(p.handle(&sms("x")).await, Err(CallError::Trap(_))));
    // The backoff doubles while it keeps trapping: 200 ms, then 400 ms.
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(matches!(p.handle(&sms("x")).await, Err(CallError::Trap(_))));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(matches!(
        p.handle(&sms("x")).await,
        Err(CallError::Backoff(_))
    ));
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert!(matches!(p.handle(&sms("x")).await, Err(CallError::Trap(_))));
    assert_eq!(p.stats().traps, 3);
    assert_eq!(p.stats().restarts, 2);
}

#[tokio::test]
async fn outbound_http_needs_a_grant() {
    let rt = runtime();
    let (address, server) = http_server().await;
    let url = format!("http://{address}/hello");
    let mut denied = load(&rt, "denied", &[("mode", "http"), ("url", &url)], &[]);
    let answer = denied.handle(&sms("x")).await.unwrap();
    assert!(reply(&answer).contains("HttpRequestDenied"), "{answer:?}");
    let mut granted = load(
        &rt,
        "granted",
        &[("mode", "http"), ("url", &url)],
        &["127.0.0.1"],
    );
    let answer = granted.handle(&sms("x")).await.unwrap();
    assert_eq!(reply(&answer), "status 204");
    let head = server.await.unwrap();
    assert!(head.starts_with("GET /hello HTTP/1.1"), "{head}");
}

#[tokio::test]
async fn a_guest_cannot_set_authorization() {
    let rt = runtime();
    let mut p = load(
        &rt,
        "sneaky",
        &[
            ("mode", "http"),
            ("url", "http://127.0.0.1:9/"),
            ("authorization", "Bearer stolen"),
        ],
        &["127.0.0.1"],
    );
    let answer = p.handle(&sms("x")).await.unwrap();
    assert!(
        reply(&answer).starts_with("error header refused"),
        "{answer:?}"
    );
}

#[tokio::test]
async fn a_name_that_resolves_to_loopback_needs_the_address_granted() {
    let rt = runtime();
    let (address, server) = http_server().await;
    let port = address.rsplit_once(':').unwrap().1.to_string();
    let url = format!("http://localhost:{port}/");
    let by_name = format!("localhost:{port}");
    let mut name_only = load(
        &rt,
        "name-only",
        &[("mode", "http"), ("url", &url)],
        &[&by_name],
    );
    let answer = name_only.handle(&sms("x")).await.unwrap();
    assert!(reply(&answer).contains("HttpRequestDenied"), "{answer:?}");
    let mut with_address = load(
        &rt,
        "with-address",
        &[("mode", "http"), ("url", &url)],
        &[&by_name, "127.0.0.1", "::1"],
    );
    let answer = with_address.handle(&sms("x")).await.unwrap();
    assert_eq!(reply(&answer), "status 204");
    server.abort();
}

struct FixedToken;

impl TokenProvider for FixedToken {
    fn token(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send + '_>>
    {
        Box::pin(async { Ok("host-secret-token".to_string()) })
    }
}

#[tokio::test]
async fn a_granted_oauth_host_gets_the_hosts_token() {
    let rt = runtime();
    let (address, server) = http_server().await;
    let url = format!("http://{address}/mail");
    let mut g = grants(&[("mode", "http"), ("url", &url)], &["127.0.0.1"]);
    g.oauth = Some(OAuthGrant {
        hosts: HostPolicy::new(&["127.0.0.1"]).unwrap(),
        tokens: Arc::new(FixedToken),
    });
    let mut p = load_with(&rt, "mailer", g);
    let answer = p.handle(&sms("x")).await.unwrap();
    assert_eq!(reply(&answer), "status 204");
    let head = server.await.unwrap().to_ascii_lowercase();
    assert!(
        head.contains("authorization: bearer host-secret-token"),
        "{head}"
    );
}

#[test]
fn a_bad_allow_hosts_entry_is_a_load_error() {
    let rt = runtime();
    let bytes = std::fs::read(PROCESSOR).expect("built test processor");
    let err = rt
        .load_processor("bad", &bytes, grants(&[], &["http://example.com/path"]))
        .err()
        .expect("refused");
    assert!(matches!(err, LoadError::InvalidGrant(_)), "{err}");
    assert!(err.to_string().contains("http://example.com/path"));
}

#[test]
fn load_errors_name_the_problem() {
    let rt = runtime();
    let sink = std::fs::read(SINK).expect("built test sink");
    match rt.load_processor("sink", &sink, Grants::default()) {
        Err(LoadError::MissingExport { expected, found }) => {
            assert_eq!(expected, "plutanium:gateway/processor@0.1.1");
            assert!(found.contains("plutanium:gateway/sink@0.1.1"), "{found}");
        }
        other => panic!("{:?}", other.err()),
    }
    let future = std::fs::read(FUTURE).expect("built future-version test processor");
    match rt.load("future", &future, Grants::default()) {
        Err(LoadError::VersionMismatch { expected, found }) => {
            assert_eq!(expected, "plutanium:gateway@0.1.1");
            assert_eq!(found, "plutanium:gateway/processor@0.2.0");
        }
        other => panic!("{:?}", other.err()),
    }
    match rt.load_processor("future", &future, Grants::default()) {
        Err(e @ LoadError::VersionMismatch { .. }) => {
            assert!(e.to_string().contains("processor@0.2.0"), "{e}");
            assert!(e.to_string().contains("plutanium:gateway@0.1.1"), "{e}");
        }
        other => panic!("{:?}", other.err()),
    }
    match rt.load_processor("junk", b"not wasm at all", Grants::default()) {
        Err(LoadError::Invalid(_)) => {}
        other => panic!("{:?}", other.err()),
    }
}

#[tokio::test]
async fn sinks_and_sources_through_the_same_runtime() {
    let rt = runtime();
    let sink_bytes = std::fs::read(SINK).expect("built test sink");
    let mut sink = rt.load("sink", &sink_bytes, Grants::default()).unwrap();
    assert_eq!(sink.world(), World::Sink);
    sink.deliver(&sms("to the sink")).await.unwrap();
    // A call for another world is a typed error, not a trap.
    assert!(matches!(
        sink.handle(&sms("x")).await,
        Err(CallError::WrongWorld {
            needed: World::Processor,
            actual: World::Sink
        })
    ));

    let source_bytes = std::fs::read(SOURCE).expect("built test source");
    let source_grants = || grants(&[("count", "3"), ("to", "+420777000111")], &[]);
    let mut source = rt.load("source", &source_bytes, source_grants()).unwrap();
    assert_eq!(source.world(), World::Source);
    let first = source.poll(2).await.unwrap();
    let keys: Vec<&str> = first.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, ["test:1", "test:2"]);
    assert_eq!(first[0].text, "message 1");
    // Not acknowledged yet: offered again.
    assert_eq!(source.poll(10).await.unwrap().len(), 3);
    source.ack(&["test:1".to_string()]).await.unwrap();
    source
        .reject(&[("test:2".to_string(), "premium number".to_string())])
        .await
        .unwrap();
    // A fresh instance (a restart) remembers through its KV namespace.
    let mut restarted = rt.load("source", &source_bytes, source_grants()).unwrap();
    let left: Vec<String> = restarted
        .poll(10)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect();
    assert_eq!(left, ["test:3"]);
    // A source without its required config says so as a config error.
    let mut unconfigured = rt
        .load("unconfigured", &source_bytes, Grants::default())
        .unwrap();
    assert!(matches!(
        unconfigured.poll(1).await,
        Err(CallError::Connector(ConnectorError::Config(_)))
    ));
}

#[tokio::test]
async fn fuel_caps_a_call() {
    let config = RuntimeConfig {
        fuel: Some(5_000_000),
        call_deadline: Duration::from_secs(30),
        ..RuntimeConfig::default()
    };
    let rt = Runtime::new(config, Arc::new(MemoryKv::default())).expect("runtime");
    let mut looper = load(&rt, "looper", &[("mode", "loop")], &[]);
    assert!(matches!(
        looper.handle(&sms("x")).await,
        Err(CallError::OutOfFuel)
    ));
    let mut echo = load(&rt, "echo", &[], &[]);
    assert_eq!(
        reply(&echo.handle(&sms("fuel enough")).await.unwrap()),
        "echo: fuel enough"
    );
    let stats = echo.stats();
    assert_eq!(stats.calls, 1);
    assert_eq!(stats.latency_buckets.iter().sum::<u64>(), 1);
}

#[tokio::test]
async fn the_compile_cache_is_reused_and_survives_damage() {
    let dir = std::env::temp_dir().join(format!("plutanium-cache-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let bytes = std::fs::read(PROCESSOR).expect("built test processor");
    let first = runtime().with_compile_cache(&dir);
    let mut compiled = first
        .load_processor("echo", &bytes, Grants::default())
        .unwrap();
    assert_eq!(reply(&compiled.handle(&sms("a")).await.unwrap()), "echo: a");
    let entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    // A second runtime loads from the cache.
    let second = runtime().with_compile_cache(&dir);
    let mut cached = second
        .load_processor("echo", &bytes, Grants::default())
        .unwrap();
    assert_eq!(reply(&cached.handle(&sms("b")).await.unwrap()), "echo: b");
    // A damaged entry is recompiled, not trusted. Damaged while no process
    // runs it: a loaded entry is mapped, and the runtime only ever replaces
    // an entry by a rename (a write in place under a running daemon is like
    // one into its binary).
    drop((compiled, cached, first, second));
    std::fs::write(&entries[0], b"garbage").unwrap();
    let third = runtime().with_compile_cache(&dir);
    let mut p = third
        .load_processor("echo", &bytes, Grants::default())
        .unwrap();
    assert_eq!(reply(&p.handle(&sms("c")).await.unwrap()), "echo: c");
    assert!(
        std::fs::read(&entries[0]).unwrap().len() > 1000,
        "rewritten"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A writer for a test subscriber that keeps everything in memory.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Captures this thread's log lines until the guard drops (a
    /// current-thread test: the connector's calls log on it).
    fn this_thread() -> (Captured, tracing::subscriber::DefaultGuard) {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        (captured, tracing::subscriber::set_default(subscriber))
    }

    /// What was logged so far.
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn guest_output_becomes_log_lines() {
    let (captured, _guard) = Captured::this_thread();
    let rt = runtime();
    let mut p = load(&rt, "talker", &[("mode", "print")], &[]);
    assert_eq!(reply(&p.handle(&sms("hi")).await.unwrap()), "printed");
    drop(p);
    let log = captured.text();
    assert!(log.contains("printed hi"), "{log}");
    assert!(log.contains("complained about hi"), "{log}");
    assert!(
        log.contains("talker"),
        "the connector's name tags its lines: {log}"
    );
}

#[tokio::test]
async fn a_call_blocked_on_a_silent_server_is_stopped_at_its_deadline() {
    // A server that accepts and never answers: the guest waits in the host,
    // where epoch interruption cannot reach it; the wall-clock guard does.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let rt = runtime();
    let url = format!("http://{address}/slow");
    let mut waiting = load(
        &rt,
        "waiting",
        &[("mode", "http"), ("url", &url)],
        &["127.0.0.1"],
    );
    let started = std::time::Instant::now();
    let result = waiting.handle(&sms("x")).await;
    assert!(matches!(result, Err(CallError::Deadline(_))), "{result:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(waiting.stats().deadlines, 1);
    // Another connector in the same runtime is unaffected.
    let mut echo = load(&rt, "echo", &[], &[]);
    assert_eq!(reply(&echo.handle(&sms("hi")).await.unwrap()), "echo: hi");
    silent.abort();
}

#[tokio::test]
async fn connector_kv_in_the_sqlite_store_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plutanium.db");
    let bytes = std::fs::read(PROCESSOR).expect("built test processor");
    for expected in ["count 1", "count 2"] {
        // A fresh runtime and store each time: a daemon restart.
        let store = Arc::new(plutanium_store::SqliteStore::open(&path).unwrap());
        let rt = Runtime::new(RuntimeConfig::default(), store).expect("runtime");
        let mut counter = rt
            .load_processor("counter", &bytes, grants(&[("mode", "kv")], &[]))
            .unwrap();
        assert_eq!(reply(&counter.handle(&sms("x")).await.unwrap()), expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_racing_on_one_store_lose_no_update_through_compare_and_set() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(plutanium_store::SqliteStore::open(dir.path().join("p.db")).unwrap());
    let bytes = std::fs::read(PROCESSOR).expect("built test processor");
    // Two runtimes on one store, as two gateway nodes on one database.
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let rt = Runtime::new(RuntimeConfig::default(), store.clone()).expect("runtime");
            let mut counter = rt
                .load_processor("counter", &bytes, grants(&[("mode", "kv")], &[]))
                .unwrap();
            tokio::spawn(async move {
                for _ in 0..20 {
                    counter.handle(&sms("x")).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    use plutanium_core::KvStore;
    let count = store.get("counter", "count").unwrap().unwrap();
    assert_eq!(u32::from_le_bytes(count.try_into().unwrap()), 40);
}

#[tokio::test]
async fn limits_can_be_set_per_connector() {
    let rt = runtime();
    let bytes = std::fs::read(PROCESSOR).expect("built test processor");
    let mut quick = rt
        .load_processor(
            "quick",
            &bytes,
            Grants {
                call_deadline: Some(Duration::from_millis(150)),
                ..grants(&[("mode", "loop")], &[])
            },
        )
        .unwrap();
    let started = std::time::Instant::now();
    let result = quick.handle(&sms("x")).await;
    assert!(
        matches!(result, Err(CallError::Deadline(d)) if d == Duration::from_millis(150)),
        "{result:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
    // A cap below what the component needs to start: it cannot start, and says so.
    let mut tiny = rt
        .load_processor(
            "tiny",
            &bytes,
            Grants {
                memory_limit: Some(64 << 10),
                ..grants(&[], &[])
            },
        )
        .unwrap();
    assert!(matches!(
        tiny.handle(&sms("x")).await,
        Err(CallError::Trap(_))
    ));
    // The runtime's own limits still serve everyone else.
    let mut echo = load(&rt, "echo", &[], &[]);
    assert_eq!(reply(&echo.handle(&sms("hi")).await.unwrap()), "echo: hi");
}
