//! Receiving: `+CMTI`/`+CDSI` (read with `+CMGR`), `+CMT`/`+CDS` (direct
//! delivery, acknowledged with `+CNMA`), the storage sweep (`+CMGL`), handing
//! multipart parts to reassembly, and deleting from the modem once the caller
//! acknowledges.
//!
//! A message is deleted from the modem only after its [`Ack`], so it is never
//! lost between the modem and the caller's store; the bookkeeping here
//! (owned slots, fingerprints of direct deliveries) makes sure it is not
//! handed out twice either.

use std::time::Duration;

use plutanium_at::command;
use plutanium_at::response::{self, MessageStatus};
use plutanium_sms::{ConcatKey, Payload, Pdu, Pushed};
use tracing::{debug, info, warn};

use super::link::Link;
use super::storage::Slot;
use super::{
    Ack, AckWork, Actor, InboundSms, InboundStatusReport, KeptPart, ModemEvent, SessionEnd,
    UndecodablePdu,
};

/// Where a received part came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Source {
    Stored(Slot),
    Direct,
    /// Kept by the caller from an earlier run ([`DriverConfig::restored_parts`](crate::DriverConfig::restored_parts)).
    Restored,
}

#[derive(Debug)]
/// One received SMS-DELIVER, with what is needed to acknowledge it.
pub(super) struct Part {
    source: Source,
    hex: String,
    fingerprint: u64,
    deliver: plutanium_sms::Deliver,
}

#[derive(Debug, Default)]
/// What became of a directly delivered PDU, by fingerprint.
pub(super) struct Seen {
    acked: bool,
    extra_indices: Vec<Slot>,
}

/// What a received PDU turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Taken {
    /// A status report.
    Report,
    /// Anything else (an SMS or part, a copy already handed out, nothing).
    Other,
}

impl Actor {
    /// Reads the message a `+CMTI`/`+CDSI` points at (`+CMGR`) from the
    /// memory it names, and takes it in. A Quectel EC25 keeps status
    /// reports in `SR` but announces them in `SM` (asterisk-chan-quectel PR
    /// 75): a `+CDSI` whose slot holds no report is looked for in `SR` too.
    pub(super) async fn read_stored(
        &mut self,
        link: &mut Link,
        at: &response::StorageIndex,
        report: bool,
    ) -> Result<(), SessionEnd> {
        let memory = if at.storage.is_empty() {
            self.primary_memory()
        } else {
            at.storage.clone()
        };
        if memory != self.primary_memory() && !self.announced_memories.contains(&memory) {
            self.announced_memories.push(memory.clone());
        }
        let taken = self.read_slot(link, &memory, at.index).await?;
        if report && taken != Taken::Report && memory != "SR" {
            debug!(modem = %self.config.name, memory, index = at.index, "no status report where announced; looking in SR");
            if self.read_slot(link, "SR", at.index).await? == Taken::Report
                && !self.announced_memories.iter().any(|m| m == "SR")
            {
                self.announced_memories.push("SR".to_string());
            }
        }
        Ok(())
    }

    /// Reads one slot (`+CMGR`) and takes in what it holds.
    async fn read_slot(
        &mut self,
        link: &mut Link,
        memory: &str,
        index: u32,
    ) -> Result<Taken, SessionEnd> {
        if !self.use_memory(link, memory).await? {
            return Ok(Taken::Other);
        }
        let Some(lines) = self.try_lines(link, &command::read_message(index)).await? else {
            return Ok(Taken::Other);
        };
        match response::parse_cmgr(index, &lines) {
            Ok(Some(message)) => {
                let slot = self.slot(memory, index);
                self.received_pdu(link, &message.pdu, Source::Stored(slot))
                    .await
            }
            Ok(None) => {
                debug!(modem = %self.config.name, memory, index, "empty slot");
                Ok(Taken::Other)
            }
            Err(e) => {
                warn!(modem = %self.config.name, error = %e, "cannot parse +CMGR");
                Ok(Taken::Other)
            }
        }
    }

    /// Reads everything in storage (after every connect and re-init, and every
    /// health interval), so nothing a lost `+CMTI` or a dropped [`Ack`] left
    /// behind stays on the modem unseen: the primary memory and every other
    /// one a URC named. `false` when the modem refused to list its primary
    /// memory.
    pub(super) async fn sweep(&mut self, link: &mut Link) -> Result<bool, SessionEnd> {
        let mut listed = true;
        for (n, memory) in self.swept_memories().into_iter().enumerate() {
            let ok = self.sweep_memory(link, &memory).await?;
            if n == 0 {
                listed = ok;
            }
        }
        Ok(listed)
    }

