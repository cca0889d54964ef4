//! The sticky and cooperative-sticky assignors (K AbstractStickyAssignor,
//! CooperativeStickyAssignor). Equal subscriptions follow `ConstrainedAssignmentBuilder`
//! step by step, including the Java `HashMap` iteration order over member ids that decides
//! which owner keeps a partition; unequal subscriptions follow `GeneralAssignmentBuilder`
//! (`sticky_general`). Racks are not modelled, so the rack-aware variants never apply.

use crate::kafka::assignor::member::{Assignment, Member};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::kafka::assignor::java_hash::java_hashmap_order;
use crate::kafka::assignor::member::StickyResult;
use crate::kafka::assignor::member::Tp;

/// Owned partitions after dropping unsubscribed topics and resolving conflicting claims
/// (K `allSubscriptionsEqual`): the higher generation keeps a partition; equal generations
/// lose it (it becomes "multiply claimed").
fn owned_partitions(
    members: &[Member],
    order: &[String],
    topics: &BTreeMap<String, u32>,
) -> (BTreeMap<String, Vec<Tp>>, BTreeSet<Tp>) {
    let by_id: BTreeMap<&str, &Member> = members.iter().map(|m| (m.id.as_str(), m)).collect();
    let mut owned: BTreeMap<String, Vec<Tp>> = BTreeMap::new();
    let mut owner_of: BTreeMap<Tp, String> = BTreeMap::new();
    let mut multiply = BTreeSet::new();
    for id in order {
        let m = by_id[id.as_str()];
        owned.insert(id.clone(), Vec::new());
        for tp in &m.owned {
            if topics.get(&tp.0).is_none_or(|&n| tp.1 >= n) {
                continue;
            }
            match owner_of.insert(tp.clone(), id.clone()) {
                None => owned.get_mut(id).expect("inserted").push(tp.clone()),
                Some(other) => {
                    let other_gen = by_id[other.as_str()].generation;
                    if m.generation == other_gen {
                        multiply.insert(tp.clone());
                        owned.get_mut(&other).expect("seen").retain(|p| p != tp);
                    } else if m.generation > other_gen {
                        owned.get_mut(id).expect("inserted").push(tp.clone());
                        owned.get_mut(&other).expect("seen").retain(|p| p != tp);
                    } else {
                        owner_of.insert(tp.clone(), other);
                    }
                }
            }
        }
    }
    (owned, multiply)
}

/// K allSubscriptionsEqual, in subscription (`HashMap`) order: the first non-empty
/// subscription is the reference (an empty one before it is skipped, as in Java); a list
/// equals it when it has as many entries, all in the reference.
fn all_subscriptions_equal(members: &[Member], order: &[String]) -> bool {
    let mut reference: BTreeSet<&String> = BTreeSet::new();
    for id in order {
        let topics = &members.iter().find(|m| &m.id == id).expect("member").topics;
        if reference.is_empty() {
            reference = topics.iter().collect();
        } else if topics.len() != reference.len() || !topics.iter().all(|t| reference.contains(t)) {
            return false;
        }
    }
    true
}

/// Runs the sticky assignment (eager result; see `cooperative_round` for the first
/// cooperative round). `partitions` maps topic → count.
pub fn assign(partitions: &BTreeMap<String, u32>, members: &[Member]) -> StickyResult {
    let subscribed: BTreeSet<&String> = members.iter().flat_map(|m| m.topics.iter()).collect();
    // K AbstractPartitionAssignor.assign skips topics without partitions.
    let topics: BTreeMap<String, u32> =
        partitions.iter().filter(|(t, n)| **n > 0 && subscribed.contains(t)).map(|(t, n)| (t.clone(), *n)).collect();
    let ids: Vec<String> = members.iter().map(|m| m.id.clone()).collect();
    let order = java_hashmap_order(&ids);
    let (owned, multiply) = owned_partitions(members, &order, &topics);
    let equal = all_subscriptions_equal(members, &order);
    if equal {
        constrained(&topics, &order, owned, &multiply)
    } else {
        crate::kafka::assignor::sticky_general::general(&topics, members, &order, owned)
    }
}

/// K ConstrainedAssignmentBuilder (every member subscribes to the same topics).
fn constrained(
    topics: &BTreeMap<String, u32>,
    order: &[String],
    owned: BTreeMap<String, Vec<Tp>>,
    multiply: &BTreeSet<Tp>,
) -> StickyResult {
    let mut out = StickyResult { sticky: true, ..StickyResult::default() };
    let total: usize = topics.values().map(|&n| n as usize).sum();
    let m = order.len();
    if m == 0 {
        return out;
    }
    let quota = Quota { min: total / m, max: total.div_ceil(m), expected_max: total % m };
    let kept = keep_owned(order, owned, multiply, &quota, &mut out);
    assign_unassigned(topics, multiply, &quota, kept, &mut out);
    out
}

