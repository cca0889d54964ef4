//! The RabbitMQ model (AMQP 0-9-1, SEMANTICS §2): one broker node with exchanges,
//! bindings and queues; publishers with confirms and `mandatory`; consumers that are
//! pushed messages up to their prefetch and ack, nack or reject them; dead-letter
//! exchanges with `x-death` headers. It runs in the same engine as the Kafka model (same
//! effects, network, trace), so one scenario can hold both side by side.

pub mod broker;
pub mod consumer;
pub mod dead_letter;
pub mod exchange;
pub mod publisher;
pub mod queue;

use crate::sim::{Dur, Effects};
use crate::trace::{MsgId, RecordKind};

pub use crate::sim::Ctx;
pub use crate::trace::DeathReason;

/// What an AMQP handler may ask of the loop.
pub type Fx = Effects<AmqpMsg, AmqpTimer, RecordKind>;

/// One `x-death` entry: a (queue, reason) the message died in, and how often.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Death {
    /// The queue it died in.
    pub queue: String,
    /// Why.
    pub reason: DeathReason,
    /// How many times for this (queue, reason).
    pub count: u32,
    /// The exchange it had been published to.
    pub exchange: String,
    /// Its routing keys then.
    pub routing_keys: Vec<String>,
}

/// A message as AMQP carries it (properties the simulation reads).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Identity (the publisher and its sequence number).
    pub value: MsgId,
    /// The exchange it was published to.
    pub exchange: String,
    /// Routing key.
    pub routing_key: String,
    /// Headers (headers exchange); shared, since every message of a publisher has the same.
    pub headers: std::sync::Arc<[(String, String)]>,
    /// delivery_mode 2: survives a broker restart in a durable queue.
    pub persistent: bool,
    /// Per-message TTL (the `expiration` property).
    pub expiration: Option<Dur>,
    /// Body size (max-length-bytes).
    pub bytes: u32,
    /// Processing always fails on it (a poison pill).
    pub poison: bool,
    /// `x-death`, most recent first.
    pub deaths: Vec<Death>,
}

/// AMQP traffic between clients and the broker.
#[derive(Clone, Debug)]
pub enum AmqpMsg {
    /// basic.publish; `seq` is the publisher-confirm sequence number when confirms are on.
    Publish { seq: Option<u64>, msg: Box<Message>, mandatory: bool },
    /// Publisher confirm: basic.ack, or basic.nack (a queue refused it).
    Confirm { seq: u64, ack: bool },
    /// basic.return: a `mandatory` message no queue took.
    Return { value: MsgId },
    /// basic.qos + basic.consume.
    Consume { req: u64, queue: String, prefetch: u32, auto_ack: bool },
    /// basic.consume-ok, or the queue does not exist.
    ConsumeOk { req: u64, ok: bool },
    /// basic.deliver; `tag` is unique in the broker.
    Deliver { tag: u64, queue: String, msg: Box<Message>, redelivered: bool },
    /// basic.ack.
    Ack { tag: u64 },
    /// basic.nack / basic.reject (one message).
    Nack { tag: u64, requeue: bool },
    /// The client's connection closed (its process died or it closed): requeue its unacked.
    Close,
    /// Broker → client: the connection was reset (the broker went down).
    Reset,
    /// The network bounced a message of ours: the peer's process is down (connection
    /// refused). The world makes it from the message's `request_id`.
    Unreachable { req: u64 },
}

impl AmqpMsg {
    /// The id a bounce (connection refused) reports back.
    pub fn request_id(&self) -> Option<u64> {
        match self {
            AmqpMsg::Publish { seq, .. } => *seq,
            AmqpMsg::Consume { req, .. } => Some(*req),
            AmqpMsg::Deliver { tag, .. } => Some(*tag),
            AmqpMsg::Confirm { .. }
            | AmqpMsg::Return { .. }
            | AmqpMsg::ConsumeOk { .. }
            | AmqpMsg::Ack { .. }
            | AmqpMsg::Nack { .. }
            | AmqpMsg::Close
            | AmqpMsg::Reset
            | AmqpMsg::Unreachable { .. } => None,
        }
    }
}

/// Timers of the AMQP nodes.
#[derive(Clone, Debug)]
pub enum AmqpTimer {
    /// Broker: expire messages at the head of a queue.
    Expire { queue: String },
    /// Publisher: publish the next message.
    Publish,
    /// Publisher or consumer: (re)connect.
    Connect,
    /// Consumer: the message in hand is processed.
    ProcessDone,
}
