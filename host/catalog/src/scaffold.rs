//! `plutanium connector new`: a new connector project that builds and has a
//! test, in Rust (with plutanium-sdk), Python (with componentize-py) or
//! JavaScript (with componentize-js, its versions locked by the example's
//! `package-lock.json`).

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
    /// JavaScript, built with componentize-js.
    Js,
}

impl Language {
    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
            Language::Js => "js",
        }
    }
}

impl std::str::FromStr for Language {
    type Err = UnknownName;

    fn from_str(name: &str) -> Result<Self, UnknownName> {
        [Language::Rust, Language::Python, Language::Js]
            .into_iter()
            .find(|l| l.name() == name)
            .ok_or_else(|| {
                UnknownName(format!(
                    "{name:?} is not a language: use rust, python or js"
                ))
            })
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
        Language::Js => crate::scaffold_js::files(name, world, WIT_FILES),
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
        Language::Js => format!(
            "next (Node.js 20.19 or later):\n  cd {dir}\n  npm ci                   # the locked componentize-js\n  \
             npm test                 # the logic, under Node, against a fake host\n  \
             npm run build            # the component\n  plutanium connector install *.wasm"
        ),
    }
}

/// The componentize-py version the Python template is written for.
pub const COMPONENTIZE_PY: &str = plutanium_component_build::COMPONENTIZE_PY_VERSION;

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

// The project templates are files of their own under `templates/`, so they
// read (and diff) as the code they become; `TypeName` and `crate_name` in
// them are replaced with the project's names.
const RUST_PROCESSOR: &str = include_str!("../templates/rust/processor.rs");

const RUST_SINK: &str = include_str!("../templates/rust/sink.rs");

const RUST_SOURCE: &str = include_str!("../templates/rust/source.rs");

fn python_files(name: &str, world: WorldKind) -> Vec<(String, String)> {
    let world_name = format!("{}-connector", world.name());
    let app = match world {
        WorldKind::Processor => PYTHON_PROCESSOR,
        WorldKind::Sink => PYTHON_SINK,
        WorldKind::Source => PYTHON_SOURCE,
    };
    let build = format!(
        "#!/bin/sh\n# Builds {name}.wasm from app.py (needs componentize-py=={COMPONENTIZE_PY}).\nset -e\ncd \"$(dirname \"$0\")\"\n\
         componentize-py -d wit -w plutanium:gateway/{world_name}@0.1.1 componentize app -o {name}.wasm\n"
    );
    let readme = format!(
        "# {name}\n\nA Plutanium {world} connector in Python, built with componentize-py.\n\n```sh\npip install componentize-py=={COMPONENTIZE_PY}\n\
         ./build.sh                                   # -> {name}.wasm\nplutanium connector install {name}.wasm\n```\n\n\
         `wit/` is the Plutanium contract (`plutanium:gateway@0.1.1`); `componentize-py -d wit -w plutanium:gateway/{world_name}@0.1.1 bindings .`\n\
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

const PYTHON_PROCESSOR: &str = include_str!("../templates/python/processor.py");

const PYTHON_SINK: &str = include_str!("../templates/python/sink.py");

const PYTHON_SOURCE: &str = include_str!("../templates/python/source.py");

const PYTHON_PROCESSOR_TEST: &str = include_str!("../templates/python/test_processor.py");

const PYTHON_SINK_TEST: &str = include_str!("../templates/python/test_sink.py");

const PYTHON_SOURCE_TEST: &str = include_str!("../templates/python/test_source.py");
