//! Consuming: fetches, records handed to the application and how processing went, offset
//! resets, and clients starting and crashing. As a sentence for the event log and as JSON
//! fields; `text` and `jsonl` dispatch here.

use super::names::{Names, put};
use super::record::RecordKind;
use serde_json::{Map, Value, json};

/// The record as a sentence.
pub fn describe(kind: &RecordKind, n: &Names) -> String {
    match kind {
        RecordKind::Fetch { consumer, tp, offset, records } => {
            format!("{} fetched {records} records of {} from offset {offset}", n.node(consumer.0), n.tp(*tp))
        }
        RecordKind::Deliver { consumer, tp, offset, value } => {
            format!("{} started processing {} ({} offset {offset})", n.node(consumer.0), n.msg(*value), n.tp(*tp))
        }
        RecordKind::ProcessOk { consumer, tp, offset, value } => {
            format!("{} processed {} ({} offset {offset})", n.node(consumer.0), n.msg(*value), n.tp(*tp))
        }
        RecordKind::ProcessFail { consumer, tp, offset, value, attempt } => format!(
            "{} failed to process {} ({} offset {offset}), attempt {attempt}",
            n.node(consumer.0),
            n.msg(*value),
            n.tp(*tp)
        ),
        RecordKind::ProcessSkip { consumer, tp, offset, value, attempts } => format!(
            "{} gave up on {} ({} offset {offset}) after {attempts} attempts and skipped it",
            n.node(consumer.0),
            n.msg(*value),
            n.tp(*tp)
        ),
        RecordKind::OffsetReset { consumer, tp, from, to } => {
            format!("{}'s offset {from} on {} is out of range: reset to {to}", n.node(consumer.0), n.tp(*tp))
        }
        RecordKind::ClientState { node, up } => {
            format!("{} {}", n.node(node.0), if *up { "started" } else { "crashed" })
        }
        _ => unreachable!("text::describe sends only this family here"),
    }
}

/// The record's fields as JSON (after t_us, seq, kind).
pub fn json_fields(kind: &RecordKind, n: &Names, m: &mut Map<String, Value>) {
    match kind {
        RecordKind::Fetch { consumer, tp, offset, records } => {
            put(m, "consumer", json!(n.node(consumer.0)));
            put(m, "offset", json!(offset));
            put(m, "records", json!(records));
            n.put_tp(m, *tp);
        }
        RecordKind::Deliver { consumer, tp, offset, value } | RecordKind::ProcessOk { consumer, tp, offset, value } => {
            put(m, "consumer", json!(n.node(consumer.0)));
            put(m, "offset", json!(offset));
            put(m, "value_id", json!(n.msg(*value)));
            n.put_tp(m, *tp);
        }
        RecordKind::ProcessFail { consumer, tp, offset, value, attempt: count }
        | RecordKind::ProcessSkip { consumer, tp, offset, value, attempts: count } => {
            put(m, "consumer", json!(n.node(consumer.0)));
            put(m, "offset", json!(offset));
            put(m, "value_id", json!(n.msg(*value)));
            put(m, if matches!(kind, RecordKind::ProcessFail { .. }) { "attempt" } else { "attempts" }, json!(count));
            n.put_tp(m, *tp);
        }
        RecordKind::OffsetReset { consumer, tp, from, to } => {
            put(m, "consumer", json!(n.node(consumer.0)));
            put(m, "from", json!(from));
            put(m, "to", json!(to));
            n.put_tp(m, *tp);
        }
        RecordKind::ClientState { node, up } => {
            put(m, "node", json!(n.node(node.0)));
            put(m, "up", json!(up));
        }
        _ => unreachable!("jsonl::to_json sends only this family here"),
    }
}
