//! Bench of the connector runtime with the test processor (a trivial echo):
//! first load with compilation, load from the compile cache, the first call
//! (which instantiates), warm calls (p50/p99), and memory per loaded connector.
//!
//! Run with `cargo bench -p plutanium-runtime --bench runtime`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use plutanium_runtime::{Event, Grants, MemoryKv, Runtime, RuntimeConfig, Sms};

const PROCESSOR: &str = env!("PLUTANIUM_TEST_GUEST_PROCESSOR");

fn sms() -> Event {
    Event::Sms(Sms {
        id: "1".into(),
        sender: "+420777000111".into(),
        recipient: "+420777000000".into(),
        text: "ping".into(),
        received_at: 0,
        modem: "gsm0".into(),
        meta: Vec::new(),
    })
}

const RUST_WEBHOOK: &str = env!("PLUTANIUM_EXAMPLE_RUST_WEBHOOK");

fn ping() -> Event {
    match sms() {
        Event::Sms(mut sms) => {
            sms.text = "ping".into();
            Event::Sms(sms)
        }
        other => other,
    }
}

/// The Python example, built with componentize-py (installed on first use).
fn build_python_example() -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let scratch = std::env::temp_dir().join(format!("plutanium-bench-py-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    std::fs::copy(
        root.join("examples/connectors/python-autoreply/app.py"),
        scratch.join("app.py"),
    )
    .expect("copy");
    let wasm = scratch.join("autoreply.wasm");
    let status = plutanium_component_build::componentize_py(&root)
        .expect("componentize-py")
        .arg("-d")
        .arg(root.join("wit"))
        .args(["-w", "processor-connector", "componentize", "-p"])
        .arg(&scratch)
        .args(["app", "-o"])
        .arg(&wasm)
        .status()
        .expect("componentize-py runs");
    assert!(status.success(), "componentize-py failed");
    let bytes = std::fs::read(&wasm).expect("built");
    let _ = std::fs::remove_dir_all(&scratch);
    bytes
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let runtime_threads = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio");
    let bytes = std::fs::read(PROCESSOR).expect("built test processor");
    let cache = std::env::temp_dir().join(format!("plutanium-bench-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    runtime_threads.block_on(async {
        let kv = Arc::new(MemoryKv::default());
        let start = Instant::now();
        let rt = Runtime::new(RuntimeConfig::default(), kv.clone())
            .expect("runtime")
            .with_compile_cache(&cache);
        let mut first = rt.load_processor("echo", &bytes, Grants::default()).expect("load");
        let compile = start.elapsed();
        let rt2 = Runtime::new(RuntimeConfig::default(), kv.clone())
            .expect("runtime")
            .with_compile_cache(&cache);
        let start = Instant::now();
        let mut cached = rt2.load_processor("echo", &bytes, Grants::default()).expect("load");
        let from_cache = start.elapsed();
        let start = Instant::now();
        cached.handle(&sms()).await.expect("call");
        let first_call = start.elapsed();
        first.handle(&sms()).await.expect("call");

        let calls = if quick { 200 } else { 20_000 };
        let mut samples = Vec::with_capacity(calls);
        for _ in 0..calls {
            let start = Instant::now();
            std::hint::black_box(first.handle(&sms()).await.expect("call"));
            samples.push(start.elapsed());
        }
        samples.sort();

        let before = rss_kib();
        let mut loaded = Vec::new();
        let count = if quick { 4 } else { 20 };
        for i in 0..count {
            let mut c = rt2
                .load_processor(&format!("echo{i}"), &bytes, Grants::default())
                .expect("load");
            c.handle(&sms()).await.expect("call");
            loaded.push(c);
        }
        let after = rss_kib();

        println!("runtime/first load with compilation (engine + compile + link): {:.1} ms", compile.as_secs_f64() * 1e3);
        println!("runtime/load from the compile cache: {:.2} ms", from_cache.as_secs_f64() * 1e3);
        println!("runtime/first call (instantiation + call): {:.2} ms", first_call.as_secs_f64() * 1e3);
        println!(
            "runtime/warm processor call over {calls} calls: p50 {:.1} µs, p99 {:.1} µs",
            percentile(&samples, 0.50).as_secs_f64() * 1e6,
            percentile(&samples, 0.99).as_secs_f64() * 1e6
        );
        if let (Some(b), Some(a)) = (before, after) {
            println!(
                "runtime/resident memory per loaded, instantiated connector: {:.0} KiB ({count} connectors)",
                a.saturating_sub(b) as f64 / count as f64
            );
        }
        drop(loaded);

        // The SDK-built example (a Rust sink with serde_json) and the Python
        // example (CPython inside), each loaded and instantiated several times.
        let webhook = std::fs::read(RUST_WEBHOOK).expect("built rust-webhook example");
        let count = if quick { 2 } else { 10 };
        let before = rss_kib();
        let mut loaded = Vec::new();
        for i in 0..count {
            let mut c = rt2.load(&format!("webhook{i}"), &webhook, Grants::default()).expect("load");
            // No url configured: a config error, after instantiation.
            let _ = c.deliver(&sms()).await;
            loaded.push(c);
        }
        if let (Some(b), Some(a)) = (before, rss_kib()) {
            println!(
                "runtime/resident memory per instantiated rust-webhook (SDK, serde_json): {:.0} KiB ({count} connectors)",
                a.saturating_sub(b) as f64 / count as f64
            );
        }
        drop(loaded);

        let python = build_python_example();
        interpreted(&rt2, "Python", &python, quick).await;
        let js = build_js_example();
        interpreted(&rt2, "JavaScript", &js, quick).await;
    });
    let _ = std::fs::remove_dir_all(&cache);
}

