//! Kafka's read path in a lifeline: fetched by consumers, handed to the application,
//! processed or failed, covered by a group's committed offset; republished to a retry or
//! dead-letter topic and re-driven back, each with the produce response that settles it.

use super::model::{HopKind, MarkKind};
use super::state::{Collector, LaneKey};
use crate::sim::{NodeId, SimTime};
use crate::trace::{GroupRef, Names, Tp};

/// Which republish a consumer's record settles.
#[derive(Clone, Copy, Debug)]
pub(super) enum Republish {
    Retry { attempt: u32 },
    DeadLetter { attempts: u32 },
    Redrive { fixed: bool },
}

impl Collector {
    /// A consumer's fetch response arrived: each copy in its range came from the leader,
    /// sent after the HW passed it there and after the consumer's previous response.
    pub(super) fn on_fetch(&mut self, t: SimTime, c: NodeId, tp: Tp, offset: u64, records: u32, n: &Names) {
        let heard = self.consumer_heard.insert((c, tp), t).unwrap_or(SimTime::ZERO).max(self.up(c.0));
        let leader = self.leaders.get(&tp).copied();
        let end = offset + records as u64;
        let mut hops = Vec::new();
        for cp in
            self.copies.iter_mut().filter(|cp| cp.tp == tp && cp.offset >= offset && cp.offset < end && !cp.orphan)
        {
            let from = leader.unwrap_or(cp.leader);
            let hw = cp.hw.get(&from).or_else(|| cp.hw.values().min()).copied().unwrap_or(cp.appended);
            cp.fetched.entry(c).or_insert(t);
            hops.push((from, hw.max(heard), format!("{}@{}", n.tp(tp), cp.offset)));
        }
        for (from, sent, text) in hops {
            let sent = sent.max(self.up(from.0));
            self.hop(HopKind::Fetch, (LaneKey::Broker(from), LaneKey::Consumer(c)), (sent, false), (t, true), text, n);
        }
    }

    /// A member got partitions: its fetches of them leave after this.
    pub(super) fn on_assignment(&mut self, t: SimTime, c: NodeId, partitions: &[Tp]) {
        for tp in partitions {
            self.consumer_heard.insert((c, *tp), t);
        }
    }

    /// Handed to the application (again, on an in-place retry).
    pub(super) fn on_deliver(&mut self, t: SimTime, c: NodeId, tp: Tp, offset: u64, n: &Names) {
        self.touch(c, t);
        self.mark(LaneKey::Consumer(c), t, MarkKind::Deliver, format!("to the app: {}@{offset}", n.tp(tp)), n);
    }

    /// Processing ended: `Ok`, failed (attempt n), or skipped after n attempts.
    pub(super) fn on_processed(&mut self, t: SimTime, c: NodeId, kind: MarkKind, text: String, n: &Names) {
        self.touch(c, t);
        self.mark(LaneKey::Consumer(c), t, kind, text, n);
    }

    /// A group's commit is stored at its coordinator: the first one past each copy, from
    /// the member, sent after it first fetched the copy.
    pub(super) fn on_commit(&mut self, t: SimTime, g: GroupRef, c: NodeId, tp: Tp, offset: u64, n: &Names) {
        let mut covered = Vec::new();
        for cp in self.copies.iter_mut().filter(|cp| cp.tp == tp && cp.offset < offset && !cp.orphan) {
            if cp.committed.insert(g) {
                covered.push((cp.offset, cp.fetched.get(&c).copied()));
            }
        }
        for (at, fetched) in covered {
            let text = format!("{} → {offset} (group {}; covers @{at})", n.tp(tp), n.group(g));
            let sent = fetched.map(|f| (f.max(self.up(c.0)), false)).unwrap_or((t, false));
            match self.coordinators.get(&g).copied() {
                Some(b) => {
                    self.hop(HopKind::Commit, (LaneKey::Consumer(c), LaneKey::Broker(b)), sent, (t, true), text, n);
                }
                None => self.mark(LaneKey::Consumer(c), t, MarkKind::Committed, text, n),
            }
        }
    }

    /// A consumer's republish was acknowledged: the hop into the copy it made (sent after
    /// the consumer last delivered or failed the record) and the response back (sent when
    /// that leader's HW passed the copy: republishes use acks=all).
    pub(super) fn on_republish(&mut self, t: SimTime, c: NodeId, to: Tp, what: Republish, n: &Names) {
        let Some(cp) = self.copies.iter_mut().rev().find(|cp| cp.tp == to && !cp.has_sender) else { return };
        cp.has_sender = true;
        let cp = cp.clone();
        let after = self.touches.iter().filter(|(who, at)| *who == c && *at <= cp.appended).map(|x| x.1).max();
        let sent = after.unwrap_or(cp.appended).max(self.up(c.0));
        let (kind, text) = match what {
            Republish::Retry { attempt } => (HopKind::Retry, format!("to {} (attempt {})", n.tp(to), attempt + 1)),
            Republish::DeadLetter { attempts } => {
                (HopKind::DeadLetter, format!("to {} after {attempts} attempts", n.tp(to)))
            }
            Republish::Redrive { fixed } => {
                (HopKind::Redrive, format!("back to {}{}", n.tp(to), if fixed { " (fixed)" } else { "" }))
            }
        };
        let (b, at) = cp.last_request;
        let lanes = (LaneKey::Consumer(c), LaneKey::Broker(cp.leader));
        // The send is not recorded: it may wait for metadata or repeat after an error.
        self.hop(kind, lanes, (sent, false), (cp.appended, true), text, n);
        let (sent, exact) = cp.hw.get(&b).map(|hw| (at.max(*hw), true)).unwrap_or((at, false));
        let text = format!("{}@{}", n.tp(to), cp.offset);
        self.hop(HopKind::Ack, (LaneKey::Broker(b), LaneKey::Consumer(c)), (sent, exact), (t, true), text, n);
    }
}
