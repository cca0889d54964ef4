//! Range and round-robin assignors against Kafka's own test cases (tests/vectors), and
//! properties for any input: every subscribed partition is assigned exactly once, only to
//! a subscriber; with equal subscriptions round robin is balanced within one.

use brokerlab::kafka::assignor::{Member, Strategy as Assignor, assign};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn vector(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
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
                .map(|(i, (topics, inst))| Member {
                    id: format!("m{i}"),
                    instance_id: inst.map(|s| format!("{s}-{i}")),
                    topics,
                })
                .collect();
            (parts, members)
        })
    })
}

proptest! {
    #[test]
    fn every_subscribed_partition_goes_to_exactly_one_subscriber((parts, members) in group()) {
        for strategy in [Assignor::Range, Assignor::RoundRobin] {
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
