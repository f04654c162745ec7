//! A Plutanium source: sends the configured `text` to `to` once a day.

use plutanium_sdk::{Config, Error, Outbound, Source, kv, number};

pub struct TypeName {
    to: String,
    text: String,
}

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

impl Source for TypeName {
    fn new(config: &Config) -> Result<Self, Error> {
        let to = number::normalize(config.require("to")?, config.get("default_country"))
            .map_err(|e| Error::config(format!("`to`: {e}")))?;
        Ok(TypeName { to, text: config.get_or("text", "Good morning!").to_string() })
    }

    fn poll(&mut self, max: u32) -> Result<Vec<Outbound>, Error> {
        let day = plutanium_sdk::now() / DAY_MS;
        if max == 0 || kv::get_str("sent-day")?.as_deref() == Some(day.to_string().as_str()) {
            return Ok(Vec::new());
        }
        // The key names the day, so a repeated poll never sends twice.
        Ok(vec![Outbound::new(&self.to, &self.text, format!("crate_name:{day}"))])
    }

    fn ack(&mut self, keys: Vec<String>) -> Result<(), Error> {
        if let Some(day) = keys.iter().find_map(|k| k.strip_prefix("crate_name:")) {
            kv::set_str("sent-day", day)?;
        }
        Ok(())
    }

    fn reject(&mut self, refused: Vec<(String, String)>) -> Result<(), Error> {
        // Refused (by the daemon's policy, say): do not offer it again today.
        for (key, reason) in refused {
            plutanium_sdk::log::warn("refused", &[("key", &key), ("reason", &reason)]);
            if let Some(day) = key.strip_prefix("crate_name:") {
                kv::set_str("sent-day", day)?;
            }
        }
        Ok(())
    }
}

plutanium_sdk::export_source!(TypeName);

#[cfg(test)]
mod tests {
    use plutanium_sdk::testing::{FakeHost, Harness};

    use super::*;

    #[test]
    fn one_message_a_day_until_acknowledged() {
        let mut harness = Harness::<TypeName>::new(FakeHost::new().config("to", "+420777123456"));
        let first = harness.poll(10).unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(harness.poll(10).unwrap(), first, "offered again until acknowledged");
        harness.ack(&[first[0].key.as_str()]).unwrap();
        assert!(harness.poll(10).unwrap().is_empty());
        harness.host().advance(DAY_MS);
        let next = harness.poll(10).unwrap();
        assert_eq!(next.len(), 1);
        harness.reject(&[(next[0].key.as_str(), "policy")]).unwrap();
        assert!(harness.poll(10).unwrap().is_empty(), "a refused message is not offered again");
    }
}
