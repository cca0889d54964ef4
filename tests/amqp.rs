//! The RabbitMQ model against RabbitMQ's own test cases (tests/vectors): topic routing
//! (routing_SUITE's 27 bindings in two phases, rabbit_db_topic_exchange_SUITE's cases),
//! the headers exchange; a property test of the topic matcher against a plain recursive
//! reference; and queue behaviours: requeue keeps the place, TTL only at the head, length
//! limits, delivery limit, restart durability.

use brokerlab::amqp::exchange::{Binding, Dest, Exchange, ExchangeKind, headers_match, route, topic_matches, words};
use brokerlab::amqp::queue::{Enqueued, Overflow, Queue, QueueCfg};
use brokerlab::amqp::{DeathReason, Message};
use brokerlab::sim::{Dur, NodeId, SimTime};
use brokerlab::trace::MsgId;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

fn vector(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn topic_exchange(bindings: &[(String, String)]) -> BTreeMap<String, Exchange> {
    let bindings = bindings
        .iter()
        .map(|(k, q)| {
            let dest = match q.strip_prefix("exchange:") {
                Some(x) => Dest::Exchange(x.to_string()),
                None => Dest::Queue(q.clone()),
            };
            Binding { dest, key: k.clone(), args: vec![] }
        })
        .collect();
    [("t".to_string(), Exchange { kind: ExchangeKind::Topic, bindings, alternate: None })].into()
}

/// Destinations as the suites list them: queues and `exchange:X` for e2e bindings.
fn matched(x: &BTreeMap<String, Exchange>, key: &str) -> BTreeSet<String> {
    x["t"]
        .bindings
        .iter()
        .filter(|b| topic_matches(&b.key, key))
        .map(|b| match &b.dest {
            Dest::Queue(q) => q.clone(),
            Dest::Exchange(e) => format!("exchange:{e}"),
        })
        .collect()
}

#[test]
fn topic_routing_matches_rabbitmq_routing_suite_both_phases() {
    let v = vector("rabbitmq_topic_matching.json");
    let suite = &v["routing_suite"];
    let all: Vec<(usize, String, String)> = suite["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["index"].as_u64().unwrap() as usize,
                b["binding_key"].as_str().unwrap().into(),
                b["queue"].as_str().unwrap().into(),
            )
        })
        .collect();
    let removed: Vec<usize> = suite["phase2_removed_binding_indexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_u64().unwrap() as usize)
        .collect();
    for (phase, keep) in [("phase1_expected", None), ("phase2_expected", Some(&removed))] {
        let bindings: Vec<(String, String)> = all
            .iter()
            .filter(|(i, _, _)| keep.is_none_or(|r| !r.contains(i)))
            .map(|(_, k, q)| (k.clone(), q.clone()))
            .collect();
        let x = topic_exchange(&bindings);
        for case in suite[phase].as_array().unwrap() {
            let key = case["routing_key"].as_str().unwrap();
            let want: BTreeSet<String> =
                case["queues"].as_array().unwrap().iter().map(|q| q.as_str().unwrap().into()).collect();
            let exists = |_: &str| true;
            let got = route(&x, &exists, "t", key, &[]).queues;
            assert_eq!(got, want, "{phase}: routing key {key:?}");
        }
    }
}

