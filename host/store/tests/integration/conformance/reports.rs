//! Delivery reports: multipart messages, repeats, early reports,
//! references that wrap, and the SIM a report came through.

use plutanium_store::{OutboxState, SendOutcome};

use super::{Backend, LEASE, T0, message, report, sent};

pub(crate) fn delivery_reports_finish_multipart_messages(backend: &dyn Backend) {
    let store = backend.open();
    let id = store.enqueue(&message("long"), T0).unwrap().id();
    let other = store.enqueue(&message("short"), T0).unwrap().id();
    let claimed = store.claim(T0, 10, LEASE).unwrap();
    store
        .complete(
            id,
            claimed[0].attempts,
            &sent("gsm0", &[20, 21, 22]),
            T0 + 1,
        )
        .unwrap();
    store
        .complete(other, claimed[1].attempts, &sent("gsm1", &[21]), T0 + 1)
        .unwrap();
    assert_eq!(
        store.outbound(id).unwrap().unwrap().message_refs,
        [Some(20), Some(21), Some(22)]
    );
    // Reports are matched by modem and reference.
    let row = store
        .record_delivery(&report("gsm0", 21, None, true, None), T0 + 2)
        .unwrap()
        .unwrap();
    assert_eq!((row.id, row.state), (id, OutboxState::Sent));
    store
        .record_delivery(&report("gsm0", 20, None, true, None), T0 + 3)
        .unwrap();
    let row = store
        .record_delivery(&report("gsm0", 22, None, true, None), T0 + 4)
        .unwrap()
        .unwrap();
    assert_eq!(row.state, OutboxState::Delivered);
    assert_eq!(
        store.outbound(other).unwrap().unwrap().state,
        OutboxState::Sent,
        "gsm1's 21 is another message"
    );
    let row = store
        .record_delivery(
            &report("gsm1", 21, None, false, Some("absent subscriber")),
            T0 + 5,
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.state, row.last_error.as_deref()),
        (OutboxState::Failed, Some("absent subscriber"))
    );
    assert_eq!(
        store
            .record_delivery(&report("gsm2", 1, None, true, None), T0 + 6)
            .unwrap(),
        None
    );
}

pub(crate) fn a_repeated_report_counts_once_and_an_early_report_waits_for_its_send(
    backend: &dyn Backend,
) {
    let store = backend.open();
    let two = store.enqueue(&message("two-parts"), T0).unwrap().id();
    let early = store.enqueue(&message("early"), T0).unwrap().id();
    let claimed = store.claim(T0, 10, LEASE).unwrap();
    store
        .complete(two, claimed[0].attempts, &sent("gsm0", &[7, 8]), T0 + 1)
        .unwrap();
    // The same report twice is still one part of two.
    for _ in 0..2 {
        let row = store
            .record_delivery(&report("gsm0", 7, None, true, None), T0 + 2)
            .unwrap()
            .unwrap();
        assert_eq!(
            (row.state, row.delivered_refs.as_slice()),
            (OutboxState::Sent, &[7][..])
        );
    }
    let row = store
        .record_delivery(&report("gsm0", 8, None, true, None), T0 + 3)
        .unwrap()
        .unwrap();
    assert_eq!(row.state, OutboxState::Delivered);

    // A repeated report for a settled message is not kept for later: a new
    // send that gets the same reference is not marked by it.
    let row = store
        .record_delivery(&report("gsm0", 8, None, true, None), T0 + 3)
        .unwrap()
        .unwrap();
    assert_eq!((row.id, row.state), (two, OutboxState::Delivered));
    let reused = store.enqueue(&message("reused-ref"), T0 + 3).unwrap().id();
    let again = store.claim(T0 + 3, 1, LEASE).unwrap();
    assert_eq!(again[0].id, reused);
    store
        .complete(reused, again[0].attempts, &sent("gsm0", &[8]), T0 + 3)
        .unwrap();
    assert_eq!(
        store.outbound(reused).unwrap().unwrap().state,
        OutboxState::Sent
    );

    // A report that arrives before its send is committed is kept ...
    assert_eq!(
        store
            .record_delivery(&report("gsm1", 40, None, true, None), T0 + 4)
            .unwrap(),
        None
    );
    // ... and applied by the commit.
    store
        .complete_batch(
            &[(early, claimed[1].attempts, sent("gsm1", &[40]))],
            None,
            T0 + 5,
        )
        .unwrap();
    assert_eq!(
        store.outbound(early).unwrap().unwrap().state,
        OutboxState::Delivered
    );
}

