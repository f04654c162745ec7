//! Parsers for the information lines modems send in answers and URCs.
//!
//! Every parser takes whole lines as the modem sent them, such as
//! `+CSQ: 20,99`, and returns a typed value or a [`ResponseError`]. The rules:
//!
//! - the prefix (`+CSQ`) is matched without regard to case, and spaces around
//!   the `:` are optional;
//! - parameters are split at commas outside double quotes and parentheses, so
//!   a quoted name may contain commas and test answers may hold lists;
//! - mandatory parameters must be present and valid; extra parameters after
//!   the known ones are ignored, because 3GPP extends commands by appending
//!   parameters. The two-line URC headers (`+CMT`, `+CDS`) are the exception:
//!   their text-mode forms share the prefix, so they must have exactly the
//!   PDU-mode parameters;
//! - no input makes a parser panic.
//!
//! References: TS 27.007 (`+CSQ`, `+CREG`, `+CPIN`, `+CLIP`, `+CUSD`, `+COPS`,
//! `+CIEV`, identification), TS 27.005 (`+CMGL`, `+CMGR`, `+CMGS`, `+CMTI`,
//! `+CDSI`, `+CMT`, `+CDS`, `+CPMS`, `+CNMI`, `+CSCA`) and TS 23.038 §5 (the
//! USSD data coding scheme).

use plutanium_sms::gsm7::{self, Charset};
use plutanium_sms::{Alphabet, DataCoding, hex};

/// A line that does not have the expected form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot parse {what} from {line:?}")]
pub struct ResponseError {
    /// What was being parsed, such as `+CSQ`.
    pub what: &'static str,
    /// The line that did not parse (empty when lines were missing).
    pub line: String,
}

impl ResponseError {
    fn new(what: &'static str, line: &str) -> Self {
        ResponseError {
            what,
            line: line.to_owned(),
        }
    }
}

// ---------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------

/// The parameters after `name` and its colon, or `None` if the line does not
/// start with `name:` or has an open quote or parenthesis.
fn params<'a>(line: &'a str, name: &str) -> Option<Vec<&'a str>> {
    split_params(body(line, name)?)
}

/// The text after `name` and its colon, trimmed.
fn body<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let line = line.trim();
    let head = line.get(..name.len())?;
    if !head.eq_ignore_ascii_case(name) {
        return None;
    }
    let rest = line.get(name.len()..)?.trim_start().strip_prefix(':')?;
    Some(rest.trim())
}

/// Splits `text` at commas outside double quotes and parentheses; each piece
/// is trimmed. `None` if a quote or parenthesis is left open.
fn split_params(text: &str) -> Option<Vec<&str>> {
    let mut pieces = Vec::new();
    let mut in_quotes = false;
    let mut depth: usize = 0;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            '(' if !in_quotes => depth = depth.checked_add(1)?,
            ')' if !in_quotes => depth = depth.checked_sub(1)?,
            ',' if !in_quotes && depth == 0 => {
                pieces.push(text.get(start..i)?.trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if in_quotes || depth != 0 {
        return None;
    }
    pieces.push(text.get(start..)?.trim());
    Some(pieces)
}

/// A parameter as a string: the inside of `"..."`, or the bare text.
fn string(param: &str) -> Option<&str> {
    match param.strip_prefix('"') {
        Some(inner) => inner.strip_suffix('"'),
        None => Some(param),
    }
}

/// A parameter that must be a non-empty string.
fn non_empty_string(param: &str) -> Option<&str> {
    string(param).filter(|s| !s.is_empty())
}

/// A message storage name such as `"SM"`: letters first, quotes optional.
fn storage_name(param: &str) -> Option<&str> {
    string(param)
        .map(str::trim)
        .filter(|name| name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
}

/// A parameter as an unsigned decimal number (digits only, no sign).
fn number<T: std::str::FromStr>(param: &str) -> Option<T> {
    if param.is_empty() || !param.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    param.parse().ok()
}

/// An optional numeric parameter: missing or empty gives `Some(None)`,
/// anything else must be a number.
fn optional_number<T: std::str::FromStr>(param: Option<&&str>) -> Option<Option<T>> {
    match param {
        None => Some(None),
        Some(&"") => Some(None),
        Some(p) => number(p).map(Some),
    }
}

/// The inside of a parenthesised list.
fn list(param: &str) -> Option<&str> {
    param.strip_prefix('(')?.strip_suffix(')')
}

/// A list of numbers and ranges such as `0-2` or `0,2`, with or without
/// parentheses; empty gives an empty list.
fn number_list(param: &str) -> Option<Vec<u8>> {
    let inner = list(param).unwrap_or(param).trim();
    let mut values = Vec::new();
    if inner.is_empty() {
        return Some(values);
    }
    for item in split_params(inner)? {
        match item.split_once('-') {
            Some((low, high)) => {
                let low: u8 = number(low.trim())?;
                let high: u8 = number(high.trim())?;
                if low > high {
                    return None;
                }
                values.extend(low..=high);
            }
            None => values.push(number(item)?),
        }
    }
    Some(values)
}

fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The lines that are not blank, trimmed.
fn non_blank(lines: &[String]) -> impl Iterator<Item = &str> {
    lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty())
}

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
// +CMGL / +CMGR / +CMGS (PDU mode)
// ---------------------------------------------------------------------------

/// Status of a stored message `<stat>` in PDU mode (TS 27.005 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageStatus {
    /// 0: received, not yet read.
    ReceivedUnread,
    /// 1: received and read.
    ReceivedRead,
    /// 2: stored, not sent.
    StoredUnsent,
    /// 3: stored and sent.
    StoredSent,
    /// Any other value.
    Other(u8),
}

impl MessageStatus {
    /// The status for a `<stat>` value.
    pub fn from_code(code: u8) -> Self {
        match code {
            0 => Self::ReceivedUnread,
            1 => Self::ReceivedRead,
            2 => Self::StoredUnsent,
            3 => Self::StoredSent,
            other => Self::Other(other),
        }
    }

    /// The `<stat>` value.
    pub fn code(self) -> u8 {
        match self {
            Self::ReceivedUnread => 0,
            Self::ReceivedRead => 1,
            Self::StoredUnsent => 2,
            Self::StoredSent => 3,
            Self::Other(code) => code,
        }
    }
}

/// A message read from modem storage.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StoredMessage {
    /// Index in the storage.
    pub index: u32,
    /// Read/sent status.
    pub status: MessageStatus,
    /// TPDU length in octets (the SMSC field not counted).
    pub length: usize,
    /// The PDU in hex, SMSC field included; empty for an empty slot.
    pub pdu: String,
}

