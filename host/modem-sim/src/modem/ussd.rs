//! USSD on the modem's side: `+CUSD` starts a session; the network's answer
//! comes later as a `+CUSD` URC.

use super::dispatch::GroupResult;
use super::output::Fail;
use super::syntax::{Form, args};
use super::{Effect, Modem};
use crate::profile::UssdAnswer;

impl Modem {
    /// The network's answer to a USSD request, as the make writes it.
    pub(crate) fn answer_ussd(&mut self, answer: &str) {
        let line = match self.config.profile.spec().ussd_answer {
            UssdAnswer::Text => format!("+CUSD: 0,\"{answer}\",15"),
            UssdAnswer::Ucs2 { dcs } => {
                // dcs 17 (0x11) puts the language ("en", two GSM 7-bit
                // characters in two octets) before the UCS-2 text.
                let language = if dcs == 0x11 { "656E" } else { "" };
                let hex: String = answer.encode_utf16().map(|u| format!("{u:04X}")).collect();
                format!("+CUSD: 0,\"{language}{hex}\",{dcs}")
            }
        };
        self.urc(&line);
    }

    pub(super) fn ussd_command(
        &mut self,
        name: &str,
        form: Form<'_>,
        effects: &mut Vec<Effect>,
    ) -> GroupResult {
        match (name, form) {
            ("+CUSD", Form::Query) => self.info("+CUSD: 1"),
            ("+CUSD", Form::Set(a)) => {
                let a = args(a);
                // `+CUSD=1` alone only enables result codes; a code starts a session.
                if let Some(code) = a.get(1).filter(|c| !c.is_empty()) {
                    self.require_sim("+CUSD")?;
                    if !self.ussd_text {
                        // Huawei in its default ^USSDMODE=1 wants packed
                        // GSM 7-bit hex, and refuses text.
                        return Err(Fail::Error);
                    }
                    effects.push(Effect::Ussd { code: code.clone() });
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
