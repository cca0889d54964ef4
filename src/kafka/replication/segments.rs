//! A log's segments (K LogSegment, LocalLog): the log is cut into segments, the last one
//! (the active segment) takes the appends and a new one is rolled when it is full
//! (segment.bytes) or old (segment.ms). Retention deletes whole segments, oldest first
//! (K UnifiedLog deleteRetentionSizeBreachedSegments, deleteRetentionMsBreachedSegments).
//!
//! Only the segments' bounds, sizes and timestamps are kept: a few numbers per segment,
//! never per record. Simplifications: a segment rolls between two records (Kafka rolls
//! between two batches, so a batch never spans two segments), and deleting records below a
//! new log start offset trims the segment they were in at once (Kafka keeps the segment file
//! until the next retention check finds it wholly below the log start offset).

use crate::kafka::config::LogCfg;
use crate::sim::SimTime;
use std::collections::VecDeque;

/// One segment: records from `base` up to the next segment's base (or the log end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Offset of its first record.
    pub base: u64,
    /// Bytes of its records.
    pub bytes: u64,
    /// Timestamp of its first record (segment.ms counts from it).
    pub first_time: SimTime,
    /// Its largest record timestamp (retention.ms counts from it).
    pub largest_time: SimTime,
}

/// A retention rule: which test a pass applies to each segment, oldest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// retention.bytes: delete while the log stays at least this large without the segment.
    Bytes(u64),
    /// Not Kafka (a teaching simplification): the same rule counting records.
    Records(u64),
    /// retention.ms: delete segments whose newest record is older than `max` at `now`.
    Age { now: SimTime, max: u64 },
}

/// A log's segments, oldest first. Never empty segments: the first append after the log
/// emptied starts a new one (Kafka rolls an empty active segment first instead).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segments(VecDeque<Segment>);

impl Segments {
    /// A record of `bytes` bytes and timestamp `time` was appended at `offset`: it joins
    /// the active segment, or starts a new one when the active one has no room for it
    /// (K LogSegment.shouldRoll: size + batch > segment.bytes), the new record comes more
    /// than segment.ms after its first one, or it holds a tenth of the record-count limit.
    pub fn on_append(&mut self, offset: u64, bytes: u32, time: SimTime, cfg: &LogCfg) {
        let bytes = bytes as u64;
        if let Some(s) = self.0.back_mut() {
            let full = s.bytes.saturating_add(bytes) > cfg.segment_bytes
                || time.0.saturating_sub(s.first_time.0) > cfg.segment_ms.0
                || cfg.segment_records().is_some_and(|n| offset - s.base >= n);
            if !full {
                s.bytes += bytes;
                s.largest_time = s.largest_time.max(time);
                return;
            }
        }
        self.0.push_back(Segment { base: offset, bytes, first_time: time, largest_time: time });
    }

    /// The log start moved to `start` (`end`: the log end), deleting records of
    /// `removed_bytes` bytes in all: segments wholly below it go, the one it falls in now
    /// starts there and loses the rest of those bytes.
    pub fn on_delete_before(&mut self, start: u64, end: u64, removed_bytes: u64) {
        let mut left = removed_bytes;
        while let Some(&s) = self.0.front() {
            let upper = self.0.get(1).map_or(end, |n| n.base);
            if upper > start {
                break;
            }
            left = left.saturating_sub(s.bytes);
            self.0.pop_front();
        }
        if let Some(s) = self.0.front_mut()
            && s.base < start
        {
            s.base = start;
            s.bytes = s.bytes.saturating_sub(left);
        }
    }

    /// The log now ends at `end`: segments from it go; `tail(base)` gives the bytes and the
    /// largest timestamp of the records left in the last one (which starts at `base`).
    pub fn on_truncate(&mut self, end: u64, tail: impl FnOnce(u64) -> (u64, SimTime)) {
        while self.0.back().is_some_and(|s| s.base >= end) {
            self.0.pop_back();
        }
        if let Some(s) = self.0.back_mut() {
            (s.bytes, s.largest_time) = tail(s.base);
        }
    }

    /// Forgets every segment (the log restarts empty).
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Bytes of the whole log.
    pub fn bytes(&self) -> u64 {
        self.0.iter().map(|s| s.bytes).sum()
    }

    /// The segments, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Segment> {
        self.0.iter()
    }

    /// Where one retention pass lets the log start (K UnifiedLog.deletableSegments): walk the
    /// segments from the oldest; one is deletable when it lies wholly below the high
    /// watermark (its upper bound, the next segment's base or the log end, is at most `hw`)
    /// and `rule` holds; stop at the first that is not. `start`, `end`: the log's bounds.
    pub fn deletable_end(&self, start: u64, end: u64, hw: u64, rule: Rule) -> u64 {
        // The size rules delete while what is above the limit covers the whole segment.
        let size = match rule {
            Rule::Bytes(max) => self.bytes().checked_sub(max),
            Rule::Records(max) => (end - start).checked_sub(max),
            Rule::Age { .. } => Some(0),
        };
        let Some(mut excess) = size else {
            return start;
        };
        let mut to = start;
        for (i, s) in self.0.iter().enumerate() {
            let upper = self.0.get(i + 1).map_or(end, |n| n.base);
            if upper > hw {
                break;
            }
            let size = match rule {
                Rule::Bytes(_) => s.bytes,
                Rule::Records(_) => upper - s.base,
                Rule::Age { now, max } => {
                    if now.0.saturating_sub(s.largest_time.0) <= max {
                        break;
                    }
                    0
                }
            };
            if excess < size {
                break;
            }
            excess -= size;
            to = upper;
        }
        to
    }
}
