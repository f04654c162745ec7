//! The example pipelines in `examples/pipelines/`, each run on the simulator.

use std::path::PathBuf;

use plutanium_core::config::Config;
use plutanium_modem_sim::Simulator;

use crate::support::*;

/// An example pipeline from `examples/pipelines/`, on the simulator:
/// every modem's port becomes `sim://NAME` (no PIN, no rate limit to
/// wait for); everything else is as a user would run it.
fn example(name: &str) -> Config {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/pipelines")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut config =
        plutanium_core::config::load(&text, &|_| None).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    for modem in &mut config.modems {
        modem.port = format!("sim://{}", modem.name);
        modem.pin = None;
        modem.rate_per_minute = Some(10_000);
    }
    config
}

async fn run_example(name: &str, seed: u64, scenario: impl AsyncFnOnce(&Simulator)) {
    let (sim, dir, store) = fixture(seed);
    let gateway = start_on_sim(example(name), &store, &dir, &sim).await;
    scenario(&sim).await;
    gateway.stop().await;
}

async fn first_to(sim: &Simulator, phone: &str, what: &str) -> String {
    let phone = phone.to_string();
    eventually(what, || sim.phone_inbox(&phone).into_iter().next())
        .await
        .text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_pipelines_run_on_the_simulator() {
    run_example("missed-call.yaml", 21, async |sim| {
        sim.call("+420601234567", "+420777000000").unwrap();
        let text = first_to(sim, "+420777000111", "the notification").await;
        assert!(
            text.starts_with("Missed call from +420601234567 at "),
            "{text}"
        );
    })
    .await;
    run_example("redirect.yaml", 22, async |sim| {
        sim.phone_send("+420601234567", "+420777000000", "Ahoj")
            .unwrap();
        let text = first_to(sim, "+420777000111", "the forward").await;
        assert_eq!(text, "+420601234567: Ahoj");
        sim.phone_send("+420777000100", "+420777000000", "REDIRECT OFF")
            .unwrap();
        let text = first_to(sim, "+420777000100", "the confirmation").await;
        assert!(text.contains("paused"), "{text}");
    })
    .await;
    run_example("chat.yaml", 23, async |sim| {
        sim.phone_send("+420601234567", "+420777000000", "Are you there?")
            .unwrap();
        first_to(sim, "+420777000111", "the forward").await;
        sim.phone_send(
            "+420777000111",
            "+420777000000",
            "Yes, answering from my phone",
        )
        .unwrap();
        let text = first_to(sim, "+420601234567", "the chat answer").await;
        assert_eq!(text, "Yes, answering from my phone");
        sim.phone_send("+420777000111", "+420777000000", "@601000002 Hi Bob")
            .unwrap();
        let text = first_to(sim, "+420601000002", "the message to Bob").await;
        assert_eq!(text, "Hi Bob");
    })
    .await;
    // Its WEATHER rule calls hooks.example.com, which a test must not
    // reach; the other rules run as written.
    run_example("keyword-webhook.yaml", 24, async |sim| {
        sim.phone_send("+420601234567", "+420777000000", "PIN 1234")
            .unwrap();
        let text = first_to(sim, "+420601234567", "the PIN answer").await;
        assert_eq!(text, "Code 1234 received, thank you.");
        sim.phone_send("+420601234567", "+420777000000", "help!")
            .unwrap();
        sim.phone_send("+420601234567", "+420777000000", "HELP me")
            .unwrap();
        let text = first_to(sim, "+420777000222", "the HELP forward").await;
        assert_eq!(text, "+420601234567: HELP me");
        let text = first_to(sim, "+420777000111", "the fallback").await;
        assert_eq!(text, "+420601234567: help!");
    })
    .await;
}
