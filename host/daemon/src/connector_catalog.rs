//! The connectors a daemon can use by name: the built-in ones embedded in the
//! binary, and the ones installed into the data directory.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

include!(concat!(env!("OUT_DIR"), "/builtin_connectors.rs"));

/// Where a connector comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Embedded in this binary.
    BuiltIn,
    /// Installed into the data directory, at this path.
    Installed(PathBuf),
}

/// A connector known by name.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) name: String,
    pub(crate) origin: Origin,
}

/// The built-in and installed connectors of one data directory.
#[derive(Clone, Debug)]
pub(crate) struct Catalog {
    installed_dir: PathBuf,
}

impl Catalog {
    /// The catalog of `data_dir`.
    pub(crate) fn new(data_dir: &Path) -> Self {
        Catalog {
            installed_dir: data_dir.join("connectors"),
        }
    }

    /// The directory installed connectors live in.
    pub(crate) fn installed_dir(&self) -> &Path {
        &self.installed_dir
    }

    /// Where an installed connector called `name` is kept.
    pub(crate) fn installed_path(&self, name: &str) -> PathBuf {
        self.installed_dir.join(format!("{name}.wasm"))
    }

    /// The built-in component called `name`.
    pub(crate) fn builtin(name: &str) -> Option<&'static [u8]> {
        BUILTIN_CONNECTORS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, bytes)| *bytes)
    }

    /// Every connector: built-in ones first, then installed ones, each by name.
    pub(crate) fn entries(&self) -> Result<Vec<Entry>> {
        let mut entries: Vec<Entry> = BUILTIN_CONNECTORS
            .iter()
            .map(|(name, _)| Entry {
                name: (*name).to_string(),
                origin: Origin::BuiltIn,
            })
            .collect();
        let listing = match std::fs::read_dir(&self.installed_dir) {
            Ok(listing) => listing,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(entries),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot list {}", self.installed_dir.display()));
            }
        };
        let mut installed = Vec::new();
        for item in listing {
            let path = item
                .with_context(|| format!("cannot list {}", self.installed_dir.display()))?
                .path();
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

    /// The bytes of the connector `name`: built-in first, then installed.
    pub(crate) fn bytes(&self, name: &str) -> Result<Option<Cow<'static, [u8]>>> {
        if let Some(bytes) = Self::builtin(name) {
            return Ok(Some(Cow::Borrowed(bytes)));
        }
        let path = self.installed_path(name);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(Cow::Owned(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }
}

/// Checks a connector name: 1 to 64 of `a-z`, `0-9`, `-` and `_`, starting
/// with a letter (it becomes a file name and a YAML reference).
pub(crate) fn check_name(name: &str) -> Result<()> {
    let valid = (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid {
        bail!(
            "{name:?} is not a connector name (1-64 of a-z, 0-9, '-' and '_', starting with a letter)"
        );
    }
    Ok(())
}
