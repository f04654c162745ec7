//! A connector's part of the config: its component, grants, limits and
//! settings, resolved and checked.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use serde_saphyr::Spanned;

use super::raw::{RawConnector, RawHttp};
use super::resolve::{Resolver, as_text, at};

/// Which component a connector runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentRef {
    /// A built-in or installed connector.
    Name(String),
    /// A `.wasm` file.
    Path(PathBuf),
}

/// OAuth for a connector's HTTP requests, done by the daemon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OAuthConfig {
    /// `token_file`, `authorized_user`, `service_account` or `installed`.
    pub kind: String,
    /// The credentials file.
    pub file: Option<PathBuf>,
    /// Scopes to ask for.
    pub scopes: Vec<String>,
    /// The user to act for (service accounts with domain-wide delegation).
    pub subject: Option<String>,
    /// Another token endpoint (tests).
    pub token_uri: Option<String>,
    /// Where `installed` keeps its tokens (`plutanium gmail login` writes it).
    pub token_cache: Option<PathBuf>,
}

/// A connector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConnectorConfig {
    /// Its name.
    pub name: String,
    /// The component.
    pub component: ComponentRef,
    /// Hosts its HTTP requests may reach.
    pub allow_hosts: Vec<String>,
    /// Its OAuth grant.
    pub oauth: Option<OAuthConfig>,
    /// Its config pairs, as the component receives them.
    pub config: Vec<(String, String)>,
    /// The config keys whose values came from `${ENV}`: secrets, most
    /// likely, to leave out when a config is shown.
    #[serde(skip)]
    pub secret_keys: Vec<String>,
    /// How often a source is polled.
    #[serde(with = "as_text")]
    pub interval: Duration,
    /// How many messages a poll may return.
    pub batch: u32,
    /// Longest time for one call.
    #[serde(with = "as_text")]
    pub deadline: Duration,
    /// Memory cap for one instance, in MiB.
    pub memory_mib: u32,
    /// Limits on its outbound HTTP.
    pub http: HttpSettings,
}

/// Limits on a connector's outbound HTTP that its component cannot raise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct HttpSettings {
    /// Longest wait for the name, the connection and the TLS handshake.
    #[serde(with = "as_text")]
    pub connect_timeout: Duration,
    /// Longest time from sending a request to the last byte of its answer.
    #[serde(with = "as_text")]
    pub deadline: Duration,
    /// Largest response body, in MiB.
    pub max_response_mib: u32,
    /// Most requests open at once.
    pub max_concurrent: u32,
}

impl Default for HttpSettings {
    /// 10 s to connect, 30 s per request, 16 MiB per answer, 4 at once.
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(30),
            max_response_mib: 16,
            max_concurrent: 4,
        }
    }
}

impl Resolver<'_> {
    pub(super) fn connector(
        &mut self,
        name: &Spanned<String>,
        raw: &RawConnector,
    ) -> ConnectorConfig {
        let connector_name = self.name(name, "connector");
        let component = self.text(&raw.component);
        let component = if component.ends_with(".wasm") || component.contains('/') {
            ComponentRef::Path(PathBuf::from(component))
        } else {
            ComponentRef::Name(component)
        };
        let mut allow_hosts = Vec::new();
        for host in &raw.allow_hosts {
            let text = self.text(host);
            if text.is_empty() || text.contains(['/', ' ', '@']) {
                self.error(at(host), format!("allow_hosts entry {text:?}: write a host, *.domain or an IP, with an optional :port"));
            }
            allow_hosts.push(text);
        }
        let oauth = raw.oauth.as_ref().map(|o| {
            let kind = self.text(&o.kind);
            let known = [
                "token_file",
                "authorized_user",
                "service_account",
                "installed",
            ];
            if !known.contains(&kind.as_str()) {
                self.error(
                    at(&o.kind),
                    format!("oauth kind {kind:?}: expected one of {}", known.join(", ")),
                );
            }
            if o.file.is_none() {
                self.error(at(&o.kind), "oauth needs a `file`");
            }
            if let Some(uri) = &o.token_uri
                && !(uri.value.starts_with("https://") || uri.value.starts_with("http://"))
            {
                self.error(at(uri), "token_uri must be an http(s) URL");
            }
            if kind == "installed" && o.token_cache.is_none() {
                self.error(
                    at(&o.kind),
                    "oauth kind installed needs a `token_cache` (the file `plutanium gmail login --token-cache` writes)",
                );
            }
            if o.subject.is_some() && kind != "service_account" {
                self.error(at(&o.kind), "oauth `subject` is for kind service_account (domain-wide delegation)");
            }
            for scope in &o.scopes {
                if scope.trim().is_empty() || scope.contains(char::is_whitespace) {
                    self.error(at(&o.kind), format!("oauth scope {scope:?}: one scope per list entry"));
                }
            }
            OAuthConfig {
                kind,
                file: o.file.as_ref().map(|f| PathBuf::from(self.text(f))),
                scopes: o.scopes.clone(),
                subject: o.subject.clone(),
                token_uri: o.token_uri.as_ref().map(|u| self.text(u)),
                token_cache: o.token_cache.as_ref().map(|f| PathBuf::from(self.text(f))),
            }
        });
        let mut config = Vec::new();
        let mut secret_keys = Vec::new();
        for (key, value) in &raw.config {
            let before = config.len();
            self.flatten(at(&raw.component), key, value, &mut config);
            if value.to_string().contains("${") {
                secret_keys.extend(config[before..].iter().map(|(k, _)| k.clone()));
            }
        }
        if raw.batch == Some(0) {
            self.error(at(name), "batch must be more than 0");
        }
        ConnectorConfig {
            name: connector_name,
            component,
            allow_hosts,
            oauth,
            config,
            secret_keys,
            interval: self.positive_duration(
                raw.interval.as_ref(),
                Duration::from_secs(30),
                "interval",
            ),
            batch: raw.batch.unwrap_or(10),
            deadline: self.positive_duration(
                raw.deadline.as_ref(),
                Duration::from_secs(10),
                "deadline",
            ),
            memory_mib: match &raw.memory_mib {
                Some(mib) if mib.value < 8 => {
                    self.error(
                        at(mib),
                        "memory_mib must be at least 8 (a component needs a few MiB to start)",
                    );
                    64
                }
                Some(mib) => mib.value,
                None => 64,
            },
            http: self.http_settings(raw.http.as_ref()),
        }
    }

    fn http_settings(&mut self, raw: Option<&RawHttp>) -> HttpSettings {
        let defaults = HttpSettings::default();
        let Some(raw) = raw else {
            return defaults;
        };
        let mut at_least_one = |value: Option<&Spanned<u32>>, default: u32, what: &str| match value
        {
            Some(v) if v.value == 0 => {
                self.error(at(v), format!("http.{what} must be at least 1"));
                default
            }
            Some(v) => v.value,
            None => default,
        };
        let max_response_mib = at_least_one(
            raw.max_response_mib.as_ref(),
            defaults.max_response_mib,
            "max_response_mib",
        );
        let max_concurrent = at_least_one(
            raw.max_concurrent.as_ref(),
            defaults.max_concurrent,
            "max_concurrent",
        );
        HttpSettings {
            connect_timeout: self.positive_duration(
                raw.connect_timeout.as_ref(),
                defaults.connect_timeout,
                "http.connect_timeout",
            ),
            deadline: self.positive_duration(
                raw.deadline.as_ref(),
                defaults.deadline,
                "http.deadline",
            ),
            max_response_mib,
            max_concurrent,
        }
    }
}
