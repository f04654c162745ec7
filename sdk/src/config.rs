//! The connector's config: the string pairs the host grants it.
//!
//! In the daemon's YAML these come from the connector's `config:` map
//! (nested maps become dotted keys such as `reply.HELP`).

use std::fmt::Display;
use std::str::FromStr;

use crate::Error;

/// The config pairs, with typed lookups whose errors name the key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pairs: Vec<(String, String)>,
}

impl Config {
    /// The config the host grants this connector.
    pub fn load() -> Self {
        Config::from_pairs(crate::host_calls::config())
    }

    /// A config from pairs; a later duplicate key wins.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Config {
            pairs: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `key`, or `default`.
    pub fn get_or<'a>(&'a self, key: &str, default: &'a str) -> &'a str {
        self.get(key).unwrap_or(default)
    }

    /// The value of `key`, or a config error naming it.
    pub fn require(&self, key: &str) -> Result<&str, Error> {
        self.get(key)
            .ok_or_else(|| Error::config(format!("missing config key `{key}`")))
    }

    /// The value of `key` parsed as `T`, `None` when unset, or a config error
    /// naming the key and the value.
    pub fn parse<T>(&self, key: &str) -> Result<Option<T>, Error>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.get(key)
            .map(|raw| {
                raw.trim().parse::<T>().map_err(|e| {
                    Error::config(format!("config key `{key}`: cannot use {raw:?}: {e}"))
                })
            })
            .transpose()
    }

    /// A yes/no setting: `true`/`yes`/`on`/`1` or `false`/`no`/`off`/`0`
    /// (any case); `default` when unset.
    pub fn flag(&self, key: &str, default: bool) -> Result<bool, Error> {
        let Some(raw) = self.get(key) else {
            return Ok(default);
        };
        match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok(true),
            "false" | "no" | "off" | "0" => Ok(false),
            _ => Err(Error::config(format!(
                "config key `{key}`: expected true or false, got {raw:?}"
            ))),
        }
    }

    /// A list setting: the value split at `,` and `;`, trimmed, empty items
    /// left out. Unset is an empty list.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.get(key)
            .map(|raw| {
                raw.split([',', ';'])
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The keys under `prefix.` with that prefix removed, and their values,
    /// in config order: `reply.HELP = "..."` is `("HELP", "...")` for
    /// `prefix` `"reply"`.
    pub fn section<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.pairs.iter().filter_map(move |(k, v)| {
            k.strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('.'))
                .map(|rest| (rest, v.as_str()))
        })
    }

    /// Every pair, in config order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::from_pairs([
            ("owner", "+420777000111"),
            ("limit", "12"),
            ("bad", "twelve"),
            ("chat", "Yes"),
            ("to", " +1, +2;;+3 "),
            ("reply.HELP", "help text"),
            ("reply.STOP", "bye"),
            ("replyX", "not in the section"),
            ("limit", "13"),
        ])
    }

    #[test]
    fn lookups_name_the_key_when_they_fail() {
        let c = config();
        assert_eq!(c.get("owner"), Some("+420777000111"));
        assert_eq!(
            c.parse::<u32>("limit").unwrap(),
            Some(13),
            "later duplicate wins"
        );
        assert_eq!(c.parse::<u32>("unset").unwrap(), None);
        let e = c.parse::<u32>("bad").unwrap_err();
        assert!(
            matches!(&e, Error::Config(m) if m.contains("`bad`") && m.contains("twelve")),
            "{e}"
        );
        let e = c.require("missing").unwrap_err();
        assert_eq!(e, Error::Config("missing config key `missing`".into()));
        assert!(c.flag("chat", false).unwrap());
        assert!(!c.flag("unset", false).unwrap());
        assert!(c.flag("owner", false).is_err());
        assert_eq!(c.list("to"), ["+1", "+2", "+3"]);
        assert!(c.list("unset").is_empty());
        let section: Vec<_> = c.section("reply").collect();
        assert_eq!(section, [("HELP", "help text"), ("STOP", "bye")]);
    }
}
