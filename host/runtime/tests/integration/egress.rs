//! A connector's way out, attacked: a name that rebinds to loopback between
//! two lookups, a server whose certificate only a private CA vouches for, a
//! server that drips a byte a second, a body past the cap, and more open
//! requests than a connector may have.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plutanium_runtime::{Grants, HttpLimits, MemoryKv, Network, Runtime, RuntimeConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::loopback::http_capture;
use crate::{grants, reply, sms};

const PROCESSOR: &str = env!("PLUTANIUM_TEST_GUEST_PROCESSOR");

fn runtime_with(http: HttpLimits) -> Runtime {
    let config = RuntimeConfig {
        call_deadline: Duration::from_secs(20),
        http,
        ..RuntimeConfig::default()
    };
    Runtime::new(config, Arc::new(MemoryKv::default())).expect("runtime")
}

fn processor(runtime: &Runtime, name: &str, grants: Grants) -> plutanium_runtime::Connector {
    let bytes = std::fs::read(PROCESSOR).expect("built test processor");
    runtime.load_processor(name, &bytes, grants).expect("loads")
}

/// A resolver an attacker controls: a public address to the first lookup,
/// loopback to every later one. Connections to the public address go to a
/// loopback server standing in for it, so no packet leaves the machine.
struct Rebinding {
    lookups: AtomicUsize,
    public: IpAddr,
    stand_in: SocketAddr,
    connected: Mutex<Vec<SocketAddr>>,
}

impl Network for Rebinding {
    fn resolve<'a>(
        &'a self,
        _host: &'a str,
        _port: u16,
    ) -> Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send + 'a>> {
        let first = self.lookups.fetch_add(1, Ordering::SeqCst) == 0;
        let answer = if first {
            self.public
        } else {
            IpAddr::from([127, 0, 0, 1])
        };
        Box::pin(async move { Ok(vec![answer]) })
    }

    fn connect(
        &self,
        address: SocketAddr,
    ) -> Pin<Box<dyn Future<Output = io::Result<TcpStream>> + Send + '_>> {
        self.connected.lock().unwrap().push(address);
        let to = if address.ip() == self.public {
            self.stand_in
        } else {
            address
        };
        Box::pin(TcpStream::connect(to))
    }
}

#[tokio::test]
async fn a_name_is_resolved_once_and_the_checked_address_is_the_one_connected() {
    // The host's own service the attacker is after, and the public server
    // the name claims to be.
    let (private, private_seen) = http_capture(&[200]).await;
    let (public, public_seen) = http_capture(&[200]).await;
    let private: SocketAddr = private.parse().unwrap();
    let network = Arc::new(Rebinding {
        lookups: AtomicUsize::new(0),
        public: IpAddr::from([93, 184, 216, 34]),
        stand_in: public.parse().unwrap(),
        connected: Mutex::new(Vec::new()),
    });
    let runtime = runtime_with(HttpLimits::default()).with_network(network.clone());
    let url = format!("http://rebind.example:{}/admin", private.port());
    let mut connector = processor(
        &runtime,
        "rebound",
        grants(&[("mode", "http"), ("url", &url)], &["rebind.example"]),
    );
    let answer = connector.handle(&sms("x")).await.unwrap();
    assert_eq!(reply(&answer), "status 200");
    assert_eq!(network.lookups.load(Ordering::SeqCst), 1, "one lookup");
    assert_eq!(
        *network.connected.lock().unwrap(),
        vec![SocketAddr::new(network.public, private.port())],
        "connected to the address that was checked"
    );
    let public_seen = public_seen.await.unwrap();
    assert_eq!(public_seen.len(), 1);
    assert!(
        public_seen[0].head.contains("host: rebind.example:"),
        "the Host header keeps the name: {}",
        public_seen[0].head
    );
    // The loopback service never saw a request.
    let private_seen = tokio::time::timeout(Duration::from_millis(300), private_seen).await;
    assert!(private_seen.is_err(), "the private server was reached");
}

#[tokio::test]
async fn https_trusts_the_platform_and_the_operators_ca_files() {
    let ca = plutanium_tls::testing::PrivateCa::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("company-ca.pem");
    std::fs::write(&ca_file, &ca.ca_pem).unwrap();
    let (plain, seen) = http_capture(&[200, 200]).await;
    let (port, front) = ca.front(plain.parse().unwrap()).await.unwrap();
    let url = format!("https://localhost:{port}/");
    let hosts = ["localhost", "127.0.0.1", "::1"];
    let settings = [("mode", "http"), ("url", url.as_str()), ("read", "body")];

    // The platform's CAs alone do not know the private CA.
    let runtime = runtime_with(HttpLimits::default());
    let mut untrusting = processor(&runtime, "untrusting", grants(&settings, &hosts));
    let answer = untrusting.handle(&sms("x")).await.unwrap();
    assert!(reply(&answer).contains("TlsCertificateError"), "{answer:?}");

    // With the CA file in the trust store, the same runtime's connectors
    // (this one, loaded before, and a new one) reach the server.
    let trust = plutanium_tls::TrustStore::load(std::slice::from_ref(&ca_file)).unwrap();
    runtime.set_trust(&trust);
    let answer = untrusting.handle(&sms("x")).await.unwrap();
    assert_eq!(reply(&answer), "status 200 bytes 0");
    let mut trusting = processor(&runtime, "trusting", grants(&settings, &hosts));
    let answer = trusting.handle(&sms("x")).await.unwrap();
    assert_eq!(reply(&answer), "status 200 bytes 0");
    assert_eq!(seen.await.unwrap().len(), 2, "two requests got through");
    front.abort();
}

