//! Run connector logic natively, against a fake host.
//!
//! [`FakeHost`] stands in for the daemon: config, a key-value store, a clock,
//! log lines, and scripted HTTP responses. [`Harness`] creates your connector
//! from the fake host's config and calls it the way the daemon would.
//!
//! ```
//! use plutanium_sdk::testing::{FakeHost, Harness};
//! use plutanium_sdk::{Action, Config, Error, Processor, Sms};
//!
//! struct Greeter { greeting: String }
//!
//! impl Processor for Greeter {
//!     fn new(config: &Config) -> Result<Self, Error> {
//!         Ok(Greeter { greeting: config.require("greeting")?.to_string() })
//!     }
//!     fn on_sms(&mut self, sms: Sms) -> Result<Vec<Action>, Error> {
//!         plutanium_sdk::kv::set_str("last", &sms.sender)?;
//!         Ok(vec![Action::reply(format!("{} {}", self.greeting, sms.sender))])
//!     }
//! }
//!
//! let mut harness = Harness::<Greeter>::new(FakeHost::new().config("greeting", "Hi"));
//! let actions = harness.sms("+420777123456", "hello").unwrap();
//! assert_eq!(actions, vec![Action::reply("Hi +420777123456")]);
//! assert_eq!(harness.host().kv_text("last").as_deref(), Some("+420777123456"));
//! ```

use std::cell::RefCell;

pub use crate::fake_host::{FakeHost, LogLine, MAX_KV_VALUE, START_TIME};
use crate::{
    Action, Call, DeliveryState, DeliveryStatus, Error, Event, Outbound, Processor, Sink, Sms,
    Source,
};

/// An inbound SMS from `sender` as the daemon would pass it: id `test-sms`,
/// to `+10000000000` on modem `gsm0`, received at [`START_TIME`].
pub fn sms(sender: &str, text: &str) -> Sms {
    Sms {
        id: "test-sms".into(),
        sender: sender.into(),
        recipient: "+10000000000".into(),
        text: text.into(),
        received_at: START_TIME,
        modem: "gsm0".into(),
        meta: Vec::new(),
    }
}

/// A missed call from `caller` (`None`: number withheld) on modem `gsm0`.
pub fn call(caller: Option<&str>) -> Call {
    Call {
        caller: caller.map(str::to_string),
        modem: "gsm0".into(),
        at: START_TIME,
    }
}

/// A delivery status for the message with `key`.
pub fn status(key: &str, to: &str, state: DeliveryState) -> DeliveryStatus {
    DeliveryStatus {
        key: key.into(),
        to: to.into(),
        state,
        detail: None,
        at: START_TIME,
    }
}

/// Drives a connector of type `T` the way the daemon does: the instance is
/// created from the host's config on the first call, a failed creation is
/// retried on the next, and [`Harness::restart`] drops it as a trap would.
pub struct Harness<T> {
    host: FakeHost,
    instance: RefCell<Option<T>>,
}

impl<T> Harness<T> {
    /// A harness over `host`.
    pub fn new(host: FakeHost) -> Self {
        Harness {
            host,
            instance: RefCell::new(None),
        }
    }

    /// The fake host, to script responses and look at what happened.
    pub fn host(&self) -> &FakeHost {
        &self.host
    }

    /// Drops the instance; the next call creates a new one, as after a trap
    /// or a daemon restart. Only the store survives.
    pub fn restart(&mut self) {
        self.instance.replace(None);
    }

    fn call<R>(
        &self,
        new: fn(&crate::Config) -> Result<T, Error>,
        f: impl FnOnce(&mut T) -> Result<R, Error>,
    ) -> Result<R, Error> {
        self.host
            .run(|| crate::__private::with_instance(&self.instance, new, f))
    }
}

impl<T: Processor> Harness<T> {
    /// Calls the processor with `event`.
    pub fn handle(&mut self, event: Event) -> Result<Vec<Action>, Error> {
        self.call(<T as Processor>::new, |p| p.handle(event))
    }

    /// Calls the processor with an SMS built by [`sms`].
    pub fn sms(&mut self, sender: &str, text: &str) -> Result<Vec<Action>, Error> {
        self.handle(Event::Sms(sms(sender, text)))
    }
}

impl<T: Sink> Harness<T> {
    /// Delivers `event` to the sink.
    pub fn deliver(&mut self, event: Event) -> Result<(), Error> {
        self.call(<T as Sink>::new, |s| s.deliver(event))
    }
}

impl<T: Source> Harness<T> {
    /// Polls the source for up to `max` messages.
    pub fn poll(&mut self, max: u32) -> Result<Vec<Outbound>, Error> {
        self.call(<T as Source>::new, |s| s.poll(max))
    }

    /// Tells the source these keys are committed.
    pub fn ack(&mut self, keys: &[&str]) -> Result<(), Error> {
        let keys = keys.iter().map(|k| (*k).to_string()).collect();
        self.call(<T as Source>::new, |s| s.ack(keys))
    }

    /// Tells the source these keys were refused, with reasons.
    pub fn reject(&mut self, refused: &[(&str, &str)]) -> Result<(), Error> {
        let refused = refused
            .iter()
            .map(|(k, r)| ((*k).to_string(), (*r).to_string()))
            .collect();
        self.call(<T as Source>::new, |s| s.reject(refused))
    }
}
