//! OAuth tokens for connectors, handed to the runtime as a
//! [`TokenProvider`]: the host adds `Authorization: Bearer …` to requests
//! for the connector's hosts, and the component never sees the token. When a
//! service answers 401, the runtime asks [`TokenProvider::refresh`] once and
//! sends the request again.
//!
//! Kinds (`oauth.kind`):
//! - `token_file`: an access token read from a file (its first line) and
//!   read again whenever the file changes, so an external tool can keep it
//!   fresh.
//! - `authorized_user`: a refresh-token JSON (`client_id`, `client_secret`,
//!   `refresh_token`, as `gcloud auth application-default login` writes).
//! - `service_account`: a service account key JSON, with `subject` for
//!   domain-wide delegation (a Workspace user to act for).
//! - `installed`: a desktop app's client secret JSON plus a `token_cache`
//!   that `plutanium gmail login` fills once through a browser.
//!
//! The Google kinds use yup-oauth2. `token_uri` overrides the token endpoint
//! (tests point it at a fake on loopback). yup-oauth2 hard-codes Google's
//! endpoint for its own authorized-user flow, so `authorized_user` runs as
//! the installed flow's refresh with the refresh token held in memory —
//! the same request to the same endpoint, and one that honours `token_uri`.
//! A daemon never opens a browser: when a refresh token stops working, the
//! error says to log in again.

mod google;
mod login;
mod token_cache;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use plutanium_core::config::{ConnectorConfig, OAuthConfig};
use plutanium_runtime::{HostPolicy, OAuthGrant, TokenProvider};

pub use google::{DEFAULT_SCOPE, google_scopes};
pub use login::login;

/// Why a connector's OAuth cannot work, or a login did not complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    /// The connector's `oauth:` settings are incomplete, or name no kind
    /// this host knows.
    #[error("connector {connector}: {problem}")]
    Settings {
        /// The connector.
        connector: String,
        /// What is missing or wrong, and what to write instead.
        problem: String,
    },
    /// A credentials file (token file, key, client secret, token cache) is
    /// missing, unreadable, or not what its kind needs.
    #[error("{0}")]
    Credentials(String),
    /// `allow_hosts` has an entry that is not a host.
    #[error("connector {connector}: {source}")]
    Hosts {
        /// The connector.
        connector: String,
        /// The entry and why.
        source: plutanium_runtime::InvalidHostEntry,
    },
    /// The sign-in through a browser did not end with a refresh token.
    #[error("{0}")]
    Login(String),
}

/// An access token kept in a file.
#[derive(Debug)]
pub(crate) struct TokenFile {
    path: PathBuf,
    /// The token and the file's modification time it was read at.
    cached: Mutex<Option<(SystemTime, String)>>,
}

impl TokenFile {
    pub(crate) fn new(path: impl Into<PathBuf>) -> TokenFile {
        TokenFile {
            path: path.into(),
            cached: Mutex::new(None),
        }
    }

    /// The token, read again if the file changed since the last read.
    pub(crate) fn current(&self) -> Result<String, String> {
        let modified = std::fs::metadata(&self.path)
            .and_then(|m| m.modified())
            .map_err(|e| format!("cannot read the token file {}: {e}", self.path.display()))?;
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, token)) = cached.as_ref()
            && *at == modified
        {
            return Ok(token.clone());
        }
        let token = read_token(&self.path)?;
        *cached = Some((modified, token.clone()));
        Ok(token)
    }
}

fn read_token(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the token file {}: {e}", path.display()))?;
    let token = text.lines().next().unwrap_or("").trim().to_string();
    if token.is_empty() {
        return Err(format!("the token file {} is empty", path.display()));
    }
    if token.chars().any(|c| c.is_control() || c == ' ') {
        return Err(format!(
            "the token file {} does not hold a bare access token",
            path.display()
        ));
    }
    Ok(token)
}

impl TokenProvider for TokenFile {
    fn token(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send + '_>>
    {
        Box::pin(async move { self.current() })
    }

    fn refresh<'a>(
        &'a self,
        rejected: &'a str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send + 'a>>
    {
        Box::pin(async move {
            // Read again even if the modification time looks the same: a
            // tool may have rewritten it within the clock's resolution.
            let token = read_token(&self.path)?;
            if let Ok(modified) = std::fs::metadata(&self.path).and_then(|m| m.modified()) {
                *self.cached.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((modified, token.clone()));
            }
            if token == rejected {
                return Err(format!(
                    "the token in {} was refused and the file holds no newer one",
                    self.path.display()
                ));
            }
            Ok(token)
        })
    }
}

/// The OAuth grant for `connector`, if its config asks for one: tokens go
/// to the hosts it may reach (`allow_hosts`).
pub fn grant(
    connector: &ConnectorConfig,
    trust: &plutanium_tls::TrustStore,
) -> Result<Option<OAuthGrant>, OAuthError> {
    let Some(oauth) = &connector.oauth else {
        return Ok(None);
    };
    let tokens: Arc<dyn TokenProvider> = provider(&connector.name, oauth, trust)?;
    if connector.allow_hosts.is_empty() {
        return Err(OAuthError::Settings {
            connector: connector.name.clone(),
            problem: "`oauth` needs `allow_hosts` (the hosts that get the token)".into(),
        });
    }
    let hosts = HostPolicy::new(&connector.allow_hosts).map_err(|source| OAuthError::Hosts {
        connector: connector.name.clone(),
        source,
    })?;
    Ok(Some(OAuthGrant { hosts, tokens }))
}

fn provider(
    name: &str,
    oauth: &OAuthConfig,
    trust: &plutanium_tls::TrustStore,
) -> Result<Arc<dyn TokenProvider>, OAuthError> {
    let settings = |problem: String| OAuthError::Settings {
        connector: name.into(),
        problem,
    };
    match oauth.kind.as_str() {
        "token_file" => {
            let Some(file) = &oauth.file else {
                return Err(settings(
                    "`oauth.kind: token_file` needs `oauth.file`".into(),
                ));
            };
            let tokens = TokenFile::new(file);
            // Checked now, so a wrong path is a start-up error, not a
            // failure at the first request.
            tokens
                .current()
                .map_err(|e| OAuthError::Credentials(format!("connector {name}: {e}")))?;
            Ok(Arc::new(tokens))
        }
        "authorized_user" | "service_account" | "installed" => {
            Ok(Arc::new(google::GoogleTokens::new(name, oauth, trust)?))
        }
        other => Err(settings(format!(
            "unknown `oauth.kind: {other}` (use token_file, authorized_user, service_account or installed)"
        ))),
    }
}

#[cfg(test)]
mod tests;
