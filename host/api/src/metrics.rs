//! `GET /metrics`: Prometheus text format (a `read` token, like the rest).

use std::fmt::Write as _;

use axum::extract::{Extension, State};
use axum::http::header;
use axum::response::IntoResponse;
use plutanium_runtime::{ConnectorStats, LATENCY_BUCKETS_MICROS};

use crate::status::MODEM_COUNTERS;
use crate::tokens::{Scope, TokenEntry};
use crate::{ApiError, Shared, need};
use plutanium_gateway::live::{SEND_BUCKETS, modem_state};

/// A label value, escaped.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn help(out: &mut String, name: &str, kind: &str, text: &str) {
    let _ = writeln!(out, "# HELP {name} {text}\n# TYPE {name} {kind}");
}

pub(crate) async fn metrics(
    State(state): State<Shared>,
    Extension(token): Extension<TokenEntry>,
) -> Result<impl IntoResponse, ApiError> {
    need(&token, Scope::Read)?;
    let store = state.store().clone();
    let (counts, stats) = tokio::task::spawn_blocking(move || {
        Ok::<_, plutanium_store::StoreError>((store.message_counts()?, store.stats()?))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    let mut out = String::new();

    help(
        &mut out,
        "plutanium_messages",
        "gauge",
        "Messages in the log, by direction, status and modem (empty: not sent yet).",
    );
    for c in &counts {
        let _ = writeln!(
            out,
            "plutanium_messages{{direction=\"{}\",status=\"{}\",modem=\"{}\"}} {}",
            c.direction,
            label(&c.status),
            label(&c.modem),
            c.count
        );
    }
    help(
        &mut out,
        "plutanium_queue_depth",
        "gauge",
        "Outbound messages queued or being sent.",
    );
    let _ = writeln!(
        out,
        "plutanium_queue_depth {}",
        stats.queued + stats.sending
    );
    help(&mut out, "plutanium_calls", "gauge", "Calls in the log.");
    let _ = writeln!(out, "plutanium_calls {}", stats.calls);

    help(
        &mut out,
        "plutanium_send_seconds",
        "histogram",
        "How long a modem took to send a message, every part.",
    );
    let (cumulative, sum) = state.gateway.send_seconds().snapshot();
    for (bound, count) in SEND_BUCKETS.iter().zip(&cumulative) {
        let _ = writeln!(
            out,
            "plutanium_send_seconds_bucket{{le=\"{bound}\"}} {count}"
        );
    }
    let total = cumulative.last().copied().unwrap_or(0);
    let _ = writeln!(out, "plutanium_send_seconds_bucket{{le=\"+Inf\"}} {total}");
    let _ = writeln!(out, "plutanium_send_seconds_sum {sum}");
    let _ = writeln!(out, "plutanium_send_seconds_count {total}");

    help(
        &mut out,
        "plutanium_modem_up",
        "gauge",
        "1 when the modem is ready.",
    );
    let mut details = String::new();
    for (name, handle, info) in crate::status::modems_with_info(&state).await {
        let (text, _) = modem_state(&handle.state().borrow());
        let name = label(&name);
        let _ = writeln!(
            out,
            "plutanium_modem_up{{modem=\"{name}\"}} {}",
            u8::from(text == "ready")
        );
        let _ = writeln!(
            details,
            "plutanium_modem_state{{modem=\"{name}\",state=\"{text}\"}} 1"
        );
        if let Some(info) = info {
            if let Some(dbm) = info.signal_dbm {
                let _ = writeln!(
                    details,
                    "plutanium_modem_signal_dbm{{modem=\"{name}\"}} {dbm}"
                );
            }
            for (metric, get) in MODEM_COUNTERS {
                let _ = writeln!(
                    details,
                    "plutanium_modem_{metric}_total{{modem=\"{name}\"}} {}",
                    get(&info.counters)
                );
            }
        }
    }
    help(
        &mut out,
        "plutanium_modem_state",
        "gauge",
        "The modem's state (the one with value 1).",
    );
    help(
        &mut out,
        "plutanium_modem_signal_dbm",
        "gauge",
        "Signal strength, dBm.",
    );
    for (metric, _) in MODEM_COUNTERS {
        help(
            &mut out,
            &format!("plutanium_modem_{metric}_total"),
            "counter",
            &format!(
                "Modem {} since the daemon started.",
                metric.replace('_', " ")
            ),
        );
    }
    out.push_str(&details);

    // One snapshot per connector, for every line about it.
    let connectors: Vec<(String, plutanium_runtime::World, ConnectorStats)> = state
        .connectors()
        .into_iter()
        .map(|(name, (world, handle))| (name, world, handle.get()))
        .collect();
    type Counter = fn(&ConnectorStats) -> u64;
    let connector_counters: [(&str, &str, Counter); 5] = [
        ("calls", "Calls into the connector.", |s| s.calls),
        (
            "errors",
            "Calls that returned the connector's own error.",
            |s| s.errors,
        ),
        ("traps", "Calls that trapped (crash, memory cap).", |s| {
            s.traps
        }),
        ("deadlines", "Calls stopped at their deadline.", |s| {
            s.deadlines
        }),
        ("restarts", "Fresh instances after a trap.", |s| s.restarts),
    ];
    for (metric, text, get) in connector_counters {
        help(
            &mut out,
            &format!("plutanium_connector_{metric}_total"),
            "counter",
            text,
        );
        for (name, world, stats) in &connectors {
            let _ = writeln!(
                out,
                "plutanium_connector_{metric}_total{{connector=\"{}\",world=\"{}\"}} {}",
                label(name),
                crate::world_kind(*world),
                get(stats)
            );
        }
    }
    help(
        &mut out,
        "plutanium_connector_call_seconds",
        "histogram",
        "How long calls into the connector took.",
    );
    for (name, _, s) in &connectors {
        let name = label(name);
        let mut cumulative = 0;
        for (bound, count) in LATENCY_BUCKETS_MICROS.iter().zip(&s.latency_buckets) {
            cumulative += count;
            let _ = writeln!(
                out,
                "plutanium_connector_call_seconds_bucket{{connector=\"{name}\",le=\"{}\"}} {cumulative}",
                *bound as f64 / 1e6
            );
        }
        let _ = writeln!(
            out,
            "plutanium_connector_call_seconds_bucket{{connector=\"{name}\",le=\"+Inf\"}} {}",
            s.calls
        );
        let _ = writeln!(
            out,
            "plutanium_connector_call_seconds_sum{{connector=\"{name}\"}} {}",
            s.latency_sum_micros as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "plutanium_connector_call_seconds_count{{connector=\"{name}\"}} {}",
            s.calls
        );
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    ))
}
