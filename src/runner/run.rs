//! Running a scenario headless: step to each timed expectation, evaluate it, run to the
//! end, evaluate the rest, and report.

use super::course;
use super::expect::{Outcome, evaluate};
use super::report::{RunReport, story, summary};
use super::tally::tally;
use crate::scenario::Scenario;
use crate::sim::{Dur, SimTime};
use crate::trace::{Names, Record};
use crate::world::Simulation;
use std::sync::Arc;

/// Where captured trace records go during a run (a JSONL writer, a comparison buffer).
pub type RecordSink<'a> = &'a mut dyn FnMut(&[Record], &Names);

/// Runs `sc` with `seed` until `until` (default: its duration). Captured records are
/// handed to `sink` as they accumulate, if given.
pub fn run_scenario(sc: Arc<Scenario>, seed: u64, until: Option<Dur>, sink: Option<RecordSink>) -> RunReport {
    run_scenario_with_progress(sc, seed, until, sink, &mut |_, _| {})
}

/// A run under way: the simulation, where captured records go, and who watches.
struct Run<'a, 'p> {
    sim: Simulation,
    sink: Option<RecordSink<'a>>,
    progress: &'p mut dyn FnMut(&Simulation, SimTime),
    end: SimTime,
}

impl Run<'_, '_> {
    /// Runs to `at` in slices of a simulated second, so captured records do not pile up in
    /// memory; stops early where an invariant broke.
    fn run_to(&mut self, at: SimTime) {
        while self.sim.now() < at && self.sim.violation.is_none() {
            let slice = SimTime((self.sim.now().0 + 1_000_000).min(at.0));
            self.sim.run_until(slice);
            if let Some(s) = self.sink.as_mut() {
                let recs = self.sim.trace.drain();
                // The current names: consumers added while running have names too.
                let names = self.sim.names().clone();
                s(&recs, &names);
            }
            (self.progress)(&self.sim, self.end);
        }
    }
}

/// `run_scenario`, calling `progress(sim, end)` after every simulated second.
pub fn run_scenario_with_progress(
    sc: Arc<Scenario>,
    seed: u64,
    until: Option<Dur>,
    sink: Option<RecordSink>,
    progress: &mut dyn FnMut(&Simulation, SimTime),
) -> RunReport {
    let end = SimTime(until.unwrap_or(sc.duration).min(sc.duration).0);
    let sim = if sink.is_some() {
        Simulation::new_capturing(sc.clone(), seed, 0)
    } else {
        Simulation::new(sc.clone(), seed, 0)
    };
    let mut run = Run { sim, sink, progress, end };
    let mut timed: Vec<(SimTime, usize)> =
        sc.expect.iter().enumerate().filter_map(|(i, e)| e.at().map(|a| (SimTime(a.0), i))).collect();
    // Questions are judged at their reveal, after the expectations timed then.
    let n = sc.expect.len();
    timed.extend(sc.questions.iter().enumerate().map(|(q, x)| (SimTime(x.reveal.0), n + q)));
    timed.sort();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; n];
    let mut questions: Vec<Outcome> = Vec::new();
    for (at, i) in timed {
        if at > end {
            continue;
        }
        run.run_to(at);
        let mut o = match i.checked_sub(n) {
            None => evaluate(&run.sim, &sc.expect[i]),
            Some(q) => course::outcome(q + 1, &sc.questions[q], &course::judge(&run.sim, &sc.questions[q])),
        };
        if run.sim.now() < at {
            let stopped = format!("not reached: an invariant broke at {}", run.sim.now());
            o = Outcome { passed: false, observed: stopped, ..o };
        }
        match i.checked_sub(n) {
            None => outcomes[i] = Some(o),
            Some(_) => questions.push(o),
        }
    }
    run.run_to(end);
    let mut sim = run.sim;
    sim.check_end();
    let mut outcomes = at_end(&sim, &sc, end, outcomes);
    outcomes.extend(questions);
    let tally = tally(&sim);
    RunReport {
        name: sc.name.clone(),
        seed,
        until: sim.now(),
        outcomes,
        digest: sim.trace.digest(),
        records: sim.trace.count(),
        events: sim.events(),
        summary: summary(&sim, &tally),
        tally,
        story: story(&sim),
    }
}

/// The verdicts once the run ended: a broken invariant (it fails the run whatever the
/// expectations say), then every expectation not yet evaluated.
fn at_end(sim: &Simulation, sc: &Scenario, end: SimTime, mut outcomes: Vec<Option<Outcome>>) -> Vec<Outcome> {
    if let Some(v) = &sim.violation {
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
            let mut o = evaluate(sim, e);
            if e.at().is_some() {
                o = Outcome { passed: false, observed: format!("not reached: the run stopped at {end}"), ..o };
            } else if sim.violation.is_some() {
                o.observed = format!("{} when the run stopped at {}", o.observed, sim.now());
            }
            outcomes[i] = Some(o);
        }
    }
    outcomes.into_iter().map(|o| o.expect("every expectation evaluated")).collect()
}
