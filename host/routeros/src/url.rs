//! The port URL of a modem behind RouterOS's REST API:
//! `routeros+https://USER@HOST[:PORT]/INTERFACE`, or `routeros+http://…`
//! on a LAN without TLS.

use std::fmt;
use std::str::FromStr;

/// Where the router is, who to log in as, and which LTE interface's modem.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RouterOsUrl {
    /// HTTPS (`www-ssl`) or plain HTTP (`www`, RouterOS 7.9 and later).
    pub tls: bool,
    /// The RouterOS user (its group needs the `api`, `read`, `write` and
    /// `test` policies).
    pub user: String,
    /// Host name or address (IPv6 without brackets).
    pub host: String,
    /// 443 or 80 unless given.
    pub port: u16,
    /// The modem's interface, `lte1`, as `/tool sms` names it in `port`.
    pub interface: String,
}

/// A `routeros+…` URL that cannot be used, with what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid RouterOS port \"{url}\": {reason}")]
pub struct InvalidRouterOsUrl {
    /// The URL as written.
    pub url: String,
    /// What is wrong, and the expected form.
    pub reason: String,
}

const FORM: &str = "expected routeros+https://USER@HOST[:PORT]/INTERFACE, e.g. routeros+https://api@192.168.88.1/lte1";

impl FromStr for RouterOsUrl {
    type Err = InvalidRouterOsUrl;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: String| InvalidRouterOsUrl {
            url: text.to_string(),
            reason,
        };
        let tls = if text.starts_with("routeros+https://") {
            true
        } else if text.starts_with("routeros+http://") {
            false
        } else {
            return Err(invalid(FORM.into()));
        };
        let parsed = url::Url::parse(text).map_err(|e| invalid(format!("{e}; {FORM}")))?;
        if let Some(password) = parsed.password() {
            return Err(InvalidRouterOsUrl {
                url: text.replacen(&format!(":{password}@"), ":(redacted)@", 1),
                reason:
                    "the password does not go in the URL (it would show in logs and the process \
                 list); put it in a file named by `password_file:` on the modem"
                        .into(),
            });
        }
        let user = percent_decode(parsed.username());
        if user.is_empty() {
            return Err(invalid(format!("no user; {FORM}")));
        }
        let host = match parsed.host() {
            Some(url::Host::Ipv6(address)) => address.to_string(),
            Some(host) => host.to_string(),
            None => return Err(invalid(format!("no host; {FORM}"))),
        };
        let interface = parsed.path().trim_matches('/').to_string();
        if interface.is_empty() || interface.contains('/') {
            return Err(invalid(format!(
                "name one LTE interface after the host (as `/interface lte print` lists it); {FORM}"
            )));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid(format!("takes no parameters; {FORM}")));
        }
        Ok(RouterOsUrl {
            tls,
            user,
            host,
            port: parsed.port().unwrap_or(if tls { 443 } else { 80 }),
            interface: percent_decode(&interface),
        })
    }
}

fn percent_decode(text: &str) -> String {
    // `url` leaves user and path percent-encoded; RouterOS names are
    // plain, so only the common escapes need undoing.
    let mut out = Vec::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl RouterOsUrl {
    /// The REST API's root, `https://HOST:PORT/rest`.
    pub fn rest_base(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{host}:{}/rest", self.port)
    }
}

impl fmt::Display for RouterOsUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.tls { "https" } else { "http" };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(
            f,
            "routeros+{scheme}://{}@{host}:{}/{}",
            self.user, self.port, self.interface
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_with_defaults_and_round_trip() {
        let url: RouterOsUrl = "routeros+https://api@192.168.88.1/lte1".parse().unwrap();
        assert_eq!(
            url,
            RouterOsUrl {
                tls: true,
                user: "api".into(),
                host: "192.168.88.1".into(),
                port: 443,
                interface: "lte1".into()
            }
        );
        assert_eq!(url.rest_base(), "https://192.168.88.1:443/rest");
        assert_eq!(url.to_string().parse::<RouterOsUrl>().unwrap(), url);
        let plain: RouterOsUrl = "routeros+http://sms%40gw@[fd00::1]:8080/lte2"
            .parse()
            .unwrap();
        assert_eq!((plain.tls, plain.port), (false, 8080));
        assert_eq!(plain.user, "sms@gw");
        assert_eq!(plain.host, "fd00::1");
        assert_eq!(plain.rest_base(), "http://[fd00::1]:8080/rest");
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        for (url, says) in [
            ("routeros://api@r/lte1", "expected routeros+https://"),
            ("routeros+https://r/lte1", "no user"),
            ("routeros+https://api:secret@r/lte1", "password_file"),
            ("routeros+https://api@r", "name one LTE interface"),
            ("routeros+https://api@r/lte1/x", "name one LTE interface"),
            ("routeros+https://api@r/lte1?x=1", "no parameters"),
            ("routeros+https://api@r:99999/lte1", "invalid port"),
        ] {
            let err = url.parse::<RouterOsUrl>().unwrap_err().to_string();
            assert!(err.contains(says), "{url}: {err}");
            if url.contains("secret") {
                assert!(!err.contains("secret"), "the password stays out: {err}");
            } else {
                assert!(err.contains(url), "names the URL: {err}");
            }
        }
    }
}
