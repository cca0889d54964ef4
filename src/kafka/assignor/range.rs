//! Partition assignors, exactly as the Java client computes them, so the group protocol
//! (and `brokerlab explain assign`) hand out the same partitions Kafka would.
//! Member order (K AbstractPartitionAssignor.MemberInfo.compareTo): members with a
//! group.instance.id first, by instance id; then the rest by member id.
//! Sticky and cooperative-sticky live in `sticky`.

use std::collections::BTreeMap;

use crate::kafka::assignor::member::{Assignment, Member};
pub use crate::trace::Strategy;

/// Members in the order the Java assignors use.
pub fn member_order(members: &[Member]) -> Vec<&Member> {
    let mut v: Vec<&Member> = members.iter().collect();
    // Java compares Strings by UTF-16 code units; for these ids that is the order of chars.
    let key = |m: &&Member| {
        (
            m.instance_id.is_none(),
            m.instance_id.clone().unwrap_or_default().encode_utf16().collect::<Vec<u16>>(),
            m.id.encode_utf16().collect::<Vec<u16>>(),
        )
    };
    v.sort_by_key(key);
    v
}

/// Runs the assignor. `partitions` maps topic → partition count; topics nobody knows
/// about are skipped, as the Java assignors skip topics without metadata.
/// Sticky assignors return their own order (the lists Kafka's tests compare); for
/// cooperative-sticky this is the eager result, before `sticky::cooperative_round`.
pub fn assign(strategy: Strategy, partitions: &BTreeMap<String, u32>, members: &[Member]) -> Assignment {
    if matches!(strategy, Strategy::Sticky | Strategy::CooperativeSticky) {
        return crate::kafka::assignor::sticky::assign(partitions, members).assignment;
    }
    let mut out: Assignment = members.iter().map(|m| (m.id.clone(), Vec::new())).collect();
    let ordered = member_order(members);
    match strategy {
        Strategy::Range => {
            for (topic, &n) in partitions {
                let subs: Vec<&&Member> = ordered.iter().filter(|m| m.topics.contains(topic)).collect();
                if subs.is_empty() {
                    continue;
                }
                let (q, r) = (n as usize / subs.len(), n as usize % subs.len());
                for (i, m) in subs.iter().enumerate() {
                    let start = q * i + i.min(r);
                    let len = q + usize::from(i < r);
                    out.get_mut(&m.id)
                        .expect("every member")
                        .extend((start..start + len).map(|p| (topic.clone(), p as u32)));
                }
            }
        }
        Strategy::Sticky | Strategy::CooperativeSticky => unreachable!("handled above"),
        Strategy::RoundRobin => {
            if ordered.is_empty() {
                return out;
            }
            let mut next = 0usize;
            for (topic, &n) in partitions.iter().filter(|(t, _)| ordered.iter().any(|m| m.topics.contains(t))) {
                for p in 0..n {
                    while !ordered[next % ordered.len()].topics.contains(topic) {
                        next += 1;
                    }
                    let m = ordered[next % ordered.len()];
                    out.get_mut(&m.id).expect("every member").push((topic.clone(), p));
                    next += 1;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: &str, topics: &[&str]) -> Member {
        Member::new(id, None, topics.iter().map(|t| t.to_string()).collect())
    }

    #[test]
    fn javadoc_examples() {
        let parts: BTreeMap<String, u32> = [("t0".to_string(), 3), ("t1".to_string(), 3)].into();
        let both = [m("C0", &["t0", "t1"]), m("C1", &["t0", "t1"])];
        let r = assign(Strategy::Range, &parts, &both);
        assert_eq!(r["C0"], vec![("t0".into(), 0), ("t0".into(), 1), ("t1".into(), 0), ("t1".into(), 1)]);
        assert_eq!(r["C1"], vec![("t0".into(), 2), ("t1".into(), 2)]);
        let rr = assign(Strategy::RoundRobin, &parts, &both);
        assert_eq!(rr["C0"], vec![("t0".into(), 0), ("t0".into(), 2), ("t1".into(), 1)]);
        assert_eq!(rr["C1"], vec![("t0".into(), 1), ("t1".into(), 0), ("t1".into(), 2)]);
    }
}
