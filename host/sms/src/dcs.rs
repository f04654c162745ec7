//! TP-Data-Coding-Scheme (TS 23.038 §4): alphabet, message class, compression.

use std::fmt;

/// How the user data is coded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Alphabet {
    /// GSM 7-bit default alphabet (with national tables from the UDH).
    Gsm7,
    /// 8-bit data.
    Data8,
    /// UCS-2, read as UTF-16 so surrogate pairs work.
    Ucs2,
}

impl Alphabet {
    /// The name used on the command line and in JSON: `gsm7`, `8bit`, `ucs2`.
    pub fn name(self) -> &'static str {
        match self {
            Alphabet::Gsm7 => "gsm7",
            Alphabet::Data8 => "8bit",
            Alphabet::Ucs2 => "ucs2",
        }
    }
}

impl fmt::Display for Alphabet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Message class (TS 23.038 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageClass {
    /// Class 0: shown at once and not stored ("flash SMS").
    Class0,
    /// Class 1: ME specific.
    Class1,
    /// Class 2: SIM specific.
    Class2,
    /// Class 3: TE specific.
    Class3,
}

impl MessageClass {
    fn from_bits(bits: u8) -> Self {
        match bits & 0x03 {
            0 => Self::Class0,
            1 => Self::Class1,
            2 => Self::Class2,
            _ => Self::Class3,
        }
    }

    fn bits(self) -> u8 {
        match self {
            Self::Class0 => 0,
            Self::Class1 => 1,
            Self::Class2 => 2,
            Self::Class3 => 3,
        }
    }

    /// The class number, 0..=3.
    pub fn number(self) -> u8 {
        self.bits()
    }
}

/// The raw TP-DCS octet with accessors; kept raw so decode → encode is exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DataCoding(pub u8);

impl DataCoding {
    /// Coding group 00xx: an alphabet with an optional class, uncompressed.
    pub fn new(alphabet: Alphabet, class: Option<MessageClass>) -> Self {
        let alphabet_bits = match alphabet {
            Alphabet::Gsm7 => 0x00,
            Alphabet::Data8 => 0x04,
            Alphabet::Ucs2 => 0x08,
        };
        let class_bits = class.map_or(0, |c| 0x10 | c.bits());
        DataCoding(alphabet_bits | class_bits)
    }

    /// The alphabet. Reserved values are read as GSM 7-bit, as TS 23.038 asks.
    pub fn alphabet(self) -> Alphabet {
        let dcs = self.0;
        match dcs >> 4 {
            // General data coding and automatic deletion groups.
            0x0..=0x7 => match (dcs >> 2) & 0x03 {
                1 => Alphabet::Data8,
                2 => Alphabet::Ucs2,
                _ => Alphabet::Gsm7,
            },
            // Message waiting indication, store, UCS-2.
            0xE => Alphabet::Ucs2,
            // Data coding / message class.
            0xF if dcs & 0x04 != 0 => Alphabet::Data8,
            _ => Alphabet::Gsm7,
        }
    }

    /// The message class, if the DCS carries one.
    pub fn class(self) -> Option<MessageClass> {
        let dcs = self.0;
        match dcs >> 4 {
            0x0..=0x7 if dcs & 0x10 != 0 => Some(MessageClass::from_bits(dcs)),
            0xF => Some(MessageClass::from_bits(dcs)),
            _ => None,
        }
    }

    /// Whether the text is compressed (TS 23.042); such user data is kept as octets.
    pub fn compressed(self) -> bool {
        // Only the general (00xx) and automatic deletion (01xx) groups have the bit.
        self.0 & 0x80 == 0 && self.0 & 0x20 != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coding_groups() {
        assert_eq!(DataCoding(0x00).alphabet(), Alphabet::Gsm7);
        assert_eq!(DataCoding(0x00).class(), None);
        assert_eq!(DataCoding(0x08).alphabet(), Alphabet::Ucs2);
        assert_eq!(DataCoding(0x04).alphabet(), Alphabet::Data8);
        assert_eq!(DataCoding(0x10).class(), Some(MessageClass::Class0));
        assert_eq!(DataCoding(0x18).alphabet(), Alphabet::Ucs2);
        assert_eq!(DataCoding(0x18).class(), Some(MessageClass::Class0));
        // Automatic deletion group 01xx.
        assert_eq!(DataCoding(0x48).alphabet(), Alphabet::Ucs2);
        // 1111: data coding / message class.
        assert_eq!(DataCoding(0xF0).alphabet(), Alphabet::Gsm7);
        assert_eq!(DataCoding(0xF0).class(), Some(MessageClass::Class0));
        assert_eq!(DataCoding(0xF6).alphabet(), Alphabet::Data8);
        assert_eq!(DataCoding(0xF6).class(), Some(MessageClass::Class2));
        // Message waiting groups.
        assert_eq!(DataCoding(0xC8).alphabet(), Alphabet::Gsm7);
        assert_eq!(DataCoding(0xE8).alphabet(), Alphabet::Ucs2);
        // Reserved alphabet value 11 reads as GSM 7-bit.
        assert_eq!(DataCoding(0x0C).alphabet(), Alphabet::Gsm7);
        assert!(DataCoding(0x20).compressed());
        assert!(!DataCoding(0x10).compressed());
    }

    #[test]
    fn constructor_matches_the_usual_octets() {
        assert_eq!(DataCoding::new(Alphabet::Gsm7, None).0, 0x00);
        assert_eq!(DataCoding::new(Alphabet::Ucs2, None).0, 0x08);
        assert_eq!(
            DataCoding::new(Alphabet::Gsm7, Some(MessageClass::Class0)).0,
            0x10
        );
        assert_eq!(
            DataCoding::new(Alphabet::Ucs2, Some(MessageClass::Class0)).0,
            0x18
        );
    }
}
