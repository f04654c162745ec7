//! RFC 2217 (telnet COM-PORT-OPTION) client transport, as spoken by ser2net's
//! telnet mode and MikroTik `/port remote-access` (whose default protocol it is).
//!
//! Three layers, the first two sans-IO:
//!
//! * [`TelnetCodec`] splits received bytes into data bytes and telnet commands
//!   (RFC 854/855): `IAC IAC` is a data `0xFF`, `IAC WILL/WONT/DO/DONT opt` is a
//!   negotiation, `IAC SB … IAC SE` a subnegotiation (with `IAC IAC` inside), and
//!   any other `IAC x` (NOP, GA, …) is reported and ignored. Its state survives
//!   any chunking. [`encode_data`] doubles `0xFF` in outgoing data.
//! * [`ClientSession`] is the client side of the protocol: option negotiation
//!   (an RFC 1143 "Q method" without the queue bits — we never ask to disable an
//!   option, so never need them), the COM-PORT-OPTION settings and the server's
//!   acknowledgements. It owns the single outgoing byte queue: encoded user data
//!   and protocol replies are appended to it in the order they arise, so a reply
//!   can neither be lost nor be reordered with data, and never lands inside an
//!   escape sequence.
//! * [`Rfc2217Port`] is the thin async adapter over any
//!   `AsyncRead + AsyncWrite` stream (normally a `TcpStream`).
//!
//! Option policy: we ask for BINARY (0) and SUPPRESS-GO-AHEAD (3) in both
//! directions and offer COM-PORT-OPTION (44) as the client (`WILL 44`, the server
//! answers `DO 44`). Every other option is refused (`WONT` to `DO x`, `DONT` to
//! `WILL x`); requests that would not change an option's state are not answered,
//! so negotiation cannot loop.
//!
//! Line settings are sent once the server has agreed to COM-PORT-OPTION:
//! SET-BAUDRATE, SET-DATASIZE, SET-PARITY, SET-STOPSIZE, SET-CONTROL (flow
//! control), SET-CONTROL (DTR on) and SET-CONTROL (RTS on — skipped under
//! hardware flow control, where the UART drives RTS itself, as pyserial does).

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};

use crate::line::{FlowControl, LineSettings, Parity};

/// Interpret As Command.
pub(crate) const IAC: u8 = 255;
/// Refuse an option on the peer's side.
pub(crate) const DONT: u8 = 254;
/// Ask the peer to enable an option on its side.
pub(crate) const DO: u8 = 253;
/// Refuse an option on our side.
pub(crate) const WONT: u8 = 252;
/// Offer to enable an option on our side.
pub(crate) const WILL: u8 = 251;
/// Subnegotiation begin.
pub(crate) const SB: u8 = 250;
/// Subnegotiation end.
pub(crate) const SE: u8 = 240;

/// TRANSMIT-BINARY (RFC 856).
pub(crate) const OPT_BINARY: u8 = 0;
/// SUPPRESS-GO-AHEAD (RFC 858).
pub(crate) const OPT_SGA: u8 = 3;
/// COM-PORT-OPTION (RFC 2217).
pub(crate) const OPT_COM_PORT: u8 = 44;

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

/// How long [`Rfc2217Port::negotiate`] waits for the server.
pub(crate) const NEGOTIATION_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest subnegotiation kept; longer ones are dropped whole.
const MAX_SUBNEGOTIATION: usize = 512;
/// Bytes read from the stream at a time.
const READ_CHUNK: usize = 4096;
/// Input bytes encoded per `poll_write`.
const WRITE_CHUNK: usize = 8192;
/// Queued output at which `poll_write` waits for the stream before taking more.
const WRITE_HIGH_WATER: usize = 16 * 1024;
/// Queued output at which `poll_read` stops reading until replies drain (a
/// peer flooding us with requests while not reading our answers).
const REPLY_LIMIT: usize = 64 * 1024;
/// Data buffered during negotiation after which we stop waiting for it.
const PREFETCH_LIMIT: usize = 1024 * 1024;

