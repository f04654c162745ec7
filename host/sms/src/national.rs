//! National language locking-shift and single-shift tables (3GPP TS 23.038 §6.2.1.2.4, Annex A).
//!
//! GENERATED FILE, do not edit by hand: the tables, and the rest of this file,
//! are written by `scripts/gen-national-tables.py`. It is long because it is
//! data: 25 tables of 128 entries, one line per entry. Regenerate with
//!
//! ```text
//! apt-get install smstools
//! python3 scripts/gen-national-tables.py
//! ```
//!
//! Source: the TS 23.038 version 13.0.0 (Release 13) tables as rendered by
//! SMS Server Tools 3 (Debian package `smstools`) in
//! `/usr/share/doc/smstools/html/doc/national_language_shift_tables.html`,
//! which gives the UCS-2 code of every character. They are cross-checked against the
//! `gsmcodecs` PyPI package by `scripts/check-national-tables.py`; where the two differ
//! (see that script) these tables follow smstools, which agrees with Android's
//! `GsmAlphabet` there.
//!
//! Layout: every table has 128 entries indexed by septet; `None` is a position the
//! specification leaves empty. 0x1B is `None` everywhere: in a locking-shift table it
//! is the escape to the single-shift table, in a single-shift table it is reserved
//! (escape to a further extension table). Locking-shift tables keep LF at 0x0A and CR
//! at 0x0D like the default alphabet. Single-shift tables hold a form feed (U+000C) at
//! 0x0A, like the default extension table, and leave 0x0D (CR2, reserved) empty.
//! Spanish has a single-shift table only.
//!
//! As published, the Indic and Urdu single-shift tables (identifiers 4 to 13) hold
//! `*` at both 0x0B and 0x18 and `¡` at both 0x13 and 0x15. Both positions are kept
//! so that either decodes; the reverse lookup in [`crate::gsm7`] encodes each
//! character with its lower septet (tested there).

use std::fmt;
use std::str::FromStr;

use crate::septet_table::Table;

/// A national language with shift tables in TS 23.038 (its identifier is the IE value).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum NationalLanguage {
    /// Turkish (1).
    Turkish,
    /// Spanish (2): single shift only.
    Spanish,
    /// Portuguese (3).
    Portuguese,
    /// Bengali (4).
    Bengali,
    /// Gujarati (5).
    Gujarati,
    /// Hindi (6).
    Hindi,
    /// Kannada (7).
    Kannada,
    /// Malayalam (8).
    Malayalam,
    /// Oriya (9).
    Oriya,
    /// Punjabi (10).
    Punjabi,
    /// Tamil (11).
    Tamil,
    /// Telugu (12).
    Telugu,
    /// Urdu (13).
    Urdu,
}

impl NationalLanguage {
    /// Every language, in identifier order.
    pub const ALL: [NationalLanguage; 13] = [
        Self::Turkish,
        Self::Spanish,
        Self::Portuguese,
        Self::Bengali,
        Self::Gujarati,
        Self::Hindi,
        Self::Kannada,
        Self::Malayalam,
        Self::Oriya,
        Self::Punjabi,
        Self::Tamil,
        Self::Telugu,
        Self::Urdu,
    ];

    /// The language identifier carried in UDH IEs 0x24/0x25.
    pub fn id(self) -> u8 {
        match self {
            Self::Turkish => 1,
            Self::Spanish => 2,
            Self::Portuguese => 3,
            Self::Bengali => 4,
            Self::Gujarati => 5,
            Self::Hindi => 6,
            Self::Kannada => 7,
            Self::Malayalam => 8,
            Self::Oriya => 9,
            Self::Punjabi => 10,
            Self::Tamil => 11,
            Self::Telugu => 12,
            Self::Urdu => 13,
        }
    }

    /// The language for an identifier, if one is defined.
    pub fn from_id(id: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.id() == id)
    }

    /// Lower-case English name, as used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::Turkish => "turkish",
            Self::Spanish => "spanish",
            Self::Portuguese => "portuguese",
            Self::Bengali => "bengali",
            Self::Gujarati => "gujarati",
            Self::Hindi => "hindi",
            Self::Kannada => "kannada",
            Self::Malayalam => "malayalam",
            Self::Oriya => "oriya",
            Self::Punjabi => "punjabi",
            Self::Tamil => "tamil",
            Self::Telugu => "telugu",
            Self::Urdu => "urdu",
        }
    }

    /// ISO 639-1 code, also accepted by [`FromStr`].
    fn iso_639_1(self) -> &'static str {
        match self {
            Self::Turkish => "tr",
            Self::Spanish => "es",
            Self::Portuguese => "pt",
            Self::Bengali => "bn",
            Self::Gujarati => "gu",
            Self::Hindi => "hi",
            Self::Kannada => "kn",
            Self::Malayalam => "ml",
            Self::Oriya => "or",
            Self::Punjabi => "pa",
            Self::Tamil => "ta",
            Self::Telugu => "te",
            Self::Urdu => "ur",
        }
    }
}

impl fmt::Display for NationalLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A language name that is not one of TS 23.038's national languages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown national language \"{}\" (expected a name or ISO 639-1 code: turkish/tr, spanish/es, portuguese/pt, bengali/bn, gujarati/gu, hindi/hi, kannada/kn, malayalam/ml, oriya/or, punjabi/pa, tamil/ta, telugu/te, urdu/ur)",
    .0.escape_debug()
)]
pub struct UnknownLanguage(pub String);

impl FromStr for NationalLanguage {
    type Err = UnknownLanguage;

    /// Parses an English name (`"turkish"`) or an ISO 639-1 code (`"tr"`), ignoring
    /// ASCII case and surrounding whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|l| l.name() == lower || l.iso_639_1() == lower)
            .ok_or_else(|| UnknownLanguage(s.to_string()))
    }
}

/// TS 23.038 A.3.1, the Turkish national language locking shift table.
static TURKISH_LOCKING_SHIFT: Table = [
    // 0x00..=0x0F
    Some('@'),        // 0x00
    Some('\u{00A3}'), // 0x01 POUND SIGN
    Some('$'),        // 0x02
    Some('\u{00A5}'), // 0x03 YEN SIGN
    Some('\u{20AC}'), // 0x04 EURO SIGN
    Some('\u{00E9}'), // 0x05 LATIN SMALL LETTER E WITH ACUTE
    Some('\u{00F9}'), // 0x06 LATIN SMALL LETTER U WITH GRAVE
    Some('\u{0131}'), // 0x07 LATIN SMALL LETTER DOTLESS I
    Some('\u{00F2}'), // 0x08 LATIN SMALL LETTER O WITH GRAVE
    Some('\u{00C7}'), // 0x09 LATIN CAPITAL LETTER C WITH CEDILLA
    Some('\n'),       // 0x0A LINE FEED
    Some('\u{011E}'), // 0x0B LATIN CAPITAL LETTER G WITH BREVE
    Some('\u{011F}'), // 0x0C LATIN SMALL LETTER G WITH BREVE
    Some('\r'),       // 0x0D CARRIAGE RETURN
    Some('\u{00C5}'), // 0x0E LATIN CAPITAL LETTER A WITH RING ABOVE
    Some('\u{00E5}'), // 0x0F LATIN SMALL LETTER A WITH RING ABOVE
    // 0x10..=0x1F
    Some('\u{0394}'), // 0x10 GREEK CAPITAL LETTER DELTA
    Some('_'),        // 0x11
    Some('\u{03A6}'), // 0x12 GREEK CAPITAL LETTER PHI
    Some('\u{0393}'), // 0x13 GREEK CAPITAL LETTER GAMMA
    Some('\u{039B}'), // 0x14 GREEK CAPITAL LETTER LAMDA
    Some('\u{03A9}'), // 0x15 GREEK CAPITAL LETTER OMEGA
    Some('\u{03A0}'), // 0x16 GREEK CAPITAL LETTER PI
    Some('\u{03A8}'), // 0x17 GREEK CAPITAL LETTER PSI
    Some('\u{03A3}'), // 0x18 GREEK CAPITAL LETTER SIGMA
    Some('\u{0398}'), // 0x19 GREEK CAPITAL LETTER THETA
    Some('\u{039E}'), // 0x1A GREEK CAPITAL LETTER XI
    None,             // 0x1B ESC: escape to the single shift table
    Some('\u{015E}'), // 0x1C LATIN CAPITAL LETTER S WITH CEDILLA
    Some('\u{015F}'), // 0x1D LATIN SMALL LETTER S WITH CEDILLA
    Some('\u{00DF}'), // 0x1E LATIN SMALL LETTER SHARP S
    Some('\u{00C9}'), // 0x1F LATIN CAPITAL LETTER E WITH ACUTE
    // 0x20..=0x2F
    Some(' '),        // 0x20 SPACE
    Some('!'),        // 0x21
    Some('"'),        // 0x22
    Some('#'),        // 0x23
    Some('\u{00A4}'), // 0x24 CURRENCY SIGN
    Some('%'),        // 0x25
    Some('&'),        // 0x26
    Some('\''),       // 0x27
    Some('('),        // 0x28
    Some(')'),        // 0x29
    Some('*'),        // 0x2A
    Some('+'),        // 0x2B
    Some(','),        // 0x2C
    Some('-'),        // 0x2D
    Some('.'),        // 0x2E
    Some('/'),        // 0x2F
    // 0x30..=0x3F
    Some('0'), // 0x30
    Some('1'), // 0x31
    Some('2'), // 0x32
    Some('3'), // 0x33
    Some('4'), // 0x34
    Some('5'), // 0x35
    Some('6'), // 0x36
    Some('7'), // 0x37
    Some('8'), // 0x38
    Some('9'), // 0x39
    Some(':'), // 0x3A
    Some(';'), // 0x3B
    Some('<'), // 0x3C
    Some('='), // 0x3D
    Some('>'), // 0x3E
    Some('?'), // 0x3F
    // 0x40..=0x4F
    Some('\u{0130}'), // 0x40 LATIN CAPITAL LETTER I WITH DOT ABOVE
    Some('A'),        // 0x41
    Some('B'),        // 0x42
    Some('C'),        // 0x43
    Some('D'),        // 0x44
    Some('E'),        // 0x45
    Some('F'),        // 0x46
    Some('G'),        // 0x47
    Some('H'),        // 0x48
    Some('I'),        // 0x49
    Some('J'),        // 0x4A
    Some('K'),        // 0x4B
    Some('L'),        // 0x4C
    Some('M'),        // 0x4D
    Some('N'),        // 0x4E
    Some('O'),        // 0x4F
    // 0x50..=0x5F
    Some('P'),        // 0x50
    Some('Q'),        // 0x51
    Some('R'),        // 0x52
    Some('S'),        // 0x53
    Some('T'),        // 0x54
    Some('U'),        // 0x55
    Some('V'),        // 0x56
    Some('W'),        // 0x57
    Some('X'),        // 0x58
    Some('Y'),        // 0x59
    Some('Z'),        // 0x5A
    Some('\u{00C4}'), // 0x5B LATIN CAPITAL LETTER A WITH DIAERESIS
    Some('\u{00D6}'), // 0x5C LATIN CAPITAL LETTER O WITH DIAERESIS
    Some('\u{00D1}'), // 0x5D LATIN CAPITAL LETTER N WITH TILDE
    Some('\u{00DC}'), // 0x5E LATIN CAPITAL LETTER U WITH DIAERESIS
    Some('\u{00A7}'), // 0x5F SECTION SIGN
    // 0x60..=0x6F
    Some('\u{00E7}'), // 0x60 LATIN SMALL LETTER C WITH CEDILLA
    Some('a'),        // 0x61
    Some('b'),        // 0x62
    Some('c'),        // 0x63
    Some('d'),        // 0x64
    Some('e'),        // 0x65
    Some('f'),        // 0x66
    Some('g'),        // 0x67
    Some('h'),        // 0x68
    Some('i'),        // 0x69
    Some('j'),        // 0x6A
    Some('k'),        // 0x6B
    Some('l'),        // 0x6C
    Some('m'),        // 0x6D
    Some('n'),        // 0x6E
    Some('o'),        // 0x6F
    // 0x70..=0x7F
    Some('p'),        // 0x70
    Some('q'),        // 0x71
    Some('r'),        // 0x72
    Some('s'),        // 0x73
    Some('t'),        // 0x74
    Some('u'),        // 0x75
    Some('v'),        // 0x76
    Some('w'),        // 0x77
    Some('x'),        // 0x78
    Some('y'),        // 0x79
    Some('z'),        // 0x7A
    Some('\u{00E4}'), // 0x7B LATIN SMALL LETTER A WITH DIAERESIS
    Some('\u{00F6}'), // 0x7C LATIN SMALL LETTER O WITH DIAERESIS
    Some('\u{00F1}'), // 0x7D LATIN SMALL LETTER N WITH TILDE
    Some('\u{00FC}'), // 0x7E LATIN SMALL LETTER U WITH DIAERESIS
    Some('\u{00E0}'), // 0x7F LATIN SMALL LETTER A WITH GRAVE
];

/// TS 23.038 A.3.3, the Portuguese national language locking shift table.
static PORTUGUESE_LOCKING_SHIFT: Table = [
    // 0x00..=0x0F
    Some('@'),        // 0x00
    Some('\u{00A3}'), // 0x01 POUND SIGN
    Some('$'),        // 0x02
    Some('\u{00A5}'), // 0x03 YEN SIGN
    Some('\u{00EA}'), // 0x04 LATIN SMALL LETTER E WITH CIRCUMFLEX
    Some('\u{00E9}'), // 0x05 LATIN SMALL LETTER E WITH ACUTE
    Some('\u{00FA}'), // 0x06 LATIN SMALL LETTER U WITH ACUTE
    Some('\u{00ED}'), // 0x07 LATIN SMALL LETTER I WITH ACUTE
    Some('\u{00F3}'), // 0x08 LATIN SMALL LETTER O WITH ACUTE
    Some('\u{00E7}'), // 0x09 LATIN SMALL LETTER C WITH CEDILLA
    Some('\n'),       // 0x0A LINE FEED
    Some('\u{00D4}'), // 0x0B LATIN CAPITAL LETTER O WITH CIRCUMFLEX
    Some('\u{00F4}'), // 0x0C LATIN SMALL LETTER O WITH CIRCUMFLEX
    Some('\r'),       // 0x0D CARRIAGE RETURN
    Some('\u{00C1}'), // 0x0E LATIN CAPITAL LETTER A WITH ACUTE
    Some('\u{00E1}'), // 0x0F LATIN SMALL LETTER A WITH ACUTE
    // 0x10..=0x1F
    Some('\u{0394}'), // 0x10 GREEK CAPITAL LETTER DELTA
    Some('_'),        // 0x11
    Some('\u{00AA}'), // 0x12 FEMININE ORDINAL INDICATOR
    Some('\u{00C7}'), // 0x13 LATIN CAPITAL LETTER C WITH CEDILLA
    Some('\u{00C0}'), // 0x14 LATIN CAPITAL LETTER A WITH GRAVE
    Some('\u{221E}'), // 0x15 INFINITY
    Some('^'),        // 0x16
    Some('\\'),       // 0x17
    Some('\u{20AC}'), // 0x18 EURO SIGN
    Some('\u{00D3}'), // 0x19 LATIN CAPITAL LETTER O WITH ACUTE
    Some('|'),        // 0x1A
    None,             // 0x1B ESC: escape to the single shift table
    Some('\u{00C2}'), // 0x1C LATIN CAPITAL LETTER A WITH CIRCUMFLEX
    Some('\u{00E2}'), // 0x1D LATIN SMALL LETTER A WITH CIRCUMFLEX
    Some('\u{00CA}'), // 0x1E LATIN CAPITAL LETTER E WITH CIRCUMFLEX
    Some('\u{00C9}'), // 0x1F LATIN CAPITAL LETTER E WITH ACUTE
    // 0x20..=0x2F
    Some(' '),        // 0x20 SPACE
    Some('!'),        // 0x21
    Some('"'),        // 0x22
    Some('#'),        // 0x23
    Some('\u{00BA}'), // 0x24 MASCULINE ORDINAL INDICATOR
    Some('%'),        // 0x25
    Some('&'),        // 0x26
    Some('\''),       // 0x27
    Some('('),        // 0x28
    Some(')'),        // 0x29
    Some('*'),        // 0x2A
    Some('+'),        // 0x2B
    Some(','),        // 0x2C
    Some('-'),        // 0x2D
    Some('.'),        // 0x2E
    Some('/'),        // 0x2F
    // 0x30..=0x3F
    Some('0'), // 0x30
    Some('1'), // 0x31
    Some('2'), // 0x32
    Some('3'), // 0x33
    Some('4'), // 0x34
    Some('5'), // 0x35
    Some('6'), // 0x36
    Some('7'), // 0x37
    Some('8'), // 0x38
    Some('9'), // 0x39
    Some(':'), // 0x3A
    Some(';'), // 0x3B
    Some('<'), // 0x3C
    Some('='), // 0x3D
    Some('>'), // 0x3E
    Some('?'), // 0x3F
    // 0x40..=0x4F
    Some('\u{00CD}'), // 0x40 LATIN CAPITAL LETTER I WITH ACUTE
    Some('A'),        // 0x41
    Some('B'),        // 0x42
    Some('C'),        // 0x43
    Some('D'),        // 0x44
    Some('E'),        // 0x45
    Some('F'),        // 0x46
    Some('G'),        // 0x47
    Some('H'),        // 0x48
    Some('I'),        // 0x49
    Some('J'),        // 0x4A
    Some('K'),        // 0x4B
    Some('L'),        // 0x4C
    Some('M'),        // 0x4D
    Some('N'),        // 0x4E
    Some('O'),        // 0x4F
    // 0x50..=0x5F
    Some('P'),        // 0x50
    Some('Q'),        // 0x51
    Some('R'),        // 0x52
    Some('S'),        // 0x53
    Some('T'),        // 0x54
    Some('U'),        // 0x55
    Some('V'),        // 0x56
    Some('W'),        // 0x57
    Some('X'),        // 0x58
    Some('Y'),        // 0x59
    Some('Z'),        // 0x5A
    Some('\u{00C3}'), // 0x5B LATIN CAPITAL LETTER A WITH TILDE
    Some('\u{00D5}'), // 0x5C LATIN CAPITAL LETTER O WITH TILDE
    Some('\u{00DA}'), // 0x5D LATIN CAPITAL LETTER U WITH ACUTE
    Some('\u{00DC}'), // 0x5E LATIN CAPITAL LETTER U WITH DIAERESIS
    Some('\u{00A7}'), // 0x5F SECTION SIGN
    // 0x60..=0x6F
    Some('~'), // 0x60
    Some('a'), // 0x61
    Some('b'), // 0x62
    Some('c'), // 0x63
    Some('d'), // 0x64
    Some('e'), // 0x65
    Some('f'), // 0x66
    Some('g'), // 0x67
    Some('h'), // 0x68
    Some('i'), // 0x69
    Some('j'), // 0x6A
    Some('k'), // 0x6B
    Some('l'), // 0x6C
    Some('m'), // 0x6D
    Some('n'), // 0x6E
    Some('o'), // 0x6F
    // 0x70..=0x7F
    Some('p'),        // 0x70
    Some('q'),        // 0x71
    Some('r'),        // 0x72
    Some('s'),        // 0x73
    Some('t'),        // 0x74
    Some('u'),        // 0x75
    Some('v'),        // 0x76
    Some('w'),        // 0x77
    Some('x'),        // 0x78
    Some('y'),        // 0x79
    Some('z'),        // 0x7A
    Some('\u{00E3}'), // 0x7B LATIN SMALL LETTER A WITH TILDE
    Some('\u{00F5}'), // 0x7C LATIN SMALL LETTER O WITH TILDE
    Some('`'),        // 0x7D
    Some('\u{00FC}'), // 0x7E LATIN SMALL LETTER U WITH DIAERESIS
    Some('\u{00E0}'), // 0x7F LATIN SMALL LETTER A WITH GRAVE
];

/// TS 23.038 A.3.4, the Bengali national language locking shift table.
static BENGALI_LOCKING_SHIFT: Table = [
    // 0x00..=0x0F
    Some('\u{0981}'), // 0x00 BENGALI SIGN CANDRABINDU
    Some('\u{0982}'), // 0x01 BENGALI SIGN ANUSVARA
    Some('\u{0983}'), // 0x02 BENGALI SIGN VISARGA
    Some('\u{0985}'), // 0x03 BENGALI LETTER A
    Some('\u{0986}'), // 0x04 BENGALI LETTER AA
    Some('\u{0987}'), // 0x05 BENGALI LETTER I
    Some('\u{0988}'), // 0x06 BENGALI LETTER II
    Some('\u{0989}'), // 0x07 BENGALI LETTER U
    Some('\u{098A}'), // 0x08 BENGALI LETTER UU
    Some('\u{098B}'), // 0x09 BENGALI LETTER VOCALIC R
    Some('\n'),       // 0x0A LINE FEED
    Some('\u{098C}'), // 0x0B BENGALI LETTER VOCALIC L
    None,             // 0x0C unused
    Some('\r'),       // 0x0D CARRIAGE RETURN
    None,             // 0x0E unused
    Some('\u{098F}'), // 0x0F BENGALI LETTER E
    // 0x10..=0x1F
    Some('\u{0990}'), // 0x10 BENGALI LETTER AI
    None,             // 0x11 unused
    None,             // 0x12 unused
    Some('\u{0993}'), // 0x13 BENGALI LETTER O
    Some('\u{0994}'), // 0x14 BENGALI LETTER AU
    Some('\u{0995}'), // 0x15 BENGALI LETTER KA
    Some('\u{0996}'), // 0x16 BENGALI LETTER KHA
    Some('\u{0997}'), // 0x17 BENGALI LETTER GA
    Some('\u{0998}'), // 0x18 BENGALI LETTER GHA
    Some('\u{0999}'), // 0x19 BENGALI LETTER NGA
    Some('\u{099A}'), // 0x1A BENGALI LETTER CA
    None,             // 0x1B ESC: escape to the single shift table
    Some('\u{099B}'), // 0x1C BENGALI LETTER CHA
    Some('\u{099C}'), // 0x1D BENGALI LETTER JA
    Some('\u{099D}'), // 0x1E BENGALI LETTER JHA
    Some('\u{099E}'), // 0x1F BENGALI LETTER NYA
    // 0x20..=0x2F
    Some(' '),        // 0x20 SPACE
    Some('!'),        // 0x21
    Some('\u{099F}'), // 0x22 BENGALI LETTER TTA
    Some('\u{09A0}'), // 0x23 BENGALI LETTER TTHA
    Some('\u{09A1}'), // 0x24 BENGALI LETTER DDA
    Some('\u{09A2}'), // 0x25 BENGALI LETTER DDHA
    Some('\u{09A3}'), // 0x26 BENGALI LETTER NNA
    Some('\u{09A4}'), // 0x27 BENGALI LETTER TA
    Some(')'),        // 0x28
    Some('('),        // 0x29
    Some('\u{09A5}'), // 0x2A BENGALI LETTER THA
    Some('\u{09A6}'), // 0x2B BENGALI LETTER DA
    Some(','),        // 0x2C
    Some('\u{09A7}'), // 0x2D BENGALI LETTER DHA
    Some('.'),        // 0x2E
    Some('\u{09A8}'), // 0x2F BENGALI LETTER NA
    // 0x30..=0x3F
    Some('0'),        // 0x30
    Some('1'),        // 0x31
    Some('2'),        // 0x32
    Some('3'),        // 0x33
    Some('4'),        // 0x34
    Some('5'),        // 0x35
    Some('6'),        // 0x36
    Some('7'),        // 0x37
    Some('8'),        // 0x38
    Some('9'),        // 0x39
    Some(':'),        // 0x3A
    Some(';'),        // 0x3B
    None,             // 0x3C unused
    Some('\u{09AA}'), // 0x3D BENGALI LETTER PA
    Some('\u{09AB}'), // 0x3E BENGALI LETTER PHA
    Some('?'),        // 0x3F
    // 0x40..=0x4F
    Some('\u{09AC}'), // 0x40 BENGALI LETTER BA
    Some('\u{09AD}'), // 0x41 BENGALI LETTER BHA
    Some('\u{09AE}'), // 0x42 BENGALI LETTER MA
    Some('\u{09AF}'), // 0x43 BENGALI LETTER YA
    Some('\u{09B0}'), // 0x44 BENGALI LETTER RA
    None,             // 0x45 unused
    Some('\u{09B2}'), // 0x46 BENGALI LETTER LA
    None,             // 0x47 unused
    None,             // 0x48 unused
    None,             // 0x49 unused
    Some('\u{09B6}'), // 0x4A BENGALI LETTER SHA
    Some('\u{09B7}'), // 0x4B BENGALI LETTER SSA
    Some('\u{09B8}'), // 0x4C BENGALI LETTER SA
    Some('\u{09B9}'), // 0x4D BENGALI LETTER HA
    Some('\u{09BC}'), // 0x4E BENGALI SIGN NUKTA
    Some('\u{09BD}'), // 0x4F BENGALI SIGN AVAGRAHA
    // 0x50..=0x5F
    Some('\u{09BE}'), // 0x50 BENGALI VOWEL SIGN AA
    Some('\u{09BF}'), // 0x51 BENGALI VOWEL SIGN I
    Some('\u{09C0}'), // 0x52 BENGALI VOWEL SIGN II
    Some('\u{09C1}'), // 0x53 BENGALI VOWEL SIGN U
    Some('\u{09C2}'), // 0x54 BENGALI VOWEL SIGN UU
    Some('\u{09C3}'), // 0x55 BENGALI VOWEL SIGN VOCALIC R
    Some('\u{09C4}'), // 0x56 BENGALI VOWEL SIGN VOCALIC RR
    None,             // 0x57 unused
    None,             // 0x58 unused
    Some('\u{09C7}'), // 0x59 BENGALI VOWEL SIGN E
    Some('\u{09C8}'), // 0x5A BENGALI VOWEL SIGN AI
    None,             // 0x5B unused
    None,             // 0x5C unused
    Some('\u{09CB}'), // 0x5D BENGALI VOWEL SIGN O
    Some('\u{09CC}'), // 0x5E BENGALI VOWEL SIGN AU
    Some('\u{09CD}'), // 0x5F BENGALI SIGN VIRAMA
    // 0x60..=0x6F
    Some('\u{09CE}'), // 0x60 BENGALI LETTER KHANDA TA
    Some('a'),        // 0x61
    Some('b'),        // 0x62
    Some('c'),        // 0x63
    Some('d'),        // 0x64
    Some('e'),        // 0x65
    Some('f'),        // 0x66
    Some('g'),        // 0x67
    Some('h'),        // 0x68
    Some('i'),        // 0x69
    Some('j'),        // 0x6A
    Some('k'),        // 0x6B
    Some('l'),        // 0x6C
    Some('m'),        // 0x6D
    Some('n'),        // 0x6E
    Some('o'),        // 0x6F
    // 0x70..=0x7F
    Some('p'),        // 0x70
    Some('q'),        // 0x71
    Some('r'),        // 0x72
    Some('s'),        // 0x73
    Some('t'),        // 0x74
    Some('u'),        // 0x75
    Some('v'),        // 0x76
    Some('w'),        // 0x77
    Some('x'),        // 0x78
    Some('y'),        // 0x79
    Some('z'),        // 0x7A
    Some('\u{09D7}'), // 0x7B BENGALI AU LENGTH MARK
    Some('\u{09DC}'), // 0x7C BENGALI LETTER RRA
    Some('\u{09DD}'), // 0x7D BENGALI LETTER RHA
    Some('\u{09F0}'), // 0x7E BENGALI LETTER RA WITH MIDDLE DIAGONAL
    Some('\u{09F1}'), // 0x7F BENGALI LETTER RA WITH LOWER DIAGONAL
];

