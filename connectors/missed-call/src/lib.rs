//! The built-in `missed-call` processor: every missed call becomes an SMS to
//! the numbers in `notify`.
//!
//! Config:
//! - `notify` (required): numbers to tell, separated by `,` or `;`.
//! - `template` (default `Missed call from {caller} at {time}`): `{caller}`,
//!   `{time}` (`HH:MM`), `{date}` (`YYYY-MM-DD`) and `{modem}` are filled in.
//! - `timezone` (default `UTC`): `UTC` or an offset such as `+01:00`.
//! - `default_country` (optional): a calling code such as `+420`, for
//!   national numbers in `notify`.
//! - `repeat_window` (default `60`): seconds in which another call from the
//!   same number counts as the same call (a phone that rings again, or a
//!   modem that reports one call twice). Withheld numbers count as one
//!   number. The same call handed over again (a retry) gets the same
//!   messages with the same keys, so the daemon sends them once.
//!
//! Other events pass through untouched.

use plutanium_sdk::{Action, Call, Config, Error, Processor, kv, number, text, time};

/// The processor.
pub struct MissedCall {
    notify: Vec<String>,
    template: String,
    offset_minutes: i32,
    repeat_window_ms: u64,
}

const DEFAULT_TEMPLATE: &str = "Missed call from {caller} at {time}";

