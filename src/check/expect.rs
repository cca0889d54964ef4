//! Evaluating scenario expectations against the simulation (at their time, or at the end).

use crate::scenario::Expectation;
use crate::sim::NodeId;
use crate::trace::{ErrorCode, MsgId, Tp};
use crate::world::Simulation;
use std::collections::BTreeMap;

/// One expectation's verdict.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The expectation, in words.
    pub what: String,
    /// Passed?
    pub passed: bool,
    /// What was observed.
    pub observed: String,
}

fn range(name: &str, v: u64, min: Option<u64>, max: Option<u64>) -> Outcome {
    let passed = min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m);
    let bounds = match (min, max) {
        (Some(a), Some(b)) => format!("between {a} and {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "any number".into(),
    };
    Outcome { what: format!("{name} {bounds}"), passed, observed: v.to_string() }
}

fn consumer(sim: &Simulation, name: &str) -> (NodeId, usize) {
    let id = sim.node_by_name(name).expect("validated consumer name");
    let idx = sim.stats.consumer_index(id.0).expect("a consumer");
    (id, idx)
}

/// What is unhealthy now: partitions without a leader, groups with live members that
/// are not stable at their coordinator, or that have lag and handled nothing for 30 s.
fn health(sim: &Simulation) -> Vec<String> {
    let mut out: Vec<String> = sim
        .partitions()
        .into_iter()
        .filter(|tp| sim.leader_of(*tp).is_none())
        .map(|tp| format!("{} has no leader", sim.names().tp(tp)))
        .collect();
    for (g, name) in sim.names().groups.iter().enumerate() {
        let g = crate::trace::GroupRef(g as u16);
        let live = sim.consumers().any(|(id, c)| sim.is_up(id) && c.cfg.group.as_ref().is_some_and(|x| x.group == g));
        let stable = sim.brokers().any(|b| {
            sim.is_up(NodeId(b.id.0))
                && b.coordinator.groups.get(&g).is_some_and(|x| x.state == crate::kafka::GroupState::Stable)
        });
        // A group that keeps rebalancing (members that time out by design) still progresses.
        let recent =
            sim.stats.groups.get(&g).is_some_and(|s| sim.now().0.saturating_sub(s.last_rebalance_us) < 60_000_000);
        if live && !stable && !recent {
            out.push(format!("group {name} is not stable and has not rebalanced in the last minute"));
        }
        // Liveness: a group with records waiting keeps working them off.
        let lag = sim.group_lag(g);
        let idle_us = sim.stats.groups.get(&g).map_or(u64::MAX, |s| sim.now().0.saturating_sub(s.last_progress_us));
        if live && lag > 0 && idle_us > 30_000_000 {
            out.push(format!("group {name} has lag {lag} but handled no record in the last 30 s"));
        }
    }
    out
}

fn lag_of(sim: &Simulation, c: &Option<String>, g: &Option<String>) -> (u64, String) {
    match (c, g) {
        (Some(c), _) => (sim.lag(consumer(sim, c).0), c.clone()),
        (None, Some(g)) => {
            let i = sim.names().groups.iter().position(|x| x == g).unwrap_or(0);
            (sim.group_lag(crate::trace::GroupRef(i as u16)), format!("group {g}"))
        }
        (None, None) => (0, "nobody".into()),
    }
}

fn group_stats<'a>(sim: &'a Simulation, name: &str) -> Option<&'a crate::check::stats::GroupStats> {
    let g = sim.names().groups.iter().position(|g| g == name)?;
    sim.stats.groups.get(&crate::trace::GroupRef(g as u16))
}

/// Records group `g` committed past without handling them: (lost, in flight). In flight
/// are those a running member holds (its current poll batch), committed before processing.
pub fn group_loss(sim: &Simulation, g: crate::trace::GroupRef) -> (u64, u64) {
    let Some(gs) = sim.stats.groups.get(&g) else { return (0, 0) };
    let held: std::collections::BTreeSet<(Tp, u64)> = sim
        .consumers()
        .filter(|(id, c)| sim.is_up(*id) && c.cfg.group.as_ref().is_some_and(|x| x.group == g))
        .flat_map(|(_, c)| c.in_hand())
        .collect();
    gs.lost_and_in_flight(&held)
}

/// Acknowledged records missing from their partition's log of record, not explained by
/// retention: the heart of every durability lesson.
pub fn acked_lost(sim: &Simulation) -> Vec<(MsgId, Tp, u64)> {
    let mut present: BTreeMap<Tp, (u64, Vec<MsgId>)> = BTreeMap::new();
    for tp in sim.partitions() {
        let (start, mut ids) = match sim.authoritative_replica(tp) {
            Some(r) => (r.log.start_offset(), r.log.iter().map(|(_, e)| e.value).collect::<Vec<_>>()),
            None => (0, Vec::new()),
        };
        ids.sort_unstable();
        present.insert(tp, (start, ids));
    }
    let mut lost = Vec::new();
    for (tp, acked) in &sim.stats.acked {
        let (start, ids) = &present[tp];
        lost.extend(
            acked
                .iter()
                .filter(|(m, off)| *off >= *start && ids.binary_search(m).is_err())
                .map(|&(m, off)| (m, *tp, off)),
        );
    }
    lost.sort_by_key(|&(m, tp, off)| (tp, off, m));
    lost
}

