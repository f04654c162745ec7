//! The GSM 03.38 default alphabet, its extension table, septet lookup and packing.
//!
//! A [`Charset`] is the pair of tables a message is encoded with: the locking-shift
//! table (the default alphabet unless a national locking shift is in force) and the
//! single-shift table reached through ESC (the default extension table unless a
//! national single shift is in force). See 3GPP TS 23.038 §6.2.1 and §6.2.1.2.4.

use std::sync::OnceLock;

use crate::national::{self, NationalLanguage};
use crate::septet_table::Table;

/// The escape septet that switches to the single-shift (extension) table.
pub(crate) const ESC: u8 = 0x1B;
/// Carriage return, used as the padding septet when 7 bits are spare.
pub(crate) const CR: u8 = 0x0D;

/// TS 23.038 §6.2.1, the GSM 7-bit default alphabet.
pub(crate) static DEFAULT_TABLE: Table = {
    const CHARS: [char; 128] = [
        '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', //
        'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u{1B}', 'Æ', 'æ', 'ß',
        'É', //
        ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', //
        '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', //
        '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', //
        'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', //
        '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', //
        'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', //
    ];
    let mut table = [None; 128];
    let mut i = 0;
    while i < 128 {
        // 0x1B is the escape, not a character.
        if i != ESC as usize {
            table[i] = Some(CHARS[i]);
        }
        i += 1;
    }
    table
};

/// TS 23.038 §6.2.1.1, the default alphabet extension table (reached through ESC).
pub(crate) static DEFAULT_EXTENSION_TABLE: Table = {
    let mut table = [None; 128];
    table[0x0A] = Some('\u{0C}'); // page break (form feed)
    table[0x14] = Some('^');
    table[0x28] = Some('{');
    table[0x29] = Some('}');
    table[0x2F] = Some('\\');
    table[0x3C] = Some('[');
    table[0x3D] = Some('~');
    table[0x3E] = Some(']');
    table[0x40] = Some('|');
    table[0x65] = Some('€');
    table
};

/// ASCII → septet for the default charset: the septet, `0x80 | septet` for an
/// escaped one, or [`ABSENT`]. Built at compile time from the two tables; it makes
/// the common case of [`Charset::lookup`] one array read.
static ASCII_DEFAULT: [u8; 128] = {
    let mut map = [ABSENT; 128];
    let mut septet = 0;
    while septet < 128 {
        if let Some(c) = DEFAULT_EXTENSION_TABLE[septet]
            && (c as u32) < 128
        {
            map[c as usize] = 0x80 | septet as u8;
        }
        septet += 1;
    }
    // Base characters win over escaped ones.
    let mut septet = 0;
    while septet < 128 {
        if let Some(c) = DEFAULT_TABLE[septet]
            && (c as u32) < 128
        {
            map[c as usize] = septet as u8;
        }
        septet += 1;
    }
    map
};

/// How one character is written in septets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Septets {
    /// A character of the locking-shift (base) table: one septet.
    Base(u8),
    /// ESC followed by this septet of the single-shift table: two septets.
    Escaped(u8),
}

impl Septets {
    /// How many septets the character costs.
    pub(crate) fn len(self) -> usize {
        match self {
            Septets::Base(_) => 1,
            Septets::Escaped(_) => 2,
        }
    }
}

/// Reverse lookup for one table: character → septet.
struct ReverseTable {
    latin1: [u8; 256],
    other: Vec<(char, u8)>,
}

const ABSENT: u8 = 0xFF;

impl ReverseTable {
    fn build(table: &Table) -> Self {
        let mut latin1 = [ABSENT; 256];
        let mut other = Vec::new();
        for (septet, c) in table.iter().enumerate() {
            let Some(c) = *c else { continue };
            // septet < 128, so the cast is exact.
            let septet = septet as u8;
            match usize::try_from(u32::from(c)) {
                Ok(code) if code < 256 => {
                    if latin1[code] == ABSENT {
                        latin1[code] = septet;
                    }
                }
                _ => {
                    if !other.iter().any(|&(o, _)| o == c) {
                        other.push((c, septet));
                    }
                }
            }
        }
        other.sort_unstable();
        ReverseTable { latin1, other }
    }

    #[inline]
    fn get(&self, c: char) -> Option<u8> {
        let code = u32::from(c);
        if code < 256 {
            let septet = self.latin1[code as usize];
            (septet != ABSENT).then_some(septet)
        } else {
            self.other
                .binary_search_by_key(&c, |&(o, _)| o)
                .ok()
                .map(|i| self.other[i].1)
        }
    }
}

