//! The Gmail connectors end to end: the daemon's gateway on the simulated
//! network, the built-in `gmail` source and `gmail-forward` sink, and a fake
//! Google (Gmail's REST API and the OAuth token endpoint) on loopback.

use std::sync::Arc;
use std::time::Duration;

use gmail_api::fake::{Mailbox, OWN_ADDRESS};
use plutanium_modem_sim::Simulator;
use plutanium_store::SqliteStore;

use plutanium_fake_google::FakeGoogle;
use plutanium_gateway::Gateway;

use crate::support::{config, eventually, fixture, start_on_sim};

/// The gateway's config: gsm0, the gmail source polling every 100 ms
/// (`extra` adds to its config), OAuth through the fake's token endpoint.
fn gmail_config(
    google: &FakeGoogle,
    dir: &std::path::Path,
    extra: &str,
    more: &str,
) -> plutanium_core::config::Config {
    let credentials = dir.join("gmail-oauth.json");
    FakeGoogle::write_credentials(&credentials).unwrap();
    config(&format!(
        r#"
default_country: "+420"
modems:
  gsm0: {{ port: "sim://gsm0", number: "+420777000000", rate_per_minute: 10000 }}
connectors:
  gmail:
    component: gmail
    interval: 100ms
    batch: 10
    allow_hosts: ["127.0.0.1"]
    oauth: {{ kind: authorized_user, file: "{credentials}", token_uri: "{token_uri}" }}
    config:
      api_base: "{api}"
      sent_label: SMS sent
      error_label: SMS error
      {extra}
{more}
routes:
  - {{ from: gmail, to: gsm0 }}
"#,
        credentials = credentials.display(),
        token_uri = google.token_uri(),
        api = google.api_base(),
    ))
}

async fn google(page_size: usize) -> FakeGoogle {
    FakeGoogle::start(Mailbox::new(page_size)).await.unwrap()
}

