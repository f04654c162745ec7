//! The built-in connectors (keyword, webhooks, sms-redirect) in a running gateway.

use std::time::Duration;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_built_in_keyword_connector_answers_and_forwards_by_its_rules() {
    let (sim, dir, store) = fixture(16);
    // Rules as a YAML list of maps, as a user writes them.
    let config = config(
        r#"
modems:
  gsm0: { port: "sim://gsm0", number: "+420777000000", rate_per_minute: 10000 }
connectors:
  responder:
    component: keyword
    config:
      default_country: "+420"
      rules:
        - match: { regex: '^PIN (\d{4})$' }
          then: { reply: "Code $1 received" }
        - match: { keyword: help }
          then: { forward: "777 000 111" }
      fallback: "+420777000999"
routes:
  - { from: gsm0, through: [responder], to: gsm0 }
"#,
    );
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    sim.phone_send("+420601234567", "+420777000000", "PIN 4711")
        .unwrap();
    sim.phone_send("+420601234567", "+420777000000", "Help me please")
        .unwrap();
    sim.phone_send("+420601234567", "+420777000000", "anything else")
        .unwrap();
    let reply = eventually("the reply", || {
        sim.phone_inbox("+420601234567").into_iter().next()
    })
    .await;
    assert_eq!(reply.text, "Code 4711 received");
    let forwarded = eventually("the forward", || {
        sim.phone_inbox("+420777000111").into_iter().next()
    })
    .await;
    assert_eq!(forwarded.text, "+420601234567: Help me please");
    let fallback = eventually("the fallback", || {
        sim.phone_inbox("+420777000999").into_iter().next()
    })
    .await;
    assert_eq!(fallback.text, "+420601234567: anything else");
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyword_webhook_answers_through_a_real_http_server_and_a_slow_one_is_not_lost() {
    use axum::routing::post;
    // The webhook, on loopback: `/weather` answers with JSON, `/slow`
    // answers after the rule's timeout.
    let app = axum::Router::new()
        .route(
            "/weather",
            post(|body: String| async move {
                let asked: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                let city = asked["city"].as_str().unwrap_or("?").to_string();
                axum::Json(serde_json::json!({ "answer": format!("{city}: 21 °C, sunny") }))
            }),
        )
        .route(
            "/slow",
            post(|| async {
                tokio::time::sleep(Duration::from_secs(20)).await;
                "too late"
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, app).into_future());

    let (sim, dir, store) = fixture(17);
    let config = config(&format!(
        r#"
modems:
  gsm0: {{ port: "sim://gsm0", number: "+420777000000", rate_per_minute: 10000 }}
connectors:
  responder:
    component: keyword
    allow_hosts: ["127.0.0.1"]
    config:
      fallback: "+420777000999"
      rules:
        - match: {{ keyword: weather }}
          then:
            webhook:
              url: "http://{address}/weather"
              body: '{{"city":"{{rest}}","from":"{{sender}}"}}'
              reply: /answer
        - match: {{ keyword: slow }}
          then: {{ webhook: {{ url: "http://{address}/slow", timeout: 1 }} }}
routes:
  - {{ from: gsm0, through: [responder], to: gsm0 }}
"#
    ));
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    sim.phone_send("+420601234567", "+420777000000", "weather Ústí nad Labem")
        .unwrap();
    let answer = eventually("the webhook's answer", || {
        sim.phone_inbox("+420601234567").into_iter().next()
    })
    .await;
    assert_eq!(answer.text, "Ústí nad Labem: 21 °C, sunny");
    sim.phone_send("+420601234567", "+420777000000", "slow please")
        .unwrap();
    let sorry = eventually("the error reply", || {
        sim.phone_inbox("+420601234567").into_iter().nth(1)
    })
    .await;
    assert!(sorry.text.starts_with("Sorry"), "{}", sorry.text);
    let kept = eventually("the forward to the fallback", || {
        sim.phone_inbox("+420777000999").into_iter().next()
    })
    .await;
    assert_eq!(kept.text, "+420601234567: slow please");
    gateway.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_redirect_forwards_takes_commands_and_chats_back() {
    let (sim, dir, store) = fixture(18);
    let config = config(
        r#"
modems:
  gsm0: { port: "sim://gsm0", number: "+420777000000", rate_per_minute: 10000 }
connectors:
  redirect:
    component: sms-redirect
    config: { owner: ["+420777000100"], destination: "+420777000111", default_country: "+420" }
routes:
  - { from: gsm0, through: [redirect], to: gsm0 }
"#,
    );
    let gateway = start_on_sim(config, &store, &dir, &sim).await;
    // A long unicode SMS is forwarded whole.
    let long = "Dlouhá zpráva s emoji 👋 ".repeat(5);
    sim.phone_send("+420601234567", "+420777000000", &long)
        .unwrap();
    let forwarded = eventually("the forward", || {
        sim.phone_inbox("+420777000111").into_iter().next()
    })
    .await;
    assert_eq!(forwarded.text, format!("+420601234567: {long}"));
    assert!(forwarded.parts > 1);
    // The destination answers without a prefix: to the last sender.
    sim.phone_send("+420777000111", "+420777000000", "Díky!")
        .unwrap();
    let answer = eventually("the chat answer", || {
        sim.phone_inbox("+420601234567").into_iter().next()
    })
    .await;
    assert_eq!(answer.text, "Díky!");
    // The owner moves it; the next message goes to the new number.
    sim.phone_send("+420777000100", "+420777000000", "REDIRECT 777 000 222")
        .unwrap();
    let confirmed = eventually("the confirmation", || {
        sim.phone_inbox("+420777000100").into_iter().next()
    })
    .await;
    assert_eq!(confirmed.text, "Redirecting to +420777000222.");
    sim.call("+420601999999", "+420777000000").unwrap();
    let call = eventually("the forwarded call", || {
        sim.phone_inbox("+420777000222").into_iter().next()
    })
    .await;
    assert!(
        call.text.starts_with("Missed call from +420601999999"),
        "{}",
        call.text
    );
    gateway.stop().await;
}
