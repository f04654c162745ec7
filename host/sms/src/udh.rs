//! User data header information elements (TS 23.040 §9.2.3.24).

use crate::error::Error;
use crate::national::NationalLanguage;

/// Concatenation: this part's place in a multipart message (IEI 0x00 or 0x08).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Concat {
    /// Reference shared by every part of one message.
    pub reference: u16,
    /// Number of parts, 1..=255.
    pub total: u8,
    /// This part's number, 1..=total.
    pub sequence: u8,
    /// Whether the 16-bit reference form (IEI 0x08) is used.
    pub sixteen_bit: bool,
}

/// One information element of a user data header.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InformationElement {
    /// Concatenated short message (IEI 0x00 or 0x08).
    Concat(Concat),
    /// Application port addressing, 8-bit (IEI 0x04).
    Port8 {
        /// Destination port.
        destination: u8,
        /// Originator port.
        source: u8,
    },
    /// Application port addressing, 16-bit (IEI 0x05).
    Port16 {
        /// Destination port.
        destination: u16,
        /// Originator port.
        source: u16,
    },
    /// National language single shift (IEI 0x24), with the language identifier.
    NationalSingleShift(u8),
    /// National language locking shift (IEI 0x25), with the language identifier.
    NationalLockingShift(u8),
    /// Any other element, kept as it came.
    Other {
        /// The element identifier.
        iei: u8,
        /// The element data.
        data: Vec<u8>,
    },
}

impl InformationElement {
    /// The element identifier.
    pub fn iei(&self) -> u8 {
        match self {
            Self::Concat(c) if c.sixteen_bit => 0x08,
            Self::Concat(_) => 0x00,
            Self::Port8 { .. } => 0x04,
            Self::Port16 { .. } => 0x05,
            Self::NationalSingleShift(_) => 0x24,
            Self::NationalLockingShift(_) => 0x25,
            Self::Other { iei, .. } => *iei,
        }
    }

    /// The element data as it is written in the header.
    pub fn data(&self) -> Vec<u8> {
        match self {
            Self::Concat(c) if c.sixteen_bit => {
                let [hi, lo] = c.reference.to_be_bytes();
                vec![hi, lo, c.total, c.sequence]
            }
            // The 8-bit form keeps the low octet of the reference.
            Self::Concat(c) => vec![(c.reference & 0xFF) as u8, c.total, c.sequence],
            Self::Port8 {
                destination,
                source,
            } => vec![*destination, *source],
            Self::Port16 {
                destination,
                source,
            } => {
                let mut v = destination.to_be_bytes().to_vec();
                v.extend_from_slice(&source.to_be_bytes());
                v
            }
            Self::NationalSingleShift(id) | Self::NationalLockingShift(id) => vec![*id],
            Self::Other { data, .. } => data.clone(),
        }
    }

    /// Octets this element takes in the header (identifier, length and data).
    pub fn encoded_len(&self) -> usize {
        2 + self.data().len()
    }

    fn parse(iei: u8, data: &[u8]) -> Self {
        let other = || Self::Other {
            iei,
            data: data.to_vec(),
        };
        let concat = |reference: u16, total: u8, sequence: u8, sixteen_bit: bool| {
            // TS 23.040 §9.2.3.24.1: an element with a zero count or an
            // out-of-range sequence is ignored (kept here as an unknown element).
            if total == 0 || sequence == 0 || sequence > total {
                other()
            } else {
                Self::Concat(Concat {
                    reference,
                    total,
                    sequence,
                    sixteen_bit,
                })
            }
        };
        match (iei, data) {
            (0x00, &[reference, total, sequence]) => {
                concat(u16::from(reference), total, sequence, false)
            }
            (0x08, &[hi, lo, total, sequence]) => {
                concat(u16::from_be_bytes([hi, lo]), total, sequence, true)
            }
            (0x04, &[destination, source]) => Self::Port8 {
                destination,
                source,
            },
            (0x05, &[d1, d2, s1, s2]) => Self::Port16 {
                destination: u16::from_be_bytes([d1, d2]),
                source: u16::from_be_bytes([s1, s2]),
            },
            (0x24, &[id]) => Self::NationalSingleShift(id),
            (0x25, &[id]) => Self::NationalLockingShift(id),
            _ => other(),
        }
    }
}

