//! The token cache of the `installed` kind: one connector's Google token
//! kept in memory and in a file that `plutanium gmail login` writes, and
//! that refreshes rewrite whole, so a crash never loses the refresh token.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One connector's Google token, for any scopes (a connector has one set),
/// kept in memory and, for `installed`, in a file: written whole to a
/// temporary file, synced, and renamed over the old one (mode 0600), so a
/// crash during a refresh never loses the refresh token.
pub(super) struct StoredToken {
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
    pub(super) fn refresh_token_only(refresh_token: &str) -> StoredToken {
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
    pub(super) fn empty_file(path: &Path) -> StoredToken {
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
    pub(super) fn read_file(path: &Path) -> Result<StoredToken, String> {
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
        let content = TokenFileContent {
            access_token: token.access_token.clone(),
            refresh_token: token.refresh_token.clone(),
            expires_at: token.expires_at.map(|t| t.unix_timestamp()),
        };
        let json = serde_json::to_vec_pretty(&content).map_err(std::io::Error::other)?;
        plutanium_durable::replace(path, &json, plutanium_durable::Access::Private)
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
