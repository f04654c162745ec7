//! A device in front of a simulated modem that keeps an inbox of its own,
//! as a MikroTik router or a HiLink stick does: it drives the modem over AT
//! (with Plutanium's own driver), lists each SMS until it is removed, and
//! deletes it from the SIM only then. The fakes in `routeros.rs` and
//! `hilink.rs` put their APIs on top.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use plutanium_modem::{
    Ack, DriverConfig, InProcessPorts, ModemEvent, ModemHandle, PortUrl, SendOptions,
};
use plutanium_sms::Timestamp;
use tokio::task::JoinHandle;

use crate::Simulator;

/// One SMS in the device's inbox.
pub(crate) struct Entry {
    pub(crate) phone: String,
    pub(crate) text: String,
    /// The SMSC's time stamp.
    pub(crate) time: Timestamp,
    /// How many parts it came in.
    pub(crate) parts: usize,
    /// A delivery report the device keeps as a message (HiLink does).
    pub(crate) report: bool,
    ack: Option<Ack>,
}

/// How the device numbers its messages.
#[derive(Clone, Copy)]
pub(crate) enum Ids {
    /// The lowest number not in use (RouterOS's `.id`s).
    ReuseLowest,
    /// Counting up from here, never reused (HiLink's `Index`).
    CountUp(u32),
}

#[derive(Default)]
struct State {
    entries: BTreeMap<u32, Entry>,
    next: u32,
    sent: usize,
    removed: usize,
}

/// The device.
pub(crate) struct Device {
    sim: Simulator,
    modem: String,
    ids: Ids,
    state: Mutex<State>,
    handle: Mutex<Option<ModemHandle>>,
    reader: Mutex<Option<JoinHandle<()>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Device {
    pub(crate) fn new(sim: Simulator, modem: &str, ids: Ids) -> Arc<Device> {
        let next = match ids {
            Ids::ReuseLowest => 0,
            Ids::CountUp(first) => first,
        };
        Arc::new(Device {
            sim,
            modem: modem.to_string(),
            ids,
            state: Mutex::new(State {
                next,
                ..State::default()
            }),
            handle: Mutex::new(None),
            reader: Mutex::new(None),
        })
    }

    /// Starts driving the modem; the SIM's messages fill the inbox.
    pub(crate) fn power_on(self: &Arc<Self>) {
        let ports: Arc<dyn InProcessPorts> = Arc::new(self.sim.clone());
        let mut config = DriverConfig::new(
            format!("front-{}", self.modem),
            PortUrl::InProcess {
                name: self.modem.clone(),
            },
        );
        config.reconnect_initial = Duration::from_millis(50);
        let (handle, mut events) = plutanium_modem::spawn(config, Some(ports));
        *lock(&self.handle) = Some(handle);
        let device = Arc::downgrade(self);
        let reader = tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                let (ModemEvent::Sms(sms), Some(device)) = (event, device.upgrade()) else {
                    continue;
                };
                let text = match &sms.payload {
                    plutanium_sms::Payload::Text(text) => text.clone(),
                    _ => String::new(),
                };
                device.file(Entry {
                    phone: sms.sender.clone(),
                    text,
                    time: sms.timestamp,
                    parts: sms.parts,
                    report: false,
                    ack: Some(sms.ack),
                });
            }
        });
        *lock(&self.reader) = Some(reader);
    }

    /// Stops driving the modem and forgets the inbox; the messages stay on
    /// the SIM (their acknowledgements are dropped, not given).
    pub(crate) async fn power_off(&self) {
        let reader = lock(&self.reader).take();
        if let Some(reader) = reader {
            reader.abort();
            let _ = reader.await;
        }
        let handle = lock(&self.handle).take();
        if let Some(handle) = handle {
            handle.stop().await;
        }
        lock(&self.state).entries.clear();
    }

    /// Files a delivery report from `phone` in the inbox, as a device that
    /// keeps them as messages does.
    pub(crate) fn file_report(&self, phone: &str) {
        self.file(Entry {
            phone: phone.to_string(),
            text: String::new(),
            time: Timestamp::from_unix(0, 0),
            parts: 1,
            report: true,
            ack: None,
        });
    }

    /// Puts `entry` in the inbox under the next id the device gives.
    fn file(&self, entry: Entry) {
        let mut state = lock(&self.state);
        let id = match self.ids {
            Ids::ReuseLowest => (0..).find(|n| !state.entries.contains_key(n)).unwrap_or(0),
            Ids::CountUp(_) => {
                state.next += 1;
                state.next - 1
            }
        };
        state.entries.insert(id, entry);
    }

    /// Reads the inbox.
    pub(crate) fn inbox<R>(&self, f: impl FnOnce(&BTreeMap<u32, Entry>) -> R) -> R {
        f(&lock(&self.state).entries)
    }

    /// Removes message `id` from the inbox and the SIM; `false` if there
    /// is no such message.
    pub(crate) fn remove(&self, id: u32) -> bool {
        let mut state = lock(&self.state);
        let Some(mut entry) = state.entries.remove(&id) else {
            return false;
        };
        if let Some(ack) = entry.ack.take() {
            ack.ack();
        }
        state.removed += 1;
        true
    }

    /// Sends `text` to `to` through the modem.
    pub(crate) async fn send(
        &self,
        to: &str,
        text: &str,
        options: &SendOptions,
    ) -> Result<(), String> {
        let handle = lock(&self.handle).clone().ok_or("the modem is off")?;
        handle
            .send_text(to, text, options)
            .await
            .map_err(|e| e.to_string())?;
        lock(&self.state).sent += 1;
        Ok(())
    }

    /// Runs a USSD code through the modem: the network's answer.
    pub(crate) async fn ussd(&self, code: &str) -> Result<String, String> {
        let handle = lock(&self.handle).clone().ok_or("the modem is off")?;
        handle.ussd(code).await
    }

    /// Messages sent through it so far.
    pub(crate) fn sent(&self) -> usize {
        lock(&self.state).sent
    }

    /// Messages removed through it so far.
    pub(crate) fn removed(&self) -> usize {
        lock(&self.state).removed
    }
}
