//! Typed `+CMS ERROR` and `+CME ERROR` codes with their 3GPP meanings.
//!
//! A modem reports a failed command either with a number (`+CMEE=1`) or with
//! a verbose text (`+CMEE=2`). [`CmsError::parse`] and [`CmeError::parse`]
//! accept both forms and always give a code, so callers can decide on retries
//! with [`CmsError::is_transient`] / [`CmeError::is_transient`] without caring
//! how the modem was configured.
//!
//! Sources: TS 27.005 §3.2.5 (`+CMS ERROR`), TS 24.011 Annex E (RP and CP
//! causes, 0..=127), TS 23.040 §9.2.3.22 (TP-Failure-Cause, 128..=255) and
//! TS 27.007 §9.2 (`+CME ERROR`).

use std::fmt;

/// A `+CMS ERROR` code: a failure of an SMS command (TS 27.005 §3.2.5).
///
/// - 0..=127: TS 24.011 RP-cause (and CP-cause) values from the network;
/// - 128..=255: TS 23.040 TP-Failure-Cause values from the service centre;
/// - 300..=511: TS 27.005 values from the modem itself;
/// - 512 and up: manufacturer specific.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CmsError(pub u16);

/// A `+CME ERROR` code: a failure of an equipment command (TS 27.007 §9.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CmeError(pub u16);

/// `+CMS ERROR` meanings, in the wording modems use with `+CMEE=2`.
const CMS_MEANINGS: &[(u16, &str)] = &[
    // TS 24.011 Annex E: RP-cause (MO transfer) and CP-cause values.
    (1, "unassigned (unallocated) number"),
    (8, "operator determined barring"),
    (10, "call barred"),
    (17, "network failure"),
    (21, "short message transfer rejected"),
    (22, "congestion"),
    (27, "destination out of service"),
    (28, "unidentified subscriber"),
    (29, "facility rejected"),
    (30, "unknown subscriber"),
    (38, "network out of order"),
    (41, "temporary failure"),
    (42, "congestion"),
    (47, "resources unavailable, unspecified"),
    (50, "requested facility not subscribed"),
    (69, "requested facility not implemented"),
    (81, "invalid short message transfer reference value"),
    (95, "invalid message, unspecified"),
    (96, "invalid mandatory information"),
    (97, "message type non-existent or not implemented"),
    (
        98,
        "message not compatible with short message protocol state",
    ),
    (99, "information element non-existent or not implemented"),
    (111, "protocol error, unspecified"),
    (127, "interworking, unspecified"),
    // TS 23.040 §9.2.3.22: TP-Failure-Cause.
    (128, "telematic interworking not supported"),
    (129, "short message type 0 not supported"),
    (130, "cannot replace short message"),
    (143, "unspecified TP-PID error"),
    (144, "data coding scheme (alphabet) not supported"),
    (145, "message class not supported"),
    (159, "unspecified TP-DCS error"),
    (160, "command cannot be actioned"),
    (161, "command unsupported"),
    (175, "unspecified TP-Command error"),
    (176, "TPDU not supported"),
    (192, "SC busy"),
    (193, "no SC subscription"),
    (194, "SC system failure"),
    (195, "invalid SME address"),
    (196, "destination SME barred"),
    (197, "SM rejected-duplicate SM"),
    (198, "TP-VPF not supported"),
    (199, "TP-VP not supported"),
    (208, "SIM SMS storage full"),
    (209, "no SMS storage capability in SIM"),
    (210, "error in MS"),
    (211, "memory capacity exceeded"),
    (212, "SIM application toolkit busy"),
    (213, "SIM data download error"),
    (255, "unspecified error cause"),
    // TS 27.005 §3.2.5.
    (300, "ME failure"),
    (301, "SMS service of ME reserved"),
    (302, "operation not allowed"),
    (303, "operation not supported"),
    (304, "invalid PDU mode parameter"),
    (305, "invalid text mode parameter"),
    (310, "SIM not inserted"),
    (311, "SIM PIN required"),
    (312, "PH-SIM PIN required"),
    (313, "SIM failure"),
    (314, "SIM busy"),
    (315, "SIM wrong"),
    (316, "SIM PUK required"),
    (317, "SIM PIN2 required"),
    (318, "SIM PUK2 required"),
    (320, "memory failure"),
    (321, "invalid memory index"),
    (322, "memory full"),
    (330, "SMSC address unknown"),
    (331, "no network service"),
    (332, "network timeout"),
    (340, "no +CNMA acknowledgement expected"),
    (500, "unknown error"),
];

