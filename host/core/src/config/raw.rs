//! The config file as written: serde structs that refuse unknown keys, with
//! the position of every value a later check may complain about.

use std::fmt;

use indexmap::IndexMap;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::ConfigError;

/// A value with its position.
pub(crate) type At<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    pub(crate) store: Option<At<String>>,
    pub(crate) store_password_file: Option<At<String>>,
    pub(crate) default_country: Option<At<String>>,
    pub(crate) retention: Option<At<String>>,
    pub(crate) api: Option<RawApi>,
    #[serde(default)]
    pub(crate) modems: IndexMap<At<String>, RawModem>,
    #[serde(default)]
    pub(crate) connectors: IndexMap<At<String>, RawConnector>,
    #[serde(default)]
    pub(crate) routes: Vec<At<RawRoute>>,
    pub(crate) policy: Option<RawPolicy>,
    pub(crate) tls: Option<RawTls>,
    pub(crate) health: Option<RawHealth>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHealth {
    pub(crate) every: Option<At<String>>,
    pub(crate) keep: Option<At<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTls {
    #[serde(default)]
    pub(crate) ca_files: Vec<At<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHttp {
    pub(crate) connect_timeout: Option<At<String>>,
    pub(crate) deadline: Option<At<String>>,
    pub(crate) max_response_mib: Option<At<u32>>,
    pub(crate) max_concurrent: Option<At<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawApi {
    pub(crate) listen: At<String>,
    pub(crate) token_file: Option<At<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawModem {
    pub(crate) port: At<String>,
    pub(crate) baud: Option<u32>,
    pub(crate) pin: Option<At<String>>,
    pub(crate) pin_file: Option<At<String>>,
    pub(crate) password_file: Option<At<String>>,
    pub(crate) ca_file: Option<At<String>>,
    pub(crate) number: Option<At<String>>,
    pub(crate) rate_per_minute: Option<u32>,
    pub(crate) hang_up_calls: Option<bool>,
    pub(crate) prompt_timeout: Option<At<String>>,
    pub(crate) incomplete_after: Option<At<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConnector {
    pub(crate) component: At<String>,
    #[serde(default)]
    pub(crate) allow_hosts: Vec<At<String>>,
    pub(crate) oauth: Option<RawOAuth>,
    #[serde(default)]
    pub(crate) config: serde_json::Map<String, serde_json::Value>,
    pub(crate) interval: Option<At<String>>,
    pub(crate) batch: Option<u32>,
    pub(crate) deadline: Option<At<String>>,
    pub(crate) memory_mib: Option<At<u32>>,
    pub(crate) http: Option<RawHttp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOAuth {
    pub(crate) kind: At<String>,
    pub(crate) file: Option<At<String>>,
    #[serde(default)]
    pub(crate) scopes: Vec<String>,
    pub(crate) subject: Option<String>,
    pub(crate) token_uri: Option<At<String>>,
    pub(crate) token_cache: Option<At<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRoute {
    pub(crate) from: At<String>,
    #[serde(default)]
    pub(crate) through: Vec<At<String>>,
    pub(crate) to: At<OneOrMany>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPolicy {
    #[serde(default)]
    pub(crate) allow_prefixes: Vec<At<String>>,
    #[serde(default)]
    pub(crate) deny_prefixes: Vec<At<String>>,
    pub(crate) max_parts: Option<At<u8>>,
    pub(crate) allow_short_codes: Option<bool>,
    pub(crate) allow_premium_numbers: Option<bool>,
    pub(crate) per_destination_per_hour: Option<At<u32>>,
}

/// `to: gsm0` or `to: [gsm0, webhook]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OneOrMany(pub(crate) Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Names;
        impl<'de> Visitor<'de> for Names {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a name or a list of names")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(OneOrMany(names))
            }
        }
        deserializer.deserialize_any(Names)
    }
}

/// Parses the YAML text; the first syntax or shape error, with its position.
pub(crate) fn parse(text: &str) -> Result<RawConfig, ConfigError> {
    serde_saphyr::from_str::<RawConfig>(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        // The plain message: the position is ours to print, once.
        let message = e.without_snippet().to_string();
        let first = message.lines().next().unwrap_or("invalid YAML").trim();
        // Its own " at line N, column M" would repeat the position.
        let message = match first.rfind(" at line ") {
            Some(i) if first[i..].contains(", column ") => &first[..i],
            _ => first,
        };
        // Say it for people writing a config, not for programmers.
        let message = match message {
            "invalid u8" => "expected a whole number from 0 to 255".to_string(),
            "invalid u32" => "expected a whole number from 0 to 4294967295".to_string(),
            "invalid bool" | "invalid boolean" => "expected true or false".to_string(),
            other => other
                .trim_end_matches(", set DuplicateKeyPolicy in Options if acceptable")
                .to_string(),
        };
        ConfigError {
            line,
            column,
            message,
        }
    })
}
