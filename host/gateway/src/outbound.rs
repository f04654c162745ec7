//! A message someone asks to send (through the REST API or `plutanium
//! send`): checked against the config (the modem it names, the destination
//! policy, the part limit) and made into the outbox row that is queued
//! under its idempotency key. One check for every way in, so the API and
//! the command line refuse the same messages with the same words.

use plutanium_core::config::Config;
use plutanium_core::policy::Refusal;
use plutanium_core::{Encoding, SendOptions};
use plutanium_store::NewOutbound;

/// What was asked.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The destination, E.164 or national with the config's default country.
    pub to: String,
    /// The text.
    pub text: String,
    /// Send through this modem only.
    pub modem: Option<String>,
    /// How to encode the text.
    pub encoding: Encoding,
    /// A flash SMS (class 0), shown and not stored by the phone.
    pub flash: bool,
    /// Ask the network for a delivery report.
    pub report: bool,
    /// The idempotency key, prefixed by where it came from (`api:…`,
    /// `cli:…`): the same key again queues nothing.
    pub key: String,
    /// Who asked (`api:<token name>`, `cli`), as the log shows it.
    pub source: String,
}

/// One message as the REST API and `plutanium send --file` take it, as
/// JSON: `{"to": …, "text": …}` and optionally `modem`, `encoding`,
/// `flash`, `report` and `key` (an idempotency key).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendItem {
    /// The destination.
    pub to: String,
    /// The text.
    pub text: String,
    /// Send through this modem only.
    #[serde(default)]
    pub modem: Option<String>,
    /// `auto` (when not given), `gsm7`, `gsm7-strip` or `ucs2`.
    #[serde(default)]
    pub encoding: Option<String>,
    /// A flash SMS.
    #[serde(default)]
    pub flash: bool,
    /// Ask for a delivery report.
    #[serde(default)]
    pub report: bool,
    /// The same key again queues nothing.
    #[serde(default)]
    pub key: Option<String>,
}

impl SendItem {
    /// The item as JSON, refused with the field at fault when it is not
    /// one (a missing or unknown field, a wrong type).
    pub fn from_json(value: serde_json::Value) -> Result<SendItem, Rejection> {
        serde_path_to_error::deserialize(value).map_err(|error| {
            // The path names a field whose value is wrong; a missing or
            // unknown one is named only in serde's message.
            let message = error.inner().to_string();
            let path = error.path().to_string();
            let field = if path == "." {
                message
                    .split_once("field `")
                    .and_then(|(_, rest)| rest.split_once('`'))
                    .map_or("message", |(name, _)| name)
                    .to_string()
            } else {
                path
            };
            Rejection::Invalid { field, message }
        })
    }

    /// The submission it asks for, from `source` (`api:<token>`, `cli`):
    /// its key is `prefix:KEY`, or `unkeyed()` when it has none.
    pub fn submission(
        self,
        source: &str,
        prefix: &str,
        unkeyed: impl FnOnce() -> String,
    ) -> Result<Submission, Rejection> {
        let invalid = |field: &str, message: &str| Rejection::Invalid {
            field: field.to_string(),
            message: message.to_string(),
        };
        if self.text.is_empty() {
            return Err(invalid("text", "the text is empty"));
        }
        let encoding = self
            .encoding
            .as_deref()
            .unwrap_or("auto")
            .parse::<Encoding>()
            .map_err(|e| invalid("encoding", &e.to_string()))?;
        let key = match self.key {
            Some(key) if key.is_empty() || key.len() > 200 || key.chars().any(char::is_control) => {
                return Err(invalid(
                    "key",
                    "a key is 1 to 200 characters, none of them control characters",
                ));
            }
            Some(key) => format!("{prefix}:{key}"),
            None => unkeyed(),
        };
        Ok(Submission {
            to: self.to,
            text: self.text,
            modem: self.modem,
            encoding,
            flash: self.flash,
            report: self.report,
            key,
            source: source.to_string(),
        })
    }
}

