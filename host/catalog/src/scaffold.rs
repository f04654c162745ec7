//! `plutanium connector new`: a new connector project that builds and has a
//! test, in Rust (with plutanium-sdk) or Python (with componentize-py).

use std::path::{Path, PathBuf};

use crate::{CatalogError, check_name};

/// Why no project was made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScaffoldError {
    /// The name cannot be a connector's.
    #[error(transparent)]
    Name(#[from] CatalogError),
    /// A name cargo or Plutanium keeps.
    #[error(
        "{name:?} cannot name a project (a Rust keyword or a name cargo or Plutanium keeps); pick another"
    )]
    Reserved {
        /// The name.
        name: String,
    },
    /// The project's directory is there already.
    #[error("{} already exists; pick another name or --dir", dir.display())]
    Exists {
        /// The directory.
        dir: PathBuf,
    },
    /// The SDK given is not one.
    #[error("{} is not the sdk/ directory of a Plutanium checkout", sdk.display())]
    NotAnSdk {
        /// What was given.
        sdk: PathBuf,
    },
    /// No SDK was given, and this binary's source is not here.
    #[error(
        "cannot find plutanium-sdk; pass --sdk PATH to the sdk/ directory of a Plutanium source checkout"
    )]
    NoSdk,
    /// A file of the project could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

/// The language of a new connector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// Rust, with plutanium-sdk.
    Rust,
    /// Python, built with componentize-py.
    Python,
}

impl Language {
    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
        }
    }
}

impl std::str::FromStr for Language {
    type Err = UnknownName;

    fn from_str(name: &str) -> Result<Self, UnknownName> {
        [Language::Rust, Language::Python]
            .into_iter()
            .find(|l| l.name() == name)
            .ok_or_else(|| UnknownName(format!("{name:?} is not a language: use rust or python")))
    }
}

/// A language or world name that is none of them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownName(String);

/// The world of a new connector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorldKind {
    /// Sees events, returns actions.
    Processor,
    /// Receives events.
    Sink,
    /// Is polled for outbound messages.
    Source,
}

impl WorldKind {
    /// Its name on the command line and in the WIT.
    pub fn name(self) -> &'static str {
        match self {
            WorldKind::Processor => "processor",
            WorldKind::Sink => "sink",
            WorldKind::Source => "source",
        }
    }
}

impl std::str::FromStr for WorldKind {
    type Err = UnknownName;

    fn from_str(name: &str) -> Result<Self, UnknownName> {
        [WorldKind::Processor, WorldKind::Sink, WorldKind::Source]
            .into_iter()
            .find(|w| w.name() == name)
            .ok_or_else(|| {
                UnknownName(format!(
                    "{name:?} is not a world: use processor, sink or source"
                ))
            })
    }
}

/// The contract, so Python projects (and anyone else) have the WIT.
const WIT_FILES: &[(&str, &str)] = &[
    ("gateway.wit", include_str!("../../../wit/gateway.wit")),
    ("deps/cli.wit", include_str!("../../../wit/deps/cli.wit")),
    (
        "deps/clocks.wit",
        include_str!("../../../wit/deps/clocks.wit"),
    ),
    (
        "deps/filesystem.wit",
        include_str!("../../../wit/deps/filesystem.wit"),
    ),
    ("deps/http.wit", include_str!("../../../wit/deps/http.wit")),
    ("deps/io.wit", include_str!("../../../wit/deps/io.wit")),
    (
        "deps/random.wit",
        include_str!("../../../wit/deps/random.wit"),
    ),
    (
        "deps/sockets.wit",
        include_str!("../../../wit/deps/sockets.wit"),
    ),
];

/// Names cargo refuses for a package, or that would shadow a crate.
const RESERVED_NAMES: &[&str] = &[
    "test",
    "core",
    "std",
    "alloc",
    "proc_macro",
    "proc-macro",
    "self",
    "super",
    "crate",
    "as",
    "async",
    "await",
    "break",
    "const",
    "continue",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "static",
    "struct",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "abstract",
    "become",
    "box",
    "do",
    "final",
    "gen",
    "macro",
    "override",
    "priv",
    "try",
    "typeof",
    "unsized",
    "virtual",
    "yield",
];

