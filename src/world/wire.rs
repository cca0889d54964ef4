//! The wire: what travels between nodes and what the event queue holds. Each model speaks
//! its own messages and sets its own timers; the world wraps them here so one queue and one
//! network carry both, and unwraps them when it hands them to a node.

use crate::amqp::{AmqpMsg, AmqpTimer};
use crate::kafka::{KTimer, Msg as KafkaMsg};
use crate::scenario::Action;
use crate::sim::{NodeId, SimTime};
use crate::trace::RecordKind;

/// A message on the wire.
#[derive(Clone, Debug)]
pub enum Msg {
    /// Kafka traffic.
    Kafka(KafkaMsg),
    /// RabbitMQ (AMQP 0-9-1) traffic.
    Amqp(AmqpMsg),
}

impl Msg {
    /// The model that speaks it.
    pub fn model(&self) -> Model {
        match self {
            Msg::Kafka(_) => Model::Kafka,
            Msg::Amqp(_) => Model::Amqp,
        }
    }
}

/// A timer in the queue.
#[derive(Clone, Debug)]
pub enum Timer {
    /// A Kafka node's timer.
    Kafka(KTimer),
    /// An AMQP node's timer.
    Amqp(AmqpTimer),
}

impl Timer {
    /// The model whose node set it.
    pub fn model(&self) -> Model {
        match self {
            Timer::Kafka(_) => Model::Kafka,
            Timer::Amqp(_) => Model::Amqp,
        }
    }
}

/// A scheduled event.
#[derive(Clone, Debug)]
pub enum Event {
    /// A message arrives.
    Deliver { from: NodeId, to: NodeId, sent_at: SimTime, msg: Msg },
    /// A node's timer fires (ignored if the node restarted since: `incarnation`).
    Timer { node: NodeId, incarnation: u32, timer: Timer },
    /// A fault or other input is applied.
    Input(Action),
}

/// The effects buffers a handler writes into: one per model, reused for every handler
/// call (the loop drains them, keeping their allocations).
#[derive(Clone, Debug, Default)]
pub struct Fx {
    /// What Kafka handlers ask for.
    pub kafka: crate::kafka::Fx,
    /// What AMQP handlers ask for.
    pub amqp: crate::amqp::Fx,
}

impl Fx {
    /// Empties both buffers.
    pub fn clear(&mut self) {
        self.kafka.clear();
        self.amqp.clear();
    }

    /// A record of the world's own (an input, a client's state).
    pub fn record(&mut self, r: RecordKind) {
        self.kafka.record(r);
    }
}

/// Which model's buffer a handler wrote into.
#[derive(Clone, Copy, Debug)]
pub enum Model {
    /// Kafka.
    Kafka,
    /// AMQP.
    Amqp,
}
