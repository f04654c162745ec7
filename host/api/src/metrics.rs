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

/// One metric's lines, written together as the text format requires
/// (lines of one metric interleaved with another's are an error to
/// Prometheus).
struct Family {
    name: String,
    kind: &'static str,
    help: String,
    lines: String,
}

impl Family {
    fn new(name: impl Into<String>, kind: &'static str, help: impl Into<String>) -> Family {
        Family {
            name: name.into(),
            kind,
            help: help.into(),
            lines: String::new(),
        }
    }

    /// A sample with `labels` (already escaped, without braces).
    fn sample(&mut self, labels: &str, value: impl std::fmt::Display) {
        let _ = writeln!(self.lines, "{}{{{labels}}} {value}", self.name);
    }

    fn write(&self, out: &mut String) {
        help(out, &self.name, self.kind, &self.help);
        out.push_str(&self.lines);
    }
}

/// Every modem's state, radio, SIM and counters, one metric at a time.
fn modem_metrics(
    out: &mut String,
    modems: Vec<(
        String,
        plutanium_modem::ModemHandle,
        Option<plutanium_modem::ModemInfo>,
    )>,
) {
    let mut up = Family::new("plutanium_modem_up", "gauge", "1 when the modem is ready.");
    let mut state = Family::new(
        "plutanium_modem_state",
        "gauge",
        "The modem's state (the one with value 1).",
    );
    let mut info_family = Family::new(
        "plutanium_modem_info",
        "gauge",
        "Always 1: the modem's operator, network type, registration and SIM state as labels.",
    );
    let mut registered = Family::new(
        "plutanium_modem_registered",
        "gauge",
        "1 when the modem is registered on a network (home or roaming).",
    );
    // f32, written as f32 (`12.3`, not f64's `12.300000190734863`).
    type Radio = fn(&plutanium_modem::ModemInfo) -> Option<f32>;
    let radio: [(&str, &str, Radio); 4] = [
        ("signal_dbm", "Signal strength (RSSI), dBm.", |i| {
            i.signal_dbm.map(f32::from)
        }),
        (
            "rsrp_dbm",
            "LTE reference signal received power, dBm.",
            |i| i.rsrp_dbm.map(f32::from),
        ),
        (
            "rsrq_db",
            "LTE reference signal received quality, dB.",
            |i| i.rsrq_db,
        ),
        (
            "sinr_db",
            "LTE signal to interference and noise, dB.",
            |i| i.sinr_db,
        ),
    ];
    let mut radio_families: Vec<Family> = radio
        .iter()
        .map(|(metric, text, _)| Family::new(format!("plutanium_modem_{metric}"), "gauge", *text))
        .collect();
    let mut counters: Vec<Family> = MODEM_COUNTERS
        .iter()
        .map(|(metric, _)| {
            Family::new(
                format!("plutanium_modem_{metric}_total"),
                "counter",
                format!(
                    "Modem {} since the daemon started.",
                    metric.replace('_', " ")
                ),
            )
        })
        .collect();
    for (name, handle, info) in modems {
        let (text, _) = modem_state(&handle.state().borrow());
        let modem = format!("modem=\"{}\"", label(&name));
        up.sample(&modem, u8::from(text == "ready"));
        state.sample(&format!("{modem},state=\"{text}\""), 1);
        let Some(info) = info else { continue };
        let text_of = |value: Option<&str>| label(value.unwrap_or(""));
        info_family.sample(
            &format!(
                "{modem},operator=\"{}\",network=\"{}\",registration=\"{}\",sim=\"{}\"",
                text_of(info.operator.as_deref()),
                text_of(info.network.map(|n| n.name())),
                text_of(info.registration.map(|r| r.name()).as_deref()),
                text_of(info.sim.map(|s| s.name())),
            ),
            1,
        );
        // The driver forgets the radio when a session ends: what is
        // here is being measured.
        if let Some(registration) = info.registration {
            registered.sample(&modem, u8::from(registration.is_registered()));
        }
        for ((_, _, get), family) in radio.iter().zip(&mut radio_families) {
            if let Some(value) = get(&info) {
                family.sample(&modem, value);
            }
        }
        for ((_, get), family) in MODEM_COUNTERS.iter().zip(&mut counters) {
            family.sample(&modem, get(&info.counters));
        }
    }
    for family in [up, state, info_family, registered]
        .iter()
        .chain(&radio_families)
        .chain(&counters)
    {
        family.write(out);
    }
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

    modem_metrics(&mut out, crate::status::modems_with_info(&state).await);

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
