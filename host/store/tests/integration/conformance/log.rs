//! Reading the log: pages, search in people's languages, live events.

use plutanium_store::{LogPage, LoggedEvent, OutboxState};

use super::{Backend, LEASE, T0, inbound, message, sent};

pub(crate) fn the_log_is_read_in_pages_newest_first(backend: &dyn Backend) {
    let store = backend.open();
    for n in 0..5 {
        store.enqueue(&message(&format!("k{n}")), T0 + n).unwrap();
    }
    let claimed = store.claim(T0 + 10, 2, LEASE).unwrap();
    store
        .complete(
            claimed[0].id,
            claimed[0].attempts,
            &sent("gsm0", &[1]),
            T0 + 11,
        )
        .unwrap();
    let page = |before, state| {
        store
            .outbound_page(
                &LogPage {
                    since: T0,
                    before,
                    limit: 2,
                    search: None,
                    ignore_diacritics: false,
                },
                state,
            )
            .unwrap()
            .iter()
            .map(|r| r.key.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(page(None, None), ["k4", "k3"]);
    let last = store.outbound_by_key("k3").unwrap().unwrap().id;
    assert_eq!(page(Some(last), None), ["k2", "k1"]);
    assert_eq!(
        page(None, Some(OutboxState::Sent)),
        [claimed[0].key.clone()]
    );
    assert!(
        store
            .outbound_page(&LogPage::since(T0 + 100, 10), None)
            .unwrap()
            .is_empty()
    );
    for n in 0..3 {
        store
            .insert_inbound(&inbound(&format!("f{n}")), None, T0 + n)
            .unwrap();
        store
            .log_call("gsm0", Some("+420601234567"), T0 + n)
            .unwrap();
    }
    let inbound = store.inbound_page(&LogPage::since(T0, 2)).unwrap();
    assert_eq!(inbound.len(), 2);
    let older = store
        .inbound_page(&LogPage {
            since: T0,
            before: Some(inbound[1].0),
            limit: 2,
            search: None,
            ignore_diacritics: false,
        })
        .unwrap();
    assert_eq!(older.len(), 1);
    assert!(older[0].0 < inbound[1].0);
    let calls = store.calls_page(&LogPage::since(T0, 10)).unwrap();
    assert_eq!(calls.len(), 3);
    assert!(calls[0].id > calls[2].id, "newest first");
}

pub(crate) fn the_log_is_searched_by_text_and_number_ignoring_case(backend: &dyn Backend) {
    let store = backend.open();
    for (key, to, text) in [
        ("a", "+420777000111", "Meeting at NOON"),
        ("b", "+420601999888", "lunch?"),
        ("c", "+420777000111", "100% done"),
    ] {
        let mut row = message(key);
        row.to = to.into();
        row.text = text.into();
        store.enqueue(&row, T0).unwrap();
    }
    let mut other = inbound("f-other");
    other.sender = "+420999111222".into();
    other.text = "see you at noon".into();
    store.insert_inbound(&other, None, T0).unwrap();
    store.insert_inbound(&inbound("f-ahoj"), None, T0).unwrap();
    let search = |text: &str| LogPage {
        search: Some(text.into()),
        ..LogPage::since(T0, 10)
    };
    let keys = |text: &str| {
        store
            .outbound_page(&search(text), None)
            .unwrap()
            .iter()
            .map(|r| r.key.clone())
            .collect::<Vec<_>>()
    };
    store.index_search(usize::MAX).unwrap();
    assert_eq!(keys("noon"), ["a"]);
    assert_eq!(keys("601999"), ["b"]);
    assert_eq!(keys("0001"), ["c", "a"]);
    // LIKE's wildcards are plain characters here.
    assert_eq!(keys("%"), ["c"]);
    assert_eq!(keys("_"), Vec::<String>::new());
    let senders = |text: &str| {
        store
            .inbound_page(&search(text))
            .unwrap()
            .iter()
            .map(|(_, r)| r.sender.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(senders("NOON"), ["+420999111222"]);
    assert_eq!(senders("👋"), ["+420601234567"]);
    assert_eq!(senders("+420"), ["+420601234567", "+420999111222"]);
}

/// SQLite's `lower()` knows ASCII only: "čau" did not find "Čau".
pub(crate) fn the_log_search_ignores_case_for_all_of_unicode_and_accents_on_request(
    backend: &dyn Backend,
) {
    let store = backend.open();
    for (key, text) in [
        ("cz", "Čau, jak se máš?"),
        ("el", "ΣΟΦΙΑ ΚΑΛΗΜΕΡΑ"),
        ("de", "Grüße aus der STRASSE"),
        ("ru", "ПРИВЕТ"),
    ] {
        let mut row = message(key);
        row.text = text.into();
        store.enqueue(&row, T0).unwrap();
    }
    let mut call = inbound("f-cz");
    call.text = "DĚKUJI".into();
    store.insert_inbound(&call, None, T0).unwrap();
    let keys = |text: &str, ignore_diacritics: bool| {
        store
            .outbound_page(
                &LogPage {
                    search: Some(text.into()),
                    ignore_diacritics,
                    ..LogPage::since(T0, 10)
                },
                None,
            )
            .unwrap()
            .iter()
            .map(|r| r.key.clone())
            .collect::<Vec<_>>()
    };
    // Before the rows are indexed, and after (SQLite indexes them later).
    for indexed in [false, true] {
        if indexed {
            store.index_search(usize::MAX).unwrap();
        }
        assert_eq!(keys("čau", false), ["cz"], "indexed: {indexed}");
        assert_eq!(keys("σοφια", false), ["el"], "indexed: {indexed}");
        assert_eq!(keys("straße", false), ["de"], "indexed: {indexed}");
        assert_eq!(keys("привет", false), ["ru"], "indexed: {indexed}");
        assert!(keys("cau", false).is_empty(), "accents count by default");
        assert_eq!(keys("cau", true), ["cz"], "indexed: {indexed}");
        assert_eq!(keys("JAK SE MAS", true), ["cz"], "indexed: {indexed}");
    }
    let inbound = store
        .inbound_page(&LogPage {
            search: Some("děkuji".into()),
            ..LogPage::since(T0, 10)
        })
        .unwrap();
    assert_eq!(inbound.len(), 1);
}

/// A search pages through its matches newest first, finds the same rows
/// whether it is long enough for the trigram index or not, keeps quotes
/// and separators plain, and forgets what retention deleted.
pub(crate) fn a_search_pages_through_its_matches_and_forgets_pruned_rows(backend: &dyn Backend) {
    let store = backend.open();
    for n in 0..30u64 {
        let mut row = message(&format!("k{n}"));
        row.text = match n % 3 {
            0 => format!("Order {n} is \"ready\""),
            1 => format!("Pickup code {n}"),
            _ => format!("Žádost {n}"),
        };
        store.enqueue(&row, T0 + n).unwrap();
    }
    // Read through the search index (as the daemon keeps it).
    store.index_search(usize::MAX).unwrap();
    let page =
        |search: &str, before: Option<i64>, limit: u32| search_page(&*store, search, before, limit);
    let keys = |rows: &[plutanium_store::OutboxRow]| {
        rows.iter().map(|r| r.key.clone()).collect::<Vec<_>>()
    };
    // Ten matches, read four at a time from the newest.
    let first = page("is \"READY\"", None, 4);
    assert_eq!(keys(&first), ["k27", "k24", "k21", "k18"]);
    let second = page("is \"READY\"", Some(first[3].id), 4);
    assert_eq!(keys(&second), ["k15", "k12", "k9", "k6"]);
    let last = page("is \"READY\"", Some(second[3].id), 4);
    assert_eq!(keys(&last), ["k3", "k0"]);
    // A word and a part of a word shorter than a trigram find alike.
    assert_eq!(keys(&page("žá", None, 20)), keys(&page("žádost", None, 20)));
    assert_eq!(page("žádost", None, 20).len(), 10);
    assert!(page("zadost", None, 20).is_empty(), "accents count");
    let bare = store
        .outbound_page(
            &LogPage {
                search: Some("ZADOST 2".into()),
                ignore_diacritics: true,
                ..LogPage::since(T0, 20)
            },
            None,
        )
        .unwrap();
    assert_eq!(keys(&bare), ["k29", "k26", "k23", "k20", "k2"]);
    // The text and the number are two fields: no match spans them.
    assert!(page("code 1+420", None, 20).is_empty());
    assert_eq!(keys(&page("13\u{1f}", None, 20)), ["k13"]);
    // Retention deletes finished rows, and their entries with them.
    let claimed = store.claim(T0 + 100, 30, LEASE).unwrap();
    for row in &claimed {
        store
            .complete(row.id, row.attempts, &sent("gsm0", &[1]), T0 + 101)
            .unwrap();
    }
    assert_eq!(store.prune(T0 + 102).unwrap(), 30);
    assert!(page("pickup", None, 20).is_empty());
    let mut again = message("k-new");
    again.text = "Pickup code again".into();
    store.enqueue(&again, T0 + 200).unwrap();
    assert_eq!(keys(&page("pickup", None, 20)), ["k-new"]);
    // SQLite may give the new row a deleted row's id: what that row said
    // must not find it, before the new row is indexed or after.
    assert!(page("ready", None, 20).is_empty());
    store.index_search(usize::MAX).unwrap();
    assert!(page("ready", None, 20).is_empty());
    assert_eq!(keys(&page("pickup", None, 20)), ["k-new"]);
}

/// A long log: a word's matches among the newest rows come first, then
/// its older ones (PostgreSQL reads those through another plan), and
/// paging goes on across the two.
pub(crate) fn a_search_finds_old_and_new_matches_in_a_long_log(backend: &dyn Backend) {
    let store = backend.open();
    let rows: Vec<_> = (0..6_500u64)
        .map(|n| {
            let mut row = message(&format!("k{n}"));
            row.text = if [3, 40, 6_400].contains(&n) {
                format!("parcel {n} is waiting")
            } else {
                format!("Winter sale, code {n}")
            };
            row
        })
        .collect();
    store.enqueue_batch(&rows, T0).unwrap();
    store.index_search(usize::MAX).unwrap();
    // Two more, not indexed yet: a search finds them all the same.
    let mut late = message("k-late");
    late.text = "parcel late is waiting".into();
    store.enqueue(&late, T0).unwrap();
    let page = |search: &str, before: Option<i64>, limit: u32| {
        search_page(&*store, search, before, limit)
            .into_iter()
            .map(|r| (r.id, r.key))
            .collect::<Vec<_>>()
    };
    let keys = |rows: &[(i64, String)]| rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>();
    assert_eq!(
        keys(&page("PARCEL", None, 10)),
        ["k-late", "k6400", "k40", "k3"]
    );
    let first = page("parcel", None, 2);
    assert_eq!(keys(&first), ["k-late", "k6400"]);
    let second = page("parcel", Some(first[1].0), 2);
    assert_eq!(keys(&second), ["k40", "k3"]);
    assert!(page("parcel", Some(second[1].0), 2).is_empty());
    assert_eq!(page("sale", None, 7).len(), 7);
    assert_eq!(keys(&page("code 6499", None, 5)), ["k6499"]);
    assert_eq!(keys(&page("code 12", None, 1)), ["k1299"]);
}

pub(crate) fn live_events_are_kept_once_in_id_order(backend: &dyn Backend) {
    let store = backend.open();
    assert_eq!(store.last_live_event_id().unwrap(), 0);
    let event = |id: i64| LoggedEvent {
        id,
        at: T0 + id as u64,
        kind: "sms".into(),
        data: format!("{{\"n\":{id}}}"),
    };
    store
        .append_live_events(&[event(3), event(1), event(2)])
        .unwrap();
    // A batch logged again (a retried write) changes nothing.
    let mut changed = event(2);
    changed.data = "{}".into();
    store.append_live_events(&[changed, event(4)]).unwrap();
    drop(store);
    let store = backend.open();
    assert_eq!(store.last_live_event_id().unwrap(), 4);
    let after = store.live_events_after(1, 2).unwrap();
    assert_eq!(after, [event(2), event(3)]);
    assert_eq!(store.live_events_after(4, 10).unwrap(), []);
    // The event log keeps what was logged, newest first.
    store.log_event(T0, "modem", "gsm0", "ready").unwrap();
    store.log_event(T0 + 1, "modem", "gsm0", "lost").unwrap();
    let events = store.events(10).unwrap();
    assert_eq!(events[0].3, "lost");
    assert_eq!(events.len(), 2);
}

/// The outbox rows from `T0` on whose text or number holds `search`, with
/// ids below `before`, at most `limit`, newest first.
fn search_page(
    store: &dyn plutanium_store::Store,
    search: &str,
    before: Option<i64>,
    limit: u32,
) -> Vec<plutanium_store::OutboxRow> {
    store
        .outbound_page(
            &LogPage {
                search: Some(search.into()),
                before,
                ..LogPage::since(T0, limit)
            },
            None,
        )
        .unwrap()
}
