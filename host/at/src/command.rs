//! AT commands: the text to write, how long it may take, and what its answer looks like.

use std::time::Duration;

/// How long a command may take, by kind. The driver picks the timeout from this.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CommandClass {
    /// Answered by the modem itself at once: `AT`, `ATE0`, `+CSQ`, identity queries.
    Quick,
    /// Touches the SIM: `+CPIN`, `+CPMS`, `+CMGR`, `+CMGD`, `+CMGL`, `+CSCA`.
    Sim,
    /// Goes through the network and the SMSC: `+CMGS`.
    Send,
    /// Waits for the network: `+COPS`, `+CUSD`, call control.
    Network,
}

impl CommandClass {
    /// A sensible default timeout for the class (real modems: 27.005 allows +CMGS up to minutes).
    pub fn default_timeout(self) -> Duration {
        match self {
            CommandClass::Quick => Duration::from_secs(5),
            CommandClass::Sim => Duration::from_secs(20),
            CommandClass::Send => Duration::from_secs(90),
            CommandClass::Network => Duration::from_secs(60),
        }
    }
}

/// One AT command line.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Command {
    /// The command without its line end, e.g. `AT+CMGS=23`.
    pub text: String,
    /// Its timeout class.
    pub class: CommandClass,
    /// Lines starting with this prefix belong to the answer even where the same
    /// prefix is also a URC (for example `+CREG:` for `AT+CREG?`).
    pub response_prefix: Option<&'static str>,
    /// The modem answers with the `> ` prompt first and then waits for a PDU.
    pub expects_prompt: bool,
}

impl Command {
    /// A command with no special answer.
    pub fn new(text: impl Into<String>, class: CommandClass) -> Self {
        Command {
            text: text.into(),
            class,
            response_prefix: None,
            expects_prompt: false,
        }
    }

    fn with_prefix(mut self, prefix: &'static str) -> Self {
        self.response_prefix = Some(prefix);
        self
    }

    /// The bytes to write: the text and a carriage return.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.text.len() + 1);
        bytes.extend_from_slice(self.text.as_bytes());
        bytes.push(b'\r');
        bytes
    }
}

/// The bytes to write after the `> ` prompt: the PDU hex and Ctrl-Z, in one write.
pub fn pdu_payload(pdu_hex: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(pdu_hex.len() + 1);
    bytes.extend_from_slice(pdu_hex.as_bytes());
    bytes.push(0x1A);
    bytes
}

/// The byte that cancels a pending `> ` prompt (ESC).
pub const CANCEL_PROMPT: u8 = 0x1B;

/// `AT`: is anybody there?
pub fn at() -> Command {
    Command::new("AT", CommandClass::Quick)
}

/// `ATE0` / `ATE1`: echo off or on.
pub fn echo(on: bool) -> Command {
    Command::new(if on { "ATE1" } else { "ATE0" }, CommandClass::Quick)
}

/// `AT+CMEE=n`: 1 for numeric `+CME`/`+CMS` errors, 2 for verbose.
pub fn report_errors(mode: u8) -> Command {
    Command::new(format!("AT+CMEE={mode}"), CommandClass::Quick)
}

/// `AT+CPIN?`: is a PIN needed?
pub fn pin_status() -> Command {
    Command::new("AT+CPIN?", CommandClass::Sim).with_prefix("+CPIN:")
}

/// A command argument that would be unsafe or wrong to send.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidArgument {
    /// A PIN or PUK that is not 4 to 8 digits. It is never sent: a wrong PIN
    /// counts against the SIM's tries.
    #[error("a PIN must be 4 to 8 digits and a PUK 8 digits")]
    Pin,
    /// A USSD code that is empty, longer than 182 characters, or has
    /// characters other than digits, `*`, `#` and `+`.
    #[error(
        "the USSD code \"{}\" cannot be sent: write 1 to 182 digits, '*', '#' and '+', such as *100#",
        .0.escape_debug()
    )]
    Ussd(String),
}

