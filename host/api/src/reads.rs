//! How much a token may read: a budget per token that refills at its
//! `reads=` per minute, where a request costs 1 plus 1 per 100 items it
//! asks for (`limit=500` costs 6), so neither many small reads nor a few big
//! ones can keep the store busy for everyone else. Past it, 429 with
//! `Retry-After`. Sends have their own limit (`rate=`).
//!
//! A token bucket, time passed in: it holds a quarter of a minute's budget,
//! so a dashboard's burst at load passes and a loop is slowed to the rate.

/// Reads per minute a token gets unless its line says `reads=`.
pub const DEFAULT_READS_PER_MINUTE: u32 = 3000;

/// One token's read budget.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ReadBudget {
    per_minute: f64,
    available: f64,
    /// When `available` was last brought up to date, ms.
    at: u64,
}

impl ReadBudget {
    /// A full budget of `per_minute` at `now` (ms).
    pub(crate) fn new(per_minute: u32, now: u64) -> Self {
        let per_minute = f64::from(per_minute.max(1));
        ReadBudget {
            per_minute,
            available: Self::capacity_of(per_minute),
            at: now,
        }
    }

    fn capacity_of(per_minute: f64) -> f64 {
        (per_minute / 4.0).max(10.0)
    }

    /// Takes `cost` at `now` (ms), or says in how many seconds it would be
    /// there.
    pub(crate) fn take(&mut self, cost: u32, now: u64) -> Result<(), u64> {
        let capacity = Self::capacity_of(self.per_minute);
        let elapsed = now.saturating_sub(self.at) as f64 / 60_000.0;
        self.available = (self.available + elapsed * self.per_minute).min(capacity);
        self.at = now.max(self.at);
        let cost = f64::from(cost).min(capacity);
        if self.available >= cost {
            self.available -= cost;
            return Ok(());
        }
        let missing = cost - self.available;
        Err(((missing / self.per_minute * 60.0).ceil() as u64).max(1))
    }
}

/// What a read asking for `limit` items costs.
pub(crate) fn cost(limit: Option<u32>) -> u32 {
    1 + limit.unwrap_or(0).min(crate::messages::MAX_PAGE) / 100
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_and_a_loop_is_slowed_to_the_rate() {
        // 600 a minute: 150 at once, then 10 a second.
        let mut budget = ReadBudget::new(600, 0);
        for _ in 0..150 {
            budget.take(1, 0).unwrap();
        }
        assert_eq!(budget.take(1, 0), Err(1));
        assert_eq!(budget.take(1, 100), Ok(()), "a tenth of a second buys one");
        assert_eq!(budget.take(6, 100), Err(1));
        assert_eq!(budget.take(6, 700), Ok(()));
        // It refills to the cap, no further.
        let mut idle = ReadBudget::new(600, 0);
        assert_eq!(idle.take(150, 3_600_000), Ok(()));
        assert!(idle.take(1, 3_600_000).is_err());
        assert_eq!(cost(None), 1);
        assert_eq!(cost(Some(50)), 1);
        assert_eq!(cost(Some(500)), 6);
    }
}
