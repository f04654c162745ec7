//! The example connectors in `examples/connectors/`, built from source by the
//! build script, running in the runtime against real loopback servers.

use std::path::Path;

use plutanium_runtime::{Call, CallError, ConnectorError, Event, Grants, World};

use super::loopback::http_capture;
use super::{grants, reply, runtime, sms};

const RUST_WEBHOOK: &str = env!("PLUTANIUM_EXAMPLE_RUST_WEBHOOK");

#[tokio::test]
async fn the_rust_webhook_example_posts_events_and_maps_answers() {
    let rt = runtime();
    let bytes = std::fs::read(RUST_WEBHOOK).expect("built rust-webhook example");
    let (address, server) = http_capture(&[200, 503]).await;
    let url = format!("http://{address}/hook");
    let mut sink = rt
        .load(
            "webhook",
            &bytes,
            grants(
                &[("url", &url), ("header.X-Secret", "s3cret")],
                &["127.0.0.1"],
            ),
        )
        .expect("loads");
    assert_eq!(sink.world(), World::Sink);
    sink.deliver(&sms("Ahoj 👋")).await.expect("delivered");
    let second = sink.deliver(&sms("again")).await;
    assert!(
        matches!(&second, Err(CallError::Connector(ConnectorError::Transient(m))) if m.contains("503")),
        "{second:?}"
    );
    let seen = server.await.unwrap();
    assert!(
        seen[0].head.starts_with("POST /hook HTTP/1.1"),
        "{}",
        seen[0].head
    );
    assert!(
        seen[0]
            .head
            .to_ascii_lowercase()
            .contains("x-secret: s3cret"),
        "{}",
        seen[0].head
    );
    let json = String::from_utf8(seen[0].body.clone()).unwrap();
    assert!(
        json.contains(r#""kind":"sms""#) && json.contains("Ahoj 👋"),
        "{json}"
    );

    // Without its url the sink reports a config error, not a trap.
    let mut unconfigured = rt.load("webhook2", &bytes, Grants::default()).unwrap();
    assert!(matches!(
        unconfigured.deliver(&sms("x")).await,
        Err(CallError::Connector(ConnectorError::Config(_)))
    ));
}

/// Builds `examples/connectors/python-autoreply` with componentize-py (installed
/// on first use) from a copy, so the build's `__pycache__` stays out of the tree.
fn build_python_autoreply(out: &Path) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let source = root.join("examples/connectors/python-autoreply/app.py");
    std::fs::copy(&source, out.join("app.py")).expect("copy app.py");
    let wasm = out.join("autoreply.wasm");
    let mut command = plutanium_component_build::componentize_py(&root)
        .unwrap_or_else(|e| panic!("componentize-py is needed for the Python example: {e}"));
    let output = command
        .arg("-d")
        .arg(root.join("wit"))
        .args(["-w", "processor-connector", "componentize", "-p"])
        .arg(out)
        .args(["app", "-o"])
        .arg(&wasm)
        .output()
        .expect("componentize-py runs");
    assert!(
        output.status.success(),
        "componentize-py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(&wasm).expect("the built component")
}

#[tokio::test]
async fn the_python_autoreply_example_runs_in_the_runtime() {
    let scratch = tempfile::tempdir().unwrap();
    let bytes = build_python_autoreply(scratch.path());
    autoreply_behaves(&bytes, "the Python component").await;
}

/// Builds `examples/connectors/js-autoreply` with componentize-js, installed
/// by `npm ci` from the example's lock file on first use.
fn build_js_autoreply(out: &Path) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let wasm = out.join("autoreply.wasm");
    plutanium_component_build::build_js_component(
        &root.join("examples/connectors/js-autoreply"),
        "app.js",
        &root.join("wit"),
        "processor-connector",
        &wasm,
    )
    .unwrap_or_else(|e| panic!("the JavaScript example does not build: {e}"));
    std::fs::read(&wasm).expect("the built component")
}

#[tokio::test]
async fn the_js_autoreply_example_runs_in_the_runtime() {
    let scratch = tempfile::tempdir().unwrap();
    let bytes = build_js_autoreply(scratch.path());
    autoreply_behaves(&bytes, "the JavaScript component").await;
}

/// What both auto-reply examples (Python and JavaScript) do, the same way.
async fn autoreply_behaves(bytes: &[u8], what: &str) {
    let rt = runtime();
    let config = [
        ("reply.HELP", "Text STOP to stop. Message {count} from you."),
        ("reply.PING", "pong"),
    ];
    let mut autoreply = rt
        .load("autoreply", bytes, grants(&config, &[]))
        .unwrap_or_else(|e| panic!("{what} does not load: {e}"));
    assert_eq!(autoreply.world(), World::Processor);
    let answer = autoreply.handle(&sms("help me")).await.unwrap();
    assert_eq!(reply(&answer), "Text STOP to stop. Message 1 from you.");
    let answer = autoreply.handle(&sms("PING")).await.unwrap();
    assert_eq!(reply(&answer), "pong");
    let answer = autoreply.handle(&sms("Help")).await.unwrap();
    assert_eq!(
        reply(&answer),
        "Text STOP to stop. Message 3 from you.",
        "the count is kept in KV"
    );
    // An unknown keyword without a `default` gets no answer; calls pass.
    assert!(autoreply.handle(&sms("what?")).await.unwrap().is_empty());
    let call = Event::Call(Call {
        caller: None,
        modem: "gsm0".into(),
        at: 0,
    });
    assert!(autoreply.handle(&call).await.unwrap().is_empty());
    assert!(matches!(
        autoreply.handle(&sms("   ")).await,
        Err(CallError::Connector(ConnectorError::Permanent(m))) if m == "empty message"
    ));

    // With a default, everything gets an answer.
    let with_default = [("default", "Sorry, text HELP.")];
    let mut fallback = rt
        .load("fallback", bytes, grants(&with_default, &[]))
        .unwrap();
    assert_eq!(
        reply(&fallback.handle(&sms("hello")).await.unwrap()),
        "Sorry, text HELP."
    );
}
