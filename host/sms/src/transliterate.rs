//! Transliteration of any text to the GSM 7-bit default alphabet.
//!
//! [`to_gsm7`] rewrites a string so that every character is in the GSM 03.38
//! default alphabet or its extension table (3GPP TS 23.038 §6.2.1), so the text
//! can be sent as GSM 7-bit instead of UCS-2 (160 characters per SMS instead of 70).
//! It is lossy by design and only used when the caller asks for it.
//!
//! # Rules
//!
//! 1. A character that GSM 7-bit already has ([`is_gsm7`]) is kept as is: `é`,
//!    `ñ`, `Ä`, `ö`, `ß`, the Greek capitals `Δ Φ Γ Λ Ω Π Ψ Σ Θ Ξ`, `€`, `[`, …
//!    Text that is entirely GSM 7-bit is returned unchanged without a table lookup.
//! 2. Any other character is looked up in a written-out table (`TABLE`, sorted by
//!    character and binary searched). No Unicode normalisation or other heuristic
//!    runs at run time, so the output for a character is exactly what the table says.
//! 3. Invisible characters are dropped: combining diacritical marks (so decomposed
//!    text such as `e` + U+0301 becomes `e`), zero-width spaces and joiners, bidi
//!    controls, the soft hyphen, the byte order mark, variation selectors (so `❤️`
//!    is one character), emoji skin-tone modifiers (so `👍🏽` is one character) and
//!    tag characters (so a subdivision flag is one character).
//! 4. Fullwidth ASCII (U+FF01–U+FF5E) becomes the ASCII character.
//! 5. Anything else (emoji, CJK, Arabic, Hebrew, Indic scripts, …) becomes one `?`
//!    per Unicode scalar value. Emoji made of several scalars joined by ZWJ give one
//!    `?` per visible component (`👨‍👩‍👧` gives `???`), and a flag made of two
//!    regional indicators gives `??`: pairing them would need a heuristic.
//!
//! Every replacement consists only of GSM 7-bit characters and no table key is
//! a GSM 7-bit character; the tests check both, and that the output of
//! [`to_gsm7`] is GSM 7-bit for every Unicode scalar value.
//!
//! # Choices
//!
//! - **Case is kept, the accent is dropped**: a letter with a diacritic maps to
//!   its base letter in the same case, even when GSM has the accented letter in the
//!   other case (`È` → `E` although `è` exists, `ç` → `c` although `Ç` exists).
//!   The one exception is Hungarian `ő ű Ő Ű`, which become `ö ü Ö Ü` (the same
//!   vowels, short), and pinyin `ǖ ǘ ǚ ǜ`, which become `ü`.
//! - **Latin letters**: all of Latin-1 Supplement and Latin Extended-A, plus the
//!   common Latin Extended-B letters (Romanian `ș ț` with comma below, Croatian
//!   digraphs `ǆ ǉ ǌ`, pinyin carons, Vietnamese horns, schwa) and the Vietnamese
//!   letters of Latin Extended Additional. Romanian `ş ţ` with cedilla map the same
//!   as with comma. `đ Đ` → `dj Dj` (as Serbian Cyrillic `ђ`), `ð Ð` → `d D`,
//!   `þ Þ` → `th Th`, `ı İ` → `i I`, `ß` stays and capital `ẞ` → `SS`,
//!   `œ æ`-style ligatures → two letters (`æ Æ` are GSM and stay).
//! - **Cyrillic** uses one Russian-based scheme for every language (the table is
//!   per character, not per language): `Ж Zh`, `Х Kh`, `Ц Ts`, `Ч Ch`, `Ш Sh`,
//!   `Щ Shch`, `Й Y`, `Ы Y`, `Э E`, `Ё Yo`, `Ю Yu`, `Я Ya`, `Е E`, `И I`, `Г G`.
//!   The hard and soft signs `Ъ Ь` are dropped (an apostrophe would be noise in
//!   most words). Ukrainian `Є Ye`, `Ї Yi`, `І I`, `Ґ G`; Belarusian `Ў U`;
//!   Serbian and Macedonian `Ђ Dj`, `Ћ C`, `Џ Dz`, `Ј J`, `Љ Lj`, `Њ Nj`, `Ѓ Gj`,
//!   `Ќ Kj`, `Ѕ Dz`. Digraphs are in title case, so an all-caps word comes out as
//!   `ZhUK` rather than `ZHUK`.
//! - **Greek** keeps the ten capitals GSM has. The other capitals become their
//!   Latin look-alikes (`Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ` → `A B E Z H I K M N O P T Y X`)
//!   and lowercase letters become what their capital becomes (`δ` → `Δ`,
//!   `α` → `A`, `ς` → `Σ`), so Greek text comes out in capitals, as Greek SMS
//!   traditionally was. Tonos and dialytika are dropped (`ώ` → `Ω`). Following
//!   ISO 843, the Greek question mark `;` → `?` and the ano teleia `·` → `;`.
//! - **Punctuation**: single quotes, primes and apostrophes (`‘ ’ ‚ ‛ ′ ʼ ´` and the
//!   backtick, which GSM lacks) → `'`; double quotes and guillemets
//!   (`“ ” „ ″ « »`) → `"` (one septet, rather than `<<`); `‹ ›` → `'`; every dash
//!   and the minus sign → `-`; `…` → `...`; bullets and dot operators
//!   (`• ‣ ∙ · ⋅`) → `*`, which reads as a list marker and as multiplication.
//! - **Spaces and lines**: every Unicode space and the tab → ` `; NEL and the
//!   line/paragraph separators → `\n`.
//! - **Symbols**: `™ TM`, `© (C)`, `® (R)`, `° o` (so `25°C` → `25oC`), `℃ oC`,
//!   `× x`, `÷ /`, `± +/-`, `¢ c`, `‰ %o`, `½ 1/2` and the other vulgar fractions,
//!   super- and subscript digits → digits, `µ u`, `≤ <=`, `→ ->`.
//! - **Currency**: `£ ¥ $ € ¤` are GSM. Other signs become their ISO 4217 code
//!   (`₽ RUB`, `₴ UAH`, `₺ TRY`, `₹ INR`, `₩ KRW`, `₪ ILS`, `₫ VND`, `₦ NGN`,
//!   `₱ PHP`, …), `₨` → `Rs`, `₿` → `BTC`, the lira sign `₤` → `£`.

