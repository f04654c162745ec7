//! The modem side of the serial line: command lines in, PDUs after the prompt.

/// Longest command line accepted (V.250 asks for at least 40; real modems take ~500).
const MAX_LINE: usize = 1024;
/// Longest PDU text accepted after the prompt (176 octets in hex, plus slack).
const MAX_PDU_TEXT: usize = 600;

/// What the host sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Input {
    /// A command line, without its line end.
    Line(String),
    /// The PDU text written after the prompt, ended by Ctrl-Z.
    Pdu(String),
    /// ESC after the prompt: the send was cancelled.
    PduCancelled,
    /// A line or PDU longer than a modem accepts; it was dropped.
    Overflow,
}

/// Splits the host's bytes into command lines, or collects the PDU while a
/// prompt is open. Bytes may arrive in any chunks.
#[derive(Debug, Default)]
pub(crate) struct LineReader {
    buffer: Vec<u8>,
    pdu_mode: bool,
    overflowed: bool,
}

impl LineReader {
    /// After `> `: collect a PDU up to Ctrl-Z or ESC.
    pub(crate) fn expect_pdu(&mut self) {
        self.pdu_mode = true;
        self.buffer.clear();
    }

    /// Whether a PDU is being collected.
    pub(crate) fn in_pdu_mode(&self) -> bool {
        self.pdu_mode
    }

    /// Feeds bytes; complete inputs are appended to `out`.
    pub(crate) fn feed(&mut self, bytes: &[u8], out: &mut Vec<Input>) {
        for &b in bytes {
            if self.pdu_mode {
                match b {
                    0x1A => {
                        let text = String::from_utf8_lossy(&self.buffer).trim().to_string();
                        self.buffer.clear();
                        self.pdu_mode = false;
                        out.push(if self.overflowed {
                            Input::Overflow
                        } else {
                            Input::Pdu(text)
                        });
                        self.overflowed = false;
                    }
                    0x1B => {
                        self.buffer.clear();
                        self.pdu_mode = false;
                        self.overflowed = false;
                        out.push(Input::PduCancelled);
                    }
                    _ if self.buffer.len() >= MAX_PDU_TEXT => self.overflowed = true,
                    _ => self.buffer.push(b),
                }
                continue;
            }
            match b {
                b'\r' | b'\n' => {
                    if self.overflowed {
                        out.push(Input::Overflow);
                    } else {
                        let line = String::from_utf8_lossy(&self.buffer).trim().to_string();
                        if !line.is_empty() {
                            out.push(Input::Line(line));
                        }
                    }
                    self.buffer.clear();
                    self.overflowed = false;
                }
                // Backspace edits the line, as on a terminal.
                0x08 => {
                    self.buffer.pop();
                }
                // Other control bytes (a stray ESC or Ctrl-Z from a host that
                // cancels a prompt) are not part of a command.
                0x00..=0x1F | 0x7F => {}
                _ if self.buffer.len() >= MAX_LINE => self.overflowed = true,
                _ => self.buffer.push(b),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_split_pdu_writes() {
        let mut r = LineReader::default();
        let mut out = Vec::new();
        r.feed(b"AT+CMGS=", &mut out);
        r.feed(b"23\r", &mut out);
        assert_eq!(out, vec![Input::Line("AT+CMGS=23".into())]);
        r.expect_pdu();
        out.clear();
        r.feed(b"0011", &mut out);
        assert!(out.is_empty());
        r.feed(b"00AB", &mut out);
        r.feed(b"\x1a", &mut out);
        assert_eq!(out, vec![Input::Pdu("001100AB".into())]);
        assert!(!r.in_pdu_mode());
        out.clear();
        r.expect_pdu();
        r.feed(b"00\x1bAT\r\n", &mut out);
        assert_eq!(out, vec![Input::PduCancelled, Input::Line("AT".into())]);
    }

    #[test]
    fn overlong_input_is_dropped_whole() {
        let mut r = LineReader::default();
        let mut out = Vec::new();
        r.feed(b"\x1bA\x1aT\r", &mut out);
        assert_eq!(out, vec![Input::Line("AT".into())]);
        out.clear();
        r.feed(&vec![b'A'; MAX_LINE + 5], &mut out);
        r.feed(b"\rAT\r", &mut out);
        assert_eq!(out, vec![Input::Overflow, Input::Line("AT".into())]);
    }
}
