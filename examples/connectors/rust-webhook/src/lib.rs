//! An example sink connector written with `plutanium-sdk`: every event routed
//! to it (inbound SMS, missed call, delivery status) is POSTed as JSON to a
//! webhook.
//!
//! Config:
//! - `url` (required): where to POST, `http://` or `https://`; its host must
//!   be in the connector's `allow_hosts`.
//! - `header.<Name>` (optional, any number): extra request headers, such as
//!   a shared secret. `Authorization` is not allowed: use the connector's
//!   `oauth` grant and the host adds it.
//!
//! A 2xx answer delivers the event. 408, 429, 5xx and network trouble are
//! transient (the daemon retries later); other answers are permanent.

use plutanium_sdk::http::Request;
use plutanium_sdk::{Call, Config, DeliveryState, DeliveryStatus, Error, Event, Sink, Sms};
use serde_json::{Value, json};

/// The webhook sink.
pub struct Webhook {
    url: String,
    headers: Vec<(String, String)>,
}

impl Sink for Webhook {
    fn new(config: &Config) -> Result<Self, Error> {
        let url = config.require("url")?.to_string();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::config(format!(
                "`url` must be an http(s) URL, not {url:?}"
            )));
        }
        let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
        for (name, value) in config.section("header") {
            if name.eq_ignore_ascii_case("authorization") {
                return Err(Error::config(
                    "`header.Authorization` is not allowed; give the connector an `oauth` grant instead",
                ));
            }
            headers.push((name.to_string(), value.to_string()));
        }
        Ok(Webhook { url, headers })
    }

    fn deliver(&mut self, event: Event) -> Result<(), Error> {
        let body = payload(&event);
        let mut request = Request::post(&self.url).body(body.to_string());
        request.headers = self.headers.clone();
        let response = request.send()?;
        if let Some(error) = response.status_error() {
            plutanium_sdk::log::warn(
                "webhook refused the event",
                &[
                    ("status", &response.status.to_string()),
                    ("kind", kind(&event)),
                ],
            );
            return Err(error);
        }
        plutanium_sdk::log::debug("event posted", &[("kind", kind(&event))]);
        Ok(())
    }
}

fn kind(event: &Event) -> &'static str {
    match event {
        Event::Sms(_) => "sms",
        Event::Call(_) => "call",
        Event::Status(_) => "status",
    }
}

/// The JSON body for an event.
pub fn payload(event: &Event) -> Value {
    match event {
        Event::Sms(Sms {
            id,
            sender,
            recipient,
            text,
            received_at,
            modem,
            ..
        }) => json!({
            "kind": "sms", "id": id, "from": sender, "to": recipient, "text": text,
            "received_at": received_at, "modem": modem,
        }),
        Event::Call(Call { caller, modem, at }) => json!({
            "kind": "call", "from": caller, "modem": modem, "at": at,
        }),
        Event::Status(DeliveryStatus {
            key,
            to,
            state,
            detail,
            at,
        }) => json!({
            "kind": "status", "key": key, "to": to, "detail": detail, "at": at,
            "state": match state {
                DeliveryState::Sent => "sent",
                DeliveryState::Delivered => "delivered",
                DeliveryState::Failed => "failed",
                DeliveryState::Expired => "expired",
            },
        }),
    }
}

plutanium_sdk::export_sink!(Webhook);

#[cfg(test)]
mod tests {
    use plutanium_sdk::http::{HttpError, Response};
    use plutanium_sdk::testing::{self, FakeHost, Harness};

    use super::*;

    const URL: &str = "https://hooks.example.com/sms";

    fn harness() -> Harness<Webhook> {
        Harness::new(
            FakeHost::new()
                .config("url", URL)
                .config("header.X-Secret", "s3cret"),
        )
    }

    #[test]
    fn posts_each_event_as_json_with_the_configured_headers() {
        let mut h = harness();
        h.host().respond("POST", URL, Response::new(204));
        h.host().respond("POST", URL, Response::new(200));
        h.deliver(Event::Sms(testing::sms("+420777123456", "Ahoj 👋")))
            .unwrap();
        h.deliver(Event::Call(testing::call(None))).unwrap();
        let requests = h.host().requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].header_value("x-secret"), Some("s3cret"));
        assert_eq!(
            requests[0].header_value("content-type"),
            Some("application/json")
        );
        let sms: Value = serde_json::from_slice(&requests[0].body).unwrap();
        assert_eq!(sms["kind"], "sms");
        assert_eq!(sms["from"], "+420777123456");
        assert_eq!(sms["text"], "Ahoj 👋");
        let call: Value = serde_json::from_slice(&requests[1].body).unwrap();
        assert_eq!(
            (call["kind"].as_str(), call["from"].is_null()),
            (Some("call"), true)
        );
    }

    #[test]
    fn answers_decide_whether_the_daemon_retries() {
        let mut h = harness();
        let event = || Event::Sms(testing::sms("+420777123456", "x"));
        h.host()
            .respond("POST", URL, Response::new(503).body("busy"));
        assert!(matches!(h.deliver(event()), Err(Error::Transient(m)) if m.contains("503")));
        h.host()
            .respond("POST", URL, Response::new(422).body("bad"));
        assert!(matches!(h.deliver(event()), Err(Error::Permanent(_))));
        h.host().fail("POST", URL, HttpError::Timeout);
        assert!(matches!(h.deliver(event()), Err(Error::Transient(_))));
        h.host()
            .fail("POST", URL, HttpError::Denied("not granted".into()));
        assert!(matches!(h.deliver(event()), Err(Error::Config(_))));
        assert_eq!(
            h.host()
                .logs()
                .iter()
                .filter(|l| l.message == "webhook refused the event")
                .count(),
            2
        );
    }

    #[test]
    fn bad_config_is_a_config_error_and_is_retried_after_a_fix() {
        let mut h = Harness::<Webhook>::new(FakeHost::new());
        let e = h
            .deliver(Event::Call(testing::call(Some("+1"))))
            .unwrap_err();
        assert_eq!(e, Error::Config("missing config key `url`".into()));
        let mut h = Harness::<Webhook>::new(FakeHost::new().config("url", "ftp://x"));
        assert!(matches!(
            h.deliver(Event::Call(testing::call(None))),
            Err(Error::Config(_))
        ));
        let mut h = Harness::<Webhook>::new(
            FakeHost::new()
                .config("url", URL)
                .config("header.authorization", "Bearer x"),
        );
        assert!(
            matches!(h.deliver(Event::Call(testing::call(None))), Err(Error::Config(m)) if m.contains("oauth"))
        );
    }

    #[test]
    fn statuses_carry_their_state() {
        let status = testing::status("gmail:1", "+420777123456", DeliveryState::Delivered);
        let body = payload(&Event::Status(status));
        assert_eq!(body["state"], "delivered");
        assert_eq!(body["key"], "gmail:1");
    }
}
