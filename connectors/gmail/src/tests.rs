//! The source against a fake Gmail mailbox, through the SDK's harness.

use plutanium_sdk::http::Response;
use plutanium_sdk::testing::{FakeHost, Harness};
use plutanium_sdk::{Encoding, Error};

use crate::Gmail;
use gmail_api::fake::Mailbox;

const API: &str = "http://127.0.0.1:9/";

fn harness(mailbox: &Mailbox, config: &[(&str, &str)]) -> Harness<Gmail> {
    let mut host = FakeHost::new().config("api_base", API);
    for (key, value) in config {
        host = host.config(*key, *value);
    }
    let served = mailbox.clone();
    host.serve(move |request| {
        let (status, body) = served.handle(&request.method, &request.url, &request.body);
        Ok(Response::new(status)
            .header("content-type", "application/json")
            .body(body))
    });
    Harness::new(host)
}

fn keys(messages: &[plutanium_sdk::Outbound]) -> Vec<String> {
    messages.iter().map(|m| m.key.clone()).collect()
}

fn ack(harness: &mut Harness<Gmail>, messages: &[plutanium_sdk::Outbound]) {
    let keys = keys(messages);
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    harness.ack(&keys).unwrap();
}

#[test]
fn oldest_first_across_pages_and_read_only_after_the_ack() {
    let mailbox = Mailbox::new(2);
    let ids: Vec<String> = (1..=5)
        .map(|i| mailbox.deliver(&format!("+420 777 000 00{i}"), &format!("message {i}")))
        .collect();
    let mut gmail = harness(&mailbox, &[("sent_label", "SMS sent")]);
    let polled = gmail.poll(10).unwrap();
    let texts: Vec<&str> = polled.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "message 1",
            "message 2",
            "message 3",
            "message 4",
            "message 5"
        ]
    );
    assert_eq!(polled[0].to, "+420777000001");
    assert_eq!(
        keys(&polled),
        ids.iter()
            .map(|id| format!("gmail:{id}"))
            .collect::<Vec<_>>()
    );
    assert!(
        ids.iter().all(|id| mailbox.is_unread(id)),
        "nothing is read before the ack"
    );
    let lists = mailbox
        .requests()
        .iter()
        .filter(|r| r.starts_with("GET /gmail/v1/users/me/messages?"))
        .count();
    assert_eq!(
        lists,
        3,
        "five ids in pages of two: {:?}",
        mailbox.requests()
    );

    ack(&mut gmail, &polled[..2]);
    assert!(!mailbox.is_unread(&ids[0]) && !mailbox.is_unread(&ids[1]));
    assert!(mailbox.is_unread(&ids[2]));
    assert!(mailbox.labels_of(&ids[0]).contains(&"SMS sent".to_string()));
    ack(&mut gmail, &polled[2..]);
    assert!(ids.iter().all(|id| !mailbox.is_unread(id)));
    assert!(gmail.poll(10).unwrap().is_empty());
}

#[test]
fn one_email_per_poll_with_batch_one() {
    let mailbox = Mailbox::new(100);
    let first = mailbox.deliver("+420777000001", "first");
    mailbox.deliver("+420777000002", "second");
    let mut gmail = harness(&mailbox, &[]);
    let polled = gmail.poll(1).unwrap();
    assert_eq!(keys(&polled), [format!("gmail:{first}")]);
    // Not acknowledged: offered again, same key.
    assert_eq!(keys(&gmail.poll(1).unwrap()), [format!("gmail:{first}")]);
    ack(&mut gmail, &polled);
    assert_eq!(gmail.poll(1).unwrap()[0].text, "second");
}

#[test]
fn a_crash_before_the_ack_offers_the_same_keys_again() {
    let mailbox = Mailbox::new(100);
    let id = mailbox.deliver("+420777000001", "once");
    let mut gmail = harness(&mailbox, &[]);
    let before = gmail.poll(5).unwrap();
    gmail.restart();
    let after = gmail.poll(5).unwrap();
    assert_eq!(keys(&before), keys(&after));
    assert!(mailbox.is_unread(&id));
    ack(&mut gmail, &after);
    assert!(!mailbox.is_unread(&id));
}

