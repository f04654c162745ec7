//! The built-in `keyword` processor: answers inbound SMS by rules, first
//! match wins.
//!
//! Config:
//! - `rules` (required): a list; each rule has `match` and `then`.
//!   - `match.keyword`: the first word, case-insensitive (`WEATHER` matches
//!     "weather Prague"); or `match.regex`: a regular expression searched in
//!     the whole text, whose captures are `$1`…`$9` (`$0` the whole match).
//!   - `then.reply`: a template answered to the sender.
//!   - `then.forward`: a number the message is forwarded to, as
//!     `forward_template` renders it.
//!   - `then.webhook`: `url` (required), `method` (default `POST`),
//!     `headers.<Name>`, `body` (a template; default a JSON object with
//!     `sender`, `text`, `received_at`), `timeout` (seconds, default 10), and
//!     `reply`: where the answer is in the response — `body` (default: the
//!     whole body as text), `none` (no answer), or a JSON pointer such as
//!     `/answer`.
//! - `fallback` (optional): a number that gets every message no rule matched
//!   (as `forward_template` renders it).
//! - `forward_template` (default `{sender}: {text}`).
//! - `error_reply` (default `Sorry, that did not work. Please try again
//!   later.`): answered when a webhook fails or times out; empty for none.
//!   The message is then also forwarded to `fallback`, if there is one, so
//!   nothing is lost.
//! - `max_parts` (default 3): replies are cut to this many SMS parts.
//! - `report` (default `false`): ask the network for delivery reports on
//!   what this connector sends.
//! - `default_country` (optional): for national numbers in `forward` and
//!   `fallback`.
//!
//! Templates fill in `{sender}`, `{text}`, `{rest}` (the text after the
//! keyword) and `$0`…`$9`. Webhook hosts must be granted with the
//! connector's `allow_hosts`.
//!
//! Only SMS are handled; other events pass through.

use std::time::Duration;

use plutanium_sdk::http::Request;
use plutanium_sdk::{Action, Config, Error, Outbound, Processor, SendOptions, Sms, number, text};
use regex::Regex;

/// The processor.
pub struct Keyword {
    rules: Vec<Rule>,
    fallback: Option<String>,
    forward_template: String,
    error_reply: String,
    max_parts: usize,
    report: bool,
}

/// What selects a message.
enum Matcher {
    Keyword(String),
    Regex(Regex),
}

/// What to do with it.
enum Then {
    Reply(String),
    Forward(String),
    Webhook(Webhook),
}

struct Webhook {
    url: String,
    method: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
    timeout: Duration,
    reply: ReplyFrom,
}

enum ReplyFrom {
    Body,
    Nothing,
    Pointer(String),
}

struct Rule {
    matcher: Matcher,
    then: Then,
}

const DEFAULT_ERROR_REPLY: &str = "Sorry, that did not work. Please try again later.";
const MAX_RULES: usize = 1000;

fn parse_rule(config: &Config, index: usize, country: Option<&str>) -> Result<Option<Rule>, Error> {
    let key = |rest: &str| format!("rules.{index}.{rest}");
    let present = config
        .iter()
        .any(|(k, _)| k.starts_with(&format!("rules.{index}.")));
    if !present {
        return Ok(None);
    }
    let where_ = format!("rule {}", index + 1);
    let matcher = match (
        config.get(&key("match.keyword")),
        config.get(&key("match.regex")),
    ) {
        (Some(word), None) => {
            let word = word.trim();
            if word.is_empty() || word.contains(char::is_whitespace) {
                return Err(Error::config(format!(
                    "{where_}: `match.keyword` must be one word, got {word:?}"
                )));
            }
            Matcher::Keyword(word.to_uppercase())
        }
        (None, Some(pattern)) => Matcher::Regex(Regex::new(pattern).map_err(|e| {
            Error::config(format!("{where_}: `match.regex` does not compile: {e}"))
        })?),
        (Some(_), Some(_)) => {
            return Err(Error::config(format!(
                "{where_}: give `match.keyword` or `match.regex`, not both"
            )));
        }
        (None, None) => {
            return Err(Error::config(format!(
                "{where_}: needs `match.keyword` or `match.regex`"
            )));
        }
    };
    let reply = config.get(&key("then.reply"));
    let forward = config.get(&key("then.forward"));
    let webhook = config.get(&key("then.webhook.url"));
    let then = match (reply, forward, webhook) {
        (Some(template), None, None) => Then::Reply(template.to_string()),
        (None, Some(to), None) => Then::Forward(
            number::normalize(to, country)
                .map_err(|e| Error::config(format!("{where_}: `then.forward`: {e}")))?,
        ),
        (None, None, Some(url)) => {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(Error::config(format!(
                    "{where_}: `then.webhook.url` must be an http(s) URL, got {url:?}"
                )));
            }
            let prefix = key("then.webhook.headers.");
            let headers = config
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix(prefix.as_str())
                        .map(|name| (name.to_string(), v.to_string()))
                })
                .collect();
            let timeout: u64 = config.parse(&key("then.webhook.timeout"))?.unwrap_or(10);
            let reply = match config.get(&key("then.webhook.reply")).unwrap_or("body") {
                "body" => ReplyFrom::Body,
                "none" => ReplyFrom::Nothing,
                pointer if pointer.starts_with('/') => ReplyFrom::Pointer(pointer.to_string()),
                other => {
                    return Err(Error::config(format!(
                        "{where_}: `then.webhook.reply` is `body`, `none` or a JSON pointer like /answer, got {other:?}"
                    )));
                }
            };
            Then::Webhook(Webhook {
                url: url.to_string(),
                method: config
                    .get(&key("then.webhook.method"))
                    .unwrap_or("POST")
                    .to_ascii_uppercase(),
                headers,
                body: config.get(&key("then.webhook.body")).map(str::to_string),
                timeout: Duration::from_secs(timeout.clamp(1, 60)),
                reply,
            })
        }
        (None, None, None) => {
            return Err(Error::config(format!(
                "{where_}: needs `then.reply`, `then.forward` or `then.webhook`"
            )));
        }
        _ => {
            return Err(Error::config(format!(
                "{where_}: give one of `then.reply`, `then.forward` and `then.webhook`"
            )));
        }
    };
    Ok(Some(Rule { matcher, then }))
}

