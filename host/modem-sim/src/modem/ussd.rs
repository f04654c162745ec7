//! USSD on the modem's side: `+CUSD` starts a session; the network's answer
//! comes later as a `+CUSD` URC.

use super::dispatch::GroupResult;
use super::output::Fail;
use super::syntax::{Form, args};
use super::{Effect, Modem};

impl Modem {
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
