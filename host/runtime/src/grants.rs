//! Outbound HTTP policy for one connector: which hosts it may reach, the
//! resolved-address check, and the credentials the host adds for it. How the
//! request then leaves the host is `egress`.

use std::net::IpAddr;
use std::sync::Arc;

use http::HeaderName;
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody, WasiHttpHooks};

use crate::egress::{Egress, HttpLimits, Io};

/// Where a connector's HTTP requests may go.
///
/// Entries: `example.com` (that host, any port), `*.example.com` (its
/// subdomains, not itself), either with `:PORT` to pin the port, or an IP
/// address (`127.0.0.1`, `[::1]:8080`). Names are resolved before connecting, and
/// a name that resolves to a loopback, private, link-local or otherwise
/// non-public address is refused unless that address is itself an entry: a
/// granted public name cannot be pointed at the operator's own network.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostPolicy {
    entries: Vec<HostEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum HostName {
    Exact(String),
    Suffix(String),
    Ip(IpAddr),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct HostEntry {
    name: HostName,
    port: Option<u16>,
}

/// An `allow_hosts` entry that cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid allow_hosts entry {entry:?}: {reason}")]
pub struct InvalidHostEntry {
    /// The entry as written.
    pub entry: String,
    /// What is wrong.
    pub reason: &'static str,
}

fn parse_entry(entry: &str) -> Result<HostEntry, InvalidHostEntry> {
    let invalid = |reason| InvalidHostEntry {
        entry: entry.to_string(),
        reason,
    };
    let text = entry.trim().to_ascii_lowercase();
    if text.is_empty() || text.contains('/') || text.contains('@') {
        return Err(invalid(
            "expected HOST, *.DOMAIN or an IP address, with an optional :PORT",
        ));
    }
    // [v6]:port, v6, v4:port, host:port, host
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (ip, after) = rest
            .split_once(']')
            .ok_or_else(|| invalid("unclosed '['"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse::<u16>().map_err(|_| invalid("bad port"))?),
            None if after.is_empty() => None,
            None => return Err(invalid("unexpected text after ']'")),
        };
        (ip.to_string(), port)
    } else if text.parse::<std::net::Ipv6Addr>().is_ok() {
        (text.clone(), None)
    } else if let Some((host, port)) = text.rsplit_once(':') {
        (
            host.to_string(),
            Some(port.parse::<u16>().map_err(|_| invalid("bad port"))?),
        )
    } else {
        (text.clone(), None)
    };
    let name = if let Ok(ip) = host.parse::<IpAddr>() {
        HostName::Ip(ip)
    } else if let Some(domain) = host.strip_prefix("*.") {
        if domain.is_empty() || domain.contains('*') {
            return Err(invalid("a wildcard needs a domain after '*.'"));
        }
        HostName::Suffix(domain.to_string())
    } else {
        if host.contains('*') {
            return Err(invalid("'*' is only allowed as a leading '*.'"));
        }
        HostName::Exact(host)
    };
    Ok(HostEntry { name, port })
}

/// Whether an address is one a public service would have.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                // 100.64.0.0/10, carrier-grade NAT
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xC0) == 64))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xFE00) == 0xFC00 // unique local fc00::/7
                || (first & 0xFFC0) == 0xFE80) // link local fe80::/10
        }
    }
}

impl HostPolicy {
    /// Parses `allow_hosts` entries.
    pub fn new<S: AsRef<str>>(entries: &[S]) -> Result<Self, InvalidHostEntry> {
        Ok(HostPolicy {
            entries: entries
                .iter()
                .map(|e| parse_entry(e.as_ref()))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Whether any entry admits `host` (as written in the URL) on `port`.
    pub fn admits_name(&self, host: &str, port: u16) -> bool {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let ip = host.parse::<IpAddr>().ok();
        self.entries.iter().any(|e| {
            e.port.is_none_or(|p| p == port)
                && match &e.name {
                    HostName::Exact(name) => *name == host,
                    HostName::Suffix(domain) => host
                        .strip_suffix(domain.as_str())
                        .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1),
                    HostName::Ip(granted) => ip == Some(*granted),
                }
        })
    }

    /// Whether a resolved address may be connected to.
    pub fn admits_address(&self, ip: IpAddr) -> bool {
        is_public(ip)
            || self
                .entries
                .iter()
                .any(|e| matches!(e.name, HostName::Ip(granted) if granted == ip))
    }
}

/// Adds credentials to requests for some hosts. The daemon implements it with
/// its OAuth token store; the component never sees the token.
pub trait TokenProvider: Send + Sync {
    /// A current access token (refreshed as needed).
    fn token(&self) -> std::pin::Pin<Box<dyn Future<Output = Result<String, String>> + Send + '_>>;

    /// A new token, because the service refused `rejected` (HTTP 401).
    /// Providers that can refresh do so now; the default asks [`token`]
    /// again. The request is sent once more only if the token changed.
    ///
    /// [`token`]: TokenProvider::token
    fn refresh<'a>(
        &'a self,
        rejected: &'a str,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<String, String>> + Send + 'a>> {
        let _ = rejected;
        self.token()
    }
}

/// The largest request body the host keeps to send again after a 401.
const MAX_REPLAYED_BODY: usize = 8 << 20;

/// A connector's OAuth grant: the hosts that get `Authorization: Bearer`.
#[derive(Clone)]
pub struct OAuthGrant {
    /// Hosts (same syntax as `allow_hosts`) that receive the token.
    pub hosts: HostPolicy,
    /// Where tokens come from.
    pub tokens: Arc<dyn TokenProvider>,
}

impl std::fmt::Debug for OAuthGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthGrant")
            .field("hosts", &self.hosts)
            .finish_non_exhaustive()
    }
}

