//! A Huawei stick in HiLink mode (or a Huawei router), through its web
//! API: the [`MessageApi`] the remote actor (`remote.rs`) drives.
//!
//! - **Sending** is `/api/sms/send-sms` with the text; the device picks
//!   GSM 7-bit or UCS-2 and splits long texts itself. Its `OK` only means
//!   "taken"; `/api/sms/send-status` then names the number under
//!   `SucPhone` or `FailPhone`, which decides the outcome. No answer in
//!   time means it may have been sent. The API gives no message reference,
//!   so no status report can be matched to a send.
//! - **Receiving** pages `/api/sms/sms-list` (the device's inbox, oldest
//!   first) and deletes with `/api/sms/delete-sms`. The device reassembles
//!   multipart SMS itself and lists one as it grows (`SmsType` 2), so such
//!   a message is taken only once it has stayed unchanged for
//!   [`DriverConfig::merge_grace`]. Delivery reports (`SmsType` 7 and 8)
//!   cannot be matched to a send, and are deleted so that they do not fill
//!   the device's storage.
//! - **Signal, operator, registration** come from
//!   `/api/monitoring/status`, `/api/device/signal` and
//!   `/api/net/current-plmn` (either of the last two may be missing on a
//!   firmware; the rest goes on without it).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use plutanium_at::response::RegistrationStatus;
use plutanium_hilink::{Device, DeviceError, HilinkUrl};
use plutanium_sms::Timestamp;

use super::handle::Submitted;
use super::radio::{NetworkType, SimState, dbm, decibels};
use super::remote::{CallError, Failure, Listed, MessageApi};
use super::{DriverConfig, ModemInfo, SendError};

/// How long a call to the device may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a send may take from `OK` to `SucPhone` or `FailPhone`.
const SEND_WAIT: Duration = Duration::from_secs(90);

/// How often `send-status` is asked meanwhile.
const SEND_POLL: Duration = Duration::from_millis(200);

/// The device's API.
pub(super) struct HilinkApi {
    device: Device,
    grace: Duration,
    /// How long a USSD code waits for the network, as over AT.
    ussd_timeout: Duration,
    /// Multipart messages being merged: index → (text, since when).
    merging: HashMap<u32, (String, Instant)>,
}

impl HilinkApi {
    pub(super) fn new(config: &DriverConfig, url: &HilinkUrl) -> HilinkApi {
        HilinkApi {
            device: Device::new(
                url.clone(),
                config.password.as_ref().map(|p| p.0.clone()),
                CALL_TIMEOUT,
            ),
            grace: config.merge_grace,
            ussd_timeout: config.ussd_timeout,
            merging: HashMap::new(),
        }
    }

    /// What the modem says it is before the first status.
    pub(super) fn info() -> ModemInfo {
        ModemInfo {
            manufacturer: Some("Huawei HiLink".into()),
            ..ModemInfo::default()
        }
    }
}

impl From<DeviceError> for CallError {
    fn from(e: DeviceError) -> CallError {
        match e {
            DeviceError::Unreachable { .. } => CallError::Unreached(e.to_string()),
            DeviceError::Timeout { .. } => CallError::Unanswered(e.to_string()),
            e => CallError::Refused {
                transient: e.is_transient(),
                reason: e.to_string(),
            },
        }
    }
}

impl From<DeviceError> for Failure {
    fn from(e: DeviceError) -> Failure {
        CallError::from(e).into()
    }
}

impl From<DeviceError> for SendError {
    fn from(e: DeviceError) -> SendError {
        CallError::from(e).into()
    }
}

impl MessageApi for HilinkApi {
    async fn inbox(&mut self) -> Result<Vec<Listed>, Failure> {
        let messages = self.device.inbox().await?;
        let now = Instant::now();
        let mut merging = HashMap::new();
        let mut listed = Vec::with_capacity(messages.len());
        for message in messages {
            if matches!(message.sms_type, 7 | 8) {
                // A delivery report: it names no send this API told us of,
                // and left there it would fill the device's storage until
                // it refuses new SMS (113053). Not deleted now, it is next
                // time.
                if let Err(e) = self.device.delete(message.index).await {
                    tracing::debug!(index = message.index, error = %e, "cannot delete a delivery report from the HiLink device");
                }
                continue;
            }
            let settled = if message.sms_type == 2 {
                let since = match self.merging.get(&message.index) {
                    Some((text, since)) if *text == message.content => *since,
                    _ => now,
                };
                merging.insert(message.index, (message.content.clone(), since));
                now.duration_since(since) >= self.grace
            } else {
                true
            };
            listed.push(Listed {
                key: message.index.to_string(),
                timestamp: timestamp(&message.date),
                sender: message.phone,
                text: message.content,
                time: message.date,
                pdu: None,
                settled,
            });
        }
        self.merging = merging;
        Ok(listed)
    }

