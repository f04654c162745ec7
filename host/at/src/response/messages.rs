//! Stored and arriving messages in PDU mode: listing and reading storage
//! (`+CMGL`, `+CMGR`), the reference of a sent message (`+CMGS`), and the
//! announcements of new messages and status reports (`+CMTI`, `+CDSI`, and the
//! headers of `+CMT` and `+CDS`).

use super::{ResponseError, body, is_hex, non_blank, number, params, storage_name, string};

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
    let (status, length, alone) =
        cmgr_header(header).ok_or_else(|| ResponseError::new("+CMGR", header))?;
    let pdu = take_pdu(&mut lines, length, "+CMGR", header)?;
    if alone && !pdu.is_empty() && tpdu_length(&pdu) != Some(length) {
        // `+CMGR: 1`: a status without its length, not a length.
        return Err(ResponseError::new("+CMGR", header));
    }
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

/// `+CMGR: [<stat>],[<alpha>],<length>` as firmware really writes it: some
/// ZTE sticks leave `<stat>` empty (`+CMGR: ,,27`, python-gsmmodem's test
/// suite, gammu's `tests/at-sms/39.dump`), others leave out `<alpha>`
/// (`+CMGR: 0,35`), and the Siemens ES75 gives the length alone
/// (`+CMGR: 92`, gammu bug 1586). A status that is not there reads as
/// "received unread", as gammu and python-gsmmodem read it: the PDU's first
/// octet says what the message is either way. The third value tells a
/// header that gave the length alone: one number could also be a status
/// without its length, so the caller checks it against the PDU.
fn cmgr_header(line: &str) -> Option<(MessageStatus, usize, bool)> {
    let p = params(line, "+CMGR")?;
    let (status, length) = match p.as_slice() {
        [length] => (None, length),
        [status, length] | [status, _, length] => (Some(*status), length),
        _ => return None,
    };
    let alone = status.is_none();
    let status = match status {
        None | Some("") => MessageStatus::ReceivedUnread,
        Some(code) => MessageStatus::from_code(number(code)?),
    };
    Some((status, number(length)?, alone))
}

/// The TPDU's length in octets of a PDU line as modems print it (SMSC
/// field first), if the line is long enough to have one.
fn tpdu_length(pdu: &str) -> Option<usize> {
    let octets = pdu.len() / 2;
    let smsc = usize::from_str_radix(pdu.get(..2)?, 16).ok()?;
    octets.checked_sub(1 + smsc)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::lines;

    #[test]
    fn a_cmgr_header_may_lack_its_status_its_alpha_or_both() {
        // The status report a ZTE stick read back after `+CDSI: "SM",1`
        // (python-gsmmodem's test suite): no status at all.
        let zte = lines(&[
            "+CMGR: ,,27",
            "0297F1061C0F910B487228297020F5317062419272803170624192138000",
        ]);
        let read = parse_cmgr(1, &zte).unwrap().unwrap();
        assert_eq!(read.status, MessageStatus::ReceivedUnread);
        assert_eq!(read.length, 27);
        // The header forms a parser must not refuse.
        for (header, status, length) in [
            ("+CMGR: 0,\"\",50", MessageStatus::ReceivedUnread, 50),
            ("+CMGR: 1,35", MessageStatus::ReceivedRead, 35),
            ("+CMGR: ,,92", MessageStatus::ReceivedUnread, 92),
        ] {
            assert_eq!(
                cmgr_header(header),
                Some((status, length, false)),
                "{header}"
            );
        }
        // The length alone (Siemens ES75): taken when the PDU agrees.
        assert_eq!(
            cmgr_header("+CMGR: 92"),
            Some((MessageStatus::ReceivedUnread, 92, true))
        );
        let siemens = lines(&["+CMGR: 27", zte[1].as_str()]);
        assert_eq!(parse_cmgr(1, &siemens).unwrap().unwrap().length, 27);
        assert_eq!(
            cmgr_header("+CMGR: x,,27"),
            None,
            "a status that is not a number"
        );
        assert_eq!(cmgr_header("+CMGR: 0,,"), None, "no length");
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
}
