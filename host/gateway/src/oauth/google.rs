//! Tokens from Google's OAuth endpoint (`authorized_user`,
//! `service_account`, `installed`), obtained and refreshed by yup-oauth2.

use std::path::{Path, PathBuf};

use plutanium_core::config::OAuthConfig;
use plutanium_runtime::TokenProvider;

use super::OAuthError;
use super::token_cache::StoredToken;

/// What the Gmail connectors need (read, label, send), when `scopes` is
/// empty.
pub const DEFAULT_SCOPE: &str = "https://www.googleapis.com/auth/gmail.modify";

/// Google's token endpoint.
const GOOGLE_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
const GOOGLE_AUTH_URI: &str = "https://accounts.google.com/o/oauth2/auth";

/// Scopes as Google spells them: a short name (`gmail.send`) is one of
/// Google's API scopes.
pub fn google_scopes(scopes: &[String]) -> Vec<String> {
    if scopes.is_empty() {
        return vec![DEFAULT_SCOPE.to_string()];
    }
    scopes
        .iter()
        .map(|s| {
            if s.contains("://") {
                s.clone()
            } else {
                format!("https://www.googleapis.com/auth/{s}")
            }
        })
        .collect()
}

/// How a Google token is obtained.
enum GoogleFlow {
    AuthorizedUser {
        secret: yup_oauth2::ApplicationSecret,
        refresh_token: String,
    },
    ServiceAccount {
        key: Box<yup_oauth2::ServiceAccountKey>,
        subject: Option<String>,
    },
    Installed {
        secret: yup_oauth2::ApplicationSecret,
        cache: PathBuf,
    },
}

/// Tokens from Google's OAuth endpoint, refreshed by yup-oauth2.
pub(crate) struct GoogleTokens {
    name: String,
    /// The daemon's one trust store: token requests trust what connectors do.
    trust: plutanium_tls::TrustStore,
    flow: GoogleFlow,
    scopes: Vec<String>,
    /// Built on first use: building reads the token cache and needs the
    /// runtime, and preparing a config does not run on it.
    authenticator: tokio::sync::OnceCell<yup_oauth2::authenticator::DefaultAuthenticator>,
}

fn read_json(name: &str, path: &Path, what: &str) -> Result<serde_json::Value, OAuthError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        OAuthError::Credentials(format!(
            "connector {name}: cannot read the {what} {}: {e}",
            path.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        OAuthError::Credentials(format!(
            "connector {name}: the {what} {} is not JSON: {e}",
            path.display()
        ))
    })
}

/// A desktop app's client secret (`{"installed": {...}}` as Google Cloud
/// downloads it), with the token endpoint overridden when asked.
pub(crate) fn read_client_secret(
    path: &Path,
    token_uri: Option<&str>,
) -> Result<yup_oauth2::ApplicationSecret, OAuthError> {
    let bytes = std::fs::read(path).map_err(|e| {
        OAuthError::Credentials(format!(
            "cannot read the client secret {}: {e}",
            path.display()
        ))
    })?;
    let mut secret = yup_oauth2::parse_application_secret(&bytes).map_err(|e| {
        OAuthError::Credentials(format!(
            "{} is not an OAuth client secret (download it from Google Cloud → APIs & Services → Credentials → your Desktop app client): {e}",
            path.display()
        ))
    })?;
    if let Some(uri) = token_uri {
        secret.token_uri = uri.to_string();
    }
    Ok(secret)
}

impl GoogleTokens {
    /// Reads and checks the credentials now, so a wrong file is a start-up
    /// error.
    pub(crate) fn new(
        name: &str,
        oauth: &OAuthConfig,
        trust: &plutanium_tls::TrustStore,
    ) -> Result<GoogleTokens, OAuthError> {
        let Some(file) = &oauth.file else {
            return Err(OAuthError::Settings {
                connector: name.into(),
                problem: format!("`oauth.kind: {}` needs `oauth.file`", oauth.kind),
            });
        };
        let token_uri = oauth.token_uri.as_deref();
        let flow = match oauth.kind.as_str() {
            "authorized_user" => {
                let json = read_json(name, file, "authorized-user credentials")?;
                let field = |key: &str| -> Result<String, OAuthError> {
                    json.get(key)
                        .and_then(|v| v.as_str())
                        .filter(|v| !v.is_empty())
                        .map(str::to_string)
                        .ok_or_else(|| {
                            OAuthError::Credentials(format!(
                                "connector {name}: {} has no `{key}` (an authorized_user file has client_id, client_secret and refresh_token)",
                                file.display()
                            ))
                        })
                };
                GoogleFlow::AuthorizedUser {
                    secret: yup_oauth2::ApplicationSecret {
                        client_id: field("client_id")?,
                        client_secret: field("client_secret")?,
                        token_uri: token_uri.unwrap_or(GOOGLE_TOKEN_URI).to_string(),
                        auth_uri: GOOGLE_AUTH_URI.to_string(),
                        ..Default::default()
                    },
                    refresh_token: field("refresh_token")?,
                }
            }
            "service_account" => {
                let bytes = std::fs::read(file).map_err(|e| {
                    OAuthError::Credentials(format!(
                        "connector {name}: cannot read the service account key {}: {e}",
                        file.display()
                    ))
                })?;
                let mut key = yup_oauth2::parse_service_account_key(&bytes).map_err(|e| {
                    OAuthError::Credentials(format!(
                        "connector {name}: {} is not a service account key: {e}",
                        file.display()
                    ))
                })?;
                if let Some(uri) = token_uri {
                    key.token_uri = uri.to_string();
                }
                GoogleFlow::ServiceAccount {
                    key: Box::new(key),
                    subject: oauth.subject.clone(),
                }
            }
            "installed" => {
                let secret = read_client_secret(file, token_uri)
                    .map_err(|e| OAuthError::Credentials(format!("connector {name}: {e}")))?;
                let Some(cache) = oauth.token_cache.clone() else {
                    return Err(OAuthError::Settings {
                        connector: name.into(),
                        problem: "`oauth.kind: installed` needs `oauth.token_cache`".into(),
                    });
                };
                let login = format!(
                    "run `plutanium gmail login --client-secret {} --token-cache {}` first",
                    file.display(),
                    cache.display()
                );
                StoredToken::read_file(&cache).map_err(|e| {
                    OAuthError::Credentials(format!("connector {name}: {e}; {login}"))
                })?;
                GoogleFlow::Installed { secret, cache }
            }
            other => {
                return Err(OAuthError::Settings {
                    connector: name.into(),
                    problem: format!("`oauth.kind: {other}` is not a Google kind"),
                });
            }
        };
        Ok(GoogleTokens {
            name: name.to_string(),
            trust: trust.clone(),
            flow,
            scopes: google_scopes(&oauth.scopes),
            authenticator: tokio::sync::OnceCell::new(),
        })
    }

