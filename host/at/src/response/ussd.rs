//! USSD (`+CUSD`): the answers and network-initiated messages, the CBS data
//! coding scheme their text is written in (TS 23.038 §5), and the packed
//! GSM 7-bit hex some modems (Huawei) send and want.

use plutanium_sms::gsm7::{self, Charset};
use plutanium_sms::{Alphabet, DataCoding, hex};

use super::{ResponseError, body, decode_ucs2_hex, number, optional_number};

/// A USSD answer or network-initiated USSD, from `+CUSD` (TS 27.007 §7.15).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UssdResponse {
    /// 0 no further action, 1 further action required, 2 terminated by the
    /// network, 3 other client responded, 4 not supported, 5 network timeout.
    pub status: u8,
    /// The text; decoded when the data coding scheme says UCS-2 and the modem
    /// sent hex, otherwise as sent (see [`decode_ussd_packed_hex`]).
    pub text: Option<String>,
    /// The CBS data coding scheme (TS 23.038 §5).
    pub dcs: Option<u8>,
}

/// Parses `+CUSD: <m>[,<str>[,<dcs>]]`.
///
/// The text runs from the first to the last double quote of the line, so
/// quotes and commas inside it survive. A text that is hex under a UCS-2
/// scheme (0x48 and the rest of the 01xx group, 0x11, 1001xxxx) is decoded
/// from UTF-16BE; with 0x11 its two-octet language prefix is dropped, and with
/// 0x10 a leading `xx<CR>` language indication is dropped. GSM 7-bit text is
/// kept as sent: some modems (Huawei) send it as packed hex, which
/// [`decode_ussd_packed_hex`] reads.
pub fn parse_cusd(line: &str) -> Result<UssdResponse, ResponseError> {
    cusd(line).ok_or_else(|| ResponseError::new("+CUSD", line))
}

fn cusd(line: &str) -> Option<UssdResponse> {
    let text = body(line, "+CUSD")?;
    let (status, rest) = match text.split_once(',') {
        Some((status, rest)) => (status.trim(), Some(rest.trim())),
        None => (text, None),
    };
    let status = number(status)?;
    let Some(rest) = rest else {
        return Some(UssdResponse {
            status,
            text: None,
            dcs: None,
        });
    };
    let (raw, after) = match rest.strip_prefix('"') {
        Some(inner) => {
            let end = inner.rfind('"')?;
            (inner.get(..end)?, inner.get(end + 1..)?)
        }
        None => match rest.find(',') {
            Some(comma) => (rest.get(..comma)?.trim(), rest.get(comma..)?),
            None => (rest, ""),
        },
    };
    let after = after.trim();
    let dcs = if after.is_empty() {
        None
    } else {
        let dcs_param = after.strip_prefix(',')?;
        let dcs_param = dcs_param.split(',').next().unwrap_or("").trim();
        optional_number(Some(&dcs_param))?
    };
    let text = (!raw.is_empty()).then(|| decode_ussd_text(raw, dcs));
    Some(UssdResponse { status, text, dcs })
}

/// The alphabet of USSD (and cell broadcast) text for a CBS data coding
/// scheme (TS 23.038 §5).
///
/// Groups 0000, 0010 and 0011 are GSM 7-bit with a language; 0001 is GSM 7-bit
/// with a language indication, except 0x11, which is UCS-2; 01xx is the
/// general coding as for SMS; 1001 (with a header) takes its alphabet from
/// bits 3..2 like 01xx; 1111 is GSM 7-bit or 8-bit data by bit 2. Reserved
/// values read as GSM 7-bit, as TS 23.038 asks.
pub fn ussd_alphabet(dcs: u8) -> Alphabet {
    match dcs >> 4 {
        0x1 if dcs == 0x11 => Alphabet::Ucs2,
        0x4..=0x7 => DataCoding(dcs).alphabet(),
        0x9 => match (dcs >> 2) & 0x03 {
            1 => Alphabet::Data8,
            2 => Alphabet::Ucs2,
            _ => Alphabet::Gsm7,
        },
        0xF if dcs & 0x04 != 0 => Alphabet::Data8,
        _ => Alphabet::Gsm7,
    }
}