// The written-out table is long, so it has a file of its own.
mod table;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;

use crate::gsm7::is_gsm7;
use table::TABLE;

/// Transliterates text to characters of the GSM 7-bit default alphabet + extension table.
///
/// Characters already in GSM 7-bit are kept; others are replaced as described in
/// the [module documentation](self); characters with no replacement become `?`.
/// The output always satisfies [`Charset::can_encode`](crate::Charset::can_encode)
/// for [`Charset::DEFAULT`](crate::Charset::DEFAULT).
pub fn to_gsm7(text: &str) -> String {
    if text.chars().all(is_gsm7) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_gsm7(c) {
            out.push(c);
        } else {
            out.push_str(replacement(c).unwrap_or("?"));
        }
    }
    out
}

/// The replacement for one character that is not in GSM 7-bit, or None if the table has none (caller then uses '?').
///
/// The replacement may be empty (the character is dropped) or longer than one
/// character (`Щ` → `Shch`); it consists only of GSM 7-bit characters. A
/// character that is already GSM 7-bit needs no replacement and gives `None`.
pub fn replacement(c: char) -> Option<&'static str> {
    if let Ok(i) = TABLE.binary_search_by_key(&c, |&(key, _)| key) {
        return Some(TABLE[i].1);
    }
    if is_dropped(c) {
        return Some("");
    }
    fullwidth(c)
}

/// Whether `c` is an invisible character that is dropped (in `DROPPED`).
fn is_dropped(c: char) -> bool {
    DROPPED
        .binary_search_by(|&(first, last)| {
            if last < c {
                Ordering::Less
            } else if first > c {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        })
        .is_ok()
}

/// First character of the Halfwidth and Fullwidth Forms block that mirrors ASCII.
const FULLWIDTH_FIRST: u32 = 0xFF01;

/// ASCII `!` to `~`, the targets of U+FF01–U+FF5E, with the backtick (not in
/// GSM 7-bit) replaced by an apostrophe.
const FULLWIDTH_ASCII: &str = "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_'abcdefghijklmnopqrstuvwxyz{|}~";

/// The ASCII character for a fullwidth form U+FF01–U+FF5E (`Ａ` → `A`).
fn fullwidth(c: char) -> Option<&'static str> {
    let i = usize::try_from(u32::from(c).checked_sub(FULLWIDTH_FIRST)?).ok()?;
    FULLWIDTH_ASCII.get(i..=i)
}

/// Invisible characters that are dropped, as inclusive ranges sorted by first
/// character and not overlapping.
static DROPPED: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),   // soft hyphen
    ('\u{0300}', '\u{036F}'),   // combining diacritical marks
    ('\u{1AB0}', '\u{1AFF}'),   // combining diacritical marks extended
    ('\u{1DC0}', '\u{1DFF}'),   // combining diacritical marks supplement
    ('\u{200B}', '\u{200F}'),   // zero-width space, ZWNJ, ZWJ, LRM, RLM
    ('\u{202A}', '\u{202E}'),   // bidi embeddings and overrides
    ('\u{2060}', '\u{2064}'),   // word joiner, invisible operators
    ('\u{2066}', '\u{2069}'),   // bidi isolates
    ('\u{20D0}', '\u{20FF}'),   // combining marks for symbols (keycap U+20E3)
    ('\u{FE00}', '\u{FE0F}'),   // variation selectors (text/emoji presentation)
    ('\u{FE20}', '\u{FE2F}'),   // combining half marks
    ('\u{FEFF}', '\u{FEFF}'),   // zero-width no-break space, byte order mark
    ('\u{1F3FB}', '\u{1F3FF}'), // emoji skin-tone modifiers
    ('\u{E0001}', '\u{E007F}'), // tag characters (subdivision flags)
    ('\u{E0100}', '\u{E01EF}'), // variation selectors supplement
];
