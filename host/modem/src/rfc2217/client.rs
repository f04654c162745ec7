//! The client half of RFC 2217 (telnet COM-PORT-OPTION), sans IO: received
//! bytes in, data bytes and queued replies out.
//!
//! [`ClientSession`] negotiates options (an RFC 1143 "Q method" without the
//! queue bits — we never ask to disable an option, so never need them), sends
//! the COM-PORT-OPTION line settings and records the server's
//! acknowledgements. It owns the single outgoing byte queue: encoded user data
//! and protocol replies are appended to it in the order they arise, so a reply
//! can neither be lost nor be reordered with data, and never lands inside an
//! escape sequence.

use crate::line::{FlowControl, LineSettings, Parity};
use crate::rfc2217::telnet::{
    OPT_BINARY, OPT_COM_PORT, OPT_SGA, TelnetCodec, TelnetEvent, Verb, encode_data,
    encode_negotiation, encode_subnegotiation,
};

/// COM-PORT-OPTION client command: SET-BAUDRATE (4-byte big-endian value).
pub(crate) const SET_BAUDRATE: u8 = 1;
/// COM-PORT-OPTION client command: SET-DATASIZE.
pub(crate) const SET_DATASIZE: u8 = 2;
/// COM-PORT-OPTION client command: SET-PARITY.
pub(crate) const SET_PARITY: u8 = 3;
/// COM-PORT-OPTION client command: SET-STOPSIZE.
pub(crate) const SET_STOPSIZE: u8 = 4;
/// COM-PORT-OPTION client command: SET-CONTROL.
pub(crate) const SET_CONTROL: u8 = 5;
/// Server commands are the client command plus this.
pub(crate) const SERVER_OFFSET: u8 = 100;
/// COM-PORT-OPTION server command: NOTIFY-LINESTATE.
pub(crate) const NOTIFY_LINESTATE: u8 = 106;
/// COM-PORT-OPTION server command: NOTIFY-MODEMSTATE.
pub(crate) const NOTIFY_MODEMSTATE: u8 = 107;

/// SET-CONTROL value: no flow control.
pub(crate) const CONTROL_FLOW_NONE: u8 = 1;
/// SET-CONTROL value: XON/XOFF flow control.
pub(crate) const CONTROL_FLOW_XON_XOFF: u8 = 2;
/// SET-CONTROL value: RTS/CTS flow control.
pub(crate) const CONTROL_FLOW_HARDWARE: u8 = 3;
/// SET-CONTROL value: DTR on.
pub(crate) const CONTROL_DTR_ON: u8 = 8;
/// SET-CONTROL value: RTS on.
pub(crate) const CONTROL_RTS_ON: u8 = 11;

/// One side of one option (RFC 1143 without `WANTNO` and the queue bits: we
/// only ever ask to enable options).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum OptionState {
    /// Disabled.
    #[default]
    No,
    /// Enabled.
    Yes,
    /// We asked to enable it and await the answer.
    WantYes,
}

impl OptionState {
    /// Applies a received enable (`WILL`/`DO`) or disable (`WONT`/`DONT`)
    /// for a supported option; returns the new state and whether to answer
    /// (`Some(true)` positively, `Some(false)` negatively).
    fn on_received(self, enable: bool) -> (OptionState, Option<bool>) {
        match (self, enable) {
            (OptionState::No, true) => (OptionState::Yes, Some(true)),
            (OptionState::Yes, false) => (OptionState::No, Some(false)),
            (OptionState::WantYes, true) | (OptionState::Yes, true) => (OptionState::Yes, None),
            (OptionState::WantYes, false) | (OptionState::No, false) => (OptionState::No, None),
        }
    }
}

