//! `plutanium gmail login`: a person signs in through a browser once (the
//! installed flow with a loopback redirect), and the tokens go to the
//! connector's token cache, readable by its owner only.

use std::path::Path;

use super::OAuthError;
use super::google::{google_scopes, read_client_secret};
use super::token_cache::StoredToken;

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
pub async fn login(
    client_secret: &Path,
    cache: &Path,
    scopes: &[String],
    port: Option<u16>,
    token_uri: Option<&str>,
    timeout: std::time::Duration,
    show_url: Box<dyn Fn(&str) + Send + Sync>,
) -> Result<(), OAuthError> {
    // Only tests override the endpoint; the client secret names Google's.
    let secret = read_client_secret(client_secret, token_uri)?;
    let method = match port {
        Some(port) => yup_oauth2::InstalledFlowReturnMethod::HTTPPortRedirect(port),
        None => yup_oauth2::InstalledFlowReturnMethod::HTTPRedirect,
    };
    if let Some(dir) = cache.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| OAuthError::Login(format!("cannot create {}: {e}", dir.display())))?;
    }
    // The new tokens go to a file beside the cache and replace it only once
    // they hold a refresh token: a failed login leaves a working cache alone.
    let fresh = cache.with_file_name(format!(
        ".{}.login",
        cache
            .file_name()
            .map_or_else(|| "token".into(), |n| n.to_string_lossy().into_owned())
    ));
    // The platform's CAs, as the daemon trusts (plus its `tls.ca_files`,
    // which a login run has no config to read).
    let trust =
        plutanium_tls::TrustStore::load(&[]).map_err(|e| OAuthError::Login(e.to_string()))?;
    let auth = yup_oauth2::InstalledFlowAuthenticator::with_client(
        secret,
        method,
        super::google::http_client(&trust),
    )
    .flow_delegate(Box::new(ShowUrl(show_url)))
    // Asks for consent every time, so Google sends a refresh token
    // again (it sends one only on consent).
    .force_account_selection(true)
    .with_storage(Box::new(StoredToken::empty_file(&fresh)))
    .build()
    .await
    .map_err(|e| OAuthError::Login(format!("cannot start the login: {e}")))?;
    let scopes = google_scopes(scopes);
    let token = tokio::time::timeout(timeout, auth.token(&scopes))
        .await
        .map_err(|_| {
            OAuthError::Login(format!(
                "nobody allowed access within {} s",
                timeout.as_secs()
            ))
        })?
        .map_err(|e| OAuthError::Login(format!("the login failed: {e}")))?;
    if token.token().is_none() {
        return Err(OAuthError::Login(
            "Google answered without an access token".into(),
        ));
    }
    StoredToken::read_file(&fresh).map_err(|e| {
        let _ = std::fs::remove_file(&fresh);
        OAuthError::Login(format!(
            "{e}: Google sent no refresh token; remove the app's access at https://myaccount.google.com/permissions and log in again"
        ))
    })?;
    plutanium_durable::rename(&fresh, cache)
        .map_err(|e| OAuthError::Login(format!("cannot write {}: {e}", cache.display())))?;
    Ok(())
}
