//! Hex text as modems print PDUs.

use crate::error::Error;

/// Upper-case hex, as `AT+CMGS` expects.
pub fn encode(octets: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut text = String::with_capacity(octets.len() * 2);
    for &b in octets {
        text.push(char::from(DIGITS[usize::from(b >> 4)]));
        text.push(char::from(DIGITS[usize::from(b & 0x0F)]));
    }
    text
}

/// Parses hex (either case); surrounding whitespace is ignored.
pub fn decode(text: &str) -> Result<Vec<u8>, Error> {
    let text = text.trim();
    let bytes = text.as_bytes();
    if bytes.len() % 2 == 1 {
        return Err(Error::InvalidHex {
            position: bytes.len(),
        });
    }
    let nibble = |i: usize, b: u8| -> Result<u8, Error> {
        match b {
            b'0'..=b'9' => Ok(b - b'0'),
            b'a'..=b'f' => Ok(b - b'a' + 10),
            b'A'..=b'F' => Ok(b - b'A' + 10),
            _ => Err(Error::InvalidHex { position: i }),
        }
    };
    let mut octets = Vec::with_capacity(bytes.len() / 2);
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        octets.push(nibble(2 * i, pair[0])? << 4 | nibble(2 * i + 1, pair[1])?);
    }
    Ok(octets)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_errors() {
        assert_eq!(super::encode(&[0x00, 0xAB, 0x7f]), "00AB7F");
        assert_eq!(super::decode(" 00ab7F\r\n").unwrap(), [0x00, 0xAB, 0x7F]);
        assert!(super::decode("0").is_err());
        assert!(matches!(
            super::decode("0G"),
            Err(crate::Error::InvalidHex { position: 1 })
        ));
    }
}
