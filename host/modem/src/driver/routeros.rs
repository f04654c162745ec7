//! A modem a MikroTik router owns, through RouterOS's REST API: the
//! [`MessageApi`] the remote actor (`remote.rs`) drives.
//!
//! - **Sending** is `POST /tool/sms/send`, only for text RouterOS delivers
//!   whole ([`plutanium_routeros::check_sendable`]: ASCII, one SMS);
//!   anything else is refused before it reaches the router
//!   ([`SendError::Unsupported`]), never sent mangled. RouterOS gives no
//!   message reference, so no status report can be matched to the send.
//! - **Receiving** lists `GET /tool/sms/inbox` and removes with
//!   `POST /tool/sms/inbox/remove` and the item's `.id`.
//! - **Signal, operator, registration** come from
//!   `/interface/lte/monitor` with `once`.

use plutanium_at::response::RegistrationStatus;
use plutanium_routeros::{InboxItem, Router, RouterError};
use plutanium_sms::Timestamp;

use super::handle::Submitted;
use super::radio::{NetworkType, SimState, dbm, decibels};
use super::remote::{CallError, Failure, Listed, MessageApi};
use super::{DriverConfig, ModemInfo, SendError};

/// How long a call to the router may take: RouterOS holds a send while its
/// own AT exchange with the modem runs (up to a minute at first, it says).
const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(70);

/// The router's API for one LTE interface.
pub(super) struct RouterOsApi {
    router: Router,
}

impl RouterOsApi {
    /// The client for `config`'s `routeros+…` port, or why there can be none.
    pub(super) fn new(
        config: &DriverConfig,
        url: &plutanium_routeros::RouterOsUrl,
    ) -> Result<RouterOsApi, String> {
        let password = config.password.as_ref().ok_or_else(|| {
            format!(
                "{url} needs the RouterOS user's password: put it in a file and name it with \
                 `password_file:` on the modem"
            )
        })?;
        if !url.tls {
            tracing::warn!(modem = %config.name, router = %url,
                  "the router is reached over plain HTTP: its password and every message cross the network unencrypted");
        }
        let trust =
            plutanium_tls::TrustStore::load(&config.ca_files).map_err(|e| format!("{url}: {e}"))?;
        Ok(RouterOsApi {
            router: Router::new(url.clone(), &password.0, &trust, CALL_TIMEOUT),
        })
    }

    /// What the modem says it is before the first `monitor`.
    pub(super) fn info(url: &plutanium_routeros::RouterOsUrl) -> ModemInfo {
        ModemInfo {
            manufacturer: Some("MikroTik RouterOS".into()),
            model: Some(url.interface.clone()),
            ..ModemInfo::default()
        }
    }
}

impl From<RouterError> for CallError {
    fn from(e: RouterError) -> CallError {
        match e {
            RouterError::Unreachable { .. } => CallError::Unreached(e.to_string()),
            RouterError::Timeout { .. } => CallError::Unanswered(e.to_string()),
            e => CallError::Refused {
                transient: e.is_transient(),
                reason: e.to_string(),
            },
        }
    }
}

impl From<RouterError> for Failure {
    fn from(e: RouterError) -> Failure {
        CallError::from(e).into()
    }
}

impl From<RouterError> for SendError {
    fn from(e: RouterError) -> SendError {
        CallError::from(e).into()
    }
}

impl MessageApi for RouterOsApi {
    async fn inbox(&mut self) -> Result<Vec<Listed>, Failure> {
        let items = self.router.inbox().await?;
        Ok(items.into_iter().map(listed).collect())
    }

    async fn remove(&mut self, key: &str) -> Result<(), Failure> {
        Ok(self.router.remove(key).await.map(drop)?)
    }

    fn check(&self, text: &str) -> Result<(), SendError> {
        plutanium_routeros::check_sendable(text)
            .map(drop)
            .map_err(|e| SendError::Unsupported(e.to_string()))
    }

    async fn send(&mut self, to: &str, text: &str) -> Result<Submitted, SendError> {
        self.router.send(to, text).await?;
        Ok((vec![None], None))
    }

