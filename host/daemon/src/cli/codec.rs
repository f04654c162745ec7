//! `plutanium pdu ...` and `plutanium gsm7 ...`: the codec on the command line.
//!
//! Output is JSON, one object per line, so scripts and tests can rely on it.

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use plutanium_sms::{
    Address, Alphabet, Concat, ConcatKey, ConcatRef, DataCoding, EncodeOptions, EncodingPolicy,
    InformationElement, MessageClass, NationalLanguage, Payload, Pdu, PushOutcome, Pushed,
    Reassembler, ReassemblyLimits, SmscPdu, Submit, Timestamp, UserData, Validity, hex,
};
use serde_json::{Value, json};

/// `plutanium pdu` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum PduCommand {
    /// Encode TEXT as SMS-SUBMIT PDUs: one JSON object per part.
    Encode(EncodeArgs),
    /// Decode one PDU (SMS-DELIVER, SMS-SUBMIT or SMS-STATUS-REPORT).
    Decode {
        /// The PDU has no SMSC field in front (it starts at the first TPDU octet).
        #[arg(long)]
        no_smsc: bool,
        /// The PDU in hex.
        hex: String,
    },
    /// Reassemble the parts of a multipart message and decode it.
    Join {
        /// The PDUs have no SMSC field in front.
        #[arg(long)]
        no_smsc: bool,
        /// The parts in hex, in any order.
        #[arg(required = true)]
        hex: Vec<String>,
    },
}

/// Arguments of `plutanium pdu encode`.
#[derive(Debug, Args)]
pub(crate) struct EncodeArgs {
    /// Destination: +international, national digits, or a short code.
    #[arg(long)]
    to: String,
    /// SMSC number; without it the PDU starts with 00 (the modem's default SMSC).
    #[arg(long)]
    smsc: Option<String>,
    /// Alphabet policy.
    #[arg(long, default_value = "auto", value_parser = parse_policy)]
    encoding: EncodingPolicy,
    /// Allow a national language table (repeatable): turkish, spanish, portuguese, ...
    #[arg(long = "national", value_parser = parse_language)]
    national: Vec<NationalLanguage>,
    /// Concatenation reference (0-255, or 0-65535 with --ref16). Default: derived
    /// from the destination and text, so a repeated command gives the same PDUs.
    #[arg(long = "ref")]
    reference: Option<u32>,
    /// Use the 16-bit concatenation reference.
    #[arg(long)]
    ref16: bool,
    /// Ask for a status report.
    #[arg(long)]
    report: bool,
    /// Class 0 ("flash") message.
    #[arg(long)]
    flash: bool,
    /// Relative validity period in minutes.
    #[arg(long)]
    validity: Option<u32>,
    /// The message text.
    text: String,
}

/// `plutanium gsm7` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Gsm7Command {
    /// Print TEXT transliterated to the GSM 7-bit alphabet.
    Strip {
        /// The text.
        text: String,
    },
    /// Print the encoding, parts and sizes TEXT needs.
    Count {
        /// Allow a national language table (repeatable).
        #[arg(long = "national", value_parser = parse_language)]
        national: Vec<NationalLanguage>,
        /// Alphabet policy.
        #[arg(long, default_value = "auto", value_parser = parse_policy)]
        encoding: EncodingPolicy,
        /// The text.
        text: String,
    },
}

fn parse_policy(s: &str) -> Result<EncodingPolicy, String> {
    s.parse().map_err(|e| format!("{e}"))
}

fn parse_language(s: &str) -> Result<NationalLanguage, String> {
    s.parse().map_err(|e| format!("{e}"))
}

pub(crate) fn run_pdu(cmd: PduCommand) -> Result<()> {
    match cmd {
        PduCommand::Encode(args) => {
            for line in encode(&args)? {
                println!("{line}");
            }
        }
        PduCommand::Decode { no_smsc, hex } => {
            let decoded = plutanium_sms::decode_hex(&hex, !no_smsc).context("cannot decode PDU")?;
            println!("{}", pdu_json(&decoded, None));
        }
        PduCommand::Join { no_smsc, hex } => {
            for line in join(&hex, !no_smsc)? {
                println!("{line}");
            }
        }
    }
    Ok(())
}

pub(crate) fn run_gsm7(cmd: Gsm7Command) -> Result<()> {
    match cmd {
        Gsm7Command::Strip { text } => println!("{}", plutanium_sms::transliterate::to_gsm7(&text)),
        Gsm7Command::Count {
            national,
            encoding,
            text,
        } => {
            let opts = EncodeOptions {
                policy: encoding,
                national,
                ..EncodeOptions::default()
            };
            let counted = plutanium_sms::count(&text, &opts).context("cannot encode text")?;
            println!(
                "{}",
                json!({
                    "encoding": counted.alphabet.name(),
                    "parts": counted.parts,
                    "units": counted.units,
                    "per_part": counted.per_part,
                    "national": national_json(counted.charset.locking, counted.charset.single),
                })
            );
        }
    }
    Ok(())
}

