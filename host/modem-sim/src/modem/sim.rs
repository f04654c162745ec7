//! The SIM: its PIN and PUK lock, `+CPIN`, and which commands need it ready
//! (or answer "SIM busy" while the SIM-busy fault lasts).

use super::Modem;
use super::dispatch::GroupResult;
use super::output::{CommandResult, Fail};
use super::syntax::{Form, args};

/// Where the SIM's lock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sim {
    Ready,
    NeedPin { tries_left: u8 },
    NeedPuk { tries_left: u8 },
    Blocked,
}

/// The commands that read or write the SIM.
const SIM_COMMANDS: &[&str] = &[
    "+CMGL", "+CMGR", "+CMGD", "+CMGS", "+CPMS", "+CSCA", "+CIMI", "+CMGW",
];

impl Modem {
    /// Before an extended command runs: a SIM command fails while the SIM
    /// is busy (the fault) or locked.
    pub(super) fn check_sim(&mut self, name: &str) -> CommandResult {
        if SIM_COMMANDS.contains(&name) {
            if self.sim_busy > 0 {
                self.sim_busy -= 1;
                return Err(if name.starts_with("+CMG") {
                    Fail::Cms(314)
                } else {
                    Fail::Cme(14)
                });
            }
            self.require_sim(name)?;
        }
        Ok(())
    }

    /// The [`Fault::SmsNotReady`](crate::Fault::SmsNotReady) fault: what
    /// needs the SIM's SMS data (the SMSC, the storages: `AT+CSCA?`,
    /// `AT+CPMS?`, choosing storages with `AT+CPMS=`) fails with "SIM busy"
    /// (`Err`), or a read answers nothing (`Ok(true)`: the command is done,
    /// with no line). `AT+CPMS=?` lists what the firmware offers and needs
    /// no SIM.
    pub(super) fn sms_data_not_ready(&mut self, name: &str, form: Form<'_>) -> Result<bool, Fail> {
        let read = matches!(
            (name, form),
            ("+CSCA", Form::Query) | ("+CPMS", Form::Query)
        );
        let needs_sim = read || matches!((name, form), ("+CPMS", Form::Set(_)));
        if needs_sim && self.busy_after_power_on > 0 {
            // The profile's SIM that takes seconds to start.
            self.busy_after_power_on -= 1;
            return Err(Fail::Cme(14));
        }
        let Some((count, empty)) = self
            .sms_not_ready
            .filter(|&(_, empty)| if empty { read } else { needs_sim })
        else {
            return Ok(false);
        };
        self.sms_not_ready = (count > 1).then_some((count - 1, empty));
        if empty { Ok(true) } else { Err(Fail::Cme(14)) }
    }

    /// The [`Fault::NoIndications`](crate::Fault::NoIndications) and
    /// [`Fault::UnreadableStorage`](crate::Fault::UnreadableStorage) faults.
    pub(super) fn refused_by_fault(&self, name: &str, form: Form<'_>) -> Result<(), Fail> {
        match (name, form) {
            ("+CNMI", Form::Set(_)) if self.no_indications => Err(Fail::Error),
            ("+CMGL" | "+CMGR", _) if self.unreadable_storage => Err(Fail::Cms(302)),
            _ => Ok(()),
        }
    }

    /// Fails unless the SIM is unlocked: with a CMS error for an SMS command,
    /// a CME error otherwise.
    pub(super) fn require_sim(&self, command: &str) -> CommandResult {
        let sms = command.starts_with("+CMG") || command.starts_with("+CPMS");
        match self.sim {
            Sim::Ready => Ok(()),
            Sim::NeedPin { .. } if sms => Err(Fail::Cms(311)),
            Sim::NeedPin { .. } => Err(Fail::Cme(11)),
            Sim::NeedPuk { .. } | Sim::Blocked if sms => Err(Fail::Cms(316)),
            Sim::NeedPuk { .. } | Sim::Blocked => Err(Fail::Cme(12)),
        }
    }

    /// `+CPIN`: the lock's state, and entering the PIN (or the PUK and a new PIN).
    pub(super) fn sim_command(&mut self, name: &str, form: Form<'_>) -> GroupResult {
        match (name, form) {
            ("+CPIN", Form::Query) => {
                let state = match self.sim {
                    Sim::Ready => "READY",
                    Sim::NeedPin { .. } => "SIM PIN",
                    Sim::NeedPuk { .. } | Sim::Blocked => "SIM PUK",
                };
                self.info(&format!("+CPIN: {state}"));
                // Some firmware ends here: the information line, no OK.
                self.no_final_result = self.config.profile.spec().cpin_without_ok;
            }
            ("+CPIN", Form::Set(a)) => self.enter_pin(&args(a))?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Three wrong PINs ask for the PUK; ten wrong PUKs block the SIM.
    fn enter_pin(&mut self, a: &[String]) -> CommandResult {
        let given = a.first().cloned().unwrap_or_default();
        match self.sim {
            Sim::Ready => Err(Fail::Cme(3)),
            Sim::Blocked => Err(Fail::Cme(13)),
            Sim::NeedPin { tries_left } => {
                if Some(&given) == self.config.pin.as_ref() {
                    self.sim = Sim::Ready;
                    Ok(())
                } else {
                    self.sim = if tries_left <= 1 {
                        Sim::NeedPuk { tries_left: 10 }
                    } else {
                        Sim::NeedPin {
                            tries_left: tries_left - 1,
                        }
                    };
                    Err(Fail::Cme(16))
                }
            }
            Sim::NeedPuk { tries_left } => {
                let new_pin = a.get(1).cloned().unwrap_or_default();
                if given == self.config.puk && !new_pin.is_empty() {
                    self.config.pin = Some(new_pin);
                    self.sim = Sim::Ready;
                    Ok(())
                } else {
                    self.sim = if tries_left <= 1 {
                        Sim::Blocked
                    } else {
                        Sim::NeedPuk {
                            tries_left: tries_left - 1,
                        }
                    };
                    Err(Fail::Cme(16))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ModemConfig, talk};
    use super::*;

    #[test]
    fn pin_flow_and_lockout() {
        let mut config = ModemConfig::new("gsm0", "+420777000001");
        config.pin = Some("1234".into());
        let mut m = Modem::new(config);
        talk(&mut m, "ATE0;+CMEE=1\r");
        assert!(talk(&mut m, "AT+CPIN?\r").0.contains("+CPIN: SIM PIN"));
        assert!(talk(&mut m, "AT+CMGL=4\r").0.contains("+CMS ERROR: 311"));
        assert!(
            talk(&mut m, "AT+CPIN=\"0000\"\r")
                .0
                .contains("+CME ERROR: 16")
        );
        assert!(talk(&mut m, "AT+CPIN=\"1234\"\r").0.contains("OK"));
        assert!(talk(&mut m, "AT+CPIN?\r").0.contains("READY"));
        // Three wrong PINs lock to PUK.
        m.power_on();
        talk(&mut m, "ATE0;+CMEE=1\r");
        for _ in 0..3 {
            talk(&mut m, "AT+CPIN=\"9999\"\r");
        }
        assert!(talk(&mut m, "AT+CPIN?\r").0.contains("SIM PUK"));
        assert!(
            talk(&mut m, "AT+CPIN=\"12345678\",\"4321\"\r")
                .0
                .contains("OK")
        );
    }
}
