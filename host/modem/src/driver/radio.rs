//! A modem's radio and SIM in one vocabulary, whatever its transport: AT's
//! access technology numbers, RouterOS's words and HiLink's codes all
//! become a [`NetworkType`] and a [`SimState`], and each device's signal
//! strings (`-71dBm`, `>=-51dBm`, `-14.0dB`) become numbers.

/// The radio access technology the modem is on now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NetworkType {
    /// 2G: GSM, GPRS, EDGE.
    Gsm,
    /// 3G: UMTS, HSPA, TD-SCDMA.
    Umts,
    /// 4G: LTE, including NB-IoT.
    Lte,
    /// 5G NR, standalone or beside LTE.
    Nr,
}

impl NetworkType {
    /// Its name in the API, the store and the metrics: `gsm`, `umts`,
    /// `lte` or `nr`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Gsm => "gsm",
            Self::Umts => "umts",
            Self::Lte => "lte",
            Self::Nr => "nr",
        }
    }

    /// From AT's `<AcT>` (`+COPS?`, `+CREG`; TS 27.007 §7.3).
    pub fn from_act(act: u8) -> Option<Self> {
        match act {
            0 | 1 | 3 | 8 => Some(Self::Gsm),
            2 | 4..=6 => Some(Self::Umts),
            // 10 is LTE attached to a 5G core: the radio is still LTE.
            7 | 9 | 10 => Some(Self::Lte),
            11..=13 => Some(Self::Nr),
            _ => None,
        }
    }

    /// From RouterOS's `access-technology` (`LTE`, `3G`, `GSM compact`,
    /// `Evolved 3G (HSPA+)`, `5G NSA`, …), by the words it uses.
    pub fn from_words(text: &str) -> Option<Self> {
        let text = text.to_ascii_uppercase();
        let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
        if has(&["5G", "NR"]) {
            Some(Self::Nr)
        } else if has(&["LTE", "4G"]) {
            Some(Self::Lte)
        } else if has(&["3G", "WCDMA", "UMTS", "HSPA", "HSDPA", "HSUPA", "TD-SCDMA"]) {
            Some(Self::Umts)
        } else if has(&["GSM", "EDGE", "GPRS", "2G"]) {
            Some(Self::Gsm)
        } else {
            None
        }
    }

    /// From a HiLink device's `CurrentNetworkType` (or its `…Ex`):
    /// 1–3 GSM to EDGE, 4–9 and 41–65 WCDMA to TD-HSPA+, 19 and 101 LTE
    /// (1011 with carrier aggregation), 111 NR. CDMA's codes and 0 (no
    /// service) have no type.
    pub fn from_hilink(code: u32) -> Option<Self> {
        match code {
            1..=3 => Some(Self::Gsm),
            4..=9 | 17 | 18 | 41..=65 => Some(Self::Umts),
            19 | 101 | 1011 => Some(Self::Lte),
            111 => Some(Self::Nr),
            _ => None,
        }
    }
}

/// What the SIM lets the modem do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SimState {
    /// Unlocked and usable.
    Ready,
    /// Waiting for its PIN.
    PinRequired,
    /// Blocked after wrong PINs; waiting for its PUK.
    PukRequired,
    /// No SIM in the modem.
    Absent,
    /// Present and unusable for another reason: another lock (PIN2, a
    /// modem locked to another SIM) or a SIM the network refuses.
    Blocked,
}

impl SimState {
    /// Its name in the API, the store and the metrics: `ready`,
    /// `pin_required`, `puk_required`, `absent` or `blocked`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::PinRequired => "pin_required",
            Self::PukRequired => "puk_required",
            Self::Absent => "absent",
            Self::Blocked => "blocked",
        }
    }

    /// From RouterOS's `pin-status`: `ok` or `no password required`
    /// (ready), `sim pin required`, `puk required`, `sim not present`,
    /// `sim not inserted`, …
    pub fn from_words(text: &str) -> Self {
        let text = text.to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
        if text == "ok" || has(&["ready", "no password"]) {
            Self::Ready
        } else if has(&["not present", "not inserted", "no sim", "absent"]) {
            Self::Absent
        } else if text.contains("puk") {
            Self::PukRequired
        } else if text.contains("pin") {
            Self::PinRequired
        } else {
            Self::Blocked
        }
    }

    /// From AT's `+CPIN?` (PIN2 and the modem's own locks leave the SIM
    /// unusable to the gateway: blocked).
    pub fn from_pin_state(state: &plutanium_at::response::PinState) -> Self {
        use plutanium_at::response::PinState;
        match state {
            PinState::Ready => Self::Ready,
            PinState::SimPin => Self::PinRequired,
            PinState::SimPuk | PinState::SimPuk2 => Self::PukRequired,
            PinState::Other(text) if text.to_ascii_uppercase().contains("NOT INSERTED") => {
                Self::Absent
            }
            _ => Self::Blocked,
        }
    }

    /// From a HiLink device's `SimStatus`: 1 valid; 0 and 255 no (valid)
    /// SIM; 2–4 refused by the network for calls, data or both.
    pub fn from_hilink(code: u32) -> Self {
        match code {
            1 => Self::Ready,
            0 | 255 => Self::Absent,
            _ => Self::Blocked,
        }
    }
}

