//! A replica's log: records from the log start offset to the log end offset (LEO), each
//! stamped with the leader epoch that appended it, plus the leader-epoch cache
//! (epoch → start offset) that followers use to find where they diverge (KIP-101/279), and
//! the segments the records fall in (`segments.rs`).

use crate::kafka::buffers;
use crate::kafka::config::LogCfg;
use crate::kafka::replication::record_store::RecordStore;
pub use crate::kafka::replication::record_store::{LogEntry, Meta, NO_PRODUCER};
use crate::kafka::replication::segments::{Rule, Segments};

/// The leader-epoch cache (LeaderEpochFileCache): (epoch, start offset), both increasing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EpochCache(Vec<(u32, u64)>);

impl EpochCache {
    /// Records that `epoch` starts at `start`. Ignored if `epoch` is already the latest and
    /// starts no later; otherwise drops entries with a larger-or-equal epoch or start first.
    pub fn assign(&mut self, epoch: u32, start: u64) {
        if let Some(&(e, s)) = self.0.last()
            && e == epoch
            && start >= s
        {
            return;
        }
        self.0.retain(|&(e, s)| e < epoch && s < start);
        self.0.push((epoch, start));
    }

    /// The latest epoch, if any.
    pub fn latest_epoch(&self) -> Option<u32> {
        self.0.last().map(|&(e, _)| e)
    }

    /// The epoch before the latest, if any.
    pub fn previous_epoch(&self) -> Option<u32> {
        self.0.len().checked_sub(2).map(|i| self.0[i].0)
    }

    /// OffsetsForLeaderEpoch: (epoch, end offset) for `requested`, given the log end offset;
    /// None when undefined (requested epoch above every known one, or the cache is empty).
    pub fn end_offset_for(&self, requested: u32, log_end_offset: u64) -> Option<(u32, u64)> {
        if self.latest_epoch() == Some(requested) {
            return Some((requested, log_end_offset));
        }
        let higher = self.0.iter().find(|&&(e, _)| e > requested)?;
        match self.0.iter().rev().find(|&&(e, _)| e <= requested) {
            None => Some((requested, higher.1)),
            Some(&(floor, _)) => Some((floor, higher.1)),
        }
    }

    /// After a truncation to `end`: drop entries starting at or after it.
    pub fn truncate_from_end(&mut self, end: u64) {
        self.0.retain(|&(_, s)| s < end);
    }

    /// After the log start moved to `start`: entries before it collapse into one at `start`.
    pub fn truncate_from_start(&mut self, start: u64) {
        let last_before = self.0.iter().rposition(|&(_, s)| s <= start);
        if let Some(i) = last_before {
            let epoch = self.0[i].0;
            self.0.drain(..=i);
            self.0.insert(0, (epoch, start));
        }
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[(u32, u64)] {
        &self.0
    }
}

/// A replica's log.
#[derive(Clone, Debug, Default)]
pub struct Log {
    /// The records, compact (meta lives in `metas`: few records have one).
    records: RecordStore,
    metas: std::collections::BTreeMap<u64, Meta>,
    segments: Segments,
    /// The leader-epoch cache.
    pub epochs: EpochCache,
    /// Offsets below this are on disk (fsynced); a power loss keeps only them.
    pub recovery_point: u64,
}

impl Log {
    /// Log start offset: the first retained offset.
    pub fn start_offset(&self) -> u64 {
        self.records.start()
    }

    /// Log end offset: the offset the next record will get.
    pub fn end_offset(&self) -> u64 {
        self.records.end()
    }

    /// Appends a record, rolling a new segment first when `cfg` says so; returns its offset.
    pub fn append(&mut self, e: LogEntry, cfg: &LogCfg) -> u64 {
        let off = self.end_offset();
        self.segments.on_append(off, e.bytes, e.append_time, cfg);
        self.epochs.assign(e.epoch, off);
        self.records.push(&e);
        if e.meta != Meta::None {
            self.metas.insert(off, e.meta);
        }
        off
    }

    fn meta(&self, offset: u64) -> Meta {
        if self.metas.is_empty() { Meta::None } else { self.metas.get(&offset).copied().unwrap_or_default() }
    }

    /// The record at `offset`, if retained.
    pub fn get(&self, offset: u64) -> Option<LogEntry> {
        Some(LogEntry { meta: self.meta(offset), ..self.records.get(offset)? })
    }

    /// Up to `max` records from `offset`, not past `until`.
    pub fn read(&self, offset: u64, max: u32, until: u64) -> Vec<LogEntry> {
        let from = offset.max(self.start_offset());
        let to = until.min(self.end_offset()).min(from + max as u64);
        let mut records = buffers::take();
        records.extend((from..to).filter_map(|o| self.get(o)));
        records
    }

