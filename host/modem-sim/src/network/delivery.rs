//! What reaches a modem: an SMS, directly (`+CMT`, delivered again until
//! the host acknowledges it with `+CNMA` where that is needed) or stored
//! (`+CMTI`), waiting at the SMSC while storage is full; and status reports
//! (`+CDS` or `+CDSI`), as `+CNMI` asks.

use std::time::Duration;

use plutanium_sms::{Address, Pdu, SmscPdu, StatusReport, TpStatus};

use super::{Action, ModemId, Network, smsc};

impl Network {
    pub(super) fn deliver_to_modem(
        &mut self,
        modem: ModemId,
        pdu: Vec<u8>,
        tpdu_len: usize,
        retry_of: Option<(u64, u32)>,
        now: Duration,
    ) {
        if let Some((id, _)) = retry_of
            && self.pending_ack[modem] != Some(id)
        {
            // Acknowledged (or the modem rebooted) since: nothing to retry.
            return;
        }
        let plugged = self.plugged[modem];
        let duplicate = std::mem::take(&mut self.faults[modem].duplicate_next);
        let attempt = retry_of.map_or(0, |(_, a)| a);
        let m = &mut self.modems[modem];
        let [_, mt, _, _, _] = m.cnmi();
        let waiting_for_other_ack = m.awaiting_ack && retry_of.is_none();
        let direct = plugged
            && (mt == 2 || mt == 3)
            && m.config.profile.spec().delivers_directly
            && !waiting_for_other_ack
            && attempt < 3;
        if direct {
            let hex = plutanium_sms::hex::encode(&pdu);
            m.urc(&format!("+CMT: ,{tpdu_len}\r\n{hex}"));
            if m.expects_cnma() {
                m.awaiting_ack = true;
                let id = retry_of.map_or_else(
                    || {
                        self.next_delivery_id += 1;
                        self.next_delivery_id
                    },
                    |(id, _)| id,
                );
                self.pending_ack[modem] = Some(id);
                // Without +CNMA the network tries again later.
                self.schedule(
                    now + Duration::from_secs(15),
                    Action::DeliverToModem {
                        modem,
                        pdu: pdu.clone(),
                        tpdu_len,
                        retry_of: Some((id, attempt + 1)),
                    },
                );
            }
            if !duplicate {
                return;
            }
        } else if retry_of.is_some() {
            // Retried too often without +CNMA: the modem stores it instead.
            m.awaiting_ack = false;
            self.pending_ack[modem] = None;
        }
        self.store_or_wait(modem, pdu, tpdu_len);
    }

    fn store_or_wait(&mut self, modem: ModemId, pdu: Vec<u8>, tpdu_len: usize) {
        let m = &mut self.modems[modem];
        let [_, mt, _, _, _] = m.cnmi();
        match m.store_received(pdu.clone(), tpdu_len) {
            Some((memory, index)) => {
                if mt != 0 {
                    m.urc(&format!("+CMTI: \"{memory}\",{index}"));
                }
            }
            None => self.waiting[modem].push_back((pdu, tpdu_len)),
        }
    }

    pub(super) fn deliver_waiting(&mut self, modem: ModemId, _now: Duration) {
        while self.modems[modem].has_room() {
            let Some((pdu, len)) = self.waiting[modem].pop_front() else {
                break;
            };
            self.store_or_wait(modem, pdu, len);
        }
    }

    pub(super) fn status_report(
        &mut self,
        modem: ModemId,
        mr: u8,
        recipient: Address,
        submitted_at: Duration,
        now: Duration,
    ) {
        if self.faults[modem].drop_reports > 0 {
            self.faults[modem].drop_reports -= 1;
            return;
        }
        let status = if self.faults[modem].undeliverable_reports > 0 {
            self.faults[modem].undeliverable_reports -= 1;
            TpStatus(0x41)
        } else {
            TpStatus(0)
        };
        let report = StatusReport {
            more_messages: false,
            loop_prevention: false,
            for_command: false,
            message_reference: mr,
            recipient,
            timestamp: self.timestamp(submitted_at),
            discharge_time: self.timestamp(now),
            status,
            protocol_id: None,
            data_coding: None,
            user_data: None,
        };
        let Ok(encoded) = (SmscPdu {
            smsc: Some(smsc()),
            pdu: Pdu::StatusReport(report),
        })
        .encode() else {
            return;
        };
        let m = &mut self.modems[modem];
        let [_, _, _, ds, _] = m.cnmi();
        match ds {
            1 => {
                let hex = plutanium_sms::hex::encode(&encoded.octets);
                m.urc(&format!("+CDS: {}\r\n{hex}", encoded.tpdu_len));
            }
            2 => {
                if let Some((memory, index)) = m.store_report(encoded.octets, encoded.tpdu_len) {
                    m.urc(&format!("+CDSI: \"{memory}\",{index}"));
                }
            }
            _ => {}
        }
    }
}
