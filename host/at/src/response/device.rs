//! What the modem says about itself and its SIM: the PIN state (`+CPIN`) and
//! identification (`+CGMI`, `+CGMM`, `+CGMR`, `+CGSN`, `+CIMI`).

use super::{ResponseError, body, non_blank, non_empty_string};

// ---------------------------------------------------------------------------
// +CPIN
// ---------------------------------------------------------------------------

/// What the SIM is waiting for, from `+CPIN: <code>` (TS 27.007 §8.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PinState {
    /// `READY`: no PIN needed.
    Ready,
    /// `SIM PIN`: the SIM PIN is needed.
    SimPin,
    /// `SIM PUK`: the SIM is blocked; the PUK is needed.
    SimPuk,
    /// `SIM PIN2`.
    SimPin2,
    /// `SIM PUK2`.
    SimPuk2,
    /// `PH-SIM PIN`: the phone-to-SIM password is needed.
    PhSimPin,
    /// Anything else as sent, such as `PH-NET PIN` or `NOT INSERTED`.
    Other(String),
}

impl PinState {
    /// Whether the SIM is ready.
    pub fn is_ready(&self) -> bool {
        matches!(self, Self::Ready)
    }
}

/// Parses `+CPIN: READY`, `+CPIN: SIM PIN`, `+CPIN: "SIM PUK"`, ...
pub fn parse_cpin(line: &str) -> Result<PinState, ResponseError> {
    cpin(line).ok_or_else(|| ResponseError::new("+CPIN", line))
}

fn cpin(line: &str) -> Option<PinState> {
    let code = non_empty_string(body(line, "+CPIN")?)?.trim();
    let state = match code.to_ascii_uppercase().as_str() {
        "" => return None,
        "READY" => PinState::Ready,
        "SIM PIN" => PinState::SimPin,
        "SIM PUK" => PinState::SimPuk,
        "SIM PIN2" => PinState::SimPin2,
        "SIM PUK2" => PinState::SimPuk2,
        "PH-SIM PIN" => PinState::PhSimPin,
        _ => PinState::Other(code.to_owned()),
    };
    Some(state)
}

// ---------------------------------------------------------------------------
// Identification
// ---------------------------------------------------------------------------

/// Labels modems put before identification answers.
const IDENTITY_LABELS: &[&str] = &["Manufacturer", "Model", "Revision", "IMEI", "IMSI", "SN"];

/// Parses the answer to `AT+CGMI`, `+CGMM`, `+CGMR`, `+CGSN` or `+CIMI`.
///
/// Lines may be plain (`huawei`), carry the command's prefix
/// (`+CGMI: SIMCOM_Ltd`) or a label (`Revision: EC25EFAR06A06M4G`), or be
/// quoted. Prefixes, labels and quotes are removed and the non-empty lines
/// are joined with a space.
pub fn parse_identity(lines: &[String]) -> Result<String, ResponseError> {
    let parts: Vec<&str> = non_blank(lines)
        .map(strip_identity_label)
        .map(|l| l.trim_matches('"').trim())
        .filter(|l| !l.is_empty())
        .collect();
    if parts.is_empty() {
        let first = lines.first().map_or("", String::as_str);
        return Err(ResponseError::new("identity", first));
    }
    Ok(parts.join(" "))
}

fn strip_identity_label(line: &str) -> &str {
    let Some((label, value)) = line.split_once(':') else {
        return line;
    };
    let label = label.trim();
    let is_prefix = label
        .strip_prefix('+')
        .is_some_and(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()));
    let is_label = IDENTITY_LABELS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(label));
    if is_prefix || is_label {
        value.trim()
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::lines;

    #[test]
    fn cpin() {
        assert_eq!(parse_cpin("+CPIN: READY").unwrap(), PinState::Ready);
        assert!(parse_cpin("+CPIN:READY").unwrap().is_ready());
        assert_eq!(parse_cpin("+CPIN: SIM PIN").unwrap(), PinState::SimPin);
        assert_eq!(parse_cpin(r#"+CPIN: "SIM PUK""#).unwrap(), PinState::SimPuk);
        assert_eq!(parse_cpin("+CPIN: SIM PIN2").unwrap(), PinState::SimPin2);
        assert_eq!(parse_cpin("+CPIN: SIM PUK2").unwrap(), PinState::SimPuk2);
        assert_eq!(parse_cpin("+CPIN: PH-SIM PIN").unwrap(), PinState::PhSimPin);
        assert_eq!(parse_cpin("+CPIN: ready").unwrap(), PinState::Ready);
        // SIM800 URC when the SIM is missing.
        assert_eq!(
            parse_cpin("+CPIN: NOT INSERTED").unwrap(),
            PinState::Other("NOT INSERTED".to_owned())
        );
        assert_eq!(
            parse_cpin("+CPIN: PH-NET PIN").unwrap(),
            PinState::Other("PH-NET PIN".to_owned())
        );
        for bad in [
            "",
            "+CPIN:",
            "+CPIN: \"\"",
            "+CPIN: \"READY",
            "READY",
            "+CPIN: \" \"",
        ] {
            assert!(parse_cpin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn identity() {
        assert_eq!(parse_identity(&lines(&["huawei"])).unwrap(), "huawei");
        assert_eq!(
            parse_identity(&lines(&["+CGMI: SIMCOM_Ltd"])).unwrap(),
            "SIMCOM_Ltd"
        );
        assert_eq!(
            parse_identity(&lines(&["Revision: EC25EFAR06A06M4G"])).unwrap(),
            "EC25EFAR06A06M4G"
        );
        assert_eq!(
            parse_identity(&lines(&["Revision:1418B04SIM800L24"])).unwrap(),
            "1418B04SIM800L24"
        );
        assert_eq!(
            parse_identity(&lines(&["+CGMR: LE20B04SIM7600M22"])).unwrap(),
            "LE20B04SIM7600M22"
        );
        assert_eq!(parse_identity(&lines(&["\"E3372\""])).unwrap(), "E3372");
        assert_eq!(
            parse_identity(&lines(&[
                "",
                "Quectel",
                "EC25",
                "Revision: EC25EFAR06A06M4G"
            ]))
            .unwrap(),
            "Quectel EC25 EC25EFAR06A06M4G"
        );
        // A value with a colon that is not a label stays whole.
        assert_eq!(
            parse_identity(&lines(&["641b09gg.Q2403A 1320676 061804 17:38"])).unwrap(),
            "641b09gg.Q2403A 1320676 061804 17:38"
        );
        assert_eq!(
            parse_identity(&lines(&["+CGSN: \"866123456789012\""])).unwrap(),
            "866123456789012"
        );
        for set in [&[][..], &[""][..], &["  ", "\"\""][..], &["+CGMI:"][..]] {
            assert!(parse_identity(&lines(set)).is_err(), "{set:?}");
        }
    }
}
