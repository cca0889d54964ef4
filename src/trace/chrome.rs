//! Chrome trace event JSON, the format Perfetto (ui.perfetto.dev) and chrome://tracing
//! open: one process track per node; async spans for produce requests (created → acked or
//! given up), record processing (handed to the application → processed, failed or
//! skipped) and downtime (down → up); a lag counter per consumer; instants for the cluster
//! events the app's log shows. Timestamps are simulated microseconds.

use super::{GroupEvent, Names, Record, RecordKind, jsonl, text};
use crate::trace::AmqpEvent;
use serde_json::{Value, json};
use std::io::{self, Write};

/// Streams records as Chrome trace events: `write` as they come, then `finish`.
pub struct ChromeWriter<W: Write> {
    w: W,
    started: bool,
    /// Nodes whose tracks are named so far (consumers may join while running).
    named: usize,
}

impl<W: Write> ChromeWriter<W> {
    /// A writer that has written nothing yet.
    pub fn new(w: W) -> Self {
        ChromeWriter { w, started: false, named: 0 }
    }

    fn put(&mut self, e: &Value) -> io::Result<()> {
        writeln!(self.w, ",{e}")
    }

    /// Writes the events of `records` (the header first, and names for nodes not yet named).
    pub fn write(&mut self, records: &[Record], n: &Names) -> io::Result<()> {
        if !self.started {
            self.started = true;
            write!(self.w, "{{\"displayTimeUnit\":\"ms\",\"traceEvents\":[")?;
            writeln!(
                self.w,
                "{}",
                json!({"ph": "M", "name": "process_name", "pid": 0, "args": {"name": "brokerlab"}})
            )?;
        }
        for (i, name) in n.nodes.iter().enumerate().skip(self.named) {
            self.put(&json!({"ph": "M", "name": "process_name", "pid": pid(i as u32), "args": {"name": name}}))?;
            let order =
                json!({"ph": "M", "name": "process_sort_index", "pid": pid(i as u32), "args": {"sort_index": i}});
            self.put(&order)?;
        }
        self.named = self.named.max(n.nodes.len());
        for r in records {
            for e in events(r, n) {
                self.put(&e)?;
            }
        }
        Ok(())
    }

    /// Closes the JSON document and hands the writer back.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.started {
            self.write(&[], &Names::default())?;
        }
        writeln!(self.w, "]}}")?;
        Ok(self.w)
    }
}

/// A node's process id (0 is the file's own metadata).
fn pid(node: u32) -> u32 {
    node + 1
}

fn span(ph: &str, cat: &str, name: &str, id: String, node: u32, t_us: u64, args: Value) -> Value {
    json!({"ph": ph, "cat": cat, "name": name, "id": id, "pid": pid(node), "tid": pid(node), "ts": t_us, "args": args})
}

/// The node a record happens at: the first of its node fields the names know; cluster-wide
/// decisions (elections, ISR changes, inputs) go to node 0, ZooKeeper and the controller's
/// source of truth; queue events to the RabbitMQ node.
fn home(json: &Value, n: &Names) -> u32 {
    let by_name = |s: &str| n.nodes.iter().position(|x| x == s).map(|i| i as u32);
    for field in ["consumer", "producer", "publisher", "node"] {
        if let Some(node) = json.get(field).and_then(Value::as_str).and_then(by_name) {
            return node;
        }
    }
    for field in ["broker", "follower"] {
        if let Some(b) = json.get(field).and_then(Value::as_u64) {
            return b as u32; // brokers are nodes 1..=N
        }
    }
    if json.get("queue").is_some() {
        return by_name("rabbit").unwrap_or(0);
    }
    0
}

/// The trace events for one record (none for the data-path detail nobody would read).
fn events(r: &Record, n: &Names) -> Vec<Value> {
    let t = r.t_us;
    let msg = |m| n.msg(m);
    match &r.kind {
        RecordKind::Produce { producer, value, tp, .. } => {
            vec![span("b", "produce", "produce", msg(*value), producer.0, t, json!({"partition": n.tp(*tp)}))]
        }
        RecordKind::Ack { producer, value, offset, .. } => {
            vec![span("e", "produce", "produce", msg(*value), producer.0, t, json!({"offset": offset}))]
        }
        RecordKind::ProduceError { producer, value, error, retrying: false, .. } => {
            vec![span("e", "produce", "produce", msg(*value), producer.0, t, json!({"error": error.name()}))]
        }
        RecordKind::Deliver { consumer, tp, offset, value } => {
            let id = format!("{}/{}", n.node(consumer.0), msg(*value));
            let args = json!({"partition": n.tp(*tp), "offset": offset});
            vec![span("b", "process", "process", id, consumer.0, t, args)]
        }
        RecordKind::ProcessOk { consumer, value, .. }
        | RecordKind::ProcessFail { consumer, value, .. }
        | RecordKind::ProcessSkip { consumer, value, .. } => {
            let id = format!("{}/{}", n.node(consumer.0), msg(*value));
            let args = json!({"outcome": r.kind.name()});
            let mut out = vec![span("e", "process", "process", id, consumer.0, t, args)];
            out.extend(notable(r, n));
            out
        }
        RecordKind::Amqp(AmqpEvent::Deliver { consumer, value, queue, .. }) => {
            let id = format!("{}/{}", n.node(consumer.0), msg(*value));
            vec![span("b", "process", "process", id, consumer.0, t, json!({"queue": n.queue(*queue)}))]
        }
        RecordKind::Amqp(AmqpEvent::Processed { consumer, value, ok, .. }) => {
            let id = format!("{}/{}", n.node(consumer.0), msg(*value));
            vec![span("e", "process", "process", id, consumer.0, t, json!({"ok": ok}))]
        }
        RecordKind::BrokerDown { broker, .. } => {
            let mut out = vec![span("b", "fault", "down", format!("down/{}", broker.0), broker.0, t, json!({}))];
            out.extend(notable(r, n));
            out
        }
        RecordKind::BrokerUp { broker } => {
            vec![span("e", "fault", "down", format!("down/{}", broker.0), broker.0, t, json!({}))]
        }
        RecordKind::ClientState { node, up } => {
            let ph = if *up { "e" } else { "b" };
            vec![span(ph, "fault", "down", format!("down/{}", node.0), node.0, t, json!({}))]
        }
        RecordKind::Group(GroupEvent::Lag { consumer, partitions, .. }) => {
            let args: serde_json::Map<String, Value> =
                partitions.iter().map(|(tp, lag)| (n.tp(*tp), json!(lag))).collect();
            vec![json!({"ph": "C", "name": "lag", "pid": pid(consumer.0), "ts": t, "args": args})]
        }
        _ => notable(r, n),
    }
}

/// An instant for a record the app's log shows by default; nothing for data-path detail.
fn notable(r: &Record, n: &Names) -> Vec<Value> {
    if text::is_notable(&r.kind) { instant(r, n) } else { Vec::new() }
}

/// A notable record as an instant on its node, described in words.
fn instant(r: &Record, n: &Names) -> Vec<Value> {
    let j = jsonl::to_json(r, n);
    let node = home(&j, n);
    let args = json!({"what": text::describe(r, n)});
    vec![
        json!({"ph": "i", "s": "p", "cat": "event", "name": r.kind.name(), "pid": pid(node), "tid": pid(node), "ts": r.t_us, "args": args}),
    ]
}
