//! How a connector's HTTP request leaves the host: to exactly the address the
//! policy checked, over TLS that trusts the host's one trust store, under
//! limits the component cannot change.
//!
//! wasmtime-wasi-http's `default_send_request` resolves the name again when
//! it connects, so a name that answers a public address to the check and
//! `127.0.0.1` to the connect (DNS rebinding) would reach the host's own
//! network. Here the name is resolved once, every address is checked, and
//! the socket is opened to a checked address; the `Host` header (set by
//! wasi-http from the URL) and TLS's SNI and certificate check still use the
//! name.

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody};

/// The I/O half of a sent request: drives the connection until the
/// response's body is read.
pub(crate) type Io = Box<dyn Future<Output = Result<(), HttpError>> + Send>;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Name resolution and connecting, as the host does them. The daemon uses
/// [`SystemNetwork`]; a test can answer names itself and see where the host
/// connects.
pub trait Network: Send + Sync + 'static {
    /// The addresses `host` resolves to.
    fn resolve<'a>(&'a self, host: &'a str, port: u16) -> BoxFuture<'a, io::Result<Vec<IpAddr>>>;

    /// A TCP connection to `address`.
    fn connect(&self, address: SocketAddr) -> BoxFuture<'_, io::Result<TcpStream>>;
}

/// The operating system's resolver and sockets.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemNetwork;

impl Network for SystemNetwork {
    fn resolve<'a>(&'a self, host: &'a str, port: u16) -> BoxFuture<'a, io::Result<Vec<IpAddr>>> {
        Box::pin(async move {
            Ok(tokio::net::lookup_host((host, port))
                .await?
                .map(|a| a.ip())
                .collect())
        })
    }

    fn connect(&self, address: SocketAddr) -> BoxFuture<'_, io::Result<TcpStream>> {
        Box::pin(async move {
            let stream = TcpStream::connect(address).await?;
            stream.set_nodelay(true)?;
            Ok(stream)
        })
    }
}

/// Limits on one connector's outbound HTTP that its component cannot raise
/// (a guest's own `request-options` may only shorten the timeouts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpLimits {
    /// Longest wait for the name, the TCP connection and the TLS handshake.
    pub connect_timeout: Duration,
    /// Longest time from sending the request to the last byte of the
    /// response: a server that drips bytes is cut off here.
    pub deadline: Duration,
    /// Largest response body, in bytes.
    pub max_response_bytes: u64,
    /// Most requests one connector may have open at once; one more is
    /// refused at once (`connection-limit-reached`), not queued behind
    /// requests that may be stuck.
    pub max_concurrent: usize,
}

impl Default for HttpLimits {
    /// 10 s to connect, 30 s per request, 16 MiB per response, 4 at once.
    fn default() -> Self {
        HttpLimits {
            connect_timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(30),
            max_response_bytes: 16 << 20,
            max_concurrent: 4,
        }
    }
}

/// The TLS client configuration every connector uses, replaceable at a
/// reload; loaded from the platform on first use when the embedder set none.
#[derive(Clone, Default)]
pub(crate) struct TrustHandle(Arc<RwLock<Option<Arc<rustls::ClientConfig>>>>);

impl TrustHandle {
    pub(crate) fn set(&self, config: Arc<rustls::ClientConfig>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Some(config);
    }

    fn get(&self) -> Result<Arc<rustls::ClientConfig>, HttpError> {
        if let Some(config) = self.0.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
            return Ok(config.clone());
        }
        let loaded = plutanium_tls::TrustStore::load(&[])
            .map_err(|e| HttpError::InternalError(Some(e.to_string())))?
            .client_config();
        self.set(loaded.clone());
        Ok(loaded)
    }
}

/// One connector's way out: its network, trust, limits and open-request
/// slots (shared by every instance of the connector).
#[derive(Clone)]
pub(crate) struct Egress {
    pub(crate) connector: String,
    pub(crate) network: Arc<dyn Network>,
    pub(crate) trust: TrustHandle,
    pub(crate) limits: HttpLimits,
    slots: Arc<Semaphore>,
}

impl std::fmt::Debug for Egress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Egress")
            .field("connector", &self.connector)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// Where a request goes: the name as written, and the addresses it
/// resolved to, every one of them checked.
pub(crate) struct Target {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) addresses: Vec<IpAddr>,
}

impl Egress {
    pub(crate) fn new(
        connector: &str,
        network: Arc<dyn Network>,
        trust: TrustHandle,
        limits: HttpLimits,
    ) -> Self {
        Egress {
            connector: connector.to_string(),
            network,
            trust,
            slots: Arc::new(Semaphore::new(limits.max_concurrent.max(1))),
            limits,
        }
    }