#[test]
fn several_numbers_are_read_once_all_are_committed() {
    let mailbox = Mailbox::new(100);
    let id = mailbox.deliver("+420777000001, 777 000 002; +420777000001", "to both");
    let mut gmail = harness(&mailbox, &[("default_country", "+420")]);
    let polled = gmail.poll(10).unwrap();
    assert_eq!(
        keys(&polled),
        [
            format!("gmail:{id}:+420777000001"),
            format!("gmail:{id}:+420777000002")
        ]
    );
    ack(&mut gmail, &polled[..1]);
    assert!(mailbox.is_unread(&id));
    // The poll offers only what is not acknowledged.
    assert_eq!(
        keys(&gmail.poll(10).unwrap()),
        [format!("gmail:{id}:+420777000002")]
    );
    ack(&mut gmail, &polled[1..]);
    assert!(!mailbox.is_unread(&id));
}

#[test]
fn a_bad_email_is_labelled_answered_kept_and_does_not_stall_the_queue() {
    let mailbox = Mailbox::new(100);
    let bad = mailbox.deliver("Lunch tomorrow?", "Are you free?");
    let empty = mailbox.deliver("+420777000001", "  \n-- \nJana");
    let long = mailbox.deliver("+420777000001", &"x".repeat(161 * 3));
    let good = mailbox.deliver("+420777000002", "fine");
    let mut gmail = harness(
        &mailbox,
        &[
            ("error_label", "SMS error"),
            ("reply_on_error", "true"),
            ("max_parts", "2"),
        ],
    );
    let polled = gmail.poll(1).unwrap();
    assert_eq!(
        keys(&polled),
        [format!("gmail:{good}")],
        "the bad ones are skipped"
    );
    for id in [&bad, &empty, &long] {
        assert!(!mailbox.is_unread(id), "{id} is marked read");
        assert!(mailbox.labels_of(id).contains(&"SMS error".to_string()));
    }
    let sent = mailbox.sent();
    assert_eq!(sent.len(), 3, "each sender is told why");
    assert!(sent[0].contains("To: jana@example.com\r\n"), "{}", sent[0]);
    assert!(sent[0].contains("Subject: Re: Lunch tomorrow?\r\n"));
    assert!(sent[0].contains(&format!("In-Reply-To: <{bad}@mail.example.com>")));
    assert!(sent[0].contains("Auto-Submitted: auto-replied"));
    let body = |raw: &str| {
        let encoded = raw.split_once("\r\n\r\n").unwrap().1;
        String::from_utf8(plutanium_sdk::mail::base64url_decode(encoded).unwrap()).unwrap()
    };
    assert!(
        body(&sent[0]).contains("\"Lunch tomorrow?\" in the subject is not a phone number"),
        "{}",
        body(&sent[0])
    );
    assert!(body(&sent[1]).contains("body is empty"));
    assert!(
        body(&sent[2]).contains("needs 4 SMS parts; at most 2"),
        "{}",
        body(&sent[2])
    );
    let kept = gmail.host().kv_all_keys();
    assert_eq!(
        kept.iter().filter(|k| k.starts_with("invalid:")).count(),
        3,
        "{kept:?}"
    );
    let warnings = gmail.host().logs();
    assert!(
        warnings
            .iter()
            .any(|l| l.message == "email not sent as SMS" && l.field("id") == Some(bad.as_str()))
    );
}