/// Load time, memory per instance and call time of an example whose
/// component carries its language's interpreter (`label`: Python, JavaScript).
async fn interpreted(rt: &Runtime, label: &str, bytes: &[u8], quick: bool) {
    let size = bytes.len() as f64 / 1e6;
    let start = Instant::now();
    let _ = rt
        .load(
            &format!("{}0", label.to_lowercase()),
            bytes,
            Grants::default(),
        )
        .expect("load");
    println!(
        "runtime/first load of the {size:.1} MB {label} example with compilation: {:.0} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let config = Grants {
        config: vec![("reply.PING".into(), "pong".into())],
        ..Grants::default()
    };
    // The first instance pays for what they all share (the compiled
    // code, the memory image); each one after it only for its own.
    let count = if quick { 3 } else { 5 };
    let mut rss = rss_kib();
    let mut each = Vec::new();
    let mut loaded = Vec::new();
    for i in 0..count {
        let mut c = rt
            .load(
                &format!("{}{i}", label.to_lowercase()),
                bytes,
                config.clone(),
            )
            .expect("load");
        let start = Instant::now();
        c.handle(&ping()).await.expect("call");
        if i == 0 {
            println!(
                "runtime/{label} example first call (instantiation + call): {:.1} ms",
                start.elapsed().as_secs_f64() * 1e3
            );
        }
        loaded.push(c);
        let now = rss_kib();
        if let (Some(b), Some(a)) = (rss, now) {
            each.push(a.saturating_sub(b) as f64 / 1024.0);
        }
        rss = now;
    }
    if let Some((first, rest)) = each.split_first() {
        let rest: Vec<String> = rest.iter().map(|m| format!("{m:.1}")).collect();
        println!(
            "runtime/resident memory of the {label} example: first instance {first:.1} MiB, each additional one {} MiB",
            rest.join(", ")
        );
    }
    let mut samples = Vec::new();
    for _ in 0..(if quick { 20 } else { 2000 }) {
        let start = Instant::now();
        std::hint::black_box(loaded[0].handle(&ping()).await.expect("call"));
        samples.push(start.elapsed());
    }
    samples.sort();
    println!(
        "runtime/warm {label} example call: p50 {:.1} µs, p99 {:.1} µs",
        percentile(&samples, 0.50).as_secs_f64() * 1e6,
        percentile(&samples, 0.99).as_secs_f64() * 1e6
    );
}

/// The JavaScript example, built with componentize-js (installed by `npm ci`
/// from the example's lock file on first use).
fn build_js_example() -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let scratch = std::env::temp_dir().join(format!("plutanium-bench-js-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    let wasm = scratch.join("autoreply.wasm");
    plutanium_component_build::build_js_component(
        &root.join("examples/connectors/js-autoreply"),
        "app.js",
        &root.join("wit"),
        "processor-connector",
        &wasm,
    )
    .expect("the JavaScript example builds");
    let bytes = std::fs::read(&wasm).expect("built");
    let _ = std::fs::remove_dir_all(&scratch);
    bytes
}
