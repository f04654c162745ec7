//! Modem health samples and hourly traffic in SQLite.

use plutanium_core::Timestamp;
use rusqlite::{Row, params};

use super::SqliteStore;
use crate::health::{HOUR_MS, merge_hours};
use crate::{HealthSample, HourlyTraffic, PRUNE_BATCH, StoreError};

impl SqliteStore {
    /// See [`Store::record_health`](crate::Store::record_health): committed
    /// as a state change is (no fsync; the next full commit takes it).
    pub fn record_health(&self, samples: &[HealthSample]) -> Result<(), StoreError> {
        if samples.is_empty() {
            return Ok(());
        }
        self.with_state_change(|conn| {
            let tx = conn.transaction()?;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO modem_health (modem, at, state, signal_dbm, rsrp_dbm, rsrq_db, \
                     sinr_db, network, registration, operator, sim) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?;
                for s in samples {
                    insert.execute(params![
                        s.modem,
                        s.at as i64,
                        s.state,
                        s.signal_dbm,
                        s.rsrp_dbm,
                        s.rsrq_db.map(f64::from),
                        s.sinr_db.map(f64::from),
                        s.network,
                        s.registration,
                        s.operator,
                        s.sim,
                    ])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// See [`Store::health`](crate::Store::health).
    pub fn health(
        &self,
        modem: &str,
        since: Timestamp,
        limit: u32,
    ) -> Result<Vec<HealthSample>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT * FROM (SELECT modem, at, state, signal_dbm, rsrp_dbm, rsrq_db, sinr_db, \
                 network, registration, operator, sim, id FROM modem_health \
                 WHERE modem = ?1 AND at >= ?2 ORDER BY at DESC, id DESC LIMIT ?3) ORDER BY at, id",
            )?;
            let rows = stmt.query_map(params![modem, since as i64, i64::from(limit)], sample)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// See [`Store::traffic_by_hour`](crate::Store::traffic_by_hour). Both
    /// counts read an index range (`outbox_sent_by`, `inbox_stored_at`).
    pub fn traffic_by_hour(
        &self,
        modem: &str,
        since: Timestamp,
    ) -> Result<Vec<HourlyTraffic>, StoreError> {
        let from = (since - since % HOUR_MS) as i64;
        let hour = HOUR_MS as i64;
        self.read(|conn| {
            let counts = |sql: &str| -> Result<Vec<(u64, u64)>, StoreError> {
                let mut stmt = conn.prepare_cached(sql)?;
                let rows = stmt.query_map(params![modem, from, hour], |row| {
                    Ok((row.get::<_, i64>(0)? as u64, row.get::<_, i64>(1)? as u64))
                })?;
                Ok(rows.collect::<Result<_, _>>()?)
            };
            let sent = counts(
                "SELECT sent_at / ?3, COUNT(*) FROM outbox \
                 WHERE sent_by = ?1 AND state IN ('sent','delivered','failed','expired') \
                 AND updated_at >= ?2 AND sent_at >= ?2 GROUP BY 1 ORDER BY 1",
            )?;
            let received = counts(
                "SELECT stored_at / ?3, COUNT(*) FROM inbox \
                 WHERE stored_at >= ?2 AND modem = ?1 GROUP BY 1 ORDER BY 1",
            )?;
            Ok(merge_hours(&sent, &received))
        })
    }

    /// See [`Store::prune_health`](crate::Store::prune_health).
    pub fn prune_health(&self, before: Timestamp) -> Result<usize, StoreError> {
        let mut deleted = 0;
        loop {
            let batch = self.with(|conn| {
                Ok(conn.execute(
                    "DELETE FROM modem_health WHERE id IN (SELECT id FROM modem_health \
                     WHERE at < ?1 LIMIT CAST(?2 AS INTEGER))",
                    params![before as i64, PRUNE_BATCH],
                )?)
            })?;
            deleted += batch;
            if batch < PRUNE_BATCH {
                return Ok(deleted);
            }
        }
    }
}

fn sample(row: &Row<'_>) -> rusqlite::Result<HealthSample> {
    Ok(HealthSample {
        modem: row.get(0)?,
        at: row.get::<_, i64>(1)?.max(0) as Timestamp,
        state: row.get(2)?,
        signal_dbm: row.get(3)?,
        rsrp_dbm: row.get(4)?,
        rsrq_db: row.get::<_, Option<f64>>(5)?.map(|v| v as f32),
        sinr_db: row.get::<_, Option<f64>>(6)?.map(|v| v as f32),
        network: row.get(7)?,
        registration: row.get(8)?,
        operator: row.get(9)?,
        sim: row.get(10)?,
    })
}
