//! How long, how much memory and how many instructions a connector call
//! may take, and how a connector that trapped is restarted: the limits
//! every connector runs under unless its grants say otherwise.

use std::time::Duration;

use crate::egress::HttpLimits;

/// Limits and timing for every connector call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuntimeConfig {
    /// How often the deadline clock ticks.
    pub epoch_tick: Duration,
    /// Wall time one call may take before it is stopped.
    pub call_deadline: Duration,
    /// Most linear memory one instance may grow to.
    pub memory_limit: usize,
    /// Optional instruction budget per call (wasmtime fuel); `None` for no cap.
    pub fuel: Option<u64>,
    /// Wait after a trap before a fresh instance is made; doubles per
    /// consecutive trap, up to `restart_backoff_max`.
    pub restart_backoff: Duration,
    /// Longest wait between restarts.
    pub restart_backoff_max: Duration,
    /// Limits on each connector's outbound HTTP.
    pub http: HttpLimits,
}

impl Default for RuntimeConfig {
    /// 10 ms ticks, 2 s per call, 64 MiB, no fuel cap, restarts after 100 ms
    /// doubling to 30 s, and [`HttpLimits::default`].
    fn default() -> Self {
        RuntimeConfig {
            epoch_tick: Duration::from_millis(10),
            call_deadline: Duration::from_secs(2),
            memory_limit: 64 << 20,
            fuel: None,
            restart_backoff: Duration::from_millis(100),
            restart_backoff_max: Duration::from_secs(30),
            http: HttpLimits::default(),
        }
    }
}
