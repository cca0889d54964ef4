//! Trace records of the RabbitMQ model: routing, queueing, push delivery, acks, nacks,
//! dead-lettering, returns and expiry. `RecordKind::Amqp` wraps them.

use super::ids::{MsgId, QueueRef};
use super::names::Names;
use super::vocab::DeathReason;
use crate::sim::NodeId;
use serde_json::{Map, Value, json};

/// An AMQP event.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AmqpEvent {
    /// A published message was routed (to no queue: `queues` empty).
    Route {
        publisher: NodeId,
        value: MsgId,
        exchange: String,
        routing_key: String,
        queues: Vec<QueueRef>,
        alternate: bool,
    },
    /// A `mandatory` message no queue took went back to its publisher (basic.return).
    Return { publisher: NodeId, value: MsgId },
    /// A message entered a queue.
    Enqueue { queue: QueueRef, value: MsgId, depth: u32 },
    /// A full queue refused a message (reject-publish).
    Refuse { queue: QueueRef, value: MsgId },
    /// A message was pushed to a consumer.
    /// A message was pushed to a consumer (with `auto_ack` it left the queue at once).
    Deliver { queue: QueueRef, consumer: NodeId, value: MsgId, redelivered: bool, auto_ack: bool },
    /// The consumer acknowledged it.
    Ack { queue: QueueRef, consumer: NodeId, value: MsgId },
    /// The consumer nacked or rejected it.
    Nack { queue: QueueRef, consumer: NodeId, value: MsgId, requeue: bool },
    /// Its TTL ran out at the head of the queue.
    Expire { queue: QueueRef, value: MsgId },
    /// It was dead-lettered: through `exchange` to `to`, or dropped (no DLX, or a cycle).
    DeadLetter { queue: QueueRef, value: MsgId, reason: DeathReason, exchange: Option<String>, to: Vec<QueueRef> },
    /// The consumer's application finished a message (ok) or failed on it.
    Processed { consumer: NodeId, queue: QueueRef, value: MsgId, ok: bool },
    /// A broker restart lost a durable queue's transient messages, or deleted a non-durable
    /// queue (`deleted`) with all `count` messages in it.
    Lost { queue: QueueRef, count: u32, deleted: bool },
    /// A publisher confirm arrived: ack, or nack (a queue refused it).
    Confirm { publisher: NodeId, value: MsgId, ack: bool },
}

impl AmqpEvent {
    /// The snake_case `kind`.
    pub fn name(&self) -> &'static str {
        match self {
            AmqpEvent::Route { .. } => "route",
            AmqpEvent::Return { .. } => "return",
            AmqpEvent::Enqueue { .. } => "enqueue",
            AmqpEvent::Refuse { .. } => "refuse",
            AmqpEvent::Deliver { .. } => "amqp_deliver",
            AmqpEvent::Ack { .. } => "amqp_ack",
            AmqpEvent::Nack { .. } => "nack",
            AmqpEvent::Expire { .. } => "expire",
            AmqpEvent::DeadLetter { .. } => "amqp_dead_letter",
            AmqpEvent::Processed { .. } => "amqp_processed",
            AmqpEvent::Confirm { .. } => "confirm",
            AmqpEvent::Lost { .. } => "amqp_lost",
        }
    }

    /// The message this event is about (None: a count of several).
    pub fn value(&self) -> Option<MsgId> {
        match self {
            AmqpEvent::Route { value, .. }
            | AmqpEvent::Return { value, .. }
            | AmqpEvent::Enqueue { value, .. }
            | AmqpEvent::Refuse { value, .. }
            | AmqpEvent::Deliver { value, .. }
            | AmqpEvent::Ack { value, .. }
            | AmqpEvent::Nack { value, .. }
            | AmqpEvent::Expire { value, .. }
            | AmqpEvent::DeadLetter { value, .. }
            | AmqpEvent::Processed { value, .. }
            | AmqpEvent::Confirm { value, .. } => Some(*value),
            AmqpEvent::Lost { .. } => None,
        }
    }

    /// Shown in the app's event log by default.
    pub fn is_notable(&self) -> bool {
        match self {
            AmqpEvent::Return { .. }
            | AmqpEvent::Refuse { .. }
            | AmqpEvent::Expire { .. }
            | AmqpEvent::DeadLetter { .. }
            | AmqpEvent::Nack { .. }
            | AmqpEvent::Lost { .. } => true,
            AmqpEvent::Confirm { ack, .. } => !ack,
            AmqpEvent::Processed { ok, .. } => !ok,
            // Copies to several queues (pub/sub) and unroutable messages are the lessons.
            AmqpEvent::Route { queues, alternate, .. } => queues.len() != 1 || *alternate,
            AmqpEvent::Enqueue { .. } | AmqpEvent::Deliver { .. } | AmqpEvent::Ack { .. } => false,
        }
    }
}

