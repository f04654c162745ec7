//! `plutanium connector try`: one call into a connector, outside any daemon,
//! through the routing core's traits, with the answer printed as JSON.

use std::sync::Arc;

use crate::gateway::now_ms;
use anyhow::{Context, Result};
use plutanium_core::{Action, Call, Event, InboundSms, Outbound, Processor, Sink, Source};
use plutanium_runtime::{Grants, MemoryKv, Runtime, RuntimeConfig, World};
use serde_json::{Value, json};

/// What to give the connector.
#[derive(Debug, Clone)]
pub(crate) enum Stimulus {
    /// An inbound SMS.
    Sms { from: String, text: String },
    /// A missed call; an empty number is a withheld one.
    Call { from: String },
    /// A poll of a source.
    Poll { max: u32 },
}

fn outbound_json(out: &Outbound) -> Value {
    json!({
        "to": out.to, "text": out.text, "key": out.key,
        "status_report": out.options.status_report, "flash": out.options.flash,
        "modem": out.options.modem,
    })
}

fn action_json(action: &Action) -> Value {
    match action {
        Action::Reply(text) => json!({"reply": text}),
        Action::Send(out) => json!({"send": outbound_json(out)}),
        Action::Drop => json!("drop"),
    }
}

/// Loads the component, gives it `stimulus` `repeat` times, and prints one
/// JSON line per call; fails when any call failed.
pub(crate) async fn run(
    name: String,
    bytes: Vec<u8>,
    config: Vec<(String, String)>,
    allow_hosts: Vec<String>,
    stimulus: Stimulus,
    repeat: u32,
) -> Result<()> {
    let runtime = Runtime::new(RuntimeConfig::default(), Arc::new(MemoryKv::default()))?;
    let grants = Grants {
        allow_hosts,
        config,
        oauth: None,
        ..Grants::default()
    };
    let mut connector = runtime
        .load(&name, &bytes, grants)
        .context("cannot load the connector")?;
    let world = connector.world();
    let event = match &stimulus {
        Stimulus::Sms { from, text } => Some(Event::Sms(InboundSms {
            id: "try-1".into(),
            sender: from.clone(),
            recipient: "+10000000000".into(),
            text: text.clone(),
            received_at: now_ms(),
            modem: "try".into(),
            meta: Vec::new(),
        })),
        Stimulus::Call { from } => Some(Event::Call(Call {
            caller: (!from.is_empty()).then(|| from.clone()),
            modem: "try".into(),
            at: now_ms(),
        })),
        Stimulus::Poll { .. } => None,
    };
    let calls = repeat.max(1);
    let mut failed = 0;
    for _ in 0..calls {
        let answer = match (world, &event, &stimulus) {
            (World::Processor, Some(event), _) => Processor::handle(&mut connector, event)
                .await
                .map(|actions| json!({"actions": actions.iter().map(action_json).collect::<Vec<_>>()})),
            (World::Sink, Some(event), _) => Sink::deliver(&mut connector, event)
                .await
                .map(|()| json!({"delivered": true})),
            (World::Source, None, Stimulus::Poll { max }) => Source::poll(&mut connector, *max)
                .await
                .map(|polled| json!({"polled": polled.iter().map(outbound_json).collect::<Vec<_>>()})),
            (World::Source, Some(_), _) => {
                anyhow::bail!("{name} is a source: poll it with --poll MAX")
            }
            (_, None, _) => anyhow::bail!("{name} is a {}: give it --sms or --call", world.name()),
        };
        let line = match answer {
            Ok(value) => value,
            Err(e) => {
                failed += 1;
                json!({"error": e.to_string(), "retryable": e.is_retryable()})
            }
        };
        println!("{line}");
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {calls} calls failed");
    }
    Ok(())
}
