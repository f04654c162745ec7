//! UCS-2 / UTF-16BE user data, with surrogate pairs for characters outside the BMP.

/// Appends `text` as UTF-16BE.
pub(crate) fn encode(text: &str, out: &mut Vec<u8>) {
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
}

/// Decodes UTF-16BE, replacing unpaired surrogates and a dangling odd octet with U+FFFD.
///
/// Received messages are decoded leniently: a phone that sends a broken
/// surrogate must not make the whole message undecodable.
pub(crate) fn decode(octets: &[u8]) -> String {
    let units = octets
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
    let mut text: String = char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if octets.len() % 2 == 1 {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_uses_a_surrogate_pair() {
        let mut out = Vec::new();
        encode("A😀", &mut out);
        assert_eq!(out, [0x00, 0x41, 0xD8, 0x3D, 0xDE, 0x00]);
        assert_eq!(decode(&out), "A😀");
    }

    #[test]
    fn broken_input_is_replaced_not_rejected() {
        assert_eq!(decode(&[0xD8, 0x3D, 0x00, 0x41]), "\u{FFFD}A");
        assert_eq!(decode(&[0x00, 0x41, 0x42]), "A\u{FFFD}");
    }
}
