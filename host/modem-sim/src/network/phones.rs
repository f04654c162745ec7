//! Virtual phones: anything with a number that is not a simulated modem.
//! A phone sends SMS to a modem (whole, or some parts of a long one), calls
//! it, and keeps what modems send it, long messages joined.

use std::time::Duration;

use plutanium_sms::{
    Address, ConcatKey, DataCoding, Deliver, EncodeOptions, Pdu, Pushed, Reassembler,
    ReassemblyLimits, SmscPdu, Submit, UserData,
};

use super::{Action, Latency, ModemId, Network, SimError, smsc};

/// What a virtual phone received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneMessage {
    /// Sender number.
    pub from: String,
    /// Whole text (multipart messages joined).
    pub text: String,
    /// Number of parts it came in.
    pub parts: usize,
    /// Whether a status report was requested.
    pub report_requested: bool,
    /// When it arrived, time since the network started.
    pub received_at: Duration,
}

/// A virtual phone: anything with a number that is not a simulated modem.
#[derive(Debug)]
pub(super) struct Phone {
    inbox: Vec<PhoneMessage>,
    parts: Reassembler<(String, bool)>,
}

impl Phone {
    pub(super) fn new() -> Self {
        Phone {
            inbox: Vec::new(),
            parts: Reassembler::new(ReassemblyLimits::default()),
        }
    }
}

impl Network {
    /// A virtual phone sends `text` to a modem (by number); returns the parts sent.
    pub fn phone_send(
        &mut self,
        from: &str,
        to: &str,
        text: &str,
        now: Duration,
    ) -> Result<usize, SimError> {
        let reference = self.next_concat_ref;
        self.next_concat_ref = self.next_concat_ref.wrapping_add(1);
        self.phone_send_parts(from, to, text, reference, None, now)
    }

    /// Like [`Network::phone_send`], with the concatenation reference given,
    /// delivering only the parts `only` names (0-based) when it is `Some`:
    /// the network delivering a long message's parts far apart. Returns how
    /// many parts the whole message has.
    pub fn phone_send_parts(
        &mut self,
        from: &str,
        to: &str,
        text: &str,
        reference: u8,
        only: Option<&[usize]>,
        now: Duration,
    ) -> Result<usize, SimError> {
        let modem = self
            .find_modem(to)
            .ok_or_else(|| SimError::UnknownModem(to.to_string()))?;
        let originator = Address::parse(from)?;
        let split = plutanium_sms::split(
            text,
            &EncodeOptions {
                concat_ref: plutanium_sms::ConcatRef::Eight(reference),
                ..EncodeOptions::default()
            },
        )?;
        let data_coding = DataCoding::new(split.counted.alphabet, None);
        let delay = match self.latency {
            Latency::Zero => Duration::ZERO,
            Latency::Realistic => self
                .rng
                .between(Duration::from_millis(200), Duration::from_millis(1500)),
        };
        let parts = split.parts.len();
        for (index, user_data) in split.parts.into_iter().enumerate() {
            if only.is_some_and(|only| !only.contains(&index)) {
                continue;
            }
            let pdu = self.deliver_pdu(&originator, data_coding, user_data, now + delay)?;
            let tpdu_len = pdu.tpdu_len;
            self.schedule(
                now + delay,
                Action::DeliverToModem {
                    modem,
                    pdu: pdu.octets,
                    tpdu_len,
                    retry_of: None,
                },
            );
        }
        self.tick(now);
        Ok(parts)
    }

    fn deliver_pdu(
        &self,
        originator: &Address,
        data_coding: DataCoding,
        user_data: UserData,
        at: Duration,
    ) -> Result<plutanium_sms::EncodedPdu, SimError> {
        let deliver = Deliver {
            more_messages: false,
            loop_prevention: false,
            reply_path: false,
            status_report_indication: false,
            originator: originator.clone(),
            protocol_id: 0,
            data_coding,
            timestamp: self.timestamp(at),
            user_data,
        };
        Ok(SmscPdu {
            smsc: Some(smsc()),
            pdu: Pdu::Deliver(deliver),
        }
        .encode()?)
    }

    pub(super) fn deliver_to_phone(
        &mut self,
        number: &str,
        from: &str,
        submit: Submit,
        now: Duration,
    ) {
        let phone = self
            .phones
            .entry(number.to_string())
            .or_insert_with(Phone::new);
        let report = submit.status_report_request;
        let text = match &submit.user_data.payload {
            plutanium_sms::Payload::Text(t) => t.clone(),
            plutanium_sms::Payload::Octets(o) => plutanium_sms::hex::encode(o),
        };
        let Some(concat) = submit.user_data.concat() else {
            phone.inbox.push(PhoneMessage {
                from: from.to_string(),
                text,
                parts: 1,
                report_requested: report,
                received_at: now,
            });
            return;
        };
        let key = ConcatKey {
            sender: from.to_string(),
            reference: concat.reference,
            total: concat.total,
        };
        let outcome = phone.parts.push(key, concat.sequence, (text, report), now);
        if let Pushed::Complete(parts) = outcome.pushed {
            phone.inbox.push(PhoneMessage {
                from: from.to_string(),
                parts: parts.len(),
                report_requested: parts.iter().any(|(_, r)| *r),
                text: parts.into_iter().map(|(t, _)| t).collect(),
                received_at: now,
            });
        }
    }

    /// A virtual phone calls a modem: it rings five times, then the caller gives up.
    pub fn call(&mut self, from: &str, to: &str, now: Duration) -> Result<(), SimError> {
        let modem = self
            .find_modem(to)
            .ok_or_else(|| SimError::UnknownModem(to.to_string()))?;
        self.modems[modem].ringing = Some(from.to_string());
        self.schedule(
            now,
            Action::Ring {
                modem,
                caller: from.to_string(),
                rings_left: 5,
            },
        );
        self.tick(now);
        Ok(())
    }

    /// One ring of a call, or the caller giving up after the last one.
    pub(super) fn ring(&mut self, modem: ModemId, caller: String, rings_left: u32, now: Duration) {
        let m = &mut self.modems[modem];
        if m.ringing.as_deref() != Some(caller.as_str()) {
            // Hung up, taken over by another call, or the modem rebooted: this
            // call rings no more.
            return;
        }
        if rings_left == 0 {
            m.ringing = None;
            m.urc("NO CARRIER");
            return;
        }
        m.announce_ring(&caller);
        self.schedule(
            now + self.ring_interval,
            Action::Ring {
                modem,
                caller,
                rings_left: rings_left - 1,
            },
        );
    }

    /// What a virtual phone has received.
    pub fn phone_inbox(&self, number: &str) -> Vec<PhoneMessage> {
        self.phones
            .get(number)
            .map(|p| p.inbox.clone())
            .unwrap_or_default()
    }
}
