//! What may be sent where, and how fast: the destination policy (allowed and
//! denied prefixes, short codes, parts per message) and sliding-window rate
//! limits (per modem, per destination). Time is passed in.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::time::Duration;

use plutanium_sms::EncodeOptions;

use crate::Timestamp;
use crate::config::Policy;
use crate::model::Encoding;

/// Why a message may not be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The destination is not a phone number.
    InvalidNumber(String),
    /// A short code (premium services live there), not allowed by policy.
    ShortCode(String),
    /// Outside every allowed prefix.
    NotAllowed(String),
    /// A premium-rate or shared-cost number, not allowed by policy.
    Premium {
        /// The destination.
        to: String,
        /// What kind it is, in words.
        kind: &'static str,
    },
    /// Under a denied prefix.
    Denied {
        /// The destination.
        to: String,
        /// The prefix that denies it.
        prefix: String,
    },
    /// The text needs more parts than policy allows.
    TooManyParts {
        /// Parts it needs.
        parts: usize,
        /// The policy's maximum.
        max: u8,
    },
    /// The text cannot be encoded as asked (GSM 7-bit only, say).
    Unencodable(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::InvalidNumber(why) => write!(f, "not a phone number: {why}"),
            Refusal::ShortCode(to) => write!(
                f,
                "{to} is a short code; short codes are blocked by policy (premium services use them)"
            ),
            Refusal::NotAllowed(to) => write!(f, "{to} is outside the allowed prefixes"),
            Refusal::Premium { to, kind } => write!(
                f,
                "{to} is {kind}, which costs more than a normal SMS; such numbers are blocked by policy (set `policy.allow_premium_numbers: true` to allow them)"
            ),
            Refusal::Denied { to, prefix } => write!(f, "{to} is under the denied prefix {prefix}"),
            Refusal::TooManyParts { parts, max } => {
                write!(
                    f,
                    "the text needs {parts} parts; policy allows at most {max}"
                )
            }
            Refusal::Unencodable(why) => write!(f, "cannot encode the text: {why}"),
        }
    }
}

impl std::error::Error for Refusal {}

fn encode_options(encoding: Encoding) -> EncodeOptions {
    EncodeOptions {
        policy: encoding,
        ..EncodeOptions::default()
    }
}

impl Policy {
    /// Checks a message to `to`; returns the destination in E.164 and the
    /// number of parts it takes. `default_country` places national numbers.
    pub fn check(
        &self,
        to: &str,
        text: &str,
        encoding: Encoding,
        default_country: Option<&str>,
    ) -> Result<(String, usize), Refusal> {
        let short = plutanium_sms::number::is_short_code(to);
        if short && !self.allow_short_codes {
            return Err(Refusal::ShortCode(to.trim().to_string()));
        }
        let (to, kind) = if short {
            (to.trim().to_string(), None)
        } else {
            let parsed = plutanium_sms::number::parse(to, default_country)
                .map_err(|e| Refusal::InvalidNumber(e.to_string()))?;
            (parsed.e164, Some(parsed.kind))
        };
        if let Some(prefix) = self
            .deny_prefixes
            .iter()
            .find(|p| to.starts_with(p.as_str()))
        {
            return Err(Refusal::Denied {
                to,
                prefix: prefix.clone(),
            });
        }
        if !short
            && !self.allow_prefixes.is_empty()
            && !self
                .allow_prefixes
                .iter()
                .any(|p| to.starts_with(p.as_str()))
        {
            return Err(Refusal::NotAllowed(to));
        }
        // The classic SMS fraud: a hijacked connector or API token texting
        // numbers that bill the sender.
        if let Some(kind) = kind
            && kind.is_premium()
            && !self.allow_premium_numbers
        {
            return Err(Refusal::Premium {
                to,
                kind: kind.describe(),
            });
        }
        let counted = plutanium_sms::count(text, &encode_options(encoding))
            .map_err(|e| Refusal::Unencodable(e.to_string()))?;
        if counted.parts > usize::from(self.max_parts) {
            return Err(Refusal::TooManyParts {
                parts: counted.parts,
                max: self.max_parts,
            });
        }
        Ok((to, counted.parts))
    }
}

/// A sliding-window rate limit: at most `limit` events per `window` for each
/// key (a modem, a destination).
#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window: u64,
    seen: HashMap<String, VecDeque<Timestamp>>,
}

