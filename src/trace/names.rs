//! Names for the indices trace records carry (nodes, topics, keys, message ids, groups,
//! queues): records stay small and hash fast, and `Names` turns them into words for JSON
//! and for people.

use super::ids::{GroupRef, KeyId, MsgId, QueueRef, Tp};
use serde_json::{Map, Value, json};

/// Names for the indices that records carry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    /// Node names by node index ("zookeeper", "broker-1", "s1", ...).
    pub nodes: Vec<String>,
    /// Topic names by topic index.
    pub topics: Vec<String>,
    /// Key strings by key index.
    pub keys: Vec<String>,
    /// Producer node index by producer number (for message ids).
    pub producers: Vec<u32>,
    /// Consumer group names by group index.
    pub groups: Vec<String>,
    /// RabbitMQ queue names by queue index.
    pub queues: Vec<String>,
}

impl Names {
    /// "orders-1".
    pub fn tp(&self, tp: Tp) -> String {
        format!("{}-{}", self.topics[tp.topic.0 as usize], tp.partition)
    }
    /// A node's name.
    pub fn node(&self, n: u32) -> &str {
        &self.nodes[n as usize]
    }
    /// A queue's name.
    pub fn queue(&self, q: QueueRef) -> &str {
        self.queues.get(q.0 as usize).map(String::as_str).unwrap_or("?")
    }
    /// A group's name.
    pub fn group(&self, g: GroupRef) -> &str {
        self.groups.get(g.0 as usize).map(String::as_str).unwrap_or("?")
    }
    /// A key's text.
    pub fn key(&self, k: KeyId) -> &str {
        &self.keys[k.0 as usize]
    }
    /// "s1#17": producer name and its sequence number.
    pub fn msg(&self, m: MsgId) -> String {
        let p = m.producer() as usize;
        let name = self.producers.get(p).map(|&n| self.node(n)).unwrap_or("?");
        format!("{}#{}", name, m.seq())
    }

    /// A partition's `topic` and `partition` fields of a JSON record.
    pub fn put_tp(&self, m: &mut Map<String, Value>, tp: Tp) {
        put(m, "topic", json!(self.topics[tp.topic.0 as usize]));
        put(m, "partition", json!(tp.partition));
    }
}

/// Sets field `k` of a JSON record (fields keep the order they were put in).
pub fn put(m: &mut Map<String, Value>, k: &str, v: Value) {
    m.insert(k.into(), v);
}
