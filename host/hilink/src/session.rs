//! A HiLink session without I/O: the `SessionID` cookie, the CSRF tokens
//! and how they rotate, the login's password encoding, and the CESU-8 the
//! device speaks.
//!
//! The rules are the ones `huawei-lte-api` (the best-kept client) follows:
//! a POST carries `__RequestVerificationToken`; when the device handed out
//! several tokens each is used once, when it handed out one it is reused;
//! every answer may bring new ones (`__RequestVerificationTokenone` and
//! `…two`, or `__RequestVerificationToken`); the login's answer replaces
//! them all, and the cookie too.

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::api::SesTokInfo;

/// The cookie and tokens of one session.
#[derive(Clone, Debug, Default)]
pub struct Session {
    cookie: Option<String>,
    tokens: Vec<String>,
}

impl Session {
    /// A session from `SesTokInfo`.
    pub fn new(info: SesTokInfo) -> Session {
        Session {
            cookie: Some(info.session),
            tokens: vec![info.token],
        }
    }

    /// The `Cookie` header.
    pub fn cookie(&self) -> Option<&str> {
        self.cookie.as_deref()
    }

    /// The token for the next POST: used up when there are others.
    pub fn token_for_post(&mut self) -> Option<String> {
        if self.tokens.len() > 1 {
            Some(self.tokens.remove(0))
        } else {
            self.tokens.first().cloned()
        }
    }

