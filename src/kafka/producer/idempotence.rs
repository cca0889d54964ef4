//! The idempotent producer's state (K TransactionManager, ProducerIdAndEpoch): its epoch
//! and the next sequence number of each partition. Batches are stamped once with
//! (epoch, base sequence) so a retry is not appended twice; a real sequence gap bumps the
//! epoch and restarts every sequence at 0 (KIP-360).

use crate::kafka::producer::accumulator::ProducerBatch;

/// Epoch and per-partition sequences.
#[derive(Clone, Debug)]
pub(super) struct TransactionManager {
    epoch: u16,
    next_seq: Vec<u32>,
}

impl TransactionManager {
    /// Epoch 0, sequences at 0 for `n` partitions.
    pub(super) fn new(n: usize) -> TransactionManager {
        TransactionManager { epoch: 0, next_seq: vec![0; n] }
    }

    /// Partitions were added: sequences for `n` partitions.
    pub(super) fn grow(&mut self, n: usize) {
        self.next_seq.resize(n, 0);
    }

    /// A restarted producer gets the epoch after `before`'s (as InitProducerId would give
    /// it), so the brokers do not mistake its first batches for retries of the old process's.
    pub(super) fn follow(&mut self, before: &TransactionManager) {
        self.epoch = before.epoch.wrapping_add(1);
    }

    /// Stamps a batch of `p` about to be sent, unless it already carries this epoch's
    /// sequence (a retry).
    pub(super) fn stamp(&mut self, p: usize, batch: &mut ProducerBatch) {
        if batch.base_seq.is_none() || batch.epoch != self.epoch {
            batch.epoch = self.epoch;
            batch.base_seq = Some(self.next_seq[p]);
            self.next_seq[p] = self.next_seq[p].wrapping_add(batch.records.len() as u32);
        }
    }

    /// A real sequence gap (the broker lost acknowledged records): the idempotent producer
    /// retries every OUT_OF_ORDER_SEQUENCE (K TransactionManager canRetry), bumping the
    /// epoch first (KIP-360): sequences restart at 0.
    pub(super) fn bump_epoch(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        self.next_seq.iter_mut().for_each(|s| *s = 0);
    }
}
