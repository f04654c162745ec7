//! Quirk profiles: how real modems behave on the wire.
//!
//! A profile is data: a [`Spec`] that the simulated modem consults wherever
//! real firmware differs from 27.005/27.007 as written. Each make has a file
//! under `profile/` that says which public transcripts (test suites and bug
//! trackers of gammu, python-gsmmodem, ModemManager, smstools3, and vendor
//! manuals) it is built from; what those sources do not show is the
//! standard behaviour of [`STANDARD`].

mod brovi;
mod cinterion;
mod generic;
mod huawei;
mod nokia;
mod qualcomm;
mod quectel;
mod quectel_m26;
mod siemens;
mod sierra;
mod simcom;
mod simcom_sim5320;
mod telit;
mod wavecom;
mod zte;
mod zte_mf626;

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// Which real modem a simulated modem imitates.
#[derive(Clone, Copy)]
pub struct Profile(&'static Spec);

impl Profile {
    /// Plain 27.005/27.007 behaviour.
    pub const GENERIC: Profile = Profile(&generic::SPEC);
    /// Huawei E173/E1752 sticks (firmware 11.x).
    pub const HUAWEI: Profile = Profile(&huawei::SPEC);
    /// The "Brovi" E3372-325 (Zowee firmware): only three-memory `+CPMS`.
    pub const BROVI: Profile = Profile(&brovi::SPEC);
    /// ZTE MF710M: reads a message back without its status.
    pub const ZTE: Profile = Profile(&zte::SPEC);
    /// ZTE MF626: status reports in `SR`.
    pub const ZTE_MF626: Profile = Profile(&zte_mf626::SPEC);
    /// ZTE-made Qualcomm M6280 sticks: SIM busy for seconds after power-up.
    pub const QUALCOMM: Profile = Profile(&qualcomm::SPEC);
    /// Wavecom M1306B: no `OK` after `+CPIN:`, two storage groups.
    pub const WAVECOM: Profile = Profile(&wavecom::SPEC);
    /// Sierra Wireless SL8084TR: no `OK` after `+CPIN:`, numbering from 1.
    pub const SIERRA: Profile = Profile(&sierra::SPEC);
    /// Quectel EC25: status reports stored in `SR`, announced as `SM`.
    pub const QUECTEL: Profile = Profile(&quectel::SPEC);
    /// Quectel M26 (2G): its own storage groups and indications.
    pub const QUECTEL_M26: Profile = Profile(&quectel_m26::SPEC);
    /// SIMCom SIM800L: no stored status reports, caller id before `RING`.
    pub const SIMCOM: Profile = Profile(&simcom::SPEC);
    /// SIMCom SIM5320E: status reports in `SR`, 255 slots.
    pub const SIMCOM_SIM5320: Profile = Profile(&simcom_sim5320::SPEC);
    /// Telit HE910: `+CMGR` with an empty alpha, UCS-2 USSD answers.
    pub const TELIT: Profile = Profile(&telit::SPEC);
    /// Siemens MC35i: `MT` storage groups, numbering from 1.
    pub const SIEMENS: Profile = Profile(&siemens::SPEC);
    /// Cinterion MC75i: indications only with `bfr=1`, no `ME` to receive in.
    pub const CINTERION: Profile = Profile(&cinterion::SPEC);
    /// Nokia S60 phones (N79): send only, no storage or indications over AT.
    pub const NOKIA: Profile = Profile(&nokia::SPEC);

    /// Every profile.
    pub const ALL: [Profile; 16] = [
        Profile::GENERIC,
        Profile::HUAWEI,
        Profile::BROVI,
        Profile::ZTE,
        Profile::ZTE_MF626,
        Profile::QUALCOMM,
        Profile::WAVECOM,
        Profile::SIERRA,
        Profile::QUECTEL,
        Profile::QUECTEL_M26,
        Profile::SIMCOM,
        Profile::SIMCOM_SIM5320,
        Profile::TELIT,
        Profile::SIEMENS,
        Profile::CINTERION,
        Profile::NOKIA,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// The device it imitates, for people.
    pub fn device(self) -> &'static str {
        self.0.device
    }

    pub(crate) fn spec(self) -> &'static Spec {
        self.0
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::GENERIC
    }
}