/// The concatenation element of a header, if any.
pub(crate) fn concat_of(header: &[InformationElement]) -> Option<Concat> {
    header.iter().find_map(|ie| match ie {
        InformationElement::Concat(c) => Some(*c),
        _ => None,
    })
}

/// The national tables a header selects.
pub(crate) fn charset_of(header: &[InformationElement]) -> crate::Charset {
    let mut charset = crate::Charset::DEFAULT;
    for ie in header {
        match ie {
            InformationElement::NationalSingleShift(id) => {
                charset.single = NationalLanguage::from_id(*id);
            }
            InformationElement::NationalLockingShift(id) => {
                charset.locking = NationalLanguage::from_id(*id);
            }
            _ => {}
        }
    }
    charset
}

/// Parses the header octets that follow the UDHL octet.
pub(crate) fn decode(octets: &[u8]) -> Result<Vec<InformationElement>, Error> {
    let mut elements = Vec::new();
    let mut rest = octets;
    while !rest.is_empty() {
        let [iei, len, tail @ ..] = rest else {
            return Err(Error::InvalidLength {
                field: "user data header",
                detail: format!("{} stray octet(s) at its end", rest.len()),
            });
        };
        let len = usize::from(*len);
        if tail.len() < len {
            return Err(Error::InvalidLength {
                field: "user data header",
                detail: format!(
                    "element {iei:#04x} claims {len} octet(s), {} left",
                    tail.len()
                ),
            });
        }
        elements.push(InformationElement::parse(*iei, &tail[..len]));
        rest = &tail[len..];
    }
    Ok(elements)
}

/// Writes the header with its UDHL octet; writes nothing for an empty header.
pub(crate) fn encode(elements: &[InformationElement], out: &mut Vec<u8>) -> Result<(), Error> {
    if elements.is_empty() {
        return Ok(());
    }
    let start = out.len();
    out.push(0);
    for ie in elements {
        let data = ie.data();
        let len = u8::try_from(data.len()).map_err(|_| Error::InvalidLength {
            field: "user data header",
            detail: format!("element {:#04x} has {} octets", ie.iei(), data.len()),
        })?;
        out.push(ie.iei());
        out.push(len);
        out.extend_from_slice(&data);
    }
    let udhl = out.len() - start - 1;
    out[start] = u8::try_from(udhl)
        .ok()
        .filter(|&l| l <= 138)
        .ok_or(Error::InvalidLength {
            field: "user data header",
            detail: format!("{udhl} octets do not fit in a message"),
        })?;
    Ok(())
}

/// Octets a header takes including its UDHL octet (0 when empty).
pub(crate) fn encoded_len(elements: &[InformationElement]) -> usize {
    if elements.is_empty() {
        0
    } else {
        1 + elements.iter().map(|e| e.encoded_len()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_elements_round_trip() {
        let header = vec![
            InformationElement::Concat(Concat {
                reference: 0x42,
                total: 3,
                sequence: 2,
                sixteen_bit: false,
            }),
            InformationElement::Port16 {
                destination: 2948,
                source: 9200,
            },
            InformationElement::NationalLockingShift(1),
            InformationElement::Other {
                iei: 0x70,
                data: vec![1, 2, 3],
            },
        ];
        let mut out = Vec::new();
        encode(&header, &mut out).unwrap();
        assert_eq!(out[0] as usize, out.len() - 1);
        assert_eq!(out.len(), encoded_len(&header));
        assert_eq!(decode(&out[1..]).unwrap(), header);
    }

    #[test]
    fn sixteen_bit_concat() {
        let ie = InformationElement::parse(0x08, &[0x12, 0x34, 2, 1]);
        assert_eq!(
            ie,
            InformationElement::Concat(Concat {
                reference: 0x1234,
                total: 2,
                sequence: 1,
                sixteen_bit: true
            })
        );
        assert_eq!(ie.data(), [0x12, 0x34, 2, 1]);
    }

    #[test]
    fn invalid_concat_is_kept_as_unknown() {
        assert!(matches!(
            InformationElement::parse(0x00, &[1, 2, 3]),
            InformationElement::Other { iei: 0, .. }
        ));
        assert!(matches!(
            InformationElement::parse(0x00, &[1, 0, 0]),
            InformationElement::Other { .. }
        ));
    }

    #[test]
    fn lying_lengths_are_errors() {
        assert!(decode(&[0x00, 0x03, 0x01]).is_err());
        assert!(decode(&[0x00]).is_err());
    }
}
