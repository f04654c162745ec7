//! Where connector components come from, and the tools around them.
//!
//! What it is: the [`Catalog`] of components a host can name in a config,
//! which are the built-in connectors (compiled from `connectors/` by this
//! crate's build script and embedded in the binary) and the ones installed
//! into a data directory ([`install`]); plus the tools a connector author
//! uses, which are a new project that builds and has a test ([`scaffold`])
//! and one call into a component outside any daemon ([`trial`]).
//!
//! What it is not: the component host. Loading, sandboxing and calling a
//! component is `plutanium-runtime`'s; this crate hands it bytes.
//!
//! Why one crate: the catalog, installing and trying all answer "which
//! component is this name, and can this host run it?", and the built-in
//! connectors are embedded once, here, for the gateway and the command line.

pub mod install;
pub mod scaffold;
mod scaffold_js;
pub mod trial;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/builtin_connectors.rs"));

/// Why the catalog could not answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The installed connectors' directory could not be listed.
    #[error("cannot list the installed connectors in {}: {source}", dir.display())]
    List {
        /// The directory.
        dir: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// An installed component could not be read.
    #[error("cannot read the installed connector {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A name that cannot be a connector's.
    #[error(
        "{name:?} is not a connector name: use 1 to 64 of a-z, 0-9, '-' and '_', starting with a letter"
    )]
    BadName {
        /// The name given.
        name: String,
    },
}

/// Where a connector comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// Embedded in this binary.
    BuiltIn,
    /// Installed into the data directory, at this path.
    Installed(PathBuf),
}

impl Origin {
    /// `built-in` or `installed`, as the command line and the API print it.
    pub fn name(&self) -> &'static str {
        match self {
            Origin::BuiltIn => "built-in",
            Origin::Installed(_) => "installed",
        }
    }
}

/// A connector known by name.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The name a config uses.
    pub name: String,
    /// Where its component is.
    pub origin: Origin,
}

/// The built-in and installed connectors of one data directory.
#[derive(Clone, Debug)]
pub struct Catalog {
    installed_dir: PathBuf,
}

impl Catalog {
    /// The catalog of `data_dir`: built-in connectors, and those installed
    /// in `data_dir/connectors`.
    pub fn new(data_dir: &Path) -> Self {
        Catalog {
            installed_dir: data_dir.join("connectors"),
        }
    }

    /// The directory installed connectors live in.
    pub fn installed_dir(&self) -> &Path {
        &self.installed_dir
    }

    /// Where an installed connector called `name` is kept.
    pub fn installed_path(&self, name: &str) -> PathBuf {
        self.installed_dir.join(format!("{name}.wasm"))
    }

    /// The built-in component called `name`.
    pub fn builtin(name: &str) -> Option<&'static [u8]> {
        BUILTIN_CONNECTORS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, bytes)| *bytes)
    }

    /// Every connector: built-in ones first, then installed ones, each by name.
    pub fn entries(&self) -> Result<Vec<Entry>, CatalogError> {
        let mut entries: Vec<Entry> = BUILTIN_CONNECTORS
            .iter()
            .map(|(name, _)| Entry {
                name: (*name).to_string(),
                origin: Origin::BuiltIn,
            })
            .collect();
        let list_error = |source| CatalogError::List {
            dir: self.installed_dir.clone(),
            source,
        };
        let listing = match std::fs::read_dir(&self.installed_dir) {
            Ok(listing) => listing,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(entries),
            Err(e) => return Err(list_error(e)),
        };
        let mut installed = Vec::new();
        for item in listing {
            let path = item.map_err(list_error)?.path();
            if path.extension().is_some_and(|e| e == "wasm")
                && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            {
                installed.push(Entry {
                    name: stem.to_string(),
                    origin: Origin::Installed(path.clone()),
                });
            }
        }
        installed.sort_by(|a, b| a.name.cmp(&b.name));
        entries.extend(installed);
        Ok(entries)
    }

    /// The bytes of the connector `name`: built-in first, then installed;
    /// `None` when there is neither.
    pub fn bytes(&self, name: &str) -> Result<Option<Cow<'static, [u8]>>, CatalogError> {
        if let Some(bytes) = Self::builtin(name) {
            return Ok(Some(Cow::Borrowed(bytes)));
        }
        let path = self.installed_path(name);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(Cow::Owned(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(CatalogError::Read { path, source }),
        }
    }
}

/// Checks a connector name: 1 to 64 of `a-z`, `0-9`, `-` and `_`, starting
/// with a letter (it becomes a file name and a YAML reference).
pub fn check_name(name: &str) -> Result<(), CatalogError> {
    let valid = (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(CatalogError::BadName { name: name.into() })
    }
}
