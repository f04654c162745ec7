//! Searching the message and call log in people's languages: a match
//! ignores case for all of Unicode (SQLite's `lower()` knows ASCII only, so
//! "čau" did not find "Čau", nor "σοφια" "ΣΟΦΙΑ"), and, when asked, accents
//! ("cau" finds "Čau").
//!
//! Both sides go through [`fold`]: canonical decomposition (so a
//! precomposed "é" and "e" + combining acute are one), Unicode full case
//! folding (`caseless`: "ß" is "ss", final "ς" is "σ"), and, for a
//! diacritic-insensitive search, combining marks dropped. Each backend
//! runs it on the stored text its own way (SQLite as a function of its
//! own, `plutanium_fold`), so a search finds the same rows everywhere.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// `text` as searches compare it.
///
/// SQLite's search index removes a row by the fold it was indexed with
/// (`sqlite/search.rs`), so a change to what this returns needs a
/// migration that indexes every row again.
pub(crate) fn fold(text: &str, ignore_diacritics: bool) -> String {
    let decomposed: String = text.nfd().collect();
    caseless::default_case_fold_str(&decomposed)
        .nfd()
        .filter(|c| !(ignore_diacritics && is_combining_mark(*c)))
        .map(|c| if ignore_diacritics { base_letter(c) } else { c })
        .collect()
}

/// Letters whose stroke or bar is part of them (Unicode gives them no
/// decomposition), as people type them without it: Polish "ł", Danish and
/// Norwegian "ø", Croatian and Vietnamese "đ", Maltese "ħ", Sami "ŧ",
/// Turkish dotless "ı".
fn base_letter(c: char) -> char {
    match c {
        'ł' => 'l',
        'ø' => 'o',
        'đ' => 'd',
        'ħ' => 'h',
        'ŧ' => 't',
        'ı' => 'i',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn case_for_all_of_unicode_and_accents_on_request() {
        let same = |a: &str, b: &str, ignore: bool| fold(a, ignore) == fold(b, ignore);
        assert!(same("Čau", "čau", false));
        assert!(same("ΣΟΦΙΑ", "σοφια", false));
        assert!(same("ΟΔΥΣΣΕΥΣ", "οδυσσευς", false), "final sigma");
        assert!(same("STRASSE", "straße", false));
        assert!(
            same("ÉCOLE", "e\u{301}cole", false),
            "precomposed and combining"
        );
        assert!(same("Привет", "ПРИВЕТ", false));
        assert!(!same("Čau", "cau", false), "accents count unless ignored");
        assert!(same("Čau", "cau", true));
        assert!(same("Příliš žluťoučký", "prilis zlutoucky", true));
        assert!(same("Zażółć", "ZAZOLC", true));
        assert!(same("Łódź", "lodz", true));
        assert!(same("Søren", "soren", true));
    }
}
