//! Email, for connectors that read or send mail (the Gmail connectors, or
//! your own): RFC 2822 messages with UTF-8 bodies and RFC 2047 encoded
//! headers, and base64url (the alphabet Gmail's API uses, with or without
//! padding).
//!
//! ```
//! use plutanium_sdk::mail::{Email, base64url_decode};
//! let raw = Email::new("owner@example.com", "SMS from +420777123456", "Ahoj, jak se máš?")
//!     .header("Auto-Submitted", "auto-generated")
//!     .to_rfc2822();
//! assert!(raw.contains("Subject: SMS from +420777123456\r\n"));
//! assert!(raw.contains("Content-Type: text/plain; charset=UTF-8\r\n"));
//! assert_eq!(base64url_decode("QWhvag").unwrap(), b"Ahoj");
//! ```

use std::fmt;

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn encode_with(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(char::from(alphabet[((n >> (18 - 6 * i)) & 63) as usize]));
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// `bytes` in standard base64 with padding (RFC 4648 §4).
pub fn base64_encode(bytes: &[u8]) -> String {
    encode_with(bytes, STANDARD, true)
}

/// `bytes` in base64url without padding (RFC 4648 §5), as Gmail's `raw`
/// fields take it.
pub fn base64url_encode(bytes: &[u8]) -> String {
    encode_with(bytes, URL_SAFE, false)
}

/// Text that is not base64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base64Error {
    /// The byte offset of the first character that is wrong.
    pub at: usize,
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid base64 at byte {}", self.at)
    }
}

impl std::error::Error for Base64Error {}

/// Decodes base64url or standard base64, with or without `=` padding;
/// line breaks and spaces are skipped. (Gmail pads some bodies and not
/// others; both alphabets are accepted because senders mix them up.)
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut padding_from = None;
    for (at, byte) in text.bytes().enumerate() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                padding_from.get_or_insert(at);
                continue;
            }
            b'\r' | b'\n' | b' ' | b'\t' => continue,
            _ => return Err(Base64Error { at }),
        };
        if let Some(at) = padding_from {
            // Data after padding.
            return Err(Base64Error { at });
        }
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        // One lone character cannot encode a byte.
        return Err(Base64Error { at: text.len() });
    }
    Ok(out)
}

