//! Range and round-robin assignors against Kafka's own test cases (tests/vectors), and
//! properties for any input: every subscribed partition is assigned exactly once, only to
//! a subscriber; with equal subscriptions round robin is balanced within one.

use brokerlab::kafka::{Member, Strategy as Assignor, assign};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn vector(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn tp(s: &str) -> (String, u32) {
    let (t, p) = s.rsplit_once('-').unwrap();
    (t.to_string(), p.parse().unwrap())
}

fn run_vectors(file: &str, strategy: Assignor, as_sets: bool) -> usize {
    let v = vector(file);
    let cases = v["cases"].as_array().unwrap();
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let parts: BTreeMap<String, u32> =
            c["partitions"].as_object().unwrap().iter().map(|(t, n)| (t.clone(), n.as_u64().unwrap() as u32)).collect();
        let members: Vec<Member> = c["members"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(id, m)| Member {
                id: id.clone(),
                instance_id: m.get("group_instance_id").and_then(|i| i.as_str()).map(String::from),
                topics: m["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect(),
                owned: m
                    .get("owned")
                    .map(|o| o.as_array().unwrap().iter().map(|p| tp(p.as_str().unwrap())).collect())
                    .unwrap_or_default(),
                generation: m.get("generation").and_then(|g| g.as_i64()).unwrap_or(-1) as i32,
            })
            .collect();
        let got = assign(strategy, &parts, &members);
        for (id, want) in c["expected"].as_object().unwrap() {
            let want: Vec<String> = want.as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
            let mut have: Vec<String> = got[id].iter().map(|(t, p)| format!("{t}-{p}")).collect();
            let mut want = want;
            if as_sets {
                have.sort();
                want.sort();
            }
            assert_eq!(have, want, "{file}: {name}: member {id}");
        }
    }
    cases.len()
}

#[test]
fn range_assignor_matches_kafka_range_assignor_test() {
    assert_eq!(run_vectors("kafka_range_assignor.json", Assignor::Range, true), 21);
}

#[test]
fn round_robin_assignor_matches_kafka_round_robin_assignor_test() {
    assert_eq!(run_vectors("kafka_roundrobin_assignor.json", Assignor::RoundRobin, false), 14);
}

fn group() -> impl Strategy<Value = (BTreeMap<String, u32>, Vec<Member>)> {
    let topics = prop::collection::btree_map("[a-d]", 1u32..7, 1..4);
    topics.prop_flat_map(|parts| {
        let names: Vec<String> = parts.keys().cloned().collect();
        let member = (prop::sample::subsequence(names.clone(), 1..=names.len()), prop::option::of("[xy][0-9]"));
        (Just(parts), prop::collection::vec(member, 1..6)).prop_map(|(parts, ms)| {
            let members = ms
                .into_iter()
                .enumerate()
                .map(|(i, (topics, inst))| Member::new(&format!("m{i}"), inst.map(|s| format!("{s}-{i}")), topics))
                .collect();
            (parts, members)
        })
    })
}

proptest! {
    #[test]
    fn every_subscribed_partition_goes_to_exactly_one_subscriber((parts, members) in group()) {
        for strategy in [Assignor::Range, Assignor::RoundRobin, Assignor::Sticky, Assignor::CooperativeSticky] {
            let a = assign(strategy, &parts, &members);
            let mut seen = BTreeSet::new();
            for m in &members {
                for (t, p) in &a[&m.id] {
                    prop_assert!(m.topics.contains(t), "{strategy:?}: {} got {t}-{p} without subscribing", m.id);
                    prop_assert!(seen.insert((t.clone(), *p)), "{strategy:?}: {t}-{p} assigned twice");
                }
            }
            let subscribed: usize = parts.iter().filter(|(t, _)| members.iter().any(|m| m.topics.contains(t))).map(|(_, n)| *n as usize).sum();
            prop_assert_eq!(seen.len(), subscribed);
        }
    }

    #[test]
    fn round_robin_with_equal_subscriptions_is_balanced_within_one((parts, members) in group()) {
        let all: Vec<String> = parts.keys().cloned().collect();
        let members: Vec<Member> = members.into_iter().map(|m| Member { topics: all.clone(), ..m }).collect();
        let a = assign(Assignor::RoundRobin, &parts, &members);
        let sizes: Vec<usize> = a.values().map(|v| v.len()).collect();
        prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{:?}", sizes);
    }
}

fn sticky_members(c: &Value) -> Vec<Member> {
    c["members"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, m)| Member {
            id: id.clone(),
            instance_id: None,
            topics: m["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect(),
            owned: m
                .get("owned")
                .map(|o| o.as_array().unwrap().iter().map(|p| tp(p.as_str().unwrap())).collect())
                .unwrap_or_default(),
            generation: m.get("generation").and_then(|g| g.as_i64()).unwrap_or(-1) as i32,
        })
        .collect()
}

fn names(v: &[(String, u32)]) -> Vec<String> {
    v.iter().map(|(t, p)| format!("{t}-{p}")).collect()
}

#[test]
fn sticky_assignor_matches_kafka_sticky_assignor_tests() {
    use brokerlab::kafka::assignor::sticky::{assign as sticky, cooperative_round};
    let v = vector("kafka_sticky_assignor.json");
    let cases = v["cases"].as_array().unwrap();
    let mut exact = 0;
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let parts: BTreeMap<String, u32> =
            c["partitions"].as_object().unwrap().iter().map(|(t, n)| (t.clone(), n.as_u64().unwrap() as u32)).collect();
        let r = sticky(&parts, &sticky_members(c));
        let as_set = c["compare"] == "set";
        for (id, want) in c["expected"].as_object().unwrap() {
            let mut want: Vec<String> =
                want.as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
            let mut have = names(&r.assignment[id]);
            if as_set {
                have.sort();
                want.sort();
            }
            assert_eq!(have, want, "{name}: member {id}");
        }
        if let Some(t) = c.get("transferring").and_then(|t| t.as_object()) {
            let have: BTreeMap<String, String> =
                r.transferring.iter().map(|((t, p), to)| (format!("{t}-{p}"), to.clone())).collect();
            let want: BTreeMap<String, String> =
                t.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().into())).collect();
            assert_eq!(have, want, "{name}: partitions transferring ownership");
        }
        if let Some(first) = c.get("cooperative_first_round").and_then(|t| t.as_object()) {
            let round = cooperative_round(&r);
            for (id, want) in first {
                let want: Vec<String> =
                    want.as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
                assert_eq!(names(&round[id]), want, "{name}: cooperative first round, member {id}");
            }
        }
        exact += 1;
    }
    assert_eq!(exact, 24);
}

