//! The subject of an email to send: the target number(s).

use plutanium_sdk::mail::decode_header;
use plutanium_sdk::number;

/// Reply and forward prefixes mail clients add (`Re:`, `Fwd:`, German
/// `AW:`/`WG:`, Nordic `SV:`), case-insensitive, any number of times.
const PREFIXES: &[&str] = &["re:", "fwd:", "fw:", "aw:", "wg:", "sv:", "vs:"];

/// Words before the number in the subjects Plutanium itself writes
/// (`SMS from +420…` from the Gmail sink), so that replying to a forwarded
/// SMS answers it.
const LEADS: &[&str] = &["sms from", "sms to", "missed call from", "call from"];

/// The numbers in `subject`, in E.164, in order and without repeats.
///
/// Spaces, dashes, dots and brackets are ignored; `+`, `00` and national
/// numbers (with `country`) are accepted; `,` or `;` separate several.
/// The error says, in words for the sender, what is wrong.
pub(crate) fn numbers(
    subject: &str,
    country: Option<&str>,
    max_recipients: usize,
) -> Result<Vec<String>, String> {
    let decoded = decode_header(subject);
    let mut rest = decoded.trim();
    // `rest` starts with `word` in any case (the words are ASCII, so a
    // match ends at a character boundary of `rest`).
    let starts = |rest: &str, word: &str| {
        rest.get(..word.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(word))
    };
    while let Some(prefix) = PREFIXES.iter().find(|p| starts(rest, p)) {
        rest = rest[prefix.len()..].trim_start();
    }
    if let Some(lead) = LEADS
        .iter()
        .find(|lead| starts(rest, lead) && rest[lead.len()..].starts_with(char::is_whitespace))
    {
        rest = rest[lead.len()..].trim_start();
    }
    if rest.is_empty() {
        return Err("the subject is empty; it must be the phone number to send to".into());
    }
    let mut found = Vec::new();
    for raw in rest.split([',', ';']) {
        let compact: String = raw
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '.' | '(' | ')' | '[' | ']')))
            .collect();
        if compact.is_empty() {
            continue;
        }
        let normalized = number::normalize(&compact, country)
            .map_err(|e| format!("{:?} in the subject is not a phone number: {e}", raw.trim()))?;
        if !found.contains(&normalized) {
            found.push(normalized);
        }
    }
    if found.is_empty() {
        return Err("the subject has no phone number".into());
    }
    if found.len() > max_recipients {
        return Err(format!(
            "the subject names {} numbers; at most {max_recipients} are allowed per email",
            found.len()
        ));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_people_write_them() {
        let cz = Some("+420");
        let one = |s: &str| numbers(s, cz, 10);
        assert_eq!(one("+420 777 123 456").unwrap(), ["+420777123456"]);
        assert_eq!(one("00420-777.123.456").unwrap(), ["+420777123456"]);
        assert_eq!(one("(777) 123 456").unwrap(), ["+420777123456"]);
        assert_eq!(one("[+420] 777-123-456").unwrap(), ["+420777123456"]);
        assert_eq!(
            one("+420777123456, 777 000 111; +420777123456").unwrap(),
            ["+420777123456", "+420777000111"]
        );
        assert_eq!(
            one("Re: SMS from +420777123456").unwrap(),
            ["+420777123456"]
        );
        assert_eq!(
            one("RE: Fwd: re: sms from +420 777 123 456").unwrap(),
            ["+420777123456"]
        );
        assert_eq!(
            one("AW: Missed call from +420777123456").unwrap(),
            ["+420777123456"]
        );
        assert_eq!(
            one("=?UTF-8?B?KzQyMDc3NzEyMzQ1Ng==?=").unwrap(),
            ["+420777123456"]
        );
    }

    #[test]
    fn what_is_not_a_number_says_so() {
        let err = numbers("Hello there", Some("+420"), 10).unwrap_err();
        assert!(
            err.contains("\"Hello there\" in the subject is not a phone number"),
            "{err}"
        );
        assert!(numbers("  ", None, 10).unwrap_err().contains("empty"));
        assert!(numbers("Re:", None, 10).unwrap_err().contains("empty"));
        assert!(
            numbers(",;", None, 10)
                .unwrap_err()
                .contains("no phone number")
        );
        let err = numbers("+420777123456, nonsense", None, 10).unwrap_err();
        assert!(err.contains("nonsense"), "{err}");
        assert!(
            numbers("777123456", None, 10).is_err(),
            "a national number needs default_country"
        );
        let err = numbers("+420777000001, +420777000002", None, 1).unwrap_err();
        assert!(err.contains("at most 1"), "{err}");
    }
}
