//! The ids trace records carry: nodes, topics and partitions, brokers, keys, messages,
//! consumer groups and queues. Indices, not strings, so a record is cheap to make and to
//! hash; `Names` turns them into words.

pub use crate::sim::NodeId;

/// A topic, by index in the scenario's topic list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicId(pub u16);

/// A topic partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tp {
    /// The topic.
    pub topic: TopicId,
    /// The partition number within the topic.
    pub partition: u32,
}

/// A Kafka broker id (1-based, as people number brokers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BrokerId(pub u32);

/// A message key, by index in the simulation's key table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(pub u32);

/// A produced message's identity: producer number and that producer's sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MsgId(pub u64);

impl MsgId {
    /// Message `seq` of producer number `producer`.
    pub fn new(producer: u32, seq: u32) -> MsgId {
        MsgId(((producer as u64) << 32) | seq as u64)
    }
    /// The producer number.
    pub fn producer(self) -> u32 {
        (self.0 >> 32) as u32
    }
    /// The producer's sequence number.
    pub fn seq(self) -> u32 {
        self.0 as u32
    }
}

/// A consumer group, by index in the scenario's group list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupRef(pub u16);

/// A queue, by index in the scenario's queue list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueueRef(pub u16);
