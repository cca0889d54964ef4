//! Random but well-typed scenarios for the fuzzer: Kafka topics, producers, consumers
//! and groups, a RabbitMQ topology with publishers and consumers, and faults, with sizes
//! and times drawn from wide ranges (edges included), so validation and the engine both
//! see inputs no shipped scenario has.

use crate::sim::NodeRng;

fn pick<'a>(rng: &mut NodeRng, xs: &[&'a str]) -> &'a str {
    xs[rng.below(xs.len() as u64) as usize]
}

/// A duration from a wide range, zero and odd units included.
fn dur(rng: &mut NodeRng) -> String {
    let n = [0, 1, 5, 50, 250, 1_000, 30_000][rng.below(7) as usize];
    format!("\"{n}{}\"", pick(rng, &["us", "ms", "ms", "s"]))
}

fn rate(rng: &mut NodeRng) -> String {
    match rng.below(5) {
        0 => format!("PerSecond({})", [0, 1, 10, 1_000, 100_000][rng.below(5) as usize]),
        1 => format!("Poisson({})", rng.uniform(0, 500)),
        2 => format!("Every({})", dur(rng)),
        3 => format!("PerKeyEvery({})", dur(rng)),
        _ => "PerSecond(20)".into(),
    }
}

fn kafka(rng: &mut NodeRng, out: &mut String, brokers: u64) -> (Vec<String>, Vec<String>) {
    let topics: Vec<String> = (0..rng.uniform(1, 3)).map(|i| format!("t{i}")).collect();
    out.push_str("  topics: [\n");
    for t in &topics {
        let rf = rng.uniform(1, brokers.max(1));
        let unclean = rng.below(2) == 1;
        let p = rng.uniform(1, 12);
        let isr = rng.uniform(1, rf);
        out.push_str(&format!(
            "    (name: \"{t}\", partitions: {p}, replication_factor: {rf}, min_insync_replicas: {isr}, unclean_leader_election: {unclean}),\n"
        ));
    }
    out.push_str("  ],\n  producers: [\n");
    let mut clients = Vec::new();
    for i in 0..rng.uniform(0, 3) {
        let t = &topics[rng.below(topics.len() as u64) as usize];
        let key = match rng.below(4) {
            0 => "None".to_string(),
            1 => "Fixed(\"k\")".to_string(),
            2 => "RoundRobin([\"a\", \"b\", \"c\"])".to_string(),
            _ => format!("Distinct(prefix: \"car-\", count: {})", rng.uniform(0, 50)),
        };
        let acks = pick(rng, &["All", "One", "Zero"]);
        let r = rate(rng);
        let stop = dur(rng);
        out.push_str(&format!(
            "    (name: \"p{i}\", topic: \"{t}\", rate: {r}, key: {key}, acks: {acks}, stop: {stop}, max_in_flight: {}),\n",
            rng.uniform(1, 6)
        ));
        clients.push(format!("p{i}"));
    }
    out.push_str("  ],\n  consumer_groups: [\n");
    for g in 0..rng.uniform(0, 2) {
        let t = &topics[rng.below(topics.len() as u64) as usize];
        let assignor = pick(rng, &["Range", "RoundRobin", "Sticky", "CooperativeSticky"]);
        let commit = pick(rng, &["Sync", "Async", "BeforeProcess", "Auto(interval: \"1s\")"]);
        out.push_str(&format!(
            "    (name: \"g{g}\", topics: [\"{t}\"], assignor: {assignor}, commit: {commit}, max_poll_records: {}, members: [",
            rng.uniform(0, 600)
        ));
        for m in 0..rng.uniform(1, 3) {
            let pt = dur(rng);
            out.push_str(&format!("(name: \"g{g}m{m}\", process_time: {pt}), "));
            clients.push(format!("g{g}m{m}"));
        }
        out.push_str("]),\n");
    }
    out.push_str("  ],\n");
    (topics, clients)
}

