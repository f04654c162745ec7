//! The outcome journal: a send's outcome written to a file before the next
//! send of its modem goes out, so that the next PDU does not wait for the
//! store's commit.
//!
//! Why: the crash bound (a `kill -9` repeats at most one message per modem)
//! needs the outcome of send n to survive the process before send n+1's PDU
//! leaves. A `write` to a file does that as well as a commit does: the data
//! is the kernel's once the call returns, whatever becomes of the process.
//! A SQLite commit of an outcome writes five B-tree pages and takes the
//! WAL's locks (about 40 µs); an append here is one `write` of a line
//! (a few µs), and the store commits the outcomes afterwards, in batches.
//!
//! What a power cut may do: neither this file nor the SQLite WAL (which the
//! store commits state changes to without an fsync) is synced, so a power
//! cut may forget the outcomes of the last moments' sends. Their rows are
//! still `sending` in the store, and go again at the next start: a power
//! cut may repeat what was sent just before it, and loses nothing.
//!
//! Only for a store one process holds (a SQLite file: the daemon locks it).
//! On a shared store another node takes a dead node's modems and would
//! never read this node's file; there, the next PDU waits for the commit.
//!
//! Format: one JSON object per line, appended; [`replay`] applies the last
//! line of each row, in the order written, through the store's usual
//! completion (which ignores an outcome whose claim is no longer current,
//! so lines already committed are harmless). A postponed row is not written:
//! nothing was sent, and its completion gives the attempt back, which a
//! stale line could do twice. The file is rewritten with only the
//! uncommitted lines once it passes 64 KiB.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use plutanium_core::Timestamp;
use plutanium_store::{SendOutcome, Store, StoreError};
use serde::{Deserialize, Serialize};

/// The journal is rewritten, keeping only its uncommitted lines, once it
/// is this long: about 600 outcomes, so a replay reads little.
const ROTATE_AT: u64 = 64 * 1024;

/// Why the journal could not be read, written or replayed.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The file could not be opened, written or read.
    #[error(
        "the outcome journal {path}: {source}; check that the directory of the store's file is writable by the daemon"
    )]
    Io {
        /// The journal's path.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The store refused the outcomes read back.
    #[error(
        "replaying the outcome journal {path} into the store: {source}; the journal is kept, and the next start tries again"
    )]
    Store {
        /// The journal's path.
        path: PathBuf,
        /// What the store said.
        source: StoreError,
    },
}

/// One line of the journal.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Line {
    id: i64,
    attempt: u32,
    /// When the outcome was known (ms since the epoch): the time the store
    /// records for it.
    at: Timestamp,
    #[serde(flatten)]
    outcome: Recorded,
}

/// The outcomes worth writing (see the module's doc for `Postpone`).
#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "outcome", rename_all = "snake_case")]
enum Recorded {
    Sent {
        modem: String,
        refs: Vec<Option<u8>>,
        sim: Option<String>,
    },
    Retry {
        error: String,
        due: Timestamp,
        modem: Option<String>,
    },
    Failed {
        error: String,
        modem: Option<String>,
    },
}

impl Recorded {
    fn of(outcome: &SendOutcome) -> Option<Recorded> {
        Some(match outcome.clone() {
            SendOutcome::Sent {
                modem,
                message_refs,
                sim,
            } => Recorded::Sent {
                modem,
                refs: message_refs,
                sim,
            },
            SendOutcome::Retry { error, at, modem } => Recorded::Retry {
                error,
                due: at,
                modem,
            },
            SendOutcome::Failed { error, modem } => Recorded::Failed { error, modem },
            SendOutcome::Postpone { .. } => return None,
        })
    }

    fn outcome(self) -> SendOutcome {
        match self {
            Recorded::Sent { modem, refs, sim } => SendOutcome::Sent {
                modem,
                message_refs: refs,
                sim,
            },
            Recorded::Retry { error, due, modem } => SendOutcome::Retry {
                error,
                at: due,
                modem,
            },
            Recorded::Failed { error, modem } => SendOutcome::Failed { error, modem },
        }
    }
}

/// Where a journal for the SQLite store at `store` lives: beside it, as
/// SQLite's own `-wal` does.
pub fn beside(store: &Path) -> PathBuf {
    let mut name = store.as_os_str().to_owned();
    name.push("-outcomes");
    PathBuf::from(name)
}

/// An open journal, shared by every modem's worker and the completer.
pub struct OutcomeJournal {
    path: PathBuf,
    inner: Mutex<Inner>,
}

struct Inner {
    file: File,
    /// Bytes in the file.
    len: u64,
    /// The number of the next line.
    next: u64,
    /// The lines not yet committed to the store, by number.
    pending: BTreeMap<u64, Vec<u8>>,
}

