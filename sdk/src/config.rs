//! The connector's config: the string pairs the host grants it.
//!
//! In the daemon's YAML these come from the connector's `config:` map:
//! scalars as text, nested maps as dotted keys such as `reply.HELP`, and
//! lists as JSON arrays of strings (which [`Config::list`] reads), and lists
//! of maps as numbered sections (`rules.0.match.keyword`, `rules.1.…`).

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
                    Error::config(format!(
                        "config key `{key}`: cannot use \"{}\": {e}",
                        raw.escape_debug()
                    ))
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
                "config key `{key}`: expected true or false (or yes/no, on/off, 1/0), got \"{}\"",
                raw.escape_debug()
            ))),
        }
    }

    /// A list setting: a YAML list (which arrives as a JSON array of strings),
    /// or text split at `,` and `;`; items trimmed, empty items left out.
    /// Unset is an empty list.
    pub fn list(&self, key: &str) -> Vec<String> {
        let Some(raw) = self.get(key) else {
            return Vec::new();
        };
        let items = json_string_array(raw)
            .unwrap_or_else(|| raw.split([',', ';']).map(str::to_string).collect());
        items
            .into_iter()
            .map(|item| item.trim().to_string())
            .filter(|item| !item.is_empty())
            .collect()
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

/// The strings of a JSON array of strings, or `None` when `raw` is not one.
fn json_string_array(raw: &str) -> Option<Vec<String>> {
    let mut chars = raw
        .trim()
        .strip_prefix('[')?
        .strip_suffix(']')?
        .chars()
        .peekable();
    let mut items = Vec::new();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.next() {
            None if items.is_empty() => return Some(items),
            Some('"') => {}
            _ => return None,
        }
        let mut item = String::new();
        loop {
            match chars.next()? {
                '"' => break,
                '\\' => match chars.next()? {
                    'n' => item.push('\n'),
                    't' => item.push('\t'),
                    'r' => item.push('\r'),
                    'u' => {
                        let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                        item.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                    }
                    other => item.push(other),
                },
                c => item.push(c),
            }
        }
        items.push(item);
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.next() {
            None => return Some(items),
            Some(',') => {}
            _ => return None,
        }
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
        assert_eq!(
            c.parse::<u32>("bad").unwrap_err(),
            Error::Config(
                "config key `bad`: cannot use \"twelve\": invalid digit found in string".into()
            )
        );
        assert_eq!(
            c.flag("owner", false).unwrap_err(),
            Error::Config(
                "config key `owner`: expected true or false (or yes/no, on/off, 1/0), got \"+420777000111\"".into()
            )
        );
        assert_eq!(c.list("to"), ["+1", "+2", "+3"]);
        assert!(c.list("unset").is_empty());
        let yaml = Config::from_pairs([
            ("to", r#"["+1", " +2 ", "a, \"b\"", "\u00e9"]"#),
            ("empty", "[]"),
            ("broken", r#"["+1", +2]"#),
        ]);
        assert_eq!(yaml.list("to"), ["+1", "+2", "a, \"b\"", "é"]);
        assert!(yaml.list("empty").is_empty());
        assert_eq!(
            yaml.list("broken"),
            [r#"["+1""#, "+2]"],
            "not JSON: split as text"
        );
        let section: Vec<_> = c.section("reply").collect();
        assert_eq!(section, [("HELP", "help text"), ("STOP", "bye")]);
    }
}
