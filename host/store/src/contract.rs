//! The `Store` trait: the contract every backend keeps, stated here once.
//! The gateway relies on exactly what is written on each method, and the
//! conformance suite (`tests/integration/conformance/`) checks each
//! backend against it.

use std::time::Duration;

use plutanium_core::{KvStore, Timestamp};

use crate::{
    CallRecord, Channel, DeliveryReport, Enqueued, Fence, HealthSample, Holder, HourlyTraffic,
    InboundRecord, Inserted, Lease, LogPage, LoggedEvent, MessageCount, NewOutbound, OutboxRow,
    OutboxState, PartRecord, RouteCommit, RouteOutput, RoutedMark, SendOutcome, StoreError,
    StoreStats, Wake, Watch,
};

/// How many rows [`Store::prune`] deletes per transaction.
pub const PRUNE_BATCH: usize = 1000;

/// A durable store for the gateway: outbox, inbox, parts, calls, events,
/// retention, and (through [`KvStore`]) the connectors' key-value data.
///
/// # The rules every method keeps
///
/// - **Durable.** When a method that writes returns `Ok`, what it wrote
///   survives a crash of the process and of the machine (the commit is on
///   disk, or acknowledged by the database server). One exception, where
///   a backend may trade a power cut's repeats for speed: the state
///   changes of messages already accepted ([`Store::claim_for`],
///   [`Store::complete_batch`], [`Store::release`]) must survive a crash
///   of the process, and may be undone by a power cut only as far back as
///   one second (SQLite commits them without an fsync, and one a second
///   with one); undone, a message is sent again, never lost.
/// - **Atomic.** Each method is one transaction unless its documentation
///   says otherwise ([`Store::prune`] commits in batches). When it returns
///   an error, it changed nothing, and a crash in the middle leaves what
///   was there before. A caller that got [`ErrorKind::Unavailable`] may
///   call again with the same arguments.
/// - **Idempotent where the gateway retries.** Enqueueing a known key,
///   storing a known inbound fingerprint or a kept part, logging a live
///   event id again: each stores nothing and says so.
/// - **Time is passed in.** `now` is in ms since the epoch, and a method
///   never reads a clock of its own, so tests choose the time. The gateway
///   takes it from [`Store::clock`], so several nodes on one database
///   agree on it however skewed their own clocks are.
/// - **Ids increase and are never reused,** even after retention empties
///   a table, so keys derived from them (`sms:<id>`) stay unique.
/// - **Reads see every write that returned before them,** from any
///   connection or node.
/// - **Shared.** Several threads (and, for a shared backend, several
///   processes) may call at once; a claimed row is never claimed twice
///   while its lease runs.
///
/// Calls block on IO; async callers run them on a blocking thread.
///
/// [`ErrorKind::Unavailable`]: crate::ErrorKind::Unavailable
pub trait Store: KvStore + std::fmt::Debug + Send + Sync {
    // ---- The outbox ------------------------------------------------------