/// The SDK this binary was built with, if its source is still there.
fn default_sdk() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sdk");
    path.join("Cargo.toml")
        .is_file()
        .then(|| path.canonicalize().ok())
        .flatten()
}

/// Creates `parent/name` with a project for `language` and `world`; returns its path.
pub fn create(
    parent: &Path,
    name: &str,
    language: Language,
    world: WorldKind,
    sdk: Option<PathBuf>,
) -> Result<PathBuf, ScaffoldError> {
    check_name(name)?;
    if RESERVED_NAMES.contains(&name) || name.starts_with("plutanium") {
        return Err(ScaffoldError::Reserved { name: name.into() });
    }
    let dir = parent.join(name);
    if dir.exists() {
        return Err(ScaffoldError::Exists { dir });
    }
    let files = match language {
        Language::Rust => {
            let sdk = match sdk.or_else(default_sdk) {
                Some(sdk) if sdk.join("Cargo.toml").is_file() => sdk
                    .canonicalize()
                    .map_err(|_| ScaffoldError::NotAnSdk { sdk })?,
                Some(sdk) => return Err(ScaffoldError::NotAnSdk { sdk }),
                None => return Err(ScaffoldError::NoSdk),
            };
            rust_files(name, world, &sdk)
        }
        Language::Python => python_files(name, world),
    };
    for (relative, content) in files {
        let path = dir.join(&relative);
        let written = match path.parent() {
            Some(parent) => std::fs::create_dir_all(parent),
            None => Ok(()),
        }
        .and_then(|()| std::fs::write(&path, content));
        written.map_err(|source| ScaffoldError::Write { path, source })?;
    }
    Ok(dir)
}

/// What to do next, for the person who ran `new`.
pub fn next_steps(dir: &Path, language: Language) -> String {
    let dir = dir.display();
    match language {
        Language::Rust => format!(
            "next:\n  cd {dir}\n  cargo test                                      # the logic, natively\n  \
             rustup target add wasm32-wasip2\n  cargo build --release --target wasm32-wasip2    # the component\n  \
             plutanium connector install target/wasm32-wasip2/release/*.wasm"
        ),
        Language::Python => format!(
            "next:\n  cd {dir}\n  pip install componentize-py=={COMPONENTIZE_PY}\n  python3 -m unittest      # the logic, natively\n  \
             ./build.sh               # the component\n  plutanium connector install *.wasm"
        ),
    }
}

/// The componentize-py version the Python template is written for.
pub const COMPONENTIZE_PY: &str = "0.25.1";

fn rust_files(name: &str, world: WorldKind, sdk: &Path) -> Vec<(String, String)> {
    let crate_name = name.replace('-', "_");
    let type_name: String = name
        .split(['-', '_'])
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .chain(["Connector".to_string()])
        .collect();
    let cargo = format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
plutanium-sdk = {{ path = {sdk:?} }}

# A project of its own, not part of any surrounding workspace.
[workspace]

[profile.release]
opt-level = "s"
lto = true
strip = true
"#,
        sdk = sdk.display().to_string()
    );
    let lib = match world {
        WorldKind::Processor => RUST_PROCESSOR,
        WorldKind::Sink => RUST_SINK,
        WorldKind::Source => RUST_SOURCE,
    }
    .replace("TypeName", &type_name)
    .replace("crate_name", &crate_name);
    let readme = format!(
        "# {name}\n\nA Plutanium {world} connector in Rust.\n\n```sh\ncargo test\nrustup target add wasm32-wasip2\n\
         cargo build --release --target wasm32-wasip2\nplutanium connector install target/wasm32-wasip2/release/{crate_name}.wasm --name {install_name}\n```\n\n\
         Then name it in the daemon's config:\n\n```yaml\nconnectors:\n  {name}:\n    component: {name}\n    config: {{}}\n```\n",
        world = world.name(),
        install_name = name.replace('_', "-"),
    );
    vec![
        ("Cargo.toml".into(), cargo),
        ("src/lib.rs".into(), lib),
        ("README.md".into(), readme),
        (".gitignore".into(), "/target\n".into()),
    ]
}

