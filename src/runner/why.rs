//! "When did it become inevitable?": the scenario runs once (the base run); at evenly spaced
//! branch points a copy of it continues several times with fresh random choices (every
//! node's streams reseeded from the seed, the branch time and the run number; scheduled
//! faults and inputs unchanged). The fraction of branches in which the outcome still
//! happens, per branch point, is the curve; the moment is where it stays at 1.
//!
//! Branch points run from 0 to the end of the run (or to an outcome's own `at`): most
//! outcomes, acknowledged-write loss among them, are judged on the final state, so when
//! they were "first observed" is not known before the end.

use super::expect::evaluate;
use crate::scenario::{Expectation, Scenario};
use crate::sim::SimTime;
use crate::trace::text::{describe, is_notable};
use crate::trace::{Record, RecordKind};
use crate::world::Simulation;
use rayon::prelude::*;
use std::collections::VecDeque;
use std::sync::Arc;

/// Most runs per branch point.
pub const MAX_RUNS: u32 = 10_000;
/// Most branch points.
pub const MAX_POINTS: u32 = 1_000;
/// Base-run records shown before the moment.
pub const CONTEXT: usize = 8;

/// How much to branch.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Runs per branch point (1 to `MAX_RUNS`).
    pub runs: u32,
    /// Branch points (1 to `MAX_POINTS`).
    pub points: u32,
}

/// One branch point of the curve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Point {
    /// When the branches leave the base run.
    pub at: SimTime,
    /// Branches in which the outcome happened.
    pub happened: u32,
    /// Branches run.
    pub runs: u32,
    /// Branches stopped by a broken invariant (counted as not happened).
    pub broken: u32,
}

/// A base-run trace record, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// When.
    pub at: SimTime,
    /// What, as the app's event log says it.
    pub text: String,
}

/// The answer: the curve, the moment, and what the base run did just before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Why {
    /// The outcome, in words.
    pub outcome: String,
    /// What the base run observed.
    pub observed: String,
    /// The seed of the base run.
    pub seed: u64,
    /// Where every run is judged: the end of the run, or the outcome's `at`.
    pub end: SimTime,
    /// The curve, earliest first.
    pub points: Vec<Point>,
    /// The earliest branch point from which on every branch had the outcome (None when
    /// even the last one had a branch without it).
    pub inevitable_from: Option<SimTime>,
    /// The branch point before the moment: `context` is what the base run did after it
    /// (None when the moment is the first branch point, or there is none).
    pub context_from: Option<SimTime>,
    /// At most `CONTEXT` base-run records between the previous branch point and the moment
    /// (all of them when they are few, else the notable ones if there are any, else the
    /// latest); when the moment is the first branch point, chance played no part: the
    /// inputs the base run applied (its scheduled faults).
    pub context: Vec<Line>,
    /// The first branch (in branch order) that broke an invariant, in words.
    pub broken: Option<String>,
}

/// Why there is nothing to explain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WhyError {
    /// The outcome did not happen in the base run.
    NotInBase {
        /// What the base run observed instead.
        observed: String,
    },
    /// The base run broke an invariant before the end.
    BaseBroken(String),
}

/// A branch's verdict.
#[derive(Clone, Debug)]
enum Verdict {
    Happened,
    Not,
    Broken(String),
}

/// The base run's records between two branch points, bounded: the first few, the latest
/// few, the latest notable few.
#[derive(Clone, Debug, Default)]
struct Window {
    count: usize,
    first: Vec<Record>,
    notable: VecDeque<Record>,
    latest: VecDeque<Record>,
}

impl Window {
    fn add(&mut self, records: Vec<Record>) {
        for r in records {
            self.count += 1;
            if self.first.len() < CONTEXT {
                self.first.push(r.clone());
            }
            if is_notable(&r.kind) {
                push_bounded(&mut self.notable, r.clone());
            }
            push_bounded(&mut self.latest, r);
        }
    }

    /// All of them when they are few, else the notable ones if there are any, else the
    /// latest.
    fn shown(&self) -> Vec<&Record> {
        if self.count <= CONTEXT {
            self.first.iter().collect()
        } else if self.notable.is_empty() {
            self.latest.iter().collect()
        } else {
            self.notable.iter().collect()
        }
    }
}