#[test]
fn numbers_the_gateway_refuses_get_the_error_label() {
    let mailbox = Mailbox::new(100);
    let id = mailbox.deliver("+420777000001, +420900123456", "hi");
    let mut gmail = harness(
        &mailbox,
        &[("error_label", "SMS error"), ("sent_label", "SMS sent")],
    );
    let polled = gmail.poll(10).unwrap();
    assert_eq!(polled.len(), 2);
    gmail.ack(&[polled[0].key.as_str()]).unwrap();
    gmail
        .reject(&[(polled[1].key.as_str(), "premium-rate numbers are blocked")])
        .unwrap();
    assert!(!mailbox.is_unread(&id));
    assert_eq!(mailbox.labels_of(&id), ["INBOX", "SMS error"]);
    let logs = gmail.host().logs();
    let line = logs
        .iter()
        .find(|l| l.message == "email not sent as SMS")
        .unwrap();
    assert!(
        line.field("reason")
            .unwrap()
            .contains("+420900123456: premium-rate numbers are blocked")
    );
}

#[test]
fn gmail_failures_are_transient_and_labelling_is_retried() {
    let mailbox = Mailbox::new(100);
    let id = mailbox.deliver("+420777000001", "hello");
    let mut gmail = harness(&mailbox, &[("sent_label", "SMS sent")]);
    mailbox.fail_next(429);
    assert!(matches!(gmail.poll(5), Err(Error::Transient(_))));
    mailbox.fail_next(503);
    assert!(
        matches!(gmail.poll(5), Err(Error::Transient(_))),
        "the get failed"
    );
    let polled = gmail.poll(5).unwrap();
    // The label list fails: the ack is taken, the labelling waits.
    mailbox.fail_next(500);
    ack(&mut gmail, &polled);
    assert!(mailbox.is_unread(&id));
    assert!(
        gmail.poll(5).unwrap().is_empty(),
        "a finished email is not offered again"
    );
    assert!(!mailbox.is_unread(&id), "the next poll labelled it");
    assert!(mailbox.labels_of(&id).contains(&"SMS sent".to_string()));
    mailbox.fail_next(401);
    let Err(Error::Config(message)) = gmail.poll(5) else {
        panic!("401 is a config error")
    };
    assert!(message.contains("oauth"), "{message}");
}

#[test]
fn html_unicode_encoding_and_machines() {
    let mailbox = Mailbox::new(100);
    let html = mailbox.deliver_email(
        "+420777000001",
        None,
        Some("<p>Příliš <b>žluťoučký</b> kůň</p>"),
    );
    let robot = mailbox.deliver_email("nonsense", Some("x"), None);
    let mut gmail = harness(
        &mailbox,
        &[
            ("encoding", "gsm7-strip"),
            ("report", "yes"),
            ("reply_on_error", "true"),
        ],
    );
    let polled = gmail.poll(5).unwrap();
    assert_eq!(keys(&polled), [format!("gmail:{html}")]);
    assert_eq!(polled[0].text, "Příliš žluťoučký kůň");
    assert_eq!(polled[0].options.encoding, Encoding::Gsm7Strip);
    assert!(polled[0].options.status_report);
    // The refusal of `robot` was answered (its From is a person) ...
    assert_eq!(mailbox.sent().len(), 1);
    assert!(!mailbox.is_unread(&robot));
    let _ = robot;
    assert!(
        Harness::<Gmail>::new(FakeHost::new().config("encoding", "utf8"))
            .poll(1)
            .is_err()
    );
    let bad_country =
        Harness::<Gmail>::new(FakeHost::new().config("default_country", "banana")).poll(1);
    assert!(matches!(bad_country, Err(Error::Config(m)) if m.contains("default_country")));
}

#[test]
fn automatic_mail_is_never_answered() {
    let mailbox = Mailbox::new(100);
    mailbox.insert(gmail_api::fake::FakeEmail {
        id: "abc1".into(),
        internal_date: 1,
        subject: "Delivery Status Notification".into(),
        from: "Mail Delivery Subsystem <mailer-daemon@googlemail.com>".into(),
        text: Some("undeliverable".into()),
        html: None,
        labels: vec!["UNREAD".into()],
        headers: vec![("Auto-Submitted".into(), "auto-replied".into())],
    });
    let mut gmail = harness(&mailbox, &[("reply_on_error", "true")]);
    assert!(gmail.poll(5).unwrap().is_empty());
    assert!(!mailbox.is_unread("abc1"));
    assert!(mailbox.sent().is_empty());
}

