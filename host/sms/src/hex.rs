//! Hex text as modems print PDUs.

use crate::error::Error;

/// Upper-case hex, as `AT+CMGS` expects.
pub fn encode(octets: &[u8]) -> String {
    hex::encode_upper(octets)
}

/// Parses hex (either case); surrounding whitespace is ignored. A wrong
/// digit is reported at its position in the trimmed text, an odd length at
/// its end.
pub fn decode(text: &str) -> Result<Vec<u8>, Error> {
    let text = text.trim();
    hex::decode(text).map_err(|e| Error::InvalidHex {
        position: match e {
            hex::FromHexError::InvalidHexCharacter { index, .. } => index,
            _ => text.len(),
        },
    })
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
