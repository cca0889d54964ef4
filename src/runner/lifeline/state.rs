//! What the lifeline collector holds while a run streams by: the chosen message's copies
//! (one per partition it was appended to) and steps so far, plus the little cluster state
//! needed to place a hop (partition leaders, group coordinators, when each follower and
//! consumer last heard back). All of it is bounded by the cluster's size or by
//! `MAX_STEPS`, never by the length of the run.

use super::model::{Hop, HopKind, Lifeline, MAX_STEPS, Mark, MarkKind};
use crate::sim::{Dur, NodeId, SimTime};
use crate::trace::{BrokerId, GroupRef, MsgId, QueueRef, Tp};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A lane while collecting; the variant order is the lane order left to right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum LaneKey {
    Producer(NodeId),
    Broker(BrokerId),
    Rabbit,
    Queue(QueueRef),
    Consumer(NodeId),
}

impl LaneKey {
    /// The node index behind the lane (brokers: their id is their node index).
    fn node(self) -> Option<u32> {
        match self {
            LaneKey::Producer(n) | LaneKey::Consumer(n) => Some(n.0),
            LaneKey::Broker(b) => Some(b.0),
            LaneKey::Rabbit | LaneKey::Queue(_) => None,
        }
    }
}

/// The message appended to one partition (a retry topic or a re-drive gives another copy).
#[derive(Clone, Debug)]
pub(super) struct Copy {
    pub tp: Tp,
    pub offset: u64,
    /// The leader that appended it, and when.
    pub leader: BrokerId,
    pub appended: SimTime,
    /// The last produce attempt that reached a broker for it (retries, duplicates).
    pub last_request: (BrokerId, SimTime),
    /// A hop into the append is drawn (republishes wait for the consumer's record).
    pub has_sender: bool,
    /// When each broker came to hold it (the leader at the append, followers on replicate).
    pub holders: BTreeMap<BrokerId, SimTime>,
    /// When each leader's HW first passed it.
    pub hw: BTreeMap<BrokerId, SimTime>,
    /// Each consumer's first fetch of it.
    pub fetched: BTreeMap<NodeId, SimTime>,
    /// Groups whose committed offset passed it.
    pub committed: BTreeSet<GroupRef>,
    /// Brokers whose retention deleted it.
    pub deleted: BTreeSet<BrokerId>,
    /// A leader without it took over the partition: its offset now holds other records,
    /// so later records about that offset are not about this message.
    pub orphan: bool,
}

/// A produce in progress: created (or last failed) at `since`, not yet acknowledged.
#[derive(Clone, Copy, Debug)]
pub(super) struct Producing {
    pub producer: NodeId,
    pub tp: Tp,
    pub since: SimTime,
}

/// Settings of the run the records cannot tell: acks per producer, processing times.
#[derive(Clone, Debug, Default)]
pub(super) struct Settings {
    /// acks=all, by producer number.
    pub acks_all: Vec<bool>,
    /// Processing time of each RabbitMQ consumer, by name.
    pub amqp_process: BTreeMap<String, Dur>,
    /// When each client starts, by name (nothing leaves it before).
    pub starts: BTreeMap<String, SimTime>,
}

