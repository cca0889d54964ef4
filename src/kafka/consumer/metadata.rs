//! What the consumer knows of the cluster (K ConsumerMetadata): the leader and leader
//! epoch of each partition, partition counts per topic, the one metadata request in
//! flight, and the round-robin over bootstrap brokers.

use crate::trace::{BrokerId, TopicId, Tp};
use std::collections::BTreeMap;

/// Leaders, partition counts, the pending metadata request.
#[derive(Clone, Debug)]
pub(super) struct ConsumerMetadata {
    brokers: u32,
    bootstrap: u32,
    leaders: BTreeMap<Tp, (BrokerId, u32)>,
    known_partitions: BTreeMap<TopicId, u32>,
    pending: Option<u64>,
}

impl ConsumerMetadata {
    /// Nothing known yet, in a cluster of `brokers` brokers.
    pub(super) fn new(brokers: u32) -> ConsumerMetadata {
        ConsumerMetadata {
            brokers,
            bootstrap: 0,
            leaders: BTreeMap::new(),
            known_partitions: BTreeMap::new(),
            pending: None,
        }
    }

    /// The cluster's broker count.
    pub(super) fn brokers(&self) -> u32 {
        self.brokers
    }

    /// The next bootstrap broker to ask (round-robin).
    pub(super) fn next_bootstrap(&mut self) -> BrokerId {
        self.bootstrap = self.bootstrap % self.brokers + 1;
        BrokerId(self.bootstrap)
    }

    /// Partitions of `topic`: what metadata said, at least what the scenario started with.
    pub(super) fn partition_count(&self, topic: TopicId, configured: u32) -> u32 {
        self.known_partitions.get(&topic).copied().unwrap_or(0).max(configured)
    }

    /// The leader of `tp` and its epoch, if known.
    pub(super) fn leader(&self, tp: Tp) -> Option<(BrokerId, u32)> {
        self.leaders.get(&tp).copied()
    }

    /// The leader of `tp` failed us: ask again before using it.
    pub(super) fn forget_leader(&mut self, tp: Tp) {
        self.leaders.remove(&tp);
    }

    /// Whether a metadata request is in flight.
    pub(super) fn requesting(&self) -> bool {
        self.pending.is_some()
    }

    /// Request `req` was sent to the returned bootstrap broker.
    pub(super) fn request(&mut self, req: u64) -> BrokerId {
        self.pending = Some(req);
        self.next_bootstrap()
    }

    /// Whether `req` is the pending request; if so it is over (answered, timed out, unreachable).
    pub(super) fn take(&mut self, req: u64) -> bool {
        let mine = self.pending == Some(req);
        if mine {
            self.pending = None;
        }
        mine
    }

    /// A metadata response to the pending request: learn leaders and partition counts.
    pub(super) fn update(&mut self, leaders: Vec<(Tp, Option<BrokerId>, u32)>) {
        for (tp, leader, epoch) in leaders {
            let n = self.known_partitions.entry(tp.topic).or_default();
            *n = (*n).max(tp.partition + 1);
            match leader {
                Some(l) => self.leaders.insert(tp, (l, epoch)),
                None => self.leaders.remove(&tp),
            };
        }
    }
}
