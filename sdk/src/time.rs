//! Wall-clock time for people: time zones as offsets, and local dates.

use crate::{Error, Timestamp};

/// A local date and time, from [`local`].
pub use plutanium_sms::Timestamp as LocalTime;

/// Parses `UTC`, `Z` or an offset such as `+01:00`, `-05:30` or `+2` into
/// minutes east of UTC. Offsets are whole quarter hours, as every zone's is.
///
/// ```
/// assert_eq!(plutanium_sdk::time::parse_offset("+05:45").unwrap(), 345);
/// assert!(plutanium_sdk::time::parse_offset("Europe/Prague").is_err());
/// ```
pub fn parse_offset(raw: &str) -> Result<i32, Error> {
    let raw = raw.trim();
    if raw.eq_ignore_ascii_case("utc") || raw.eq_ignore_ascii_case("z") {
        return Ok(0);
    }
    let invalid = || {
        Error::config(format!(
            "\"{}\" is not UTC or an offset such as +01:00 (zone names are not supported)",
            raw.escape_debug()
        ))
    };
    let (sign, rest) = match raw.as_bytes().first() {
        Some(b'+') => (1, &raw[1..]),
        Some(b'-') => (-1, &raw[1..]),
        _ => return Err(invalid()),
    };
    let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "00"));
    let digits = |s: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(hours, 1..=2) || !digits(minutes, 2..=2) {
        return Err(invalid());
    }
    let hours: i32 = hours.parse().map_err(|_| invalid())?;
    let minutes: i32 = minutes.parse().map_err(|_| invalid())?;
    let total = sign * (hours * 60 + minutes);
    // Real zones run from -12:00 to +14:00, in quarter hours.
    if minutes > 59 || minutes % 15 != 0 || !(-12 * 60..=14 * 60).contains(&total) {
        return Err(invalid());
    }
    Ok(total)
}

/// The local time at `at` (ms since the epoch), `offset_minutes` east of UTC
/// (a whole number of quarter hours, as [`parse_offset`] gives). Its
/// `Display` is RFC 3339; its fields give the parts.
///
/// ```
/// let t = plutanium_sdk::time::local(1_767_225_600_000, 60);
/// assert_eq!((t.year, t.month, t.day, t.hour, t.minute), (2026, 1, 1, 1, 0));
/// ```
pub fn local(at: Timestamp, offset_minutes: i32) -> LocalTime {
    let quarters = i8::try_from((offset_minutes / 15).clamp(-79, 79)).unwrap_or(0);
    LocalTime::from_unix(i64::try_from(at / 1000).unwrap_or(i64::MAX), quarters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_local_times() {
        assert_eq!(parse_offset("UTC").unwrap(), 0);
        assert_eq!(parse_offset("-05:30").unwrap(), -330);
        assert_eq!(parse_offset("+2").unwrap(), 120);
        assert_eq!(parse_offset("+14:00").unwrap(), 840);
        assert_eq!(parse_offset("-12:00").unwrap(), -720);
        for bad in [
            "",
            "01:00",
            "+15:00",
            "+01:07",
            "+aa",
            "Europe/Prague",
            "+-05:00",
            "+05:-15",
            "+14:45",
            "-12:15",
            "+1:5",
            "+001:00",
        ] {
            assert!(matches!(parse_offset(bad), Err(Error::Config(_))), "{bad}");
        }
        assert_eq!(
            parse_offset("Europe/Prague").unwrap_err(),
            Error::Config(
                "\"Europe/Prague\" is not UTC or an offset such as +01:00 (zone names are not supported)".into()
            )
        );
        let t = local(1_767_225_600_000, -330);
        assert_eq!(t.to_string(), "2025-12-31T18:30:00-05:30");
    }
}