fn is_pin(text: &str) -> bool {
    (4..=8).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// `AT+CPIN="pin"`, or `AT+CPIN="puk","new pin"`.
pub fn enter_pin(pin: &str, new_pin: Option<&str>) -> Result<Command, InvalidArgument> {
    if !is_pin(pin) || new_pin.is_some_and(|p| !is_pin(p)) {
        return Err(InvalidArgument::Pin);
    }
    let text = match new_pin {
        Some(new_pin) => format!("AT+CPIN=\"{pin}\",\"{new_pin}\""),
        None => format!("AT+CPIN=\"{pin}\""),
    };
    Ok(Command::new(text, CommandClass::Sim))
}

/// `AT+CMGF=0`: PDU mode (1 would be text mode).
pub fn pdu_mode() -> Command {
    Command::new("AT+CMGF=0", CommandClass::Quick)
}

/// `AT+CPMS?`: message storage in use.
pub fn storage_status() -> Command {
    Command::new("AT+CPMS?", CommandClass::Sim).with_prefix("+CPMS:")
}

/// `AT+CPMS=?`: storages the modem supports.
pub fn storage_support() -> Command {
    Command::new("AT+CPMS=?", CommandClass::Sim).with_prefix("+CPMS:")
}

/// `AT+CPMS="read","write","receive"`.
pub fn select_storage(read: &str, write: &str, receive: &str) -> Command {
    select_storages(&[read, write, receive])
}

/// `AT+CPMS="mem1"[,"mem2"[,"mem3"]]`: the storages for reading, writing
/// and receiving, as many as given; a modem that lists fewer than three in
/// `AT+CPMS=?` takes fewer.
pub fn select_storages<S: AsRef<str>>(memories: &[S]) -> Command {
    let quoted: Vec<String> = memories
        .iter()
        .map(|m| format!("\"{}\"", m.as_ref()))
        .collect();
    Command::new(format!("AT+CPMS={}", quoted.join(",")), CommandClass::Sim).with_prefix("+CPMS:")
}

/// `AT+CNMI=?`: the new-message indication settings the modem supports.
pub fn indication_support() -> Command {
    Command::new("AT+CNMI=?", CommandClass::Quick).with_prefix("+CNMI:")
}

/// `AT+CNMI=mode,mt,bm,ds,bfr`.
pub fn set_indications(settings: [u8; 5]) -> Command {
    let [mode, mt, bm, ds, bfr] = settings;
    Command::new(
        format!("AT+CNMI={mode},{mt},{bm},{ds},{bfr}"),
        CommandClass::Quick,
    )
}

/// `AT+CLIP=1`: caller id on incoming calls.
pub fn caller_id(on: bool) -> Command {
    Command::new(format!("AT+CLIP={}", u8::from(on)), CommandClass::Quick)
}

/// `AT+CMGL=4`: list every stored message (PDU mode, status "all").
pub fn list_all_messages() -> Command {
    Command::new("AT+CMGL=4", CommandClass::Sim).with_prefix("+CMGL:")
}

/// `AT+CMGR=index`: read one stored message.
pub fn read_message(index: u32) -> Command {
    Command::new(format!("AT+CMGR={index}"), CommandClass::Sim).with_prefix("+CMGR:")
}

/// `AT+CMGD=index`: delete one stored message.
pub fn delete_message(index: u32) -> Command {
    Command::new(format!("AT+CMGD={index}"), CommandClass::Sim)
}

/// `AT+CMGS=tpdu_len`: send a PDU (the prompt follows).
pub fn send_message(tpdu_len: usize) -> Command {
    Command {
        expects_prompt: true,
        ..Command::new(format!("AT+CMGS={tpdu_len}"), CommandClass::Send).with_prefix("+CMGS:")
    }
}

/// `AT+CNMA`: acknowledge a `+CMT`/`+CDS` delivered directly (needed when `+CSMS=1`).
pub fn acknowledge_message() -> Command {
    Command::new("AT+CNMA", CommandClass::Quick)
}

/// `AT+CSCA?`: the SMSC address stored in the SIM.
pub fn smsc_query() -> Command {
    Command::new("AT+CSCA?", CommandClass::Sim).with_prefix("+CSCA:")
}

/// `AT+CSQ`: signal quality.
pub fn signal_quality() -> Command {
    Command::new("AT+CSQ", CommandClass::Quick).with_prefix("+CSQ:")
}

/// `AT+CESQ`: extended signal quality (LTE's RSRP and RSRQ).
pub fn extended_signal_quality() -> Command {
    Command::new("AT+CESQ", CommandClass::Quick).with_prefix("+CESQ:")
}

/// `AT+CREG?`: circuit-switched registration.
pub fn registration() -> Command {
    Command::new("AT+CREG?", CommandClass::Quick).with_prefix("+CREG:")
}

/// `AT+COPS?`: current operator.
pub fn operator() -> Command {
    Command::new("AT+COPS?", CommandClass::Network).with_prefix("+COPS:")
}

/// `AT+CGMI`, `AT+CGMM`, `AT+CGMR`, `AT+CGSN`, `AT+CIMI`: identity.
pub fn identity(query: IdentityQuery) -> Command {
    let (text, prefix) = match query {
        IdentityQuery::Manufacturer => ("AT+CGMI", "+CGMI:"),
        IdentityQuery::Model => ("AT+CGMM", "+CGMM:"),
        IdentityQuery::Revision => ("AT+CGMR", "+CGMR:"),
        IdentityQuery::Imei => ("AT+CGSN", "+CGSN:"),
        IdentityQuery::Imsi => ("AT+CIMI", "+CIMI:"),
    };
    Command::new(text, CommandClass::Quick).with_prefix(prefix)
}

/// What [`identity`] asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdentityQuery {
    /// `+CGMI`.
    Manufacturer,
    /// `+CGMM`.
    Model,
    /// `+CGMR`.
    Revision,
    /// `+CGSN`.
    Imei,
    /// `+CIMI`.
    Imsi,
}

