//! The cluster: partition leaders, ISR sizes, elections, truncations, the controller, and
//! overall health.

use super::outcome::{Outcome, range};
use crate::scenario::Expectation;
use crate::sim::NodeId;
use crate::trace::{GroupRef, GroupState};
use crate::world::Simulation;

/// Evaluates an expectation of this family.
pub fn evaluate(sim: &Simulation, e: &Expectation) -> Outcome {
    let s = &sim.stats;
    match e {
        Expectation::Healthy => {
            let problems = health(sim);
            Outcome {
                what: "every partition led, every group stable and working off its lag".into(),
                passed: problems.is_empty(),
                observed: if problems.is_empty() { "healthy".into() } else { problems.join("; ") },
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
        Expectation::LeaderChanges { min, max } => range("leader elections", s.leader_changes, *min, *max),
        Expectation::Truncated { min, max } => range("records truncated", s.truncated, *min, *max),
        Expectation::ControllerIs { at, broker } => {
            let got = sim.controller().map(|b| b.0);
            let show = |b: Option<u32>| b.map(|b| format!("broker-{b}")).unwrap_or_else(|| "none".into());
            Outcome {
                what: format!("controller at {at} is broker-{broker}"),
                passed: got == Some(*broker),
                observed: show(got),
            }
        }
        _ => unreachable!("evaluate() sends only cluster expectations here"),
    }
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
        let g = GroupRef(g as u16);
        let live = sim.consumers().any(|(id, c)| sim.is_up(id) && c.cfg.group.as_ref().is_some_and(|x| x.group == g));
        let stable = sim.brokers().any(|b| {
            sim.is_up(NodeId(b.id.0)) && b.coordinator.groups.get(&g).is_some_and(|x| x.state == GroupState::Stable)
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