const RUST_PROCESSOR: &str = r#"//! A Plutanium processor: answers every SMS with the configured prefix and its text.

use plutanium_sdk::{Action, Config, Error, Processor, Sms};

pub struct TypeName {
    prefix: String,
}

impl Processor for TypeName {
    fn new(config: &Config) -> Result<Self, Error> {
        Ok(TypeName {
            prefix: config.get_or("prefix", "You said: ").to_string(),
        })
    }

    fn on_sms(&mut self, sms: Sms) -> Result<Vec<Action>, Error> {
        plutanium_sdk::log::info("answering", &[("sender", &sms.sender)]);
        Ok(vec![Action::reply(format!("{}{}", self.prefix, sms.text))])
    }
}

plutanium_sdk::export_processor!(TypeName);

#[cfg(test)]
mod tests {
    use plutanium_sdk::testing::{FakeHost, Harness};

    use super::*;

    #[test]
    fn answers_with_the_prefix() {
        let mut harness = Harness::<TypeName>::new(FakeHost::new().config("prefix", "Echo: "));
        let actions = harness.sms("+420777123456", "hello").unwrap();
        assert_eq!(actions, vec![Action::reply("Echo: hello")]);
    }
}
"#;

const RUST_SINK: &str = r#"//! A Plutanium sink: counts the events it receives, in its key-value store.

use plutanium_sdk::{Config, Error, Event, Sink, kv};

pub struct TypeName;

impl Sink for TypeName {
    fn new(_config: &Config) -> Result<Self, Error> {
        Ok(TypeName)
    }

    fn deliver(&mut self, event: Event) -> Result<(), Error> {
        let kind = match event {
            Event::Sms(_) => "sms",
            Event::Call(_) => "call",
            Event::Status(_) => "status",
        };
        let key = format!("count/{kind}");
        let count: u64 = kv::get_str(&key)?.and_then(|v| v.parse().ok()).unwrap_or(0) + 1;
        kv::set_str(&key, &count.to_string())?;
        Ok(())
    }
}

plutanium_sdk::export_sink!(TypeName);

#[cfg(test)]
mod tests {
    use plutanium_sdk::testing::{self, FakeHost, Harness};

    use super::*;

    #[test]
    fn counts_events_by_kind() {
        let mut harness = Harness::<TypeName>::new(FakeHost::new());
        harness.deliver(Event::Sms(testing::sms("+420777123456", "a"))).unwrap();
        harness.deliver(Event::Sms(testing::sms("+420777123456", "b"))).unwrap();
        assert_eq!(harness.host().kv_text("count/sms").as_deref(), Some("2"));
    }
}
"#;

const RUST_SOURCE: &str = r#"//! A Plutanium source: sends the configured `text` to `to` once a day.

use plutanium_sdk::{Config, Error, Outbound, Source, kv, number};

pub struct TypeName {
    to: String,
    text: String,
}

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

impl Source for TypeName {
    fn new(config: &Config) -> Result<Self, Error> {
        let to = number::normalize(config.require("to")?, config.get("default_country"))
            .map_err(|e| Error::config(format!("`to`: {e}")))?;
        Ok(TypeName { to, text: config.get_or("text", "Good morning!").to_string() })
    }

    fn poll(&mut self, max: u32) -> Result<Vec<Outbound>, Error> {
        let day = plutanium_sdk::now() / DAY_MS;
        if max == 0 || kv::get_str("sent-day")?.as_deref() == Some(day.to_string().as_str()) {
            return Ok(Vec::new());
        }
        // The key names the day, so a repeated poll never sends twice.
        Ok(vec![Outbound::new(&self.to, &self.text, format!("crate_name:{day}"))])
    }

    fn ack(&mut self, keys: Vec<String>) -> Result<(), Error> {
        if let Some(day) = keys.iter().find_map(|k| k.strip_prefix("crate_name:")) {
            kv::set_str("sent-day", day)?;
        }
        Ok(())
    }

    fn reject(&mut self, refused: Vec<(String, String)>) -> Result<(), Error> {
        // Refused (by the daemon's policy, say): do not offer it again today.
        for (key, reason) in refused {
            plutanium_sdk::log::warn("refused", &[("key", &key), ("reason", &reason)]);
            if let Some(day) = key.strip_prefix("crate_name:") {
                kv::set_str("sent-day", day)?;
            }
        }
        Ok(())
    }
}

