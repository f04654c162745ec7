//! End-to-end bench of the modem path: the real driver sending through loopback
//! TCP to simulated modems.
//!
//! Run with `cargo bench -p plutanium-modem-sim --bench driver`. It prints:
//! - single-part SMS/s through one driver to a zero-latency modem (the host's
//!   overhead per message);
//! - the same with 16 modems in parallel;
//! - the idle gap between `+CMGS: <mr> OK` leaving the modem and the next
//!   `AT+CMGS=` arriving, with the realistic SMSC latency and a full queue,
//!   measured by a timestamping TCP proxy between driver and modem;
//! - resident memory with 16 simulated modems and drivers connected.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use plutanium_modem::{DriverConfig, ModemHandle, SendOptions};
use plutanium_modem_sim::{Latency, ModemConfig, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn number(i: usize) -> String {
    format!("+42077700{i:04}")
}

async fn serve(sim: &Simulator, name: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    let sim = sim.clone();
    let name = name.to_string();
    tokio::spawn(async move { sim.serve_tcp(&name, listener).await });
    address
}

async fn driver(name: &str, address: &str) -> ModemHandle {
    let mut config = DriverConfig::new(name, format!("tcp://{address}").parse().expect("url"));
    config.health_interval = Duration::from_secs(3600);
    let (handle, mut events) = plutanium_modem::spawn(config, None);
    // Drain events so the driver never waits on them.
    tokio::spawn(async move { while events.recv().await.is_some() {} });
    handle.ready().await.expect("ready");
    handle
}

async fn throughput(modems: usize, per_modem: usize) -> f64 {
    let sim = Simulator::start(1, Latency::Zero);
    let mut handles = Vec::new();
    for i in 0..modems {
        sim.add_modem(ModemConfig::new(format!("m{i}"), number(i)))
            .expect("modem");
        let address = serve(&sim, &format!("m{i}")).await;
        handles.push(driver(&format!("m{i}"), &address).await);
    }
    let start = Instant::now();
    let mut tasks = Vec::new();
    for handle in handles {
        tasks.push(tokio::spawn(async move {
            for k in 0..per_modem {
                handle
                    .send_text(
                        "+420999000111",
                        &format!("bench {k}"),
                        &SendOptions::default(),
                    )
                    .await
                    .expect("sent");
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    (modems * per_modem) as f64 / start.elapsed().as_secs_f64()
}

/// A TCP proxy that notes when the modem answers a send and when the next send starts.
async fn gap_proxy(upstream: String, gaps: Arc<Mutex<Vec<Duration>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    tokio::spawn(async move {
        let Ok((host, _)) = listener.accept().await else {
            return;
        };
        let Ok(modem) = TcpStream::connect(upstream).await else {
            return;
        };
        let _ = host.set_nodelay(true);
        let _ = modem.set_nodelay(true);
        let (mut host_rx, mut host_tx) = host.into_split();
        let (mut modem_rx, mut modem_tx) = modem.into_split();
        let answered: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
        let answered_up = answered.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            while let Ok(n) = modem_rx.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                if String::from_utf8_lossy(&buf[..n]).contains("+CMGS:") {
                    *answered_up.lock().expect("lock") = Some(Instant::now());
                }
                if host_tx.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        });
        let mut buf = vec![0u8; 4096];
        while let Ok(n) = host_rx.read(&mut buf).await {
            if n == 0 {
                break;
            }
            if String::from_utf8_lossy(&buf[..n]).contains("AT+CMGS=")
                && let Some(at) = answered.lock().expect("lock").take()
            {
                gaps.lock().expect("lock").push(at.elapsed());
            }
            if modem_tx.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
    });
    address
}

async fn idle_gap(messages: usize) -> Vec<Duration> {
    let sim = Simulator::start(7, Latency::Realistic);
    sim.add_modem(ModemConfig::new("m0", number(0)))
        .expect("modem");
    let upstream = serve(&sim, "m0").await;
    let gaps = Arc::new(Mutex::new(Vec::new()));
    let address = gap_proxy(upstream, gaps.clone()).await;
    let handle = driver("m0", &address).await;
    let mut tasks = Vec::new();
    for k in 0..messages {
        let handle = handle.clone();
        tasks.push(tokio::spawn(async move {
            handle
                .send_text(
                    "+420999000111",
                    &format!("queued {k}"),
                    &SendOptions::default(),
                )
                .await
                .expect("sent")
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    gaps.lock().expect("lock").clone()
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

async fn memory_with_16() -> (Option<u64>, Option<u64>) {
    let before = rss_kib();
    let sim = Simulator::start(3, Latency::Zero);
    let mut handles = Vec::new();
    for i in 0..16 {
        sim.add_modem(ModemConfig::new(format!("m{i}"), number(i)))
            .expect("modem");
        let address = serve(&sim, &format!("m{i}")).await;
        handles.push(driver(&format!("m{i}"), &address).await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = rss_kib();
    drop(handles);
    (before, after)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing useful: run a short version.
    let quick = !std::env::args().any(|a| a == "--bench");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let (before, after) = memory_with_16().await;
        let per = if quick { 20 } else { 3000 };
        let one = throughput(1, per).await;
        println!("driver/1 modem, zero latency, loopback TCP: {one:.0} single-part SMS/s");
        let per16 = if quick { 5 } else { 500 };
        let sixteen = throughput(16, per16).await;
        println!("driver/16 modems in parallel, zero latency: {sixteen:.0} single-part SMS/s in total");
        let gaps = idle_gap(if quick { 2 } else { 6 }).await;
        if let (Some(max), false) = (gaps.iter().max(), gaps.is_empty()) {
            let mean = gaps.iter().sum::<Duration>() / gaps.len() as u32;
            println!(
                "driver/idle gap with realistic latency and a full queue: mean {:.3} ms, max {:.3} ms over {} sends",
                mean.as_secs_f64() * 1e3,
                max.as_secs_f64() * 1e3,
                gaps.len()
            );
        }
        if let (Some(b), Some(a)) = (before, after) {
            println!(
                "memory/16 simulated modems + 16 drivers connected: RSS {} KiB (+{} KiB over the empty process)",
                a,
                a.saturating_sub(b)
            );
        }
    });
}
