//! Parsers for the information lines modems send in answers and URCs.
//!
//! Every parser takes whole lines as the modem sent them, such as
//! `+CSQ: 20,99`, and returns a typed value or a [`ResponseError`]. The rules:
//!
//! - the prefix (`+CSQ`) is matched without regard to case, and spaces around
//!   the `:` are optional;
//! - parameters are split at commas outside double quotes and parentheses, so
//!   a quoted name may contain commas and test answers may hold lists;
//! - mandatory parameters must be present and valid; extra parameters after
//!   the known ones are ignored, because 3GPP extends commands by appending
//!   parameters. The two-line URC headers (`+CMT`, `+CDS`) are the exception:
//!   their text-mode forms share the prefix, so they must have exactly the
//!   PDU-mode parameters;
//! - no input makes a parser panic.
//!
//! References: TS 27.007 (`+CSQ`, `+CREG`, `+CPIN`, `+CLIP`, `+CUSD`, `+COPS`,
//! `+CIEV`, identification), TS 27.005 (`+CMGL`, `+CMGR`, `+CMGS`, `+CMTI`,
//! `+CDSI`, `+CMT`, `+CDS`, `+CPMS`, `+CNMI`, `+CSCA`) and TS 23.038 §5 (the
//! USSD data coding scheme).

use std::fmt;

use plutanium_sms::hex;

// One file per family of answers, re-exported so that every parser stays at
// `response::parse_*`. What the families share stays in this file: the error
// and the tokenizer that carries the rules above.
mod calls;
mod device;
mod messages;
mod network;
mod sms_setup;
mod ussd;

pub use calls::{CallerId, parse_clip};
pub use device::{PinState, parse_cpin, parse_identity};
pub use messages::{
    MessageStatus, StorageIndex, StoredMessage, parse_cds_header, parse_cdsi, parse_cmgl,
    parse_cmgr, parse_cmgs, parse_cmt_header, parse_cmti,
};
pub use network::{
    ExtendedSignal, Operator, Registration, RegistrationStatus, Signal, parse_cesq, parse_ciev,
    parse_cops, parse_csq, parse_registration_response, parse_registration_urc,
};
pub use sms_setup::{
    CnmiSupport, Smsc, Storage, parse_cnmi_test, parse_cpms_query, parse_cpms_set, parse_cpms_test,
    parse_csca,
};
pub use ussd::{
    UssdResponse, decode_ussd_packed_hex, encode_ussd_packed_hex, parse_cusd, ussd_alphabet,
};

/// A line that does not have the expected form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ResponseError {
    /// What was being parsed, such as `+CSQ`.
    pub what: &'static str,
    /// The line that did not parse (empty when lines were missing).
    pub line: String,
}

impl ResponseError {
    fn new(what: &'static str, line: &str) -> Self {
        ResponseError {
            what,
            line: line.to_owned(),
        }
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line.trim().is_empty() {
            return write!(
                f,
                "cannot parse {}: the modem's answer was empty",
                self.what
            );
        }
        // Control characters are escaped so that a stray CR or line noise from
        // the modem shows in the message instead of breaking it up; quotes are
        // left alone because modems quote most parameters.
        write!(f, "cannot parse {} from the modem's line \"", self.what)?;
        for c in self.line.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        f.write_str("\"")
    }
}

// ---------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------

/// The parameters after `name` and its colon, or `None` if the line does not
/// start with `name:` or has an open quote or parenthesis.
fn params<'a>(line: &'a str, name: &str) -> Option<Vec<&'a str>> {
    split_params(body(line, name)?)
}

/// The text after `name` and its colon, trimmed.
fn body<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let line = line.trim();
    let head = line.get(..name.len())?;
    if !head.eq_ignore_ascii_case(name) {
        return None;
    }
    let rest = line.get(name.len()..)?.trim_start().strip_prefix(':')?;
    Some(rest.trim())
}

