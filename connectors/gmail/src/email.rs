//! An email as Gmail's API returns it (`format=full`): the headers that
//! matter and the body as plain text.

use plutanium_sdk::mail::{base64url_decode, decode_charset, decode_header};
use serde_json::Value;

/// What the source needs of one email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mail {
    pub(crate) id: String,
    pub(crate) thread_id: Option<String>,
    /// When Gmail received it, in ms; the queue's order.
    pub(crate) internal_date: u64,
    pub(crate) subject: String,
    pub(crate) from: Option<String>,
    pub(crate) message_id: Option<String>,
    /// Sent by a machine (`Auto-Submitted`, `Precedence: bulk`): never
    /// answered, so two robots cannot ping-pong.
    pub(crate) automatic: bool,
    /// Sent by Plutanium itself (it has an `X-Plutanium` header): an SMS
    /// the `gmail-forward` sink forwarded, or an answer to a refused email.
    /// Left alone, so a mailbox can be both source and sink without loops.
    pub(crate) from_plutanium: bool,
    /// The text to send, cleaned; empty when there is none.
    pub(crate) text: String,
}

/// Reads a `users.messages.get` answer. Fails only when it has no id.
pub(crate) fn parse(message: &Value) -> Result<Mail, String> {
    let id = message
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| gmail_api::is_id(id))
        .ok_or("a message without a usable id")?
        .to_string();
    let payload = message.get("payload").unwrap_or(&Value::Null);
    let header = |name: &str| {
        payload
            .get("headers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|h| {
                h.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .and_then(|h| h.get("value").and_then(Value::as_str))
            .map(|v| decode_header(v).trim().to_string())
    };
    let automatic = header("Auto-Submitted").is_some_and(|v| !v.eq_ignore_ascii_case("no"))
        || header("Precedence")
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "bulk" | "list" | "junk"));
    Ok(Mail {
        thread_id: message
            .get("threadId")
            .and_then(Value::as_str)
            .filter(|t| gmail_api::is_id(t))
            .map(str::to_string),
        internal_date: message
            .get("internalDate")
            .and_then(|d| {
                d.as_str()
                    .and_then(|s| s.parse().ok())
                    .or_else(|| d.as_u64())
            })
            .unwrap_or(0),
        subject: header("Subject").unwrap_or_default(),
        from: header("From"),
        message_id: header("Message-ID"),
        automatic,
        from_plutanium: header("X-Plutanium").is_some(),
        text: body_text(payload).map(|t| clean(&t)).unwrap_or_default(),
        id,
    })
}

/// The body: the first `text/plain` part that is not an attachment, else
/// the first `text/html` part as text.
fn body_text(payload: &Value) -> Option<String> {
    find_part(payload, "text/plain")
        .or_else(|| find_part(payload, "text/html").map(|html| html_to_text(&html)))
}

fn find_part(part: &Value, mime: &str) -> Option<String> {
    let mime_type = part.get("mimeType").and_then(Value::as_str).unwrap_or("");
    let attachment = part
        .get("filename")
        .and_then(Value::as_str)
        .is_some_and(|f| !f.is_empty());
    if mime_type.eq_ignore_ascii_case(mime) && !attachment {
        let data = part
            .get("body")
            .and_then(|b| b.get("data"))
            .and_then(Value::as_str)?;
        let bytes = base64url_decode(data).ok()?;
        return Some(decode_charset(&bytes, &charset(part)));
    }
    part.get("parts")
        .and_then(Value::as_array)?
        .iter()
        .find_map(|p| find_part(p, mime))
}

/// The part's charset, from its `Content-Type` header (UTF-8 if none).
fn charset(part: &Value) -> String {
    part.get("headers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|h| {
            h.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case("Content-Type"))
        })
        .filter_map(|h| h.get("value").and_then(Value::as_str))
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
        .unwrap_or_else(|| "utf-8".into())
}

