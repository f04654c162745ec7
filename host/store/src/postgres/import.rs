//! The PostgreSQL side of copying an SQLite store (`transfer.rs`): rows
//! written as they were, ids included.

use postgres::types::ToSql;

use super::{PgStore, search_columns};
use crate::StoreError;
use crate::transfer::{Kind, Table, Value};

/// A value as the column's PostgreSQL type wants it.
fn typed(
    value: &Value,
    kind: Kind,
    table: &'static str,
    id: i64,
    column: &str,
) -> Result<Box<dyn ToSql + Sync>, StoreError> {
    let wrong = || StoreError::Corrupt {
        table,
        id,
        problem: format!("column {column} holds {value:?}, not a {kind:?} value"),
    };
    Ok(match (value, kind) {
        (Value::Null, Kind::Big) => Box::new(None::<i64>),
        (Value::Null, Kind::Int) => Box::new(None::<i32>),
        (Value::Null, Kind::Small) => Box::new(None::<i16>),
        (Value::Null, Kind::Bool) => Box::new(None::<bool>),
        (Value::Null, Kind::Text) => Box::new(None::<String>),
        (Value::Null, Kind::Bytes) => Box::new(None::<Vec<u8>>),
        (Value::Int(n), Kind::Big) => Box::new(*n),
        (Value::Int(n), Kind::Int) => Box::new(i32::try_from(*n).map_err(|_| wrong())?),
        (Value::Int(n), Kind::Small) => Box::new(i16::try_from(*n).map_err(|_| wrong())?),
        (Value::Int(n), Kind::Bool) => Box::new(*n != 0),
        (Value::Text(t), Kind::Text) => Box::new(t.clone()),
        (Value::Bytes(b), Kind::Bytes) => Box::new(b.clone()),
        // SQLite keeps what it is given: text in a blob column and the like.
        (Value::Text(t), Kind::Bytes) => Box::new(t.clone().into_bytes()),
        (Value::Bytes(b), Kind::Text) => {
            Box::new(String::from_utf8(b.clone()).map_err(|_| wrong())?)
        }
        _ => return Err(wrong()),
    })
}

impl PgStore {
    /// The highest id in `table`, 0 when empty: where a copy resumes.
    pub(crate) fn highest_id(&self, table: &Table) -> Result<i64, StoreError> {
        let id = table.id.unwrap_or("id");
        self.with(|conn| {
            Ok(conn
                .query_one(
                    &format!("SELECT COALESCE(max({id}), 0)::bigint FROM {}", table.name),
                    &[],
                )?
                .try_get(0)?)
        })
    }

    /// The rows in `table`.
    pub(crate) fn count(&self, table: &Table) -> Result<u64, StoreError> {
        self.with(|conn| {
            let n: i64 = conn
                .query_one(&format!("SELECT count(*) FROM {}", table.name), &[])?
                .try_get(0)?;
            Ok(n.max(0) as u64)
        })
    }

    /// Writes `rows` (in `table.columns` order) in one transaction, with
    /// the search columns folded; a row already there (same key) is left.
    /// Returns how many were new.
    pub(crate) fn import(&self, table: &Table, rows: &[Vec<Value>]) -> Result<u64, StoreError> {
        let mut names: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
        if !table.search.is_empty() {
            names.extend(["search_fold", "search_bare"]);
        }
        let placeholders: Vec<String> = (1..=names.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}) {} VALUES ({}) ON CONFLICT DO NOTHING",
            table.name,
            names.join(", "),
            if table.identity {
                "OVERRIDING SYSTEM VALUE"
            } else {
                ""
            },
            placeholders.join(", ")
        );
        self.with(|conn| {
            let mut tx = conn.transaction()?;
            let insert = tx.prepare(&sql)?;
            let mut added = 0;
            for row in rows {
                let mut values = Vec::with_capacity(names.len());
                let id = match row.first() {
                    Some(Value::Int(id)) if table.id.is_some() => *id,
                    _ => 0,
                };
                for (value, (column, kind)) in row.iter().zip(table.columns) {
                    values.push(typed(value, *kind, table.name, id, column)?);
                }
                if !table.search.is_empty() {
                    let texts: Vec<&str> = table
                        .search
                        .iter()
                        .map(|column| {
                            let at = table.columns.iter().position(|(name, _)| name == column);
                            match at.and_then(|i| row.get(i)) {
                                Some(Value::Text(text)) => text.as_str(),
                                _ => "",
                            }
                        })
                        .collect();
                    let (fold, bare) = search_columns(&texts);
                    values.push(Box::new(fold));
                    values.push(Box::new(bare));
                }
                let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
                added += tx.execute(&insert, &params)?;
            }
            tx.commit()?;
            Ok(added)
        })
    }

    /// Makes `table`'s id sequence go on after its highest id and after
    /// `given` (the highest id the old store ever gave, deleted rows'
    /// included): ids are never reused.
    pub(crate) fn continue_ids_after(&self, table: &Table, given: i64) -> Result<(), StoreError> {
        let id = table.id.unwrap_or("id");
        self.with(|conn| {
            conn.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{id}'), \
                     GREATEST((SELECT COALESCE(max({id}), 0) FROM {table}), $1::bigint, 1), \
                     GREATEST((SELECT COALESCE(max({id}), 0) FROM {table}), $1::bigint) > 0)",
                    table = table.name
                ),
                &[&given],
            )?;
            Ok(())
        })
    }
}