/// Which table a [`ReverseTable`] cache slot belongs to.
fn reverse_for(table: &'static Table) -> &'static ReverseTable {
    // One slot per distinct static table: default, default extension, and the
    // national tables. The tables are few and static, so a small linear cache
    // keyed by address is enough and never grows past them.
    static DEFAULT_REV: OnceLock<ReverseTable> = OnceLock::new();
    static DEFAULT_EXT_REV: OnceLock<ReverseTable> = OnceLock::new();
    static NATIONAL_REV: OnceLock<Vec<(usize, ReverseTable)>> = OnceLock::new();
    if std::ptr::eq(table, &DEFAULT_TABLE) {
        return DEFAULT_REV.get_or_init(|| ReverseTable::build(&DEFAULT_TABLE));
    }
    if std::ptr::eq(table, &DEFAULT_EXTENSION_TABLE) {
        return DEFAULT_EXT_REV.get_or_init(|| ReverseTable::build(&DEFAULT_EXTENSION_TABLE));
    }
    let all = NATIONAL_REV.get_or_init(|| {
        national::all_tables()
            .map(|t| (t as *const Table as usize, ReverseTable::build(t)))
            .collect()
    });
    let key = table as *const Table as usize;
    match all.iter().find(|(addr, _)| *addr == key) {
        Some((_, rev)) => rev,
        // Every table handed out by this crate is in `all_tables`; fall back to
        // the default so a lookup can never fail hard.
        None => DEFAULT_REV.get_or_init(|| ReverseTable::build(&DEFAULT_TABLE)),
    }
}

/// The pair of tables used for a GSM 7-bit message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Charset {
    /// National locking-shift table in force, `None` for the default alphabet.
    pub locking: Option<NationalLanguage>,
    /// National single-shift table in force, `None` for the default extension table.
    pub single: Option<NationalLanguage>,
}

impl Charset {
    /// The default alphabet with the default extension table.
    pub const DEFAULT: Charset = Charset {
        locking: None,
        single: None,
    };

    pub(crate) fn base_table(&self) -> &'static Table {
        self.locking
            .and_then(national::locking_table)
            .unwrap_or(&DEFAULT_TABLE)
    }

    pub(crate) fn shift_table(&self) -> &'static Table {
        self.single
            .map(national::single_shift_table)
            .unwrap_or(&DEFAULT_EXTENSION_TABLE)
    }

    /// How `c` is written with this charset, or `None` if it cannot be.
    #[inline]
    pub(crate) fn lookup(&self, c: char) -> Option<Septets> {
        if c.is_ascii() && self.locking.is_none() && self.single.is_none() {
            return match ASCII_DEFAULT[c as usize] {
                ABSENT => None,
                s if s & 0x80 != 0 => Some(Septets::Escaped(s & 0x7F)),
                s => Some(Septets::Base(s)),
            };
        }
        self.lookup_in_tables(c)
    }

    /// The general case of [`Charset::lookup`], kept out of line so the ASCII
    /// fast path inlines into the encoding loops.
    #[inline(never)]
    fn lookup_in_tables(&self, c: char) -> Option<Septets> {
        if let Some(s) = reverse_for(self.base_table()).get(c) {
            return Some(Septets::Base(s));
        }
        reverse_for(self.shift_table()).get(c).map(Septets::Escaped)
    }

    /// Whether every character of `text` can be written with this charset.
    pub fn can_encode(&self, text: &str) -> bool {
        text.chars().all(|c| self.lookup(c).is_some())
    }

    /// Septets needed for `text`, or the first character that does not fit.
    pub fn septet_count(&self, text: &str) -> Result<usize, char> {
        let mut n = 0;
        for c in text.chars() {
            n += self.lookup(c).ok_or(c)?.len();
        }
        Ok(n)
    }

    /// Encodes `text` to unpacked septets, or returns the first character that does not fit.
    pub fn to_septets(&self, text: &str, out: &mut Vec<u8>) -> Result<(), char> {
        for c in text.chars() {
            match self.lookup(c).ok_or(c)? {
                Septets::Base(s) => out.push(s),
                Septets::Escaped(s) => {
                    out.push(ESC);
                    out.push(s);
                }
            }
        }
        Ok(())
    }

    /// Decodes unpacked septets to text.
    ///
    /// Follows TS 23.038 §6.2.1.1: an escaped septet with no character in the
    /// single-shift table is shown as the base table's character, a position with
    /// no character at all becomes a space, and a lone ESC at the end is dropped.
    pub fn from_septets(&self, septets: &[u8]) -> String {
        let base = self.base_table();
        let shift = self.shift_table();
        let mut text = String::with_capacity(septets.len());
        let mut iter = septets.iter().map(|s| usize::from(s & 0x7F));
        while let Some(s) = iter.next() {
            if s == usize::from(ESC) {
                let Some(next) = iter.next() else { break };
                let c = shift[next].or(base[next]).unwrap_or(' ');
                text.push(c);
            } else {
                text.push(base[s].unwrap_or(' '));
            }
        }
        text
    }
}

/// Whether `c` is in the default alphabet or its extension table.
pub fn is_gsm7(c: char) -> bool {
    Charset::DEFAULT.lookup(c).is_some()
}

