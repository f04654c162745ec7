//! A modem's health over time: what its driver reported at each sample,
//! and the messages it carried per hour, for the web admin's charts.

use plutanium_core::Timestamp;

/// One sample of a modem's radio and SIM, as its driver reported them.
/// Numbers the modem did not give are `None`; names are the driver's
/// (`lte`, `home`, `ready`, …), so the store does not depend on it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HealthSample {
    /// The modem's configured name.
    pub modem: String,
    /// When it was taken, ms since the epoch.
    pub at: Timestamp,
    /// The driver's state (`ready`, `connecting`, …).
    pub state: String,
    /// Signal strength (RSSI) in dBm.
    pub signal_dbm: Option<i16>,
    /// LTE's RSRP in dBm.
    pub rsrp_dbm: Option<i16>,
    /// LTE's RSRQ in dB.
    pub rsrq_db: Option<f32>,
    /// LTE's SINR in dB.
    pub sinr_db: Option<f32>,
    /// Network type (`gsm`, `umts`, `lte`, `nr`).
    pub network: Option<String>,
    /// Registration (`home`, `roaming`, `searching`, …).
    pub registration: Option<String>,
    /// The operator's name.
    pub operator: Option<String>,
    /// The SIM's state (`ready`, `pin_required`, …).
    pub sim: Option<String>,
}

/// The messages one modem carried in one hour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HourlyTraffic {
    /// The hour's start, ms since the epoch (a multiple of 3,600,000).
    pub hour: Timestamp,
    /// Outbound messages it sent in that hour (whatever their delivery).
    pub sent: u64,
    /// Complete inbound messages stored from it in that hour.
    pub received: u64,
}

/// An hour in ms.
pub(crate) const HOUR_MS: u64 = 3_600_000;

/// Merges per-hour counts of sent and received messages, each in hour
/// order, into one list in hour order.
pub(crate) fn merge_hours(sent: &[(u64, u64)], received: &[(u64, u64)]) -> Vec<HourlyTraffic> {
    let mut hours: std::collections::BTreeMap<u64, HourlyTraffic> = Default::default();
    for &(hour, count) in sent {
        hours.entry(hour).or_default().sent += count;
    }
    for &(hour, count) in received {
        hours.entry(hour).or_default().received += count;
    }
    hours
        .into_iter()
        .map(|(hour, traffic)| HourlyTraffic {
            hour: hour * HOUR_MS,
            ..traffic
        })
        .collect()
}
