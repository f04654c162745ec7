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
}

impl Rejection {
    /// The field of the request that is wrong: `modem`, `to` or `text`.
    pub fn field(&self) -> &'static str {
        match self {
            Rejection::NoSuchModem { .. } => "modem",
            Rejection::Policy(Refusal::TooManyParts { .. }) => "text",
            Rejection::Policy(_) => "to",
        }
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
