//! The sticky assignors with unequal subscriptions (K GeneralAssignmentBuilder) against the
//! cases of Kafka's AbstractStickyAssignorTest / StickyAssignorTest
//! (tests/vectors/kafka_sticky_assignor_general.json): the exact assignments those tests
//! assert, the properties they check (verifyValidityAndBalance, isFullyBalanced, isSticky,
//! CooperativeStickyAssignorTest's follow-up rebalances), and the exact output of Kafka's
//! own AbstractStickyAssignor on the same inputs.

use brokerlab::kafka::Member;
use brokerlab::kafka::StickyResult;
use brokerlab::kafka::assignor::sticky::{assign, cooperative_round};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

type Tp = (String, u32);
type Assignment = BTreeMap<String, Vec<Tp>>;

fn tp(s: &str) -> Tp {
    let (t, p) = s.rsplit_once('-').unwrap();
    (t.to_string(), p.parse().unwrap())
}

fn tps(v: &Value) -> Vec<Tp> {
    v.as_array().unwrap().iter().map(|p| tp(p.as_str().unwrap())).collect()
}

fn names(v: &[Tp]) -> Vec<String> {
    v.iter().map(|(t, p)| format!("{t}-{p}")).collect()
}

/// One step's members; `owned: {"from_step": k}` is this member's result after step k.
fn members(step: &Value, results: &[Assignment]) -> Vec<Member> {
    let to_strings = |v: &Value| v.as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
    step["members"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, m)| Member {
            id: id.clone(),
            instance_id: None,
            topics: to_strings(&m["topics"]),
            owned: match m.get("owned") {
                None => Vec::new(),
                Some(Value::Object(o)) => results[o["from_step"].as_u64().unwrap() as usize - 1][id].clone(),
                Some(list) => tps(list),
            },
            generation: m.get("generation").and_then(|g| g.as_i64()).unwrap_or(-1) as i32,
        })
        .collect()
}

/// K AbstractStickyAssignorTest.verifyValidityAndBalance: every partition goes to a
/// subscriber and to one member only; two members whose counts differ by more than one
/// have no topic in common.
fn valid_and_balanced(ms: &[Member], a: &Assignment) -> Result<(), String> {
    let ids: Vec<&String> = a.keys().collect();
    for (i, id) in ids.iter().enumerate() {
        let m = ms.iter().find(|m| &m.id == *id).ok_or(format!("{id} is not a member"))?;
        if let Some(p) = a[*id].iter().find(|p| !m.topics.contains(&p.0)) {
            return Err(format!("{p:?} assigned to {id}, which does not subscribe to it"));
        }
        for other in &ids[i + 1..] {
            let (mine, theirs) = (&a[*id], &a[*other]);
            if let Some(p) = mine.iter().find(|p| theirs.contains(p)) {
                return Err(format!("{p:?} assigned to both {id} and {other}"));
            }
            if mine.len().abs_diff(theirs.len()) > 1 {
                let topics: BTreeSet<&String> = mine.iter().map(|p| &p.0).collect();
                if let Some(p) = theirs.iter().find(|p| topics.contains(&p.0)) {
                    return Err(format!("{id} and {other} differ by more than one but share topic {}", p.0));
                }
            }
        }
    }
    Ok(())
}

/// K isFullyBalanced.
fn fully_balanced(a: &Assignment) -> bool {
    let sizes: Vec<usize> = a.values().map(Vec::len).collect();
    sizes.iter().max().unwrap_or(&0) - sizes.iter().min().unwrap_or(&0) <= 1
}

/// K CooperativeStickyAssignorTest.verifyValidityAndBalance: the cooperative round, then
/// follow-up rebalances with what each member now owns (generation 1) until nothing is
/// revoked; no round may assign a partition that is being revoked.
fn cooperative_converges(parts: &BTreeMap<String, u32>, first: &[Member], r: &StickyResult) -> Result<(), String> {
    let mut ms = first.to_vec();
    let mut a = cooperative_round(r);
    for _ in 0..=4 {
        let mut added = BTreeSet::new();
        let mut revoked = BTreeSet::new();
        for m in &ms {
            added.extend(a[&m.id].iter().filter(|p| !m.owned.contains(p)).cloned());
            revoked.extend(m.owned.iter().filter(|p| !a[&m.id].contains(p)).cloned());
        }
        if let Some(p) = added.intersection(&revoked).next() {
            return Err(format!("{p:?} revoked and assigned in the same cooperative round"));
        }
        if revoked.is_empty() {
            return valid_and_balanced(&ms, &a);
        }
        ms = ms.into_iter().map(|m| Member { owned: a[&m.id].clone(), generation: 1, ..m }).collect();
        a = cooperative_round(&assign(parts, &ms));
    }
    Err("more than four follow-up rebalances".into())
}

/// `member@k` (result after step k) or `member@ownedk` (owned input of step k).
fn lookup(r: &str, results: &[Assignment], inputs: &[Vec<Member>]) -> BTreeSet<Tp> {
    let (id, at) = r.split_once('@').unwrap();
    let list = match at.strip_prefix("owned") {
        Some(k) => inputs[k.parse::<usize>().unwrap() - 1].iter().find(|m| m.id == id).unwrap().owned.clone(),
        None => results[at.parse::<usize>().unwrap() - 1][id].clone(),
    };
    list.into_iter().collect()
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array().unwrap().iter().map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into())).collect()
}

