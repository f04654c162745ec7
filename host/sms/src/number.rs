//! Phone numbers: from what people type to E.164 (`+420777123456`).

use std::fmt;

#[cfg(feature = "metadata")]
mod metadata;
#[cfg(feature = "metadata")]
pub use metadata::{NumberKind, Parsed, parse};

/// Why a text is not a usable phone number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberError {
    /// Nothing but separators.
    Empty,
    /// A character that is neither a digit nor a separator.
    InvalidCharacter(char),
    /// A national number, and no default country to place it.
    NeedsCountry(String),
    /// The default country is not a calling code such as `+420`.
    InvalidCountry(String),
    /// Fewer digits than any full international number has (7).
    TooShort(String),
    /// More digits than E.164 allows (15).
    TooLong(String),
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumberError::Empty => f.write_str("empty phone number"),
            NumberError::InvalidCharacter(c) => write!(
                f,
                "'{}' does not belong in a phone number: write digits, with + and the country code in front",
                c.escape_debug()
            ),
            NumberError::NeedsCountry(n) => write!(
                f,
                "\"{}\" is a national number; write it with + and the country code, or configure a default country",
                n.escape_debug()
            ),
            NumberError::InvalidCountry(c) => write!(
                f,
                "\"{}\" is not a country calling code (write it like +420)",
                c.escape_debug()
            ),
            NumberError::TooShort(n) => write!(
                f,
                "\"{}\" is too short for a phone number: an international number has at least 7 digits",
                n.escape_debug()
            ),
            NumberError::TooLong(n) => write!(
                f,
                "\"{}\" has more than the 15 digits E.164 allows",
                n.escape_debug()
            ),
        }
    }
}

impl std::error::Error for NumberError {}

/// Separators people put in numbers: spaces, dashes, dots, brackets, slashes.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '.' | '(' | ')' | '[' | ']' | '/' | '\u{2010}'..='\u{2015}'
        )
}

/// International call prefixes other than `00`, by the calling code whose
/// main country dials them (libphonenumber's metadata; a test checks them
/// against it): `011` in North America, `810` in Russia's old plan, `0011`
/// in Australia, `010` in Japan. The host reads every country's with the
/// whole metadata ([`parse`], feature `metadata`).
const EXIT_CODES: &[(&str, &str)] = &[("1", "011"), ("7", "810"), ("61", "0011"), ("81", "010")];

/// Normalizes `raw` to E.164.
///
/// Separators are ignored. `+CC…`, `00CC…` and, in `default_country`, that
/// country's own international prefix (`011…` in `+1`; the countries whose
/// prefix is not `00` are listed in this module's source) are international.
/// Anything else is national and needs `default_country`, a calling code
/// (`+420` or `420`): one leading trunk `0` is dropped (`0601 234 567` in `+33` is
/// `+33601234567`). Countries that keep the leading zero (Italy) must be
/// written internationally.
///
/// ```
/// use plutanium_sms::number::normalize;
/// assert_eq!(normalize("+420 777 123-456", None).unwrap(), "+420777123456");
/// assert_eq!(normalize("00420777123456", None).unwrap(), "+420777123456");
/// assert_eq!(normalize("777 123 456", Some("+420")).unwrap(), "+420777123456");
/// assert!(normalize("777 123 456", None).is_err());
/// ```
pub fn normalize(raw: &str, default_country: Option<&str>) -> Result<String, NumberError> {
    let mut plus = false;
    let mut digits = String::with_capacity(raw.len());
    for c in raw.trim().chars() {
        match c {
            '+' if !plus && digits.is_empty() => plus = true,
            '0'..='9' => digits.push(c),
            c if is_separator(c) => {}
            other => return Err(NumberError::InvalidCharacter(other)),
        }
    }
    if digits.is_empty() {
        return Err(NumberError::Empty);
    }
    let exit_code = default_country.and_then(|country| {
        let code = country.trim().trim_start_matches('+');
        EXIT_CODES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, exit)| *exit)
    });
    let international = if plus {
        digits
    } else if let Some(rest) = exit_code.and_then(|exit| digits.strip_prefix(exit)) {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else {
        let country =
            default_country.ok_or_else(|| NumberError::NeedsCountry(raw.trim().to_string()))?;
        let code = country.trim().trim_start_matches('+');
        if code.is_empty()
            || code.len() > 3
            || !code.bytes().all(|b| b.is_ascii_digit())
            || code.starts_with('0')
        {
            return Err(NumberError::InvalidCountry(country.to_string()));
        }
        let national = digits.strip_prefix('0').unwrap_or(&digits);
        format!("{code}{national}")
    };
    if international.starts_with('0') {
        return Err(NumberError::InvalidCharacter('0'));
    }
    match international.len() {
        0..=6 => Err(NumberError::TooShort(raw.trim().to_string())),
        7..=15 => Ok(format!("+{international}")),
        _ => Err(NumberError::TooLong(raw.trim().to_string())),
    }
}