    /// Lists one memory (`+CMGL=4`) and takes in what was received there.
    async fn sweep_memory(&mut self, link: &mut Link, memory: &str) -> Result<bool, SessionEnd> {
        if !self.use_memory(link, memory).await? {
            return Ok(false);
        }
        let Some(lines) = self.try_lines(link, &command::list_all_messages()).await? else {
            return Ok(false);
        };
        // Each entry on its own: one malformed entry must not hide the others.
        let mut stored = Vec::new();
        let starts: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with("+CMGL:"))
            .map(|(i, _)| i)
            .collect();
        for (n, &start) in starts.iter().enumerate() {
            let end = starts.get(n + 1).copied().unwrap_or(lines.len());
            match response::parse_cmgl(&lines[start..end]) {
                Ok(mut entry) => stored.append(&mut entry),
                Err(e) => {
                    warn!(modem = %self.config.name, error = %e, "skipping a malformed storage entry");
                }
            }
        }
        for message in stored {
            if matches!(
                message.status,
                MessageStatus::ReceivedUnread | MessageStatus::ReceivedRead
            ) {
                let slot = self.slot(memory, message.index);
                self.received_pdu(link, &message.pdu, Source::Stored(slot))
                    .await?;
            }
        }
        Ok(true)
    }

    /// Says, once, that direct delivery was asked for and the modem does not
    /// do it (see [`ModemInfo::no_direct_delivery`](crate::ModemInfo)).
    pub(super) fn no_direct_delivery(&mut self, why: String) {
        if self.info.no_direct_delivery.is_none() {
            info!(
                modem = %self.config.name,
                "direct delivery (+CMT) is configured, but the modem does not do it: {why}"
            );
            self.info.no_direct_delivery = Some(why);
        }
    }

    /// Decides whether the modem can receive, from the last init's
    /// `AT+CNMI` and the last storage sweep, and says so once when that
    /// changes: in the modem's info (`plutanium modem probe`, the API, the
    /// web admin) and in one log line with what to try.
    pub(super) fn judge_receiving(&mut self, storage_listed: bool) {
        let problem = match (self.indications_refused, storage_listed) {
            (_, false) => Some(
                "its storage refuses to be read (AT+CMGL=4 fails), so stored SMS cannot be \
                 taken in; check that the SIM is in and unlocked, try another SIM, or \
                 `plutanium modem probe` it and compare with `AT+CPMS=?`"
                    .to_string(),
            ),
            (true, true) => Some(
                "it refuses every AT+CNMI setting, so it never says when an SMS comes; \
                 messages are only found by the storage sweep, once per health interval \
                 (every 30 s); compare `AT+CNMI=?` with what the modem's manual \
                 documents, or try another firmware"
                    .to_string(),
            ),
            (false, true) => None,
        };
        if problem != self.info.cannot_receive {
            match &problem {
                Some(why) => {
                    warn!(modem = %self.config.name, "the modem cannot receive SMS: {why}")
                }
                None if self.info.cannot_receive.is_some() => {
                    info!(modem = %self.config.name, "the modem receives SMS again")
                }
                None => {}
            }
            self.info.cannot_receive = problem;
        }
    }

    /// Takes in one received PDU, stored or delivered directly: recognises
    /// copies already handed out, then reports it (an SMS, a status report,
    /// or an undecodable PDU) or passes a multipart part to reassembly.
    pub(super) async fn received_pdu(
        &mut self,
        link: &mut Link,
        hex: &str,
        source: Source,
    ) -> Result<Taken, SessionEnd> {
        if let Source::Stored(slot) = &source {
            if self.owned_slots.contains(slot) {
                // Already handed out (or held for reassembly) and not yet
                // acknowledged: a sweep or a repeated +CMTI sees it again.
                return Ok(Taken::Other);
            }
        } else if self.expects_cnma() {
            // With +CSMS=1 the network waits for this, and only for a short while:
            // acknowledge at once. Direct delivery trades the "deleted only after
            // commit" guarantee for latency; storage delivery (the default) keeps it.
            self.try_lines(link, &command::acknowledge_message())
                .await?;
        }
        let (octets, tpdu_fingerprint) = fingerprinted(hex);
        if let Source::Stored(slot) = &source {
            if let Some(seen) = self.direct_seen.get_mut(&tpdu_fingerprint) {
                // The stored copy of a message already delivered as +CMT.
                if seen.acked {
                    // The read just selected its memory.
                    self.try_lines(link, &command::delete_message(slot.index))
                        .await?;
                } else if !seen.extra_indices.contains(slot) {
                    seen.extra_indices.push(slot.clone());
                    self.owned_slots.insert(slot.clone());
                }
                debug!(modem = %self.config.name, %slot, "stored copy of a direct delivery");
                return Ok(Taken::Other);
            }
            self.owned_slots.insert(slot.clone());
        }
        Ok(self.take(hex, octets, tpdu_fingerprint, source).await)
    }

    /// Takes in a PDU the modem delivered directly (`+CMT`, `+CDS`) while
    /// a command of ours was running: the long wait on the SMSC's answer to
    /// a send, which may last a minute. It is handed on at once; the
    /// `+CNMA` the network may want goes out when the command has ended,
    /// since the modem takes no command before.
    pub(super) async fn received_pdu_while_busy(&mut self, hex: &str) {
        if self.expects_cnma() {
            self.owed.acknowledgements += 1;
        }
        let (octets, tpdu_fingerprint) = fingerprinted(hex);
        self.take(hex, octets, tpdu_fingerprint, Source::Direct)
            .await;
    }

    /// Reports a received PDU not seen before (an SMS, a status report, or
    /// an undecodable PDU), or passes a multipart part to reassembly. Sends
    /// no command.
    async fn take(
        &mut self,
        hex: &str,
        octets: Result<Vec<u8>, plutanium_sms::Error>,
        tpdu_fingerprint: u64,
        source: Source,
    ) -> Taken {
        if let Source::Direct | Source::Restored = &source {
            if self.direct_seen.contains_key(&tpdu_fingerprint) {
                debug!(modem = %self.config.name, "repeated direct delivery ignored");
                return Taken::Other;
            }
            if self.direct_seen.len() > 4096 {
                self.direct_seen.retain(|_, s| !s.acked);
            }
            self.direct_seen.insert(tpdu_fingerprint, Seen::default());
        }
        let delete: Vec<Slot> = match &source {
            Source::Stored(slot) => vec![slot.clone()],
            Source::Direct | Source::Restored => Vec::new(),
        };
        let decoded = match octets.and_then(|o| plutanium_sms::decode(&o, true)) {
            Ok(d) => d,
            Err(e) => {
                let ack = self.ack(delete, Vec::new());
                self.emit(ModemEvent::Undecodable(UndecodablePdu {
                    modem: self.config.name.clone(),
                    pdu: hex.to_string(),
                    error: e.to_string(),
                    ack,
                }))
                .await;
                return Taken::Other;
            }
        };
        match decoded.pdu {
            Pdu::Deliver(deliver) => {
                let part = Part {
                    source,
                    hex: hex.to_string(),
                    fingerprint: tpdu_fingerprint,
                    deliver,
                };
                match part.deliver.user_data.concat() {
                    None => self.emit_sms(vec![part], Vec::new(), 1).await,
                    Some(concat) => self.reassemble(part, concat, unix_now()).await,
                }
            }
            Pdu::StatusReport(report) => {
                let ack = self.ack(delete, vec![tpdu_fingerprint]);
                self.emit(ModemEvent::StatusReport(InboundStatusReport {
                    modem: self.config.name.clone(),
                    message_ref: report.message_reference,
                    recipient: report.recipient.value,
                    sim: self.info.imsi.clone(),
                    status: report.status,
                    discharge_time: report.discharge_time,
                    send_started: self.sends_by_reference[usize::from(report.message_reference)],
                    ack,
                }))
                .await;
                return Taken::Report;
            }
            Pdu::Submit(_) => {
                // A stored outgoing message: not ours to report or delete.
                if let Source::Stored(slot) = &source {
                    self.owned_slots.remove(slot);
                }
            }
        }
        Taken::Other
    }

    /// Puts a part kept from an earlier run back into reassembly.
    pub(super) async fn restore_part(&mut self, restored: &crate::RestoredPart) {
        let hex = restored.pdu.as_str();
        let (Ok(octets), tpdu_fingerprint) = fingerprinted(hex) else {
            warn!(modem = %self.config.name, hex, "a restored part is not hex; ignored");
            return;
        };
        let Ok(decoded) = plutanium_sms::decode(&octets, true) else {
            warn!(modem = %self.config.name, hex, "a restored part does not decode; ignored");
            return;
        };
        let Pdu::Deliver(deliver) = decoded.pdu else {
            return;
        };
        let Some(concat) = deliver.user_data.concat() else {
            return;
        };
        self.direct_seen.insert(tpdu_fingerprint, Seen::default());
        let part = Part {
            source: Source::Restored,
            hex: hex.to_string(),
            fingerprint: tpdu_fingerprint,
            deliver,
        };
        let received = restored
            .received_at
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        self.reassemble(part, concat, received).await;
    }

    /// Adds one part of a multipart message to reassembly, and hands out
    /// what that completes or pushes out.
    ///
    /// A part read from storage is offered to the caller to keep and is
    /// deleted from the modem once kept: parts of messages whose other
    /// parts never come must not fill the SIM (which then refuses every
    /// new SMS). From then on it is held like a part delivered directly;
    /// its fingerprint recognises the stored copy if the delete did not
    /// happen. A part delivered directly is acknowledged to the network
    /// already and exists nowhere else: it is offered to keep while its
    /// message waits.
    async fn reassemble(
        &mut self,
        mut part: Part,
        concat: plutanium_sms::Concat,
        received: Duration,
    ) {
        let key = ConcatKey {
            sender: part.deliver.originator.value.clone(),
            reference: concat.reference,
            total: concat.total,
        };
        let kept = |actor: &Self, part: &Part, ack: Ack| KeptPart {
            modem: actor.config.name.clone(),
            sender: key.sender.clone(),
            reference: concat.reference,
            total: concat.total,
            seq: concat.sequence,
            pdu: part.hex.clone(),
            ack,
        };
        let mut kept_direct = None;
        match &part.source {
            Source::Stored(slot) => {
                let ack = self.ack(vec![slot.clone()], Vec::new());
                let event = kept(self, &part, ack);
                self.direct_seen.insert(part.fingerprint, Seen::default());
                part.source = Source::Restored;
                self.emit(ModemEvent::PartKept(event)).await;
            }
            Source::Direct => kept_direct = Some(kept(self, &part, self.no_ack())),
            Source::Restored => {}
        }
        let outcome = self
            .reassembler
            .push(key.clone(), concat.sequence, part, received);
        for evicted in outcome.evicted {
            let total = evicted.key.total;
            let parts = evicted.parts.into_iter().map(|(_, p)| p).collect();
            self.emit_sms(parts, evicted.missing, total).await;
        }
        match outcome.pushed {
            Pushed::Complete(parts) => self.emit_sms(parts, Vec::new(), concat.total).await,
            Pushed::Waiting { .. } => {
                if let Some(kept) = kept_direct {
                    self.emit(ModemEvent::PartKept(kept)).await;
                }
            }
            Pushed::Duplicate(part) | Pushed::Invalid(part) => {
                self.emit_sms(vec![part], Vec::new(), 1).await;
            }
        }
    }

    /// Hands out, incomplete, the multipart messages whose missing parts did
    /// not come within the reassembly timeout.
    pub(super) async fn expire_incomplete(&mut self) {
        let now = unix_now();
        for incomplete in self.reassembler.expire(now) {
            let parts: Vec<Part> = incomplete.parts.into_iter().map(|(_, p)| p).collect();
            self.emit_sms(parts, incomplete.missing, incomplete.key.total)
                .await;
        }
    }

    /// Whether direct deliveries must be acknowledged to the network (`+CNMA`).
    fn expects_cnma(&self) -> bool {
        self.config.direct_delivery
    }

    /// Reports a message made of `parts` (in order); `missing` lists the parts
    /// given up on, `total` is how many it was sent in.
    async fn emit_sms(&mut self, parts: Vec<Part>, missing: Vec<u8>, total: u8) {
        let Some(first) = parts.first() else { return };
        let sender = first.deliver.originator.value.clone();
        let timestamp = first.deliver.timestamp;
        let class = first.deliver.data_coding.class();
        // Only a message given out as a whole (complete, or given up
        // incomplete) replaces its kept parts; a lone duplicate part must not.
        let concat = first
            .deliver
            .user_data
            .concat()
            .filter(|_| total > 1)
            .map(|c| (c.reference, c.total));
        let mut text = String::new();
        let mut octets = Vec::new();
        let mut is_text = true;
        let mut delete = Vec::new();
        let mut fingerprints = Vec::new();
        let mut pdus = Vec::new();
        let mut last_seq: Option<u8> = None;
        for part in &parts {
            match &part.deliver.user_data.payload {
                Payload::Text(t) => {
                    // Where parts are missing, say so where they were: the
                    // text must not read as if it were whole.
                    let seq = part.deliver.user_data.concat().map_or(1, |c| c.sequence);
                    let before = if let Some(prev) = last_seq {
                        prev + 1
                    } else {
                        1
                    };
                    for gap in (before..seq).filter(|n| missing.contains(n)) {
                        text.push_str(&missing_marker(gap, total));
                    }
                    last_seq = Some(seq);
                    text.push_str(t);
                }
                Payload::Octets(o) => {
                    is_text = false;
                    octets.extend_from_slice(o);
                }
            }
            match &part.source {
                Source::Stored(slot) => delete.push(slot.clone()),
                Source::Direct | Source::Restored => {}
            }
            fingerprints.push(part.fingerprint);
            pdus.push(part.hex.clone());
        }
        if is_text {
            let after = last_seq.map_or(1, |l| l + 1);
            for gap in (after..=total).filter(|n| missing.contains(n)) {
                text.push_str(&missing_marker(gap, total));
            }
        }
        let combined_fingerprint = fingerprints.iter().fold(0u64, |h, f| h.rotate_left(7) ^ f);
        let ack = self.ack(delete, fingerprints);
        self.info.counters.received += 1;
        self.emit(ModemEvent::Sms(InboundSms {
            modem: self.config.name.clone(),
            sender,
            payload: if is_text {
                Payload::Text(text)
            } else {
                Payload::Octets(octets)
            },
            timestamp,
            class,
            parts: usize::from(total.max(1)),
            missing_parts: missing,
            pdus,
            concat,
            fingerprint: combined_fingerprint,
            ack,
        }))
        .await;
    }

    /// An [`Ack`] with nothing to do.
    fn no_ack(&self) -> Ack {
        Ack {
            tx: self.ack_tx.clone(),
            work: None,
        }
    }

    /// An [`Ack`] that, when given, deletes `delete` from storage and the
    /// stored copies of the direct deliveries with these `fingerprints`.
    fn ack(&self, delete: Vec<Slot>, fingerprints: Vec<u64>) -> Ack {
        Ack {
            tx: self.ack_tx.clone(),
            work: Some(AckWork {
                delete,
                fingerprints,
                release_only: false,
                remote: None,
            }),
        }
    }

    /// Carries out an [`Ack`]: deletes what it covers, or, for an ack
    /// dropped unused, only forgets the slots so the next sweep hands them
    /// out again.
    pub(super) async fn acknowledge(
        &mut self,
        link: &mut Link,
        work: AckWork,
    ) -> Result<(), SessionEnd> {
        if work.release_only {
            // Dropped without an ack: the next sweep hands these out again,
            // including stored copies of direct deliveries.
            for index in &work.delete {
                self.owned_slots.remove(index);
            }
            for fp in &work.fingerprints {
                if let Some(seen) = self.direct_seen.remove(fp) {
                    for index in seen.extra_indices {
                        self.owned_slots.remove(&index);
                    }
                }
            }
            return Ok(());
        }
        let mut delete = work.delete;
        for fp in &work.fingerprints {
            if let Some(seen) = self.direct_seen.get_mut(fp) {
                seen.acked = true;
                delete.append(&mut seen.extra_indices);
            }
        }
        delete.sort_by(|a, b| (&a.memory, a.index).cmp(&(&b.memory, b.index)));
        delete.dedup();
        for slot in delete {
            if slot.sim != self.sim_epoch {
                // Read from a SIM that has since been swapped out: this
                // index on the SIM now in the modem is another message.
                info!(modem = %self.config.name, %slot, "not deleting: the message was read from the SIM that was in the modem before");
                continue;
            }
            let deleted = self.use_memory(link, &slot.memory).await?
                && self
                    .try_lines(link, &command::delete_message(slot.index))
                    .await?
                    .is_some();
            // Either way the slot is no longer ours: if the delete failed, the
            // next sweep hands the message out again rather than losing it.
            self.owned_slots.remove(&slot);
            if !deleted {
                warn!(modem = %self.config.name, %slot, "could not delete a stored message; the next sweep sees it again");
            }
        }
        Ok(())
    }
}

/// What stands in the text of an incomplete message for a part that never
/// came (`InboundSms::missing_parts` lists them too).
fn missing_marker(part: u8, total: u8) -> String {
    format!("[part {part} of {total} missing]")
}

/// FNV-1a, for fingerprints of TPDUs.
/// A PDU's octets (decoded from hex once, for the fingerprint and the
/// decode) and the fingerprint of its TPDU (without the SMSC, which a
/// modem may report differently for one message).
fn fingerprinted(hex: &str) -> (Result<Vec<u8>, plutanium_sms::Error>, u64) {
    let octets = plutanium_sms::hex::decode(hex);
    let tpdu_fingerprint = {
        let raw = octets.as_deref().unwrap_or_default();
        let smsc_len = raw.first().map_or(0, |&l| usize::from(l) + 1);
        fingerprint(raw.get(smsc_len..).unwrap_or_default())
    };
    (octets, tpdu_fingerprint)
}

fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Reassembly's clock: the time since the Unix epoch.
fn unix_now() -> Duration {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
}