    /// The timeouts a guest asked for, never longer than ours.
    pub(crate) fn options(&self, asked: Option<RequestOptions>) -> RequestOptions {
        let asked = asked.unwrap_or_default();
        let shorter =
            |asked: Option<Duration>, ours: Duration| Some(asked.map_or(ours, |t| t.min(ours)));
        RequestOptions {
            connect_timeout: shorter(asked.connect_timeout, self.limits.connect_timeout),
            first_byte_timeout: shorter(asked.first_byte_timeout, self.limits.deadline),
            between_bytes_timeout: shorter(asked.between_bytes_timeout, self.limits.deadline),
        }
    }

    /// Resolves `host` once (an address literal is its own answer).
    pub(crate) async fn resolve(&self, host: &str, port: u16) -> Result<Target, HttpError> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addresses = match bare.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => tokio::time::timeout(
                self.limits.connect_timeout,
                self.network.resolve(bare, port),
            )
            .await
            .map_err(|_| HttpError::DnsTimeout)?
            .map_err(|_| HttpError::DnsError {
                rcode: Some("address not available".into()),
                info_code: None,
            })?,
        };
        Ok(Target {
            host: bare.to_string(),
            port,
            addresses,
        })
    }

    /// Sends `request` to one of `target`'s checked addresses and returns
    /// the response, whose body ends at the deadline or the size cap.
    pub(crate) async fn send(
        &self,
        mut request: http::Request<WasiBody>,
        target: &Target,
        options: RequestOptions,
    ) -> Result<(http::Response<WasiBody>, Io), HttpError> {
        let slot = self.slots.clone().try_acquire_owned().map_err(|_| {
            tracing::warn!(
                connector = %self.connector,
                host = %target.host,
                limit = self.limits.max_concurrent,
                "refusing an HTTP request: the connector already has as many open as it may"
            );
            HttpError::ConnectionLimitReached
        })?;
        let deadline = Instant::now() + self.limits.deadline;
        let connect_timeout = options
            .connect_timeout
            .unwrap_or(self.limits.connect_timeout);
        let use_tls = request.uri().scheme() == Some(&http::uri::Scheme::HTTPS);
        let stream = tokio::time::timeout(connect_timeout, self.connect(target, use_tls))
            .await
            .map_err(|_| HttpError::ConnectionTimeout)??;
        let (mut sender, connection) = tokio::time::timeout(
            connect_timeout,
            hyper::client::conn::http1::handshake(wasmtime_wasi_http::io::TokioIo::new(stream)),
        )
        .await
        .map_err(|_| HttpError::ConnectionTimeout)??;
        // The request line carries only the path: the authority travels in
        // the Host header, as to any origin server.
        let path = request
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        *request.uri_mut() = http::Uri::builder()
            .path_and_query(path)
            .build()
            .map_err(|_| HttpError::HttpRequestUriInvalid)?;
        let first_byte = options.first_byte_timeout.unwrap_or(self.limits.deadline);
        let respond = async {
            tokio::time::timeout(first_byte, sender.send_request(request))
                .await
                .map_err(|_| HttpError::ConnectionReadTimeout)?
                .map_err(HttpError::from)
        };
        // The connection is driven while the response head is awaited, then
        // handed to wasi-http, which drives it while the guest reads.
        let mut connection = Box::pin(connection);
        let mut respond = std::pin::pin!(respond);
        let mut connection_done = false;
        let head = tokio::time::timeout_at(
            deadline,
            std::future::poll_fn(|cx| {
                if let Poll::Ready(result) = respond.as_mut().poll(cx) {
                    return Poll::Ready(result);
                }
                if !connection_done && let Poll::Ready(result) = connection.as_mut().poll(cx) {
                    connection_done = true;
                    if let Err(e) = result {
                        return Poll::Ready(Err(HttpError::from(e)));
                    }
                    return respond.as_mut().poll(cx);
                }
                Poll::Pending
            }),
        )
        .await
        .map_err(|_| HttpError::ConnectionReadTimeout)??;
        if let Some(length) = head
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            && length > self.limits.max_response_bytes
        {
            self.refuse_size(target, length);
            return Err(HttpError::HttpResponseBodySize(Some(length)));
        }
        let limits = self.limits;
        let between = options
            .between_bytes_timeout
            .filter(|t| *t < limits.deadline);
        let (parts, incoming) = head.into_parts();
        let body = Capped {
            inner: incoming,
            deadline: Box::pin(tokio::time::sleep_until(deadline)),
            between: between.map(|t| (t, Box::pin(tokio::time::sleep(t)))),
            read: 0,
            max: limits.max_response_bytes,
            connector: self.connector.clone(),
            _slot: slot,
        };
        let io: Io = Box::new(async move {
            if connection_done {
                return Ok(());
            }
            match tokio::time::timeout_at(deadline, connection).await {
                Ok(result) => result.map_err(HttpError::from),
                Err(_) => Err(HttpError::HttpResponseTimeout),
            }
        });
        Ok((http::Response::from_parts(parts, body.boxed_unsync()), io))
    }

    fn refuse_size(&self, target: &Target, length: u64) {
        tracing::warn!(
            connector = %self.connector,
            host = %target.host,
            length,
            limit = self.limits.max_response_bytes,
            "refusing an HTTP response larger than the connector's limit"
        );
    }

    /// A connection to the first checked address that answers, with TLS
    /// for the name when the URL is `https`.
    async fn connect(&self, target: &Target, use_tls: bool) -> Result<Box<dyn Stream>, HttpError> {
        let mut last = None;
        let mut stream = None;
        for ip in &target.addresses {
            match self
                .network
                .connect(SocketAddr::new(*ip, target.port))
                .await
            {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        let stream = match (stream, last) {
            (Some(stream), _) => stream,
            (None, Some(e)) if e.kind() == io::ErrorKind::ConnectionRefused => {
                return Err(HttpError::ConnectionRefused);
            }
            (None, Some(e)) => return Err(HttpError::Connect(e)),
            (None, None) => return Err(HttpError::DestinationNotFound),
        };
        if !use_tls {
            return Ok(Box::new(stream));
        }
        let name = rustls::pki_types::ServerName::try_from(target.host.clone())
            .map_err(|_| HttpError::HttpRequestUriInvalid)?;
        let connector = tokio_rustls::TlsConnector::from(self.trust.get()?);
        match connector.connect(name, stream).await {
            Ok(tls) => Ok(Box::new(tls)),
            Err(e) => Err(self.tls_error(target, e)),
        }
    }

    /// The guest's error code for a failed handshake; the reason, which only
    /// the operator can act on, goes to the log.
    fn tls_error(&self, target: &Target, e: io::Error) -> HttpError {
        let rustls_error = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .cloned();
        match rustls_error {
            Some(rustls::Error::InvalidCertificate(why)) => {
                tracing::warn!(
                    connector = %self.connector,
                    host = %target.host,
                    reason = ?why,
                    "the server's TLS certificate is not trusted; if it is signed by a private or company CA, add that CA's PEM file to `tls.ca_files`"
                );
                HttpError::TlsCertificateError
            }
            Some(rustls::Error::AlertReceived(alert)) => HttpError::TlsAlertReceived {
                alert_id: Some(u8::from(alert)),
                alert_message: Some(format!("{alert:?}")),
            },
            _ => {
                tracing::warn!(connector = %self.connector, host = %target.host, error = %e, "TLS handshake failed");
                HttpError::TlsProtocolError
            }
        }
    }
}

/// A byte stream hyper can speak HTTP/1.1 over: TCP, or TLS over TCP.
trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static> Stream for T {}

/// A response body that ends with an error at the request's deadline, past
/// the size cap, or when the guest's between-bytes wait runs out, and that
/// holds the connector's request slot until it is read or dropped.
struct Capped {
    inner: hyper::body::Incoming,
    deadline: Pin<Box<Sleep>>,
    between: Option<(Duration, Pin<Box<Sleep>>)>,
    read: u64,
    max: u64,
    connector: String,
    _slot: OwnedSemaphorePermit,
}

impl http_body::Body for Capped {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, HttpError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(if e.is_timeout() {
                HttpError::HttpResponseTimeout
            } else {
                HttpError::from(e)
            }))),
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.read += data.len() as u64;
                    if this.read > this.max {
                        tracing::warn!(
                            connector = %this.connector,
                            limit = this.max,
                            "cutting off an HTTP response larger than the connector's limit"
                        );
                        return Poll::Ready(Some(Err(HttpError::HttpResponseBodySize(Some(
                            this.read,
                        )))));
                    }
                }
                if let Some((wait, sleep)) = &mut this.between {
                    sleep.as_mut().reset(Instant::now() + *wait);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                if this.deadline.as_mut().poll(cx).is_ready() {
                    tracing::warn!(
                        connector = %this.connector,
                        read = this.read,
                        "cutting off an HTTP response still arriving at the connector's request deadline"
                    );
                    return Poll::Ready(Some(Err(HttpError::HttpResponseTimeout)));
                }
                if let Some((_, sleep)) = &mut this.between
                    && sleep.as_mut().poll(cx).is_ready()
                {
                    return Poll::Ready(Some(Err(HttpError::ConnectionReadTimeout)));
                }
                Poll::Pending
            }
        }
    }
}
