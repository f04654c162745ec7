//! Unsolicited result codes: what a modem says without being asked.

use crate::response::{self, CallerId, Registration, ResponseError, StorageIndex, UssdResponse};

/// Which registration a `+CREG`-style URC is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegistrationDomain {
    /// `+CREG`: circuit switched (SMS and calls).
    CircuitSwitched,
    /// `+CGREG`: GPRS.
    Gprs,
    /// `+CEREG`: LTE.
    Eps,
}

/// One unsolicited result code.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Urc {
    /// `+CMTI`: a message was stored at this index.
    NewMessage(StorageIndex),
    /// `+CDSI`: a status report was stored at this index.
    NewStatusReport(StorageIndex),
    /// `+CMT`: a message delivered directly (its PDU follows the header line).
    Message {
        /// TPDU length from the header.
        length: usize,
        /// The PDU in hex, SMSC field included.
        pdu: String,
    },
    /// `+CDS`: a status report delivered directly.
    StatusReport {
        /// TPDU length from the header.
        length: usize,
        /// The PDU in hex, SMSC field included.
        pdu: String,
    },
    /// `RING` or `+CRING`: an incoming call.
    Ring,
    /// `+CLIP`: the caller of an incoming call.
    CallerId(CallerId),
    /// `NO CARRIER` outside a command: the call ended.
    CallEnded,
    /// `+CUSD`: a USSD answer or network-initiated USSD.
    Ussd(UssdResponse),
    /// `+CREG`/`+CGREG`/`+CEREG`: registration changed.
    Registration {
        /// Which registration.
        domain: RegistrationDomain,
        /// Its new state.
        registration: Registration,
    },
    /// `+CIEV`: an indicator changed.
    Indicator {
        /// Indicator index (from `+CIND=?`).
        index: u8,
        /// New value.
        value: u8,
    },
    /// Vendor noise such as Huawei `^RSSI:`, `^MODE:`, `^BOOT:`, `^SRVST:`.
    Vendor {
        /// The name without `^` and `:`, e.g. `RSSI`.
        name: String,
        /// Everything after the colon, trimmed.
        value: String,
    },
}

/// How a line starts a URC.
#[derive(Debug)]
pub(crate) enum UrcStart {
    /// The line is a whole URC.
    Complete(Urc),
    /// The line is the header of a two-line URC; the PDU is the next line.
    Header(TwoLineKind, usize),
}

/// The two-line URCs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TwoLineKind {
    Message,
    StatusReport,
}

impl TwoLineKind {
    pub(crate) fn complete(self, length: usize, pdu: String) -> Urc {
        match self {
            TwoLineKind::Message => Urc::Message { length, pdu },
            TwoLineKind::StatusReport => Urc::StatusReport { length, pdu },
        }
    }
}

/// Classifies `line` as a URC. `None` means it is not one; `Some(Err)` means it has
/// a URC's prefix but cannot be parsed.
pub(crate) fn classify(line: &str) -> Option<Result<UrcStart, ResponseError>> {
    let complete = |r: Result<Urc, ResponseError>| Some(r.map(UrcStart::Complete));
    if line == "RING" || line.starts_with("+CRING:") {
        return complete(Ok(Urc::Ring));
    }
    if let Some(rest) = line.strip_prefix('^') {
        let (name, value) = rest.split_once(':').unwrap_or((rest, ""));
        return complete(Ok(Urc::Vendor {
            name: name.trim().to_string(),
            value: value.trim().to_string(),
        }));
    }
    let prefix = line.split_once(':').map(|(p, _)| p.trim_end())?;
    match prefix {
        "+CMTI" => complete(response::parse_cmti(line).map(Urc::NewMessage)),
        "+CDSI" => complete(response::parse_cdsi(line).map(Urc::NewStatusReport)),
        "+CMT" => Some(
            response::parse_cmt_header(line).map(|len| UrcStart::Header(TwoLineKind::Message, len)),
        ),
        "+CDS" => Some(
            response::parse_cds_header(line)
                .map(|len| UrcStart::Header(TwoLineKind::StatusReport, len)),
        ),
        "+CLIP" => complete(response::parse_clip(line).map(Urc::CallerId)),
        "+CUSD" => complete(response::parse_cusd(line).map(Urc::Ussd)),
        "+CREG" | "+CGREG" | "+CEREG" => {
            let domain = match prefix {
                "+CREG" => RegistrationDomain::CircuitSwitched,
                "+CGREG" => RegistrationDomain::Gprs,
                _ => RegistrationDomain::Eps,
            };
            complete(
                response::parse_registration_urc(line).map(|registration| Urc::Registration {
                    domain,
                    registration,
                }),
            )
        }
        "+CIEV" => complete(
            response::parse_ciev(line).map(|(index, value)| Urc::Indicator { index, value }),
        ),
        _ => None,
    }
}