    async fn remove(&mut self, key: &str) -> Result<(), Failure> {
        let index = key.parse().map_err(|_| Failure {
            reason: format!("{key:?} is not a HiLink message index"),
            transient: false,
        })?;
        Ok(self.device.delete(index).await?)
    }

    fn check(&self, _text: &str) -> Result<(), SendError> {
        // The device encodes and splits whatever it is given.
        Ok(())
    }

    async fn send(&mut self, to: &str, text: &str) -> Result<Submitted, SendError> {
        self.device.send(to, text).await?;
        let number = to.trim_start_matches('+');
        let until = Instant::now() + SEND_WAIT;
        while Instant::now() < until {
            tokio::time::sleep(SEND_POLL).await;
            // Unanswered now, it was taken already: it may have been sent.
            let Ok(status) = self.device.send_status().await else {
                continue;
            };
            if status.failed.contains(number) {
                return Err(SendError::Rejected {
                    reason: format!(
                        "the HiLink device at {} could not send it (FailPhone: {})",
                        self.device.url(),
                        status.failed
                    ),
                    transient: true,
                });
            }
            if status.succeeded.contains(number) {
                return Ok((vec![None], None));
            }
        }
        Err(SendError::Timeout {
            part: 1,
            sent: Vec::new(),
        })
    }

    async fn health(&mut self, info: &mut ModemInfo) -> Result<(), Failure> {
        let status = self.device.status().await?;
        info.registration = Some(match (status.service, status.roaming) {
            (Some(2), Some(1)) => RegistrationStatus::Roaming,
            (Some(2), _) => RegistrationStatus::Home,
            (Some(_), _) => RegistrationStatus::Searching,
            (None, _) => RegistrationStatus::Unknown,
        });
        info.network = status.network_type.and_then(NetworkType::from_hilink);
        info.sim = status.sim.map(SimState::from_hilink);
        // Missing on some firmware (100002): the rest is still worth having.
        match self.device.signal().await {
            Ok(signal) => {
                info.signal_dbm = dbm(signal.rssi.as_ref());
                info.rsrp_dbm = dbm(signal.rsrp.as_ref());
                info.rsrq_db = decibels(signal.rsrq.as_ref());
                info.sinr_db = decibels(signal.sinr.as_ref());
            }
            Err(e) if e.code() == Some(100002) => {}
            Err(e) => return Err(e.into()),
        }
        match self.device.plmn().await {
            Ok(plmn) => info.operator = plmn.full_name,
            Err(e) if e.code() == Some(100002) => {}
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    async fn ussd(&mut self, code: &str) -> Result<String, String> {
        // The whole exchange within the wait, however slow each call is.
        let wait = self.ussd_timeout;
        match tokio::time::timeout(wait, self.device.ussd(code, wait)).await {
            Ok(answer) => answer.map_err(|e| e.to_string()),
            Err(_) => Err(format!(
                "no answer from the network to USSD {code} within {} s",
                wait.as_secs()
            )),
        }
    }
}

/// The device's `2025-03-01 12:33:55` (its local time, zone unknown); the
/// time it was read when it is not that.
fn timestamp(text: &str) -> Timestamp {
    let parsed = || -> Option<Timestamp> {
        let (date, time) = text.trim().split_once(' ')?;
        let mut d = date.split('-').map(|n| n.parse::<u16>().ok());
        let mut t = time.split(':').map(|n| n.parse::<u8>().ok());
        let (year, month, day) = (d.next()??, d.next()??, d.next()??);
        let (hour, minute, second) = (t.next()??, t.next()??, t.next()??);
        let valid = (1..=12).contains(&month)
            && (1..=31).contains(&day)
            && hour < 24
            && minute < 60
            && second < 60;
        valid.then_some(Timestamp {
            year,
            month: u8::try_from(month).ok()?,
            day: u8::try_from(day).ok()?,
            hour,
            minute,
            second,
            offset_quarters: 0,
        })
    };
    parsed().unwrap_or_else(|| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        Timestamp::from_unix(now, 0)
    })
}
