//! What the driver reports: [`ModemEvent`] and its payloads, and the [`Ack`]
//! that comes with each inbound item.
//!
//! An acknowledgement travels back to the actor as [`AckWork`] on its own
//! channel; the actor deletes from the modem only then (see `inbound.rs`).

use plutanium_sms::{MessageClass, Payload, Timestamp, TpStatus};
use tokio::sync::mpsc;

/// An acknowledgement to give once an inbound item is committed.
///
/// Dropping it without [`Ack::ack`] leaves the message on the modem, and the next
/// storage sweep (every health interval, and after every reconnect) hands it out
/// again.
#[derive(Debug)]
pub struct Ack {
    pub(super) tx: mpsc::UnboundedSender<AckWork>,
    pub(super) work: Option<AckWork>,
}

impl Ack {
    /// Deletes the item from the modem (or acknowledges it to the network).
    pub fn ack(mut self) {
        if let Some(work) = self.work.take() {
            // A stopped driver cannot delete; the next sweep sees it again.
            let _ = self.tx.send(work);
        }
    }
}

impl Drop for Ack {
    fn drop(&mut self) {
        if let Some(mut work) = self.work.take() {
            // Not acknowledged: release the slots so the next sweep hands the
            // message out again.
            work.release_only = true;
            let _ = self.tx.send(work);
        }
    }
}

/// What an [`Ack`] (or its drop) asks the actor to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AckWork {
    /// Storage slots to delete.
    pub(super) delete: Vec<super::Slot>,
    /// Fingerprints of directly delivered parts, whose stored copies go too.
    pub(super) fingerprints: Vec<u64>,
    /// Dropped without an ack: forget the slots, delete nothing.
    pub(super) release_only: bool,
    /// For a router's inbox (RouterOS): the message's fingerprint, to find
    /// and remove whichever item holds it now (item ids are reused and
    /// renumbered, so an id alone may name another message by then).
    pub(super) remote: Option<u64>,
}

/// A received SMS, reassembled.
#[derive(Debug)]
pub struct InboundSms {
    /// The modem it came in on.
    pub modem: String,
    /// The sender.
    pub sender: String,
    /// The text, or octets for 8-bit data. In the text of a message given
    /// up incomplete, each missing part is `[part N of M missing]`.
    pub payload: Payload,
    /// The SMSC time stamp of the first part.
    pub timestamp: Timestamp,
    /// Message class, if any.
    pub class: Option<MessageClass>,
    /// How many parts it was sent in.
    pub parts: usize,
    /// Part numbers that never arrived (the message was given up incomplete).
    pub missing_parts: Vec<u8>,
    /// The PDUs as received, in part order (hex, SMSC field included).
    pub pdus: Vec<String>,
    /// The concatenation reference and part count of a multipart message.
    pub concat: Option<(u16, u8)>,
    /// A stable fingerprint of the TPDUs: the same message read twice (a `+CMT`
    /// and a stored copy, or a re-read after restart) has the same one.
    pub fingerprint: u64,
    /// Acknowledge after committing.
    pub ack: Ack,
}

/// A status report for a sent part.
#[derive(Debug)]
pub struct InboundStatusReport {
    /// The modem it came in on.
    pub modem: String,
    /// The `+CMGS` reference of the part.
    pub message_ref: u8,
    /// The recipient of that part.
    pub recipient: String,
    /// The IMSI of the SIM it came through, when the modem tells it.
    pub sim: Option<String>,
    /// TP-Status.
    pub status: TpStatus,
    /// When the status was reached.
    pub discharge_time: Timestamp,
    /// When this driver started the latest send that got this reference,
    /// if one did since it started: the report is that send's (or a
    /// repeat), not an older one's with the same reference.
    pub send_started: Option<std::time::Instant>,
    /// Acknowledge after committing.
    pub ack: Ack,
}

/// An incoming call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingCall {
    /// The modem it rang on.
    pub modem: String,
    /// The caller, if shown.
    pub caller: Option<String>,
}

/// A stored PDU that could not be decoded. It is kept until acknowledged, so it
/// can be logged and is not lost.
#[derive(Debug)]
pub struct UndecodablePdu {
    /// The modem.
    pub modem: String,
    /// The PDU as read.
    pub pdu: String,
    /// Why it failed.
    pub error: String,
    /// Acknowledge to delete it from the modem.
    pub ack: Ack,
}

/// What the driver reports.
#[derive(Debug)]
#[non_exhaustive]
pub enum ModemEvent {
    /// An SMS.
    Sms(InboundSms),
    /// A status report.
    StatusReport(InboundStatusReport),
    /// An incoming call.
    Call(IncomingCall),
    /// A USSD message the network sent on its own.
    Ussd(String),
    /// A PDU that does not decode.
    Undecodable(UndecodablePdu),
    /// One part of a multipart message whose other parts have not all come:
    /// keep it durably until its message is whole (the whole message's
    /// [`InboundSms::concat`] says which parts it replaces), and hand it
    /// back in [`DriverConfig::restored_parts`](crate::DriverConfig::restored_parts)
    /// after a restart. A part read from storage is deleted from the modem
    /// once its [`KeptPart::ack`] is given, so parts of messages that never
    /// complete do not fill the SIM; a part delivered directly (`+CMT`) is
    /// already acknowledged to the network and exists nowhere else.
    PartKept(KeptPart),
}

/// A part of an incomplete multipart message; see [`ModemEvent::PartKept`].
#[derive(Debug)]
pub struct KeptPart {
    /// The modem it came in on.
    pub modem: String,
    /// The sender.
    pub sender: String,
    /// The concatenation reference.
    pub reference: u16,
    /// How many parts the message has.
    pub total: u8,
    /// This part's number, from 1.
    pub seq: u8,
    /// The PDU as received (hex, SMSC field included).
    pub pdu: String,
    /// Acknowledge once the part is kept: it is then deleted from the modem.
    pub ack: Ack,
}
