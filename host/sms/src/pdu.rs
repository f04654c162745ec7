//! TPDUs (TS 23.040 §9.2.2): SMS-SUBMIT, SMS-DELIVER and SMS-STATUS-REPORT, with the
//! SMSC address field that modems put in front of them.

use crate::address::Address;
use crate::dcs::{Alphabet, DataCoding};
use crate::error::{Error, Reader};
use crate::gsm7;
use crate::timestamp::Timestamp;
use crate::udh::{self, Concat, InformationElement};
use crate::{hex, ucs2};

/// The most septets in one TPDU's user data.
pub(crate) const MAX_SEPTETS: usize = 160;
/// The most octets in one TPDU's user data.
pub(crate) const MAX_OCTETS: usize = 140;

/// What a message carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Payload {
    /// Text (GSM 7-bit or UCS-2 coded).
    Text(String),
    /// Octets (8-bit data, or compressed text that is not expanded).
    Octets(Vec<u8>),
}

impl Payload {
    /// The text, if this is text.
    pub fn text(&self) -> Option<&str> {
        match self {
            Payload::Text(t) => Some(t),
            Payload::Octets(_) => None,
        }
    }
}

/// TP-User-Data: an optional header and the payload.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UserData {
    /// Header elements; empty means no header (TP-UDHI clear).
    pub header: Vec<InformationElement>,
    /// The payload.
    pub payload: Payload,
}

impl UserData {
    /// Text without a header.
    pub fn text(text: impl Into<String>) -> Self {
        UserData {
            header: Vec::new(),
            payload: Payload::Text(text.into()),
        }
    }

    /// The concatenation element, if this is one part of several.
    pub fn concat(&self) -> Option<Concat> {
        udh::concat_of(&self.header)
    }

    /// Writes TP-UDL and TP-UD for the given coding.
    pub(crate) fn encode(&self, dcs: DataCoding, out: &mut Vec<u8>) -> Result<(), Error> {
        let header_len = udh::encoded_len(&self.header);
        let udl_index = out.len();
        out.push(0);
        udh::encode(&self.header, out)?;
        let udl = match (dcs.alphabet(), &self.payload) {
            (Alphabet::Gsm7, Payload::Text(text)) => {
                let charset = udh::charset_of(&self.header);
                let mut septets = Vec::with_capacity(text.len());
                charset.to_septets(text, &mut septets).map_err(|c| {
                    let position = text.chars().position(|x| x == c).unwrap_or(0);
                    Error::NotGsm7 {
                        character: c,
                        position,
                    }
                })?;
                let header_septets = (header_len * 8).div_ceil(7);
                let fill = (header_septets * 7 - header_len * 8) as u8;
                let udl = header_septets + septets.len();
                if udl > MAX_SEPTETS {
                    return Err(Error::UserDataTooLong {
                        len: udl,
                        unit: "septets",
                        max: MAX_SEPTETS,
                    });
                }
                gsm7::pack_septets(&septets, fill, out);
                udl
            }
            (Alphabet::Ucs2, Payload::Text(text)) => {
                ucs2::encode(text, out);
                out.len() - udl_index - 1
            }
            (Alphabet::Data8, Payload::Octets(octets)) => {
                out.extend_from_slice(octets);
                out.len() - udl_index - 1
            }
            (Alphabet::Data8, Payload::Text(_)) | (_, Payload::Octets(_)) => {
                return Err(Error::InvalidLength {
                    field: "user data",
                    detail: format!(
                        "payload kind does not match the {} coding scheme",
                        dcs.alphabet()
                    ),
                });
            }
        };
        if dcs.alphabet() != Alphabet::Gsm7 && udl > MAX_OCTETS {
            return Err(Error::UserDataTooLong {
                len: udl,
                unit: "octets",
                max: MAX_OCTETS,
            });
        }
        out[udl_index] = udl as u8;
        Ok(())
    }

