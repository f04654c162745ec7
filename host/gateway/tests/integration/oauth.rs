//! OAuth in a running gateway: the token reaches the granted host, never the component.

use std::sync::Arc;

use plutanium_store::SqliteStore;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oauth_token_file_reaches_the_granted_host_never_the_component() {
    use axum::routing::post;
    // The "API": answers with the Authorization header it received.
    let app = axum::Router::new().route(
        "/whoami",
        post(|headers: axum::http::HeaderMap| async move {
            headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("no token")
                .to_string()
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, app).into_future());
    let sim = network(19);
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "ya29.from-the-file\n").unwrap();
    let store = Arc::new(SqliteStore::open(dir.path().join("plutanium.db")).unwrap());
    let config = config(&format!(
        r#"
modems:
  gsm0: {{ port: "sim://gsm0", number: "+420777000000", rate_per_minute: 10000 }}
connectors:
  api:
    component: keyword
    allow_hosts: ["127.0.0.1"]
    oauth: {{ kind: token_file, file: "{token}" }}
    config:
      rules:
        - match: {{ keyword: who }}
          then: {{ webhook: {{ url: "http://{address}/whoami" }} }}
routes:
  - {{ from: gsm0, through: [api], to: gsm0 }}
"#,
        token = token.display()
    ));
    let gateway = start_on_sim(config.clone(), &store, &dir, &sim).await;
    sim.phone_send("+420601234567", "+420777000000", "who am I")
        .unwrap();
    let answer = eventually("the answer", || {
        sim.phone_inbox("+420601234567").into_iter().next()
    })
    .await;
    assert_eq!(answer.text, "Bearer ya29.from-the-file");
    gateway.stop().await;
    // Credentials that cannot work, or a missing file, do not start.
    let mut not_logged_in = config.clone();
    not_logged_in.connectors[0].oauth.as_mut().unwrap().kind = "installed".into();
    let error = refused(not_logged_in, &store, dir.path()).await;
    assert!(error.contains("is not an OAuth client secret"), "{error}");
    std::fs::remove_file(&token).unwrap();
    let error = refused(config, &store, dir.path()).await;
    assert!(error.contains("cannot read the token file"), "{error}");
}
