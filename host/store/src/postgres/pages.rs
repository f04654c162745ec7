//! Reading the log a page at a time, newest first, searches included, at
//! a cost that does not grow with the log.
//!
//! A search goes through the same fold as SQLite's, stored beside the text
//! (`search_fold`, `search_bare`): `LIKE` on the diacritic-free fold, which
//! a trigram index serves (migration 6), then, when diacritics count,
//! `strpos` on the exact fold (a match with diacritics is also one without,
//! so this finds them all).
//!
//! No one plan is cheap for every word. The newest rows read backwards
//! stop early for a frequent word but read the whole log for a rare one;
//! the trigram index finds a rare word at once but must sort every row of
//! a frequent one. So a search reads the newest [`WINDOW`] rows first,
//! which fills the page for any word that is not rare, and only then asks
//! the index for the older matches, with plain index scans off so the
//! planner cannot fall back to reading the log backwards. The cost is
//! bounded by the window and by the matches of words too rare to fill it.

use postgres::types::ToSql;
use postgres::{GenericClient, Row};

use super::{PgStore, SEPARATOR};
use crate::{LogPage, StoreError};

/// The newest rows a search reads before it asks the trigram index.
const WINDOW: i64 = 5_000;

/// A page of one table: `SELECT {columns} FROM {table}` where `own` (the
/// caller's conditions on `params`, `$1` on) holds, from the page's
/// `since` on `time`.
pub(super) struct PageQuery<'a> {
    pub(super) table: &'static str,
    pub(super) columns: &'static str,
    pub(super) time: &'static str,
    pub(super) own: &'static str,
    pub(super) params: Vec<&'a (dyn ToSql + Sync)>,
}

/// A page's values, as the query binds them.
struct Filter {
    since: i64,
    before: i64,
    limit: i64,
    pattern: Option<String>,
    exact: Option<String>,
}

impl Filter {
    fn new(page: &LogPage) -> Filter {
        // The search as stored, without diacritics (what the index holds),
        // folded once; none when it folds to nothing.
        let search = page
            .search
            .as_deref()
            .map(|s| s.replace(SEPARATOR, ""))
            .map(|s| (crate::search::fold(&s, true), s))
            .filter(|(bare, _)| !bare.is_empty());
        Filter {
            since: i64::try_from(page.since).unwrap_or(i64::MAX),
            before: page.before.unwrap_or(i64::MAX),
            limit: i64::from(page.limit),
            pattern: search.as_ref().map(|(bare, _)| {
                // LIKE's wildcards and its escape are plain characters here.
                let escaped: String = bare
                    .chars()
                    .flat_map(|c| match c {
                        '\\' | '%' | '_' => vec!['\\', c],
                        c => vec![c],
                    })
                    .collect();
                format!("%{escaped}%")
            }),
            exact: search
                .filter(|_| !page.ignore_diacritics)
                .map(|(_, s)| crate::search::fold(&s, false)),
        }
    }
}

/// Which rows a query reads.
#[derive(Clone, Copy)]
enum Reading {
    /// A page without a search, by the planner's choice.
    All,
    /// The newest [`WINDOW`] rows below `$below`, backwards by id.
    Newest,
    /// Rows below `$below` through the trigram index. The id and the time
    /// are compared as expressions (`+ 0`), which no index on them serves:
    /// a bitmap of the id range would hold the whole log.
    Older,
}

impl Reading {
    /// What the planner may use, set for the transaction.
    fn settings(self) -> &'static str {
        match self {
            Reading::All => "",
            Reading::Newest => "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off",
            Reading::Older => {
                "SET LOCAL enable_bitmapscan = on; SET LOCAL enable_indexscan = off; \
                 SET LOCAL enable_seqscan = off"
            }
        }
    }
}

