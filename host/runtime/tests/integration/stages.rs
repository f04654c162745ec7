//! Connectors seen the way the routing core sees them: through
//! `plutanium_core`'s traits, with the core's message model and errors.

use plutanium_core::{Action, Event, InboundSms, Processor, Sink, Source, StageError};

use super::{PROCESSOR, SINK, SOURCE, grants, runtime};

fn core_sms(text: &str) -> Event {
    Event::Sms(InboundSms {
        id: "1".into(),
        sender: "+420777000111".into(),
        recipient: "+420777000000".into(),
        text: text.into(),
        received_at: 0,
        modem: "gsm0".into(),
        meta: Vec::new(),
    })
}

fn load_as_processor(name: &str, config: &[(&str, &str)]) -> Box<dyn Processor> {
    let rt = runtime();
    let bytes = std::fs::read(PROCESSOR).unwrap();
    let connector = rt
        .load_processor(name, &bytes, grants(config, &[]))
        .unwrap();
    // The runtime may go: a loaded connector keeps what it needs.
    drop(rt);
    Box::new(connector)
}

#[tokio::test]
async fn the_core_calls_processors_through_its_trait() {
    let mut echo = load_as_processor("echo", &[("prefix", "> ")]);
    assert_eq!(echo.name(), "echo");
    let actions = echo.handle(&core_sms("hi")).await.unwrap();
    assert_eq!(actions, vec![Action::Reply("> hi".into())]);

    let mut failing = load_as_processor("failing", &[("mode", "fail")]);
    assert_eq!(
        failing.handle(&core_sms("x")).await,
        Err(StageError::Permanent("refused on purpose".into()))
    );

    let mut trapping = load_as_processor("trapping", &[("mode", "trap")]);
    let first = trapping.handle(&core_sms("x")).await.unwrap_err();
    assert!(
        matches!(&first, StageError::Unavailable { retry_in, .. } if !retry_in.is_zero()),
        "a trap says when to try again: {first:?}"
    );
    assert!(first.is_retryable());
    // Straight after a trap the connector is in its restart backoff, and says how long.
    match trapping.handle(&core_sms("x")).await {
        Err(StageError::Unavailable { retry_in, .. }) => assert!(!retry_in.is_zero()),
        other => panic!("expected the restart backoff, got {other:?}"),
    }
}

#[tokio::test]
async fn the_core_calls_sinks_and_sources_through_their_traits() {
    let rt = runtime();
    let mut sink: Box<dyn Sink> = Box::new(
        rt.load("sink", &std::fs::read(SINK).unwrap(), grants(&[], &[]))
            .unwrap(),
    );
    sink.deliver(&core_sms("to the sink")).await.unwrap();

    let bytes = std::fs::read(SOURCE).unwrap();
    let config = [("count", "2"), ("to", "+420777000111")];
    let mut source: Box<dyn Source> =
        Box::new(rt.load("source", &bytes, grants(&config, &[])).unwrap());
    assert_eq!(
        source.poll(1).await.unwrap().len(),
        1,
        "never more than asked for"
    );
    let polled = source.poll(10).await.unwrap();
    assert_eq!(polled.len(), 2);
    assert_eq!(polled[0].to, "+420777000111");
    assert_eq!(polled[0].key, "test:1");
    source.ack(&[polled[0].key.clone()]).await.unwrap();
    source
        .reject(&[(polled[1].key.clone(), "premium".into())])
        .await
        .unwrap();
    assert!(source.poll(10).await.unwrap().is_empty());

    // A processor call on a sink is a config error in the core's terms.
    let mut wrong: Box<dyn Processor> = Box::new(
        rt.load("wrong", &std::fs::read(SINK).unwrap(), grants(&[], &[]))
            .unwrap(),
    );
    assert!(matches!(
        wrong.handle(&core_sms("x")).await,
        Err(StageError::Config(_))
    ));
}