/// The text of a mail body: line ends made `\n`, the quoted message of a
/// reply (`> ` lines and the attribution line before them, `On … wrote:` in
/// any language) and the
/// signature (from a `-- ` line on) removed, blank edges trimmed.
pub(crate) fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line == "-- " || line == "--" {
            break;
        }
        lines.push(line);
    }
    // A reply's quote: from the first run of `>` lines that is only
    // followed by more quote, blank lines (or nothing).
    if let Some(first_quote) = lines.iter().position(|l| l.starts_with('>')) {
        let rest_is_quote = lines[first_quote..]
            .iter()
            .all(|l| l.starts_with('>') || l.trim().is_empty());
        if rest_is_quote {
            lines.truncate(first_quote);
            while lines.last().is_some_and(|l| l.trim().is_empty()) {
                lines.pop();
            }
            // The attribution line, in any language a mail client writes
            // it: "On … wrote:", "Dne … napsal(a):", "Am … schrieb …:",
            // "Le … a écrit :", "… написал(а):", "2026年12月6日 … ："; all end
            // with a colon right before the quote.
            if lines
                .last()
                .is_some_and(|l| l.trim_end().ends_with([':', '：']))
            {
                lines.pop();
            }
        }
    }
    let joined: Vec<&str> = lines.iter().map(|l| l.trim_end()).collect();
    joined.join("\n").trim().to_string()
}

/// HTML as the text a person reads: scripts, styles and Gmail's quoted
/// reply dropped, block ends and `<br>` as line breaks, entities decoded,
/// runs of spaces collapsed.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    let mut quote_depth = 0usize;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            if skip_until.is_none() && quote_depth == 0 {
                out.push_str(rest);
            }
            break;
        };
        if skip_until.is_none() && quote_depth == 0 {
            out.push_str(&rest[..open]);
        }
        let after = &rest[open + 1..];
        if let Some(comment) = after.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let close = after.find('>').unwrap_or(after.len());
        let tag = &after[..close];
        rest = after.get(close + 1..).unwrap_or("");
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let closing = tag.starts_with('/');
        if let Some(end) = skip_until {
            if closing && name == end {
                skip_until = None;
            }
            continue;
        }
        match name.as_str() {
            "script" | "style" | "head" | "title" if !closing => {
                skip_until = Some(match name.as_str() {
                    "script" => "script",
                    "style" => "style",
                    "head" => "head",
                    _ => "title",
                });
            }
            "div" | "blockquote" if !closing && tag.contains("gmail_quote") => quote_depth += 1,
            "div" | "blockquote" if quote_depth > 0 => {
                if closing {
                    quote_depth -= 1;
                } else {
                    quote_depth += 1;
                }
            }
            "br" => out.push('\n'),
            "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote"
            | "table" | "ul" | "ol"
                // A block boundary is one line break, however many tags
                // meet there.
                if quote_depth == 0 && !out.is_empty() && !out.ends_with('\n') =>
            {
                out.push('\n');
            }
            _ => {}
        }
    }
    let decoded = decode_entities(&out);
    let lines: Vec<String> = decoded
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    // At most one blank line in a row.
    let mut text = String::new();
    let mut blank = 0;
    for line in lines {
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        text.push_str(&line);
        text.push('\n');
    }
    text.trim().to_string()
}

