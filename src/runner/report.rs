//! What a headless run reports: the verdicts, the digest, the story as told, and the run's
//! numbers in a few readable lines.

use super::expect::Outcome;
use super::tally::Tally;
use crate::sim::{Dur, SimTime};
use crate::world::Simulation;
use crate::world::checks::loss::group_loss;
use std::fmt::Write as _;

/// What a headless run reports.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// Scenario name.
    pub name: String,
    /// Seed used.
    pub seed: u64,
    /// Simulated time reached.
    pub until: SimTime,
    /// Expectation verdicts, in file order.
    pub outcomes: Vec<Outcome>,
    /// Trace digest.
    pub digest: u64,
    /// Trace records.
    pub records: u64,
    /// Events processed.
    pub events: u64,
    /// The summary lines.
    pub summary: String,
    /// The totals at the end, for setting runs side by side.
    pub tally: Tally,
    /// The narration as this run told it, in time order: (time, caption with its
    /// placeholders filled in).
    pub story: Vec<(Dur, String)>,
}

impl RunReport {
    /// True when every expectation passed.
    pub fn passed(&self) -> bool {
        self.outcomes.iter().all(|o| o.passed)
    }
}

/// The narration as `sim` told it, in time order (lines it did not reach: roles in words).
pub fn story(sim: &Simulation) -> Vec<(Dur, String)> {
    // A beat that waited for an event is placed where it fired.
    let when = |i: usize, at: Dur| sim.story().fired_at(i).map_or(at, |t| Dur(t.0 / 1000 * 1000));
    let mut lines: Vec<(Dur, String)> =
        sim.scenario.narration.iter().enumerate().map(|(i, n)| (when(i, n.at), sim.caption(i))).collect();
    lines.sort_by_key(|(at, _)| *at); // stable: equal times keep file order
    lines
}

/// The run's numbers in a few readable lines (`tally`: its totals, counted once).
pub fn summary(sim: &Simulation, tally: &Tally) -> String {
    let mut out = String::new();
    let kafka = sim.cluster().brokers > 0;
    if kafka {
        let s = &sim.stats;
        let _ = writeln!(
            out,
            "  produced {}   acked {}   failed {}   acked but lost {}",
            s.produced, s.acked_count, s.failed, tally.acked_lost
        );
    }
    rabbit_lines(sim, &mut out);
    consumer_lines(sim, &mut out);
    if kafka {
        cluster_lines(sim, &mut out);
    }
    out
}

/// The RabbitMQ broker, its queues and its consumers.
fn rabbit_lines(sim: &Simulation, out: &mut String) {
    let Some((_, r)) = sim.rabbit() else { return };
    let s = &sim.stats;
    let a = &s.amqp;
    let _ = writeln!(
        out,
        "  rabbitmq: published {}   returned {}   redelivered {}   dead-lettered {}",
        a.published,
        a.returned,
        a.redelivered,
        a.dead_lettered.values().sum::<u64>()
    );
    let mut names: Vec<&str> = r.cfg.queues.iter().map(|c| c.name.as_str()).collect();
    names.sort();
    for name in names {
        let routed = a.routed.get(&r.qref(name)).copied().unwrap_or(0);
        let _ = match r.queues.get(name) {
            Some(q) => {
                writeln!(out, "  queue {name}: routed {routed}, ready {}, unacked {}", q.depth(), q.unacked.len())
            }
            None => writeln!(out, "  queue {name}: routed {routed}, deleted by a restart (not durable)"),
        };
    }
    for (id, _) in sim.amqp_consumers() {
        let c = s.consumer_index(id.0).map(|i| &s.consumers[i]);
        let _ = writeln!(
            out,
            "  consumer {}: processed {}, failed attempts {}, duplicates {}",
            sim.names().node(id.0),
            c.map(|c| c.consumed).unwrap_or(0),
            c.map(|c| c.failures).unwrap_or(0),
            c.map(|c| c.duplicates).unwrap_or(0)
        );
    }
}

/// Produce errors, Kafka consumers and groups, dead-letter topics and re-drives.
fn consumer_lines(sim: &Simulation, out: &mut String) {
    let s = &sim.stats;
    if !s.errors.is_empty() {
        let errs: Vec<String> = s.errors.iter().map(|(e, n)| format!("{} ×{n}", e.name())).collect();
        let _ = writeln!(out, "  produce errors: {}", errs.join(", "));
    }
    for (i, (id, _)) in sim.consumers().enumerate() {
        let c = &s.consumers[i];
        let lag = if sim.is_up(id) { format!("lag {}", sim.lag(id)) } else { "down".into() };
        let _ = writeln!(
            out,
            "  consumer {}: consumed {}, duplicates {}, {lag}",
            sim.names().node(id.0),
            c.consumed,
            c.duplicates
        );
    }
    for (g, gs) in &s.groups {
        // In flight: committed before processing, still in a running member's hands.
        let (lost, in_flight) = group_loss(sim, *g);
        let _ = writeln!(
            out,
            "  group {}: {} rebalances, lag {}, duplicates {}, lost {}, in flight {}, {} partitions committed",
            sim.names().group(*g),
            gs.rebalances,
            sim.group_lag(*g),
            gs.duplicates,
            lost,
            in_flight,
            gs.committed.len()
        );
    }
    for (t, n) in &s.dead_lettered {
        let _ = writeln!(out, "  dead-lettered to {}: {n}", sim.names().topics[t.0 as usize]);
    }
    if s.redriven > 0 {
        let _ = writeln!(out, "  re-driven: {}", s.redriven);
    }
}

/// The Kafka cluster: elections, truncations, losses, drops, and the leaders.
fn cluster_lines(sim: &Simulation, out: &mut String) {
    let s = &sim.stats;
    let _ = writeln!(
        out,
        "  leader elections {}   records truncated {}   lost unflushed {}   network drops {}",
        s.leader_changes, s.truncated, s.lost_unflushed, sim.dropped
    );
    let internal = sim.cluster().offsets_topic;
    let leaders: Vec<String> = sim
        .partitions()
        .iter()
        .filter(|tp| Some(tp.topic) != internal)
        .map(|&tp| {
            format!(
                "{}→{}",
                sim.names().tp(tp),
                sim.leader_of(tp).map(|b| b.0.to_string()).unwrap_or_else(|| "none".into())
            )
        })
        .collect();
    if leaders.len() <= 24 {
        let _ = writeln!(out, "  leaders: {}", leaders.join("  "));
    }
}