/// TS 23.038 A.3.5, the Gujarati national language locking shift table.
static GUJARATI_LOCKING_SHIFT: Table = [
    // 0x00..=0x0F
    Some('\u{0A81}'), // 0x00 GUJARATI SIGN CANDRABINDU
    Some('\u{0A82}'), // 0x01 GUJARATI SIGN ANUSVARA
    Some('\u{0A83}'), // 0x02 GUJARATI SIGN VISARGA
    Some('\u{0A85}'), // 0x03 GUJARATI LETTER A
    Some('\u{0A86}'), // 0x04 GUJARATI LETTER AA
    Some('\u{0A87}'), // 0x05 GUJARATI LETTER I
    Some('\u{0A88}'), // 0x06 GUJARATI LETTER II
    Some('\u{0A89}'), // 0x07 GUJARATI LETTER U
    Some('\u{0A8A}'), // 0x08 GUJARATI LETTER UU
    Some('\u{0A8B}'), // 0x09 GUJARATI LETTER VOCALIC R
    Some('\n'),       // 0x0A LINE FEED
    Some('\u{0A8C}'), // 0x0B GUJARATI LETTER VOCALIC L
    Some('\u{0A8D}'), // 0x0C GUJARATI VOWEL CANDRA E
    Some('\r'),       // 0x0D CARRIAGE RETURN
    None,             // 0x0E unused
    Some('\u{0A8F}'), // 0x0F GUJARATI LETTER E
    // 0x10..=0x1F
    Some('\u{0A90}'), // 0x10 GUJARATI LETTER AI
    Some('\u{0A91}'), // 0x11 GUJARATI VOWEL CANDRA O
    None,             // 0x12 unused
    Some('\u{0A93}'), // 0x13 GUJARATI LETTER O
    Some('\u{0A94}'), // 0x14 GUJARATI LETTER AU
    Some('\u{0A95}'), // 0x15 GUJARATI LETTER KA
    Some('\u{0A96}'), // 0x16 GUJARATI LETTER KHA
    Some('\u{0A97}'), // 0x17 GUJARATI LETTER GA
    Some('\u{0A98}'), // 0x18 GUJARATI LETTER GHA
    Some('\u{0A99}'), // 0x19 GUJARATI LETTER NGA
    Some('\u{0A9A}'), // 0x1A GUJARATI LETTER CA
    None,             // 0x1B ESC: escape to the single shift table
    Some('\u{0A9B}'), // 0x1C GUJARATI LETTER CHA
    Some('\u{0A9C}'), // 0x1D GUJARATI LETTER JA
    Some('\u{0A9D}'), // 0x1E GUJARATI LETTER JHA
    Some('\u{0A9E}'), // 0x1F GUJARATI LETTER NYA
    // 0x20..=0x2F
    Some(' '),        // 0x20 SPACE
    Some('!'),        // 0x21
    Some('\u{0A9F}'), // 0x22 GUJARATI LETTER TTA
    Some('\u{0AA0}'), // 0x23 GUJARATI LETTER TTHA
    Some('\u{0AA1}'), // 0x24 GUJARATI LETTER DDA
    Some('\u{0AA2}'), // 0x25 GUJARATI LETTER DDHA
    Some('\u{0AA3}'), // 0x26 GUJARATI LETTER NNA
    Some('\u{0AA4}'), // 0x27 GUJARATI LETTER TA
    Some(')'),        // 0x28
    Some('('),        // 0x29
    Some('\u{0AA5}'), // 0x2A GUJARATI LETTER THA
    Some('\u{0AA6}'), // 0x2B GUJARATI LETTER DA
    Some(','),        // 0x2C
    Some('\u{0AA7}'), // 0x2D GUJARATI LETTER DHA
    Some('.'),        // 0x2E
    Some('\u{0AA8}'), // 0x2F GUJARATI LETTER NA
    // 0x30..=0x3F
    Some('0'),        // 0x30
    Some('1'),        // 0x31
    Some('2'),        // 0x32
    Some('3'),        // 0x33
    Some('4'),        // 0x34
    Some('5'),        // 0x35
    Some('6'),        // 0x36
    Some('7'),        // 0x37
    Some('8'),        // 0x38
    Some('9'),        // 0x39
    Some(':'),        // 0x3A
    Some(';'),        // 0x3B
    None,             // 0x3C unused
    Some('\u{0AAA}'), // 0x3D GUJARATI LETTER PA
    Some('\u{0AAB}'), // 0x3E GUJARATI LETTER PHA
    Some('?'),        // 0x3F
    // 0x40..=0x4F
    Some('\u{0AAC}'), // 0x40 GUJARATI LETTER BA
    Some('\u{0AAD}'), // 0x41 GUJARATI LETTER BHA
    Some('\u{0AAE}'), // 0x42 GUJARATI LETTER MA
    Some('\u{0AAF}'), // 0x43 GUJARATI LETTER YA
    Some('\u{0AB0}'), // 0x44 GUJARATI LETTER RA
    None,             // 0x45 unused
    Some('\u{0AB2}'), // 0x46 GUJARATI LETTER LA
    Some('\u{0AB3}'), // 0x47 GUJARATI LETTER LLA
    None,             // 0x48 unused
    Some('\u{0AB5}'), // 0x49 GUJARATI LETTER VA
    Some('\u{0AB6}'), // 0x4A GUJARATI LETTER SHA
    Some('\u{0AB7}'), // 0x4B GUJARATI LETTER SSA
    Some('\u{0AB8}'), // 0x4C GUJARATI LETTER SA
    Some('\u{0AB9}'), // 0x4D GUJARATI LETTER HA
    Some('\u{0ABC}'), // 0x4E GUJARATI SIGN NUKTA
    Some('\u{0ABD}'), // 0x4F GUJARATI SIGN AVAGRAHA
    // 0x50..=0x5F
    Some('\u{0ABE}'), // 0x50 GUJARATI VOWEL SIGN AA
    Some('\u{0ABF}'), // 0x51 GUJARATI VOWEL SIGN I
    Some('\u{0AC0}'), // 0x52 GUJARATI VOWEL SIGN II
    Some('\u{0AC1}'), // 0x53 GUJARATI VOWEL SIGN U
    Some('\u{0AC2}'), // 0x54 GUJARATI VOWEL SIGN UU
    Some('\u{0AC3}'), // 0x55 GUJARATI VOWEL SIGN VOCALIC R
    Some('\u{0AC4}'), // 0x56 GUJARATI VOWEL SIGN VOCALIC RR
    Some('\u{0AC5}'), // 0x57 GUJARATI VOWEL SIGN CANDRA E
    None,             // 0x58 unused
    Some('\u{0AC7}'), // 0x59 GUJARATI VOWEL SIGN E
    Some('\u{0AC8}'), // 0x5A GUJARATI VOWEL SIGN AI
    Some('\u{0AC9}'), // 0x5B GUJARATI VOWEL SIGN CANDRA O
    None,             // 0x5C unused
    Some('\u{0ACB}'), // 0x5D GUJARATI VOWEL SIGN O
    Some('\u{0ACC}'), // 0x5E GUJARATI VOWEL SIGN AU
    Some('\u{0ACD}'), // 0x5F GUJARATI SIGN VIRAMA
    // 0x60..=0x6F
    Some('\u{0AD0}'), // 0x60 GUJARATI OM
    Some('a'),        // 0x61
    Some('b'),        // 0x62
    Some('c'),        // 0x63
    Some('d'),        // 0x64
    Some('e'),        // 0x65
    Some('f'),        // 0x66
    Some('g'),        // 0x67
    Some('h'),        // 0x68
    Some('i'),        // 0x69
    Some('j'),        // 0x6A
    Some('k'),        // 0x6B
    Some('l'),        // 0x6C
    Some('m'),        // 0x6D
    Some('n'),        // 0x6E
    Some('o'),        // 0x6F
    // 0x70..=0x7F
    Some('p'),        // 0x70
    Some('q'),        // 0x71
    Some('r'),        // 0x72
    Some('s'),        // 0x73
    Some('t'),        // 0x74
    Some('u'),        // 0x75
    Some('v'),        // 0x76
    Some('w'),        // 0x77
    Some('x'),        // 0x78
    Some('y'),        // 0x79
    Some('z'),        // 0x7A
    Some('\u{0AE0}'), // 0x7B GUJARATI LETTER VOCALIC RR
    Some('\u{0AE1}'), // 0x7C GUJARATI LETTER VOCALIC LL
    Some('\u{0AE2}'), // 0x7D GUJARATI VOWEL SIGN VOCALIC L
    Some('\u{0AE3}'), // 0x7E GUJARATI VOWEL SIGN VOCALIC LL
    Some('\u{0AF1}'), // 0x7F GUJARATI RUPEE SIGN
];

/// TS 23.038 A.3.6, the Hindi national language locking shift table.
static HINDI_LOCKING_SHIFT: Table = [
    // 0x00..=0x0F
    Some('\u{0901}'), // 0x00 DEVANAGARI SIGN CANDRABINDU
    Some('\u{0902}'), // 0x01 DEVANAGARI SIGN ANUSVARA
    Some('\u{0903}'), // 0x02 DEVANAGARI SIGN VISARGA
    Some('\u{0905}'), // 0x03 DEVANAGARI LETTER A
    Some('\u{0906}'), // 0x04 DEVANAGARI LETTER AA
    Some('\u{0907}'), // 0x05 DEVANAGARI LETTER I
    Some('\u{0908}'), // 0x06 DEVANAGARI LETTER II
    Some('\u{0909}'), // 0x07 DEVANAGARI LETTER U
    Some('\u{090A}'), // 0x08 DEVANAGARI LETTER UU
    Some('\u{090B}'), // 0x09 DEVANAGARI LETTER VOCALIC R
    Some('\n'),       // 0x0A LINE FEED
    Some('\u{090C}'), // 0x0B DEVANAGARI LETTER VOCALIC L
    Some('\u{090D}'), // 0x0C DEVANAGARI LETTER CANDRA E
    Some('\r'),       // 0x0D CARRIAGE RETURN
    Some('\u{090E}'), // 0x0E DEVANAGARI LETTER SHORT E
    Some('\u{090F}'), // 0x0F DEVANAGARI LETTER E
    // 0x10..=0x1F
    Some('\u{0910}'), // 0x10 DEVANAGARI LETTER AI
    Some('\u{0911}'), // 0x11 DEVANAGARI LETTER CANDRA O
    Some('\u{0912}'), // 0x12 DEVANAGARI LETTER SHORT O
    Some('\u{0913}'), // 0x13 DEVANAGARI LETTER O
    Some('\u{0914}'), // 0x14 DEVANAGARI LETTER AU
    Some('\u{0915}'), // 0x15 DEVANAGARI LETTER KA
    Some('\u{0916}'), // 0x16 DEVANAGARI LETTER KHA
    Some('\u{0917}'), // 0x17 DEVANAGARI LETTER GA
    Some('\u{0918}'), // 0x18 DEVANAGARI LETTER GHA
    Some('\u{0919}'), // 0x19 DEVANAGARI LETTER NGA
    Some('\u{091A}'), // 0x1A DEVANAGARI LETTER CA
    None,             // 0x1B ESC: escape to the single shift table
    Some('\u{091B}'), // 0x1C DEVANAGARI LETTER CHA
    Some('\u{091C}'), // 0x1D DEVANAGARI LETTER JA
    Some('\u{091D}'), // 0x1E DEVANAGARI LETTER JHA
    Some('\u{091E}'), // 0x1F DEVANAGARI LETTER NYA
    // 0x20..=0x2F
    Some(' '),        // 0x20 SPACE
    Some('!'),        // 0x21
    Some('\u{091F}'), // 0x22 DEVANAGARI LETTER TTA
    Some('\u{0920}'), // 0x23 DEVANAGARI LETTER TTHA
    Some('\u{0921}'), // 0x24 DEVANAGARI LETTER DDA
    Some('\u{0922}'), // 0x25 DEVANAGARI LETTER DDHA
    Some('\u{0923}'), // 0x26 DEVANAGARI LETTER NNA
    Some('\u{0924}'), // 0x27 DEVANAGARI LETTER TA
    Some(')'),        // 0x28
    Some('('),        // 0x29
    Some('\u{0925}'), // 0x2A DEVANAGARI LETTER THA
    Some('\u{0926}'), // 0x2B DEVANAGARI LETTER DA
    Some(','),        // 0x2C
    Some('\u{0927}'), // 0x2D DEVANAGARI LETTER DHA
    Some('.'),        // 0x2E
    Some('\u{0928}'), // 0x2F DEVANAGARI LETTER NA
    // 0x30..=0x3F
    Some('0'),        // 0x30
    Some('1'),        // 0x31
    Some('2'),        // 0x32
    Some('3'),        // 0x33
    Some('4'),        // 0x34
    Some('5'),        // 0x35
    Some('6'),        // 0x36
    Some('7'),        // 0x37
    Some('8'),        // 0x38
    Some('9'),        // 0x39
    Some(':'),        // 0x3A
    Some(';'),        // 0x3B
    Some('\u{0929}'), // 0x3C DEVANAGARI LETTER NNNA
    Some('\u{092A}'), // 0x3D DEVANAGARI LETTER PA
    Some('\u{092B}'), // 0x3E DEVANAGARI LETTER PHA
    Some('?'),        // 0x3F
    // 0x40..=0x4F
    Some('\u{092C}'), // 0x40 DEVANAGARI LETTER BA
    Some('\u{092D}'), // 0x41 DEVANAGARI LETTER BHA
    Some('\u{092E}'), // 0x42 DEVANAGARI LETTER MA
    Some('\u{092F}'), // 0x43 DEVANAGARI LETTER YA
    Some('\u{0930}'), // 0x44 DEVANAGARI LETTER RA
    Some('\u{0931}'), // 0x45 DEVANAGARI LETTER RRA
    Some('\u{0932}'), // 0x46 DEVANAGARI LETTER LA
    Some('\u{0933}'), // 0x47 DEVANAGARI LETTER LLA
    Some('\u{0934}'), // 0x48 DEVANAGARI LETTER LLLA
    Some('\u{0935}'), // 0x49 DEVANAGARI LETTER VA
    Some('\u{0936}'), // 0x4A DEVANAGARI LETTER SHA
    Some('\u{0937}'), // 0x4B DEVANAGARI LETTER SSA
    Some('\u{0938}'), // 0x4C DEVANAGARI LETTER SA
    Some('\u{0939}'), // 0x4D DEVANAGARI LETTER HA
    Some('\u{093C}'), // 0x4E DEVANAGARI SIGN NUKTA
    Some('\u{093D}'), // 0x4F DEVANAGARI SIGN AVAGRAHA
    // 0x50..=0x5F
    Some('\u{093E}'), // 0x50 DEVANAGARI VOWEL SIGN AA
    Some('\u{093F}'), // 0x51 DEVANAGARI VOWEL SIGN I
    Some('\u{0940}'), // 0x52 DEVANAGARI VOWEL SIGN II
    Some('\u{0941}'), // 0x53 DEVANAGARI VOWEL SIGN U
    Some('\u{0942}'), // 0x54 DEVANAGARI VOWEL SIGN UU
    Some('\u{0943}'), // 0x55 DEVANAGARI VOWEL SIGN VOCALIC R
    Some('\u{0944}'), // 0x56 DEVANAGARI VOWEL SIGN VOCALIC RR
    Some('\u{0945}'), // 0x57 DEVANAGARI VOWEL SIGN CANDRA E
    Some('\u{0946}'), // 0x58 DEVANAGARI VOWEL SIGN SHORT E
    Some('\u{0947}'), // 0x59 DEVANAGARI VOWEL SIGN E
    Some('\u{0948}'), // 0x5A DEVANAGARI VOWEL SIGN AI
    Some('\u{0949}'), // 0x5B DEVANAGARI VOWEL SIGN CANDRA O
    Some('\u{094A}'), // 0x5C DEVANAGARI VOWEL SIGN SHORT O
    Some('\u{094B}'), // 0x5D DEVANAGARI VOWEL SIGN O
    Some('\u{094C}'), // 0x5E DEVANAGARI VOWEL SIGN AU
    Some('\u{094D}'), // 0x5F DEVANAGARI SIGN VIRAMA
    // 0x60..=0x6F
    Some('\u{0950}'), // 0x60 DEVANAGARI OM
    Some('a'),        // 0x61
    Some('b'),        // 0x62
    Some('c'),        // 0x63
    Some('d'),        // 0x64
    Some('e'),        // 0x65
    Some('f'),        // 0x66
    Some('g'),        // 0x67
    Some('h'),        // 0x68
    Some('i'),        // 0x69
    Some('j'),        // 0x6A
    Some('k'),        // 0x6B
    Some('l'),        // 0x6C
    Some('m'),        // 0x6D
    Some('n'),        // 0x6E
    Some('o'),        // 0x6F
    // 0x70..=0x7F
    Some('p'),        // 0x70
    Some('q'),        // 0x71
    Some('r'),        // 0x72
    Some('s'),        // 0x73
    Some('t'),        // 0x74
    Some('u'),        // 0x75
    Some('v'),        // 0x76
    Some('w'),        // 0x77
    Some('x'),        // 0x78
    Some('y'),        // 0x79
    Some('z'),        // 0x7A
    Some('\u{0972}'), // 0x7B DEVANAGARI LETTER CANDRA A
    Some('\u{097B}'), // 0x7C DEVANAGARI LETTER GGA
    Some('\u{097C}'), // 0x7D DEVANAGARI LETTER JJA
    Some('\u{097E}'), // 0x7E DEVANAGARI LETTER DDDA
    Some('\u{097F}'), // 0x7F DEVANAGARI LETTER BBA
];