/// The one-byte TP-MR repeats every 256 parts. With more than 256 in flight
/// on one modem, a report must find its message by recipient as well, and a
/// report that races its send's commit must wait for that send, not settle
/// an older message that happens to share the reference.
/// Many sends to one number on one modem, so references wrap and an
/// older message to the same number has the same reference. Each report
/// comes at some point from just after its send started (before the send
/// is committed) to 200 sends later, as the driver says when the send
/// that got the reference started: every report settles its own message,
/// none is lost, none settles another.
pub(crate) fn reports_racing_their_commits_to_one_recipient_find_their_own_send(
    backend: &dyn Backend,
) {
    const MESSAGES: usize = 700;
    const TO: &str = "+420601000001";
    let store = backend.open();
    for i in 0..MESSAGES {
        let mut new = message(&format!("race:{i}"));
        new.to = TO.into();
        store.enqueue(&new, T0).unwrap();
    }
    let claimed = store.claim(T0, MESSAGES as u32, LEASE).unwrap();
    assert_eq!(claimed.len(), MESSAGES);
    // Send i starts at 10i + 1 and is committed at 10i + 5; its report
    // arrives at 10i + 2 (before the commit) up to 2,000 later.
    let at = |t: u64| T0 + 1_000 + t;
    enum Step {
        Commit(usize),
        Report(usize),
    }
    let mut steps: Vec<(u64, usize, Step)> = Vec::new();
    let mut seed = 0x9e37_79b9_u32;
    for i in 0..MESSAGES {
        steps.push((10 * i as u64 + 5, 0, Step::Commit(i)));
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let delay = match seed % 4 {
            0 => 2,
            1 => 3 + u64::from(seed >> 8) % 10,
            _ => 3 + u64::from(seed >> 8) % 2_000,
        };
        steps.push((10 * i as u64 + delay, 1, Step::Report(i)));
    }
    steps.sort_by_key(|(t, order, _)| (*t, *order));
    let (mut early, mut settled_by_report) = (0, 0);
    for (t, _, step) in steps {
        match step {
            Step::Commit(i) => {
                let row = &claimed[i];
                store
                    .complete(row.id, row.attempts, &sent("gsm0", &[i as u8]), at(t))
                    .unwrap();
            }
            Step::Report(i) => {
                let mut report = report("gsm0", i as u8, Some(TO), true, None);
                report.sent_not_before = Some(at(10 * i as u64 + 1) as i64);
                match store.record_delivery(&report, at(t)).unwrap() {
                    Some(row) => {
                        assert_eq!(row.id, claimed[i].id, "report {i} settled another message");
                        settled_by_report += 1;
                    }
                    None => early += 1,
                }
            }
        }
    }
    assert!(early > 100, "reports that beat their commit: {early}");
    assert_eq!(early + settled_by_report, MESSAGES);
    for (i, row) in claimed.iter().enumerate() {
        assert_eq!(
            store.outbound(row.id).unwrap().unwrap().state,
            OutboxState::Delivered,
            "message {i} lost its report"
        );
    }
}

