//! Read-only views of the simulation for the checks, the CLI summary and the app.

use super::{Event, Liveness, Msg, Node, Simulation};
use crate::kafka::Broker;
use crate::kafka::Consumer;
use crate::kafka::Partition;
use crate::kafka::Producer;
use crate::kafka::ZooKeeper;
use crate::sim::{Cut, Dur, NodeId, SimTime};
use crate::trace::{BrokerId, TopicId, Tp};

/// A message on the wire, for drawing.
#[derive(Clone, Debug)]
pub struct InFlight<'a> {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When it was sent.
    pub sent_at: SimTime,
    /// When it arrives.
    pub deliver_at: SimTime,
    /// The message.
    pub msg: &'a Msg,
}

impl Simulation {
    /// All nodes, by node id.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Whether a node is running.
    pub fn is_up(&self, n: NodeId) -> bool {
        self.live[n.0 as usize] == Liveness::Up
    }

    /// How a node is doing.
    pub fn liveness(&self, n: NodeId) -> Liveness {
        self.live[n.0 as usize]
    }

    /// A broker.
    pub fn broker(&self, b: BrokerId) -> &Broker {
        match &self.nodes[b.0 as usize] {
            Node::Broker(br) => br,
            other => panic!("node {} is not a broker: {other:?}", b.0),
        }
    }

    /// The brokers, in id order.
    pub fn brokers(&self) -> impl Iterator<Item = &Broker> {
        self.nodes.iter().filter_map(|n| if let Node::Broker(b) = n { Some(b) } else { None })
    }

    /// ZooKeeper.
    pub fn zookeeper(&self) -> &ZooKeeper {
        match &self.nodes[0] {
            Node::ZooKeeper(z) => z,
            other => panic!("node 0 is not ZooKeeper: {other:?}"),
        }
    }