fn push_bounded(q: &mut VecDeque<Record>, r: Record) {
    if q.len() == CONTEXT {
        q.pop_front();
    }
    q.push_back(r);
}

/// The base run: a snapshot and the records leading to it at every branch point, and the
/// verdict at the end.
struct Base {
    snapshots: Vec<Simulation>,
    windows: Vec<Window>,
    /// The first inputs applied (scheduled faults), for an outcome settled from the start.
    inputs: Vec<Record>,
    verdict: Verdict,
    observed: String,
    outcome: String,
    last: Simulation,
}

/// The branch times: `points` evenly spaced from 0, the last one a step before `end`.
pub fn branch_times(end: SimTime, points: u32) -> Vec<SimTime> {
    let n = points.max(1) as u128;
    (0..n).map(|i| SimTime((end.0 as u128 * i / n) as u64)).collect()
}

/// Where runs are judged: at the outcome's `at`, or at the end of the scenario.
pub fn judged_at(sc: &Scenario, outcome: &Expectation) -> SimTime {
    SimTime(outcome.at().map_or(sc.duration.0, |a| a.0.min(sc.duration.0)))
}

/// Branches the base run of `sc` on `seed` and reports when `outcome` became inevitable.
/// Runs in the current rayon pool; the result does not depend on its size. `tick` is
/// called after every branch (for a progress bar).
pub fn why(
    sc: Arc<Scenario>,
    seed: u64,
    outcome: &Expectation,
    opts: Options,
    tick: &(dyn Fn() + Sync),
) -> Result<Why, WhyError> {
    let end = judged_at(&sc, outcome);
    let times = branch_times(end, opts.points);
    let base = base_run(sc, seed, outcome, &times, end);
    match &base.verdict {
        Verdict::Happened => {}
        Verdict::Not => return Err(WhyError::NotInBase { observed: base.observed }),
        Verdict::Broken(v) => return Err(WhyError::BaseBroken(v.clone())),
    }
    let jobs: Vec<(usize, u32)> = (0..times.len()).flat_map(|i| (0..opts.runs).map(move |k| (i, k))).collect();
    // Collected in job order, whatever thread ran which branch.
    let verdicts: Vec<Verdict> = jobs
        .par_iter()
        .map(|&(i, k)| {
            let v = branch(&base.snapshots[i], salt(times[i], k), outcome, end);
            tick();
            v
        })
        .collect();
    let mut points: Vec<Point> =
        times.iter().map(|&at| Point { at, happened: 0, runs: opts.runs, broken: 0 }).collect();
    let mut broken = None;
    for (&(i, k), v) in jobs.iter().zip(&verdicts) {
        match v {
            Verdict::Happened => points[i].happened += 1,
            Verdict::Not => {}
            Verdict::Broken(what) => {
                points[i].broken += 1;
                broken.get_or_insert_with(|| format!("branch {k} at {}: {what}", times[i]));
            }
        }
    }
    let moment = inevitable_index(&points);
    let (context_from, context) = match moment {
        Some(0) => (None, lines(base.inputs.iter(), &base.last)),
        Some(i) => (Some(times[i - 1]), lines(base.windows[i].shown().into_iter(), &base.last)),
        None => (None, Vec::new()),
    };
    Ok(Why {
        outcome: base.outcome,
        observed: base.observed,
        seed,
        end,
        inevitable_from: moment.map(|i| times[i]),
        points,
        context_from,
        context,
        broken,
    })
}

/// The index of the earliest point from which on every branch had the outcome.
fn inevitable_index(points: &[Point]) -> Option<usize> {
    match points.iter().rposition(|p| p.happened < p.runs) {
        None => Some(0),
        Some(i) if i + 1 < points.len() => Some(i + 1),
        Some(_) => None,
    }
}

/// The salt of branch `k` at `at`: distinct for every (time, run) pair of a run shorter
/// than about 5,000 hours, since `k` stays below `MAX_RUNS`.
fn salt(at: SimTime, k: u32) -> u64 {
    at.0.wrapping_mul(1_000_003).wrapping_add(k as u64)
}