    /// The token a GET carries: only when there is exactly one.
    pub fn token_for_get(&self) -> Option<&str> {
        match self.tokens.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// The token the login's password is encoded with.
    pub fn login_token(&self) -> Option<&str> {
        self.tokens.first().map(String::as_str)
    }

    /// Takes what an answer's headers bring: `header(name)` gives a header's
    /// value. After a login (`replace`), the old tokens are gone.
    pub fn answered(&mut self, header: impl Fn(&str) -> Option<String>, replace: bool) {
        let new: Vec<String> = match (
            header("__RequestVerificationTokenone"),
            header("__RequestVerificationTokentwo"),
        ) {
            (Some(one), two) => std::iter::once(one).chain(two).collect(),
            (None, _) => header("__RequestVerificationToken").into_iter().collect(),
        };
        if replace && !new.is_empty() {
            self.tokens.clear();
        }
        self.tokens.extend(new);
        if let Some(cookie) = header("set-cookie")
            .and_then(|c| c.split(';').next().map(str::trim).map(str::to_string))
            .filter(|c| c.starts_with("SessionID="))
        {
            self.cookie = Some(cookie);
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The login's `Password`, by the `password_type` the device asks for:
/// 0 and 3 base64 of the password; 4
/// `base64(hex(sha256(user + base64(hex(sha256(password))) + token)))`.
/// `None` for any other type (newer firmware logs in with SCRAM, which
/// Plutanium does not speak yet).
pub fn encode_password(
    user: &str,
    password: &str,
    password_type: u8,
    token: &str,
) -> Option<String> {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    match password_type {
        0 | 3 => Some(b64(password.as_bytes())),
        4 => {
            let inner = b64(sha256_hex(password.as_bytes()).as_bytes());
            Some(b64(
                sha256_hex(format!("{user}{inner}{token}").as_bytes()).as_bytes()
            ))
        }
        _ => None,
    }
}

/// `text` in CESU-8, as HiLink reads it: a character beyond the Basic
/// Multilingual Plane (an emoji) goes as its UTF-16 surrogate pair, each
/// half encoded like a character of its own.
pub fn to_cesu8(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if (c as u32) < 0x1_0000 {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let unit = u32::from(*unit);
                out.extend_from_slice(&[
                    0xE0 | (unit >> 12) as u8,
                    0x80 | ((unit >> 6) & 0x3F) as u8,
                    0x80 | (unit & 0x3F) as u8,
                ]);
            }
        }
    }
    out
}

/// An answer in CESU-8 (or plain UTF-8) as text: surrogate pairs become
/// the character they encode; anything else invalid becomes U+FFFD.
pub fn from_cesu8(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    let surrogate = |b: &[u8]| -> Option<u16> {
        match b {
            [0xED, second @ 0xA0..=0xBF, third @ 0x80..=0xBF, ..] => {
                Some(0xD000 | (u16::from(*second & 0x3F) << 6) | u16::from(*third & 0x3F))
            }
            _ => None,
        }
    };
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if let (Some(high @ 0xD800..=0xDBFF), Some(low @ 0xDC00..=0xDFFF)) = (
            surrogate(&bytes[i..]),
            bytes.get(i + 3..).and_then(surrogate),
        ) {
            let code = 0x1_0000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
            out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            i += 6;
            continue;
        }
        // The longest valid UTF-8 run from here, then one replacement.
        let run = match std::str::from_utf8(&bytes[i..]) {
            Ok(text) => text.len(),
            Err(e) => e.valid_up_to(),
        };
        if run > 0 {
            out.push_str(std::str::from_utf8(&bytes[i..i + run]).unwrap_or_default());
            i += run;
        } else {
            out.push('\u{FFFD}');
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_4_password_matches_the_worked_examples() {
        // Computed with Python's hashlib and base64 by the formula of
        // huawei-lte-api's `User._encode_password`, and its own test vector.
        assert_eq!(
            encode_password("admin", "admin", 4, "FAKE_TOKEN_1234").unwrap(),
            "YzJmOGViZjQyZTY5Y2E2MTI3MDYwZDg0OTc5NWY2NTA5M2Y2NzY2MzVlZDUxNjI2YWY4ZDhhOWFhMmYwNWQ5ZA=="
        );
        assert_eq!(
            encode_password("admin", "secret", 4, "csrf-token").unwrap(),
            "ODNiZmIxMzRiYWJjNjJlMDY3ZGE2NGJmNWRmYjg4ODllNTFiNzJmOTU3NzViMjQ4YWNiZWEzNGU3MjM1OTU0ZQ=="
        );
        assert_eq!(
            encode_password("admin", "secret", 0, "x").unwrap(),
            "c2VjcmV0"
        );
        assert_eq!(encode_password("admin", "secret", 9, "x"), None);
    }

    #[test]
    fn tokens_are_used_once_when_there_are_several_and_rotate_on_login() {
        let mut session = Session::new(SesTokInfo {
            session: "SessionID=one".into(),
            token: "t0".into(),
        });
        assert_eq!(session.token_for_get(), Some("t0"));
        assert_eq!(session.token_for_post().as_deref(), Some("t0"));
        assert_eq!(
            session.token_for_post().as_deref(),
            Some("t0"),
            "the only one is reused"
        );
        let headers = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.to_string())
            }
        };
        session.answered(
            headers(&[
                ("__RequestVerificationTokenone", "a"),
                ("__RequestVerificationTokentwo", "b"),
            ]),
            false,
        );
        assert_eq!(session.token_for_get(), None, "several: a GET carries none");
        assert_eq!(session.token_for_post().as_deref(), Some("t0"));
        assert_eq!(session.token_for_post().as_deref(), Some("a"));
        // The login replaces every token, and the cookie.
        session.answered(
            headers(&[
                ("__RequestVerificationTokenone", "L1"),
                ("Set-Cookie", "SessionID=two; path=/; HttpOnly"),
            ]),
            true,
        );
        assert_eq!(session.token_for_post().as_deref(), Some("L1"));
        assert_eq!(session.cookie(), Some("SessionID=two"));
    }

    #[test]
    fn cesu8_round_trips_emoji_and_plain_text() {
        let bytes = to_cesu8("A\u{1F600}é");
        assert_eq!(
            bytes,
            [b'A', 0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80, 0xC3, 0xA9]
        );
        assert_eq!(from_cesu8(&bytes), "A\u{1F600}é");
        assert_eq!(from_cesu8("plain ✓".as_bytes()), "plain ✓");
        assert_eq!(from_cesu8(&[b'x', 0xFF, b'y']), "x\u{FFFD}y");
    }
}