    /// Epoch of the last record (or the latest cached epoch), for Fetch's lastFetchedEpoch.
    pub fn last_epoch(&self) -> Option<u32> {
        self.records.last_epoch().or(self.epochs.latest_epoch())
    }

    /// Cuts the log back to end at `offset`; returns how many records went.
    pub fn truncate_to(&mut self, offset: u64) -> u64 {
        let end = self.end_offset();
        if offset >= end {
            return 0;
        }
        self.records.truncate(offset);
        let records = &self.records;
        self.segments.on_truncate(records.end(), |base| records.tail_size_and_time(base));
        self.metas.split_off(&offset);
        self.epochs.truncate_from_end(self.end_offset());
        self.recovery_point = self.recovery_point.min(self.end_offset());
        end - self.end_offset()
    }

    /// Deletes records before `offset` (retention); never past the end.
    pub fn delete_before(&mut self, offset: u64) {
        let offset = offset.min(self.end_offset());
        let mut removed = 0;
        while self.records.start() < offset {
            removed += self.records.pop_front().map_or(0, |b| b as u64);
        }
        let start = self.records.start();
        self.segments.on_delete_before(start, self.end_offset(), removed);
        if !self.metas.is_empty() {
            self.metas = self.metas.split_off(&start);
        }
        self.epochs.truncate_from_start(start);
    }

    /// Empties the log and restarts it at `offset` (follower behind the leader's start).
    pub fn reset_to(&mut self, offset: u64) {
        self.records.reset_to(offset);
        self.metas.clear();
        self.segments.clear();
        self.epochs = EpochCache::default();
        self.recovery_point = offset;
    }

    /// The segments, oldest first.
    pub fn segments(&self) -> &Segments {
        &self.segments
    }

    /// Where retention `rule` lets the log start, given the high watermark.
    pub fn retention_end(&self, hw: u64, rule: Rule) -> u64 {
        self.segments.deletable_end(self.start_offset(), self.end_offset(), hw, rule)
    }

    /// Records, oldest first, with their offsets.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (u64, LogEntry)> + ExactSizeIterator {
        let s = self.start_offset();
        (0..self.records.len()).map(move |i| (s + i as u64, self.get(s + i as u64).expect("a kept offset")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimTime;
    use crate::trace::MsgId;

    fn entry(epoch: u32, n: u32) -> LogEntry {
        LogEntry {
            value: MsgId::new(0, n),
            key: None,
            epoch,
            append_time: SimTime(n as u64),
            bytes: 100,
            producer_id: NO_PRODUCER,
            producer_epoch: 0,
            seq: 0,
            batch_base_seq: 0,
            poison: false,
            meta: Meta::None,
        }
    }

    #[test]
    fn append_truncate_and_retention_keep_offsets_and_epochs_consistent() {
        let mut log = Log::default();
        for i in 0..5 {
            log.append(entry(1, i), &LogCfg::default());
        }
        for i in 5..8 {
            log.append(entry(2, i), &LogCfg::default());
        }
        assert_eq!(log.epochs.entries(), &[(1, 0), (2, 5)]);
        assert_eq!(log.truncate_to(6), 2);
        assert_eq!(log.end_offset(), 6);
        assert_eq!(log.truncate_to(5), 1);
        assert_eq!(log.epochs.entries(), &[(1, 0)]);
        log.delete_before(3);
        assert_eq!(log.start_offset(), 3);
        assert_eq!(log.get(3).unwrap().value, MsgId::new(0, 3));
        assert_eq!(log.epochs.entries(), &[(1, 3)]);
        assert_eq!(log.read(0, 10, 5).len(), 2);
    }

    #[test]
    fn segments_follow_truncation_and_a_log_start_inside_a_segment() {
        let cfg = LogCfg { segment_bytes: 300, ..LogCfg::default() };
        let mut log = Log::default();
        for i in 0..8 {
            log.append(entry(1, i), &cfg);
        }
        let seg = |log: &Log| log.segments().iter().map(|s| (s.base, s.bytes, s.largest_time.0)).collect::<Vec<_>>();
        assert_eq!(seg(&log), [(0, 300, 2), (3, 300, 5), (6, 200, 7)]);
        log.truncate_to(4);
        assert_eq!(seg(&log), [(0, 300, 2), (3, 100, 3)], "the cut segment keeps only its records left");
        log.delete_before(1);
        assert_eq!(seg(&log), [(1, 200, 2), (3, 100, 3)], "a follower taking the leader's log start");
        log.delete_before(4);
        assert!(log.segments().iter().next().is_none(), "an empty log has no segments");
        log.append(entry(1, 9), &cfg);
        assert_eq!(seg(&log), [(4, 100, 9)]);
    }
}
