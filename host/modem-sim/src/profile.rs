//! Quirk profiles: how different real modems behave on the wire.

use std::fmt;
use std::str::FromStr;

/// Which real modem family a simulated modem imitates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// Plain 27.005/27.007 behaviour.
    #[default]
    Generic,
    /// Huawei E3372/E173: always stores incoming SMS then sends `+CMTI`, and
    /// prints `^RSSI`/`^MODE`/`^SRVST` noise between answers.
    Huawei,
    /// SIMCom SIM800/SIM7600: delivers SMS directly as `+CMT` when asked to,
    /// and needs `AT+CNMA` for each, or the network delivers it again.
    Simcom,
    /// Quectel EC25.
    Quectel,
    /// Wavecom Q24xx: old firmware, no `+CHUP` (only `ATH`), and no `OK`
    /// after `+CPIN:`.
    Wavecom,
    /// ZTE MF710M and its kin (MF180, MF190, MF626): reads a stored message
    /// back without its status (`+CMGR: ,,27`).
    Zte,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 6] = [
        Profile::Generic,
        Profile::Huawei,
        Profile::Simcom,
        Profile::Quectel,
        Profile::Wavecom,
        Profile::Zte,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Generic => "generic",
            Profile::Huawei => "huawei",
            Profile::Simcom => "simcom",
            Profile::Quectel => "quectel",
            Profile::Wavecom => "wavecom",
            Profile::Zte => "zte",
        }
    }

    pub(crate) fn manufacturer(self) -> &'static str {
        match self {
            Profile::Generic => "Plutanium",
            Profile::Huawei => "huawei",
            Profile::Simcom => "SIMCOM_Ltd",
            Profile::Quectel => "Quectel",
            Profile::Wavecom => "WAVECOM MODEM",
            // gammu issue 119 (an MF180's `AT+CGMI`).
            Profile::Zte => "ZTE CORPORATION",
        }
    }

    pub(crate) fn model(self) -> &'static str {
        match self {
            Profile::Generic => "Simulated GSM modem",
            Profile::Huawei => "E3372",
            Profile::Simcom => "SIMCOM_SIM800L",
            Profile::Quectel => "EC25",
            Profile::Wavecom => "MULTIBAND  900E  1800",
            Profile::Zte => "MF710M",
        }
    }

    pub(crate) fn revision(self) -> &'static str {
        match self {
            Profile::Generic => "plutanium-sim 0.1",
            Profile::Huawei => "22.200.15.00.00",
            Profile::Simcom => "Revision:1418B05SIM800L24",
            Profile::Quectel => "EC25EFAR06A06M4G",
            Profile::Wavecom => "641b09gg.Q2403A 1320676 061804 14:38",
            // gammu issue 907 (an MF710M).
            Profile::Zte => "BD_VOCMF710MV1.0.0B03",
        }
    }

    /// The `+CNMI=?` answer.
    pub(crate) fn cnmi_support(self) -> &'static str {
        match self {
            Profile::Huawei => "+CNMI: (0,1,2),(0,1,2,3),(0,2),(0,1,2),(0,1)",
            Profile::Wavecom => "+CNMI: (0-3),(0-3),(0-3),(0,1),(0,1)",
            _ => "+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)",
        }
    }

    /// Whether `+CNMI` mt=2 (direct `+CMT`) is honoured; Huawei stores anyway.
    pub(crate) fn delivers_directly(self) -> bool {
        !matches!(self, Profile::Huawei)
    }

    /// Whether a direct `+CMT` must be acknowledged with `+CNMA`.
    pub(crate) fn needs_cnma(self) -> bool {
        matches!(self, Profile::Simcom)
    }

    /// Whether `AT+CPIN?` answers `+CPIN: READY` and no final result.
    ///
    /// Sources: a Wavecom M1306B ("MULTIBAND  900E  1800") in
    /// faucamp/python-gsmmodem issue 19 (2013); gammu's `F_CPIN_NO_OK`,
    /// set for that model in `libgammu/gsmphones.c`; ModemManager's Wavecom
    /// plugin ("AT+CPIN? replies will never have an OK appended").
    pub(crate) fn cpin_without_final_result(self) -> bool {
        matches!(self, Profile::Wavecom)
    }

    /// Whether `AT+CMGR` leaves the status out of its header
    /// (`+CMGR: ,,<length>`).
    ///
    /// Sources: a ZTE stick's capture in babca/python-gsmmodem's tests
    /// ("+CMGR output missing status"); gammu's `tests/at-sms/39.dump`
    /// (gammu bug 1654); both peers default the status to "received unread".
    pub(crate) fn cmgr_without_status(self) -> bool {
        matches!(self, Profile::Zte)
    }

    /// The `+CPMS=?` answer.
    pub(crate) fn cpms_support(self) -> &'static str {
        match self {
            // python-gsmmodem issue 19 (a Wavecom M1306B), and its test
            // suite's Wavecom profile.
            Profile::Wavecom => "+CPMS: ((\"SM\",\"BM\",\"SR\"),(\"SM\"))",
            _ => "+CPMS: (\"SM\"),(\"SM\"),(\"SM\")",
        }
    }

    /// How many memories `AT+CPMS=` takes; more is a plain `ERROR`.
    ///
    /// Source: the Wavecom profile of babca/python-gsmmodem's tests answers
    /// `AT+CPMS="SM","SM","SR"` with `ERROR` and the two-memory form with
    /// `+CPMS: 14,50,14,50` (the peer builds the command from `=?` since
    /// its commit "Support for Wavecom modems added").
    pub(crate) fn cpms_memories(self) -> usize {
        match self {
            Profile::Wavecom => 2,
            _ => 3,
        }
    }

    /// Whether `AT+CUSD` refuses a code in text until `AT^USSDMODE=0`.
    ///
    /// Sources: babca/python-gsmmodem's Huawei E1752 test profile (default
    /// `^USSDMODE` 1, `AT+CUSD=1,…` answered `ERROR` until `^USSDMODE=0`);
    /// a Huawei E160 answering `AT+CUSD=1,"*144#",15` with `ERROR` on the
    /// mybroadband.co.za forum; ModemManager's and gammu's Huawei code,
    /// which pack the code to 7-bit hex instead.
    pub(crate) fn ussd_mode_needed(self) -> bool {
        matches!(self, Profile::Huawei)
    }

    /// Whether `AT+CHUP` exists.
    pub(crate) fn has_chup(self) -> bool {
        !matches!(self, Profile::Wavecom)
    }

    /// Whether the modem prints vendor noise between answers.
    pub(crate) fn noisy(self) -> bool {
        matches!(self, Profile::Huawei)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
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
