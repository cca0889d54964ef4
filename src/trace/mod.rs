//! The trace: an append-only list of records, each stamped with simulated time and a
//! sequence number, hashed into a stable 64-bit digest as it grows. Records name nodes,
//! topics and keys by index; `Names` turns them into words for JSON and for people.

pub mod amqp_record;
pub mod chrome;
pub mod digest;
pub mod group_record;
pub mod jsonl;
pub mod record;
pub mod text;
pub mod vocab;

pub use amqp_record::{AmqpEvent, QueueRef};
pub use digest::{Digest, StableHasher};
pub use group_record::{FailKind, GroupEvent, GroupRef, LeaveReason};
pub use vocab::{DeathReason, GroupState, Strategy};
pub use record::{
    BrokerId, DownHow, Election, ErrorCode, KeyId, MsgId, NodeId, PartitionReason, Record, RecordKind, TopicId, Tp,
};

use std::collections::VecDeque;

/// Names for the indices that records carry.
#[derive(Clone, Debug, Default)]
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
}

/// The trace as the simulation holds it: digest and count always, the most recent
/// records for views, and optionally every record for a caller to drain (to a file).
#[derive(Clone, Debug)]
pub struct TraceLog {
    digest: Digest,
    count: u64,
    recent: VecDeque<Record>,
    keep_recent: usize,
    capture: Option<Vec<Record>>,
}

impl TraceLog {
    /// Keeps the last `keep_recent` records in memory.
    pub fn new(keep_recent: usize) -> TraceLog {
        TraceLog { digest: Digest::default(), count: 0, recent: VecDeque::new(), keep_recent, capture: None }
    }

    /// Starts keeping every record until drained.
    pub fn capture_all(&mut self) {
        self.capture.get_or_insert_with(Vec::new);
    }

    /// Appends a record stamped with `t_us`; returns it.
    pub fn push(&mut self, t_us: u64, kind: RecordKind) {
        let r = Record { t_us, seq: self.count, kind };
        self.count += 1;
        self.digest.add(&r);
        if let Some(c) = &mut self.capture {
            c.push(r.clone());
        }
        if self.keep_recent > 0 {
            if self.recent.len() == self.keep_recent {
                self.recent.pop_front();
            }
            self.recent.push_back(r);
        }
    }

    /// Takes the captured records (empty unless `capture_all` was called).
    pub fn drain(&mut self) -> Vec<Record> {
        self.capture.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// The digest of every record so far.
    pub fn digest(&self) -> u64 {
        self.digest.value()
    }

    /// How many records so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The most recent records, oldest first.
    pub fn recent(&self) -> &VecDeque<Record> {
        &self.recent
    }
}
