//! The sticky assignors' general case, used when members subscribe to different topics:
//! a port of K AbstractStickyAssignor.GeneralAssignmentBuilder without rack awareness
//! (members here have no rack). Results equal the Java client's, including the Java
//! collection orders that decide ties: the `TreeSet` of members by (partition count, id)
//! (K SubscriptionComparator), topics by (subscriber count, name) (K TopicComparator), and
//! the `HashSet<TopicPartition>` whose first element K PartitionMovements hands back.
//!
//! Not reproduced: K AbstractStickyAssignor.maxGeneration lives in the assignor instance
//! and never goes down across calls; here it is the maximum of this call's generations.

use crate::kafka::assignor::java_hash::JavaHashSet;
use crate::kafka::assignor::member::Member;
use crate::kafka::assignor::member::StickyResult;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

type Tp = (String, u32);

/// Java `String.compareTo` (UTF-16 code units).
fn jcmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// (source member, destination member): K ConsumerPair.
type Pair = (String, String);

/// K PartitionMovements: where each partition moved during this assignment, by topic.
#[derive(Debug, Default)]
struct Movements {
    by_partition: BTreeMap<Tp, Pair>,
    by_topic: BTreeMap<String, BTreeMap<Pair, JavaHashSet>>,
}

impl Movements {
    /// K PartitionMovements.removeMovementRecordOfPartition.
    fn remove_record(&mut self, tp: &Tp) -> Pair {
        let pair = self.by_partition.remove(tp).expect("a recorded movement");
        let topic = self.by_topic.get_mut(&tp.0).expect("recorded topic");
        let set = topic.get_mut(&pair).expect("recorded pair");
        set.remove(tp);
        if set.entries.is_empty() {
            topic.remove(&pair);
        }
        if topic.is_empty() {
            self.by_topic.remove(&tp.0);
        }
        pair
    }
    /// K PartitionMovements.addPartitionMovementRecord.
    fn add_record(&mut self, tp: &Tp, pair: Pair) {
        self.by_partition.insert(tp.clone(), pair.clone());
        self.by_topic.entry(tp.0.clone()).or_default().entry(pair).or_insert_with(JavaHashSet::new).insert(tp.clone());
    }
    /// K PartitionMovements.movePartition: a partition moving back to where it came from
    /// leaves no record.
    fn move_partition(&mut self, tp: &Tp, old: &str, new: &str) {
        if self.by_partition.contains_key(tp) {
            let (src, _dst) = self.remove_record(tp);
            if src != new {
                self.add_record(tp, (src, new.to_string()));
            }
        } else {
            self.add_record(tp, (old.to_string(), new.to_string()));
        }
    }
    /// K PartitionMovements.getTheActualPartitionToBeMoved: rather than move a partition
    /// from `old` to `new`, undo an earlier move of the same topic from `new` to `old`.
    fn actual_partition_to_move(&self, tp: &Tp, old: &str, new: &str) -> Tp {
        let Some(topic) = self.by_topic.get(&tp.0) else { return tp.clone() };
        let old = self.by_partition.get(tp).map_or(old, |(src, _)| src.as_str());
        match topic.get(&(new.to_string(), old.to_string())) {
            Some(set) => set.first().expect("non-empty").clone(),
            None => tp.clone(),
        }
    }
    /// K PartitionMovements.isSticky: no topic had partitions move both ways between two
    /// members (K hasCycles only fails on cycles of length two).
    fn is_sticky(&self) -> bool {
        self.by_topic.values().all(|pairs| pairs.keys().all(|(a, b)| !pairs.contains_key(&(b.clone(), a.clone()))))
    }
}

