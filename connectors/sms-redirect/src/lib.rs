//! The built-in `sms-redirect` processor: every inbound SMS (and missed
//! call) is forwarded to the currently active number; an owner changes that
//! number by SMS, and the active number can answer through the gateway.
//!
//! Config:
//! - `owner` (required): numbers allowed to command it (`,`/`;`-separated or
//!   a list). The current destination may command it too.
//! - `keyword` (default `REDIRECT`): the command word, any case.
//! - `destination` (optional): the number to forward to until a command
//!   sets another.
//! - `template` (default `{sender}: {text}`): a forwarded SMS.
//! - `forward_calls` (default `true`): forward missed calls as
//!   `call_template` (default `Missed call from {caller} at {time}`).
//! - `timezone` (default `UTC`) for `{time}`; `default_country` for national
//!   numbers.
//! - `chat` (default `true`): from the destination, `+NUMBER text` or
//!   `@NUMBER text` sends `text` to NUMBER, and a message without a prefix
//!   answers the last sender.
//!
//! Commands (from an owner or the destination): `REDIRECT +420…` sets the
//! destination; `REDIRECT` or `REDIRECT?` answers with the current one;
//! `REDIRECT OFF` pauses forwarding and `REDIRECT ON` resumes it.
//!
//! Nothing is forwarded back to its own sender, or to the destination it
//! came from. The destination, the pause and the last sender live in the
//! connector's durable store and survive restarts.

use plutanium_sdk::{
    Action, Call, Config, Error, Outbound, Processor, Sms, kv, number, text, time,
};

/// The processor.
pub struct SmsRedirect {
    owners: Vec<String>,
    keyword: String,
    initial: Option<String>,
    template: String,
    forward_calls: bool,
    call_template: String,
    offset_minutes: i32,
    chat: bool,
    country: Option<String>,
}

const DESTINATION: &str = "destination";
const PAUSED: &str = "paused";
const LAST_SENDER: &str = "last-sender";

impl SmsRedirect {
    fn normalize(&self, raw: &str) -> Option<String> {
        number::normalize(raw, self.country.as_deref()).ok()
    }

    /// The number messages go to now, if any (set by a command, else the
    /// configured one).
    fn destination(&self) -> Result<Option<String>, Error> {
        Ok(kv::get_str(DESTINATION)?
            .filter(|d| !d.is_empty())
            .or_else(|| self.initial.clone()))
    }

    fn paused(&self) -> Result<bool, Error> {
        Ok(kv::get_str(PAUSED)?.as_deref() == Some("yes"))
    }

    fn status(&self) -> Result<String, Error> {
        Ok(match (self.destination()?, self.paused()?) {
            (None, _) => format!(
                "No destination yet. Send {} +NUMBER to set one.",
                self.keyword
            ),
            (Some(to), true) => format!(
                "Redirect to {to} is paused. Send {} ON to resume.",
                self.keyword
            ),
            (Some(to), false) => format!("Redirecting to {to}."),
        })
    }

    /// A command from an owner or the destination; `None` if `sms` is not one.
    fn command(&self, sms: &Sms) -> Result<Option<Vec<Action>>, Error> {
        let (word, rest) = text::keyword(&sms.text);
        let asking = word == format!("{}?", self.keyword);
        if word != self.keyword && !asking {
            return Ok(None);
        }
        let rest = rest.trim();
        let answer = if asking || rest.is_empty() || rest == "?" {
            self.status()?
        } else if rest.eq_ignore_ascii_case("off") {
            kv::set_str(PAUSED, "yes")?;
            self.status()?
        } else if rest.eq_ignore_ascii_case("on") {
            kv::delete(PAUSED)?;
            self.status()?
        } else {
            match self.normalize(rest) {
                Some(to) => {
                    kv::set_str(DESTINATION, &to)?;
                    kv::delete(PAUSED)?;
                    self.status()?
                }
                None => format!(
                    "{rest:?} is not a phone number. Send {} +NUMBER, {} OFF or {} ON.",
                    self.keyword, self.keyword, self.keyword
                ),
            }
        };
        Ok(Some(vec![Action::reply(answer)]))
    }

