//! `plutanium connector try`: one call into a connector, outside any daemon,
//! through the routing core's traits, so an author sees what their
//! component answers before a gateway runs it. Its key-value store lasts
//! for the trial only.

use std::sync::Arc;

use plutanium_core::{Action, Call, Event, InboundSms, Outbound, Processor, Sink, Source};
use plutanium_runtime::{Grants, LoadError, MemoryKv, Runtime, RuntimeConfig, World};
use serde_json::{Value, json};

/// What to give the connector.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Stimulus {
    /// An inbound SMS.
    Sms {
        /// The sender.
        from: String,
        /// The text.
        text: String,
    },
    /// A missed call; an empty number is a withheld one.
    Call {
        /// The caller.
        from: String,
    },
    /// A poll of a source.
    Poll {
        /// At most this many messages.
        max: u32,
    },
}

/// Why a trial could not run at all (a call that fails is an answer, not
/// this).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrialError {
    /// The component did not load.
    #[error("cannot load the connector {name}: {source}")]
    Load {
        /// The connector's name.
        name: String,
        /// Why.
        source: LoadError,
    },
    /// A source was given an event, or a processor or sink a poll.
    #[error("{name} is a {world}: {hint}", world = world.name())]
    WrongStimulus {
        /// The connector's name.
        name: String,
        /// Its world.
        world: World,
        /// What to give it instead.
        hint: &'static str,
    },
}

/// A connector to try, and what it may do.
#[derive(Debug, Clone, Default)]
pub struct Trial {
    /// Its name, as log lines tag it.
    pub name: String,
    /// Its `config:` pairs.
    pub config: Vec<(String, String)>,
    /// Hosts its HTTP requests may reach.
    pub allow_hosts: Vec<String>,
}

/// What one call answered, as JSON: `{"actions": …}`, `{"delivered": true}`,
/// `{"polled": …}`, or `{"error": …, "retryable": …}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The answer.
    pub json: Value,
    /// Whether the call failed.
    pub failed: bool,
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

/// Loads `bytes` and gives it `stimulus` `repeat` times (at least once),
/// one answer per call.
pub async fn run(
    trial: Trial,
    bytes: &[u8],
    stimulus: Stimulus,
    repeat: u32,
) -> Result<Vec<Answer>, TrialError> {
    let load_error = |source| TrialError::Load {
        name: trial.name.clone(),
        source,
    };
    let runtime = Runtime::new(RuntimeConfig::default(), Arc::new(MemoryKv::default()))
        .map_err(load_error)?;
    let grants = Grants {
        allow_hosts: trial.allow_hosts.clone(),
        config: trial.config.clone(),
        oauth: None,
        ..Grants::default()
    };
    let mut connector = runtime
        .load(&trial.name, bytes, grants)
        .map_err(load_error)?;
    let world = connector.world();
    let now = plutanium_core::time::now();
    let event = match &stimulus {
        Stimulus::Sms { from, text } => Some(Event::Sms(InboundSms {
            id: "try-1".into(),
            sender: from.clone(),
            recipient: "+10000000000".into(),
            text: text.clone(),
            received_at: now,
            modem: "try".into(),
            meta: Vec::new(),
        })),
        Stimulus::Call { from } => Some(Event::Call(Call {
            caller: (!from.is_empty()).then(|| from.clone()),
            modem: "try".into(),
            at: now,
        })),
        Stimulus::Poll { .. } => None,
    };
    let wrong = |hint| TrialError::WrongStimulus {
        name: trial.name.clone(),
        world,
        hint,
    };
    let mut answers = Vec::new();
    for _ in 0..repeat.max(1) {
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
            (World::Source, _, _) => return Err(wrong("poll it with --poll MAX")),
            (_, _, _) => return Err(wrong("give it --sms FROM TEXT or --call FROM")),
        };
        answers.push(match answer {
            Ok(json) => Answer {
                json,
                failed: false,
            },
            Err(e) => Answer {
                json: json!({"error": e.to_string(), "retryable": e.is_retryable()}),
                failed: true,
            },
        });
    }
    Ok(answers)
}
