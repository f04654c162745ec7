//! Addresses (TS 23.040 §9.1.2.5): phone numbers in semi-octets and alphanumeric senders.

use std::fmt;

use crate::error::{Error, Reader};
use crate::gsm7::{self, Charset};

/// Type of number, bits 6..4 of the type-of-address octet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TypeOfNumber {
    /// Unknown: the number is dialled as written.
    Unknown,
    /// International: shown with a leading '+'.
    International,
    /// National.
    National,
    /// Network specific.
    NetworkSpecific,
    /// Subscriber number.
    Subscriber,
    /// Alphanumeric, coded in GSM 7-bit.
    Alphanumeric,
    /// Abbreviated.
    Abbreviated,
    /// Reserved for extension.
    Reserved,
}

impl TypeOfNumber {
    fn from_bits(bits: u8) -> Self {
        match bits & 0x07 {
            0 => Self::Unknown,
            1 => Self::International,
            2 => Self::National,
            3 => Self::NetworkSpecific,
            4 => Self::Subscriber,
            5 => Self::Alphanumeric,
            6 => Self::Abbreviated,
            _ => Self::Reserved,
        }
    }

    fn bits(self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::International => 1,
            Self::National => 2,
            Self::NetworkSpecific => 3,
            Self::Subscriber => 4,
            Self::Alphanumeric => 5,
            Self::Abbreviated => 6,
            Self::Reserved => 7,
        }
    }
}

/// Numbering plan identification, bits 3..0 of the type-of-address octet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NumberingPlan {
    /// Unknown.
    Unknown,
    /// ISDN/telephone (E.164), the usual plan.
    Isdn,
    /// National numbering plan.
    National,
    /// Private numbering plan.
    Private,
    /// Any other value, kept as is.
    Other(u8),
}

impl NumberingPlan {
    fn from_bits(bits: u8) -> Self {
        match bits & 0x0F {
            0 => Self::Unknown,
            1 => Self::Isdn,
            8 => Self::National,
            9 => Self::Private,
            other => Self::Other(other),
        }
    }

    fn bits(self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::Isdn => 1,
            Self::National => 8,
            Self::Private => 9,
            Self::Other(b) => b & 0x0F,
        }
    }
}

/// A phone number or an alphanumeric sender.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Address {
    /// Type of number.
    pub type_of_number: TypeOfNumber,
    /// Numbering plan.
    pub numbering_plan: NumberingPlan,
    /// The address as shown: digits (and `*#abc`), with a leading '+' for
    /// international numbers, or the text of an alphanumeric sender.
    pub value: String,
}

/// The most digits an address field holds (10 octets of semi-octets).
const MAX_DIGITS: usize = 20;
/// The most septets an alphanumeric address holds (10 octets).
const MAX_ALPHANUMERIC_SEPTETS: usize = 11;

