//! What the modem says about the radio network: signal quality (`+CSQ`,
//! and `+CESQ` for LTE's RSRP and RSRQ), registration (`+CREG`, `+CGREG`, `+CEREG`, `+C5GREG`), the operator
//! (`+COPS`) and indicator events (`+CIEV`).

use super::{ResponseError, body, is_hex, number, optional_number, params, string};

// ---------------------------------------------------------------------------
// +CSQ
// ---------------------------------------------------------------------------

/// Signal quality from `+CSQ: <rssi>,<ber>` (TS 27.007 §8.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signal {
    /// Received signal strength: 0..=31, or 99 when not known.
    pub rssi: u8,
    /// Channel bit error rate: 0..=7 (RXQUAL), or 99 when not known.
    pub ber: u8,
}

impl Signal {
    /// The signal strength in dBm: 0 is -113 or less, 1 is -111, 2..=30 are
    /// -109..=-53 in steps of 2, 31 is -51 or more; 99 (and anything out of
    /// range) is `None`.
    pub fn dbm(&self) -> Option<i16> {
        match self.rssi {
            0..=31 => Some(-113 + 2 * i16::from(self.rssi)),
            _ => None,
        }
    }
}

/// Parses `+CSQ: <rssi>,<ber>`.
pub fn parse_csq(line: &str) -> Result<Signal, ResponseError> {
    csq(line).ok_or_else(|| ResponseError::new("+CSQ", line))
}

fn csq(line: &str) -> Option<Signal> {
    let p = params(line, "+CSQ")?;
    Some(Signal {
        rssi: number(p.first()?)?,
        ber: number(p.get(1)?)?,
    })
}

// ---------------------------------------------------------------------------
// +CESQ
// ---------------------------------------------------------------------------

/// Extended signal quality from `+CESQ: <rxlev>,<ber>,<rscp>,<ecno>,<rsrq>,<rsrp>`
/// (TS 27.007 §8.69): the LTE measurements `+CSQ` cannot carry. Each field
/// is the spec's index; 99 or 255 means "not known or not measurable" (a
/// GSM cell leaves the LTE fields unknown, and an LTE cell the GSM ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtendedSignal {
    /// RSRQ index: 0 is below -19.5 dB, then steps of 0.5 dB up to 34 (-3 dB or more); 255 unknown.
    pub rsrq: u8,
    /// RSRP index: 0 is below -140 dBm, then steps of 1 dB up to 97 (-44 dBm or more); 255 unknown.
    pub rsrp: u8,
}

impl ExtendedSignal {
    /// RSRP in dBm: the lower bound of the index's 1 dB band (0 gives
    /// -141, "below -140"); `None` when unknown.
    pub fn rsrp_dbm(&self) -> Option<i16> {
        (self.rsrp <= 97).then(|| -141 + i16::from(self.rsrp))
    }

    /// RSRQ in dB: the lower bound of the index's 0.5 dB band (0 gives
    /// -20, "below -19.5"); `None` when unknown.
    pub fn rsrq_db(&self) -> Option<f32> {
        (self.rsrq <= 34).then(|| -20.0 + f32::from(self.rsrq) * 0.5)
    }
}

/// Parses `+CESQ: <rxlev>,<ber>,<rscp>,<ecno>,<rsrq>,<rsrp>`.
pub fn parse_cesq(line: &str) -> Result<ExtendedSignal, ResponseError> {
    cesq(line).ok_or_else(|| ResponseError::new("+CESQ", line))
}

fn cesq(line: &str) -> Option<ExtendedSignal> {
    let p = params(line, "+CESQ")?;
    // The GSM and UMTS fields must be numbers too, or the line is not +CESQ.
    for field in p.get(..4)? {
        number::<u8>(field)?;
    }
    Some(ExtendedSignal {
        rsrq: number(p.get(4)?)?,
        rsrp: number(p.get(5)?)?,
    })
}

// ---------------------------------------------------------------------------
// +CREG / +CGREG / +CEREG
// ---------------------------------------------------------------------------

/// Network registration state `<stat>` (TS 27.007 §7.2, §10.1.20, §10.1.22).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RegistrationStatus {
    /// 0: not registered and not searching.
    NotRegistered,
    /// 1: registered, home network.
    Home,
    /// 2: not registered, searching.
    Searching,
    /// 3: registration denied.
    Denied,
    /// 4: unknown (for example out of coverage).
    Unknown,
    /// 5: registered, roaming.
    Roaming,
    /// Any other value, such as 6/7 (registered for SMS only, home/roaming),
    /// 8 (emergency bearer services only) or 9/10 (CSFB not preferred).
    Other(u8),
}

