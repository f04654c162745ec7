//! Ports: the byte streams a modem is reached through, chosen by URL.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};

use crate::line::{FlowControl, LineSettings, Parity};

/// A byte stream to a modem.
pub trait PortStream: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> PortStream for T {}

/// An open port.
pub type Port = Box<dyn PortStream>;

/// Opens in-process ports by name: the `sim://NAME` scheme. The simulator
/// implements this; the driver never depends on the simulator itself.
pub trait InProcessPorts: Send + Sync {
    /// Opens the port named `name`.
    fn open(&self, name: &str) -> std::io::Result<Port>;
}

/// Where a modem is, as written in the config: `serial:///dev/ttyUSB0?baud=115200&flow=none`,
/// `tcp://host:port`, `rfc2217://host:port?baud=115200`, or `sim://NAME`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PortUrl {
    /// A local serial device.
    Serial {
        /// Device path.
        path: String,
        /// Line settings.
        settings: LineSettings,
    },
    /// Raw TCP (ser2net raw, socat, MikroTik `/port remote-access` raw).
    Tcp {
        /// `host:port`.
        address: String,
    },
    /// Telnet with COM-PORT-OPTION (RFC 2217; ser2net telnet mode, MikroTik's default).
    Rfc2217 {
        /// `host:port`.
        address: String,
        /// Line settings to negotiate.
        settings: LineSettings,
    },
    /// An in-process port (the simulator).
    InProcess {
        /// Port name.
        name: String,
    },
    /// A modem a MikroTik router owns, driven through RouterOS's REST API
    /// (`routeros+https://USER@HOST[:PORT]/INTERFACE`): messages, not AT.
    RouterOs(plutanium_routeros::RouterOsUrl),
    /// A Huawei stick in HiLink mode, or a Huawei router, driven through
    /// its web API (`hilink://[USER@]HOST[:PORT]`): messages, not AT.
    Hilink(plutanium_hilink::HilinkUrl),
}

/// A port URL that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid port URL \"{url}\": {reason}")]
pub struct InvalidPortUrl {
    /// The URL as given.
    pub url: String,
    /// What is wrong.
    pub reason: String,
}

fn parse_settings(query: &str, url: &str) -> Result<LineSettings, InvalidPortUrl> {
    let invalid = |reason: String| InvalidPortUrl {
        url: url.to_string(),
        reason,
    };
    let mut settings = LineSettings::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            invalid(format!(
                "parameter \"{pair}\" is not key=value (e.g. baud=115200)"
            ))
        })?;
        let number = |what: &str| {
            value
                .parse::<u32>()
                .map_err(|_| invalid(format!("{what} \"{value}\" is not a number")))
        };
        match key {
            "baud" => {
                settings.baud = number("baud")?;
                if settings.baud == 0 {
                    return Err(invalid("baud must be above 0".into()));
                }
            }
            "data_bits" | "databits" => {
                let bits = number("data_bits")?;
                settings.data_bits = u8::try_from(bits)
                    .ok()
                    .filter(|b| (5..=8).contains(b))
                    .ok_or_else(|| invalid("data_bits must be 5 to 8".into()))?;
            }
            "stop_bits" | "stopbits" => {
                settings.stop_bits = match value {
                    "1" => 1,
                    "2" => 2,
                    _ => return Err(invalid("stop_bits must be 1 or 2".into())),
                }
            }
            "parity" => {
                settings.parity = match value {
                    "none" | "n" => Parity::None,
                    "odd" | "o" => Parity::Odd,
                    "even" | "e" => Parity::Even,
                    _ => return Err(invalid("parity must be none, odd or even".into())),
                }
            }
            "flow" => {
                settings.flow = match value {
                    "none" => FlowControl::None,
                    "hardware" | "rtscts" => FlowControl::Hardware,
                    "software" | "xonxoff" => FlowControl::Software,
                    _ => return Err(invalid("flow must be none, hardware or software".into())),
                }
            }
            other => {
                return Err(invalid(format!(
                    "unknown parameter \"{other}\"; known: baud, data_bits, stop_bits, parity, flow"
                )));
            }
        }
    }
    Ok(settings)
}

fn check_address(address: &str, url: &str) -> Result<(), InvalidPortUrl> {
    let ok = address
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0));
    if ok {
        Ok(())
    } else {
        Err(InvalidPortUrl {
            url: url.to_string(),
            reason: "expected host:port".into(),
        })
    }
}