impl OutcomeJournal {
    /// Opens the journal at `path`, empty: whatever it held must have been
    /// [`replay`]ed before.
    pub fn open(path: &Path) -> Result<OutcomeJournal, JournalError> {
        let file = append_to(path, true)?;
        Ok(OutcomeJournal {
            path: path.to_path_buf(),
            inner: Mutex::new(Inner {
                file,
                len: 0,
                next: 1,
                pending: BTreeMap::new(),
            }),
        })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the outcome of row `id`'s claim number `attempt`: once this
    /// returns, a `kill -9` cannot lose it. Its number, to give
    /// [`OutcomeJournal::committed`] once the store has it; `None` for an
    /// outcome that needs no line (a postponed row: nothing was sent).
    pub(crate) fn record(
        &self,
        id: i64,
        attempt: u32,
        outcome: &SendOutcome,
        at: Timestamp,
    ) -> Result<Option<u64>, JournalError> {
        let Some(outcome) = Recorded::of(outcome) else {
            return Ok(None);
        };
        // Cannot fail: strings and numbers only.
        let mut bytes = serde_json::to_vec(&Line {
            id,
            attempt,
            at,
            outcome,
        })
        .unwrap_or_default();
        bytes.push(b'\n');
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        // One `write` per line: a crash leaves whole lines, and at worst a
        // torn last one, which replay skips (that send is the one the crash
        // bound allows to repeat).
        if let Err(source) = inner.file.write_all(&bytes) {
            return Err(self.io(source));
        }
        inner.len += bytes.len() as u64;
        let number = inner.next;
        inner.next += 1;
        inner.pending.insert(number, bytes);
        Ok(Some(number))
    }

    /// The store has committed these lines: they need not be replayed, and
    /// the file is rewritten without them once it is long.
    pub(crate) fn committed(&self, numbers: impl IntoIterator<Item = u64>) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        for number in numbers {
            inner.pending.remove(&number);
        }
        if inner.len < ROTATE_AT {
            return;
        }
        if let Err(e) = self.rotate(&mut inner) {
            // It grows instead; every line in it is still right.
            tracing::warn!(error = %e, "cannot shorten the outcome journal; it keeps growing until the next start");
        }
    }

    /// Rewrites the file with only the pending lines. Through a new file
    /// renamed over the old one, so that a crash in the middle leaves one
    /// whole file or the other; no sync, as for every line (see the
    /// module's doc).
    fn rotate(&self, inner: &mut Inner) -> Result<(), JournalError> {
        if inner.pending.is_empty() {
            inner.file.set_len(0).map_err(|e| self.io(e))?;
            inner.len = 0;
            return Ok(());
        }
        let mut fresh = self.path.as_os_str().to_owned();
        fresh.push(".new");
        let fresh = PathBuf::from(fresh);
        let lines: Vec<u8> = inner.pending.values().flatten().copied().collect();
        std::fs::write(&fresh, &lines).map_err(|e| self.io(e))?;
        std::fs::rename(&fresh, &self.path).map_err(|e| self.io(e))?;
        inner.file = append_to(&self.path, false)?;
        inner.len = lines.len() as u64;
        Ok(())
    }

    /// At a clean stop, with every outcome committed: the file goes.
    pub(crate) fn close(&self) {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if inner.pending.is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    fn io(&self, source: io::Error) -> JournalError {
        JournalError::Io {
            path: self.path.clone(),
            source,
        }
    }
}

fn append_to(path: &Path, truncate: bool) -> Result<File, JournalError> {
    OpenOptions::new()
        .create(true)
        .append(!truncate)
        .write(true)
        .truncate(truncate)
        .open(path)
        .map_err(|source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// What a replay did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Replayed {
    /// Outcomes the store did not have yet, now committed (the rest were
    /// committed before the stop).
    pub applied: Vec<i64>,
    /// Lines that could not be read: a torn last line after a power cut.
    pub unreadable: usize,
}

/// Commits to `store` the outcomes in the journal at `path` that it does
/// not have (a crash came between a send and its commit), then removes the
/// file. Nothing to do when there is no file. For a process starting on a
/// store no other process uses, before anything claims rows.
pub fn replay(store: &dyn Store, path: &Path) -> Result<Replayed, JournalError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Replayed::default()),
        Err(source) => {
            return Err(JournalError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut replayed = Replayed::default();
    // The last line of each row is its outcome (a retried row's earlier
    // attempts were refused anyway: their claims are gone).
    let mut last: BTreeMap<i64, (u64, Line)> = BTreeMap::new();
    for (number, line) in io::BufReader::new(file).split(b'\n').enumerate() {
        let line = line.map_err(|source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        match serde_json::from_slice::<Line>(&line) {
            Ok(line) => {
                last.insert(line.id, (number as u64, line));
            }
            Err(_) => replayed.unreadable += 1,
        }
    }
    let mut lines: Vec<(u64, Line)> = last.into_values().collect();
    lines.sort_by_key(|(number, _)| *number);
    for (_, line) in lines {
        let (id, at) = (line.id, line.at);
        let outcomes = [(id, line.attempt, line.outcome.outcome())];
        let applied = store
            .complete_batch(&outcomes, None, at)
            .map_err(|source| JournalError::Store {
                path: path.to_path_buf(),
                source,
            })?;
        if applied.first() == Some(&true) {
            replayed.applied.push(id);
        }
    }
    std::fs::remove_file(path).map_err(|source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(replayed)
}

#[cfg(test)]
mod tests;
