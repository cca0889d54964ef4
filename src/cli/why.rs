//! `brokerlab why`: when did an outcome become inevitable? Prints the curve
//! (`runner::why` does the work), the moment, and what the base run did just before it.

use super::run::load;
use crate::runner::why::{MAX_POINTS, MAX_RUNS, Options, Why, WhyError, why as branch_runs};
use crate::scenario::parse_expectation;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

/// What `brokerlab why --help` says.
pub(super) const LONG_ABOUT: &str = "Runs the scenario once (the base run), then at --points branch points evenly \
spaced from 0 to the end of the run (to the outcome's own `at` if it has one; most outcomes, \
acknowledged-write loss among them, are judged on the final state) continues a copy of it --runs \
times with fresh random choices: every node's random streams reseeded from the seed, the branch \
time and the run number; scheduled faults and inputs stay. Prints, per branch point, in how many \
runs the outcome still happened, and the moment it became inevitable: the earliest branch point \
from which on it happened in every run, with the base run's records just before it.\n\nExample:\n  \
brokerlab why scenarios/05_acks1_leader_crash.ron --outcome 'AckedLoss(at_least: 1)'";

/// Arguments of `why`.
#[derive(clap::Args, Debug)]
pub(super) struct WhyArgs {
    /// Scenario file (RON).
    file: PathBuf,
    /// The outcome, written as an entry of the scenario's `expect` list, e.g.
    /// 'AckedLoss(at_least: 1)' or 'Duplicates(group: "g", min: 1)'.
    #[arg(long)]
    outcome: String,
    /// Runs per branch point.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=MAX_RUNS as i64))]
    runs: u32,
    /// Branch points, evenly spaced from 0 up to (not including) the end of the run, or the
    /// outcome's own `at` (not its first sighting: most outcomes, acknowledged-write loss
    /// among them, are judged on the final state).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=MAX_POINTS as i64))]
    points: u32,
    /// Seed of the base run (default: the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Print one JSON object instead.
    #[arg(long)]
    json: bool,
    /// Parallel jobs (default: every core); the result does not depend on it.
    #[arg(long)]
    jobs: Option<usize>,
}

pub(super) fn why(a: WhyArgs) -> ExitCode {
    let sc = match load(&a.file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = match parse_expectation(&sc, &a.outcome, "--outcome") {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let seed = a.seed.unwrap_or(sc.seed);
    let opts = Options { runs: a.runs, points: a.points };
    let bar = ProgressBar::new(a.runs as u64 * a.points as u64);
    bar.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}").expect("a valid template"));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(a.jobs.unwrap_or(0)).build().expect("a thread pool");
    let result = pool.install(|| branch_runs(sc.clone(), seed, &outcome, opts, &|| bar.inc(1)));
    bar.finish_and_clear();
    match result {
        Ok(w) if a.json => crate::outln!("{}", to_json(&sc.name, &a.file.display().to_string(), &w)),
        Ok(w) => print(&sc.name, &w),
        Err(WhyError::NotInBase { observed }) => {
            eprintln!(
                "the outcome did not happen in the base run (seed {seed}; observed: {observed}): nothing to explain; \
                 try another --seed"
            );
            return ExitCode::from(1);
        }
        Err(WhyError::BaseBroken(v)) => {
            eprintln!("the base run (seed {seed}) stopped: {v}");
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}

fn print(name: &str, w: &Why) {
    crate::outln!("{name} (seed {})", w.seed);
    crate::outln!("outcome: {} (base run: {})", w.outcome, w.observed);
    let runs = w.points.first().map_or(0, |p| p.runs);
    crate::outln!(
        "branches: {runs} runs with fresh random choices at each of {} points, judged at {}",
        w.points.len(),
        w.end
    );
    for p in &w.points {
        let filled = (p.happened as usize * 20).div_ceil(p.runs.max(1) as usize);
        let broken = if p.broken > 0 { format!("  ({} broke an invariant)", p.broken) } else { String::new() };
        crate::outln!(
            "  {:>8}  {:<20}  {:>4}/{:<4} {:.2}{broken}",
            p.at.to_string(),
            "#".repeat(filled),
            p.happened,
            p.runs,
            p.happened as f64 / p.runs.max(1) as f64
        );
    }
    match (w.inevitable_from, w.context_from) {
        (None, _) => crate::outln!("never inevitable: even from the last branch point some runs avoided it"),
        (Some(t), None) => {
            crate::outln!("inevitable from {t}, the first branch point: chance plays no part; the scenario's settings");
            crate::outln!("and its scheduled inputs decide it. The inputs the base run applied:");
            for l in &w.context {
                crate::outln!("  {:>8}  {}", l.at.to_string(), l.text);
            }
        }
        (Some(t), Some(from)) => {
            crate::outln!("inevitable from {t}: from there on it happened in every run");
            crate::outln!("the base run between {from} and {t}:");
            for l in &w.context {
                crate::outln!("  {:>8}  {}", l.at.to_string(), l.text);
            }
        }
    }
    if let Some(b) = &w.broken {
        crate::outln!("warning: a branch broke an invariant (counted as not happened): {b}");
    }
}

fn to_json(name: &str, file: &str, w: &Why) -> serde_json::Value {
    let points: Vec<serde_json::Value> = w
        .points
        .iter()
        .map(|p| {
            json!({"at_us": p.at.0, "at": p.at.to_string(), "happened": p.happened, "runs": p.runs,
                "broken": p.broken, "fraction": p.happened as f64 / p.runs.max(1) as f64})
        })
        .collect();
    let context: Vec<serde_json::Value> =
        w.context.iter().map(|l| json!({"at_us": l.at.0, "at": l.at.to_string(), "text": l.text})).collect();
    json!({
        "scenario": name,
        "file": file,
        "seed": w.seed,
        "outcome": w.outcome,
        "observed": w.observed,
        "end_us": w.end.0,
        "points": points,
        "inevitable_from_us": w.inevitable_from.map(|t| t.0),
        "context_from_us": w.context_from.map(|t| t.0),
        "context": context,
        "broken": w.broken,
    })
}