    /// Stores what routed events' routes produced as `queued`, due at
    /// `now`, each event's messages with the mark that its routes ran, all
    /// in one transaction (one durable commit): an event's messages and its
    /// mark are on disk together or not at all, so a crash neither loses
    /// nor repeats a route's output. Results are in the order of `outputs`.
    ///
    /// Routing is claimed once across every process on the store: the
    /// output of an event that is routed already (by another node, or by an
    /// earlier commit whose answer was lost) stores nothing and is
    /// [`RouteCommit::AlreadyRouted`]. With a `fence`, the output of an
    /// event that came in on a modem whose lease the fence's holder no
    /// longer has at the fence's epoch stores nothing and is
    /// [`RouteCommit::NotOwner`] (the node driving the modem now routes
    /// it); checked in the same transaction. An output without a mark is
    /// always stored.
    ///
    /// A message whose key is known stores nothing and comes back as
    /// [`Enqueued::Duplicate`] with the existing row's id.
    fn commit_routes(
        &self,
        outputs: &[RouteOutput<'_>],
        fence: Option<&Fence>,
        now: Timestamp,
    ) -> Result<Vec<RouteCommit>, StoreError>;

    /// Claims up to `limit` rows to send, oldest due first: `queued` rows
    /// due at or before `now`, and `sending` rows whose lease ran out (their
    /// sender died). Each claimed row becomes `sending` until
    /// `now + lease`, and its `attempts` grows by one; the row returned
    /// carries that count, which the sender hands back to
    /// [`Store::complete_batch`]. A lapsed row that has used
    /// [`MAX_ATTEMPTS`](crate::MAX_ATTEMPTS) fails instead of being claimed.
    ///
    /// With `modems`, only rows one of them may send (their route allows it
    /// and they asked for no other modem); `Some(&[])` claims nothing.
    /// Rows that no modem in the list may send stay queued, untouched.
    ///
    /// With a `fence` (several nodes on one store), only for the modems of
    /// `modems` whose lease the fence's holder still has, at the epoch the
    /// fence names, unexpired at `now`; checked in the claim's transaction,
    /// so a node that lost a modem claims nothing for it.
    ///
    /// No row is returned to two callers while its lease runs, however
    /// many claim at once.
    fn claim_for(
        &self,
        now: Timestamp,
        limit: u32,
        lease: Duration,
        modems: Option<&[String]>,
        fence: Option<&Fence>,
    ) -> Result<Vec<OutboxRow>, StoreError>;

    /// Records senders' results, each for the row it claimed as attempt
    /// `attempt`, in one transaction. One result per outcome, in order:
    /// `false`, and nothing changed for that row, when its claim is no
    /// longer the sender's (the lease ran out and another sender claimed
    /// it, or the row is not `sending`), so a sender that was paused past
    /// its lease cannot overwrite a newer send.
    ///
    /// - `Sent`: `sent`, with the modem, SIM and part references; delivery
    ///   reports that arrived for those references after the claim and
    ///   before this commit (kept by [`Store::record_delivery`]) are
    ///   applied now.
    /// - `Retry`: `queued` again, due at its `at`; `failed` once the row
    ///   has used [`MAX_ATTEMPTS`](crate::MAX_ATTEMPTS).
    /// - `Postpone`: `queued`, due at its `at`, and the claim does not count
    ///   as an attempt.
    /// - `Failed`: `failed`, for good.
    ///
    /// With a `fence`, an outcome on a modem (`Sent`, and `Retry` or
    /// `Failed` naming one) is refused (`false`) unless the fence's holder
    /// still has that modem's lease at the fence's epoch: a node that was
    /// paused while another node took its modem changes nothing, whatever
    /// its clock says. (Expiry alone does not refuse it: the work was done
    /// under the lease, and nobody has taken it since.)
    fn complete_batch(
        &self,
        outcomes: &[(i64, u32, SendOutcome)],
        fence: Option<&Fence>,
        now: Timestamp,
    ) -> Result<Vec<bool>, StoreError>;

    /// [`Store::complete_batch`], only if it can commit at once: `None`,
    /// and nothing done, when it would have to wait (for a lock, another
    /// writer, or an fsync that is due). For a caller on an async runtime
    /// whose alternative is handing the batch to a thread and waiting to be
    /// woken again: on a fast modem, the two thread wake-ups cost more than
    /// the commit. A backend that cannot tell (PostgreSQL: every commit is
    /// a round trip) always says `None`.
    fn try_complete_batch(
        &self,
        outcomes: &[(i64, u32, SendOutcome)],
        fence: Option<&Fence>,
        now: Timestamp,
    ) -> Result<Option<Vec<bool>>, StoreError>;

    /// Gives a claimed row back unsent (a sender stopping before it tried):
    /// `queued` again, keeping its due time, and the claim does not count
    /// as an attempt. `false`, and nothing changed, when the claim is no
    /// longer the caller's.
    fn release(&self, id: i64, attempt: u32, now: Timestamp) -> Result<bool, StoreError>;

    /// Makes every `sending` row due at `now`: for a process that starts on
    /// a store whose claims can only be its crashed predecessor's, so they
    /// need not wait for their lease. The attempt still counts (the send
    /// may have gone out). Returns the rows' ids, in increasing order.
    ///
    /// Only for a store with one gateway on it: on a shared store the
    /// claims may be another live node's.
    fn recover_claims(&self, now: Timestamp) -> Result<Vec<i64>, StoreError>;

    /// Makes due at `now` the `sending` rows claimed under leases (with a
    /// fence) by a process that holds no lease at `now` any more: on a
    /// shared store, the claims of a node that died, sent again at once by
    /// whoever takes its modems instead of when the claims run out. The
    /// attempt still counts (the send may have gone out). Returns the rows'
    /// ids, in increasing order.
    fn recover_orphaned_claims(&self, now: Timestamp) -> Result<Vec<i64>, StoreError>;

    /// Applies a delivery report to the newest row it can be about: sent by
    /// the report's modem, through its SIM (where both are known), to its
    /// recipient (where the report names one; national, international and
    /// exit-code forms are one number), with its reference among the row's
    /// parts, within [`REPORT_WINDOW_MS`](crate::REPORT_WINDOW_MS) of `now`.
    /// A failure fails the row; the row is `delivered` when every part with
    /// a reference is, and a repeated report counts once. Returns the row as
    /// it is now.
    ///
    /// A report that matches no row yet is kept, and applied when a
    /// matching send is committed within two minutes (the network can be
    /// faster than our commit); then `Ok(None)`.
    fn record_delivery(
        &self,
        report: &DeliveryReport,
        now: Timestamp,
    ) -> Result<Option<OutboxRow>, StoreError>;

    /// Expires `queued` rows whose validity ran out (`validity_minutes`
    /// after they were enqueued) and, for rows without one, those enqueued
    /// more than `max_age` before `now`. Rows being sent are left alone.
    /// Returns the ids of the rows that expired.
    fn expire(&self, now: Timestamp, max_age: Duration) -> Result<Vec<i64>, StoreError>;

    /// The outbox row with `id`.
    fn outbound(&self, id: i64) -> Result<Option<OutboxRow>, StoreError>;

    /// The outbox row with idempotency key `key`.
    fn outbound_by_key(&self, key: &str) -> Result<Option<OutboxRow>, StoreError>;

    /// A page of the outbox, newest (highest id) first: rows enqueued at
    /// `page.since` or later, with ids below `page.before`, in `state` when
    /// given, whose text or number contains `page.search` (see
    /// [`LogPage`]), at most `page.limit`.
    fn outbound_page(
        &self,
        page: &LogPage,
        state: Option<OutboxState>,
    ) -> Result<Vec<OutboxRow>, StoreError>;

    // ---- The inbox and the parts of multipart messages --------------------

    /// Stores complete inbound messages in one transaction. A message whose
    /// fingerprint is known stores nothing ([`Inserted::Duplicate`], with
    /// the existing id). When a message was reassembled, its `(reference,
    /// total)` names the kept parts it completes, which are deleted in the
    /// same transaction: a crash leaves either the parts or the message.
    /// Stored messages are unrouted until marked by
    /// [`Store::commit_routes`].
    fn insert_inbound_batch(
        &self,
        records: &[(InboundRecord, Option<(u16, u8)>)],
        now: Timestamp,
    ) -> Result<Vec<Inserted>, StoreError>;

    /// The inbound message with `id`.
    fn inbound(&self, id: i64) -> Result<Option<InboundRecord>, StoreError>;

    /// A page of the inbox, newest first: messages stored at `page.since`
    /// or later, matching `page.search` on text or sender (see
    /// [`LogPage`]).
    fn inbound_page(&self, page: &LogPage) -> Result<Vec<(i64, InboundRecord)>, StoreError>;

    /// Stored messages whose routes have not run, oldest first: what a
    /// restart routes before anything new.
    fn unrouted_inbound(&self, limit: u32) -> Result<Vec<(i64, InboundRecord)>, StoreError>;

    /// Keeps a part of an incomplete message; `false`, storing nothing, for
    /// a part already kept (same modem, sender, reference, total and
    /// number).
    fn save_part(&self, part: &PartRecord) -> Result<bool, StoreError>;

    /// Every kept part, oldest first: what a restart feeds back to
    /// reassembly.
    fn pending_parts(&self) -> Result<Vec<PartRecord>, StoreError>;

    // ---- Calls -----------------------------------------------------------

    /// Logs a call, unrouted; returns its id.
    fn log_call(&self, modem: &str, caller: Option<&str>, at: Timestamp)
    -> Result<i64, StoreError>;

    /// Calls whose routes have not run, oldest first.
    fn unrouted_calls(&self, limit: u32) -> Result<Vec<CallRecord>, StoreError>;

    /// The newest `limit` calls, newest first.
    fn recent_calls(&self, limit: u32) -> Result<Vec<CallRecord>, StoreError>;

    /// A page of the call log, newest first (`page.search` looks at the
    /// caller's number).
    fn calls_page(&self, page: &LogPage) -> Result<Vec<CallRecord>, StoreError>;

    // ---- Logs ------------------------------------------------------------

    /// Appends to the event log.
    fn log_event(
        &self,
        at: Timestamp,
        kind: &str,
        subject: &str,
        detail: &str,
    ) -> Result<(), StoreError>;

    /// The latest `limit` events, newest first: (at, kind, subject, detail).
    #[allow(clippy::type_complexity)]
    fn events(&self, limit: u32) -> Result<Vec<(Timestamp, String, String, String)>, StoreError>;

    /// Appends published live events, with the ids their publisher gave, in
    /// one transaction; an id already logged is left as it was.
    fn append_live_events(&self, events: &[LoggedEvent]) -> Result<(), StoreError>;

    /// Logs `events` under ids the store gives (the ids they carry are
    /// ignored), in one transaction, and returns them with those ids: on a
    /// store several nodes share, where each node's own counter would
    /// collide. The ids increase in the order the transactions commit, across
    /// every process, so a reader that has read up to an id and reads after
    /// it later misses nothing; they are never reused.
    fn publish_live_events(&self, events: &[LoggedEvent]) -> Result<Vec<LoggedEvent>, StoreError>;

    /// The live events with ids above `after`, in id order, at most `limit`.
    fn live_events_after(&self, after: i64, limit: u32) -> Result<Vec<LoggedEvent>, StoreError>;

    /// The highest live event id logged, 0 when none: a publisher goes on
    /// from there.
    fn last_live_event_id(&self) -> Result<i64, StoreError>;

    // ---- Time and leases, for several nodes on one store -----------------

    /// The store's time, in ms since the epoch: what every node on a shared
    /// store passes as `now`, so leases and due times mean the same on all
    /// of them whatever their own clocks say. For a store on one machine,
    /// the machine's clock.
    fn clock(&self) -> Result<Timestamp, StoreError>;

    /// Whether several processes may use this store at once (a database
    /// server), so claims, routing and sources are shared through leases;
    /// `false` for a store only one process opens.
    fn shared(&self) -> bool;

    /// Takes or renews the lease `name` for `holder`, in one transaction:
    /// a lease nobody has, or one that expired at or before `now`, is
    /// taken with its epoch raised by one; `holder`'s own live lease is
    /// renewed at the same epoch; another holder's live lease is left as it
    /// is. Either way it expires `ttl` after `now` when it is `holder`'s.
    /// Returns the lease as it now stands; it is the caller's when
    /// [`Lease::held_by`] says so.
    fn acquire_lease(
        &self,
        name: &str,
        holder: &Holder,
        now: Timestamp,
        ttl: Duration,
    ) -> Result<Lease, StoreError>;

    /// Renews `lease` until `now + ttl` if it is still as given (same
    /// holder and epoch) and unexpired at `now`. `None`, changing nothing,
    /// when it was lost: the caller stops what it did under it.
    fn renew_lease(
        &self,
        lease: &Lease,
        now: Timestamp,
        ttl: Duration,
    ) -> Result<Option<Lease>, StoreError>;

    /// Gives `lease` up at once (a node stopping), so another holder need
    /// not wait for it to expire; its epoch stays, and the next holder
    /// raises it. `false` when it was no longer the caller's.
    fn release_lease(&self, lease: &Lease) -> Result<bool, StoreError>;

    /// Every lease, by name: who drives which modem, leads which source.
    fn leases(&self) -> Result<Vec<Lease>, StoreError>;

    /// Calls `wake` soon after any process commits something on `channel`
    /// (new outbox rows; new live events), until the returned watch is
    /// dropped: a node sends a message another node accepted at once, and
    /// shows another node's events, instead of looking every so often.
    /// Spurious calls are allowed (after a lost connection it wakes once,
    /// as something may have been missed). `None` for a store only one
    /// process uses, where the process knows what it wrote.
    fn watch(&self, channel: Channel, wake: Wake) -> Result<Option<Watch>, StoreError>;

    // ---- Upkeep ----------------------------------------------------------

    /// Deletes what is finished and older than `before`: outbox rows that
    /// are `sent` (no report came within the retention), `delivered`,
    /// `failed` or `expired` (by their last change), inbound messages and
    /// calls whose routes ran, events, live events and kept reports. Never
    /// a queued or in-flight row, nor anything unrouted. Commits every
    /// [`PRUNE_BATCH`] rows, so a large backlog never holds the store for
    /// long (a crash keeps the batches already committed). Returns the rows
    /// deleted.
    fn prune(&self, before: Timestamp) -> Result<usize, StoreError>;

    /// Brings the search index up to date with up to `max` rows stored or
    /// deleted since it last ran, in short transactions; how many it took
    /// in or let go (0: nothing was waiting). Searches find every row whether or not it is
    /// indexed yet; an index that keeps up keeps them fast. The daemon
    /// calls it every second.
    fn index_search(&self, max: usize) -> Result<usize, StoreError>;

    // ---- Modem health ----------------------------------------------------

    /// Stores health samples, all in one transaction. Samples are
    /// monitoring, not messages: a backend may commit them without waiting
    /// for the disk (SQLite does), so a power cut may lose the last few.
    fn record_health(&self, samples: &[HealthSample]) -> Result<(), StoreError>;

    /// `modem`'s samples taken at or after `since`, oldest first: the
    /// newest `limit` of them when there are more.
    fn health(
        &self,
        modem: &str,
        since: Timestamp,
        limit: u32,
    ) -> Result<Vec<HealthSample>, StoreError>;

    /// The messages `modem` sent and received in each hour from the one
    /// holding `since`, read from the log (so it counts what the log
    /// still holds), in hour order; hours with neither are left out.
    /// Sent counts rows by when they were sent, whatever happened to
    /// them since; received counts complete inbound messages by when they
    /// were stored.
    fn traffic_by_hour(
        &self,
        modem: &str,
        since: Timestamp,
    ) -> Result<Vec<HourlyTraffic>, StoreError>;

    /// Deletes health samples taken before `before`, in batches of
    /// [`PRUNE_BATCH`] (each its own transaction); the count deleted. Kept
    /// apart from [`Store::prune`]: samples have a retention of their own.
    fn prune_health(&self, before: Timestamp) -> Result<usize, StoreError>;

    /// Rows by state, for health pages and metrics.
    fn stats(&self) -> Result<StoreStats, StoreError>;

    /// The messages in the log by direction, state and modem.
    fn message_counts(&self) -> Result<Vec<MessageCount>, StoreError>;

    // ---- Conveniences over the methods above ----------------------------

    /// [`Store::enqueue_batch`] for one message.
    fn enqueue(&self, message: &NewOutbound, now: Timestamp) -> Result<Enqueued, StoreError> {
        let mut done = self.enqueue_batch(std::slice::from_ref(message), now)?;
        Ok(done.remove(0))
    }

    /// [`Store::commit_routes`] for messages of no stored event (which are
    /// always stored).
    fn enqueue_batch(
        &self,
        messages: &[NewOutbound],
        now: Timestamp,
    ) -> Result<Vec<Enqueued>, StoreError> {
        let output = RouteOutput {
            mark: None,
            messages,
        };
        let mut done = self.commit_routes(&[output], None, now)?;
        Ok(done.pop().map(RouteCommit::into_stored).unwrap_or_default())
    }

    /// [`Store::claim_for`] any modem.
    fn claim(
        &self,
        now: Timestamp,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        self.claim_for(now, limit, lease, None, None)
    }

    /// [`Store::complete_batch`] for one row.
    fn complete(
        &self,
        id: i64,
        attempt: u32,
        outcome: &SendOutcome,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        Ok(self.complete_batch(&[(id, attempt, outcome.clone())], None, now)?[0])
    }

    /// The newest `limit` outbox rows enqueued at or after `since`.
    fn outbound_since(&self, since: Timestamp, limit: u32) -> Result<Vec<OutboxRow>, StoreError> {
        self.outbound_page(&LogPage::since(since, limit), None)
    }

    /// The newest `limit` outbox rows.
    fn recent_outbound(&self, limit: u32) -> Result<Vec<OutboxRow>, StoreError> {
        self.outbound_since(0, limit)
    }

    /// [`Store::insert_inbound_batch`] for one message.
    fn insert_inbound(
        &self,
        record: &InboundRecord,
        completes: Option<(u16, u8)>,
        now: Timestamp,
    ) -> Result<Inserted, StoreError> {
        let mut done = self.insert_inbound_batch(&[(record.clone(), completes)], now)?;
        Ok(done.remove(0))
    }

    /// The newest `limit` inbound messages stored at or after `since`.
    fn inbound_since(
        &self,
        since: Timestamp,
        limit: u32,
    ) -> Result<Vec<(i64, InboundRecord)>, StoreError> {
        self.inbound_page(&LogPage::since(since, limit))
    }

    /// The newest `limit` inbound messages.
    fn recent_inbound(&self, limit: u32) -> Result<Vec<(i64, InboundRecord)>, StoreError> {
        self.inbound_since(0, limit)
    }

    /// Marks the inbound message `id` routed (its routes produced
    /// nothing); one routed already stays as it was.
    fn mark_routed(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        mark_one(self, RoutedMark::Inbox(id), now)
    }

    /// Marks the call `id` routed (its routes produced nothing).
    fn mark_call_routed(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        mark_one(self, RoutedMark::Call(id), now)
    }
}

/// [`Store::commit_routes`] of one event whose routes produced nothing.
fn mark_one<S: Store + ?Sized>(
    store: &S,
    mark: RoutedMark,
    now: Timestamp,
) -> Result<(), StoreError> {
    let output = RouteOutput {
        mark: Some(mark),
        messages: &[],
    };
    store.commit_routes(&[output], None, now).map(drop)
}

/// `impl Store for $backend`, each method calling the backend's inherent
/// method of the same name (in the module named after its table, where the
/// SQL is): one list of signatures for every backend.
macro_rules! impl_store {
    ($backend:ty) => {
        $crate::contract::impl_store!(@impl $backend;
            fn commit_routes(&self, outputs: &[$crate::RouteOutput<'_>], fence: Option<&$crate::Fence>, now: plutanium_core::Timestamp) -> Vec<$crate::RouteCommit>;
            fn claim_for(&self, now: plutanium_core::Timestamp, limit: u32, lease: std::time::Duration, modems: Option<&[String]>, fence: Option<&$crate::Fence>) -> Vec<$crate::OutboxRow>;
            fn complete_batch(&self, outcomes: &[(i64, u32, $crate::SendOutcome)], fence: Option<&$crate::Fence>, now: plutanium_core::Timestamp) -> Vec<bool>;
            fn try_complete_batch(&self, outcomes: &[(i64, u32, $crate::SendOutcome)], fence: Option<&$crate::Fence>, now: plutanium_core::Timestamp) -> Option<Vec<bool>>;
            fn release(&self, id: i64, attempt: u32, now: plutanium_core::Timestamp) -> bool;
            fn recover_claims(&self, now: plutanium_core::Timestamp) -> Vec<i64>;
            fn recover_orphaned_claims(&self, now: plutanium_core::Timestamp) -> Vec<i64>;
            fn record_delivery(&self, report: &$crate::DeliveryReport, now: plutanium_core::Timestamp) -> Option<$crate::OutboxRow>;
            fn expire(&self, now: plutanium_core::Timestamp, max_age: std::time::Duration) -> Vec<i64>;
            fn outbound(&self, id: i64) -> Option<$crate::OutboxRow>;
            fn outbound_by_key(&self, key: &str) -> Option<$crate::OutboxRow>;
            fn outbound_page(&self, page: &$crate::LogPage, state: Option<$crate::OutboxState>) -> Vec<$crate::OutboxRow>;
            fn insert_inbound_batch(&self, records: &[($crate::InboundRecord, Option<(u16, u8)>)], now: plutanium_core::Timestamp) -> Vec<$crate::Inserted>;
            fn inbound(&self, id: i64) -> Option<$crate::InboundRecord>;
            fn inbound_page(&self, page: &$crate::LogPage) -> Vec<(i64, $crate::InboundRecord)>;
            fn unrouted_inbound(&self, limit: u32) -> Vec<(i64, $crate::InboundRecord)>;
            fn save_part(&self, part: &$crate::PartRecord) -> bool;
            fn pending_parts(&self) -> Vec<$crate::PartRecord>;
            fn log_call(&self, modem: &str, caller: Option<&str>, at: plutanium_core::Timestamp) -> i64;
            fn unrouted_calls(&self, limit: u32) -> Vec<$crate::CallRecord>;
            fn recent_calls(&self, limit: u32) -> Vec<$crate::CallRecord>;
            fn calls_page(&self, page: &$crate::LogPage) -> Vec<$crate::CallRecord>;
            fn log_event(&self, at: plutanium_core::Timestamp, kind: &str, subject: &str, detail: &str) -> ();
            fn events(&self, limit: u32) -> Vec<(plutanium_core::Timestamp, String, String, String)>;
            fn append_live_events(&self, events: &[$crate::LoggedEvent]) -> ();
            fn live_events_after(&self, after: i64, limit: u32) -> Vec<$crate::LoggedEvent>;
            fn last_live_event_id(&self) -> i64;
            fn clock(&self) -> plutanium_core::Timestamp;
            fn acquire_lease(&self, name: &str, holder: &$crate::Holder, now: plutanium_core::Timestamp, ttl: std::time::Duration) -> $crate::Lease;
            fn renew_lease(&self, lease: &$crate::Lease, now: plutanium_core::Timestamp, ttl: std::time::Duration) -> Option<$crate::Lease>;
            fn release_lease(&self, lease: &$crate::Lease) -> bool;
            fn leases(&self) -> Vec<$crate::Lease>;
            fn watch(&self, channel: $crate::Channel, wake: $crate::Wake) -> Option<$crate::Watch>;
            fn publish_live_events(&self, events: &[$crate::LoggedEvent]) -> Vec<$crate::LoggedEvent>;
            fn prune(&self, before: plutanium_core::Timestamp) -> usize;
            fn index_search(&self, max: usize) -> usize;
            fn record_health(&self, samples: &[$crate::HealthSample]) -> ();
            fn health(&self, modem: &str, since: plutanium_core::Timestamp, limit: u32) -> Vec<$crate::HealthSample>;
            fn traffic_by_hour(&self, modem: &str, since: plutanium_core::Timestamp) -> Vec<$crate::HourlyTraffic>;
            fn prune_health(&self, before: plutanium_core::Timestamp) -> usize;
            fn stats(&self) -> $crate::StoreStats;
            fn message_counts(&self) -> Vec<$crate::MessageCount>;
        );
    };
    (@impl $backend:ty; $(fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        impl $crate::Store for $backend {
            fn shared(&self) -> bool {
                <$backend>::SHARED
            }
            $(fn $name(&self $(, $arg: $ty)*) -> Result<$ret, $crate::StoreError> {
                <$backend>::$name(self $(, $arg)*)
            })*
        }
    };
}
pub(crate) use impl_store;
