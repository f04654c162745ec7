//! The message log as JSON: the same objects from `GET /api/v1/messages`
//! and from `plutanium messages list --json`, so a script can read either.

use plutanium_core::time::rfc3339;
use plutanium_store::{InboundRecord, OutboxRow};
use serde_json::{Value, json};

/// A received message: `{"id": "in-N", "direction": "in", …}`.
pub fn inbound_json(id: i64, record: &InboundRecord) -> Value {
    let meta: serde_json::Map<String, Value> = record
        .meta
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "id": format!("in-{id}"),
        "direction": "in",
        "from": record.sender,
        "to": record.recipient,
        "modem": record.modem,
        "text": record.text,
        "at": rfc3339(record.received_at),
        "meta": meta,
    })
}

/// A queued or sent message: `{"id": "out-N", "direction": "out", …}`.
pub fn outbound_json(row: &OutboxRow) -> Value {
    json!({
        "id": format!("out-{}", row.id),
        "direction": "out",
        "key": row.key,
        "source": row.source,
        "to": row.to,
        "modem": row.sent_by.as_deref().or(row.options.modem.as_deref()),
        "text": row.text,
        "status": row.state.name(),
        "attempts": row.attempts,
        "parts": row.message_refs.len(),
        "message_refs": row.message_refs,
        "delivered_refs": row.delivered_refs,
        "error": row.last_error,
        "at": rfc3339(row.created_at),
        "updated": rfc3339(row.updated_at),
    })
}