    /// Reads TP-UDL and TP-UD.
    pub(crate) fn decode(
        reader: &mut Reader<'_>,
        dcs: DataCoding,
        has_header: bool,
    ) -> Result<Self, Error> {
        let udl = usize::from(reader.u8("user data length")?);
        let septets = dcs.alphabet() == Alphabet::Gsm7 && !dcs.compressed();
        let (octet_len, max) = if septets {
            ((udl * 7).div_ceil(8), MAX_SEPTETS)
        } else {
            (udl, MAX_OCTETS)
        };
        if udl > max {
            return Err(Error::UserDataTooLong {
                len: udl,
                unit: if septets { "septets" } else { "octets" },
                max,
            });
        }
        let data = reader.take(octet_len, "user data")?;
        let (header, header_len) = if has_header {
            let udhl = usize::from(*data.first().ok_or(Error::InvalidLength {
                field: "user data header",
                detail: "header indicated but user data is empty".into(),
            })?);
            if udhl + 1 > data.len() {
                return Err(Error::InvalidLength {
                    field: "user data header",
                    detail: format!(
                        "header of {} octet(s) in {} octet(s) of user data",
                        udhl + 1,
                        data.len()
                    ),
                });
            }
            (udh::decode(&data[1..=udhl])?, udhl + 1)
        } else {
            (Vec::new(), 0)
        };
        let payload = if septets {
            let header_septets = (header_len * 8).div_ceil(7);
            let count = udl
                .checked_sub(header_septets)
                .ok_or(Error::InvalidLength {
                    field: "user data length",
                    detail: format!("{udl} septets cannot hold a {header_len}-octet header"),
                })?;
            let fill = (header_septets * 7 - header_len * 8) as u8;
            let unpacked =
                gsm7::unpack_septets(&data[header_len..], fill, count).ok_or(Error::Truncated {
                    field: "user data",
                    needed: octet_len,
                    available: data.len(),
                })?;
            Payload::Text(udh::charset_of(&header).from_septets(&unpacked))
        } else {
            let body = &data[header_len..];
            match dcs.alphabet() {
                Alphabet::Ucs2 if !dcs.compressed() => Payload::Text(ucs2::decode(body)),
                _ => Payload::Octets(body.to_vec()),
            }
        };
        Ok(UserData { header, payload })
    }
}

/// TP-Validity-Period of an SMS-SUBMIT.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Validity {
    /// No validity period: the SMSC's default applies.
    #[default]
    None,
    /// Relative, as the TS 23.040 §9.2.3.12.1 octet.
    Relative(u8),
    /// Absolute expiry time.
    Absolute(Timestamp),
    /// Enhanced format, kept as its seven octets.
    Enhanced([u8; 7]),
}

impl Validity {
    /// The shortest relative period that lasts at least `minutes` (capped at 63 weeks).
    pub fn relative_minutes(minutes: u32) -> Self {
        let octet = match minutes {
            0..=720 => minutes.div_ceil(5).saturating_sub(1),
            721..=1440 => 143 + (minutes - 720).div_ceil(30),
            1441..=43_200 => 166 + minutes.div_ceil(1440),
            _ => (192 + minutes.div_ceil(10_080)).min(255),
        };
        Validity::Relative(octet.min(255) as u8)
    }

    /// Minutes a relative period lasts.
    pub fn minutes(&self) -> Option<u32> {
        match *self {
            Validity::Relative(v) => {
                let v = u32::from(v);
                Some(match v {
                    0..=143 => (v + 1) * 5,
                    144..=167 => 720 + (v - 143) * 30,
                    168..=196 => (v - 166) * 1440,
                    _ => (v - 192) * 10_080,
                })
            }
            _ => None,
        }
    }

    fn format_bits(&self) -> u8 {
        match self {
            Validity::None => 0b00,
            Validity::Enhanced(_) => 0b01,
            Validity::Relative(_) => 0b10,
            Validity::Absolute(_) => 0b11,
        }
    }
}

/// SMS-SUBMIT: a message from the phone to the service centre.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Submit {
    /// TP-RD: ask the SC to reject a duplicate of a still-held message.
    pub reject_duplicates: bool,
    /// TP-RP: reply path.
    pub reply_path: bool,
    /// TP-SRR: ask for a status report.
    pub status_report_request: bool,
    /// TP-MR. Modems usually fill in their own; 0 is customary.
    pub message_reference: u8,
    /// TP-DA.
    pub destination: Address,
    /// TP-PID.
    pub protocol_id: u8,
    /// TP-DCS.
    pub data_coding: DataCoding,
    /// TP-VP.
    pub validity: Validity,
    /// TP-UD.
    pub user_data: UserData,
}

impl Submit {
    /// A plain GSM 7-bit or UCS-2 message to `destination` with defaults elsewhere.
    pub fn new(destination: Address, data_coding: DataCoding, user_data: UserData) -> Self {
        Submit {
            reject_duplicates: false,
            reply_path: false,
            status_report_request: false,
            message_reference: 0,
            destination,
            protocol_id: 0,
            data_coding,
            validity: Validity::None,
            user_data,
        }
    }

