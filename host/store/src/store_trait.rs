//! The `Store` trait: the operations the gateway needs from a durable store,
//! so that a shared backend (PostgreSQL for several gateway nodes, with
//! `FOR UPDATE SKIP LOCKED` where SQLite uses a write transaction) can stand
//! in for [`SqliteStore`]. Each method is documented on `SqliteStore`, whose
//! behaviour is the contract; the provided methods are conveniences over the
//! batch ones.

use std::time::Duration;

use plutanium_core::{KvStore, Timestamp};

use crate::{
    CallRecord, DeliveryReport, Enqueued, InboundRecord, Inserted, LogPage, LoggedEvent,
    NewOutbound, OutboxRow, OutboxState, PartRecord, RoutedMark, SendOutcome, SqliteStore,
    StoreError, StoreStats,
};

/// A durable store for the gateway: outbox, inbox, parts, calls, events,
/// retention, and (through [`KvStore`]) the connectors' key-value data.
/// Calls block on IO; async callers run them on a blocking thread.
pub trait Store: KvStore + std::fmt::Debug + Send + Sync {
    /// See [`SqliteStore::enqueue_routed`].
    fn enqueue_routed(
        &self,
        messages: &[NewOutbound],
        marks: &[RoutedMark],
        now: Timestamp,
    ) -> Result<Vec<Enqueued>, StoreError>;
    /// See [`SqliteStore::claim_for`].
    fn claim_for(
        &self,
        now: Timestamp,
        limit: u32,
        lease: Duration,
        modems: Option<&[String]>,
    ) -> Result<Vec<OutboxRow>, StoreError>;
    /// See [`SqliteStore::claim`].
    fn claim(
        &self,
        now: Timestamp,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        self.claim_for(now, limit, lease, None)
    }
    /// See [`SqliteStore::complete_batch`].
    fn complete_batch(
        &self,
        outcomes: &[(i64, u32, SendOutcome)],
        now: Timestamp,
    ) -> Result<Vec<bool>, StoreError>;
    /// See [`SqliteStore::recover_claims`].
    fn recover_claims(&self, now: Timestamp) -> Result<Vec<i64>, StoreError>;
    /// See [`SqliteStore::record_delivery`].
    fn record_delivery(
        &self,
        report: &DeliveryReport,
        now: Timestamp,
    ) -> Result<Option<OutboxRow>, StoreError>;
    /// See [`SqliteStore::expire`].
    fn expire(&self, now: Timestamp, max_age: Duration) -> Result<usize, StoreError>;
    /// See [`SqliteStore::outbound`].
    fn outbound(&self, id: i64) -> Result<Option<OutboxRow>, StoreError>;
    /// See [`SqliteStore::outbound_by_key`].
    fn outbound_by_key(&self, key: &str) -> Result<Option<OutboxRow>, StoreError>;
    /// See [`SqliteStore::outbound_since`].
    fn outbound_since(&self, since: Timestamp, limit: u32) -> Result<Vec<OutboxRow>, StoreError>;
    /// See [`SqliteStore::outbound_page`].
    fn outbound_page(
        &self,
        page: &LogPage,
        state: Option<OutboxState>,
    ) -> Result<Vec<OutboxRow>, StoreError>;
    /// See [`SqliteStore::inbound_page`].
    fn inbound_page(&self, page: &LogPage) -> Result<Vec<(i64, InboundRecord)>, StoreError>;
    /// See [`SqliteStore::calls_page`].
    fn calls_page(&self, page: &LogPage) -> Result<Vec<CallRecord>, StoreError>;
    /// See [`SqliteStore::message_counts`].
    fn message_counts(&self) -> Result<Vec<crate::MessageCount>, StoreError>;
    /// See [`SqliteStore::insert_inbound_batch`].
    fn insert_inbound_batch(
        &self,
        records: &[(InboundRecord, Option<(u16, u8)>)],
        now: Timestamp,
    ) -> Result<Vec<Inserted>, StoreError>;
    /// See [`SqliteStore::inbound`].
    fn inbound(&self, id: i64) -> Result<Option<InboundRecord>, StoreError>;
    /// See [`SqliteStore::inbound_since`].
    fn inbound_since(
        &self,
        since: Timestamp,
        limit: u32,
    ) -> Result<Vec<(i64, InboundRecord)>, StoreError>;
    /// See [`SqliteStore::unrouted_inbound`].
    fn unrouted_inbound(&self, limit: u32) -> Result<Vec<(i64, InboundRecord)>, StoreError>;
    /// See [`SqliteStore::unrouted_calls`].
    fn unrouted_calls(&self, limit: u32) -> Result<Vec<CallRecord>, StoreError>;
    /// See [`SqliteStore::save_part`].
    fn save_part(&self, part: &PartRecord) -> Result<bool, StoreError>;
    /// See [`SqliteStore::pending_parts`].
    fn pending_parts(&self) -> Result<Vec<PartRecord>, StoreError>;
    /// See [`SqliteStore::log_call`].
    fn log_call(&self, modem: &str, caller: Option<&str>, at: Timestamp)
    -> Result<i64, StoreError>;
    /// See [`SqliteStore::recent_calls`].
    fn recent_calls(&self, limit: u32) -> Result<Vec<CallRecord>, StoreError>;
    /// See [`SqliteStore::log_event`].
    fn log_event(
        &self,
        at: Timestamp,
        kind: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError>;
    /// See [`SqliteStore::append_live_events`].
    fn append_live_events(&self, events: &[LoggedEvent]) -> Result<(), StoreError>;
    /// See [`SqliteStore::live_events_after`].
    fn live_events_after(&self, after: i64, limit: u32) -> Result<Vec<LoggedEvent>, StoreError>;
    /// See [`SqliteStore::last_live_event_id`].
    fn last_live_event_id(&self) -> Result<i64, StoreError>;
    /// See [`SqliteStore::prune`].
    fn prune(&self, before: Timestamp) -> Result<usize, StoreError>;
    /// See [`SqliteStore::stats`].
    fn stats(&self) -> Result<StoreStats, StoreError>;

    /// Stores `message` as `queued`, due now; a known key stores nothing.
    /// [`Store::enqueue_routed`] with one message and no marks.
    fn enqueue(&self, message: &NewOutbound, now: Timestamp) -> Result<Enqueued, StoreError> {
        let mut done = self.enqueue_routed(std::slice::from_ref(message), &[], now)?;
        Ok(done.remove(0))
    }

    /// Several messages in one commit, as [`Store::enqueue_routed`] without
    /// marks.
    fn enqueue_batch(
        &self,
        messages: &[NewOutbound],
        now: Timestamp,
    ) -> Result<Vec<Enqueued>, StoreError> {
        self.enqueue_routed(messages, &[], now)
    }
}

impl Store for SqliteStore {
    fn enqueue_routed(
        &self,
        messages: &[NewOutbound],
        marks: &[RoutedMark],
        now: Timestamp,
    ) -> Result<Vec<Enqueued>, StoreError> {
        SqliteStore::enqueue_routed(self, messages, marks, now)
    }
    fn claim_for(
        &self,
        now: Timestamp,
        limit: u32,
        lease: Duration,
        modems: Option<&[String]>,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        SqliteStore::claim_for(self, now, limit, lease, modems)
    }
    fn complete_batch(
        &self,
        outcomes: &[(i64, u32, SendOutcome)],
        now: Timestamp,
    ) -> Result<Vec<bool>, StoreError> {
        SqliteStore::complete_batch(self, outcomes, now)
    }
    fn recover_claims(&self, now: Timestamp) -> Result<Vec<i64>, StoreError> {
        SqliteStore::recover_claims(self, now)
    }
    fn record_delivery(
        &self,
        report: &DeliveryReport,
        now: Timestamp,
    ) -> Result<Option<OutboxRow>, StoreError> {
        SqliteStore::record_delivery(self, report, now)
    }
    fn expire(&self, now: Timestamp, max_age: Duration) -> Result<usize, StoreError> {
        SqliteStore::expire(self, now, max_age)
    }
    fn outbound(&self, id: i64) -> Result<Option<OutboxRow>, StoreError> {
        SqliteStore::outbound(self, id)
    }
    fn outbound_by_key(&self, key: &str) -> Result<Option<OutboxRow>, StoreError> {
        SqliteStore::outbound_by_key(self, key)
    }
    fn outbound_since(&self, since: Timestamp, limit: u32) -> Result<Vec<OutboxRow>, StoreError> {
        SqliteStore::outbound_since(self, since, limit)
    }
    fn outbound_page(
        &self,
        page: &LogPage,
        state: Option<OutboxState>,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        SqliteStore::outbound_page(self, page, state)
    }
    fn inbound_page(&self, page: &LogPage) -> Result<Vec<(i64, InboundRecord)>, StoreError> {
        SqliteStore::inbound_page(self, page)
    }
    fn calls_page(&self, page: &LogPage) -> Result<Vec<CallRecord>, StoreError> {
        SqliteStore::calls_page(self, page)
    }
    fn message_counts(&self) -> Result<Vec<crate::MessageCount>, StoreError> {
        SqliteStore::message_counts(self)
    }
    fn insert_inbound_batch(
        &self,
        records: &[(InboundRecord, Option<(u16, u8)>)],
        now: Timestamp,
    ) -> Result<Vec<Inserted>, StoreError> {
        SqliteStore::insert_inbound_batch(self, records, now)
    }
    fn inbound(&self, id: i64) -> Result<Option<InboundRecord>, StoreError> {
        SqliteStore::inbound(self, id)
    }
    fn inbound_since(
        &self,
        since: Timestamp,
        limit: u32,
    ) -> Result<Vec<(i64, InboundRecord)>, StoreError> {
        SqliteStore::inbound_since(self, since, limit)
    }
    fn unrouted_inbound(&self, limit: u32) -> Result<Vec<(i64, InboundRecord)>, StoreError> {
        SqliteStore::unrouted_inbound(self, limit)
    }
    fn unrouted_calls(&self, limit: u32) -> Result<Vec<CallRecord>, StoreError> {
        SqliteStore::unrouted_calls(self, limit)
    }
    fn save_part(&self, part: &PartRecord) -> Result<bool, StoreError> {
        SqliteStore::save_part(self, part)
    }
    fn pending_parts(&self) -> Result<Vec<PartRecord>, StoreError> {
        SqliteStore::pending_parts(self)
    }
    fn log_call(
        &self,
        modem: &str,
        caller: Option<&str>,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        SqliteStore::log_call(self, modem, caller, at)
    }
    fn recent_calls(&self, limit: u32) -> Result<Vec<CallRecord>, StoreError> {
        SqliteStore::recent_calls(self, limit)
    }
    fn log_event(
        &self,
        at: Timestamp,
        kind: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        SqliteStore::log_event(self, at, kind, subject, detail)
    }
    fn append_live_events(&self, events: &[LoggedEvent]) -> Result<(), StoreError> {
        SqliteStore::append_live_events(self, events)
    }
    fn live_events_after(&self, after: i64, limit: u32) -> Result<Vec<LoggedEvent>, StoreError> {
        SqliteStore::live_events_after(self, after, limit)
    }
    fn last_live_event_id(&self) -> Result<i64, StoreError> {
        SqliteStore::last_live_event_id(self)
    }
    fn prune(&self, before: Timestamp) -> Result<usize, StoreError> {
        SqliteStore::prune(self, before)
    }
    fn stats(&self) -> Result<StoreStats, StoreError> {
        SqliteStore::stats(self)
    }
}
