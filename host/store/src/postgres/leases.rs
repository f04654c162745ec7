//! Leases in PostgreSQL (see `lease.rs` for what they are), and the
//! database's clock, which every node on the database reads as its `now`.

use std::sync::PoisonError;
use std::time::{Duration, Instant};

use plutanium_core::Timestamp;
use plutanium_core::time::Reading;
use postgres::{GenericClient, Row};

use super::PgStore;
use super::outbox::ms;
use crate::lease::{self, Decision, Fence};
use crate::{Holder, Lease, StoreError};

/// How often a node asks the server for the time; in between it counts
/// with its own monotonic clock, which does not drift much in this long
/// and never jumps with the wall clock.
const CLOCK_RESAMPLE: Duration = Duration::from_secs(10);

const COLUMNS: &str = "name, node, instance, epoch, expires_at";

fn read(row: &Row) -> Result<Lease, StoreError> {
    Ok(Lease {
        name: row.try_get(0)?,
        holder: Holder {
            node: row.try_get(1)?,
            instance: row.try_get(2)?,
        },
        epoch: row.try_get::<_, i64>(3)?.max(0) as u64,
        expires_at: row.try_get::<_, i64>(4)?.max(0) as u64,
    })
}

/// The modems whose lease `fence` still rests on (see [`Fence::current`]),
/// read in the caller's transaction with a share lock: no other node can
/// take one of them until that transaction ends, so what it writes is
/// written under the lease.
pub(super) fn fenced_modems(
    tx: &mut impl GenericClient,
    fence: &Fence,
    now: Option<Timestamp>,
) -> Result<Vec<String>, StoreError> {
    let names = fence.lease_names();
    let rows = tx
        .query(
            &format!("SELECT {COLUMNS} FROM leases WHERE name = ANY($1) ORDER BY name FOR SHARE"),
            &[&names],
        )?
        .iter()
        .map(read)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(fence.current(&rows, now))
}

impl PgStore {
    /// Several nodes share a database.
    pub(crate) const SHARED: bool = true;

    /// See [`Store::clock`](crate::Store::clock): the server's
    /// `clock_timestamp()`, sampled every few seconds and counted forward
    /// in between.
    pub fn clock(&self) -> Result<Timestamp, StoreError> {
        let last = *self.clock.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(reading) = last
            && reading.taken.elapsed() < CLOCK_RESAMPLE
        {
            return Ok(reading.now());
        }
        let asked = Instant::now();
        let server_ms: i64 = self.with(|conn| {
            Ok(conn
                .query_one(
                    "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint",
                    &[],
                )?
                .try_get(0)?)
        })?;
        // The server read its clock somewhere in the round trip: take the
        // middle, so a slow answer costs at most half of it.
        let reading = Reading {
            at: server_ms.max(0) as u64,
            taken: asked + asked.elapsed() / 2,
        };
        *self.clock.lock().unwrap_or_else(PoisonError::into_inner) = Some(reading);
        Ok(reading.now())
    }

    /// See [`Store::acquire_lease`](crate::Store::acquire_lease).
    pub fn acquire_lease(
        &self,
        name: &str,
        holder: &Holder,
        now: Timestamp,
        ttl: Duration,
    ) -> Result<Lease, StoreError> {
        self.with(|conn| {
            let mut tx = conn.transaction()?;
            // A row to lock even for a lease nobody has had yet; epoch 0 and
            // long expired, so `next` takes it at epoch 1.
            tx.execute(
                "INSERT INTO leases (name, node, instance, epoch, expires_at) \
                 VALUES ($1, '', '', 0, 0) ON CONFLICT (name) DO NOTHING",
                &[&name],
            )?;
            let row = tx.query_one(
                &format!("SELECT {COLUMNS} FROM leases WHERE name = $1 FOR UPDATE"),
                &[&name],
            )?;
            let current = Some(read(&row)?).filter(|lease| lease.epoch > 0);
            match lease::next(name, current, holder, now, ttl) {
                Decision::Keep(theirs) => Ok(theirs),
                Decision::Write(ours) => {
                    tx.execute(
                        "UPDATE leases SET node = $2, instance = $3, epoch = $4, expires_at = $5 \
                         WHERE name = $1",
                        &[
                            &name,
                            &ours.holder.node,
                            &ours.holder.instance,
                            &(ours.epoch as i64),
                            &ms(ours.expires_at),
                        ],
                    )?;
                    tx.commit()?;
                    Ok(ours)
                }
            }
        })
    }

    /// See [`Store::renew_lease`](crate::Store::renew_lease).
    pub fn renew_lease(
        &self,
        held: &Lease,
        now: Timestamp,
        ttl: Duration,
    ) -> Result<Option<Lease>, StoreError> {
        let expires_at = now.saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX));
        self.with(|conn| {
            let changed = conn.execute(
                "UPDATE leases SET expires_at = $5 WHERE name = $1 AND node = $2 AND instance = $3 \
                 AND epoch = $4 AND expires_at > $6",
                &[
                    &held.name,
                    &held.holder.node,
                    &held.holder.instance,
                    &(held.epoch as i64),
                    &ms(expires_at),
                    &ms(now),
                ],
            )?;
            Ok((changed == 1).then(|| Lease {
                expires_at,
                ..held.clone()
            }))
        })
    }

    /// See [`Store::release_lease`](crate::Store::release_lease).
    pub fn release_lease(&self, held: &Lease) -> Result<bool, StoreError> {
        self.with(|conn| {
            let changed = conn.execute(
                "UPDATE leases SET expires_at = 0 WHERE name = $1 AND node = $2 AND instance = $3 \
                 AND epoch = $4",
                &[
                    &held.name,
                    &held.holder.node,
                    &held.holder.instance,
                    &(held.epoch as i64),
                ],
            )?;
            Ok(changed == 1)
        })
    }

    /// See [`Store::leases`](crate::Store::leases).
    pub fn leases(&self) -> Result<Vec<Lease>, StoreError> {
        self.with(|conn| {
            conn.query(
                &format!("SELECT {COLUMNS} FROM leases WHERE epoch > 0 ORDER BY name"),
                &[],
            )?
            .iter()
            .map(read)
            .collect()
        })
    }
}