/// TS 23.038 A.3.7, the Kannada national language locking shift table.
static KANNADA_LOCKING_SHIFT: Table = [
    // 0x00..=0x0F
    None,             // 0x00 unused
    Some('\u{0C82}'), // 0x01 KANNADA SIGN ANUSVARA
    Some('\u{0C83}'), // 0x02 KANNADA SIGN VISARGA
    Some('\u{0C85}'), // 0x03 KANNADA LETTER A
    Some('\u{0C86}'), // 0x04 KANNADA LETTER AA
    Some('\u{0C87}'), // 0x05 KANNADA LETTER I
    Some('\u{0C88}'), // 0x06 KANNADA LETTER II
    Some('\u{0C89}'), // 0x07 KANNADA LETTER U
    Some('\u{0C8A}'), // 0x08 KANNADA LETTER UU
    Some('\u{0C8B}'), // 0x09 KANNADA LETTER VOCALIC R
    Some('\n'),       // 0x0A LINE FEED
    Some('\u{0C8C}'), // 0x0B KANNADA LETTER VOCALIC L
    None,             // 0x0C unused
    Some('\r'),       // 0x0D CARRIAGE RETURN
    Some('\u{0C8E}'), // 0x0E KANNADA LETTER E
    Some('\u{0C8F}'), // 0x0F KANNADA LETTER EE
    // 0x10..=0x1F
    Some('\u{0C90}'), // 0x10 KANNADA LETTER AI
    None,             // 0x11 unused
    Some('\u{0C92}'), // 0x12 KANNADA LETTER O
    Some('\u{0C93}'), // 0x13 KANNADA LETTER OO
    Some('\u{0C94}'), // 0x14 KANNADA LETTER AU
    Some('\u{0C95}'), // 0x15 KANNADA LETTER KA
    Some('\u{0C96}'), // 0x16 KANNADA LETTER KHA
    Some('\u{0C97}'), // 0x17 KANNADA LETTER GA
    Some('\u{0C98}'), // 0x18 KANNADA LETTER GHA
    Some('\u{0C99}'), // 0x19 KANNADA LETTER NGA
    Some('\u{0C9A}'), // 0x1A KANNADA LETTER CA
    None,             // 0x1B ESC: escape to the single shift table
    Some('\u{0C9B}'), // 0x1C KANNADA LETTER CHA
    Some('\u{0C9C}'), // 0x1D KANNADA LETTER JA
    Some('\u{0C9D}'), // 0x1E KANNADA LETTER JHA
    Some('\u{0C9E}'), // 0x1F KANNADA LETTER NYA
    // 0x20..=0x2F
    Some(' '),        // 0x20 SPACE
    Some('!'),        // 0x21
    Some('\u{0C9F}'), // 0x22 KANNADA LETTER TTA
    Some('\u{0CA0}'), // 0x23 KANNADA LETTER TTHA
    Some('\u{0CA1}'), // 0x24 KANNADA LETTER DDA
    Some('\u{0CA2}'), // 0x25 KANNADA LETTER DDHA
    Some('\u{0CA3}'), // 0x26 KANNADA LETTER NNA
    Some('\u{0CA4}'), // 0x27 KANNADA LETTER TA
    Some(')'),        // 0x28
    Some('('),        // 0x29
    Some('\u{0CA5}'), // 0x2A KANNADA LETTER THA
    Some('\u{0CA6}'), // 0x2B KANNADA LETTER DA
    Some(','),        // 0x2C
    Some('\u{0CA7}'), // 0x2D KANNADA LETTER DHA
    Some('.'),        // 0x2E
    Some('\u{0CA8}'), // 0x2F KANNADA LETTER NA
    // 0x30..=0x3F
    Some('0'),        // 0x30
    Some('1'),        // 0x31
    Some('2'),        // 0x32
    Some('3'),        // 0x33
    Some('4'),        // 0x34
    Some('5'),        // 0x35
    Some('6'),        // 0x36
    Some('7'),        // 0x37
    Some('8'),        // 0x38
    Some('9'),        // 0x39
    Some(':'),        // 0x3A
    Some(';'),        // 0x3B
    None,             // 0x3C unused
    Some('\u{0CAA}'), // 0x3D KANNADA LETTER PA
    Some('\u{0CAB}'), // 0x3E KANNADA LETTER PHA
    Some('?'),        // 0x3F
    // 0x40..=0x4F
    Some('\u{0CAC}'), // 0x40 KANNADA LETTER BA
    Some('\u{0CAD}'), // 0x41 KANNADA LETTER BHA
    Some('\u{0CAE}'), // 0x42 KANNADA LETTER MA
    Some('\u{0CAF}'), // 0x43 KANNADA LETTER YA
    Some('\u{0CB0}'), // 0x44 KANNADA LETTER RA
    Some('\u{0CB1}'), // 0x45 KANNADA LETTER RRA
    Some('\u{0CB2}'), // 0x46 KANNADA LETTER LA
    Some('\u{0CB3}'), // 0x47 KANNADA LETTER LLA
    None,             // 0x48 unused
    Some('\u{0CB5}'), // 0x49 KANNADA LETTER VA
    Some('\u{0CB6}'), // 0x4A KANNADA LETTER SHA
    Some('\u{0CB7}'), // 0x4B KANNADA LETTER SSA
    Some('\u{0CB8}'), // 0x4C KANNADA LETTER SA
    Some('\u{0CB9}'), // 0x4D KANNADA LETTER HA
    Some('\u{0CBC}'), // 0x4E KANNADA SIGN NUKTA
    Some('\u{0CBD}'), // 0x4F KANNADA SIGN AVAGRAHA
    // 0x50..=0x5F
    Some('\u{0CBE}'), // 0x50 KANNADA VOWEL SIGN AA
    Some('\u{0CBF}'), // 0x51 KANNADA VOWEL SIGN I
    Some('\u{0CC0}'), // 0x52 KANNADA VOWEL SIGN II
    Some('\u{0CC1}'), // 0x53 KANNADA VOWEL SIGN U
    Some('\u{0CC2}'), // 0x54 KANNADA VOWEL SIGN UU
    Some('\u{0CC3}'), // 0x55 KANNADA VOWEL SIGN VOCALIC R
    Some('\u{0CC4}'), // 0x56 KANNADA VOWEL SIGN VOCALIC RR
    None,             // 0x57 unused
    Some('\u{0CC6}'), // 0x58 KANNADA VOWEL SIGN E
    Some('\u{0CC7}'), // 0x59 KANNADA VOWEL SIGN EE
    Some('\u{0CC8}'), // 0x5A KANNADA VOWEL SIGN AI
    None,             // 0x5B unused
    Some('\u{0CCA}'), // 0x5C KANNADA VOWEL SIGN O
    Some('\u{0CCB}'), // 0x5D KANNADA VOWEL SIGN OO
    Some('\u{0CCC}'), // 0x5E KANNADA VOWEL SIGN AU
    Some('\u{0CCD}'), // 0x5F KANNADA SIGN VIRAMA
    // 0x60..=0x6F
    Some('\u{0CD5}'), // 0x60 KANNADA LENGTH MARK
    Some('a'),        // 0x61
    Some('b'),        // 0x62
    Some('c'),        // 0x63
    Some('d'),        // 0x64
    Some('e'),        // 0x65
    Some('f'),        // 0x66
    Some('g'),        // 0x67
    Some('h'),        // 0x68
    Some('i'),        // 0x69
    Some('j'),        // 0x6A
    Some('k'),        // 0x6B
    Some('l'),        // 0x6C
    Some('m'),        // 0x6D
    Some('n'),        // 0x6E
    Some('o'),        // 0x6F
    // 0x70..=0x7F
    Some('p'),        // 0x70
    Some('q'),        // 0x71
    Some('r'),        // 0x72
    Some('s'),        // 0x73
    Some('t'),        // 0x74
    Some('u'),        // 0x75
    Some('v'),        // 0x76
    Some('w'),        // 0x77
    Some('x'),        // 0x78
    Some('y'),        // 0x79
    Some('z'),        // 0x7A
    Some('\u{0CD6}'), // 0x7B KANNADA AI LENGTH MARK
    Some('\u{0CE0}'), // 0x7C KANNADA LETTER VOCALIC RR
    Some('\u{0CE1}'), // 0x7D KANNADA LETTER VOCALIC LL
    Some('\u{0CE2}'), // 0x7E KANNADA VOWEL SIGN VOCALIC L
    Some('\u{0CE3}'), // 0x7F KANNADA VOWEL SIGN VOCALIC LL
];

/// TS 23.038 A.3.8, the Malayalam national language locking shift table.
static MALAYALAM_LOCKING_SHIFT: Table = [
    // 0x00..=0x0F
    None,             // 0x00 unused
    Some('\u{0D02}'), // 0x01 MALAYALAM SIGN ANUSVARA
    Some('\u{0D03}'), // 0x02 MALAYALAM SIGN VISARGA
    Some('\u{0D05}'), // 0x03 MALAYALAM LETTER A
    Some('\u{0D06}'), // 0x04 MALAYALAM LETTER AA
    Some('\u{0D07}'), // 0x05 MALAYALAM LETTER I
    Some('\u{0D08}'), // 0x06 MALAYALAM LETTER II
    Some('\u{0D09}'), // 0x07 MALAYALAM LETTER U
    Some('\u{0D0A}'), // 0x08 MALAYALAM LETTER UU
    Some('\u{0D0B}'), // 0x09 MALAYALAM LETTER VOCALIC R
    Some('\n'),       // 0x0A LINE FEED
    Some('\u{0D0C}'), // 0x0B MALAYALAM LETTER VOCALIC L
    None,             // 0x0C unused
    Some('\r'),       // 0x0D CARRIAGE RETURN
    Some('\u{0D0E}'), // 0x0E MALAYALAM LETTER E
    Some('\u{0D0F}'), // 0x0F MALAYALAM LETTER EE
    // 0x10..=0x1F
    Some('\u{0D10}'), // 0x10 MALAYALAM LETTER AI
    None,             // 0x11 unused
    Some('\u{0D12}'), // 0x12 MALAYALAM LETTER O
    Some('\u{0D13}'), // 0x13 MALAYALAM LETTER OO
    Some('\u{0D14}'), // 0x14 MALAYALAM LETTER AU
    Some('\u{0D15}'), // 0x15 MALAYALAM LETTER KA
    Some('\u{0D16}'), // 0x16 MALAYALAM LETTER KHA
    Some('\u{0D17}'), // 0x17 MALAYALAM LETTER GA
    Some('\u{0D18}'), // 0x18 MALAYALAM LETTER GHA
    Some('\u{0D19}'), // 0x19 MALAYALAM LETTER NGA
    Some('\u{0D1A}'), // 0x1A MALAYALAM LETTER CA
    None,             // 0x1B ESC: escape to the single shift table
    Some('\u{0D1B}'), // 0x1C MALAYALAM LETTER CHA
    Some('\u{0D1C}'), // 0x1D MALAYALAM LETTER JA
    Some('\u{0D1D}'), // 0x1E MALAYALAM LETTER JHA
    Some('\u{0D1E}'), // 0x1F MALAYALAM LETTER NYA
    // 0x20..=0x2F
    Some(' '),        // 0x20 SPACE
    Some('!'),        // 0x21
    Some('\u{0D1F}'), // 0x22 MALAYALAM LETTER TTA
    Some('\u{0D20}'), // 0x23 MALAYALAM LETTER TTHA
    Some('\u{0D21}'), // 0x24 MALAYALAM LETTER DDA
    Some('\u{0D22}'), // 0x25 MALAYALAM LETTER DDHA
    Some('\u{0D23}'), // 0x26 MALAYALAM LETTER NNA
    Some('\u{0D24}'), // 0x27 MALAYALAM LETTER TA
    Some(')'),        // 0x28
    Some('('),        // 0x29
    Some('\u{0D25}'), // 0x2A MALAYALAM LETTER THA
    Some('\u{0D26}'), // 0x2B MALAYALAM LETTER DA
    Some(','),        // 0x2C
    Some('\u{0D27}'), // 0x2D MALAYALAM LETTER DHA
    Some('.'),        // 0x2E
    Some('\u{0D28}'), // 0x2F MALAYALAM LETTER NA
    // 0x30..=0x3F
    Some('0'),        // 0x30
    Some('1'),        // 0x31
    Some('2'),        // 0x32
    Some('3'),        // 0x33
    Some('4'),        // 0x34
    Some('5'),        // 0x35
    Some('6'),        // 0x36
    Some('7'),        // 0x37
    Some('8'),        // 0x38
    Some('9'),        // 0x39
    Some(':'),        // 0x3A
    Some(';'),        // 0x3B
    None,             // 0x3C unused
    Some('\u{0D2A}'), // 0x3D MALAYALAM LETTER PA
    Some('\u{0D2B}'), // 0x3E MALAYALAM LETTER PHA
    Some('?'),        // 0x3F
    // 0x40..=0x4F
    Some('\u{0D2C}'), // 0x40 MALAYALAM LETTER BA
    Some('\u{0D2D}'), // 0x41 MALAYALAM LETTER BHA
    Some('\u{0D2E}'), // 0x42 MALAYALAM LETTER MA
    Some('\u{0D2F}'), // 0x43 MALAYALAM LETTER YA
    Some('\u{0D30}'), // 0x44 MALAYALAM LETTER RA
    Some('\u{0D31}'), // 0x45 MALAYALAM LETTER RRA
    Some('\u{0D32}'), // 0x46 MALAYALAM LETTER LA
    Some('\u{0D33}'), // 0x47 MALAYALAM LETTER LLA
    Some('\u{0D34}'), // 0x48 MALAYALAM LETTER LLLA
    Some('\u{0D35}'), // 0x49 MALAYALAM LETTER VA
    Some('\u{0D36}'), // 0x4A MALAYALAM LETTER SHA
    Some('\u{0D37}'), // 0x4B MALAYALAM LETTER SSA
    Some('\u{0D38}'), // 0x4C MALAYALAM LETTER SA
    Some('\u{0D39}'), // 0x4D MALAYALAM LETTER HA
    None,             // 0x4E unused
    Some('\u{0D3D}'), // 0x4F MALAYALAM SIGN AVAGRAHA
    // 0x50..=0x5F
    Some('\u{0D3E}'), // 0x50 MALAYALAM VOWEL SIGN AA
    Some('\u{0D3F}'), // 0x51 MALAYALAM VOWEL SIGN I
    Some('\u{0D40}'), // 0x52 MALAYALAM VOWEL SIGN II
    Some('\u{0D41}'), // 0x53 MALAYALAM VOWEL SIGN U
    Some('\u{0D42}'), // 0x54 MALAYALAM VOWEL SIGN UU
    Some('\u{0D43}'), // 0x55 MALAYALAM VOWEL SIGN VOCALIC R
    Some('\u{0D44}'), // 0x56 MALAYALAM VOWEL SIGN VOCALIC RR
    None,             // 0x57 unused
    Some('\u{0D46}'), // 0x58 MALAYALAM VOWEL SIGN E
    Some('\u{0D47}'), // 0x59 MALAYALAM VOWEL SIGN EE
    Some('\u{0D48}'), // 0x5A MALAYALAM VOWEL SIGN AI
    None,             // 0x5B unused
    Some('\u{0D4A}'), // 0x5C MALAYALAM VOWEL SIGN O
    Some('\u{0D4B}'), // 0x5D MALAYALAM VOWEL SIGN OO
    Some('\u{0D4C}'), // 0x5E MALAYALAM VOWEL SIGN AU
    Some('\u{0D4D}'), // 0x5F MALAYALAM SIGN VIRAMA
    // 0x60..=0x6F
    Some('\u{0D57}'), // 0x60 MALAYALAM AU LENGTH MARK
    Some('a'),        // 0x61
    Some('b'),        // 0x62
    Some('c'),        // 0x63
    Some('d'),        // 0x64
    Some('e'),        // 0x65
    Some('f'),        // 0x66
    Some('g'),        // 0x67
    Some('h'),        // 0x68
    Some('i'),        // 0x69
    Some('j'),        // 0x6A
    Some('k'),        // 0x6B
    Some('l'),        // 0x6C
    Some('m'),        // 0x6D
    Some('n'),        // 0x6E
    Some('o'),        // 0x6F
    // 0x70..=0x7F
    Some('p'),        // 0x70
    Some('q'),        // 0x71
    Some('r'),        // 0x72
    Some('s'),        // 0x73
    Some('t'),        // 0x74
    Some('u'),        // 0x75
    Some('v'),        // 0x76
    Some('w'),        // 0x77
    Some('x'),        // 0x78
    Some('y'),        // 0x79
    Some('z'),        // 0x7A
    Some('\u{0D60}'), // 0x7B MALAYALAM LETTER VOCALIC RR
    Some('\u{0D61}'), // 0x7C MALAYALAM LETTER VOCALIC LL
    Some('\u{0D62}'), // 0x7D MALAYALAM VOWEL SIGN VOCALIC L
    Some('\u{0D63}'), // 0x7E MALAYALAM VOWEL SIGN VOCALIC LL
    Some('\u{0D79}'), // 0x7F MALAYALAM DATE MARK
];

/// TS 23.038 A.3.9, the Oriya national language locking shift table.
static ORIYA_LOCKING_SHIFT: Table = [
    // 0x00..=0x0F
    Some('\u{0B01}'), // 0x00 ORIYA SIGN CANDRABINDU
    Some('\u{0B02}'), // 0x01 ORIYA SIGN ANUSVARA
    Some('\u{0B03}'), // 0x02 ORIYA SIGN VISARGA
    Some('\u{0B05}'), // 0x03 ORIYA LETTER A
    Some('\u{0B06}'), // 0x04 ORIYA LETTER AA
    Some('\u{0B07}'), // 0x05 ORIYA LETTER I
    Some('\u{0B08}'), // 0x06 ORIYA LETTER II
    Some('\u{0B09}'), // 0x07 ORIYA LETTER U
    Some('\u{0B0A}'), // 0x08 ORIYA LETTER UU
    Some('\u{0B0B}'), // 0x09 ORIYA LETTER VOCALIC R
    Some('\n'),       // 0x0A LINE FEED
    Some('\u{0B0C}'), // 0x0B ORIYA LETTER VOCALIC L
    None,             // 0x0C unused
    Some('\r'),       // 0x0D CARRIAGE RETURN
    None,             // 0x0E unused
    Some('\u{0B0F}'), // 0x0F ORIYA LETTER E
    // 0x10..=0x1F
    Some('\u{0B10}'), // 0x10 ORIYA LETTER AI
    None,             // 0x11 unused
    None,             // 0x12 unused
    Some('\u{0B13}'), // 0x13 ORIYA LETTER O
    Some('\u{0B14}'), // 0x14 ORIYA LETTER AU
    Some('\u{0B15}'), // 0x15 ORIYA LETTER KA
    Some('\u{0B16}'), // 0x16 ORIYA LETTER KHA
    Some('\u{0B17}'), // 0x17 ORIYA LETTER GA
    Some('\u{0B18}'), // 0x18 ORIYA LETTER GHA
    Some('\u{0B19}'), // 0x19 ORIYA LETTER NGA
    Some('\u{0B1A}'), // 0x1A ORIYA LETTER CA
    None,             // 0x1B ESC: escape to the single shift table
    Some('\u{0B1B}'), // 0x1C ORIYA LETTER CHA
    Some('\u{0B1C}'), // 0x1D ORIYA LETTER JA
    Some('\u{0B1D}'), // 0x1E ORIYA LETTER JHA
    Some('\u{0B1E}'), // 0x1F ORIYA LETTER NYA
    // 0x20..=0x2F
    Some(' '),        // 0x20 SPACE
    Some('!'),        // 0x21
    Some('\u{0B1F}'), // 0x22 ORIYA LETTER TTA
    Some('\u{0B20}'), // 0x23 ORIYA LETTER TTHA
    Some('\u{0B21}'), // 0x24 ORIYA LETTER DDA
    Some('\u{0B22}'), // 0x25 ORIYA LETTER DDHA
    Some('\u{0B23}'), // 0x26 ORIYA LETTER NNA
    Some('\u{0B24}'), // 0x27 ORIYA LETTER TA
    Some(')'),        // 0x28
    Some('('),        // 0x29
    Some('\u{0B25}'), // 0x2A ORIYA LETTER THA
    Some('\u{0B26}'), // 0x2B ORIYA LETTER DA
    Some(','),        // 0x2C
    Some('\u{0B27}'), // 0x2D ORIYA LETTER DHA
    Some('.'),        // 0x2E
    Some('\u{0B28}'), // 0x2F ORIYA LETTER NA
    // 0x30..=0x3F
    Some('0'),        // 0x30
    Some('1'),        // 0x31
    Some('2'),        // 0x32
    Some('3'),        // 0x33
    Some('4'),        // 0x34
    Some('5'),        // 0x35
    Some('6'),        // 0x36
    Some('7'),        // 0x37
    Some('8'),        // 0x38
    Some('9'),        // 0x39
    Some(':'),        // 0x3A
    Some(';'),        // 0x3B
    None,             // 0x3C unused
    Some('\u{0B2A}'), // 0x3D ORIYA LETTER PA
    Some('\u{0B2B}'), // 0x3E ORIYA LETTER PHA
    Some('?'),        // 0x3F
    // 0x40..=0x4F
    Some('\u{0B2C}'), // 0x40 ORIYA LETTER BA
    Some('\u{0B2D}'), // 0x41 ORIYA LETTER BHA
    Some('\u{0B2E}'), // 0x42 ORIYA LETTER MA
    Some('\u{0B2F}'), // 0x43 ORIYA LETTER YA
    Some('\u{0B30}'), // 0x44 ORIYA LETTER RA
    None,             // 0x45 unused
    Some('\u{0B32}'), // 0x46 ORIYA LETTER LA
    Some('\u{0B33}'), // 0x47 ORIYA LETTER LLA
    None,             // 0x48 unused
    Some('\u{0B35}'), // 0x49 ORIYA LETTER VA
    Some('\u{0B36}'), // 0x4A ORIYA LETTER SHA
    Some('\u{0B37}'), // 0x4B ORIYA LETTER SSA
    Some('\u{0B38}'), // 0x4C ORIYA LETTER SA
    Some('\u{0B39}'), // 0x4D ORIYA LETTER HA
    Some('\u{0B3C}'), // 0x4E ORIYA SIGN NUKTA
    Some('\u{0B3D}'), // 0x4F ORIYA SIGN AVAGRAHA
    // 0x50..=0x5F
    Some('\u{0B3E}'), // 0x50 ORIYA VOWEL SIGN AA
    Some('\u{0B3F}'), // 0x51 ORIYA VOWEL SIGN I
    Some('\u{0B40}'), // 0x52 ORIYA VOWEL SIGN II
    Some('\u{0B41}'), // 0x53 ORIYA VOWEL SIGN U
    Some('\u{0B42}'), // 0x54 ORIYA VOWEL SIGN UU
    Some('\u{0B43}'), // 0x55 ORIYA VOWEL SIGN VOCALIC R
    Some('\u{0B44}'), // 0x56 ORIYA VOWEL SIGN VOCALIC RR
    None,             // 0x57 unused
    None,             // 0x58 unused
    Some('\u{0B47}'), // 0x59 ORIYA VOWEL SIGN E
    Some('\u{0B48}'), // 0x5A ORIYA VOWEL SIGN AI
    None,             // 0x5B unused
    None,             // 0x5C unused
    Some('\u{0B4B}'), // 0x5D ORIYA VOWEL SIGN O
    Some('\u{0B4C}'), // 0x5E ORIYA VOWEL SIGN AU
    Some('\u{0B4D}'), // 0x5F ORIYA SIGN VIRAMA
    // 0x60..=0x6F
    Some('\u{0B56}'), // 0x60 ORIYA AI LENGTH MARK
    Some('a'),        // 0x61
    Some('b'),        // 0x62
    Some('c'),        // 0x63
    Some('d'),        // 0x64
    Some('e'),        // 0x65
    Some('f'),        // 0x66
    Some('g'),        // 0x67
    Some('h'),        // 0x68
    Some('i'),        // 0x69
    Some('j'),        // 0x6A
    Some('k'),        // 0x6B
    Some('l'),        // 0x6C
    Some('m'),        // 0x6D
    Some('n'),        // 0x6E
    Some('o'),        // 0x6F
    // 0x70..=0x7F
    Some('p'),        // 0x70
    Some('q'),        // 0x71
    Some('r'),        // 0x72
    Some('s'),        // 0x73
    Some('t'),        // 0x74
    Some('u'),        // 0x75
    Some('v'),        // 0x76
    Some('w'),        // 0x77
    Some('x'),        // 0x78
    Some('y'),        // 0x79
    Some('z'),        // 0x7A
    Some('\u{0B57}'), // 0x7B ORIYA AU LENGTH MARK
    Some('\u{0B60}'), // 0x7C ORIYA LETTER VOCALIC RR
    Some('\u{0B61}'), // 0x7D ORIYA LETTER VOCALIC LL
    Some('\u{0B62}'), // 0x7E ORIYA VOWEL SIGN VOCALIC L
    Some('\u{0B63}'), // 0x7F ORIYA VOWEL SIGN VOCALIC LL
];

