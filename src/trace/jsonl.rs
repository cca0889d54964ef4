//! JSON Lines output: one object per record, names instead of indices.

use super::names::Names;
use super::record::{Family, Record};
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
    match kind.family() {
        Family::Produce => produce_record::json_fields(kind, n, &mut m),
        Family::Replication => replication_record::json_fields(kind, n, &mut m),
        Family::Cluster => cluster_record::json_fields(kind, n, &mut m),
        Family::Consume => consume_record::json_fields(kind, n, &mut m),
        Family::Group(g) => super::group_record::json_fields(g, n, &mut m),
        Family::Amqp(a) => super::amqp_record::json_fields(a, n, &mut m),
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