/// Other verbose texts seen for `+CMS ERROR` codes.
const CMS_ALIASES: &[(u16, &str)] = &[
    (27, "destination out of order"),
    (95, "semantically incorrect message"),
    (321, "invalid index"),
    (500, "unknown"),
];

/// `+CMS ERROR` codes after which sending the same message later can succeed.
const CMS_TRANSIENT: &[u16] = &[
    17,  // network failure (CP)
    22,  // congestion (CP)
    27,  // destination out of service
    38,  // network out of order
    41,  // temporary failure
    42,  // congestion
    47,  // resources unavailable
    127, // interworking, unspecified
    192, // SC busy
    194, // SC system failure
    212, // SIM toolkit busy
    255, // unspecified error cause
    314, // SIM busy
    331, // no network service
    332, // network timeout
    500, // unknown error
];

/// `+CME ERROR` meanings, in the wording modems use with `+CMEE=2`.
const CME_MEANINGS: &[(u16, &str)] = &[
    // TS 27.007 §9.2.1: general errors.
    (0, "phone failure"),
    (1, "no connection to phone"),
    (2, "phone-adaptor link reserved"),
    (3, "operation not allowed"),
    (4, "operation not supported"),
    (5, "PH-SIM PIN required"),
    (6, "PH-FSIM PIN required"),
    (7, "PH-FSIM PUK required"),
    (10, "SIM not inserted"),
    (11, "SIM PIN required"),
    (12, "SIM PUK required"),
    (13, "SIM failure"),
    (14, "SIM busy"),
    (15, "SIM wrong"),
    (16, "incorrect password"),
    (17, "SIM PIN2 required"),
    (18, "SIM PUK2 required"),
    (20, "memory full"),
    (21, "invalid index"),
    (22, "not found"),
    (23, "memory failure"),
    (24, "text string too long"),
    (25, "invalid characters in text string"),
    (26, "dial string too long"),
    (27, "invalid characters in dial string"),
    (30, "no network service"),
    (31, "network timeout"),
    (32, "network not allowed - emergency calls only"),
    (40, "network personalization PIN required"),
    (41, "network personalization PUK required"),
    (42, "network subset personalization PIN required"),
    (43, "network subset personalization PUK required"),
    (44, "service provider personalization PIN required"),
    (45, "service provider personalization PUK required"),
    (46, "corporate personalization PIN required"),
    (47, "corporate personalization PUK required"),
    (48, "hidden key required"),
    (49, "EAP method not supported"),
    (50, "incorrect parameters"),
    (51, "command implemented but currently disabled"),
    (52, "command aborted by user"),
    (100, "unknown"),
    // TS 27.007 §9.2.2: GPRS and EPS errors (TS 24.008 causes + 100).
    (103, "illegal MS"),
    (106, "illegal ME"),
    (107, "GPRS services not allowed"),
    (111, "PLMN not allowed"),
    (112, "location area not allowed"),
    (113, "roaming not allowed in this location area"),
    (114, "GPRS services not allowed in this PLMN"),
    (115, "no suitable cells in location area"),
    (122, "congestion"),
    (132, "service option not supported"),
    (133, "requested service option not subscribed"),
    (134, "service option temporarily out of order"),
    (148, "unspecified GPRS error"),
    (149, "PDP authentication failure"),
    (150, "invalid mobile class"),
    // Supplementary service (and USSD) errors, as most modems number them.
    (257, "network rejected request"),
    (258, "retry operation"),
    (259, "invalid deflected to number"),
    (260, "deflected to own number"),
    (261, "unknown subscriber"),
    (262, "service not available"),
    (263, "unknown class specified"),
    (264, "unknown network message"),
];