    /// A message from the destination: sent on to whom it names, or to the
    /// last sender.
    fn chat(&self, sms: &Sms) -> Result<Vec<Action>, Error> {
        let trimmed = sms.text.trim_start();
        let (to, body) = match trimmed.strip_prefix(['+', '@']) {
            Some(after) => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                let raw = if trimmed.starts_with('+') {
                    format!("+{}", &after[..end])
                } else {
                    after[..end].to_string()
                };
                match self.normalize(&raw) {
                    Some(to) => (to, after[end..].trim().to_string()),
                    None => {
                        return Ok(vec![Action::reply(format!(
                            "{raw:?} is not a phone number; write +NUMBER text."
                        ))]);
                    }
                }
            }
            None => match kv::get_str(LAST_SENDER)? {
                Some(last) => (last, sms.text.trim().to_string()),
                None => {
                    return Ok(vec![Action::reply(
                        "No one to answer yet; write +NUMBER text.".to_string(),
                    )]);
                }
            },
        };
        if body.is_empty() {
            return Ok(vec![Action::reply(format!("Nothing to send to {to}."))]);
        }
        Ok(vec![Action::Send(Outbound::new(
            to.clone(),
            body,
            format!("chat:sms:{}:{to}", sms.id),
        ))])
    }
}

impl Processor for SmsRedirect {
    fn new(config: &Config) -> Result<Self, Error> {
        let country = config.get("default_country").map(str::to_string);
        let owners = config
            .list("owner")
            .iter()
            .map(|raw| {
                number::normalize(raw, country.as_deref())
                    .map_err(|e| Error::config(format!("`owner`: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if owners.is_empty() {
            return Err(Error::config("`owner` needs at least one number"));
        }
        let initial = config
            .get("destination")
            .map(|raw| {
                number::normalize(raw, country.as_deref())
                    .map_err(|e| Error::config(format!("`destination`: {e}")))
            })
            .transpose()?;
        let keyword = config.get_or("keyword", "REDIRECT").trim().to_uppercase();
        if keyword.is_empty() || keyword.contains(char::is_whitespace) {
            return Err(Error::config("`keyword` must be one word"));
        }
        let offset_minutes = time::parse_offset(config.get_or("timezone", "UTC"))
            .map_err(|e| Error::config(format!("`timezone`: {}", e.message())))?;
        Ok(SmsRedirect {
            owners,
            keyword,
            initial,
            template: config.get_or("template", "{sender}: {text}").to_string(),
            forward_calls: config.flag("forward_calls", true)?,
            call_template: config
                .get_or("call_template", "Missed call from {caller} at {time}")
                .to_string(),
            offset_minutes,
            chat: config.flag("chat", true)?,
            country,
        })
    }

    fn on_sms(&mut self, sms: Sms) -> Result<Vec<Action>, Error> {
        let from = self.normalize(&sms.sender);
        let destination = self.destination()?;
        let from_destination = from.is_some() && from == destination;
        let from_owner = from.as_ref().is_some_and(|f| self.owners.contains(f));
        if (from_owner || from_destination)
            && let Some(actions) = self.command(&sms)?
        {
            return Ok(actions);
        }
        if from_destination {
            // Never back to where it came from: the destination's own
            // messages are chat, or nothing.
            return if self.chat {
                self.chat(&sms)
            } else {
                Ok(Vec::new())
            };
        }
        let Some(to) = destination else {
            return Ok(Vec::new());
        };
        if self.paused()? {
            return Ok(Vec::new());
        }
        if let Some(from) = &from {
            kv::set_str(LAST_SENDER, from)?;
        }
        let text = text::render(
            &self.template,
            &[("sender", sms.sender.as_str()), ("text", sms.text.as_str())],
        );
        Ok(vec![Action::Send(Outbound::new(
            to.clone(),
            text,
            format!("forward:sms:{}:{to}", sms.id),
        ))])
    }

    fn on_call(&mut self, call: Call) -> Result<Vec<Action>, Error> {
        if !self.forward_calls || self.paused()? {
            return Ok(Vec::new());
        }
        let Some(to) = self.destination()? else {
            return Ok(Vec::new());
        };
        let caller = call.caller.as_deref().and_then(|c| self.normalize(c));
        if caller.as_deref() == Some(to.as_str()) {
            return Ok(Vec::new());
        }
        if let Some(caller) = &caller {
            kv::set_str(LAST_SENDER, caller)?;
        }
        let local = time::local(call.at, self.offset_minutes);
        let shown = call.caller.as_deref().unwrap_or("a withheld number");
        let text = text::render(
            &self.call_template,
            &[
                ("caller", shown),
                ("time", &format!("{:02}:{:02}", local.hour, local.minute)),
                ("modem", &call.modem),
            ],
        );
        let key = format!(
            "call:{}:{}:{}:{to}",
            call.modem,
            call.at,
            call.caller.as_deref().unwrap_or("withheld")
        );
        Ok(vec![Action::Send(Outbound::new(to.clone(), text, key))])
    }
}

plutanium_sdk::export_processor!(SmsRedirect);

#[cfg(test)]
mod tests;