/// A negotiation verb.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verb {
    /// `WILL`: the sender offers (or agrees) to enable the option on its side.
    Will,
    /// `WONT`: the sender refuses (or disables) the option on its side.
    Wont,
    /// `DO`: the sender asks (or agrees) that the receiver enables the option.
    Do,
    /// `DONT`: the sender refuses the option on the receiver's side.
    Dont,
}

impl Verb {
    fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            WILL => Some(Verb::Will),
            WONT => Some(Verb::Wont),
            DO => Some(Verb::Do),
            DONT => Some(Verb::Dont),
            _ => None,
        }
    }

    /// The verb's command byte.
    pub(crate) fn byte(self) -> u8 {
        match self {
            Verb::Will => WILL,
            Verb::Wont => WONT,
            Verb::Do => DO,
            Verb::Dont => DONT,
        }
    }
}

/// A telnet command found in the received stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TelnetEvent {
    /// `IAC verb option`.
    Negotiation(Verb, u8),
    /// `IAC SB option payload… IAC SE`, with `IAC IAC` in the payload undoubled.
    Subnegotiation {
        /// The option.
        option: u8,
        /// The bytes between the option and `IAC SE`.
        payload: Vec<u8>,
    },
    /// Any other `IAC x` (NOP, GA, BRK, …): no meaning to us.
    Command(u8),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum DecodeState {
    #[default]
    Data,
    Iac,
    Negotiation(Verb),
    Sb,
    SbIac,
}

/// Incremental telnet decoder; feed it reads of any size.
#[derive(Clone, Debug, Default)]
pub(crate) struct TelnetCodec {
    state: DecodeState,
    sb: Vec<u8>,
    sb_overflow: bool,
}

impl TelnetCodec {
    /// A decoder at the start of a stream.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Decodes `input`, appending data bytes to `data` and commands to `events`.
    pub(crate) fn decode(
        &mut self,
        input: &[u8],
        data: &mut Vec<u8>,
        events: &mut Vec<TelnetEvent>,
    ) {
        let mut rest = input;
        while !rest.is_empty() {
            if self.state == DecodeState::Data {
                // Fast path: copy the run up to the next IAC in one go.
                let run = rest.iter().position(|&b| b == IAC).unwrap_or(rest.len());
                let (plain, after) = rest.split_at_checked(run).unwrap_or((rest, &[]));
                data.extend_from_slice(plain);
                match after.split_first() {
                    Some((_iac, tail)) => {
                        self.state = DecodeState::Iac;
                        rest = tail;
                    }
                    None => rest = &[],
                }
                continue;
            }
            if let Some((&byte, tail)) = rest.split_first() {
                self.step(byte, data, events);
                rest = tail;
            }
        }
    }

    fn step(&mut self, byte: u8, data: &mut Vec<u8>, events: &mut Vec<TelnetEvent>) {
        self.state = match self.state {
            DecodeState::Data if byte == IAC => DecodeState::Iac,
            DecodeState::Data => {
                data.push(byte);
                DecodeState::Data
            }
            DecodeState::Iac => match byte {
                IAC => {
                    data.push(IAC);
                    DecodeState::Data
                }
                SB => {
                    self.sb.clear();
                    self.sb_overflow = false;
                    DecodeState::Sb
                }
                _ => match Verb::from_byte(byte) {
                    Some(verb) => DecodeState::Negotiation(verb),
                    None => {
                        events.push(TelnetEvent::Command(byte));
                        DecodeState::Data
                    }
                },
            },
            DecodeState::Negotiation(verb) => {
                events.push(TelnetEvent::Negotiation(verb, byte));
                DecodeState::Data
            }
            DecodeState::Sb if byte == IAC => DecodeState::SbIac,
            DecodeState::Sb => {
                self.push_sb(byte);
                DecodeState::Sb
            }
            DecodeState::SbIac => match byte {
                IAC => {
                    self.push_sb(IAC);
                    DecodeState::Sb
                }
                SE => {
                    self.finish_sb(events);
                    DecodeState::Data
                }
                _ => {
                    // `IAC x` inside a subnegotiation is a protocol error: drop
                    // the unfinished subnegotiation and treat `IAC x` as a
                    // command (what libtelnet and most servers do).
                    tracing::debug!(
                        command = byte,
                        "telnet: unterminated subnegotiation dropped"
                    );
                    self.sb.clear();
                    self.state = DecodeState::Iac;
                    self.step(byte, data, events);
                    return;
                }
            },
        };
    }

