//! The fetcher's per-partition state (K Fetcher, SubscriptionState's positions): where to
//! fetch next, what is processed, the one fetch in flight, the high watermark last seen;
//! and the records one fetch response brought (K CompletedFetch), a poll batch.

use crate::kafka::buffers;
use crate::kafka::consumer::config::OffsetReset;
use crate::kafka::replication::log::LogEntry;
use crate::sim::SimTime;
use crate::trace::Tp;
use std::collections::VecDeque;

/// Per-partition consumption state.
#[derive(Clone, Debug)]
pub struct PartitionCursor {
    /// The partition.
    pub tp: Tp,
    /// Next offset to fetch (None: use auto.offset.reset).
    pub fetch_offset: Option<u64>,
    /// Next offset to process: everything below is handled.
    pub processed: u64,
    /// Waiting for the committed offset (OffsetFetch).
    pub awaiting_offset: bool,
    /// Fetch in flight.
    pub in_flight: Option<u64>,
    /// When it was sent.
    pub sent_at: SimTime,
    /// Records buffered, not yet processed.
    pub buffered: u32,
    /// HW seen in the last fetch response.
    pub hw_seen: u64,
}

impl PartitionCursor {
    /// A newly owned partition, position unknown.
    pub(super) fn new(tp: Tp, awaiting_offset: bool) -> PartitionCursor {
        PartitionCursor {
            tp,
            fetch_offset: None,
            processed: 0,
            awaiting_offset,
            in_flight: None,
            sent_at: SimTime::ZERO,
            buffered: 0,
            hw_seen: 0,
        }
    }

    /// Whether a fetch may be sent: none in flight, nothing buffered, position known.
    pub(super) fn may_fetch(&self) -> bool {
        self.in_flight.is_none() && self.buffered == 0 && !self.awaiting_offset
    }

    /// The offset to fetch from. Unknown position: from 0 (earliest) or past the end
    /// (latest); the leader answers OffsetOutOfRange with its bounds and we reset (K Fetcher).
    pub(super) fn position(&self, reset: OffsetReset) -> u64 {
        self.fetch_offset.unwrap_or(match reset {
            OffsetReset::Earliest => 0,
            OffsetReset::Latest => u64::MAX,
        })
    }

    /// `n` records from `base_offset` arrived.
    pub(super) fn on_records(&mut self, base_offset: u64, n: u32) {
        self.fetch_offset = Some(base_offset + n as u64);
        self.buffered += n;
        if self.processed < base_offset {
            self.processed = base_offset;
        }
    }

    /// OffsetOutOfRange: move to `to`; the position it left.
    pub(super) fn reset_to(&mut self, to: u64) -> u64 {
        let from = self.fetch_offset.unwrap_or(self.processed);
        self.fetch_offset = Some(to);
        self.processed = to;
        from
    }
}

/// One fetch response's records: a poll batch. It keeps the response's buffer (offsets are
/// consecutive from `base`), so taking a response in allocates nothing.
#[derive(Clone, Debug)]
pub struct Batch {
    /// Its partition.
    pub tp: Tp,
    /// The offset of the first record left.
    pub base: u64,
    /// The records left, in offset order from `base`.
    records: VecDeque<LogEntry>,
}

impl Batch {
    /// Returns the records' buffer to the pool (once the batch is used up or dropped).
    pub fn recycle(self) {
        buffers::give(Vec::from(self.records));
    }

    /// The records of a fetch response, the first at `base`.
    pub fn new(tp: Tp, base: u64, records: Vec<LogEntry>) -> Batch {
        Batch { tp, base, records: VecDeque::from(records) }
    }

    /// Takes the next record, with its offset.
    pub fn pop_front(&mut self) -> Option<(u64, LogEntry)> {
        let e = self.records.pop_front()?;
        self.base += 1;
        Some((self.base - 1, e))
    }

    /// The next record.
    pub fn front(&self) -> Option<&LogEntry> {
        self.records.front()
    }

    /// The offset after the last record.
    pub fn end_offset(&self) -> u64 {
        self.base + self.records.len() as u64
    }

    /// The offsets of the records left.
    pub fn offsets(&self) -> std::ops::Range<u64> {
        self.base..self.end_offset()
    }

    /// No record left.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}
