//! The trace: an append-only list of records, each stamped with simulated time and a
//! sequence number, hashed into a stable 64-bit digest as it grows. Records name nodes,
//! topics and keys by index; `Names` turns them into words for JSON and for people.

pub mod amqp_record;
pub mod chrome;
pub mod cluster_record;
pub mod consume_record;
pub mod digest;
pub mod group_record;
pub mod ids;
pub mod jsonl;
pub mod names;
pub mod produce_record;
pub mod record;
pub mod replication_record;
pub mod text;
pub mod vocab;

pub use amqp_record::AmqpEvent;
pub use digest::{Digest, StableHasher};
pub use group_record::{FailKind, GroupEvent, LeaveReason};
pub use ids::{BrokerId, GroupRef, KeyId, MsgId, NodeId, QueueRef, TopicId, Tp};
pub use names::Names;
pub use record::{DownHow, Election, PartitionReason, Record, RecordKind};
pub use vocab::{DeathReason, ErrorCode, GroupState, Strategy};

use std::collections::VecDeque;

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

    /// Stops keeping records for a caller (a copy of a capturing run that nobody drains).
    pub fn stop_capture(&mut self) {
        self.capture = None;
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

    /// A copy keeping only the last `n` recent records (a cheap snapshot: views of older
    /// records are what it gives up).
    pub fn clone_keeping(&self, n: usize) -> TraceLog {
        let skip = self.recent.len().saturating_sub(n);
        TraceLog {
            digest: self.digest.clone(),
            count: self.count,
            recent: self.recent.range(skip..).cloned().collect(),
            keep_recent: self.keep_recent,
            capture: self.capture.clone(),
        }
    }

    /// Takes the recent records out (to be put back with `put_recent`).
    pub fn take_recent(&mut self) -> VecDeque<Record> {
        std::mem::take(&mut self.recent)
    }

    /// Puts recent records back (after `take_recent`).
    pub fn put_recent(&mut self, recent: VecDeque<Record>) {
        self.recent = recent;
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