/// Values the server acknowledged or reported over COM-PORT-OPTION.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ComPortReport {
    /// SET-BAUDRATE acknowledgement (101).
    pub(crate) baud: Option<u32>,
    /// SET-DATASIZE acknowledgement (102).
    pub(crate) data_size: Option<u8>,
    /// SET-PARITY acknowledgement (103).
    pub(crate) parity: Option<u8>,
    /// SET-STOPSIZE acknowledgement (104).
    pub(crate) stop_size: Option<u8>,
    /// Last SET-CONTROL acknowledgement (105).
    pub(crate) control: Option<u8>,
    /// Last NOTIFY-LINESTATE (106).
    pub(crate) line_state: Option<u8>,
    /// Last NOTIFY-MODEMSTATE (107).
    pub(crate) modem_state: Option<u8>,
}

/// The client half of an RFC 2217 connection, without IO.
#[derive(Debug)]
pub(crate) struct ClientSession {
    codec: TelnetCodec,
    settings: LineSettings,
    /// Our side (`WILL`) and the server's side (`DO`) of BINARY.
    local_binary: OptionState,
    remote_binary: OptionState,
    local_sga: OptionState,
    remote_sga: OptionState,
    /// Our side of COM-PORT-OPTION (we are the client; the server never has it).
    local_com_port: OptionState,
    settings_sent: bool,
    telnet_seen: bool,
    report: ComPortReport,
    /// Bytes to send, in order; `out_pos` of them are already sent.
    out: Vec<u8>,
    out_pos: usize,
    /// The last data byte received was CR (for CR NUL outside binary mode).
    after_cr: bool,
}

impl ClientSession {
    /// A session that will negotiate `settings`; call [`Self::start`] next.
    pub(crate) fn new(settings: LineSettings) -> Self {
        ClientSession {
            codec: TelnetCodec::new(),
            settings,
            local_binary: OptionState::No,
            remote_binary: OptionState::No,
            local_sga: OptionState::No,
            remote_sga: OptionState::No,
            local_com_port: OptionState::No,
            settings_sent: false,
            telnet_seen: false,
            report: ComPortReport::default(),
            out: Vec::new(),
            out_pos: 0,
            after_cr: false,
        }
    }

    /// Queues our option requests.
    pub(crate) fn start(&mut self) {
        for option in [OPT_BINARY, OPT_SGA, OPT_COM_PORT] {
            self.request(Verb::Will, option);
            if option != OPT_COM_PORT {
                self.request(Verb::Do, option);
            }
        }
    }

    fn request(&mut self, verb: Verb, option: u8) {
        let state = match verb {
            Verb::Will => self.local_mut(option),
            _ => self.remote_mut(option),
        };
        if let Some(state) = state
            && *state == OptionState::No
        {
            *state = OptionState::WantYes;
            self.push_out_negotiation(verb, option);
        }
    }

    fn local_mut(&mut self, option: u8) -> Option<&mut OptionState> {
        match option {
            OPT_BINARY => Some(&mut self.local_binary),
            OPT_SGA => Some(&mut self.local_sga),
            OPT_COM_PORT => Some(&mut self.local_com_port),
            _ => None,
        }
    }

    fn remote_mut(&mut self, option: u8) -> Option<&mut OptionState> {
        match option {
            OPT_BINARY => Some(&mut self.remote_binary),
            OPT_SGA => Some(&mut self.remote_sga),
            _ => None,
        }
    }

    /// Processes received bytes: data is appended to `data`, replies are queued.
    pub(crate) fn receive(&mut self, input: &[u8], data: &mut Vec<u8>) {
        let start = data.len();
        let mut events = Vec::new();
        self.codec.decode(input, data, &mut events);
        self.strip_cr_nul(data, start);
        for event in events {
            self.telnet_seen = true;
            match event {
                TelnetEvent::Negotiation(verb, option) => self.on_negotiation(verb, option),
                TelnetEvent::Subnegotiation { option, payload } => {
                    self.on_subnegotiation(option, &payload);
                }
                TelnetEvent::Command(command) => {
                    tracing::trace!(command, "telnet: command ignored");
                }
            }
        }
    }

