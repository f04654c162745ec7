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

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use anyhow::{Result, bail};
use plutanium_core::config::{ConnectorConfig, OAuthConfig};
use plutanium_runtime::{HostPolicy, OAuthGrant, TokenProvider};

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
pub(crate) fn grant(connector: &ConnectorConfig) -> Result<Option<OAuthGrant>> {
    let Some(oauth) = &connector.oauth else {
        return Ok(None);
    };
    let tokens: Arc<dyn TokenProvider> = provider(&connector.name, oauth)?;
    if connector.allow_hosts.is_empty() {
        bail!(
            "connector {}: `oauth` needs `allow_hosts` (the hosts that get the token)",
            connector.name
        );
    }
    Ok(Some(OAuthGrant {
        hosts: HostPolicy::new(&connector.allow_hosts)?,
        tokens,
    }))
}

fn provider(name: &str, oauth: &OAuthConfig) -> Result<Arc<dyn TokenProvider>> {
    match oauth.kind.as_str() {
        "token_file" => {
            let Some(file) = &oauth.file else {
                bail!("connector {name}: `oauth.kind: token_file` needs `oauth.file`");
            };
            let tokens = TokenFile::new(file);
            // Checked now, so a wrong path is a start-up error, not a
            // failure at the first request.
            tokens
                .current()
                .map_err(|e| anyhow::anyhow!("connector {name}: {e}"))?;
            Ok(Arc::new(tokens))
        }
        "authorized_user" | "service_account" | "installed" => {
            Ok(Arc::new(GoogleTokens::new(name, oauth)?))
        }
        other => bail!("connector {name}: unknown `oauth.kind: {other}`"),
    }
}

/// What the Gmail connectors need (read, label, send), when `scopes` is
/// empty.
pub(crate) const DEFAULT_SCOPE: &str = "https://www.googleapis.com/auth/gmail.modify";

/// Google's token endpoint.
const GOOGLE_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
const GOOGLE_AUTH_URI: &str = "https://accounts.google.com/o/oauth2/auth";

/// Scopes as Google spells them: a short name (`gmail.send`) is one of
/// Google's API scopes.
pub(crate) fn google_scopes(scopes: &[String]) -> Vec<String> {
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
    flow: GoogleFlow,
    scopes: Vec<String>,
    /// Built on first use: building reads the token cache and needs the
    /// runtime, and preparing a config does not run on it.
    authenticator: tokio::sync::OnceCell<yup_oauth2::authenticator::DefaultAuthenticator>,
}

fn read_json(name: &str, path: &Path, what: &str) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        anyhow::anyhow!(
            "connector {name}: cannot read the {what} {}: {e}",
            path.display()
        )
    })?;
    serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "connector {name}: the {what} {} is not JSON: {e}",
            path.display()
        )
    })
}

/// A desktop app's client secret (`{"installed": {...}}` as Google Cloud
/// downloads it), with the token endpoint overridden when asked.
pub(crate) fn read_client_secret(
    path: &Path,
    token_uri: Option<&str>,
) -> Result<yup_oauth2::ApplicationSecret> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("cannot read the client secret {}: {e}", path.display()))?;
    let mut secret = yup_oauth2::parse_application_secret(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not an OAuth client secret (download it from Google Cloud → APIs & Services → Credentials → your Desktop app client): {e}",
            path.display()
        )
    })?;
    if let Some(uri) = token_uri {
        secret.token_uri = uri.to_string();
    }
    Ok(secret)
}

