//! How the modem's SMS service is set up: the message storages and their use
//! (`+CPMS`), the new-message indications it supports (`+CNMI=?`) and the
//! service centre address (`+CSCA`).

use super::{
    ResponseError, body, decode_ucs2_hex, list, number, number_list, optional_number, params,
    split_params, storage_name, string,
};

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
/// Wavecom wraps its groups in one more pair of parentheses:
/// `+CPMS: (("SM","BM","SR"),("SM"))` (python-gsmmodem issue 19), which is
/// two groups.
pub fn parse_cpms_test(line: &str) -> Result<Vec<Vec<String>>, ResponseError> {
    cpms_test(line).ok_or_else(|| ResponseError::new("+CPMS=?", line))
}

fn cpms_test(line: &str) -> Option<Vec<Vec<String>>> {
    let mut text = body(line, "+CPMS")?;
    if text.is_empty() {
        return Some(Vec::new());
    }
    if let [only] = split_params(text)?.as_slice()
        && let Some(inner) = list(only).map(str::trim)
        && inner.starts_with('(')
    {
        text = inner;
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
// +CSCA
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

#[cfg(test)]
mod tests {
    use super::*;

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
        // Wavecom M1306B (python-gsmmodem issue 19): the groups in one more
        // pair of parentheses, and only two of them.
        assert_eq!(
            parse_cpms_test(r#"+CPMS: (("SM","BM","SR"),("SM"))"#).unwrap(),
            vec![vec!["SM", "BM", "SR"], vec!["SM"]]
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
}