/// The leading number of a device's signal value, such as `-69`, `-71dBm`
/// or `>=-51dBm` (units and comparison signs vary with the firmware).
pub(super) fn dbm(value: Option<&String>) -> Option<i16> {
    let number = leading_number(value?)?;
    let end = number.find('.').unwrap_or(number.len());
    number[..end].parse().ok()
}

/// A value in dB that may have a fraction, such as `-10.5dB` or `12dB`.
pub(super) fn decibels(value: Option<&String>) -> Option<f32> {
    leading_number(value?)?.parse().ok()
}

/// The number at the start of `value`, after any comparison sign.
fn leading_number(value: &str) -> Option<&str> {
    let value = value.trim().trim_start_matches(['>', '<', '=']);
    let end = value
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && c == '-')))
        .map_or(value.len(), |(i, _)| i);
    Some(&value[..end]).filter(|n| n.bytes().any(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_values_read_with_or_without_units() {
        let read = |text: &str| dbm(Some(&text.to_string()));
        assert_eq!(read("-69"), Some(-69));
        assert_eq!(read("-71dBm"), Some(-71));
        assert_eq!(read(">=-51dBm"), Some(-51));
        assert_eq!(read("-14.0dB"), Some(-14));
        assert_eq!(read("n/a"), None);
        assert_eq!(read(""), None);
        assert_eq!(read("-"), None);
        assert_eq!(dbm(None), None);
        let db = |text: &str| decibels(Some(&text.to_string()));
        assert_eq!(db("-10.5dB"), Some(-10.5));
        assert_eq!(db("12dB"), Some(12.0));
        assert_eq!(db("<-20dB"), Some(-20.0));
        assert_eq!(db("dB"), None);
    }

    #[test]
    fn every_transport_names_the_network_alike() {
        assert_eq!(NetworkType::from_act(7), Some(NetworkType::Lte));
        assert_eq!(NetworkType::from_act(3), Some(NetworkType::Gsm));
        assert_eq!(NetworkType::from_act(6), Some(NetworkType::Umts));
        assert_eq!(NetworkType::from_act(13), Some(NetworkType::Nr));
        assert_eq!(NetworkType::from_act(99), None);
        assert_eq!(NetworkType::from_words("LTE"), Some(NetworkType::Lte));
        assert_eq!(
            NetworkType::from_words("Evolved 3G (HSPA+)"),
            Some(NetworkType::Umts)
        );
        assert_eq!(
            NetworkType::from_words("GSM compact"),
            Some(NetworkType::Gsm)
        );
        assert_eq!(NetworkType::from_words("5G NSA"), Some(NetworkType::Nr));
        assert_eq!(NetworkType::from_words("none"), None);
        assert_eq!(NetworkType::from_hilink(19), Some(NetworkType::Lte));
        assert_eq!(NetworkType::from_hilink(101), Some(NetworkType::Lte));
        assert_eq!(NetworkType::from_hilink(9), Some(NetworkType::Umts));
        assert_eq!(NetworkType::from_hilink(3), Some(NetworkType::Gsm));
        assert_eq!(NetworkType::from_hilink(0), None);
    }

    #[test]
    fn every_transport_names_the_sim_alike() {
        assert_eq!(SimState::from_words("ok"), SimState::Ready);
        // RouterOS 6 with a SIM without PIN lock.
        assert_eq!(
            SimState::from_words("no password required"),
            SimState::Ready
        );
        assert_eq!(SimState::from_words("sim not inserted"), SimState::Absent);
        assert_eq!(
            SimState::from_words("sim pin required"),
            SimState::PinRequired
        );
        assert_eq!(SimState::from_words("PUK required"), SimState::PukRequired);
        assert_eq!(SimState::from_words("sim not present"), SimState::Absent);
        assert_eq!(SimState::from_words("locked"), SimState::Blocked);
        use plutanium_at::response::PinState;
        assert_eq!(SimState::from_pin_state(&PinState::Ready), SimState::Ready);
        assert_eq!(
            SimState::from_pin_state(&PinState::SimPuk2),
            SimState::PukRequired
        );
        assert_eq!(
            SimState::from_pin_state(&PinState::Other("NOT INSERTED".into())),
            SimState::Absent
        );
        assert_eq!(
            SimState::from_pin_state(&PinState::PhSimPin),
            SimState::Blocked
        );
        assert_eq!(SimState::from_hilink(1), SimState::Ready);
        assert_eq!(SimState::from_hilink(255), SimState::Absent);
        assert_eq!(SimState::from_hilink(4), SimState::Blocked);
    }
}
