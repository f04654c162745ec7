//! The built-in `gmail` source: Gmail as a FIFO queue of SMS to send. An
//! email's subject is the number (or several, separated by `,` or `;`), its
//! body the text. An email is marked read only once its SMS are committed
//! to the gateway's outbox.
//!
//! Config (all optional):
//! - `query` (default `is:unread`): which emails are SMS to send, in Gmail's
//!   search syntax (`is:unread label:sms`, `is:unread to:me+sms@gmail.com`).
//! - `api_base` (default `https://gmail.googleapis.com/`).
//! - `default_country`: for national numbers in subjects.
//! - `max_parts` (default 6): a longer text is refused (not cut).
//! - `encoding` (default `auto`): `auto`, `gsm7`, `gsm7-strip` (transliterate
//!   to GSM 7-bit, cheaper) or `ucs2`.
//! - `report` (default `false`): ask the network for delivery reports.
//! - `sent_label`, `error_label`: label names added to emails that were
//!   sent or refused (created when missing).
//! - `reply_on_error` (default `false`): answer a refused email's sender
//!   with the reason.
//! - `max_recipients` (default 10): the most numbers one subject may name.
//! - `max_listed` (default 1000): the most matching emails looked at per
//!   poll (all pages of the list up to this many).
//! - `timeout` (seconds, default 4): per request. One call starts no new
//!   request after 5 s and fetches at most 25 emails (or the batch), to stay
//!   inside the host's call deadline (10 s unless the connector's `deadline`
//!   says otherwise).
//!
//! How often and how many: the connector's own `interval` and `batch` in
//! the pipeline (`batch: 1, interval: 10s` sends one email every 10 seconds).
//!
//! Order: the oldest email first, by Gmail's `internalDate`. Keys: `gmail:<id>`
//! (`gmail:<id>:<number>` when a subject names several), so a poll repeated
//! after a crash sends nothing twice. A refused email (no number in the
//! subject, an empty body, a text over `max_parts`, a number the gateway's
//! policy blocks) gets `error_label`, is marked read, is logged and kept in
//! the connector's store (the latest 100, under `invalid:`), and the queue
//! goes on without it.
//!
//! Emails Plutanium wrote itself (with an `X-Plutanium` header: SMS the
//! `gmail-forward` sink forwarded, answers to refused emails) are left
//! alone and unread, so one mailbox can be both the source and the sink.

mod email;
mod subject;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::time::Duration;

use plutanium_sdk::mail::{Email, address};
use plutanium_sdk::{Config, Encoding, Error, Outbound, SendOptions, Source, kv, log, text};

use crate::email::Mail;
use gmail_api::Api;

/// The source.
pub struct Gmail {
    api: Api,
    query: String,
    country: Option<String>,
    max_parts: usize,
    options: SendOptions,
    sent_label: Option<String>,
    error_label: Option<String>,
    reply_on_error: bool,
    max_recipients: usize,
    max_listed: usize,
    /// Label name → id, as Gmail knows them.
    label_ids: HashMap<String, String>,
    /// Emails whose SMS were offered and are not all acknowledged yet.
    pending: BTreeMap<String, Pending>,
    /// Emails done here whose labelling failed; retried on every poll.
    unfinished: Vec<Finish>,
    /// Emails finished recently: Gmail's search may list them for a while
    /// after they were marked read. Bounded.
    done: HashSet<String>,
    done_order: VecDeque<String>,
    /// When the current call began (ms), for [`CALL_BUDGET_MS`].
    started: u64,
}

/// An email whose SMS the gateway has not all acknowledged (or refused)
/// yet. It is done when every expected key is one or the other.
struct Pending {
    mail: Mail,
    /// Every key the email asks for (one per number).
    expected: BTreeSet<String>,
    acked: BTreeSet<String>,
    refused_keys: BTreeSet<String>,
    /// Why, for each refused key.
    refused: Vec<String>,
}

impl Pending {
    fn settled(&self, key: &str) -> bool {
        self.acked.contains(key) || self.refused_keys.contains(key)
    }

    fn done(&self) -> bool {
        self.expected.iter().all(|k| self.settled(k))
    }
}