impl FromStr for PortUrl {
    type Err = InvalidPortUrl;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &str| InvalidPortUrl {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        if url.starts_with("routeros+") {
            return url.parse().map(PortUrl::RouterOs).map_err(
                |e: plutanium_routeros::InvalidRouterOsUrl| InvalidPortUrl {
                    url: e.url,
                    reason: e.reason,
                },
            );
        }
        if url.starts_with("hilink://") {
            return url.parse().map(PortUrl::Hilink).map_err(
                |e: plutanium_hilink::InvalidHilinkUrl| InvalidPortUrl {
                    url: e.url,
                    reason: e.reason,
                },
            );
        }
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            invalid(
                "expected serial://, tcp://, rfc2217://, routeros+https://, hilink:// or sim://",
            )
        })?;
        let (location, query) = rest.split_once('?').unwrap_or((rest, ""));
        match scheme {
            "serial" => {
                if !location.starts_with('/') {
                    return Err(invalid(
                        "expected an absolute device path, e.g. serial:///dev/ttyUSB0",
                    ));
                }
                Ok(PortUrl::Serial {
                    path: location.to_string(),
                    settings: parse_settings(query, url)?,
                })
            }
            "tcp" => {
                if !query.is_empty() {
                    return Err(invalid("tcp:// takes no parameters"));
                }
                check_address(location, url)?;
                Ok(PortUrl::Tcp {
                    address: location.to_string(),
                })
            }
            "rfc2217" | "telnet" => {
                check_address(location, url)?;
                Ok(PortUrl::Rfc2217 {
                    address: location.to_string(),
                    settings: parse_settings(query, url)?,
                })
            }
            "sim" => {
                if location.is_empty() || !query.is_empty() {
                    return Err(invalid("expected sim://NAME"));
                }
                Ok(PortUrl::InProcess {
                    name: location.to_string(),
                })
            }
            _ => Err(invalid(
                "unknown scheme; expected serial, tcp, rfc2217, routeros+https, routeros+http, hilink or sim",
            )),
        }
    }
}

impl fmt::Display for PortUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortUrl::Serial { path, settings } => {
                write!(f, "serial://{path}?baud={}", settings.baud)
            }
            PortUrl::Tcp { address } => write!(f, "tcp://{address}"),
            PortUrl::Rfc2217 { address, settings } => {
                write!(f, "rfc2217://{address}?baud={}", settings.baud)
            }
            PortUrl::InProcess { name } => write!(f, "sim://{name}"),
            PortUrl::RouterOs(url) => write!(f, "{url}"),
            PortUrl::Hilink(url) => write!(f, "{url}"),
        }
    }
}

/// Opens a port. TCP ports get `TCP_NODELAY`: every millisecond between two
/// sends is lost modem capacity.
pub async fn open(
    url: &PortUrl,
    in_process: Option<&Arc<dyn InProcessPorts>>,
) -> std::io::Result<Port> {
    match url {
        PortUrl::Serial { path, settings } => Ok(Box::new(crate::serial::open(path, settings)?)),
        PortUrl::Tcp { address } => {
            let stream = tokio::net::TcpStream::connect(address).await?;
            stream.set_nodelay(true)?;
            Ok(Box::new(stream))
        }
        PortUrl::Rfc2217 { address, settings } => {
            let stream = tokio::net::TcpStream::connect(address).await?;
            stream.set_nodelay(true)?;
            let port = crate::rfc2217::Rfc2217Port::negotiate(stream, settings).await?;
            Ok(Box::new(port))
        }
        PortUrl::InProcess { name } => match in_process {
            Some(ports) => ports.open(name),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no in-process ports here to open sim://{name}"),
            )),
        },
        PortUrl::RouterOs(_) | PortUrl::Hilink(_) => Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            format!("{url} is a device's web API, not a byte stream: it has no AT port to open"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            "serial:///dev/ttyUSB0?baud=9600&flow=none"
                .parse::<PortUrl>()
                .unwrap(),
            PortUrl::Serial {
                path: "/dev/ttyUSB0".into(),
                settings: LineSettings {
                    baud: 9600,
                    ..LineSettings::default()
                }
            }
        );
        assert!(matches!(
            "tcp://127.0.0.1:7000".parse::<PortUrl>(),
            Ok(PortUrl::Tcp { .. })
        ));
        assert!(matches!(
            "rfc2217://router.lan:3000?baud=115200&parity=none".parse::<PortUrl>(),
            Ok(PortUrl::Rfc2217 { .. })
        ));
        assert!(matches!(
            "sim://gsm0".parse::<PortUrl>(),
            Ok(PortUrl::InProcess { .. })
        ));
        for bad in [
            "ttyUSB0",
            "serial://ttyUSB0",
            "serial:///dev/ttyUSB0?baud=fast",
            "serial:///dev/ttyUSB0?speed=9600",
            "tcp://host",
            "tcp://host:0",
            "tcp://:80",
            "udp://host:1",
            "sim://",
        ] {
            let err = bad.parse::<PortUrl>().unwrap_err();
            assert!(err.to_string().contains(bad), "{err}");
        }
    }
}
