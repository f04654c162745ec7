//! Telnet framing (RFC 854/855), sans IO: bytes in, data bytes and telnet
//! commands out; data bytes in, escaped bytes out.
//!
//! [`TelnetCodec`] splits received bytes into data bytes and telnet commands:
//! `IAC IAC` is a data `0xFF`, `IAC WILL/WONT/DO/DONT opt` is a negotiation,
//! `IAC SB … IAC SE` a subnegotiation (with `IAC IAC` inside), and any other
//! `IAC x` (NOP, GA, …) is reported and ignored. Its state survives any
//! chunking, because a TCP read can end anywhere inside an escape sequence.
//! [`encode_data`] doubles `0xFF` in outgoing data. Nothing here knows what
//! an option means; that is the client session's business.

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

/// Longest subnegotiation kept; longer ones are dropped whole.
const MAX_SUBNEGOTIATION: usize = 512;

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

    /// The verb as RFC 854 and packet captures name it, for logs.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Verb::Will => "WILL",
            Verb::Wont => "WONT",
            Verb::Do => "DO",
            Verb::Dont => "DONT",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rfc2217::client::SET_BAUDRATE;

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
}