/// Other verbose texts seen for `+CME ERROR` codes.
const CME_ALIASES: &[(u16, &str)] = &[
    (32, "network not allowed, emergency calls only"),
    (40, "network personalisation PIN required"),
    (41, "network personalisation PUK required"),
    (42, "network subset personalisation PIN required"),
    (43, "network subset personalisation PUK required"),
    (44, "service provider personalisation PIN required"),
    (45, "service provider personalisation PUK required"),
    (46, "corporate personalisation PIN required"),
    (47, "corporate personalisation PUK required"),
    (100, "unknown error"),
];

/// `+CME ERROR` codes after which repeating the command later can succeed.
const CME_TRANSIENT: &[u16] = &[
    14,  // SIM busy
    30,  // no network service
    31,  // network timeout
    100, // unknown
    122, // congestion
    134, // service option temporarily out of order
    148, // unspecified GPRS error
    258, // retry operation
];

impl CmsError {
    /// `+CMS ERROR: 500`, "unknown error": what an unrecognised verbose text maps to.
    pub const UNKNOWN: CmsError = CmsError(500);

    /// The 3GPP meaning of the code, for logs.
    pub fn meaning(self) -> &'static str {
        if let Some(text) = lookup(CMS_MEANINGS, self.0) {
            return text;
        }
        match self.0 {
            224..=254 => "SC application specific error",
            512.. => "manufacturer specific error",
            _ => "unknown or reserved error",
        }
    }

    /// Whether sending again later, unchanged, can succeed.
    ///
    /// The rule: an error is transient when it reports a condition of the
    /// network, the service centre, the SIM or the modem that clears by
    /// itself (congestion, temporary failure, out of service, busy, timeout),
    /// and when it is one of the unspecified causes (127, 255, 500) that
    /// modems and networks use for such passing conditions. Everything else
    /// is permanent: the number, the subscription, the PDU or the
    /// configuration is wrong (1 unassigned number, 8 and 10 barring,
    /// 21 rejected, 28–30 unknown subscriber, 50/69 facility, 96 invalid
    /// mandatory information, 195 invalid SME address, 196 barred, 304 invalid
    /// PDU, 310/311/316 SIM missing or locked, 322 memory full, 330 SMSC
    /// address unknown, ...), and so are reserved and manufacturer codes,
    /// whose meaning is not known. Callers should cap retries either way.
    pub fn is_transient(self) -> bool {
        CMS_TRANSIENT.contains(&self.0)
    }

    /// The code for a verbose text such as `SIM busy` or `SMSC address unknown`.
    ///
    /// Matching ignores case, punctuation and spacing, and reads `(U)SIM` and
    /// `USIM` as `SIM`.
    pub fn from_verbose(text: &str) -> Option<Self> {
        find_verbose(CMS_MEANINGS, CMS_ALIASES, text).map(CmsError)
    }

    /// Reads the text after `+CMS ERROR:`.
    ///
    /// A number gives its code and no text; a known verbose text gives its
    /// code and the text; any other text gives [`CmsError::UNKNOWN`] and the
    /// text, so it can still be logged.
    pub fn parse(payload: &str) -> (CmsError, Option<String>) {
        let (code, text) = parse_payload(payload, CMS_MEANINGS, CMS_ALIASES);
        (CmsError(code.unwrap_or(Self::UNKNOWN.0)), text)
    }
}

impl CmeError {
    /// `+CME ERROR: 100`, "unknown": what an unrecognised verbose text maps to.
    pub const UNKNOWN: CmeError = CmeError(100);

