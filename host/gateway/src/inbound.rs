//! Each modem's events: committed to the store, then acknowledged (so the
//! modem deletes them), then handed to the router.

use std::sync::Arc;

use plutanium_core::{Call, DeliveryState, DeliveryStatus, Event, InboundSms};
use plutanium_modem::ModemEvent;
use plutanium_sms::{Payload, StatusCategory};
use plutanium_store::{DeliveryReport, InboundRecord, Inserted, PartRecord, Store};
use tokio::sync::{mpsc, oneshot};

use plutanium_core::time;

use crate::blocking;
use crate::router::{Routable, Stored};

/// The event for the stored message `id`.
pub(crate) fn sms_event(id: i64, record: InboundRecord) -> Routable {
    Routable {
        origin: record.modem.clone(),
        stored: Stored::Inbox(id),
        event: Event::Sms(InboundSms {
            id: id.to_string(),
            sender: record.sender,
            recipient: record.recipient,
            text: record.text,
            received_at: record.received_at,
            modem: record.modem,
            meta: Vec::new(),
        }),
    }
}

/// The event for the logged call `id`.
pub(crate) fn call_event(id: i64, modem: String, caller: Option<String>, at: u64) -> Routable {
    Routable {
        origin: modem.clone(),
        stored: Stored::Call(id),
        event: Event::Call(Call { caller, modem, at }),
    }
}

/// Inbound messages to commit, with who waits for the result.
type Insert = (
    InboundRecord,
    Option<(u16, u8)>,
    oneshot::Sender<Result<Inserted, String>>,
);

/// Commits inbound messages from every modem, as many per transaction as
/// arrived while the last commit ran: with many modems busy at once, one
/// durable commit serves them all. Each modem still waits for its own
/// message's commit before the modem may delete it.
#[derive(Clone)]
pub(crate) struct InboundWriter {
    tx: mpsc::UnboundedSender<Insert>,
}

/// Messages committed in one transaction, at most.
const INSERT_BATCH: usize = 256;

impl InboundWriter {
    /// Starts the writer; it ends when the last handle is dropped.
    pub(crate) fn spawn(store: Arc<dyn Store>) -> InboundWriter {
        let (tx, mut rx) = mpsc::unbounded_channel::<Insert>();
        tokio::spawn(async move {
            let mut batch = Vec::new();
            while rx.recv_many(&mut batch, INSERT_BATCH).await > 0 {
                let mut waiting = Vec::with_capacity(batch.len());
                let records: Vec<_> = batch
                    .drain(..)
                    .map(|(record, completes, reply)| {
                        waiting.push(reply);
                        (record, completes)
                    })
                    .collect();
                let now = time::now();
                match blocking(&store, move |s| s.insert_inbound_batch(&records, now)).await {
                    Ok(done) => {
                        for (reply, inserted) in waiting.into_iter().zip(done) {
                            let _ = reply.send(Ok(inserted));
                        }
                    }
                    Err(e) => {
                        let error = format!("{e:#}");
                        for reply in waiting {
                            let _ = reply.send(Err(error.clone()));
                        }
                    }
                }
            }
        });
        InboundWriter { tx }
    }

    async fn insert(
        &self,
        record: InboundRecord,
        completes: Option<(u16, u8)>,
    ) -> Result<Inserted, String> {
        let (reply, result) = oneshot::channel();
        self.tx
            .send((record, completes, reply))
            .map_err(|_| "the inbound writer stopped".to_string())?;
        result
            .await
            .map_err(|_| "the inbound writer stopped".to_string())?
    }
}

/// How much earlier than measured a delivery report's send is taken to
/// have started (see `sent_not_before` below).
const SEND_START_MARGIN_MS: u64 = 20;

/// Where a modem's events go once taken in.
pub(crate) struct Sinks {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) writer: InboundWriter,
    pub(crate) route: mpsc::UnboundedSender<Routable>,
    pub(crate) live: crate::live::Live,
    /// The clock sends are committed by (the store's, on a cluster): a
    /// delivery report says when its send started by it.
    pub(crate) clock: crate::cluster::Clock,
}

