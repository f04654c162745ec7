//! `plutanium connector install`: a component checked, precompiled into the
//! data directory's compile cache, and copied in under a name configs can
//! use. A crash leaves either the old component or the whole new one.

use std::path::{Path, PathBuf};

use plutanium_runtime::{Runtime, World};

use crate::{Catalog, CatalogError, check_name};

/// A component now installed.
#[derive(Debug, Clone)]
pub struct Installed {
    /// The name configs use.
    pub name: String,
    /// Where it is.
    pub path: PathBuf,
    /// Its world, when it declares one.
    pub world: Option<World>,
    /// Its size in bytes.
    pub size: usize,
}

/// Why a component was not installed; nothing was written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstallError {
    /// No name was given and none can be made from the file's.
    #[error("cannot take a connector name from {}; give one with --name", file.display())]
    NoName {
        /// The file.
        file: PathBuf,
    },
    /// The name cannot be a connector's.
    #[error(transparent)]
    Name(#[from] CatalogError),
    /// The name is a built-in connector's.
    #[error("{name:?} is a built-in connector; install under another --name")]
    BuiltIn {
        /// The name.
        name: String,
    },
    /// The component file could not be read.
    #[error("cannot read {}: {source}", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A connector of that name is installed, and replacing was not asked for.
    #[error(
        "a connector called {name:?} is already installed at {}; pass --force to replace it",
        path.display()
    )]
    Exists {
        /// The name.
        name: String,
        /// Where the installed one is.
        path: PathBuf,
    },
    /// The file is not a component this host can compile.
    #[error("{} is not a usable component: {source}", file.display())]
    NotAComponent {
        /// The file.
        file: PathBuf,
        /// Why the runtime refused it.
        source: plutanium_runtime::LoadError,
    },
    /// A component, but not one this host can run.
    #[error("{} cannot be installed: {problem}", file.display())]
    Incompatible {
        /// The file.
        file: PathBuf,
        /// What does not fit.
        problem: String,
    },
    /// The data directory could not take it.
    #[error("cannot write {}: {source} (is the data directory writable by this user?)", path.display())]
    Write {
        /// Where it was going.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

/// The name `file` installs under when none is given: its stem, lower
/// case, with `_` as `-` (cargo names a crate's component with `_`).
pub fn default_name(file: &Path) -> Option<String> {
    file.file_stem()
        .and_then(|s| s.to_str())
        .map(|s| s.replace('_', "-").to_ascii_lowercase())
}

/// Installs the component in `file` into `catalog` as `name` (or its
/// [`default_name`]), compiling it with `runtime` first, which checks it
/// and fills the compile cache the daemon uses. With `force`, an installed
/// one of the same name is replaced.
pub fn install(
    catalog: &Catalog,
    runtime: &Runtime,
    file: &Path,
    name: Option<String>,
    force: bool,
) -> Result<Installed, InstallError> {
    let name = match name {
        Some(name) => name,
        None => default_name(file).ok_or_else(|| InstallError::NoName { file: file.into() })?,
    };
    check_name(&name)?;
    if Catalog::builtin(&name).is_some() {
        return Err(InstallError::BuiltIn { name });
    }
    let bytes = std::fs::read(file).map_err(|source| InstallError::Read {
        file: file.into(),
        source,
    })?;
    let path = catalog.installed_path(&name);
    if path.exists() && !force {
        return Err(InstallError::Exists { name, path });
    }
    let inspection = runtime
        .inspect(&bytes)
        .map_err(|source| InstallError::NotAComponent {
            file: file.into(),
            source,
        })?;
    if let Some(problem) = inspection.incompatibility {
        return Err(InstallError::Incompatible {
            file: file.into(),
            problem,
        });
    }
    let write_error = |source| InstallError::Write {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(catalog.installed_dir()).map_err(write_error)?;
    // A crash leaves the old component or the whole new one.
    let access = plutanium_durable::Access::Shared;
    let written = if force {
        plutanium_durable::replace(&path, &bytes, access)
    } else {
        plutanium_durable::create_new(&path, &bytes, access)
    };
    match written {
        Ok(()) => {}
        // Another install of the same name won the race since the check.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(InstallError::Exists { name, path });
        }
        Err(e) => return Err(write_error(e)),
    }
    Ok(Installed {
        name,
        path,
        world: inspection.world,
        size: bytes.len(),
    })
}
