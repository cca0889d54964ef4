//! The record accumulator (K RecordAccumulator): one queue of batches per partition,
//! records appended to the open batch until it is full, a batch ready once sealed, retried
//! or lingered `linger.ms`; retried batches go back in sequence order; batches past
//! `delivery.timeout.ms` expire.

use crate::kafka::buffers;
use crate::kafka::protocol::ProducedRecord;
use crate::sim::{Dur, SimTime};
use std::collections::VecDeque;

/// A batch of records for one partition (K ProducerBatch).
#[derive(Clone, Debug)]
pub(super) struct ProducerBatch {
    pub(super) records: Vec<ProducedRecord>,
    pub(super) created: SimTime,
    pub(super) attempts: u32,
    pub(super) base_seq: Option<u32>,
    pub(super) epoch: u16,
    pub(super) sealed: bool,
}

impl ProducerBatch {
    /// True when `self` precedes `b` in the same epoch's sequence.
    pub(super) fn precedes(&self, b: &ProducerBatch) -> bool {
        self.epoch == b.epoch && self.base_seq.zip(b.base_seq).is_some_and(|(xs, bs)| xs < bs)
    }
}

/// The per-partition queues of batches waiting to be sent.
#[derive(Clone, Debug)]
pub(super) struct RecordAccumulator {
    queues: Vec<VecDeque<ProducerBatch>>,
}

impl RecordAccumulator {
    /// Empty queues for `n` partitions.
    pub(super) fn new(n: usize) -> RecordAccumulator {
        RecordAccumulator { queues: vec![VecDeque::new(); n] }
    }

    /// Partitions were added: queues for `n` partitions.
    pub(super) fn grow(&mut self, n: usize) {
        self.queues.resize(n, VecDeque::new());
    }

    /// Records waiting in the queues.
    pub(super) fn pending(&self) -> usize {
        self.queues.iter().flatten().map(|b| b.records.len()).sum::<usize>()
    }

    /// Appends a record to `p`'s open batch, or opens one; true when it opened one (the
    /// caller arms linger.ms for it).
    pub(super) fn append(&mut self, p: u32, rec: ProducedRecord, now: SimTime, batch_records: u32) -> bool {
        let q = &mut self.queues[p as usize];
        match q.back_mut() {
            Some(b) if !b.sealed && b.records.len() < batch_records as usize => {
                b.records.push(rec);
                false
            }
            _ => {
                let mut records = buffers::take();
                records.push(rec);
                q.push_back(ProducerBatch {
                    records,
                    created: now,
                    attempts: 0,
                    base_seq: None,
                    epoch: 0,
                    sealed: false,
                });
                true
            }
        }
    }

    /// Whether `p` has batches queued.
    pub(super) fn has_batches(&self, p: usize) -> bool {
        !self.queues[p].is_empty()
    }

    /// Takes `p`'s first batch if it is ready (sealed, a retry, or lingered), sealed.
    pub(super) fn pop_ready(&mut self, p: usize, now: SimTime, linger: Dur) -> Option<ProducerBatch> {
        let q = &mut self.queues[p];
        if !q.front().is_some_and(|b| b.sealed || b.attempts > 0 || now >= b.created + linger) {
            return None;
        }
        let mut batch = q.pop_front().expect("non-empty");
        batch.sealed = true;
        Some(batch)
    }

    /// Takes `p`'s first batch if it is older than `delivery_timeout`.
    pub(super) fn pop_expired(&mut self, p: usize, now: SimTime, delivery_timeout: Dur) -> Option<ProducerBatch> {
        let q = &mut self.queues[p];
        if q.front().is_some_and(|b| now.since(b.created) >= delivery_timeout) { q.pop_front() } else { None }
    }

    /// Puts a retried batch back in sequence order, ahead of newer ones.
    pub(super) fn reenqueue(&mut self, p: usize, b: ProducerBatch) {
        let key = |b: &ProducerBatch| (b.base_seq.map(|s| s as u64).unwrap_or(u64::MAX), b.records[0].value);
        let q = &mut self.queues[p];
        let at = q.iter().position(|x| !x.sealed && x.attempts == 0 || key(x) > key(&b)).unwrap_or(q.len());
        q.insert(at, b);
    }

    /// Whether a queued batch of `p` precedes `b`.
    pub(super) fn holds_earlier(&self, p: usize, b: &ProducerBatch) -> bool {
        self.queues[p].iter().any(|x| x.precedes(b))
    }
}
