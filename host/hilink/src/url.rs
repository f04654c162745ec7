//! The port URL of a HiLink device: `hilink://[USER@]HOST[:PORT]`, the host
//! `192.168.8.1` (every HiLink stick's own address) when left out.

use std::fmt;
use std::str::FromStr;

/// Where the device's web API is, and who logs in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HilinkUrl {
    /// The login user, `admin` unless given (only models with a login use it).
    pub user: String,
    /// Host name or address.
    pub host: String,
    /// 80 unless given.
    pub port: u16,
}

/// A `hilink://` URL that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid HiLink port \"{url}\": {reason}")]
pub struct InvalidHilinkUrl {
    /// The URL as written.
    pub url: String,
    /// What is wrong, and the expected form.
    pub reason: String,
}

/// The address every HiLink stick gives itself.
pub const DEFAULT_HOST: &str = "192.168.8.1";

const FORM: &str = "expected hilink://HOST[:PORT] (hilink:// alone is 192.168.8.1), with USER@ before the host for a login other than admin";

impl FromStr for HilinkUrl {
    type Err = InvalidHilinkUrl;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: String| InvalidHilinkUrl {
            url: text.to_string(),
            reason,
        };
        let rest = text
            .strip_prefix("hilink://")
            .ok_or_else(|| invalid(FORM.into()))?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#']) {
            return Err(invalid(format!("takes no path or parameters; {FORM}")));
        }
        let (user, location) = match rest.rsplit_once('@') {
            Some((user, _)) if user.contains(':') => {
                return Err(InvalidHilinkUrl {
                    url: text.replacen(user, &format!("{}:(redacted)", user.split(':').next().unwrap_or_default()), 1),
                    reason: "the password does not go in the URL; put it in a file named by `password_file:` on the modem".into(),
                });
            }
            Some(("", _)) => return Err(invalid(format!("the user before @ is empty; {FORM}"))),
            Some((user, location)) => (user.to_string(), location),
            None => ("admin".to_string(), rest),
        };
        let (host, port) = match location.rsplit_once(':') {
            Some((host, port)) if !host.contains(':') || host.starts_with('[') => (
                host.trim_matches(['[', ']']).to_string(),
                port.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| invalid(format!("{port:?} is not a port number; {FORM}")))?,
            ),
            _ => (location.trim_matches(['[', ']']).to_string(), 80),
        };
        Ok(HilinkUrl {
            user,
            host: if host.is_empty() {
                DEFAULT_HOST.into()
            } else {
                host
            },
            port,
        })
    }
}

impl HilinkUrl {
    /// `http://HOST:PORT`.
    pub fn base(&self) -> String {
        if self.host.contains(':') {
            format!("http://[{}]:{}", self.host, self.port)
        } else {
            format!("http://{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Display for HilinkUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(f, "hilink://{}@{host}:{}", self.user, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_with_defaults() {
        let stick: HilinkUrl = "hilink://".parse().unwrap();
        assert_eq!(
            (stick.user.as_str(), stick.host.as_str(), stick.port),
            ("admin", "192.168.8.1", 80)
        );
        assert_eq!(stick.base(), "http://192.168.8.1:80");
        let router: HilinkUrl = "hilink://root@192.168.1.1:8080".parse().unwrap();
        assert_eq!(
            (router.user.as_str(), router.host.as_str(), router.port),
            ("root", "192.168.1.1", 8080)
        );
        assert_eq!(router.to_string().parse::<HilinkUrl>().unwrap(), router);
        let v6: HilinkUrl = "hilink://[fd00::1]:81".parse().unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("fd00::1", 81));
    }

    #[test]
    fn bad_urls_say_what_is_wrong_and_keep_passwords_out() {
        for (url, says) in [
            ("http://192.168.8.1", "expected hilink://"),
            ("hilink://192.168.8.1/api", "no path"),
            ("hilink://h:x", "not a port number"),
            ("hilink://@h", "user before @ is empty"),
        ] {
            let err = url.parse::<HilinkUrl>().unwrap_err().to_string();
            assert!(err.contains(says), "{url}: {err}");
        }
        let err = "hilink://admin:hunter2@h"
            .parse::<HilinkUrl>()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("password_file") && !err.contains("hunter2"),
            "{err}"
        );
    }
}
