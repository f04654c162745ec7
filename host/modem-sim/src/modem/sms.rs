//! SMS on the modem's side, PDU mode only: the settings (`+CMGF`, `+CNMI`,
//! `+CSMS`, `+CSCA`, `+CMMS`), sending (`+CMGS`, the prompt, the PDU, the
//! network's answer), acknowledging a direct delivery (`+CNMA`) and SIM
//! storage (`+CPMS`, `+CMGL`, `+CMGR`, `+CMGD`), which really deletes.

use super::dispatch::GroupResult;
use super::output::{CommandResult, Fail};
use super::syntax::{Form, args, number_arg};
use super::{Effect, Modem};

/// A message in SIM storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stored {
    /// 0 received unread, 1 received read, 2 stored unsent, 3 stored sent.
    pub(crate) status: u8,
    /// The PDU as the modem prints it: SMSC field and TPDU.
    pub(crate) pdu: Vec<u8>,
    /// Length of the TPDU alone.
    pub(crate) tpdu_len: usize,
}

impl Modem {
    pub(super) fn sms_command(
        &mut self,
        name: &str,
        form: Form<'_>,
        effects: &mut Vec<Effect>,
    ) -> GroupResult {
        match (name, form) {
            ("+CMGF", Form::Set(a)) => match number_arg::<u8>(&args(a), 0)? {
                Some(0) => self.settings.pdu_mode = true,
                // Text mode is not simulated: the host must use PDU mode.
                Some(1) => return Err(Fail::Cme(4)),
                _ => return Err(Fail::Error),
            },
            ("+CMGF", Form::Query) => {
                let mode = u8::from(!self.settings.pdu_mode);
                self.info(&format!("+CMGF: {mode}"));
            }
            ("+CMGF", Form::Test) => self.info("+CMGF: (0)"),
            ("+CPMS", Form::Test) => self.info(self.config.profile.cpms_support()),
            ("+CPMS", Form::Query) => {
                let (used, total) = self.storage_use();
                self.info(&format!(
                    "+CPMS: \"SM\",{used},{total},\"SM\",{used},{total},\"SM\",{used},{total}"
                ));
            }
            ("+CPMS", Form::Set(a)) => {
                let memories = args(a);
                if memories.len() > self.config.profile.cpms_memories() {
                    // As the firmware answers a form it does not know.
                    return Err(Fail::Error);
                }
                if memories.iter().any(|m| !m.is_empty() && m != "SM") {
                    return Err(Fail::Cms(302));
                }
                let (used, total) = self.storage_use();
                let pairs = vec![format!("{used},{total}"); memories.len()];
                self.info(&format!("+CPMS: {}", pairs.join(",")));
            }
            ("+CNMI", Form::Test) => self.info(self.config.profile.cnmi_support()),
            ("+CNMI", Form::Query) => {
                let [m, mt, bm, ds, bfr] = self.settings.cnmi;
                self.info(&format!("+CNMI: {m},{mt},{bm},{ds},{bfr}"));
            }
            ("+CNMI", Form::Set(a)) => {
                let a = args(a);
                let mut cnmi = self.settings.cnmi;
                for (i, slot) in cnmi.iter_mut().enumerate() {
                    if let Some(v) = number_arg::<u8>(&a, i)? {
                        *slot = v;
                    }
                }
                if cnmi[0] > 3 || cnmi[1] > 3 || cnmi[3] > 2 {
                    return Err(Fail::Cms(303));
                }
                self.settings.cnmi = cnmi;
            }
            ("+CSMS", Form::Query) => {
                self.info(&format!("+CSMS: {},1,1,1", self.settings.csms));
            }
            ("+CSMS", Form::Set(a)) => {
                let service = number_arg::<u8>(&args(a), 0)?.unwrap_or(0);
                self.settings.csms = service.min(1);
                self.info("+CSMS: 1,1,1");
            }
            ("+CNMA", Form::Action) => {
                if !self.awaiting_ack {
                    return Err(Fail::Cms(340));
                }
                self.awaiting_ack = false;
                effects.push(Effect::Acknowledged);
            }
            ("+CMMS", Form::Set(_)) => {}
            ("+CSCA", Form::Query) => self.info("+CSCA: \"+420603052000\",145"),
            ("+CSCA", Form::Set(_)) => {}
            ("+CMGL", Form::Set(a)) => self.list(&args(a))?,
            ("+CMGL", Form::Test) => self.info("+CMGL: (0-4)"),
            ("+CMGR", Form::Set(a)) => self.read(&args(a))?,
            ("+CMGD", Form::Set(a)) => {
                self.delete(&args(a))?;
                effects.push(Effect::StorageFreed);
            }
            ("+CMGS", Form::Set(a)) => {
                if !self.settings.pdu_mode {
                    return Err(Fail::Cms(302));
                }
                let len = number_arg::<usize>(&args(a), 0)?.ok_or(Fail::Cms(304))?;
                if !(7..=164).contains(&len) {
                    return Err(Fail::Cms(304));
                }
                if self.swallow_sends > 0 {
                    // The fault: no prompt, and no answer at all.
                    self.swallow_sends -= 1;
                    self.no_final_result = true;
                    return Ok(true);
                }
                self.pending_send_len = Some(len);
                if self.interleave_urcs {
                    self.flush_held();
                }
                self.write(b"\r\n> ");
                self.reader.expect_pdu();
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The PDU typed after the `+CMGS` prompt: checked against the length
    /// given, then handed to the network, which answers with [`Modem::finish_send`].
    pub(super) fn pdu(&mut self, text: &str, effects: &mut Vec<Effect>) {
        let Some(expected) = self.pending_send_len.take() else {
            self.final_result(Err(Fail::Error));
            return;
        };
        let Ok(octets) = plutanium_sms::hex::decode(text) else {
            self.final_result(Err(Fail::Cms(304)));
            self.flush_held();
            return;
        };
        let smsc_len = octets.first().map_or(0, |&l| usize::from(l));
        let tpdu = octets.get(1 + smsc_len..).unwrap_or_default().to_vec();
        let is_submit = matches!(
            plutanium_sms::decode(&tpdu, false),
            Ok(plutanium_sms::SmscPdu {
                pdu: plutanium_sms::Pdu::Submit(_),
                ..
            })
        );
        if tpdu.len() != expected || !is_submit {
            self.final_result(Err(Fail::Cms(304)));
            self.flush_held();
            return;
        }
        let mr = self.next_mr;
        self.next_mr = self.next_mr.wrapping_add(1);
        self.sending = true;
        effects.push(Effect::Submit { tpdu, mr });
    }

    /// The network's answer to an [`Effect::Submit`]: `Ok(mr)` or a CMS error code.
    pub(crate) fn finish_send(&mut self, result: Result<u8, u16>) -> Vec<Effect> {
        if !self.sending {
            // The modem rebooted (re-plug) since the send began: nobody waits.
            return Vec::new();
        }
        self.sending = false;
        match result {
            Ok(mr) => {
                self.info(&format!("+CMGS: {mr}"));
                self.final_result(Ok(()));
            }
            Err(code) => self.final_result(Err(Fail::Cms(code))),
        }
        self.flush_held();
        let mut effects = Vec::new();
        while !self.sending {
            let Some(input) = self.deferred.pop_front() else {
                break;
            };
            self.handle(input, &mut effects);
        }
        effects
    }

    /// Stores a PDU (SMSC field + TPDU); returns its index or `None` when storage is full.
    pub(crate) fn store(&mut self, pdu: Vec<u8>, tpdu_len: usize, status: u8) -> Option<usize> {
        let index = self.storage.iter().position(Option::is_none)?;
        self.storage[index] = Some(Stored {
            status,
            pdu,
            tpdu_len,
        });
        Some(index)
    }

    fn storage_use(&self) -> (usize, usize) {
        let used = self.storage.iter().filter(|s| s.is_some()).count();
        (used, self.storage.len())
    }

    /// `+CMGL=stat`: every message with that status (4: all); unread ones become read.
    fn list(&mut self, a: &[String]) -> CommandResult {
        if !self.settings.pdu_mode {
            return Err(Fail::Cms(302));
        }
        let wanted = number_arg::<u8>(a, 0)?.unwrap_or(0);
        if wanted > 4 {
            return Err(Fail::Cms(302));
        }
        let mut lines = Vec::new();
        for (index, slot) in self.storage.iter_mut().enumerate() {
            let Some(stored) = slot else { continue };
            if wanted != 4 && stored.status != wanted {
                continue;
            }
            lines.push(format!(
                "+CMGL: {},{},,{}",
                index, stored.status, stored.tpdu_len
            ));
            lines.push(plutanium_sms::hex::encode(&stored.pdu));
            if stored.status == 0 {
                stored.status = 1;
            }
        }
        for line in lines {
            self.info(&line);
        }
        Ok(())
    }

    /// `+CMGR=index`: one message; an unread one becomes read.
    fn read(&mut self, a: &[String]) -> CommandResult {
        let index = number_arg::<usize>(a, 0)?.ok_or(Fail::Cms(321))?;
        let slot = self.storage.get_mut(index).ok_or(Fail::Cms(321))?;
        let Some(stored) = slot else {
            // An empty slot: real modems answer OK with no lines.
            return Ok(());
        };
        let header = if self.config.profile.cmgr_without_status() {
            format!("+CMGR: ,,{}", stored.tpdu_len)
        } else {
            format!("+CMGR: {},,{}", stored.status, stored.tpdu_len)
        };
        let pdu = plutanium_sms::hex::encode(&stored.pdu);
        if stored.status == 0 {
            stored.status = 1;
        }
        self.info(&header);
        self.info(&pdu);
        Ok(())
    }

    /// `+CMGD=index[,flag]`: one message, or (flag 1-4) every message of a kind.
    fn delete(&mut self, a: &[String]) -> CommandResult {
        let index = number_arg::<usize>(a, 0)?.ok_or(Fail::Cms(321))?;
        let flag = number_arg::<u8>(a, 1)?.unwrap_or(0);
        if index >= self.storage.len() {
            return Err(Fail::Cms(321));
        }
        match flag {
            0 => self.storage[index] = None,
            // Delete all read / read+sent / read+sent+unsent / all.
            1..=4 => {
                for slot in &mut self.storage {
                    let remove = slot.as_ref().is_some_and(|s| match flag {
                        1 => s.status == 1,
                        2 => s.status == 1 || s.status == 3,
                        3 => s.status != 0,
                        _ => true,
                    });
                    if remove {
                        *slot = None;
                    }
                }
            }
            _ => return Err(Fail::Cms(302)),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ModemConfig, talk};
    use super::*;

    #[test]
    fn send_takes_pdu_in_pieces_and_storage_really_deletes() {
        let mut m = Modem::new(ModemConfig::new("gsm0", "+420777000001"));
        talk(&mut m, "ATE0;+CMEE=1;+CMGF=0\r");
        let (out, _) = talk(&mut m, "AT+CMGS=22\r");
        assert_eq!(out, "\r\n> ");
        assert!(talk(&mut m, "0001000B916407281553F8").1.is_empty());
        let (_, effects) = talk(&mut m, "00000AE8329BFD4697D9EC37\x1a");
        assert!(matches!(&effects[..], [Effect::Submit { mr: 0, tpdu }] if tpdu.len() == 22));
        // Input while sending waits for the answer.
        assert!(talk(&mut m, "AT\r").0.is_empty());
        m.finish_send(Ok(0));
        let out: Vec<u8> = m.output.drain(..).collect();
        assert_eq!(
            String::from_utf8_lossy(&out),
            "\r\n+CMGS: 0\r\n\r\nOK\r\n\r\nOK\r\n"
        );
        // Wrong length is a CMS error.
        assert!(talk(&mut m, "AT+CMGS=5\r").0.contains("+CMS ERROR: 304"));
        assert_eq!(talk(&mut m, "AT+CMGS=8\r").0, "\r\n> ");
        assert!(talk(&mut m, "0011\x1a").0.contains("+CMS ERROR: 304"));
        // Storage.
        let index = m.store(vec![0, 1, 2], 2, 0).unwrap();
        assert!(
            talk(&mut m, "AT+CMGL=4\r")
                .0
                .contains(&format!("+CMGL: {index},0,,2"))
        );
        assert!(talk(&mut m, "AT+CMGR=0\r").0.contains("+CMGR: 1,,2"));
        talk(&mut m, "AT+CMGD=0\r");
        assert_eq!(talk(&mut m, "AT+CMGR=0\r").0, "\r\nOK\r\n");
        assert!(talk(&mut m, "AT+CMGR=99\r").0.contains("+CMS ERROR: 321"));
    }
}
