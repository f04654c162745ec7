//! What each connector has done (calls, errors, traps, deadlines,
//! restarts, call times), readable from anywhere while it runs: the API's
//! and the metrics' view of a connector.

use std::sync::Arc;
use std::time::Duration;

/// Upper bounds (µs) of the call-latency histogram buckets; the last bucket is unbounded.
pub const LATENCY_BUCKETS_MICROS: [u64; 10] =
    [10, 20, 50, 100, 200, 500, 1_000, 5_000, 20_000, 100_000];

/// What one connector has done, for metrics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectorStats {
    /// Calls made (including failed ones).
    pub calls: u64,
    /// Calls that returned the connector's own error.
    pub errors: u64,
    /// Calls that trapped (crash, memory cap, fuel).
    pub traps: u64,
    /// Calls stopped at their deadline.
    pub deadlines: u64,
    /// Fresh instances made after a trap.
    pub restarts: u64,
    /// Call latencies: counts per [`LATENCY_BUCKETS_MICROS`] bucket, plus one
    /// for everything slower.
    pub latency_buckets: [u64; 11],
    /// Sum of all call latencies, in microseconds.
    pub latency_sum_micros: u64,
}

impl ConnectorStats {
    pub(crate) fn record_latency(&mut self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        let bucket = LATENCY_BUCKETS_MICROS
            .iter()
            .position(|&bound| micros <= bound)
            .unwrap_or(LATENCY_BUCKETS_MICROS.len());
        self.latency_buckets[bucket] += 1;
        self.latency_sum_micros = self.latency_sum_micros.saturating_add(micros);
    }
}

/// Reads a connector's statistics (see [`crate::Connector::stats_handle`]).
#[derive(Clone, Debug)]
pub struct StatsHandle(Arc<std::sync::Mutex<ConnectorStats>>);

impl StatsHandle {
    pub(crate) fn new(stats: Arc<std::sync::Mutex<ConnectorStats>>) -> StatsHandle {
        StatsHandle(stats)
    }

    /// The statistics now.
    pub fn get(&self) -> ConnectorStats {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
