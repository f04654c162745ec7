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
//!   keeps a substring a substring), so a search that respects diacritics
//!   reads the index and then checks its candidates with `instr`;
//! - it is contentless (the text lives in the table, once) with
//!   `contentless_delete`, so retention's deletes remove the entries;
//! - triggers write it, so every way a row is inserted (a send, a routed
//!   reply, an import) is indexed, in the same transaction.
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
    /// Through the trigram index; `exact` is the fold to check candidates
    /// against when diacritics count.
    Index {
        query: String,
        exact: Option<String>,
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
            // One FTS5 string: the trigram tokenizer makes it a phrase of
            // its trigrams, which matches where the whole of it occurs.
            query: format!("\"{}\"", bare.replace('"', "\"\"")),
            exact: (!page.ignore_diacritics).then_some(folded),
        }
    }
}

/// A page query over `searched`: `select` (columns, unqualified) from rows
/// where `filter` holds (it may name `:since`, `:before` and `extra`'s
/// parameters), newest first, at most `:limit`, with the page's search.
/// Returns the SQL and the search's parameters.
pub(super) fn page_query(
    searched: &Searched,
    select: &str,
    filter: &str,
    page: &LogPage,
) -> (String, Vec<(&'static str, String)>) {
    let Searched { table, text } = searched;
    match Search::of(page) {
        Search::All => (
            format!("SELECT {select} FROM {table} WHERE {filter} ORDER BY id DESC LIMIT :limit"),
            Vec::new(),
        ),
        Search::Scan { folded, diacritics } => (
            format!(
                "SELECT {select} FROM {table} WHERE {filter} \
                 AND instr(plutanium_fold({text}, {}), :folded) > 0 \
                 ORDER BY id DESC LIMIT :limit",
                u8::from(diacritics)
            ),
            vec![(":folded", folded)],
        ),
        Search::Index { query, exact } => {
            let mut params = vec![(":match", query)];
            let check = match exact {
                Some(folded) => {
                    params.push((":folded", folded));
                    format!("AND instr(plutanium_fold({text}, 0), :folded) > 0")
                }
                None => String::new(),
            };
            // The index drives (newest first, from `:before` down), and
            // each match is looked up by id: the cost follows the matches
            // read, not the rows stored.
            (
                format!(
                    "SELECT {select} FROM {table}_search JOIN {table} ON {table}.id = {table}_search.rowid \
                     WHERE {table}_search MATCH :match AND {table}_search.rowid < :before \
                     AND {filter} {check} ORDER BY {table}_search.rowid DESC LIMIT :limit"
                ),
                params,
            )
        }
    }
}

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
        let (sql, params) = page_query(&OUTBOX, "id", "1", &page("Čau", false));
        assert!(sql.contains("outbox_search MATCH :match"), "{sql}");
        assert_eq!(params[0], (":match", "\"cau\"".to_string()));
        assert_eq!(params[1].0, ":folded", "diacritics checked on candidates");
        let (sql, params) = page_query(&OUTBOX, "id", "1", &page("Čau", true));
        assert!(sql.contains("MATCH"), "{sql}");
        assert_eq!(params.len(), 1, "no check when diacritics are ignored");
        let (sql, _) = page_query(&OUTBOX, "id", "1", &page("Ča", false));
        assert!(!sql.contains("MATCH") && sql.contains("instr"), "{sql}");
        let (sql, params) = page_query(&OUTBOX, "id", "1", &page("\u{1f}", false));
        assert!(!sql.contains("instr") && params.is_empty(), "{sql}");
    }

    #[test]
    fn a_quote_in_a_search_stays_in_the_phrase() {
        let (_, params) = page_query(&INBOX, "id", "1", &page("say \"hi\"", true));
        assert_eq!(params[0].1, "\"say \"\"hi\"\"\"");
    }
}