fn qs(n: &Names, v: &[QueueRef]) -> Vec<String> {
    v.iter().map(|q| n.queue(*q).to_string()).collect()
}

/// The record's fields as JSON.
pub fn json_fields(e: &AmqpEvent, n: &Names, m: &mut Map<String, Value>) {
    let node = |r: &NodeId| json!(n.node(r.0));
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    match e {
        AmqpEvent::Route { publisher, value, exchange, routing_key, queues, alternate } => {
            put("publisher", node(publisher));
            put("value_id", json!(n.msg(*value)));
            put("exchange", json!(exchange));
            put("routing_key", json!(routing_key));
            put("queues", json!(qs(n, queues)));
            put("alternate", json!(alternate));
        }
        AmqpEvent::Return { publisher, value } | AmqpEvent::Confirm { publisher, value, .. } => {
            put("publisher", node(publisher));
            put("value_id", json!(n.msg(*value)));
            if let AmqpEvent::Confirm { ack, .. } = e {
                put("ack", json!(ack));
            }
        }
        AmqpEvent::Enqueue { queue, value, depth } => {
            put("queue", json!(n.queue(*queue)));
            put("value_id", json!(n.msg(*value)));
            put("depth", json!(depth));
        }
        AmqpEvent::Refuse { queue, value } | AmqpEvent::Expire { queue, value } => {
            put("queue", json!(n.queue(*queue)));
            put("value_id", json!(n.msg(*value)));
        }
        AmqpEvent::Deliver { queue, consumer, value, redelivered, auto_ack } => {
            put("queue", json!(n.queue(*queue)));
            put("consumer", node(consumer));
            put("value_id", json!(n.msg(*value)));
            put("redelivered", json!(redelivered));
            put("auto_ack", json!(auto_ack));
        }
        AmqpEvent::Lost { queue, count, deleted } => {
            put("queue", json!(n.queue(*queue)));
            put("count", json!(count));
            if *deleted {
                put("deleted", json!(true));
            }
        }
        AmqpEvent::Ack { queue, consumer, value } | AmqpEvent::Nack { queue, consumer, value, .. } => {
            put("queue", json!(n.queue(*queue)));
            put("consumer", node(consumer));
            put("value_id", json!(n.msg(*value)));
            if let AmqpEvent::Nack { requeue, .. } = e {
                put("requeue", json!(requeue));
            }
        }
        AmqpEvent::DeadLetter { queue, value, reason, exchange, to } => {
            put("queue", json!(n.queue(*queue)));
            put("value_id", json!(n.msg(*value)));
            put("reason", json!(reason.name()));
            put("exchange", json!(exchange));
            put("to", json!(qs(n, to)));
        }
        AmqpEvent::Processed { consumer, queue, value, ok } => {
            put("consumer", node(consumer));
            put("queue", json!(n.queue(*queue)));
            put("value_id", json!(n.msg(*value)));
            put("ok", json!(ok));
        }
    }
}

/// The record as a sentence.
pub fn describe(e: &AmqpEvent, n: &Names) -> String {
    match e {
        AmqpEvent::Route { .. }
        | AmqpEvent::Return { .. }
        | AmqpEvent::Confirm { .. }
        | AmqpEvent::Enqueue { .. }
        | AmqpEvent::Refuse { .. }
        | AmqpEvent::Expire { .. }
        | AmqpEvent::Lost { .. } => describe_publish(e, n),
        AmqpEvent::Deliver { .. }
        | AmqpEvent::Ack { .. }
        | AmqpEvent::Nack { .. }
        | AmqpEvent::DeadLetter { .. }
        | AmqpEvent::Processed { .. } => describe_delivery(e, n),
    }
}

