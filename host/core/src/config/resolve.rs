//! From the raw file to the config the daemon runs: references checked,
//! numbers normalized, durations parsed, `${ENV}` substituted, secrets kept
//! as where to find them. Every error is collected with its position.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use serde_saphyr::Spanned;

use super::ConfigError;
use super::connector::ConnectorConfig;
use super::duration::parse_duration;
use super::raw::{RawConfig, RawModem, RawPolicy};

/// How long a modem may take to give the `> ` prompt for `AT+CMGS`, by
/// default: real modems give it within a few hundred milliseconds; five
/// seconds leaves room for a busy one and still gives up long before the
/// send deadline.
pub const DEFAULT_PROMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a multipart SMS waits for its missing parts, by default, before
/// it is stored and routed incomplete (marked): networks deliver the parts
/// of one message within seconds, and rarely more than minutes apart; an
/// hour waits out a modem offline for a while without holding a message
/// back for a day.
pub const DEFAULT_INCOMPLETE_AFTER: Duration = Duration::from_secs(3600);

/// Where the store lives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreLocation {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// In memory: nothing survives a restart (the demo).
    Memory,
    /// A PostgreSQL database that several nodes may share.
    Postgres {
        /// `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=…]`, without a
        /// password.
        url: String,
        /// The file that holds the password (`store_password_file:`);
        /// without one, `PGPASSWORD` or none.
        password_file: Option<PathBuf>,
    },
}

/// A secret: written in the file (possibly from `${ENV}`), or in a file of
/// its own that the daemon reads. Printed configs never show the value.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Secret {
    /// The value itself.
    #[serde(serialize_with = "redacted")]
    Inline(String),
    /// A file holding it.
    File(PathBuf),
}

fn redacted<S: serde::Serializer>(_: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("<redacted>")
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Inline(_) => f.write_str("Secret::Inline(<redacted>)"),
            Secret::File(path) => write!(f, "Secret::File({path:?})"),
        }
    }
}

/// A modem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModemConfig {
    /// Its name.
    pub name: String,
    /// `serial:///dev/ttyUSB0`, `tcp://host:port`, `rfc2217://host:port`,
    /// `routeros+https://user@host/lte1`, `hilink://192.168.8.1` or `sim://name`.
    pub port: String,
    /// Serial speed for a `serial://` or `rfc2217://` port, when `baud:`
    /// says it; the port's own `?baud=` (or 115200) otherwise.
    pub baud: Option<u32>,
    /// The SIM PIN, if the SIM asks.
    pub pin: Option<Secret>,
    /// A device's password (`routeros+…` and `hilink://` ports), from
    /// `password_file:`.
    pub password: Option<Secret>,
    /// A CA file for a router's HTTPS certificate, besides the trusted ones.
    pub ca_file: Option<PathBuf>,
    /// The SIM's own number, E.164.
    pub number: Option<String>,
    /// Most SMS per minute through this modem, when `rate_per_minute:` says
    /// so (an operator's or a SIM plan's limit); none by default. A modem is
    /// limited by its own SMSC round trip, and a cap of ours would only slow
    /// it: the runaway loop a cap protects against is held by the policy's
    /// per-destination limit instead.
    pub rate_per_minute: Option<u32>,
    /// Hang up incoming calls (after noting the caller).
    pub hang_up_calls: bool,
    /// How long to wait for the `> ` prompt after `AT+CMGS` before the send
    /// is cancelled (ESC) and tried again: a modem that swallowed the
    /// command must not stall the modem for the whole send deadline.
    #[serde(with = "as_text")]
    pub prompt_timeout: Duration,
    /// How long a multipart SMS whose parts have not all come waits (from
    /// its last part) before it is stored and routed incomplete, with a
    /// marker where each missing part was.
    #[serde(with = "as_text")]
    pub incomplete_after: Duration,
}

/// One end of a route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// A modem.
    Modem(String),
    /// A connector.
    Connector(String),
}

/// A route: events from `from`, through processors in order, to `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Route {
    /// Where events come from.
    pub from: Endpoint,
    /// Processors, in order.
    pub through: Vec<String>,
    /// Where the results go.
    pub to: Vec<Endpoint>,
}