impl PartialEq for Profile {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for Profile {}

impl Hash for Profile {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Profile({})", self.0.name)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

/// A profile name that is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown modem profile {name:?} (expected one of: {known})",
    name = .0,
    known = Profile::ALL.map(Profile::name).join(", ")
)]
pub struct UnknownProfile(pub String);

impl FromStr for Profile {
    type Err = UnknownProfile;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownProfile(s.to_string()))
    }
}

/// How `AT+CMGR` writes the header of a stored PDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CmgrHeader {
    /// `+CMGR: <stat>,,<length>`.
    Standard,
    /// `+CMGR: ,,<length>`: the status left out.
    WithoutStatus,
    /// `+CMGR: <stat>,"",<length>`: an empty quoted alpha.
    EmptyAlpha,
}

/// How `AT+CUSD` takes a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UssdRequest {
    /// As text.
    Text,
    /// As packed GSM 7-bit hex, refusing text, until `AT^USSDMODE=0`.
    HuaweiMode,
}

/// How the network's USSD answer is written in `+CUSD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UssdAnswer {
    /// Text, dcs 15.
    Text,
    /// UCS-2 hex with this dcs (72: UCS-2; 17: UCS-2 after a language).
    Ucs2 { dcs: u8 },
}

/// Commands of the maker's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Vendor {
    /// None: a `^` command is `ERROR`.
    None,
    /// Huawei's `^` commands (`^CURC`, `^USSDMODE` ...).
    Huawei,
}

/// Everything a profile can change.
#[derive(Debug)]
pub(crate) struct Spec {
    /// The command-line name.
    pub(crate) name: &'static str,
    /// The device, for people.
    pub(crate) device: &'static str,
    /// `AT+CGMI`, `AT+CGMM`, `AT+CGMR` answers.
    pub(crate) manufacturer: &'static str,
    pub(crate) model: &'static str,
    pub(crate) revision: &'static str,
    /// Lines the modem prints unasked at power-up.
    pub(crate) boot: &'static [&'static str],
    /// `AT+CPIN?` is answered with its information line and no final result.
    pub(crate) cpin_without_ok: bool,
    /// How many of the first reads of the SIM's SMS data (`+CSCA?`,
    /// `+CPMS`) after power-up answer `+CME ERROR: 14` (SIM busy).
    pub(crate) busy_after_power_on: u32,
    /// The `AT+CNMI=?` answer; `None`: `ERROR`, and every setting refused.
    pub(crate) cnmi_test: Option<&'static str>,
    /// The `+CMS ERROR` for a `+CNMI` setting outside `cnmi_test`.
    pub(crate) cnmi_refusal: u16,
    /// The `AT+CPMS=?` answer as the firmware writes it; `None`: a bare `OK`.
    pub(crate) cpms_test: Option<&'static str>,
    /// The memories each `AT+CPMS` argument may name.
    pub(crate) cpms_groups: &'static [&'static [&'static str]],
    /// How many arguments `AT+CPMS=` takes; other counts are `ERROR`.
    pub(crate) cpms_arities: &'static [usize],
    /// How many used/total pairs an `AT+CPMS=` answer has (`None`: one per
    /// argument).
    pub(crate) cpms_answer_pairs: Option<usize>,
    /// Whether `AT+CMGL` and `AT+CMGR` work at all.
    pub(crate) reads_storage: bool,
    /// The memories selected at power-up (read, write, receive).
    pub(crate) default_memories: [&'static str; 3],
    /// Where status reports stored with `ds=2` go (`None`: the receive memory).
    pub(crate) reports_stored_in: Option<&'static str>,
    /// The memory a `+CDSI` names (`None`: where the report really is).
    pub(crate) reports_announced_as: Option<&'static str>,
    /// The index of the first slot of every memory.
    pub(crate) first_index: usize,
    /// Slots per memory (`None`: the modem's configured capacity).
    pub(crate) capacity: Option<usize>,
    pub(crate) cmgr: CmgrHeader,
    /// Whether `+CNMI` mt=2 delivers directly (`+CMT`); otherwise it stores.
    pub(crate) delivers_directly: bool,
    pub(crate) ussd_request: UssdRequest,
    pub(crate) ussd_answer: UssdAnswer,
    /// Whether `AT+CHUP` exists (else only `ATH`).
    pub(crate) has_chup: bool,
    /// What each ring of a call prints.
    pub(crate) ring: &'static str,
    /// What follows `+CLIP: "<number>",145`.
    pub(crate) clip_tail: &'static str,
    /// Whether `+CLIP` comes before `RING` rather than after it.
    pub(crate) clip_first: bool,
    /// Noise printed after every fifth answer (until silenced, for Huawei).
    pub(crate) noise: &'static [&'static str],
    pub(crate) vendor: Vendor,
}

