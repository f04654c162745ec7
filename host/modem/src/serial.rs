//! Local serial ports through tokio-serial, opened exclusively.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_serial::{SerialPortBuilderExt, SerialStream};

use crate::line::{FlowControl, LineSettings, Parity};

/// Opens `path` with `settings`. The port is exclusive: a second opener (another
/// gateway, ModemManager) gets an error instead of stealing half the bytes.
///
/// Returns the concrete stream; `port::open` boxes it, so this module needs
/// nothing from `port`.
pub(crate) fn open(path: &str, settings: &LineSettings) -> std::io::Result<Serial> {
    let builder = tokio_serial::new(path, settings.baud)
        .data_bits(match settings.data_bits {
            5 => tokio_serial::DataBits::Five,
            6 => tokio_serial::DataBits::Six,
            7 => tokio_serial::DataBits::Seven,
            _ => tokio_serial::DataBits::Eight,
        })
        .parity(match settings.parity {
            Parity::None => tokio_serial::Parity::None,
            Parity::Odd => tokio_serial::Parity::Odd,
            Parity::Even => tokio_serial::Parity::Even,
        })
        .stop_bits(if settings.stop_bits == 2 {
            tokio_serial::StopBits::Two
        } else {
            tokio_serial::StopBits::One
        })
        .flow_control(match settings.flow {
            FlowControl::None => tokio_serial::FlowControl::None,
            FlowControl::Hardware => tokio_serial::FlowControl::Hardware,
            FlowControl::Software => tokio_serial::FlowControl::Software,
        });
    let mut port = builder.open_native_async()?;
    #[cfg(unix)]
    port.set_exclusive(true)
        .map_err(|e| std::io::Error::other(format!("cannot open {path} exclusively: {e}")))?;
    Ok(Serial(port))
}

/// A serial port whose flush returns at once.
///
/// tokio-serial's `poll_flush` is `tcdrain`, which blocks the calling thread
/// until the line has sent every queued byte, and the calling thread is one
/// of the runtime's few workers: 14 ms for a PDU at 115,200 baud, during
/// which no other modem's task runs there, and forever on a port whose
/// flow control stalled (no timeout can interrupt a blocking call). Nothing
/// is buffered on our side of the descriptor (a write goes straight to the
/// kernel's tty queue, which sends in order), so there is nothing a flush
/// would have to push; a port that stops sending shows as a command that
/// gets no answer. (A pty has no line to drain, so behind one this only
/// saves a system call per write; no test here can show the wait, which
/// needs a real UART.)
pub(crate) struct Serial(SerialStream);

impl AsyncRead for Serial {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Serial {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Closing the descriptor lets the kernel finish sending.
        Poll::Ready(Ok(()))
    }
}