/// The values a template can use for `sms`: `{sender}`, `{text}`, `{rest}`
/// and the captures as `$0`…`$9`.
fn values(sms: &Sms, rest: &str, captures: &[String]) -> Vec<(String, String)> {
    let mut values = vec![
        ("sender".to_string(), sms.sender.clone()),
        ("text".to_string(), sms.text.clone()),
        ("rest".to_string(), rest.to_string()),
    ];
    for (index, capture) in captures.iter().enumerate().take(10) {
        values.push((format!("${index}"), capture.clone()));
    }
    values
}

/// Fills `{sender}`, `{text}` and `{rest}`, then `$N` (highest first, so
/// `$1` never eats the start of `$10`). Plain replacement, not a template
/// parser, so a JSON body's own braces stay as they are.
fn fill(template: &str, values: &[(String, String)]) -> String {
    let mut ordered: Vec<&(String, String)> = values.iter().collect();
    ordered.sort_by(|a, b| b.0.cmp(&a.0));
    let mut out = template.to_string();
    for (name, value) in ordered {
        let placeholder = if name.starts_with('$') {
            name.clone()
        } else {
            format!("{{{name}}}")
        };
        out = out.replace(&placeholder, value);
    }
    out
}

/// Escapes `text` for a JSON string.
fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

impl Keyword {
    fn forward(&self, to: &str, sms: &Sms, why: &str) -> Action {
        let text = text::render(
            &self.forward_template,
            &[("sender", sms.sender.as_str()), ("text", sms.text.as_str())],
        );
        // The key names the message and the reason: the same message handed
        // over again makes the same key, which the host sends once.
        let key = format!("{why}:sms:{}:{to}", sms.id);
        Action::Send(self.with_options(Outbound::new(to, text, key)))
    }

    fn with_options(&self, outbound: Outbound) -> Outbound {
        outbound.with_options(SendOptions {
            status_report: self.report,
            ..SendOptions::default()
        })
    }

