//! A sink connector that accepts every event. The runtime's tests load it as a
//! processor to check the "wrong world" error.

wit_bindgen::generate!({
    path: "../../../../../wit",
    world: "plutanium:gateway/sink-connector",
    generate_all,
});

use exports::plutanium::gateway::sink::Guest;
use plutanium::gateway::types::{Error, Event};

struct TestSink;

impl Guest for TestSink {
    fn deliver(_event: Event) -> Result<(), Error> {
        Ok(())
    }
}

export!(TestSink);
