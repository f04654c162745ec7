//! The keyword processor through the SDK's native harness: rules in order,
//! captures, forwards with stable keys, webhooks (answer from the body or a
//! JSON pointer, failures answered and forwarded), fallback, bad config.

use plutanium_sdk::http::{HttpError, Response};
use plutanium_sdk::testing::{self, FakeHost, Harness};
use plutanium_sdk::{Action, Event, Outbound};

use super::*;

const HOOK: &str = "https://hooks.example.com/weather";

fn harness(config: &[(&str, &str)]) -> Harness<Keyword> {
    let mut host = FakeHost::new().config("default_country", "+420");
    for (k, v) in config {
        host = host.config(*k, *v);
    }
    Harness::new(host)
}

fn rules() -> Vec<(&'static str, &'static str)> {
    vec![
        ("rules.0.match.keyword", "weather"),
        ("rules.0.then.webhook.url", HOOK),
        ("rules.0.then.webhook.reply", "/answer"),
        ("rules.0.then.webhook.headers.X-Token", "s3cret"),
        ("rules.1.match.regex", r"^PIN (\d{4})$"),
        ("rules.1.then.reply", "Code $1 received, {sender}"),
        ("rules.2.match.keyword", "HELP"),
        ("rules.2.then.forward", "777 000 111"),
        ("rules.3.match.keyword", "echo"),
        ("rules.3.then.reply", "{rest}"),
        ("fallback", "+420777000999"),
    ]
}

fn sends(actions: &[Action]) -> Vec<(String, String, String)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Send(Outbound { to, text, key, .. }) => {
                Some((to.clone(), text.clone(), key.clone()))
            }
            _ => None,
        })
        .collect()
}

