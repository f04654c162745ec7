//! The shapes of RouterOS's REST API for SMS, and what `/tool sms send` can
//! carry, without I/O.
//!
//! RouterOS documents `/tool sms send` as GSM 7-bit and single part (160
//! characters, `^{}\[]~|` counting two). In practice it is narrower: the
//! forum reports (and RouterOS's own log of the PDU it built shows) that any
//! character outside ASCII is dropped without an error, GSM 7-bit ones such
//! as `ö` or `£` included. So Plutanium sends through RouterOS only text it
//! will deliver whole, and refuses the rest with a reason, before anything
//! goes to the router. PDU mode through `/interface lte at-chat` is not a
//! way around it: users report that it leaves the modem refusing every
//! later SMS ("device inactive") until a reboot.

use serde::{Deserialize, Serialize};

/// The most GSM 7-bit septets in one SMS, the most RouterOS sends.
pub const MAX_SEPTETS: usize = 160;

/// Why a text cannot go through `/tool sms send` whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unsendable {
    /// A character RouterOS would drop.
    #[error(
        "RouterOS's /tool/sms/send silently drops characters outside ASCII (here {0:?}), so it \
         was not sent; send texts like this through a modem driven over AT (the router's USB \
         port over rfc2217://, or a stick on serial://)"
    )]
    NotAscii(char),
    /// A character GSM 7-bit does not have (the backtick, control characters).
    #[error(
        "the text holds {0:?}, which GSM 7-bit (all RouterOS sends) does not have; it was not sent"
    )]
    NotGsm(char),
    /// More than one SMS.
    #[error(
        "the text needs {septets} GSM 7-bit characters, more than the {MAX_SEPTETS} of one SMS, \
         and RouterOS sends single-part SMS only; it was not sent (shorten it, or send it \
         through a modem driven over AT)"
    )]
    TooLong {
        /// Septets the text needs (`^{}\[]~|` count two).
        septets: usize,
    },
}

/// The septets `text` takes, if RouterOS can send it whole.
pub fn check_sendable(text: &str) -> Result<usize, Unsendable> {
    let mut septets = 0;
    for c in text.chars() {
        septets += match c {
            '^' | '{' | '}' | '\\' | '[' | ']' | '~' | '|' => 2,
            '\n' | '\r' => 1,
            '`' => return Err(Unsendable::NotGsm(c)),
            c if c.is_ascii_control() => return Err(Unsendable::NotGsm(c)),
            c if c.is_ascii() => 1,
            c => return Err(Unsendable::NotAscii(c)),
        };
    }
    if septets > MAX_SEPTETS {
        return Err(Unsendable::TooLong { septets });
    }
    Ok(septets)
}

/// One message in `/tool/sms/inbox`. Every value is a string, as RouterOS
/// writes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxItem {
    /// `*1`, `*1F`: reused after a removal and renumbered by a reboot, so
    /// never an identity on its own.
    #[serde(rename = ".id")]
    pub id: String,
    /// The sender.
    pub phone: String,
    /// The text as RouterOS decoded it (GSM 7-bit only: a UCS-2 message
    /// comes out as garbage).
    pub message: String,
    /// The SMSC's time stamp, as RouterOS prints it (`2025-03-01 12:33:55`,
    /// or `aug/17/2024 15:27:02` before 7.10).
    pub timestamp: String,
    /// `class-0`, `class-1`, …
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The SMS-DELIVER PDU in hex, SMSC included (RouterOS 7.20 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdu: Option<String>,
}

/// `POST /rest/tool/sms/send`'s body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendRequest {
    /// The LTE interface.
    pub port: String,
    /// The destination; `+` first makes it international.
    #[serde(rename = "phone-number")]
    pub phone_number: String,
    /// The text, already checked by [`check_sendable`].
    pub message: String,
}

/// `POST /rest/tool/sms/inbox/remove`'s body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveRequest {
    /// The item's `.id`.
    #[serde(rename = ".id")]
    pub id: String,
}

