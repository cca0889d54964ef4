//! Counters kept while the simulation runs, fed by the trace records as they are made:
//! produced, acked, errors, consumed, duplicates, key order, leader changes, truncations.

use crate::sim::NodeId;
use crate::trace::{ErrorCode, GroupEvent, GroupRef, KeyId, MsgId, RecordKind, TopicId, Tp};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

pub use super::handled::{Handled, SeenSet};

/// What one consumer did.
#[derive(Clone, Debug, Default)]
pub struct ConsumerStats {
    /// Records processed (duplicates included).
    pub consumed: u64,
    /// Records processed again.
    pub duplicates: u64,
    /// Times a key's records were processed out of produced order.
    pub order_violations: u64,
    /// Failed processing attempts.
    pub failures: u64,
    /// Records skipped after their retries.
    pub skipped: u64,
    /// Times its position was reset (auto.offset.reset: out of range).
    pub offset_resets: u64,
    seen: SeenSet,
    last_per_key: BTreeMap<(u32, KeyId), u32>,
}

/// What one consumer group did.
#[derive(Clone, Debug, Default)]
pub struct GroupStats {
    /// Completed rebalances (generations started with members).
    pub rebalances: u64,
    /// When the latest rebalance completed (µs).
    pub last_rebalance_us: u64,
    /// Records processed successfully more than once by the group's members.
    pub duplicates: u64,
    seen: SeenSet,
    /// Per partition: offsets handled (processed, skipped, republished).
    pub handled: BTreeMap<Tp, Handled>,
    /// Latest committed offset per partition.
    pub committed: BTreeMap<Tp, u64>,
    /// When a member last finished with a record (processed, skipped, sent on), µs.
    pub last_progress_us: u64,
}

impl GroupStats {
    /// Records below the committed offsets the group never handled (at-most-once loss),
    /// counting those a member still holds as lost too; see `lost_and_in_flight`.
    pub fn lost(&self) -> u64 {
        self.lost_and_in_flight(&BTreeSet::new()).0
    }

    /// Records below the committed offsets the group never handled, split into lost and
    /// in flight: those in `held` were committed by a member that is still processing them
    /// (commit before processing), so the run's end interrupted them; they are not lost.
    pub fn lost_and_in_flight(&self, held: &BTreeSet<(Tp, u64)>) -> (u64, u64) {
        let (mut lost, mut in_flight) = (0, 0);
        for (tp, &c) in &self.committed {
            if let Some(h) = self.handled.get(tp)
                && let Some(first) = h.first
            {
                for o in (first..c).filter(|&o| !h.has(o)) {
                    if held.contains(&(*tp, o)) {
                        in_flight += 1;
                    } else {
                        lost += 1;
                    }
                }
            }
        }
        (lost, in_flight)
    }
}

/// What the RabbitMQ side did.
#[derive(Clone, Debug, Default)]
pub struct AmqpStats {
    /// Messages routed into each queue.
    pub routed: BTreeMap<crate::trace::QueueRef, u64>,
    /// Messages dead-lettered from each queue, by reason.
    pub dead_lettered: BTreeMap<(crate::trace::QueueRef, crate::trace::DeathReason), u64>,
    /// Deliveries flagged redelivered.
    pub redelivered: u64,
    /// Messages returned to publishers.
    pub returned: u64,
    /// Messages published (routed or not).
    pub published: u64,
    /// Messages each queue refused (reject-publish).
    pub refused: BTreeMap<crate::trace::QueueRef, u64>,
    /// Auto-ack deliveries (consumer node, message) not yet processed: the broker forgot
    /// them when it sent them, so only the consumer's buffer holds them.
    pub auto_ack_pending: BTreeSet<(u32, MsgId)>,
    /// Auto-ack deliveries whose consumer crashed before processing them: gone for good.
    pub auto_ack_lost: u64,
}