    /// Producers with their node ids.
    pub fn producers(&self) -> impl Iterator<Item = (NodeId, &Producer)> {
        self.nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| if let Node::Producer(p) = n { Some((NodeId(i as u32), p)) } else { None })
    }

    /// Consumers with their node ids.
    pub fn consumers(&self) -> impl Iterator<Item = (NodeId, &Consumer)> {
        self.nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| if let Node::Consumer(c) = n { Some((NodeId(i as u32), &**c)) } else { None })
    }

    /// Messages in flight, in no particular order.
    pub fn in_flight(&self) -> impl Iterator<Item = InFlight<'_>> {
        self.queue.iter_unordered().filter_map(|(at, e)| match e {
            Event::Deliver { from, to, sent_at, msg } => {
                Some(InFlight { from: *from, to: *to, sent_at: *sent_at, deliver_at: at, msg })
            }
            Event::Timer { .. } | Event::Input(_) => None,
        })
    }

    /// The current network cuts.
    pub fn cuts(&self) -> &[Cut] {
        self.net.cuts()
    }

    /// Slow links.
    pub fn slow_links(&self) -> Vec<(NodeId, NodeId, Dur)> {
        self.net.slow_links().collect()
    }

    /// The replica of `tp` on broker `b`, if it hosts one.
    pub fn replica(&self, b: BrokerId, tp: Tp) -> Option<&Partition> {
        self.broker(b).rm.replicas.get(&tp)
    }

    /// The broker acting as leader of `tp` now: up, leader role, highest epoch.
    pub fn leader_of(&self, tp: Tp) -> Option<BrokerId> {
        self.brokers()
            .filter(|b| self.is_up(NodeId(b.id.0)))
            .filter_map(|b| b.rm.replicas.get(&tp).filter(|r| r.is_leader()).map(|r| (r.state.leader_epoch, b.id)))
            .max()
            .map(|(_, b)| b)
    }

    /// `leader_of` by topic name.
    pub fn leader_of_name(&self, topic: &str, partition: u32) -> Option<BrokerId> {
        self.tp(topic, partition).and_then(|tp| self.leader_of(tp))
    }

    /// A topic partition by name.
    pub fn tp(&self, topic: &str, partition: u32) -> Option<Tp> {
        self.names().topics.iter().position(|t| t == topic).map(|i| Tp { topic: TopicId(i as u16), partition })
    }

    /// The replica that is the partition's log of record: the leader's, or with no
    /// leader the longest log among live replicas.
    pub fn authoritative_replica(&self, tp: Tp) -> Option<&Partition> {
        if let Some(b) = self.leader_of(tp) {
            return self.replica(b, tp);
        }
        self.brokers()
            .filter(|b| self.is_up(NodeId(b.id.0)))
            .filter_map(|b| b.rm.replicas.get(&tp))
            .max_by_key(|r| (r.log.end_offset(), r.tp.partition))
    }

    /// High watermark of a partition as its leader (or best replica) knows it.
    pub fn high_watermark(&self, tp: Tp) -> u64 {
        self.authoritative_replica(tp).map(|r| r.hw).unwrap_or(0)
    }

    /// The consumer at a node, if it is one.
    pub fn consumer_at(&self, id: NodeId) -> Option<&Consumer> {
        match self.nodes.get(id.0 as usize) {
            Some(Node::Consumer(c)) => Some(c),
            _ => None,
        }
    }

    /// The RabbitMQ broker, if the scenario has one.
    pub fn rabbit(&self) -> Option<(NodeId, &crate::amqp::broker::Rabbit)> {
        self.nodes.iter().enumerate().find_map(|(i, n)| match n {
            Node::Rabbit(r) => Some((NodeId(i as u32), &**r)),
            _ => None,
        })
    }

    /// Ready messages in a RabbitMQ queue.
    pub fn queue_depth(&self, name: &str) -> Option<usize> {
        self.rabbit().and_then(|(_, r)| r.queues.get(name)).map(|q| q.depth())
    }

    /// AMQP publishers with their node ids.
    pub fn publishers(&self) -> impl Iterator<Item = (NodeId, &crate::amqp::publisher::Publisher)> {
        self.nodes.iter().enumerate().filter_map(|(i, n)| match n {
            Node::Publisher(p) => Some((NodeId(i as u32), p)),
            _ => None,
        })
    }

    /// AMQP consumers with their node ids.
    pub fn amqp_consumers(&self) -> impl Iterator<Item = (NodeId, &crate::amqp::consumer::AmqpConsumer)> {
        self.nodes.iter().enumerate().filter_map(|(i, n)| match n {
            Node::AmqpConsumer(c) => Some((NodeId(i as u32), c)),
            _ => None,
        })
    }

    /// A topic id by name.
    pub fn topic_id(&self, name: &str) -> Option<TopicId> {
        self.names().topics.iter().position(|t| t == name).map(|i| TopicId(i as u16))
    }

    /// A group's lag: per partition of its topics, records below the HW past the owning
    /// member's position (or, unowned, past the committed offset).
    pub fn group_lag(&self, g: crate::trace::GroupRef) -> u64 {
        let Some(spec) = self.scenario.consumer_groups.get(g.0 as usize) else { return 0 };
        let committed = self.stats.groups.get(&g).map(|s| &s.committed);
        let mut lag = 0;
        for t in &spec.topics {
            let Some(topic) = self.topic_id(t) else { continue };
            for p in 0..self.cluster().topic(topic).partitions {
                let tp = Tp { topic, partition: p };
                let owned = self
                    .consumers()
                    .filter(|(id, c)| self.is_up(*id) && c.cfg.group.as_ref().is_some_and(|x| x.group == g))
                    .filter_map(|(_, c)| {
                        c.cursors.iter().find(|k| k.tp == tp && !k.awaiting_offset).map(|k| k.processed)
                    })
                    .max();
                let pos = owned.or_else(|| committed.and_then(|m| m.get(&tp).copied())).unwrap_or(0);
                lag += self.high_watermark(tp).saturating_sub(pos);
            }
        }
        lag
    }

    /// A consumer's lag: records below each partition's HW it has not processed.
    pub fn lag(&self, consumer: NodeId) -> u64 {
        match &self.nodes[consumer.0 as usize] {
            Node::Consumer(c) => (0..c.cursors.len()).map(|i| c.lag(i, self.high_watermark(c.cursors[i].tp))).sum(),
            _ => 0,
        }
    }

    /// The broker acting as controller now.
    pub fn controller(&self) -> Option<BrokerId> {
        self.brokers()
            .filter(|b| self.is_up(NodeId(b.id.0)) && b.is_controller())
            .map(|b| (b.controller_state.as_ref().map(|c| c.epoch), b.id))
            .max()
            .map(|(_, b)| b)
    }

    /// All partitions.
    pub fn partitions(&self) -> Vec<Tp> {
        self.cluster()
            .topics
            .iter()
            .flat_map(|t| (0..t.partitions).map(move |p| Tp { topic: t.id, partition: p }))
            .collect()
    }
}