/// TS 23.038 A.3.10, the Punjabi national language locking shift table.
static PUNJABI_LOCKING_SHIFT: Table = [
    // 0x00..=0x0F
    Some('\u{0A01}'), // 0x00 GURMUKHI SIGN ADAK BINDI
    Some('\u{0A02}'), // 0x01 GURMUKHI SIGN BINDI
    Some('\u{0A03}'), // 0x02 GURMUKHI SIGN VISARGA
    Some('\u{0A05}'), // 0x03 GURMUKHI LETTER A
    Some('\u{0A06}'), // 0x04 GURMUKHI LETTER AA
    Some('\u{0A07}'), // 0x05 GURMUKHI LETTER I
    Some('\u{0A08}'), // 0x06 GURMUKHI LETTER II
    Some('\u{0A09}'), // 0x07 GURMUKHI LETTER U
    Some('\u{0A0A}'), // 0x08 GURMUKHI LETTER UU
    None,             // 0x09 unused
    Some('\n'),       // 0x0A LINE FEED
    None,             // 0x0B unused
    None,             // 0x0C unused
    Some('\r'),       // 0x0D CARRIAGE RETURN
    None,             // 0x0E unused
    Some('\u{0A0F}'), // 0x0F GURMUKHI LETTER EE
    // 0x10..=0x1F
    Some('\u{0A10}'), // 0x10 GURMUKHI LETTER AI
    None,             // 0x11 unused
    None,             // 0x12 unused
    Some('\u{0A13}'), // 0x13 GURMUKHI LETTER OO
    Some('\u{0A14}'), // 0x14 GURMUKHI LETTER AU
    Some('\u{0A15}'), // 0x15 GURMUKHI LETTER KA
    Some('\u{0A16}'), // 0x16 GURMUKHI LETTER KHA
    Some('\u{0A17}'), // 0x17 GURMUKHI LETTER GA
    Some('\u{0A18}'), // 0x18 GURMUKHI LETTER GHA
    Some('\u{0A19}'), // 0x19 GURMUKHI LETTER NGA
    Some('\u{0A1A}'), // 0x1A GURMUKHI LETTER CA
    None,             // 0x1B ESC: escape to the single shift table
    Some('\u{0A1B}'), // 0x1C GURMUKHI LETTER CHA
    Some('\u{0A1C}'), // 0x1D GURMUKHI LETTER JA
    Some('\u{0A1D}'), // 0x1E GURMUKHI LETTER JHA
    Some('\u{0A1E}'), // 0x1F GURMUKHI LETTER NYA
    // 0x20..=0x2F
    Some(' '),        // 0x20 SPACE
    Some('!'),        // 0x21
    Some('\u{0A1F}'), // 0x22 GURMUKHI LETTER TTA
    Some('\u{0A20}'), // 0x23 GURMUKHI LETTER TTHA
    Some('\u{0A21}'), // 0x24 GURMUKHI LETTER DDA
    Some('\u{0A22}'), // 0x25 GURMUKHI LETTER DDHA
    Some('\u{0A23}'), // 0x26 GURMUKHI LETTER NNA
    Some('\u{0A24}'), // 0x27 GURMUKHI LETTER TA
    Some(')'),        // 0x28
    Some('('),        // 0x29
    Some('\u{0A25}'), // 0x2A GURMUKHI LETTER THA
    Some('\u{0A26}'), // 0x2B GURMUKHI LETTER DA
    Some(','),        // 0x2C
    Some('\u{0A27}'), // 0x2D GURMUKHI LETTER DHA
    Some('.'),        // 0x2E
    Some('\u{0A28}'), // 0x2F GURMUKHI LETTER NA
    // 0x30..=0x3F
    Some('0'),        // 0x30
    Some('1'),        // 0x31
    Some('2'),        // 0x32
    Some('3'),        // 0x33
    Some('4'),        // 0x34
    Some('5'),        // 0x35
    Some('6'),        // 0x36
    Some('7'),        // 0x37
    Some('8'),        // 0x38
    Some('9'),        // 0x39
    Some(':'),        // 0x3A
    Some(';'),        // 0x3B
    None,             // 0x3C unused
    Some('\u{0A2A}'), // 0x3D GURMUKHI LETTER PA
    Some('\u{0A2B}'), // 0x3E GURMUKHI LETTER PHA
    Some('?'),        // 0x3F
    // 0x40..=0x4F
    Some('\u{0A2C}'), // 0x40 GURMUKHI LETTER BA
    Some('\u{0A2D}'), // 0x41 GURMUKHI LETTER BHA
    Some('\u{0A2E}'), // 0x42 GURMUKHI LETTER MA
    Some('\u{0A2F}'), // 0x43 GURMUKHI LETTER YA
    Some('\u{0A30}'), // 0x44 GURMUKHI LETTER RA
    None,             // 0x45 unused
    Some('\u{0A32}'), // 0x46 GURMUKHI LETTER LA
    Some('\u{0A33}'), // 0x47 GURMUKHI LETTER LLA
    None,             // 0x48 unused
    Some('\u{0A35}'), // 0x49 GURMUKHI LETTER VA
    Some('\u{0A36}'), // 0x4A GURMUKHI LETTER SHA
    None,             // 0x4B unused
    Some('\u{0A38}'), // 0x4C GURMUKHI LETTER SA
    Some('\u{0A39}'), // 0x4D GURMUKHI LETTER HA
    Some('\u{0A3C}'), // 0x4E GURMUKHI SIGN NUKTA
    None,             // 0x4F unused
    // 0x50..=0x5F
    Some('\u{0A3E}'), // 0x50 GURMUKHI VOWEL SIGN AA
    Some('\u{0A3F}'), // 0x51 GURMUKHI VOWEL SIGN I
    Some('\u{0A40}'), // 0x52 GURMUKHI VOWEL SIGN II
    Some('\u{0A41}'), // 0x53 GURMUKHI VOWEL SIGN U
    Some('\u{0A42}'), // 0x54 GURMUKHI VOWEL SIGN UU
    None,             // 0x55 unused
    None,             // 0x56 unused
    None,             // 0x57 unused
    None,             // 0x58 unused
    Some('\u{0A47}'), // 0x59 GURMUKHI VOWEL SIGN EE
    Some('\u{0A48}'), // 0x5A GURMUKHI VOWEL SIGN AI
    None,             // 0x5B unused
    None,             // 0x5C unused
    Some('\u{0A4B}'), // 0x5D GURMUKHI VOWEL SIGN OO
    Some('\u{0A4C}'), // 0x5E GURMUKHI VOWEL SIGN AU
    Some('\u{0A4D}'), // 0x5F GURMUKHI SIGN VIRAMA
    // 0x60..=0x6F
    Some('\u{0A51}'), // 0x60 GURMUKHI SIGN UDAAT
    Some('a'),        // 0x61
    Some('b'),        // 0x62
    Some('c'),        // 0x63
    Some('d'),        // 0x64
    Some('e'),        // 0x65
    Some('f'),        // 0x66
    Some('g'),        // 0x67
    Some('h'),        // 0x68
    Some('i'),        // 0x69
    Some('j'),        // 0x6A
    Some('k'),        // 0x6B
    Some('l'),        // 0x6C
    Some('m'),        // 0x6D
    Some('n'),        // 0x6E
    Some('o'),        // 0x6F
    // 0x70..=0x7F
    Some('p'),        // 0x70
    Some('q'),        // 0x71
    Some('r'),        // 0x72
    Some('s'),        // 0x73
    Some('t'),        // 0x74
    Some('u'),        // 0x75
    Some('v'),        // 0x76
    Some('w'),        // 0x77
    Some('x'),        // 0x78
    Some('y'),        // 0x79
    Some('z'),        // 0x7A
    Some('\u{0A70}'), // 0x7B GURMUKHI TIPPI
    Some('\u{0A71}'), // 0x7C GURMUKHI ADDAK
    Some('\u{0A72}'), // 0x7D GURMUKHI IRI
    Some('\u{0A73}'), // 0x7E GURMUKHI URA
    Some('\u{0A74}'), // 0x7F GURMUKHI EK ONKAR
];

/// TS 23.038 A.3.11, the Tamil national language locking shift table.
static TAMIL_LOCKING_SHIFT: Table = [
    // 0x00..=0x0F
    None,             // 0x00 unused
    Some('\u{0B82}'), // 0x01 TAMIL SIGN ANUSVARA
    Some('\u{0B83}'), // 0x02 TAMIL SIGN VISARGA
    Some('\u{0B85}'), // 0x03 TAMIL LETTER A
    Some('\u{0B86}'), // 0x04 TAMIL LETTER AA
    Some('\u{0B87}'), // 0x05 TAMIL LETTER I
    Some('\u{0B88}'), // 0x06 TAMIL LETTER II
    Some('\u{0B89}'), // 0x07 TAMIL LETTER U
    Some('\u{0B8A}'), // 0x08 TAMIL LETTER UU
    None,             // 0x09 unused
    Some('\n'),       // 0x0A LINE FEED
    None,             // 0x0B unused
    None,             // 0x0C unused
    Some('\r'),       // 0x0D CARRIAGE RETURN
    Some('\u{0B8E}'), // 0x0E TAMIL LETTER E
    Some('\u{0B8F}'), // 0x0F TAMIL LETTER EE
    // 0x10..=0x1F
    Some('\u{0B90}'), // 0x10 TAMIL LETTER AI
    None,             // 0x11 unused
    Some('\u{0B92}'), // 0x12 TAMIL LETTER O
    Some('\u{0B93}'), // 0x13 TAMIL LETTER OO
    Some('\u{0B94}'), // 0x14 TAMIL LETTER AU
    Some('\u{0B95}'), // 0x15 TAMIL LETTER KA
    None,             // 0x16 unused
    None,             // 0x17 unused
    None,             // 0x18 unused
    Some('\u{0B99}'), // 0x19 TAMIL LETTER NGA
    Some('\u{0B9A}'), // 0x1A TAMIL LETTER CA
    None,             // 0x1B ESC: escape to the single shift table
    None,             // 0x1C unused
    Some('\u{0B9C}'), // 0x1D TAMIL LETTER JA
    None,             // 0x1E unused
    Some('\u{0B9E}'), // 0x1F TAMIL LETTER NYA
    // 0x20..=0x2F
    Some(' '),        // 0x20 SPACE
    Some('!'),        // 0x21
    Some('\u{0B9F}'), // 0x22 TAMIL LETTER TTA
    None,             // 0x23 unused
    None,             // 0x24 unused
    None,             // 0x25 unused
    Some('\u{0BA3}'), // 0x26 TAMIL LETTER NNA
    Some('\u{0BA4}'), // 0x27 TAMIL LETTER TA
    Some(')'),        // 0x28
    Some('('),        // 0x29
    None,             // 0x2A unused
    None,             // 0x2B unused
    Some(','),        // 0x2C
    None,             // 0x2D unused
    Some('.'),        // 0x2E
    Some('\u{0BA8}'), // 0x2F TAMIL LETTER NA
    // 0x30..=0x3F
    Some('0'),        // 0x30
    Some('1'),        // 0x31
    Some('2'),        // 0x32
    Some('3'),        // 0x33
    Some('4'),        // 0x34
    Some('5'),        // 0x35
    Some('6'),        // 0x36
    Some('7'),        // 0x37
    Some('8'),        // 0x38
    Some('9'),        // 0x39
    Some(':'),        // 0x3A
    Some(';'),        // 0x3B
    Some('\u{0BA9}'), // 0x3C TAMIL LETTER NNNA
    Some('\u{0BAA}'), // 0x3D TAMIL LETTER PA
    None,             // 0x3E unused
    Some('?'),        // 0x3F
    // 0x40..=0x4F
    None,             // 0x40 unused
    None,             // 0x41 unused
    Some('\u{0BAE}'), // 0x42 TAMIL LETTER MA
    Some('\u{0BAF}'), // 0x43 TAMIL LETTER YA
    Some('\u{0BB0}'), // 0x44 TAMIL LETTER RA
    Some('\u{0BB1}'), // 0x45 TAMIL LETTER RRA
    Some('\u{0BB2}'), // 0x46 TAMIL LETTER LA
    Some('\u{0BB3}'), // 0x47 TAMIL LETTER LLA
    Some('\u{0BB4}'), // 0x48 TAMIL LETTER LLLA
    Some('\u{0BB5}'), // 0x49 TAMIL LETTER VA
    Some('\u{0BB6}'), // 0x4A TAMIL LETTER SHA
    Some('\u{0BB7}'), // 0x4B TAMIL LETTER SSA
    Some('\u{0BB8}'), // 0x4C TAMIL LETTER SA
    Some('\u{0BB9}'), // 0x4D TAMIL LETTER HA
    None,             // 0x4E unused
    None,             // 0x4F unused
    // 0x50..=0x5F
    Some('\u{0BBE}'), // 0x50 TAMIL VOWEL SIGN AA
    Some('\u{0BBF}'), // 0x51 TAMIL VOWEL SIGN I
    Some('\u{0BC0}'), // 0x52 TAMIL VOWEL SIGN II
    Some('\u{0BC1}'), // 0x53 TAMIL VOWEL SIGN U
    Some('\u{0BC2}'), // 0x54 TAMIL VOWEL SIGN UU
    None,             // 0x55 unused
    None,             // 0x56 unused
    None,             // 0x57 unused
    Some('\u{0BC6}'), // 0x58 TAMIL VOWEL SIGN E
    Some('\u{0BC7}'), // 0x59 TAMIL VOWEL SIGN EE
    Some('\u{0BC8}'), // 0x5A TAMIL VOWEL SIGN AI
    None,             // 0x5B unused
    Some('\u{0BCA}'), // 0x5C TAMIL VOWEL SIGN O
    Some('\u{0BCB}'), // 0x5D TAMIL VOWEL SIGN OO
    Some('\u{0BCC}'), // 0x5E TAMIL VOWEL SIGN AU
    Some('\u{0BCD}'), // 0x5F TAMIL SIGN VIRAMA
    // 0x60..=0x6F
    Some('\u{0BD0}'), // 0x60 TAMIL OM
    Some('a'),        // 0x61
    Some('b'),        // 0x62
    Some('c'),        // 0x63
    Some('d'),        // 0x64
    Some('e'),        // 0x65
    Some('f'),        // 0x66
    Some('g'),        // 0x67
    Some('h'),        // 0x68
    Some('i'),        // 0x69
    Some('j'),        // 0x6A
    Some('k'),        // 0x6B
    Some('l'),        // 0x6C
    Some('m'),        // 0x6D
    Some('n'),        // 0x6E
    Some('o'),        // 0x6F
    // 0x70..=0x7F
    Some('p'),        // 0x70
    Some('q'),        // 0x71
    Some('r'),        // 0x72
    Some('s'),        // 0x73
    Some('t'),        // 0x74
    Some('u'),        // 0x75
    Some('v'),        // 0x76
    Some('w'),        // 0x77
    Some('x'),        // 0x78
    Some('y'),        // 0x79
    Some('z'),        // 0x7A
    Some('\u{0BD7}'), // 0x7B TAMIL AU LENGTH MARK
    Some('\u{0BF0}'), // 0x7C TAMIL NUMBER TEN
    Some('\u{0BF1}'), // 0x7D TAMIL NUMBER ONE HUNDRED
    Some('\u{0BF2}'), // 0x7E TAMIL NUMBER ONE THOUSAND
    Some('\u{0BF9}'), // 0x7F TAMIL RUPEE SIGN
];

/// TS 23.038 A.3.12, the Telugu national language locking shift table.
static TELUGU_LOCKING_SHIFT: Table = [
    // 0x00..=0x0F
    Some('\u{0C01}'), // 0x00 TELUGU SIGN CANDRABINDU
    Some('\u{0C02}'), // 0x01 TELUGU SIGN ANUSVARA
    Some('\u{0C03}'), // 0x02 TELUGU SIGN VISARGA
    Some('\u{0C05}'), // 0x03 TELUGU LETTER A
    Some('\u{0C06}'), // 0x04 TELUGU LETTER AA
    Some('\u{0C07}'), // 0x05 TELUGU LETTER I
    Some('\u{0C08}'), // 0x06 TELUGU LETTER II
    Some('\u{0C09}'), // 0x07 TELUGU LETTER U
    Some('\u{0C0A}'), // 0x08 TELUGU LETTER UU
    Some('\u{0C0B}'), // 0x09 TELUGU LETTER VOCALIC R
    Some('\n'),       // 0x0A LINE FEED
    Some('\u{0C0C}'), // 0x0B TELUGU LETTER VOCALIC L
    None,             // 0x0C unused
    Some('\r'),       // 0x0D CARRIAGE RETURN
    Some('\u{0C0E}'), // 0x0E TELUGU LETTER E
    Some('\u{0C0F}'), // 0x0F TELUGU LETTER EE
    // 0x10..=0x1F
    Some('\u{0C10}'), // 0x10 TELUGU LETTER AI
    None,             // 0x11 unused
    Some('\u{0C12}'), // 0x12 TELUGU LETTER O
    Some('\u{0C13}'), // 0x13 TELUGU LETTER OO
    Some('\u{0C14}'), // 0x14 TELUGU LETTER AU
    Some('\u{0C15}'), // 0x15 TELUGU LETTER KA
    Some('\u{0C16}'), // 0x16 TELUGU LETTER KHA
    Some('\u{0C17}'), // 0x17 TELUGU LETTER GA
    Some('\u{0C18}'), // 0x18 TELUGU LETTER GHA
    Some('\u{0C19}'), // 0x19 TELUGU LETTER NGA
    Some('\u{0C1A}'), // 0x1A TELUGU LETTER CA
    None,             // 0x1B ESC: escape to the single shift table
    Some('\u{0C1B}'), // 0x1C TELUGU LETTER CHA
    Some('\u{0C1C}'), // 0x1D TELUGU LETTER JA
    Some('\u{0C1D}'), // 0x1E TELUGU LETTER JHA
    Some('\u{0C1E}'), // 0x1F TELUGU LETTER NYA
    // 0x20..=0x2F
    Some(' '),        // 0x20 SPACE
    Some('!'),        // 0x21
    Some('\u{0C1F}'), // 0x22 TELUGU LETTER TTA
    Some('\u{0C20}'), // 0x23 TELUGU LETTER TTHA
    Some('\u{0C21}'), // 0x24 TELUGU LETTER DDA
    Some('\u{0C22}'), // 0x25 TELUGU LETTER DDHA
    Some('\u{0C23}'), // 0x26 TELUGU LETTER NNA
    Some('\u{0C24}'), // 0x27 TELUGU LETTER TA
    Some(')'),        // 0x28
    Some('('),        // 0x29
    Some('\u{0C25}'), // 0x2A TELUGU LETTER THA
    Some('\u{0C26}'), // 0x2B TELUGU LETTER DA
    Some(','),        // 0x2C
    Some('\u{0C27}'), // 0x2D TELUGU LETTER DHA
    Some('.'),        // 0x2E
    Some('\u{0C28}'), // 0x2F TELUGU LETTER NA
    // 0x30..=0x3F
    Some('0'),        // 0x30
    Some('1'),        // 0x31
    Some('2'),        // 0x32
    Some('3'),        // 0x33
    Some('4'),        // 0x34
    Some('5'),        // 0x35
    Some('6'),        // 0x36
    Some('7'),        // 0x37
    Some('8'),        // 0x38
    Some('9'),        // 0x39
    Some(':'),        // 0x3A
    Some(';'),        // 0x3B
    None,             // 0x3C unused
    Some('\u{0C2A}'), // 0x3D TELUGU LETTER PA
    Some('\u{0C2B}'), // 0x3E TELUGU LETTER PHA
    Some('?'),        // 0x3F
    // 0x40..=0x4F
    Some('\u{0C2C}'), // 0x40 TELUGU LETTER BA
    Some('\u{0C2D}'), // 0x41 TELUGU LETTER BHA
    Some('\u{0C2E}'), // 0x42 TELUGU LETTER MA
    Some('\u{0C2F}'), // 0x43 TELUGU LETTER YA
    Some('\u{0C30}'), // 0x44 TELUGU LETTER RA
    Some('\u{0C31}'), // 0x45 TELUGU LETTER RRA
    Some('\u{0C32}'), // 0x46 TELUGU LETTER LA
    Some('\u{0C33}'), // 0x47 TELUGU LETTER LLA
    None,             // 0x48 unused
    Some('\u{0C35}'), // 0x49 TELUGU LETTER VA
    Some('\u{0C36}'), // 0x4A TELUGU LETTER SHA
    Some('\u{0C37}'), // 0x4B TELUGU LETTER SSA
    Some('\u{0C38}'), // 0x4C TELUGU LETTER SA
    Some('\u{0C39}'), // 0x4D TELUGU LETTER HA
    None,             // 0x4E unused
    Some('\u{0C3D}'), // 0x4F TELUGU SIGN AVAGRAHA
    // 0x50..=0x5F
    Some('\u{0C3E}'), // 0x50 TELUGU VOWEL SIGN AA
    Some('\u{0C3F}'), // 0x51 TELUGU VOWEL SIGN I
    Some('\u{0C40}'), // 0x52 TELUGU VOWEL SIGN II
    Some('\u{0C41}'), // 0x53 TELUGU VOWEL SIGN U
    Some('\u{0C42}'), // 0x54 TELUGU VOWEL SIGN UU
    Some('\u{0C43}'), // 0x55 TELUGU VOWEL SIGN VOCALIC R
    Some('\u{0C44}'), // 0x56 TELUGU VOWEL SIGN VOCALIC RR
    None,             // 0x57 unused
    Some('\u{0C46}'), // 0x58 TELUGU VOWEL SIGN E
    Some('\u{0C47}'), // 0x59 TELUGU VOWEL SIGN EE
    Some('\u{0C48}'), // 0x5A TELUGU VOWEL SIGN AI
    None,             // 0x5B unused
    Some('\u{0C4A}'), // 0x5C TELUGU VOWEL SIGN O
    Some('\u{0C4B}'), // 0x5D TELUGU VOWEL SIGN OO
    Some('\u{0C4C}'), // 0x5E TELUGU VOWEL SIGN AU
    Some('\u{0C4D}'), // 0x5F TELUGU SIGN VIRAMA
    // 0x60..=0x6F
    Some('\u{0C55}'), // 0x60 TELUGU LENGTH MARK
    Some('a'),        // 0x61
    Some('b'),        // 0x62
    Some('c'),        // 0x63
    Some('d'),        // 0x64
    Some('e'),        // 0x65
    Some('f'),        // 0x66
    Some('g'),        // 0x67
    Some('h'),        // 0x68
    Some('i'),        // 0x69
    Some('j'),        // 0x6A
    Some('k'),        // 0x6B
    Some('l'),        // 0x6C
    Some('m'),        // 0x6D
    Some('n'),        // 0x6E
    Some('o'),        // 0x6F
    // 0x70..=0x7F
    Some('p'),        // 0x70
    Some('q'),        // 0x71
    Some('r'),        // 0x72
    Some('s'),        // 0x73
    Some('t'),        // 0x74
    Some('u'),        // 0x75
    Some('v'),        // 0x76
    Some('w'),        // 0x77
    Some('x'),        // 0x78
    Some('y'),        // 0x79
    Some('z'),        // 0x7A
    Some('\u{0C56}'), // 0x7B TELUGU AI LENGTH MARK
    Some('\u{0C60}'), // 0x7C TELUGU LETTER VOCALIC RR
    Some('\u{0C61}'), // 0x7D TELUGU LETTER VOCALIC LL
    Some('\u{0C62}'), // 0x7E TELUGU VOWEL SIGN VOCALIC L
    Some('\u{0C63}'), // 0x7F TELUGU VOWEL SIGN VOCALIC LL
];