/// Parses the answer to `AT+CMGL=<stat>` in PDU mode: pairs of
/// `+CMGL: <index>,<stat>,[<alpha>],<length>` and a PDU line.
///
/// Blank lines are skipped. A header with length 0 may come without a PDU line.
pub fn parse_cmgl(lines: &[String]) -> Result<Vec<StoredMessage>, ResponseError> {
    let mut messages = Vec::new();
    let mut lines = non_blank(lines).peekable();
    while let Some(header) = lines.next() {
        let (index, status, length) =
            cmgl_header(header).ok_or_else(|| ResponseError::new("+CMGL", header))?;
        let pdu = take_pdu(&mut lines, length, "+CMGL", header)?;
        messages.push(StoredMessage {
            index,
            status,
            length,
            pdu,
        });
    }
    Ok(messages)
}

fn cmgl_header(line: &str) -> Option<(u32, MessageStatus, usize)> {
    let p = params(line, "+CMGL")?;
    let index = number(p.first()?)?;
    let status = MessageStatus::from_code(number(p.get(1)?)?);
    // `<alpha>` is sometimes left out altogether.
    let length_param = if p.len() == 3 { p.get(2)? } else { p.get(3)? };
    Some((index, status, number(length_param)?))
}

/// Takes the PDU line that follows a header. With length 0 the PDU line may
/// be missing (the next line is then another header or nothing).
fn take_pdu<'a>(
    lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>,
    length: usize,
    name: &str,
    header: &str,
) -> Result<String, ResponseError> {
    let what = "PDU line";
    match lines.peek() {
        Some(next) if is_hex(next) && next.len().is_multiple_of(2) => {
            let pdu = (*next).to_owned();
            lines.next();
            Ok(pdu)
        }
        Some(next) if length == 0 && body(next, name).is_some() => Ok(String::new()),
        None if length == 0 => Ok(String::new()),
        Some(next) => Err(ResponseError::new(what, next)),
        None => Err(ResponseError::new(what, header)),
    }
}

/// Parses the answer to `AT+CMGR=<index>` in PDU mode:
/// `+CMGR: <stat>,[<alpha>],<length>` and the PDU line.
///
/// No lines, or a header with length 0, mean an empty slot: `Ok(None)`.
pub fn parse_cmgr(index: u32, lines: &[String]) -> Result<Option<StoredMessage>, ResponseError> {
    let mut lines = non_blank(lines).peekable();
    let Some(header) = lines.next() else {
        return Ok(None);
    };
    let (status, length) =
        cmgr_header(header).ok_or_else(|| ResponseError::new("+CMGR", header))?;
    let pdu = take_pdu(&mut lines, length, "+CMGR", header)?;
    if let Some(extra) = lines.next() {
        return Err(ResponseError::new("+CMGR", extra));
    }
    if length == 0 {
        return Ok(None);
    }
    Ok(Some(StoredMessage {
        index,
        status,
        length,
        pdu,
    }))
}

fn cmgr_header(line: &str) -> Option<(MessageStatus, usize)> {
    let p = params(line, "+CMGR")?;
    let status = MessageStatus::from_code(number(p.first()?)?);
    // `<alpha>` is sometimes left out altogether.
    let length_param = if p.len() == 2 { p.get(1)? } else { p.get(2)? };
    Some((status, number(length_param)?))
}

/// Parses the answer to `AT+CMGS`: `+CMGS: <mr>[,<ackpdu>]`, giving the
/// message reference that status reports will carry.
pub fn parse_cmgs(lines: &[String]) -> Result<u8, ResponseError> {
    let Some(line) = non_blank(lines).find(|l| body(l, "+CMGS").is_some()) else {
        let first = non_blank(lines).next().unwrap_or("");
        return Err(ResponseError::new("+CMGS", first));
    };
    params(line, "+CMGS")
        .and_then(|p| number(p.first()?))
        .ok_or_else(|| ResponseError::new("+CMGS", line))
}

