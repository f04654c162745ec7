//! Search in SQLite, at the same cost however long the log grows.
//!
//! [`fold`] is registered as `plutanium_fold(text, ignore_diacritics)` on
//! every connection the store opens (SQLite's own `lower()` knows ASCII
//! only). Each searched table has an FTS5 index (`outbox_search`,
//! `inbox_search`, `calls_search`, migration 10) of its searchable text
//! folded without diacritics, split into trigrams, so a search of three
//! characters or more reads the index instead of folding every row:
//! - the index holds the diacritic-free fold, which matches a superset of
//!   the exact fold's matches (dropping the same characters from both sides
//!   keeps a substring a substring);
//! - it keeps no positions (`detail=none`: about half the index, and
//!   inserts that cost less), so it answers "holds all these trigrams",
//!   and each candidate is checked with `instr` against the fold the
//!   search asked for;
//! - it is contentless (the text lives in the table, once) with
//!   `contentless_delete`, so retention's deletes remove the entries;
//! - a trigger notes each new row in `{table}_search_pending` (a small
//!   insert, so accepting a burst stays fast; folding and indexing in the
//!   same transaction halved it), and the daemon indexes pending rows in
//!   the background ([`index_pending`], every second); a search reads the
//!   pending rows directly, so it misses nothing meanwhile.
//!
//! A search shorter than a trigram scans newest first, as before the index:
//! it matches often, so the scan stops early on its `LIMIT`.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use crate::LogPage;
use crate::search::fold;

/// Makes `plutanium_fold(text, ignore_diacritics)` callable on `conn`.
pub(super) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "plutanium_fold",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            let ignore_diacritics: bool = ctx.get(1)?;
            Ok(text.map(|text| fold(&text, ignore_diacritics)))
        },
    )
}

/// A table whose rows are searched: its name (its index is
/// `{table}_search`) and the SQL of its searchable text, as the index's
/// trigger writes it.
pub(super) struct Searched {
    table: &'static str,
    text: &'static str,
}

/// Outbound messages by text and recipient.
pub(super) const OUTBOX: Searched = Searched {
    table: "outbox",
    text: "body || char(31) || to_number",
};

/// Inbound messages by text and sender.
pub(super) const INBOX: Searched = Searched {
    table: "inbox",
    text: "body || char(31) || sender",
};

/// Calls by the caller's number.
pub(super) const CALLS: Searched = Searched {
    table: "calls",
    text: "coalesce(caller, '')",
};

/// Joins the searchable columns of a row in its searched text (see
/// [`Searched`]): a search has it removed, so a match never spans two.
const SEPARATOR: char = '\u{1f}';

/// How a page's search runs.
enum Search {
    /// No search: every row.
    All,
    /// Fewer characters than a trigram: `instr` over each row, newest first.
    Scan { folded: String, diacritics: bool },
    /// Through the trigram index, each candidate checked against the fold.
    Index {
        query: String,
        folded: String,
        diacritics: bool,
    },
}

impl Search {
    fn of(page: &LogPage) -> Search {
        let Some(search) = page.search.as_deref() else {
            return Search::All;
        };
        let search = search.replace(SEPARATOR, "");
        let bare = fold(&search, true);
        if bare.is_empty() {
            return Search::All;
        }
        let folded = fold(&search, page.ignore_diacritics);
        if bare.chars().count() < 3 {
            return Search::Scan {
                folded,
                diacritics: page.ignore_diacritics,
            };
        }
        Search::Index {
            query: trigrams_query(&bare),
            folded,
            diacritics: page.ignore_diacritics,
        }
    }
}

