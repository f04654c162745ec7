//! A Plutanium sink: counts the events it receives, in its key-value store.

use plutanium_sdk::{Config, Error, Event, Sink, kv};

pub struct TypeName;

impl Sink for TypeName {
    fn new(_config: &Config) -> Result<Self, Error> {
        Ok(TypeName)
    }

    fn deliver(&mut self, event: Event) -> Result<(), Error> {
        let kind = match event {
            Event::Sms(_) => "sms",
            Event::Call(_) => "call",
            Event::Status(_) => "status",
        };
        let key = format!("count/{kind}");
        let count: u64 = kv::get_str(&key)?.and_then(|v| v.parse().ok()).unwrap_or(0) + 1;
        kv::set_str(&key, &count.to_string())?;
        Ok(())
    }
}

plutanium_sdk::export_sink!(TypeName);

#[cfg(test)]
mod tests {
    use plutanium_sdk::testing::{self, FakeHost, Harness};

    use super::*;

    #[test]
    fn counts_events_by_kind() {
        let mut harness = Harness::<TypeName>::new(FakeHost::new());
        harness.deliver(Event::Sms(testing::sms("+420777123456", "a"))).unwrap();
        harness.deliver(Event::Sms(testing::sms("+420777123456", "b"))).unwrap();
        assert_eq!(harness.host().kv_text("count/sms").as_deref(), Some("2"));
    }
}
