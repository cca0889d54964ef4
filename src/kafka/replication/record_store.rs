//! A replica's records in a compact columnar form: 24 bytes per record for what differs
//! record by record (value, key, sequence numbers, append time as an offset from its run's
//! base), and runs for what a record shares with its neighbours (leader epoch, size,
//! producer id and epoch, poison flag). A run starts at the first record that differs from
//! the one before, like a record batch header in Kafka's log format shares the fields of
//! its records (DefaultRecordBatch: baseTimestamp + timestampDelta, partitionLeaderEpoch,
//! producerId/Epoch). The offset is implicit: the store's start plus the position.
//! Metadata headers are not kept here: few records have one, so the log keeps them aside.

use crate::kafka::buffers::pooled;
use crate::sim::SimTime;
use crate::trace::{GroupRef, KeyId, MsgId, Tp};
use std::collections::VecDeque;

/// Producer id of records from non-idempotent producers.
pub const NO_PRODUCER: u32 = u32::MAX;

/// One record in a log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// The message's identity.
    pub value: MsgId,
    /// Its key.
    pub key: Option<KeyId>,
    /// Epoch of the leader that appended it.
    pub epoch: u32,
    /// When the leader appended it: its timestamp (segment.ms, retention.ms).
    pub append_time: SimTime,
    /// Its size in bytes (segment.bytes, retention.bytes).
    pub bytes: u32,
    /// Idempotent producer id, or NO_PRODUCER.
    pub producer_id: u32,
    /// That producer's epoch (batches carry it, so followers know it too).
    pub producer_epoch: u16,
    /// Its sequence number for that producer and partition.
    pub seq: u32,
    /// First sequence number of the batch it came in.
    pub batch_base_seq: u32,
    /// Processing always fails on it (a poison pill, for teaching failure handling).
    pub poison: bool,
    /// Headers the simulation reads.
    pub meta: Meta,
}

pooled!(LogEntry);

/// Record headers and internal records the simulation reads back (kept small and `Copy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Meta {
    /// An ordinary record.
    #[default]
    None,
    /// Republished by a consumer's error handler (retry topic, dead-letter topic) or by the
    /// re-drive process: where it came from and the attempts so far (Spring's
    /// `kafka_dlt-original-*` headers). `fixed`: re-driven after a fix, so it now processes.
    Origin { tp: Tp, offset: u64, attempts: u32, fixed: bool },
    /// __consumer_offsets: a group's committed offset for a partition.
    Commit { group: GroupRef, tp: Tp, offset: u64 },
    /// __consumer_offsets: a group's metadata after a rebalance (its generation).
    GroupMetadata { group: GroupRef, generation: u32 },
}

/// The per-record part (align 4: 24 bytes).
#[derive(Clone, Copy, Debug)]
struct Slim {
    value: [u32; 2],
    /// Key id, or `NO_KEY`.
    key: u32,
    /// Microseconds after the run's base time.
    time_delta: u32,
    seq: u32,
    /// `seq - batch_base_seq`.
    batch_pos: u32,
}

const NO_KEY: u32 = u32::MAX;

/// What consecutive records share; a new run starts where any of it changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    /// Offset of the run's first record.
    start: u64,
    base_time: SimTime,
    epoch: u32,
    bytes: u32,
    producer_id: u32,
    producer_epoch: u16,
    poison: bool,
}

impl Run {
    /// Whether `f` can join this run; `Some(time_delta)` if so.
    fn admits(&self, f: &LogEntry) -> Option<u32> {
        let same = self.epoch == f.epoch
            && self.bytes == f.bytes
            && self.producer_id == f.producer_id
            && self.producer_epoch == f.producer_epoch
            && self.poison == f.poison;
        let delta = f.append_time.0.checked_sub(self.base_time.0)?;
        if same { u32::try_from(delta).ok() } else { None }
    }
}

/// Records from `start` on, oldest first.
#[derive(Clone, Debug, Default)]
pub struct RecordStore {
    start: u64,
    slims: VecDeque<Slim>,
    /// Run starts increase; the first run starts at or before `start` while any record is kept.
    runs: VecDeque<Run>,
}

impl RecordStore {
    /// The first kept offset.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// Records kept.
    pub fn len(&self) -> usize {
        self.slims.len()
    }

    /// True when no record is kept.
    pub fn is_empty(&self) -> bool {
        self.slims.is_empty()
    }

    /// The offset after the last record.
    pub fn end(&self) -> u64 {
        self.start + self.slims.len() as u64
    }

    /// Appends a record at `end()`.
    pub fn push(&mut self, f: &LogEntry) {
        let delta = match self.runs.back().and_then(|r| r.admits(f)) {
            Some(d) => d,
            None => {
                let run = Run {
                    start: self.end(),
                    base_time: f.append_time,
                    epoch: f.epoch,
                    bytes: f.bytes,
                    producer_id: f.producer_id,
                    producer_epoch: f.producer_epoch,
                    poison: f.poison,
                };
                self.runs.push_back(run);
                0
            }
        };
        assert!(f.key.is_none_or(|k| k.0 != NO_KEY), "key ids stay below u32::MAX");
        self.slims.push_back(Slim {
            value: [(f.value.0 >> 32) as u32, f.value.0 as u32],
            key: f.key.map_or(NO_KEY, |k| k.0),
            time_delta: delta,
            seq: f.seq,
            batch_pos: f.seq.wrapping_sub(f.batch_base_seq),
        });
    }

