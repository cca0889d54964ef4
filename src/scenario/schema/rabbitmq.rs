//! The `rabbitmq`, `publishers` and `amqp_consumers` sections: the RabbitMQ broker with
//! its exchanges, queues and bindings, and the AMQP clients. Defaults are RabbitMQ's own:
//! a queue is not durable unless declared `durable`, a message is transient unless
//! published with delivery_mode 2 (`persistent`), and publisher confirms are off until the
//! channel sends confirm.select (`confirms`). Exchanges here are always durable.

use super::defaults::hundred;
use super::producers::Rate;
use crate::sim::Dur;
use serde::{Deserialize, Serialize};

/// The RabbitMQ broker: one node called "rabbit", with its exchanges, queues and bindings.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RabbitSpec {
    /// Exchanges (the default exchange "" always exists).
    pub exchanges: Vec<ExchangeSpec>,
    /// Queues.
    pub queues: Vec<QueueSpec>,
    /// Bindings from exchanges to queues or to other exchanges.
    pub bindings: Vec<BindingSpec>,
}

/// An exchange.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeSpec {
    /// Name.
    pub name: String,
    /// Direct, Fanout, Topic or Headers.
    pub kind: crate::amqp::exchange::ExchangeKind,
    /// alternate-exchange for messages no binding matches.
    #[serde(default)]
    pub alternate: Option<String>,
}

/// A queue and its arguments.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    /// Name.
    pub name: String,
    /// queue.declare durable=true: survives a broker restart with its persistent messages.
    /// Off by default, as in RabbitMQ: a non-durable queue is deleted by a restart (its
    /// bindings with it).
    #[serde(default)]
    pub durable: bool,
    /// x-message-ttl.
    #[serde(default)]
    pub message_ttl: Option<Dur>,
    /// x-max-length.
    #[serde(default)]
    pub max_length: Option<u32>,
    /// x-max-length-bytes.
    #[serde(default)]
    pub max_length_bytes: Option<u64>,
    /// x-overflow: DropHead, RejectPublish, RejectPublishDlx.
    #[serde(default)]
    pub overflow: crate::amqp::queue::Overflow,
    /// x-dead-letter-exchange.
    #[serde(default)]
    pub dead_letter_exchange: Option<String>,
    /// x-dead-letter-routing-key.
    #[serde(default)]
    pub dead_letter_routing_key: Option<String>,
    /// x-delivery-limit.
    #[serde(default)]
    pub delivery_limit: Option<u32>,
}

/// A binding.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindingSpec {
    /// Source exchange.
    pub exchange: String,
    /// Destination queue...
    #[serde(default)]
    pub queue: Option<String>,
    /// ...or destination exchange.
    #[serde(default)]
    pub to_exchange: Option<String>,
    /// Binding key (direct, topic).
    #[serde(default)]
    pub key: String,
    /// Binding arguments (headers exchange): ("x-match", "any"), ("format", "pdf"); a
    /// `None` value matches on presence alone.
    #[serde(default)]
    pub args: Vec<(String, Option<String>)>,
}

/// An AMQP publisher.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublisherSpec {
    /// Node name.
    pub name: String,
    /// Exchange ("" is the default exchange: the routing key names the queue).
    #[serde(default)]
    pub exchange: String,
    /// Routing keys, used in turn.
    #[serde(default = "empty_key")]
    pub routing_keys: Vec<String>,
    /// Headers on every message.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// How often.
    pub rate: Rate,
    /// delivery_mode 2: the message survives a broker restart in a durable queue. Off by
    /// default, as in RabbitMQ (transient messages).
    #[serde(default)]
    pub persistent: bool,
    /// basic.publish mandatory: unroutable messages come back.
    #[serde(default)]
    pub mandatory: bool,
    /// Publisher confirms (confirm.select; unconfirmed messages are published again after a
    /// reconnect). Off by default, as in RabbitMQ.
    #[serde(default)]
    pub confirms: bool,
    /// Per-message TTL (the expiration property).
    #[serde(default)]
    pub expiration: Option<Dur>,
    /// Body size.
    #[serde(default = "hundred")]
    pub bytes: u32,
    /// First message.
    #[serde(default)]
    pub start: Dur,
    /// Last message.
    #[serde(default)]
    pub stop: Option<Dur>,
    /// At most this many.
    #[serde(default)]
    pub max_messages: Option<u64>,
}

fn empty_key() -> Vec<String> {
    vec![String::new()]
}

/// An AMQP consumer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmqpConsumerSpec {
    /// Node name.
    pub name: String,
    /// The queue it consumes.
    pub queue: String,
    /// basic.qos prefetch_count (0: unlimited, RabbitMQ's default).
    #[serde(default)]
    pub prefetch: u32,
    /// no_ack: messages count as done when sent.
    #[serde(default)]
    pub auto_ack: bool,
    /// Time to process one message.
    pub process_time: Dur,
    /// When it subscribes.
    #[serde(default)]
    pub start: Dur,
    /// Messages with these routing keys always fail.
    #[serde(default)]
    pub poison_keys: Vec<String>,
    /// Each attempt fails with this probability.
    #[serde(default)]
    pub transient_probability: f64,
    /// On failure: Requeue (basic.nack requeue=true) or Reject (dead-letter).
    #[serde(default)]
    pub on_failure: crate::amqp::consumer::OnNack,
}
