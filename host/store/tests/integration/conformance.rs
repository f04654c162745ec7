//! The conformance suite: what the gateway relies on from a store, checked
//! against every backend through `&dyn Store` only. Each test takes a
//! [`Backend`], which opens the same (initially empty) store as often as
//! the test asks: a second `open` is a restart.
//!
//! A backend runs the whole suite with `conformance_suite!(make)`, where
//! `make()` gives a fresh backend per test.

pub(crate) mod concurrency;
pub(crate) mod health;
pub(crate) mod inbox;
pub(crate) mod kv;
pub(crate) mod leases;
pub(crate) mod log;
pub(crate) mod outbox;
pub(crate) mod reports;
pub(crate) mod retention;

use std::time::Duration;

use plutanium_core::SendOptions;
use plutanium_store::{DeliveryReport, InboundRecord, NewOutbound, SendOutcome, Store};

/// A store under test.
pub(crate) trait Backend {
    /// Opens the store; every call opens the same data.
    fn open(&self) -> Box<dyn Store>;
}

/// A `#[test]` for every conformance test, each on a fresh backend from
/// `$make`.
#[macro_export]
macro_rules! conformance_suite {
    ($make:expr) => {
        $crate::conformance_suite!(@tests $make;
            outbox::enqueue_is_idempotent_and_durable,
            outbox::claims_are_leased_and_a_crashed_senders_rows_come_back,
            outbox::retries_give_up_after_the_attempt_limit,
            outbox::queued_messages_expire,
            outbox::a_row_whose_sender_keeps_dying_gives_up,
            outbox::claims_for_some_modems_leave_the_others_rows_untouched,
            outbox::routed_marks_commit_with_their_messages,
            outbox::a_campaign_does_not_hold_back_another_sources_message,
            reports::delivery_reports_finish_multipart_messages,
            reports::a_repeated_report_counts_once_and_an_early_report_waits_for_its_send,
            reports::references_that_wrap_find_their_message_by_recipient,
            reports::reports_racing_their_commits_to_one_recipient_find_their_own_send,
            reports::reports_match_the_sim_they_came_through_and_recent_sends_only,
            inbox::inbound_messages_are_stored_once_and_parts_survive_a_restart,
            inbox::calls_are_logged_and_routed_once,
            kv::connector_kv_is_namespaced_durable_and_prefix_exact,
            retention::retention_keeps_what_is_still_in_flight,
            retention::pruning_a_large_backlog_goes_in_batches,
            health::health_samples_are_kept_per_modem_in_order_with_their_own_retention,
            health::pruning_many_health_samples_goes_in_batches,
            health::traffic_is_counted_per_modem_and_hour_from_the_log,
            log::the_log_is_read_in_pages_newest_first,
            log::the_log_is_searched_by_text_and_number_ignoring_case,
            log::the_log_search_ignores_case_for_all_of_unicode_and_accents_on_request,
            log::a_search_pages_through_its_matches_and_forgets_pruned_rows,
            log::a_search_finds_old_and_new_matches_in_a_long_log,
            log::live_events_are_kept_once_in_id_order,
            concurrency::concurrent_claims_never_share_a_row,
            concurrency::concurrent_enqueues_of_one_key_store_one_row,
            leases::a_lease_has_one_holder_and_a_new_epoch_each_time_it_changes_hands,
            leases::racing_nodes_take_a_free_lease_once,
            leases::a_node_that_lost_its_modem_neither_claims_nor_completes,
            leases::the_store_clock_moves_forward,
            leases::compare_and_set_lets_one_racing_writer_win,
            leases::a_dead_nodes_claims_come_back_at_once,
            leases::published_live_events_have_one_order_across_nodes,
            leases::routing_is_claimed_once_by_the_node_that_drives_the_modem,
        );
    };
    (@tests $make:expr; $($group:ident :: $name:ident,)*) => {
        $(
            #[test]
            fn $name() {
                let backend = $make;
                $crate::conformance::$group::$name(&backend);
            }
        )*
    };
}

pub(crate) const T0: u64 = 1_767_225_600_000;
pub(crate) const LEASE: Duration = Duration::from_secs(60);

pub(crate) fn message(key: &str) -> NewOutbound {
    NewOutbound {
        key: key.into(),
        source: "test".into(),
        to: "+420777000111".into(),
        text: format!("text of {key}"),
        options: SendOptions {
            status_report: true,
            ..SendOptions::default()
        },
        allowed_modems: Vec::new(),
    }
}

pub(crate) fn sent(modem: &str, refs: &[u8]) -> SendOutcome {
    SendOutcome::Sent {
        modem: modem.into(),
        message_refs: refs.iter().map(|r| Some(*r)).collect(),
        sim: None,
    }
}

pub(crate) fn report(
    modem: &str,
    message_ref: u8,
    recipient: Option<&str>,
    delivered: bool,
    detail: Option<&str>,
) -> DeliveryReport {
    DeliveryReport {
        modem: modem.into(),
        sim: None,
        message_ref,
        recipient: recipient.map(str::to_string),
        delivered,
        detail: detail.map(str::to_string),
        sent_not_before: None,
    }
}

pub(crate) fn inbound(fingerprint: &str) -> InboundRecord {
    InboundRecord {
        fingerprint: fingerprint.into(),
        modem: "gsm0".into(),
        sender: "+420601234567".into(),
        recipient: "+420777000000".into(),
        text: "Ahoj 👋".into(),
        received_at: T0,
        meta: vec![("smsc".into(), "+420602909909".into())],
    }
}