impl RegistrationStatus {
    /// The status for a `<stat>` value.
    pub fn from_code(code: u8) -> Self {
        match code {
            0 => Self::NotRegistered,
            1 => Self::Home,
            2 => Self::Searching,
            3 => Self::Denied,
            4 => Self::Unknown,
            5 => Self::Roaming,
            other => Self::Other(other),
        }
    }

    /// The `<stat>` value.
    pub fn code(self) -> u8 {
        match self {
            Self::NotRegistered => 0,
            Self::Home => 1,
            Self::Searching => 2,
            Self::Denied => 3,
            Self::Unknown => 4,
            Self::Roaming => 5,
            Self::Other(code) => code,
        }
    }

    /// Its name in the API and the command line's JSON: `home`, `roaming`,
    /// `searching`, `denied`, `unknown`, `not_registered`, or `other(N)`.
    pub fn name(self) -> std::borrow::Cow<'static, str> {
        match self {
            Self::NotRegistered => "not_registered".into(),
            Self::Home => "home".into(),
            Self::Searching => "searching".into(),
            Self::Denied => "denied".into(),
            Self::Unknown => "unknown".into(),
            Self::Roaming => "roaming".into(),
            Self::Other(code) => format!("other({code})").into(),
        }
    }

    /// Whether the modem is registered and can send SMS: home or roaming,
    /// including "SMS only" (6, 7) and "CSFB not preferred" (9, 10).
    pub fn is_registered(self) -> bool {
        matches!(
            self,
            Self::Home | Self::Roaming | Self::Other(6 | 7 | 9 | 10)
        )
    }
}

/// A registration state with the serving cell, when the modem reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Registration {
    /// The registration state.
    pub status: RegistrationStatus,
    /// Location (or tracking) area code in hex, quotes removed.
    pub lac: Option<String>,
    /// Cell id in hex, quotes removed.
    pub cell_id: Option<String>,
    /// Access technology `<AcT>` (0 GSM, 2 UTRAN, 7 E-UTRAN, ...).
    pub access_technology: Option<u8>,
}

const REGISTRATION_PREFIXES: &[&str] = &["+CREG", "+CGREG", "+CEREG", "+C5GREG"];

/// Parses the answer to `AT+CREG?` (or `+CGREG?`, `+CEREG?`, `+C5GREG?`):
/// `+CREG: <n>,<stat>[,<lac>,<ci>[,<AcT>]]`.
pub fn parse_registration_response(line: &str) -> Result<Registration, ResponseError> {
    registration(line, true).ok_or_else(|| ResponseError::new(registration_what(line), line))
}

/// Parses the unsolicited form: `+CREG: <stat>[,<lac>,<ci>[,<AcT>]]` (and the
/// same for `+CGREG`, `+CEREG`, `+C5GREG`).
pub fn parse_registration_urc(line: &str) -> Result<Registration, ResponseError> {
    registration(line, false).ok_or_else(|| ResponseError::new(registration_what(line), line))
}

fn registration_what(line: &str) -> &'static str {
    REGISTRATION_PREFIXES
        .iter()
        .find(|name| body(line, name).is_some())
        .copied()
        .unwrap_or("+CREG")
}

fn registration(line: &str, with_mode: bool) -> Option<Registration> {
    let p = REGISTRATION_PREFIXES
        .iter()
        .find_map(|name| params(line, name))?;
    let rest = if with_mode {
        let _mode: u8 = number(p.first()?)?;
        p.get(1..)?
    } else {
        &p[..]
    };
    let status = RegistrationStatus::from_code(number(rest.first()?)?);
    Some(Registration {
        status,
        lac: optional_hex(rest.get(1))?,
        cell_id: optional_hex(rest.get(2))?,
        access_technology: optional_number(rest.get(3))?,
    })
}

/// An optional hex string parameter, quoted or not: missing or empty gives
/// `Some(None)`, anything but hex gives `None`.
fn optional_hex(param: Option<&&str>) -> Option<Option<String>> {
    let Some(param) = param else {
        return Some(None);
    };
    let text = string(param)?.trim();
    if text.is_empty() {
        return Some(None);
    }
    is_hex(text).then(|| Some(text.to_owned()))
}

// ---------------------------------------------------------------------------
// +COPS
// ---------------------------------------------------------------------------

/// The current operator, from `AT+COPS?` (TS 27.007 §7.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Operator {
    /// 0 automatic, 1 manual, 2 deregistered, 3 set format only, 4 manual/automatic.
    pub mode: u8,
    /// Format of `name`: 0 long alphanumeric, 1 short alphanumeric, 2 numeric.
    pub format: Option<u8>,
    /// The operator, quotes removed, such as `T-Mobile CZ` or `23001`.
    pub name: Option<String>,
    /// Access technology (0 GSM, 2 UTRAN, 7 E-UTRAN, ...).
    pub access_technology: Option<u8>,
}

