//! Wall-clock time as Plutanium keeps it: milliseconds since the Unix epoch
//! ([`Timestamp`]) in the store, the model and the logs, and RFC 3339 text
//! wherever a person or another program reads it.
//!
//! The one place that reads the clock ([`now`]), formats a time ([`rfc3339`])
//! and parses one a user typed ([`parse_since`]); everything else passes
//! `now` in, so the routing core stays testable without a clock. The
//! calendar arithmetic is the `time` crate's, not ours.

use ::time::macros::format_description;
use ::time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::Timestamp;

/// Now, in milliseconds since the Unix epoch (0 for a clock set before 1970).
pub fn now() -> Timestamp {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A reading of some clock (a database server's) and when it was taken by
/// this process's monotonic clock: read again later, it counts forward
/// with the monotonic clock, which never jumps with the wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    /// What the clock said, ms since the epoch.
    pub at: Timestamp,
    /// When it said it.
    pub taken: std::time::Instant,
}

impl Reading {
    /// What that clock says now.
    pub fn now(&self) -> Timestamp {
        let elapsed = u64::try_from(self.taken.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.at.saturating_add(elapsed)
    }
}

/// `ms` as RFC 3339 in UTC to the second, `2026-11-25T08:12:03+00:00`: the
/// form the API, the CLI and the live events have always printed.
pub fn rfc3339(ms: Timestamp) -> String {
    let seconds = i64::try_from(ms / 1000).unwrap_or(i64::MAX);
    let when = OffsetDateTime::from_unix_timestamp(seconds)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(UtcOffset::UTC);
    let format = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]+[offset_hour]:[offset_minute]"
    );
    // Only a year past 9999 fails to format, and a u64 of ms from a
    // store cannot reach it through `from_unix_timestamp` above.
    when.format(&format)
        .unwrap_or_else(|_| "9999-12-31T23:59:59+00:00".into())
}

/// Why a `since` value is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{text:?} is not a time: write a duration back from now (30m, 2h, 7d), a date \
     (2026-11-25) or a UTC time (2026-11-25T08:00:00Z)"
)]
pub struct SinceError {
    /// What was given.
    pub text: String,
}

/// A point in the past as a person writes it for `--since` or `?since=`: a
/// duration back from `now` (`30m`, `2h`, `7d`), a date (`2026-11-25`,
/// midnight UTC) or a UTC time (`2026-11-25T08:00:00Z`, seconds optional).
pub fn parse_since(text: &str, now: Timestamp) -> Result<Timestamp, SinceError> {
    if let Ok(back) = crate::config::parse_duration(text) {
        let back = u64::try_from(back.as_millis()).unwrap_or(u64::MAX);
        return Ok(now.saturating_sub(back));
    }
    parse_utc(text.trim()).ok_or_else(|| SinceError { text: text.into() })
}

/// `YYYY-MM-DD`, or a date and time in UTC said with `Z`.
fn parse_utc(text: &str) -> Option<Timestamp> {
    let when = if let Ok(date) = Date::parse(text, format_description!("[year]-[month]-[day]")) {
        date.midnight().assume_utc()
    } else {
        // A time must say it is UTC: a bare local time would be read in
        // a zone the user did not mean.
        let bare = text.strip_suffix('Z')?.replacen(' ', "T", 1);
        let with_seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
        let without = format_description!("[year]-[month]-[day]T[hour]:[minute]");
        PrimitiveDateTime::parse(&bare, with_seconds)
            .or_else(|_| PrimitiveDateTime::parse(&bare, without))
            .ok()?
            .assume_utc()
    };
    u64::try_from(when.unix_timestamp()).ok()?.checked_mul(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_dates_times_and_durations() {
        assert_eq!(parse_utc("1970-01-01"), Some(0));
        assert_eq!(parse_utc("2026-11-25"), Some(1_795_564_800_000));
        assert_eq!(parse_utc("2026-11-25T08:30:00Z"), Some(1_795_595_400_000));
        assert_eq!(parse_utc("2026-11-25 08:30:00Z"), Some(1_795_595_400_000));
        assert_eq!(parse_utc("2000-03-01T00:00Z"), Some(951_868_800_000));
        assert_eq!(parse_utc("2026-13-01"), None);
        assert_eq!(parse_utc("2026-02-30"), None, "no such day");
        assert_eq!(
            parse_utc("2026-11-25T08:30:00"),
            None,
            "UTC only, said with Z"
        );
        let now = now();
        let hour_ago = parse_since("1h", now).unwrap();
        assert_eq!(now - hour_ago, 3_600_000);
        let error = parse_since("yesterday", now).unwrap_err().to_string();
        assert!(
            error.contains("duration") && error.contains("\"yesterday\""),
            "{error}"
        );
    }

    #[test]
    fn times_print_as_rfc3339_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(rfc3339(1_795_595_400_999), "2026-11-25T08:30:00+00:00");
        assert_eq!(
            parse_since(&rfc3339(1_795_595_400_000).replace("+00:00", "Z"), 0),
            Ok(1_795_595_400_000),
            "what is printed reads back"
        );
    }
}
