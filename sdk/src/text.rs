//! SMS text: how a text will be sent, stripping to the GSM alphabet,
//! trimming to a number of parts, templates and keywords.

use plutanium_sms::{Alphabet, EncodeOptions, EncodingPolicy};

/// How a text would be sent with automatic encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SmsSize {
    /// True for GSM 7-bit, false for UCS-2.
    pub gsm7: bool,
    /// Message parts.
    pub parts: usize,
    /// Septets (GSM 7-bit) or UTF-16 units (UCS-2) in the whole text.
    pub units: usize,
    /// Units that fit in one part.
    pub per_part: usize,
}

/// How `text` would be sent (GSM 7-bit when every character fits, else
/// UCS-2), or `None` when it needs more than 255 parts.
///
/// ```
/// let size = plutanium_sdk::text::size("Hello").unwrap();
/// assert!(size.gsm7 && size.parts == 1);
/// assert!(!plutanium_sdk::text::size("Ahoj 👋").unwrap().gsm7);
/// ```
pub fn size(text: &str) -> Option<SmsSize> {
    let counted = plutanium_sms::count(text, &EncodeOptions::default()).ok()?;
    Some(SmsSize {
        gsm7: counted.alphabet == Alphabet::Gsm7,
        parts: counted.parts,
        units: counted.units,
        per_part: counted.per_part,
    })
}

/// Whether every character of `text` is in the GSM 7-bit alphabet
/// (default table and its extension).
pub fn fits_gsm7(text: &str) -> bool {
    text.chars().all(plutanium_sms::gsm7::is_gsm7)
}

/// `text` with what does not fit GSM 7-bit replaced by the nearest GSM text
/// (`č` → `c`, `“` → `"`, emoji → `?`), so it is sent in the cheaper alphabet.
pub fn strip_to_gsm7(text: &str) -> String {
    plutanium_sms::transliterate::to_gsm7(text)
}

/// `text` cut, at a character, so that it fits in `max_parts` parts with
/// automatic encoding; unchanged when it already fits. A cut text ends in
/// `...` (or `…` when it is UCS-2 anyway) when that still fits.
pub fn truncate_to_parts(text: &str, max_parts: usize) -> String {
    let fits = |t: &str| size(t).is_some_and(|s| s.parts <= max_parts.max(1));
    if fits(text) {
        return text.to_string();
    }
    // Every prefix end at a character boundary; the empty prefix fits and the
    // whole text does not, so search between them for the longest that fits.
    let ends: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let (mut low, mut high) = (0, ends.len() - 1);
    while high - low > 1 {
        let mid = (low + high) / 2;
        if fits(&text[..ends[mid]]) {
            low = mid;
        } else {
            high = mid;
        }
    }
    let mut cut = text[..ends[low]].trim_end();
    let ellipsis = if fits_gsm7(cut) { "..." } else { "…" };
    loop {
        let candidate = format!("{cut}{ellipsis}");
        if fits(&candidate) {
            return candidate;
        }
        match cut.char_indices().last() {
            Some((i, _)) => cut = cut[..i].trim_end(),
            None => return String::new(),
        }
    }
}

/// Fills `{name}` placeholders in `template` from `values`; `{{` and `}}`
/// are literal braces, and an unknown placeholder is left as it is.
///
/// ```
/// let text = plutanium_sdk::text::render("{sender}: {text}", &[("sender", "+420777123456"), ("text", "hi")]);
/// assert_eq!(text, "+420777123456: hi");
/// ```
pub fn render(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
        } else if let Some(close) = tail.strip_prefix('{').and_then(|t| t.find('}')) {
            let name = &tail[1..=close];
            match values.iter().find(|(k, _)| *k == name) {
                Some((_, value)) => out.push_str(value),
                None => out.push_str(&tail[..close + 2]),
            }
            rest = &tail[close + 2..];
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The first word of `text` upper-cased, and the rest trimmed: the usual way
/// to read an SMS command such as `REDIRECT +420777123456`.
///
/// ```
/// assert_eq!(plutanium_sdk::text::keyword("  redirect +420 777 "), ("REDIRECT".to_string(), "+420 777"));
/// ```
pub fn keyword(text: &str) -> (String, &str) {
    let text = text.trim();
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    (text[..end].to_uppercase(), text[end..].trim())
}

/// The policy name the host uses for an [`Encoding`](crate::Encoding).
pub fn encoding_name(encoding: crate::Encoding) -> &'static str {
    let policy = match encoding {
        crate::Encoding::Auto => EncodingPolicy::Auto,
        crate::Encoding::Gsm7 => EncodingPolicy::Gsm7,
        crate::Encoding::Gsm7Strip => EncodingPolicy::Gsm7Strip,
        crate::Encoding::Ucs2 => EncodingPolicy::Ucs2,
    };
    policy.name()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_codec() {
        let s = size(&"a".repeat(161)).unwrap();
        assert_eq!((s.gsm7, s.parts, s.per_part), (true, 2, 153));
        assert_eq!(size("€").unwrap().units, 2, "the euro sign is an escape");
        assert!(fits_gsm7("Hello {€}") && !fits_gsm7("Příliš"));
        assert_eq!(strip_to_gsm7("Příliš “žluťoučký”"), "Prilis \"zlutoucky\"");
    }

    #[test]
    fn truncation_keeps_within_the_parts() {
        assert_eq!(truncate_to_parts("short", 1), "short");
        let long = "word ".repeat(100);
        let cut = truncate_to_parts(&long, 1);
        assert!(cut.ends_with("..."), "{cut}");
        assert_eq!(size(&cut).unwrap().parts, 1);
        assert!(cut.len() >= 155, "a GSM text stays GSM: {}", cut.len());
        let emoji = "👋".repeat(200);
        let cut = truncate_to_parts(&emoji, 2);
        assert_eq!(size(&cut).unwrap().parts, 2);
        assert!(cut.starts_with("👋") && cut.ends_with('…'));
    }

    #[test]
    fn templates_and_keywords() {
        let values = [("sender", "+1"), ("text", "a {b}")];
        assert_eq!(render("{sender}: {text}", &values), "+1: a {b}");
        assert_eq!(
            render("{{sender}} {unknown} {", &values),
            "{sender} {unknown} {"
        );
        assert_eq!(render("} tail", &values), "} tail");
        assert_eq!(keyword("stop"), ("STOP".to_string(), ""));
        assert_eq!(keyword(""), (String::new(), ""));
    }
}