/// Splits `text` at commas outside double quotes and parentheses; each piece
/// is trimmed. `None` if a quote or parenthesis is left open.
fn split_params(text: &str) -> Option<Vec<&str>> {
    let mut pieces = Vec::new();
    let mut in_quotes = false;
    let mut depth: usize = 0;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            '(' if !in_quotes => depth = depth.checked_add(1)?,
            ')' if !in_quotes => depth = depth.checked_sub(1)?,
            ',' if !in_quotes && depth == 0 => {
                pieces.push(text.get(start..i)?.trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if in_quotes || depth != 0 {
        return None;
    }
    pieces.push(text.get(start..)?.trim());
    Some(pieces)
}

/// A parameter as a string: the inside of `"..."`, or the bare text.
fn string(param: &str) -> Option<&str> {
    match param.strip_prefix('"') {
        Some(inner) => inner.strip_suffix('"'),
        None => Some(param),
    }
}

/// A parameter that must be a non-empty string.
fn non_empty_string(param: &str) -> Option<&str> {
    string(param).filter(|s| !s.is_empty())
}

/// A message storage name such as `"SM"`: letters first, quotes optional.
fn storage_name(param: &str) -> Option<&str> {
    string(param)
        .map(str::trim)
        .filter(|name| name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
}

/// A parameter as an unsigned decimal number (digits only, no sign).
fn number<T: std::str::FromStr>(param: &str) -> Option<T> {
    if param.is_empty() || !param.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    param.parse().ok()
}

/// An optional numeric parameter: missing or empty gives `Some(None)`,
/// anything else must be a number.
fn optional_number<T: std::str::FromStr>(param: Option<&&str>) -> Option<Option<T>> {
    match param {
        None => Some(None),
        Some(&"") => Some(None),
        Some(p) => number(p).map(Some),
    }
}

/// The inside of a parenthesised list.
fn list(param: &str) -> Option<&str> {
    param.strip_prefix('(')?.strip_suffix(')')
}

/// A list of numbers and ranges such as `0-2` or `0,2`, with or without
/// parentheses; empty gives an empty list.
fn number_list(param: &str) -> Option<Vec<u8>> {
    let inner = list(param).unwrap_or(param).trim();
    let mut values = Vec::new();
    if inner.is_empty() {
        return Some(values);
    }
    for item in split_params(inner)? {
        match item.split_once('-') {
            Some((low, high)) => {
                let low: u8 = number(low.trim())?;
                let high: u8 = number(high.trim())?;
                if low > high {
                    return None;
                }
                values.extend(low..=high);
            }
            None => values.push(number(item)?),
        }
    }
    Some(values)
}

fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The lines that are not blank, trimmed.
fn non_blank(lines: &[String]) -> impl Iterator<Item = &str> {
    lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty())
}

// Shared rather than in `ussd`: `+CSCA` prints its number this way too.
/// Decodes UCS-2/UTF-16BE text written as hex (four digits per code unit), as
/// modems print strings in `+CSCS="UCS2"` mode. `None` if it is not such hex
/// or holds an unpaired surrogate.
pub fn decode_ucs2_hex(text: &str) -> Option<String> {
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let octets = hex::decode(text).ok()?;
    let units = octets
        .chunks_exact(2)
        .filter_map(|pair| <[u8; 2]>::try_from(pair).ok())
        .map(u16::from_be_bytes);
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// Test input as the parser hands it over: one owned string per line.
#[cfg(test)]
fn lines(text: &[&str]) -> Vec<String> {
    text.iter().map(|l| l.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tokenizer() {
        assert_eq!(split_params(""), Some(vec![""]));
        assert_eq!(split_params("1, 2 ,3"), Some(vec!["1", "2", "3"]));
        assert_eq!(
            split_params(r#""a,b",(0-2),("SM","ME"),,x"#),
            Some(vec![r#""a,b""#, "(0-2)", r#"("SM","ME")"#, "", "x"])
        );
        assert_eq!(split_params(r#""open"#), None);
        assert_eq!(split_params("(0-2"), None);
        assert_eq!(split_params("0-2)"), None);
        assert_eq!(split_params("é,ü"), Some(vec!["é", "ü"]));
        assert_eq!(string(r#""abc""#), Some("abc"));
        assert_eq!(string(r#"""#), None);
        assert_eq!(string(r#""abc"def"#), None);
        assert_eq!(number::<u8>("+5"), None);
        assert_eq!(number::<u8>("256"), None);
        assert_eq!(number::<u8>("007"), Some(7));
        assert_eq!(body("+CSQ:20,99", "+CSQ"), Some("20,99"));
        assert_eq!(body("+csq :  20,99\r\n", "+CSQ"), Some("20,99"));
        assert_eq!(body("+CSQX: 1", "+CSQ"), None);
        assert_eq!(body("+CS", "+CSQ"), None);
        assert_eq!(body("ÿÿÿ", "+CSQ"), None);
        assert_eq!(body("aÿÿ", "+CSQ"), None);
    }

    #[test]
    fn ucs2_hex() {
        assert_eq!(decode_ucs2_hex("004F004B").as_deref(), Some("OK"));
        assert_eq!(decode_ucs2_hex("D83DDE00").as_deref(), Some("😀"));
        assert_eq!(decode_ucs2_hex("D83D"), None);
        assert_eq!(decode_ucs2_hex("004"), None);
        assert_eq!(decode_ucs2_hex("zz4F"), None);
        assert_eq!(decode_ucs2_hex("é0"), None);
    }

    const PREFIXES: &[&str] = &[
        "+CSQ:", "+CESQ:", "+CREG:", "+CGREG:", "+CEREG:", "+CPIN:", "+CMGL:", "+CMGR:", "+CMGS:",
        "+CMTI:", "+CDSI:", "+CMT:", "+CDS:", "+CLIP:", "+CUSD:", "+CPMS:", "+CNMI:", "+CSCA:",
        "+COPS:", "+CIEV:", "",
    ];

    fn run_all(line: &str, all: &[String]) {
        let _ = parse_csq(line);
        if let Ok(s) = parse_cesq(line) {
            let _ = (s.rsrp_dbm(), s.rsrq_db());
        }
        let _ = parse_registration_response(line);
        let _ = parse_registration_urc(line);
        let _ = parse_cpin(line);
        let _ = parse_cmgl(all);
        let _ = parse_cmgr(1, all);
        let _ = parse_cmgs(all);
        let _ = parse_cmti(line);
        let _ = parse_cdsi(line);
        let _ = parse_cmt_header(line);
        let _ = parse_cds_header(line);
        let _ = parse_clip(line);
        let _ = parse_cusd(line);
        let _ = decode_ussd_packed_hex(line);
        let _ = decode_ucs2_hex(line);
        let _ = encode_ussd_packed_hex(line);
        let _ = parse_cpms_query(line);
        let _ = parse_cpms_set(line);
        let _ = parse_cpms_test(line);
        if let Ok(support) = parse_cnmi_test(line) {
            let _ = support.choose_cnmi(true);
            let _ = support.choose_cnmi(false);
        }
        let _ = parse_csca(line);
        let _ = parse_cops(line);
        let _ = parse_ciev(line);
        let _ = parse_identity(all);
        if let Ok(s) = parse_csq(line) {
            let _ = s.dbm();
        }
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(line in ".*", more in proptest::collection::vec(".*", 0..4)) {
            let mut all = vec![line.clone()];
            all.extend(more);
            run_all(&line, &all);
        }

        #[test]
        fn prefixed_lines_never_panic(
            prefix in proptest::sample::select(PREFIXES),
            rest in "[0-9A-Fa-z\",() +\\-:é\r]{0,40}",
            next in "[0-9A-F+CMGLR:, \"]{0,40}",
        ) {
            let line = format!("{prefix}{rest}");
            let all = vec![line.clone(), next];
            run_all(&line, &all);
        }

        #[test]
        fn packed_hex_round_trips(text in "[A-Za-z0-9*#@ ]{0,60}") {
            let hex = encode_ussd_packed_hex(&text).unwrap();
            // A text of 8n-1 characters ending in CR would be ambiguous; none here.
            prop_assert_eq!(decode_ussd_packed_hex(&hex), Some(text));
        }
    }
}