fn decode_ussd_text(raw: &str, dcs: Option<u8>) -> String {
    let Some(dcs) = dcs else {
        return raw.to_owned();
    };
    match ussd_alphabet(dcs) {
        Alphabet::Ucs2 => {
            // 0x11: two octets of packed GSM 7-bit language code come first.
            let hex_text = if dcs == 0x11 { raw.get(4..) } else { Some(raw) };
            match hex_text.filter(|h| !h.is_empty()).and_then(decode_ucs2_hex) {
                // Some modems pass on a NUL-terminated buffer with garbage after it.
                Some(text) => match text.split_once('\0') {
                    Some((before, _)) => before.to_owned(),
                    None => text,
                },
                None => raw.to_owned(),
            }
        }
        Alphabet::Gsm7 if dcs == 0x10 => {
            // "The message starts with a two GSM 7-bit default alphabet
            // character representation of the language ..., followed by a CR."
            let mut chars = raw.chars();
            match (chars.next(), chars.next(), chars.next()) {
                (Some(a), Some(b), Some('\r'))
                    if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() =>
                {
                    chars.as_str().to_owned()
                }
                _ => raw.to_owned(),
            }
        }
        _ => raw.to_owned(),
    }
}

/// Decodes GSM 7-bit text packed into octets and written as hex, as Huawei
/// modems send USSD text (`+CUSD: 0,"C2303BEC1E97...",15`).
///
/// Seven spare bits at the end filled with CR are dropped (TS 23.038
/// §6.1.2.3.1). `None` if the text is not hex.
pub fn decode_ussd_packed_hex(text: &str) -> Option<String> {
    if text.trim().len() != text.len() {
        return None;
    }
    let octets = hex::decode(text).ok()?;
    let count = octets.len() * 8 / 7;
    let mut septets = gsm7::unpack_septets(&octets, 0, count)?;
    if octets.len().is_multiple_of(7) && septets.last() == Some(&0x0D) {
        septets.pop();
    }
    Some(Charset::DEFAULT.from_septets(&septets))
}