/// What is left to do for an email: label it, mark it read, maybe answer.
struct Finish {
    mail: Mail,
    /// `Some(reason)` when it was refused.
    refused: Option<String>,
}

/// How many finished emails are remembered.
const DONE_MEMORY: usize = 5000;
/// The most emails fetched in one poll (at least the batch), so a mailbox
/// full of emails that give nothing (Plutanium's own) cannot hold one call
/// past its deadline.
const MAX_FETCHES: usize = 25;
/// After this long in one call, no new request is started: the host's
/// default call deadline is 10 s.
const CALL_BUDGET_MS: u64 = 5_000;
/// The most emails waiting to be labelled again; older ones are left to
/// the next start (they are offered again then, and the outbox knows them).
const MAX_UNFINISHED: usize = 1000;
/// How many refused emails are kept in the store.
const INVALID_KEPT: usize = 100;

impl Source for Gmail {
    fn new(config: &Config) -> Result<Self, Error> {
        let positive = |key: &str, default: usize| -> Result<usize, Error> {
            match config.parse::<usize>(key)? {
                Some(0) => Err(Error::config(format!("`{key}` must be at least 1"))),
                Some(n) => Ok(n),
                None => Ok(default),
            }
        };
        let timeout = Duration::from_secs(positive("timeout", 4)? as u64);
        let encoding = match config.get_or("encoding", "auto") {
            "auto" => Encoding::Auto,
            "gsm7" => Encoding::Gsm7,
            "gsm7-strip" => Encoding::Gsm7Strip,
            "ucs2" => Encoding::Ucs2,
            other => {
                return Err(Error::config(format!(
                    "`encoding` {other:?}: expected auto, gsm7, gsm7-strip or ucs2"
                )));
            }
        };
        let label = |key: &str| {
            config
                .get(key)
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
        };
        let country = config.get("default_country").map(str::to_string);
        if let Some(country) = &country {
            // Checked now, so a typo is a start-up error.
            plutanium_sdk::number::normalize("777123456", Some(country))
                .map_err(|e| Error::config(format!("`default_country`: {e}")))?;
        }
        Ok(Gmail {
            api: Api::new(
                config.get_or("api_base", "https://gmail.googleapis.com/"),
                timeout,
            )?,
            query: config.get_or("query", "is:unread").to_string(),
            country,
            max_parts: positive("max_parts", 6)?,
            options: SendOptions {
                encoding,
                status_report: config.flag("report", false)?,
                ..SendOptions::default()
            },
            sent_label: label("sent_label"),
            error_label: label("error_label"),
            reply_on_error: config.flag("reply_on_error", false)?,
            max_recipients: positive("max_recipients", 10)?,
            max_listed: positive("max_listed", 1000)?,
            label_ids: HashMap::new(),
            pending: BTreeMap::new(),
            unfinished: Vec::new(),
            done: HashSet::new(),
            done_order: VecDeque::new(),
            started: 0,
        })
    }

