//! The demo's look at each modem's health: what every transport reported,
//! as the gateway recorded it in the store for the web admin's charts.

use std::sync::Arc;

use anyhow::Result;
use plutanium_store::{HealthSample, Store};

use super::{info, step, wait_for};

/// How often the demo records health (the default is a minute): often
/// enough that every modem has samples within the demo's run.
pub(super) const EVERY: &str = "2s";

/// The modems whose health the demo shows, one of each transport.
const SHOWN: [(&str, &str); 3] = [("gsm0", "AT"), ("lte", "RouterOS"), ("stick", "HiLink")];

pub(super) async fn show(store: &Arc<dyn Store>, api: &str) -> Result<()> {
    step("Each modem's health, recorded in the store whatever its transport");
    for (modem, transport) in SHOWN {
        let sample = wait_for(&format!("a health sample of {modem}"), || {
            let samples = store.health(modem, 0, 1000).ok()?;
            // The newest with the radio in it.
            samples
                .into_iter()
                .rev()
                .find(|s| s.state == "ready" && s.signal_dbm.is_some())
        })
        .await?;
        info(&format!("{modem} ({transport}): {}", describe(&sample)));
    }
    info(&format!(
        "each modem's card in the web admin charts them with its messages per hour; GET http://{api}/api/v1/modems/gsm0/health; gauges on /metrics"
    ));
    Ok(())
}

/// `LTE · RSSI -69 dBm · RSRP -98 dBm · RSRQ -10 dB · SINR 12 dB · home · SIM ready`.
fn describe(sample: &HealthSample) -> String {
    let mut parts = Vec::new();
    if let Some(network) = &sample.network {
        parts.push(network.to_uppercase());
    }
    let mut number = |name: &str, value: Option<f32>, unit: &str| {
        if let Some(value) = value {
            parts.push(format!("{name} {value} {unit}"));
        }
    };
    number("RSSI", sample.signal_dbm.map(f32::from), "dBm");
    number("RSRP", sample.rsrp_dbm.map(f32::from), "dBm");
    number("RSRQ", sample.rsrq_db, "dB");
    number("SINR", sample.sinr_db, "dB");
    parts.extend(sample.registration.clone());
    parts.extend(sample.sim.as_ref().map(|sim| format!("SIM {sim}")));
    parts.join(" · ")
}