/// FNV-1a over destination and text: a stable default concatenation reference.
fn default_reference(to: &str, text: &str) -> u16 {
    let mut hash: u32 = 0x811C_9DC5;
    for byte in to.bytes().chain([0]).chain(text.bytes()) {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    (hash ^ (hash >> 16)) as u16
}

fn encode(args: &EncodeArgs) -> Result<Vec<String>> {
    let destination = Address::parse(&args.to).context("invalid --to")?;
    let smsc = args
        .smsc
        .as_deref()
        .map(Address::parse)
        .transpose()
        .context("invalid --smsc")?;
    let default_ref = default_reference(&args.to, &args.text);
    let concat_ref = match (args.reference, args.ref16) {
        (Some(r), true) => ConcatRef::Sixteen(
            u16::try_from(r).map_err(|_| anyhow!("--ref {r} does not fit in 16 bits"))?,
        ),
        (Some(r), false) => ConcatRef::Eight(
            u8::try_from(r)
                .map_err(|_| anyhow!("--ref {r} does not fit in 8 bits (add --ref16)"))?,
        ),
        (None, true) => ConcatRef::Sixteen(default_ref),
        (None, false) => ConcatRef::Eight((default_ref & 0xFF) as u8),
    };
    let opts = EncodeOptions {
        policy: args.encoding,
        national: args.national.clone(),
        concat_ref,
    };
    let split = plutanium_sms::split(&args.text, &opts).context("cannot encode text")?;
    let class = args.flash.then_some(MessageClass::Class0);
    let data_coding = DataCoding::new(split.counted.alphabet, class);
    let validity = args
        .validity
        .map_or(Validity::None, Validity::relative_minutes);
    let parts = split.parts.len();
    split
        .parts
        .into_iter()
        .enumerate()
        .map(|(i, user_data)| {
            let mut submit = Submit::new(destination.clone(), data_coding, user_data);
            submit.status_report_request = args.report;
            submit.validity = validity;
            let encoded = SmscPdu {
                smsc: smsc.clone(),
                pdu: Pdu::Submit(submit),
            }
            .encode()
            .context("cannot encode PDU")?;
            Ok(json!({
                "part": i + 1,
                "parts": parts,
                "pdu": encoded.to_hex(),
                "tpdu_len": encoded.tpdu_len,
            })
            .to_string())
        })
        .collect()
}

fn national_json(locking: Option<NationalLanguage>, single: Option<NationalLanguage>) -> Value {
    if locking.is_none() && single.is_none() {
        return Value::Null;
    }
    json!({
        "locking": locking.map(|l| l.name()),
        "single": single.map(|l| l.name()),
    })
}

fn national_of_header(header: &[InformationElement]) -> Value {
    let mut locking = None;
    let mut single = None;
    for ie in header {
        match ie {
            InformationElement::NationalLockingShift(id) => {
                locking = NationalLanguage::from_id(*id);
            }
            InformationElement::NationalSingleShift(id) => {
                single = NationalLanguage::from_id(*id);
            }
            _ => {}
        }
    }
    national_json(locking, single)
}

fn timestamp_json(ts: Option<&Timestamp>) -> Value {
    ts.map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
}

fn concat_json(concat: Option<Concat>) -> Value {
    concat.map_or(
        Value::Null,
        |c| json!({ "ref": c.reference, "parts": c.total, "part": c.sequence }),
    )
}

/// The JSON for one decoded PDU; `joined` replaces the text for a reassembled message.
fn pdu_json(decoded: &SmscPdu, joined: Option<(&Payload, usize)>) -> Value {
    let pdu = &decoded.pdu;
    let user_data = pdu.user_data();
    let (data_coding, sender, recipient, timestamp, message_ref) = match pdu {
        Pdu::Deliver(d) => (
            Some(d.data_coding),
            Some(d.originator.value.clone()),
            None,
            Some(&d.timestamp),
            None,
        ),
        Pdu::Submit(s) => (
            Some(s.data_coding),
            None,
            Some(s.destination.value.clone()),
            None,
            Some(s.message_reference),
        ),
        Pdu::StatusReport(r) => (
            r.data_coding,
            None,
            Some(r.recipient.value.clone()),
            Some(&r.timestamp),
            Some(r.message_reference),
        ),
    };
    let payload = joined.map(|(p, _)| p).or(user_data.map(|u| &u.payload));
    let (text, data) = match payload {
        Some(Payload::Text(t)) => (Value::String(t.clone()), Value::Null),
        Some(Payload::Octets(o)) => (Value::Null, Value::String(hex::encode(o))),
        None => (Value::Null, Value::Null),
    };
    let encoding = user_data.map_or(Value::Null, |_| {
        Value::String(
            data_coding
                .map_or(Alphabet::Gsm7, |d| d.alphabet())
                .name()
                .into(),
        )
    });
    let class = data_coding
        .and_then(|d| d.class())
        .map_or(Value::Null, |c| json!(c.number()));
    let header = user_data.map(|u| u.header.as_slice()).unwrap_or_default();
    let concat = match joined {
        Some((_, parts)) => user_data.and_then(UserData::concat).map_or(
            Value::Null,
            |c| json!({ "ref": c.reference, "parts": parts }),
        ),
        None => concat_json(user_data.and_then(UserData::concat)),
    };
    let (status, discharge_time) = match pdu {
        Pdu::StatusReport(r) => (
            json!({
                "code": r.status.0,
                "category": r.status.category().name(),
                "meaning": r.status.meaning(),
            }),
            timestamp_json(Some(&r.discharge_time)),
        ),
        _ => (Value::Null, Value::Null),
    };
    let mut object = json!({
        "type": pdu.kind(),
        "smsc": decoded.smsc.as_ref().map(|a| a.value.clone()),
    });
    if let Value::Object(map) = &mut object {
        match (sender, recipient) {
            (Some(s), _) => map.insert("sender".into(), Value::String(s)),
            (None, r) => map.insert("recipient".into(), json!(r)),
        };
        let rest = json!({
            "text": text,
            "encoding": encoding,
            "class": class,
            "timestamp": timestamp_json(timestamp),
            "concat": concat,
            "national": national_of_header(header),
            "message_ref": message_ref,
            "status": status,
            "discharge_time": discharge_time,
            "udh": header
                .iter()
                .map(|ie| json!({ "iei": ie.iei(), "data": hex::encode(&ie.data()) }))
                .collect::<Vec<_>>(),
        });
        if let Value::Object(rest) = rest {
            map.extend(rest);
        }
        if !matches!(data, Value::Null) {
            map.insert("data".into(), data);
        }
        if let Pdu::Submit(s) = pdu {
            map.insert(
                "status_report_request".into(),
                json!(s.status_report_request),
            );
            map.insert("validity_minutes".into(), json!(s.validity.minutes()));
        }
    }
    object
}

fn join(hexes: &[String], has_smsc: bool) -> Result<Vec<String>> {
    let mut reassembler: Reassembler<SmscPdu> = Reassembler::new(ReassemblyLimits::default());
    let mut lines = Vec::new();
    let now = std::time::Duration::ZERO;
    for (i, text) in hexes.iter().enumerate() {
        let decoded = plutanium_sms::decode_hex(text, has_smsc)
            .with_context(|| format!("cannot decode part {} of the input", i + 1))?;
        let Some(concat) = decoded.pdu.user_data().and_then(UserData::concat) else {
            lines.push(pdu_json(&decoded, None).to_string());
            continue;
        };
        let sender = match &decoded.pdu {
            Pdu::Deliver(d) => d.originator.value.clone(),
            Pdu::Submit(s) => s.destination.value.clone(),
            Pdu::StatusReport(r) => r.recipient.value.clone(),
        };
        let key = ConcatKey {
            sender,
            reference: concat.reference,
            total: concat.total,
        };
        let PushOutcome { pushed, .. } = reassembler.push(key, concat.sequence, decoded, now);
        match pushed {
            Pushed::Complete(parts) => lines.push(joined_json(&parts)?.to_string()),
            Pushed::Waiting { .. } => {}
            Pushed::Duplicate(_) => {
                eprintln!(
                    "note: input {} repeats a part already given; ignored",
                    i + 1
                )
            }
            Pushed::Invalid(_) => bail!("input {} has an invalid part number", i + 1),
        }
    }
    let incomplete = reassembler.drain();
    if let Some(first) = incomplete.first() {
        for line in &lines {
            println!("{line}");
        }
        let have: Vec<String> = first.parts.iter().map(|(n, _)| n.to_string()).collect();
        let missing: Vec<String> = first.missing.iter().map(u8::to_string).collect();
        bail!(
            "incomplete message from {} (ref {}): have part(s) {} of {}, missing {}",
            first.key.sender,
            first.key.reference,
            have.join(", "),
            first.key.total,
            missing.join(", ")
        );
    }
    Ok(lines)
}

fn joined_json(parts: &[SmscPdu]) -> Result<Value> {
    let Some(first) = parts.first() else {
        bail!("no parts to join");
    };
    let payloads = parts
        .iter()
        .filter_map(|p| p.pdu.user_data())
        .map(|u| &u.payload);
    let mut text = String::new();
    let mut octets = Vec::new();
    let mut is_text = true;
    for payload in payloads {
        match payload {
            Payload::Text(t) => text.push_str(t),
            Payload::Octets(o) => {
                is_text = false;
                octets.extend_from_slice(o);
            }
        }
    }
    let payload = if is_text {
        Payload::Text(text)
    } else {
        Payload::Octets(octets)
    };
    Ok(pdu_json(first, Some((&payload, parts.len()))))
}
