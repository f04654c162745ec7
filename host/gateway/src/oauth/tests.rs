//! The OAuth kinds against a fake Google on loopback.

use super::google::GoogleTokens;
use super::*;
use gmail_api::fake::Mailbox;
use plutanium_fake_google::{AUTHORIZATION_CODE, FakeGoogle, REFRESH_TOKEN};

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
        &trust(),
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
        &trust(),
    )
    .unwrap();
    let error = revoked.token().await.unwrap_err();
    assert!(error.contains("log in again"), "{error}");
    // Files that cannot be credentials fail at start.
    std::fs::write(&file, r#"{"client_id": "c"}"#).unwrap();
    let error = GoogleTokens::new(
        "gmail",
        &oauth("authorized_user", &file, google.token_uri()),
        &trust(),
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
    let tokens = GoogleTokens::new("gmail", &config, &trust()).unwrap();
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
        &trust(),
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
        let _ = reqwest::get(format!(
            "http://127.0.0.1:{port}/?code={AUTHORIZATION_CODE}&scope=gmail"
        ))
        .await;
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
    let tokens = GoogleTokens::new("gmail", &config, &trust()).unwrap();
    assert_eq!(tokens.token().await.unwrap(), "ya29.fake-1");
    assert_eq!(tokens.refresh("ya29.fake-1").await.unwrap(), "ya29.fake-2");
    // Without a login, it says what to run.
    config.token_cache = Some(dir.path().join("missing.json"));
    let error = GoogleTokens::new("gmail", &config, &trust()).err().unwrap();
    assert!(
        format!("{error}").contains("plutanium gmail login --client-secret"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_requests_trust_the_same_ca_files_as_connectors() {
    // Google's token endpoint behind TLS whose certificate only a private
    // CA vouches for, as behind a company's TLS-inspecting proxy.
    let google = FakeGoogle::start(Mailbox::new(10)).await.unwrap();
    let ca = plutanium_tls::testing::PrivateCa::new().unwrap();
    let plain: std::net::SocketAddr = google
        .token_uri()
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (port, front) = ca.front(plain).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("company-ca.pem");
    std::fs::write(&ca_file, &ca.ca_pem).unwrap();
    let key =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/test-service-account.json");
    let path = google
        .token_uri()
        .split_once("//")
        .unwrap()
        .1
        .split_once('/')
        .unwrap()
        .1
        .to_string();
    let config = oauth(
        "service_account",
        &key,
        format!("https://localhost:{port}/{path}"),
    );
    let untrusting = GoogleTokens::new("gmail", &config, &trust()).unwrap();
    let error = untrusting.token().await.unwrap_err();
    assert!(error.to_lowercase().contains("certificate"), "{error}");
    let with_ca = plutanium_tls::TrustStore::load(&[ca_file]).unwrap();
    let trusting = GoogleTokens::new("gmail", &config, &with_ca).unwrap();
    assert_eq!(trusting.token().await.unwrap(), "ya29.fake-1");
    front.abort();
}

/// The platform's CAs (the fakes here are plain HTTP on loopback).
fn trust() -> plutanium_tls::TrustStore {
    plutanium_tls::TrustStore::load(&[]).unwrap()
}
