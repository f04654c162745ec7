//! Fuzz the PDU decoder: any octets, with and without the SMSC field, must decode
//! or fail with a typed error, and whatever decodes must re-encode and decode to
//! the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flag, octets)) = data.split_first() else {
        return;
    };
    let has_smsc = flag & 1 == 1;
    if let Ok(decoded) = plutanium_sms::decode(octets, has_smsc) {
        // Re-encoding may legitimately fail (for example a reserved DCS with octets),
        // but when it succeeds the result must decode to the same message.
        if let Ok(encoded) = decoded.encode() {
            let again = plutanium_sms::decode(&encoded.octets, true).expect("re-encoded PDU decodes");
            assert_eq!(again.pdu, decoded.pdu);
        }
    }
    // Hex parsing of arbitrary text must not panic either.
    if let Ok(text) = std::str::from_utf8(octets) {
        let _ = plutanium_sms::decode_hex(text, has_smsc);
    }
});