/// Run-wide counters.
#[derive(Clone, Debug)]
pub struct Stats {
    /// Records created.
    pub produced: u64,
    /// Records acknowledged.
    pub acked_count: u64,
    /// Produce errors by kind (every attempt).
    pub errors: BTreeMap<ErrorCode, u64>,
    /// Records given up on.
    pub failed: u64,
    /// Leader elections after the start (including "offline").
    pub leader_changes: u64,
    /// Records removed by truncation.
    pub truncated: u64,
    /// Records lost with unflushed data at power loss.
    pub lost_unflushed: u64,
    /// Records produced per partition.
    pub produced_to: BTreeMap<Tp, u64>,
    /// Acknowledged records per partition: (id, offset), in acknowledgement order.
    pub acked: BTreeMap<Tp, VecDeque<(MsgId, u64)>>,
    /// Acknowledgements since retained ones were last forgotten.
    pub acked_since_forget: u64,
    /// Per consumer (by consumer number).
    pub consumers: Vec<ConsumerStats>,
    consumer_of_node: BTreeMap<u32, usize>,
    keys: Option<Vec<Vec<Option<KeyId>>>>,
    /// Per consumer group.
    pub groups: BTreeMap<GroupRef, GroupStats>,
    group_of_node: BTreeMap<u32, GroupRef>,
    /// Records published to each dead-letter topic.
    pub dead_lettered: BTreeMap<TopicId, u64>,
    /// Records re-driven.
    pub redriven: u64,
    /// The RabbitMQ side.
    pub amqp: AmqpStats,
    /// Time of the record being observed (µs).
    pub now_us: u64,
}

impl Stats {
    /// Counters for `producers` producers and the consumers at `consumer_nodes`; key order
    /// is only tracked when some expectation needs it.
    pub fn new(
        producers: usize,
        consumer_nodes: &[u32],
        track_key_order: bool,
        group_of_node: &BTreeMap<u32, GroupRef>,
    ) -> Stats {
        Stats {
            produced: 0,
            acked_count: 0,
            errors: BTreeMap::new(),
            failed: 0,
            leader_changes: 0,
            truncated: 0,
            lost_unflushed: 0,
            produced_to: BTreeMap::new(),
            acked: BTreeMap::new(),
            acked_since_forget: 0,
            consumers: vec![ConsumerStats::default(); consumer_nodes.len()],
            consumer_of_node: consumer_nodes.iter().enumerate().map(|(i, &n)| (n, i)).collect(),
            keys: track_key_order.then(|| vec![Vec::new(); producers]),
            groups: group_of_node.values().map(|g| (*g, GroupStats::default())).collect(),
            group_of_node: group_of_node.clone(),
            dead_lettered: BTreeMap::new(),
            redriven: 0,
            amqp: AmqpStats::default(),
            now_us: 0,
        }
    }

    fn observe_amqp(&mut self, e: &crate::trace::AmqpEvent) {
        use crate::trace::AmqpEvent as A;
        match e {
            A::Route { queues, .. } => {
                self.amqp.published += 1;
                for q in queues {
                    *self.amqp.routed.entry(*q).or_default() += 1;
                }
            }
            A::Return { .. } => self.amqp.returned += 1,
            A::Deliver { redelivered, auto_ack, consumer, value, .. } => {
                self.amqp.redelivered += u64::from(*redelivered);
                if *auto_ack {
                    self.amqp.auto_ack_pending.insert((consumer.0, *value));
                }
            }
            A::DeadLetter { queue, reason, .. } => *self.amqp.dead_lettered.entry((*queue, *reason)).or_default() += 1,
            A::Processed { consumer, value, ok, .. } => {
                self.amqp.auto_ack_pending.remove(&(consumer.0, *value));
                let Some(&i) = self.consumer_of_node.get(&consumer.0) else { return };
                let c = &mut self.consumers[i];
                if *ok {
                    c.consumed += 1;
                    if c.seen.insert(*value) {
                        c.duplicates += 1;
                    }
                } else {
                    c.failures += 1;
                }
            }
            A::Refuse { queue, .. } => *self.amqp.refused.entry(*queue).or_default() += 1,
            A::Enqueue { .. }
            | A::Ack { .. }
            | A::Nack { .. }
            | A::Expire { .. }
            | A::Confirm { .. }
            | A::Lost { .. } => {}
        }
    }