    /// Outside binary mode a telnet sender turns a bare CR into CR NUL
    /// (RFC 854); undo that. Binary mode is what we ask for, so this only
    /// matters for servers that refuse it.
    fn strip_cr_nul(&mut self, data: &mut Vec<u8>, start: usize) {
        if self.remote_binary == OptionState::Yes {
            self.after_cr = false;
            return;
        }
        if start >= data.len() {
            return;
        }
        let received = data.split_off(start);
        for byte in received {
            if !(self.after_cr && byte == 0) {
                data.push(byte);
            }
            self.after_cr = byte == b'\r';
        }
    }

    fn on_negotiation(&mut self, verb: Verb, option: u8) {
        tracing::debug!(verb = verb.name(), option, "telnet: negotiation received");
        let enable = matches!(verb, Verb::Will | Verb::Do);
        // `WILL`/`WONT` concern the server's side of an option, answered with
        // `DO`/`DONT`; `DO`/`DONT` concern our side, answered with `WILL`/`WONT`.
        let (positive, negative) = match verb {
            Verb::Will | Verb::Wont => (Verb::Do, Verb::Dont),
            Verb::Do | Verb::Dont => (Verb::Will, Verb::Wont),
        };
        if verb == Verb::Wont
            && option == OPT_COM_PORT
            && self.local_com_port == OptionState::WantYes
        {
            // Some servers answer our `WILL COM-PORT-OPTION` with `WONT`
            // instead of `DONT`; either way it is a refusal.
            self.local_com_port = OptionState::No;
            return;
        }
        let state = match verb {
            Verb::Will | Verb::Wont => self.remote_mut(option),
            Verb::Do | Verb::Dont => self.local_mut(option),
        };
        let reply = match state {
            // Unsupported: refuse requests to enable it; it is already off.
            None => enable.then_some(negative),
            Some(state) => {
                let (next, answer) = state.on_received(enable);
                *state = next;
                answer.map(|yes| if yes { positive } else { negative })
            }
        };
        if let Some(reply) = reply {
            self.push_out_negotiation(reply, option);
        }
        if self.local_com_port == OptionState::Yes && !self.settings_sent {
            self.queue_settings();
        }
    }

    fn on_subnegotiation(&mut self, option: u8, payload: &[u8]) {
        if option != OPT_COM_PORT {
            tracing::debug!(option, "telnet: subnegotiation for another option ignored");
            return;
        }
        let Some((&command, value)) = payload.split_first() else {
            return;
        };
        let report = &mut self.report;
        match (command.wrapping_sub(SERVER_OFFSET), value) {
            (SET_BAUDRATE, &[a, b, c, d]) => {
                let baud = u32::from_be_bytes([a, b, c, d]);
                if baud != self.settings.baud {
                    tracing::warn!(
                        requested = self.settings.baud,
                        acknowledged = baud,
                        "RFC 2217 server acknowledged a different baud rate"
                    );
                }
                report.baud = Some(baud);
            }
            (SET_DATASIZE, &[v]) => report.data_size = Some(v),
            (SET_PARITY, &[v]) => report.parity = Some(v),
            (SET_STOPSIZE, &[v]) => report.stop_size = Some(v),
            (SET_CONTROL, &[v]) => report.control = Some(v),
            _ => match (command, value) {
                (NOTIFY_LINESTATE, &[v]) => report.line_state = Some(v),
                (NOTIFY_MODEMSTATE, &[v]) => report.modem_state = Some(v),
                _ => tracing::debug!(
                    command,
                    value = %plutanium_sms::hex::encode(value),
                    "RFC 2217: server command ignored"
                ),
            },
        }
    }