/// `describe` for publishing and queueing records.
fn describe_publish(e: &AmqpEvent, n: &Names) -> String {
    let node = |r: &NodeId| n.node(r.0).to_string();
    match e {
        AmqpEvent::Route { publisher, value, exchange, routing_key, queues, alternate } => {
            let x =
                if exchange.is_empty() { "the default exchange".to_string() } else { format!("exchange {exchange}") };
            let to = if queues.is_empty() { "no queue".to_string() } else { qs(n, queues).join(", ") };
            let alt = if *alternate { " (through the alternate exchange)" } else { "" };
            format!(
                "{} published {} to {x} with key \"{routing_key}\": routed to {to}{alt}",
                node(publisher),
                n.msg(*value)
            )
        }
        AmqpEvent::Return { publisher, value } => {
            format!("{} was unroutable and returned to {} (mandatory)", n.msg(*value), node(publisher))
        }
        AmqpEvent::Enqueue { queue, value, depth } => {
            format!("{} entered queue {} ({depth} ready)", n.msg(*value), n.queue(*queue))
        }
        AmqpEvent::Refuse { queue, value } => {
            format!("queue {} is full and refused {}", n.queue(*queue), n.msg(*value))
        }
        AmqpEvent::Lost { queue, count, deleted: false } => {
            format!("the broker restart lost {count} transient messages of queue {}", n.queue(*queue))
        }
        AmqpEvent::Lost { queue, count, deleted: true } => {
            format!("the broker restart deleted non-durable queue {} and the {count} messages in it", n.queue(*queue))
        }
        AmqpEvent::Expire { queue, value } => {
            format!("{} expired at the head of queue {}", n.msg(*value), n.queue(*queue))
        }
        AmqpEvent::Confirm { publisher, value, ack } => {
            format!("{} got a publisher {} for {}", node(publisher), if *ack { "ack" } else { "nack" }, n.msg(*value))
        }
        _ => unreachable!("describe sends only publishing and queueing records here"),
    }
}

/// `describe` for delivery, acknowledgement and dead-letter records.
fn describe_delivery(e: &AmqpEvent, n: &Names) -> String {
    let node = |r: &NodeId| n.node(r.0).to_string();
    match e {
        AmqpEvent::Deliver { queue, consumer, value, redelivered, auto_ack } => format!(
            "queue {} pushed {} to {}{}{}",
            n.queue(*queue),
            n.msg(*value),
            node(consumer),
            if *redelivered { " (redelivered)" } else { "" },
            if *auto_ack { " (auto-ack: gone from the queue)" } else { "" }
        ),
        AmqpEvent::Ack { queue, consumer, value } => {
            format!("{} acknowledged {} (queue {})", node(consumer), n.msg(*value), n.queue(*queue))
        }
        AmqpEvent::Nack { queue, consumer, value, requeue } => format!(
            "{} rejected {} ({})",
            node(consumer),
            n.msg(*value),
            if *requeue { format!("requeued to {}", n.queue(*queue)) } else { "not requeued".into() }
        ),
        AmqpEvent::DeadLetter { queue, value, reason, exchange, to } => match exchange {
            Some(x) => format!(
                "{} was dead-lettered from {} ({}) through {x} to {}",
                n.msg(*value),
                n.queue(*queue),
                reason.name(),
                if to.is_empty() { "no queue".into() } else { qs(n, to).join(", ") }
            ),
            None => format!(
                "{} was dropped from {} ({}; no dead-letter exchange)",
                n.msg(*value),
                n.queue(*queue),
                reason.name()
            ),
        },
        AmqpEvent::Processed { consumer, queue, value, ok } => format!(
            "{} {} {} from {}",
            node(consumer),
            if *ok { "processed" } else { "failed to process" },
            n.msg(*value),
            n.queue(*queue)
        ),
        _ => unreachable!("describe sends only delivery, acknowledgement and dead-letter records here"),
    }
}