    fn push_sb(&mut self, byte: u8) {
        if self.sb.len() < MAX_SUBNEGOTIATION {
            self.sb.push(byte);
        } else {
            self.sb_overflow = true;
        }
    }

    fn finish_sb(&mut self, events: &mut Vec<TelnetEvent>) {
        let sb = std::mem::take(&mut self.sb);
        if self.sb_overflow {
            tracing::debug!("telnet: oversized subnegotiation dropped");
            self.sb_overflow = false;
            return;
        }
        if let Some((&option, payload)) = sb.split_first() {
            events.push(TelnetEvent::Subnegotiation {
                option,
                payload: payload.to_vec(),
            });
        }
    }
}

/// Appends `data` to `out` with every `0xFF` doubled.
pub(crate) fn encode_data(data: &[u8], out: &mut Vec<u8>) {
    for chunk in data.split_inclusive(|&b| b == IAC) {
        out.extend_from_slice(chunk);
        if chunk.last() == Some(&IAC) {
            out.push(IAC);
        }
    }
}

/// Appends `IAC verb option` to `out`.
pub(crate) fn encode_negotiation(verb: Verb, option: u8, out: &mut Vec<u8>) {
    out.extend_from_slice(&[IAC, verb.byte(), option]);
}

/// Appends `IAC SB option payload IAC SE` to `out`, doubling `0xFF` in the payload.
pub(crate) fn encode_subnegotiation(option: u8, payload: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&[IAC, SB]);
    encode_data(&[option], out);
    encode_data(payload, out);
    out.extend_from_slice(&[IAC, SE]);
}

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
        tracing::debug!(?verb, option, "telnet: negotiation received");
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
                _ => tracing::debug!(command, ?value, "RFC 2217: server command ignored"),
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
        tracing::debug!(?verb, option, "telnet: negotiation sent");
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

