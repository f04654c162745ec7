//! Choosing an encoding and splitting text into message parts (TS 23.040 §9.2.3.24.1).

use std::fmt;
use std::str::FromStr;

use crate::dcs::Alphabet;
use crate::error::Error;
use crate::gsm7::Charset;
use crate::national::NationalLanguage;
use crate::pdu::{Payload, UserData};
use crate::transliterate;
use crate::udh::{Concat, InformationElement};

/// How to pick the alphabet for a text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EncodingPolicy {
    /// GSM 7-bit when every character fits (with the enabled national tables), else UCS-2.
    #[default]
    Auto,
    /// GSM 7-bit, or an error naming the first character that does not fit.
    Gsm7,
    /// Transliterate what does not fit, then GSM 7-bit.
    Gsm7Strip,
    /// Always UCS-2.
    Ucs2,
}

impl EncodingPolicy {
    /// The name used on the command line: `auto`, `gsm7`, `gsm7-strip`, `ucs2`.
    pub fn name(self) -> &'static str {
        match self {
            EncodingPolicy::Auto => "auto",
            EncodingPolicy::Gsm7 => "gsm7",
            EncodingPolicy::Gsm7Strip => "gsm7-strip",
            EncodingPolicy::Ucs2 => "ucs2",
        }
    }
}

impl fmt::Display for EncodingPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An encoding policy name that is not one of `auto`, `gsm7`, `gsm7-strip`, `ucs2`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown encoding \"{}\" (expected auto, gsm7, gsm7-strip or ucs2)",
    .0.escape_debug()
)]
pub struct UnknownEncoding(pub String);

impl FromStr for EncodingPolicy {
    type Err = UnknownEncoding;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(EncodingPolicy::Auto),
            "gsm7" => Ok(EncodingPolicy::Gsm7),
            "gsm7-strip" => Ok(EncodingPolicy::Gsm7Strip),
            "ucs2" => Ok(EncodingPolicy::Ucs2),
            other => Err(UnknownEncoding(other.to_string())),
        }
    }
}

/// The concatenation reference the caller chose for a multipart message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConcatRef {
    /// 8-bit reference (IEI 0x00), the usual form.
    Eight(u8),
    /// 16-bit reference (IEI 0x08): one octet more per part.
    Sixteen(u16),
}

impl Default for ConcatRef {
    fn default() -> Self {
        ConcatRef::Eight(0)
    }
}

impl ConcatRef {
    fn header_octets(self) -> usize {
        match self {
            ConcatRef::Eight(_) => 5,
            ConcatRef::Sixteen(_) => 6,
        }
    }
}

/// What to encode a text with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EncodeOptions {
    /// Alphabet policy.
    pub policy: EncodingPolicy,
    /// National languages whose tables may be used (the encoder picks the
    /// combination that needs the fewest parts).
    pub national: Vec<NationalLanguage>,
    /// Reference for the concatenation element when the text needs several parts.
    pub concat_ref: ConcatRef,
}

/// How a text will be encoded: the result of [`count`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counted {
    /// The alphabet chosen.
    pub alphabet: Alphabet,
    /// The GSM 7-bit tables chosen (default for UCS-2).
    pub charset: Charset,
    /// Number of parts.
    pub parts: usize,
    /// Septets (GSM 7-bit) or UTF-16 code units (UCS-2) of the whole text.
    pub units: usize,
    /// Units that fit in one part, given the headers this text needs.
    pub per_part: usize,
}

/// A text split into the user data of its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitText {
    /// The alphabet, tables and sizes.
    pub counted: Counted,
    /// One user data per part, headers included, in order.
    pub parts: Vec<UserData>,
}

const USER_DATA_BITS: usize = 140 * 8;
const NATIONAL_IE_OCTETS: usize = 3;

/// Septets available after a header of `header_octets` (UDHL included).
fn gsm7_capacity(header_octets: usize) -> usize {
    (USER_DATA_BITS - header_octets * 8) / 7
}

/// UTF-16 units available after a header of `header_octets` (UDHL included).
fn ucs2_capacity(header_octets: usize) -> usize {
    (140 - header_octets) / 2
}

