//! The daemon's configuration: one YAML file, parsed raw (every struct
//! refuses unknown keys, with line and column), then resolved: every
//! reference must exist, numbers are E.164 (or national with
//! `default_country`), durations and ports parse, names are unique, and
//! `${ENV}` is substituted. Resolution collects every error, not just the
//! first, each with its position.
//!
//! Parsing is sans-IO: the text and an environment lookup come in; secrets
//! named by `*_file` keys stay paths for the daemon to read.

mod connector;
mod duration;
mod raw;
mod resolve;

use std::fmt;

pub use connector::{ComponentRef, ConnectorConfig, HttpSettings, OAuthConfig};
pub use duration::parse_duration;
pub use resolve::{
    ApiConfig, Config, DEFAULT_INCOMPLETE_AFTER, DEFAULT_PROMPT_TIMEOUT, Endpoint, HealthConfig,
    ModemConfig, Policy, Route, Secret, StoreLocation, TlsConfig,
};

/// One problem in a config file, at a 1-based line and column (0 when the
/// parser could not tell).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The line.
    pub line: u64,
    /// The column.
    pub column: u64,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Parses and resolves `text`; `env` looks up `${NAME}` variables.
/// Every problem found is returned, in file order.
pub fn load(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, Vec<ConfigError>> {
    let raw = raw::parse(text).map_err(|e| vec![e])?;
    resolve::resolve(raw, env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgres_store_keeps_its_password_out_of_the_url() {
        let config = load(
            "store: postgres://gw@db.lan/sms?sslmode=prefer\nstore_password_file: /etc/plutanium/db-password\n",
            &|_| None,
        )
        .expect("loads");
        assert_eq!(
            config.store,
            StoreLocation::Postgres {
                url: "postgres://gw@db.lan/sms?sslmode=prefer".into(),
                password_file: Some("/etc/plutanium/db-password".into()),
            }
        );
        let errors = load("store: postgres://gw:s3cret@db.lan/sms\n", &|_| None).unwrap_err();
        let text = errors[0].to_string();
        assert!(text.contains("store_password_file"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.starts_with("1:8:"), "line and column: {text}");
        let errors = load(
            "store: sqlite://a.db\nstore_password_file: /etc/pw\n",
            &|_| None,
        )
        .unwrap_err();
        assert!(
            errors[0].to_string().contains("postgres://"),
            "{:?}",
            errors
        );
        let errors = load("store: mysql://gw@db/sms\n", &|_| None).unwrap_err();
        assert!(
            errors[0]
                .to_string()
                .contains("postgres://USER@HOST/DATABASE"),
            "{:?}",
            errors
        );
    }

    #[test]
    fn environment_and_nested_connector_config() {
        let text = r#"
modems:
  gsm0: { port: "sim://gsm0" }
connectors:
  r:
    component: sms-redirect
    config:
      owner: ["+420777000111", "${OWNER2}"]
      price: "$$5 for ${ITEM}"
      reply: { HELP: "Text STOP", nested: { deep: 1 } }
      enabled: true
      empty: null
routes:
  - { from: gsm0, through: [r], to: gsm0 }
"#;
        let env = |name: &str| match name {
            "OWNER2" => Some("+420777000222".to_string()),
            "ITEM" => Some("a pen".to_string()),
            _ => None,
        };
        let config = load(text, &env).expect("loads");
        let pairs = &config.connectors[0].config;
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("owner"), Some(r#"["+420777000111","+420777000222"]"#));
        assert_eq!(get("price"), Some("$5 for a pen"));
        assert_eq!(get("reply.HELP"), Some("Text STOP"));
        assert_eq!(get("reply.nested.deep"), Some("1"));
        assert_eq!(get("enabled"), Some("true"));
        assert_eq!(get("empty"), Some(""));
        assert_eq!(config.routes[0].through, ["r"]);
        assert_eq!(config.policy, Policy::default());

        let errors = load("modems: {}\nrouters: []\n", &env).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column), (2, 1));
        assert!(errors[0].message.contains("routers"), "{}", errors[0]);
        assert!(load("- just\n- a list\n", &env).is_err());
    }
}
