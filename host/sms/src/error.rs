//! The codec's error type.

/// Everything that can go wrong while encoding or decoding SMS.
///
/// Decoding never panics: every malformed input maps to one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ended inside a field.
    #[error("PDU truncated in {field}: needs {needed} octet(s), {available} left")]
    Truncated {
        /// The field being read.
        field: &'static str,
        /// Octets the field needs.
        needed: usize,
        /// Octets that were left.
        available: usize,
    },
    /// The hex text has an odd length or a non-hex character.
    #[error("invalid hex at character {position}")]
    InvalidHex {
        /// Index of the offending character.
        position: usize,
    },
    /// A BCD semi-octet that is not a digit where a digit is required.
    #[error("invalid semi-octet {nibble:#x} in {field}")]
    InvalidSemiOctet {
        /// The field being read.
        field: &'static str,
        /// The offending nibble.
        nibble: u8,
    },
    /// A numeric field outside its valid range.
    #[error("{field} out of range: {value}")]
    OutOfRange {
        /// The field being read.
        field: &'static str,
        /// The offending value.
        value: u32,
    },
    /// A length field that disagrees with the data around it.
    #[error("invalid length in {field}: {detail}")]
    InvalidLength {
        /// The field being read.
        field: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// The message type indicator is not DELIVER, SUBMIT or STATUS-REPORT.
    #[error("unsupported message type indicator {0:#04b}")]
    UnsupportedMessageType(u8),
    /// A character that the chosen GSM 7-bit tables cannot represent.
    #[error(
        "the character '{}' (U+{code:04X}) at position {position} is not in the GSM 7-bit alphabet; send the text as UCS-2, or transliterate it to GSM 7-bit",
        character.escape_debug(),
        code = u32::from(*character)
    )]
    NotGsm7 {
        /// The first character that does not fit.
        character: char,
        /// Its index in the text, counted in characters.
        position: usize,
    },
    /// An address (phone number or alphanumeric sender) that cannot be encoded.
    #[error("invalid address \"{}\": {reason}", address.escape_debug())]
    InvalidAddress {
        /// The address as given.
        address: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The text needs more parts than concatenation allows.
    #[error("text needs {parts} parts; at most 255 are possible")]
    TooManyParts {
        /// Parts the text would need.
        parts: usize,
    },
    /// The user data does not fit in one TPDU.
    #[error("user data of {len} {unit} exceeds the maximum of {max}")]
    UserDataTooLong {
        /// Its length.
        len: usize,
        /// Septets or octets.
        unit: &'static str,
        /// The maximum allowed.
        max: usize,
    },
}

/// A cursor over PDU octets that turns running off the end into [`Error::Truncated`].
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    pub(crate) fn rest(&self) -> &'a [u8] {
        &self.data[self.pos..]
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, Error> {
        Ok(self.take(1, field)?[0])
    }

    pub(crate) fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], Error> {
        if self.remaining() < n {
            return Err(Error::Truncated {
                field,
                needed: n,
                available: self.remaining(),
            });
        }
        let slice = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }
}
