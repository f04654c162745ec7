//! What the modem writes to its host: information lines, the final result
//! code of a command line, and URCs, which wait while a send is in progress.

use super::Modem;

/// How a command failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fail {
    Error,
    Cme(u16),
    Cms(u16),
}

/// The result of one command: a failure ends the command line.
pub(super) type CommandResult = Result<(), Fail>;

/// The `+CMEE=2` text of a `+CME ERROR` code.
fn cme_text(code: u16) -> &'static str {
    match code {
        3 => "operation not allowed",
        4 => "operation not supported",
        10 => "SIM not inserted",
        11 => "SIM PIN required",
        12 => "SIM PUK required",
        13 => "SIM failure",
        14 => "SIM busy",
        16 => "incorrect password",
        21 => "invalid index",
        _ => "unknown",
    }
}

/// The `+CMEE=2` text of a `+CMS ERROR` code.
fn cms_text(code: u16) -> &'static str {
    match code {
        38 => "network out of order",
        302 => "operation not allowed",
        304 => "invalid PDU mode parameter",
        311 => "SIM PIN required",
        314 => "SIM busy",
        321 => "invalid memory index",
        322 => "memory full",
        330 => "SMSC address unknown",
        _ => "unknown error",
    }
}

impl Modem {
    pub(super) fn write(&mut self, bytes: &[u8]) {
        self.output.extend(bytes);
    }

    pub(super) fn info(&mut self, line: &str) {
        self.write(b"\r\n");
        self.write(line.as_bytes());
        self.write(b"\r\n");
    }

    /// Ends a command line: `OK`, or its failure in the form `+CMEE` asks for.
    pub(super) fn final_result(&mut self, result: CommandResult) {
        match result {
            Ok(()) => self.write(b"\r\nOK\r\n"),
            Err(Fail::Error) => self.write(b"\r\nERROR\r\n"),
            Err(Fail::Cme(code)) => match self.settings.cmee {
                0 => self.write(b"\r\nERROR\r\n"),
                1 => self.info(&format!("+CME ERROR: {code}")),
                _ => self.info(&format!("+CME ERROR: {}", cme_text(code))),
            },
            Err(Fail::Cms(code)) => match self.settings.cmee {
                0 => self.write(b"\r\nERROR\r\n"),
                1 => self.info(&format!("+CMS ERROR: {code}")),
                _ => self.info(&format!("+CMS ERROR: {}", cms_text(code))),
            },
        }
        self.answered();
    }

    /// Writes a URC now, or holds it until the send in progress is answered.
    pub(crate) fn urc(&mut self, text: &str) {
        let bytes = format!("\r\n{text}\r\n");
        if (self.sending || self.pending_send_len.is_some()) && !self.interleave_urcs {
            self.held_urcs.extend_from_slice(bytes.as_bytes());
        } else {
            self.write(bytes.as_bytes());
        }
    }

    /// Writes the URCs held back during a send.
    pub(super) fn flush_held(&mut self) {
        let held = std::mem::take(&mut self.held_urcs);
        self.write(&held);
    }
}
