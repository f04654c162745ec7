//! Service-centre time stamps (TS 23.040 §9.2.3.11): seven swapped-BCD octets with a
//! time zone in quarter hours.

use std::fmt;

use crate::address::swapped_bcd;
use crate::error::{Error, Reader};

/// A TP-SCTS, TP-DT or absolute TP-VP value: local time plus its offset from UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Timestamp {
    /// Full year (the PDU carries two digits; they are read as 20xx).
    pub year: u16,
    /// Month, 1..=12.
    pub month: u8,
    /// Day, 1..=31.
    pub day: u8,
    /// Hour, 0..=23.
    pub hour: u8,
    /// Minute, 0..=59.
    pub minute: u8,
    /// Second, 0..=59.
    pub second: u8,
    /// Offset from UTC in quarter hours, -79..=79.
    pub offset_quarters: i8,
}

impl Timestamp {
    pub(crate) fn decode(reader: &mut Reader<'_>, field: &'static str) -> Result<Self, Error> {
        let raw = reader.take(7, field)?;
        let year = swapped_bcd(raw[0], field)?;
        let month = swapped_bcd(raw[1], field)?;
        let day = swapped_bcd(raw[2], field)?;
        let hour = swapped_bcd(raw[3], field)?;
        let minute = swapped_bcd(raw[4], field)?;
        let second = swapped_bcd(raw[5], field)?;
        // The sign is bit 3 of the tens semi-octet (the low nibble once swapped).
        let negative = raw[6] & 0x08 != 0;
        let quarters = swapped_bcd(raw[6] & 0xF7, field)?;
        let check = |value: u8, range: std::ops::RangeInclusive<u8>, name: &'static str| {
            if range.contains(&value) {
                Ok(())
            } else {
                Err(Error::OutOfRange {
                    field: name,
                    value: u32::from(value),
                })
            }
        };
        check(month, 1..=12, "time stamp month")?;
        check(day, 1..=31, "time stamp day")?;
        check(hour, 0..=23, "time stamp hour")?;
        check(minute, 0..=59, "time stamp minute")?;
        check(second, 0..=59, "time stamp second")?;
        check(quarters, 0..=79, "time stamp zone")?;
        let quarters = quarters as i8;
        Ok(Timestamp {
            year: 2000 + u16::from(year),
            month,
            day,
            hour,
            minute,
            second,
            offset_quarters: if negative { -quarters } else { quarters },
        })
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let swap = |value: u32, field: &'static str, max: u32| {
            if value > max {
                return Err(Error::OutOfRange { field, value });
            }
            let value = value as u8;
            Ok((value / 10) | ((value % 10) << 4))
        };
        let year = u32::from(self.year);
        if !(2000..=2099).contains(&year) {
            return Err(Error::OutOfRange {
                field: "time stamp year",
                value: year,
            });
        }
        out.push(swap(year - 2000, "time stamp year", 99)?);
        out.push(swap(u32::from(self.month), "time stamp month", 12)?);
        out.push(swap(u32::from(self.day), "time stamp day", 31)?);
        out.push(swap(u32::from(self.hour), "time stamp hour", 23)?);
        out.push(swap(u32::from(self.minute), "time stamp minute", 59)?);
        out.push(swap(u32::from(self.second), "time stamp second", 59)?);
        let zone = swap(
            u32::from(self.offset_quarters.unsigned_abs()),
            "time stamp zone",
            79,
        )?;
        out.push(if self.offset_quarters < 0 {
            zone | 0x08
        } else {
            zone
        });
        Ok(())
    }

    /// The local time `offset_quarters` quarter hours from UTC at
    /// `unix_seconds` (seconds since 1970-01-01T00:00:00Z). Years are clamped
    /// to 0..=9999.
    pub fn from_unix(unix_seconds: i64, offset_quarters: i8) -> Timestamp {
        let local = unix_seconds.saturating_add(i64::from(offset_quarters) * 15 * 60);
        let (year, month, day) = civil_from_days(local.div_euclid(86_400));
        let seconds = local.rem_euclid(86_400);
        Timestamp {
            year: year.clamp(0, 9999) as u16,
            month,
            day,
            hour: (seconds / 3600) as u8,
            minute: (seconds / 60 % 60) as u8,
            second: (seconds % 60) as u8,
            offset_quarters,
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z: the local time less its offset.
    pub fn to_unix(&self) -> i64 {
        let days = days_from_civil(i64::from(self.year), self.month, self.day);
        let local = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        local - i64::from(self.offset_quarters) * 15 * 60
    }

    /// RFC 3339 text with the sender's own offset, e.g. `2026-11-25T18:30:00+01:00`.
    pub fn to_rfc3339(&self) -> String {
        self.to_string()
    }
}

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let minutes = i32::from(self.offset_quarters) * 15;
        let sign = if minutes < 0 { '-' } else { '+' };
        let minutes = minutes.unsigned_abs();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            sign,
            minutes / 60,
            minutes % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positive_and_negative_zones() {
        // 2026-11-25 18:30:05 +01:00 (4 quarters)
        let raw = [0x62, 0x11, 0x52, 0x81, 0x03, 0x50, 0x40];
        let ts = Timestamp::decode(&mut Reader::new(&raw), "SCTS").unwrap();
        assert_eq!(ts.to_rfc3339(), "2026-11-25T18:30:05+01:00");
        let mut out = Vec::new();
        ts.encode(&mut out).unwrap();
        assert_eq!(out, raw);
        // -05:30 is 22 quarters: tens digit 2 with the sign bit (0x0A), units 2.
        let raw = [0x62, 0x11, 0x52, 0x81, 0x03, 0x50, 0x2A];
        let ts = Timestamp::decode(&mut Reader::new(&raw), "SCTS").unwrap();
        assert_eq!(ts.offset_quarters, -22);
        assert_eq!(ts.to_rfc3339(), "2026-11-25T18:30:05-05:30");
        let mut out = Vec::new();
        ts.encode(&mut out).unwrap();
        assert_eq!(out, raw);
    }

    #[test]
    fn bad_time_stamps_are_errors() {
        let bad_digit = [0x6A, 0x11, 0x52, 0x81, 0x03, 0x50, 0x40];
        assert!(matches!(
            Timestamp::decode(&mut Reader::new(&bad_digit), "SCTS"),
            Err(Error::InvalidSemiOctet { .. })
        ));
        let month_13 = [0x62, 0x31, 0x52, 0x81, 0x03, 0x50, 0x40];
        assert!(matches!(
            Timestamp::decode(&mut Reader::new(&month_13), "SCTS"),
            Err(Error::OutOfRange { .. })
        ));
        assert!(matches!(
            Timestamp::decode(&mut Reader::new(&[0x62, 0x11]), "SCTS"),
            Err(Error::Truncated { .. })
        ));
    }
}

#[cfg(test)]
mod unix_tests {
    use super::*;

    #[test]
    fn unix_times_become_local_civil_times() {
        assert_eq!(
            Timestamp::from_unix(0, 0).to_string(),
            "1970-01-01T00:00:00+00:00"
        );
        assert_eq!(
            Timestamp::from_unix(951_782_400, 0).to_string(),
            "2000-02-29T00:00:00+00:00"
        );
        assert_eq!(
            Timestamp::from_unix(1_767_225_600, 4).to_string(),
            "2026-01-01T01:00:00+01:00"
        );
        assert_eq!(
            Timestamp::from_unix(1_767_225_600, -22).to_string(),
            "2025-12-31T18:30:00-05:30"
        );
        assert_eq!(
            Timestamp::from_unix(-1, 0).to_string(),
            "1969-12-31T23:59:59+00:00"
        );
        for (unix, quarters) in [
            (0, 0),
            (951_782_400, 0),
            (1_767_225_600, 4),
            (1_767_225_600, -22),
            (1_795_631_805, 7),
        ] {
            assert_eq!(
                Timestamp::from_unix(unix, quarters).to_unix(),
                unix,
                "{unix} {quarters}"
            );
        }
    }
}