/// The HTTP hooks of one connector's store.
#[derive(Clone, Debug)]
pub(crate) struct HttpGrants {
    pub(crate) hosts: HostPolicy,
    pub(crate) oauth: Option<OAuthGrant>,
    pub(crate) egress: Egress,
}

impl WasiHttpHooks for HttpGrants {
    fn is_forbidden_header(&mut self, name: &HeaderName) -> bool {
        // Credentials are the host's business: a guest never sets them.
        *name == http::header::AUTHORIZATION
            || *name == http::header::PROXY_AUTHORIZATION
            || wasmtime_wasi_http::DEFAULT_FORBIDDEN_HEADERS.contains(name)
    }

    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        _fut: Io,
    ) -> Box<dyn Future<Output = Result<(http::Response<WasiBody>, Io), HttpError>> + Send> {
        let uri = request.uri().clone();
        let host = uri.host().unwrap_or_default().to_string();
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("https") {
                443
            } else {
                80
            });
        let policy = self.hosts.clone();
        let oauth = self.oauth.clone().filter(|o| {
            may_carry_token(uri.scheme_str(), &host) && o.hosts.admits_name(&host, port)
        });
        let egress = self.egress.clone();
        let options = egress.options(options);
        Box::new(async move {
            if !policy.admits_name(&host, port) {
                return Err(HttpError::HttpRequestDenied);
            }
            // Resolved once: the connection goes to one of exactly these
            // addresses, so a second answer cannot differ from the checked one.
            let target = egress.resolve(&host, port).await?;
            if target.addresses.is_empty()
                || target
                    .addresses
                    .iter()
                    .any(|ip| !policy.admits_address(*ip))
            {
                return Err(HttpError::HttpRequestDenied);
            }
            let Some(oauth) = oauth else {
                return egress.send(request, &target, options).await;
            };
            // With a token, a 401 is answered by refreshing it once and
            // sending the request again, so the body is kept.
            let (parts, body) = request.into_parts();
            let body = tokio::time::timeout(egress.limits.deadline, read_body(body))
                .await
                .map_err(|_| HttpError::ConnectionWriteTimeout)??;
            let token = oauth
                .tokens
                .token()
                .await
                .map_err(|e| HttpError::InternalError(Some(format!("no access token: {e}"))))?;
            let (response, io) = egress
                .send(with_token(&parts, &body, &token)?, &target, options)
                .await?;
            if response.status() != http::StatusCode::UNAUTHORIZED {
                return Ok((response, io));
            }
            match oauth.tokens.refresh(&token).await {
                Ok(fresh) if fresh != token => {
                    tracing::info!(
                        host,
                        "the access token was refused; sending again with a refreshed one"
                    );
                    drop((response, io));
                    egress
                        .send(with_token(&parts, &body, &fresh)?, &target, options)
                        .await
                }
                Ok(_) => {
                    tracing::warn!(
                        host,
                        "the access token was refused and no newer one is available"
                    );
                    Ok((response, io))
                }
                Err(e) => {
                    tracing::warn!(host, error = %e, "the access token was refused and refreshing it failed");
                    Ok((response, io))
                }
            }
        })
    }
}

