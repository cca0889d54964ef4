//! Kafka's write path in a lifeline: created, produced, appended by the leader,
//! replicated to followers, committed by the HW, acknowledged; failed attempts,
//! duplicates, truncation, retention and leader changes of a partition holding it.

use super::model::{HopKind, MarkKind};
use super::state::{Collector, Copy, LaneKey, Producing};
use crate::sim::{NodeId, SimTime};
use crate::trace::{BrokerId, Election, ErrorCode, KeyId, Names, Tp};
use std::collections::{BTreeMap, BTreeSet};

impl Collector {
    /// A producer created a record.
    pub(super) fn on_produce(&mut self, t: SimTime, p: NodeId, key: Option<KeyId>, tp: Tp, n: &Names) {
        self.producing = Some(Producing { producer: p, tp, since: t });
        let key = key.map(|k| format!(" (key {})", n.key(k))).unwrap_or_default();
        self.mark(LaneKey::Producer(p), t, MarkKind::Created, format!("created for {}{key}", n.tp(tp)), n);
    }

    /// A produce attempt failed; a retry leaves after this.
    pub(super) fn on_produce_error(&mut self, t: SimTime, p: NodeId, error: ErrorCode, retrying: bool, n: &Names) {
        let next = if retrying { "retrying" } else { "gave up" };
        self.mark(LaneKey::Producer(p), t, MarkKind::ProduceError, format!("{}; {next}", error.name()), n);
        match (&mut self.producing, retrying) {
            (Some(pr), true) => pr.since = t,
            (_, false) => self.producing = None,
            (None, true) => {}
        }
    }

    /// A leader appended it: a new copy, and the produce hop into it when the producer
    /// is still waiting (a republish gets its hop from the consumer's record later).
    pub(super) fn on_append(&mut self, t: SimTime, b: BrokerId, tp: Tp, offset: u64, epoch: u32, n: &Names) {
        if self.at_cap() {
            self.dropped += 1;
            return;
        }
        let has_sender = self.produce_hop(t, b, tp, n);
        self.copies.push(Copy {
            tp,
            offset,
            leader: b,
            appended: t,
            last_request: (b, t),
            has_sender,
            holders: BTreeMap::from([(b, t)]),
            hw: BTreeMap::new(),
            fetched: BTreeMap::new(),
            committed: BTreeSet::new(),
            deleted: BTreeSet::new(),
            orphan: false,
        });
        let text = format!("append {}@{offset} e{epoch}", n.tp(tp));
        self.mark(LaneKey::Broker(b), t, MarkKind::Append, text, n);
    }

    /// A retried produce reached a leader that already had it.
    pub(super) fn on_duplicate(&mut self, t: SimTime, b: BrokerId, tp: Tp, offset: u64, n: &Names) {
        self.produce_hop(t, b, tp, n);
        if let Some(c) = self.copy_at(tp, offset) {
            c.last_request = (b, t);
        }
        self.mark(LaneKey::Broker(b), t, MarkKind::Duplicate, format!("duplicate: already at @{offset}"), n);
    }

    /// The produce request's hop, if the producer is waiting for this partition.
    fn produce_hop(&mut self, t: SimTime, b: BrokerId, tp: Tp, n: &Names) -> bool {
        let Some(p) = self.producing.filter(|p| p.tp == tp) else { return false };
        let sent = p.since.max(self.up(p.producer.0));
        let lanes = (LaneKey::Producer(p.producer), LaneKey::Broker(b));
        self.hop(HopKind::Produce, lanes, (sent, false), (t, true), n.tp(tp), n);
        true
    }

    /// When node `node` last started (zero if it never restarted).
    pub(super) fn up(&self, node: u32) -> SimTime {
        self.up_at.get(&node).copied().unwrap_or(SimTime::ZERO)
    }

    /// A follower appended fetched records: each copy it now holds came from the leader.
    pub(super) fn on_replicate(&mut self, t: SimTime, f: BrokerId, tp: Tp, to_offset: u64, n: &Names) {
        let heard = self.follower_heard.insert((f, tp), t).unwrap_or(SimTime::ZERO).max(self.up(f.0));
        let leader = self.leaders.get(&tp).copied();
        let mut hops = Vec::new();
        for c in self.copies.iter_mut().filter(|c| c.tp == tp && c.offset < to_offset && !c.orphan) {
            if c.holders.contains_key(&f) || c.deleted.contains(&f) {
                continue;
            }
            let from = leader.unwrap_or(c.leader);
            let had = c.holders.get(&from).copied().unwrap_or(c.appended);
            c.holders.insert(f, t);
            hops.push((from, had.max(heard), format!("{}@{}", n.tp(tp), c.offset)));
        }
        for (from, sent, text) in hops {
            let lanes = (LaneKey::Broker(from), LaneKey::Broker(f));
            let sent = sent.max(self.up(from.0));
            self.hop(HopKind::Replicate, lanes, (sent, false), (t, true), text, n);
        }
    }

