//! The inbox's records, the same for every backend: complete messages
//! (de-duplicated by fingerprint), the parts of incomplete multipart
//! messages, and the call log.

use plutanium_core::Timestamp;

/// A complete inbound message to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundRecord {
    /// What makes this message itself: the same SMS read twice (`+CMT` and
    /// the stored copy, or a re-read after a restart) has the same one.
    pub fingerprint: String,
    /// The modem that received it.
    pub modem: String,
    /// The sender.
    pub sender: String,
    /// The receiving number.
    pub recipient: String,
    /// The text.
    pub text: String,
    /// The service centre's time stamp.
    pub received_at: Timestamp,
    /// Extra facts.
    pub meta: Vec<(String, String)>,
}

/// What [`Store::insert_inbound`](crate::Store::insert_inbound) did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inserted {
    /// A new message, with its id.
    New(i64),
    /// Seen before: nothing stored, the existing id.
    Duplicate(i64),
}

impl Inserted {
    /// The row's id either way.
    pub fn id(self) -> i64 {
        match self {
            Inserted::New(id) | Inserted::Duplicate(id) => id,
        }
    }
}

/// One part of a multipart message still waiting for the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartRecord {
    /// The modem that received it.
    pub modem: String,
    /// The sender.
    pub sender: String,
    /// The concatenation reference.
    pub reference: u16,
    /// How many parts the message has.
    pub total: u8,
    /// This part's number, from 1.
    pub seq: u8,
    /// The part's PDU as received, so a restart can reassemble it.
    pub pdu: Vec<u8>,
    /// When it arrived.
    pub received_at: Timestamp,
}

/// A logged call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRecord {
    /// Its id.
    pub id: i64,
    /// The modem that was called.
    pub modem: String,
    /// The caller, `None` when withheld.
    pub caller: Option<String>,
    /// When it rang.
    pub at: Timestamp,
}

/// `key\tvalue` lines, with `\\`, `\t` and `\n` escaped.
pub(crate) fn meta_text(meta: &[(String, String)]) -> String {
    let escape = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('\t', "\\t")
            .replace('\n', "\\n")
    };
    meta.iter()
        .map(|(k, v)| format!("{}\t{}", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn parse_meta(text: &str) -> Vec<(String, String)> {
    let unescape = |s: &str| {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match (c, c == '\\') {
                (_, true) => match chars.next() {
                    Some('t') => out.push('\t'),
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                },
                (c, false) => out.push(c),
            }
        }
        out
    };
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (k, v) = line.split_once('\t').unwrap_or((line, ""));
            (unescape(k), unescape(v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_survives_awkward_characters() {
        let meta = vec![
            ("smsc".to_string(), "+420602909909".to_string()),
            ("odd\tkey".to_string(), "line\nbreak \\ slash".to_string()),
            ("empty".to_string(), String::new()),
        ];
        assert_eq!(parse_meta(&meta_text(&meta)), meta);
        assert!(parse_meta("").is_empty());
    }
}
