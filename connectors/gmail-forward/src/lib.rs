//! The built-in `gmail-forward` sink: every inbound SMS (and, unless turned
//! off, every call) becomes an email sent through Gmail's API
//! (`messages.send`): RFC 2822, UTF-8, the subject RFC 2047 encoded.
//!
//! The subject is `SMS from +420…`, so replying to the email with the
//! `gmail` source on the same mailbox answers the SMS (the source reads the
//! number from `Re: SMS from +420…`). The emails carry an `X-Plutanium`
//! header: the `gmail` source leaves them alone, so one mailbox can be both.
//!
//! Config:
//! - `to` (required): the address(es) to forward to, separated by `,`.
//! - `from` (optional): the `From` to show (Gmail uses the account's address
//!   when it is missing; another must be a verified alias).
//! - `subject` (default `SMS from {sender}`), `call_subject` (default
//!   `Missed call from {caller}`): templates.
//! - `template` (default `{text}\n\n-- \nReceived {time} by {recipient} on
//!   {modem}.`): the body; `{sender}`, `{text}`, `{time}`, `{recipient}`,
//!   `{modem}`.
//! - `calls` (default `true`): forward calls too.
//! - `timezone` (default `UTC`): for `{time}`, `UTC` or an offset (`+01:00`).
//! - `api_base` (default `https://gmail.googleapis.com/`); `timeout`
//!   (seconds, default 30).
//!
//! Grant: `allow_hosts: [gmail.googleapis.com]` with an `oauth` grant whose
//! scope includes `gmail.send` (or `gmail.modify`).
//!
//! Each email has a `Message-ID` made from the event, so a retried delivery
//! of the same event is recognisable as the same message.

use std::time::Duration;

use gmail_api::Api;
use plutanium_sdk::mail::{Email, address};
use plutanium_sdk::{Call, Config, Error, Sink, Sms, text, time};

/// The sink.
pub struct GmailForward {
    api: Api,
    to: Vec<String>,
    from: Option<String>,
    subject: String,
    call_subject: String,
    template: String,
    calls: bool,
    offset_minutes: i32,
}

const DEFAULT_TEMPLATE: &str = "{text}\n\n-- \nReceived {time} by {recipient} on {modem}.";

impl Sink for GmailForward {
    fn new(config: &Config) -> Result<Self, Error> {
        let to: Vec<String> = config
            .list("to")
            .iter()
            .flat_map(|t| t.split(','))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                address(t)
                    .map(|_| t.to_string())
                    .ok_or_else(|| Error::config(format!("`to`: {t:?} is not an email address")))
            })
            .collect::<Result<_, _>>()?;
        if to.is_empty() {
            return Err(Error::config("`to` needs an email address"));
        }
        let timeout = match config.parse::<u64>("timeout")? {
            Some(0) => return Err(Error::config("`timeout` must be at least 1 second")),
            Some(s) => Duration::from_secs(s),
            None => Duration::from_secs(30),
        };
        Ok(GmailForward {
            api: Api::new(
                config.get_or("api_base", "https://gmail.googleapis.com/"),
                timeout,
            )?,
            to,
            from: config.get("from").map(str::to_string),
            subject: config.get_or("subject", "SMS from {sender}").to_string(),
            call_subject: config
                .get_or("call_subject", "Missed call from {caller}")
                .to_string(),
            template: config.get_or("template", DEFAULT_TEMPLATE).to_string(),
            calls: config.flag("calls", true)?,
            offset_minutes: time::parse_offset(config.get_or("timezone", "UTC"))
                .map_err(|e| Error::config(format!("`timezone`: {}", e.message())))?,
        })
    }

    fn on_sms(&mut self, sms: Sms) -> Result<(), Error> {
        let at = time::local(sms.received_at, self.offset_minutes).to_string();
        let values = [
            ("sender", sms.sender.as_str()),
            ("text", sms.text.as_str()),
            ("time", at.as_str()),
            ("recipient", sms.recipient.as_str()),
            ("modem", sms.modem.as_str()),
        ];
        let subject = text::render(&self.subject, &values);
        let body = text::render(&self.template, &values);
        self.send(subject, body, format!("sms.{}", sms.id))
    }

    fn on_call(&mut self, call: Call) -> Result<(), Error> {
        if !self.calls {
            return Ok(());
        }
        let caller = call
            .caller
            .clone()
            .unwrap_or_else(|| "a withheld number".into());
        let at = time::local(call.at, self.offset_minutes).to_string();
        let values = [
            ("caller", caller.as_str()),
            ("sender", caller.as_str()),
            ("time", at.as_str()),
            ("modem", call.modem.as_str()),
        ];
        let subject = text::render(&self.call_subject, &values);
        let body = format!("{caller} called at {at} on {}.", call.modem);
        let id = format!(
            "call.{}.{}.{}",
            call.modem,
            call.at,
            call.caller.as_deref().unwrap_or("withheld")
        );
        self.send(subject, body, id)
    }
}

