//! API tokens. The token file holds only SHA-256 hashes, one token per
//! line: `sha256:<64 hex> <scopes> [name=<name>] [rate=<per minute>]`, with
//! scopes `send`, `read` or `send,read`; `#` starts a comment. A presented
//! token is hashed and compared with every entry in constant time.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Why a token file cannot be used, or a token not made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token file could not be read.
    #[error("cannot read the API token file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A line of the token file is wrong.
    #[error("{}:{line}: {problem}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The line, from 1.
        line: usize,
        /// What is wrong and what a line looks like.
        problem: String,
    },
    /// The token file could not be written.
    #[error("cannot write the API token file {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The OS gave no randomness for a new token.
    #[error("cannot make a token: the OS gave no randomness ({0})")]
    Randomness(getrandom::Error),
    /// A token was asked for without a scope.
    #[error("a token needs a scope: send, read, or both")]
    NoScope,
    /// A token's name is not one word.
    #[error("a token's name is one word, without '#': {0:?}")]
    BadName(String),
}

/// A wrong line of a token file's text: its number and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// The line, from 1.
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

impl std::fmt::Display for BadLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.line, self.problem)
    }
}

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Queue messages, run USSD codes.
    Send,
    /// Read messages, calls, modems, connectors, events.
    Read,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 2] = [Scope::Send, Scope::Read];

    /// As the token file, the command line and the API write it.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Send => "send",
            Scope::Read => "read",
        }
    }

    /// The scope called `name`.
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// One token's entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenEntry {
    hash: [u8; 32],
    /// May send.
    pub send: bool,
    /// May read.
    pub read: bool,
    /// For logs and rate limits (the line number when unnamed).
    pub name: String,
    /// Messages it may queue per minute.
    pub per_minute: u32,
    /// Read cost it may spend per minute (`reads=`; see the API docs).
    pub reads_per_minute: u32,
}

impl TokenEntry {
    /// Whether it has `scope`.
    pub fn allows(&self, scope: Scope) -> bool {
        match scope {
            Scope::Send => self.send,
            Scope::Read => self.read,
        }
    }
}

/// The default sending rate of a token, per minute.
pub const DEFAULT_PER_MINUTE: u32 = 60;

/// The tokens of a token file.
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    entries: Vec<TokenEntry>,
}

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Tokens {
    /// Reads a token file (see the module doc).
    pub fn load(path: &Path) -> Result<Tokens, TokenError> {
        let text = std::fs::read_to_string(path).map_err(|source| TokenError::Read {
            path: path.into(),
            source,
        })?;
        Tokens::parse(&text).map_err(|bad| TokenError::Parse {
            path: path.into(),
            line: bad.line,
            problem: bad.problem,
        })
    }

    /// Parses a token file's text; errors start with the line number.
    pub fn parse(text: &str) -> Result<Tokens, BadLine> {
        let mut entries = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad = |why: &str| BadLine {
                line: number,
                problem: why.to_string(),
            };
            let mut fields = line.split_whitespace();
            let digest = fields
                .next()
                .and_then(|f| f.strip_prefix("sha256:"))
                .ok_or_else(|| bad("expected sha256:<hex> first (the file holds hashes, never tokens; `plutanium api token` writes lines)"))?;
            if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad("a SHA-256 hash is 64 hex digits"));
            }
            let mut hash = [0u8; 32];
            hex::decode_to_slice(digest, &mut hash).map_err(|_| bad("not hex"))?;
            let scopes = fields
                .next()
                .ok_or_else(|| bad("expected scopes (send, read or send,read) after the hash"))?;
            let (mut send, mut read) = (false, false);
            for scope in scopes.split(',') {
                match Scope::parse(scope) {
                    Some(Scope::Send) => send = true,
                    Some(Scope::Read) => read = true,
                    None => return Err(bad(&format!("unknown scope {scope:?} (send, read)"))),
                }
            }
            let mut name = format!("line {number}");
            let mut per_minute = DEFAULT_PER_MINUTE;
            let mut reads_per_minute = crate::reads::DEFAULT_READS_PER_MINUTE;
            for field in fields {
                match field.split_once('=') {
                    Some(("name", value)) if !value.is_empty() => name = value.to_string(),
                    Some(("rate", value)) => {
                        per_minute = value
                            .parse()
                            .ok()
                            .filter(|n| *n > 0)
                            .ok_or_else(|| bad("rate= is messages per minute, at least 1"))?;
                    }
                    Some(("reads", value)) => {
                        reads_per_minute = value
                            .parse()
                            .ok()
                            .filter(|n| *n > 0)
                            .ok_or_else(|| bad("reads= is reads per minute, at least 1"))?;
                    }
                    _ => {
                        return Err(bad(&format!(
                            "unexpected {field:?} (name=…, rate=… or reads=…)"
                        )));
                    }
                }
            }
            entries.push(TokenEntry {
                hash,
                send,
                read,
                name,
                per_minute,
                reads_per_minute,
            });
        }
        Ok(Tokens { entries })
    }

    /// How many tokens there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none (every request would get 401).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry of `presented`, if it is a token here. Every entry is
    /// compared, in constant time, whatever matches.
    pub fn check(&self, presented: &str) -> Option<&TokenEntry> {
        let digest = hash(presented);
        let mut found = None;
        for entry in &self.entries {
            if bool::from(entry.hash.ct_eq(&digest)) {
                found = Some(entry);
            }
        }
        found
    }
}