fn rabbit(rng: &mut NodeRng, out: &mut String) {
    let kind = pick(rng, &["Direct", "Fanout", "Topic", "Headers"]);
    let ttl = match rng.below(3) {
        0 => String::new(),
        _ => format!("message_ttl: {}, ", dur(rng)),
    };
    let max_len = match rng.below(3) {
        0 => format!("max_length: {}, ", rng.uniform(0, 5)),
        _ => String::new(),
    };
    let overflow = pick(rng, &["DropHead", "RejectPublish", "RejectPublishDlx"]);
    out.push_str(&format!(
        "  rabbitmq: (exchanges: [(name: \"x\", kind: {kind}), (name: \"dlx\", kind: Fanout)],\n    queues: [(name: \"q\", {ttl}{max_len}overflow: {overflow}, dead_letter_exchange: \"dlx\", delivery_limit: {}), (name: \"dead\")],\n",
        rng.uniform(0, 3)
    ));
    out.push_str("    bindings: [(exchange: \"x\", queue: \"q\", key: \"a.*\", args: [(\"format\", Some(\"pdf\"))]), (exchange: \"dlx\", queue: \"dead\")]),\n");
    let r = rate(rng);
    let exp = match rng.below(3) {
        0 => format!(", expiration: {}", dur(rng)),
        _ => String::new(),
    };
    out.push_str(&format!(
        "  publishers: [(name: \"pub\", exchange: \"{}\", routing_keys: [\"a.b\", \"q\"], headers: [(\"format\", \"pdf\")], rate: {r}, stop: {}, confirms: {}, mandatory: {}{exp})],\n",
        pick(rng, &["x", ""]),
        dur(rng),
        rng.below(2) == 1,
        rng.below(2) == 1
    ));
    let pt = dur(rng);
    out.push_str(&format!(
        "  amqp_consumers: [(name: \"c\", queue: \"q\", prefetch: {}, auto_ack: {}, process_time: {pt}, transient_probability: 0.{}, on_failure: {})],\n",
        rng.uniform(0, 3),
        rng.below(2) == 1,
        rng.uniform(0, 9),
        pick(rng, &["Requeue", "Reject"]),
    ));
}

fn faults(rng: &mut NodeRng, out: &mut String, brokers: u64, clients: &[String], with_rabbit: bool) {
    out.push_str("  faults: [\n");
    for _ in 0..rng.uniform(0, 4) {
        let at = format!("\"{}ms\"", rng.uniform(0, 3_000));
        let b = rng.uniform(1, brokers.max(1));
        let client = clients.get(rng.below(clients.len().max(1) as u64) as usize).cloned();
        let action = match (rng.below(6), client) {
            (0, _) => format!("CrashBroker({b})"),
            (1, _) => format!("RestartBroker({b})"),
            (2, _) => format!("Cut([\"broker-{b}\"], [\"zookeeper\"])"),
            (3, Some(c)) => format!("CrashClient(\"{c}\")"),
            (4, _) if with_rabbit => "CrashRabbit".into(),
            _ => "HealAll".into(),
        };
        out.push_str(&format!("    (at: {at}, action: {action}),\n"));
    }
    out.push_str("  ],\n");
}

/// A random scenario (most of them valid; some are rejected by validation, which is fine).
pub fn generate(rng: &mut NodeRng) -> String {
    let brokers = rng.uniform(0, 5);
    let mut out = format!(
        "Scenario(\n  name: \"generated\",\n  seed: {},\n  duration: \"{}s\",\n  cluster: (brokers: {brokers}),\n",
        rng.below(1 << 32),
        rng.uniform(1, 30)
    );
    let (_, mut clients) = if brokers > 0 { kafka(rng, &mut out, brokers) } else { (Vec::new(), Vec::new()) };
    let with_rabbit = brokers == 0 || rng.below(3) == 0;
    if with_rabbit {
        rabbit(rng, &mut out);
        clients.push("c".into());
    }
    faults(rng, &mut out, brokers, &clients, with_rabbit);
    out.push_str("  expect: [Healthy],\n)\n");
    out
}
