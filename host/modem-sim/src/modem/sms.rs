//! SMS on the modem's side, PDU mode only: the settings (`+CMGF`, `+CNMI`,
//! `+CSMS`, `+CSCA`, `+CMMS`), sending (`+CMGS`, the prompt, the PDU, the
//! network's answer), acknowledging a direct delivery (`+CNMA`) and SIM
//! storage (`+CPMS`, `+CMGL`, `+CMGR`, `+CMGD`), which really deletes.

use super::dispatch::GroupResult;
use super::output::{CommandResult, Fail};
use super::syntax::{Form, args, number_arg};
use super::{Effect, Modem};
use crate::profile::CmgrHeader;

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
            ("+CPMS", Form::Test) => {
                if let Some(answer) = self.config.profile.spec().cpms_test {
                    self.info(answer);
                }
            }
            ("+CPMS", Form::Query) => {
                let fields: Vec<String> = (0..3)
                    .map(|which| {
                        let (used, total) = self.storage.usage(which);
                        format!("\"{}\",{used},{total}", self.storage.selected_name(which))
                    })
                    .collect();
                self.info(&format!("+CPMS: {}", fields.join(",")));
            }
            ("+CPMS", Form::Set(a)) => self.select_storage(&args(a))?,
            ("+CNMI", Form::Test) => match self.config.profile.spec().cnmi_test {
                Some(answer) => self.info(answer),
                None => return Err(Fail::Error),
            },
            ("+CNMI", Form::Query) => {
                let [m, mt, bm, ds, bfr] = self.settings.cnmi;
                self.info(&format!("+CNMI: {m},{mt},{bm},{ds},{bfr}"));
            }
            ("+CNMI", Form::Set(a)) => self.set_indications(&args(a))?,
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
                    // The fault: the modem waits for the PDU, but its
                    // prompt never reaches the host. Only an ESC ends the
                    // wait; without one, the host's next command would be
                    // taken for the PDU.
                    self.swallow_sends -= 1;
                    self.pending_send_len = Some(len);
                    self.reader.expect_pdu();
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

    /// `+CPMS=mem1[,mem2[,mem3]]`: as many memories as the make takes, each
    /// one it offers in that place; the answer has used/total pairs.
    fn select_storage(&mut self, memories: &[String]) -> CommandResult {
        let spec = self.config.profile.spec();
        if !spec.cpms_arities.contains(&memories.len())
            || self.cpms_at_most.is_some_and(|most| memories.len() > most)
        {
            // As the firmware answers a form it does not know.
            return Err(Fail::Error);
        }
        for (i, memory) in memories.iter().enumerate() {
            let offered = spec
                .cpms_groups
                .get(i)
                .is_some_and(|g| g.contains(&memory.as_str()));
            if !memory.is_empty() && !offered {
                return Err(Fail::Cms(302));
            }
        }
        self.storage.select(memories);
        let pairs: Vec<String> = (0..spec.cpms_answer_pairs.unwrap_or(memories.len()).min(3))
            .map(|which| {
                let (used, total) = self.storage.usage(which);
                format!("{used},{total}")
            })
            .collect();
        self.info(&format!("+CPMS: {}", pairs.join(",")));
        Ok(())
    }

    /// `+CNMI=...`: each value given must be one `+CNMI=?` offers.
    fn set_indications(&mut self, a: &[String]) -> CommandResult {
        let spec = self.config.profile.spec();
        let Some(allowed) = spec.cnmi_allowed() else {
            return Err(Fail::Error);
        };
        let mut cnmi = self.settings.cnmi;
        for (i, slot) in cnmi.iter_mut().enumerate() {
            if let Some(v) = number_arg::<u8>(a, i)? {
                if !allowed.get(i).is_some_and(|values| values.contains(&v)) {
                    return Err(Fail::Cms(spec.cnmi_refusal));
                }
                *slot = v;
            }
        }
        self.settings.cnmi = cnmi;
        Ok(())
    }

    /// `+CMGL=stat`: every message in the read memory with that status (4:
    /// all); unread ones become read.
    fn list(&mut self, a: &[String]) -> CommandResult {
        if !self.settings.pdu_mode || !self.config.profile.spec().reads_storage {
            return Err(Fail::Cms(302));
        }
        let wanted = number_arg::<u8>(a, 0)?.unwrap_or(0);
        if wanted > 4 {
            return Err(Fail::Cms(302));
        }
        let mut lines = Vec::new();
        for (index, slot) in self.storage.slots() {
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

    /// `+CMGR=index`: one message of the read memory; an unread one becomes read.
    fn read(&mut self, a: &[String]) -> CommandResult {
        let spec = self.config.profile.spec();
        if !spec.reads_storage {
            return Err(Fail::Cms(302));
        }
        let index = number_arg::<usize>(a, 0)?.ok_or(Fail::Cms(321))?;
        let slot = self.storage.slot(index).ok_or(Fail::Cms(321))?;
        let Some(stored) = slot else {
            // An empty slot: real modems answer OK with no lines.
            return Ok(());
        };
        let header = match spec.cmgr {
            CmgrHeader::Standard => format!("+CMGR: {},,{}", stored.status, stored.tpdu_len),
            CmgrHeader::WithoutStatus => format!("+CMGR: ,,{}", stored.tpdu_len),
            CmgrHeader::EmptyAlpha => format!("+CMGR: {},\"\",{}", stored.status, stored.tpdu_len),
        };
        let pdu = plutanium_sms::hex::encode(&stored.pdu);
        if stored.status == 0 {
            stored.status = 1;
        }
        self.info(&header);
        self.info(&pdu);
        Ok(())
    }

    /// `+CMGD=index[,flag]`: one message of the read memory, or (flag 1-4)
    /// every message of a kind in it.
    fn delete(&mut self, a: &[String]) -> CommandResult {
        let index = number_arg::<usize>(a, 0)?.ok_or(Fail::Cms(321))?;
        let flag = number_arg::<u8>(a, 1)?.unwrap_or(0);
        match flag {
            0 => *self.storage.slot(index).ok_or(Fail::Cms(321))? = None,
            // Delete all read / read+sent / read+sent+unsent / all.
            1..=4 => {
                for (_, slot) in self.storage.slots() {
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
        let (_, index) = m.store_received(vec![0, 1, 2], 2).unwrap();
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
