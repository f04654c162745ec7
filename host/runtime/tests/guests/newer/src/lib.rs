//! A processor built against `plutanium:gateway@0.1.2`, a later 0.1 version
//! than this host speaks, that calls the function 0.1.2 added: loading it
//! must fail naming both versions and what to upgrade.

wit_bindgen::generate!({
    path: "wit",
    world: "plutanium:gateway/processor-connector",
    generate_all,
});

use exports::plutanium::gateway::processor::Guest;
use plutanium::gateway::host;
use plutanium::gateway::types::{Action, Error, Event};

struct Newer;

impl Guest for Newer {
    fn handle(_event: Event) -> Result<Vec<Action>, Error> {
        host::sleep_ms(1);
        Ok(Vec::new())
    }
}

export!(Newer);
