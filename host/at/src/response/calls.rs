//! The caller of an incoming call (`+CLIP`).

use super::{ResponseError, optional_number, params, string};

/// The caller of an incoming call, from `+CLIP` (TS 27.007 §7.6).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallerId {
    /// The number, quotes removed; empty when withheld or unavailable.
    pub number: String,
    /// Type of address (145 international, 129 unknown, ...).
    pub type_of_address: Option<u8>,
    /// CLI validity: 0 valid, 1 withheld, 2 not available, ...
    pub validity: Option<u8>,
}

/// Parses `+CLIP: <number>,<type>[,<subaddr>,<satype>[,[<alpha>][,<CLI validity>]]]`.
pub fn parse_clip(line: &str) -> Result<CallerId, ResponseError> {
    clip(line).ok_or_else(|| ResponseError::new("+CLIP", line))
}

fn clip(line: &str) -> Option<CallerId> {
    let p = params(line, "+CLIP")?;
    Some(CallerId {
        number: string(p.first()?)?.to_owned(),
        type_of_address: optional_number(p.get(1))?,
        validity: optional_number(p.get(5))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip() {
        let c = parse_clip(r#"+CLIP: "+420777123456",145,"",,"",0"#).unwrap();
        assert_eq!(
            c,
            CallerId {
                number: "+420777123456".to_owned(),
                type_of_address: Some(145),
                validity: Some(0),
            }
        );
        // SIM800.
        let c = parse_clip(r#"+CLIP: "777123456",129,"",0,"",0"#).unwrap();
        assert_eq!(c.type_of_address, Some(129));
        // Withheld.
        let c = parse_clip(r#"+CLIP: "",128,,,,1"#).unwrap();
        assert_eq!(c.number, "");
        assert_eq!(c.validity, Some(1));
        // Short form and an alpha with a comma.
        let c = parse_clip(r#"+CLIP: "123",129"#).unwrap();
        assert_eq!(c.validity, None);
        let c = parse_clip(r#"+CLIP: "123",129,,,"Novák, Jan",0"#).unwrap();
        assert_eq!(c.validity, Some(0));
        assert_eq!(parse_clip(r#"+CLIP: "123""#).unwrap().type_of_address, None);
        for bad in [
            "",
            "+CLIP:x\"",
            "+CLIP: \"123",
            "+CLIP: \"123\",abc",
            "+CLIP: \"123\",129,,,,x",
            "+CLIP: \"123\"x,129",
        ] {
            assert!(parse_clip(bad).is_err(), "{bad}");
        }
    }
}