/// K GeneralAssignmentBuilder's state.
struct Builder<'a> {
    counts: &'a BTreeMap<String, u32>,
    /// K consumer2AllPotentialTopics (subscription order, existing topics only).
    topics_of: BTreeMap<String, Vec<String>>,
    /// K topic2AllPotentialConsumers.
    members_of: BTreeMap<String, Vec<String>>,
    /// K currentAssignment.
    current: BTreeMap<String, Vec<Tp>>,
    /// K currentPartitionConsumer.
    owner: BTreeMap<Tp, String>,
    /// K sortedAllPartitions.
    sorted_all: Vec<Tp>,
    /// K sortedCurrentSubscriptions: a `TreeSet` ordered by (partition count, member id).
    sorted: Vec<String>,
    /// K prevAssignment: partitions owned in an older generation → (member, generation).
    prev: BTreeMap<Tp, (String, i32)>,
    movements: Movements,
    revocation_required: bool,
}

/// K GeneralAssignmentBuilder.build. `order` is the member ids in the Java `HashMap`
/// order of the subscriptions; `owned` the valid owned partitions (K
/// consumerToOwnedPartitions after conflicting claims were resolved).
pub(super) fn general(
    counts: &BTreeMap<String, u32>,
    members: &[Member],
    order: &[String],
    owned: BTreeMap<String, Vec<Tp>>,
) -> StickyResult {
    let mut b = Builder::new(counts, members, owned);
    b.prepopulate(members, order);
    let assigned = b.assign_owned(members);
    let unassigned: Vec<Tp> = b.sorted_all.iter().filter(|tp| !assigned.contains(*tp)).cloned().collect();
    for id in b.current.keys().cloned().collect::<Vec<_>>() {
        b.insert_sorted(id);
    }
    b.balance(unassigned);
    let transferring = transferring_ownership(members, &b.current);
    StickyResult { assignment: b.current.clone(), transferring, sticky: b.movements.is_sticky() }
}

/// K CooperativeStickyAssignor.computePartitionsTransferringOwnership (the general case
/// leaves K partitionsTransferringOwnership null): partitions assigned to a member that did
/// not own them while some member that owned them lost them.
fn transferring_ownership(members: &[Member], a: &BTreeMap<String, Vec<Tp>>) -> BTreeMap<Tp, String> {
    let mut added = BTreeMap::new();
    let mut revoked = BTreeSet::new();
    for m in members {
        let mine = &a[&m.id];
        added.extend(mine.iter().filter(|tp| !m.owned.contains(tp)).map(|tp| (tp.clone(), m.id.clone())));
        revoked.extend(m.owned.iter().filter(|tp| !mine.contains(tp)).cloned());
    }
    added.retain(|tp, _| revoked.contains(tp));
    added
}