    /// Writes the TPDU (without the SMSC field).
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let mut first = 0b01 | (self.validity.format_bits() << 3);
        first |= u8::from(self.reject_duplicates) << 2;
        first |= u8::from(self.status_report_request) << 5;
        first |= u8::from(!self.user_data.header.is_empty()) << 6;
        first |= u8::from(self.reply_path) << 7;
        out.push(first);
        out.push(self.message_reference);
        self.destination.encode_tp(out)?;
        out.push(self.protocol_id);
        out.push(self.data_coding.0);
        match &self.validity {
            Validity::None => {}
            Validity::Relative(v) => out.push(*v),
            Validity::Absolute(ts) => ts.encode(out)?,
            Validity::Enhanced(raw) => out.extend_from_slice(raw),
        }
        self.user_data.encode(self.data_coding, out)
    }

    fn decode(first: u8, reader: &mut Reader<'_>) -> Result<Self, Error> {
        let message_reference = reader.u8("TP-MR")?;
        let destination = Address::decode_tp(reader, "TP-DA")?;
        let protocol_id = reader.u8("TP-PID")?;
        let data_coding = DataCoding(reader.u8("TP-DCS")?);
        let validity = match (first >> 3) & 0b11 {
            0b00 => Validity::None,
            0b10 => Validity::Relative(reader.u8("TP-VP")?),
            0b11 => Validity::Absolute(Timestamp::decode(reader, "TP-VP")?),
            _ => {
                let raw = reader.take(7, "TP-VP")?;
                let mut octets = [0; 7];
                octets.copy_from_slice(raw);
                Validity::Enhanced(octets)
            }
        };
        let user_data = UserData::decode(reader, data_coding, first & 0x40 != 0)?;
        Ok(Submit {
            reject_duplicates: first & 0x04 != 0,
            reply_path: first & 0x80 != 0,
            status_report_request: first & 0x20 != 0,
            message_reference,
            destination,
            protocol_id,
            data_coding,
            validity,
            user_data,
        })
    }
}

/// SMS-DELIVER: a message from the service centre to the phone.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Deliver {
    /// TP-MMS cleared: more messages are waiting at the SC.
    pub more_messages: bool,
    /// TP-LP: loop prevention.
    pub loop_prevention: bool,
    /// TP-RP: reply path.
    pub reply_path: bool,
    /// TP-SRI: the sender asked for a status report.
    pub status_report_indication: bool,
    /// TP-OA: the sender.
    pub originator: Address,
    /// TP-PID.
    pub protocol_id: u8,
    /// TP-DCS.
    pub data_coding: DataCoding,
    /// TP-SCTS: when the SC received it.
    pub timestamp: Timestamp,
    /// TP-UD.
    pub user_data: UserData,
}

impl Deliver {
    /// Writes the TPDU (without the SMSC field).
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let mut first = 0b00;
        first |= u8::from(!self.more_messages) << 2;
        first |= u8::from(self.loop_prevention) << 3;
        first |= u8::from(self.status_report_indication) << 5;
        first |= u8::from(!self.user_data.header.is_empty()) << 6;
        first |= u8::from(self.reply_path) << 7;
        out.push(first);
        self.originator.encode_tp(out)?;
        out.push(self.protocol_id);
        out.push(self.data_coding.0);
        self.timestamp.encode(out)?;
        self.user_data.encode(self.data_coding, out)
    }

    fn decode(first: u8, reader: &mut Reader<'_>) -> Result<Self, Error> {
        let originator = Address::decode_tp(reader, "TP-OA")?;
        let protocol_id = reader.u8("TP-PID")?;
        let data_coding = DataCoding(reader.u8("TP-DCS")?);
        let timestamp = Timestamp::decode(reader, "TP-SCTS")?;
        let user_data = UserData::decode(reader, data_coding, first & 0x40 != 0)?;
        Ok(Deliver {
            more_messages: first & 0x04 == 0,
            loop_prevention: first & 0x08 != 0,
            reply_path: first & 0x80 != 0,
            status_report_indication: first & 0x20 != 0,
            originator,
            protocol_id,
            data_coding,
            timestamp,
            user_data,
        })
    }
}

/// TP-Status (TS 23.040 §9.2.3.15).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TpStatus(pub u8);

/// What a [`TpStatus`] means for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusCategory {
    /// The transaction is complete: the message reached the recipient (or was replaced).
    Delivered,
    /// A temporary error; the SC is still trying.
    Pending,
    /// A permanent error; the SC gave up.
    Failed,
    /// A temporary error; the SC is no longer trying.
    Expired,
}

impl StatusCategory {
    /// Lower-case name for JSON.
    pub fn name(self) -> &'static str {
        match self {
            StatusCategory::Delivered => "delivered",
            StatusCategory::Pending => "pending",
            StatusCategory::Failed => "failed",
            StatusCategory::Expired => "expired",
        }
    }
}

