//! The redirect processor through the SDK's native harness: forwarding,
//! commands, chat, loop protection, calls, and state across a restart.

use plutanium_sdk::testing::{self, FakeHost, Harness, START_TIME};
use plutanium_sdk::{Action, Event, Outbound};

use super::*;

const OWNER: &str = "+420777000100";
const ALICE: &str = "+420601000001";
const BOB: &str = "+420601000002";
const WORK: &str = "+420777000111";
const HOME: &str = "+420777000222";

fn harness(extra: &[(&str, &str)]) -> Harness<SmsRedirect> {
    let mut host = FakeHost::new()
        .config("owner", OWNER)
        .config("destination", "777 000 111")
        .config("default_country", "+420");
    for (k, v) in extra {
        host = host.config(*k, *v);
    }
    Harness::new(host)
}

fn sms(id: &str, sender: &str, text: &str) -> Event {
    let mut sms = testing::sms(sender, text);
    sms.id = id.into();
    Event::Sms(sms)
}

fn sent(actions: &[Action]) -> Vec<(String, String)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Send(Outbound { to, text, .. }) => Some((to.clone(), text.clone())),
            _ => None,
        })
        .collect()
}

fn replied(actions: &[Action]) -> Vec<String> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Reply(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_sms_is_forwarded_to_the_destination_with_its_sender() {
    let mut h = harness(&[]);
    let actions = h.handle(sms("1", ALICE, "Ahoj, jak se máš? 👋")).unwrap();
    assert_eq!(
        sent(&actions),
        [(WORK.to_string(), format!("{ALICE}: Ahoj, jak se máš? 👋"))]
    );
    match &actions[0] {
        Action::Send(out) => assert_eq!(out.key, format!("forward:sms:1:{WORK}")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_owner_moves_pauses_and_asks_and_it_survives_a_restart() {
    let mut h = harness(&[]);
    let actions = h.handle(sms("1", OWNER, "redirect 777 000 222")).unwrap();
    assert_eq!(replied(&actions), [format!("Redirecting to {HOME}.")]);
    h.restart();
    assert_eq!(sent(&h.handle(sms("2", ALICE, "hi")).unwrap())[0].0, HOME);
    assert_eq!(
        replied(&h.handle(sms("3", OWNER, "REDIRECT?")).unwrap()),
        [format!("Redirecting to {HOME}.")]
    );
    let paused = replied(&h.handle(sms("4", OWNER, "REDIRECT OFF")).unwrap());
    assert!(paused[0].contains("paused"), "{paused:?}");
    assert!(h.handle(sms("5", ALICE, "anyone?")).unwrap().is_empty());
    h.handle(sms("6", OWNER, "redirect on")).unwrap();
    assert_eq!(
        sent(&h.handle(sms("7", ALICE, "back?")).unwrap())[0].0,
        HOME
    );
    // A bad number is answered, and changes nothing.
    let bad = replied(&h.handle(sms("8", OWNER, "REDIRECT tomorrow")).unwrap());
    assert!(bad[0].contains("not a phone number"), "{bad:?}");
    assert_eq!(
        sent(&h.handle(sms("9", ALICE, "still?")).unwrap())[0].0,
        HOME
    );
}

#[test]
fn strangers_cannot_command_it_their_commands_are_forwarded() {
    let mut h = harness(&[]);
    let actions = h.handle(sms("1", ALICE, "REDIRECT +420601000002")).unwrap();
    assert!(replied(&actions).is_empty());
    assert_eq!(sent(&actions)[0].0, WORK, "forwarded like any message");
}

#[test]
fn the_destination_chats_back_and_nothing_loops() {
    let mut h = harness(&[]);
    h.handle(sms("1", ALICE, "are you there?")).unwrap();
    // No prefix: to the last sender.
    let actions = h.handle(sms("2", WORK, "yes, here")).unwrap();
    assert_eq!(
        sent(&actions),
        [(ALICE.to_string(), "yes, here".to_string())]
    );
    // +NUMBER and @NUMBER: to that number.
    let actions = h.handle(sms("3", WORK, "+420601000002 hello Bob")).unwrap();
    assert_eq!(sent(&actions), [(BOB.to_string(), "hello Bob".to_string())]);
    let actions = h.handle(sms("4", WORK, "@601000002 again")).unwrap();
    assert_eq!(sent(&actions), [(BOB.to_string(), "again".to_string())]);
    // Nothing the destination writes is forwarded back to it.
    assert!(sent(&actions).iter().all(|(to, _)| to != WORK));
    // The destination may command it too.
    let actions = h.handle(sms("5", WORK, "REDIRECT")).unwrap();
    assert_eq!(replied(&actions), [format!("Redirecting to {WORK}.")]);
    // Without chat, its messages go nowhere.
    let mut h = harness(&[("chat", "false")]);
    assert!(h.handle(sms("6", WORK, "hello")).unwrap().is_empty());
}

#[test]
fn chat_with_no_one_to_answer_says_so() {
    let mut h = harness(&[]);
    let actions = h.handle(sms("1", WORK, "hello?")).unwrap();
    assert!(replied(&actions)[0].contains("No one to answer"));
}

#[test]
fn missed_calls_are_forwarded_unless_turned_off() {
    let mut h = harness(&[("timezone", "+01:00")]);
    let mut call = testing::call(Some(ALICE));
    call.at = START_TIME;
    let actions = h.handle(Event::Call(call.clone())).unwrap();
    assert_eq!(
        sent(&actions),
        [(
            WORK.to_string(),
            format!("Missed call from {ALICE} at 01:00")
        )]
    );
    // The destination can answer the caller by text.
    let actions = h.handle(sms("2", WORK, "call you later")).unwrap();
    assert_eq!(sent(&actions)[0].0, ALICE);
    let mut h = harness(&[("forward_calls", "false")]);
    assert!(h.handle(Event::Call(call)).unwrap().is_empty());
}

#[test]
fn no_destination_means_nothing_is_sent() {
    let mut h = Harness::<SmsRedirect>::new(FakeHost::new().config("owner", OWNER));
    assert!(h.handle(sms("1", ALICE, "hi")).unwrap().is_empty());
    let status = replied(&h.handle(sms("2", OWNER, "REDIRECT")).unwrap());
    assert!(status[0].starts_with("No destination yet"), "{status:?}");
}

#[test]
fn bad_config_is_a_clear_error() {
    let mut h = Harness::<SmsRedirect>::new(FakeHost::new());
    assert!(
        h.handle(sms("1", ALICE, "x"))
            .unwrap_err()
            .message()
            .contains("`owner`")
    );
    let mut h = Harness::<SmsRedirect>::new(
        FakeHost::new()
            .config("owner", OWNER)
            .config("destination", "nope"),
    );
    assert!(
        h.handle(sms("1", ALICE, "x"))
            .unwrap_err()
            .message()
            .contains("`destination`")
    );
}