/// Answers every request with `head`, then `body` one byte every `every`.
async fn dripping_server(
    head: &'static str,
    body: usize,
    every: Duration,
) -> (u16, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer).await;
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for _ in 0..body {
                    tokio::time::sleep(every).await;
                    if stream.write_all(b"x").await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, task)
}

// One worker thread: a connector stuck on a drip must not hold it.
#[tokio::test(flavor = "current_thread")]
async fn a_dripping_response_ends_at_the_deadline_and_other_connectors_go_on() {
    let (port, server) = dripping_server(
        "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n",
        100,
        Duration::from_secs(1),
    )
    .await;
    let runtime = runtime_with(HttpLimits {
        deadline: Duration::from_millis(2500),
        ..HttpLimits::default()
    });
    let url = format!("http://127.0.0.1:{port}/drip");
    let mut slow = processor(
        &runtime,
        "slow",
        grants(
            &[("mode", "http"), ("url", &url), ("read", "body")],
            &["127.0.0.1"],
        ),
    );
    let mut quick = processor(&runtime, "quick", grants(&[], &[]));
    let order = Mutex::new(Vec::new());
    let started = std::time::Instant::now();
    let dripping = async {
        let answer = slow.handle(&sms("x")).await.unwrap();
        order.lock().unwrap().push("drip ended".to_string());
        reply(&answer).to_string()
    };
    let echoing = async {
        for i in 0..5 {
            let answer = quick.handle(&sms(&format!("{i}"))).await.unwrap();
            order.lock().unwrap().push(reply(&answer).to_string());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let (dripped, ()) = tokio::join!(dripping, echoing);
    // wasi-http 0.2 gives a failed body stream no error code
    // (`http-error-code` is none); the host's log says it was the deadline.
    let bytes: usize = dripped
        .strip_prefix("error None after ")
        .and_then(|rest| rest.strip_suffix(" bytes"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{dripped}"));
    assert!(bytes < 5, "{dripped}");
    // Cut off at the 2.5 s deadline, not after the 100 s the body would take.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let order = order.into_inner().unwrap();
    assert_eq!(
        order.iter().position(|e| e == "drip ended"),
        Some(5),
        "the other connector's five calls were answered while the drip went on: {order:?}"
    );
    server.abort();
}

#[tokio::test]
async fn a_body_past_the_cap_is_refused() {
    let limits = HttpLimits {
        max_response_bytes: 1000,
        ..HttpLimits::default()
    };
    let runtime = runtime_with(limits);
    // Announced too large: refused before the body is read.
    let (announced, server1) = dripping_server(
        "HTTP/1.1 200 OK\r\ncontent-length: 5000\r\n\r\n",
        0,
        Duration::ZERO,
    )
    .await;
    // Not announced (read until the server closes): cut off past the cap.
    let (unannounced, server2) = dripping_server(
        "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n",
        5000,
        Duration::ZERO,
    )
    .await;
    for (port, expected) in [
        (
            announced,
            "error ErrorCode::HttpResponseBodySize(Some(5000))",
        ),
        // Cut off while the guest reads (no code, as above).
        (unannounced, "error None after "),
    ] {
        let url = format!("http://127.0.0.1:{port}/big");
        let mut connector = processor(
            &runtime,
            "big",
            grants(
                &[("mode", "http"), ("url", &url), ("read", "body")],
                &["127.0.0.1"],
            ),
        );
        let answer = connector.handle(&sms("x")).await.unwrap();
        assert!(reply(&answer).starts_with(expected), "{answer:?}");
    }
    server1.abort();
    server2.abort();
}

#[tokio::test]
async fn a_connector_may_have_only_so_many_requests_open() {
    // Accepts and never answers: every request stays open to its deadline.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let runtime = runtime_with(HttpLimits {
        deadline: Duration::from_millis(800),
        max_concurrent: 2,
        ..HttpLimits::default()
    });
    let url = format!("http://127.0.0.1:{port}/");
    let mut greedy = processor(
        &runtime,
        "greedy",
        grants(
            &[("mode", "parallel"), ("url", &url), ("count", "3")],
            &["127.0.0.1"],
        ),
    );
    let answer = greedy.handle(&sms("x")).await.unwrap();
    let outcomes: Vec<&str> = reply(&answer).split(", ").collect();
    assert_eq!(outcomes.len(), 3, "{outcomes:?}");
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == "ErrorCode::ConnectionLimitReached")
            .count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == "ErrorCode::ConnectionReadTimeout")
            .count(),
        2,
        "{outcomes:?}"
    );
    // The slots come back: the next call gets its two again.
    let answer = greedy.handle(&sms("x")).await.unwrap();
    assert_eq!(
        reply(&answer).matches("ConnectionLimitReached").count(),
        1,
        "{answer:?}"
    );
    silent.abort();
}
