//! Choosing a modem for a message when a route allows several: round-robin
//! among the healthy ones that the message may use, and failover to the
//! next when one cannot take it.
//!
//! Modems are known by their index in the daemon's list, not by name: the
//! dispatcher asks once per claimed row, and with hundreds of modems a
//! choice by name cost a string comparison per modem per candidate.

/// The modems of a gateway and which of them are up.
#[derive(Clone, Debug)]
pub struct ModemPool {
    down: Vec<bool>,
    next: usize,
}

impl ModemPool {
    /// A pool of `count` modems (indices `0..count`), all taken as healthy.
    pub fn new(count: usize) -> Self {
        ModemPool {
            down: vec![false; count],
            next: 0,
        }
    }

    /// Marks modem `index` up or down (from its health reports). An index
    /// outside the pool is ignored.
    pub fn set_healthy(&mut self, index: usize, healthy: bool) {
        if let Some(down) = self.down.get_mut(index) {
            *down = !healthy;
        }
    }

    /// The modem for the next message: the next healthy one in turn for
    /// which `excluded` says no (the message may not use it, or it already
    /// failed this message). `None` when no modem can take it now.
    pub fn pick(&mut self, excluded: impl Fn(usize) -> bool) -> Option<usize> {
        let count = self.down.len();
        for offset in 0..count {
            let index = (self.next + offset) % count;
            if !self.down[index] && !excluded(index) {
                self.next = (index + 1) % count;
                return Some(index);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_robin_skips_the_sick_and_fails_over() {
        let mut p = ModemPool::new(3);
        let picks: Vec<_> = (0..4).map(|_| p.pick(|_| false).unwrap()).collect();
        assert_eq!(picks, [0, 1, 2, 0]);
        p.set_healthy(2, false);
        let picks: Vec<_> = (0..3).map(|_| p.pick(|_| false).unwrap()).collect();
        assert_eq!(picks, [1, 0, 1]);
        // Modem 0 failed this message: the next healthy one takes it.
        assert_eq!(p.pick(|i| i == 0), Some(1));
        assert_eq!(p.pick(|i| i < 2), None);
        p.set_healthy(2, true);
        assert_eq!(p.pick(|i| i < 2), Some(2));
    }

    #[test]
    fn a_requested_modem_is_used_only_when_it_can_be() {
        let mut p = ModemPool::new(3);
        assert_eq!(p.pick(|i| i != 2), Some(2));
        p.set_healthy(2, false);
        assert_eq!(p.pick(|i| i != 2), None);
        // Outside the pool: ignored, and never picked.
        p.set_healthy(9, false);
        assert_eq!(p.pick(|i| i != 9), None);
        assert_eq!(ModemPool::new(0).pick(|_| false), None);
    }
}