    /// A consumer's index in `consumers`, by node.
    pub fn consumer_index(&self, node: u32) -> Option<usize> {
        self.consumer_of_node.get(&node).copied()
    }

    /// A consumer added while running.
    pub fn add_consumer(&mut self, node: u32, group: Option<GroupRef>) {
        self.consumer_of_node.insert(node, self.consumers.len());
        self.consumers.push(ConsumerStats::default());
        if let Some(g) = group {
            self.group_of_node.insert(node, g);
            self.groups.entry(g).or_default();
        }
    }

    fn group_of(&mut self, c: NodeId) -> Option<&mut GroupStats> {
        let g = self.group_of_node.get(&c.0)?;
        self.groups.get_mut(g)
    }

    /// A member of a group finished with a record (processed, skipped, sent on): marks the
    /// offset handled and the group as progressing now.
    fn handled(&mut self, c: NodeId, tp: Tp, offset: u64) -> Option<&mut GroupStats> {
        let now = self.now_us;
        let g = self.group_of(c)?;
        g.last_progress_us = now;
        g.handled.entry(tp).or_default().mark(offset);
        Some(g)
    }

    fn observe_group(&mut self, e: &GroupEvent) {
        match e {
            GroupEvent::Rebalance { group, .. } => {
                let g = self.groups.entry(*group).or_default();
                g.rebalances += 1;
                g.last_rebalance_us = self.now_us;
            }
            GroupEvent::Commit { group, tp, offset, .. } => {
                self.groups.entry(*group).or_default().committed.insert(*tp, *offset);
            }
            GroupEvent::RetryPublish { consumer, from, offset, .. } => {
                self.handled(*consumer, *from, *offset);
            }
            GroupEvent::DeadLetter { consumer, from, offset, to, .. } => {
                *self.dead_lettered.entry(to.topic).or_default() += 1;
                self.handled(*consumer, *from, *offset);
            }
            GroupEvent::Redrive { .. } => self.redriven += 1,
            GroupEvent::Coordinator { .. }
            | GroupEvent::State { .. }
            | GroupEvent::Assignment { .. }
            | GroupEvent::Revoke { .. }
            | GroupEvent::MemberRemoved { .. }
            | GroupEvent::CommitFailed { .. }
            | GroupEvent::PollTimeout { .. }
            | GroupEvent::Lag { .. } => {}
        }
    }

    /// Counts one record.
    pub fn observe(&mut self, r: &RecordKind) {
        match r {
            RecordKind::Produce { .. } | RecordKind::Ack { .. } | RecordKind::ProduceError { .. } => {
                self.observe_produce(r)
            }
            RecordKind::Leader { .. } => self.leader_changes += 1,
            RecordKind::Truncate { removed, .. } => self.truncated += removed,
            RecordKind::BrokerDown { lost_unflushed, .. } => self.lost_unflushed += lost_unflushed,
            RecordKind::Group(e) => self.observe_group(e),
            RecordKind::ClientState { node, up: false } => self.client_crashed(*node),
            RecordKind::Amqp(e) => self.observe_amqp(e),
            RecordKind::Fetch { .. }
            | RecordKind::ProcessFail { .. }
            | RecordKind::ProcessSkip { .. }
            | RecordKind::ProcessOk { .. } => self.observe_consume(r),
            RecordKind::OffsetReset { consumer, .. } => {
                if let Some(i) = self.consumer_index(consumer.0) {
                    self.consumers[i].offset_resets += 1;
                }
            }
            _ => {}
        }
    }

