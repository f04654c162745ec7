//! OAuth tokens for connectors, handed to the runtime as a
//! [`TokenProvider`]: the host adds `Authorization: Bearer …` to requests
//! for the connector's hosts, and the component never sees the token.
//!
//! Today: `kind: token_file` — an access token read from a file (its first
//! line; surrounding whitespace ignored) and read again whenever the file
//! changes, so an external tool can keep it fresh. The refresh-token kinds
//! (`authorized_user`, `service_account`, `installed`) are refused with a
//! clear error until they land.

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
        other => bail!(
            "connector {name}: `oauth.kind: {other}` is not supported yet; use `token_file` (an access token in a file, re-read when it changes)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