/// A header value made safe for a message: line breaks become spaces, and
/// text that is not printable ASCII is encoded as RFC 2047 `=?UTF-8?B?…?=`
/// words (each at most 75 characters, split between characters).
pub fn encode_header(value: &str) -> String {
    let value: String = value
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect();
    if value.chars().all(|c| (' '..='~').contains(&c)) {
        return value;
    }
    // "=?UTF-8?B?" + "?=" is 12 characters; 63 left hold 45 bytes of text.
    const MAX_BYTES: usize = 45;
    let mut words = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for (i, c) in value.char_indices() {
        let next = i + c.len_utf8();
        if next - start > MAX_BYTES {
            words.push(&value[start..end]);
            start = end;
        }
        end = next;
    }
    words.push(&value[start..end]);
    words
        .iter()
        .map(|w| format!("=?UTF-8?B?{}?=", base64_encode(w.as_bytes())))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?ISO-8859-2?Q?…?=`,
/// in any charset [`decode_charset`] knows) in a header value; what is not an
/// encoded word stays as it is. The whitespace between two adjacent encoded
/// words is dropped, and adjacent words in one charset are decoded as one:
/// a mailer may split a character's bytes (UTF-8's, or an ISO-2022-JP
/// escape sequence's) across two words.
pub fn decode_header(value: &str) -> String {
    let mut out = String::new();
    // The charset and the words' bytes of the run of adjacent encoded words.
    let mut run: Option<(String, Vec<Vec<u8>>)> = None;
    let mut rest = value;
    while let Some(start) = rest.find("=?") {
        let (before, candidate) = rest.split_at(start);
        match encoded_word(candidate) {
            Some((charset, bytes, used)) => {
                let adjacent = run.is_some() && before.trim().is_empty();
                match &mut run {
                    Some((same, words)) if adjacent && same.eq_ignore_ascii_case(&charset) => {
                        words.push(bytes);
                    }
                    _ => {
                        out.push_str(&decode_run(run.take()));
                        if !adjacent {
                            out.push_str(before);
                        }
                        run = Some((charset, vec![bytes]));
                    }
                }
                rest = &candidate[used..];
            }
            None => {
                out.push_str(&decode_run(run.take()));
                out.push_str(before);
                out.push_str("=?");
                rest = &candidate[2..];
            }
        }
    }
    out.push_str(&decode_run(run.take()));
    out.push_str(rest);
    out
}

/// Adjacent encoded words in one charset. RFC 2047 wants each word whole
/// (and a stateful charset such as ISO-2022-JP must be read word by word:
/// its escape sequences close each one), but some mailers split a UTF-8
/// character across two words; the reading with fewer replacement
/// characters wins.
fn decode_run(run: Option<(String, Vec<Vec<u8>>)>) -> String {
    let Some((charset, words)) = run else {
        return String::new();
    };
    let separate: String = words.iter().map(|w| decode_charset(w, &charset)).collect();
    if words.len() == 1 || !separate.contains('\u{FFFD}') {
        return separate;
    }
    let joined = decode_charset(&words.concat(), &charset);
    let bad = |text: &str| text.matches('\u{FFFD}').count();
    if bad(&joined) < bad(&separate) {
        joined
    } else {
        separate
    }
}

/// One `=?charset?enc?text?=` word at the start of `text`: its charset
/// (without an RFC 2231 language), its bytes, and its length.
fn encoded_word(text: &str) -> Option<(String, Vec<u8>, usize)> {
    let inner = text.strip_prefix("=?")?;
    let (charset, after) = inner.split_once('?')?;
    let (encoding, after) = after.split_once('?')?;
    let end = after.find("?=")?;
    let payload = &after[..end];
    if payload.contains(char::is_whitespace) {
        return None;
    }
    let used = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    let bytes = match encoding {
        "B" | "b" => base64url_decode(payload).ok()?,
        "Q" | "q" => {
            let mut bytes = Vec::new();
            let mut iter = payload.bytes();
            while let Some(b) = iter.next() {
                match b {
                    b'_' => bytes.push(b' '),
                    b'=' => {
                        let hex = [iter.next()?, iter.next()?];
                        bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
                    }
                    _ => bytes.push(b),
                }
            }
            bytes
        }
        _ => return None,
    };
    // The charset may carry a language (`UTF-8*en`).
    let charset = charset.split('*').next().unwrap_or(charset).to_string();
    Some((charset, bytes, used))
}

/// `bytes` labelled `charset`, as text.
///
/// The bytes decide first: valid UTF-8 with any non-ASCII byte in it is
/// UTF-8, whatever the label says. Gmail's `format=full` hands every text
/// part over as UTF-8 but keeps the part's original `charset=` label, so a
/// message from Outlook labelled `windows-1252` would otherwise be decoded a
/// second time into mojibake ("PÅ™Ã­liÅ¡"). Bytes that are not UTF-8 (or only
/// ASCII, as ISO-2022-JP is) are decoded by the label, which may be any
/// encoding the WHATWG Encoding Standard names, with its aliases (`latin2`,
/// `cp1250`, `koi8-r`, `sjis`, `iso-2022-jp`, `gb18030`, `big5`, …), through
/// [encoding_rs](https://crates.io/crates/encoding_rs) (Firefox's). An
/// unknown label is read as UTF-8, invalid sequences replaced.
pub fn decode_charset(bytes: &[u8], charset: &str) -> String {
    if !bytes.is_ascii()
        && let Ok(text) = std::str::from_utf8(bytes)
    {
        return text.to_string();
    }
    let label = charset.trim().trim_matches('"');
    match encoding_rs::Encoding::for_label(label.as_bytes()) {
        Some(encoding) => encoding.decode_without_bom_handling(bytes).0.into_owned(),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Undoes a `Content-Transfer-Encoding` (`quoted-printable`, `base64`;
/// `7bit`, `8bit` and `binary` are the bytes as they are), for a part read
/// from a raw message. A body that does not decode is returned as it is.
/// (Gmail's `format=full` has undone it already.)
pub fn decode_transfer(body: &[u8], encoding: &str) -> Vec<u8> {
    match encoding.trim().to_ascii_lowercase().as_str() {
        "quoted-printable" => quoted_printable_decode(body),
        "base64" => {
            let text: String = body
                .iter()
                .filter(|b| !b.is_ascii_whitespace())
                .map(|&b| char::from(b))
                .collect();
            base64url_decode(&text).unwrap_or_else(|_| body.to_vec())
        }
        _ => body.to_vec(),
    }
}

/// RFC 2045 quoted-printable: `=XX` is a byte, `=` at a line's end joins
/// it to the next, trailing whitespace on a line is dropped.
fn quoted_printable_decode(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut lines = body.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.strip_suffix(b"\r").unwrap_or(line).trim_ascii_end();
        let (line, soft) = match line.strip_suffix(b"=") {
            Some(line) => (line, true),
            None => (line, false),
        };
        let mut i = 0;
        while i < line.len() {
            let byte = (line[i] == b'=')
                .then(|| line.get(i + 1..i + 3))
                .flatten()
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            match byte {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                }
                None => {
                    out.push(line[i]);
                    i += 1;
                }
            }
        }
        if !soft && lines.peek().is_some() {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// The address in a `From`/`To` value: `Jana <jana@example.com>` gives
/// `jana@example.com`; a bare address is returned trimmed. `None` when there
/// is no `@`.
pub fn address(value: &str) -> Option<String> {
    let candidate = match (value.rfind('<'), value.rfind('>')) {
        (Some(open), Some(close)) if open < close => &value[open + 1..close],
        _ => value,
    };
    let candidate = candidate.trim().trim_matches('"');
    // One address: no list separators, no spaces, one `@`.
    (candidate.matches('@').count() == 1
        && !candidate.contains(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>')))
    .then(|| candidate.to_string())
}

/// A plain-text email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    /// `To` addresses.
    pub to: Vec<String>,
    /// `From`, when the sender should be named (Gmail fills in the account's
    /// address when it is missing).
    pub from: Option<String>,
    /// The subject, any text.
    pub subject: String,
    /// The body, any text; sent as UTF-8.
    pub body: String,
    /// More headers, in order.
    pub headers: Vec<(String, String)>,
}

impl Email {
    /// An email to `to`.
    pub fn new(to: impl Into<String>, subject: impl Into<String>, body: impl Into<String>) -> Self {
        Email {
            to: vec![to.into()],
            from: None,
            subject: subject.into(),
            body: body.into(),
            headers: Vec::new(),
        }
    }

    /// Sets `From`.
    pub fn from(mut self, from: impl Into<String>) -> Self {
        self.from = Some(from.into());
        self
    }

    /// Adds a header (its value is encoded as [`encode_header`] does).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The message as RFC 2822 text: CRLF line ends, the subject and other
    /// headers RFC 2047 encoded where needed, the body UTF-8 in base64.
    pub fn to_rfc2822(&self) -> String {
        let mut out = String::new();
        let mut push = |name: &str, value: &str| {
            let name: String = name
                .chars()
                .filter(|c| c.is_ascii_graphic() && *c != ':')
                .collect();
            out.push_str(&name);
            out.push_str(": ");
            out.push_str(value);
            out.push_str("\r\n");
        };
        if let Some(from) = &self.from {
            push("From", &encode_header(from));
        }
        let to: Vec<String> = self.to.iter().map(|t| encode_header(t)).collect();
        push("To", &to.join(", "));
        push("Subject", &encode_header(&self.subject));
        for (name, value) in &self.headers {
            push(name, &encode_header(value));
        }
        push("MIME-Version", "1.0");
        push("Content-Type", "text/plain; charset=UTF-8");
        push("Content-Transfer-Encoding", "base64");
        out.push_str("\r\n");
        let body = self.body.replace("\r\n", "\n").replace('\n', "\r\n");
        let encoded = base64_encode(body.as_bytes());
        for line in encoded.as_bytes().chunks(76) {
            out.push_str(std::str::from_utf8(line).unwrap_or_default());
            out.push_str("\r\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_with_and_without_padding() {
        for text in [
            "",
            "f",
            "fo",
            "foo",
            "foob",
            "fooba",
            "foobar",
            "ž€\u{1F600}",
        ] {
            let url = base64url_encode(text.as_bytes());
            assert!(!url.contains('='));
            assert_eq!(base64url_decode(&url).unwrap(), text.as_bytes());
            let standard = base64_encode(text.as_bytes());
            assert_eq!(standard.len() % 4, 0);
            assert_eq!(base64url_decode(&standard).unwrap(), text.as_bytes());
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_decode("+/8=").unwrap(), [0xfb, 0xff]);
        assert_eq!(base64url_decode("Zm9v\r\nYmFy").unwrap(), b"foobar");
        assert!(base64url_decode("Zm9v!").is_err());
        assert!(base64url_decode("Zg=x").is_err());
        assert!(base64url_decode("Zm9vY").is_err());
    }

    #[test]
    fn headers_are_encoded_and_decoded() {
        assert_eq!(
            encode_header("SMS from +420777123456"),
            "SMS from +420777123456"
        );
        assert_eq!(encode_header("a\r\nBcc: x@y"), "a  Bcc: x@y");
        let long = "Zpráva od Jany: ".repeat(6);
        let encoded = encode_header(&long);
        for word in encoded.split("\r\n ") {
            assert!(word.len() <= 75, "{word}");
            assert!(word.starts_with("=?UTF-8?B?") && word.ends_with("?="));
        }
        assert_eq!(decode_header(&encoded.replace("\r\n", "")), long);
        assert_eq!(
            decode_header("=?ISO-8859-1?Q?Caf=E9_cr=E8me?= ok"),
            "Café crème ok"
        );
        assert_eq!(decode_header("plain =? text"), "plain =? text");
        assert_eq!(
            decode_header("Re: =?utf-8?b?xb5sdcWlb3XEjWvDvQ==?="),
            "Re: žluťoučký"
        );
    }

    #[test]
    fn a_message_is_rfc_2822() {
        let raw = Email::new(
            "Jana <jana@example.com>",
            "SMS from +420777123456",
            "Ahoj\nčau",
        )
        .from("gateway@example.com")
        .header("Message-ID", "<1@plutanium>")
        .to_rfc2822();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("From: gateway@example.com\r\nTo: Jana <jana@example.com>\r\n"));
        assert!(head.contains("Message-ID: <1@plutanium>"));
        assert!(head.contains("Content-Transfer-Encoding: base64"));
        let decoded = base64url_decode(body).unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), "Ahoj\r\nčau");
        assert_eq!(
            address("Jana <jana@example.com>").as_deref(),
            Some("jana@example.com")
        );
        assert_eq!(address(" x@y.cz ").as_deref(), Some("x@y.cz"));
        assert_eq!(address("nobody"), None);
        assert_eq!(address("a@x.cz,b@y.cz"), None, "one address only");
        assert_eq!(address("Eve <a@x.cz; b@y.cz>"), None);
        assert_eq!(decode_charset(&[0x80, 0x9A, 0xE9], "windows-1252"), "€šé");
    }

    #[test]
    fn every_whatwg_charset_and_utf8_whatever_the_label() {
        // The bytes of each text in its charset (from Python's codecs).
        let cases: [(&[u8], &str, &str); 7] = [
            (
                b"P\xf8\xedli\xb9 \xbelu\xbbou\xe8k\xfd",
                "ISO-8859-2",
                "Příliš žluťoučký",
            ),
            (
                b"P\xf8\xedli\x9a \x9elu\x9dou\xe8k\xfd",
                "windows-1250",
                "Příliš žluťoučký",
            ),
            (
                b"Za\xbf\xf3\xb3\xe6 g\xea\xb6l\xb1",
                "latin2",
                "Zażółć gęślą",
            ),
            (b"\xf3\xdf\xc5\xdb\xd8 \xd6\xc5", "koi8-r", "Съешь же"),
            (b"\x1b$B$3$s$K$A$O\x1b(B", "ISO-2022-JP", "こんにちは"),
            (b"\x82\xa8\x94\xe6\x82\xea", "Shift_JIS", "お疲れ"),
            (b"\x82\xa8\x94\xe6\x82\xea", "sjis", "お疲れ"),
        ];
        for (bytes, label, text) in cases {
            assert_eq!(decode_charset(bytes, label), text, "{label}");
        }
        // Gmail's format=full: UTF-8 bytes under the original label.
        assert_eq!(
            decode_charset("Příliš".as_bytes(), "windows-1252"),
            "Příliš"
        );
        assert_eq!(decode_charset("Příliš".as_bytes(), "iso-8859-1"), "Příliš");
        assert_eq!(decode_charset(b"plain", "no-such-charset"), "plain");
    }

    #[test]
    fn encoded_words_split_inside_a_character() {
        // "ř" is C5 99 in UTF-8; a mailer split it across two words.
        assert_eq!(
            decode_header("=?UTF-8?Q?p=C5?= =?UTF-8?Q?=99ijde=C5=A1?="),
            "přijdeš"
        );
        assert_eq!(
            decode_header(
                "=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?=\r\n =?ISO-2022-JP?B?GyRCQkBPOhsoQg==?= <a@b.c>"
            ),
            "山田太郎 <a@b.c>"
        );
        // Different charsets side by side, and a word among plain text.
        assert_eq!(
            decode_header(
                "=?iso-8859-2?Q?=AEofie?= =?koi8-r?B?8w==?= and =?windows-1250?Q?=8Aimon?="
            ),
            "ŽofieС and Šimon"
        );
    }

    #[test]
    fn transfer_encodings() {
        assert_eq!(
            decode_transfer(
                b"P=F8=EDli=9A =\r\nkr=E1sn=E9=20\r\nnext",
                "quoted-printable"
            ),
            b"P\xf8\xedli\x9a kr\xe1sn\xe9 \r\nnext".to_vec()
        );
        assert_eq!(
            decode_transfer(b"xZl1\r\nxaE=\r\n", "BASE64"),
            "řuš".as_bytes()
        );
        assert_eq!(decode_transfer(b"as is=", "8bit"), b"as is=".to_vec());
    }
}
