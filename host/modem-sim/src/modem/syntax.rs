//! AT command-line syntax (V.250): splitting a line into its commands, the
//! form of an extended command, and reading its arguments.

use super::output::Fail;

/// Splits `AT...` into its commands: basic ones (`E0`, `V1`, `Z`, `H`, `I`, `&F`)
/// and extended ones (`+CMEE=1`) separated by `;`.
pub(super) fn split_commands(body: &str) -> Result<Vec<String>, Fail> {
    let mut commands = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let first = rest.chars().next().ok_or(Fail::Error)?;
        if matches!(first, '+' | '^' | '$' | '%' | '*') {
            // Extended: up to the next ';' outside quotes.
            let mut in_quotes = false;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '"' => in_quotes = !in_quotes,
                    ';' if !in_quotes => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            commands.push(rest[..end].to_string());
            rest = rest.get(end + 1..).unwrap_or("");
        } else if first == ';' {
            rest = &rest[1..];
        } else {
            // Basic: optional '&', one letter, then digits.
            let mut len = first.len_utf8();
            if first == '&' {
                len += rest[len..].chars().next().map_or(0, char::len_utf8);
            }
            len += rest[len..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .map(char::len_utf8)
                .sum::<usize>();
            commands.push(rest[..len].to_string());
            rest = &rest[len..];
        }
    }
    Ok(commands)
}

/// An extended command split into name and form.
#[derive(Clone, Copy)]
pub(super) enum Form<'a> {
    Action,
    Query,
    Test,
    Set(&'a str),
}

pub(super) fn parse_extended(command: &str) -> (String, Form<'_>) {
    if let Some((name, args)) = command.split_once('=') {
        let name = name.to_ascii_uppercase();
        if args == "?" {
            (name, Form::Test)
        } else {
            (name, Form::Set(args))
        }
    } else if let Some(name) = command.strip_suffix('?') {
        (name.to_ascii_uppercase(), Form::Query)
    } else {
        (command.to_ascii_uppercase(), Form::Action)
    }
}

/// The arguments of a `Set` form, split at commas outside quotes, quotes removed.
pub(super) fn args(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    for c in text.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out.into_iter().map(|a| a.trim().to_string()).collect()
}

/// Argument `index` as a number; `None` when it is absent or empty.
pub(super) fn number_arg<T: std::str::FromStr>(
    args: &[String],
    index: usize,
) -> Result<Option<T>, Fail> {
    match args.get(index).map(String::as_str) {
        None | Some("") => Ok(None),
        Some(a) => a.parse().map(Some).map_err(|_| Fail::Error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_commands_handles_basic_and_extended() {
        assert_eq!(
            split_commands("E0V1+CMEE=1;+CSCA=\"+1;2\",145").unwrap(),
            vec!["E0", "V1", "+CMEE=1", "+CSCA=\"+1;2\",145"]
        );
        assert_eq!(split_commands("&F").unwrap(), vec!["&F"]);
    }
}
