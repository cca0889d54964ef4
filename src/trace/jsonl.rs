//! JSON Lines output: one object per record, names instead of indices.

use super::{Election, Names, PartitionReason, Record, RecordKind, Tp};
use serde_json::{Map, Value, json};
use std::io::{self, Write};

fn election(e: Election) -> &'static str {
    match e {
        Election::Initial => "initial",
        Election::Clean => "clean",
        Election::Unclean => "unclean",
        Election::ControlledShutdown => "controlled_shutdown",
        Election::Offline => "offline",
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

fn tp_fields(m: &mut Map<String, Value>, n: &Names, tp: Tp) {
    m.insert("topic".into(), json!(n.topics[tp.topic.0 as usize]));
    m.insert("partition".into(), json!(tp.partition));
}

/// The record as a JSON object.
pub fn to_json(r: &Record, n: &Names) -> Value {
    let mut m = Map::new();
    m.insert("t_us".into(), json!(r.t_us));
    m.insert("seq".into(), json!(r.seq));
    m.insert("kind".into(), json!(r.kind.name()));
    let mut put = |k: &str, v: Value| {
        m.insert(k.into(), v);
    };
    match &r.kind {
        RecordKind::Produce { producer, value, key, tp, reason: why } => {
            put("producer", json!(n.node(producer.0)));
            put("value_id", json!(n.msg(*value)));
            put("key", key.map(|k| json!(n.key(k))).unwrap_or(Value::Null));
            put("reason", json!(reason(*why)));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::Append { broker, tp, offset, leader_epoch, value } => {
            put("broker", json!(broker.0));
            put("offset", json!(offset));
            put("leader_epoch", json!(leader_epoch));
            put("value_id", json!(n.msg(*value)));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::DuplicateBatch { broker, tp, value, offset } => {
            put("broker", json!(broker.0));
            put("value_id", json!(n.msg(*value)));
            put("offset", json!(offset));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::Replicate { follower, tp, to_offset } => {
            put("follower", json!(follower.0));
            put("to_offset", json!(to_offset));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::Hw { broker, tp, high_watermark } => {
            put("broker", json!(broker.0));
            put("high_watermark", json!(high_watermark));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::Ack { producer, value, tp, offset } => {
            put("producer", json!(n.node(producer.0)));
            put("value_id", json!(n.msg(*value)));
            put("offset", json!(offset));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::ProduceError { producer, value, tp, error, retrying } => {
            put("producer", json!(n.node(producer.0)));
            put("value_id", json!(n.msg(*value)));
            put("error", json!(error.name()));
            put("retrying", json!(retrying));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::Isr { tp, isr, leader_epoch } => {
            put("isr", json!(isr.iter().map(|b| b.0).collect::<Vec<_>>()));
            put("leader_epoch", json!(leader_epoch));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::Leader { tp, leader, leader_epoch, election: e, isr } => {
            put("leader", leader.map(|b| json!(b.0)).unwrap_or(Value::Null));
            put("leader_epoch", json!(leader_epoch));
            put("election", json!(election(*e)));
            put("isr", json!(isr.iter().map(|b| b.0).collect::<Vec<_>>()));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::Truncate { broker, tp, to_offset, removed } => {
            put("broker", json!(broker.0));
            put("to_offset", json!(to_offset));
            put("removed", json!(removed));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::Retention { broker, tp, log_start_offset } => {
            put("broker", json!(broker.0));
            put("log_start_offset", json!(log_start_offset));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::BrokerDown { broker, how, lost_unflushed } => {
            put("broker", json!(broker.0));
            put("how", json!(format!("{how:?}").to_lowercase()));
            put("lost_unflushed", json!(lost_unflushed));
        }
        RecordKind::BrokerUp { broker } | RecordKind::SessionExpired { broker } => put("broker", json!(broker.0)),
        RecordKind::ControllerElected { broker, controller_epoch } => {
            put("broker", json!(broker.0));
            put("controller_epoch", json!(controller_epoch));
        }
        RecordKind::ZooKeeper { up } => put("up", json!(up)),
        RecordKind::Fetch { consumer, tp, offset, records } => {
            put("consumer", json!(n.node(consumer.0)));
            put("offset", json!(offset));
            put("records", json!(records));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::Deliver { consumer, tp, offset, value } | RecordKind::ProcessOk { consumer, tp, offset, value } => {
            put("consumer", json!(n.node(consumer.0)));
            put("offset", json!(offset));
            put("value_id", json!(n.msg(*value)));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::ProcessFail { consumer, tp, offset, value, attempt: count }
        | RecordKind::ProcessSkip { consumer, tp, offset, value, attempts: count } => {
            put("consumer", json!(n.node(consumer.0)));
            put("offset", json!(offset));
            put("value_id", json!(n.msg(*value)));
            put(if matches!(r.kind, RecordKind::ProcessFail { .. }) { "attempt" } else { "attempts" }, json!(count));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::OffsetReset { consumer, tp, from, to } => {
            put("consumer", json!(n.node(consumer.0)));
            put("from", json!(from));
            put("to", json!(to));
            tp_fields(&mut m, n, *tp);
        }
        RecordKind::ClientState { node, up } => {
            put("node", json!(n.node(node.0)));
            put("up", json!(up));
        }
        RecordKind::Input { what } => put("what", json!(what)),
        RecordKind::Group(g) => super::group_record::json_fields(g, n, &mut m),
        RecordKind::Amqp(a) => super::amqp_record::json_fields(a, n, &mut m),
    }
    Value::Object(m)
}

/// Writes records as JSON Lines.
pub fn write_all<W: Write>(w: &mut W, records: &[Record], names: &Names) -> io::Result<()> {
    for r in records {
        serde_json::to_writer(&mut *w, &to_json(r, names))?;
        w.write_all(b"\n")?;
    }
    Ok(())
}