    /// The run holding `offset` (kept).
    fn run_of(&self, offset: u64) -> &Run {
        let last = self.runs.back().expect("a kept record has a run");
        if last.start <= offset {
            return last;
        }
        let i = self.runs.partition_point(|r| r.start <= offset);
        &self.runs[i - 1]
    }

    /// The record at `offset`, if kept (its meta is the log's to add).
    pub fn get(&self, offset: u64) -> Option<LogEntry> {
        let s = self.slims.get(usize::try_from(offset.checked_sub(self.start)?).ok()?)?;
        let r = self.run_of(offset);
        Some(LogEntry {
            value: MsgId(((s.value[0] as u64) << 32) | s.value[1] as u64),
            key: (s.key != NO_KEY).then_some(KeyId(s.key)),
            epoch: r.epoch,
            append_time: SimTime(r.base_time.0 + s.time_delta as u64),
            bytes: r.bytes,
            producer_id: r.producer_id,
            producer_epoch: r.producer_epoch,
            seq: s.seq,
            batch_base_seq: s.seq.wrapping_sub(s.batch_pos),
            poison: r.poison,
            meta: Meta::None,
        })
    }

    /// Epoch of the last record.
    pub fn last_epoch(&self) -> Option<u32> {
        if self.slims.is_empty() { None } else { self.runs.back().map(|r| r.epoch) }
    }

    /// Keeps records before `end` only.
    pub fn truncate(&mut self, end: u64) {
        let keep = end.saturating_sub(self.start) as usize;
        self.slims.truncate(keep);
        let end = self.end();
        while self.runs.back().is_some_and(|r| r.start >= end) {
            self.runs.pop_back();
        }
    }

    /// Removes the first record; returns its size in bytes.
    pub fn pop_front(&mut self) -> Option<u32> {
        let bytes = self.run_of_front()?.bytes;
        self.slims.pop_front();
        self.start += 1;
        while self.runs.get(1).is_some_and(|r| r.start <= self.start) {
            self.runs.pop_front();
        }
        if self.slims.is_empty() {
            self.runs.clear();
        }
        Some(bytes)
    }

    fn run_of_front(&self) -> Option<&Run> {
        if self.slims.is_empty() { None } else { self.runs.front() }
    }

    /// Empties the store; the next record gets `offset`.
    pub fn reset_to(&mut self, offset: u64) {
        self.slims.clear();
        self.runs.clear();
        self.start = offset;
    }

    /// (total bytes, latest append time) of the records from `from` on.
    pub fn tail_size_and_time(&self, from: u64) -> (u64, SimTime) {
        (from.max(self.start)..self.end())
            .filter_map(|o| self.get(o))
            .fold((0, SimTime::ZERO), |(b, t), f| (b + f.bytes as u64, t.max(f.append_time)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(n: u32, epoch: u32, time: u64) -> LogEntry {
        LogEntry {
            value: MsgId::new(1, n),
            key: (!n.is_multiple_of(3)).then_some(KeyId(n)),
            epoch,
            append_time: SimTime(time),
            bytes: 100 + epoch,
            producer_id: 7,
            producer_epoch: 0,
            seq: n,
            batch_base_seq: n - n % 4,
            poison: n == 5,
            meta: Meta::None,
        }
    }

    #[test]
    fn records_read_back_as_written_across_runs_truncation_and_deletion() {
        let mut s = RecordStore::default();
        let mut all = Vec::new();
        for n in 0..40u32 {
            // epochs change, a poison pill, and a time gap past u32 microseconds
            let time = n as u64 * 1000 + if n >= 20 { 5_000_000_000 } else { 0 };
            let rec = f(n, 1 + n / 10, time);
            s.push(&rec);
            all.push(rec);
        }
        assert!(s.runs.len() >= 6, "epoch changes, the poison pill and the time gap start runs");
        for (o, rec) in all.iter().enumerate() {
            assert_eq!(s.get(o as u64), Some(*rec));
        }
        s.truncate(25);
        assert_eq!((s.end(), s.get(25)), (25, None));
        assert_eq!(s.last_epoch(), Some(3));
        for _ in 0..12 {
            s.pop_front();
        }
        assert_eq!(s.start(), 12);
        for o in 12..25u64 {
            assert_eq!(s.get(o), Some(all[o as usize]), "offset {o}");
        }
        assert_eq!(s.tail_size_and_time(20), (5 * 103, all[24].append_time));
        s.push(&all[25]);
        assert_eq!(s.get(25), Some(all[25]));
    }
}
