//! The README's five-minute tutorial (as rustfmt lays it out), so it keeps working.

// The tutorial code is shown to readers as it is, without doc comments.
#![allow(missing_docs)]

use plutanium_sdk::{Action, Config, Error, Processor, Sms, kv, text};

pub struct Shout {
    greeting: String,
}

impl Processor for Shout {
    // Called on the first event, with the `config:` map from the daemon's YAML.
    fn new(config: &Config) -> Result<Self, Error> {
        Ok(Shout {
            greeting: config.get_or("greeting", "Hi").to_string(),
        })
    }

    fn on_sms(&mut self, sms: Sms) -> Result<Vec<Action>, Error> {
        // The key-value store is durable and belongs to this connector.
        let key = format!("seen/{}", sms.sender);
        let seen: u32 = kv::get_str(&key)?.and_then(|v| v.parse().ok()).unwrap_or(0) + 1;
        kv::set_str(&key, &seen.to_string())?;
        let reply = format!("{} #{seen}: {}", self.greeting, sms.text.to_uppercase());
        // Keep the answer to one SMS part.
        Ok(vec![Action::reply(text::truncate_to_parts(&reply, 1))])
    }
}

plutanium_sdk::export_processor!(Shout);

mod tests {
    use super::*;
    use plutanium_sdk::testing::{FakeHost, Harness};

    #[test]
    fn counts_and_shouts() {
        let mut h = Harness::<Shout>::new(FakeHost::new().config("greeting", "Hey"));
        assert_eq!(
            h.sms("+420777123456", "hello").unwrap(),
            vec![Action::reply("Hey #1: HELLO")]
        );
        h.restart(); // as after a crash: only the store survives
        assert_eq!(
            h.sms("+420777123456", "again").unwrap(),
            vec![Action::reply("Hey #2: AGAIN")]
        );
    }
}
