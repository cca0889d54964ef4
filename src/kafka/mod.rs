//! The Kafka model: brokers hosting partition replicas, a ZooKeeper node with broker
//! sessions and the /controller znode, the controller, producers and consumers. Every
//! node is a state machine: `(now, input, &mut Fx)` in, sends/timers/records out.

pub mod assignor;
pub mod broker;
pub mod config;
pub mod consumer;
pub mod consumer_poll;
pub mod controller;
pub mod group;
pub mod group_coordinator;
pub mod group_member;
pub mod isr;
pub mod log;
pub mod member_offsets;
pub mod member_session;
pub mod offset_manager;
pub mod partition;
pub mod partitioner;
pub mod placement;
pub mod producer;
pub mod protocol;
pub mod purgatory;
pub mod replica_manager;
pub mod retry;
pub mod sticky_assignor;
mod sticky_general;
pub mod zookeeper;

pub use config::{ClusterCfg, TopicCfg};
pub use protocol::{Acks, Msg, PartitionState};

pub use crate::sim::Ctx;
use crate::sim::{Effects, NodeId};
use crate::trace::{BrokerId, RecordKind};

/// What a Kafka handler may ask of the loop.
pub type Fx = Effects<Msg, KTimer, RecordKind>;

/// The ZooKeeper node's id.
pub const ZK_NODE: NodeId = NodeId(0);

/// A broker's node id (brokers are nodes 1..=N, numbered like their broker ids).
pub fn broker_node(b: BrokerId) -> NodeId {
    NodeId(b.0)
}

/// Timers of every Kafka node kind.
#[derive(Clone, Debug)]
pub enum KTimer {
    /// Broker timers.
    Broker(broker::BrokerTimer),
    /// ZooKeeper timers.
    Zk(zookeeper::ZkTimer),
    /// Producer timers.
    Producer(producer::ProducerTimer),
    /// Consumer timers.
    Consumer(consumer::ConsumerTimer),
}
