//! A Plutanium processor: answers every SMS with the configured prefix and its text.

use plutanium_sdk::{Action, Config, Error, Processor, Sms};

pub struct TypeName {
    prefix: String,
}

impl Processor for TypeName {
    fn new(config: &Config) -> Result<Self, Error> {
        Ok(TypeName {
            prefix: config.get_or("prefix", "You said: ").to_string(),
        })
    }

    fn on_sms(&mut self, sms: Sms) -> Result<Vec<Action>, Error> {
        plutanium_sdk::log::info("answering", &[("sender", &sms.sender)]);
        Ok(vec![Action::reply(format!("{}{}", self.prefix, sms.text))])
    }
}

plutanium_sdk::export_processor!(TypeName);

#[cfg(test)]
mod tests {
    use plutanium_sdk::testing::{FakeHost, Harness};

    use super::*;

    #[test]
    fn answers_with_the_prefix() {
        let mut harness = Harness::<TypeName>::new(FakeHost::new().config("prefix", "Echo: "));
        let actions = harness.sms("+420777123456", "hello").unwrap();
        assert_eq!(actions, vec![Action::reply("Echo: hello")]);
    }
}