fn national_header_octets(charset: Charset) -> usize {
    NATIONAL_IE_OCTETS
        * (usize::from(charset.locking.is_some()) + usize::from(charset.single.is_some()))
}

/// Splits `costs` greedily into parts of at most `capacity` units, never breaking
/// one character's units apart. Returns the index ranges in `costs`.
fn greedy_parts(costs: impl Iterator<Item = usize>, capacity: usize) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut used = 0;
    let mut index = 0;
    for cost in costs {
        if used + cost > capacity {
            parts.push((start, index));
            start = index;
            used = 0;
        }
        used += cost;
        index += 1;
    }
    parts.push((start, index));
    parts
}

/// Parts needed for a text of `units` with these per-character `costs`.
fn plan(
    units: usize,
    costs: impl Iterator<Item = usize> + Clone,
    single_capacity: usize,
    multi_capacity: usize,
) -> (usize, usize) {
    if units <= single_capacity {
        (1, single_capacity)
    } else {
        (greedy_parts(costs, multi_capacity).len(), multi_capacity)
    }
}

fn gsm7_costs(charset: Charset, text: &str) -> impl Iterator<Item = usize> + Clone + '_ {
    text.chars()
        .map(move |c| charset.lookup(c).map_or(1, |s| s.len()))
}

fn candidates(national: &[NationalLanguage]) -> Vec<Charset> {
    let mut lockings: Vec<Option<NationalLanguage>> = vec![None];
    let mut singles: Vec<Option<NationalLanguage>> = vec![None];
    for &lang in national {
        if crate::national::locking_table(lang).is_some() && !lockings.contains(&Some(lang)) {
            lockings.push(Some(lang));
        }
        if !singles.contains(&Some(lang)) {
            singles.push(Some(lang));
        }
    }
    let mut all = Vec::with_capacity(lockings.len() * singles.len());
    for &locking in &lockings {
        for &single in &singles {
            all.push(Charset { locking, single });
        }
    }
    all
}

/// Picks the GSM 7-bit tables that need the fewest parts, or `None` if no
/// combination can write the text.
fn best_gsm7(text: &str, opts: &EncodeOptions) -> Option<Counted> {
    let mut best: Option<(Counted, usize)> = None;
    for charset in candidates(&opts.national) {
        let Ok(units) = charset.septet_count(text) else {
            continue;
        };
        let national = national_header_octets(charset);
        let single_header = if national == 0 { 0 } else { 1 + national };
        let multi_header = 1 + opts.concat_ref.header_octets() + national;
        let (parts, per_part) = plan(
            units,
            gsm7_costs(charset, text),
            gsm7_capacity(single_header),
            gsm7_capacity(multi_header),
        );
        let counted = Counted {
            alphabet: Alphabet::Gsm7,
            charset,
            parts,
            units,
            per_part,
        };
        // Fewest parts, then fewest header octets, then fewest septets.
        let rank = (parts, national, units);
        if best
            .as_ref()
            .is_none_or(|(b, n)| rank < (b.parts, *n, b.units))
        {
            let default_fits_in_one = charset == Charset::DEFAULT && parts == 1;
            best = Some((counted, national));
            if default_fits_in_one {
                break;
            }
        }
    }
    best.map(|(c, _)| c)
}

fn ucs2_count(text: &str, opts: &EncodeOptions) -> Counted {
    let units = text.encode_utf16().count();
    let (parts, per_part) = plan(
        units,
        text.chars().map(char::len_utf16),
        ucs2_capacity(0),
        ucs2_capacity(1 + opts.concat_ref.header_octets()),
    );
    Counted {
        alphabet: Alphabet::Ucs2,
        charset: Charset::DEFAULT,
        parts,
        units,
        per_part,
    }
}