    fn queue_settings(&mut self) {
        self.settings_sent = true;
        let s = self.settings;
        let parity = match s.parity {
            Parity::None => 1,
            Parity::Odd => 2,
            Parity::Even => 3,
        };
        let stop_size = if s.stop_bits == 2 { 2 } else { 1 };
        let flow = match s.flow {
            FlowControl::None => CONTROL_FLOW_NONE,
            FlowControl::Software => CONTROL_FLOW_XON_XOFF,
            FlowControl::Hardware => CONTROL_FLOW_HARDWARE,
        };
        self.push_out_com_port(SET_BAUDRATE, &s.baud.to_be_bytes());
        self.push_out_com_port(SET_DATASIZE, &[s.data_bits]);
        self.push_out_com_port(SET_PARITY, &[parity]);
        self.push_out_com_port(SET_STOPSIZE, &[stop_size]);
        self.push_out_com_port(SET_CONTROL, &[flow]);
        self.push_out_com_port(SET_CONTROL, &[CONTROL_DTR_ON]);
        if s.flow != FlowControl::Hardware {
            self.push_out_com_port(SET_CONTROL, &[CONTROL_RTS_ON]);
        }
    }

    fn push_out_com_port(&mut self, command: u8, value: &[u8]) {
        let mut payload = Vec::with_capacity(value.len() + 1);
        payload.push(command);
        payload.extend_from_slice(value);
        self.compact_out();
        encode_subnegotiation(OPT_COM_PORT, &payload, &mut self.out);
    }

    fn push_out_negotiation(&mut self, verb: Verb, option: u8) {
        tracing::debug!(verb = verb.name(), option, "telnet: negotiation sent");
        self.compact_out();
        encode_negotiation(verb, option, &mut self.out);
    }

    /// Queues user data, doubling `0xFF`.
    pub(crate) fn send_data(&mut self, data: &[u8]) {
        self.compact_out();
        encode_data(data, &mut self.out);
    }

    fn compact_out(&mut self) {
        if self.out_pos > 0 && self.out_pos >= self.out.len() / 2 {
            self.out.drain(..self.out_pos.min(self.out.len()));
            self.out_pos = 0;
        }
    }

    /// Queued bytes not yet sent.
    pub(crate) fn pending_output(&self) -> &[u8] {
        self.out.get(self.out_pos..).unwrap_or_default()
    }