impl Address {
    /// Parses a number as a user writes it: `+420777123456` is international,
    /// `0777123456` or `*100#` is dialled as is, and anything with letters is an
    /// alphanumeric sender (GSM 7-bit, at most 11 septets).
    pub fn parse(text: &str) -> Result<Self, Error> {
        let invalid = |reason| Error::InvalidAddress {
            address: text.to_string(),
            reason,
        };
        if text.is_empty() {
            return Err(invalid("empty"));
        }
        if let Some(digits) = text.strip_prefix('+') {
            check_digits(digits).map_err(invalid)?;
            return Ok(Address {
                type_of_number: TypeOfNumber::International,
                numbering_plan: NumberingPlan::Isdn,
                value: text.to_string(),
            });
        }
        if text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '*' || c == '#')
        {
            check_digits(text).map_err(invalid)?;
            return Ok(Address {
                type_of_number: TypeOfNumber::Unknown,
                numbering_plan: NumberingPlan::Isdn,
                value: text.to_string(),
            });
        }
        let septets = Charset::DEFAULT
            .septet_count(text)
            .map_err(|_| invalid("alphanumeric address is not GSM 7-bit"))?;
        if septets > MAX_ALPHANUMERIC_SEPTETS {
            return Err(invalid("alphanumeric address longer than 11 septets"));
        }
        Ok(Address {
            type_of_number: TypeOfNumber::Alphanumeric,
            numbering_plan: NumberingPlan::Unknown,
            value: text.to_string(),
        })
    }

    /// A national number (type of number "national", ISDN plan).
    pub fn national(digits: &str) -> Result<Self, Error> {
        check_digits(digits).map_err(|reason| Error::InvalidAddress {
            address: digits.to_string(),
            reason,
        })?;
        Ok(Address {
            type_of_number: TypeOfNumber::National,
            numbering_plan: NumberingPlan::Isdn,
            value: digits.to_string(),
        })
    }

    fn type_octet(&self) -> u8 {
        0x80 | (self.type_of_number.bits() << 4) | self.numbering_plan.bits()
    }

    fn digits(&self) -> &str {
        self.value.strip_prefix('+').unwrap_or(&self.value)
    }

    /// Writes the address as a TP-DA/TP-OA/TP-RA field (length in semi-octets).
    pub(crate) fn encode_tp(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        if self.type_of_number == TypeOfNumber::Alphanumeric {
            let mut septets = Vec::new();
            Charset::DEFAULT
                .to_septets(&self.value, &mut septets)
                .map_err(|_| self.invalid("alphanumeric address is not GSM 7-bit"))?;
            if septets.len() > MAX_ALPHANUMERIC_SEPTETS {
                return Err(self.invalid("alphanumeric address longer than 11 septets"));
            }
            let mut packed = Vec::new();
            gsm7::pack_septets(&septets, 0, &mut packed);
            // Length counts the semi-octets actually used by the septets.
            let semi_octets = (septets.len() * 7).div_ceil(4);
            out.push(semi_octets as u8);
            out.push(self.type_octet());
            out.extend_from_slice(&packed);
            return Ok(());
        }
        let digits = self.digits();
        check_digits(digits).map_err(|reason| self.invalid(reason))?;
        out.push(digits.len() as u8);
        out.push(self.type_octet());
        push_semi_octets(digits, out);
        Ok(())
    }

    /// Writes the address as the SMSC field before a TPDU (length in octets).
    pub(crate) fn encode_smsc(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let digits = self.digits();
        check_digits(digits).map_err(|reason| self.invalid(reason))?;
        out.push((1 + digits.len().div_ceil(2)) as u8);
        out.push(self.type_octet());
        push_semi_octets(digits, out);
        Ok(())
    }

    fn invalid(&self, reason: &'static str) -> Error {
        Error::InvalidAddress {
            address: self.value.clone(),
            reason,
        }
    }

    /// Reads a TP-DA/TP-OA/TP-RA field.
    pub(crate) fn decode_tp(reader: &mut Reader<'_>, field: &'static str) -> Result<Self, Error> {
        let semi_octets = usize::from(reader.u8(field)?);
        if semi_octets > MAX_DIGITS {
            return Err(Error::InvalidLength {
                field,
                detail: format!("{semi_octets} semi-octets, at most {MAX_DIGITS} allowed"),
            });
        }
        let type_octet = reader.u8(field)?;
        let data = reader.take(semi_octets.div_ceil(2), field)?;
        Self::from_parts(type_octet, data, semi_octets, field)
    }

    /// Reads the SMSC field; `None` when its length is 0 (the modem's default SMSC).
    pub(crate) fn decode_smsc(reader: &mut Reader<'_>) -> Result<Option<Self>, Error> {
        const FIELD: &str = "SMSC address";
        let octets = usize::from(reader.u8(FIELD)?);
        if octets == 0 {
            return Ok(None);
        }
        if octets > 11 {
            return Err(Error::InvalidLength {
                field: FIELD,
                detail: format!("{octets} octets, at most 11 allowed"),
            });
        }
        let type_octet = reader.u8(FIELD)?;
        let data = reader.take(octets - 1, FIELD)?;
        if data.is_empty() {
            // A type octet without digits: no SMSC given, same as a zero length.
            return Ok(None);
        }
        Self::from_parts(type_octet, data, data.len() * 2, FIELD).map(Some)
    }

    fn from_parts(
        type_octet: u8,
        data: &[u8],
        semi_octets: usize,
        field: &'static str,
    ) -> Result<Self, Error> {
        let type_of_number = TypeOfNumber::from_bits(type_octet >> 4);
        let numbering_plan = NumberingPlan::from_bits(type_octet);
        let value = if type_of_number == TypeOfNumber::Alphanumeric {
            let count = semi_octets * 4 / 7;
            let septets = gsm7::unpack_septets(data, 0, count).ok_or(Error::Truncated {
                field,
                needed: (count * 7).div_ceil(8),
                available: data.len(),
            })?;
            Charset::DEFAULT.from_septets(&septets)
        } else {
            let mut value = String::with_capacity(semi_octets + 1);
            if type_of_number == TypeOfNumber::International {
                value.push('+');
            }
            read_semi_octets(data, semi_octets, field, &mut value)?;
            value
        };
        Ok(Address {
            type_of_number,
            numbering_plan,
            value,
        })
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

fn check_digits(digits: &str) -> Result<(), &'static str> {
    if digits.is_empty() {
        return Err("no digits");
    }
    if digits.len() > MAX_DIGITS {
        return Err("more than 20 digits");
    }
    if !digits.chars().all(|c| semi_octet(c).is_some()) {
        return Err("only digits, '*', '#' and a-c are allowed");
    }
    Ok(())
}

fn semi_octet(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '*' => Some(0xA),
        '#' => Some(0xB),
        'a' | 'A' => Some(0xC),
        'b' | 'B' => Some(0xD),
        'c' | 'C' => Some(0xE),
        _ => None,
    }
}