fn replies(actions: &[Action]) -> Vec<String> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Reply(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_regex_rule_answers_with_its_captures() {
    let mut h = harness(&rules());
    let actions = h.sms("+420601234567", "PIN 4711").unwrap();
    assert_eq!(replies(&actions), ["Code 4711 received, +420601234567"]);
    // Not a match: "PIN 47" falls through to the fallback.
    let actions = h.sms("+420601234567", "PIN 47").unwrap();
    assert_eq!(sends(&actions)[0].0, "+420777000999");
}

#[test]
fn keywords_are_the_first_word_whatever_the_case() {
    let mut h = harness(&rules());
    let actions = h.sms("+420601234567", "  Echo   hello there ").unwrap();
    assert_eq!(replies(&actions), ["hello there"]);
    // Another word first: not the keyword.
    let actions = h.sms("+420601234567", "please echo this").unwrap();
    assert!(replies(&actions).is_empty());
}

#[test]
fn forwards_carry_the_sender_and_a_key_per_message() {
    let mut h = harness(&rules());
    let message = |id: &str| {
        let mut sms = testing::sms("+420601234567", "HELP me");
        sms.id = id.into();
        Event::Sms(sms)
    };
    let first = sends(&h.handle(message("41")).unwrap());
    assert_eq!(first.len(), 1);
    let (to, text, key) = &first[0];
    assert_eq!(
        (to.as_str(), text.as_str()),
        ("+420777000111", "+420601234567: HELP me")
    );
    // The same message again (a retry) makes the same key; another message
    // another key, so nothing is deduplicated away.
    assert_eq!(&sends(&h.handle(message("41")).unwrap())[0].2, key);
    let second = sends(&h.handle(message("42")).unwrap());
    assert_ne!(&second[0].2, key, "each message is its own");
    assert_eq!(key, "rule3:sms:41:+420777000111");
}

#[test]
fn unmatched_messages_go_to_the_fallback_or_pass() {
    let mut h = harness(&rules());
    let forwarded = sends(&h.sms("+420601234567", "something else").unwrap());
    assert_eq!(forwarded[0].0, "+420777000999");
    assert_eq!(forwarded[0].1, "+420601234567: something else");
    let mut h = harness(&rules()[..10]);
    assert!(h.sms("+420601234567", "something else").unwrap().is_empty());
}

#[test]
fn a_webhook_answer_comes_from_its_json_pointer() {
    let mut h = harness(&rules());
    h.host().respond(
        "POST",
        HOOK,
        Response::new(200).body(r#"{"answer":"Prague: 21 °C, sunny","debug":1}"#),
    );
    let actions = h.sms("+420601234567", "weather Prague").unwrap();
    assert_eq!(replies(&actions), ["Prague: 21 °C, sunny"]);
    let request = h.host().requests().remove(0);
    assert_eq!(request.header_value("X-Token"), Some("s3cret"));
    assert_eq!(
        request.header_value("content-type"),
        Some("application/json")
    );
    let body: serde_json::Value = serde_json::from_str(&request.body_text()).unwrap();
    assert_eq!(body["sender"], "+420601234567");
    assert_eq!(body["text"], "weather Prague");
}

#[test]
fn a_webhook_body_template_is_escaped_for_json_and_the_answer_cut_to_max_parts() {
    let mut config = rules();
    config.retain(|(k, _)| !k.starts_with("rules.0.then.webhook.reply"));
    config.push((
        "rules.0.then.webhook.body",
        r#"{"q":"{rest}","from":"{sender}"}"#,
    ));
    config.push(("max_parts", "1"));
    let mut h = harness(&config);
    h.host()
        .respond("POST", HOOK, Response::new(200).body("x".repeat(400)));
    let actions = h
        .sms("+420601234567", r#"weather "Ústí" \ nad Labem"#)
        .unwrap();
    assert_eq!(replies(&actions)[0].chars().count(), 160, "one part");
    let body: serde_json::Value =
        serde_json::from_str(&h.host().requests()[0].body_text()).expect("valid JSON");
    assert_eq!(body["q"], r#""Ústí" \ nad Labem"#);
}

#[test]
fn a_failed_webhook_is_answered_and_the_message_forwarded() {
    let mut h = harness(&rules());
    h.host().fail("POST", HOOK, HttpError::Timeout);
    let actions = h.sms("+420601234567", "weather Brno").unwrap();
    assert_eq!(replies(&actions), [DEFAULT_ERROR_REPLY]);
    let forwarded = sends(&actions);
    assert_eq!(forwarded[0].0, "+420777000999");
    assert_eq!(forwarded[0].1, "+420601234567: weather Brno");
    // A 500 is a failure too; with no error reply configured, only the forward.
    let mut config = rules();
    config.push(("error_reply", ""));
    let mut h = harness(&config);
    h.host().respond("POST", HOOK, Response::new(500));
    let actions = h.sms("+420601234567", "weather Brno").unwrap();
    assert!(replies(&actions).is_empty());
    assert_eq!(sends(&actions).len(), 1);
}

#[test]
fn bad_config_is_a_clear_error() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[], "`rules` needs at least one rule"),
        (
            &[("rules.0.then.reply", "x")],
            "rule 1: needs `match.keyword` or `match.regex`",
        ),
        (
            &[
                ("rules.0.match.regex", "(unclosed"),
                ("rules.0.then.reply", "x"),
            ],
            "rule 1: `match.regex` does not compile",
        ),
        (
            &[
                ("rules.0.match.keyword", "A B"),
                ("rules.0.then.reply", "x"),
            ],
            "must be one word",
        ),
        (
            &[("rules.0.match.keyword", "A")],
            "rule 1: needs `then.reply`",
        ),
        (
            &[
                ("rules.0.match.keyword", "A"),
                ("rules.0.then.reply", "x"),
                ("rules.0.then.forward", "+420777000111"),
            ],
            "give one of",
        ),
        (
            &[
                ("rules.0.match.keyword", "A"),
                ("rules.0.then.webhook.url", "ftp://x"),
            ],
            "must be an http(s) URL",
        ),
        (
            &[
                ("rules.0.match.keyword", "A"),
                ("rules.0.then.forward", "hello"),
            ],
            "rule 1: `then.forward`",
        ),
    ];
    for (config, expected) in cases {
        let mut h = harness(config);
        let err = h.sms("+420601234567", "A").unwrap_err();
        assert!(
            err.message().contains(expected),
            "{config:?}: {}",
            err.message()
        );
    }
}

#[test]
fn with_report_replies_are_sends_that_ask_for_delivery_reports() {
    let mut config = rules();
    config.push(("report", "true"));
    let mut h = harness(&config);
    let mut sms = testing::sms("+420601234567", "PIN 1234");
    sms.id = "7".into();
    let actions = h.handle(Event::Sms(sms)).unwrap();
    match &actions[..] {
        [Action::Send(out)] => {
            assert_eq!(
                (out.to.as_str(), out.text.as_str(), out.key.as_str()),
                (
                    "+420601234567",
                    "Code 1234 received, +420601234567",
                    "reply:sms:7"
                )
            );
            assert!(out.options.status_report);
        }
        other => panic!("{other:?}"),
    }
}
