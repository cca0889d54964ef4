//! Building the RabbitMQ side of a scenario: the broker node with its topology, the
//! publishers and the consumers (nodes placed after the Kafka ones).

use super::Node;
use crate::amqp::broker::{Rabbit, RabbitCfg};
use crate::amqp::consumer::{AmqpConsumer, AmqpConsumerCfg};
use crate::amqp::exchange::{Binding, Dest, Exchange};
use crate::amqp::publisher::{Publisher, PublisherCfg};
use crate::amqp::queue::QueueCfg;
use crate::scenario::{RabbitSpec, Rate, Scenario};
use crate::sim::{Dur, NodeId};
use crate::trace::QueueRef;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The broker's topology from the scenario.
pub fn rabbit_cfg(r: &RabbitSpec) -> RabbitCfg {
    let mut exchanges: BTreeMap<String, Exchange> = r
        .exchanges
        .iter()
        .map(|e| (e.name.clone(), Exchange { kind: e.kind, bindings: Vec::new(), alternate: e.alternate.clone() }))
        .collect();
    for b in &r.bindings {
        let dest = match (&b.queue, &b.to_exchange) {
            (Some(q), _) => Dest::Queue(q.clone()),
            (None, Some(x)) => Dest::Exchange(x.clone()),
            (None, None) => continue, // validation requires one
        };
        if let Some(x) = exchanges.get_mut(&b.exchange) {
            x.bindings.push(Binding { dest, key: b.key.clone(), args: b.args.clone() });
        }
    }
    let queues = r
        .queues
        .iter()
        .map(|q| {
            Arc::new(QueueCfg {
                name: q.name.clone(),
                durable: q.durable,
                message_ttl: q.message_ttl,
                max_length: q.max_length,
                max_length_bytes: q.max_length_bytes,
                overflow: q.overflow,
                dead_letter_exchange: q.dead_letter_exchange.clone(),
                dead_letter_routing_key: q.dead_letter_routing_key.clone(),
                delivery_limit: q.delivery_limit,
            })
        })
        .collect();
    RabbitCfg { exchanges, queues }
}

fn interval(rate: &Rate) -> Dur {
    match rate {
        Rate::PerSecond(r) | Rate::Poisson(r) => Dur(1_000_000 / (*r).max(1) as u64),
        Rate::Every(d) | Rate::PerKeyEvery(d) => *d,
    }
}

/// The AMQP nodes, to be placed from node `first`: the broker, publishers, consumers.
/// Returns them with their names and the node of each publisher (producer numbers
/// continue after the Kafka producers').
pub(super) fn amqp_nodes(sc: &Scenario, first: u32) -> (Vec<Node>, Vec<String>, Vec<u32>) {
    let Some(r) = &sc.rabbitmq else { return (Vec::new(), Vec::new(), Vec::new()) };
    let cfg = Arc::new(rabbit_cfg(r));
    let broker = NodeId(first);
    let mut nodes = vec![Node::Rabbit(Box::new(Rabbit::new(cfg.clone())))];
    let mut names = vec!["rabbit".to_string()];
    let mut publishers = Vec::new();
    for (i, p) in sc.publishers.iter().enumerate() {
        publishers.push(first + nodes.len() as u32);
        let pc = PublisherCfg {
            number: (sc.producers.len() + i) as u32,
            broker,
            exchange: p.exchange.clone(),
            routing_keys: p.routing_keys.clone(),
            headers: p.headers.clone().into(),
            interval: interval(&p.rate),
            persistent: p.persistent,
            mandatory: p.mandatory,
            confirms: p.confirms,
            expiration: p.expiration,
            bytes: p.bytes,
            start: p.start,
            stop: p.stop,
            max_messages: p.max_messages,
        };
        nodes.push(Node::Publisher(Publisher::new(Arc::new(pc))));
        names.push(p.name.clone());
    }
    for c in &sc.amqp_consumers {
        let q = cfg.queues.iter().position(|x| x.name == c.queue).expect("validated queue");
        let cc = AmqpConsumerCfg {
            broker,
            queue: c.queue.clone(),
            queue_ref: QueueRef(q as u16),
            prefetch: c.prefetch,
            auto_ack: c.auto_ack,
            process_time: c.process_time,
            start: c.start,
            poison_keys: c.poison_keys.clone(),
            transient_ppm: (c.transient_probability * 1_000_000.0).round() as u32,
            on_failure: c.on_failure,
        };
        nodes.push(Node::AmqpConsumer(AmqpConsumer::new(Arc::new(cc))));
        names.push(c.name.clone());
    }
    (nodes, names, publishers)
}

/// Queue names in declaration order.
pub(super) fn queue_names(sc: &Scenario) -> Vec<String> {
    sc.rabbitmq.as_ref().map(|r| r.queues.iter().map(|q| q.name.clone()).collect()).unwrap_or_default()
}