#[test]
fn topic_routing_matches_rabbitmq_db_topic_exchange_suite() {
    let v = vector("rabbitmq_topic_matching.json");
    let mut n = 0;
    for case in v["db_topic_exchange_suite"]["cases"].as_array().unwrap() {
        let bindings: Vec<(String, String)> = case["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| (b[0].as_str().unwrap().into(), b[1].as_str().unwrap().into()))
            .collect();
        let x = topic_exchange(&bindings);
        if let Some(e) = case.get("expect") {
            for (key, want) in e.as_object().unwrap() {
                let want: BTreeSet<String> =
                    want.as_array().unwrap().iter().map(|q| q.as_str().unwrap().into()).collect();
                assert_eq!(matched(&x, key), want, "{}: {key:?}", case["name"]);
                n += 1;
            }
        }
    }
    assert!(n >= 25, "{n} cases");
}

fn typed(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

#[test]
fn headers_exchange_matches_rabbitmq_exchanges_suite() {
    let v = vector("rabbitmq_headers_exchange.json");
    for case in v["cases"].as_array().unwrap() {
        for m in case["messages"].as_array().unwrap() {
            let headers: Vec<(String, String)> = m["headers"]
                .as_array()
                .map(|h| h.iter().map(|x| (x[0].as_str().unwrap().into(), typed(&x[2]).unwrap_or_default())).collect())
                .unwrap_or_default();
            let mut got = BTreeSet::new();
            for b in case["bindings"].as_array().unwrap() {
                let args: Vec<(String, Option<String>)> = b["args"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| (a[0].as_str().unwrap().into(), typed(&a[2])))
                    .collect();
                if headers_match(&args, &headers) {
                    got.insert(b["queue"].as_str().unwrap().to_string());
                }
            }
            let want: BTreeSet<String> =
                m["routed_to"].as_array().unwrap().iter().map(|q| q.as_str().unwrap().into()).collect();
            assert_eq!(got, want, "{}: {}", case["name"], m["id"]);
        }
    }
}

/// The matching rule of SEMANTICS §2.2 written as plain recursion (exponential, fine small).
fn reference(f: &[&str], w: &[&str]) -> bool {
    match (f.first(), w.first()) {
        (None, None) => true,
        (Some(&"#"), _) => (0..=w.len()).any(|i| reference(&f[1..], &w[i..])),
        (Some(&"*"), Some(_)) => reference(&f[1..], &w[1..]),
        (Some(lit), Some(word)) => lit == word && reference(&f[1..], &w[1..]),
        (Some(_), None) | (None, Some(_)) => false,
    }
}

proptest! {
    #[test]
    fn topic_matcher_agrees_with_the_recursive_rule(
        f in prop::collection::vec(prop::sample::select(vec!["a", "b", "", "*", "#"]), 0..6),
        w in prop::collection::vec(prop::sample::select(vec!["a", "b", ""]), 0..6),
    ) {
        let (fk, wk) = (f.join("."), w.join("."));
        let (fw, ww) = (words(&fk), words(&wk));
        prop_assert_eq!(topic_matches(&fk, &wk), reference(&fw, &ww), "binding {:?} key {:?}", fk, wk);
    }
}

fn msg(n: u32) -> Message {
    Message {
        value: MsgId::new(0, n),
        exchange: String::new(),
        routing_key: "q".into(),
        headers: Vec::new().into(),
        persistent: n.is_multiple_of(2),
        expiration: None,
        bytes: 10,
        poison: false,
        deaths: vec![],
    }
}

fn queue(f: impl FnOnce(&mut QueueCfg)) -> Queue {
    let mut c = QueueCfg {
        name: "q".into(),
        durable: true,
        message_ttl: None,
        max_length: None,
        max_length_bytes: None,
        overflow: Overflow::DropHead,
        dead_letter_exchange: None,
        dead_letter_routing_key: None,
        delivery_limit: None,
    };
    f(&mut c);
    Queue::new(Arc::new(c))
}

fn order(q: &Queue) -> Vec<u32> {
    q.ready.values().map(|e| e.msg.value.seq()).collect()
}

#[test]
fn a_requeued_message_returns_to_its_original_place_marked_redelivered() {
    let mut q = queue(|_| {});
    for n in 0..4 {
        q.enqueue(SimTime::ZERO, msg(n));
    }
    q.consumers.push_back(brokerlab::amqp::queue::ConsumerReg {
        node: NodeId(9),
        prefetch: 2,
        unacked: 0,
        auto_ack: false,
    });
    let (_, first, _) = q.next_delivery(1).unwrap();
    q.next_delivery(2).unwrap();
    assert!(q.next_delivery(3).is_none(), "prefetch 2 is full");
    assert_eq!(first.msg.value.seq(), 0);
    let (_, dead) = q.give_back(1, true).unwrap();
    assert_eq!(dead, None);
    assert_eq!(order(&q), vec![0, 2, 3], "back at the head, where it was");
    assert!(q.ready.values().next().unwrap().redelivered);
    let (_, dead) = q.give_back(2, false).unwrap();
    assert_eq!(dead, Some(DeathReason::Rejected));
}

#[test]
fn ttl_removes_expired_messages_only_at_the_head() {
    let mut q = queue(|c| c.message_ttl = Some(Dur::secs(10)));
    q.enqueue(SimTime::ZERO, msg(0));
    let mut short = msg(1);
    short.expiration = Some(Dur::secs(1));
    q.enqueue(SimTime::ZERO, short);
    assert!(q.expire_head(SimTime(5_000_000)).is_empty(), "the expired message waits behind a live one");
    assert_eq!(q.depth(), 2);
    let gone = q.expire_head(SimTime(10_000_000));
    assert_eq!(gone.iter().map(|m| m.value.seq()).collect::<Vec<_>>(), vec![0, 1]);
}

#[test]
fn length_limits_drop_the_head_or_refuse_the_new_message() {
    let mut drop = queue(|c| c.max_length = Some(2));
    for n in 0..3 {
        drop.enqueue(SimTime::ZERO, msg(n));
    }
    assert_eq!(order(&drop), vec![1, 2]);
    let mut refuse = queue(|c| {
        c.max_length_bytes = Some(20);
        c.overflow = Overflow::RejectPublishDlx;
    });
    refuse.enqueue(SimTime::ZERO, msg(0));
    refuse.enqueue(SimTime::ZERO, msg(1));
    assert_eq!(refuse.enqueue(SimTime::ZERO, msg(2)), Enqueued::Refused { dead_letter: true });
    assert_eq!(order(&refuse), vec![0, 1]);
}

#[test]
fn past_the_delivery_limit_a_returned_message_is_dead_lettered() {
    let mut q = queue(|c| c.delivery_limit = Some(1));
    q.enqueue(SimTime::ZERO, msg(0));
    q.consumers.push_back(brokerlab::amqp::queue::ConsumerReg {
        node: NodeId(9),
        prefetch: 1,
        unacked: 0,
        auto_ack: false,
    });
    q.next_delivery(1).unwrap();
    assert_eq!(q.give_back(1, true).unwrap().1, None);
    q.next_delivery(2).unwrap();
    assert_eq!(q.give_back(2, true).unwrap().1, Some(DeathReason::DeliveryLimit));
}

#[test]
fn a_restart_keeps_the_persistent_messages_of_a_durable_queue() {
    // (A non-durable queue is deleted by the broker instead: tests/amqp_restart.rs.)
    let mut durable = queue(|_| {});
    for n in 0..4 {
        durable.enqueue(SimTime::ZERO, msg(n));
    }
    assert_eq!(durable.restart(), 2, "the transient ones (odd numbers) are lost");
    assert_eq!(order(&durable), vec![0, 2], "persistent ones (even numbers) survive");
}

fn exchange(kind: ExchangeKind, binds: &[(&str, &str)], alternate: Option<&str>) -> Exchange {
    let bindings = binds
        .iter()
        .map(|(dest, key)| {
            let dest = match dest.strip_prefix("x:") {
                Some(x) => Dest::Exchange(x.to_string()),
                None => Dest::Queue(dest.to_string()),
            };
            Binding { dest, key: key.to_string(), args: vec![] }
        })
        .collect();
    Exchange { kind, bindings, alternate: alternate.map(String::from) }
}

#[test]
fn direct_fanout_default_e2e_and_alternate_route_as_rabbitmq_does() {
    let xs: BTreeMap<String, Exchange> = [
        (
            "d".to_string(),
            exchange(ExchangeKind::Direct, &[("q1", "a"), ("q2", "a"), ("q3", "b"), ("q1", "c")], Some("alt")),
        ),
        ("f".to_string(), exchange(ExchangeKind::Fanout, &[("q1", "ignored"), ("q2", ""), ("x:d", "")], None)),
        ("alt".to_string(), exchange(ExchangeKind::Fanout, &[("lost", "")], None)),
        // A loop through exchanges is followed once per exchange.
        ("loop".to_string(), exchange(ExchangeKind::Fanout, &[("x:loop", ""), ("q3", "")], None)),
    ]
    .into();
    let exists = |q: &str| ["q1", "q2", "q3", "lost"].contains(&q);
    let r = |x: &str, k: &str| route(&xs, &exists, x, k, &[]).queues.into_iter().collect::<Vec<_>>();
    assert_eq!(r("d", "a"), vec!["q1", "q2"], "direct: every binding with an equal key");
    assert_eq!(r("d", "A"), vec!["lost"], "byte-for-byte: no match goes to the alternate exchange");
    assert_eq!(
        r("f", "anything"),
        vec!["lost", "q1", "q2"],
        "fanout ignores the key; d, reached through it, matches nothing and uses its alternate"
    );
    assert_eq!(r("f", "a"), vec!["q1", "q2"], "one copy per queue, however many bindings match");
    assert_eq!(r("", "q3"), vec!["q3"], "default exchange: the queue named by the key");
    assert!(r("", "nope").is_empty());
    assert_eq!(r("loop", "k"), vec!["q3"]);
    assert!(route(&xs, &exists, "d", "A", &[]).via_alternate);
}