/// What may be sent where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// If not empty, destinations must start with one of these.
    pub allow_prefixes: Vec<String>,
    /// Destinations starting with one of these are refused.
    pub deny_prefixes: Vec<String>,
    /// Most parts per message.
    pub max_parts: u8,
    /// Allow short codes (premium numbers live there).
    pub allow_short_codes: bool,
    /// Allow premium-rate and shared-cost numbers (libphonenumber's kinds).
    pub allow_premium_numbers: bool,
    /// Most messages to one destination per hour.
    pub per_destination_per_hour: u32,
}

impl Default for Policy {
    /// Safe defaults: no short codes, no premium-rate or shared-cost numbers, at most 6 parts, 30 messages per
    /// destination per hour.
    fn default() -> Self {
        Policy {
            allow_prefixes: Vec::new(),
            deny_prefixes: Vec::new(),
            max_parts: 6,
            allow_short_codes: false,
            allow_premium_numbers: false,
            per_destination_per_hour: 30,
        }
    }
}

/// The REST API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiConfig {
    /// Where to listen.
    pub listen: std::net::SocketAddr,
    /// The token file.
    pub token_file: Option<PathBuf>,
}

/// The resolved configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Config {
    /// The store.
    pub store: StoreLocation,
    /// The calling code national numbers belong to, without `+`.
    pub default_country: Option<String>,
    /// How long finished messages, calls and events are kept.
    #[serde(with = "as_text")]
    pub retention: Duration,
    /// The REST API, when enabled.
    pub api: Option<ApiConfig>,
    /// Modems, in file order.
    pub modems: Vec<ModemConfig>,
    /// Connectors, in file order.
    pub connectors: Vec<ConnectorConfig>,
    /// Routes, in file order.
    pub routes: Vec<Route>,
    /// The destination policy.
    pub policy: Policy,
    /// What TLS trusts, beyond the platform's CAs.
    pub tls: TlsConfig,
    /// How each modem's health is recorded.
    pub health: HealthConfig,
}

/// Each modem's signal, network and SIM, recorded in the store for the
/// web admin's charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct HealthConfig {
    /// How often a sample is taken (and, when under 30 s, the modem
    /// probed).
    #[serde(with = "as_text")]
    pub every: Duration,
    /// How long samples are kept.
    #[serde(with = "as_text")]
    pub keep: Duration,
}

/// The trust store's settings: every TLS client in the daemon trusts the
/// platform's CAs and these.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TlsConfig {
    /// PEM files of extra CAs (a company proxy's, a LAN's private CA).
    pub ca_files: Vec<PathBuf>,
}

pub(super) mod as_text {
    use std::time::Duration;

    pub(in crate::config) fn serialize<S: serde::Serializer>(
        d: &Duration,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let ms = d.as_millis();
        let text = match ms {
            0 => "0s".to_string(),
            ms if ms % 86_400_000 == 0 => format!("{}d", ms / 86_400_000),
            ms if ms % 3_600_000 == 0 => format!("{}h", ms / 3_600_000),
            ms if ms % 60_000 == 0 => format!("{}m", ms / 60_000),
            ms if ms % 1_000 == 0 => format!("{}s", ms / 1_000),
            ms => format!("{ms}ms"),
        };
        s.serialize_str(&text)
    }
}

pub(super) struct Resolver<'a> {
    pub(super) env: &'a dyn Fn(&str) -> Option<String>,
    pub(super) errors: Vec<ConfigError>,
}

pub(super) fn at<T>(spanned: &Spanned<T>) -> (u64, u64) {
    (spanned.referenced.line(), spanned.referenced.column())
}

const PORT_SCHEMES: &[&str] = &[
    "serial://",
    "tcp://",
    "rfc2217://",
    "routeros+https://",
    "routeros+http://",
    "hilink://",
    "sim://",
];

