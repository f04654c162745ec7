//! A processor built against `plutanium:gateway@0.2.0`, a version this host does
//! not speak: loading it must fail with a clear version error.

wit_bindgen::generate!({
    path: "wit",
    world: "plutanium:gateway/processor-connector",
    generate_all,
});

use exports::plutanium::gateway::processor::Guest;
use plutanium::gateway::types::{Action, Error, Event};

struct Future;

impl Guest for Future {
    fn handle(_event: Event) -> Result<Vec<Action>, Error> {
        Ok(Vec::new())
    }
}

export!(Future);