impl Processor for MissedCall {
    fn new(config: &Config) -> Result<Self, Error> {
        let country = config.get("default_country");
        let notify = config
            .list("notify")
            .iter()
            .map(|raw| {
                number::normalize(raw, country).map_err(|e| Error::config(format!("`notify`: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if notify.is_empty() {
            return Err(Error::config("`notify` needs at least one number"));
        }
        let offset_minutes = time::parse_offset(config.get_or("timezone", "UTC"))
            .map_err(|e| Error::config(format!("`timezone`: {}", e.message())))?;
        let repeat_window_s: u64 = config.parse("repeat_window")?.unwrap_or(60);
        Ok(MissedCall {
            notify,
            template: config.get_or("template", DEFAULT_TEMPLATE).to_string(),
            offset_minutes,
            repeat_window_ms: repeat_window_s.saturating_mul(1000),
        })
    }

    fn on_call(&mut self, call: Call) -> Result<Vec<Action>, Error> {
        let caller_key = call.caller.as_deref().unwrap_or("withheld");
        let last_key = format!("last/{caller_key}");
        let last = kv::get_str(&last_key)?.and_then(|v| v.parse::<u64>().ok());
        match last {
            // The very call we notified about, handed to us again (a retry):
            // the same actions, whose keys the host has already seen.
            Some(last) if last == call.at => {}
            Some(last) if last.abs_diff(call.at) < self.repeat_window_ms => {
                plutanium_sdk::log::debug(
                    "same call again; not notifying",
                    &[("caller", caller_key)],
                );
                return Ok(Vec::new());
            }
            Some(last) if last > call.at => {} // an older call, reported late
            _ => {
                kv::set_str(&last_key, &call.at.to_string())?;
                self.forget_calls_before(call.at.saturating_sub(self.repeat_window_ms))?;
            }
        }
        let local = time::local(call.at, self.offset_minutes);
        let date = format!("{:04}-{:02}-{:02}", local.year, local.month, local.day);
        let time = format!("{:02}:{:02}", local.hour, local.minute);
        let caller = call.caller.as_deref().unwrap_or("a withheld number");
        let message = text::render(
            &self.template,
            &[
                ("caller", caller),
                ("time", &time),
                ("date", &date),
                ("modem", &call.modem),
            ],
        );
        plutanium_sdk::log::info(
            "missed call",
            &[("caller", caller_key), ("modem", &call.modem)],
        );
        Ok(self
            .notify
            .iter()
            .map(|to| {
                let key = format!("missed-call:{}:{caller_key}:{}:{to}", call.modem, call.at);
                Action::send(to, message.clone(), key)
            })
            .collect())
    }
}

impl MissedCall {
    /// Drops the remembered calls that ended before `cutoff`, so the store
    /// holds only the callers of the last window.
    fn forget_calls_before(&self, cutoff: u64) -> Result<(), Error> {
        for key in kv::keys("last/")? {
            let at = kv::get_str(&key)?.and_then(|v| v.parse::<u64>().ok());
            if at.is_none_or(|at| at < cutoff) {
                kv::delete(&key)?;
            }
        }
        Ok(())
    }
}

plutanium_sdk::export_processor!(MissedCall);

#[cfg(test)]
mod tests {
    use plutanium_sdk::testing::{self, FakeHost, Harness, START_TIME};
    use plutanium_sdk::{Event, Outbound};

    use super::*;

    fn harness(extra: &[(&str, &str)]) -> Harness<MissedCall> {
        let mut host = FakeHost::new().config("notify", "+420777000111, 777000222");
        host = host.config("default_country", "+420");
        for (k, v) in extra {
            host = host.config(*k, *v);
        }
        Harness::new(host)
    }

    fn call_at(caller: Option<&str>, at: u64) -> Event {
        let mut call = testing::call(caller);
        call.at = at;
        Event::Call(call)
    }

    #[test]
    fn a_missed_call_notifies_every_number_once() {
        let mut h = harness(&[("timezone", "+01:00")]);
        let actions = h
            .handle(call_at(Some("+420601234567"), START_TIME))
            .unwrap();
        let sent: Vec<(&str, &str)> = actions
            .iter()
            .map(|a| match a {
                Action::Send(Outbound { to, text, .. }) => (to.as_str(), text.as_str()),
                other => panic!("expected sends, got {other:?}"),
            })
            .collect();
        // START_TIME is 2026-01-01 00:00 UTC, 01:00 at +01:00.
        let text = "Missed call from +420601234567 at 01:00";
        assert_eq!(sent, [("+420777000111", text), ("+420777000222", text)]);
        // The phone rings again, and the modem reports it four times: one call.
        for later in [1_000, 5_000, 20_000, 59_000] {
            assert!(
                h.handle(call_at(Some("+420601234567"), START_TIME + later))
                    .unwrap()
                    .is_empty()
            );
        }
        // The state is in the store, so a restart does not notify twice.
        h.restart();
        assert!(
            h.handle(call_at(Some("+420601234567"), START_TIME + 2_000))
                .unwrap()
                .is_empty()
        );
        // The notified call handed over again (a retry): the same actions, same keys.
        assert_eq!(
            h.handle(call_at(Some("+420601234567"), START_TIME))
                .unwrap(),
            actions
        );
        // After the window it is a new call, with its own idempotency keys.
        let again = h
            .handle(call_at(Some("+420601234567"), START_TIME + 61_000))
            .unwrap();
        assert_eq!(again.len(), 2);
        assert_ne!(again, actions);
        // A call from long before, reported late, is its own call too.
        let late = h
            .handle(call_at(Some("+420601234567"), START_TIME - 3_600_000))
            .unwrap();
        assert_eq!(late.len(), 2);
        // Only the callers of the last window stay in the store.
        h.handle(call_at(Some("+420601000000"), START_TIME + 3_600_000))
            .unwrap();
        assert_eq!(h.host().kv_all_keys(), ["last/+420601000000"]);
    }

    #[test]
    fn template_withheld_numbers_and_other_events() {
        let mut h = harness(&[
            ("template", "{date} {time} {caller} via {modem}"),
            ("timezone", "-05:30"),
        ]);
        let actions = h.handle(call_at(None, START_TIME)).unwrap();
        let Some(Action::Send(out)) = actions.first() else {
            panic!("{actions:?}")
        };
        assert_eq!(out.text, "2025-12-31 18:30 a withheld number via gsm0");
        assert!(h.sms("+420601234567", "hello").unwrap().is_empty());
    }

    #[test]
    fn bad_config_names_the_key() {
        for (extra, key) in [
            (&[("timezone", "Europe/Prague")][..], "timezone"),
            (&[("repeat_window", "soon")][..], "repeat_window"),
        ] {
            let mut h = harness(extra);
            let e = h.handle(call_at(Some("+1"), START_TIME)).unwrap_err();
            assert!(matches!(&e, Error::Config(m) if m.contains(key)), "{e:?}");
        }
        let mut h = Harness::<MissedCall>::new(FakeHost::new().config("notify", "777000111"));
        let e = h.handle(call_at(Some("+1"), START_TIME)).unwrap_err();
        assert!(
            matches!(&e, Error::Config(m) if m.contains("notify")),
            "{e:?}"
        );
    }
}