/// Evaluates one expectation against the simulation as it is now.
pub fn evaluate(sim: &Simulation, e: &Expectation) -> Outcome {
    let s = &sim.stats;
    match e {
        Expectation::NoAckedLoss => {
            let lost = acked_lost(sim);
            let observed = match lost.first() {
                None => "0 lost".into(),
                Some((m, tp, off)) => format!(
                    "{} lost, first {} at {} offset {off}",
                    lost.len(),
                    sim.names().msg(*m),
                    sim.names().tp(*tp)
                ),
            };
            Outcome { what: "no acknowledged write lost".into(), passed: lost.is_empty(), observed }
        }
        Expectation::AckedLoss { at_least } => {
            let n = acked_lost(sim).len() as u64;
            Outcome {
                what: format!("at least {at_least} acknowledged writes lost"),
                passed: n >= *at_least,
                observed: format!("{n} lost"),
            }
        }
        Expectation::Produced { min, max } => range("produced", s.produced, *min, *max),
        Expectation::Acked { min, max } => range("acked", s.acked_count, *min, *max),
        Expectation::Consumed { consumer: None, min, max } => range("consumed", s.consumed(), *min, *max),
        Expectation::Consumed { consumer: Some(c), min, max } => {
            range(&format!("consumed by {c}"), s.consumers[consumer(sim, c).1].consumed, *min, *max)
        }
        Expectation::Duplicates { consumer: Some(c), min, max, .. } => {
            range(&format!("duplicates at {c}"), s.consumers[consumer(sim, c).1].duplicates, *min, *max)
        }
        Expectation::Duplicates { consumer: None, group, min, max } => {
            let g = group.as_deref().unwrap_or("?");
            let n = group_stats(sim, g).map(|x| x.duplicates).unwrap_or(0);
            range(&format!("records group {g} processed twice"), n, *min, *max)
        }
        Expectation::Rebalances { group: g, min, max } => {
            range(&format!("rebalances of {g}"), group_stats(sim, g).map(|x| x.rebalances).unwrap_or(0), *min, *max)
        }
        Expectation::Lost { group: g, min, max } => {
            let gref = sim.names().groups.iter().position(|x| x == g).map(|i| crate::trace::GroupRef(i as u16));
            let (lost, in_flight) = gref.map(|r| group_loss(sim, r)).unwrap_or((0, 0));
            let mut o = range(&format!("records group {g} committed past unprocessed"), lost, *min, *max);
            if in_flight > 0 {
                o.observed += &format!(" ({in_flight} more committed and still being processed: in flight)");
            }
            o
        }
        Expectation::DeadLettered { topic: Some(topic), min, max, .. } => {
            let n = sim.topic_id(topic).and_then(|t| s.dead_lettered.get(&t)).copied().unwrap_or(0);
            range(&format!("records dead-lettered to {topic}"), n, *min, *max)
        }
        Expectation::DeadLettered { topic: None, queue, reason, min, max } => {
            let q = queue.as_deref().unwrap_or("?");
            let n: u64 = s
                .amqp
                .dead_lettered
                .iter()
                .filter(|((qq, r), _)| sim.names().queue(*qq) == q && reason.is_none_or(|x| x == *r))
                .map(|(_, n)| *n)
                .sum();
            let why = reason.map(|r| format!(" ({})", r.name())).unwrap_or_default();
            range(&format!("messages dead-lettered from {q}{why}"), n, *min, *max)
        }
        Expectation::Routed { queue, min, max } => {
            let n = s.amqp.routed.iter().filter(|(q, _)| sim.names().queue(**q) == queue).map(|(_, n)| *n).sum();
            range(&format!("messages routed to {queue}"), n, *min, *max)
        }
        Expectation::AutoAckLost { min, max } => {
            let mut o = range(
                "messages auto-acked to a consumer that crashed before processing them",
                s.amqp.auto_ack_lost,
                *min,
                *max,
            );
            let pending = s.amqp.auto_ack_pending.len();
            if pending > 0 {
                o.observed += &format!(" ({pending} more auto-acked and still in a live consumer's buffer: in flight)");
            }
            o
        }
        Expectation::Refused { queue, min, max } => {
            let n = s.amqp.refused.iter().filter(|(q, _)| sim.names().queue(**q) == queue).map(|(_, n)| *n).sum();
            range(&format!("messages {queue} refused"), n, *min, *max)
        }
        Expectation::Healthy => {
            let problems = health(sim);
            Outcome {
                what: "every partition led, every group stable and working off its lag".into(),
                passed: problems.is_empty(),
                observed: if problems.is_empty() { "healthy".into() } else { problems.join("; ") },
            }
        }
        Expectation::Redelivered { min, max } => range("redeliveries", s.amqp.redelivered, *min, *max),
        Expectation::Returned { min, max } => range("messages returned to publishers", s.amqp.returned, *min, *max),
        Expectation::QueueDepthAtMost { queue, at, n } => {
            let depth = sim.queue_depth(queue).unwrap_or(0) as u64;
            Outcome {
                what: format!("queue {queue} holds at most {n} ready messages at {at}"),
                passed: depth <= *n,
                observed: depth.to_string(),
            }
        }
        Expectation::Redriven { min, max } => range("records re-driven", s.redriven, *min, *max),
        Expectation::Assignment { group, at, member, partitions } => {
            let mut got: Vec<String> = match sim.node_by_name(member).and_then(|id| sim.consumer_at(id)) {
                Some(c) => c.cursors.iter().map(|k| sim.names().tp(k.tp)).collect(),
                None => Vec::new(),
            };
            got.sort();
            let mut want = partitions.clone();
            want.sort();
            Outcome {
                what: format!("{member} of {group} owns [{}] at {at}", want.join(", ")),
                passed: got == want,
                observed: format!("[{}]", got.join(", ")),
            }
        }
        Expectation::CommittedOffset { group, topic, partition, at, offset } => {
            let got = sim
                .tp(topic, *partition)
                .and_then(|tp| group_stats(sim, group).and_then(|g| g.committed.get(&tp).copied()));
            Outcome {
                what: format!("{group}'s committed offset of {topic}-{partition} at {at} is {offset}"),
                passed: got == Some(*offset),
                observed: got.map(|o| o.to_string()).unwrap_or_else(|| "nothing committed".into()),
            }
        }
        Expectation::LagAtLeast { consumer: c, group, at, messages } => {
            let (lag, c) = lag_of(sim, c, group);
            Outcome {
                what: format!("lag of {c} at {at} at least {messages}"),
                passed: lag >= *messages,
                observed: lag.to_string(),
            }
        }
        Expectation::LagAtMost { consumer: c, group, at, messages } => {
            let (lag, c) = lag_of(sim, c, group);
            Outcome {
                what: format!("lag of {c} at {at} at most {messages}"),
                passed: lag <= *messages,
                observed: lag.to_string(),
            }
        }
        Expectation::LeaderOf { topic, partition, at, broker } => {
            let got = sim.leader_of_name(topic, *partition).map(|b| b.0);
            let show = |b: Option<u32>| b.map(|b| format!("broker-{b}")).unwrap_or_else(|| "none (offline)".into());
            Outcome {
                what: format!("leader of {topic}-{partition} at {at} is {}", show(*broker)),
                passed: got == *broker,
                observed: show(got),
            }
        }
        Expectation::IsrSize { topic, partition, at, n } => {
            let tp = sim.tp(topic, *partition).expect("validated topic");
            let isr = sim.authoritative_replica(tp).map(|r| r.state.isr.len() as u32).unwrap_or(0);
            Outcome {
                what: format!("ISR of {topic}-{partition} at {at} has {n} members"),
                passed: isr == *n,
                observed: isr.to_string(),
            }
        }
        Expectation::ProduceErrors { kind, at_least, at_most } => {
            let n = s.errors.get(kind).copied().unwrap_or(0);
            range(&format!("{} errors", ErrorCode::name(*kind)), n, *at_least, *at_most)
        }
        Expectation::LeaderChanges { min, max } => range("leader elections", s.leader_changes, *min, *max),
        Expectation::Truncated { min, max } => range("records truncated", s.truncated, *min, *max),
        Expectation::ProducedTo { topic, partition, min, max } => {
            let n = sim.tp(topic, *partition).and_then(|tp| s.produced_to.get(&tp)).copied().unwrap_or(0);
            range(&format!("produced to {topic}-{partition}"), n, *min, *max)
        }
        Expectation::OrderViolations { consumer: c, min, max } => {
            let v = s.consumers[consumer(sim, c).1].order_violations;
            range(&format!("records {c} processed before an older one of the same key"), v, *min, *max)
        }
        Expectation::KeyOrderHolds { consumer: c } => {
            let v = s.consumers[consumer(sim, c).1].order_violations;
            Outcome {
                what: format!("{c} saw every key's records in produced order"),
                passed: v == 0,
                observed: format!("{v} out of order"),
            }
        }
        Expectation::ProcessFailures { consumer: c, min, max } => {
            range(&format!("failed attempts at {c}"), s.consumers[consumer(sim, c).1].failures, *min, *max)
        }
        Expectation::Skipped { consumer: c, min, max } => {
            range(&format!("records skipped by {c}"), s.consumers[consumer(sim, c).1].skipped, *min, *max)
        }
        Expectation::ControllerIs { at, broker } => {
            let got = sim.controller().map(|b| b.0);
            let show = |b: Option<u32>| b.map(|b| format!("broker-{b}")).unwrap_or_else(|| "none".into());
            Outcome {
                what: format!("controller at {at} is broker-{broker}"),
                passed: got == Some(*broker),
                observed: show(got),
            }
        }
    }
}