/// An FTS5 query for rows whose indexed text holds every trigram of
/// `bare` (at most [`MAX_TRIGRAMS`] of them, spread over it). The index
/// keeps no positions (`detail=none`, a smaller index and cheaper inserts),
/// so it finds candidates, which the query checks against the text.
fn trigrams_query(bare: &str) -> String {
    let chars: Vec<char> = bare.chars().collect();
    let all: Vec<String> = chars.windows(3).map(|w| w.iter().collect()).collect();
    let step = all.len().div_ceil(MAX_TRIGRAMS).max(1);
    let mut picked: Vec<&String> = all.iter().step_by(step).collect();
    if let Some(last) = all.last() {
        picked.push(last);
    }
    picked.sort();
    picked.dedup();
    picked
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The most trigrams a search asks the index for: enough to make the
/// candidates few, few enough to keep the query cheap.
const MAX_TRIGRAMS: usize = 12;

/// The SQL of a page: one query, or, for a search through the index, two
/// (the rows not indexed yet, then the index), whose rows are merged
/// newest first; and the search's parameters.
pub(super) struct PageSql {
    pub(super) queries: Vec<String>,
    pub(super) params: Vec<(&'static str, String)>,
}

/// A page query over `searched`: `select` (columns, unqualified, `id`
/// first) from rows where `filter` holds (it may name `:since`, `:before`
/// and the caller's own parameters), newest first, at most `:limit`, with
/// the page's search.
pub(super) fn page_query(
    searched: &Searched,
    select: &str,
    filter: &str,
    page: &LogPage,
) -> PageSql {
    let Searched { table, text } = searched;
    match Search::of(page) {
        Search::All => PageSql {
            queries: vec![format!(
                "SELECT {select} FROM {table} WHERE {filter} ORDER BY id DESC LIMIT CAST(:limit AS INTEGER)"
            )],
            params: Vec::new(),
        },
        Search::Scan { folded, diacritics } => PageSql {
            queries: vec![format!(
                "SELECT {select} FROM {table} WHERE {filter} \
                 AND instr(plutanium_fold({text}, {}), :folded) > 0 \
                 ORDER BY id DESC LIMIT CAST(:limit AS INTEGER)",
                u8::from(diacritics)
            )],
            params: vec![(":folded", folded)],
        },
        Search::Index {
            query,
            folded,
            diacritics,
        } => {
            let check = format!(
                "instr(plutanium_fold({text}, {}), :folded) > 0",
                u8::from(diacritics)
            );
            PageSql {
                queries: vec![
                    // Rows not indexed yet: at most what arrived since the
                    // indexer last ran.
                    format!(
                        "SELECT {select} FROM {table} WHERE id IN \
                         (SELECT id FROM {table}_search_pending WHERE id < :before) \
                         AND {filter} AND {check} ORDER BY id DESC LIMIT CAST(:limit AS INTEGER)"
                    ),
                    // The index drives (newest first, from `:before` down),
                    // and each candidate is looked up by id and checked:
                    // the cost follows the candidates read, not the rows.
                    format!(
                        "SELECT {select} FROM {table}_search JOIN {table} ON {table}.id = {table}_search.rowid \
                         WHERE {table}_search MATCH :match AND {table}_search.rowid < :before \
                         AND {filter} AND {check} ORDER BY {table}_search.rowid DESC LIMIT CAST(:limit AS INTEGER)"
                    ),
                ],
                params: vec![(":match", query), (":folded", folded)],
            }
        }
    }
}

/// Indexes up to `max` rows of `searched` that are pending (see migration
/// 10) in one transaction; how many it indexed.
pub(super) fn index_pending(
    conn: &mut Connection,
    searched: &Searched,
    max: usize,
) -> rusqlite::Result<usize> {
    let Searched { table, text } = searched;
    drain(
        conn,
        &format!("{table}_search_pending"),
        "id",
        max,
        // CROSS JOIN: SQLite joins in the order written, so the pending
        // rows drive and each is read by its id (the planner may otherwise
        // scan the whole table for each chunk).
        &format!(
            "INSERT INTO {table}_search (rowid, bare) SELECT {table}.id, plutanium_fold({text}, 1) \
             FROM {table}_search_pending CROSS JOIN {table} ON {table}.id = {table}_search_pending.id \
             WHERE {table}_search_pending.id <= ?1"
        ),
    )
}

/// Removes from `searched`'s index up to `max` rows deleted since the last
/// call (migration 12's `{table}_search_gone`), oldest first, in one
/// transaction; how many. A deleted id may come back (calls' ids are
/// reused once the table is empty), so this runs before its new row is
/// indexed.
pub(super) fn forget_gone(
    conn: &mut Connection,
    searched: &Searched,
    max: usize,
) -> rusqlite::Result<usize> {
    let table = searched.table;
    drain(
        conn,
        &format!("{table}_search_gone"),
        "seq",
        max,
        // The text must be what the row was indexed with: the same columns,
        // folded the same way (see `crate::search::fold`).
        &format!(
            "INSERT INTO {table}_search ({table}_search, rowid, bare) \
             SELECT 'delete', id, plutanium_fold(text, 1) FROM {table}_search_gone WHERE seq <= ?1"
        ),
    )
}

/// Takes the first `max` rows of the work queue `queue` (ordered by `key`)
/// in one transaction: runs `apply` (whose `?1` is the last key taken) and
/// deletes them; how many rows `apply` changed.
fn drain(
    conn: &mut Connection,
    queue: &str,
    key: &str,
    max: usize,
    apply: &str,
) -> rusqlite::Result<usize> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let last: Option<i64> = tx.query_row(
        &format!("SELECT max({key}) FROM (SELECT {key} FROM {queue} ORDER BY {key} LIMIT CAST(?1 AS INTEGER))"),
        [max as i64],
        |row| row.get(0),
    )?;
    let Some(last) = last else {
        return Ok(0);
    };
    let changed = tx.execute(apply, [last])?;
    tx.execute(&format!("DELETE FROM {queue} WHERE {key} <= ?1"), [last])?;
    tx.commit()?;
    Ok(changed)
}

/// Merges about `pages` pages of `searched`'s index segments, in a
/// transaction of its own. Migration 12 turned FTS5's automerge off, since
/// it merged inside whichever write happened to fill a level and held the
/// store for as long as that took.
pub(super) fn merge(conn: &Connection, searched: &Searched, pages: u32) -> rusqlite::Result<()> {
    let table = searched.table;
    conn.execute(
        &format!("INSERT INTO {table}_search ({table}_search, rank) VALUES ('merge', ?1)"),
        [pages],
    )?;
    Ok(())
}

/// How many rows of `searched` wait to be indexed, or to leave the index.
pub(super) fn pending(conn: &Connection, searched: &Searched) -> rusqlite::Result<u64> {
    let table = searched.table;
    conn.query_row(
        &format!(
            "SELECT (SELECT count(*) FROM {table}_search_pending) \
             + (SELECT count(*) FROM {table}_search_gone)"
        ),
        [],
        |row| row.get::<_, i64>(0),
    )
    .map(|count| count as u64)
}

/// Every searched table.
pub(super) const SEARCHED: [&Searched; 3] = [&OUTBOX, &INBOX, &CALLS];

#[cfg(test)]
mod tests {
    use super::*;

    fn page(search: &str, ignore_diacritics: bool) -> LogPage {
        LogPage {
            search: Some(search.into()),
            ignore_diacritics,
            ..LogPage::since(0, 10)
        }
    }

    #[test]
    fn three_characters_or_more_read_the_index_and_fewer_scan() {
        let sql = page_query(&OUTBOX, "id", "1", &page("Čau", false));
        assert!(
            sql.queries[0].contains("outbox_search_pending"),
            "{:?}",
            sql.queries
        );
        assert!(
            sql.queries[1].contains("outbox_search MATCH :match"),
            "{:?}",
            sql.queries
        );
        assert_eq!(sql.params[0], (":match", "\"cau\"".to_string()));
        assert_eq!(sql.params[1].0, ":folded", "candidates are checked");
        let sql = page_query(&OUTBOX, "id", "1", &page("Ča", false));
        assert_eq!(sql.queries.len(), 1);
        assert!(!sql.queries[0].contains("MATCH") && sql.queries[0].contains("instr"));
        let sql = page_query(&OUTBOX, "id", "1", &page("\u{1f}", false));
        assert!(!sql.queries[0].contains("instr") && sql.params.is_empty());
    }

    #[test]
    fn a_search_asks_for_its_trigrams_quotes_kept_plain() {
        assert_eq!(
            trigrams_query("say \"hi\""),
            r#"" ""h" AND """hi" AND "ay " AND "hi""" AND "say" AND "y """"#
        );
        let long = "a".repeat(10) + &"b".repeat(90);
        let query = trigrams_query(&long);
        assert!(query.split(" AND ").count() <= MAX_TRIGRAMS + 1, "{query}");
        assert!(
            query.contains("\"bbb\"") && query.contains("\"aaa\""),
            "{query}"
        );
    }
}
