//! One event through one route: the route's processors in order, their
//! actions turned into outbound messages with idempotency keys derived from
//! the event, and the sinks that should see it. Stages are reached through
//! the core's traits; the caller persists what comes out.

use std::collections::HashMap;

use crate::config::{Endpoint, Route};
use crate::model::{Action, Event, Outbound, SendOptions};
use crate::stage::{Processor, StageError};

/// An outbound message a route produced, and the modems that may send it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedSend {
    /// The message, its key derived from the event and the processor.
    pub outbound: Outbound,
    /// The modems of the route that may send it, in order.
    pub modems: Vec<String>,
    /// The processor that asked for it.
    pub by: String,
}

/// What routing one event produced.
#[derive(Debug, Default)]
pub struct Routed {
    /// Messages to commit to the outbox.
    pub sends: Vec<PlannedSend>,
    /// Sinks that should receive the event (none when it was dropped).
    pub sinks: Vec<String>,
    /// The processor that dropped the event, if one did.
    pub dropped_by: Option<String>,
    /// Stages that failed, with their errors; the event went on without them.
    pub failures: Vec<(String, StageError)>,
}

/// A key that names `event` for good: the root of the idempotency keys of
/// everything it causes.
pub fn event_key(event: &Event) -> String {
    match event {
        Event::Sms(sms) => format!("sms:{}", sms.id),
        Event::Call(call) => format!(
            "call:{}:{}:{}",
            call.modem,
            call.at,
            call.caller.as_deref().unwrap_or("withheld")
        ),
        Event::Status(status) => format!("status:{}:{}", status.key, status.state.name()),
    }
}

fn reply_to(event: &Event) -> Option<&str> {
    match event {
        Event::Sms(sms) => Some(&sms.sender),
        Event::Call(call) => call.caller.as_deref(),
        Event::Status(status) => Some(&status.to),
    }
}

/// Routes `event` through `route`. `processors` holds the route's
/// processors by name; a missing one is reported as a failure.
pub async fn route_event(
    route: &Route,
    event: &Event,
    processors: &mut HashMap<String, Box<dyn Processor>>,
) -> Routed {
    let mut routed = Routed::default();
    let mut modems: Vec<String> = route
        .to
        .iter()
        .filter_map(|end| match end {
            Endpoint::Modem(name) => Some(name.clone()),
            Endpoint::Connector(_) => None,
        })
        .collect();
    if modems.is_empty()
        && let Endpoint::Modem(origin) = &route.from
    {
        // Replies go back out through the modem the event came in on.
        modems.push(origin.clone());
    }
    let root = event_key(event);
    for name in &route.through {
        let Some(processor) = processors.get_mut(name) else {
            routed.failures.push((
                name.clone(),
                StageError::Config(format!("no processor called {name:?} is running")),
            ));
            continue;
        };
        let actions = match processor.handle(event).await {
            Ok(actions) => actions,
            Err(e) => {
                routed.failures.push((name.clone(), e));
                continue;
            }
        };
        for (index, action) in actions.into_iter().enumerate() {
            let outbound = match action {
                Action::Drop => {
                    routed.dropped_by = Some(name.clone());
                    break;
                }
                Action::Reply(text) => match reply_to(event) {
                    Some(to) => Outbound {
                        to: to.to_string(),
                        text,
                        key: format!("{name}:reply:{root}:{index}"),
                        options: SendOptions::default(),
                    },
                    None => {
                        routed.failures.push((
                            name.clone(),
                            StageError::Permanent(
                                "a reply to a withheld number cannot be sent".into(),
                            ),
                        ));
                        continue;
                    }
                },
                // The processor's own key, in the processor's namespace.
                Action::Send(outbound) => Outbound {
                    key: format!("{name}:{}", outbound.key),
                    ..outbound
                },
            };
            if modems.is_empty() {
                routed.failures.push((
                    name.clone(),
                    StageError::Config("the route has no modem to send through".into()),
                ));
                continue;
            }
            routed.sends.push(PlannedSend {
                outbound,
                modems: modems.clone(),
                by: name.clone(),
            });
        }
        if routed.dropped_by.is_some() {
            return routed;
        }
    }
    routed.sinks = route
        .to
        .iter()
        .filter_map(|end| match end {
            Endpoint::Connector(name) => Some(name.clone()),
            Endpoint::Modem(_) => None,
        })
        .collect();
    routed
}

#[cfg(test)]
mod tests {
    use async_trait::async_trait;

    use super::*;
    use crate::model::{Call, InboundSms};

