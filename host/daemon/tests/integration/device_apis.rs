//! `plutanium run` with modems that devices own (the fakes `plutanium sim`
//! serves over its simulated network): a MikroTik router through its REST
//! API, where an SMS in is stored and answered and a text RouterOS would
//! deliver mangled fails with the reason instead of going out; and a HiLink
//! stick through its web API, which answers in unicode.

use serde_json::Value;

use crate::daemon::{
    Daemon, echo_processor, phone_sends, phone_texts, plutanium, stdout, wait_until,
};
use crate::sim::start_sim_with;

const MODEM: &str = "+420777000009";
const STICK: &str = "+420777000008";
const PHONE: &str = "+420601000001";

#[test]
fn the_gateway_works_through_a_mikrotik_router_and_a_hilink_stick() {
    let sim = start_sim_with(
        "generic",
        &[
            "--modem",
            &format!("lte={MODEM}@routeros://127.0.0.1:0"),
            "--modem",
            &format!("stick={STICK}@hilink://127.0.0.1:0"),
        ],
    );
    let stick = sim.modems[2]["hilink"]["port"]
        .as_str()
        .expect("the stick's port URL");
    let router = &sim.modems[1]["routeros"];
    let port = router["port"].as_str().expect("the router's port URL");
    assert!(port.starts_with("routeros+http://api@127.0.0.1:"), "{port}");
    let dir = tempfile::tempdir().unwrap();
    let password = dir.path().join("router-password");
    std::fs::write(&password, router["password"].as_str().unwrap()).unwrap();
    let config = dir.path().join("plutanium.yaml");
    std::fs::write(
        &config,
        format!(
            r#"
store: "sqlite://{store}"
modems:
  lte: {{ port: "{port}", password_file: "{password}", number: "{MODEM}" }}
  stick: {{ port: "{stick}", number: "{STICK}" }}
connectors:
  echo: {{ component: "{echo}" }}
routes:
  - {{ from: lte, through: [echo], to: lte }}
  - {{ from: stick, through: [echo], to: stick }}
"#,
            store = dir.path().join("plutanium.db").display(),
            password = password.display(),
            echo = echo_processor().display(),
        ),
    )
    .unwrap();
    let config_arg = config.to_str().unwrap();
    let mut daemon = Daemon::start(&config, dir.path(), &[]);
    daemon.wait_for_log("running");
    assert!(
        daemon.log().contains("plain HTTP"),
        "a router without TLS is warned about:\n{}",
        daemon.log()
    );

    phone_sends(&sim, PHONE, MODEM, "ping over the router");
    wait_until("the answer through the router", &mut daemon, || {
        phone_texts(&sim, PHONE)
            .contains(&"echo: ping over the router".to_string())
            .then_some(())
    });
    let listed = stdout(&plutanium(&[
        "messages", "list", "--config", config_arg, "--json",
    ]));
    let inbound: Vec<Value> = listed
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|m| m["id"].as_str().is_some_and(|id| id.starts_with("in-")))
        .collect();
    assert_eq!(inbound.len(), 1, "stored once: {listed}");
    assert_eq!(inbound[0]["modem"], "lte");

    let queued = stdout(&plutanium(&[
        "send",
        "--config",
        config_arg,
        "--to",
        PHONE,
        "--modem",
        "lte",
        "Schůzka v 10",
    ]));
    let id = queued.split_whitespace().nth(1).unwrap().to_string();
    let shown = wait_until("the refusal", &mut daemon, || {
        let shown: Value = serde_json::from_str(&stdout(&plutanium(&[
            "messages", "show", "--config", config_arg, &id,
        ])))
        .unwrap();
        (shown["status"] == "failed").then_some(shown)
    });
    let reason = shown["error"].as_str().unwrap_or_default();
    assert!(
        reason.contains("outside ASCII") && reason.contains("rfc2217://"),
        "{shown:#}"
    );
    assert!(
        !phone_texts(&sim, PHONE)
            .iter()
            .any(|t| t.contains("Schzka") || t.contains("Schůzka")),
        "nothing mangled reached the phone"
    );
}
