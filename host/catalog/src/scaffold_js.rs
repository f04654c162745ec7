//! The JavaScript project `plutanium connector new --lang js` writes: the
//! connector's logic in `connector.js` taking the host as an argument (so
//! `npm test` runs it under Node against `test/fake-host.js`), `app.js`
//! giving it the real host, and componentize-js pinned in `package.json` and
//! locked, with every package under it, in `package-lock.json`: the lock of
//! `examples/connectors/js-autoreply`, which the test suite installs and
//! builds with, so a new project gets the versions the tests ran.

use crate::scaffold::WorldKind;

/// componentize-js, as the example's `package.json` pins it.
const COMPONENTIZE_JS: &str = "0.22.0";

/// The WASI shim componentize-js 0.22.0 imports at run time without listing
/// it among its dependencies (only among its dev-dependencies): without it
/// at the top of `node_modules`, `npm run build` fails to find it. 0.25.0,
/// because 0.26 gives its guests no filesystem by default, and the splicer
/// inside componentize-js reads the WIT through it.
const PREVIEW2_SHIM: &str = "0.25.0";

/// The example's lock file; its root package is renamed to the project.
const LOCK: &str = include_str!("../../../examples/connectors/js-autoreply/package-lock.json");

/// The project's files, by path.
pub(crate) fn files(name: &str, world: WorldKind, wit: &[(&str, &str)]) -> Vec<(String, String)> {
    let interface = world.name();
    let world_name = format!("{interface}-connector");
    let (logic, test, factory) = match world {
        WorldKind::Processor => (PROCESSOR, PROCESSOR_TEST, "processorFor"),
        WorldKind::Sink => (SINK, SINK_TEST, "sinkFor"),
        WorldKind::Source => (SOURCE, SOURCE_TEST, "sourceFor"),
    };
    let package = serde_json::json!({
        "name": name,
        "version": "0.1.0",
        "description": format!("A Plutanium {interface} connector in JavaScript."),
        "private": true,
        "type": "module",
        "scripts": {
            "build": format!("componentize-js app.js --wit wit --world-name plutanium:gateway/{world_name}@0.1.1 --disable fetch-event -o {name}.wasm"),
            "test": "node --test"
        },
        "devDependencies": {
            "@bytecodealliance/componentize-js": COMPONENTIZE_JS,
            "@bytecodealliance/preview2-shim": PREVIEW2_SHIM
        }
    });
    let app = format!(
        "// The component: the connector's logic (connector.js) with the real host.\n\
         // `npm run build` turns this file into {name}.wasm with componentize-js.\n\
         import * as host from 'plutanium:gateway/host@0.1.1';\n\n\
         import {{ {factory} }} from './connector.js';\n\n\
         // The export is named after the world's interface.\n\
         export const {interface} = {factory}(host);\n"
    );
    let readme = format!(
        "# {name}\n\nA Plutanium {interface} connector in JavaScript, built with componentize-js.\n\n\
         Needs Node.js 20.19 or later with npm.\n\n```sh\n\
         npm ci          # componentize-js {COMPONENTIZE_JS}, every package at its locked version\n\
         npm test        # connector.js under Node, against test/fake-host.js\n\
         npm run build   # -> {name}.wasm\n\
         plutanium connector inspect {name}.wasm\n\
         plutanium connector install {name}.wasm\n```\n\n\
         `connector.js` is the logic; it takes the host as an argument, so the tests give it\n\
         a fake one and `app.js` the real `plutanium:gateway/host@0.1.1`. `wit/` is the\n\
         Plutanium contract (`plutanium:gateway@0.1.1`). How WIT types look in JavaScript:\n\
         a variant is `{{ tag, val }}`, an enum its case name as a string, `u64`/`s64` a\n\
         BigInt, `list<u8>` a `Uint8Array`, `option<T>` the value or `undefined`, a\n\
         `result` error is thrown, and functions and fields are camelCase.\n"
    );
    let lock = LOCK.replacen(
        "\"name\": \"js-autoreply\"",
        &format!("\"name\": {}", serde_json::Value::from(name)),
        2,
    );
    let mut files = vec![
        (
            "package.json".to_string(),
            serde_json::to_string_pretty(&package).unwrap_or_default() + "\n",
        ),
        ("package-lock.json".to_string(), lock),
        ("app.js".to_string(), app),
        ("connector.js".to_string(), logic.to_string()),
        ("test/connector.test.js".to_string(), test.to_string()),
        ("test/fake-host.js".to_string(), FAKE_HOST.to_string()),
        ("README.md".to_string(), readme),
        (
            ".gitignore".to_string(),
            "node_modules/\n*.wasm\n".to_string(),
        ),
    ];
    files.extend(
        wit.iter()
            .map(|(path, text)| (format!("wit/{path}"), (*text).to_string())),
    );
    files
}

const FAKE_HOST: &str = include_str!("../templates/js/fake-host.js");
const PROCESSOR: &str = include_str!("../templates/js/processor.js");
const PROCESSOR_TEST: &str = include_str!("../templates/js/processor.test.js");
const SINK: &str = include_str!("../templates/js/sink.js");
const SINK_TEST: &str = include_str!("../templates/js/sink.test.js");
const SOURCE: &str = include_str!("../templates/js/source.js");
const SOURCE_TEST: &str = include_str!("../templates/js/source.test.js");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_is_the_example_s_and_matches_the_package() {
        for world in [WorldKind::Processor, WorldKind::Sink, WorldKind::Source] {
            let files = files("my-conn", world, &[]);
            let file = |path: &str| -> serde_json::Value {
                let (_, text) = files.iter().find(|(p, _)| p == path).unwrap();
                serde_json::from_str(text).unwrap()
            };
            let package = file("package.json");
            let lock = file("package-lock.json");
            assert_eq!(lock["name"], "my-conn");
            assert_eq!(lock["packages"][""]["name"], "my-conn");
            assert_eq!(
                lock["packages"][""]["devDependencies"], package["devDependencies"],
                "npm ci refuses a lock out of step with package.json"
            );
            assert_eq!(
                lock["packages"]["node_modules/@bytecodealliance/componentize-js"]["version"],
                COMPONENTIZE_JS
            );
            let build = package["scripts"]["build"].as_str().unwrap();
            assert!(
                build.contains(&format!("{}-connector@0.1.1", world.name())),
                "{build}"
            );
        }
    }
}