fn equal_group() -> impl Strategy<Value = (BTreeMap<String, u32>, Vec<Member>)> {
    (prop::collection::btree_map("[a-c]", 1u32..7, 1..3), 1usize..7).prop_map(|(parts, n)| {
        let topics: Vec<String> = parts.keys().cloned().collect();
        let members = (0..n).map(|i| Member::new(&format!("consumer{i}"), None, topics.clone())).collect();
        (parts, members)
    })
}

proptest! {
    #[test]
    fn sticky_is_balanced_within_one_and_keeps_owned_partitions_after_a_member_leaves((parts, members) in equal_group()) {
        use brokerlab::kafka::assignor::sticky::assign as sticky;
        let first = sticky(&parts, &members);
        let sizes: Vec<usize> = first.assignment.values().map(|v| v.len()).collect();
        prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{:?}", sizes);
        // The last member leaves; the others report what they own.
        let rest: Vec<Member> = members[..members.len().saturating_sub(1)].iter().map(|m| Member {
            owned: first.assignment[&m.id].clone(), generation: 1, ..m.clone()
        }).collect();
        prop_assume!(!rest.is_empty());
        let second = sticky(&parts, &rest);
        for m in &rest {
            for p in &first.assignment[&m.id] {
                prop_assert!(second.assignment[&m.id].contains(p), "{} lost {:?} although nobody needed it", m.id, p);
            }
        }
        let sizes: Vec<usize> = second.assignment.values().map(|v| v.len()).collect();
        prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{:?}", sizes);
    }
}