impl TpStatus {
    /// The category of the status.
    pub fn category(self) -> StatusCategory {
        match self.0 & 0x7F {
            0x00..=0x1F => StatusCategory::Delivered,
            0x20..=0x3F => StatusCategory::Pending,
            0x40..=0x5F => StatusCategory::Failed,
            _ => StatusCategory::Expired,
        }
    }

    /// The meaning in words.
    pub fn meaning(self) -> &'static str {
        match self.0 {
            0x00 => "received by the recipient",
            0x01 => "forwarded, delivery unconfirmed",
            0x02 => "replaced by the service centre",
            0x03..=0x1F => "completed (reserved or SC-specific value)",
            0x20 | 0x60 => "congestion",
            0x21 | 0x61 => "recipient busy",
            0x22 | 0x62 => "no response from recipient",
            0x23 | 0x63 => "service rejected",
            0x24 | 0x44 | 0x64 => "quality of service not available",
            0x25 | 0x65 => "error in recipient",
            0x26..=0x3F => "temporary error, still trying (reserved or SC-specific value)",
            0x40 => "remote procedure error",
            0x41 => "incompatible destination",
            0x42 => "connection rejected by recipient",
            0x43 => "not obtainable",
            0x45 => "no interworking available",
            0x46 => "validity period expired",
            0x47 => "deleted by originating SME",
            0x48 => "deleted by service centre administration",
            0x49 => "message does not exist",
            0x4A..=0x5F => "permanent error (reserved or SC-specific value)",
            0x66..=0x7F => "temporary error, no longer trying (reserved or SC-specific value)",
            _ => "reserved",
        }
    }
}

/// SMS-STATUS-REPORT: the fate of a message sent with a status report request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StatusReport {
    /// TP-MMS cleared: more messages are waiting at the SC.
    pub more_messages: bool,
    /// TP-LP: loop prevention.
    pub loop_prevention: bool,
    /// TP-SRQ: the report answers an SMS-COMMAND rather than an SMS-SUBMIT.
    pub for_command: bool,
    /// TP-MR of the SMS-SUBMIT this report is about.
    pub message_reference: u8,
    /// TP-RA: the recipient of that message.
    pub recipient: Address,
    /// TP-SCTS: when the SC received the message.
    pub timestamp: Timestamp,
    /// TP-DT: when the message was delivered, or the status last changed.
    pub discharge_time: Timestamp,
    /// TP-ST.
    pub status: TpStatus,
    /// TP-PID, if present.
    pub protocol_id: Option<u8>,
    /// TP-DCS, if present.
    pub data_coding: Option<DataCoding>,
    /// TP-UD, if present.
    pub user_data: Option<UserData>,
}

impl StatusReport {
    /// Writes the TPDU (without the SMSC field).
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let has_header = self
            .user_data
            .as_ref()
            .is_some_and(|ud| !ud.header.is_empty());
        let mut first = 0b10;
        first |= u8::from(!self.more_messages) << 2;
        first |= u8::from(self.loop_prevention) << 3;
        first |= u8::from(self.for_command) << 5;
        first |= u8::from(has_header) << 6;
        out.push(first);
        out.push(self.message_reference);
        self.recipient.encode_tp(out)?;
        self.timestamp.encode(out)?;
        self.discharge_time.encode(out)?;
        out.push(self.status.0);
        let indicator = u8::from(self.protocol_id.is_some())
            | u8::from(self.data_coding.is_some()) << 1
            | u8::from(self.user_data.is_some()) << 2;
        if indicator != 0 {
            out.push(indicator);
            if let Some(pid) = self.protocol_id {
                out.push(pid);
            }
            if let Some(dcs) = self.data_coding {
                out.push(dcs.0);
            }
            if let Some(ud) = &self.user_data {
                ud.encode(self.data_coding.unwrap_or(DataCoding(0)), out)?;
            }
        }
        Ok(())
    }

    fn decode(first: u8, reader: &mut Reader<'_>) -> Result<Self, Error> {
        let message_reference = reader.u8("TP-MR")?;
        let recipient = Address::decode_tp(reader, "TP-RA")?;
        let timestamp = Timestamp::decode(reader, "TP-SCTS")?;
        let discharge_time = Timestamp::decode(reader, "TP-DT")?;
        let status = TpStatus(reader.u8("TP-ST")?);
        let mut report = StatusReport {
            more_messages: first & 0x04 == 0,
            loop_prevention: first & 0x08 != 0,
            for_command: first & 0x20 != 0,
            message_reference,
            recipient,
            timestamp,
            discharge_time,
            status,
            protocol_id: None,
            data_coding: None,
            user_data: None,
        };
        // TP-PI and what it announces are optional; some SCs pad with 0xFF or
        // trailing zeros, so an indicator with its extension bit or reserved bits set
        // is read as absent rather than failing a valid report.
        let Some(&indicator) = reader.rest().first() else {
            return Ok(report);
        };
        if indicator & 0xF8 != 0 {
            return Ok(report);
        }
        reader.u8("TP-PI")?;
        if indicator & 0x01 != 0 {
            report.protocol_id = Some(reader.u8("TP-PID")?);
        }
        if indicator & 0x02 != 0 {
            report.data_coding = Some(DataCoding(reader.u8("TP-DCS")?));
        }
        if indicator & 0x04 != 0 {
            let dcs = report.data_coding.unwrap_or(DataCoding(0));
            report.user_data = Some(UserData::decode(reader, dcs, first & 0x40 != 0)?);
        }
        Ok(report)
    }
}