/// Packs septets into octets, starting `fill_bits` bits into the first octet
/// (the fill after a UDH, TS 23.040 §9.2.3.24).
///
/// When the last octet would have 7 spare bits they are set to CR (TS 23.038
/// §6.1.2.3.1), so a receiver that counts octets never sees a trailing '@'.
pub fn pack_septets(septets: &[u8], fill_bits: u8, out: &mut Vec<u8>) {
    let mut acc: u32 = 0;
    let mut bits: u32 = u32::from(fill_bits % 7);
    for &s in septets {
        acc |= u32::from(s & 0x7F) << bits;
        bits += 7;
        while bits >= 8 {
            out.push((acc & 0xFF) as u8);
            acc >>= 8;
            bits -= 8;
        }
    }
    if bits > 0 {
        if bits == 1 {
            acc |= u32::from(CR) << 1;
        }
        out.push((acc & 0xFF) as u8);
    }
}

/// Unpacks `count` septets from `octets`, skipping `fill_bits` leading bits.
///
/// Returns `None` if `octets` is too short to hold them.
pub fn unpack_septets(octets: &[u8], fill_bits: u8, count: usize) -> Option<Vec<u8>> {
    let fill = usize::from(fill_bits % 7);
    let needed_bits = fill + count * 7;
    if octets.len() * 8 < needed_bits {
        return None;
    }
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let bit = fill + i * 7;
        let byte = bit / 8;
        let shift = bit % 8;
        let lo = u16::from(octets[byte]);
        let hi = octets.get(byte + 1).copied().map_or(0, u16::from);
        let word = lo | (hi << 8);
        out.push(((word >> shift) & 0x7F) as u8);
    }
    Some(out)
}

/// Octets needed to pack `septets` septets after `fill_bits` fill bits.
pub fn packed_len(septets: usize, fill_bits: u8) -> usize {
    (usize::from(fill_bits % 7) + septets * 7).div_ceil(8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_packs_as_in_the_spec_example() {
        // "hellohello" from TS 23.038 Annex / common vectors: E8329BFD4697D9EC37
        let mut septets = Vec::new();
        Charset::DEFAULT
            .to_septets("hellohello", &mut septets)
            .unwrap();
        let mut out = Vec::new();
        pack_septets(&septets, 0, &mut out);
        assert_eq!(out, [0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37]);
        let back = unpack_septets(&out, 0, septets.len()).unwrap();
        assert_eq!(Charset::DEFAULT.from_septets(&back), "hellohello");
    }

    #[test]
    fn seven_spare_bits_are_padded_with_cr() {
        // 7 septets = 49 bits -> 7 octets with 7 spare bits in the last one.
        let mut out = Vec::new();
        pack_septets(&[0x41; 7], 0, &mut out);
        assert_eq!(out.len(), 7);
        assert_eq!(out[6] >> 1, CR, "spare bits carry CR, not '@'");
        // Decoding 8 septets from the octets shows the CR, never '@'.
        let septets = unpack_septets(&out, 0, 8).unwrap();
        assert_eq!(septets[7], CR);
        // A non-multiple does not gain padding.
        let mut out = Vec::new();
        pack_septets(&[0x41; 6], 0, &mut out);
        assert_eq!(out.len(), 6);
        assert_eq!(out[5] >> 2, 0);
    }

    #[test]
    fn extension_characters_cost_two_septets() {
        assert_eq!(Charset::DEFAULT.septet_count("€[]{}^~|\\\u{0C}"), Ok(20));
        assert_eq!(Charset::DEFAULT.septet_count("abc"), Ok(3));
        assert_eq!(Charset::DEFAULT.septet_count("a😀"), Err('😀'));
    }

    #[test]
    fn every_default_character_round_trips() {
        for (septet, c) in DEFAULT_TABLE.iter().enumerate() {
            let Some(c) = *c else { continue };
            assert_eq!(
                Charset::DEFAULT.lookup(c),
                Some(Septets::Base(septet as u8))
            );
        }
        for (septet, c) in DEFAULT_EXTENSION_TABLE.iter().enumerate() {
            let Some(c) = *c else { continue };
            assert_eq!(
                Charset::DEFAULT.lookup(c),
                Some(Septets::Escaped(septet as u8))
            );
        }
    }

    #[test]
    fn repeated_characters_encode_with_lower_septet() {
        // The Indic and Urdu single-shift tables hold '¡' at 0x13 and 0x15.
        let charset = Charset {
            locking: Some(NationalLanguage::Hindi),
            single: Some(NationalLanguage::Hindi),
        };
        assert_eq!(charset.lookup('\u{00A1}'), Some(Septets::Escaped(0x13)));
        assert_eq!(charset.lookup('\u{0964}'), Some(Septets::Escaped(0x19)));
        assert_eq!(charset.lookup('\u{0901}'), Some(Septets::Base(0x00)));
    }

    #[test]
    fn unknown_escape_falls_back_to_base_character() {
        // ESC 'A' is not in the extension table: shown as 'A'.
        assert_eq!(Charset::DEFAULT.from_septets(&[ESC, 0x41, ESC]), "A");
    }

    #[test]
    fn fill_bits_shift_the_packing() {
        let mut out = Vec::new();
        pack_septets(&[0x41, 0x42], 1, &mut out);
        assert_eq!(unpack_septets(&out, 1, 2).unwrap(), [0x41, 0x42]);
        assert!(unpack_septets(&out, 1, 3).is_none());
    }
}