/// The Java test's own asserts for one step.
fn check_asserts(what: &str, s: &Value, ms: &[Member], r: &StickyResult, ctx: (&[Assignment], &[Vec<Member>])) {
    let Some(x) = s.get("asserts") else { return };
    let a = &r.assignment;
    let parts: BTreeMap<String, u32> =
        s["partitions"].as_object().unwrap().iter().map(|(t, n)| (t.clone(), n.as_u64().unwrap() as u32)).collect();
    if x.get("valid_and_balanced").is_some() {
        valid_and_balanced(ms, a).unwrap_or_else(|e| panic!("{what}: verifyValidityAndBalance: {e}"));
        cooperative_converges(&parts, ms, r).unwrap_or_else(|e| panic!("{what}: cooperative: {e}"));
    }
    if x.get("fully_balanced").is_some() {
        assert!(fully_balanced(a), "{what}: isFullyBalanced: {a:?}");
    }
    if x.get("is_sticky").is_some() {
        assert!(r.sticky, "{what}: isSticky");
    }
    for (id, n) in x.get("sizes").and_then(Value::as_object).into_iter().flatten() {
        assert_eq!(a[id].len() as u64, n.as_u64().unwrap(), "{what}: size of {id}");
    }
    let set = |r: &str| lookup(r, ctx.0, ctx.1);
    for (l, r) in x.get("superset").map(pairs).unwrap_or_default() {
        assert!(set(&l).is_superset(&set(&r)), "{what}: {l} contains {r}");
    }
    for (l, r) in x.get("intersects").map(pairs).unwrap_or_default() {
        assert!(!set(&l).is_disjoint(&set(&r)), "{what}: {l} meets {r}");
    }
    for (l, r) in x.get("disjoint").map(pairs).unwrap_or_default() {
        assert!(set(&l).is_disjoint(&set(&r)), "{what}: {l} apart from {r}");
    }
    let all: Vec<&Tp> = a.values().flatten().collect();
    if let Some(n) = x.get("total") {
        assert_eq!(all.len() as u64, n.as_u64().unwrap(), "{what}: total");
    }
    if x.get("no_duplicates").is_some() {
        assert_eq!(all.iter().collect::<BTreeSet<_>>().len(), all.len(), "{what}: a partition twice");
    }
    if let Some(range) = x.get("size_range") {
        let (lo, hi) = (range[0].as_u64().unwrap() as usize, range[1].as_u64().unwrap() as usize);
        assert!(a.values().all(|v| (lo..=hi).contains(&v.len())), "{what}: sizes outside {lo}..={hi}: {a:?}");
    }
}

/// `expected` / `cooperative_first_round` (asserted by the Java test) and `java_output` /
/// `java_transferring` (Kafka's code run on the same input), compared as lists or sets.
fn check_exact(what: &str, s: &Value, r: &StickyResult) {
    let as_set = s["compare"] == "set";
    let round = cooperative_round(r);
    for (key, got, set) in [
        ("expected", &r.assignment, as_set),
        ("cooperative_first_round", &round, as_set),
        ("java_output", &r.assignment, false),
    ] {
        for (id, want) in s.get(key).and_then(Value::as_object).into_iter().flatten() {
            let mut want: Vec<String> = names(&tps(want));
            let mut have = names(&got[id]);
            if set {
                want.sort();
                have.sort();
            }
            assert_eq!(have, want, "{what}: {key}, member {id}");
        }
    }
    for key in ["transferring", "java_transferring"] {
        if let Some(t) = s.get(key).and_then(Value::as_object) {
            let have: BTreeMap<String, String> =
                r.transferring.iter().map(|((t, p), to)| (format!("{t}-{p}"), to.clone())).collect();
            let want: BTreeMap<String, String> =
                t.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().into())).collect();
            assert_eq!(have, want, "{what}: {key}");
        }
    }
}

#[test]
fn sticky_general_case_matches_kafka() {
    let path = format!("{}/tests/vectors/kafka_sticky_assignor_general.json", env!("CARGO_MANIFEST_DIR"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut steps = 0;
    for c in v["cases"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let (mut results, mut inputs): (Vec<Assignment>, Vec<Vec<Member>>) = (Vec::new(), Vec::new());
        for (i, s) in c["steps"].as_array().unwrap().iter().enumerate() {
            let what = format!("{name}, step {}", i + 1);
            let parts: BTreeMap<String, u32> = s["partitions"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(t, n)| (t.clone(), n.as_u64().unwrap() as u32))
                .collect();
            let ms = members(s, &results);
            let r = assign(&parts, &ms);
            results.push(r.assignment.clone());
            inputs.push(ms.clone());
            check_exact(&what, s, &r);
            check_asserts(&what, s, &ms, &r, (&results, &inputs));
            steps += 1;
        }
    }
    assert_eq!(steps, 26);
}