    struct Scripted {
        name: String,
        answer: Result<Vec<Action>, StageError>,
        calls: usize,
    }

    #[async_trait]
    impl Processor for Scripted {
        fn name(&self) -> &str {
            &self.name
        }
        async fn handle(&mut self, _event: &Event) -> Result<Vec<Action>, StageError> {
            self.calls += 1;
            self.answer.clone()
        }
    }

    fn stages(
        list: Vec<(&str, Result<Vec<Action>, StageError>)>,
    ) -> HashMap<String, Box<dyn Processor>> {
        list.into_iter()
            .map(|(name, answer)| {
                let stage: Box<dyn Processor> = Box::new(Scripted {
                    name: name.into(),
                    answer,
                    calls: 0,
                });
                (name.to_string(), stage)
            })
            .collect()
    }

    fn sms() -> Event {
        Event::Sms(InboundSms {
            id: "42".into(),
            sender: "+420601234567".into(),
            recipient: "+420777000000".into(),
            text: "hi".into(),
            received_at: 0,
            modem: "gsm0".into(),
            meta: Vec::new(),
        })
    }

    fn route(through: &[&str], to: Vec<Endpoint>) -> Route {
        Route {
            from: Endpoint::Modem("gsm0".into()),
            through: through.iter().map(|s| s.to_string()).collect(),
            to,
        }
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        // The fakes never wait, so polling once with a no-op waker finishes them.
        let mut future = std::pin::pin!(future);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(output) => output,
            std::task::Poll::Pending => panic!("a fake stage waited"),
        }
    }

    #[test]
    fn actions_become_keyed_sends_and_sinks_see_the_event() {
        let send = Outbound {
            to: "+420777000111".into(),
            text: "fwd".into(),
            key: "fwd-1".into(),
            options: SendOptions::default(),
        };
        let mut processors = stages(vec![
            ("echo", Ok(vec![Action::Reply("re: hi".into())])),
            ("forward", Ok(vec![Action::Send(send)])),
        ]);
        let r = route(
            &["echo", "forward"],
            vec![
                Endpoint::Modem("gsm1".into()),
                Endpoint::Connector("hook".into()),
            ],
        );
        let routed = block_on(route_event(&r, &sms(), &mut processors));
        let keys: Vec<&str> = routed
            .sends
            .iter()
            .map(|s| s.outbound.key.as_str())
            .collect();
        assert_eq!(keys, ["echo:reply:sms:42:0", "forward:fwd-1"]);
        assert_eq!(routed.sends[0].outbound.to, "+420601234567");
        assert_eq!(routed.sends[0].modems, ["gsm1"]);
        assert_eq!(routed.sinks, ["hook"]);
        assert!(routed.failures.is_empty() && routed.dropped_by.is_none());
        // The same event again derives the same keys: the outbox sends once.
        let again = block_on(route_event(&r, &sms(), &mut processors));
        assert_eq!(again.sends, routed.sends);
    }

    #[test]
    fn a_drop_stops_the_event_and_a_failure_does_not() {
        let mut processors = stages(vec![
            ("broken", Err(StageError::Transient("timeout".into()))),
            (
                "filter",
                Ok(vec![
                    Action::Reply("blocked".into()),
                    Action::Drop,
                    Action::Reply("never".into()),
                ]),
            ),
            ("after", Ok(vec![Action::Reply("never".into())])),
        ]);
        let r = route(
            &["missing", "broken", "filter", "after"],
            vec![Endpoint::Connector("hook".into())],
        );
        let routed = block_on(route_event(&r, &sms(), &mut processors));
        assert_eq!(routed.dropped_by.as_deref(), Some("filter"));
        assert_eq!(routed.sends.len(), 1, "actions before the drop stand");
        assert_eq!(
            routed.sends[0].modems,
            ["gsm0"],
            "replies leave through the modem they came in on"
        );
        assert!(routed.sinks.is_empty());
        let failed: Vec<&str> = routed.failures.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(failed, ["missing", "broken"]);
    }

    #[test]
    fn replies_to_withheld_callers_fail_alone() {
        let mut processors = stages(vec![("notify", Ok(vec![Action::Reply("x".into())]))]);
        let call = Event::Call(Call {
            caller: None,
            modem: "gsm0".into(),
            at: 7,
        });
        let routed = block_on(route_event(
            &route(&["notify"], vec![]),
            &call,
            &mut processors,
        ));
        assert!(routed.sends.is_empty());
        assert!(matches!(routed.failures[0].1, StageError::Permanent(_)));
        assert_eq!(event_key(&call), "call:gsm0:7:withheld");
    }
}