/// TS 23.038 A.3.13, the Urdu national language locking shift table.
static URDU_LOCKING_SHIFT: Table = [
    // 0x00..=0x0F
    Some('\u{0627}'), // 0x00 ARABIC LETTER ALEF
    Some('\u{0622}'), // 0x01 ARABIC LETTER ALEF WITH MADDA ABOVE
    Some('\u{0628}'), // 0x02 ARABIC LETTER BEH
    Some('\u{067B}'), // 0x03 ARABIC LETTER BEEH
    Some('\u{0680}'), // 0x04 ARABIC LETTER BEHEH
    Some('\u{067E}'), // 0x05 ARABIC LETTER PEH
    Some('\u{06A6}'), // 0x06 ARABIC LETTER PEHEH
    Some('\u{062A}'), // 0x07 ARABIC LETTER TEH
    Some('\u{06C2}'), // 0x08 ARABIC LETTER HEH GOAL WITH HAMZA ABOVE
    Some('\u{067F}'), // 0x09 ARABIC LETTER TEHEH
    Some('\n'),       // 0x0A LINE FEED
    Some('\u{0679}'), // 0x0B ARABIC LETTER TTEH
    Some('\u{067D}'), // 0x0C ARABIC LETTER TEH WITH THREE DOTS ABOVE DOWNWARDS
    Some('\r'),       // 0x0D CARRIAGE RETURN
    Some('\u{067A}'), // 0x0E ARABIC LETTER TTEHEH
    Some('\u{067C}'), // 0x0F ARABIC LETTER TEH WITH RING
    // 0x10..=0x1F
    Some('\u{062B}'), // 0x10 ARABIC LETTER THEH
    Some('\u{062C}'), // 0x11 ARABIC LETTER JEEM
    Some('\u{0681}'), // 0x12 ARABIC LETTER HAH WITH HAMZA ABOVE
    Some('\u{0684}'), // 0x13 ARABIC LETTER DYEH
    Some('\u{0683}'), // 0x14 ARABIC LETTER NYEH
    Some('\u{0685}'), // 0x15 ARABIC LETTER HAH WITH THREE DOTS ABOVE
    Some('\u{0686}'), // 0x16 ARABIC LETTER TCHEH
    Some('\u{0687}'), // 0x17 ARABIC LETTER TCHEHEH
    Some('\u{062D}'), // 0x18 ARABIC LETTER HAH
    Some('\u{062E}'), // 0x19 ARABIC LETTER KHAH
    Some('\u{062F}'), // 0x1A ARABIC LETTER DAL
    None,             // 0x1B ESC: escape to the single shift table
    Some('\u{068C}'), // 0x1C ARABIC LETTER DAHAL
    Some('\u{0688}'), // 0x1D ARABIC LETTER DDAL
    Some('\u{0689}'), // 0x1E ARABIC LETTER DAL WITH RING
    Some('\u{068A}'), // 0x1F ARABIC LETTER DAL WITH DOT BELOW
    // 0x20..=0x2F
    Some(' '),        // 0x20 SPACE
    Some('!'),        // 0x21
    Some('\u{068F}'), // 0x22 ARABIC LETTER DAL WITH THREE DOTS ABOVE DOWNWARDS
    Some('\u{068D}'), // 0x23 ARABIC LETTER DDAHAL
    Some('\u{0630}'), // 0x24 ARABIC LETTER THAL
    Some('\u{0631}'), // 0x25 ARABIC LETTER REH
    Some('\u{0691}'), // 0x26 ARABIC LETTER RREH
    Some('\u{0693}'), // 0x27 ARABIC LETTER REH WITH RING
    Some(')'),        // 0x28
    Some('('),        // 0x29
    Some('\u{0699}'), // 0x2A ARABIC LETTER REH WITH FOUR DOTS ABOVE
    Some('\u{0632}'), // 0x2B ARABIC LETTER ZAIN
    Some(','),        // 0x2C
    Some('\u{0696}'), // 0x2D ARABIC LETTER REH WITH DOT BELOW AND DOT ABOVE
    Some('.'),        // 0x2E
    Some('\u{0698}'), // 0x2F ARABIC LETTER JEH
    // 0x30..=0x3F
    Some('0'),        // 0x30
    Some('1'),        // 0x31
    Some('2'),        // 0x32
    Some('3'),        // 0x33
    Some('4'),        // 0x34
    Some('5'),        // 0x35
    Some('6'),        // 0x36
    Some('7'),        // 0x37
    Some('8'),        // 0x38
    Some('9'),        // 0x39
    Some(':'),        // 0x3A
    Some(';'),        // 0x3B
    Some('\u{069A}'), // 0x3C ARABIC LETTER SEEN WITH DOT BELOW AND DOT ABOVE
    Some('\u{0633}'), // 0x3D ARABIC LETTER SEEN
    Some('\u{0634}'), // 0x3E ARABIC LETTER SHEEN
    Some('?'),        // 0x3F
    // 0x40..=0x4F
    Some('\u{0635}'), // 0x40 ARABIC LETTER SAD
    Some('\u{0636}'), // 0x41 ARABIC LETTER DAD
    Some('\u{0637}'), // 0x42 ARABIC LETTER TAH
    Some('\u{0638}'), // 0x43 ARABIC LETTER ZAH
    Some('\u{0639}'), // 0x44 ARABIC LETTER AIN
    Some('\u{0641}'), // 0x45 ARABIC LETTER FEH
    Some('\u{0642}'), // 0x46 ARABIC LETTER QAF
    Some('\u{06A9}'), // 0x47 ARABIC LETTER KEHEH
    Some('\u{06AA}'), // 0x48 ARABIC LETTER SWASH KAF
    Some('\u{06AB}'), // 0x49 ARABIC LETTER KAF WITH RING
    Some('\u{06AF}'), // 0x4A ARABIC LETTER GAF
    Some('\u{06B3}'), // 0x4B ARABIC LETTER GUEH
    Some('\u{06B1}'), // 0x4C ARABIC LETTER NGOEH
    Some('\u{0644}'), // 0x4D ARABIC LETTER LAM
    Some('\u{0645}'), // 0x4E ARABIC LETTER MEEM
    Some('\u{0646}'), // 0x4F ARABIC LETTER NOON
    // 0x50..=0x5F
    Some('\u{06BA}'), // 0x50 ARABIC LETTER NOON GHUNNA
    Some('\u{06BB}'), // 0x51 ARABIC LETTER RNOON
    Some('\u{06BC}'), // 0x52 ARABIC LETTER NOON WITH RING
    Some('\u{0648}'), // 0x53 ARABIC LETTER WAW
    Some('\u{06C4}'), // 0x54 ARABIC LETTER WAW WITH RING
    Some('\u{06D5}'), // 0x55 ARABIC LETTER AE
    Some('\u{06C1}'), // 0x56 ARABIC LETTER HEH GOAL
    Some('\u{06BE}'), // 0x57 ARABIC LETTER HEH DOACHASHMEE
    Some('\u{0621}'), // 0x58 ARABIC LETTER HAMZA
    Some('\u{06CC}'), // 0x59 ARABIC LETTER FARSI YEH
    Some('\u{06D0}'), // 0x5A ARABIC LETTER E
    Some('\u{06D2}'), // 0x5B ARABIC LETTER YEH BARREE
    Some('\u{064D}'), // 0x5C ARABIC KASRATAN
    Some('\u{0650}'), // 0x5D ARABIC KASRA
    Some('\u{064F}'), // 0x5E ARABIC DAMMA
    Some('\u{0657}'), // 0x5F ARABIC INVERTED DAMMA
    // 0x60..=0x6F
    Some('\u{0654}'), // 0x60 ARABIC HAMZA ABOVE
    Some('a'),        // 0x61
    Some('b'),        // 0x62
    Some('c'),        // 0x63
    Some('d'),        // 0x64
    Some('e'),        // 0x65
    Some('f'),        // 0x66
    Some('g'),        // 0x67
    Some('h'),        // 0x68
    Some('i'),        // 0x69
    Some('j'),        // 0x6A
    Some('k'),        // 0x6B
    Some('l'),        // 0x6C
    Some('m'),        // 0x6D
    Some('n'),        // 0x6E
    Some('o'),        // 0x6F
    // 0x70..=0x7F
    Some('p'),        // 0x70
    Some('q'),        // 0x71
    Some('r'),        // 0x72
    Some('s'),        // 0x73
    Some('t'),        // 0x74
    Some('u'),        // 0x75
    Some('v'),        // 0x76
    Some('w'),        // 0x77
    Some('x'),        // 0x78
    Some('y'),        // 0x79
    Some('z'),        // 0x7A
    Some('\u{0655}'), // 0x7B ARABIC HAMZA BELOW
    Some('\u{0651}'), // 0x7C ARABIC SHADDA
    Some('\u{0653}'), // 0x7D ARABIC MADDAH ABOVE
    Some('\u{0656}'), // 0x7E ARABIC SUBSCRIPT ALEF
    Some('\u{0670}'), // 0x7F ARABIC LETTER SUPERSCRIPT ALEF
];

/// TS 23.038 A.2.1, the Turkish national language single shift table.
static TURKISH_SINGLE_SHIFT: Table = [
    // 0x00..=0x0F
    None,             // 0x00 unused
    None,             // 0x01 unused
    None,             // 0x02 unused
    None,             // 0x03 unused
    None,             // 0x04 unused
    None,             // 0x05 unused
    None,             // 0x06 unused
    None,             // 0x07 unused
    None,             // 0x08 unused
    None,             // 0x09 unused
    Some('\u{000C}'), // 0x0A FORM FEED (page break)
    None,             // 0x0B unused
    None,             // 0x0C unused
    None,             // 0x0D reserved: CR2
    None,             // 0x0E unused
    None,             // 0x0F unused
    // 0x10..=0x1F
    None,      // 0x10 unused
    None,      // 0x11 unused
    None,      // 0x12 unused
    None,      // 0x13 unused
    Some('^'), // 0x14
    None,      // 0x15 unused
    None,      // 0x16 unused
    None,      // 0x17 unused
    None,      // 0x18 unused
    None,      // 0x19 unused
    None,      // 0x1A unused
    None,      // 0x1B reserved: escape to a further extension table
    None,      // 0x1C unused
    None,      // 0x1D unused
    None,      // 0x1E unused
    None,      // 0x1F unused
    // 0x20..=0x2F
    None,       // 0x20 unused
    None,       // 0x21 unused
    None,       // 0x22 unused
    None,       // 0x23 unused
    None,       // 0x24 unused
    None,       // 0x25 unused
    None,       // 0x26 unused
    None,       // 0x27 unused
    Some('{'),  // 0x28
    Some('}'),  // 0x29
    None,       // 0x2A unused
    None,       // 0x2B unused
    None,       // 0x2C unused
    None,       // 0x2D unused
    None,       // 0x2E unused
    Some('\\'), // 0x2F
    // 0x30..=0x3F
    None,      // 0x30 unused
    None,      // 0x31 unused
    None,      // 0x32 unused
    None,      // 0x33 unused
    None,      // 0x34 unused
    None,      // 0x35 unused
    None,      // 0x36 unused
    None,      // 0x37 unused
    None,      // 0x38 unused
    None,      // 0x39 unused
    None,      // 0x3A unused
    None,      // 0x3B unused
    Some('['), // 0x3C
    Some('~'), // 0x3D
    Some(']'), // 0x3E
    None,      // 0x3F unused
    // 0x40..=0x4F
    Some('|'),        // 0x40
    None,             // 0x41 unused
    None,             // 0x42 unused
    None,             // 0x43 unused
    None,             // 0x44 unused
    None,             // 0x45 unused
    None,             // 0x46 unused
    Some('\u{011E}'), // 0x47 LATIN CAPITAL LETTER G WITH BREVE
    None,             // 0x48 unused
    Some('\u{0130}'), // 0x49 LATIN CAPITAL LETTER I WITH DOT ABOVE
    None,             // 0x4A unused
    None,             // 0x4B unused
    None,             // 0x4C unused
    None,             // 0x4D unused
    None,             // 0x4E unused
    None,             // 0x4F unused
    // 0x50..=0x5F
    None,             // 0x50 unused
    None,             // 0x51 unused
    None,             // 0x52 unused
    Some('\u{015E}'), // 0x53 LATIN CAPITAL LETTER S WITH CEDILLA
    None,             // 0x54 unused
    None,             // 0x55 unused
    None,             // 0x56 unused
    None,             // 0x57 unused
    None,             // 0x58 unused
    None,             // 0x59 unused
    None,             // 0x5A unused
    None,             // 0x5B unused
    None,             // 0x5C unused
    None,             // 0x5D unused
    None,             // 0x5E unused
    None,             // 0x5F unused
    // 0x60..=0x6F
    None,             // 0x60 unused
    None,             // 0x61 unused
    None,             // 0x62 unused
    Some('\u{00E7}'), // 0x63 LATIN SMALL LETTER C WITH CEDILLA
    None,             // 0x64 unused
    Some('\u{20AC}'), // 0x65 EURO SIGN
    None,             // 0x66 unused
    Some('\u{011F}'), // 0x67 LATIN SMALL LETTER G WITH BREVE
    None,             // 0x68 unused
    Some('\u{0131}'), // 0x69 LATIN SMALL LETTER DOTLESS I
    None,             // 0x6A unused
    None,             // 0x6B unused
    None,             // 0x6C unused
    None,             // 0x6D unused
    None,             // 0x6E unused
    None,             // 0x6F unused
    // 0x70..=0x7F
    None,             // 0x70 unused
    None,             // 0x71 unused
    None,             // 0x72 unused
    Some('\u{015F}'), // 0x73 LATIN SMALL LETTER S WITH CEDILLA
    None,             // 0x74 unused
    None,             // 0x75 unused
    None,             // 0x76 unused
    None,             // 0x77 unused
    None,             // 0x78 unused
    None,             // 0x79 unused
    None,             // 0x7A unused
    None,             // 0x7B unused
    None,             // 0x7C unused
    None,             // 0x7D unused
    None,             // 0x7E unused
    None,             // 0x7F unused
];

/// TS 23.038 A.2.2, the Spanish national language single shift table.
static SPANISH_SINGLE_SHIFT: Table = [
    // 0x00..=0x0F
    None,             // 0x00 unused
    None,             // 0x01 unused
    None,             // 0x02 unused
    None,             // 0x03 unused
    None,             // 0x04 unused
    None,             // 0x05 unused
    None,             // 0x06 unused
    None,             // 0x07 unused
    None,             // 0x08 unused
    Some('\u{00E7}'), // 0x09 LATIN SMALL LETTER C WITH CEDILLA
    Some('\u{000C}'), // 0x0A FORM FEED (page break)
    None,             // 0x0B unused
    None,             // 0x0C unused
    None,             // 0x0D reserved: CR2
    None,             // 0x0E unused
    None,             // 0x0F unused
    // 0x10..=0x1F
    None,      // 0x10 unused
    None,      // 0x11 unused
    None,      // 0x12 unused
    None,      // 0x13 unused
    Some('^'), // 0x14
    None,      // 0x15 unused
    None,      // 0x16 unused
    None,      // 0x17 unused
    None,      // 0x18 unused
    None,      // 0x19 unused
    None,      // 0x1A unused
    None,      // 0x1B reserved: escape to a further extension table
    None,      // 0x1C unused
    None,      // 0x1D unused
    None,      // 0x1E unused
    None,      // 0x1F unused
    // 0x20..=0x2F
    None,       // 0x20 unused
    None,       // 0x21 unused
    None,       // 0x22 unused
    None,       // 0x23 unused
    None,       // 0x24 unused
    None,       // 0x25 unused
    None,       // 0x26 unused
    None,       // 0x27 unused
    Some('{'),  // 0x28
    Some('}'),  // 0x29
    None,       // 0x2A unused
    None,       // 0x2B unused
    None,       // 0x2C unused
    None,       // 0x2D unused
    None,       // 0x2E unused
    Some('\\'), // 0x2F
    // 0x30..=0x3F
    None,      // 0x30 unused
    None,      // 0x31 unused
    None,      // 0x32 unused
    None,      // 0x33 unused
    None,      // 0x34 unused
    None,      // 0x35 unused
    None,      // 0x36 unused
    None,      // 0x37 unused
    None,      // 0x38 unused
    None,      // 0x39 unused
    None,      // 0x3A unused
    None,      // 0x3B unused
    Some('['), // 0x3C
    Some('~'), // 0x3D
    Some(']'), // 0x3E
    None,      // 0x3F unused
    // 0x40..=0x4F
    Some('|'),        // 0x40
    Some('\u{00C1}'), // 0x41 LATIN CAPITAL LETTER A WITH ACUTE
    None,             // 0x42 unused
    None,             // 0x43 unused
    None,             // 0x44 unused
    None,             // 0x45 unused
    None,             // 0x46 unused
    None,             // 0x47 unused
    None,             // 0x48 unused
    Some('\u{00CD}'), // 0x49 LATIN CAPITAL LETTER I WITH ACUTE
    None,             // 0x4A unused
    None,             // 0x4B unused
    None,             // 0x4C unused
    None,             // 0x4D unused
    None,             // 0x4E unused
    Some('\u{00D3}'), // 0x4F LATIN CAPITAL LETTER O WITH ACUTE
    // 0x50..=0x5F
    None,             // 0x50 unused
    None,             // 0x51 unused
    None,             // 0x52 unused
    None,             // 0x53 unused
    None,             // 0x54 unused
    Some('\u{00DA}'), // 0x55 LATIN CAPITAL LETTER U WITH ACUTE
    None,             // 0x56 unused
    None,             // 0x57 unused
    None,             // 0x58 unused
    None,             // 0x59 unused
    None,             // 0x5A unused
    None,             // 0x5B unused
    None,             // 0x5C unused
    None,             // 0x5D unused
    None,             // 0x5E unused
    None,             // 0x5F unused
    // 0x60..=0x6F
    None,             // 0x60 unused
    Some('\u{00E1}'), // 0x61 LATIN SMALL LETTER A WITH ACUTE
    None,             // 0x62 unused
    None,             // 0x63 unused
    None,             // 0x64 unused
    Some('\u{20AC}'), // 0x65 EURO SIGN
    None,             // 0x66 unused
    None,             // 0x67 unused
    None,             // 0x68 unused
    Some('\u{00ED}'), // 0x69 LATIN SMALL LETTER I WITH ACUTE
    None,             // 0x6A unused
    None,             // 0x6B unused
    None,             // 0x6C unused
    None,             // 0x6D unused
    None,             // 0x6E unused
    Some('\u{00F3}'), // 0x6F LATIN SMALL LETTER O WITH ACUTE
    // 0x70..=0x7F
    None,             // 0x70 unused
    None,             // 0x71 unused
    None,             // 0x72 unused
    None,             // 0x73 unused
    None,             // 0x74 unused
    Some('\u{00FA}'), // 0x75 LATIN SMALL LETTER U WITH ACUTE
    None,             // 0x76 unused
    None,             // 0x77 unused
    None,             // 0x78 unused
    None,             // 0x79 unused
    None,             // 0x7A unused
    None,             // 0x7B unused
    None,             // 0x7C unused
    None,             // 0x7D unused
    None,             // 0x7E unused
    None,             // 0x7F unused
];

/// TS 23.038 A.2.3, the Portuguese national language single shift table.
static PORTUGUESE_SINGLE_SHIFT: Table = [
    // 0x00..=0x0F
    None,             // 0x00 unused
    None,             // 0x01 unused
    None,             // 0x02 unused
    None,             // 0x03 unused
    None,             // 0x04 unused
    Some('\u{00EA}'), // 0x05 LATIN SMALL LETTER E WITH CIRCUMFLEX
    None,             // 0x06 unused
    None,             // 0x07 unused
    None,             // 0x08 unused
    Some('\u{00E7}'), // 0x09 LATIN SMALL LETTER C WITH CEDILLA
    Some('\u{000C}'), // 0x0A FORM FEED (page break)
    Some('\u{00D4}'), // 0x0B LATIN CAPITAL LETTER O WITH CIRCUMFLEX
    Some('\u{00F4}'), // 0x0C LATIN SMALL LETTER O WITH CIRCUMFLEX
    None,             // 0x0D reserved: CR2
    Some('\u{00C1}'), // 0x0E LATIN CAPITAL LETTER A WITH ACUTE
    Some('\u{00E1}'), // 0x0F LATIN SMALL LETTER A WITH ACUTE
    // 0x10..=0x1F
    None,             // 0x10 unused
    None,             // 0x11 unused
    Some('\u{03A6}'), // 0x12 GREEK CAPITAL LETTER PHI
    Some('\u{0393}'), // 0x13 GREEK CAPITAL LETTER GAMMA
    Some('^'),        // 0x14
    Some('\u{03A9}'), // 0x15 GREEK CAPITAL LETTER OMEGA
    Some('\u{03A0}'), // 0x16 GREEK CAPITAL LETTER PI
    Some('\u{03A8}'), // 0x17 GREEK CAPITAL LETTER PSI
    Some('\u{03A3}'), // 0x18 GREEK CAPITAL LETTER SIGMA
    Some('\u{0398}'), // 0x19 GREEK CAPITAL LETTER THETA
    None,             // 0x1A unused
    None,             // 0x1B reserved: escape to a further extension table
    None,             // 0x1C unused
    None,             // 0x1D unused
    None,             // 0x1E unused
    Some('\u{00CA}'), // 0x1F LATIN CAPITAL LETTER E WITH CIRCUMFLEX
    // 0x20..=0x2F
    None,       // 0x20 unused
    None,       // 0x21 unused
    None,       // 0x22 unused
    None,       // 0x23 unused
    None,       // 0x24 unused
    None,       // 0x25 unused
    None,       // 0x26 unused
    None,       // 0x27 unused
    Some('{'),  // 0x28
    Some('}'),  // 0x29
    None,       // 0x2A unused
    None,       // 0x2B unused
    None,       // 0x2C unused
    None,       // 0x2D unused
    None,       // 0x2E unused
    Some('\\'), // 0x2F
    // 0x30..=0x3F
    None,      // 0x30 unused
    None,      // 0x31 unused
    None,      // 0x32 unused
    None,      // 0x33 unused
    None,      // 0x34 unused
    None,      // 0x35 unused
    None,      // 0x36 unused
    None,      // 0x37 unused
    None,      // 0x38 unused
    None,      // 0x39 unused
    None,      // 0x3A unused
    None,      // 0x3B unused
    Some('['), // 0x3C
    Some('~'), // 0x3D
    Some(']'), // 0x3E
    None,      // 0x3F unused
    // 0x40..=0x4F
    Some('|'),        // 0x40
    Some('\u{00C0}'), // 0x41 LATIN CAPITAL LETTER A WITH GRAVE
    None,             // 0x42 unused
    None,             // 0x43 unused
    None,             // 0x44 unused
    None,             // 0x45 unused
    None,             // 0x46 unused
    None,             // 0x47 unused
    None,             // 0x48 unused
    Some('\u{00CD}'), // 0x49 LATIN CAPITAL LETTER I WITH ACUTE
    None,             // 0x4A unused
    None,             // 0x4B unused
    None,             // 0x4C unused
    None,             // 0x4D unused
    None,             // 0x4E unused
    Some('\u{00D3}'), // 0x4F LATIN CAPITAL LETTER O WITH ACUTE
    // 0x50..=0x5F
    None,             // 0x50 unused
    None,             // 0x51 unused
    None,             // 0x52 unused
    None,             // 0x53 unused
    None,             // 0x54 unused
    Some('\u{00DA}'), // 0x55 LATIN CAPITAL LETTER U WITH ACUTE
    None,             // 0x56 unused
    None,             // 0x57 unused
    None,             // 0x58 unused
    None,             // 0x59 unused
    None,             // 0x5A unused
    Some('\u{00C3}'), // 0x5B LATIN CAPITAL LETTER A WITH TILDE
    Some('\u{00D5}'), // 0x5C LATIN CAPITAL LETTER O WITH TILDE
    None,             // 0x5D unused
    None,             // 0x5E unused
    None,             // 0x5F unused
    // 0x60..=0x6F
    None,             // 0x60 unused
    Some('\u{00C2}'), // 0x61 LATIN CAPITAL LETTER A WITH CIRCUMFLEX
    None,             // 0x62 unused
    None,             // 0x63 unused
    None,             // 0x64 unused
    Some('\u{20AC}'), // 0x65 EURO SIGN
    None,             // 0x66 unused
    None,             // 0x67 unused
    None,             // 0x68 unused
    Some('\u{00ED}'), // 0x69 LATIN SMALL LETTER I WITH ACUTE
    None,             // 0x6A unused
    None,             // 0x6B unused
    None,             // 0x6C unused
    None,             // 0x6D unused
    None,             // 0x6E unused
    Some('\u{00F3}'), // 0x6F LATIN SMALL LETTER O WITH ACUTE
    // 0x70..=0x7F
    None,             // 0x70 unused
    None,             // 0x71 unused
    None,             // 0x72 unused
    None,             // 0x73 unused
    None,             // 0x74 unused
    Some('\u{00FA}'), // 0x75 LATIN SMALL LETTER U WITH ACUTE
    None,             // 0x76 unused
    None,             // 0x77 unused
    None,             // 0x78 unused
    None,             // 0x79 unused
    None,             // 0x7A unused
    Some('\u{00E3}'), // 0x7B LATIN SMALL LETTER A WITH TILDE
    Some('\u{00F5}'), // 0x7C LATIN SMALL LETTER O WITH TILDE
    None,             // 0x7D unused
    None,             // 0x7E unused
    Some('\u{00E2}'), // 0x7F LATIN SMALL LETTER A WITH CIRCUMFLEX
];