/// `POST /rest/interface/lte/monitor {"numbers": INTERFACE, "once": ""}`'s
/// answer (one object in an array): the LTE interface's radio and
/// registration. Without `once` the command streams until RouterOS's 60 s
/// REST timeout. Values are strings, some with units (`-69dBm` on some
/// versions).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LteStatus {
    /// `connected`, `searching`, …
    #[serde(default)]
    pub status: Option<String>,
    /// `ok`, or what the SIM wants.
    #[serde(default)]
    pub pin_status: Option<String>,
    /// `registered`, `not registered`, `searching`, `denied`, `roaming`.
    #[serde(default)]
    pub registration_status: Option<String>,
    /// The operator's name.
    #[serde(default)]
    pub current_operator: Option<String>,
    /// `LTE`, `3G`, `GSM`, …
    #[serde(default)]
    pub access_technology: Option<String>,
    /// Received signal strength (3G and LTE).
    #[serde(default)]
    pub rssi: Option<String>,
    /// LTE reference signal received power.
    #[serde(default)]
    pub rsrp: Option<String>,
    /// LTE reference signal received quality.
    #[serde(default)]
    pub rsrq: Option<String>,
    /// LTE signal to interference and noise.
    #[serde(default)]
    pub sinr: Option<String>,
}

/// RouterOS's error body: `{"error":400,"message":"Bad Request","detail":"no such item"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The HTTP status again, as a number.
    pub error: u16,
    /// The status's reason.
    pub message: String,
    /// What went wrong, in RouterOS's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_text_routeros_delivers_whole_is_sendable() {
        assert_eq!(check_sendable("Hello, world!"), Ok(13));
        assert_eq!(check_sendable("a[b]"), Ok(6), "brackets take two septets");
        assert_eq!(check_sendable(&"x".repeat(160)), Ok(160));
        assert_eq!(
            check_sendable(&"x".repeat(161)),
            Err(Unsendable::TooLong { septets: 161 })
        );
        assert_eq!(
            check_sendable(&"~".repeat(81)),
            Err(Unsendable::TooLong { septets: 162 })
        );
        assert_eq!(check_sendable("Hellö"), Err(Unsendable::NotAscii('ö')));
        assert_eq!(check_sendable("£5"), Err(Unsendable::NotAscii('£')));
        assert_eq!(check_sendable("a`b"), Err(Unsendable::NotGsm('`')));
        assert_eq!(check_sendable("a\tb"), Err(Unsendable::NotGsm('\t')));
        let reason = Unsendable::NotAscii('ö').to_string();
        assert!(
            reason.contains("silently drops") && reason.contains("rfc2217://"),
            "{reason}"
        );
    }

    #[test]
    fn lte_monitor_reads_as_routeros_writes_it() {
        let status: Vec<LteStatus> = serde_json::from_str(
            r#"[{"status":"connected","registration-status":"registered","current-operator":"T-Mobile CZ",
                 "access-technology":"LTE","rssi":"-69dBm","rsrp":"-98","sinr":"12","imei":"x"}]"#,
        )
        .unwrap();
        assert_eq!(status[0].current_operator.as_deref(), Some("T-Mobile CZ"));
        assert_eq!(status[0].rssi.as_deref(), Some("-69dBm"));
        assert_eq!(status[0].rsrq, None);
    }

    #[test]
    fn inbox_items_read_as_routeros_writes_them() {
        let items: Vec<InboxItem> = serde_json::from_str(
            r#"[{".id":"*0","phone":"+420777123456","message":"Hello","timestamp":"2025-03-01 12:33:55","type":"class-1"},
                {".id":"*1F","phone":"+420777000111","message":"Hi","timestamp":"aug/17/2024 15:27:02","pdu":"0791"}]"#,
        )
        .unwrap();
        assert_eq!(items[0].id, "*0");
        assert_eq!(items[0].kind.as_deref(), Some("class-1"));
        assert_eq!(items[1].pdu.as_deref(), Some("0791"));
        let send = serde_json::to_value(SendRequest {
            port: "lte1".into(),
            phone_number: "+420777123456".into(),
            message: "Test".into(),
        })
        .unwrap();
        assert_eq!(
            send,
            serde_json::json!({"port": "lte1", "phone-number": "+420777123456", "message": "Test"})
        );
    }
}