plutanium_sdk::export_source!(TypeName);

#[cfg(test)]
mod tests {
    use plutanium_sdk::testing::{FakeHost, Harness};

    use super::*;

    #[test]
    fn one_message_a_day_until_acknowledged() {
        let mut harness = Harness::<TypeName>::new(FakeHost::new().config("to", "+420777123456"));
        let first = harness.poll(10).unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(harness.poll(10).unwrap(), first, "offered again until acknowledged");
        harness.ack(&[first[0].key.as_str()]).unwrap();
        assert!(harness.poll(10).unwrap().is_empty());
        harness.host().advance(DAY_MS);
        let next = harness.poll(10).unwrap();
        assert_eq!(next.len(), 1);
        harness.reject(&[(next[0].key.as_str(), "policy")]).unwrap();
        assert!(harness.poll(10).unwrap().is_empty(), "a refused message is not offered again");
    }
}
"#;

fn python_files(name: &str, world: WorldKind) -> Vec<(String, String)> {
    let world_name = format!("{}-connector", world.name());
    let app = match world {
        WorldKind::Processor => PYTHON_PROCESSOR,
        WorldKind::Sink => PYTHON_SINK,
        WorldKind::Source => PYTHON_SOURCE,
    };
    let build = format!(
        "#!/bin/sh\n# Builds {name}.wasm from app.py (needs componentize-py=={COMPONENTIZE_PY}).\nset -e\ncd \"$(dirname \"$0\")\"\n\
         componentize-py -d wit -w plutanium:gateway/{world_name}@0.1.0 componentize app -o {name}.wasm\n"
    );
    let readme = format!(
        "# {name}\n\nA Plutanium {world} connector in Python, built with componentize-py.\n\n```sh\npip install componentize-py=={COMPONENTIZE_PY}\n\
         ./build.sh                                   # -> {name}.wasm\nplutanium connector install {name}.wasm\n```\n\n\
         `wit/` is the Plutanium contract (`plutanium:gateway@0.1.0`); `componentize-py -d wit -w plutanium:gateway/{world_name}@0.1.0 bindings .`\n\
         writes the Python bindings next to `app.py` if your editor wants them.\n",
        world = world.name()
    );
    let test = match world {
        WorldKind::Processor => PYTHON_PROCESSOR_TEST,
        WorldKind::Sink => PYTHON_SINK_TEST,
        WorldKind::Source => PYTHON_SOURCE_TEST,
    };
    let mut files = vec![
        ("app.py".to_string(), app.to_string()),
        ("test_app.py".to_string(), test.to_string()),
        ("build.sh".to_string(), build),
        ("README.md".to_string(), readme),
        (
            ".gitignore".to_string(),
            "*.wasm\n__pycache__/\nwit_world/\ncomponentize_py_*\n".to_string(),
        ),
    ];
    files.extend(
        WIT_FILES
            .iter()
            .map(|(path, text)| (format!("wit/{path}"), (*text).to_string())),
    );
    files
}

const PYTHON_PROCESSOR: &str = r#""""A Plutanium processor in Python: answers every SMS with a prefix and its text.

The logic is in `answer`, a plain function, so `test_app.py` tests it
without wasm; the class below is the glue to the host.
"""
from typing import List, Optional


def answer(text: str, prefix: str) -> Optional[str]:
    """The reply to an SMS, or None for no reply."""
    if not text.strip():
        return None
    return prefix + text


try:
    from componentize_py_types import Err
    from wit_world import exports
    from wit_world.imports import host
    from wit_world.imports import plutanium_gateway_types as types
except ImportError:  # Natively (in the tests) there are no bindings.
    exports = None

if exports is not None:

    class Processor(exports.Processor):
        def handle(self, event: types.Event) -> List[types.Action]:
            if not isinstance(event, types.Event_Sms):
                return []
            config = dict(host.config())
            reply = answer(event.value.text, config.get("prefix", "You said: "))
            if reply is None:
                raise Err(types.Error_Permanent("empty message"))
            host.log(host.LogLevel.INFO, "answering", [("sender", event.value.sender)])
            return [types.Action_Reply(reply)]
"#;

const PYTHON_SINK: &str = r#""""A Plutanium sink in Python: counts the events it receives, in its key-value store.