/// One decoded TPDU.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Pdu {
    /// SMS-DELIVER (received message).
    Deliver(Deliver),
    /// SMS-SUBMIT (message to send, or a stored sent message).
    Submit(Submit),
    /// SMS-STATUS-REPORT.
    StatusReport(StatusReport),
}

impl Pdu {
    /// Writes the TPDU (without the SMSC field).
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        match self {
            Pdu::Deliver(d) => d.encode(out),
            Pdu::Submit(s) => s.encode(out),
            Pdu::StatusReport(r) => r.encode(out),
        }
    }

    /// The user data, if the TPDU has any.
    pub fn user_data(&self) -> Option<&UserData> {
        match self {
            Pdu::Deliver(d) => Some(&d.user_data),
            Pdu::Submit(s) => Some(&s.user_data),
            Pdu::StatusReport(r) => r.user_data.as_ref(),
        }
    }

    /// The message type name: `deliver`, `submit` or `status-report`.
    pub fn kind(&self) -> &'static str {
        match self {
            Pdu::Deliver(_) => "deliver",
            Pdu::Submit(_) => "submit",
            Pdu::StatusReport(_) => "status-report",
        }
    }
}

/// A TPDU with the SMSC field that precedes it in modem PDUs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SmscPdu {
    /// The SMSC address; `None` means the modem's default (an `00` field).
    pub smsc: Option<Address>,
    /// The TPDU.
    pub pdu: Pdu,
}

/// An encoded PDU ready for `AT+CMGS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedPdu {
    /// SMSC field followed by the TPDU.
    pub octets: Vec<u8>,
    /// Octets of the TPDU alone: the number `AT+CMGS=` takes.
    pub tpdu_len: usize,
}

impl EncodedPdu {
    /// Upper-case hex of [`EncodedPdu::octets`].
    pub fn to_hex(&self) -> String {
        hex::encode(&self.octets)
    }
}

impl SmscPdu {
    /// Writes the SMSC field and the TPDU.
    pub fn encode(&self) -> Result<EncodedPdu, Error> {
        let mut octets = Vec::with_capacity(176);
        match &self.smsc {
            Some(smsc) => smsc.encode_smsc(&mut octets)?,
            None => octets.push(0),
        }
        let smsc_len = octets.len();
        self.pdu.encode(&mut octets)?;
        Ok(EncodedPdu {
            tpdu_len: octets.len() - smsc_len,
            octets,
        })
    }
}

/// Decodes a TPDU, preceded by the SMSC field when `has_smsc` (as modems print them).
///
/// The message type comes from TP-MTI read as a mobile-terminated message would be
/// for DELIVER and STATUS-REPORT, and as SUBMIT for type 01 (a stored sent message).
pub fn decode(octets: &[u8], has_smsc: bool) -> Result<SmscPdu, Error> {
    let mut reader = Reader::new(octets);
    let smsc = if has_smsc {
        Address::decode_smsc(&mut reader)?
    } else {
        None
    };
    let first = reader.u8("first octet")?;
    let pdu = match first & 0b11 {
        0b00 => Pdu::Deliver(Deliver::decode(first, &mut reader)?),
        0b01 => Pdu::Submit(Submit::decode(first, &mut reader)?),
        0b10 => Pdu::StatusReport(StatusReport::decode(first, &mut reader)?),
        mti => return Err(Error::UnsupportedMessageType(mti)),
    };
    Ok(SmscPdu { smsc, pdu })
}

/// [`decode`] for hex text.
pub fn decode_hex(text: &str, has_smsc: bool) -> Result<SmscPdu, Error> {
    decode(&hex::decode(text)?, has_smsc)
}