// ---------------------------------------------------------------------------
// +CMTI / +CDSI / +CMT / +CDS
// ---------------------------------------------------------------------------

/// Where a new message or status report was stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StorageIndex {
    /// The storage, such as `SM` or `ME`, quotes removed.
    pub storage: String,
    /// The index in that storage.
    pub index: u32,
}

/// Parses `+CMTI: "SM",3`: a message was stored.
pub fn parse_cmti(line: &str) -> Result<StorageIndex, ResponseError> {
    storage_index(line, "+CMTI").ok_or_else(|| ResponseError::new("+CMTI", line))
}

/// Parses `+CDSI: "SR",1`: a status report was stored.
pub fn parse_cdsi(line: &str) -> Result<StorageIndex, ResponseError> {
    storage_index(line, "+CDSI").ok_or_else(|| ResponseError::new("+CDSI", line))
}

fn storage_index(line: &str, name: &str) -> Option<StorageIndex> {
    let p = params(line, name)?;
    Some(StorageIndex {
        storage: storage_name(p.first()?)?.to_owned(),
        index: number(p.get(1)?)?,
    })
}

/// Parses the header of a directly delivered message, `+CMT: [<alpha>],<length>`,
/// giving the TPDU length; the PDU is on the next line.
pub fn parse_cmt_header(line: &str) -> Result<usize, ResponseError> {
    cmt_header(line).ok_or_else(|| ResponseError::new("+CMT", line))
}

fn cmt_header(line: &str) -> Option<usize> {
    let p = params(line, "+CMT")?;
    match p.as_slice() {
        [length] => number(length),
        [alpha, length] => {
            string(alpha)?;
            number(length)
        }
        _ => None,
    }
}

/// Parses the header of a directly delivered status report, `+CDS: <length>`,
/// giving the TPDU length; the PDU is on the next line.
pub fn parse_cds_header(line: &str) -> Result<usize, ResponseError> {
    cds_header(line).ok_or_else(|| ResponseError::new("+CDS", line))
}