/// A serial port reached over RFC 2217 (telnet COM-PORT-OPTION): ser2net in
/// telnet mode, MikroTik `/port remote-access`. Reads and writes carry the
/// serial data only; telnet framing is added and removed here.
///
/// Writes are encoded into an internal queue that also carries protocol
/// replies. `poll_write` pushes as much of the queue to the stream as it
/// accepts and reports the input bytes it queued; anything left is sent by
/// the next write, flush, or read (reads send queued replies
/// opportunistically, so a reader alone keeps negotiation answered). As with
/// any buffered writer, call `flush` to be sure everything reached the stream.
#[derive(Debug)]
pub struct Rfc2217Port<S> {
    stream: S,
    session: ClientSession,
    /// Received data not yet read; `rx_pos` of it already read.
    rx: Vec<u8>,
    rx_pos: usize,
    scratch: Vec<u8>,
    /// The task that last got `Pending` from a write or flush: if a read
    /// polls the stream for writing it may take over the stream's write
    /// wake-up, so it wakes this task to let it re-register.
    writer_waker: Option<Waker>,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Rfc2217Port<S> {
    /// Negotiates telnet options and the serial `settings` over `stream`.
    ///
    /// Sends `WILL`/`DO` BINARY and SUPPRESS-GO-AHEAD and `WILL
    /// COM-PORT-OPTION`; once the server answers `DO COM-PORT-OPTION`, sends
    /// the baud rate, data size, parity, stop size, flow control, DTR on and
    /// RTS on (unless hardware flow control), and waits for the baud rate's
    /// acknowledgement. The whole exchange is bounded by a 5 s timeout.
    ///
    /// Tolerated, with a `tracing` warning, because data still flows:
    /// * the server refuses COM-PORT-OPTION (a plain telnet server): the line
    ///   settings are then whatever the server has configured;
    /// * the server speaks telnet but leaves COM-PORT-OPTION or the baud rate
    ///   unanswered for 5 s.
    ///
    /// Data the server sends during negotiation is kept for the first reads.
    ///
    /// # Errors
    /// The stream's IO errors; `UnexpectedEof` if the server closes the
    /// connection during negotiation; `TimedOut` if it sends no telnet
    /// command at all within 5 s (likely a raw TCP port: use `tcp://`).
    pub async fn negotiate(stream: S, settings: &LineSettings) -> io::Result<Self> {
        let mut port = Rfc2217Port {
            stream,
            session: ClientSession::new(*settings),
            rx: Vec::new(),
            rx_pos: 0,
            scratch: vec![0; READ_CHUNK],
            writer_waker: None,
        };
        port.session.start();
        let outcome = tokio::time::timeout(NEGOTIATION_TIMEOUT, port.negotiation_loop()).await;
        match outcome {
            Ok(result) => result?,
            Err(_elapsed) if !port.session.telnet_seen() => {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "RFC 2217: no telnet negotiation from the server within 5 s \
                     (a raw TCP port? use tcp:// for those)",
                ));
            }
            Err(_elapsed) => {}
        }
        match port.session.com_port() {
            OptionState::No => tracing::warn!(
                "RFC 2217: the server refused COM-PORT-OPTION; continuing as plain telnet \
                 with the server's line settings"
            ),
            OptionState::WantYes => tracing::warn!(
                "RFC 2217: the server did not answer COM-PORT-OPTION; continuing as plain \
                 telnet with the server's line settings"
            ),
            OptionState::Yes => match port.session.report().baud {
                Some(baud) => tracing::debug!(baud, "RFC 2217: line settings acknowledged"),
                None => tracing::warn!(
                    requested = settings.baud,
                    "RFC 2217: the server did not acknowledge the baud rate; continuing"
                ),
            },
        }
        Ok(port)
    }

    async fn negotiation_loop(&mut self) -> io::Result<()> {
        loop {
            poll_fn(|cx| self.poll_drain(cx)).await?;
            poll_fn(|cx| Pin::new(&mut self.stream).poll_flush(cx)).await?;
            if self.session.negotiation_done() {
                return Ok(());
            }
            if self.rx.len() >= PREFETCH_LIMIT {
                tracing::warn!("RFC 2217: much data during negotiation; not waiting any longer");
                return Ok(());
            }
            let n = self.stream.read(&mut self.scratch).await?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "RFC 2217: the server closed the connection during negotiation",
                ));
            }
            let received = self.scratch.get(..n).unwrap_or_default();
            self.session.receive(received, &mut self.rx);
        }
    }
}

impl<S> Rfc2217Port<S> {
    /// Whether the server accepted COM-PORT-OPTION (if not, the line settings
    /// are the server's).
    pub fn com_port_active(&self) -> bool {
        self.session.com_port() == OptionState::Yes
    }

    /// The baud rate the server acknowledged, if any.
    pub fn acknowledged_baud(&self) -> Option<u32> {
        self.session.report().baud
    }

    /// The last NOTIFY-MODEMSTATE value (RFC 2217 modem state bits), if any.
    pub fn modem_state(&self) -> Option<u8> {
        self.session.report().modem_state
    }

    /// The last NOTIFY-LINESTATE value (RFC 2217 line state bits), if any.
    pub fn line_state(&self) -> Option<u8> {
        self.session.report().line_state
    }

    /// The underlying stream.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }
}