/// TS 23.038 A.2.4, the Bengali national language single shift table.
static BENGALI_SINGLE_SHIFT: Table = [
    // 0x00..=0x0F
    Some('@'),        // 0x00
    Some('\u{00A3}'), // 0x01 POUND SIGN
    Some('$'),        // 0x02
    Some('\u{00A5}'), // 0x03 YEN SIGN
    Some('\u{00BF}'), // 0x04 INVERTED QUESTION MARK
    Some('"'),        // 0x05
    Some('\u{00A4}'), // 0x06 CURRENCY SIGN
    Some('%'),        // 0x07
    Some('&'),        // 0x08
    Some('\''),       // 0x09
    Some('\u{000C}'), // 0x0A FORM FEED (page break)
    Some('*'),        // 0x0B
    Some('+'),        // 0x0C
    None,             // 0x0D reserved: CR2
    Some('-'),        // 0x0E
    Some('/'),        // 0x0F
    // 0x10..=0x1F
    Some('<'),        // 0x10
    Some('='),        // 0x11
    Some('>'),        // 0x12
    Some('\u{00A1}'), // 0x13 INVERTED EXCLAMATION MARK
    Some('^'),        // 0x14
    Some('\u{00A1}'), // 0x15 INVERTED EXCLAMATION MARK
    Some('_'),        // 0x16
    Some('#'),        // 0x17
    Some('*'),        // 0x18
    Some('\u{09E6}'), // 0x19 BENGALI DIGIT ZERO
    Some('\u{09E7}'), // 0x1A BENGALI DIGIT ONE
    None,             // 0x1B reserved: escape to a further extension table
    Some('\u{09E8}'), // 0x1C BENGALI DIGIT TWO
    Some('\u{09E9}'), // 0x1D BENGALI DIGIT THREE
    Some('\u{09EA}'), // 0x1E BENGALI DIGIT FOUR
    Some('\u{09EB}'), // 0x1F BENGALI DIGIT FIVE
    // 0x20..=0x2F
    Some('\u{09EC}'), // 0x20 BENGALI DIGIT SIX
    Some('\u{09ED}'), // 0x21 BENGALI DIGIT SEVEN
    Some('\u{09EE}'), // 0x22 BENGALI DIGIT EIGHT
    Some('\u{09EF}'), // 0x23 BENGALI DIGIT NINE
    Some('\u{09DF}'), // 0x24 BENGALI LETTER YYA
    Some('\u{09E0}'), // 0x25 BENGALI LETTER VOCALIC RR
    Some('\u{09E1}'), // 0x26 BENGALI LETTER VOCALIC LL
    Some('\u{09E2}'), // 0x27 BENGALI VOWEL SIGN VOCALIC L
    Some('{'),        // 0x28
    Some('}'),        // 0x29
    Some('\u{09E3}'), // 0x2A BENGALI VOWEL SIGN VOCALIC LL
    Some('\u{09F2}'), // 0x2B BENGALI RUPEE MARK
    Some('\u{09F3}'), // 0x2C BENGALI RUPEE SIGN
    Some('\u{09F4}'), // 0x2D BENGALI CURRENCY NUMERATOR ONE
    Some('\u{09F5}'), // 0x2E BENGALI CURRENCY NUMERATOR TWO
    Some('\\'),       // 0x2F
    // 0x30..=0x3F
    Some('\u{09F6}'), // 0x30 BENGALI CURRENCY NUMERATOR THREE
    Some('\u{09F7}'), // 0x31 BENGALI CURRENCY NUMERATOR FOUR
    Some('\u{09F8}'), // 0x32 BENGALI CURRENCY NUMERATOR ONE LESS THAN THE DENOMINATOR
    Some('\u{09F9}'), // 0x33 BENGALI CURRENCY DENOMINATOR SIXTEEN
    Some('\u{09FA}'), // 0x34 BENGALI ISSHAR
    None,             // 0x35 unused
    None,             // 0x36 unused
    None,             // 0x37 unused
    None,             // 0x38 unused
    None,             // 0x39 unused
    None,             // 0x3A unused
    None,             // 0x3B unused
    Some('['),        // 0x3C
    Some('~'),        // 0x3D
    Some(']'),        // 0x3E
    None,             // 0x3F unused
    // 0x40..=0x4F
    Some('|'), // 0x40
    Some('A'), // 0x41
    Some('B'), // 0x42
    Some('C'), // 0x43
    Some('D'), // 0x44
    Some('E'), // 0x45
    Some('F'), // 0x46
    Some('G'), // 0x47
    Some('H'), // 0x48
    Some('I'), // 0x49
    Some('J'), // 0x4A
    Some('K'), // 0x4B
    Some('L'), // 0x4C
    Some('M'), // 0x4D
    Some('N'), // 0x4E
    Some('O'), // 0x4F
    // 0x50..=0x5F
    Some('P'), // 0x50
    Some('Q'), // 0x51
    Some('R'), // 0x52
    Some('S'), // 0x53
    Some('T'), // 0x54
    Some('U'), // 0x55
    Some('V'), // 0x56
    Some('W'), // 0x57
    Some('X'), // 0x58
    Some('Y'), // 0x59
    Some('Z'), // 0x5A
    None,      // 0x5B unused
    None,      // 0x5C unused
    None,      // 0x5D unused
    None,      // 0x5E unused
    None,      // 0x5F unused
    // 0x60..=0x6F
    None,             // 0x60 unused
    None,             // 0x61 unused
    None,             // 0x62 unused
    None,             // 0x63 unused
    None,             // 0x64 unused
    Some('\u{20AC}'), // 0x65 EURO SIGN
    None,             // 0x66 unused
    None,             // 0x67 unused
    None,             // 0x68 unused
    None,             // 0x69 unused
    None,             // 0x6A unused
    None,             // 0x6B unused
    None,             // 0x6C unused
    None,             // 0x6D unused
    None,             // 0x6E unused
    None,             // 0x6F unused
    // 0x70..=0x7F
    None, // 0x70 unused
    None, // 0x71 unused
    None, // 0x72 unused
    None, // 0x73 unused
    None, // 0x74 unused
    None, // 0x75 unused
    None, // 0x76 unused
    None, // 0x77 unused
    None, // 0x78 unused
    None, // 0x79 unused
    None, // 0x7A unused
    None, // 0x7B unused
    None, // 0x7C unused
    None, // 0x7D unused
    None, // 0x7E unused
    None, // 0x7F unused
];

/// TS 23.038 A.2.5, the Gujarati national language single shift table.
static GUJARATI_SINGLE_SHIFT: Table = [
    // 0x00..=0x0F
    Some('@'),        // 0x00
    Some('\u{00A3}'), // 0x01 POUND SIGN
    Some('$'),        // 0x02
    Some('\u{00A5}'), // 0x03 YEN SIGN
    Some('\u{00BF}'), // 0x04 INVERTED QUESTION MARK
    Some('"'),        // 0x05
    Some('\u{00A4}'), // 0x06 CURRENCY SIGN
    Some('%'),        // 0x07
    Some('&'),        // 0x08
    Some('\''),       // 0x09
    Some('\u{000C}'), // 0x0A FORM FEED (page break)
    Some('*'),        // 0x0B
    Some('+'),        // 0x0C
    None,             // 0x0D reserved: CR2
    Some('-'),        // 0x0E
    Some('/'),        // 0x0F
    // 0x10..=0x1F
    Some('<'),        // 0x10
    Some('='),        // 0x11
    Some('>'),        // 0x12
    Some('\u{00A1}'), // 0x13 INVERTED EXCLAMATION MARK
    Some('^'),        // 0x14
    Some('\u{00A1}'), // 0x15 INVERTED EXCLAMATION MARK
    Some('_'),        // 0x16
    Some('#'),        // 0x17
    Some('*'),        // 0x18
    Some('\u{0964}'), // 0x19 DEVANAGARI DANDA
    Some('\u{0965}'), // 0x1A DEVANAGARI DOUBLE DANDA
    None,             // 0x1B reserved: escape to a further extension table
    Some('\u{0AE6}'), // 0x1C GUJARATI DIGIT ZERO
    Some('\u{0AE7}'), // 0x1D GUJARATI DIGIT ONE
    Some('\u{0AE8}'), // 0x1E GUJARATI DIGIT TWO
    Some('\u{0AE9}'), // 0x1F GUJARATI DIGIT THREE
    // 0x20..=0x2F
    Some('\u{0AEA}'), // 0x20 GUJARATI DIGIT FOUR
    Some('\u{0AEB}'), // 0x21 GUJARATI DIGIT FIVE
    Some('\u{0AEC}'), // 0x22 GUJARATI DIGIT SIX
    Some('\u{0AED}'), // 0x23 GUJARATI DIGIT SEVEN
    Some('\u{0AEE}'), // 0x24 GUJARATI DIGIT EIGHT
    Some('\u{0AEF}'), // 0x25 GUJARATI DIGIT NINE
    None,             // 0x26 unused
    None,             // 0x27 unused
    Some('{'),        // 0x28
    Some('}'),        // 0x29
    None,             // 0x2A unused
    None,             // 0x2B unused
    None,             // 0x2C unused
    None,             // 0x2D unused
    None,             // 0x2E unused
    Some('\\'),       // 0x2F
    // 0x30..=0x3F
    None,      // 0x30 unused
    None,      // 0x31 unused
    None,      // 0x32 unused
    None,      // 0x33 unused
    None,      // 0x34 unused
    None,      // 0x35 unused
    None,      // 0x36 unused
    None,      // 0x37 unused
    None,      // 0x38 unused
    None,      // 0x39 unused
    None,      // 0x3A unused
    None,      // 0x3B unused
    Some('['), // 0x3C
    Some('~'), // 0x3D
    Some(']'), // 0x3E
    None,      // 0x3F unused
    // 0x40..=0x4F
    Some('|'), // 0x40
    Some('A'), // 0x41
    Some('B'), // 0x42
    Some('C'), // 0x43
    Some('D'), // 0x44
    Some('E'), // 0x45
    Some('F'), // 0x46
    Some('G'), // 0x47
    Some('H'), // 0x48
    Some('I'), // 0x49
    Some('J'), // 0x4A
    Some('K'), // 0x4B
    Some('L'), // 0x4C
    Some('M'), // 0x4D
    Some('N'), // 0x4E
    Some('O'), // 0x4F
    // 0x50..=0x5F
    Some('P'), // 0x50
    Some('Q'), // 0x51
    Some('R'), // 0x52
    Some('S'), // 0x53
    Some('T'), // 0x54
    Some('U'), // 0x55
    Some('V'), // 0x56
    Some('W'), // 0x57
    Some('X'), // 0x58
    Some('Y'), // 0x59
    Some('Z'), // 0x5A
    None,      // 0x5B unused
    None,      // 0x5C unused
    None,      // 0x5D unused
    None,      // 0x5E unused
    None,      // 0x5F unused
    // 0x60..=0x6F
    None,             // 0x60 unused
    None,             // 0x61 unused
    None,             // 0x62 unused
    None,             // 0x63 unused
    None,             // 0x64 unused
    Some('\u{20AC}'), // 0x65 EURO SIGN
    None,             // 0x66 unused
    None,             // 0x67 unused
    None,             // 0x68 unused
    None,             // 0x69 unused
    None,             // 0x6A unused
    None,             // 0x6B unused
    None,             // 0x6C unused
    None,             // 0x6D unused
    None,             // 0x6E unused
    None,             // 0x6F unused
    // 0x70..=0x7F
    None, // 0x70 unused
    None, // 0x71 unused
    None, // 0x72 unused
    None, // 0x73 unused
    None, // 0x74 unused
    None, // 0x75 unused
    None, // 0x76 unused
    None, // 0x77 unused
    None, // 0x78 unused
    None, // 0x79 unused
    None, // 0x7A unused
    None, // 0x7B unused
    None, // 0x7C unused
    None, // 0x7D unused
    None, // 0x7E unused
    None, // 0x7F unused
];

/// TS 23.038 A.2.6, the Hindi national language single shift table.
static HINDI_SINGLE_SHIFT: Table = [
    // 0x00..=0x0F
    Some('@'),        // 0x00
    Some('\u{00A3}'), // 0x01 POUND SIGN
    Some('$'),        // 0x02
    Some('\u{00A5}'), // 0x03 YEN SIGN
    Some('\u{00BF}'), // 0x04 INVERTED QUESTION MARK
    Some('"'),        // 0x05
    Some('\u{00A4}'), // 0x06 CURRENCY SIGN
    Some('%'),        // 0x07
    Some('&'),        // 0x08
    Some('\''),       // 0x09
    Some('\u{000C}'), // 0x0A FORM FEED (page break)
    Some('*'),        // 0x0B
    Some('+'),        // 0x0C
    None,             // 0x0D reserved: CR2
    Some('-'),        // 0x0E
    Some('/'),        // 0x0F
    // 0x10..=0x1F
    Some('<'),        // 0x10
    Some('='),        // 0x11
    Some('>'),        // 0x12
    Some('\u{00A1}'), // 0x13 INVERTED EXCLAMATION MARK
    Some('^'),        // 0x14
    Some('\u{00A1}'), // 0x15 INVERTED EXCLAMATION MARK
    Some('_'),        // 0x16
    Some('#'),        // 0x17
    Some('*'),        // 0x18
    Some('\u{0964}'), // 0x19 DEVANAGARI DANDA
    Some('\u{0965}'), // 0x1A DEVANAGARI DOUBLE DANDA
    None,             // 0x1B reserved: escape to a further extension table
    Some('\u{0966}'), // 0x1C DEVANAGARI DIGIT ZERO
    Some('\u{0967}'), // 0x1D DEVANAGARI DIGIT ONE
    Some('\u{0968}'), // 0x1E DEVANAGARI DIGIT TWO
    Some('\u{0969}'), // 0x1F DEVANAGARI DIGIT THREE
    // 0x20..=0x2F
    Some('\u{096A}'), // 0x20 DEVANAGARI DIGIT FOUR
    Some('\u{096B}'), // 0x21 DEVANAGARI DIGIT FIVE
    Some('\u{096C}'), // 0x22 DEVANAGARI DIGIT SIX
    Some('\u{096D}'), // 0x23 DEVANAGARI DIGIT SEVEN
    Some('\u{096E}'), // 0x24 DEVANAGARI DIGIT EIGHT
    Some('\u{096F}'), // 0x25 DEVANAGARI DIGIT NINE
    Some('\u{0951}'), // 0x26 DEVANAGARI STRESS SIGN UDATTA
    Some('\u{0952}'), // 0x27 DEVANAGARI STRESS SIGN ANUDATTA
    Some('{'),        // 0x28
    Some('}'),        // 0x29
    Some('\u{0953}'), // 0x2A DEVANAGARI GRAVE ACCENT
    Some('\u{0954}'), // 0x2B DEVANAGARI ACUTE ACCENT
    Some('\u{0958}'), // 0x2C DEVANAGARI LETTER QA
    Some('\u{0959}'), // 0x2D DEVANAGARI LETTER KHHA
    Some('\u{095A}'), // 0x2E DEVANAGARI LETTER GHHA
    Some('\\'),       // 0x2F
    // 0x30..=0x3F
    Some('\u{095B}'), // 0x30 DEVANAGARI LETTER ZA
    Some('\u{095C}'), // 0x31 DEVANAGARI LETTER DDDHA
    Some('\u{095D}'), // 0x32 DEVANAGARI LETTER RHA
    Some('\u{095E}'), // 0x33 DEVANAGARI LETTER FA
    Some('\u{095F}'), // 0x34 DEVANAGARI LETTER YYA
    Some('\u{0960}'), // 0x35 DEVANAGARI LETTER VOCALIC RR
    Some('\u{0961}'), // 0x36 DEVANAGARI LETTER VOCALIC LL
    Some('\u{0962}'), // 0x37 DEVANAGARI VOWEL SIGN VOCALIC L
    Some('\u{0963}'), // 0x38 DEVANAGARI VOWEL SIGN VOCALIC LL
    Some('\u{0970}'), // 0x39 DEVANAGARI ABBREVIATION SIGN
    Some('\u{0971}'), // 0x3A DEVANAGARI SIGN HIGH SPACING DOT
    None,             // 0x3B unused
    Some('['),        // 0x3C
    Some('~'),        // 0x3D
    Some(']'),        // 0x3E
    None,             // 0x3F unused
    // 0x40..=0x4F
    Some('|'), // 0x40
    Some('A'), // 0x41
    Some('B'), // 0x42
    Some('C'), // 0x43
    Some('D'), // 0x44
    Some('E'), // 0x45
    Some('F'), // 0x46
    Some('G'), // 0x47
    Some('H'), // 0x48
    Some('I'), // 0x49
    Some('J'), // 0x4A
    Some('K'), // 0x4B
    Some('L'), // 0x4C
    Some('M'), // 0x4D
    Some('N'), // 0x4E
    Some('O'), // 0x4F
    // 0x50..=0x5F
    Some('P'), // 0x50
    Some('Q'), // 0x51
    Some('R'), // 0x52
    Some('S'), // 0x53
    Some('T'), // 0x54
    Some('U'), // 0x55
    Some('V'), // 0x56
    Some('W'), // 0x57
    Some('X'), // 0x58
    Some('Y'), // 0x59
    Some('Z'), // 0x5A
    None,      // 0x5B unused
    None,      // 0x5C unused
    None,      // 0x5D unused
    None,      // 0x5E unused
    None,      // 0x5F unused
    // 0x60..=0x6F
    None,             // 0x60 unused
    None,             // 0x61 unused
    None,             // 0x62 unused
    None,             // 0x63 unused
    None,             // 0x64 unused
    Some('\u{20AC}'), // 0x65 EURO SIGN
    None,             // 0x66 unused
    None,             // 0x67 unused
    None,             // 0x68 unused
    None,             // 0x69 unused
    None,             // 0x6A unused
    None,             // 0x6B unused
    None,             // 0x6C unused
    None,             // 0x6D unused
    None,             // 0x6E unused
    None,             // 0x6F unused
    // 0x70..=0x7F
    None, // 0x70 unused
    None, // 0x71 unused
    None, // 0x72 unused
    None, // 0x73 unused
    None, // 0x74 unused
    None, // 0x75 unused
    None, // 0x76 unused
    None, // 0x77 unused
    None, // 0x78 unused
    None, // 0x79 unused
    None, // 0x7A unused
    None, // 0x7B unused
    None, // 0x7C unused
    None, // 0x7D unused
    None, // 0x7E unused
    None, // 0x7F unused
];

/// TS 23.038 A.2.7, the Kannada national language single shift table.
static KANNADA_SINGLE_SHIFT: Table = [
    // 0x00..=0x0F
    Some('@'),        // 0x00
    Some('\u{00A3}'), // 0x01 POUND SIGN
    Some('$'),        // 0x02
    Some('\u{00A5}'), // 0x03 YEN SIGN
    Some('\u{00BF}'), // 0x04 INVERTED QUESTION MARK
    Some('"'),        // 0x05
    Some('\u{00A4}'), // 0x06 CURRENCY SIGN
    Some('%'),        // 0x07
    Some('&'),        // 0x08
    Some('\''),       // 0x09
    Some('\u{000C}'), // 0x0A FORM FEED (page break)
    Some('*'),        // 0x0B
    Some('+'),        // 0x0C
    None,             // 0x0D reserved: CR2
    Some('-'),        // 0x0E
    Some('/'),        // 0x0F
    // 0x10..=0x1F
    Some('<'),        // 0x10
    Some('='),        // 0x11
    Some('>'),        // 0x12
    Some('\u{00A1}'), // 0x13 INVERTED EXCLAMATION MARK
    Some('^'),        // 0x14
    Some('\u{00A1}'), // 0x15 INVERTED EXCLAMATION MARK
    Some('_'),        // 0x16
    Some('#'),        // 0x17
    Some('*'),        // 0x18
    Some('\u{0964}'), // 0x19 DEVANAGARI DANDA
    Some('\u{0965}'), // 0x1A DEVANAGARI DOUBLE DANDA
    None,             // 0x1B reserved: escape to a further extension table
    Some('\u{0CE6}'), // 0x1C KANNADA DIGIT ZERO
    Some('\u{0CE7}'), // 0x1D KANNADA DIGIT ONE
    Some('\u{0CE8}'), // 0x1E KANNADA DIGIT TWO
    Some('\u{0CE9}'), // 0x1F KANNADA DIGIT THREE
    // 0x20..=0x2F
    Some('\u{0CEA}'), // 0x20 KANNADA DIGIT FOUR
    Some('\u{0CEB}'), // 0x21 KANNADA DIGIT FIVE
    Some('\u{0CEC}'), // 0x22 KANNADA DIGIT SIX
    Some('\u{0CED}'), // 0x23 KANNADA DIGIT SEVEN
    Some('\u{0CEE}'), // 0x24 KANNADA DIGIT EIGHT
    Some('\u{0CEF}'), // 0x25 KANNADA DIGIT NINE
    Some('\u{0CDE}'), // 0x26 KANNADA LETTER FA
    Some('\u{0CF1}'), // 0x27 KANNADA SIGN JIHVAMULIYA
    Some('{'),        // 0x28
    Some('}'),        // 0x29
    Some('\u{0CF2}'), // 0x2A KANNADA SIGN UPADHMANIYA
    None,             // 0x2B unused
    None,             // 0x2C unused
    None,             // 0x2D unused
    None,             // 0x2E unused
    Some('\\'),       // 0x2F
    // 0x30..=0x3F
    None,      // 0x30 unused
    None,      // 0x31 unused
    None,      // 0x32 unused
    None,      // 0x33 unused
    None,      // 0x34 unused
    None,      // 0x35 unused
    None,      // 0x36 unused
    None,      // 0x37 unused
    None,      // 0x38 unused
    None,      // 0x39 unused
    None,      // 0x3A unused
    None,      // 0x3B unused
    Some('['), // 0x3C
    Some('~'), // 0x3D
    Some(']'), // 0x3E
    None,      // 0x3F unused
    // 0x40..=0x4F
    Some('|'), // 0x40
    Some('A'), // 0x41
    Some('B'), // 0x42
    Some('C'), // 0x43
    Some('D'), // 0x44
    Some('E'), // 0x45
    Some('F'), // 0x46
    Some('G'), // 0x47
    Some('H'), // 0x48
    Some('I'), // 0x49
    Some('J'), // 0x4A
    Some('K'), // 0x4B
    Some('L'), // 0x4C
    Some('M'), // 0x4D
    Some('N'), // 0x4E
    Some('O'), // 0x4F
    // 0x50..=0x5F
    Some('P'), // 0x50
    Some('Q'), // 0x51
    Some('R'), // 0x52
    Some('S'), // 0x53
    Some('T'), // 0x54
    Some('U'), // 0x55
    Some('V'), // 0x56
    Some('W'), // 0x57
    Some('X'), // 0x58
    Some('Y'), // 0x59
    Some('Z'), // 0x5A
    None,      // 0x5B unused
    None,      // 0x5C unused
    None,      // 0x5D unused
    None,      // 0x5E unused
    None,      // 0x5F unused
    // 0x60..=0x6F
    None,             // 0x60 unused
    None,             // 0x61 unused
    None,             // 0x62 unused
    None,             // 0x63 unused
    None,             // 0x64 unused
    Some('\u{20AC}'), // 0x65 EURO SIGN
    None,             // 0x66 unused
    None,             // 0x67 unused
    None,             // 0x68 unused
    None,             // 0x69 unused
    None,             // 0x6A unused
    None,             // 0x6B unused
    None,             // 0x6C unused
    None,             // 0x6D unused
    None,             // 0x6E unused
    None,             // 0x6F unused
    // 0x70..=0x7F
    None, // 0x70 unused
    None, // 0x71 unused
    None, // 0x72 unused
    None, // 0x73 unused
    None, // 0x74 unused
    None, // 0x75 unused
    None, // 0x76 unused
    None, // 0x77 unused
    None, // 0x78 unused
    None, // 0x79 unused
    None, // 0x7A unused
    None, // 0x7B unused
    None, // 0x7C unused
    None, // 0x7D unused
    None, // 0x7E unused
    None, // 0x7F unused
];