/// `AT+CHUP`: hang up (3GPP). Older modems need [`hang_up_legacy`].
pub fn hang_up() -> Command {
    Command::new("AT+CHUP", CommandClass::Network)
}

/// `ATH`: hang up (V.250).
pub fn hang_up_legacy() -> Command {
    Command::new("ATH", CommandClass::Network)
}

/// `AT+CUSD=1,"code",15`: send a USSD request; the answer comes as a `+CUSD` URC.
pub fn ussd(code: &str) -> Result<Command, InvalidArgument> {
    let valid = !code.is_empty()
        && code.len() <= 182
        && code
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'*' | b'#' | b'+'));
    if !valid {
        return Err(InvalidArgument::Ussd(code.to_string()));
    }
    Ok(Command::new(
        format!("AT+CUSD=1,\"{code}\",15"),
        CommandClass::Network,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_bytes() {
        assert_eq!(send_message(23).to_bytes(), b"AT+CMGS=23\r");
        assert!(send_message(23).expects_prompt);
        assert_eq!(pdu_payload("0011"), b"0011\x1a");
        assert_eq!(set_indications([2, 1, 0, 2, 0]).text, "AT+CNMI=2,1,0,2,0");
        assert_eq!(enter_pin("1234", None).unwrap().text, "AT+CPIN=\"1234\"");
        assert_eq!(
            enter_pin("12345678", Some("1234")).unwrap().text,
            "AT+CPIN=\"12345678\",\"1234\""
        );
        assert_eq!(enter_pin("12\"4", None), Err(InvalidArgument::Pin));
        assert_eq!(enter_pin("123", None), Err(InvalidArgument::Pin));
        assert_eq!(ussd("*100#").unwrap().text, "AT+CUSD=1,\"*100#\",15");
        assert!(ussd("*100#\";ATD123").is_err());
        assert_eq!(
            ussd("*100#\r").unwrap_err().to_string(),
            "the USSD code \"*100#\\r\" cannot be sent: write 1 to 182 digits, '*', '#' and '+', such as *100#"
        );
        assert_eq!(registration().response_prefix, Some("+CREG:"));
    }
}
