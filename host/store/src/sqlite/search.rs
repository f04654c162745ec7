//! Search in SQLite: [`fold`] registered as `plutanium_fold(text,
//! ignore_diacritics)` on every connection the store opens (SQLite's own
//! `lower()` knows ASCII only).

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

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

/// SQL that holds when `:search` is unset or one of `columns` contains it,
/// folded as [`fold`] does with `:diacritics` (`instr`, so LIKE's wildcards
/// are plain characters).
pub(super) fn matches(columns: &[&str]) -> String {
    let any: Vec<String> = columns
        .iter()
        .map(|column| {
            format!(
                "instr(plutanium_fold({column}, :diacritics), plutanium_fold(:search, :diacritics)) > 0"
            )
        })
        .collect();
    format!("(:search IS NULL OR {})", any.join(" OR "))
}
