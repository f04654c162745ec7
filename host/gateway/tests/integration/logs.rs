//! A message's way can be followed in the log by its id, and a failure
//! records the modem it failed on.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use plutanium_core::Encoding;
use plutanium_gateway::outbound::Submission;
use plutanium_modem_sim::Fault;
use plutanium_store::OutboxState;

use crate::support::*;

/// Everything logged in this test binary, at debug and above.
fn log() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || Captured(writer.clone()))
            .finish();
        // Another test of this binary may have logged nothing yet; the
        // first caller installs it.
        let _ = tracing::subscriber::set_global_default(subscriber);
        buffer
    })
}

struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn lines_about(id: i64) -> Vec<String> {
    let text = String::from_utf8_lossy(&log().lock().unwrap()).into_owned();
    let tag = format!("id=out-{id} ");
    // Quotes dropped: a field may be written `modem=gsm0` or `modem="gsm0"`.
    text.lines()
        .map(|l| l.replace('"', ""))
        .filter(|l| format!("{l} ").contains(&tag))
        .collect()
}

fn submission(text: &str, key: &str) -> Submission {
    Submission {
        to: "+420601234567".into(),
        text: text.into(),
        modem: None,
        encoding: Encoding::Auto,
        flash: false,
        report: true,
        key: key.into(),
        source: "test".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_messages_way_is_logged_and_a_failure_keeps_its_modem() {
    log();
    let (sim, dir, store) = fixture(51);
    let config = config(
        "modems:\n  gsm0: { port: \"sim://gsm0\", number: \"+420777000000\", rate_per_minute: 10000 }\n",
    );
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    let handle = gateway.handle();
    // A permanent refusal (CMS 21: short message transfer rejected).
    sim.inject("gsm0", Fault::SendError { code: 21, count: 1 })
        .unwrap();
    let checked = handle.check(submission("refused", "test:1")).unwrap();
    let failed = handle.queue(checked).await.unwrap().id();
    let row = eventually("the refused message to fail", || {
        store
            .outbound(failed)
            .unwrap()
            .filter(|r| r.state == OutboxState::Failed)
    })
    .await;
    assert_eq!(row.sent_by.as_deref(), Some("gsm0"), "where it failed");
    let checked = handle.check(submission("delivered", "test:2")).unwrap();
    let delivered = handle.queue(checked).await.unwrap().id();
    eventually("the second message delivered", || {
        store
            .outbound(delivered)
            .unwrap()
            .filter(|r| r.state == OutboxState::Delivered)
    })
    .await;
    // A transient refusal (CMS 42, congestion) is tried again, at info.
    sim.inject("gsm0", Fault::SendError { code: 42, count: 1 })
        .unwrap();
    let checked = handle.check(submission("congested", "test:3")).unwrap();
    let retried = handle.queue(checked).await.unwrap().id();
    eventually("the congested message tried again later", || {
        store
            .outbound(retried)
            .unwrap()
            .filter(|r| r.state == OutboxState::Queued && r.attempts == 1)
    })
    .await;
    // A report that says the message could not be delivered, with why.
    sim.inject("gsm0", Fault::UndeliverableReports { count: 1 })
        .unwrap();
    let checked = handle.check(submission("undeliverable", "test:4")).unwrap();
    let undelivered = handle.queue(checked).await.unwrap().id();
    eventually("the undeliverable message failed", || {
        store
            .outbound(undelivered)
            .unwrap()
            .filter(|r| r.state == OutboxState::Failed)
    })
    .await;
    // Log lines are written as events happen; give the last one a moment.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let lines = lines_about(failed);
    let has = |lines: &[String], words: &[&str]| {
        lines.iter().any(|l| words.iter().all(|w| l.contains(w)))
    };
    assert!(
        has(&lines, &["claimed for sending", "modem=gsm0"]),
        "{lines:#?}"
    );
    assert!(
        has(
            &lines,
            &[
                "WARN",
                "failed; it will not be tried again",
                "modem=gsm0",
                "error="
            ]
        ),
        "{lines:#?}"
    );
    let lines = lines_about(delivered);
    assert!(
        has(&lines, &["claimed for sending", "modem=gsm0"]),
        "{lines:#?}"
    );
    assert!(
        has(&lines, &["sent", "modem=gsm0", "references="]),
        "{lines:#?}"
    );
    assert!(
        has(&lines, &["delivery report: delivered", "modem=\"gsm0\""])
            || has(&lines, &["delivery report: delivered", "modem=gsm0"]),
        "{lines:#?}"
    );
    let lines = lines_about(retried);
    assert!(
        has(
            &lines,
            &[
                "INFO",
                "not sent; it will be tried again",
                "modem=gsm0",
                "error="
            ]
        ),
        "{lines:#?}"
    );
    let lines = lines_about(undelivered);
    assert!(
        has(
            &lines,
            &[
                "INFO",
                "delivery report: not delivered",
                "reason=TP-Status 0x41"
            ]
        ),
        "{lines:#?}"
    );
    gateway.stop().await;
}
