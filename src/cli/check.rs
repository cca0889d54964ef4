//! `brokerlab check`: every scenario's expectations, on its own seed and, with `--seeds N`,
//! on N more seeds derived from it (in parallel, with a progress bar). A scenario must tell
//! the truth on any seed: each failing (file, seed) is listed with its reproducer.

use super::run::{load, reproducer};
use crate::runner::{RunReport, run_scenario};
use crate::scenario::{Scenario, scenario_files};
use indicatif::{ParallelProgressIterator, ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub(super) struct CheckArgs {
    /// Scenario files or directories (searched recursively for *.ron).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Also write the results as JUnit XML (a suite per scenario and seed, a case per expectation).
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Also run every scenario on this many seeds derived from its own (listed per file).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    seeds: u32,
    /// Parallel jobs (default: every core).
    #[arg(long)]
    jobs: Option<usize>,
}

/// One run to make: a loaded scenario (by file index) and a seed.
struct Job {
    file: usize,
    seed: u64,
}

/// A finished run, with its wall time.
struct Done {
    report: RunReport,
    secs: f64,
}

/// Runs every job in parallel, results in job order.
fn run_all(loaded: &[Result<Arc<Scenario>, String>], jobs: &[Job], threads: Option<usize>) -> Vec<Done> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.unwrap_or(0)).build().expect("a thread pool");
    let bar = ProgressBar::new(jobs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  {msg}").expect("a valid template"),
    );
    let failures = std::sync::atomic::AtomicU64::new(0);
    let done = pool.install(|| {
        jobs.par_iter()
            .progress_with(bar.clone())
            .map(|j| {
                let sc = loaded[j.file].as_ref().expect("jobs are made for loaded files only").clone();
                let start = Instant::now();
                let report = run_scenario(sc, j.seed, None, None);
                if !report.passed() {
                    let n = failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    bar.set_message(format!("{n} failing"));
                }
                Done { report, secs: start.elapsed().as_secs_f64() }
            })
            .collect()
    });
    bar.finish_and_clear();
    done
}

fn print_failure(file: &Path, r: &RunReport) {
    crate::outln!("FAIL {} (seed {})", file.display(), r.seed);
    for o in r.outcomes.iter().filter(|o| !o.passed) {
        crate::outln!("  expected {}; observed {}", o.what, o.observed);
    }
    crate::outln!("  reproduce: {}", reproducer(file, r.seed));
}

/// Prints a file's runs: its failures, or one "ok" line, and its seeds when there are more
/// than its own. Returns the failing seeds.
fn print_file(f: &Path, runs: &[Done], seeds: &[u64], more: bool) -> Vec<u64> {
    let bad: Vec<u64> = runs.iter().filter(|d| !d.report.passed()).map(|d| d.report.seed).collect();
    for d in runs.iter().filter(|d| !d.report.passed()) {
        print_failure(f, &d.report);
    }
    let secs: f64 = runs.iter().map(|d| d.secs).sum();
    let expectations = runs[0].report.outcomes.len();
    if bad.is_empty() && !more {
        crate::outln!("ok   {} ({expectations} expectations, {secs:.1}s)", f.display());
    } else if bad.is_empty() {
        crate::outln!("ok   {} ({expectations} expectations × {} seeds, {secs:.1}s)", f.display(), runs.len());
    }
    if more {
        let list: Vec<String> = seeds.iter().map(u64::to_string).collect();
        crate::outln!("     seeds: {}", list.join(" "));
    }
    bad
}

pub(super) fn check(a: CheckArgs) -> ExitCode {
    let files = scenario_files(&a.paths);
    if files.is_empty() {
        eprintln!("error: no scenario files (*.ron) under {:?}", a.paths);
        return ExitCode::from(2);
    }
    let started = Instant::now();
    let loaded: Vec<Result<Arc<Scenario>, String>> = files.iter().map(|f| load(f).map_err(|e| e.to_string())).collect();
    let seeds: Vec<Vec<u64>> = loaded
        .iter()
        .map(|l| l.as_ref().map(|sc| crate::runner::seeds::with_derived(sc.seed, a.seeds as usize)).unwrap_or_default())
        .collect();
    let jobs: Vec<Job> =
        seeds.iter().enumerate().flat_map(|(file, ss)| ss.iter().map(move |&seed| Job { file, seed })).collect();
    let mut done = run_all(&loaded, &jobs, a.jobs).into_iter();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut failing: Vec<(&Path, u64)> = Vec::new();
    let mut results = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let runs: Vec<Done> = done.by_ref().take(seeds[i].len()).collect();
        if let Err(e) = &loaded[i] {
            failed += 1;
            crate::outln!("FAIL {}\n  {e}", f.display());
            results.push(super::junit::FileResult { file: f, seed: None, secs: 0.0, result: Err(e.clone()) });
            continue;
        }
        let bad = print_file(f, &runs, &seeds[i], a.seeds > 0);
        failing.extend(bad.iter().map(|&seed| (f.as_path(), seed)));
        failed += bad.len();
        passed += runs.len() - bad.len();
        for (k, d) in runs.into_iter().enumerate() {
            let seed = (a.seeds > 0 && k > 0).then_some(d.report.seed);
            results.push(super::junit::FileResult { file: f, seed, secs: d.secs, result: Ok(d.report) });
        }
    }
    if let Some(path) = &a.junit
        && let Err(e) = std::fs::write(path, super::junit::report(&results))
    {
        eprintln!("error: cannot write {}: {e}", path.display());
        return ExitCode::from(2);
    }
    if a.seeds > 0 {
        let wall = started.elapsed().as_secs_f64();
        crate::outln!(
            "{} files, {} runs (each scenario's seed and {} derived), {wall:.1}s",
            files.len(),
            jobs.len(),
            a.seeds
        );
        for (f, seed) in &failing {
            crate::outln!("  failing: {} seed {seed}: {}", f.display(), reproducer(f, *seed));
        }
    }
    crate::outln!("{passed} passed, {failed} failed");
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
