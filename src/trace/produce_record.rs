//! Producing: a record created and sent to a partition (and why there), acknowledged, or
//! failed. As a sentence for the event log and as JSON fields; `text` and `jsonl` dispatch
//! here.

use super::names::{Names, put};
use super::record::{PartitionReason, RecordKind};
use serde_json::{Map, Value, json};

/// The record as a sentence.
pub fn describe(kind: &RecordKind, n: &Names) -> String {
    match kind {
        RecordKind::Produce { producer, value, key, tp, reason } => {
            let why = match reason {
                PartitionReason::Explicit => "named explicitly".to_string(),
                PartitionReason::KeyHash => {
                    // The record does not carry the count (it can grow); the words say what it is.
                    format!(
                        "key hash: murmur2(\"{}\") mod the topic's partition count",
                        key.map(|k| n.key(k)).unwrap_or("")
                    )
                }
                PartitionReason::Sticky => "sticky partitioner (no key)".into(),
                PartitionReason::RoundRobin => "round robin (no key)".into(),
            };
            format!("{} produced {} to {} ({why})", n.node(producer.0), n.msg(*value), n.tp(*tp))
        }
        RecordKind::Ack { producer, value, tp, offset } => {
            format!("{} got the ack for {} ({} offset {offset})", n.node(producer.0), n.msg(*value), n.tp(*tp))
        }
        RecordKind::ProduceError { producer, value, tp, error, retrying } => {
            let next = if *retrying { "will retry" } else { "gave up" };
            format!(
                "{}: {} to {} failed with {}; {next}",
                n.node(producer.0),
                n.msg(*value),
                n.tp(*tp),
                error.name().to_uppercase()
            )
        }
        _ => unreachable!("text::describe sends only this family here"),
    }
}

/// The record's fields as JSON (after t_us, seq, kind).
pub fn json_fields(kind: &RecordKind, n: &Names, m: &mut Map<String, Value>) {
    match kind {
        RecordKind::Produce { producer, value, key, tp, reason: why } => {
            put(m, "producer", json!(n.node(producer.0)));
            put(m, "value_id", json!(n.msg(*value)));
            put(m, "key", key.map(|k| json!(n.key(k))).unwrap_or(Value::Null));
            put(m, "reason", json!(reason(*why)));
            n.put_tp(m, *tp);
        }
        RecordKind::Ack { producer, value, tp, offset } => {
            put(m, "producer", json!(n.node(producer.0)));
            put(m, "value_id", json!(n.msg(*value)));
            put(m, "offset", json!(offset));
            n.put_tp(m, *tp);
        }
        RecordKind::ProduceError { producer, value, tp, error, retrying } => {
            put(m, "producer", json!(n.node(producer.0)));
            put(m, "value_id", json!(n.msg(*value)));
            put(m, "error", json!(error.name()));
            put(m, "retrying", json!(retrying));
            n.put_tp(m, *tp);
        }
        _ => unreachable!("jsonl::to_json sends only this family here"),
    }
}

fn reason(r: PartitionReason) -> &'static str {
    match r {
        PartitionReason::Explicit => "explicit",
        PartitionReason::KeyHash => "key_hash",
        PartitionReason::Sticky => "sticky",
        PartitionReason::RoundRobin => "round_robin",
    }
}