/// K ConstrainedAssignmentBuilder's quotas: every member gets `min` or `max` partitions,
/// and `expected_max` members get `max`.
struct Quota {
    min: usize,
    max: usize,
    expected_max: usize,
}

/// What `keep_owned` leaves for `assign_unassigned`.
struct Kept {
    /// Members below the minimum quota (K unfilledMembersWithUnderMinQuotaPartitions).
    unfilled: Vec<String>,
    /// Members at the minimum quota that may still take one more
    /// (K unfilledMembersWithExactlyMinQuotaPartitions).
    at_min: VecDeque<String>,
    /// Owned partitions over quota, given up by their owner.
    revoked: BTreeSet<Tp>,
    /// Partitions kept by their owner.
    assigned: BTreeSet<Tp>,
}

/// K assignOwnedPartitions: each member keeps its owned partitions up to its quota.
fn keep_owned(
    order: &[String],
    mut owned: BTreeMap<String, Vec<Tp>>,
    multiply: &BTreeSet<Tp>,
    q: &Quota,
    out: &mut StickyResult,
) -> Kept {
    let mut current_max = 0usize;
    let mut kept =
        Kept { unfilled: Vec::new(), at_min: VecDeque::new(), revoked: BTreeSet::new(), assigned: BTreeSet::new() };
    for id in order {
        let mut mine = owned.remove(id).unwrap_or_default();
        mine.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        mine.retain(|tp| !multiply.contains(tp));
        let keep = if mine.len() < q.min {
            kept.unfilled.push(id.clone());
            mine.len()
        } else if mine.len() >= q.max && current_max < q.expected_max {
            current_max += 1;
            if current_max == q.expected_max {
                kept.at_min.clear();
            }
            q.max
        } else {
            if current_max < q.expected_max {
                kept.at_min.push_back(id.clone());
            }
            q.min
        };
        kept.revoked.extend(mine.drain(keep..));
        kept.assigned.extend(mine.iter().cloned());
        out.assignment.insert(id.clone(), mine);
    }
    kept
}

/// K assignNewPartitions: the partitions nobody kept go round-robin to the members under
/// quota, then one each to members at the minimum.
fn assign_unassigned(
    topics: &BTreeMap<String, u32>,
    multiply: &BTreeSet<Tp>,
    q: &Quota,
    kept: Kept,
    out: &mut StickyResult,
) {
    let Kept { mut unfilled, mut at_min, revoked, assigned } = kept;
    let unassigned: Vec<Tp> = topics
        .iter()
        .flat_map(|(t, &n)| (0..n).map(move |p| (t.clone(), p)))
        .filter(|tp| !assigned.contains(tp))
        .collect();
    unfilled.sort();
    at_min.make_contiguous().sort();
    let mut cursor = 0usize; // the iterator over `unfilled`
    for tp in unassigned {
        let (id, from_iter) = if cursor < unfilled.len() {
            cursor += 1;
            (unfilled[cursor - 1].clone(), true)
        } else if !unfilled.is_empty() {
            cursor = 1;
            (unfilled[0].clone(), true)
        } else {
            let Some(id) = at_min.pop_front() else {
                panic!("sticky assignor ran out of members with partitions left (a bug)");
            };
            (id, false)
        };
        let list = out.assignment.get_mut(&id).expect("every member");
        list.push(tp.clone());
        if revoked.contains(&tp) || multiply.contains(&tp) {
            out.transferring.insert(tp.clone(), id.clone());
        }
        let count = list.len();
        // (Java also counts members reaching maxQuota here, only to log a warning.)
        if count == q.min && from_iter {
            cursor -= 1;
            unfilled.remove(cursor);
            at_min.push_back(id);
        }
    }
}

/// K CooperativeStickyAssignor.adjustAssignment: partitions changing owner are withheld
/// from their new owner this round; the old owner revokes them and rejoins, and the
/// follow-up rebalance hands them over.
pub fn cooperative_round(r: &StickyResult) -> Assignment {
    let mut a = r.assignment.clone();
    for (tp, to) in &r.transferring {
        if let Some(list) = a.get_mut(to) {
            list.retain(|p| p != tp);
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::assignor::java_hash::java_hash;

    #[test]
    fn hashmap_order_of_consumer_ids_matches_java() {
        let ids: Vec<String> = (1..=4).map(|i| format!("consumer{i}")).collect();
        assert_eq!(java_hashmap_order(&ids), vec!["consumer4", "consumer3", "consumer2", "consumer1"]);
        // SEMANTICS §1.4.1: "my-group" lives in __consumer_offsets partition 12 of 50.
        assert_eq!(java_hash("my-group").unsigned_abs() % 50, 12);
    }
}