/// Parses `+COPS: <mode>[,<format>,<oper>[,<AcT>]]`.
pub fn parse_cops(line: &str) -> Result<Operator, ResponseError> {
    cops(line).ok_or_else(|| ResponseError::new("+COPS", line))
}

fn cops(line: &str) -> Option<Operator> {
    let p = params(line, "+COPS")?;
    let name = match p.get(2) {
        Some(param) => Some(string(param)?.trim()).filter(|n| !n.is_empty()),
        None => None,
    };
    Some(Operator {
        mode: number(p.first()?)?,
        format: optional_number(p.get(1))?,
        name: name.map(str::to_owned),
        access_technology: optional_number(p.get(3))?,
    })
}

// ---------------------------------------------------------------------------
// +CIEV
// ---------------------------------------------------------------------------

/// Parses `+CIEV: <ind>,<value>`, giving (indicator index, value).
pub fn parse_ciev(line: &str) -> Result<(u8, u8), ResponseError> {
    ciev(line).ok_or_else(|| ResponseError::new("+CIEV", line))
}

fn ciev(line: &str) -> Option<(u8, u8)> {
    let p = params(line, "+CIEV")?;
    Some((number(p.first()?)?, number(p.get(1)?)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cesq() {
        // An LTE cell: GSM and UMTS fields unknown.
        let s = parse_cesq("+CESQ: 99,99,255,255,20,42").unwrap();
        assert_eq!(s.rsrq_db(), Some(-10.0));
        assert_eq!(s.rsrp_dbm(), Some(-99));
        assert_eq!(
            parse_cesq("+CESQ:99,99,255,255,0,0").unwrap().rsrp_dbm(),
            Some(-141)
        );
        assert_eq!(
            parse_cesq("+CESQ: 99,99,255,255,34,97").unwrap().rsrq_db(),
            Some(-3.0)
        );
        // A GSM cell: the LTE fields are unknown.
        let gsm = parse_cesq("+CESQ: 40,0,255,255,255,255").unwrap();
        assert_eq!((gsm.rsrq_db(), gsm.rsrp_dbm()), (None, None));
        for bad in [
            "+CESQ: 99,99,255,255,20",
            "+CESQ: a,99,255,255,20,42",
            "+CSQ: 20,99",
            "",
        ] {
            assert!(parse_cesq(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn csq() {
        let s = parse_csq("+CSQ: 20,99").unwrap();
        assert_eq!(s, Signal { rssi: 20, ber: 99 });
        assert_eq!(s.dbm(), Some(-73));
        assert_eq!(parse_csq("+CSQ:31,0").unwrap().dbm(), Some(-51));
        assert_eq!(parse_csq("+CSQ: 0,0").unwrap().dbm(), Some(-113));
        assert_eq!(parse_csq("+CSQ: 1,0").unwrap().dbm(), Some(-111));
        assert_eq!(parse_csq("+CSQ: 99,99").unwrap().dbm(), None);
        assert_eq!(parse_csq("+CSQ: 150,99").unwrap().dbm(), None);
        for bad in [
            "",
            "+CSQ:",
            "+CSQ: 20",
            "+CSQ: ,99",
            "+CSQ: x,99",
            "+CSQ: 20,-1",
            "+CSQ: 300,99",
            "+CSQN: 20,99",
            "CSQ: 20,99",
            "+CSQ: \"20\",99",
        ] {
            let err = parse_csq(bad).unwrap_err();
            assert_eq!(err.what, "+CSQ");
            assert_eq!(err.line, bad);
        }
        assert_eq!(
            parse_csq("+CSQ: x").unwrap_err().to_string(),
            r#"cannot parse +CSQ from the modem's line "+CSQ: x""#
        );
        assert_eq!(
            parse_csq("+CSQ: \"x\"\r\0").unwrap_err().to_string(),
            r#"cannot parse +CSQ from the modem's line "+CSQ: "x"\r\u{0}""#
        );
        assert_eq!(
            parse_csq(" ").unwrap_err().to_string(),
            "cannot parse +CSQ: the modem's answer was empty"
        );
    }

    #[test]
    fn registration() {
        // SIM800 after AT+CREG=2.
        let r = parse_registration_response(r#"+CREG: 2,1,"2B5C","C4A1""#).unwrap();
        assert_eq!(r.status, RegistrationStatus::Home);
        assert!(r.status.is_registered());
        assert_eq!(r.lac.as_deref(), Some("2B5C"));
        assert_eq!(r.cell_id.as_deref(), Some("C4A1"));
        assert_eq!(r.access_technology, None);
        // Quectel EC25, LTE.
        let r = parse_registration_response(r#"+CEREG: 2,5,"5A2B","07DCB40",7"#).unwrap();
        assert_eq!(r.status, RegistrationStatus::Roaming);
        assert_eq!(r.access_technology, Some(7));
        // Plain query, Huawei E173.
        let r = parse_registration_response("+CREG: 0,1").unwrap();
        assert_eq!(
            r,
            Registration {
                status: RegistrationStatus::Home,
                lac: None,
                cell_id: None,
                access_technology: None,
            }
        );
        let r = parse_registration_response("+CGREG: 0,2").unwrap();
        assert_eq!(r.status, RegistrationStatus::Searching);
        assert!(!r.status.is_registered());
        // +CGREG with <rac> appended.
        let r = parse_registration_response(r#"+CGREG: 2,1,"2B5C","00C4A1",2,"01""#).unwrap();
        assert_eq!(r.access_technology, Some(2));
        // Spaces and lower-case hex.
        let r = parse_registration_response(r#"+CREG: 2,1, "2b5c", "c4a1""#).unwrap();
        assert_eq!(r.lac.as_deref(), Some("2b5c"));
        // Empty location fields.
        let r = parse_registration_response("+CEREG: 2,4,,,").unwrap();
        assert_eq!(r.status, RegistrationStatus::Unknown);
        assert_eq!(r.lac, None);

        // URCs.
        let r = parse_registration_urc("+CREG: 1").unwrap();
        assert_eq!(r.status, RegistrationStatus::Home);
        let r = parse_registration_urc(r#"+CREG: 5,"2B5C","C4A1""#).unwrap();
        assert_eq!(r.status, RegistrationStatus::Roaming);
        assert_eq!(r.cell_id.as_deref(), Some("C4A1"));
        let r = parse_registration_urc(r#"+CEREG: 1,"5A2B","07DCB40",7"#).unwrap();
        assert_eq!(r.access_technology, Some(7));
        assert_eq!(
            parse_registration_urc("+CREG: 3").unwrap().status,
            RegistrationStatus::Denied
        );
        let r = parse_registration_urc("+CEREG: 6").unwrap();
        assert_eq!(r.status, RegistrationStatus::Other(6));
        assert!(r.status.is_registered());
        assert!(!RegistrationStatus::Other(8).is_registered());
        for code in 0..=12 {
            assert_eq!(RegistrationStatus::from_code(code).code(), code);
        }

        for bad in [
            "",
            "+CREG:",
            "+CREG: 1",
            "+CREG: x,1",
            "+CREG: 2,1,\"XYZ\",\"C4A1\"",
            "+CREG: 2,1,\"2B5C",
            "+CREG: 2,1,\"2B5C\",\"C4A1\",x",
            "+COPS: 0,1",
        ] {
            assert!(parse_registration_response(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_registration_response("+CGREG: 1").unwrap_err().what,
            "+CGREG"
        );
        assert_eq!(
            parse_registration_urc("+CEREG: x").unwrap_err().what,
            "+CEREG"
        );
        for bad in ["", "+CREG: ", "+CREG: -1", "+CREG: 1,\"GG\"", "+CREG: 256"] {
            assert!(parse_registration_urc(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cops() {
        assert_eq!(
            parse_cops(r#"+COPS: 0,0,"T-Mobile CZ",7"#).unwrap(),
            Operator {
                mode: 0,
                format: Some(0),
                name: Some("T-Mobile CZ".to_owned()),
                access_technology: Some(7),
            }
        );
        let o = parse_cops(r#"+COPS: 0,2,"23001",2"#).unwrap();
        assert_eq!(o.name.as_deref(), Some("23001"));
        let o = parse_cops("+COPS: 0").unwrap();
        assert_eq!((o.mode, o.format, o.name), (0, None, None));
        let o = parse_cops(r#"+COPS: 1,0,"Vodafone, CZ""#).unwrap();
        assert_eq!(o.name.as_deref(), Some("Vodafone, CZ"));
        assert_eq!(o.access_technology, None);
        for bad in [
            "",
            "+COPS:",
            "+COPS: x",
            "+COPS: 0,x,\"A\"",
            "+COPS: 0,0,\"A",
            "+COPS: 0,0,\"A\",x",
        ] {
            assert!(parse_cops(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ciev() {
        assert_eq!(parse_ciev("+CIEV: 2,3").unwrap(), (2, 3));
        assert_eq!(parse_ciev("+CIEV:10,0").unwrap(), (10, 0));
        for bad in [
            "",
            "+CIEV: 2",
            "+CIEV: \"MESSAGE\",1",
            "+CIEV: 2,x",
            "+CIEV: 2,256",
        ] {
            assert!(parse_ciev(bad).is_err(), "{bad}");
        }
    }
}