/// Commits each event of `modem`, acknowledges it, then hands it to the
/// router. Ends when the modem's driver stops.
pub(crate) async fn modem_events(
    modem: String,
    number: String,
    mut events: mpsc::Receiver<ModemEvent>,
    sinks: Sinks,
) {
    let Sinks {
        store,
        writer,
        route,
        live,
        clock,
    } = sinks;
    while let Some(event) = events.recv().await {
        let now = time::now();
        let routable = match event {
            ModemEvent::Sms(sms) => {
                let (text, binary) = match &sms.payload {
                    Payload::Text(text) => (text.clone(), false),
                    // 8-bit data: the payload in hex (as the WIT says), so
                    // nothing the network delivered is lost.
                    Payload::Octets(octets) => (plutanium_sms::hex::encode(octets), true),
                };
                // The service centre's time stamp, when it is a sane one.
                let stamped = u64::try_from(sms.timestamp.to_unix())
                    .ok()
                    .and_then(|s| s.checked_mul(1000))
                    .filter(|&ms| ms > 0 && ms <= now + 86_400_000);
                let mut meta = vec![
                    ("parts".into(), sms.parts.to_string()),
                    ("smsc_time".into(), sms.timestamp.to_rfc3339()),
                ];
                if binary {
                    meta.push(("payload".into(), "8-bit data, in hex".into()));
                }
                if !sms.missing_parts.is_empty() {
                    // Given up incomplete: routed all the same, marked.
                    let missing: Vec<String> =
                        sms.missing_parts.iter().map(u8::to_string).collect();
                    meta.push(("incomplete".into(), "true".into()));
                    meta.push(("missing_parts".into(), missing.join(",")));
                    tracing::warn!(
                        modem,
                        sender = %sms.sender,
                        missing = %missing.join(","),
                        parts = sms.parts,
                        "a multipart SMS is routed incomplete: its missing parts did not come in time"
                    );
                }
                let record = InboundRecord {
                    fingerprint: format!("{modem}:{:016x}", sms.fingerprint),
                    modem: modem.clone(),
                    sender: sms.sender.clone(),
                    recipient: number.clone(),
                    text,
                    received_at: stamped.unwrap_or(now),
                    meta,
                };
                crate::failpoint("before-inbound-commit");
                // A whole multipart message replaces its kept parts.
                match writer.insert(record.clone(), sms.concat).await {
                    Ok(inserted) => {
                        crate::failpoint("after-inbound-commit");
                        // Committed: now the modem may delete it.
                        sms.ack.ack();
                        match inserted {
                            Inserted::New(id) => Some(sms_event(id, record)),
                            Inserted::Duplicate(_) => None,
                        }
                    }
                    Err(e) => {
                        // Not acknowledged: it stays on the modem and comes back.
                        tracing::error!(modem, error = %e, "cannot store an inbound SMS; leaving it on the modem");
                        None
                    }
                }
            }
            ModemEvent::StatusReport(report) => {
                let delivered = match report.status.category() {
                    StatusCategory::Delivered => true,
                    StatusCategory::Failed | StatusCategory::Expired => false,
                    // Pending, or a category this build does not know:
                    _ => {
                        // The network is still trying: nothing changes yet.
                        report.ack.ack();
                        continue;
                    }
                };
                let reference = report.message_ref;
                let delivery = DeliveryReport {
                    modem: modem.clone(),
                    sim: report.sim.clone(),
                    message_ref: reference,
                    recipient: Some(report.recipient.clone()).filter(|r| !r.is_empty()),
                    delivered,
                    detail: Some(format!(
                        "TP-Status {:#04x}: {}",
                        report.status.0,
                        report.status.meaning()
                    )),
                    // On the clock the send's commit is stamped by, a
                    // little early: a commit in the millisecond its send
                    // started must not look older than it (and 256 sends,
                    // the next with this reference, take far longer).
                    sent_not_before: report.send_started.map(|started| {
                        let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(0);
                        clock.now().saturating_sub(elapsed + SEND_START_MARGIN_MS) as i64
                    }),
                };
                let result = blocking(&store, move |s| s.record_delivery(&delivery, now)).await;
                match result {
                    Ok(row) => {
                        report.ack.ack();
                        match &row {
                            Some(row) if delivered => tracing::debug!(
                                id = %format!("out-{}", row.id),
                                modem,
                                reference,
                                status = row.state.name(),
                                "delivery report: delivered"
                            ),
                            Some(row) => tracing::info!(
                                id = %format!("out-{}", row.id),
                                modem,
                                reference,
                                reason = row.last_error.as_deref().unwrap_or(""),
                                "delivery report: not delivered"
                            ),
                            None => tracing::debug!(
                                modem,
                                reference,
                                "delivery report for no send committed yet; kept until one is"
                            ),
                        }
                        row.map(|row| Routable {
                            origin: modem.clone(),
                            stored: Stored::Status(row.id),
                            event: Event::Status(DeliveryStatus {
                                key: row.key,
                                to: row.to,
                                state: if delivered {
                                    DeliveryState::Delivered
                                } else {
                                    DeliveryState::Failed
                                },
                                detail: row.last_error,
                                at: now,
                            }),
                        })
                    }
                    Err(e) => {
                        tracing::error!(modem, error = %e, "cannot store a status report; leaving it on the modem");
                        None
                    }
                }
            }
            ModemEvent::Call(call) => {
                let (modem_name, caller) = (modem.clone(), call.caller.clone());
                match blocking(&store, move |s| {
                    s.log_call(&modem_name, caller.as_deref(), now)
                })
                .await
                {
                    Ok(id) => Some(call_event(id, modem.clone(), call.caller, now)),
                    Err(e) => {
                        // A call cannot wait on the modem; route it anyway.
                        tracing::error!(modem, error = %e, "cannot log a call");
                        Some(Routable {
                            origin: modem.clone(),
                            stored: Stored::Nothing,
                            event: Event::Call(Call {
                                caller: call.caller,
                                modem: modem.clone(),
                                at: now,
                            }),
                        })
                    }
                }
            }
            ModemEvent::Undecodable(pdu) => {
                let (modem_name, detail) = (modem.clone(), format!("{}: {}", pdu.error, pdu.pdu));
                if blocking(&store, move |s| {
                    s.log_event(now, "undecodable-pdu", &modem_name, &detail)
                })
                .await
                .is_ok()
                {
                    pdu.ack.ack();
                }
                None
            }
            ModemEvent::PartKept(part) => {
                // Kept here before the modem deletes it (a stored part) or
                // because the network has forgotten it (a direct one): the
                // store is where it survives a restart.
                let record = PartRecord {
                    modem: part.modem,
                    sender: part.sender,
                    reference: part.reference,
                    total: part.total,
                    seq: part.seq,
                    pdu: part.pdu.into_bytes(),
                    received_at: now,
                };
                match blocking(&store, move |s| s.save_part(&record)).await {
                    Ok(_) => part.ack.ack(),
                    Err(e) => {
                        tracing::error!(modem, error = %e, "cannot keep a part of a multipart SMS; it stays on the modem if it was stored there, and is lost if it came directly and the daemon stops before the rest arrives");
                    }
                }
                None
            }
            ModemEvent::Ussd(text) => {
                tracing::info!(modem, %text, "USSD from the network, unasked");
                None
            }
            _ => {
                tracing::debug!(modem, "a modem event the gateway does not use");
                None
            }
        };
        if let Some(routable) = routable {
            if let Some(event) = crate::live::of_event(&routable.event, routable.stored.id()) {
                live.send(event);
            }
            if route.send(routable).is_err() {
                return;
            }
        }
    }
}
