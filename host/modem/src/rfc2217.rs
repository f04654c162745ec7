//! RFC 2217 (telnet COM-PORT-OPTION) client transport, as spoken by ser2net's
//! telnet mode and MikroTik `/port remote-access` (whose default protocol it is).
//!
//! Three layers, the first two sans-IO (bytes in, bytes out, no socket), so
//! they are tested byte by byte without a network:
//!
//! * [`telnet`]: telnet framing ([`telnet::TelnetCodec`], [`telnet::encode_data`]).
//! * [`client`]: the client side of the protocol ([`client::ClientSession`]):
//!   option negotiation, the COM-PORT-OPTION settings, the server's
//!   acknowledgements, and the one outgoing byte queue.
//! * [`Rfc2217Port`], here: the thin async adapter over any
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

mod client;
mod telnet;

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};

use crate::line::LineSettings;
use client::{ClientSession, OptionState};

/// How long [`Rfc2217Port::negotiate`] waits for the server.
pub(crate) const NEGOTIATION_TIMEOUT: Duration = Duration::from_secs(5);
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
    use telnet::{DO, IAC, SB, SE, WILL, WONT};
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

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