/// 27.005/27.007 as written: what every profile does unless its sources
/// show otherwise.
pub(crate) const STANDARD: Spec = Spec {
    name: "generic",
    device: "27.005/27.007 as written",
    manufacturer: "Plutanium",
    model: "Simulated GSM modem",
    revision: "plutanium-sim 0.1",
    boot: &[],
    cpin_without_ok: false,
    busy_after_power_on: 0,
    cnmi_test: Some("+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)"),
    cnmi_refusal: 303,
    cpms_test: Some("+CPMS: (\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")"),
    cpms_groups: &[&["SM", "ME"], &["SM", "ME"], &["SM", "ME"]],
    cpms_arities: &[1, 2, 3],
    cpms_answer_pairs: None,
    reads_storage: true,
    default_memories: ["SM", "SM", "SM"],
    reports_stored_in: None,
    reports_announced_as: None,
    first_index: 0,
    capacity: None,
    cmgr: CmgrHeader::Standard,
    delivers_directly: true,
    ussd_request: UssdRequest::Text,
    ussd_answer: UssdAnswer::Text,
    has_chup: true,
    ring: "RING",
    clip_tail: ",,,,0",
    clip_first: false,
    noise: &[],
    vendor: Vendor::None,
};

impl Spec {
    /// Every memory the modem has: those `AT+CPMS` can name, and where it
    /// keeps status reports.
    pub(crate) fn memories(&self) -> Vec<&'static str> {
        let mut all: Vec<&'static str> = Vec::new();
        let named = self.cpms_groups.iter().flat_map(|g| g.iter().copied());
        let extra = self
            .default_memories
            .into_iter()
            .chain(self.reports_stored_in);
        for memory in named.chain(extra) {
            if !all.contains(&memory) {
                all.push(memory);
            }
        }
        all
    }

    /// The values each `+CNMI` field may take, from [`Spec::cnmi_test`].
    pub(crate) fn cnmi_allowed(&self) -> Option<Vec<Vec<u8>>> {
        let test = self.cnmi_test?;
        let body = test.split_once(':').map_or(test, |(_, b)| b);
        Some(
            body.split("),")
                .map(|field| {
                    let field = field.trim().trim_start_matches('(').trim_end_matches(')');
                    field
                        .split(',')
                        .flat_map(|part| match part.split_once('-') {
                            Some((a, b)) => {
                                let (a, b) =
                                    (a.trim().parse().unwrap_or(0), b.trim().parse().unwrap_or(0));
                                (a..=b).collect::<Vec<u8>>()
                            }
                            None => part.trim().parse().ok().into_iter().collect(),
                        })
                        .collect()
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        for profile in Profile::ALL {
            assert_eq!(profile.name().parse::<Profile>().unwrap(), profile);
            let same = Profile::ALL
                .iter()
                .filter(|p| p.name() == profile.name())
                .count();
            assert_eq!(same, 1, "{profile}");
            let spec = profile.spec();
            for memory in spec.default_memories {
                assert!(spec.memories().contains(&memory), "{profile}: {memory}");
            }
        }
        let err = "nokia-3310".parse::<Profile>().unwrap_err().to_string();
        assert!(
            err.contains("unknown modem profile \"nokia-3310\""),
            "{err}"
        );
        assert!(err.contains("wavecom"), "{err}");
    }

    #[test]
    fn indication_settings_are_read_from_the_test_answer() {
        let allowed = Profile::CINTERION.spec().cnmi_allowed().unwrap();
        assert_eq!(allowed[0], vec![0, 1, 2, 3]);
        assert_eq!(allowed[2], vec![0, 2, 3]);
        assert_eq!(allowed[4], vec![1]);
        assert_eq!(Profile::NOKIA.spec().cnmi_allowed(), None);
    }
}
