//! Running a scenario headless: step to each timed expectation, evaluate it, run to the
//! end, evaluate the rest, and summarise.

use super::expect::{Outcome, evaluate};
use crate::scenario::Scenario;
use crate::sim::{Dur, SimTime};
use crate::trace::{Names, Record};
use crate::world::Simulation;
use std::fmt::Write as _;
use std::sync::Arc;

/// Where captured trace records go during a run (a JSONL writer, a comparison buffer).
pub type RecordSink<'a> = &'a mut dyn FnMut(&[Record], &Names);

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

/// Runs `sc` with `seed` until `until` (default: its duration). Captured records are
/// handed to `sink` as they accumulate, if given.
pub fn run_scenario(sc: Arc<Scenario>, seed: u64, until: Option<Dur>, sink: Option<RecordSink>) -> RunReport {
    run_scenario_with_progress(sc, seed, until, sink, &mut |_, _| {})
}

/// `run_scenario`, calling `progress(sim, end)` after every simulated second.
pub fn run_scenario_with_progress(
    sc: Arc<Scenario>,
    seed: u64,
    until: Option<Dur>,
    mut sink: Option<RecordSink>,
    progress: &mut dyn FnMut(&Simulation, SimTime),
) -> RunReport {
    let end = SimTime(until.unwrap_or(sc.duration).min(sc.duration).0);
    let mut sim = if sink.is_some() {
        Simulation::new_capturing(sc.clone(), seed, 0)
    } else {
        Simulation::new(sc.clone(), seed, 0)
    };
    let mut timed: Vec<(SimTime, usize)> =
        sc.expect.iter().enumerate().filter_map(|(i, e)| e.at().map(|a| (SimTime(a.0), i))).collect();
    timed.sort();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; sc.expect.len()];
    let mut flush = |sim: &mut Simulation| {
        if let Some(s) = sink.as_mut() {
            let recs = sim.trace.drain();
            // The current names: consumers added while running have names too.
            let names = sim.names().clone();
            s(&recs, &names);
        }
    };
    for (at, i) in timed {
        if at > end {
            continue;
        }
        // Run in slices so captured records do not pile up in memory.
        while sim.now() < at && sim.violation.is_none() {
            let slice = SimTime((sim.now().0 + 1_000_000).min(at.0));
            sim.run_until(slice);
            flush(&mut sim);
            progress(&sim, end);
        }
        let mut o = evaluate(&sim, &sc.expect[i]);
        if sim.now() < at {
            let stopped = format!("not reached: an invariant broke at {}", sim.now());
            o = Outcome { passed: false, observed: stopped, ..o };
        }
        outcomes[i] = Some(o);
    }
    while sim.now() < end && sim.violation.is_none() {
        let slice = SimTime((sim.now().0 + 1_000_000).min(end.0));
        sim.run_until(slice);
        flush(&mut sim);
        progress(&sim, end);
    }
    sim.check_end();
    if let Some(v) = &sim.violation {
        // A broken invariant stops the run: it fails whatever the expectations say.
        outcomes.push(Some(Outcome {
            what: format!("invariant {} holds", v.invariant),
            passed: false,
            observed: match &v.record {
                Some(r) => format!("broken at {}: {}; record {r}", SimTime(v.t_us), v.detail),
                None => format!("broken at {}: {}", SimTime(v.t_us), v.detail),
            },
        }));
    }
    for (i, e) in sc.expect.iter().enumerate() {
        if outcomes[i].is_none() {
            let mut o = evaluate(&sim, e);
            if e.at().is_some() {
                o = Outcome { passed: false, observed: format!("not reached: the run stopped at {end}"), ..o };
            } else if sim.violation.is_some() {
                o.observed = format!("{} when the run stopped at {}", o.observed, sim.now());
            }
            outcomes[i] = Some(o);
        }
    }
    RunReport {
        name: sc.name.clone(),
        seed,
        until: sim.now(),
        outcomes: outcomes.into_iter().map(|o| o.expect("every expectation evaluated")).collect(),
        digest: sim.trace.digest(),
        records: sim.trace.count(),
        events: sim.events(),
        summary: summary(&sim),
        story: story(&sim),
    }
}

/// The narration as `sim` told it, in time order (lines it did not reach: roles in words).
pub fn story(sim: &Simulation) -> Vec<(Dur, String)> {
    let mut lines: Vec<(Dur, String)> =
        sim.scenario.narration.iter().enumerate().map(|(i, n)| (n.at, sim.caption(i))).collect();
    lines.sort_by_key(|(at, _)| *at); // stable: equal times keep file order
    lines
}

/// The run's numbers in a few readable lines.
pub fn summary(sim: &Simulation) -> String {
    let s = &sim.stats;
    let mut out = String::new();
    let kafka = sim.cluster().brokers > 0;
    if kafka {
        let lost = super::expect::acked_lost(sim).len();
        let _ = writeln!(
            out,
            "  produced {}   acked {}   failed {}   acked but lost {}",
            s.produced, s.acked_count, s.failed, lost
        );
    }
    if let Some((_, r)) = sim.rabbit() {
        let a = &s.amqp;
        let _ = writeln!(
            out,
            "  rabbitmq: published {}   returned {}   redelivered {}   dead-lettered {}",
            a.published,
            a.returned,
            a.redelivered,
            a.dead_lettered.values().sum::<u64>()
        );
        for (name, q) in &r.queues {
            let qi = crate::trace::QueueRef(r.cfg.queues.iter().position(|c| &c.name == name).unwrap_or(0) as u16);
            let _ = writeln!(
                out,
                "  queue {name}: routed {}, ready {}, unacked {}",
                a.routed.get(&qi).copied().unwrap_or(0),
                q.depth(),
                q.unacked.len()
            );
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
        let (lost, in_flight) = super::expect::group_loss(sim, *g);
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
    if !kafka {
        return out;
    }
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
    out
}
