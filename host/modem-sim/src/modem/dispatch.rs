//! Running a command line: echo, command by command until one fails, then
//! one final result. The basic commands (`E0`, `Z`, `&F` ...) and the general
//! settings (`+CMEE`, `+CSCS`) are here; every other extended command belongs
//! to a group in a module of its own, and a command no group knows is `ERROR`.

use super::output::{CommandResult, Fail};
use super::syntax::{Form, args, number_arg, parse_extended, split_commands};
use super::{Effect, Modem, Settings};

/// What a group of commands made of one: `Ok(true)` it ran it, `Ok(false)` it
/// does not know it (the next group is asked), `Err` it ran it and it failed.
pub(super) type GroupResult = Result<bool, Fail>;

impl Modem {
    /// One line from the host.
    pub(super) fn line(&mut self, line: &str, effects: &mut Vec<Effect>) {
        if self.settings.echo {
            self.write(line.as_bytes());
            self.write(b"\r");
        }
        let upper = line.to_ascii_uppercase();
        let Some(body) = upper.strip_prefix("AT").map(|_| &line[2..]) else {
            // Not a command: modems ignore it (or answer ERROR); we answer ERROR.
            self.final_result(Err(Fail::Error));
            return;
        };
        let commands = match split_commands(body) {
            Ok(c) => c,
            Err(f) => {
                self.final_result(Err(f));
                return;
            }
        };
        let mut result = Ok(());
        for command in commands {
            result = self.command(&command, effects);
            if result.is_err() || self.pending_send_len.is_some() {
                break;
            }
        }
        // A send answers later: with the prompt now, with +CMGS after the PDU.
        let unanswered = std::mem::take(&mut self.no_final_result) && result.is_ok();
        if self.pending_send_len.is_none() && !unanswered {
            self.final_result(result);
        }
    }

    fn command(&mut self, command: &str, effects: &mut Vec<Effect>) -> CommandResult {
        let upper = command.to_ascii_uppercase();
        match upper.as_str() {
            "" => return Ok(()),
            "E0" => {
                self.settings.echo = false;
                return Ok(());
            }
            "E1" | "E" => {
                self.settings.echo = true;
                return Ok(());
            }
            "V1" | "Q0" | "&W" | "X4" => return Ok(()),
            "Z" | "&F" => {
                let echo = self.settings.echo;
                self.settings = Settings {
                    echo,
                    ..Settings::default()
                };
                return Ok(());
            }
            "I" => {
                self.identify();
                return Ok(());
            }
            "H" | "H0" => {
                self.hang_up(effects);
                return Ok(());
            }
            _ => {}
        }
        if let Some(vendor) = upper.strip_prefix('^') {
            return self.vendor_command(vendor);
        }
        if !command.starts_with('+') {
            return Err(Fail::Error);
        }
        let (name, form) = parse_extended(command);
        self.check_sim(&name)?;
        if self.sms_data_not_ready(&name, form)? {
            return Ok(());
        }
        self.refused_by_fault(&name, form)?;
        let name = name.as_str();
        // No command belongs to two groups: the order only decides who is asked first.
        let known = self.settings_command(name, form)?
            || self.sms_command(name, form, effects)?
            || self.sim_command(name, form)?
            || self.status_command(name, form)?
            || self.call_command(name, form, effects)?
            || self.ussd_command(name, form, effects)?;
        if known { Ok(()) } else { Err(Fail::Error) }
    }

    /// `+CMEE` (how errors are reported) and `+CSCS` (the character set).
    fn settings_command(&mut self, name: &str, form: Form<'_>) -> GroupResult {
        match (name, form) {
            ("+CMEE", Form::Set(a)) => {
                let mode = number_arg::<u8>(&args(a), 0)?.unwrap_or(0);
                if mode > 2 {
                    return Err(Fail::Error);
                }
                self.settings.cmee = mode;
            }
            ("+CMEE", Form::Query) => self.info(&format!("+CMEE: {}", self.settings.cmee)),
            ("+CMEE", Form::Test) => self.info("+CMEE: (0-2)"),
            ("+CSCS", Form::Query) => self.info(&format!("+CSCS: \"{}\"", self.settings.cscs)),
            ("+CSCS", Form::Test) => self.info("+CSCS: (\"GSM\",\"UCS2\",\"IRA\")"),
            ("+CSCS", Form::Set(a)) => {
                let cs = args(a).into_iter().next().unwrap_or_default();
                if !["GSM", "UCS2", "IRA"].contains(&cs.as_str()) {
                    return Err(Fail::Error);
                }
                self.settings.cscs = cs;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ModemConfig, talk};
    use super::*;

    #[test]
    fn echo_compound_and_unknown() {
        let mut m = Modem::new(ModemConfig::new("gsm0", "+420777000001"));
        let (out, _) = talk(&mut m, "AT\r");
        assert_eq!(out, "AT\r\r\nOK\r\n");
        let (out, _) = talk(&mut m, "ATE0\r");
        assert_eq!(out, "ATE0\r\r\nOK\r\n");
        let (out, _) = talk(&mut m, "AT+CMEE=1;+CREG=2\r");
        assert_eq!(out, "\r\nOK\r\n");
        let (out, _) = talk(&mut m, "AT+CREG?\r");
        assert!(out.contains("+CREG: 2,1,\"00C3\""), "{out}");
        let (out, _) = talk(&mut m, "AT+MODE=2\r");
        assert_eq!(out, "\r\nERROR\r\n");
        let (out, _) = talk(&mut m, "AT^CURC=0\r");
        assert_eq!(out, "\r\nERROR\r\n", "only Huawei knows ^CURC");
    }
}