/// The text that will actually be sent under the policy (transliterated for
/// `gsm7-strip` when it does not fit as is).
fn effective_text<'a>(text: &'a str, opts: &EncodeOptions) -> std::borrow::Cow<'a, str> {
    if opts.policy == EncodingPolicy::Gsm7Strip && best_gsm7(text, opts).is_none() {
        std::borrow::Cow::Owned(transliterate::to_gsm7(text))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn first_unencodable(text: &str, opts: &EncodeOptions) -> Error {
    let charsets = candidates(&opts.national);
    let mut fallback = None;
    for (position, character) in text.chars().enumerate() {
        if !charsets.iter().any(|cs| cs.lookup(character).is_some()) {
            return Error::NotGsm7 {
                character,
                position,
            };
        }
        if fallback.is_none() && Charset::DEFAULT.lookup(character).is_none() {
            fallback = Some(Error::NotGsm7 {
                character,
                position,
            });
        }
    }
    // Every character fits some table, but no single combination fits them all.
    fallback.unwrap_or(Error::NotGsm7 {
        character: '\u{FFFD}',
        position: 0,
    })
}

fn count_effective(text: &str, opts: &EncodeOptions) -> Result<Counted, Error> {
    let counted = match opts.policy {
        EncodingPolicy::Ucs2 => ucs2_count(text, opts),
        EncodingPolicy::Auto => best_gsm7(text, opts).unwrap_or_else(|| ucs2_count(text, opts)),
        EncodingPolicy::Gsm7 | EncodingPolicy::Gsm7Strip => {
            best_gsm7(text, opts).ok_or_else(|| first_unencodable(text, opts))?
        }
    };
    if counted.parts > 255 {
        return Err(Error::TooManyParts {
            parts: counted.parts,
        });
    }
    Ok(counted)
}

/// How `text` would be encoded: alphabet, tables, parts and sizes.
pub fn count(text: &str, opts: &EncodeOptions) -> Result<Counted, Error> {
    count_effective(&effective_text(text, opts), opts)
}

/// Encodes `text` into the user data of its parts.
///
/// A part never ends inside an escape sequence or a surrogate pair; parts carry
/// the concatenation element (with `opts.concat_ref`) when there are several,
/// and the national shift elements when national tables are used.
pub fn split(text: &str, opts: &EncodeOptions) -> Result<SplitText, Error> {
    let text = effective_text(text, opts);
    let counted = count_effective(&text, opts)?;
    let mut national_ies = Vec::new();
    if let Some(lang) = counted.charset.single {
        national_ies.push(InformationElement::NationalSingleShift(lang.id()));
    }
    if let Some(lang) = counted.charset.locking {
        national_ies.push(InformationElement::NationalLockingShift(lang.id()));
    }
    if counted.parts == 1 {
        return Ok(SplitText {
            counted,
            parts: vec![UserData {
                header: national_ies,
                payload: Payload::Text(text.into_owned()),
            }],
        });
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let ranges = match counted.alphabet {
        Alphabet::Gsm7 => greedy_parts(gsm7_costs(counted.charset, &text), counted.per_part),
        _ => greedy_parts(text.chars().map(char::len_utf16), counted.per_part),
    };
    let byte_at = |char_index: usize| chars.get(char_index).map_or(text.len(), |&(b, _)| b);
    // counted.parts <= 255 was checked, so the casts are exact.
    let total = ranges.len() as u8;
    let parts = ranges
        .iter()
        .enumerate()
        .map(|(i, &(start, end))| {
            let concat = match opts.concat_ref {
                ConcatRef::Eight(r) => Concat {
                    reference: u16::from(r),
                    total,
                    sequence: i as u8 + 1,
                    sixteen_bit: false,
                },
                ConcatRef::Sixteen(r) => Concat {
                    reference: r,
                    total,
                    sequence: i as u8 + 1,
                    sixteen_bit: true,
                },
            };
            let mut header = vec![InformationElement::Concat(concat)];
            header.extend(national_ies.iter().cloned());
            UserData {
                header,
                payload: Payload::Text(text[byte_at(start)..byte_at(end)].to_string()),
            }
        })
        .collect();
    Ok(SplitText { counted, parts })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(policy: EncodingPolicy) -> EncodeOptions {
        EncodeOptions {
            policy,
            ..EncodeOptions::default()
        }
    }

    fn texts(split: &SplitText) -> Vec<String> {
        split
            .parts
            .iter()
            .map(|p| p.payload.text().unwrap_or_default().to_string())
            .collect()
    }

    #[test]
    fn single_part_limits() {
        let c = count(&"a".repeat(160), &opts(EncodingPolicy::Auto)).unwrap();
        assert_eq!(
            (c.alphabet, c.parts, c.units, c.per_part),
            (Alphabet::Gsm7, 1, 160, 160)
        );
        let c = count(&"a".repeat(161), &opts(EncodingPolicy::Auto)).unwrap();
        assert_eq!((c.parts, c.per_part), (2, 153));
        let c = count(&"ř".repeat(70), &opts(EncodingPolicy::Auto)).unwrap();
        assert_eq!((c.alphabet, c.parts, c.per_part), (Alphabet::Ucs2, 1, 70));
        let c = count(&"ř".repeat(71), &opts(EncodingPolicy::Auto)).unwrap();
        assert_eq!((c.parts, c.per_part), (2, 67));
        let sixteen = EncodeOptions {
            concat_ref: ConcatRef::Sixteen(7),
            ..opts(EncodingPolicy::Auto)
        };
        assert_eq!(count(&"a".repeat(161), &sixteen).unwrap().per_part, 152);
        assert_eq!(count(&"ř".repeat(71), &sixteen).unwrap().per_part, 66);
    }

    #[test]
    fn escapes_are_never_split() {
        // 152 plain septets, then '€' (2 septets) would straddle 153.
        let text = format!("{}€{}", "a".repeat(152), "x".repeat(10));
        let s = split(&text, &opts(EncodingPolicy::Gsm7)).unwrap();
        assert_eq!(
            texts(&s),
            vec!["a".repeat(152), format!("€{}", "x".repeat(10))]
        );
    }

    #[test]
    fn surrogate_pairs_are_never_split() {
        let text = format!("{}😀😀😀", "ř".repeat(66));
        let s = split(&text, &opts(EncodingPolicy::Auto)).unwrap();
        assert_eq!(s.counted.alphabet, Alphabet::Ucs2);
        assert_eq!(texts(&s), vec!["ř".repeat(66), "😀😀😀".to_string()]);
    }

    #[test]
    fn gsm7_policy_names_the_character() {
        let err = count("abc😀d", &opts(EncodingPolicy::Gsm7)).unwrap_err();
        assert_eq!(
            err,
            Error::NotGsm7 {
                character: '😀',
                position: 3
            }
        );
        assert_eq!(
            err.to_string(),
            "the character '😀' (U+1F600) at position 3 is not in the GSM 7-bit alphabet; send the text as UCS-2, or transliterate it to GSM 7-bit"
        );
        assert_eq!(
            "utf8".parse::<EncodingPolicy>().unwrap_err().to_string(),
            "unknown encoding \"utf8\" (expected auto, gsm7, gsm7-strip or ucs2)"
        );
    }

    #[test]
    fn strip_policy_transliterates() {
        let s = split("Žluťoučký kůň", &opts(EncodingPolicy::Gsm7Strip)).unwrap();
        assert_eq!(s.counted.alphabet, Alphabet::Gsm7);
        assert_eq!(texts(&s), vec!["Zlutoucky kun".to_string()]);
    }

    #[test]
    fn ucs2_policy_forces_ucs2() {
        let c = count("hello", &opts(EncodingPolicy::Ucs2)).unwrap();
        assert_eq!((c.alphabet, c.units), (Alphabet::Ucs2, 5));
    }

    #[test]
    fn concat_headers_carry_reference_and_sequence() {
        let o = EncodeOptions {
            concat_ref: ConcatRef::Eight(0xAB),
            ..opts(EncodingPolicy::Auto)
        };
        let s = split(&"x".repeat(400), &o).unwrap();
        assert_eq!(s.parts.len(), 3);
        for (i, part) in s.parts.iter().enumerate() {
            let c = part.concat().unwrap();
            assert_eq!((c.reference, c.total, c.sequence), (0xAB, 3, i as u8 + 1));
        }
    }

    #[test]
    fn too_many_parts_is_an_error() {
        let err = count(&"a".repeat(153 * 256), &opts(EncodingPolicy::Auto)).unwrap_err();
        assert!(matches!(err, Error::TooManyParts { parts: 256 }));
    }

    #[test]
    fn empty_text_is_one_empty_part() {
        let s = split("", &opts(EncodingPolicy::Auto)).unwrap();
        assert_eq!(s.parts.len(), 1);
        assert_eq!(s.counted.units, 0);
    }
}