/// Writes digits as swapped semi-octets, padding an odd count with 0xF.
fn push_semi_octets(digits: &str, out: &mut Vec<u8>) {
    let nibbles: Vec<u8> = digits.chars().filter_map(semi_octet).collect();
    for pair in nibbles.chunks(2) {
        let low = pair[0];
        let high = pair.get(1).copied().unwrap_or(0xF);
        out.push(low | (high << 4));
    }
}

fn read_semi_octets(
    data: &[u8],
    count: usize,
    field: &'static str,
    out: &mut String,
) -> Result<(), Error> {
    for i in 0..count {
        let octet = data[i / 2];
        let nibble = if i % 2 == 0 { octet & 0x0F } else { octet >> 4 };
        let c = match nibble {
            0..=9 => char::from(b'0' + nibble),
            0xA => '*',
            0xB => '#',
            0xC => 'a',
            0xD => 'b',
            0xE => 'c',
            // A filler is only valid as the last semi-octet.
            _ if i + 1 == count => break,
            _ => return Err(Error::InvalidSemiOctet { field, nibble }),
        };
        out.push(c);
    }
    Ok(())
}

/// Reads `count` BCD digits written as swapped semi-octets; used by timestamps.
pub(crate) fn swapped_bcd(octet: u8, field: &'static str) -> Result<u8, Error> {
    let tens = octet & 0x0F;
    let units = octet >> 4;
    if tens > 9 {
        return Err(Error::InvalidSemiOctet {
            field,
            nibble: tens,
        });
    }
    if units > 9 {
        return Err(Error::InvalidSemiOctet {
            field,
            nibble: units,
        });
    }
    Ok(tens * 10 + units)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(addr: &Address) -> Vec<u8> {
        let mut out = Vec::new();
        addr.encode_tp(&mut out).unwrap();
        out
    }

    #[test]
    fn international_number() {
        let a = Address::parse("+420777123456").unwrap();
        assert_eq!(a.type_of_number, TypeOfNumber::International);
        let bytes = tp(&a);
        assert_eq!(bytes, [12, 0x91, 0x24, 0x70, 0x77, 0x21, 0x43, 0x65]);
        let back = Address::decode_tp(&mut Reader::new(&bytes), "DA").unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn odd_length_is_padded_with_f() {
        let a = Address::parse("12345").unwrap();
        assert_eq!(tp(&a), [5, 0x81, 0x21, 0x43, 0xF5]);
    }

    #[test]
    fn national_and_service_codes() {
        let a = Address::national("777123456").unwrap();
        assert_eq!(tp(&a)[1], 0xA1);
        let ussd = Address::parse("*100#").unwrap();
        let bytes = tp(&ussd);
        assert_eq!(bytes, [5, 0x81, 0x1A, 0x00, 0xFB]);
        let back = Address::decode_tp(&mut Reader::new(&bytes), "DA").unwrap();
        assert_eq!(back.value, "*100#");
    }

    #[test]
    fn alphanumeric_sender() {
        // "Vodafone" as an OA: 0E D0 D6 37 39 6C 7E BB CB (TS 23.040 style vector).
        let bytes = [0x0E, 0xD0, 0xD6, 0x37, 0x39, 0x6C, 0x7E, 0xBB, 0xCB];
        let a = Address::decode_tp(&mut Reader::new(&bytes), "OA").unwrap();
        assert_eq!(a.type_of_number, TypeOfNumber::Alphanumeric);
        assert_eq!(a.value, "Vodafone");
        assert_eq!(tp(&Address::parse("Vodafone").unwrap()), bytes);
    }

    #[test]
    fn bad_addresses_are_errors() {
        assert!(Address::parse("").is_err());
        assert!(Address::parse("+").is_err());
        assert!(Address::parse("+12a4😀").is_err());
        assert!(Address::parse("TooLongSenderName").is_err());
        assert!(Address::parse("123456789012345678901").is_err());
        // A filler in the middle is an error; a lying length is truncation.
        let bad = [4, 0x81, 0xF1, 0x21];
        assert!(matches!(
            Address::decode_tp(&mut Reader::new(&bad), "OA"),
            Err(Error::InvalidSemiOctet { .. })
        ));
        let short = [9, 0x81, 0x21];
        assert!(matches!(
            Address::decode_tp(&mut Reader::new(&short), "OA"),
            Err(Error::Truncated { .. })
        ));
    }

    #[test]
    fn smsc_field() {
        let a = Address::parse("+420603052000").unwrap();
        let mut out = Vec::new();
        a.encode_smsc(&mut out).unwrap();
        assert_eq!(out, [7, 0x91, 0x24, 0x60, 0x30, 0x50, 0x02, 0x00]);
        let back = Address::decode_smsc(&mut Reader::new(&out)).unwrap();
        assert_eq!(back, Some(a));
        assert_eq!(Address::decode_smsc(&mut Reader::new(&[0])).unwrap(), None);
        assert_eq!(
            Address::decode_smsc(&mut Reader::new(&[1, 0x81])).unwrap(),
            None
        );
    }
}