pub(crate) fn references_that_wrap_find_their_message_by_recipient(backend: &dyn Backend) {
    const MESSAGES: usize = 300;
    let recipients = ["+420601000001", "+420601000002", "+420601000003"];
    let store = backend.open();
    let mut ids = Vec::new();
    for i in 0..MESSAGES {
        let mut new = message(&format!("wrap:{i}"));
        new.to = recipients[i % recipients.len()].into();
        ids.push(store.enqueue(&new, T0).unwrap().id());
    }
    let claimed = store.claim(T0, MESSAGES as u32, LEASE).unwrap();
    assert_eq!(claimed.len(), MESSAGES);
    // The network writes the number its own way: national, international
    // or with the exit code.
    let as_reported = |i: usize| {
        let to = recipients[i % recipients.len()];
        match i % 3 {
            0 => to.to_owned(),
            1 => to.trim_start_matches("+420").to_owned(),
            _ => format!("00{}", to.trim_start_matches('+')),
        }
    };
    // The first 256 are committed; the reports of the last 44 arrive before
    // their sends are committed, while older messages with the same
    // references are still waiting for theirs.
    for (i, row) in claimed.iter().enumerate().take(256) {
        store
            .complete(row.id, row.attempts, &sent("gsm0", &[i as u8]), T0 + 1)
            .unwrap();
    }
    for i in 256..MESSAGES {
        let early = store
            .record_delivery(
                &report("gsm0", i as u8, Some(&as_reported(i)), true, None),
                T0 + 2,
            )
            .unwrap();
        assert_eq!(early, None, "report {i} waits for its own send");
    }
    for (i, row) in claimed.iter().enumerate().skip(256) {
        store
            .complete(row.id, row.attempts, &sent("gsm0", &[i as u8]), T0 + 3)
            .unwrap();
    }
    // The reports of the first 256 come in a scrambled order.
    let mut order: Vec<usize> = (0..256).collect();
    let mut seed = 0x2545_f491_u32;
    for k in (1..order.len()).rev() {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        order.swap(k, seed as usize % (k + 1));
    }
    for i in order {
        let row = store
            .record_delivery(
                &report("gsm0", i as u8, Some(&as_reported(i)), true, None),
                T0 + 4,
            )
            .unwrap()
            .unwrap_or_else(|| panic!("report {i} found no message"));
        assert_eq!(row.id, ids[i], "report {i} settled another message");
    }
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(
            store.outbound(*id).unwrap().unwrap().state,
            OutboxState::Delivered,
            "message {i}"
        );
    }
    // A report for a number none of them went to settles nothing.
    assert_eq!(
        store
            .record_delivery(
                &report("gsm0", 7, Some("+421900000000"), false, None),
                T0 + 5
            )
            .unwrap(),
        None
    );
    assert_eq!(
        store.outbound(ids[7]).unwrap().unwrap().state,
        OutboxState::Delivered
    );
}

/// A report is about a send through the same SIM, within the report window:
/// after a SIM swap the new SIM's references start over, and a reference
/// from last month is not a late answer.
pub(crate) fn reports_match_the_sim_they_came_through_and_recent_sends_only(backend: &dyn Backend) {
    let store = backend.open();
    let mut ids = Vec::new();
    for key in ["old-sim", "new-sim"] {
        ids.push(store.enqueue(&message(key), T0).unwrap().id());
    }
    let claimed = store.claim(T0, 2, LEASE).unwrap();
    for (row, (sim, at)) in claimed
        .iter()
        .zip([("230010000000001", T0 + 1), ("230019999999999", T0 + 2)])
    {
        let outcome = SendOutcome::Sent {
            modem: "gsm0".into(),
            message_refs: vec![Some(5)],
            sim: Some(sim.into()),
        };
        assert!(store.complete(row.id, row.attempts, &outcome, at).unwrap());
    }
    let mut from_old = report("gsm0", 5, Some("+420777000111"), true, None);
    from_old.sim = Some("230010000000001".into());
    let row = store.record_delivery(&from_old, T0 + 3).unwrap().unwrap();
    assert_eq!(row.id, ids[0], "the older send, through the same SIM");
    assert_eq!(
        store.outbound(ids[1]).unwrap().unwrap().state,
        OutboxState::Sent,
        "the newer send through the other SIM is untouched"
    );

    // Eight days later a report with that reference is not for it.
    let late = store.enqueue(&message("late"), T0).unwrap().id();
    let claimed = store.claim(T0, 1, LEASE).unwrap();
    store
        .complete(late, claimed[0].attempts, &sent("gsm1", &[9]), T0)
        .unwrap();
    let eight_days = 8 * 24 * 3_600_000;
    assert_eq!(
        store
            .record_delivery(&report("gsm1", 9, None, true, None), T0 + eight_days)
            .unwrap(),
        None
    );
    assert_eq!(
        store.outbound(late).unwrap().unwrap().state,
        OutboxState::Sent
    );
}
