use std::time::Duration;

use plutanium_store::{NewOutbound, OutboxState, SendOutcome, SqliteStore, Store};

use super::*;

fn store_with(rows: usize) -> (SqliteStore, Vec<i64>) {
    let store = SqliteStore::open_in_memory().unwrap();
    let ids = (0..rows)
        .map(|i| {
            store
                .enqueue(
                    &NewOutbound {
                        key: format!("k{i}"),
                        source: "test".into(),
                        to: "+420601234567".into(),
                        text: format!("text {i}"),
                        options: Default::default(),
                        allowed_modems: Vec::new(),
                    },
                    1_000,
                )
                .unwrap()
                .id()
        })
        .collect();
    (store, ids)
}

fn claim_all(store: &SqliteStore, now: u64) -> Vec<plutanium_store::OutboxRow> {
    store
        .claim_for(now, 100, Duration::from_secs(120), None, None)
        .unwrap()
}

fn sent(refs: u8) -> SendOutcome {
    SendOutcome::Sent {
        modem: "gsm0".into(),
        message_refs: vec![Some(refs)],
        sim: None,
    }
}

#[test]
fn a_replay_commits_what_the_store_missed_and_ignores_what_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let path = beside(&dir.path().join("plutanium.db"));
    assert_eq!(path, dir.path().join("plutanium.db-outcomes"));
    let (store, ids) = store_with(3);
    let rows = claim_all(&store, 2_000);
    assert_eq!(rows.len(), 3);
    let journal = OutcomeJournal::open(&path).unwrap();
    // Row 0 was sent and committed; row 1 sent, not committed (the crash
    // came first); row 2 failed, not committed.
    let first = journal.record(ids[0], 1, &sent(7), 2_100).unwrap().unwrap();
    store
        .complete_batch(&[(ids[0], 1, sent(7))], None, 2_100)
        .unwrap();
    journal.committed([first]);
    journal.record(ids[1], 1, &sent(8), 2_200).unwrap().unwrap();
    let failed = SendOutcome::Failed {
        error: "the SMSC refused it".into(),
        modem: Some("gsm0".into()),
    };
    journal.record(ids[2], 1, &failed, 2_300).unwrap().unwrap();
    drop(journal); // as a kill -9 would: nothing closes it

    let replayed = replay(&store, &path).unwrap();
    assert_eq!(replayed.applied, vec![ids[1], ids[2]]);
    assert_eq!(replayed.unreadable, 0);
    assert!(!path.exists(), "a replayed journal is removed");
    let one = store.outbound(ids[1]).unwrap().unwrap();
    assert_eq!(one.state, OutboxState::Sent);
    assert_eq!(
        one.updated_at, 2_200,
        "the time it was sent, not the replay's"
    );
    assert_eq!(one.message_refs, vec![Some(8)]);
    let two = store.outbound(ids[2]).unwrap().unwrap();
    assert_eq!(two.state, OutboxState::Failed);
    // Nothing is left for a recovery to send again.
    assert!(store.recover_claims(3_000).unwrap().is_empty());
    // No journal: nothing to do.
    assert_eq!(replay(&store, &path).unwrap(), Replayed::default());
}

#[test]
fn a_postponed_row_is_not_written_and_a_row_s_last_line_wins() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    let (store, ids) = store_with(1);
    claim_all(&store, 2_000);
    let journal = OutcomeJournal::open(&path).unwrap();
    let postponed = SendOutcome::Postpone {
        error: "no modem".into(),
        at: 2_000,
    };
    assert_eq!(journal.record(ids[0], 1, &postponed, 2_000).unwrap(), None);
    // Its first claim was retried (committed), its second was sent.
    let retry = SendOutcome::Retry {
        error: "timeout".into(),
        at: 2_500,
        modem: Some("gsm0".into()),
    };
    journal.record(ids[0], 1, &retry, 2_100).unwrap();
    store
        .complete_batch(&[(ids[0], 1, retry)], None, 2_100)
        .unwrap();
    claim_all(&store, 2_600);
    journal.record(ids[0], 2, &sent(9), 2_700).unwrap();
    drop(journal);
    let replayed = replay(&store, &path).unwrap();
    assert_eq!(replayed.applied, vec![ids[0]]);
    let row = store.outbound(ids[0]).unwrap().unwrap();
    assert_eq!(row.state, OutboxState::Sent);
    assert_eq!(row.attempts, 2);
}

#[test]
fn a_torn_last_line_is_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    let (store, ids) = store_with(2);
    claim_all(&store, 2_000);
    let journal = OutcomeJournal::open(&path).unwrap();
    journal.record(ids[0], 1, &sent(1), 2_100).unwrap();
    journal.record(ids[1], 1, &sent(2), 2_200).unwrap();
    drop(journal);
    // A power cut tore the last line.
    let text = std::fs::read(&path).unwrap();
    std::fs::write(&path, &text[..text.len() - 10]).unwrap();
    let replayed = replay(&store, &path).unwrap();
    assert_eq!(replayed.applied, vec![ids[0]]);
    assert_eq!(replayed.unreadable, 1);
    // The torn one is sent again: still being sent, made due by recovery.
    assert_eq!(store.recover_claims(3_000).unwrap(), vec![ids[1]]);
}

#[test]
fn a_long_journal_is_rewritten_with_only_its_uncommitted_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    let journal = OutcomeJournal::open(&path).unwrap();
    let mut numbers = Vec::new();
    let mut id = 0;
    while std::fs::metadata(&path).unwrap().len() < ROTATE_AT {
        id += 1;
        numbers.push(journal.record(id, 1, &sent(1), 5).unwrap().unwrap());
    }
    // All but the last two are committed.
    let kept = numbers.split_off(numbers.len() - 2);
    journal.committed(numbers);
    let text = std::fs::read_to_string(&path).unwrap();
    let ids: Vec<i64> = text
        .lines()
        .map(|l| serde_json::from_str::<Line>(l).unwrap().id)
        .collect();
    assert_eq!(ids, vec![id - 1, id], "only the uncommitted lines stay");
    // Appends go on after them.
    let mut pending = kept;
    pending.push(journal.record(id + 1, 1, &sent(1), 5).unwrap().unwrap());
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 3);
    // Long again with everything committed: emptied in place.
    id += 2;
    while std::fs::metadata(&path).unwrap().len() < ROTATE_AT {
        pending.push(journal.record(id, 1, &sent(1), 5).unwrap().unwrap());
        id += 1;
    }
    journal.committed(pending);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    // A clean stop with nothing pending removes it.
    journal.close();
    assert!(!path.exists());
}

#[test]
fn an_unwritable_journal_says_which_file_and_what_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-dir").join("j");
    let error = OutcomeJournal::open(&path).err().unwrap().to_string();
    assert!(error.contains("missing-dir/j"), "{error}");
    assert!(error.contains("writable"), "{error}");
}