/// A submission the config accepts: the row to queue and what it costs.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The outbox row, its destination in E.164.
    pub row: NewOutbound,
    /// How many SMS parts the text takes.
    pub parts: usize,
}

/// Why a submission is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// It names a modem the config does not have.
    #[error("no modem called {modem:?} (the config has {})", known.join(", "))]
    NoSuchModem {
        /// The name given.
        modem: String,
        /// The modems there are.
        known: Vec<String>,
    },
    /// The destination policy or the part limit refuses it.
    #[error("refused: {0}")]
    Policy(Refusal),
    /// A field is missing, unknown or malformed.
    #[error("{message}")]
    Invalid {
        /// The field at fault (`message` for the item as a whole).
        field: String,
        /// What is wrong with it.
        message: String,
    },
}

impl Rejection {
    /// The field of the request that is wrong: `modem`, `to`, `text`, …
    pub fn field(&self) -> &str {
        match self {
            Rejection::NoSuchModem { .. } => "modem",
            Rejection::Policy(Refusal::TooManyParts { .. }) => "text",
            Rejection::Policy(_) => "to",
            Rejection::Invalid { field, .. } => field,
        }
    }

    /// Whether the request is malformed (HTTP 400), not a well-formed
    /// message that the config refuses (422).
    pub fn malformed(&self) -> bool {
        !matches!(self, Rejection::Policy(_))
    }
}

/// Checks `submission` against `config`.
pub fn check(config: &Config, submission: Submission) -> Result<Checked, Rejection> {
    if let Some(modem) = &submission.modem
        && !config.modems.iter().any(|m| &m.name == modem)
    {
        return Err(Rejection::NoSuchModem {
            modem: modem.clone(),
            known: config.modems.iter().map(|m| m.name.clone()).collect(),
        });
    }
    let (to, parts) = config
        .policy
        .check(
            &submission.to,
            &submission.text,
            submission.encoding,
            config.default_country.as_deref(),
        )
        .map_err(Rejection::Policy)?;
    Ok(Checked {
        row: NewOutbound {
            key: submission.key,
            source: submission.source,
            to,
            text: submission.text,
            options: SendOptions {
                encoding: submission.encoding,
                status_report: submission.report,
                flash: submission.flash,
                modem: submission.modem,
                ..SendOptions::default()
            },
            allowed_modems: Vec::new(),
        },
        parts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission(to: &str, text: &str, modem: Option<&str>) -> Submission {
        Submission {
            to: to.into(),
            text: text.into(),
            modem: modem.map(str::to_string),
            encoding: Encoding::Auto,
            flash: false,
            report: true,
            key: "test:1".into(),
            source: "test".into(),
        }
    }

    #[test]
    fn a_submission_is_checked_against_the_config() {
        let config = plutanium_core::config::load(
            "default_country: \"+420\"\nmodems:\n  gsm0: { port: \"tcp://127.0.0.1:1\" }\npolicy: { max_parts: 1 }\n",
            &|_| None,
        )
        .unwrap();
        let checked = check(&config, submission("777000111", "Ahoj", Some("gsm0"))).unwrap();
        assert_eq!(
            checked.row.to, "+420777000111",
            "national numbers read with +420"
        );
        assert_eq!(checked.parts, 1);
        assert!(checked.row.options.status_report);
        let wrong = check(&config, submission("777000111", "Ahoj", Some("gsm9"))).unwrap_err();
        assert_eq!(wrong.field(), "modem");
        assert_eq!(
            wrong.to_string(),
            "no modem called \"gsm9\" (the config has gsm0)"
        );
        let long = check(&config, submission("777000111", &"x".repeat(200), None)).unwrap_err();
        assert_eq!(long.field(), "text");
        assert!(long.to_string().starts_with("refused: "), "{long}");
    }
}