    /// Marks `n` bytes of [`Self::pending_output`] as sent.
    pub(crate) fn consume_output(&mut self, n: usize) {
        self.out_pos = self.out_pos.saturating_add(n).min(self.out.len());
        if self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
        }
    }

    /// Our side of COM-PORT-OPTION.
    pub(crate) fn com_port(&self) -> OptionState {
        self.local_com_port
    }

    /// Whether the server sent any telnet command at all.
    pub(crate) fn telnet_seen(&self) -> bool {
        self.telnet_seen
    }

    /// What the server acknowledged or reported.
    pub(crate) fn report(&self) -> ComPortReport {
        self.report
    }

    /// Whether negotiation is over: COM-PORT-OPTION refused, or accepted and
    /// the baud rate acknowledged.
    pub(crate) fn negotiation_done(&self) -> bool {
        match self.local_com_port {
            OptionState::No => true,
            OptionState::Yes => self.report.baud.is_some(),
            OptionState::WantYes => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rfc2217::telnet::{DO, DONT, IAC, SB, SE, WILL, WONT};

    fn take_output(session: &mut ClientSession) -> Vec<u8> {
        let out = session.pending_output().to_vec();
        session.consume_output(out.len());
        out
    }

    fn receive(session: &mut ClientSession, bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let mut data = Vec::new();
        session.receive(bytes, &mut data);
        (data, take_output(session))
    }

    #[test]
    fn session_negotiates_and_sends_settings() {
        let settings = LineSettings::default();
        let mut session = ClientSession::new(settings);
        session.start();
        assert_eq!(
            take_output(&mut session),
            [
                IAC, WILL, 0, IAC, DO, 0, IAC, WILL, 3, IAC, DO, 3, IAC, WILL, 44
            ]
        );
        assert!(!session.negotiation_done());
        // Answers to our requests are not answered again.
        assert_eq!(
            receive(&mut session, &[IAC, DO, 0, IAC, WILL, 0]).1,
            Vec::<u8>::new()
        );
        assert_eq!(
            receive(&mut session, &[IAC, DO, 0, IAC, WILL, 0]).1,
            Vec::<u8>::new()
        );
        // Unknown options are refused, refusals of them not answered.
        assert_eq!(
            receive(
                &mut session,
                &[IAC, WILL, 1, IAC, DO, 24, IAC, WONT, 1, IAC, DONT, 24]
            )
            .1,
            [IAC, DONT, 1, IAC, WONT, 24]
        );
        // The server must not have COM-PORT-OPTION on its side.
        assert_eq!(receive(&mut session, &[IAC, WILL, 44]).1, [IAC, DONT, 44]);
        // Agreement to COM-PORT-OPTION sends the settings, once.
        let (_, out) = receive(&mut session, &[IAC, DO, 44]);
        assert_eq!(
            out,
            [
                &[IAC, SB, 44, 1, 0, 1, 194, 0, IAC, SE][..],
                &[IAC, SB, 44, 2, 8, IAC, SE],
                &[IAC, SB, 44, 3, 1, IAC, SE],
                &[IAC, SB, 44, 4, 1, IAC, SE],
                &[IAC, SB, 44, 5, 1, IAC, SE],
                &[IAC, SB, 44, 5, 8, IAC, SE],
                &[IAC, SB, 44, 5, 11, IAC, SE],
            ]
            .concat()
        );
        assert_eq!(receive(&mut session, &[IAC, DO, 44]).1, Vec::<u8>::new());
        assert!(!session.negotiation_done());
        let (data, out) = receive(
            &mut session,
            &[
                IAC, SB, 44, 101, 0, 1, 194, 0, IAC, SE, b'o', b'k', IAC, SB, 44, 107, 0x30, IAC,
                SE,
            ],
        );
        assert_eq!((data.as_slice(), out.as_slice()), (&b"ok"[..], &[][..]));
        assert!(session.negotiation_done());
        assert_eq!(session.report().baud, Some(115_200));
        assert_eq!(session.report().modem_state, Some(0x30));
        // A server disabling an enabled option is acknowledged once.
        assert_eq!(receive(&mut session, &[IAC, DONT, 0]).1, [IAC, WONT, 0]);
        assert_eq!(receive(&mut session, &[IAC, DONT, 0]).1, Vec::<u8>::new());
    }

    #[test]
    fn hardware_flow_skips_rts() {
        let mut session = ClientSession::new(LineSettings {
            baud: 9600,
            data_bits: 7,
            parity: Parity::Even,
            stop_bits: 2,
            flow: FlowControl::Hardware,
        });
        session.start();
        take_output(&mut session);
        let (_, out) = receive(&mut session, &[IAC, DO, 44]);
        assert_eq!(
            out,
            [
                &[IAC, SB, 44, 1, 0, 0, 0x25, 0x80, IAC, SE][..],
                &[IAC, SB, 44, 2, 7, IAC, SE],
                &[IAC, SB, 44, 3, 3, IAC, SE],
                &[IAC, SB, 44, 4, 2, IAC, SE],
                &[IAC, SB, 44, 5, 3, IAC, SE],
                &[IAC, SB, 44, 5, 8, IAC, SE],
            ]
            .concat()
        );
    }

    #[test]
    fn refusal_ends_negotiation() {
        for refusal in [DONT, WONT] {
            let mut session = ClientSession::new(LineSettings::default());
            session.start();
            take_output(&mut session);
            assert_eq!(
                receive(&mut session, &[IAC, refusal, 44]).1,
                Vec::<u8>::new()
            );
            assert!(session.negotiation_done());
            assert_eq!(session.com_port(), OptionState::No);
        }
    }

    #[test]
    fn cr_nul_stripped_outside_binary() {
        let mut session = ClientSession::new(LineSettings::default());
        session.start();
        assert_eq!(receive(&mut session, b"a\r\0b\r").0, b"a\rb\r");
        assert_eq!(receive(&mut session, b"\0c\0").0, b"c\0");
        receive(&mut session, &[IAC, WILL, 0]);
        assert_eq!(receive(&mut session, b"\r\0").0, b"\r\0");
    }
}