/// A new random token (`plu_` and 64 hex digits, 256 bits).
pub fn new_token() -> Result<String, TokenError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(TokenError::Randomness)?;
    Ok(format!("plu_{}", hex::encode(bytes)))
}

/// The token file line for `token`.
pub fn line(
    token: &str,
    scopes: &[Scope],
    name: Option<&str>,
    per_minute: Option<u32>,
) -> Result<String, TokenError> {
    if scopes.is_empty() {
        return Err(TokenError::NoScope);
    }
    let mut scopes: Vec<&str> = scopes.iter().map(|s| s.name()).collect();
    scopes.dedup();
    let mut line = format!("sha256:{} {}", hex::encode(hash(token)), scopes.join(","));
    if let Some(name) = name {
        if name.is_empty() || name.contains(char::is_whitespace) || name.contains('#') {
            return Err(TokenError::BadName(name.into()));
        }
        line.push_str(&format!(" name={name}"));
    }
    if let Some(rate) = per_minute {
        line.push_str(&format!(" rate={rate}"));
    }
    Ok(line)
}

/// Makes a token and appends its line to `file` (created with mode 0600;
/// a file there must still parse, so a broken one is not made worse).
/// Returns the token, which is nowhere else.
pub fn add_to_file(
    file: &Path,
    scopes: &[Scope],
    name: Option<&str>,
    per_minute: Option<u32>,
) -> Result<String, TokenError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let token = new_token()?;
    let line = line(&token, scopes, name, per_minute)?;
    if file.exists() {
        Tokens::load(file)?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(file)
        .and_then(|mut opened| {
            writeln!(opened, "{line}")?;
            opened.sync_all()
        })
        .map_err(|source| TokenError::Write {
            path: file.into(),
            source,
        })?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_kept_as_hashes_and_checked_with_their_scopes() {
        let sender = new_token().unwrap();
        let reader = new_token().unwrap();
        assert!(sender.starts_with("plu_") && sender.len() == 68);
        assert_ne!(sender, reader);
        let text = format!(
            "# API tokens\n{}\n\n{}  # the dashboard\n",
            line(&sender, &[Scope::Send, Scope::Read], Some("ci"), Some(120)).unwrap(),
            line(&reader, &[Scope::Read], None, None).unwrap(),
        );
        assert!(!text.contains(&sender[4..]), "the file holds no token");
        let tokens = Tokens::parse(&text).unwrap();
        assert_eq!(tokens.len(), 2);
        let entry = tokens.check(&sender).unwrap();
        assert!(entry.allows(Scope::Send) && entry.allows(Scope::Read));
        assert_eq!((entry.name.as_str(), entry.per_minute), ("ci", 120));
        let entry = tokens.check(&reader).unwrap();
        assert!(!entry.allows(Scope::Send) && entry.allows(Scope::Read));
        assert_eq!(
            (entry.name.as_str(), entry.per_minute),
            ("line 4", DEFAULT_PER_MINUTE)
        );
        assert!(tokens.check("plu_guess").is_none());
        assert!(tokens.check("").is_none());
    }

    #[test]
    fn a_bad_token_file_says_which_line() {
        for (text, expected) in [
            ("plu_0123", "1: expected sha256:"),
            ("sha256:abc read", "1: a SHA-256 hash is 64 hex digits"),
            (
                &format!("\nsha256:{} write", "0".repeat(64)),
                "2: unknown scope \"write\"",
            ),
            (&format!("sha256:{}", "0".repeat(64)), "1: expected scopes"),
            (
                &format!("sha256:{} read rate=0", "0".repeat(64)),
                "1: rate=",
            ),
            (
                &format!("sha256:{} read colour=red", "0".repeat(64)),
                "1: unexpected",
            ),
        ] {
            let error = Tokens::parse(text).unwrap_err().to_string();
            assert!(error.starts_with(expected), "{text:?}: {error}");
        }
        assert!(line("t", &[], None, None).is_err());
        assert!(line("t", &[Scope::Read], Some("two words"), None).is_err());
    }
}
