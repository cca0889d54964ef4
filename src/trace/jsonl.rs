//! JSON Lines output: one object per record, names instead of indices.

use super::names::Names;
use super::record::{Record, RecordKind};
use super::{cluster_record, consume_record, produce_record, replication_record};
use serde_json::{Map, Value, json};
use std::io::{self, Write};

/// The record as a JSON object.
pub fn to_json(r: &Record, n: &Names) -> Value {
    let mut m = Map::new();
    m.insert("t_us".into(), json!(r.t_us));
    m.insert("seq".into(), json!(r.seq));
    m.insert("kind".into(), json!(r.kind.name()));
    let kind = &r.kind;
    match kind {
        RecordKind::Produce { .. } | RecordKind::Ack { .. } | RecordKind::ProduceError { .. } => {
            produce_record::json_fields(kind, n, &mut m)
        }
        RecordKind::Append { .. }
        | RecordKind::DuplicateBatch { .. }
        | RecordKind::Replicate { .. }
        | RecordKind::Hw { .. }
        | RecordKind::Isr { .. }
        | RecordKind::Leader { .. }
        | RecordKind::Truncate { .. }
        | RecordKind::Retention { .. } => replication_record::json_fields(kind, n, &mut m),
        RecordKind::BrokerDown { .. }
        | RecordKind::BrokerUp { .. }
        | RecordKind::SessionExpired { .. }
        | RecordKind::ControllerElected { .. }
        | RecordKind::ZooKeeper { .. }
        | RecordKind::Input { .. } => cluster_record::json_fields(kind, n, &mut m),
        RecordKind::Fetch { .. }
        | RecordKind::Deliver { .. }
        | RecordKind::ProcessOk { .. }
        | RecordKind::ProcessFail { .. }
        | RecordKind::ProcessSkip { .. }
        | RecordKind::OffsetReset { .. }
        | RecordKind::ClientState { .. } => consume_record::json_fields(kind, n, &mut m),
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