/// Collects one message's lifeline from records as they stream.
#[derive(Clone, Debug)]
pub struct Collector {
    pub(super) target: MsgId,
    pub(super) message: String,
    pub(super) scenario: String,
    pub(super) seed: u64,
    pub(super) settings: Settings,
    // Cluster state, bounded by the cluster's size.
    pub(super) leaders: BTreeMap<Tp, BrokerId>,
    pub(super) coordinators: BTreeMap<GroupRef, BrokerId>,
    /// A follower's last replicate of a partition: its next fetch left after it.
    pub(super) follower_heard: BTreeMap<(BrokerId, Tp), SimTime>,
    /// A consumer's last fetch response or assignment of a partition.
    pub(super) consumer_heard: BTreeMap<(NodeId, Tp), SimTime>,
    /// When each node last started (node index).
    pub(super) up_at: BTreeMap<u32, SimTime>,
    /// A RabbitMQ consumer's last finished message.
    pub(super) amqp_done: BTreeMap<NodeId, SimTime>,
    // The message.
    pub(super) copies: Vec<Copy>,
    pub(super) producing: Option<Producing>,
    /// Consumers' latest deliveries and failures of it: a republish left after one of them.
    pub(super) touches: VecDeque<(NodeId, SimTime)>,
    /// RabbitMQ deliveries whose arrival waits for the consumer's `processed`.
    pub(super) pending_deliver: BTreeMap<NodeId, usize>,
    /// When each RabbitMQ consumer processed it (its ack or nack leaves then).
    pub(super) processed_at: BTreeMap<NodeId, SimTime>,
    pub(super) last_route: Option<SimTime>,
    pub(super) last_refused: Option<QueueRef>,
    pub(super) in_queues: BTreeSet<QueueRef>,
    // Steps, with lanes as keys until the end.
    pub(super) lanes: BTreeMap<LaneKey, String>,
    pub(super) hops: Vec<(Hop, LaneKey, LaneKey)>,
    pub(super) marks: Vec<(Mark, LaneKey)>,
    /// Node up/down events (node index), kept for the lanes the lifeline ends up with.
    pub(super) context: Vec<(u32, SimTime, MarkKind, String)>,
    pub(super) dropped: u64,
    /// The clients' start times are in `up_at` (done at the first batch, which has names).
    pub(super) started: bool,
}

/// How many node up/down events are kept for context.
const MAX_CONTEXT: usize = 256;
/// How many deliveries and failures are kept to bound a republish's send (the one that
/// matters came just before it).
const MAX_TOUCHES: usize = 64;

impl Collector {
    pub(super) fn with(target: MsgId, message: String, scenario: String, seed: u64, settings: Settings) -> Self {
        Collector {
            target,
            message,
            scenario,
            seed,
            settings,
            leaders: BTreeMap::new(),
            coordinators: BTreeMap::new(),
            follower_heard: BTreeMap::new(),
            consumer_heard: BTreeMap::new(),
            up_at: BTreeMap::new(),
            amqp_done: BTreeMap::new(),
            copies: Vec::new(),
            producing: None,
            touches: VecDeque::new(),
            pending_deliver: BTreeMap::new(),
            processed_at: BTreeMap::new(),
            last_route: None,
            last_refused: None,
            in_queues: BTreeSet::new(),
            lanes: BTreeMap::new(),
            hops: Vec::new(),
            marks: Vec::new(),
            context: Vec::new(),
            dropped: 0,
            started: false,
        }
    }

    /// Enters the scenario's client start times into `up_at`, once node names are known.
    pub(super) fn note_starts(&mut self, names: &crate::trace::Names) {
        if std::mem::replace(&mut self.started, true) {
            return;
        }
        for (i, name) in names.nodes.iter().enumerate() {
            if let Some(&at) = self.settings.starts.get(name) {
                self.up_at.insert(i as u32, at);
            }
        }
    }

    fn full(&mut self) -> bool {
        let full = self.at_cap();
        if full {
            self.dropped += 1;
        }
        full
    }

    /// Adds a hop; returns its index (None once the lifeline is full).
    pub(super) fn hop(
        &mut self,
        kind: HopKind,
        (from, to): (LaneKey, LaneKey),
        (sent, sent_exact): (SimTime, bool),
        (arrived, arrived_exact): (SimTime, bool),
        text: String,
        names: &crate::trace::Names,
    ) -> Option<usize> {
        if self.full() {
            return None;
        }
        self.lane(from, names);
        self.lane(to, names);
        let sent = SimTime(sent.0.min(arrived.0));
        let h = Hop { kind, from_lane: 0, to_lane: 0, sent, arrived, sent_exact, arrived_exact, text };
        self.hops.push((h, from, to));
        Some(self.hops.len() - 1)
    }

