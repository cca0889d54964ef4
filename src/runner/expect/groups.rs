//! Consumer groups: rebalances, records committed past unprocessed, assignments, committed
//! offsets, lag, dead-letter topics and re-drives.

use super::outcome::{Outcome, consumer, group_stats, range};
use crate::scenario::Expectation;
use crate::trace::GroupRef;
use crate::world::Simulation;
use crate::world::checks::loss::group_loss;

/// Evaluates an expectation of this family.
pub fn evaluate(sim: &Simulation, e: &Expectation) -> Outcome {
    let s = &sim.stats;
    match e {
        Expectation::Rebalances { group: g, min, max } => {
            range(&format!("rebalances of {g}"), group_stats(sim, g).map(|x| x.rebalances).unwrap_or(0), *min, *max)
        }
        Expectation::Lost { group: g, min, max } => {
            let gref = sim.names().groups.iter().position(|x| x == g).map(|i| GroupRef(i as u16));
            let (lost, in_flight) = gref.map(|r| group_loss(sim, r)).unwrap_or((0, 0));
            let mut o = range(&format!("records group {g} lost (committed, never processed)"), lost, *min, *max);
            if in_flight > 0 {
                o.observed += &format!(" ({in_flight} more committed and still being processed: in flight)");
            }
            o
        }
        Expectation::DeadLettered { topic: Some(topic), min, max, .. } => {
            let n = sim.topic_id(topic).and_then(|t| s.dead_lettered.get(&t)).copied().unwrap_or(0);
            range(&format!("records dead-lettered to {topic}"), n, *min, *max)
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
        _ => unreachable!("evaluate() sends only groups expectations here"),
    }
}

fn lag_of(sim: &Simulation, c: &Option<String>, g: &Option<String>) -> (u64, String) {
    match (c, g) {
        (Some(c), _) => (sim.lag(consumer(sim, c).0), c.clone()),
        (None, Some(g)) => {
            let i = sim.names().groups.iter().position(|x| x == g).unwrap_or(0);
            (sim.group_lag(GroupRef(i as u16)), format!("group {g}"))
        }
        (None, None) => (0, "nobody".into()),
    }
}
