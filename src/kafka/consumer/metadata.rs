//! What the consumer knows of the cluster (K ConsumerMetadata): the leader and leader
//! epoch of each partition, partition counts per topic, the one metadata request in
//! flight, the refresh backoff, and the round-robin over bootstrap brokers.

use crate::sim::{Dur, SimTime};
use crate::trace::{BrokerId, TopicId, Tp};
use std::collections::BTreeMap;

/// retry.backoff.ms and retry.backoff.max.ms (their defaults): the least time from one
/// metadata answer or failure to the next request, doubling with each failure in a row
/// (K Metadata.timeToAllowUpdate, KIP-580). Simplified: no jitter.
const REFRESH_BACKOFF: Dur = Dur::ms(100);
const REFRESH_BACKOFF_MAX: Dur = Dur::secs(1);

/// Leaders, partition counts, the pending metadata request.
#[derive(Clone, Debug)]
pub(super) struct ConsumerMetadata {
    brokers: u32,
    bootstrap: u32,
    leaders: BTreeMap<Tp, (BrokerId, u32)>,
    known_partitions: BTreeMap<TopicId, u32>,
    pending: Option<u64>,
    /// The last answer or failure (K lastRefreshMs); none yet: a request may go at once.
    last_refresh: Option<SimTime>,
    /// Failed requests since the last answer (K attempts).
    failures: u32,
    /// An update was asked for while backing off: a retry timer is armed.
    wanted: bool,
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
            last_refresh: None,
            failures: 0,
            wanted: false,
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

    /// When the next request may go: `REFRESH_BACKOFF` after the last answer, doubling with
    /// each failure in a row up to `REFRESH_BACKOFF_MAX`.
    pub(super) fn allowed_at(&self) -> SimTime {
        let Some(last) = self.last_refresh else { return SimTime::ZERO };
        last + REFRESH_BACKOFF.backoff(self.failures, REFRESH_BACKOFF_MAX)
    }

    /// An update is wanted before `allowed_at`: true the first time, when the caller must
    /// arm the retry timer.
    pub(super) fn want(&mut self) -> bool {
        !std::mem::replace(&mut self.wanted, true)
    }

    /// The retry timer fired: whether an update is still wanted.
    pub(super) fn take_wanted(&mut self) -> bool {
        std::mem::take(&mut self.wanted)
    }

    /// Request `req` was sent to the returned bootstrap broker.
    pub(super) fn request(&mut self, req: u64) -> BrokerId {
        self.pending = Some(req);
        self.wanted = false;
        self.next_bootstrap()
    }

    /// The pending request failed (refused, or no answer in time): the next one backs off.
    pub(super) fn failed(&mut self, now: SimTime) {
        self.last_refresh = Some(now);
        self.failures += 1;
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
    pub(super) fn update(&mut self, now: SimTime, leaders: Vec<(Tp, Option<BrokerId>, u32)>) {
        self.last_refresh = Some(now);
        self.failures = 0;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refreshes_wait_the_backoff_after_an_answer_and_double_after_failures() {
        let mut m = ConsumerMetadata::new(3);
        assert_eq!(m.allowed_at(), SimTime::ZERO, "the first request goes at once");
        m.update(SimTime(1_000_000), Vec::new());
        assert_eq!(m.allowed_at(), SimTime(1_100_000), "100 ms after an answer");
        let mut waits = Vec::new();
        for _ in 0..6 {
            m.failed(SimTime(2_000_000));
            waits.push(m.allowed_at().0 - 2_000_000);
        }
        assert_eq!(waits, [100_000, 200_000, 400_000, 800_000, 1_000_000, 1_000_000]);
        m.update(SimTime(3_000_000), Vec::new());
        assert_eq!(m.allowed_at(), SimTime(3_100_000), "an answer resets the doubling");
    }

    #[test]
    fn one_retry_timer_for_many_wishes() {
        let mut m = ConsumerMetadata::new(3);
        assert!(m.want(), "the first wish arms the timer");
        assert!(!m.want(), "later wishes ride on it");
        assert!(m.take_wanted());
        assert!(!m.take_wanted());
    }
}