The logic is in `next_count`, a plain function, so `test_app.py` tests it
without wasm; the class below is the glue to the host.
"""
from typing import Optional


def next_count(stored: Optional[bytes]) -> bytes:
    """The stored counter plus one."""
    return str(int(stored or b"0") + 1).encode()


try:
    from wit_world import exports
    from wit_world.imports import host
    from wit_world.imports import plutanium_gateway_types as types
except ImportError:  # Natively (in the tests) there are no bindings.
    exports = None

if exports is not None:

    class Sink(exports.Sink):
        def deliver(self, event: types.Event) -> None:
            kind = type(event).__name__.removeprefix("Event_").lower()
            with host.Kv() as kv:
                kv.set(f"count/{kind}", next_count(kv.get(f"count/{kind}")))
"#;

const PYTHON_SOURCE: &str = r#""""A Plutanium source in Python: sends the configured `text` to `to` once a day.

The logic is in `due`, a plain function, so `test_app.py` tests it without
wasm; the class below is the glue to the host.
"""
from typing import List, Optional

DAY_MS = 24 * 60 * 60 * 1000


def due(now_ms: int, sent_day: Optional[bytes]) -> Optional[int]:
    """Today's day number if today's message is not sent yet, else None."""
    day = now_ms // DAY_MS
    return None if sent_day == str(day).encode() else day


try:
    from componentize_py_types import Err
    from wit_world import exports
    from wit_world.imports import host
    from wit_world.imports import plutanium_gateway_types as types
except ImportError:  # Natively (in the tests) there are no bindings.
    exports = None

if exports is not None:

    class Source(exports.Source):
        def poll(self, max: int) -> List[types.Outbound]:
            config = dict(host.config())
            if "to" not in config:
                raise Err(types.Error_Config("missing config key `to`"))
            with host.Kv() as kv:
                day = due(host.now(), kv.get("sent-day"))
            if day is None or max == 0:
                return []
            options = types.SendOptions(types.Encoding.AUTO, False, False, None, None)
            # The key names the day, so a repeated poll never sends twice.
            return [types.Outbound(config["to"], config.get("text", "Good morning!"), f"daily:{day}", options)]

        def ack(self, keys: List[str]) -> None:
            with host.Kv() as kv:
                for key in keys:
                    kv.set("sent-day", key.removeprefix("daily:").encode())

        def reject(self, refused: List[tuple]) -> None:
            # Refused (by the daemon's policy, say): do not offer it again today.
            with host.Kv() as kv:
                for key, reason in refused:
                    host.log(host.LogLevel.WARN, "refused", [("key", key), ("reason", reason)])
                    kv.set("sent-day", key.removeprefix("daily:").encode())
"#;

const PYTHON_PROCESSOR_TEST: &str = r#"import unittest

from app import answer


class AnswerTest(unittest.TestCase):
    def test_answers_with_the_prefix(self):
        self.assertEqual(answer("hello", "Echo: "), "Echo: hello")

    def test_empty_messages_get_no_answer(self):
        self.assertIsNone(answer("  ", "Echo: "))


if __name__ == "__main__":
    unittest.main()
"#;

const PYTHON_SINK_TEST: &str = r#"import unittest

from app import next_count


class CountTest(unittest.TestCase):
    def test_counts_up_from_nothing(self):
        self.assertEqual(next_count(None), b"1")
        self.assertEqual(next_count(b"41"), b"42")


if __name__ == "__main__":
    unittest.main()
"#;

const PYTHON_SOURCE_TEST: &str = r#"import unittest

from app import DAY_MS, due


class DueTest(unittest.TestCase):
    def test_once_a_day(self):
        self.assertEqual(due(3 * DAY_MS + 5, None), 3)
        self.assertIsNone(due(3 * DAY_MS + 5, b"3"))
        self.assertEqual(due(4 * DAY_MS, b"3"), 4)


if __name__ == "__main__":
    unittest.main()
"#;