    async fn authenticator(
        &self,
    ) -> Result<&yup_oauth2::authenticator::DefaultAuthenticator, String> {
        self.authenticator
            .get_or_try_init(|| async {
                let timeout = std::time::Duration::from_secs(30);
                let no_browser = Box::new(NoBrowser {
                    name: self.name.clone(),
                });
                let built = match &self.flow {
                    GoogleFlow::AuthorizedUser {
                        secret,
                        refresh_token,
                    } => {
                        yup_oauth2::InstalledFlowAuthenticator::with_client(
                            secret.clone(),
                            yup_oauth2::InstalledFlowReturnMethod::Interactive,
                            http_client(&self.trust),
                        )
                        .flow_delegate(no_browser)
                        .with_storage(Box::new(StoredToken::refresh_token_only(refresh_token)))
                        .with_timeout(timeout)
                        .build()
                        .await
                    }
                    GoogleFlow::ServiceAccount { key, subject } => {
                        let builder = yup_oauth2::ServiceAccountAuthenticator::with_client(
                            key.as_ref().clone(),
                            http_client(&self.trust),
                        );
                        let builder = match subject {
                            Some(subject) => builder.subject(subject.clone()),
                            None => builder,
                        };
                        builder.with_timeout(timeout).build().await
                    }
                    GoogleFlow::Installed { secret, cache } => {
                        yup_oauth2::InstalledFlowAuthenticator::with_client(
                            secret.clone(),
                            yup_oauth2::InstalledFlowReturnMethod::Interactive,
                            http_client(&self.trust),
                        )
                        .flow_delegate(no_browser)
                        .with_storage(Box::new(StoredToken::read_file(cache)?))
                        .with_timeout(timeout)
                        .build()
                        .await
                    }
                };
                built.map_err(|e| format!("cannot set up OAuth: {e}"))
            })
            .await
    }

    async fn fetch(&self, force: bool) -> Result<String, String> {
        let auth = self.authenticator().await?;
        let token = if force {
            auth.force_refreshed_token(&self.scopes).await
        } else {
            auth.token(&self.scopes).await
        }
        .map_err(|e| format!("no access token from Google: {}", with_causes(&e)))?;
        token
            .token()
            .map(str::to_string)
            .ok_or_else(|| "Google answered without an access token".to_string())
    }
}

impl TokenProvider for GoogleTokens {
    fn token(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send + '_>>
    {
        Box::pin(self.fetch(false))
    }

    fn refresh<'a>(
        &'a self,
        _rejected: &'a str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send + 'a>>
    {
        Box::pin(self.fetch(true))
    }
}

/// `error: cause: cause…`: hyper says only "client error (Connect)" and
/// keeps the reason (an untrusted certificate, say) in its sources.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// yup-oauth2's HTTP client, trusting `trust` (not hyper-rustls's own
/// choice of roots), so OAuth and connectors agree on which CAs count.
pub(crate) fn http_client(
    trust: &plutanium_tls::TrustStore,
) -> yup_oauth2::CustomHyperClientBuilder<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(trust.client_config().as_ref().clone())
        .https_or_http()
        .enable_http1()
        .build();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, String>(https);
    yup_oauth2::CustomHyperClientBuilder::from(client)
}

/// The installed flow's way to ask a person, in a daemon: it does not.
struct NoBrowser {
    name: String,
}

impl yup_oauth2::authenticator_delegate::InstalledFlowDelegate for NoBrowser {
    fn present_user_url<'a>(
        &'a self,
        _url: &'a str,
        _need_code: bool,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send + 'a>>
    {
        Box::pin(async move {
            Err(format!(
                "connector {}: cannot refresh the access token — Google refused the refresh token (revoked, expired, or a testing-mode app's 7 days are over) or could not be reached; if it persists, log in again",
                self.name
            ))
        })
    }
}