impl Resolver<'_> {
    pub(super) fn error(&mut self, (line, column): (u64, u64), message: impl Into<String>) {
        self.errors.push(ConfigError {
            line,
            column,
            message: message.into(),
        });
    }

    /// `${NAME}` replaced from the environment; `$$` is a `$`.
    fn expand(&mut self, position: (u64, u64), text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if let Some(after) = tail.strip_prefix("$$") {
                out.push('$');
                rest = after;
            } else if let Some(close) = tail.strip_prefix("${").and_then(|t| t.find('}')) {
                let name = &tail[2..2 + close];
                match (self.env)(name) {
                    Some(value) => out.push_str(&value),
                    None => self.error(
                        position,
                        format!("the environment variable {name} is not set"),
                    ),
                }
                rest = &tail[close + 3..];
            } else {
                out.push('$');
                rest = &tail[1..];
            }
        }
        out.push_str(rest);
        out
    }

    pub(super) fn text(&mut self, value: &Spanned<String>) -> String {
        self.expand(at(value), &value.value)
    }

    pub(super) fn duration(
        &mut self,
        value: Option<&Spanned<String>>,
        default: Duration,
    ) -> Duration {
        let Some(value) = value else {
            return default;
        };
        let text = self.text(value);
        parse_duration(&text).unwrap_or_else(|e| {
            self.error(at(value), e);
            default
        })
    }

    /// A duration that must be more than zero.
    pub(super) fn positive_duration(
        &mut self,
        value: Option<&Spanned<String>>,
        default: Duration,
        what: &str,
    ) -> Duration {
        let parsed = self.duration(value, default);
        if let Some(value) = value
            && parsed.is_zero()
        {
            self.error(at(value), format!("{what} must be more than 0"));
            return default;
        }
        parsed
    }

    pub(super) fn name(&mut self, value: &Spanned<String>, what: &str) -> String {
        let name = &value.value;
        let valid = (1..=64).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            self.error(
                at(value),
                format!("{what} name {name:?}: use 1-64 letters, digits, '-' and '_', starting with a letter"),
            );
        }
        name.clone()
    }

    fn number(&mut self, value: &Spanned<String>, country: Option<&str>) -> Option<String> {
        let text = self.text(value);
        match plutanium_sms::number::parse(&text, country) {
            Ok(number) => Some(number.e164),
            Err(e) => {
                self.error(at(value), e.to_string());
                None
            }
        }
    }

    fn secret(
        &mut self,
        inline: Option<&Spanned<String>>,
        file: Option<&Spanned<String>>,
        key: &str,
    ) -> Option<Secret> {
        match (inline, file) {
            (Some(value), Some(_)) => {
                self.error(at(value), format!("give `{key}` or `{key}_file`, not both"));
                None
            }
            (Some(value), None) => Some(Secret::Inline(self.text(value))),
            (None, Some(path)) => Some(Secret::File(PathBuf::from(self.text(path)))),
            (None, None) => None,
        }
    }

    fn modem(&mut self, name: String, raw: &RawModem, country: Option<&str>) -> ModemConfig {
        let port = self.text(&raw.port);
        // `hilink://` alone is the stick's own 192.168.8.1.
        if !PORT_SCHEMES
            .iter()
            .any(|s| port.starts_with(s) && (port.len() > s.len() || *s == "hilink://"))
        {
            self.error(
                at(&raw.port),
                format!("port {port:?}: expected serial:///dev/..., tcp://host:port, rfc2217://host:port, routeros+https://user@host/lte1, hilink://192.168.8.1 or sim://name"),
            );
        }
        let router = port.starts_with("routeros+");
        if router || port.starts_with("hilink://") {
            let authority = port.split_once("://").map_or("", |(_, rest)| rest);
            let authority = authority.split('/').next().unwrap_or_default();
            if authority
                .rsplit_once('@')
                .is_some_and(|(userinfo, _)| userinfo.contains(':'))
            {
                self.error(
                    at(&raw.port),
                    "the device's password does not go in the port URL (logs and `config check` would show it); put it in a file named by `password_file:`",
                );
            }
        }
        if router {
            if raw.password_file.is_none() {
                self.error(
                    at(&raw.port),
                    "a routeros+ port needs `password_file:`, a file holding the RouterOS user's password",
                );
            }
            if let Some(pin) = raw.pin.as_ref().or(raw.pin_file.as_ref()) {
                self.error(
                    at(pin),
                    "RouterOS unlocks the SIM itself: set its PIN on the router (`/interface lte set lte1 pin=…`), not here",
                );
            }
        } else if port.starts_with("hilink://") {
            if let Some(pin) = raw.pin.as_ref().or(raw.pin_file.as_ref()) {
                self.error(
                    at(pin),
                    "a HiLink device unlocks the SIM itself: enter its PIN in the device's web page, not here",
                );
            }
            if let Some(ca_file) = &raw.ca_file {
                self.error(
                    at(ca_file),
                    "`ca_file` is for routeros+https:// ports only; a HiLink device speaks plain HTTP",
                );
            }
        } else {
            for (key, value) in [
                ("password_file", &raw.password_file),
                ("ca_file", &raw.ca_file),
            ] {
                if let Some(value) = value {
                    self.error(
                        at(value),
                        format!("`{key}` is for routeros+https:// and hilink:// ports only; this modem's port is {port:?}"),
                    );
                }
            }
        }
        if raw.baud == Some(0) {
            self.error(at(&raw.port), "baud must be more than 0");
        }
        if let Some(baud) = raw.baud.filter(|b| *b > 0) {
            let serial = port.starts_with("serial://") || port.starts_with("rfc2217://");
            let in_url = port
                .split_once('?')
                .and_then(|(_, query)| query.split('&').find_map(|p| p.strip_prefix("baud=")));
            if !serial {
                self.error(
                    at(&raw.port),
                    format!(
                        "baud: {baud} applies to serial:// and rfc2217:// ports only; the speed of a {} port is set where the modem is (ser2net, the router)",
                        port.split("://").next().unwrap_or("tcp")
                    ),
                );
            } else if let Some(other) = in_url.filter(|b| *b != baud.to_string()) {
                self.error(
                    at(&raw.port),
                    format!("baud: {baud} and the port's ?baud={other} disagree; keep one of them"),
                );
            }
        }
        if raw.rate_per_minute == Some(0) {
            self.error(at(&raw.port), "rate_per_minute must be more than 0");
        }
        ModemConfig {
            name,
            port,
            baud: raw.baud,
            pin: self.secret(raw.pin.as_ref(), raw.pin_file.as_ref(), "pin"),
            password: raw
                .password_file
                .as_ref()
                .map(|path| Secret::File(PathBuf::from(self.text(path)))),
            ca_file: raw
                .ca_file
                .as_ref()
                .map(|path| PathBuf::from(self.text(path))),
            number: raw.number.as_ref().and_then(|n| self.number(n, country)),
            rate_per_minute: raw.rate_per_minute,
            hang_up_calls: raw.hang_up_calls.unwrap_or(true),
            prompt_timeout: self.positive_duration(
                raw.prompt_timeout.as_ref(),
                DEFAULT_PROMPT_TIMEOUT,
                "prompt_timeout",
            ),
            incomplete_after: self.positive_duration(
                raw.incomplete_after.as_ref(),
                DEFAULT_INCOMPLETE_AFTER,
                "incomplete_after",
            ),
        }
    }

    pub(super) fn flatten(
        &mut self,
        position: (u64, u64),
        prefix: &str,
        value: &serde_json::Value,
        out: &mut Vec<(String, String)>,
    ) {
        use serde_json::Value;
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    let key = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    self.flatten(position, &key, inner, out);
                }
            }
            Value::Array(items)
                if items.iter().all(|item| item.is_object()) && !items.is_empty() =>
            {
                // A list of maps (rules, say): numbered sections, in order,
                // `rules.0.match.keyword`, `rules.1.…`.
                for (index, item) in items.iter().enumerate() {
                    self.flatten(position, &format!("{prefix}.{index}"), item, out);
                }
            }
            Value::Array(items) => {
                let mut texts = Vec::new();
                for item in items {
                    match item {
                        Value::Object(_) | Value::Array(_) => {
                            self.error(
                                position,
                                format!(
                                    "config `{prefix}`: a list holds either plain values or maps, not lists or a mix"
                                ),
                            );
                        }
                        Value::String(s) => texts.push(Value::String(self.expand(position, s))),
                        Value::Null => texts.push(Value::String(String::new())),
                        other => texts.push(Value::String(other.to_string())),
                    }
                }
                out.push((prefix.to_string(), Value::Array(texts).to_string()));
            }
            Value::String(s) => {
                let expanded = self.expand(position, s);
                out.push((prefix.to_string(), expanded));
            }
            Value::Null => out.push((prefix.to_string(), String::new())),
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }

    fn policy(&mut self, raw: Option<&RawPolicy>) -> Policy {
        let mut policy = Policy::default();
        let Some(raw) = raw else {
            return policy;
        };
        let prefixes = |list: &[Spanned<String>], resolver: &mut Self| -> Vec<String> {
            list.iter()
                .map(|p| {
                    let text = resolver.text(p);
                    if !text.starts_with('+')
                        || text.len() < 2
                        || !text[1..].bytes().all(|b| b.is_ascii_digit())
                    {
                        resolver.error(
                            at(p),
                            format!("prefix {text:?}: write it like +420 or +42077"),
                        );
                    }
                    text
                })
                .collect()
        };
        policy.allow_prefixes = prefixes(&raw.allow_prefixes, self);
        policy.deny_prefixes = prefixes(&raw.deny_prefixes, self);
        if let Some(max) = &raw.max_parts {
            if max.value == 0 {
                self.error(at(max), "max_parts must be at least 1");
            }
            policy.max_parts = max.value;
        }
        if let Some(allow) = raw.allow_premium_numbers {
            policy.allow_premium_numbers = allow;
        }
        if let Some(allow) = raw.allow_short_codes {
            policy.allow_short_codes = allow;
        }
        if let Some(limit) = &raw.per_destination_per_hour {
            if limit.value == 0 {
                self.error(
                    at(limit),
                    "per_destination_per_hour must be at least 1 (0 would refuse every message; deny_prefixes blocks destinations)",
                );
            }
            policy.per_destination_per_hour = limit.value;
        }
        policy
    }
}