/// Named entities beyond the basic five that European mail uses.
const NAMED: &[(&str, char)] = &[
    ("aacute", 'á'),
    ("eacute", 'é'),
    ("iacute", 'í'),
    ("oacute", 'ó'),
    ("uacute", 'ú'),
    ("yacute", 'ý'),
    ("Aacute", 'Á'),
    ("Eacute", 'É'),
    ("Iacute", 'Í'),
    ("Oacute", 'Ó'),
    ("Uacute", 'Ú'),
    ("Yacute", 'Ý'),
    ("agrave", 'à'),
    ("egrave", 'è'),
    ("ograve", 'ò'),
    ("auml", 'ä'),
    ("ouml", 'ö'),
    ("uuml", 'ü'),
    ("Auml", 'Ä'),
    ("Ouml", 'Ö'),
    ("Uuml", 'Ü'),
    ("szlig", 'ß'),
    ("ccedil", 'ç'),
    ("ntilde", 'ñ'),
    ("euro", '€'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("hellip", '…'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bull", '•'),
];

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ if NAMED.iter().any(|(n, _)| *n == name) => {
                    NAMED.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
                }
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use plutanium_sdk::mail::base64url_encode;
    use serde_json::json;

    fn data(text: &str) -> String {
        base64url_encode(text.as_bytes())
    }

    #[test]
    fn the_plain_part_wins_and_is_cleaned() {
        let message = json!({
            "id": "18c0a1", "threadId": "18c0a0", "internalDate": "1700000000123",
            "payload": {
                "mimeType": "multipart/mixed",
                "headers": [
                    {"name": "Subject", "value": "+420777123456"},
                    {"name": "From", "value": "Jana <jana@example.com>"},
                    {"name": "Message-ID", "value": "<abc@mail>"}
                ],
                "parts": [
                    {"mimeType": "multipart/alternative", "parts": [
                        {"mimeType": "text/html", "body": {"data": data("<p>HTML</p>")}},
                        {"mimeType": "text/plain", "body": {"data": data("Hello Petr,\r\nsee you at 6.\r\n\r\n-- \r\nJana\r\n")}}
                    ]},
                    {"mimeType": "text/plain", "filename": "notes.txt", "body": {"attachmentId": "x"}}
                ]
            }
        });
        let mail = parse(&message).unwrap();
        assert_eq!(mail.id, "18c0a1");
        assert_eq!(mail.thread_id.as_deref(), Some("18c0a0"));
        assert_eq!(mail.internal_date, 1_700_000_000_123);
        assert_eq!(mail.subject, "+420777123456");
        assert_eq!(mail.from.as_deref(), Some("Jana <jana@example.com>"));
        assert_eq!(mail.message_id.as_deref(), Some("<abc@mail>"));
        assert!(!mail.automatic);
        assert_eq!(mail.text, "Hello Petr,\nsee you at 6.");
    }

    #[test]
    fn html_only_bodies_become_text() {
        let message = json!({"id": "a1", "payload": {"mimeType": "text/html",
            "headers": [{"name": "Auto-Submitted", "value": "auto-replied"}],
            "body": {"data": data("<html><head><style>p{}</style></head><body><p>Dobr&yacute; den &amp; ahoj,</p><div>druh&#253;&nbsp;&#x159;&aacute;dek<br>t&#345;et&iacute; &bogus; a&b</div><div class=\"gmail_quote\">On Mon wrote:<blockquote>old <div>text</div></blockquote></div></body></html>")}}});
        let mail = parse(&message).unwrap();
        assert!(mail.automatic);
        // Unknown entities and bare ampersands stay as written.
        assert_eq!(
            mail.text,
            "Dobrý den & ahoj,\ndruhý řádek\ntřetí &bogus; a&b"
        );
    }

    #[test]
    fn charsets_padding_and_quotes() {
        // ISO-8859-1 bytes, base64url with padding.
        let latin = plutanium_sdk::mail::base64_encode(b"Caf\xe9 ok");
        let message = json!({"id": "b2", "payload": {"mimeType": "text/plain",
            "headers": [{"name": "Content-Type", "value": "text/plain; charset=\"ISO-8859-1\""}],
            "body": {"data": latin}}});
        assert_eq!(parse(&message).unwrap().text, "Café ok");
        assert_eq!(
            clean("Yes, 7 pm.\n\nOn Tue, Jana <j@x.cz> wrote:\n> Are you coming?\n>\n> Jana\n"),
            "Yes, 7 pm."
        );
        assert_eq!(clean("> quoted only"), "");
        assert_eq!(clean("a\n> inline\nb"), "a\n> inline\nb");
        assert_eq!(clean("\n\n  text  \n--\nsig"), "text");
        assert!(parse(&json!({"id": "../x"})).is_err());
        let empty =
            parse(&json!({"id": "c3", "payload": {"mimeType": "text/plain", "body": {"size": 0}}}))
                .unwrap();
        assert_eq!(empty.text, "");
        assert_eq!(empty.subject, "");
    }
}
