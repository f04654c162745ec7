//! Files written so that a crash, a `kill -9` or a power cut leaves either
//! the old file or the whole new one, never half of it: the compile cache,
//! installed components, OAuth token caches.
//!
//! How: the bytes go to a temporary file in the same directory (by
//! `tempfile`, which picks a name no other writer uses), which is synced,
//! then renamed over the target, and then the directory itself is synced
//! so that the new name survives a power cut too. The one piece of this
//! that `tempfile` leaves to its caller is that last sync, and it is the
//! one most often forgotten; hence one place for all of it.
//!
//! What it is not: a database. Two writers of the same file race, and the
//! last rename wins (or, with [`create_new`], the first).

use std::fs::Permissions;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Who may read the new file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Everyone may read it, its owner write it (0644): components, caches.
    Shared,
    /// Its owner only (0600): tokens and keys.
    Private,
}

impl Access {
    fn mode(self) -> u32 {
        match self {
            Access::Shared => 0o644,
            Access::Private => 0o600,
        }
    }
}

/// Writes `bytes` to `path`, replacing what is there.
pub fn replace(path: &Path, bytes: &[u8], access: Access) -> std::io::Result<()> {
    write(path, bytes, access, true)
}

/// Writes `bytes` to `path`, which must not exist: an
/// [`std::io::ErrorKind::AlreadyExists`] error otherwise, even if another
/// writer created it a moment ago.
pub fn create_new(path: &Path, bytes: &[u8], access: Access) -> std::io::Result<()> {
    write(path, bytes, access, false)
}

/// Moves a file that is already complete and synced to `to`, and syncs the
/// directory so the new name survives a power cut.
pub fn rename(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::rename(from, to)?;
    sync_directory_of(to)
}

fn write(path: &Path, bytes: &[u8], access: Access, replace: bool) -> std::io::Result<()> {
    let directory = directory_of(path);
    let mut file = tempfile::Builder::new()
        .prefix(".plutanium-")
        .permissions(Permissions::from_mode(access.mode()))
        .tempfile_in(directory)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    if replace {
        file.persist(path).map_err(|e| e.error)?;
    } else {
        file.persist_noclobber(path).map_err(|e| e.error)?;
    }
    sync_directory_of(path)
}

fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn sync_directory_of(path: &Path) -> std::io::Result<()> {
    std::fs::File::open(directory_of(path))?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_with_the_mode_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.json");
        replace(&path, b"first", Access::Private).unwrap();
        replace(&path, b"second", Access::Private).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        replace(&path, b"third", Access::Shared).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["token.json"], "no temporary file is left behind");
    }

    #[test]
    fn create_new_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("component.wasm");
        create_new(&path, b"one", Access::Shared).unwrap();
        let error = create_new(&path, b"two", Access::Shared).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_directory_is_an_error_not_a_panic() {
        let error = replace(Path::new("/nonexistent-dir/x"), b"x", Access::Shared).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    }
}