impl PageQuery<'_> {
    /// The SQL for ids below `$below`, with the page's conditions numbered
    /// after the caller's.
    fn sql(&self, reading: Reading) -> String {
        let PageQuery {
            table,
            columns,
            time,
            own,
            params,
        } = self;
        let n = params.len() + 1;
        let (rows, id, time) = match reading {
            Reading::All => (table.to_string(), "id", time.to_string()),
            Reading::Newest => (
                format!(
                    "(SELECT * FROM {table} WHERE id < ${} ORDER BY id DESC LIMIT {WINDOW}) newest",
                    n + 1
                ),
                "id",
                time.to_string(),
            ),
            Reading::Older => (table.to_string(), "(id + 0)", format!("({time} + 0)")),
        };
        format!(
            "SELECT {columns} FROM {rows} WHERE {own} AND {time} >= ${n} AND {id} < ${} \
             AND (${}::text IS NULL OR search_bare LIKE ${}) \
             AND (${}::text IS NULL OR strpos(search_fold, ${}) > 0) \
             ORDER BY id DESC LIMIT ${}",
            n + 1,
            n + 2,
            n + 2,
            n + 3,
            n + 3,
            n + 4,
        )
    }

    /// The caller's values, then the page's, for ids below `below`.
    fn values<'v>(
        &'v self,
        filter: &'v Filter,
        below: &'v i64,
        limit: &'v i64,
    ) -> Vec<&'v (dyn ToSql + Sync)> {
        let mut values = self.params.clone();
        values.extend([
            &filter.since as &(dyn ToSql + Sync),
            below,
            &filter.pattern,
            &filter.exact,
            limit,
        ]);
        values
    }

    fn query(
        &self,
        conn: &mut impl GenericClient,
        filter: &Filter,
        (reading, below): (Reading, i64),
        limit: i64,
    ) -> Result<Vec<Row>, StoreError> {
        if !reading.settings().is_empty() {
            conn.batch_execute(reading.settings())?;
        }
        Ok(conn.query(&self.sql(reading), &self.values(filter, &below, &limit))?)
    }

    /// The page's rows, newest first.
    pub(super) fn rows(
        &self,
        conn: &mut postgres::Client,
        page: &LogPage,
    ) -> Result<Vec<Row>, StoreError> {
        let filter = Filter::new(page);
        if filter.pattern.is_none() {
            return self.query(conn, &filter, (Reading::All, filter.before), filter.limit);
        }
        let mut tx = conn.transaction()?;
        let newest = (Reading::Newest, filter.before);
        let mut rows = self.query(&mut tx, &filter, newest, filter.limit)?;
        let missing = filter.limit - rows.len() as i64;
        if missing > 0 {
            let boundary = tx
                .query_opt(
                    &format!(
                        "SELECT id FROM {} WHERE id < $1 ORDER BY id DESC OFFSET {} LIMIT 1",
                        self.table,
                        WINDOW - 1
                    ),
                    &[&filter.before],
                )?
                .map(|row| row.try_get::<_, i64>(0))
                .transpose()?;
            // The window's oldest row; none when the window held them all.
            if let Some(boundary) = boundary {
                let older = (Reading::Older, boundary);
                rows.extend(self.query(&mut tx, &filter, older, missing)?);
            }
        }
        tx.commit()?;
        Ok(rows)
    }
}

impl PgStore {
    /// What PostgreSQL plans for the older matches of a search for a word
    /// (see the module's doc), for [`PgStore::query_plans`].
    pub(super) fn search_plan(tx: &mut postgres::Transaction<'_>) -> Result<String, StoreError> {
        let query = PageQuery {
            table: "outbox",
            columns: "id",
            time: "created_at",
            own: "TRUE",
            params: Vec::new(),
        };
        let filter = Filter::new(&LogPage {
            search: Some("hello".into()),
            ..LogPage::since(0, 10)
        });
        tx.batch_execute(Reading::Older.settings())?;
        let params = query.values(&filter, &1_000_000, &filter.limit);
        let lines: Vec<String> = tx
            .query(&format!("EXPLAIN {}", query.sql(Reading::Older)), &params)?
            .iter()
            .map(|row| row.try_get(0))
            .collect::<Result<_, _>>()?;
        Ok(lines.join("; "))
    }
}