    /// The answer to `sms`, cut to `max_parts`; nothing for an empty text.
    fn reply(&self, sms: &Sms, text: &str) -> Option<Action> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let text = text::truncate_to_parts(text, self.max_parts);
        Some(if self.report {
            // A reply with options is a send to the sender, keyed per message.
            let key = format!("reply:sms:{}", sms.id);
            Action::Send(self.with_options(Outbound::new(sms.sender.clone(), text, key)))
        } else {
            Action::reply(text)
        })
    }

    fn webhook(
        &self,
        hook: &Webhook,
        sms: &Sms,
        values: &[(String, String)],
    ) -> Result<Option<String>, String> {
        // A JSON body by default; a template's values are JSON-escaped when
        // the body looks like JSON.
        let body = match &hook.body {
            None => format!(
                "{{\"sender\":{},\"text\":{},\"received_at\":{}}}",
                json_string(&sms.sender),
                json_string(&sms.text),
                sms.received_at
            ),
            Some(template) if template.trim_start().starts_with('{') => {
                let escaped: Vec<(String, String)> = values
                    .iter()
                    .map(|(k, v)| {
                        let quoted = json_string(v);
                        (k.clone(), quoted[1..quoted.len() - 1].to_string())
                    })
                    .collect();
                fill(template, &escaped)
            }
            Some(template) => fill(template, values),
        };
        let mut request = Request::new(&hook.method, &hook.url).timeout(hook.timeout);
        let mut has_type = false;
        for (name, value) in &hook.headers {
            has_type |= name.eq_ignore_ascii_case("content-type");
            request = request.header(name, value);
        }
        if !body.is_empty() && hook.method != "GET" {
            if !has_type {
                let json = body.trim_start().starts_with('{');
                request = request.header(
                    "content-type",
                    if json {
                        "application/json"
                    } else {
                        "text/plain; charset=utf-8"
                    },
                );
            }
            request = request.body(body);
        }
        let response = request.send().map_err(|e| e.to_string())?;
        if !response.is_success() {
            return Err(format!("the webhook answered {}", response.status));
        }
        Ok(match &hook.reply {
            ReplyFrom::Nothing => None,
            ReplyFrom::Body => Some(response.text()),
            ReplyFrom::Pointer(pointer) => {
                let json: serde_json::Value = serde_json::from_str(&response.text())
                    .map_err(|e| format!("the webhook's answer is not JSON: {e}"))?;
                match json.pointer(pointer) {
                    None | Some(serde_json::Value::Null) => None,
                    Some(serde_json::Value::String(s)) => Some(s.clone()),
                    Some(other) => Some(other.to_string()),
                }
            }
        })
    }
}

impl Processor for Keyword {
    fn new(config: &Config) -> Result<Self, Error> {
        let country = config.get("default_country");
        let mut rules = Vec::new();
        for index in 0..MAX_RULES {
            match parse_rule(config, index, country)? {
                Some(rule) => rules.push(rule),
                None => break,
            }
        }
        if rules.is_empty() {
            return Err(Error::config(
                "`rules` needs at least one rule (a list of `match` and `then`)",
            ));
        }
        let fallback = config
            .get("fallback")
            .map(|to| {
                number::normalize(to, country)
                    .map_err(|e| Error::config(format!("`fallback`: {e}")))
            })
            .transpose()?;
        let max_parts: usize = config.parse("max_parts")?.unwrap_or(3);
        if max_parts == 0 {
            return Err(Error::config("`max_parts` must be at least 1"));
        }
        Ok(Keyword {
            rules,
            fallback,
            forward_template: config
                .get_or("forward_template", "{sender}: {text}")
                .to_string(),
            error_reply: config
                .get_or("error_reply", DEFAULT_ERROR_REPLY)
                .to_string(),
            max_parts,
            report: config.flag("report", false)?,
        })
    }

    fn on_sms(&mut self, sms: Sms) -> Result<Vec<Action>, Error> {
        let (first_word, rest) = text::keyword(&sms.text);
        for (index, rule) in self.rules.iter().enumerate() {
            let captures: Vec<String> = match &rule.matcher {
                Matcher::Keyword(word) if *word == first_word => vec![sms.text.trim().to_string()],
                Matcher::Keyword(_) => continue,
                Matcher::Regex(regex) => match regex.captures(&sms.text) {
                    Some(found) => found
                        .iter()
                        .map(|m| m.map_or_else(String::new, |m| m.as_str().to_string()))
                        .collect(),
                    None => continue,
                },
            };
            let values = values(&sms, rest, &captures);
            let rule_name = format!("rule{}", index + 1);
            return Ok(match &rule.then {
                Then::Reply(template) => self
                    .reply(&sms, &fill(template, &values))
                    .into_iter()
                    .collect(),
                Then::Forward(to) => vec![self.forward(to, &sms, &rule_name)],
                Then::Webhook(hook) => match self.webhook(hook, &sms, &values) {
                    Ok(answer) => answer
                        .and_then(|a| self.reply(&sms, &a))
                        .into_iter()
                        .collect(),
                    Err(why) => {
                        plutanium_sdk::log::warn(
                            "webhook failed",
                            &[("rule", &rule_name), ("error", &why)],
                        );
                        let mut actions: Vec<Action> =
                            self.reply(&sms, &self.error_reply).into_iter().collect();
                        if let Some(to) = &self.fallback {
                            actions.push(self.forward(to, &sms, "webhook-failed"));
                        }
                        actions
                    }
                },
            });
        }
        Ok(match &self.fallback {
            Some(to) => vec![self.forward(to, &sms, "fallback")],
            None => Vec::new(),
        })
    }
}

plutanium_sdk::export_processor!(Keyword);

#[cfg(test)]
mod tests;