fn cds_header(line: &str) -> Option<usize> {
    match params(line, "+CDS")?.as_slice() {
        [length] => number(length),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// +CLIP
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// +CUSD
// ---------------------------------------------------------------------------

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

/// Decodes UCS-2/UTF-16BE text written as hex (four digits per code unit), as
/// modems print strings in `+CSCS="UCS2"` mode. `None` if it is not such hex
/// or holds an unpaired surrogate.
pub fn decode_ucs2_hex(text: &str) -> Option<String> {
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let octets = hex::decode(text).ok()?;
    let units = octets
        .chunks_exact(2)
        .filter_map(|pair| <[u8; 2]>::try_from(pair).ok())
        .map(u16::from_be_bytes);
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
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

// ---------------------------------------------------------------------------
// +CPMS
// ---------------------------------------------------------------------------

/// One message storage and its use, from `AT+CPMS?`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Storage {
    /// Storage name such as `SM`, `ME`, `MT`, `SR`.
    pub name: String,
    /// Messages stored.
    pub used: u32,
    /// Capacity.
    pub total: u32,
}

/// Parses the answer to `AT+CPMS?`: `+CPMS: "SM",3,30,"SM",3,30,"SM",3,30`
/// (one triple per storage: read/delete, write/send, receive).
pub fn parse_cpms_query(line: &str) -> Result<Vec<Storage>, ResponseError> {
    cpms_query(line).ok_or_else(|| ResponseError::new("+CPMS?", line))
}

fn cpms_query(line: &str) -> Option<Vec<Storage>> {
    let p = params(line, "+CPMS")?;
    if !p.len().is_multiple_of(3) {
        return None;
    }
    p.chunks_exact(3)
        .map(|triple| match triple {
            [name, used, total] => Some(Storage {
                name: storage_name(name)?.to_owned(),
                used: number(used)?,
                total: number(total)?,
            }),
            _ => None,
        })
        .collect()
}

/// Parses the answer to `AT+CPMS=<mem1>[,<mem2>[,<mem3>]]`:
/// `+CPMS: 3,30,3,30,3,30`, giving (used, total) per storage set.
pub fn parse_cpms_set(line: &str) -> Result<Vec<(u32, u32)>, ResponseError> {
    cpms_set(line).ok_or_else(|| ResponseError::new("+CPMS=", line))
}

fn cpms_set(line: &str) -> Option<Vec<(u32, u32)>> {
    let p = params(line, "+CPMS")?;
    if !p.len().is_multiple_of(2) {
        return None;
    }
    p.chunks_exact(2)
        .map(|pair| match pair {
            [used, total] => Some((number(used)?, number(total)?)),
            _ => None,
        })
        .collect()
}

/// Parses the answer to `AT+CPMS=?`: `+CPMS: ("SM","ME","MT"),("SM","ME"),("SM")`,
/// giving the storages supported for each of the three uses.
///
/// An empty answer (`+CPMS: `, as a Samsung J700 sends) gives an empty list.
pub fn parse_cpms_test(line: &str) -> Result<Vec<Vec<String>>, ResponseError> {
    cpms_test(line).ok_or_else(|| ResponseError::new("+CPMS=?", line))
}

fn cpms_test(line: &str) -> Option<Vec<Vec<String>>> {
    let text = body(line, "+CPMS")?;
    if text.is_empty() {
        return Some(Vec::new());
    }
    split_params(text)?
        .iter()
        .map(|param| {
            let inner = list(param)?.trim();
            if inner.is_empty() {
                return Some(Vec::new());
            }
            split_params(inner)?
                .iter()
                .map(|name| storage_name(name).map(str::to_owned))
                .collect()
        })
        .collect()
}

// ---------------------------------------------------------------------------
// +CNMI=?
// ---------------------------------------------------------------------------

/// The `+CNMI` values a modem supports, from `AT+CNMI=?` (TS 27.005 §3.4.1).
/// A field the modem left out is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CnmiSupport {
    /// `<mode>`: how URCs are buffered.
    pub mode: Vec<u8>,
    /// `<mt>`: how new messages are indicated.
    pub mt: Vec<u8>,
    /// `<bm>`: how cell broadcasts are indicated.
    pub bm: Vec<u8>,
    /// `<ds>`: how status reports are indicated.
    pub ds: Vec<u8>,
    /// `<bfr>`: what happens to buffered URCs when a mode is entered.
    pub bfr: Vec<u8>,
}

impl CnmiSupport {
    /// The `AT+CNMI=<mode>,<mt>,<bm>,<ds>,<bfr>` values to use.
    ///
    /// - mode 2 (buffer URCs while the link is busy, flush after), else 1;
    /// - mt 1 (store and announce with `+CMTI`), or, when `prefer_direct`,
    ///   2 (deliver with `+CMT`); the other of the two if that one is missing,
    ///   then 3 (class 3 direct, others stored);
    /// - bm 0 (no cell broadcast indications);
    /// - ds 2 (store status reports and announce with `+CDSI`), else 1
    ///   (deliver with `+CDS`), else 0;
    /// - bfr 0 (flush buffered URCs to the host).
    ///
    /// When none of the preferred values is supported the first supported
    /// one is used; when a field was left out the first preference is used.
    pub fn choose_cnmi(&self, prefer_direct: bool) -> [u8; 5] {
        let mt: &[u8] = if prefer_direct {
            &[2, 1, 3]
        } else {
            &[1, 2, 3]
        };
        [
            pick(&self.mode, &[2, 1]),
            pick(&self.mt, mt),
            pick(&self.bm, &[0]),
            pick(&self.ds, &[2, 1, 0]),
            pick(&self.bfr, &[0]),
        ]
    }
}

/// The first of `preferences` in `supported`, else the first supported value,
/// else the first preference.
fn pick(supported: &[u8], preferences: &[u8]) -> u8 {
    preferences
        .iter()
        .find(|p| supported.contains(p))
        .or(supported.first())
        .or(preferences.first())
        .copied()
        .unwrap_or(0)
}

/// Parses the answer to `AT+CNMI=?`: `+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)`.
pub fn parse_cnmi_test(line: &str) -> Result<CnmiSupport, ResponseError> {
    cnmi_test(line).ok_or_else(|| ResponseError::new("+CNMI=?", line))
}

fn cnmi_test(line: &str) -> Option<CnmiSupport> {
    let p = params(line, "+CNMI")?;
    let field = |i: usize| match p.get(i) {
        Some(param) => number_list(param),
        None => Some(Vec::new()),
    };
    Some(CnmiSupport {
        mode: field(0)?,
        mt: field(1)?,
        bm: field(2)?,
        ds: field(3)?,
        bfr: field(4)?,
    })
}

// ---------------------------------------------------------------------------
// +CSCA / +COPS / +CIEV
// ---------------------------------------------------------------------------

/// The service centre address, from `AT+CSCA?`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Smsc {
    /// The number, such as `+420603052000`; empty when none is set.
    pub number: String,
    /// Type of address (145 international, 129 unknown).
    pub type_of_address: Option<u8>,
}

/// Parses `+CSCA: "+420603052000",145`.
///
/// A number printed as UCS-2 hex (the modem is in `+CSCS="UCS2"` mode, as in
/// `"002B003400320030..."`) is decoded when it decodes to digits and `+`.
pub fn parse_csca(line: &str) -> Result<Smsc, ResponseError> {
    csca(line).ok_or_else(|| ResponseError::new("+CSCA", line))
}

fn csca(line: &str) -> Option<Smsc> {
    let p = params(line, "+CSCA")?;
    let raw = string(p.first()?)?.trim();
    let number = decode_ucs2_hex(raw)
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '+'))
        .unwrap_or_else(|| raw.to_owned());
    Some(Smsc {
        number,
        type_of_address: optional_number(p.get(1))?,
    })
}

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

/// Parses `+CIEV: <ind>,<value>`, giving (indicator index, value).
pub fn parse_ciev(line: &str) -> Result<(u8, u8), ResponseError> {
    ciev(line).ok_or_else(|| ResponseError::new("+CIEV", line))
}

