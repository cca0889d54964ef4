//! Idempotent-producer state per partition (K ProducerStateManager, ProducerStateEntry):
//! the last five batches of each producer id, kept by leaders as they append and by
//! followers and log rebuilds as they replay.

use crate::kafka::protocol::ProducerIdSeq;
use crate::kafka::replication::log::{LogEntry, NO_PRODUCER};
use crate::trace::ErrorCode;
use std::collections::{BTreeMap, VecDeque};

/// Idempotent producer state per partition: the last five batches (K ProducerStateEntry).
#[derive(Clone, Debug, Default)]
pub struct ProducerBatches {
    /// Latest producer epoch seen (None: unknown, e.g. rebuilt from the log).
    pub epoch: Option<u16>,
    /// (first seq, last seq, first offset), oldest first, at most five.
    pub batches: VecDeque<(u32, u32, u64)>,
}

impl ProducerBatches {
    /// K ProducerAppendInfo.checkProducerEpoch / checkSequence for a batch whose last
    /// sequence number is `last`: the offset of the batch it duplicates, None for a new
    /// batch, or why it is refused. A newer producer epoch starts the sequences afresh.
    pub fn check(&mut self, id: &ProducerIdSeq, last: u32) -> Result<Option<u64>, ErrorCode> {
        match self.epoch {
            Some(e) if id.producer_epoch < e => return Err(ErrorCode::OutOfOrderSequence),
            Some(e) if id.producer_epoch > e => {
                if id.base_seq != 0 {
                    return Err(ErrorCode::OutOfOrderSequence);
                }
                self.batches.clear();
            }
            Some(_) | None => {}
        }
        self.epoch = Some(id.producer_epoch);
        if let Some(&(_, _, off)) = self.batches.iter().find(|b| b.0 == id.base_seq && b.1 == last) {
            return Ok(Some(off));
        }
        if self.last_seq().is_some_and(|l| id.base_seq != l.wrapping_add(1)) {
            return Err(ErrorCode::OutOfOrderSequence);
        }
        Ok(None)
    }

    pub(super) fn last_seq(&self) -> Option<u32> {
        self.batches.back().map(|b| b.1)
    }
    pub(super) fn push(&mut self, first: u32, last: u32, offset: u64) {
        if self.batches.len() == 5 {
            self.batches.pop_front();
        }
        self.batches.push_back((first, last, offset));
    }
}

/// Updates idempotence state from one appended record (followers and log rebuilds).
pub fn track_producer(producers: &mut BTreeMap<u32, ProducerBatches>, e: &LogEntry, offset: u64) {
    if e.producer_id == NO_PRODUCER {
        return;
    }
    let pb = producers.entry(e.producer_id).or_default();
    if pb.epoch != Some(e.producer_epoch) {
        // A new producer epoch starts its sequences afresh (K ProducerStateEntry).
        pb.batches.clear();
        pb.epoch = Some(e.producer_epoch);
    }
    match pb.batches.back_mut() {
        Some(last) if e.seq != e.batch_base_seq && last.0 == e.batch_base_seq => last.1 = e.seq,
        _ => {
            if pb.batches.len() == 5 {
                pb.batches.pop_front();
            }
            pb.batches.push_back((e.seq, e.seq, offset));
        }
    }
}