    /// The 3GPP meaning of the code, for logs.
    pub fn meaning(self) -> &'static str {
        lookup(CME_MEANINGS, self.0).unwrap_or("unknown or reserved error")
    }

    /// Whether repeating the command later, unchanged, can succeed.
    ///
    /// The rule: transient errors report a condition that clears by itself:
    /// 14 SIM busy (still initialising), 30 no network service, 31 network
    /// timeout, 122 congestion, 134 service option temporarily out of order,
    /// 148 unspecified GPRS error, 258 retry operation, and 100 unknown, which
    /// modems use for passing failures. Everything else is permanent until
    /// someone acts: a missing or locked SIM, a wrong password, an
    /// unsupported operation, a bad index or parameter, a network that
    /// refuses the subscriber; reserved and manufacturer codes too.
    pub fn is_transient(self) -> bool {
        CME_TRANSIENT.contains(&self.0)
    }

    /// The code for a verbose text such as `SIM PIN required` or `phone failure`.
    ///
    /// Matching ignores case, punctuation and spacing, and reads `(U)SIM` and
    /// `USIM` as `SIM`.
    pub fn from_verbose(text: &str) -> Option<Self> {
        find_verbose(CME_MEANINGS, CME_ALIASES, text).map(CmeError)
    }

    /// Reads the text after `+CME ERROR:`.
    ///
    /// A number gives its code and no text; a known verbose text gives its
    /// code and the text; any other text gives [`CmeError::UNKNOWN`] and the
    /// text, so it can still be logged.
    pub fn parse(payload: &str) -> (CmeError, Option<String>) {
        let (code, text) = parse_payload(payload, CME_MEANINGS, CME_ALIASES);
        (CmeError(code.unwrap_or(Self::UNKNOWN.0)), text)
    }
}

impl fmt::Display for CmsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+CMS ERROR {} ({})", self.0, self.meaning())
    }
}

impl fmt::Display for CmeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+CME ERROR {} ({})", self.0, self.meaning())
    }
}

impl std::error::Error for CmsError {}

impl std::error::Error for CmeError {}