/// A `postgres://` store: the URL as written, refusing a password in it
/// (configs are shared, printed and committed; the password belongs in a
/// file of its own or in `PGPASSWORD`).
fn postgres_store(
    r: &mut Resolver<'_>,
    value: &Spanned<String>,
    url: String,
    password_file: Option<&Spanned<String>>,
) -> StoreLocation {
    let userinfo = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .map(|(userinfo, _)| userinfo);
    if userinfo.is_some_and(|u| u.contains(':')) || url.contains("password=") {
        r.error(
            at(value),
            "store: the URL holds a password; put it in a file named by store_password_file (or in PGPASSWORD) and take it out of the URL",
        );
    }
    StoreLocation::Postgres {
        url,
        password_file: password_file.map(|file| PathBuf::from(r.text(file))),
    }
}

pub(crate) fn resolve(
    raw: RawConfig,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, Vec<ConfigError>> {
    let mut r = Resolver {
        env,
        errors: Vec::new(),
    };
    let store = match &raw.store {
        None => StoreLocation::Sqlite(PathBuf::from("plutanium.db")),
        Some(value) => {
            let text = r.text(value);
            if text == "memory" || text == "sqlite::memory:" {
                StoreLocation::Memory
            } else if let Some(path) = text.strip_prefix("sqlite://") {
                StoreLocation::Sqlite(PathBuf::from(path))
            } else if text.starts_with("postgres://") || text.starts_with("postgresql://") {
                postgres_store(&mut r, value, text, raw.store_password_file.as_ref())
            } else {
                r.error(
                    at(value),
                    format!(
                        "store {text:?}: expected sqlite://PATH, postgres://USER@HOST/DATABASE or memory"
                    ),
                );
                StoreLocation::Memory
            }
        }
    };
    if let Some(file) = &raw.store_password_file
        && !matches!(store, StoreLocation::Postgres { .. })
    {
        r.error(
            at(file),
            "store_password_file is for a postgres:// store; remove it, or point `store:` at PostgreSQL",
        );
    }
    let default_country = raw.default_country.as_ref().and_then(|value| {
        let text = r.text(value);
        let code = text.trim_start_matches('+');
        if code.is_empty()
            || code.len() > 3
            || !code.bytes().all(|b| b.is_ascii_digit())
            || code.starts_with('0')
        {
            r.error(
                at(value),
                format!("default_country {text:?}: write the calling code, like +420"),
            );
            None
        } else {
            Some(code.to_string())
        }
    });
    let country = default_country.clone();
    let retention = r.positive_duration(
        raw.retention.as_ref(),
        Duration::from_secs(90 * 86_400),
        "retention",
    );
    let api = raw.api.as_ref().and_then(|api| {
        let listen = r.text(&api.listen);
        let token_file = api.token_file.as_ref().map(|t| PathBuf::from(r.text(t)));
        match listen.parse() {
            Ok(listen) => Some(ApiConfig { listen, token_file }),
            Err(_) => {
                r.error(
                    at(&api.listen),
                    format!("listen {listen:?}: write an address and port, like 127.0.0.1:8080"),
                );
                None
            }
        }
    });

    let mut names: Vec<(String, (u64, u64))> = Vec::new();
    let mut claim = |r: &mut Resolver<'_>, name: &Spanned<String>| {
        if let Some((_, (line, column))) = names.iter().find(|(n, _)| *n == name.value) {
            r.error(at(name), format!("the name {:?} is used twice (first at {line}:{column}); modems and connectors share one set of names", name.value));
        } else {
            names.push((name.value.clone(), at(name)));
        }
    };
    let mut modems = Vec::new();
    for (name, modem) in &raw.modems {
        claim(&mut r, name);
        let modem_name = r.name(name, "modem");
        modems.push(r.modem(modem_name, modem, country.as_deref()));
    }
    let mut connectors = Vec::new();
    for (name, connector) in &raw.connectors {
        claim(&mut r, name);
        connectors.push(r.connector(name, connector));
    }

    let endpoint = |r: &mut Resolver<'_>, name: &str, position: (u64, u64)| -> Option<Endpoint> {
        if modems.iter().any(|m| m.name == name) {
            Some(Endpoint::Modem(name.to_string()))
        } else if connectors.iter().any(|c| c.name == name) {
            Some(Endpoint::Connector(name.to_string()))
        } else {
            r.error(position, format!("no modem or connector called {name:?}"));
            None
        }
    };
    let mut routes = Vec::new();
    for route in &raw.routes {
        let from = endpoint(&mut r, &route.value.from.value, at(&route.value.from));
        let mut through = Vec::new();
        for step in &route.value.through {
            match endpoint(&mut r, &step.value, at(step)) {
                Some(Endpoint::Connector(name)) => through.push(name),
                Some(Endpoint::Modem(name)) => r.error(
                    at(step),
                    format!("{name:?} is a modem; `through` lists processors"),
                ),
                None => {}
            }
        }
        let to_position = at(&route.value.to);
        if route.value.to.value.0.is_empty() {
            r.error(to_position, "`to` needs at least one modem or connector");
        }
        let to: Vec<Endpoint> = route
            .value
            .to
            .value
            .0
            .iter()
            .filter_map(|name| endpoint(&mut r, name, to_position))
            .collect();
        if let Some(from) = from {
            routes.push(Route { from, through, to });
        }
    }
    let policy = r.policy(raw.policy.as_ref());
    let health = raw.health.as_ref();
    let health = HealthConfig {
        every: r.positive_duration(
            health.and_then(|h| h.every.as_ref()),
            Duration::from_secs(60),
            "health.every",
        ),
        keep: r.positive_duration(
            health.and_then(|h| h.keep.as_ref()),
            Duration::from_secs(7 * 86_400),
            "health.keep",
        ),
    };
    let tls = TlsConfig {
        ca_files: raw
            .tls
            .as_ref()
            .map(|tls| {
                tls.ca_files
                    .iter()
                    .map(|f| PathBuf::from(r.text(f)))
                    .collect()
            })
            .unwrap_or_default(),
    };

    if r.errors.is_empty() {
        Ok(Config {
            store,
            default_country,
            retention,
            api,
            modems,
            connectors,
            routes,
            policy,
            tls,
            health,
        })
    } else {
        r.errors.sort_by_key(|e| (e.line, e.column));
        Err(r.errors)
    }
}
