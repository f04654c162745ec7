//! Serial line settings: baud rate, framing and flow control.
//!
//! They live below both the transports that apply them (`serial`, `rfc2217`)
//! and the port URLs that carry them (`port`), so imports point one way:
//! `port` → `serial`/`rfc2217` → `line`. A transport never reaches back into
//! `port`.

/// Flow control on a serial line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FlowControl {
    /// None (the usual for USB modems).
    #[default]
    None,
    /// RTS/CTS.
    Hardware,
    /// XON/XOFF.
    Software,
}

/// Parity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Parity {
    /// None.
    #[default]
    None,
    /// Odd.
    Odd,
    /// Even.
    Even,
}

/// Line settings for serial and RFC 2217 ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LineSettings {
    /// Baud rate.
    pub baud: u32,
    /// Data bits (5–8).
    pub data_bits: u8,
    /// Parity.
    pub parity: Parity,
    /// Stop bits (1 or 2).
    pub stop_bits: u8,
    /// Flow control.
    pub flow: FlowControl,
}

impl Default for LineSettings {
    /// 115200 8N1, no flow control.
    fn default() -> Self {
        LineSettings {
            baud: 115_200,
            data_bits: 8,
            parity: Parity::None,
            stop_bits: 1,
            flow: FlowControl::None,
        }
    }
}
