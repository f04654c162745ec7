//! PLACEHOLDER (lead's compile stand-in; helper-5 replaces this file with the real RFC 2217 transport).
use crate::port::LineSettings;
/// Placeholder.
pub struct Rfc2217Port<S>(S);
impl<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Rfc2217Port<S> {
    /// Placeholder.
    pub async fn negotiate(_stream: S, _settings: &LineSettings) -> std::io::Result<Self> {
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "rfc2217:// is not available yet; use tcp:// (raw) for now",
        ))
    }
}
impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Rfc2217Port<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_read(cx, buf)
    }
}
impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for Rfc2217Port<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