impl<'a> Builder<'a> {
    /// K GeneralAssignmentBuilder's constructor.
    fn new(counts: &'a BTreeMap<String, u32>, members: &[Member], owned: BTreeMap<String, Vec<Tp>>) -> Builder<'a> {
        let mut members_of: BTreeMap<String, Vec<String>> = counts.keys().map(|t| (t.clone(), Vec::new())).collect();
        let mut topics_of = BTreeMap::new();
        for m in members {
            let mine: Vec<String> = m.topics.iter().filter(|t| counts.contains_key(*t)).cloned().collect();
            for t in &mine {
                members_of.get_mut(t).expect("known topic").push(m.id.clone());
            }
            topics_of.insert(m.id.clone(), mine);
        }
        let mut current = owned;
        for m in members {
            current.entry(m.id.clone()).or_default();
        }
        let owner = current.iter().flat_map(|(id, ps)| ps.iter().map(move |tp| (tp.clone(), id.clone()))).collect();
        let mut sorted_topics: Vec<&String> = counts.keys().collect();
        sorted_topics.sort_by(|a, b| members_of[*a].len().cmp(&members_of[*b].len()).then_with(|| jcmp(a, b)));
        let sorted_all = sorted_topics.iter().flat_map(|t| (0..counts[*t]).map(|p| ((*t).clone(), p))).collect();
        Builder {
            counts,
            topics_of,
            members_of,
            current,
            owner,
            sorted_all,
            sorted: Vec::new(),
            prev: BTreeMap::new(),
            movements: Movements::default(),
            revocation_required: false,
        }
    }

    /// K prepopulateCurrentAssignments / updatePrevAssignment: partitions claimed in a
    /// generation older than the newest remember their latest such owner (a member without
    /// a generation counts as −1); among equal generations the first in `order` stays.
    fn prepopulate(&mut self, members: &[Member], order: &[String]) {
        let max_gen = members.iter().map(|m| m.generation).max().unwrap_or(-1).max(-1);
        for id in order {
            let m = members.iter().find(|m| &m.id == id).expect("member");
            if m.generation >= max_gen {
                continue;
            }
            for tp in &m.owned {
                if self.prev.get(tp).is_none_or(|(_, g)| m.generation > *g) {
                    self.prev.insert(tp.clone(), (m.id.clone(), m.generation));
                }
            }
        }
    }

    /// K assignOwnedPartitions: owned partitions of topics the member no longer subscribes
    /// to are dropped (and force K revocationRequired); the rest stay and are returned.
    fn assign_owned(&mut self, members: &[Member]) -> BTreeSet<Tp> {
        let mut assigned = BTreeSet::new();
        for m in members {
            let list = self.current.get_mut(&m.id).expect("every member");
            let before = list.len();
            list.retain(|tp| m.topics.contains(&tp.0));
            self.revocation_required |= list.len() < before;
            assigned.extend(list.iter().cloned());
        }
        assigned
    }

    fn size(&self, id: &str) -> usize {
        self.current.get(id).map_or(0, Vec::len)
    }

    /// Adds to K sortedCurrentSubscriptions at its (count, id) place.
    fn insert_sorted(&mut self, id: String) {
        let key = self.size(&id);
        let at = self.sorted.partition_point(|o| self.size(o).cmp(&key).then_with(|| jcmp(o, &id)) == Ordering::Less);
        self.sorted.insert(at, id);
    }

    fn remove_sorted(&mut self, id: &str) {
        self.sorted.retain(|o| o != id);
    }

    /// The first member in K sortedCurrentSubscriptions that subscribes to `topic`.
    fn least_loaded(&self, topic: &str) -> Option<String> {
        self.sorted.iter().find(|id| self.topics_of[*id].iter().any(|t| t == topic)).cloned()
    }

    /// K getMaxAssignmentSize.
    fn max_size(&self, id: &str) -> usize {
        self.topics_of[id].iter().map(|t| self.counts[t] as usize).sum()
    }

    /// K canTopicParticipateInReassignment.
    fn topic_movable(&self, topic: &str) -> bool {
        self.members_of[topic].len() >= 2
    }

    /// K canConsumerParticipateInReassignment.
    fn member_movable(&self, id: &str) -> bool {
        self.size(id) < self.max_size(id) || self.current[id].iter().any(|tp| self.topic_movable(&tp.0))
    }

    /// K balance.
    fn balance(&mut self, mut unassigned: Vec<Tp>) {
        let initializing = self.sorted.last().is_none_or(|id| self.current[id].is_empty());
        // K maybeAssign / maybeAssignPartition (no racks): each to the least loaded subscriber.
        for tp in &unassigned {
            if let Some(id) = self.least_loaded(&tp.0) {
                self.remove_sorted(&id);
                self.current.get_mut(&id).expect("member").push(tp.clone());
                self.owner.insert(tp.clone(), id.clone());
                self.insert_sorted(id);
            }
        }
        let fixed_topics: BTreeSet<String> = self.counts.keys().filter(|t| !self.topic_movable(t)).cloned().collect();
        self.sorted_all.retain(|tp| !fixed_topics.contains(&tp.0));
        unassigned.retain(|tp| !fixed_topics.contains(&tp.0));
        let mut fixed = BTreeMap::new();
        for id in self.topics_of.keys().cloned().collect::<Vec<_>>() {
            if !self.member_movable(&id) {
                self.remove_sorted(&id);
                fixed.insert(id.clone(), self.current.remove(&id).expect("member"));
            }
        }
        let (pre, pre_owner) = (self.current.clone(), self.owner.clone());
        if !self.revocation_required {
            self.perform_reassignments(&unassigned);
        }
        let all = self.sorted_all.clone();
        let performed = self.perform_reassignments(&all);
        if !initializing && performed && balance_score(&self.current) >= balance_score(&pre) {
            self.current = pre;
            self.owner = pre_owner;
        }
        self.current.extend(fixed);
    }

    /// K performReassignments: sweeps the partitions while the assignment is not balanced,
    /// moving one back to its previous-generation owner or to the least loaded subscriber
    /// when its owner has at least two more; repeats while a sweep moved something.
    fn perform_reassignments(&mut self, partitions: &[Tp]) -> bool {
        let mut performed = false;
        loop {
            let mut modified = false;
            for tp in partitions {
                if self.is_balanced() {
                    break;
                }
                let owner = self.owner[tp].clone();
                let load = self.size(&owner);
                // As in Java the previous owner may no longer subscribe to the topic (the Java
                // consumer then rejoins); a previous owner outside the reassignable members
                // makes Java throw a NullPointerException, here the rule is skipped instead.
                let prev = self
                    .prev
                    .get(tp)
                    .map(|(p, _)| p.clone())
                    .filter(|p| self.current.contains_key(p) && load > self.size(p) + 1);
                let target = match prev {
                    Some(p) => Some(p),
                    None if self.members_of[&tp.0].iter().any(|o| load > self.size(o) + 1) => self.least_loaded(&tp.0),
                    None => None,
                };
                if let Some(to) = target {
                    let moved = self.movements.actual_partition_to_move(tp, &owner, &to);
                    self.process_movement(&moved, &to);
                    performed = true;
                    modified = true;
                }
            }
            if !modified {
                return performed;
            }
        }
    }

    /// K processPartitionMovement.
    fn process_movement(&mut self, tp: &Tp, new: &str) {
        let old = self.owner[tp].clone();
        self.remove_sorted(&old);
        self.remove_sorted(new);
        self.movements.move_partition(tp, &old, new);
        let list = self.current.get_mut(&old).expect("owner");
        let at = list.iter().position(|p| p == tp).expect("owned");
        list.remove(at);
        self.current.get_mut(new).expect("member").push(tp.clone());
        self.owner.insert(tp.clone(), new.to_string());
        self.insert_sorted(new.to_string());
        self.insert_sorted(old);
    }

    /// K isBalanced: counts within one, or no member short of its maximum could take a
    /// partition of its topics from a member holding at least two more.
    fn is_balanced(&self) -> bool {
        let (Some(first), Some(last)) = (self.sorted.first(), self.sorted.last()) else { return true };
        if self.size(first) + 1 >= self.size(last) {
            return true;
        }
        let holder: BTreeMap<&Tp, &String> =
            self.current.iter().flat_map(|(id, ps)| ps.iter().map(move |tp| (tp, id))).collect();
        for id in &self.sorted {
            let count = self.size(id);
            if count == self.max_size(id) {
                continue;
            }
            for t in &self.topics_of[id] {
                for p in 0..self.counts[t] {
                    let tp = (t.clone(), p);
                    if self.current[id].contains(&tp) {
                        continue;
                    }
                    if holder.get(&tp).is_some_and(|other| count + 1 < self.size(other)) {
                        return false;
                    }
                }
            }
        }
        true
    }
}

/// K getBalanceScore: the sum over member pairs of their difference in partition counts.
fn balance_score(a: &BTreeMap<String, Vec<Tp>>) -> usize {
    let sizes: Vec<usize> = a.values().map(Vec::len).collect();
    sizes.iter().enumerate().map(|(i, x)| sizes[i + 1..].iter().map(|y| x.abs_diff(*y)).sum::<usize>()).sum()
}

#[cfg(test)]
mod tests;