    /// Records produced, acknowledged, failed.
    fn observe_produce(&mut self, r: &RecordKind) {
        match r {
            RecordKind::Produce { value, key, tp, .. } => {
                self.produced += 1;
                *self.produced_to.entry(*tp).or_default() += 1;
                if let Some(keys) = &mut self.keys {
                    let list = &mut keys[value.producer() as usize];
                    if list.len() <= value.seq() as usize {
                        list.resize(value.seq() as usize + 1, None);
                    }
                    list[value.seq() as usize] = *key;
                }
            }
            RecordKind::Ack { value, tp, offset, .. } => {
                self.acked_count += 1;
                self.acked.entry(*tp).or_default().push_back((*value, *offset));
                self.acked_since_forget += 1;
            }
            RecordKind::ProduceError { error, retrying, .. } => {
                *self.errors.entry(*error).or_default() += 1;
                if !retrying {
                    self.failed += 1;
                }
            }
            _ => unreachable!("observe() sends only producer records here"),
        }
    }

    /// A client crashed: its auto-acked messages not yet processed are gone.
    fn client_crashed(&mut self, node: NodeId) {
        let pending = &mut self.amqp.auto_ack_pending;
        let gone: Vec<(u32, MsgId)> = pending.range((node.0, MsgId(0))..=(node.0, MsgId(u64::MAX))).copied().collect();
        for k in &gone {
            pending.remove(k);
        }
        self.amqp.auto_ack_lost += gone.len() as u64;
    }

    /// Fetches and processing: handled offsets, duplicates, failures, key order.
    fn observe_consume(&mut self, r: &RecordKind) {
        match r {
            RecordKind::Fetch { consumer, tp, offset, .. } => {
                if let Some(g) = self.group_of(*consumer) {
                    g.handled.entry(*tp).or_default().fetched_from(*offset);
                }
            }
            RecordKind::ProcessFail { consumer, .. } | RecordKind::ProcessSkip { consumer, .. } => {
                if let RecordKind::ProcessSkip { tp, offset, .. } = r {
                    self.handled(*consumer, *tp, *offset);
                }
                if let Some(&i) = self.consumer_of_node.get(&consumer.0) {
                    match r {
                        RecordKind::ProcessFail { .. } => self.consumers[i].failures += 1,
                        _ => self.consumers[i].skipped += 1,
                    }
                }
            }
            RecordKind::ProcessOk { consumer, value, tp, offset } => {
                if let Some(g) = self.handled(*consumer, *tp, *offset)
                    && g.seen.insert(*value)
                {
                    g.duplicates += 1;
                }
                let Some(&i) = self.consumer_of_node.get(&consumer.0) else {
                    return;
                };
                let key = self
                    .keys
                    .as_ref()
                    .and_then(|k| k[value.producer() as usize].get(value.seq() as usize).copied().flatten());
                let c = &mut self.consumers[i];
                c.consumed += 1;
                if c.seen.insert(*value) {
                    c.duplicates += 1;
                }
                if let Some(k) = key {
                    let last = c.last_per_key.entry((value.producer(), k)).or_insert(value.seq());
                    if value.seq() < *last {
                        c.order_violations += 1;
                    }
                    *last = (*last).max(value.seq());
                }
            }
            _ => unreachable!("observe() sends only consumer records here"),
        }
    }

    /// Forgets acknowledged records below `start` of `tp` (retention removed them from
    /// every replica: they can never count as lost). Pops from the front only, so the work
    /// is proportional to what is forgotten.
    pub fn forget_acked_below(&mut self, tp: Tp, start: u64) {
        if let Some(q) = self.acked.get_mut(&tp) {
            while q.front().is_some_and(|&(_, off)| off < start) {
                q.pop_front();
            }
        }
    }

    /// Total records processed by all consumers.
    pub fn consumed(&self) -> u64 {
        self.consumers.iter().map(|c| c.consumed).sum()
    }
}