/// Whether `a` and `b` are the same number once both are normalized.
pub fn same(a: &str, b: &str, default_country: Option<&str>) -> bool {
    match (normalize(a, default_country), normalize(b, default_country)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// A short code (`4646`, `90 11`): 3 to 6 digits, no `+`. Messages to short
/// codes can cost money; the host's policy blocks them by default.
pub fn is_short_code(raw: &str) -> bool {
    let trimmed = raw.trim();
    if trimmed.starts_with('+') {
        return false;
    }
    let mut count = 0;
    for c in trimmed.chars() {
        match c {
            '0'..='9' => count += 1,
            c if is_separator(c) => {}
            _ => return false,
        }
    }
    (3..=6).contains(&count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_write_numbers_many_ways() {
        for raw in [
            "+420777123456",
            "+420 777 123 456",
            "00420-777.123.456",
            "(+420) 777/123 456",
            " 777123456 ",
        ] {
            assert_eq!(
                normalize(raw, Some("420")).unwrap(),
                "+420777123456",
                "{raw}"
            );
        }
        assert_eq!(
            normalize("06 01 23 45 67", Some("+33")).unwrap(),
            "+33601234567"
        );
    }

    #[test]
    fn bad_numbers_say_why() {
        assert_eq!(normalize(" - ", None), Err(NumberError::Empty));
        assert_eq!(
            normalize("+420 77x", None),
            Err(NumberError::InvalidCharacter('x'))
        );
        assert_eq!(
            normalize("++420777123456", None),
            Err(NumberError::InvalidCharacter('+'))
        );
        assert!(matches!(
            normalize("777123456", None),
            Err(NumberError::NeedsCountry(_))
        ));
        assert!(matches!(
            normalize("777123456", Some("CZ")),
            Err(NumberError::InvalidCountry(_))
        ));
        assert!(matches!(
            normalize("+42012", None),
            Err(NumberError::TooShort(_))
        ));
        assert!(matches!(
            normalize("+4201234567890123", None),
            Err(NumberError::TooLong(_))
        ));
        assert!(normalize("+0420777123456", None).is_err());
        assert_eq!(
            normalize("+42012", None).unwrap_err().to_string(),
            "\"+42012\" is too short for a phone number: an international number has at least 7 digits"
        );
        assert_eq!(
            normalize("+420 77\t\u{7}", None).unwrap_err().to_string(),
            "'\\u{7}' does not belong in a phone number: write digits, with + and the country code in front"
        );
    }

    #[test]
    fn international_prefixes_other_than_00() {
        assert_eq!(
            normalize("011 420 777 123 456", Some("+1")).unwrap(),
            "+420777123456"
        );
        assert_eq!(
            normalize("0011 44 7700 900123", Some("+61")).unwrap(),
            "+447700900123"
        );
        assert_eq!(
            normalize("010 33 6 12 34 56 78", Some("+81")).unwrap(),
            "+33612345678"
        );
        assert_eq!(
            normalize("810 49 1512 3456789", Some("+7")).unwrap(),
            "+4915123456789"
        );
        assert_eq!(
            normalize("202 555 0143", Some("+1")).unwrap(),
            "+12025550143"
        );
    }

    /// The table agrees with libphonenumber's metadata.
    #[cfg(feature = "metadata")]
    #[test]
    fn exit_codes_are_libphonenumbers() {
        for (code, exit) in EXIT_CODES {
            assert_eq!(
                metadata::exit_code(code.parse().unwrap()).as_deref(),
                Some(*exit),
                "+{code}"
            );
        }
    }

    #[test]
    fn short_codes_and_sameness() {
        assert!(is_short_code("4646") && is_short_code("90 11") && !is_short_code("+4646"));
        assert!(!is_short_code("777123456") && !is_short_code("12"));
        assert!(same("+420 777 123 456", "777123456", Some("+420")));
        assert!(!same("+420777123456", "+420777123457", None));
    }
}
