//! Fuzz the AT stream parser: arbitrary bytes must never make it panic, and the
//! events must not depend on how the bytes were cut into reads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plutanium_at::{Event, Parser, command};

fn command_for(selector: u8) -> Option<plutanium_at::Command> {
    match selector % 7 {
        0 => Some(command::send_message(23)),
        1 => Some(command::list_all_messages()),
        2 => Some(command::registration()),
        3 => Some(command::signal_quality()),
        4 => Some(command::at()),
        5 => Some(command::read_message(1)),
        _ => None,
    }
}

fn events(selector: u8, stream: &[u8], chunk: usize) -> Vec<Event> {
    let mut parser = Parser::new();
    if let Some(command) = command_for(selector) {
        parser.start(&command);
    }
    let mut events = Vec::new();
    for piece in stream.chunks(chunk) {
        parser.feed(piece, &mut events);
    }
    events
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, stream)) = data.split_first() else {
        return;
    };
    // Below the parser's line bound, chunking must not matter at all.
    if stream.is_empty() || stream.len() > 4096 {
        return;
    }
    let whole = events(selector, stream, stream.len());
    for chunk in [1, usize::from(selector >> 4) + 2] {
        assert_eq!(events(selector, stream, chunk), whole, "chunk size {chunk}");
    }
});
