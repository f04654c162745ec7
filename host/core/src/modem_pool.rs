//! Choosing a modem for a message when a route names several: round-robin
//! among the healthy ones, a requested modem when it is healthy, and
//! failover to the next when one fails with a transient error.

use std::collections::BTreeSet;

/// The modems of one route and which of them are up.
#[derive(Clone, Debug)]
pub struct ModemPool {
    modems: Vec<String>,
    down: BTreeSet<String>,
    next: usize,
}

impl ModemPool {
    /// A pool of `modems`, in order, all taken as healthy.
    pub fn new(modems: impl IntoIterator<Item = String>) -> Self {
        ModemPool {
            modems: modems.into_iter().collect(),
            down: BTreeSet::new(),
            next: 0,
        }
    }

    /// Marks `modem` up or down (from its health reports).
    pub fn set_healthy(&mut self, modem: &str, healthy: bool) {
        if healthy {
            self.down.remove(modem);
        } else if self.modems.iter().any(|m| m == modem) {
            self.down.insert(modem.to_string());
        }
    }

    /// The modem for the next message: `requested` if it is in the pool and
    /// healthy, else the next healthy one in turn that is not in `tried`
    /// (the modems that already failed this message). `None` when no modem
    /// can take it now.
    pub fn pick(&mut self, requested: Option<&str>, tried: &[String]) -> Option<String> {
        let usable = |m: &String| !self.down.contains(m) && !tried.contains(m);
        if let Some(requested) = requested {
            return self
                .modems
                .iter()
                .find(|m| m.as_str() == requested)
                .filter(|m| usable(m))
                .cloned();
        }
        let count = self.modems.len();
        for offset in 0..count {
            let index = (self.next + offset) % count;
            if usable(&self.modems[index]) {
                self.next = (index + 1) % count;
                return Some(self.modems[index].clone());
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> ModemPool {
        ModemPool::new(["gsm0", "gsm1", "gsm2"].map(String::from))
    }

    #[test]
    fn round_robin_skips_the_sick_and_fails_over() {
        let mut p = pool();
        let picks: Vec<_> = (0..4).map(|_| p.pick(None, &[]).unwrap()).collect();
        assert_eq!(picks, ["gsm0", "gsm1", "gsm2", "gsm0"]);
        p.set_healthy("gsm2", false);
        let picks: Vec<_> = (0..3).map(|_| p.pick(None, &[]).unwrap()).collect();
        assert_eq!(picks, ["gsm1", "gsm0", "gsm1"]);
        // gsm0 failed this message: the next healthy one takes it.
        assert_eq!(p.pick(None, &["gsm0".into()]).as_deref(), Some("gsm1"));
        assert_eq!(p.pick(None, &["gsm0".into(), "gsm1".into()]), None);
        p.set_healthy("gsm2", true);
        assert_eq!(
            p.pick(None, &["gsm0".into(), "gsm1".into()]).as_deref(),
            Some("gsm2")
        );
    }

    #[test]
    fn a_requested_modem_is_used_only_when_it_can_be() {
        let mut p = pool();
        assert_eq!(p.pick(Some("gsm2"), &[]).as_deref(), Some("gsm2"));
        p.set_healthy("gsm2", false);
        assert_eq!(p.pick(Some("gsm2"), &[]), None);
        assert_eq!(p.pick(Some("gsm9"), &[]), None);
        p.set_healthy("gsm9", false);
        assert_eq!(ModemPool::new(Vec::new()).pick(None, &[]), None);
    }
}