impl GoogleTokens {
    /// Reads and checks the credentials now, so a wrong file is a start-up
    /// error.
    pub(crate) fn new(name: &str, oauth: &OAuthConfig) -> Result<GoogleTokens> {
        let Some(file) = &oauth.file else {
            bail!(
                "connector {name}: `oauth.kind: {}` needs `oauth.file`",
                oauth.kind
            );
        };
        let token_uri = oauth.token_uri.as_deref();
        let flow = match oauth.kind.as_str() {
            "authorized_user" => {
                let json = read_json(name, file, "authorized-user credentials")?;
                let field = |key: &str| -> Result<String> {
                    json.get(key)
                        .and_then(|v| v.as_str())
                        .filter(|v| !v.is_empty())
                        .map(str::to_string)
                        .ok_or_else(|| {
                            anyhow::anyhow!(
                                "connector {name}: {} has no `{key}` (an authorized_user file has client_id, client_secret and refresh_token)",
                                file.display()
                            )
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
                    anyhow::anyhow!(
                        "connector {name}: cannot read the service account key {}: {e}",
                        file.display()
                    )
                })?;
                let mut key = yup_oauth2::parse_service_account_key(&bytes).map_err(|e| {
                    anyhow::anyhow!(
                        "connector {name}: {} is not a service account key: {e}",
                        file.display()
                    )
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
                    .map_err(|e| anyhow::anyhow!("connector {name}: {e}"))?;
                let Some(cache) = oauth.token_cache.clone() else {
                    bail!("connector {name}: `oauth.kind: installed` needs `oauth.token_cache`");
                };
                let login = format!(
                    "run `plutanium gmail login --client-secret {} --token-cache {}` first",
                    file.display(),
                    cache.display()
                );
                StoredToken::read_file(&cache)
                    .map_err(|e| anyhow::anyhow!("connector {name}: {e}; {login}"))?;
                GoogleFlow::Installed { secret, cache }
            }
            other => bail!("connector {name}: `oauth.kind: {other}` is not a Google kind"),
        };
        Ok(GoogleTokens {
            name: name.to_string(),
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
                        yup_oauth2::InstalledFlowAuthenticator::builder(
                            secret.clone(),
                            yup_oauth2::InstalledFlowReturnMethod::Interactive,
                        )
                        .flow_delegate(no_browser)
                        .with_storage(Box::new(StoredToken::refresh_token_only(refresh_token)))
                        .with_timeout(timeout)
                        .build()
                        .await
                    }
                    GoogleFlow::ServiceAccount { key, subject } => {
                        let builder =
                            yup_oauth2::ServiceAccountAuthenticator::builder(key.as_ref().clone());
                        let builder = match subject {
                            Some(subject) => builder.subject(subject.clone()),
                            None => builder,
                        };
                        builder.with_timeout(timeout).build().await
                    }
                    GoogleFlow::Installed { secret, cache } => {
                        yup_oauth2::InstalledFlowAuthenticator::builder(
                            secret.clone(),
                            yup_oauth2::InstalledFlowReturnMethod::Interactive,
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
        .map_err(|e| format!("no access token from Google: {e}"))?;
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

/// One connector's Google token, for any scopes (a connector has one set),
/// kept in memory and, for `installed`, in a file: written whole to a
/// temporary file, synced, and renamed over the old one (mode 0600), so a
/// crash during a refresh never loses the refresh token.
struct StoredToken {
    path: Option<PathBuf>,
    token: Mutex<yup_oauth2::storage::TokenInfo>,
}

/// The token file's content.
#[derive(serde::Serialize, serde::Deserialize)]
struct TokenFileContent {
    access_token: Option<String>,
    refresh_token: Option<String>,
    /// Seconds since the epoch.
    expires_at: Option<i64>,
}

impl StoredToken {
    /// Nothing but a refresh token, in memory: the first call refreshes.
    fn refresh_token_only(refresh_token: &str) -> StoredToken {
        StoredToken {
            path: None,
            token: Mutex::new(yup_oauth2::storage::TokenInfo {
                access_token: None,
                refresh_token: Some(refresh_token.to_string()),
                expires_at: Some(time::OffsetDateTime::UNIX_EPOCH),
                id_token: None,
            }),
        }
    }

    /// A file `login` writes; empty until then.
    fn empty_file(path: &Path) -> StoredToken {
        StoredToken {
            path: Some(path.to_path_buf()),
            token: Mutex::new(yup_oauth2::storage::TokenInfo {
                access_token: None,
                refresh_token: None,
                expires_at: None,
                id_token: None,
            }),
        }
    }

    /// The file `login` wrote, which must hold a refresh token.
    fn read_file(path: &Path) -> Result<StoredToken, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the token cache {}: {e}", path.display()))?;
        let content: TokenFileContent = serde_json::from_str(&text)
            .map_err(|e| format!("the token cache {} does not parse: {e}", path.display()))?;
        if content.refresh_token.as_deref().is_none_or(str::is_empty) {
            return Err(format!(
                "the token cache {} holds no refresh token",
                path.display()
            ));
        }
        Ok(StoredToken {
            path: Some(path.to_path_buf()),
            token: Mutex::new(yup_oauth2::storage::TokenInfo {
                access_token: content.access_token,
                refresh_token: content.refresh_token,
                expires_at: content
                    .expires_at
                    .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok()),
                id_token: None,
            }),
        })
    }

    fn write_file(path: &Path, token: &yup_oauth2::storage::TokenInfo) -> std::io::Result<()> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let content = TokenFileContent {
            access_token: token.access_token.clone(),
            refresh_token: token.refresh_token.clone(),
            expires_at: token.expires_at.map(|t| t.unix_timestamp()),
        };
        let json = serde_json::to_vec_pretty(&content).map_err(std::io::Error::other)?;
        // A fresh name each time: two writers never share a temporary file,
        // and the mode applies because the file is new.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = path
            .file_name()
            .map_or_else(|| "token".to_string(), |n| n.to_string_lossy().into_owned());
        let temporary = path.with_file_name(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&temporary)?;
        file.write_all(&json)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl yup_oauth2::storage::TokenStorage for StoredToken {
    async fn set(
        &self,
        _scopes: &[&str],
        token: yup_oauth2::storage::TokenInfo,
    ) -> Result<(), yup_oauth2::storage::TokenStorageError> {
        if let Some(path) = &self.path {
            let (path, written) = (path.clone(), token.clone());
            tokio::task::spawn_blocking(move || StoredToken::write_file(&path, &written))
                .await
                .map_err(|e| {
                    yup_oauth2::storage::TokenStorageError::Other(e.to_string().into())
                })??;
        }
        *self.token.lock().unwrap_or_else(|e| e.into_inner()) = token;
        Ok(())
    }

    async fn get(&self, _scopes: &[&str]) -> Option<yup_oauth2::storage::TokenInfo> {
        let token = self.token.lock().unwrap_or_else(|e| e.into_inner()).clone();
        (token.access_token.is_some() || token.refresh_token.is_some()).then_some(token)
    }
}

/// Shows the consent URL to the person running `plutanium gmail login`.
struct ShowUrl(Box<dyn Fn(&str) + Send + Sync>);

impl yup_oauth2::authenticator_delegate::InstalledFlowDelegate for ShowUrl {
    fn present_user_url<'a>(
        &'a self,
        url: &'a str,
        _need_code: bool,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send + 'a>>
    {
        (self.0)(url);
        Box::pin(async { Ok(String::new()) })
    }
}

/// Signs in through a browser (the installed flow with a loopback
/// redirect) and writes the tokens to `cache`, readable by its owner only.
pub(crate) async fn login(
    client_secret: &Path,
    cache: &Path,
    scopes: &[String],
    port: Option<u16>,
    token_uri: Option<&str>,
    timeout: std::time::Duration,
    show_url: Box<dyn Fn(&str) + Send + Sync>,
) -> Result<()> {
    // Only tests override the endpoint; the client secret names Google's.
    let secret = read_client_secret(client_secret, token_uri)?;
    let method = match port {
        Some(port) => yup_oauth2::InstalledFlowReturnMethod::HTTPPortRedirect(port),
        None => yup_oauth2::InstalledFlowReturnMethod::HTTPRedirect,
    };
    if let Some(dir) = cache.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    // The new tokens go to a file beside the cache and replace it only once
    // they hold a refresh token: a failed login leaves a working cache alone.
    let fresh = cache.with_file_name(format!(
        ".{}.login",
        cache
            .file_name()
            .map_or_else(|| "token".into(), |n| n.to_string_lossy().into_owned())
    ));
    let auth = yup_oauth2::InstalledFlowAuthenticator::builder(secret, method)
        .flow_delegate(Box::new(ShowUrl(show_url)))
        // Asks for consent every time, so Google sends a refresh token
        // again (it sends one only on consent).
        .force_account_selection(true)
        .with_storage(Box::new(StoredToken::empty_file(&fresh)))
        .build()
        .await
        .map_err(|e| anyhow::anyhow!("cannot start the login: {e}"))?;
    let scopes = google_scopes(scopes);
    let token = tokio::time::timeout(timeout, auth.token(&scopes))
        .await
        .map_err(|_| anyhow::anyhow!("nobody allowed access within {} s", timeout.as_secs()))?
        .map_err(|e| anyhow::anyhow!("the login failed: {e}"))?;
    if token.token().is_none() {
        bail!("Google answered without an access token");
    }
    StoredToken::read_file(&fresh).map_err(|e| {
        let _ = std::fs::remove_file(&fresh);
        anyhow::anyhow!(
            "{e}: Google sent no refresh token; remove the app's access at https://myaccount.google.com/permissions and log in again"
        )
    })?;
    std::fs::rename(&fresh, cache)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", cache.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_google::{AUTHORIZATION_CODE, FakeGoogle, REFRESH_TOKEN};
    use gmail_api::fake::Mailbox;

    #[test]
    fn a_token_file_is_read_again_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "ya29.first\n").unwrap();
        let tokens = TokenFile::new(&path);
        assert_eq!(tokens.current().unwrap(), "ya29.first");
        // Replaced (as a refreshing tool would, by rename), with a later
        // modification time.
        let next = dir.path().join("token.new");
        std::fs::write(&next, "  ya29.second  \n").unwrap();
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&next)
            .unwrap()
            .set_modified(later)
            .unwrap();
        std::fs::rename(&next, &path).unwrap();
        assert_eq!(tokens.current().unwrap(), "ya29.second");
        std::fs::write(&path, "").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(later + std::time::Duration::from_secs(5))
            .unwrap();
        assert!(tokens.current().unwrap_err().contains("is empty"));
        std::fs::remove_file(&path).unwrap();
        assert!(tokens.current().unwrap_err().contains("cannot read"));
    }

    fn oauth(kind: &str, file: &Path, token_uri: String) -> OAuthConfig {
        OAuthConfig {
            kind: kind.into(),
            file: Some(file.to_path_buf()),
            scopes: vec!["gmail.modify".into()],
            subject: None,
            token_uri: Some(token_uri),
            token_cache: None,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_authorized_user_refreshes_at_the_configured_endpoint() {
        let google = FakeGoogle::start(Mailbox::new(10)).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("user.json");
        std::fs::write(
            &file,
            format!(r#"{{"type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "{REFRESH_TOKEN}"}}"#),
        )
        .unwrap();
        let tokens = GoogleTokens::new(
            "gmail",
            &oauth("authorized_user", &file, google.token_uri()),
        )
        .unwrap();
        assert_eq!(tokens.token().await.unwrap(), "ya29.fake-1");
        assert_eq!(
            tokens.token().await.unwrap(),
            "ya29.fake-1",
            "kept until it expires"
        );
        assert_eq!(tokens.refresh("ya29.fake-1").await.unwrap(), "ya29.fake-2");
        assert_eq!(google.tokens_issued(), 2);
        // A refresh token the endpoint refuses: a clear error, no browser.
        std::fs::write(
            &file,
            r#"{"client_id": "c", "client_secret": "s", "refresh_token": "1//revoked"}"#,
        )
        .unwrap();
        let revoked = GoogleTokens::new(
            "gmail",
            &oauth("authorized_user", &file, google.token_uri()),
        )
        .unwrap();
        let error = revoked.token().await.unwrap_err();
        assert!(error.contains("log in again"), "{error}");
        // Files that cannot be credentials fail at start.
        std::fs::write(&file, r#"{"client_id": "c"}"#).unwrap();
        let error = GoogleTokens::new(
            "gmail",
            &oauth("authorized_user", &file, google.token_uri()),
        )
        .err()
        .unwrap();
        assert!(
            format!("{error}").contains("has no `client_secret`"),
            "{error}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_service_account_signs_a_jwt_for_its_subject() {
        let google = FakeGoogle::start(Mailbox::new(10)).await.unwrap();
        let key =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/test-service-account.json");
        let mut config = oauth("service_account", &key, google.token_uri());
        config.subject = Some("owner@example.com".into());
        let tokens = GoogleTokens::new("gmail", &config).unwrap();
        assert_eq!(tokens.token().await.unwrap(), "ya29.fake-1");
        let claims: serde_json::Value =
            serde_json::from_str(&google.last_jwt_claims().unwrap()).unwrap();
        assert_eq!(claims["sub"], "owner@example.com");
        assert_eq!(
            claims["iss"],
            "gateway@plutanium-tests.iam.gserviceaccount.com"
        );
        assert_eq!(claims["scope"], DEFAULT_SCOPE);
        assert_eq!(claims["aud"], google.token_uri());
        let dir = tempfile::tempdir().unwrap();
        let not_a_key = dir.path().join("key.json");
        std::fs::write(&not_a_key, "{}").unwrap();
        let error = GoogleTokens::new(
            "gmail",
            &oauth("service_account", &not_a_key, google.token_uri()),
        )
        .err()
        .unwrap();
        assert!(
            format!("{error}").contains("is not a service account key"),
            "{error}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn login_through_a_loopback_redirect_writes_a_private_token_cache() {
        use std::os::unix::fs::PermissionsExt;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let google = FakeGoogle::start(Mailbox::new(10)).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("client_secret.json");
        std::fs::write(
            &secret,
            format!(
                r#"{{"installed": {{"client_id": "c.apps.googleusercontent.com", "client_secret": "s", "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "{}", "redirect_uris": ["http://localhost"]}}}}"#,
                google.token_uri()
            ),
        )
        .unwrap();
        let cache = dir.path().join("state/token.json");
        // The "browser": follows the consent URL's redirect with a code.
        let (url_tx, mut url_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let browser = tokio::spawn(async move {
            let url = url_rx.recv().await.unwrap();
            let redirect = url
                .split(['?', '&'])
                .find_map(|p| p.strip_prefix("redirect_uri="))
                .unwrap()
                .replace("%3A", ":")
                .replace("%2F", "/");
            let port = redirect
                .rsplit(':')
                .next()
                .unwrap()
                .trim_end_matches('/')
                .to_string();
            let mut stream = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}"))
                .await
                .unwrap();
            let request = format!(
                "GET /?code={AUTHORIZATION_CODE}&scope=gmail HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
            );
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer).await;
            url
        });
        login(
            &secret,
            &cache,
            &[],
            None,
            None,
            std::time::Duration::from_secs(30),
            Box::new(move |url| url_tx.send(url.to_string()).unwrap()),
        )
        .await
        .unwrap();
        let url = browser.await.unwrap();
        assert!(url.contains("gmail.modify"), "the default scope: {url}");
        assert!(
            url.contains("prompt=select_account+consent"),
            "consent, so a refresh token comes: {url}"
        );
        assert!(
            !dir.path().join("state/.token.json.login").exists(),
            "the new tokens replaced the cache"
        );
        let mode = std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(google.tokens_issued(), 1);
        // The daemon's side: the cached token, then a refresh with the
        // refresh token the login saved.
        let mut config = oauth("installed", &secret, google.token_uri());
        config.scopes.clear();
        config.token_cache = Some(cache.clone());
        let tokens = GoogleTokens::new("gmail", &config).unwrap();
        assert_eq!(tokens.token().await.unwrap(), "ya29.fake-1");
        assert_eq!(tokens.refresh("ya29.fake-1").await.unwrap(), "ya29.fake-2");
        // Without a login, it says what to run.
        config.token_cache = Some(dir.path().join("missing.json"));
        let error = GoogleTokens::new("gmail", &config).err().unwrap();
        assert!(
            format!("{error}").contains("plutanium gmail login --client-secret"),
            "{error}"
        );
    }
}