    /// A leader's HW moved: the copies it passed are committed there.
    pub(super) fn on_hw(&mut self, t: SimTime, b: BrokerId, tp: Tp, hw: u64, n: &Names) {
        let mut passed = Vec::new();
        for c in self.copies.iter_mut().filter(|c| c.tp == tp && c.offset < hw && !c.orphan && !c.hw.contains_key(&b)) {
            // Marked once: a later leader's HW passing it again says nothing new.
            if c.hw.is_empty() {
                passed.push(c.offset);
            }
            c.hw.insert(b, t);
        }
        for offset in passed {
            let text = format!("HW {hw} passes @{offset}: committed");
            self.mark(LaneKey::Broker(b), t, MarkKind::HwAdvance, text, n);
        }
    }

    /// The producer got its ack: from the leader that took the last attempt, sent at that
    /// attempt (acks=1) or when that leader's HW passed it (acks=all).
    pub(super) fn on_ack(&mut self, t: SimTime, p: NodeId, tp: Tp, offset: u64, n: &Names) {
        self.producing = None;
        let acks_all = self.settings.acks_all.get(self.target.producer() as usize).copied().unwrap_or(true);
        // Every append is in the stream, so the acknowledged copy is known.
        let Some(c) = self.copy_at(tp, offset).cloned() else { return };
        let (b, at) = c.last_request;
        let (sent, exact) = match (acks_all, c.hw.get(&b)) {
            (false, _) => (at, true),
            (true, Some(&hw)) => (at.max(hw), true),
            (true, None) => (at, false),
        };
        let text = format!("{}@{offset}", n.tp(tp));
        self.hop(HopKind::Ack, (LaneKey::Broker(b), LaneKey::Producer(p)), (sent, exact), (t, true), text, n);
    }

    /// A replica cut its log back: copies above the cut are gone from it.
    pub(super) fn on_truncate(&mut self, t: SimTime, b: BrokerId, tp: Tp, to_offset: u64, n: &Names) {
        let mut gone = Vec::new();
        // Orphaned copies too: a broker that held it keeps it at that offset until it truncates.
        for c in self.copies.iter_mut().filter(|c| c.tp == tp && c.offset >= to_offset) {
            if c.holders.remove(&b).is_some() {
                c.hw.remove(&b);
                gone.push(c.offset);
            }
        }
        for offset in gone {
            let text = format!("truncated to {to_offset}: @{offset} lost here");
            self.mark(LaneKey::Broker(b), t, MarkKind::Truncated, text, n);
        }
    }

    /// Retention deleted the start of a log.
    pub(super) fn on_retention(&mut self, t: SimTime, b: BrokerId, tp: Tp, log_start: u64, n: &Names) {
        let mut gone = Vec::new();
        for c in self.copies.iter_mut().filter(|c| c.tp == tp && c.offset < log_start && !c.orphan) {
            if c.holders.contains_key(&b) && c.deleted.insert(b) {
                gone.push(c.offset);
            }
        }
        for offset in gone {
            self.mark(LaneKey::Broker(b), t, MarkKind::Deleted, format!("retention deleted @{offset}"), n);
        }
    }

    /// The controller chose a leader: remembered for every partition (fetches come from
    /// it). Where a copy lives, a mark: the new leader has it, or does not and the copy is
    /// lost (its offset will hold other records).
    pub(super) fn on_leader(
        &mut self,
        t: SimTime,
        tp: Tp,
        leader: Option<BrokerId>,
        epoch: u32,
        e: Election,
        n: &Names,
    ) {
        let Some(b) = leader else {
            self.leaders.remove(&tp);
            return;
        };
        self.leaders.insert(tp, b);
        let unclean = if e == Election::Unclean { ", unclean" } else { "" };
        let mut marks = Vec::new();
        for c in self.copies.iter_mut().filter(|c| c.tp == tp && !c.orphan) {
            let holds = c.holders.contains_key(&b) && !c.deleted.contains(&b);
            c.orphan = !holds;
            let text = match holds {
                true => format!("leads {} (epoch {epoch}{unclean})", n.tp(tp)),
                false => format!("leads {} without @{} (epoch {epoch}{unclean}): lost", n.tp(tp), c.offset),
            };
            marks.push((if holds { MarkKind::Leader } else { MarkKind::Lost }, text));
        }
        for (kind, text) in marks {
            self.mark(LaneKey::Broker(b), t, kind, text, n);
        }
    }
}