/// Runs the base once with every record captured, copying it at each branch time.
fn base_run(sc: Arc<Scenario>, seed: u64, outcome: &Expectation, times: &[SimTime], end: SimTime) -> Base {
    let mut sim = Simulation::new_capturing(sc, seed, 0);
    let mut snapshots = Vec::with_capacity(times.len());
    let mut windows = Vec::with_capacity(times.len());
    let mut inputs = Vec::new();
    for &t in times {
        let mut w = Window::default();
        advance(&mut sim, t, &mut w, &mut inputs);
        let mut snap = sim.clone();
        snap.trace.stop_capture();
        snapshots.push(snap);
        windows.push(w);
    }
    advance(&mut sim, end, &mut Window::default(), &mut inputs);
    sim.trace.stop_capture();
    let (verdict, what, observed) = judge(&mut sim, outcome, end);
    Base { snapshots, windows, inputs, verdict, observed, outcome: what, last: sim }
}

/// Runs the base to `t` a simulated second at a time, so captured records do not pile up;
/// keeps a window of them and the first `CONTEXT` inputs.
fn advance(sim: &mut Simulation, t: SimTime, w: &mut Window, inputs: &mut Vec<Record>) {
    loop {
        let slice = SimTime((sim.now().0 + 1_000_000).min(t.0));
        sim.run_until(slice);
        let records = sim.trace.drain();
        let applied = records.iter().filter(|r| matches!(r.kind, RecordKind::Input { .. }));
        inputs.extend(applied.take(CONTEXT - inputs.len()).cloned());
        w.add(records);
        if sim.now() >= t || sim.violation.is_some() {
            return;
        }
    }
}

/// One branch: a copy of the snapshot with fresh random streams, run to `end` and judged.
fn branch(snapshot: &Simulation, salt: u64, outcome: &Expectation, end: SimTime) -> Verdict {
    let mut sim = snapshot.clone();
    sim.reseed(salt);
    sim.run_until(end);
    judge(&mut sim, outcome, end).0
}

/// The verdict at `end` (with the end-of-run invariants when `end` is the end of the
/// scenario), the outcome in words, and what was observed.
fn judge(sim: &mut Simulation, outcome: &Expectation, end: SimTime) -> (Verdict, String, String) {
    if end.0 >= sim.scenario.duration.0 {
        sim.check_end();
    }
    let o = evaluate(sim, outcome);
    let verdict = match &sim.violation {
        Some(v) => Verdict::Broken(format!("invariant {} broken at {}: {}", v.invariant, SimTime(v.t_us), v.detail)),
        None if o.passed => Verdict::Happened,
        None => Verdict::Not,
    };
    (verdict, o.what, o.observed)
}

/// Records in words, as the app's event log tells them.
fn lines<'a>(records: impl Iterator<Item = &'a Record>, sim: &Simulation) -> Vec<Line> {
    records.map(|r| Line { at: SimTime(r.t_us), text: describe(r, sim.names()) }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(at: u64, happened: u32) -> Point {
        Point { at: SimTime(at), happened, runs: 4, broken: 0 }
    }

    #[test]
    fn the_moment_is_the_start_of_the_last_run_of_certainty() {
        let curve =
            |h: &[u32]| inevitable_index(&h.iter().enumerate().map(|(i, &n)| point(i as u64, n)).collect::<Vec<_>>());
        assert_eq!(curve(&[2, 4, 1, 4, 4]), Some(3), "a certain point before a doubtful one does not count");
        assert_eq!(curve(&[4, 4, 4]), Some(0));
        assert_eq!(curve(&[4, 4, 3]), None, "never inevitable when the last point has a run without it");
    }

    #[test]
    fn branch_points_are_evenly_spaced_from_zero_and_stop_a_step_before_the_end() {
        assert_eq!(branch_times(SimTime(40), 4), vec![SimTime(0), SimTime(10), SimTime(20), SimTime(30)]);
        assert_eq!(branch_times(SimTime(40), 1), vec![SimTime(0)]);
        assert_ne!(salt(SimTime(1), 0), salt(SimTime(0), 1));
    }
}