    fn poll(&mut self, max: u32) -> Result<Vec<Outbound>, Error> {
        self.started = plutanium_sdk::now();
        self.finish_unfinished()?;
        let max = max as usize;
        let mut fetch_budget = MAX_FETCHES.max(max);
        let listed = self.api.list(&self.query, self.max_listed)?;
        // Gmail lists newest first: the queue's head is at the end.
        let mut candidates: Vec<String> = listed
            .into_iter()
            .rev()
            .filter(|id| !self.done.contains(id))
            .collect();
        let mut out: Vec<Outbound> = Vec::new();
        // Each round fetches the oldest few, sorts them by internalDate and
        // takes what they give; refused emails make room for more.
        while out.len() < max && !candidates.is_empty() && fetch_budget > 0 && self.time_left() {
            let take = (max - out.len()).min(candidates.len()).min(fetch_budget);
            fetch_budget -= take;
            let round: Vec<String> = candidates.drain(..take).collect();
            let mut mails = Vec::new();
            let mut failure = None;
            for id in &round {
                match self.api.get(id) {
                    Ok(Some(message)) => match email::parse(&message) {
                        Ok(mail) => mails.push(mail),
                        Err(e) => {
                            log::warn(&format!("skipping a message Gmail sent: {e}"), &[]);
                            self.remember_done(id);
                        }
                    },
                    Ok(None) => {}
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
            if let Some(e) = failure {
                // What was fetched before the failure is older than what was
                // not; without a full round the order is unknown, so nothing
                // of this round goes out.
                return if out.is_empty() { Err(e) } else { Ok(out) };
            }
            mails.sort_by(|a, b| (a.internal_date, &a.id).cmp(&(b.internal_date, &b.id)));
            for mail in mails {
                if out.len() >= max {
                    break;
                }
                if mail.from_plutanium {
                    // Plutanium's own email, for the owner to read: not an
                    // SMS to send, and not touched.
                    self.remember_done(&mail.id);
                    continue;
                }
                match self.messages(&mail) {
                    Ok(messages) => {
                        let room = max - out.len();
                        let pending =
                            self.pending
                                .entry(mail.id.clone())
                                .or_insert_with(|| Pending {
                                    mail: mail.clone(),
                                    expected: messages.iter().map(|m| m.key.clone()).collect(),
                                    acked: BTreeSet::new(),
                                    refused_keys: BTreeSet::new(),
                                    refused: Vec::new(),
                                });
                        let fresh: Vec<Outbound> = messages
                            .into_iter()
                            .filter(|m| !pending.settled(&m.key))
                            .collect();
                        if fresh.is_empty() {
                            // Everything settled already: only the labelling
                            // is left.
                            self.complete(&mail.id);
                            continue;
                        }
                        // An email with more numbers than the batch has room
                        // for goes out over several polls; it is done only
                        // when every number is settled.
                        out.extend(fresh.into_iter().take(room));
                    }
                    Err(reason) => self.refuse(mail, reason),
                }
            }
        }
        Ok(out)
    }

    fn ack(&mut self, keys: Vec<String>) -> Result<(), Error> {
        self.started = plutanium_sdk::now();
        let mut touched = BTreeSet::new();
        for key in keys {
            let Some(id) = email_id(&key) else { continue };
            if let Some(pending) = self.pending.get_mut(id) {
                pending.acked.insert(key.clone());
                touched.insert(id.to_string());
            }
        }
        for id in touched {
            self.complete_if_done(&id);
        }
        Ok(())
    }

    fn reject(&mut self, refused: Vec<(String, String)>) -> Result<(), Error> {
        self.started = plutanium_sdk::now();
        let mut touched = BTreeSet::new();
        for (key, reason) in refused {
            let Some(id) = email_id(&key) else { continue };
            if let Some(pending) = self.pending.get_mut(id)
                && pending.refused_keys.insert(key.clone())
            {
                let number = key.rsplit_once(':').map(|(_, n)| n).unwrap_or_default();
                pending.refused.push(if number.starts_with('+') {
                    format!("{number}: {reason}")
                } else {
                    reason
                });
                touched.insert(id.to_string());
            }
        }
        for id in touched {
            self.complete_if_done(&id);
        }
        Ok(())
    }
}

/// The email id in a key (`gmail:<id>` or `gmail:<id>:<number>`).
fn email_id(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("gmail:")?;
    Some(rest.split(':').next().unwrap_or(rest))
}

impl Gmail {
    /// The SMS an email asks for, or why it cannot be sent.
    fn messages(&self, mail: &Mail) -> Result<Vec<Outbound>, String> {
        let numbers =
            subject::numbers(&mail.subject, self.country.as_deref(), self.max_recipients)?;
        if mail.text.is_empty() {
            return Err("the email has no text to send (its body is empty)".into());
        }
        let parts = match self.options.encoding {
            Encoding::Auto => text::size(&mail.text).map(|s| s.parts),
            Encoding::Gsm7Strip => text::size(&text::strip_to_gsm7(&mail.text)).map(|s| s.parts),
            Encoding::Gsm7 => {
                if !text::fits_gsm7(&mail.text) {
                    return Err("the text has characters outside the GSM 7-bit alphabet (the connector's encoding is gsm7)".into());
                }
                text::size(&mail.text).map(|s| s.parts)
            }
            Encoding::Ucs2 => {
                let units = mail.text.encode_utf16().count();
                Some(if units <= 70 { 1 } else { units.div_ceil(67) })
            }
        };
        match parts {
            Some(parts) if parts <= self.max_parts => {}
            Some(parts) => {
                return Err(format!(
                    "the text needs {parts} SMS parts; at most {} are allowed (max_parts)",
                    self.max_parts
                ));
            }
            None => return Err("the text is too long for one SMS message".into()),
        }
        let several = numbers.len() > 1;
        Ok(numbers
            .into_iter()
            .map(|number| {
                let key = if several {
                    format!("gmail:{}:{number}", mail.id)
                } else {
                    format!("gmail:{}", mail.id)
                };
                Outbound::new(number, mail.text.clone(), key).with_options(self.options.clone())
            })
            .collect())
    }

    fn complete_if_done(&mut self, id: &str) {
        if self.pending.get(id).is_some_and(Pending::done) {
            self.complete(id);
        }
    }

    /// Every SMS of the email is committed or refused: label it.
    fn complete(&mut self, id: &str) {
        let Some(pending) = self.pending.remove(id) else {
            return;
        };
        let refused = (!pending.refused.is_empty()).then(|| {
            let reason = pending.refused.join("; ");
            if pending.acked.is_empty() {
                format!("the gateway refused it: {reason}")
            } else {
                format!("sent to some numbers; the gateway refused the others: {reason}")
            }
        });
        if let Some(reason) = &refused {
            self.record_refusal(&pending.mail, reason);
        }
        self.finish(Finish {
            mail: pending.mail,
            refused,
        });
    }

    /// An email that will never be sent: logged, kept, labelled, read.
    fn refuse(&mut self, mail: Mail, reason: String) {
        self.pending.remove(&mail.id);
        self.record_refusal(&mail, &reason);
        self.finish(Finish {
            mail,
            refused: Some(reason),
        });
    }

    fn record_refusal(&self, mail: &Mail, reason: &str) {
        let from = mail.from.clone().unwrap_or_default();
        log::warn(
            "email not sent as SMS",
            &[
                ("id", mail.id.as_str()),
                ("from", from.as_str()),
                ("subject", mail.subject.as_str()),
                ("reason", reason),
            ],
        );
        let record = serde_json::json!({
            "id": mail.id, "from": from, "subject": mail.subject, "reason": reason,
            "at": plutanium_sdk::now(),
        });
        let key = format!("invalid:{:013}:{}", plutanium_sdk::now(), mail.id);
        if let Err(e) = kv::set_str(&key, &record.to_string()) {
            log::warn(&format!("cannot keep the refusal: {e}"), &[]);
            return;
        }
        if let Ok(keys) = kv::keys("invalid:")
            && keys.len() > INVALID_KEPT
        {
            for old in &keys[..keys.len() - INVALID_KEPT] {
                let _ = kv::delete(old);
            }
        }
    }

    fn finish(&mut self, finish: Finish) {
        self.remember_done(&finish.mail.id);
        if !self.time_left() {
            self.unfinished.push(finish);
            return;
        }
        if let Err(e) = self.try_finish(&finish) {
            log::warn(
                &format!("cannot label the email yet: {}", e.message()),
                &[("id", finish.mail.id.as_str())],
            );
            self.unfinished.push(finish);
        }
        if self.unfinished.len() > MAX_UNFINISHED {
            let dropped = self.unfinished.remove(0);
            // Offered again after a restart; the outbox knows its keys.
            self.forget_done(&dropped.mail.id);
        }
    }

    /// Labels what could not be labelled before. A config error (the grant
    /// lacks a scope) is the poll's error, so the operator hears of it.
    fn finish_unfinished(&mut self) -> Result<(), Error> {
        let waiting = std::mem::take(&mut self.unfinished);
        let mut config_error = None;
        for finish in waiting {
            if config_error.is_some() || !self.time_left() {
                self.unfinished.push(finish);
                continue;
            }
            match self.try_finish(&finish) {
                Ok(()) => {}
                Err(Error::Config(m)) => {
                    config_error = Some(Error::Config(m));
                    self.unfinished.push(finish);
                }
                Err(e) => {
                    log::warn(
                        &format!("cannot label the email yet: {}", e.message()),
                        &[("id", finish.mail.id.as_str())],
                    );
                    self.unfinished.push(finish);
                }
            }
        }
        config_error.map_or(Ok(()), Err)
    }

    /// Whether this call may still start a request.
    fn time_left(&self) -> bool {
        plutanium_sdk::now().saturating_sub(self.started) < CALL_BUDGET_MS
    }

    /// Labels the email (the right label added, UNREAD removed), then
    /// answers a refused one's sender when asked to.
    fn try_finish(&mut self, finish: &Finish) -> Result<(), Error> {
        let label = match &finish.refused {
            None => self.sent_label.clone(),
            Some(_) => self.error_label.clone(),
        };
        let add = match label {
            Some(name) => vec![self.label_id(&name)?],
            None => Vec::new(),
        };
        if let Err(e) = self.api.modify(&finish.mail.id, &add, &["UNREAD"]) {
            if matches!(e, Error::Permanent(_)) {
                // Most likely a label deleted or renamed since it was looked
                // up: look it up (or create it) again next time.
                self.label_ids.clear();
            }
            return Err(e);
        }
        if let Some(reason) = &finish.refused
            && self.reply_on_error
        {
            self.answer(&finish.mail, reason);
        }
        Ok(())
    }

    /// The id of the label called `name`, created when missing.
    fn label_id(&mut self, name: &str) -> Result<String, Error> {
        if let Some(id) = self.label_ids.get(name) {
            return Ok(id.clone());
        }
        let labels = self.api.labels()?;
        let found = labels
            .iter()
            .find(|(id, label)| label.eq_ignore_ascii_case(name) || id == name)
            .map(|(id, _)| id.clone());
        let id = match found {
            Some(id) => id,
            None => self.api.create_label(name)?,
        };
        self.label_ids.insert(name.to_string(), id.clone());
        Ok(id)
    }

    /// Tells a refused email's sender why, in the same thread. Machines are
    /// not answered, and the answer says it is automatic, so two gateways
    /// cannot answer each other forever.
    fn answer(&self, mail: &Mail, reason: &str) {
        // Only `From`: a `Reply-To` could aim the answer at anyone.
        let Some(to) = mail.from.as_deref().and_then(address) else {
            return;
        };
        let lower = to.to_ascii_lowercase();
        if mail.automatic
            || lower.starts_with("mailer-daemon@")
            || lower.contains("noreply")
            || lower.contains("no-reply")
        {
            return;
        }
        let original: String = mail.subject.chars().take(100).collect();
        let subject = if original.to_lowercase().starts_with("re:") {
            original
        } else {
            format!("Re: {original}")
        };
        let body = format!(
            "Your email was not sent as an SMS: {reason}.\n\n\
             Write the phone number as the subject (for example +420777123456; \
             several numbers separated by commas) and the text as the body.\n"
        );
        let mut reply = Email::new(to, subject, body)
            .header("Auto-Submitted", "auto-replied")
            .header("X-Plutanium", "refused");
        if let Some(id) = &mail.message_id {
            reply = reply.header("In-Reply-To", id).header("References", id);
        }
        if let Err(e) = self
            .api
            .send(&reply.to_rfc2822(), mail.thread_id.as_deref())
        {
            log::warn(
                &format!("cannot answer the sender: {}", e.message()),
                &[("id", mail.id.as_str())],
            );
        }
    }

    fn forget_done(&mut self, id: &str) {
        if self.done.remove(id) {
            self.done_order.retain(|d| d != id);
        }
    }

    fn remember_done(&mut self, id: &str) {
        if self.done.insert(id.to_string()) {
            self.done_order.push_back(id.to_string());
            while self.done_order.len() > DONE_MEMORY {
                if let Some(old) = self.done_order.pop_front() {
                    self.done.remove(&old);
                }
            }
        }
    }
}

plutanium_sdk::export_source!(Gmail);

#[cfg(test)]
mod tests;