    async fn health(&mut self, info: &mut ModemInfo) -> Result<(), Failure> {
        let status = self.router.monitor().await?;
        info.operator = status.current_operator.clone();
        info.signal_dbm = dbm(status.rssi.as_ref());
        info.rsrp_dbm = dbm(status.rsrp.as_ref());
        info.rsrq_db = decibels(status.rsrq.as_ref());
        info.sinr_db = decibels(status.sinr.as_ref());
        info.network = status
            .access_technology
            .as_deref()
            .and_then(NetworkType::from_words);
        info.registration = status.registration_status.as_deref().map(registration);
        info.sim = status.pin_status.as_deref().map(SimState::from_words);
        Ok(())
    }

    async fn ussd(&mut self, _code: &str) -> Result<String, String> {
        Err(
            "USSD is not available through RouterOS's REST API; reach the modem over AT \
             (rfc2217:// to the router's USB port) for USSD"
                .into(),
        )
    }
}

/// An inbox item in the actor's terms.
fn listed(item: InboxItem) -> Listed {
    Listed {
        timestamp: timestamp(&item.timestamp),
        key: item.id,
        sender: item.phone,
        text: item.message,
        time: item.timestamp,
        pdu: item.pdu,
        settled: true,
    }
}

/// RouterOS's `registration-status` in AT's terms.
fn registration(text: &str) -> RegistrationStatus {
    match text {
        "registered" => RegistrationStatus::Home,
        "roaming" => RegistrationStatus::Roaming,
        "searching" => RegistrationStatus::Searching,
        "denied" => RegistrationStatus::Denied,
        "not registered" | "not-registered" => RegistrationStatus::NotRegistered,
        _ => RegistrationStatus::Unknown,
    }
}

/// RouterOS's time stamp: `2025-03-01 12:33:55` (7.10 and later) or
/// `aug/17/2024 15:27:02`; the time it was read when it is neither.
fn timestamp(text: &str) -> Timestamp {
    parse_timestamp(text).unwrap_or_else(|| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        Timestamp::from_unix(now, 0)
    })
}

fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let (date, time) = text.trim().split_once(' ')?;
    let mut clock = time.get(..8)?.split(':').map(|n| n.parse::<u8>().ok());
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    let (year, month, day) = if let Some((year, rest)) = date.split_once('-') {
        let (month, day) = rest.split_once('-')?;
        (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
    } else {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let mut parts = date.split('/');
        let month = parts.next()?.to_ascii_lowercase();
        let month = MONTHS.iter().position(|m| *m == month)? as u8 + 1;
        let day = parts.next()?.parse().ok()?;
        (parts.next()?.parse().ok()?, month, day)
    };
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    valid.then_some(Timestamp {
        year,
        month,
        day,
        hour,
        minute,
        second,
        offset_quarters: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_timestamp_forms_parse_and_garbage_does_not() {
        let new = parse_timestamp("2025-03-01 12:33:55").unwrap();
        assert_eq!(
            (
                new.year, new.month, new.day, new.hour, new.minute, new.second
            ),
            (2025, 3, 1, 12, 33, 55)
        );
        let old = parse_timestamp("aug/17/2024 15:27:02").unwrap();
        assert_eq!((old.year, old.month, old.day, old.hour), (2024, 8, 17, 15));
        assert!(parse_timestamp("yesterday").is_none());
        assert!(parse_timestamp("2025-13-01 12:33:55").is_none());
    }

    #[test]
    fn the_fingerprint_ignores_the_id() {
        let item = |id: &str, message: &str| {
            listed(InboxItem {
                id: id.into(),
                phone: "+420777123456".into(),
                message: message.into(),
                timestamp: "2025-03-01 12:33:55".into(),
                kind: None,
                pdu: None,
            })
        };
        assert_eq!(
            item("*0", "Hi").fingerprint(),
            item("*7", "Hi").fingerprint()
        );
        assert_ne!(
            item("*0", "Hi").fingerprint(),
            item("*0", "Hi!").fingerprint()
        );
    }
}