#[test]
fn emails_plutanium_sent_to_its_own_mailbox_are_left_alone() {
    let mailbox = Mailbox::new(100);
    // Refused for its empty body, and answered to the mailbox itself: the
    // answer ("Re: +420777000001" with a body) arrives there, unread.
    mailbox.insert(gmail_api::fake::FakeEmail {
        id: "abc2".into(),
        internal_date: 1,
        subject: "+420777000001".into(),
        from: gmail_api::fake::OWN_ADDRESS.into(),
        text: Some(String::new()),
        html: None,
        labels: vec!["UNREAD".into()],
        headers: Vec::new(),
    });
    let mut gmail = harness(&mailbox, &[("reply_on_error", "true")]);
    assert!(gmail.poll(5).unwrap().is_empty());
    assert_eq!(mailbox.sent().len(), 1);
    assert!(!mailbox.is_unread("abc2"));
    // That answer would be a valid SMS; it is Plutanium's own, so it is
    // neither sent nor touched, before or after a restart.
    for _ in 0..2 {
        assert!(gmail.poll(5).unwrap().is_empty());
        gmail.restart();
    }
    assert_eq!(mailbox.sent().len(), 1, "no answer to the answer");
    let unread = mailbox
        .requests()
        .iter()
        .filter(|r| r.contains("/modify"))
        .count();
    assert_eq!(unread, 1, "only the refused email was labelled");
}

#[test]
fn an_email_to_more_numbers_than_the_batch_is_read_only_when_all_are_settled() {
    let mailbox = Mailbox::new(100);
    let id = mailbox.deliver("+420777000001, +420777000002, +420900123456", "to three");
    let next = mailbox.deliver("+420777000004", "next");
    let mut gmail = harness(&mailbox, &[]);
    let first = gmail.poll(1).unwrap();
    assert_eq!(keys(&first), [format!("gmail:{id}:+420777000001")]);
    ack(&mut gmail, &first);
    assert!(mailbox.is_unread(&id), "two numbers to go");
    let second = gmail.poll(1).unwrap();
    assert_eq!(keys(&second), [format!("gmail:{id}:+420777000002")]);
    ack(&mut gmail, &second);
    let third = gmail.poll(1).unwrap();
    assert_eq!(keys(&third), [format!("gmail:{id}:+420900123456")]);
    gmail
        .reject(&[(third[0].key.as_str(), "premium-rate numbers are blocked")])
        .unwrap();
    assert!(!mailbox.is_unread(&id), "all three settled");
    // The refused number is not offered again; the queue goes on.
    assert_eq!(keys(&gmail.poll(1).unwrap()), [format!("gmail:{next}")]);
}

#[test]
fn a_poll_fetches_a_bounded_number_of_emails() {
    let mailbox = Mailbox::new(500);
    for n in 0..60 {
        mailbox.insert(gmail_api::fake::FakeEmail {
            id: format!("f{n:03}"),
            internal_date: n,
            subject: "SMS from +420777000001".into(),
            from: gmail_api::fake::OWN_ADDRESS.into(),
            text: Some("forwarded".into()),
            html: None,
            labels: vec!["UNREAD".into()],
            headers: vec![("X-Plutanium".into(), "forwarded".into())],
        });
    }
    let good = mailbox.deliver("+420777000002", "behind sixty forwarded emails");
    let mut gmail = harness(&mailbox, &[]);
    let gets = || {
        mailbox
            .requests()
            .iter()
            .filter(|r| r.starts_with("GET /gmail/v1/users/me/messages/"))
            .count()
    };
    let mut polls = 0;
    let found = loop {
        let before = gets();
        let polled = gmail.poll(1).unwrap();
        assert!(gets() - before <= 25, "at most 25 emails fetched per poll");
        polls += 1;
        if !polled.is_empty() {
            break polled;
        }
        assert!(polls < 10, "the queue moves on");
    };
    assert_eq!(keys(&found), [format!("gmail:{good}")]);
    assert_eq!(polls, 3, "25 + 25 + 11 fetches");
}

mod charsets;