/// Encodes a USSD code as packed GSM 7-bit in hex, as Huawei modems want it
/// in `AT+CUSD=1,"<hex>",15`: `*100#` gives `AA180C3602`. `None` if the code
/// has characters outside the GSM 7-bit default alphabet.
pub fn encode_ussd_packed_hex(code: &str) -> Option<String> {
    let mut septets = Vec::new();
    Charset::DEFAULT.to_septets(code, &mut septets).ok()?;
    let mut octets = Vec::new();
    gsm7::pack_septets(&septets, 0, &mut octets);
    Some(hex::encode(&octets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cusd() {
        let u = parse_cusd(r#"+CUSD: 0,"Balance 12.50 EUR",15"#).unwrap();
        assert_eq!(
            u,
            UssdResponse {
                status: 0,
                text: Some("Balance 12.50 EUR".to_owned()),
                dcs: Some(15),
            }
        );
        assert_eq!(
            parse_cusd("+CUSD: 2").unwrap(),
            UssdResponse {
                status: 2,
                text: None,
                dcs: None,
            }
        );
        assert_eq!(parse_cusd("+CUSD: 4").unwrap().status, 4);
        // Quotes and commas inside the text.
        let u = parse_cusd(r#"+CUSD: 1,"Reply "1" to confirm, "2" to cancel",15"#).unwrap();
        assert_eq!(
            u.text.as_deref(),
            Some(r#"Reply "1" to confirm, "2" to cancel"#)
        );
        assert_eq!(u.status, 1);
        // UCS-2 (SIM7600/EC25 with DCS 72): "Zůstatek 5 Kč".
        let u = parse_cusd(r#"+CUSD: 0,"005A016F00730074006100740065006B002000350020004B010D",72"#)
            .unwrap();
        assert_eq!(u.text.as_deref(), Some("Zůstatek 5 Kč"));
        assert_eq!(u.dcs, Some(72));
        // UCS-2 with language prefix (DCS 0x11).
        let u = parse_cusd(r#"+CUSD: 0,"65F2004F004B",17"#).unwrap();
        assert_eq!(u.text.as_deref(), Some("OK"));
        // DCS 0x10: "EN\r" language indication dropped.
        let u = parse_cusd("+CUSD: 0,\"EN\rHello\",16").unwrap();
        assert_eq!(u.text.as_deref(), Some("Hello"));
        // UCS-2 DCS but text already converted: kept.
        let u = parse_cusd(r#"+CUSD: 0,"Hello",72"#).unwrap();
        assert_eq!(u.text.as_deref(), Some("Hello"));
        // Huawei E173 packed GSM 7-bit hex: kept raw, decodable on request.
        let u = parse_cusd(r#"+CUSD: 0,"C2303BEC1E97413D90FB4D4F83C66F769A0E",15"#).unwrap();
        assert_eq!(
            u.text.as_deref(),
            Some("C2303BEC1E97413D90FB4D4F83C66F769A0E")
        );
        // No DCS, spaces, empty text.
        assert_eq!(parse_cusd(r#"+CUSD:1, "Menu""#).unwrap().dcs, None);
        assert_eq!(parse_cusd(r#"+CUSD: 0,"",15"#).unwrap().text, None);
        assert_eq!(
            parse_cusd("+CUSD: 0,Plain text,15")
                .unwrap()
                .text
                .as_deref(),
            Some("Plain text")
        );
        assert_eq!(parse_cusd(r#"+CUSD: 0,"x",15,1"#).unwrap().dcs, Some(15));
        for bad in [
            "",
            "+CUSD:",
            "+CUSD: x",
            "+CUSD: 0,\"open",
            "+CUSD: 0,\"text\",x",
            "+CUSD: 0,\"text\" junk",
            "+CUSD: 0,\"text\",300",
            "+CUSD: ,\"text\",15",
        ] {
            assert!(parse_cusd(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cusd_gammu_dumps() {
        // gammu tests/at-ussd/01-E160.dump: unquoted packed hex, no DCS.
        let u = parse_cusd("+CUSD: 0, 49B41C74ACD3D16171D90D66666666666666666666B45CAC76C3CD6CB41B2D060389CB74F9FE4C07DD5CB91AA85897BF1B").unwrap();
        assert_eq!(u.dcs, None);
        let text = decode_ussd_packed_hex(u.text.as_deref().unwrap()).unwrap();
        // The dump itself is corrupt in the middle.
        assert!(text.starts_with("Ihr Guthaben"), "{text}");
        assert!(text.ends_with(" beträgt 7.95 Euro"), "{text}");
        // 02-E160.dump: quoted packed hex, DCS 15.
        let u = parse_cusd("+CUSD: 0,\"49B41C74ACD3D16171D90D32FBE52072BA0C72CA5DB45CAC76C3CD6CB41B2D060389CB74F9FE4C07D55C371CA85897BF1B\",15").unwrap();
        let text = decode_ussd_packed_hex(u.text.as_deref().unwrap()).unwrap();
        assert_eq!(
            text,
            "Ihr Guthaben für die Nr.4915783647410 beträgt 5.78 Euro"
        );
        // issue109-E3276.dump: UCS-2, DCS 72.
        let u = parse_cusd("+CUSD: 0,\"0414043B044F00200441043F044004300432043A04380020043E002004310430043B0430043D044104350020043D04300431043504400438044204350020002A0031003000350023002E002004230441043B0443043304300020043104350441043F043B04300442043D0430002E\",72").unwrap();
        assert_eq!(
            u.text.as_deref(),
            Some("Для справки о балансе наберите *105#. Услуга бесплатна.")
        );
        // Uissue358-Quectel_M35.dump: UCS-2 hex (+CSCS="UCS2") with DCS 15.
        let u = parse_cusd(
            "+CUSD: 2,\"00480061007600690020006B0065007200650074003A0020003000460074002E\",15",
        )
        .unwrap();
        let raw = u.text.as_deref().unwrap();
        assert!(raw.starts_with("00480061"));
        assert_eq!(decode_ucs2_hex(raw).as_deref(), Some("Havi keret: 0Ft."));
        // issue377-HE910-D.dump: DCS 0x11, language prefix and garbage after NUL.
        let u = parse_cusd("+CUSD: 2,\"613906310635064A062F06430020003100300037002E003900330020062F002E0644060C06270644063506440627062D064A0629002000200032003000310038002D00310031002D003000390000FFFF60B16260EEEEFFFFFFFFFFFFFFFFFFFF60B16260EEEEFFFFFFFFFFFFFFFFFFFF60B16260EEEEFFFF00A962600000000000000000EE000000000000000000000068B5626058655F60\",17").unwrap();
        assert_eq!(
            u.text.as_deref(),
            Some("رصيدك 107.93 د.ل،الصلاحية  2018-11-09")
        );
        // issue178-dell.dump and 04-unknown.dump: plain text.
        let u = parse_cusd("+CUSD: 0,\"On DATA Pack u have 3Gb 817Mb 169kb valid until 21/05/2016   upto time of data recharge done by u.\",15").unwrap();
        assert!(u.text.unwrap().ends_with("done by u."));
        let u = parse_cusd("+CUSD: 2,\"Maaf, permintaan Anda tidak dapat kami proses. Silakan coba beberapa saat lagi.\",0").unwrap();
        assert_eq!(u.dcs, Some(0));
        assert!(u.text.unwrap().starts_with("Maaf, permintaan"));
        // 03-unknown.dump: no DCS.
        let u = parse_cusd("+CUSD: 1,\"Kontostand: 3.00 EUR Bitte w{hlen Sie: 1 Konto aufladen 2 CallNow Transfer\"").unwrap();
        assert_eq!((u.status, u.dcs), (1, None));
    }

    #[test]
    fn ussd_coding() {
        assert_eq!(ussd_alphabet(0x0F), Alphabet::Gsm7);
        assert_eq!(ussd_alphabet(0x00), Alphabet::Gsm7);
        assert_eq!(ussd_alphabet(0x08), Alphabet::Gsm7);
        assert_eq!(ussd_alphabet(0x10), Alphabet::Gsm7);
        assert_eq!(ussd_alphabet(0x11), Alphabet::Ucs2);
        assert_eq!(ussd_alphabet(0x12), Alphabet::Gsm7);
        assert_eq!(ussd_alphabet(0x48), Alphabet::Ucs2);
        assert_eq!(ussd_alphabet(0x44), Alphabet::Data8);
        assert_eq!(ussd_alphabet(0x40), Alphabet::Gsm7);
        assert_eq!(ussd_alphabet(0x98), Alphabet::Ucs2);
        assert_eq!(ussd_alphabet(0xF4), Alphabet::Data8);
        assert_eq!(ussd_alphabet(0xF0), Alphabet::Gsm7);

        assert_eq!(
            encode_ussd_packed_hex("*100#").as_deref(),
            Some("AA180C3602")
        );
        assert_eq!(
            decode_ussd_packed_hex("AA180C3602").as_deref(),
            Some("*100#")
        );
        let balance = encode_ussd_packed_hex("Balance 12.50 EUR").unwrap();
        assert_eq!(
            decode_ussd_packed_hex(&balance).as_deref(),
            Some("Balance 12.50 EUR")
        );
        assert_eq!(
            decode_ussd_packed_hex(&balance.to_lowercase()).as_deref(),
            Some("Balance 12.50 EUR")
        );
        // 7 characters: the spare bits are a CR, which is dropped.
        let seven = encode_ussd_packed_hex("*123*1#").unwrap();
        assert_eq!(seven.len(), 14);
        assert_eq!(decode_ussd_packed_hex(&seven).as_deref(), Some("*123*1#"));
        for text in [
            "",
            "a",
            "Hello world",
            "Zůstatek",
            "[€]",
            "12345678",
            "1234567",
        ] {
            if let Some(hex) = encode_ussd_packed_hex(text) {
                assert_eq!(
                    decode_ussd_packed_hex(&hex).as_deref(),
                    Some(text),
                    "{text}"
                );
            }
        }
        assert_eq!(encode_ussd_packed_hex("Kč"), None);
        assert_eq!(decode_ussd_packed_hex("XYZ"), None);
        assert_eq!(decode_ussd_packed_hex("ABC"), None);
        assert_eq!(decode_ussd_packed_hex(" AA18"), None);
    }
}
