//! Modem health: samples kept in order per modem with their own
//! retention, and the messages each modem carried per hour.

use plutanium_store::{HealthSample, HourlyTraffic, InboundRecord};

use super::{Backend, LEASE, T0, inbound, message, sent};

const MINUTE: u64 = 60_000;
const HOUR: u64 = 3_600_000;

fn sample(modem: &str, at: u64, signal: i16) -> HealthSample {
    HealthSample {
        modem: modem.into(),
        at,
        state: "ready".into(),
        signal_dbm: Some(signal),
        rsrp_dbm: Some(-99),
        rsrq_db: Some(-10.5),
        sinr_db: None,
        network: Some("lte".into()),
        registration: Some("home".into()),
        operator: Some("Plutanium Sim".into()),
        sim: Some("ready".into()),
    }
}

pub(crate) fn health_samples_are_kept_per_modem_in_order_with_their_own_retention(
    backend: &dyn Backend,
) {
    let store = backend.open();
    store.record_health(&[]).unwrap();
    store
        .record_health(&[
            sample("gsm0", T0, -71),
            sample("gsm1", T0, -90),
            sample("gsm0", T0 + MINUTE, -73),
        ])
        .unwrap();
    store
        .record_health(&[HealthSample {
            state: "connecting".into(),
            ..HealthSample {
                modem: "gsm0".into(),
                at: T0 + 2 * MINUTE,
                ..HealthSample::default()
            }
        }])
        .unwrap();
    // A restart sees them, values and gaps as written.
    let store = backend.open();
    let all = store.health("gsm0", T0, 10).unwrap();
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(all[0], sample("gsm0", T0, -71));
    assert_eq!(all[1].signal_dbm, Some(-73));
    assert_eq!(
        (all[2].state.as_str(), all[2].signal_dbm, all[2].rsrq_db),
        ("connecting", None, None)
    );
    // The window starts at `since`; the limit keeps the newest.
    let later = store.health("gsm0", T0 + 1, 10).unwrap();
    assert_eq!(
        later.iter().map(|s| s.at).collect::<Vec<_>>(),
        [T0 + MINUTE, T0 + 2 * MINUTE]
    );
    let newest = store.health("gsm0", T0, 2).unwrap();
    assert_eq!(
        newest.iter().map(|s| s.at).collect::<Vec<_>>(),
        [T0 + MINUTE, T0 + 2 * MINUTE]
    );
    assert_eq!(store.health("gsm2", T0, 10).unwrap(), []);

    // Message retention leaves samples alone; theirs takes the old ones
    // of every modem.
    store.prune(T0 + HOUR).unwrap();
    assert_eq!(store.health("gsm0", T0, 10).unwrap().len(), 3);
    assert_eq!(store.prune_health(T0 + MINUTE).unwrap(), 2);
    assert_eq!(store.health("gsm1", T0, 10).unwrap(), []);
    assert_eq!(store.health("gsm0", T0, 10).unwrap().len(), 2);
}

pub(crate) fn pruning_many_health_samples_goes_in_batches(backend: &dyn Backend) {
    let store = backend.open();
    let many: Vec<_> = (0..2500).map(|n| sample("gsm0", T0 + n, -70)).collect();
    store.record_health(&many).unwrap();
    assert_eq!(store.prune_health(T0 + 2400).unwrap(), 2400);
    let left = store.health("gsm0", T0, 5000).unwrap();
    assert_eq!((left.len(), left[0].at), (100, T0 + 2400));
}

pub(crate) fn traffic_is_counted_per_modem_and_hour_from_the_log(backend: &dyn Backend) {
    let store = backend.open();
    // Three sent by gsm0 (two in the first hour, one in the second), one
    // by gsm1, and one still queued.
    for key in ["a", "b", "c", "d", "queued"] {
        store.enqueue(&message(key), T0).unwrap();
    }
    let claimed = store.claim(T0, 4, LEASE).unwrap();
    let sends = [
        ("gsm0", T0 + 10 * MINUTE),
        ("gsm0", T0 + 20 * MINUTE),
        ("gsm0", T0 + HOUR + MINUTE),
        ("gsm1", T0 + 30 * MINUTE),
    ];
    for (row, (modem, at)) in claimed.iter().zip(sends) {
        store
            .complete(row.id, row.attempts, &sent(modem, &[1]), at)
            .unwrap();
    }
    // Received: one by gsm0 in the first hour, two in the second, one by gsm1.
    let received = [
        ("1", "gsm0", T0 + 5 * MINUTE),
        ("2", "gsm0", T0 + HOUR + 5 * MINUTE),
        ("3", "gsm0", T0 + 2 * HOUR - 1),
        ("4", "gsm1", T0 + 5 * MINUTE),
    ];
    for (fingerprint, modem, at) in received {
        let record = InboundRecord {
            modem: modem.into(),
            ..inbound(fingerprint)
        };
        store.insert_inbound(&record, None, at).unwrap();
    }
    let hour = |hour, sent, received| HourlyTraffic {
        hour,
        sent,
        received,
    };
    assert_eq!(
        store.traffic_by_hour("gsm0", T0).unwrap(),
        [hour(T0, 2, 1), hour(T0 + HOUR, 1, 2)]
    );
    // `since` counts from the start of its hour.
    assert_eq!(
        store
            .traffic_by_hour("gsm0", T0 + HOUR + 30 * MINUTE)
            .unwrap(),
        [hour(T0 + HOUR, 1, 2)]
    );
    assert_eq!(store.traffic_by_hour("gsm1", T0).unwrap(), [hour(T0, 1, 1)]);
    assert_eq!(store.traffic_by_hour("gsm0", T0 + 3 * HOUR).unwrap(), []);
}