fn lookup(table: &[(u16, &'static str)], code: u16) -> Option<&'static str> {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, text)| *text)
}

/// Splits `payload` into a code (if it is a number or a known text) and the
/// verbose text (if it is not a number).
fn parse_payload(
    payload: &str,
    meanings: &[(u16, &str)],
    aliases: &[(u16, &str)],
) -> (Option<u16>, Option<String>) {
    let text = payload.trim();
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
        .trim();
    if text.is_empty() {
        return (None, None);
    }
    if text.bytes().all(|b| b.is_ascii_digit())
        && let Ok(code) = text.parse::<u16>()
    {
        return (Some(code), None);
    }
    (find_verbose(meanings, aliases, text), Some(text.to_owned()))
}

fn find_verbose(meanings: &[(u16, &str)], aliases: &[(u16, &str)], text: &str) -> Option<u16> {
    let wanted = normalize(text);
    if wanted.is_empty() {
        return None;
    }
    meanings
        .iter()
        .chain(aliases)
        .find(|(_, known)| normalize(known) == wanted)
        .map(|(code, _)| *code)
}

/// Lower-case words of letters and digits, one space apart; `(U)SIM` and
/// `USIM` become `sim`.
fn normalize(text: &str) -> String {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        let next_is_sim = words.get(i + 1).is_some_and(|w| *w == "sim");
        match *word {
            "u" if next_is_sim => {}
            "usim" => out.push("sim"),
            w => out.push(w),
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cms_numeric() {
        assert_eq!(CmsError::parse("500"), (CmsError(500), None));
        assert_eq!(CmsError::parse(" 330 "), (CmsError(330), None));
        assert_eq!(CmsError::parse("0042"), (CmsError(42), None));
        assert_eq!(CmsError::parse("38"), (CmsError(38), None));
    }

    #[test]
    fn cms_verbose_known() {
        assert_eq!(
            CmsError::parse("SIM busy"),
            (CmsError(314), Some("SIM busy".to_owned()))
        );
        assert_eq!(
            CmsError::parse("Unknown error"),
            (CmsError(500), Some("Unknown error".to_owned()))
        );
        assert_eq!(
            CmsError::parse("SMSC address unknown"),
            (CmsError(330), Some("SMSC address unknown".to_owned()))
        );
        assert_eq!(
            CmsError::from_verbose("(U)SIM not inserted"),
            Some(CmsError(310))
        );
        assert_eq!(
            CmsError::from_verbose("USIM PIN required"),
            Some(CmsError(311))
        );
        assert_eq!(
            CmsError::from_verbose("PH-(U)SIM PIN required"),
            Some(CmsError(312))
        );
        assert_eq!(
            CmsError::from_verbose("invalid  memory index."),
            Some(CmsError(321))
        );
        assert_eq!(
            CmsError::from_verbose("\"memory full\""),
            Some(CmsError(322))
        );
        assert_eq!(
            CmsError::parse("\"memory full\""),
            (CmsError(322), Some("memory full".to_owned()))
        );
        assert_eq!(
            CmsError::from_verbose("Destination out of order"),
            Some(CmsError(27))
        );
    }

    #[test]
    fn cms_verbose_unknown_and_odd() {
        assert_eq!(
            CmsError::parse("Something odd"),
            (CmsError(500), Some("Something odd".to_owned()))
        );
        assert_eq!(CmsError::parse(""), (CmsError(500), None));
        assert_eq!(CmsError::parse("  "), (CmsError(500), None));
        assert_eq!(
            CmsError::parse("99999"),
            (CmsError(500), Some("99999".to_owned()))
        );
        assert_eq!(
            CmsError::parse("-1"),
            (CmsError(500), Some("-1".to_owned()))
        );
        assert_eq!(
            CmsError::parse("+12"),
            (CmsError(500), Some("+12".to_owned()))
        );
        assert_eq!(CmsError::from_verbose(""), None);
        assert_eq!(CmsError::from_verbose("---"), None);
    }

    #[test]
    fn cms_meanings() {
        assert_eq!(CmsError(500).meaning(), "unknown error");
        assert_eq!(CmsError(1).meaning(), "unassigned (unallocated) number");
        assert_eq!(CmsError(212).meaning(), "SIM application toolkit busy");
        assert_eq!(CmsError(2).meaning(), "unknown or reserved error");
        assert_eq!(CmsError(306).meaning(), "unknown or reserved error");
        assert_eq!(CmsError(230).meaning(), "SC application specific error");
        assert_eq!(CmsError(513).meaning(), "manufacturer specific error");
        let required = [
            300, 301, 302, 303, 304, 305, 310, 311, 312, 313, 314, 315, 316, 317, 318, 320, 321,
            322, 330, 331, 332, 340, 500, 1, 8, 10, 21, 27, 28, 29, 30, 38, 41, 42, 47, 50, 69, 81,
            95, 96, 97, 98, 99, 111, 127, 128, 129, 130, 143, 144, 145, 159, 160, 161, 175, 176,
            192, 193, 194, 195, 196, 197, 198, 199, 208, 209, 210, 211, 212, 213, 255,
        ];
        for code in required {
            assert!(
                lookup(CMS_MEANINGS, code).is_some(),
                "+CMS ERROR {code} has no meaning"
            );
        }
    }

    #[test]
    fn cms_every_meaning_reads_back() {
        for &(code, text) in CMS_MEANINGS.iter().chain(CMS_ALIASES) {
            let found = CmsError::from_verbose(text).expect(text);
            assert_eq!(found.meaning(), CmsError(code).meaning(), "{text}");
            assert_eq!(CmsError::from_verbose(&text.to_uppercase()), Some(found));
        }
    }

    #[test]
    fn cms_transient() {
        for code in [38, 41, 42, 47, 192, 212, 314, 331, 332, 500] {
            assert!(CmsError(code).is_transient(), "{code}");
        }
        for code in [
            1, 8, 10, 21, 28, 29, 30, 50, 69, 96, 195, 196, 304, 310, 311, 316, 322, 330, 513,
        ] {
            assert!(!CmsError(code).is_transient(), "{code}");
        }
    }

    #[test]
    fn cms_display() {
        assert_eq!(CmsError(500).to_string(), "+CMS ERROR 500 (unknown error)");
        assert_eq!(
            CmsError(330).to_string(),
            "+CMS ERROR 330 (SMSC address unknown)"
        );
    }

    #[test]
    fn cme_numeric_and_verbose() {
        assert_eq!(CmeError::parse("10"), (CmeError(10), None));
        assert_eq!(
            CmeError::parse("SIM PIN required"),
            (CmeError(11), Some("SIM PIN required".to_owned()))
        );
        assert_eq!(
            CmeError::parse("incorrect password"),
            (CmeError(16), Some("incorrect password".to_owned()))
        );
        assert_eq!(
            CmeError::parse("SIM not inserted"),
            (CmeError(10), Some("SIM not inserted".to_owned()))
        );
        assert_eq!(CmeError::from_verbose("phone failure"), Some(CmeError(0)));
        assert_eq!(
            CmeError::from_verbose("Operation not allowed"),
            Some(CmeError(3))
        );
        assert_eq!(
            CmeError::from_verbose("network not allowed - emergency calls only"),
            Some(CmeError(32))
        );
        assert_eq!(
            CmeError::from_verbose("Network not allowed, emergency calls only"),
            Some(CmeError(32))
        );
        assert_eq!(
            CmeError::from_verbose("PH-SIM PIN required"),
            Some(CmeError(5))
        );
        assert_eq!(CmeError::from_verbose("unknown"), Some(CmeError(100)));
        assert_eq!(CmeError::from_verbose("Unknown error"), Some(CmeError(100)));
        assert_eq!(
            CmeError::from_verbose("retry operation"),
            Some(CmeError(258))
        );
        assert_eq!(
            CmeError::parse("Modem is on fire"),
            (CmeError(100), Some("Modem is on fire".to_owned()))
        );
        assert_eq!(CmeError::parse(""), (CmeError(100), None));
    }

    #[test]
    fn cme_meanings() {
        let required = [
            0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21, 22, 23, 24, 25, 26,
            27, 30, 31, 32, 40, 41, 42, 43, 44, 45, 46, 47, 48, 100, 103, 106, 107, 111, 112, 113,
            114, 115, 132, 133, 134, 148, 149, 150, 258, 259, 260, 261, 262,
        ];
        for code in required {
            assert!(
                lookup(CME_MEANINGS, code).is_some(),
                "+CME ERROR {code} has no meaning"
            );
        }
        assert_eq!(CmeError(9).meaning(), "unknown or reserved error");
        assert_eq!(CmeError(10).to_string(), "+CME ERROR 10 (SIM not inserted)");
    }

    #[test]
    fn cme_every_meaning_reads_back() {
        for &(code, text) in CME_MEANINGS.iter().chain(CME_ALIASES) {
            let found = CmeError::from_verbose(text).expect(text);
            assert_eq!(found.meaning(), CmeError(code).meaning(), "{text}");
        }
    }

    #[test]
    fn cme_transient() {
        for code in [14, 30, 31, 100, 258] {
            assert!(CmeError(code).is_transient(), "{code}");
        }
        for code in [0, 3, 4, 10, 11, 12, 13, 16, 21, 32, 107, 111] {
            assert!(!CmeError(code).is_transient(), "{code}");
        }
    }

    #[test]
    fn errors_are_std_errors() {
        fn takes(_: &dyn std::error::Error) {}
        takes(&CmsError(500));
        takes(&CmeError(100));
    }
}
