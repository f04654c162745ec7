//! API tokens. The token file holds only SHA-256 hashes, one token per
//! line: `sha256:<64 hex> <scopes> [name=<name>] [rate=<per minute>]`, with
//! scopes `send`, `read` or `send,read`; `#` starts a comment. A presented
//! token is hashed and compared with every entry in constant time.

use std::path::Path;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Queue messages, run USSD codes.
    Send,
    /// Read messages, calls, modems, connectors, events.
    Read,
}

impl Scope {
    /// Every scope.
    pub(crate) const ALL: [Scope; 2] = [Scope::Send, Scope::Read];

    /// As the token file, the command line and the API write it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Scope::Send => "send",
            Scope::Read => "read",
        }
    }

    /// The scope called `name`.
    pub(crate) fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// One token's entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TokenEntry {
    hash: [u8; 32],
    /// May send.
    pub(crate) send: bool,
    /// May read.
    pub(crate) read: bool,
    /// For logs and rate limits (the line number when unnamed).
    pub(crate) name: String,
    /// Messages it may queue per minute.
    pub(crate) per_minute: u32,
}

impl TokenEntry {
    /// Whether it has `scope`.
    pub(crate) fn allows(&self, scope: Scope) -> bool {
        match scope {
            Scope::Send => self.send,
            Scope::Read => self.read,
        }
    }
}

/// The default sending rate of a token, per minute.
pub(crate) const DEFAULT_PER_MINUTE: u32 = 60;

/// The tokens of a token file.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tokens {
    entries: Vec<TokenEntry>,
}

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// `bytes` in lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Tokens {
    /// Reads a token file (see the module doc).
    pub(crate) fn load(path: &Path) -> Result<Tokens> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the API token file {}", path.display()))?;
        Tokens::parse(&text).map_err(|e| anyhow::anyhow!("{}:{e}", path.display()))
    }

    /// Parses a token file's text; errors start with the line number.
    pub(crate) fn parse(text: &str) -> Result<Tokens, String> {
        let mut entries = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad = |why: &str| format!("{number}: {why}");
            let mut fields = line.split_whitespace();
            let digest = fields
                .next()
                .and_then(|f| f.strip_prefix("sha256:"))
                .ok_or_else(|| bad("expected sha256:<hex> first (the file holds hashes, never tokens; `plutanium api token` writes lines)"))?;
            if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad("a SHA-256 hash is 64 hex digits"));
            }
            let mut hash = [0u8; 32];
            for (i, byte) in hash.iter_mut().enumerate() {
                *byte = u8::from_str_radix(&digest[2 * i..2 * i + 2], 16)
                    .map_err(|_| bad("not hex"))?;
            }
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
                    _ => return Err(bad(&format!("unexpected {field:?} (name=… or rate=…)"))),
                }
            }
            entries.push(TokenEntry {
                hash,
                send,
                read,
                name,
                per_minute,
            });
        }
        Ok(Tokens { entries })
    }

    /// How many tokens there are.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entry of `presented`, if it is a token here. Every entry is
    /// compared, in constant time, whatever matches.
    pub(crate) fn check(&self, presented: &str) -> Option<&TokenEntry> {
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
pub(crate) fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(format!("plu_{}", hex(&bytes)))
}

/// The token file line for `token`.
pub(crate) fn line(
    token: &str,
    scopes: &[Scope],
    name: Option<&str>,
    per_minute: Option<u32>,
) -> Result<String> {
    if scopes.is_empty() {
        bail!("a token needs a scope (send, read)");
    }
    let mut scopes: Vec<&str> = scopes.iter().map(|s| s.name()).collect();
    scopes.dedup();
    let mut line = format!("sha256:{} {}", hex(&hash(token)), scopes.join(","));
    if let Some(name) = name {
        if name.is_empty() || name.contains(char::is_whitespace) || name.contains('#') {
            bail!("a token's name is one word");
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
pub(crate) fn add_to_file(
    file: &Path,
    scopes: &[Scope],
    name: Option<&str>,
    per_minute: Option<u32>,
) -> Result<String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let token = new_token()?;
    let line = line(&token, scopes, name, per_minute)?;
    if file.exists() {
        Tokens::load(file)?;
    }
    let mut opened = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(file)
        .with_context(|| format!("cannot open {}", file.display()))?;
    writeln!(opened, "{line}")
        .and_then(|()| opened.sync_all())
        .with_context(|| format!("cannot write {}", file.display()))?;
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
            let error = Tokens::parse(text).unwrap_err();
            assert!(error.starts_with(expected), "{text:?}: {error}");
        }
        assert!(line("t", &[], None, None).is_err());
        assert!(line("t", &[Scope::Read], Some("two words"), None).is_err());
    }
}