fn ciev(line: &str) -> Option<(u8, u8)> {
    let p = params(line, "+CIEV")?;
    Some((number(p.first()?)?, number(p.get(1)?)?))
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
    use proptest::prelude::*;

    fn lines(text: &[&str]) -> Vec<String> {
        text.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn tokenizer() {
        assert_eq!(split_params(""), Some(vec![""]));
        assert_eq!(split_params("1, 2 ,3"), Some(vec!["1", "2", "3"]));
        assert_eq!(
            split_params(r#""a,b",(0-2),("SM","ME"),,x"#),
            Some(vec![r#""a,b""#, "(0-2)", r#"("SM","ME")"#, "", "x"])
        );
        assert_eq!(split_params(r#""open"#), None);
        assert_eq!(split_params("(0-2"), None);
        assert_eq!(split_params("0-2)"), None);
        assert_eq!(split_params("é,ü"), Some(vec!["é", "ü"]));
        assert_eq!(string(r#""abc""#), Some("abc"));
        assert_eq!(string(r#"""#), None);
        assert_eq!(string(r#""abc"def"#), None);
        assert_eq!(number::<u8>("+5"), None);
        assert_eq!(number::<u8>("256"), None);
        assert_eq!(number::<u8>("007"), Some(7));
        assert_eq!(body("+CSQ:20,99", "+CSQ"), Some("20,99"));
        assert_eq!(body("+csq :  20,99\r\n", "+CSQ"), Some("20,99"));
        assert_eq!(body("+CSQX: 1", "+CSQ"), None);
        assert_eq!(body("+CS", "+CSQ"), None);
        assert_eq!(body("ÿÿÿ", "+CSQ"), None);
        assert_eq!(body("aÿÿ", "+CSQ"), None);
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
            r#"cannot parse +CSQ from "+CSQ: x""#
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

    const PDU1: &str =
        "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07";
    const PDU2: &str =
        "0791448720003023240DD0E474D81C0EBB010000111011315214000BE474D81C0EBB5DE3771B";

    #[test]
    fn cmgl() {
        // Huawei E173 / SIM800 style: empty alpha.
        let got = parse_cmgl(&lines(&["+CMGL: 1,0,,39", PDU1, "+CMGL: 2,1,,40", PDU2])).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0],
            StoredMessage {
                index: 1,
                status: MessageStatus::ReceivedUnread,
                length: 39,
                pdu: PDU1.to_owned(),
            }
        );
        assert_eq!(got[1].status, MessageStatus::ReceivedRead);
        // Quoted alpha with a comma, blank lines, CR left on.
        let got = parse_cmgl(&lines(&["", "+CMGL: 7,3,\"Novák, Jan\",39\r", PDU1, ""])).unwrap();
        assert_eq!(got[0].index, 7);
        assert_eq!(got[0].status, MessageStatus::StoredSent);
        // Alpha left out entirely.
        let got = parse_cmgl(&lines(&["+CMGL: 4,2,39", PDU1])).unwrap();
        assert_eq!(got[0].status, MessageStatus::StoredUnsent);
        assert_eq!(got[0].length, 39);
        // Nothing stored.
        assert_eq!(parse_cmgl(&[]).unwrap(), vec![]);
        // An empty slot reported with length 0 and no PDU line.
        let got = parse_cmgl(&lines(&["+CMGL: 1,0,,0", "+CMGL: 2,1,,39", PDU1])).unwrap();
        assert_eq!(got[0].pdu, "");
        assert_eq!(got[1].pdu, PDU1);
        assert_eq!(MessageStatus::from_code(9), MessageStatus::Other(9));
        for code in 0..=9 {
            assert_eq!(MessageStatus::from_code(code).code(), code);
        }

        let bad_sets: &[&[&str]] = &[
            &["+CMGL: 1,0,,39"],
            &["+CMGL: 1,0,,39", "+CMGL: 2,0,,39", PDU1],
            &[PDU1],
            &["+CMGL: 1,0,,39", "ZZ"],
            &["+CMGL: 1,0,,39", "0791F"],
            &[
                "+CMGL: 1,\"REC UNREAD\",\"+420777123456\",,\"24/11/25,10:00:00+04\"",
                "Hello",
            ],
            &["+CMGL: 1,0,,", PDU1],
            &["+CMGL: 1,0", PDU1],
            &["+CMGL: x,0,,39", PDU1],
            &["+CMGL: 1,0,\"open,39", PDU1],
            &["+CMGL: 1,0,,39", PDU1, "OK"],
        ];
        for set in bad_sets {
            assert!(parse_cmgl(&lines(set)).is_err(), "{set:?}");
        }
        let err = parse_cmgl(&lines(&["+CMGL: 1,0,,39"])).unwrap_err();
        assert_eq!(err.what, "PDU line");
    }

    #[test]
    fn cmgr() {
        let got = parse_cmgr(5, &lines(&["+CMGR: 1,,39", PDU1]))
            .unwrap()
            .unwrap();
        assert_eq!(
            got,
            StoredMessage {
                index: 5,
                status: MessageStatus::ReceivedRead,
                length: 39,
                pdu: PDU1.to_owned(),
            }
        );
        let got = parse_cmgr(1, &lines(&["+CMGR: 0,\"Jan\",40", PDU2]))
            .unwrap()
            .unwrap();
        assert_eq!(got.status, MessageStatus::ReceivedUnread);
        assert_eq!(
            parse_cmgr(1, &lines(&["+CMGR: 0,40", PDU2]))
                .unwrap()
                .unwrap()
                .length,
            40
        );
        // gammu tests/at-sms/01.dump.
        let pdu = "0791246030500200110481643000007030427132500047D6B0BEECCE83F4E17558EF4EAFEB2CD09C5DD78BC3207519447E8FC3737719D44EB7DF20B8FC6D7FEB5D2062795D5797DB65903E0C82BFC7E837BCEC4EBB00";
        let got = parse_cmgr(1, &lines(&["+CMGR: 1,,78", pdu]))
            .unwrap()
            .unwrap();
        assert_eq!((got.length, got.pdu.as_str()), (78, pdu));
        // gammu tests/at-sms-failing/13.dump: garbage instead of a PDU.
        assert!(
            parse_cmgr(
                2,
                &lines(&["+CMGR: 2,,164", "0BD04259303784=96p331p71160016D02B5AEC8"])
            )
            .is_err()
        );
        // Empty slots.
        assert_eq!(parse_cmgr(1, &[]).unwrap(), None);
        assert_eq!(parse_cmgr(1, &lines(&["", " "])).unwrap(), None);
        assert_eq!(parse_cmgr(1, &lines(&["+CMGR: 0,,0"])).unwrap(), None);
        assert_eq!(parse_cmgr(1, &lines(&["+CMGR: 0,,0", "00"])).unwrap(), None);

        let bad_sets: &[&[&str]] = &[
            &["+CMGR: 1,,39"],
            &["+CMGR: 1,,39", "not hex"],
            &["+CMGR: 1,,39", PDU1, PDU2],
            &[
                "+CMGR: \"REC READ\",\"+420777123456\",,\"24/11/25,10:00:00+04\"",
                "Hi",
            ],
            &["+CMGR: 1", PDU1],
            &["+CMGL: 1,1,,39", PDU1],
            &[PDU1],
        ];
        for set in bad_sets {
            assert!(parse_cmgr(1, &lines(set)).is_err(), "{set:?}");
        }
    }

    #[test]
    fn cmgs() {
        assert_eq!(parse_cmgs(&lines(&["+CMGS: 12"])).unwrap(), 12);
        assert_eq!(parse_cmgs(&lines(&["", "+CMGS:255"])).unwrap(), 255);
        assert_eq!(
            parse_cmgs(&lines(&["+CMGS: 0,\"240101120000+04\""])).unwrap(),
            0
        );
        for set in [
            &[][..],
            &["+CMGS: 256"][..],
            &["+CMGS: "][..],
            &["+CMGS: x"][..],
            &["+CMGS: -1"][..],
            &["OK"][..],
        ] {
            assert!(parse_cmgs(&lines(set)).is_err(), "{set:?}");
        }
    }

    #[test]
    fn cmti_cdsi() {
        assert_eq!(
            parse_cmti(r#"+CMTI: "SM",3"#).unwrap(),
            StorageIndex {
                storage: "SM".to_owned(),
                index: 3,
            }
        );
        assert_eq!(parse_cmti(r#"+CMTI: "ME",0"#).unwrap().storage, "ME");
        assert_eq!(parse_cmti("+CMTI:SM,12").unwrap().index, 12);
        assert_eq!(parse_cmti(r#"+CMTI: "MT",4,"extra""#).unwrap().index, 4);
        assert_eq!(parse_cdsi(r#"+CDSI: "SR",1"#).unwrap().storage, "SR");
        for bad in [
            "",
            "+CMTI:",
            "+CMTI: \"SM\"",
            "+CMTI: \"SM\",",
            "+CMTI: ,3",
            "+CMTI: \"\",3",
            "+CMTI: \"SM\",x",
            "+CMTI: \"SM,3",
            "+CDSI: \"SR\",1",
        ] {
            assert!(parse_cmti(bad).is_err(), "{bad}");
        }
        assert!(parse_cdsi(r#"+CMTI: "SM",3"#).is_err());
    }

    #[test]
    fn cmt_cds_headers() {
        assert_eq!(parse_cmt_header("+CMT: ,24").unwrap(), 24);
        assert_eq!(parse_cmt_header(r#"+CMT: "",24"#).unwrap(), 24);
        assert_eq!(parse_cmt_header(r#"+CMT: "Novák, Jan",139"#).unwrap(), 139);
        assert_eq!(parse_cmt_header("+CMT: 24").unwrap(), 24);
        assert_eq!(parse_cds_header("+CDS: 25").unwrap(), 25);
        assert_eq!(parse_cds_header("+CDS:25").unwrap(), 25);
        for bad in [
            "",
            "+CMT:",
            "+CMT: ,",
            "+CMT: \"Jan\",",
            "+CMT: \"open,24",
            "+CMT: \"+420777123456\",,\"24/11/25,10:00:00+04\"",
            "+CMTI: \"SM\",3",
            "+CMT: ,x",
        ] {
            assert!(parse_cmt_header(bad).is_err(), "{bad}");
        }
        for bad in [
            "",
            "+CDS:",
            "+CDS: x",
            "+CDS: 6,12,\"+420777123456\",145",
            "+CDSI: 3",
        ] {
            assert!(parse_cds_header(bad).is_err(), "{bad}");
        }
    }

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

        assert_eq!(decode_ucs2_hex("004F004B").as_deref(), Some("OK"));
        assert_eq!(decode_ucs2_hex("D83DDE00").as_deref(), Some("😀"));
        assert_eq!(decode_ucs2_hex("D83D"), None);
        assert_eq!(decode_ucs2_hex("004"), None);
        assert_eq!(decode_ucs2_hex("zz4F"), None);
        assert_eq!(decode_ucs2_hex("é0"), None);
    }

    #[test]
    fn cpms() {
        let got = parse_cpms_query(r#"+CPMS: "SM",3,30,"SM",3,30,"SM",3,30"#).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0],
            Storage {
                name: "SM".to_owned(),
                used: 3,
                total: 30,
            }
        );
        // Quectel EC25.
        let got = parse_cpms_query(r#"+CPMS: "ME",0,255,"ME",0,255,"ME",0,255"#).unwrap();
        assert_eq!(got[2].total, 255);
        assert_eq!(parse_cpms_query(r#"+CPMS: "SM",1,10"#).unwrap().len(), 1);
        for bad in [
            "",
            "+CPMS:",
            r#"+CPMS: "SM",3"#,
            r#"+CPMS: "SM",3,30,"SM""#,
            r#"+CPMS: "",3,30"#,
            r#"+CPMS: "SM",x,30"#,
            "+CPMS: 3,30,3,30,3,30",
        ] {
            assert!(parse_cpms_query(bad).is_err(), "{bad}");
        }

        assert_eq!(
            parse_cpms_set("+CPMS: 3,30,3,30,3,30").unwrap(),
            vec![(3, 30), (3, 30), (3, 30)]
        );
        assert_eq!(parse_cpms_set("+CPMS:0,50").unwrap(), vec![(0, 50)]);
        for bad in [
            "",
            "+CPMS:",
            "+CPMS: 3",
            "+CPMS: 3,30,3",
            r#"+CPMS: "SM",3,30"#,
        ] {
            assert!(parse_cpms_set(bad).is_err(), "{bad}");
        }

        assert_eq!(
            parse_cpms_test(r#"+CPMS: ("SM","ME","MT"),("SM","ME"),("SM")"#).unwrap(),
            vec![
                vec!["SM".to_owned(), "ME".to_owned(), "MT".to_owned()],
                vec!["SM".to_owned(), "ME".to_owned()],
                vec!["SM".to_owned()],
            ]
        );
        // gammu tests/at-cpms: Alcatel S320, Brovi E3372, Samsung J700.
        let got = parse_cpms_test(
            r#"+CPMS: ("SM", "ME", "SM_P", "ME_P", "MT"), ("SM", "ME", "SM_P", "ME_P", "MT"), ("SM", "ME", "SM_P", "ME_P", "MT")"#,
        )
        .unwrap();
        assert_eq!(got[2], ["SM", "ME", "SM_P", "ME_P", "MT"]);
        let got = parse_cpms_test(r#"+CPMS: ("SM","ME"),("SM","ME"),("SM","ME")"#).unwrap();
        assert_eq!(got, vec![vec!["SM", "ME"]; 3]);
        assert_eq!(
            parse_cpms_test("+CPMS: ").unwrap(),
            Vec::<Vec<String>>::new()
        );
        assert_eq!(
            parse_cpms_test(r#"+CPMS: ("ME", "SM"),(),("SM")"#).unwrap()[1],
            Vec::<String>::new()
        );
        for bad in [
            "",
            "+CPMS",
            r#"+CPMS: "SM","ME""#,
            r#"+CPMS: ("SM","ME"),("SM""#,
            r#"+CPMS: ("SM",,"ME")"#,
        ] {
            assert!(parse_cpms_test(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cnmi() {
        // SIM800.
        let s = parse_cnmi_test("+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)").unwrap();
        assert_eq!(s.mode, vec![0, 1, 2, 3]);
        assert_eq!(s.bm, vec![0, 2]);
        assert_eq!(s.choose_cnmi(false), [2, 1, 0, 2, 0]);
        assert_eq!(s.choose_cnmi(true), [2, 2, 0, 2, 0]);
        // gammu tests/at-cnmi/01..03.dump.
        let s = parse_cnmi_test("+CNMI: (2),(0-1,3),(0,2),(0-1),(0)").unwrap();
        assert_eq!(s.mt, vec![0, 1, 3]);
        assert_eq!(s.choose_cnmi(false), [2, 1, 0, 1, 0]);
        assert_eq!(s.choose_cnmi(true), [2, 1, 0, 1, 0]);
        let s = parse_cnmi_test("+CNMI: (0-2),(0,1,3),(0),(0,1),(0,1)").unwrap();
        assert_eq!(s.choose_cnmi(false), [2, 1, 0, 1, 0]);
        let s = parse_cnmi_test("+CNMI:(0-3),(0-3),(0-3),(0,1),(0,1)").unwrap();
        assert_eq!(s.choose_cnmi(true), [2, 2, 0, 1, 0]);
        // Huawei E173.
        let s = parse_cnmi_test("+CNMI: (0,1,2),(0,1,2,3),(0,2),(0,1,2),(0,1)").unwrap();
        assert_eq!(s.choose_cnmi(false), [2, 1, 0, 2, 0]);
        // A modem without +CDSI and mode 2.
        let s = parse_cnmi_test("+CNMI: (0,1),(0-3),(0),(0,1),(1)").unwrap();
        assert_eq!(s.choose_cnmi(false), [1, 1, 0, 1, 1]);
        // Missing fields and spaces.
        let s = parse_cnmi_test("+CNMI: ( 0 - 2 ), (0, 1)").unwrap();
        assert_eq!(s.mode, vec![0, 1, 2]);
        assert_eq!(s.ds, Vec::<u8>::new());
        assert_eq!(s.choose_cnmi(true), [2, 1, 0, 2, 0]);
        let s = parse_cnmi_test("+CNMI: (0-2),(0-3),,(0-2),(0,1)").unwrap();
        assert!(s.bm.is_empty());
        assert_eq!(CnmiSupport::default().choose_cnmi(false), [2, 1, 0, 2, 0]);
        // Nothing preferred supported: the first supported value.
        let s = parse_cnmi_test("+CNMI: (3),(0),(0),(0),(0)").unwrap();
        assert_eq!(s.choose_cnmi(false), [3, 0, 0, 0, 0]);
        // Bare values.
        assert_eq!(parse_cnmi_test("+CNMI: 0-2,1").unwrap().mt, vec![1]);
        assert_eq!(parse_cnmi_test("+CNMI: (0-255)").unwrap().mode.len(), 256);
        for bad in [
            "",
            "+CNMI: (0-2",
            "+CNMI: (2-0)",
            "+CNMI: (0-256)",
            "+CNMI: (a)",
            "+CNMI: (0,,1)",
            "+CNMI: (0-)",
            "+CNMI: (-1)",
        ] {
            assert!(parse_cnmi_test(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn csca() {
        assert_eq!(
            parse_csca(r#"+CSCA: "+420603052000",145"#).unwrap(),
            Smsc {
                number: "+420603052000".to_owned(),
                type_of_address: Some(145),
            }
        );
        assert_eq!(
            parse_csca(r#"+CSCA: "002B003400320030003600300033003000350032003000300030",145"#)
                .unwrap()
                .number,
            "+420603052000"
        );
        // Four digits that happen to be hex stay digits.
        assert_eq!(parse_csca(r#"+CSCA: "1234",129"#).unwrap().number, "1234");
        assert_eq!(parse_csca(r#"+CSCA: "",129"#).unwrap().number, "");
        assert_eq!(
            parse_csca(r#"+CSCA: "+420603052000""#)
                .unwrap()
                .type_of_address,
            None
        );
        for bad in ["", "+CSCA:x\"", "+CSCA: \"+420", "+CSCA: \"+420\",x"] {
            assert!(parse_csca(bad).is_err(), "{bad}");
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

    const PREFIXES: &[&str] = &[
        "+CSQ:", "+CREG:", "+CGREG:", "+CEREG:", "+CPIN:", "+CMGL:", "+CMGR:", "+CMGS:", "+CMTI:",
        "+CDSI:", "+CMT:", "+CDS:", "+CLIP:", "+CUSD:", "+CPMS:", "+CNMI:", "+CSCA:", "+COPS:",
        "+CIEV:", "",
    ];

    fn run_all(line: &str, all: &[String]) {
        let _ = parse_csq(line);
        let _ = parse_registration_response(line);
        let _ = parse_registration_urc(line);
        let _ = parse_cpin(line);
        let _ = parse_cmgl(all);
        let _ = parse_cmgr(1, all);
        let _ = parse_cmgs(all);
        let _ = parse_cmti(line);
        let _ = parse_cdsi(line);
        let _ = parse_cmt_header(line);
        let _ = parse_cds_header(line);
        let _ = parse_clip(line);
        let _ = parse_cusd(line);
        let _ = decode_ussd_packed_hex(line);
        let _ = decode_ucs2_hex(line);
        let _ = encode_ussd_packed_hex(line);
        let _ = parse_cpms_query(line);
        let _ = parse_cpms_set(line);
        let _ = parse_cpms_test(line);
        if let Ok(support) = parse_cnmi_test(line) {
            let _ = support.choose_cnmi(true);
            let _ = support.choose_cnmi(false);
        }
        let _ = parse_csca(line);
        let _ = parse_cops(line);
        let _ = parse_ciev(line);
        let _ = parse_identity(all);
        if let Ok(s) = parse_csq(line) {
            let _ = s.dbm();
        }
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(line in ".*", more in proptest::collection::vec(".*", 0..4)) {
            let mut all = vec![line.clone()];
            all.extend(more);
            run_all(&line, &all);
        }

        #[test]
        fn prefixed_lines_never_panic(
            prefix in proptest::sample::select(PREFIXES),
            rest in "[0-9A-Fa-z\",() +\\-:é\r]{0,40}",
            next in "[0-9A-F+CMGLR:, \"]{0,40}",
        ) {
            let line = format!("{prefix}{rest}");
            let all = vec![line.clone(), next];
            run_all(&line, &all);
        }

        #[test]
        fn packed_hex_round_trips(text in "[A-Za-z0-9*#@ ]{0,60}") {
            let hex = encode_ussd_packed_hex(&text).unwrap();
            // A text of 8n-1 characters ending in CR would be ambiguous; none here.
            prop_assert_eq!(decode_ussd_packed_hex(&hex), Some(text));
        }
    }
}