async fn start(
    google: &FakeGoogle,
    extra: &str,
    more: &str,
    seed: u64,
) -> (Simulator, tempfile::TempDir, Arc<SqliteStore>, Gateway) {
    let (sim, dir, store) = fixture(seed);
    let config = gmail_config(google, dir.path(), extra, more);
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    (sim, dir, store, gateway)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emails_become_sms_oldest_first_and_are_read_only_after_the_commit() {
    let google = google(2).await;
    let mailbox = &google.mailbox;
    let ids: Vec<String> = (1..=5)
        .map(|i| mailbox.deliver("+420 601 234 567", &format!("email {i}")))
        .collect();
    let bad = mailbox.deliver("Lunch?", "not a number");
    let long = "Příliš žluťoučký kůň úpěl ďábelské ódy. ".repeat(5);
    let unicode = mailbox.deliver("777 000 111", &long);
    // Gmail is briefly unwell: a rate limit, then an outage.
    mailbox.fail_next(429);
    mailbox.fail_next(500);
    let (sim, _dir, store, gateway) = start(&google, "reply_on_error: true", "", 31).await;

    let texts = eventually("five SMS on the phone", || {
        let inbox = sim.phone_inbox("+420601234567");
        (inbox.len() >= 5).then(|| inbox.into_iter().map(|m| m.text).collect::<Vec<_>>())
    })
    .await;
    assert_eq!(
        texts,
        ["email 1", "email 2", "email 3", "email 4", "email 5"]
    );
    let whole = eventually("the unicode email", || {
        sim.phone_inbox("+420777000111").pop()
    })
    .await;
    assert_eq!(whole.text, long.trim());
    assert!(
        whole.parts > 1,
        "a UCS-2 multipart SMS: {} parts",
        whole.parts
    );
    eventually("every email marked read", || {
        ids.iter()
            .chain([&unicode])
            .all(|id| !mailbox.is_unread(id))
            .then_some(())
    })
    .await;
    for id in ids.iter().chain([&unicode]) {
        assert!(
            mailbox.labels_of(id).contains(&"SMS sent".to_string()),
            "{id}"
        );
        let row = store.outbound_by_key(&format!("gmail:gmail:{id}")).unwrap();
        assert!(row.is_some(), "{id} went through the outbox under its key");
    }
    // The bad one did not stall the queue: labelled, read, answered.
    assert!(!mailbox.is_unread(&bad));
    assert!(mailbox.labels_of(&bad).contains(&"SMS error".to_string()));
    assert_eq!(mailbox.sent().len(), 1);
    assert!(mailbox.sent()[0].contains("Subject: Re: Lunch?"));
    let requests = mailbox.requests();
    assert!(
        requests.iter().any(|r| r.contains("pageToken=")),
        "the list was paged"
    );
    gateway.stop().await;
    assert_eq!(sim.phone_inbox("+420601234567").len(), 5, "nothing twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acknowledgement_lost_in_a_crash_sends_nothing_twice() {
    let google = google(100).await;
    let mailbox = &google.mailbox;
    let ids: Vec<String> = (1..=3)
        .map(|i| mailbox.deliver("+420601234567", &format!("once {i}")))
        .collect();
    // Committed to the outbox, but the acknowledgement never reaches Gmail:
    // what a crash between the commit and the ack leaves behind.
    google.refuse_modify(true);
    let (sim, dir, store, gateway) = start(&google, "", "", 32).await;
    eventually("three SMS", || {
        (sim.phone_inbox("+420601234567").len() >= 3).then_some(())
    })
    .await;
    assert!(ids.iter().all(|id| mailbox.is_unread(id)));
    gateway.stop().await;

    // A new daemon (a new instance of the connector, knowing nothing): the
    // emails are offered again under the same keys; the outbox knows them.
    google.refuse_modify(false);
    let config = gmail_config(&google, dir.path(), "", "");
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    eventually("the emails marked read", || {
        ids.iter().all(|id| !mailbox.is_unread(id)).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    gateway.stop().await;
    assert_eq!(sim.phone_inbox("+420601234567").len(), 3, "no duplicate");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_is_refreshed_through_the_oauth_endpoint_once() {
    let google = google(100).await;
    // The first token the endpoint issues (ya29.fake-1) is "expired" at
    // Gmail: only the second works.
    google.accept_only(Some("ya29.fake-2"));
    let id = google.mailbox.deliver("+420601234567", "after a refresh");
    let (sim, _dir, _store, gateway) = start(&google, "", "", 33).await;
    let sms = eventually("the SMS", || sim.phone_inbox("+420601234567").pop()).await;
    assert_eq!(sms.text, "after a refresh");
    eventually("read", || (!google.mailbox.is_unread(&id)).then_some(())).await;
    assert_eq!(google.tokens_issued(), 2, "one token, one refresh");
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_are_forwarded_by_email_and_a_reply_answers_them() {
    let google = google(100).await;
    let mailbox = &google.mailbox;
    let credentials = "gmail-oauth.json";
    let forward = format!(
        r#"  mail:
    component: gmail-forward
    allow_hosts: ["127.0.0.1"]
    oauth: {{ kind: authorized_user, file: "{{dir}}/{credentials}", token_uri: "{token_uri}" }}
    config: {{ api_base: "{api}", to: "{OWN_ADDRESS}" }}"#,
        token_uri = google.token_uri(),
        api = google.api_base(),
    );
    let (sim, dir, store) = fixture(34);
    let forward = forward.replace("{dir}", &dir.path().display().to_string());
    let mut config = gmail_config(&google, dir.path(), "", &forward);
    // Inbound SMS on gsm0 go to the mail sink.
    let sink_route = crate::support::config(&format!(
        r#"
modems:
  gsm0: {{ port: "sim://gsm0" }}
connectors:
{forward}
routes:
  - {{ from: gsm0, to: [mail] }}
"#
    ));
    config.routes.extend(sink_route.routes);
    let gateway = start_on_sim(config, &store, &dir, &sim).await;

    sim.phone_send("+420601234567", "+420777000000", "Přijdeš v 6?")
        .unwrap();
    let forwarded = eventually("the forwarded email", || mailbox.sent().pop()).await;
    assert!(
        forwarded.contains("Subject: SMS from +420601234567\r\n"),
        "{forwarded}"
    );
    assert!(forwarded.contains("X-Plutanium: forwarded"));
    // The owner answers the email; the source sends the answer as an SMS,
    // and leaves the forwarded email for the owner to read.
    let reply = mailbox.deliver(
        "Re: SMS from +420601234567",
        "Ano, v 6.\n\nOn Tue, Gateway wrote:\n> Přijdeš v 6?\n",
    );
    let answer = eventually("the answer", || {
        sim.phone_inbox("+420601234567").into_iter().next()
    })
    .await;
    assert_eq!(answer.text, "Ano, v 6.");
    eventually("the reply marked read", || {
        (!mailbox.is_unread(&reply)).then_some(())
    })
    .await;
    let unread_forward = mailbox
        .requests()
        .iter()
        .filter(|r| r.contains("/modify"))
        .count();
    assert_eq!(unread_forward, 1, "only the reply was acknowledged");
    gateway.stop().await;
}

/// An example pipeline with its Google connectors pointed at `google`
/// (credentials written to `dir`, token endpoint and API on loopback),
/// polling every 100 ms, its modems on the simulator.
fn google_example(
    name: &str,
    google: &FakeGoogle,
    dir: &std::path::Path,
) -> plutanium_core::config::Config {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/pipelines")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut config =
        plutanium_core::config::load(&text, &|_| None).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let credentials = dir.join("gmail-oauth.json");
    FakeGoogle::write_credentials(&credentials).unwrap();
    for modem in &mut config.modems {
        modem.port = format!("sim://{}", modem.name);
        modem.rate_per_minute = Some(10_000);
    }
    for connector in &mut config.connectors {
        connector.interval = Duration::from_millis(100);
        if let Some(oauth) = &mut connector.oauth {
            oauth.file = Some(credentials.clone());
            oauth.token_uri = Some(google.token_uri());
            connector.allow_hosts = vec!["127.0.0.1".into()];
            connector
                .config
                .push(("api_base".into(), google.api_base()));
        }
    }
    config
}

async fn run_google_example(
    name: &str,
    seed: u64,
    scenario: impl AsyncFnOnce(&Simulator, &FakeGoogle),
) {
    let google = google(100).await;
    let (sim, dir, store) = fixture(seed);
    let config = google_example(name, &google, dir.path());
    for modem in &config.modems {
        if sim.modems().iter().all(|m| m.name != modem.name) {
            let number = modem.number.clone().unwrap();
            sim.add_modem(plutanium_modem_sim::ModemConfig::new(&modem.name, &number))
                .unwrap();
        }
    }
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    scenario(&sim, &google).await;
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gmail_example_pipelines_run_against_the_fake_google() {
    run_google_example("gmail-to-sms.yaml", 36, async |sim, google| {
        let good = google
            .mailbox
            .deliver("601 234 567", "Hello from Gmail\n-- \nJana");
        let bad = google.mailbox.deliver("tomorrow?", "x");
        let sms = eventually("the SMS", || sim.phone_inbox("+420601234567").pop()).await;
        assert_eq!(sms.text, "Hello from Gmail");
        eventually("both handled", || {
            (!google.mailbox.is_unread(&good) && !google.mailbox.is_unread(&bad)).then_some(())
        })
        .await;
        assert!(
            google
                .mailbox
                .labels_of(&good)
                .contains(&"SMS sent".to_string())
        );
        assert!(
            google
                .mailbox
                .labels_of(&bad)
                .contains(&"SMS error".to_string())
        );
        // The answer goes out just after the email is marked read.
        let answer = eventually("the answer to the bad email", || {
            google.mailbox.sent().pop()
        })
        .await;
        assert!(answer.contains("Subject: Re: tomorrow?"), "{answer}");
    })
    .await;
    run_google_example("everything.yaml", 37, async |sim, google| {
        sim.phone_send("+420601234567", "+420777000000", "Hours please")
            .unwrap();
        let reply = eventually("the HOURS answer", || {
            sim.phone_inbox("+420601234567").pop()
        })
        .await;
        assert_eq!(reply.text, "We are open 9-17, Monday to Friday.");
        sim.call("+420601000002", "+420777000000").unwrap();
        let told = eventually("the missed-call SMS", || {
            sim.phone_inbox("+420777000111").pop()
        })
        .await;
        assert!(
            told.text.starts_with("Missed call from +420601000002"),
            "{}",
            told.text
        );
        sim.phone_send("+420601000003", "+420777000001", "to the second modem")
            .unwrap();
        let mails = eventually("three emails to the owner", || {
            let sent = google.mailbox.sent();
            (sent.len() >= 3).then_some(sent)
        })
        .await;
        for subject in [
            "Subject: SMS from +420601234567",
            "Subject: Missed call from +420601000002",
            "Subject: SMS from +420601000003",
        ] {
            assert!(
                mails.iter().any(|m| m.contains(subject)),
                "{subject} in {mails:?}"
            );
        }
        assert!(mails.iter().all(|m| m.contains("To: owner@example.com")));
        google
            .mailbox
            .deliver("Re: SMS from +420601000003", "Got it.");
        let answer = eventually("the email's SMS", || sim.phone_inbox("+420601000003").pop()).await;
        assert_eq!(answer.text, "Got it.");
    })
    .await;
}

/// Mail in the charsets people write in, from the wire format (fixtures made
/// with Python's `email` package, served the way Gmail's `format=full`
/// serves them: UTF-8 under the original label), through the built-in wasm
/// component and the gateway to the phone: each SMS says what the mail said.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_in_every_charset_arrives_as_written() {
    let google = google(10).await;
    let fixtures = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../connectors/gmail/tests/fixtures/mail"
    );
    let cases = [
        (
            "cs-windows-1250-base64.eml",
            "+420777000002",
            "Dobrý den, přijdu v šest. Ještě koupím chléb.",
        ),
        (
            "ru-koi8-r-base64.eml",
            "+79000000004",
            "Съешь же ещё этих мягких французских булок, да выпей чаю.",
        ),
        (
            "ja-iso-2022-jp-7bit.eml",
            "+81900000005",
            "こんにちは、世界。明日の会議は十時からです。",
        ),
        (
            "fr-windows-1252-html-only.eml",
            "+33600000007",
            "Café crème – “today” at 5 €",
        ),
    ];
    for (file, ..) in &cases {
        let raw = std::fs::read(format!("{fixtures}/{file}")).unwrap();
        google.mailbox.deliver_raw(&raw);
    }
    let (sim, _dir, _store, gateway) = start(&google, "", "", 61).await;
    for (file, to, text) in cases {
        let got = eventually(file, || {
            sim.phone_inbox(to).into_iter().map(|m| m.text).next()
        })
        .await;
        assert_eq!(got, text, "{file}");
    }
    gateway.stop().await;
}
