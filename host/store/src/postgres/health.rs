//! Modem health samples and hourly traffic in PostgreSQL.

use plutanium_core::Timestamp;
use postgres::Row;

use super::PgStore;
use super::outbox::ms;
use crate::health::{HOUR_MS, merge_hours};
use crate::{HealthSample, HourlyTraffic, PRUNE_BATCH, StoreError};

impl PgStore {
    /// See [`Store::record_health`](crate::Store::record_health): committed
    /// with `synchronous_commit = off` (a sample is monitoring; the server
    /// writes it within a moment, and a crash of the server may lose the
    /// last few).
    pub fn record_health(&self, samples: &[HealthSample]) -> Result<(), StoreError> {
        if samples.is_empty() {
            return Ok(());
        }
        self.with(|conn| {
            let mut tx = conn.transaction()?;
            tx.batch_execute("SET LOCAL synchronous_commit = off")?;
            let insert = tx.prepare(
                "INSERT INTO modem_health (modem, at, state, signal_dbm, rsrp_dbm, rsrq_db, \
                 sinr_db, network, registration, operator, sim) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )?;
            for s in samples {
                tx.execute(
                    &insert,
                    &[
                        &s.modem,
                        &ms(s.at),
                        &s.state,
                        &s.signal_dbm,
                        &s.rsrp_dbm,
                        &s.rsrq_db,
                        &s.sinr_db,
                        &s.network,
                        &s.registration,
                        &s.operator,
                        &s.sim,
                    ],
                )?;
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
        self.with(|conn| {
            conn.query(
                "SELECT * FROM (SELECT modem, at, state, signal_dbm, rsrp_dbm, rsrq_db, sinr_db, \
                 network, registration, operator, sim, id FROM modem_health \
                 WHERE modem = $1 AND at >= $2 ORDER BY at DESC, id DESC LIMIT $3) newest ORDER BY at, id",
                &[&modem, &ms(since), &i64::from(limit)],
            )?
            .iter()
            .map(sample)
            .collect()
        })
    }

    /// See [`Store::traffic_by_hour`](crate::Store::traffic_by_hour). Both
    /// counts read an index range (`outbox_sent_by`, `inbox_stored_at`).
    pub fn traffic_by_hour(
        &self,
        modem: &str,
        since: Timestamp,
    ) -> Result<Vec<HourlyTraffic>, StoreError> {
        let from = ms(since - since % HOUR_MS);
        let hour = HOUR_MS as i64;
        self.with(|conn| {
            let mut counts = |sql: &str| -> Result<Vec<(u64, u64)>, StoreError> {
                conn.query(sql, &[&modem, &from, &hour])?
                    .iter()
                    .map(|row| {
                        Ok((
                            row.try_get::<_, i64>(0)?.max(0) as u64,
                            row.try_get::<_, i64>(1)?.max(0) as u64,
                        ))
                    })
                    .collect()
            };
            let sent = counts(
                "SELECT sent_at / $3, COUNT(*) FROM outbox \
                 WHERE sent_by = $1 AND state IN ('sent','delivered','failed','expired') \
                 AND updated_at >= $2 AND sent_at >= $2 GROUP BY 1 ORDER BY 1",
            )?;
            let received = counts(
                "SELECT stored_at / $3, COUNT(*) FROM inbox \
                 WHERE stored_at >= $2 AND modem = $1 GROUP BY 1 ORDER BY 1",
            )?;
            Ok(merge_hours(&sent, &received))
        })
    }

    /// See [`Store::prune_health`](crate::Store::prune_health).
    pub fn prune_health(&self, before: Timestamp) -> Result<usize, StoreError> {
        let (before, batch) = (ms(before), PRUNE_BATCH as i64);
        let mut deleted = 0;
        loop {
            let done = self.with(|conn| {
                Ok(conn.execute(
                    "DELETE FROM modem_health WHERE id IN (SELECT id FROM modem_health \
                     WHERE at < $1 LIMIT $2)",
                    &[&before, &batch],
                )?)
            })? as usize;
            deleted += done;
            if done < PRUNE_BATCH {
                return Ok(deleted);
            }
        }
    }
}

fn sample(row: &Row) -> Result<HealthSample, StoreError> {
    Ok(HealthSample {
        modem: row.try_get(0)?,
        at: row.try_get::<_, i64>(1)?.max(0) as Timestamp,
        state: row.try_get(2)?,
        signal_dbm: row.try_get(3)?,
        rsrp_dbm: row.try_get(4)?,
        rsrq_db: row.try_get(5)?,
        sinr_db: row.try_get(6)?,
        network: row.try_get(7)?,
        registration: row.try_get(8)?,
        operator: row.try_get(9)?,
        sim: row.try_get(10)?,
    })
}