/// TS 23.038 A.2.8, the Malayalam national language single shift table.
static MALAYALAM_SINGLE_SHIFT: Table = [
    // 0x00..=0x0F
    Some('@'),        // 0x00
    Some('\u{00A3}'), // 0x01 POUND SIGN
    Some('$'),        // 0x02
    Some('\u{00A5}'), // 0x03 YEN SIGN
    Some('\u{00BF}'), // 0x04 INVERTED QUESTION MARK
    Some('"'),        // 0x05
    Some('\u{00A4}'), // 0x06 CURRENCY SIGN
    Some('%'),        // 0x07
    Some('&'),        // 0x08
    Some('\''),       // 0x09
    Some('\u{000C}'), // 0x0A FORM FEED (page break)
    Some('*'),        // 0x0B
    Some('+'),        // 0x0C
    None,             // 0x0D reserved: CR2
    Some('-'),        // 0x0E
    Some('/'),        // 0x0F
    // 0x10..=0x1F
    Some('<'),        // 0x10
    Some('='),        // 0x11
    Some('>'),        // 0x12
    Some('\u{00A1}'), // 0x13 INVERTED EXCLAMATION MARK
    Some('^'),        // 0x14
    Some('\u{00A1}'), // 0x15 INVERTED EXCLAMATION MARK
    Some('_'),        // 0x16
    Some('#'),        // 0x17
    Some('*'),        // 0x18
    Some('\u{0964}'), // 0x19 DEVANAGARI DANDA
    Some('\u{0965}'), // 0x1A DEVANAGARI DOUBLE DANDA
    None,             // 0x1B reserved: escape to a further extension table
    Some('\u{0D66}'), // 0x1C MALAYALAM DIGIT ZERO
    Some('\u{0D67}'), // 0x1D MALAYALAM DIGIT ONE
    Some('\u{0D68}'), // 0x1E MALAYALAM DIGIT TWO
    Some('\u{0D69}'), // 0x1F MALAYALAM DIGIT THREE
    // 0x20..=0x2F
    Some('\u{0D6A}'), // 0x20 MALAYALAM DIGIT FOUR
    Some('\u{0D6B}'), // 0x21 MALAYALAM DIGIT FIVE
    Some('\u{0D6C}'), // 0x22 MALAYALAM DIGIT SIX
    Some('\u{0D6D}'), // 0x23 MALAYALAM DIGIT SEVEN
    Some('\u{0D6E}'), // 0x24 MALAYALAM DIGIT EIGHT
    Some('\u{0D6F}'), // 0x25 MALAYALAM DIGIT NINE
    Some('\u{0D70}'), // 0x26 MALAYALAM NUMBER TEN
    Some('\u{0D71}'), // 0x27 MALAYALAM NUMBER ONE HUNDRED
    Some('{'),        // 0x28
    Some('}'),        // 0x29
    Some('\u{0D72}'), // 0x2A MALAYALAM NUMBER ONE THOUSAND
    Some('\u{0D73}'), // 0x2B MALAYALAM FRACTION ONE QUARTER
    Some('\u{0D74}'), // 0x2C MALAYALAM FRACTION ONE HALF
    Some('\u{0D75}'), // 0x2D MALAYALAM FRACTION THREE QUARTERS
    Some('\u{0D7A}'), // 0x2E MALAYALAM LETTER CHILLU NN
    Some('\\'),       // 0x2F
    // 0x30..=0x3F
    Some('\u{0D7B}'), // 0x30 MALAYALAM LETTER CHILLU N
    Some('\u{0D7C}'), // 0x31 MALAYALAM LETTER CHILLU RR
    Some('\u{0D7D}'), // 0x32 MALAYALAM LETTER CHILLU L
    Some('\u{0D7E}'), // 0x33 MALAYALAM LETTER CHILLU LL
    Some('\u{0D7F}'), // 0x34 MALAYALAM LETTER CHILLU K
    None,             // 0x35 unused
    None,             // 0x36 unused
    None,             // 0x37 unused
    None,             // 0x38 unused
    None,             // 0x39 unused
    None,             // 0x3A unused
    None,             // 0x3B unused
    Some('['),        // 0x3C
    Some('~'),        // 0x3D
    Some(']'),        // 0x3E
    None,             // 0x3F unused
    // 0x40..=0x4F
    Some('|'), // 0x40
    Some('A'), // 0x41
    Some('B'), // 0x42
    Some('C'), // 0x43
    Some('D'), // 0x44
    Some('E'), // 0x45
    Some('F'), // 0x46
    Some('G'), // 0x47
    Some('H'), // 0x48
    Some('I'), // 0x49
    Some('J'), // 0x4A
    Some('K'), // 0x4B
    Some('L'), // 0x4C
    Some('M'), // 0x4D
    Some('N'), // 0x4E
    Some('O'), // 0x4F
    // 0x50..=0x5F
    Some('P'), // 0x50
    Some('Q'), // 0x51
    Some('R'), // 0x52
    Some('S'), // 0x53
    Some('T'), // 0x54
    Some('U'), // 0x55
    Some('V'), // 0x56
    Some('W'), // 0x57
    Some('X'), // 0x58
    Some('Y'), // 0x59
    Some('Z'), // 0x5A
    None,      // 0x5B unused
    None,      // 0x5C unused
    None,      // 0x5D unused
    None,      // 0x5E unused
    None,      // 0x5F unused
    // 0x60..=0x6F
    None,             // 0x60 unused
    None,             // 0x61 unused
    None,             // 0x62 unused
    None,             // 0x63 unused
    None,             // 0x64 unused
    Some('\u{20AC}'), // 0x65 EURO SIGN
    None,             // 0x66 unused
    None,             // 0x67 unused
    None,             // 0x68 unused
    None,             // 0x69 unused
    None,             // 0x6A unused
    None,             // 0x6B unused
    None,             // 0x6C unused
    None,             // 0x6D unused
    None,             // 0x6E unused
    None,             // 0x6F unused
    // 0x70..=0x7F
    None, // 0x70 unused
    None, // 0x71 unused
    None, // 0x72 unused
    None, // 0x73 unused
    None, // 0x74 unused
    None, // 0x75 unused
    None, // 0x76 unused
    None, // 0x77 unused
    None, // 0x78 unused
    None, // 0x79 unused
    None, // 0x7A unused
    None, // 0x7B unused
    None, // 0x7C unused
    None, // 0x7D unused
    None, // 0x7E unused
    None, // 0x7F unused
];

/// TS 23.038 A.2.9, the Oriya national language single shift table.
static ORIYA_SINGLE_SHIFT: Table = [
    // 0x00..=0x0F
    Some('@'),        // 0x00
    Some('\u{00A3}'), // 0x01 POUND SIGN
    Some('$'),        // 0x02
    Some('\u{00A5}'), // 0x03 YEN SIGN
    Some('\u{00BF}'), // 0x04 INVERTED QUESTION MARK
    Some('"'),        // 0x05
    Some('\u{00A4}'), // 0x06 CURRENCY SIGN
    Some('%'),        // 0x07
    Some('&'),        // 0x08
    Some('\''),       // 0x09
    Some('\u{000C}'), // 0x0A FORM FEED (page break)
    Some('*'),        // 0x0B
    Some('+'),        // 0x0C
    None,             // 0x0D reserved: CR2
    Some('-'),        // 0x0E
    Some('/'),        // 0x0F
    // 0x10..=0x1F
    Some('<'),        // 0x10
    Some('='),        // 0x11
    Some('>'),        // 0x12
    Some('\u{00A1}'), // 0x13 INVERTED EXCLAMATION MARK
    Some('^'),        // 0x14
    Some('\u{00A1}'), // 0x15 INVERTED EXCLAMATION MARK
    Some('_'),        // 0x16
    Some('#'),        // 0x17
    Some('*'),        // 0x18
    Some('\u{0964}'), // 0x19 DEVANAGARI DANDA
    Some('\u{0965}'), // 0x1A DEVANAGARI DOUBLE DANDA
    None,             // 0x1B reserved: escape to a further extension table
    Some('\u{0B66}'), // 0x1C ORIYA DIGIT ZERO
    Some('\u{0B67}'), // 0x1D ORIYA DIGIT ONE
    Some('\u{0B68}'), // 0x1E ORIYA DIGIT TWO
    Some('\u{0B69}'), // 0x1F ORIYA DIGIT THREE
    // 0x20..=0x2F
    Some('\u{0B6A}'), // 0x20 ORIYA DIGIT FOUR
    Some('\u{0B6B}'), // 0x21 ORIYA DIGIT FIVE
    Some('\u{0B6C}'), // 0x22 ORIYA DIGIT SIX
    Some('\u{0B6D}'), // 0x23 ORIYA DIGIT SEVEN
    Some('\u{0B6E}'), // 0x24 ORIYA DIGIT EIGHT
    Some('\u{0B6F}'), // 0x25 ORIYA DIGIT NINE
    Some('\u{0B5C}'), // 0x26 ORIYA LETTER RRA
    Some('\u{0B5D}'), // 0x27 ORIYA LETTER RHA
    Some('{'),        // 0x28
    Some('}'),        // 0x29
    Some('\u{0B5F}'), // 0x2A ORIYA LETTER YYA
    Some('\u{0B70}'), // 0x2B ORIYA ISSHAR
    Some('\u{0B71}'), // 0x2C ORIYA LETTER WA
    None,             // 0x2D unused
    None,             // 0x2E unused
    Some('\\'),       // 0x2F
    // 0x30..=0x3F
    None,      // 0x30 unused
    None,      // 0x31 unused
    None,      // 0x32 unused
    None,      // 0x33 unused
    None,      // 0x34 unused
    None,      // 0x35 unused
    None,      // 0x36 unused
    None,      // 0x37 unused
    None,      // 0x38 unused
    None,      // 0x39 unused
    None,      // 0x3A unused
    None,      // 0x3B unused
    Some('['), // 0x3C
    Some('~'), // 0x3D
    Some(']'), // 0x3E
    None,      // 0x3F unused
    // 0x40..=0x4F
    Some('|'), // 0x40
    Some('A'), // 0x41
    Some('B'), // 0x42
    Some('C'), // 0x43
    Some('D'), // 0x44
    Some('E'), // 0x45
    Some('F'), // 0x46
    Some('G'), // 0x47
    Some('H'), // 0x48
    Some('I'), // 0x49
    Some('J'), // 0x4A
    Some('K'), // 0x4B
    Some('L'), // 0x4C
    Some('M'), // 0x4D
    Some('N'), // 0x4E
    Some('O'), // 0x4F
    // 0x50..=0x5F
    Some('P'), // 0x50
    Some('Q'), // 0x51
    Some('R'), // 0x52
    Some('S'), // 0x53
    Some('T'), // 0x54
    Some('U'), // 0x55
    Some('V'), // 0x56
    Some('W'), // 0x57
    Some('X'), // 0x58
    Some('Y'), // 0x59
    Some('Z'), // 0x5A
    None,      // 0x5B unused
    None,      // 0x5C unused
    None,      // 0x5D unused
    None,      // 0x5E unused
    None,      // 0x5F unused
    // 0x60..=0x6F
    None,             // 0x60 unused
    None,             // 0x61 unused
    None,             // 0x62 unused
    None,             // 0x63 unused
    None,             // 0x64 unused
    Some('\u{20AC}'), // 0x65 EURO SIGN
    None,             // 0x66 unused
    None,             // 0x67 unused
    None,             // 0x68 unused
    None,             // 0x69 unused
    None,             // 0x6A unused
    None,             // 0x6B unused
    None,             // 0x6C unused
    None,             // 0x6D unused
    None,             // 0x6E unused
    None,             // 0x6F unused
    // 0x70..=0x7F
    None, // 0x70 unused
    None, // 0x71 unused
    None, // 0x72 unused
    None, // 0x73 unused
    None, // 0x74 unused
    None, // 0x75 unused
    None, // 0x76 unused
    None, // 0x77 unused
    None, // 0x78 unused
    None, // 0x79 unused
    None, // 0x7A unused
    None, // 0x7B unused
    None, // 0x7C unused
    None, // 0x7D unused
    None, // 0x7E unused
    None, // 0x7F unused
];

/// TS 23.038 A.2.10, the Punjabi national language single shift table.
static PUNJABI_SINGLE_SHIFT: Table = [
    // 0x00..=0x0F
    Some('@'),        // 0x00
    Some('\u{00A3}'), // 0x01 POUND SIGN
    Some('$'),        // 0x02
    Some('\u{00A5}'), // 0x03 YEN SIGN
    Some('\u{00BF}'), // 0x04 INVERTED QUESTION MARK
    Some('"'),        // 0x05
    Some('\u{00A4}'), // 0x06 CURRENCY SIGN
    Some('%'),        // 0x07
    Some('&'),        // 0x08
    Some('\''),       // 0x09
    Some('\u{000C}'), // 0x0A FORM FEED (page break)
    Some('*'),        // 0x0B
    Some('+'),        // 0x0C
    None,             // 0x0D reserved: CR2
    Some('-'),        // 0x0E
    Some('/'),        // 0x0F
    // 0x10..=0x1F
    Some('<'),        // 0x10
    Some('='),        // 0x11
    Some('>'),        // 0x12
    Some('\u{00A1}'), // 0x13 INVERTED EXCLAMATION MARK
    Some('^'),        // 0x14
    Some('\u{00A1}'), // 0x15 INVERTED EXCLAMATION MARK
    Some('_'),        // 0x16
    Some('#'),        // 0x17
    Some('*'),        // 0x18
    Some('\u{0964}'), // 0x19 DEVANAGARI DANDA
    Some('\u{0965}'), // 0x1A DEVANAGARI DOUBLE DANDA
    None,             // 0x1B reserved: escape to a further extension table
    Some('\u{0A66}'), // 0x1C GURMUKHI DIGIT ZERO
    Some('\u{0A67}'), // 0x1D GURMUKHI DIGIT ONE
    Some('\u{0A68}'), // 0x1E GURMUKHI DIGIT TWO
    Some('\u{0A69}'), // 0x1F GURMUKHI DIGIT THREE
    // 0x20..=0x2F
    Some('\u{0A6A}'), // 0x20 GURMUKHI DIGIT FOUR
    Some('\u{0A6B}'), // 0x21 GURMUKHI DIGIT FIVE
    Some('\u{0A6C}'), // 0x22 GURMUKHI DIGIT SIX
    Some('\u{0A6D}'), // 0x23 GURMUKHI DIGIT SEVEN
    Some('\u{0A6E}'), // 0x24 GURMUKHI DIGIT EIGHT
    Some('\u{0A6F}'), // 0x25 GURMUKHI DIGIT NINE
    Some('\u{0A59}'), // 0x26 GURMUKHI LETTER KHHA
    Some('\u{0A5A}'), // 0x27 GURMUKHI LETTER GHHA
    Some('{'),        // 0x28
    Some('}'),        // 0x29
    Some('\u{0A5B}'), // 0x2A GURMUKHI LETTER ZA
    Some('\u{0A5C}'), // 0x2B GURMUKHI LETTER RRA
    Some('\u{0A5E}'), // 0x2C GURMUKHI LETTER FA
    Some('\u{0A75}'), // 0x2D GURMUKHI SIGN YAKASH
    None,             // 0x2E unused
    Some('\\'),       // 0x2F
    // 0x30..=0x3F
    None,      // 0x30 unused
    None,      // 0x31 unused
    None,      // 0x32 unused
    None,      // 0x33 unused
    None,      // 0x34 unused
    None,      // 0x35 unused
    None,      // 0x36 unused
    None,      // 0x37 unused
    None,      // 0x38 unused
    None,      // 0x39 unused
    None,      // 0x3A unused
    None,      // 0x3B unused
    Some('['), // 0x3C
    Some('~'), // 0x3D
    Some(']'), // 0x3E
    None,      // 0x3F unused
    // 0x40..=0x4F
    Some('|'), // 0x40
    Some('A'), // 0x41
    Some('B'), // 0x42
    Some('C'), // 0x43
    Some('D'), // 0x44
    Some('E'), // 0x45
    Some('F'), // 0x46
    Some('G'), // 0x47
    Some('H'), // 0x48
    Some('I'), // 0x49
    Some('J'), // 0x4A
    Some('K'), // 0x4B
    Some('L'), // 0x4C
    Some('M'), // 0x4D
    Some('N'), // 0x4E
    Some('O'), // 0x4F
    // 0x50..=0x5F
    Some('P'), // 0x50
    Some('Q'), // 0x51
    Some('R'), // 0x52
    Some('S'), // 0x53
    Some('T'), // 0x54
    Some('U'), // 0x55
    Some('V'), // 0x56
    Some('W'), // 0x57
    Some('X'), // 0x58
    Some('Y'), // 0x59
    Some('Z'), // 0x5A
    None,      // 0x5B unused
    None,      // 0x5C unused
    None,      // 0x5D unused
    None,      // 0x5E unused
    None,      // 0x5F unused
    // 0x60..=0x6F
    None,             // 0x60 unused
    None,             // 0x61 unused
    None,             // 0x62 unused
    None,             // 0x63 unused
    None,             // 0x64 unused
    Some('\u{20AC}'), // 0x65 EURO SIGN
    None,             // 0x66 unused
    None,             // 0x67 unused
    None,             // 0x68 unused
    None,             // 0x69 unused
    None,             // 0x6A unused
    None,             // 0x6B unused
    None,             // 0x6C unused
    None,             // 0x6D unused
    None,             // 0x6E unused
    None,             // 0x6F unused
    // 0x70..=0x7F
    None, // 0x70 unused
    None, // 0x71 unused
    None, // 0x72 unused
    None, // 0x73 unused
    None, // 0x74 unused
    None, // 0x75 unused
    None, // 0x76 unused
    None, // 0x77 unused
    None, // 0x78 unused
    None, // 0x79 unused
    None, // 0x7A unused
    None, // 0x7B unused
    None, // 0x7C unused
    None, // 0x7D unused
    None, // 0x7E unused
    None, // 0x7F unused
];

/// TS 23.038 A.2.11, the Tamil national language single shift table.
static TAMIL_SINGLE_SHIFT: Table = [
    // 0x00..=0x0F
    Some('@'),        // 0x00
    Some('\u{00A3}'), // 0x01 POUND SIGN
    Some('$'),        // 0x02
    Some('\u{00A5}'), // 0x03 YEN SIGN
    Some('\u{00BF}'), // 0x04 INVERTED QUESTION MARK
    Some('"'),        // 0x05
    Some('\u{00A4}'), // 0x06 CURRENCY SIGN
    Some('%'),        // 0x07
    Some('&'),        // 0x08
    Some('\''),       // 0x09
    Some('\u{000C}'), // 0x0A FORM FEED (page break)
    Some('*'),        // 0x0B
    Some('+'),        // 0x0C
    None,             // 0x0D reserved: CR2
    Some('-'),        // 0x0E
    Some('/'),        // 0x0F
    // 0x10..=0x1F
    Some('<'),        // 0x10
    Some('='),        // 0x11
    Some('>'),        // 0x12
    Some('\u{00A1}'), // 0x13 INVERTED EXCLAMATION MARK
    Some('^'),        // 0x14
    Some('\u{00A1}'), // 0x15 INVERTED EXCLAMATION MARK
    Some('_'),        // 0x16
    Some('#'),        // 0x17
    Some('*'),        // 0x18
    Some('\u{0964}'), // 0x19 DEVANAGARI DANDA
    Some('\u{0965}'), // 0x1A DEVANAGARI DOUBLE DANDA
    None,             // 0x1B reserved: escape to a further extension table
    Some('\u{0BE6}'), // 0x1C TAMIL DIGIT ZERO
    Some('\u{0BE7}'), // 0x1D TAMIL DIGIT ONE
    Some('\u{0BE8}'), // 0x1E TAMIL DIGIT TWO
    Some('\u{0BE9}'), // 0x1F TAMIL DIGIT THREE
    // 0x20..=0x2F
    Some('\u{0BEA}'), // 0x20 TAMIL DIGIT FOUR
    Some('\u{0BEB}'), // 0x21 TAMIL DIGIT FIVE
    Some('\u{0BEC}'), // 0x22 TAMIL DIGIT SIX
    Some('\u{0BED}'), // 0x23 TAMIL DIGIT SEVEN
    Some('\u{0BEE}'), // 0x24 TAMIL DIGIT EIGHT
    Some('\u{0BEF}'), // 0x25 TAMIL DIGIT NINE
    Some('\u{0BF3}'), // 0x26 TAMIL DAY SIGN
    Some('\u{0BF4}'), // 0x27 TAMIL MONTH SIGN
    Some('{'),        // 0x28
    Some('}'),        // 0x29
    Some('\u{0BF5}'), // 0x2A TAMIL YEAR SIGN
    Some('\u{0BF6}'), // 0x2B TAMIL DEBIT SIGN
    Some('\u{0BF7}'), // 0x2C TAMIL CREDIT SIGN
    Some('\u{0BF8}'), // 0x2D TAMIL AS ABOVE SIGN
    Some('\u{0BFA}'), // 0x2E TAMIL NUMBER SIGN
    Some('\\'),       // 0x2F
    // 0x30..=0x3F
    None,      // 0x30 unused
    None,      // 0x31 unused
    None,      // 0x32 unused
    None,      // 0x33 unused
    None,      // 0x34 unused
    None,      // 0x35 unused
    None,      // 0x36 unused
    None,      // 0x37 unused
    None,      // 0x38 unused
    None,      // 0x39 unused
    None,      // 0x3A unused
    None,      // 0x3B unused
    Some('['), // 0x3C
    Some('~'), // 0x3D
    Some(']'), // 0x3E
    None,      // 0x3F unused
    // 0x40..=0x4F
    Some('|'), // 0x40
    Some('A'), // 0x41
    Some('B'), // 0x42
    Some('C'), // 0x43
    Some('D'), // 0x44
    Some('E'), // 0x45
    Some('F'), // 0x46
    Some('G'), // 0x47
    Some('H'), // 0x48
    Some('I'), // 0x49
    Some('J'), // 0x4A
    Some('K'), // 0x4B
    Some('L'), // 0x4C
    Some('M'), // 0x4D
    Some('N'), // 0x4E
    Some('O'), // 0x4F
    // 0x50..=0x5F
    Some('P'), // 0x50
    Some('Q'), // 0x51
    Some('R'), // 0x52
    Some('S'), // 0x53
    Some('T'), // 0x54
    Some('U'), // 0x55
    Some('V'), // 0x56
    Some('W'), // 0x57
    Some('X'), // 0x58
    Some('Y'), // 0x59
    Some('Z'), // 0x5A
    None,      // 0x5B unused
    None,      // 0x5C unused
    None,      // 0x5D unused
    None,      // 0x5E unused
    None,      // 0x5F unused
    // 0x60..=0x6F
    None,             // 0x60 unused
    None,             // 0x61 unused
    None,             // 0x62 unused
    None,             // 0x63 unused
    None,             // 0x64 unused
    Some('\u{20AC}'), // 0x65 EURO SIGN
    None,             // 0x66 unused
    None,             // 0x67 unused
    None,             // 0x68 unused
    None,             // 0x69 unused
    None,             // 0x6A unused
    None,             // 0x6B unused
    None,             // 0x6C unused
    None,             // 0x6D unused
    None,             // 0x6E unused
    None,             // 0x6F unused
    // 0x70..=0x7F
    None, // 0x70 unused
    None, // 0x71 unused
    None, // 0x72 unused
    None, // 0x73 unused
    None, // 0x74 unused
    None, // 0x75 unused
    None, // 0x76 unused
    None, // 0x77 unused
    None, // 0x78 unused
    None, // 0x79 unused
    None, // 0x7A unused
    None, // 0x7B unused
    None, // 0x7C unused
    None, // 0x7D unused
    None, // 0x7E unused
    None, // 0x7F unused
];