impl<S: AsyncWrite + Unpin> Rfc2217Port<S> {
    /// Writes the queued output until it is empty. Progress is recorded as it
    /// happens, so a `Pending` or a dropped future loses nothing.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            let pending = self.session.pending_output();
            if pending.is_empty() {
                return Poll::Ready(Ok(()));
            }
            match Pin::new(&mut self.stream).poll_write(cx, pending) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => self.session.consume_output(n),
            }
        }
    }

    /// Drains on behalf of a writer: remembers its waker on `Pending`.
    fn poll_drain_writer(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = self.poll_drain(cx);
        if poll.is_pending() {
            self.writer_waker = Some(cx.waker().clone());
        }
        poll
    }

    /// From a read: sends queued replies if the stream takes them now.
    fn send_replies(&mut self, cx: &mut Context<'_>) {
        if self.session.pending_output().is_empty() {
            return;
        }
        if let Poll::Ready(Err(e)) = self.poll_drain(cx) {
            // Left queued; the next write or flush reports the error.
            tracing::debug!(error = %e, "RFC 2217: sending telnet replies failed");
        }
        if let Some(waker) = self.writer_waker.take() {
            waker.wake();
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for Rfc2217Port<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            let available = this.rx.get(this.rx_pos..).unwrap_or_default();
            if !available.is_empty() {
                let n = available.len().min(buf.remaining());
                buf.put_slice(available.get(..n).unwrap_or_default());
                this.rx_pos += n;
                if this.rx_pos >= this.rx.len() {
                    this.rx.clear();
                    this.rx_pos = 0;
                }
                this.send_replies(cx);
                return Poll::Ready(Ok(()));
            }
            if this.session.pending_output().len() >= REPLY_LIMIT {
                let drained = this.poll_drain(cx);
                if let Some(waker) = this.writer_waker.take() {
                    waker.wake();
                }
                match drained {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Ready(Ok(())) => {}
                }
            }
            let mut raw = ReadBuf::new(&mut this.scratch);
            match Pin::new(&mut this.stream).poll_read(cx, &mut raw) {
                Poll::Pending => {
                    this.send_replies(cx);
                    return Poll::Pending;
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) => {
                    let received = raw.filled();
                    if received.is_empty() {
                        return Poll::Ready(Ok(()));
                    }
                    // Only commands, perhaps: then loop and read again.
                    this.session.receive(received, &mut this.rx);
                }
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Rfc2217Port<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        if this.session.pending_output().len() >= WRITE_HIGH_WATER {
            match this.poll_drain_writer(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) => {}
            }
        }
        let (taken, _) = buf.split_at_checked(WRITE_CHUNK).unwrap_or((buf, &[]));
        this.session.send_data(taken);
        // Write through as far as the stream allows. The input is queued and
        // reported as written either way; on `Pending` or an error the rest
        // stays queued for the next write, flush or read (which reports the
        // error, if it persists).
        if let Poll::Ready(Err(e)) = this.poll_drain(cx) {
            tracing::debug!(error = %e, "RFC 2217: write failed; data stays queued");
        }
        Poll::Ready(Ok(taken.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.poll_drain_writer(cx) {
            Poll::Ready(Ok(())) => {}
            other => return other,
        }
        let poll = Pin::new(&mut this.stream).poll_flush(cx);
        if poll.is_pending() {
            this.writer_waker = Some(cx.waker().clone());
        }
        poll
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.poll_drain_writer(cx) {
            Poll::Ready(Ok(())) => {}
            other => return other,
        }
        let poll = Pin::new(&mut this.stream).poll_shutdown(cx);
        if poll.is_pending() {
            this.writer_waker = Some(cx.waker().clone());
        }
        poll
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

    const NOP: u8 = 241;
    const GA: u8 = 249;

    fn decode_chunks(chunks: &[&[u8]]) -> (Vec<u8>, Vec<TelnetEvent>) {
        let mut codec = TelnetCodec::new();
        let mut data = Vec::new();
        let mut events = Vec::new();
        for chunk in chunks {
            codec.decode(chunk, &mut data, &mut events);
        }
        (data, events)
    }

    fn sample_stream() -> (Vec<u8>, Vec<u8>, Vec<TelnetEvent>) {
        let stream = [
            &b"ab"[..],
            &[IAC, IAC],
            b"c",
            &[IAC, WILL, 1, IAC, DO, OPT_COM_PORT],
            &[IAC, SB, OPT_COM_PORT, 101, 0, 1, 194, 0, IAC, SE],
            &[IAC, NOP],
            b"d\r\n",
            &[IAC, SB, OPT_COM_PORT, 107, IAC, IAC, IAC, SE],
            &[IAC, GA, IAC, IAC, IAC, IAC],
            &[IAC, DONT, 24, IAC, WONT, 3],
            &[IAC, SB, IAC, SE],
            b"e",
        ]
        .concat();
        let data = [&b"ab"[..], &[IAC], b"cd\r\n", &[IAC, IAC], b"e"].concat();
        let events = vec![
            TelnetEvent::Negotiation(Verb::Will, 1),
            TelnetEvent::Negotiation(Verb::Do, OPT_COM_PORT),
            TelnetEvent::Subnegotiation {
                option: OPT_COM_PORT,
                payload: vec![101, 0, 1, 194, 0],
            },
            TelnetEvent::Command(NOP),
            TelnetEvent::Subnegotiation {
                option: OPT_COM_PORT,
                payload: vec![107, IAC],
            },
            TelnetEvent::Command(GA),
            TelnetEvent::Negotiation(Verb::Dont, 24),
            TelnetEvent::Negotiation(Verb::Wont, 3),
            // `IAC SB IAC SE` is empty: no option, no event.
        ];
        (stream, data, events)
    }

    #[test]
    fn decodes_in_one_piece() {
        let (stream, data, events) = sample_stream();
        assert_eq!(decode_chunks(&[&stream]), (data, events));
    }

    #[test]
    fn decodes_split_at_every_boundary() {
        let (stream, data, events) = sample_stream();
        for i in 0..=stream.len() {
            for j in i..=stream.len() {
                let (a, rest) = stream.split_at(i);
                let (b, c) = rest.split_at(j - i);
                assert_eq!(
                    decode_chunks(&[a, b, c]),
                    (data.clone(), events.clone()),
                    "split at {i} and {j}"
                );
            }
        }
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(decode_chunks(&bytes), (data, events));
    }

    #[test]
    fn iac_command_inside_subnegotiation_ends_it() {
        let stream = [IAC, SB, OPT_COM_PORT, 1, 2, IAC, WILL, 3, b'x'];
        let (data, events) = decode_chunks(&[&stream]);
        assert_eq!(data, b"x");
        assert_eq!(events, vec![TelnetEvent::Negotiation(Verb::Will, 3)]);
    }

    #[test]
    fn oversized_subnegotiation_is_dropped() {
        let mut stream = vec![IAC, SB, OPT_COM_PORT];
        stream.extend(std::iter::repeat_n(7, MAX_SUBNEGOTIATION + 10));
        stream.extend_from_slice(&[IAC, SE, b'z']);
        let (data, events) = decode_chunks(&[&stream]);
        assert_eq!(data, b"z");
        assert!(events.is_empty());
    }

    #[test]
    fn encoding_doubles_iac() {
        let mut out = Vec::new();
        encode_data(&[1, IAC, 2, IAC, IAC], &mut out);
        assert_eq!(out, [1, IAC, IAC, 2, IAC, IAC, IAC, IAC]);
        let mut out = Vec::new();
        encode_data(&[], &mut out);
        assert!(out.is_empty());
        let all: Vec<u8> = (0..=255).collect();
        let mut out = Vec::new();
        encode_data(&all, &mut out);
        assert_eq!(decode_chunks(&[&out]), (all, vec![]));
    }

    #[test]
    fn baud_subnegotiation_bytes() {
        let mut out = Vec::new();
        encode_subnegotiation(OPT_COM_PORT, &[SET_BAUDRATE, 0, 1, 194, 0], &mut out);
        assert_eq!(out, [IAC, SB, 44, 1, 0, 1, 194, 0, IAC, SE]);
        // 65280 = 0x0000FF00: the 0xFF is doubled.
        let mut out = Vec::new();
        encode_subnegotiation(OPT_COM_PORT, &[SET_BAUDRATE, 0, 0, 255, 0], &mut out);
        assert_eq!(out, [IAC, SB, 44, 1, 0, 0, IAC, IAC, 0, IAC, SE]);
    }

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
        assert_eq!(receive(&mut session, &[IAC, DO, 0, IAC, WILL, 0]).1, []);
        assert_eq!(receive(&mut session, &[IAC, DO, 0, IAC, WILL, 0]).1, []);
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
        assert_eq!(receive(&mut session, &[IAC, DO, 44]).1, []);
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
        assert_eq!(receive(&mut session, &[IAC, DONT, 0]).1, []);
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
            assert_eq!(receive(&mut session, &[IAC, refusal, 44]).1, []);
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

    /// Reads from `peer` until `pattern` has been seen; returns all read.
    async fn read_until(peer: &mut DuplexStream, pattern: &[u8]) -> Vec<u8> {
        let mut seen = Vec::new();
        let mut buf = [0; 64];
        while !seen.windows(pattern.len()).any(|w| w == pattern) {
            let n = peer.read(&mut buf).await.unwrap();
            assert!(n > 0, "EOF before {pattern:?}; got {seen:?}");
            seen.extend_from_slice(&buf[..n]);
        }
        seen
    }

    #[tokio::test]
    async fn port_over_tiny_pipe() {
        // A 3-byte pipe makes every write partial.
        let (client, mut peer) = tokio::io::duplex(3);
        let server = tokio::spawn(async move {
            read_until(&mut peer, &[IAC, WILL, 44]).await;
            peer.write_all(&[b'<', IAC, IAC, IAC, DO, 44, b'>'])
                .await
                .unwrap();
            read_until(&mut peer, &[IAC, SB, 44, 5, 11, IAC, SE]).await;
            peer.write_all(&[IAC, SB, 44, 101, 0, 1, 194, 0, IAC, SE, IAC, DO, 31])
                .await
                .unwrap();
            let mut received = read_until(&mut peer, &[IAC, WONT, 31]).await;
            let expected = [&[IAC, IAC, 0, IAC, IAC][..], b"AT\r"].concat();
            while !received.windows(expected.len()).any(|w| w == expected) {
                let mut buf = [0; 64];
                let n = peer.read(&mut buf).await.unwrap();
                assert!(n > 0);
                received.extend_from_slice(&buf[..n]);
            }
            peer.write_all(b"OK").await.unwrap();
            peer
        });
        let mut port = Rfc2217Port::negotiate(client, &LineSettings::default())
            .await
            .unwrap();
        assert!(port.com_port_active());
        assert_eq!(port.acknowledged_baud(), Some(115_200));
        port.write_all(&[IAC, 0, IAC]).await.unwrap();
        port.write_all(b"AT\r").await.unwrap();
        port.flush().await.unwrap();
        let mut buf = [0; 5];
        port.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, &[b'<', IAC, b'>', b'O', b'K']);
        server.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn silent_peer_times_out() {
        let (client, _peer) = tokio::io::duplex(1024);
        let err = Rfc2217Port::negotiate(client, &LineSettings::default())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test(start_paused = true)]
    async fn telnet_peer_ignoring_com_port_is_tolerated() {
        let (client, mut peer) = tokio::io::duplex(1024);
        peer.write_all(&[IAC, WILL, 3, b'h', b'i']).await.unwrap();
        let mut port = Rfc2217Port::negotiate(client, &LineSettings::default())
            .await
            .unwrap();
        assert!(!port.com_port_active());
        let mut buf = [0; 2];
        port.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"hi");
    }

    #[tokio::test]
    async fn eof_during_negotiation_is_an_error() {
        let (client, peer) = tokio::io::duplex(1024);
        drop(peer);
        let err = Rfc2217Port::negotiate(client, &LineSettings::default())
            .await
            .unwrap_err();
        // Writing the requests to a closed pipe fails first, or the read sees EOF.
        assert!(matches!(
            err.kind(),
            io::ErrorKind::UnexpectedEof | io::ErrorKind::BrokenPipe
        ));
    }
}