impl GmailForward {
    fn send(&self, subject: String, body: String, id: String) -> Result<(), Error> {
        // Message-IDs allow letters, digits and a few marks only.
        let id: String = id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let mut email = Email::new(self.to[0].clone(), subject, body)
            .header("Message-ID", format!("<{id}@plutanium.invalid>"))
            .header("Auto-Submitted", "auto-generated")
            .header("X-Plutanium", "forwarded");
        email.to = self.to.clone();
        if let Some(from) = &self.from {
            email = email.from(from.clone());
        }
        self.api.send(&email.to_rfc2822(), None)
    }
}

plutanium_sdk::export_sink!(GmailForward);

#[cfg(test)]
mod tests {
    use gmail_api::fake::{Mailbox, OWN_ADDRESS};
    use plutanium_sdk::http::Response;
    use plutanium_sdk::mail::base64url_decode;
    use plutanium_sdk::testing::{self, FakeHost, Harness};
    use plutanium_sdk::{Error, Event};

    use super::GmailForward;

    fn harness(mailbox: &Mailbox, config: &[(&str, &str)]) -> Harness<GmailForward> {
        let mut host = FakeHost::new().config("api_base", "http://127.0.0.1:9");
        for (key, value) in config {
            host = host.config(*key, *value);
        }
        let served = mailbox.clone();
        host.serve(move |request| {
            let (status, body) = served.handle(&request.method, &request.url, &request.body);
            Ok(Response::new(status).body(body))
        });
        Harness::new(host)
    }

    fn body(raw: &str) -> String {
        let encoded = raw.split_once("\r\n\r\n").unwrap().1;
        String::from_utf8(base64url_decode(encoded).unwrap()).unwrap()
    }

    #[test]
    fn an_sms_becomes_an_email_whose_reply_answers_it() {
        let mailbox = Mailbox::new(100);
        let mut sink = harness(
            &mailbox,
            &[("to", "owner@example.com"), ("timezone", "+01:00")],
        );
        let mut sms = testing::sms("+420601234567", "Ahoj, přijdeš v 6? 👋");
        sms.id = "in-42".into();
        sink.deliver(Event::Sms(sms)).unwrap();
        let sent = mailbox.sent();
        assert_eq!(sent.len(), 1);
        let raw = &sent[0];
        assert!(raw.contains("To: owner@example.com\r\n"), "{raw}");
        assert!(raw.contains("Subject: SMS from +420601234567\r\n"));
        assert!(raw.contains("Message-ID: <sms.in-42@plutanium.invalid>\r\n"));
        assert!(raw.contains("X-Plutanium: forwarded\r\n"));
        assert!(raw.contains("Content-Type: text/plain; charset=UTF-8\r\n"));
        let text = body(raw);
        assert!(
            text.starts_with("Ahoj, přijdeš v 6? 👋\r\n\r\n-- \r\nReceived "),
            "{text}"
        );
        assert!(text.contains("+01:00 by +10000000000 on gsm0."), "{text}");
    }

    #[test]
    fn unicode_subjects_calls_and_failures() {
        let mailbox = Mailbox::new(100);
        let mut sink = harness(
            &mailbox,
            &[
                ("to", "a@example.com, b@example.com"),
                ("subject", "SMS od {sender} ✉"),
            ],
        );
        sink.deliver(Event::Sms(testing::sms("+420601234567", "x")))
            .unwrap();
        let raw = &mailbox.sent()[0];
        assert!(
            raw.contains("To: a@example.com, b@example.com\r\n"),
            "{raw}"
        );
        let subject = raw.lines().find(|l| l.starts_with("Subject: ")).unwrap();
        assert!(subject.starts_with("Subject: =?UTF-8?B?"), "{subject}");
        assert_eq!(
            plutanium_sdk::mail::decode_header(&subject["Subject: ".len()..]),
            "SMS od +420601234567 ✉"
        );
        sink.deliver(Event::Call(testing::call(None))).unwrap();
        assert!(mailbox.sent()[1].contains("Subject: Missed call from a withheld number\r\n"));
        mailbox.fail_next(503);
        assert!(matches!(
            sink.deliver(Event::Sms(testing::sms("+420601234567", "y"))),
            Err(Error::Transient(_))
        ));
        let mut quiet = harness(&mailbox, &[("to", OWN_ADDRESS), ("calls", "false")]);
        quiet
            .deliver(Event::Call(testing::call(Some("+420601234567"))))
            .unwrap();
        assert_eq!(mailbox.sent().len(), 2);
        for bad in [
            vec![],
            vec![("to", "nobody")],
            vec![("to", "a@b.c"), ("timezone", "Mars")],
        ] {
            let mut sink = harness(&mailbox, &bad);
            assert!(
                matches!(
                    sink.deliver(Event::Sms(testing::sms("+1", "z"))),
                    Err(Error::Config(_))
                ),
                "{bad:?}"
            );
        }
    }
}