    /// Adds a mark.
    pub(super) fn mark(
        &mut self,
        lane: LaneKey,
        at: SimTime,
        kind: MarkKind,
        text: String,
        names: &crate::trace::Names,
    ) {
        if self.full() {
            return;
        }
        self.lane(lane, names);
        self.marks.push((Mark { lane: 0, at, kind, text }, lane));
    }

    /// Remembers a node going down or up during the message's life, for the lanes the
    /// lifeline ends up with.
    pub(super) fn context(&mut self, node: u32, at: SimTime, kind: MarkKind, text: String) {
        if kind == MarkKind::Up {
            self.up_at.insert(node, at);
        }
        if !self.is_empty() && self.context.len() < MAX_CONTEXT {
            self.context.push((node, at, kind, text));
        }
    }

    /// A consumer delivered or failed the message.
    pub(super) fn touch(&mut self, c: NodeId, at: SimTime) {
        if self.touches.len() == MAX_TOUCHES {
            self.touches.pop_front();
        }
        self.touches.push_back((c, at));
    }

    /// Whether the lifeline reached its size cap (no new copies are followed then).
    pub(super) fn at_cap(&self) -> bool {
        self.hops.len() + self.marks.len() >= MAX_STEPS
    }

    fn lane(&mut self, k: LaneKey, names: &crate::trace::Names) {
        self.lanes.entry(k).or_insert_with(|| match k {
            LaneKey::Producer(n) | LaneKey::Consumer(n) => names.node(n.0).to_string(),
            LaneKey::Broker(b) => format!("broker-{}", b.0),
            LaneKey::Rabbit => "rabbit".to_string(),
            LaneKey::Queue(q) => format!("rabbit/{}", names.queue(q)),
        });
    }

    /// The lifeline so far: lanes in order, node up/down marks within the message's life.
    pub fn finish(mut self) -> Lifeline {
        let first = self.marks.iter().map(|m| m.0.at).chain(self.hops.iter().map(|h| h.0.sent)).min();
        let last = self.marks.iter().map(|m| m.0.at).chain(self.hops.iter().map(|h| h.0.arrived)).max();
        if let (Some(first), Some(last)) = (first, last) {
            let lanes: Vec<LaneKey> = self.lanes.keys().copied().collect();
            // A broker holding a copy matters after the last step too: its crash puts the copy at risk.
            let holders: BTreeSet<u32> = self.copies.iter().flat_map(|c| c.holders.keys().map(|b| b.0)).collect();
            for (node, at, kind, text) in std::mem::take(&mut self.context) {
                let within = at >= first && (at <= last || holders.contains(&node));
                if let Some(&k) = lanes.iter().find(|k| k.node() == Some(node)).filter(|_| within) {
                    self.marks.push((Mark { lane: 0, at, kind, text }, k));
                }
            }
        }
        let keys: Vec<LaneKey> = self.lanes.keys().copied().collect();
        let index = |k: LaneKey| keys.iter().position(|x| *x == k).expect("every lane registered");
        let hops = self.hops.into_iter().map(|(h, f, t)| Hop { from_lane: index(f), to_lane: index(t), ..h }).collect();
        let marks = self.marks.into_iter().map(|(m, l)| Mark { lane: index(l), ..m }).collect();
        Lifeline {
            scenario: self.scenario,
            seed: self.seed,
            message: self.message,
            lanes: self.lanes.into_values().collect(),
            hops,
            marks,
            dropped: self.dropped,
        }
    }

    /// The copy at `tp` and `offset`, most recent first.
    pub(super) fn copy_at(&mut self, tp: Tp, offset: u64) -> Option<&mut Copy> {
        self.copies.iter_mut().rev().find(|c| c.tp == tp && c.offset == offset)
    }

    /// Hops, marks and node downs and ups collected.
    pub fn steps(&self) -> usize {
        self.hops.len() + self.marks.len() + self.context.len()
    }

    /// Whether nothing at all was collected (the id never appeared in the run).
    pub fn is_empty(&self) -> bool {
        self.hops.is_empty() && self.marks.is_empty()
    }
}