/// Whether a request may carry a token: only encrypted (`https`), or to
/// this machine itself by address — a plain `http://` request elsewhere
/// would show the token to the network.
fn may_carry_token(scheme: Option<&str>, host: &str) -> bool {
    scheme == Some("https")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The whole request body (the guest writes it before it waits for the
/// answer), up to [`MAX_REPLAYED_BODY`].
async fn read_body(body: WasiBody) -> Result<bytes::Bytes, HttpError> {
    use http_body_util::BodyExt;
    let limited = http_body_util::Limited::new(body, MAX_REPLAYED_BODY);
    match limited.collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) => match e.downcast::<HttpError>() {
            Ok(e) => Err(*e),
            Err(_) => Err(HttpError::HttpRequestBodySize(None)),
        },
    }
}

/// The request again, with `Authorization: Bearer <token>`.
fn with_token(
    parts: &http::request::Parts,
    body: &bytes::Bytes,
    token: &str,
) -> Result<http::Request<WasiBody>, HttpError> {
    use http_body_util::BodyExt;
    let value = http::HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| HttpError::InternalError(Some("unusable access token".into())))?;
    let mut request = http::Request::new(
        http_body_util::Full::new(body.clone())
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    *request.method_mut() = parts.method.clone();
    *request.uri_mut() = parts.uri.clone();
    *request.version_mut() = parts.version;
    *request.headers_mut() = parts.headers.clone();
    request
        .headers_mut()
        .insert(http::header::AUTHORIZATION, value);
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_matching() {
        let p = HostPolicy::new(&[
            "gmail.googleapis.com",
            "*.example.org:8443",
            "127.0.0.1",
            "[::1]:9000",
        ])
        .unwrap();
        assert!(p.admits_name("gmail.googleapis.com", 443));
        assert!(p.admits_name("GMAIL.googleapis.com", 80));
        assert!(!p.admits_name("evil-gmail.googleapis.com", 443));
        assert!(p.admits_name("api.example.org", 8443));
        assert!(!p.admits_name("api.example.org", 443));
        assert!(
            !p.admits_name("example.org", 8443),
            "a wildcard is for subdomains"
        );
        assert!(!p.admits_name("badexample.org", 8443));
        assert!(p.admits_name("127.0.0.1", 1234));
        assert!(p.admits_name("[::1]", 9000));
        assert!(!p.admits_name("[::1]", 9001));
        for bad in ["", "http://x", "a*b.com", "*.", "host:port", "[::1"] {
            assert!(HostPolicy::new(&[bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_travel_encrypted_or_stay_on_this_machine() {
        assert!(may_carry_token(Some("https"), "gmail.googleapis.com"));
        assert!(!may_carry_token(Some("http"), "gmail.googleapis.com"));
        assert!(
            !may_carry_token(Some("http"), "localhost"),
            "a name can resolve anywhere"
        );
        assert!(may_carry_token(Some("http"), "127.0.0.1"));
        assert!(may_carry_token(Some("http"), "[::1]"));
        assert!(!may_carry_token(Some("http"), "10.0.0.5"));
    }

    #[test]
    fn only_public_addresses_unless_granted() {
        let p = HostPolicy::new(&["example.com", "10.1.2.3"]).unwrap();
        assert!(p.admits_address("93.184.216.34".parse().unwrap()));
        assert!(!p.admits_address("127.0.0.1".parse().unwrap()));
        assert!(!p.admits_address("192.168.1.1".parse().unwrap()));
        assert!(!p.admits_address("169.254.169.254".parse().unwrap()));
        assert!(!p.admits_address("100.64.0.1".parse().unwrap()));
        assert!(!p.admits_address("::1".parse().unwrap()));
        assert!(!p.admits_address("fd00::1".parse().unwrap()));
        assert!(!p.admits_address("::ffff:127.0.0.1".parse().unwrap()));
        assert!(p.admits_address("10.1.2.3".parse().unwrap()));
        assert!(p.admits_address("2606:4700::1111".parse().unwrap()));
    }
}

/// What an operator grants one connector.
#[derive(Clone, Debug, Default)]
pub struct Grants {
    /// Hosts its HTTP requests may reach (see [`HostPolicy`]); none by default.
    pub allow_hosts: Vec<String>,
    /// Its configuration, as key/value pairs.
    pub config: Vec<(String, String)>,
    /// Credentials the host adds to its requests to some hosts.
    pub oauth: Option<OAuthGrant>,
    /// This connector's wall-time limit per call, instead of the runtime's.
    pub call_deadline: Option<std::time::Duration>,
    /// This connector's memory cap in bytes, instead of the runtime's.
    pub memory_limit: Option<usize>,
    /// This connector's HTTP limits, instead of the runtime's.
    pub http_limits: Option<HttpLimits>,
}
