//! Criterion benchmarks of the codec's hot paths: encoding a message to PDUs,
//! decoding DELIVER and STATUS-REPORT PDUs, and joining a 3-part message.
//!
//! Run with `cargo bench -p plutanium-sms --bench codec`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plutanium_sms::{
    Address, ConcatKey, DataCoding, Deliver, EncodeOptions, Pdu, Pushed, Reassembler,
    ReassemblyLimits, SmscPdu, StatusReport, Submit, Timestamp, TpStatus, UserData, decode, hex,
    split,
};

const SINGLE: &str = "Your verification code is 482913. It expires in 10 minutes. Do not share it.";

fn three_part_text() -> String {
    "Plutanium is an SMS gateway that drives modems with AT commands; ".repeat(6)
}

fn encode_all(to: &Address, text: &str) -> Vec<Vec<u8>> {
    let split = split(text, &EncodeOptions::default()).expect("encodable");
    let dcs = DataCoding::new(split.counted.alphabet, None);
    split
        .parts
        .into_iter()
        .map(|ud| {
            SmscPdu {
                smsc: None,
                pdu: Pdu::Submit(Submit::new(to.clone(), dcs, ud)),
            }
            .encode()
            .expect("encodes")
            .octets
        })
        .collect()
}

fn timestamp() -> Timestamp {
    Timestamp {
        year: 2026,
        month: 11,
        day: 25,
        hour: 18,
        minute: 30,
        second: 0,
        offset_quarters: 4,
    }
}

fn deliver_pdus(text: &str) -> Vec<Vec<u8>> {
    let split = split(text, &EncodeOptions::default()).expect("encodable");
    let dcs = DataCoding::new(split.counted.alphabet, None);
    split
        .parts
        .into_iter()
        .map(|user_data| {
            let deliver = Deliver {
                more_messages: false,
                loop_prevention: false,
                reply_path: false,
                status_report_indication: false,
                originator: Address::parse("+420777123456").expect("valid"),
                protocol_id: 0,
                data_coding: dcs,
                timestamp: timestamp(),
                user_data,
            };
            SmscPdu {
                smsc: Some(Address::parse("+420603052000").expect("valid")),
                pdu: Pdu::Deliver(deliver),
            }
            .encode()
            .expect("encodes")
            .octets
        })
        .collect()
}

fn join(pdus: &[Vec<u8>]) -> String {
    let mut r: Reassembler<UserData> = Reassembler::new(ReassemblyLimits::default());
    for pdu in pdus {
        let decoded = decode(pdu, true).expect("decodes");
        let Pdu::Deliver(d) = decoded.pdu else {
            unreachable!("deliver PDUs")
        };
        let Some(c) = d.user_data.concat() else {
            continue;
        };
        let key = ConcatKey {
            sender: d.originator.value,
            reference: c.reference,
            total: c.total,
        };
        if let Pushed::Complete(parts) = r.push(key, c.sequence, d.user_data, Duration::ZERO).pushed
        {
            return parts.iter().filter_map(|u| u.payload.text()).collect();
        }
    }
    String::new()
}

fn benches(c: &mut Criterion) {
    let to = Address::parse("+420777123456").expect("valid");
    let three = three_part_text();
    assert_eq!(encode_all(&to, &three).len(), 3);

    let mut g = c.benchmark_group("encode");
    g.throughput(Throughput::Elements(1));
    g.bench_function("single_part_gsm7", |b| {
        b.iter(|| encode_all(black_box(&to), black_box(SINGLE)))
    });
    g.bench_function("single_part_ucs2", |b| {
        b.iter(|| {
            encode_all(
                black_box(&to),
                black_box("Váš ověřovací kód je 482913. Platí 10 minut."),
            )
        })
    });
    g.bench_function("three_part_gsm7", |b| {
        b.iter(|| encode_all(black_box(&to), black_box(&three)))
    });
    g.finish();

    let single = deliver_pdus(SINGLE).remove(0);
    let single_hex = hex::encode(&single);
    let report = {
        let r = StatusReport {
            more_messages: false,
            loop_prevention: false,
            for_command: false,
            message_reference: 42,
            recipient: to.clone(),
            timestamp: timestamp(),
            discharge_time: timestamp(),
            status: TpStatus(0),
            protocol_id: None,
            data_coding: None,
            user_data: None,
        };
        let mut out = vec![0];
        r.encode(&mut out).expect("encodes");
        out
    };
    let parts = deliver_pdus(&three);
    assert_eq!(join(&parts), three);

    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Elements(1));
    g.bench_function("deliver_single_part", |b| {
        b.iter(|| decode(black_box(&single), true).expect("decodes"))
    });
    g.bench_function("deliver_single_part_from_hex", |b| {
        b.iter(|| plutanium_sms::decode_hex(black_box(&single_hex), true).expect("decodes"))
    });
    g.bench_function("status_report", |b| {
        b.iter(|| decode(black_box(&report), true).expect("decodes"))
    });
    g.bench_function("join_three_parts", |b| b.iter(|| join(black_box(&parts))));
    g.finish();
}

criterion_group! {
    name = codec;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(codec);
