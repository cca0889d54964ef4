//! `brokerlab explain`: the engine's own partitioner, assignors and AMQP routing, answering
//! "where does this key go?", "who gets which partition?", "which queues get this message?".

use crate::kafka::{Member, Strategy, assign, member_order};
use crate::kafka::{murmur2, to_positive};
use clap::Subcommand;
use std::collections::BTreeMap;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub(super) enum Explain {
    /// Which partition each key goes to: murmur2 of its UTF-8 bytes, & 0x7fffffff, mod N.
    Partition {
        /// Number of partitions of the topic.
        #[arg(long)]
        partitions: u32,
        /// Print JSON (one array) for scripts.
        #[arg(long)]
        json: bool,
        /// Keys.
        #[arg(required = true)]
        keys: Vec<String>,
    },
    /// Which queues each message reaches: the RabbitMQ model's exchange routing.
    Route(super::explain_route::RouteArgs),
    /// Which partitions each group member gets: the engine's assignors (Kafka's Java client
    /// algorithms).
    Assign {
        /// range | roundrobin | sticky | cooperative-sticky
        #[arg(long)]
        strategy: String,
        /// A topic and its partition count, NAME:PARTITIONS (repeat).
        #[arg(long = "topic", required = true)]
        topics: Vec<String>,
        /// A member and its subscriptions, NAME=TOPIC,TOPIC or NAME@INSTANCE_ID=TOPIC,… for a static member (repeat).
        #[arg(long = "member", required = true)]
        members: Vec<String>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
}

/// A parsed `explain assign` request: strategy, partitions per topic, members.
type AssignRequest = (Strategy, BTreeMap<String, u32>, Vec<Member>);

fn parse_assign(strategy: &str, topics: &[String], members: &[String]) -> Result<AssignRequest, String> {
    let strategy = match strategy {
        "range" => Strategy::Range,
        "roundrobin" | "round-robin" => Strategy::RoundRobin,
        "sticky" => Strategy::Sticky,
        "cooperative-sticky" => Strategy::CooperativeSticky,
        other => {
            return Err(format!(
                "unknown strategy \"{other}\": expected range, roundrobin, sticky or cooperative-sticky"
            ));
        }
    };
    let mut parts = BTreeMap::new();
    for t in topics {
        let (name, n) =
            t.rsplit_once(':').ok_or_else(|| format!("--topic {t}: expected NAME:PARTITIONS, e.g. orders:6"))?;
        let n: u32 = n.parse().map_err(|_| format!("--topic {t}: \"{n}\" is not a partition count"))?;
        if n == 0 || n > 100_000 {
            return Err(format!("--topic {t}: between 1 and 100000 partitions"));
        }
        parts.insert(name.to_string(), n);
    }
    let mut out = Vec::new();
    for m in members {
        let (who, subs) = m.split_once('=').ok_or_else(|| format!("--member {m}: expected NAME=TOPIC,TOPIC"))?;
        let (id, instance_id) = match who.split_once('@') {
            Some((id, inst)) => (id.to_string(), Some(inst.to_string())),
            None => (who.to_string(), None),
        };
        if out.iter().any(|x: &Member| x.id == id) {
            return Err(format!("--member {m}: member \"{id}\" given twice"));
        }
        // Optional ":owned=t-0;t-1" after the topics: what the member owned before (sticky).
        let (subs, owned) = match subs.split_once(":owned=") {
            Some((s, o)) => (s, o),
            None => (subs, ""),
        };
        let mut owned_parts = Vec::new();
        for o in owned.split(';').filter(|s| !s.is_empty()) {
            let bad = || format!("--member {m}: owned partition \"{o}\" is not TOPIC-N");
            let (t, p) = o.rsplit_once('-').ok_or_else(bad)?;
            owned_parts.push((t.to_string(), p.parse::<u32>().map_err(|_| bad())?));
        }
        let topics: Vec<String> = subs.split(',').filter(|s| !s.is_empty()).map(String::from).collect();
        if let Some(unknown) = topics.iter().find(|t| !parts.contains_key(*t)) {
            return Err(format!("--member {m}: topic \"{unknown}\" has no --topic NAME:PARTITIONS"));
        }
        let generation = if owned_parts.is_empty() { -1 } else { 1 };
        out.push(Member { id, instance_id, topics, owned: owned_parts, generation });
    }
    Ok((strategy, parts, out))
}

pub(super) fn explain(e: Explain) -> ExitCode {
    match e {
        Explain::Route(a) => super::explain_route::explain_route(a),
        Explain::Assign { strategy, topics, members, json } => explain_assign(&strategy, &topics, &members, json),
        Explain::Partition { partitions, json, keys } => explain_partition(partitions, json, keys),
    }
}

/// `explain assign`: what the assignor gives each member.
fn explain_assign(strategy: &str, topics: &[String], members: &[String], json: bool) -> ExitCode {
    let (strategy, parts, members) = match parse_assign(strategy, topics, members) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut a = assign(strategy, &parts, &members);
    let mut withheld = Vec::new();
    if strategy.cooperative() {
        let r = crate::kafka::assignor::sticky::assign(&parts, &members);
        a = crate::kafka::assignor::sticky::cooperative_round(&r);
        withheld = r.transferring.iter().map(|((t, p), to)| format!("{t}-{p} → {to}")).collect();
    }
    if json {
        let v: serde_json::Map<String, serde_json::Value> = member_order(&members)
            .iter()
            .map(|m| {
                (m.id.clone(), serde_json::json!(a[&m.id].iter().map(|(t, p)| format!("{t}-{p}")).collect::<Vec<_>>()))
            })
            .collect();
        crate::outln!("{}", serde_json::Value::Object(v));
    } else {
        crate::outln!("{} assignment, members in the order the assignor uses:", strategy.name());
        for m in member_order(&members) {
            let ps: Vec<String> = a[&m.id].iter().map(|(t, p)| format!("{t}-{p}")).collect();
            let who = match &m.instance_id {
                Some(i) => format!("{} ({i})", m.id),
                None => m.id.clone(),
            };
            crate::outln!("  {who:<24} {}", if ps.is_empty() { "(nothing)".to_string() } else { ps.join(" ") });
        }
        if !withheld.is_empty() {
            crate::outln!(
                "first cooperative round withholds {} (the old owner revokes them, then a second rebalance hands them over)",
                withheld.join(", ")
            );
        }
    }
    ExitCode::SUCCESS
}

/// `explain partition`: which partition each key goes to.
fn explain_partition(partitions: u32, json: bool, keys: Vec<String>) -> ExitCode {
    if partitions == 0 {
        eprintln!("error: --partitions must be at least 1");
        return ExitCode::from(2);
    }
    let rows: Vec<(String, i32, u32, u32)> = keys
        .into_iter()
        .map(|k| {
            let h = murmur2(k.as_bytes());
            let pos = to_positive(h);
            (k, h, pos, pos % partitions)
        })
        .collect();
    if json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|(k, h, pos, p)| serde_json::json!({"key": k, "murmur2": h, "positive": pos, "partition": p}))
            .collect();
        crate::outln!("{}", serde_json::Value::Array(v));
    } else {
        crate::outln!("{:<24} {:>12} {:>12}  partition (of {partitions})", "key", "murmur2", "& 0x7fffffff");
        for (k, h, pos, p) in rows {
            crate::outln!("{k:<24} {h:>12} {pos:>12}  {p}");
        }
        crate::outln!(
            "\npartition = (murmur2(key bytes) & 0x7fffffff) % {partitions}, as Kafka's Java client computes it"
        );
    }
    ExitCode::SUCCESS
}