impl RateLimiter {
    /// At most `limit` per `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        RateLimiter {
            limit,
            window: u64::try_from(window.as_millis()).unwrap_or(u64::MAX),
            seen: HashMap::new(),
        }
    }

    /// Counts one event for `key` at `now` if the limit allows it; otherwise
    /// `Err(when)`, the earliest time one more is allowed.
    pub fn try_acquire(&mut self, key: &str, now: Timestamp) -> Result<(), Timestamp> {
        let window = self.window;
        let seen = self.seen.entry(key.to_string()).or_default();
        while seen
            .front()
            .is_some_and(|&t| t.saturating_add(window) <= now)
        {
            seen.pop_front();
        }
        if seen.len() >= self.limit as usize {
            let oldest = seen.front().copied().unwrap_or(now);
            return Err(oldest.saturating_add(window));
        }
        seen.push_back(now);
        Ok(())
    }

    /// Forgets keys with nothing in the window (call now and then).
    pub fn forget_idle(&mut self, now: Timestamp) {
        let window = self.window;
        self.seen
            .retain(|_, seen| seen.back().is_some_and(|&t| t.saturating_add(window) > now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            allow_prefixes: vec!["+420".into(), "+421".into()],
            deny_prefixes: vec!["+42090".into()],
            max_parts: 2,
            ..Policy::default()
        }
    }

    #[test]
    fn destinations_are_checked_and_normalized() {
        let p = policy();
        assert_eq!(
            p.check("777 000 111", "hi", Encoding::Auto, Some("420")),
            Ok(("+420777000111".into(), 1))
        );
        assert_eq!(
            p.check("+421 905 123 456", "hi", Encoding::Auto, None)
                .unwrap()
                .0,
            "+421905123456"
        );
        assert!(matches!(
            p.check("+49170000000", "hi", Encoding::Auto, None),
            Err(Refusal::NotAllowed(_))
        ));
        assert!(matches!(
            p.check("+420900123456", "hi", Encoding::Auto, None),
            Err(Refusal::Denied { .. })
        ));
        assert!(matches!(
            p.check("9090", "hi", Encoding::Auto, None),
            Err(Refusal::ShortCode(_))
        ));
        assert!(matches!(
            p.check("call me", "hi", Encoding::Auto, None),
            Err(Refusal::InvalidNumber(_))
        ));
        let long = "x".repeat(400);
        assert_eq!(
            p.check("+420777000111", &long, Encoding::Auto, None),
            Err(Refusal::TooManyParts { parts: 3, max: 2 })
        );
        assert!(matches!(
            p.check("+420777000111", "👋", Encoding::Gsm7, None),
            Err(Refusal::Unencodable(_))
        ));
        let open = Policy {
            allow_short_codes: true,
            ..Policy::default()
        };
        assert_eq!(
            open.check("9090", "hi", Encoding::Auto, None),
            Ok(("9090".into(), 1))
        );
        assert!(
            Refusal::ShortCode("9090".into())
                .to_string()
                .contains("premium")
        );
    }

    #[test]
    fn premium_numbers_are_blocked_unless_allowed_and_every_exit_code_reads() {
        let p = Policy::default();
        for premium in ["+420 900 123 456", "+1 900 555 0123"] {
            let refused = p.check(premium, "hi", Encoding::Auto, None).unwrap_err();
            assert!(matches!(refused, Refusal::Premium { .. }), "{premium}");
            assert!(
                refused.to_string().contains("allow_premium_numbers"),
                "{refused}"
            );
        }
        let open = Policy {
            allow_premium_numbers: true,
            ..Policy::default()
        };
        assert_eq!(
            open.check("+420 900 123 456", "hi", Encoding::Auto, None),
            Ok(("+420900123456".into(), 1))
        );
        // Dialled from North America, Australia and Japan.
        for (raw, country) in [
            ("011 420 777 000 111", "+1"),
            ("0011 420 777 000 111", "+61"),
            ("010 420 777 000 111", "+81"),
        ] {
            assert_eq!(
                p.check(raw, "hi", Encoding::Auto, Some(country)).unwrap().0,
                "+420777000111",
                "{raw}"
            );
        }
    }

    #[test]
    fn rate_limits_slide() {
        let mut limiter = RateLimiter::new(2, Duration::from_secs(60));
        assert_eq!(limiter.try_acquire("gsm0", 0), Ok(()));
        assert_eq!(limiter.try_acquire("gsm0", 10_000), Ok(()));
        assert_eq!(limiter.try_acquire("gsm0", 20_000), Err(60_000));
        assert_eq!(limiter.try_acquire("gsm1", 20_000), Ok(()), "per key");
        assert_eq!(limiter.try_acquire("gsm0", 60_000), Ok(()));
        assert_eq!(limiter.try_acquire("gsm0", 60_001), Err(70_000));
        limiter.forget_idle(200_000);
        assert!(limiter.seen.is_empty());
    }
}