/// TS 23.038 A.2.12, the Telugu national language single shift table.
static TELUGU_SINGLE_SHIFT: Table = [
    // 0x00..=0x0F
    Some('@'),        // 0x00
    Some('\u{00A3}'), // 0x01 POUND SIGN
    Some('$'),        // 0x02
    Some('\u{00A5}'), // 0x03 YEN SIGN
    Some('\u{00BF}'), // 0x04 INVERTED QUESTION MARK
    Some('"'),        // 0x05
    Some('\u{00A4}'), // 0x06 CURRENCY SIGN
    Some('%'),        // 0x07
    Some('&'),        // 0x08
    Some('\''),       // 0x09
    Some('\u{000C}'), // 0x0A FORM FEED (page break)
    Some('*'),        // 0x0B
    Some('+'),        // 0x0C
    None,             // 0x0D reserved: CR2
    Some('-'),        // 0x0E
    Some('/'),        // 0x0F
    // 0x10..=0x1F
    Some('<'),        // 0x10
    Some('='),        // 0x11
    Some('>'),        // 0x12
    Some('\u{00A1}'), // 0x13 INVERTED EXCLAMATION MARK
    Some('^'),        // 0x14
    Some('\u{00A1}'), // 0x15 INVERTED EXCLAMATION MARK
    Some('_'),        // 0x16
    Some('#'),        // 0x17
    Some('*'),        // 0x18
    None,             // 0x19 unused
    None,             // 0x1A unused
    None,             // 0x1B reserved: escape to a further extension table
    Some('\u{0C66}'), // 0x1C TELUGU DIGIT ZERO
    Some('\u{0C67}'), // 0x1D TELUGU DIGIT ONE
    Some('\u{0C68}'), // 0x1E TELUGU DIGIT TWO
    Some('\u{0C69}'), // 0x1F TELUGU DIGIT THREE
    // 0x20..=0x2F
    Some('\u{0C6A}'), // 0x20 TELUGU DIGIT FOUR
    Some('\u{0C6B}'), // 0x21 TELUGU DIGIT FIVE
    Some('\u{0C6C}'), // 0x22 TELUGU DIGIT SIX
    Some('\u{0C6D}'), // 0x23 TELUGU DIGIT SEVEN
    Some('\u{0C6E}'), // 0x24 TELUGU DIGIT EIGHT
    Some('\u{0C6F}'), // 0x25 TELUGU DIGIT NINE
    Some('\u{0C58}'), // 0x26 TELUGU LETTER TSA
    Some('\u{0C59}'), // 0x27 TELUGU LETTER DZA
    Some('{'),        // 0x28
    Some('}'),        // 0x29
    Some('\u{0C78}'), // 0x2A TELUGU FRACTION DIGIT ZERO FOR ODD POWERS OF FOUR
    Some('\u{0C79}'), // 0x2B TELUGU FRACTION DIGIT ONE FOR ODD POWERS OF FOUR
    Some('\u{0C7A}'), // 0x2C TELUGU FRACTION DIGIT TWO FOR ODD POWERS OF FOUR
    Some('\u{0C7B}'), // 0x2D TELUGU FRACTION DIGIT THREE FOR ODD POWERS OF FOUR
    Some('\u{0C7C}'), // 0x2E TELUGU FRACTION DIGIT ONE FOR EVEN POWERS OF FOUR
    Some('\\'),       // 0x2F
    // 0x30..=0x3F
    Some('\u{0C7D}'), // 0x30 TELUGU FRACTION DIGIT TWO FOR EVEN POWERS OF FOUR
    Some('\u{0C7E}'), // 0x31 TELUGU FRACTION DIGIT THREE FOR EVEN POWERS OF FOUR
    Some('\u{0C7F}'), // 0x32 TELUGU SIGN TUUMU
    None,             // 0x33 unused
    None,             // 0x34 unused
    None,             // 0x35 unused
    None,             // 0x36 unused
    None,             // 0x37 unused
    None,             // 0x38 unused
    None,             // 0x39 unused
    None,             // 0x3A unused
    None,             // 0x3B unused
    Some('['),        // 0x3C
    Some('~'),        // 0x3D
    Some(']'),        // 0x3E
    None,             // 0x3F unused
    // 0x40..=0x4F
    Some('|'), // 0x40
    Some('A'), // 0x41
    Some('B'), // 0x42
    Some('C'), // 0x43
    Some('D'), // 0x44
    Some('E'), // 0x45
    Some('F'), // 0x46
    Some('G'), // 0x47
    Some('H'), // 0x48
    Some('I'), // 0x49
    Some('J'), // 0x4A
    Some('K'), // 0x4B
    Some('L'), // 0x4C
    Some('M'), // 0x4D
    Some('N'), // 0x4E
    Some('O'), // 0x4F
    // 0x50..=0x5F
    Some('P'), // 0x50
    Some('Q'), // 0x51
    Some('R'), // 0x52
    Some('S'), // 0x53
    Some('T'), // 0x54
    Some('U'), // 0x55
    Some('V'), // 0x56
    Some('W'), // 0x57
    Some('X'), // 0x58
    Some('Y'), // 0x59
    Some('Z'), // 0x5A
    None,      // 0x5B unused
    None,      // 0x5C unused
    None,      // 0x5D unused
    None,      // 0x5E unused
    None,      // 0x5F unused
    // 0x60..=0x6F
    None,             // 0x60 unused
    None,             // 0x61 unused
    None,             // 0x62 unused
    None,             // 0x63 unused
    None,             // 0x64 unused
    Some('\u{20AC}'), // 0x65 EURO SIGN
    None,             // 0x66 unused
    None,             // 0x67 unused
    None,             // 0x68 unused
    None,             // 0x69 unused
    None,             // 0x6A unused
    None,             // 0x6B unused
    None,             // 0x6C unused
    None,             // 0x6D unused
    None,             // 0x6E unused
    None,             // 0x6F unused
    // 0x70..=0x7F
    None, // 0x70 unused
    None, // 0x71 unused
    None, // 0x72 unused
    None, // 0x73 unused
    None, // 0x74 unused
    None, // 0x75 unused
    None, // 0x76 unused
    None, // 0x77 unused
    None, // 0x78 unused
    None, // 0x79 unused
    None, // 0x7A unused
    None, // 0x7B unused
    None, // 0x7C unused
    None, // 0x7D unused
    None, // 0x7E unused
    None, // 0x7F unused
];

/// TS 23.038 A.2.13, the Urdu national language single shift table.
static URDU_SINGLE_SHIFT: Table = [
    // 0x00..=0x0F
    Some('@'),        // 0x00
    Some('\u{00A3}'), // 0x01 POUND SIGN
    Some('$'),        // 0x02
    Some('\u{00A5}'), // 0x03 YEN SIGN
    Some('\u{00BF}'), // 0x04 INVERTED QUESTION MARK
    Some('"'),        // 0x05
    Some('\u{00A4}'), // 0x06 CURRENCY SIGN
    Some('%'),        // 0x07
    Some('&'),        // 0x08
    Some('\''),       // 0x09
    Some('\u{000C}'), // 0x0A FORM FEED (page break)
    Some('*'),        // 0x0B
    Some('+'),        // 0x0C
    None,             // 0x0D reserved: CR2
    Some('-'),        // 0x0E
    Some('/'),        // 0x0F
    // 0x10..=0x1F
    Some('<'),        // 0x10
    Some('='),        // 0x11
    Some('>'),        // 0x12
    Some('\u{00A1}'), // 0x13 INVERTED EXCLAMATION MARK
    Some('^'),        // 0x14
    Some('\u{00A1}'), // 0x15 INVERTED EXCLAMATION MARK
    Some('_'),        // 0x16
    Some('#'),        // 0x17
    Some('*'),        // 0x18
    Some('\u{0600}'), // 0x19 ARABIC NUMBER SIGN
    Some('\u{0601}'), // 0x1A ARABIC SIGN SANAH
    None,             // 0x1B reserved: escape to a further extension table
    Some('\u{06F0}'), // 0x1C EXTENDED ARABIC-INDIC DIGIT ZERO
    Some('\u{06F1}'), // 0x1D EXTENDED ARABIC-INDIC DIGIT ONE
    Some('\u{06F2}'), // 0x1E EXTENDED ARABIC-INDIC DIGIT TWO
    Some('\u{06F3}'), // 0x1F EXTENDED ARABIC-INDIC DIGIT THREE
    // 0x20..=0x2F
    Some('\u{06F4}'), // 0x20 EXTENDED ARABIC-INDIC DIGIT FOUR
    Some('\u{06F5}'), // 0x21 EXTENDED ARABIC-INDIC DIGIT FIVE
    Some('\u{06F6}'), // 0x22 EXTENDED ARABIC-INDIC DIGIT SIX
    Some('\u{06F7}'), // 0x23 EXTENDED ARABIC-INDIC DIGIT SEVEN
    Some('\u{06F8}'), // 0x24 EXTENDED ARABIC-INDIC DIGIT EIGHT
    Some('\u{06F9}'), // 0x25 EXTENDED ARABIC-INDIC DIGIT NINE
    Some('\u{060C}'), // 0x26 ARABIC COMMA
    Some('\u{060D}'), // 0x27 ARABIC DATE SEPARATOR
    Some('{'),        // 0x28
    Some('}'),        // 0x29
    Some('\u{060E}'), // 0x2A ARABIC POETIC VERSE SIGN
    Some('\u{060F}'), // 0x2B ARABIC SIGN MISRA
    Some('\u{0610}'), // 0x2C ARABIC SIGN SALLALLAHOU ALAYHE WASSALLAM
    Some('\u{0611}'), // 0x2D ARABIC SIGN ALAYHE ASSALLAM
    Some('\u{0612}'), // 0x2E ARABIC SIGN RAHMATULLAH ALAYHE
    Some('\\'),       // 0x2F
    // 0x30..=0x3F
    Some('\u{0613}'), // 0x30 ARABIC SIGN RADI ALLAHOU ANHU
    Some('\u{0614}'), // 0x31 ARABIC SIGN TAKHALLUS
    Some('\u{061B}'), // 0x32 ARABIC SEMICOLON
    Some('\u{061F}'), // 0x33 ARABIC QUESTION MARK
    Some('\u{0640}'), // 0x34 ARABIC TATWEEL
    Some('\u{0652}'), // 0x35 ARABIC SUKUN
    Some('\u{0658}'), // 0x36 ARABIC MARK NOON GHUNNA
    Some('\u{066B}'), // 0x37 ARABIC DECIMAL SEPARATOR
    Some('\u{066C}'), // 0x38 ARABIC THOUSANDS SEPARATOR
    Some('\u{0672}'), // 0x39 ARABIC LETTER ALEF WITH WAVY HAMZA ABOVE
    Some('\u{0673}'), // 0x3A ARABIC LETTER ALEF WITH WAVY HAMZA BELOW
    Some('\u{06CD}'), // 0x3B ARABIC LETTER YEH WITH TAIL
    Some('['),        // 0x3C
    Some('~'),        // 0x3D
    Some(']'),        // 0x3E
    Some('\u{06D4}'), // 0x3F ARABIC FULL STOP
    // 0x40..=0x4F
    Some('|'), // 0x40
    Some('A'), // 0x41
    Some('B'), // 0x42
    Some('C'), // 0x43
    Some('D'), // 0x44
    Some('E'), // 0x45
    Some('F'), // 0x46
    Some('G'), // 0x47
    Some('H'), // 0x48
    Some('I'), // 0x49
    Some('J'), // 0x4A
    Some('K'), // 0x4B
    Some('L'), // 0x4C
    Some('M'), // 0x4D
    Some('N'), // 0x4E
    Some('O'), // 0x4F
    // 0x50..=0x5F
    Some('P'), // 0x50
    Some('Q'), // 0x51
    Some('R'), // 0x52
    Some('S'), // 0x53
    Some('T'), // 0x54
    Some('U'), // 0x55
    Some('V'), // 0x56
    Some('W'), // 0x57
    Some('X'), // 0x58
    Some('Y'), // 0x59
    Some('Z'), // 0x5A
    None,      // 0x5B unused
    None,      // 0x5C unused
    None,      // 0x5D unused
    None,      // 0x5E unused
    None,      // 0x5F unused
    // 0x60..=0x6F
    None,             // 0x60 unused
    None,             // 0x61 unused
    None,             // 0x62 unused
    None,             // 0x63 unused
    None,             // 0x64 unused
    Some('\u{20AC}'), // 0x65 EURO SIGN
    None,             // 0x66 unused
    None,             // 0x67 unused
    None,             // 0x68 unused
    None,             // 0x69 unused
    None,             // 0x6A unused
    None,             // 0x6B unused
    None,             // 0x6C unused
    None,             // 0x6D unused
    None,             // 0x6E unused
    None,             // 0x6F unused
    // 0x70..=0x7F
    None, // 0x70 unused
    None, // 0x71 unused
    None, // 0x72 unused
    None, // 0x73 unused
    None, // 0x74 unused
    None, // 0x75 unused
    None, // 0x76 unused
    None, // 0x77 unused
    None, // 0x78 unused
    None, // 0x79 unused
    None, // 0x7A unused
    None, // 0x7B unused
    None, // 0x7C unused
    None, // 0x7D unused
    None, // 0x7E unused
    None, // 0x7F unused
];

/// Every national table, locking-shift tables first, each in identifier order.
static ALL_TABLES: [&Table; 25] = [
    &TURKISH_LOCKING_SHIFT,
    &PORTUGUESE_LOCKING_SHIFT,
    &BENGALI_LOCKING_SHIFT,
    &GUJARATI_LOCKING_SHIFT,
    &HINDI_LOCKING_SHIFT,
    &KANNADA_LOCKING_SHIFT,
    &MALAYALAM_LOCKING_SHIFT,
    &ORIYA_LOCKING_SHIFT,
    &PUNJABI_LOCKING_SHIFT,
    &TAMIL_LOCKING_SHIFT,
    &TELUGU_LOCKING_SHIFT,
    &URDU_LOCKING_SHIFT,
    &TURKISH_SINGLE_SHIFT,
    &SPANISH_SINGLE_SHIFT,
    &PORTUGUESE_SINGLE_SHIFT,
    &BENGALI_SINGLE_SHIFT,
    &GUJARATI_SINGLE_SHIFT,
    &HINDI_SINGLE_SHIFT,
    &KANNADA_SINGLE_SHIFT,
    &MALAYALAM_SINGLE_SHIFT,
    &ORIYA_SINGLE_SHIFT,
    &PUNJABI_SINGLE_SHIFT,
    &TAMIL_SINGLE_SHIFT,
    &TELUGU_SINGLE_SHIFT,
    &URDU_SINGLE_SHIFT,
];

/// The locking-shift table for `lang`, `None` where TS 23.038 defines none (Spanish).
pub(crate) fn locking_table(lang: NationalLanguage) -> Option<&'static Table> {
    match lang {
        NationalLanguage::Turkish => Some(&TURKISH_LOCKING_SHIFT),
        NationalLanguage::Spanish => None,
        NationalLanguage::Portuguese => Some(&PORTUGUESE_LOCKING_SHIFT),
        NationalLanguage::Bengali => Some(&BENGALI_LOCKING_SHIFT),
        NationalLanguage::Gujarati => Some(&GUJARATI_LOCKING_SHIFT),
        NationalLanguage::Hindi => Some(&HINDI_LOCKING_SHIFT),
        NationalLanguage::Kannada => Some(&KANNADA_LOCKING_SHIFT),
        NationalLanguage::Malayalam => Some(&MALAYALAM_LOCKING_SHIFT),
        NationalLanguage::Oriya => Some(&ORIYA_LOCKING_SHIFT),
        NationalLanguage::Punjabi => Some(&PUNJABI_LOCKING_SHIFT),
        NationalLanguage::Tamil => Some(&TAMIL_LOCKING_SHIFT),
        NationalLanguage::Telugu => Some(&TELUGU_LOCKING_SHIFT),
        NationalLanguage::Urdu => Some(&URDU_LOCKING_SHIFT),
    }
}

/// The single-shift table for `lang`.
pub(crate) fn single_shift_table(lang: NationalLanguage) -> &'static Table {
    match lang {
        NationalLanguage::Turkish => &TURKISH_SINGLE_SHIFT,
        NationalLanguage::Spanish => &SPANISH_SINGLE_SHIFT,
        NationalLanguage::Portuguese => &PORTUGUESE_SINGLE_SHIFT,
        NationalLanguage::Bengali => &BENGALI_SINGLE_SHIFT,
        NationalLanguage::Gujarati => &GUJARATI_SINGLE_SHIFT,
        NationalLanguage::Hindi => &HINDI_SINGLE_SHIFT,
        NationalLanguage::Kannada => &KANNADA_SINGLE_SHIFT,
        NationalLanguage::Malayalam => &MALAYALAM_SINGLE_SHIFT,
        NationalLanguage::Oriya => &ORIYA_SINGLE_SHIFT,
        NationalLanguage::Punjabi => &PUNJABI_SINGLE_SHIFT,
        NationalLanguage::Tamil => &TAMIL_SINGLE_SHIFT,
        NationalLanguage::Telugu => &TELUGU_SINGLE_SHIFT,
        NationalLanguage::Urdu => &URDU_SINGLE_SHIFT,
    }
}

/// Every national table, each exactly once, for building reverse lookups.
pub(crate) fn all_tables() -> impl Iterator<Item = &'static Table> {
    ALL_TABLES.iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use NationalLanguage::*;

    fn locking(lang: NationalLanguage) -> &'static Table {
        locking_table(lang).expect("locking table")
    }

    /// Languages whose single-shift table, as published, repeats `*` and `¡`.
    const INDIC_AND_URDU: [NationalLanguage; 10] = [
        Bengali, Gujarati, Hindi, Kannada, Malayalam, Oriya, Punjabi, Tamil, Telugu, Urdu,
    ];

    #[test]
    fn turkish() {
        let l = locking(Turkish);
        assert_eq!(l[0x07], Some('\u{0131}')); // ı
        assert_eq!(l[0x0B], Some('\u{011E}')); // Ğ
        assert_eq!(l[0x0C], Some('\u{011F}')); // ğ
        assert_eq!(l[0x1C], Some('\u{015E}')); // Ş
        assert_eq!(l[0x40], Some('\u{0130}')); // İ
        assert_eq!(l[0x60], Some('\u{00E7}')); // ç
        let s = single_shift_table(Turkish);
        assert_eq!(s[0x47], Some('\u{011E}')); // Ğ
        assert_eq!(s[0x49], Some('\u{0130}')); // İ
        assert_eq!(s[0x53], Some('\u{015E}')); // Ş
        assert_eq!(s[0x63], Some('\u{00E7}')); // ç
        assert_eq!(s[0x65], Some('\u{20AC}')); // €
        assert_eq!(s[0x69], Some('\u{0131}')); // ı
        assert_eq!(s[0x73], Some('\u{015F}')); // ş
    }

    #[test]
    fn spanish() {
        assert_eq!(locking_table(Spanish), None);
        let s = single_shift_table(Spanish);
        assert_eq!(s[0x09], Some('\u{00E7}')); // ç
        assert_eq!(s[0x41], Some('\u{00C1}')); // Á
        assert_eq!(s[0x4F], Some('\u{00D3}')); // Ó
        assert_eq!(s[0x61], Some('\u{00E1}')); // á
        assert_eq!(s[0x65], Some('\u{20AC}')); // €
        assert_eq!(s[0x75], Some('\u{00FA}')); // ú
        assert_eq!(s[0x40], Some('|'));
    }

    #[test]
    fn portuguese() {
        let l = locking(Portuguese);
        assert_eq!(l[0x04], Some('\u{00EA}')); // ê
        assert_eq!(l[0x09], Some('\u{00E7}')); // ç
        assert_eq!(l[0x12], Some('\u{00AA}')); // ª
        assert_eq!(l[0x15], Some('\u{221E}')); // ∞
        assert_eq!(l[0x5B], Some('\u{00C3}')); // Ã
        assert_eq!(l[0x7B], Some('\u{00E3}')); // ã
        assert_eq!(l[0x7C], Some('\u{00F5}')); // õ
        let s = single_shift_table(Portuguese);
        assert_eq!(s[0x05], Some('\u{00EA}')); // ê
        assert_eq!(s[0x12], Some('\u{03A6}')); // Φ
        assert_eq!(s[0x65], Some('\u{20AC}')); // €
    }

    #[test]
    fn indic() {
        let l = locking(Hindi);
        assert_eq!(l[0x00], Some('\u{0901}')); // DEVANAGARI SIGN CANDRABINDU
        assert_eq!(l[0x03], Some('\u{0905}')); // DEVANAGARI LETTER A
        assert_eq!(l[0x60], Some('\u{0950}')); // DEVANAGARI OM
        assert_eq!(l[0x7F], Some('\u{097F}')); // DEVANAGARI LETTER BBA
        let s = single_shift_table(Hindi);
        assert_eq!(s[0x19], Some('\u{0964}')); // DEVANAGARI DANDA
        assert_eq!(s[0x1C], Some('\u{0966}')); // DEVANAGARI DIGIT ZERO
        assert_eq!(s[0x25], Some('\u{096F}')); // DEVANAGARI DIGIT NINE
        // Kannada: 0x24 is DDA and 0x3C is empty (gsmcodecs has PA at 0x24).
        let l = locking(Kannada);
        assert_eq!(l[0x00], None);
        assert_eq!(l[0x24], Some('\u{0CA1}'));
        assert_eq!(l[0x3C], None);
        assert_eq!(l[0x3D], Some('\u{0CAA}'));
        assert_eq!(locking(Tamil)[0x00], None);
        assert_eq!(locking(Tamil)[0x01], Some('\u{0B82}')); // TAMIL SIGN ANUSVARA
        assert_eq!(single_shift_table(Telugu)[0x65], Some('\u{20AC}'));
        // All Indic and Urdu locking tables carry the comma at 0x2C.
        for lang in INDIC_AND_URDU {
            assert_eq!(locking(lang)[0x2C], Some(','), "{lang}");
        }
    }

    #[test]
    fn urdu() {
        let l = locking(Urdu);
        assert_eq!(l[0x00], Some('\u{0627}')); // ARABIC LETTER ALEF
        assert_eq!(l[0x01], Some('\u{0622}')); // ARABIC LETTER ALEF WITH MADDA ABOVE
        assert_eq!(l[0x7F], Some('\u{0670}')); // ARABIC LETTER SUPERSCRIPT ALEF
        let s = single_shift_table(Urdu);
        assert_eq!(s[0x19], Some('\u{0600}')); // ARABIC NUMBER SIGN
        assert_eq!(s[0x1C], Some('\u{06F0}')); // EXTENDED ARABIC-INDIC DIGIT ZERO
        assert_eq!(s[0x26], Some('\u{060C}')); // ARABIC COMMA
    }

    #[test]
    fn control_positions() {
        for lang in NationalLanguage::ALL {
            if let Some(l) = locking_table(lang) {
                assert_eq!(l[0x1B], None, "{lang} locking ESC");
                assert_eq!(l[0x0A], Some('\n'), "{lang} locking LF");
                assert_eq!(l[0x0D], Some('\r'), "{lang} locking CR");
                assert_eq!(l[0x20], Some(' '), "{lang} locking SP");
            }
            let s = single_shift_table(lang);
            assert_eq!(s[0x1B], None, "{lang} single shift 0x1B");
            assert_eq!(s[0x0A], Some('\u{0C}'), "{lang} single shift FF");
            assert_eq!(s[0x0D], None, "{lang} single shift CR2");
            assert_eq!(s[0x65], Some('\u{20AC}'), "{lang} single shift euro");
        }
        assert!(all_tables().all(|t| t[0x1B].is_none()));
    }

    /// Characters that occur more than once in `table`, with their septets.
    fn duplicates(table: &Table) -> Vec<(char, Vec<usize>)> {
        let mut seen: Vec<(char, Vec<usize>)> = Vec::new();
        for (septet, c) in table.iter().enumerate() {
            let Some(c) = *c else { continue };
            match seen.iter_mut().find(|(o, _)| *o == c) {
                Some((_, at)) => at.push(septet),
                None => seen.push((c, vec![septet])),
            }
        }
        seen.retain(|(_, at)| at.len() > 1);
        seen
    }

    #[test]
    fn no_character_twice_in_a_table() {
        for lang in NationalLanguage::ALL {
            if let Some(l) = locking_table(lang) {
                assert_eq!(duplicates(l), [], "{lang} locking");
            }
            let expected = if INDIC_AND_URDU.contains(&lang) {
                // As published in TS 23.038 (and in smstools, Android, gsmcodecs).
                vec![('*', vec![0x0B, 0x18]), ('\u{00A1}', vec![0x13, 0x15])]
            } else {
                vec![]
            };
            assert_eq!(
                duplicates(single_shift_table(lang)),
                expected,
                "{lang} single shift"
            );
        }
    }

    #[test]
    fn all_tables_once_each() {
        let all: Vec<&Table> = all_tables().collect();
        assert_eq!(all.len(), 25);
        for (i, a) in all.iter().enumerate() {
            assert!(!all[..i].iter().any(|b| std::ptr::eq(*a, *b)));
        }
        for lang in NationalLanguage::ALL {
            let s = single_shift_table(lang);
            assert!(all.iter().any(|t| std::ptr::eq(*t, s)), "{lang}");
            if let Some(l) = locking_table(lang) {
                assert!(all.iter().any(|t| std::ptr::eq(*t, l)), "{lang}");
            } else {
                assert_eq!(lang, Spanish);
            }
        }
    }

    #[test]
    fn ids_round_trip() {
        for (i, lang) in NationalLanguage::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(lang.id()), i + 1);
            assert_eq!(NationalLanguage::from_id(lang.id()), Some(lang));
        }
        assert_eq!(NationalLanguage::from_id(0), None);
        assert_eq!(NationalLanguage::from_id(14), None);
        assert_eq!(NationalLanguage::from_id(255), None);
    }

    #[test]
    fn parse_names_and_codes() {
        for lang in NationalLanguage::ALL {
            assert_eq!(lang.name().parse(), Ok(lang));
            assert_eq!(lang.to_string().parse(), Ok(lang));
            assert_eq!(lang.iso_639_1().parse(), Ok(lang));
            assert_eq!(lang.name().to_ascii_uppercase().parse(), Ok(lang));
            assert_eq!(lang.iso_639_1().to_ascii_uppercase().parse(), Ok(lang));
        }
        assert_eq!(" Turkish ".parse(), Ok(Turkish));
        assert_eq!("Es".parse(), Ok(Spanish));
        assert_eq!("or".parse(), Ok(Oriya));
        assert_eq!("pa".parse(), Ok(Punjabi));
        for junk in ["", "english", "en", "tur", "t r", "1", "klingon"] {
            assert_eq!(
                junk.parse::<NationalLanguage>(),
                Err(UnknownLanguage(junk.to_string())),
            );
        }
        let err = "xx".parse::<NationalLanguage>().unwrap_err().to_string();
        assert!(
            err.contains("\"xx\"") && err.contains("turkish/tr"),
            "{err}"
        );
    }
}
