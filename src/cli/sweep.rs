//! `brokerlab sweep`: many seeds of one scenario with random fault schedules, in parallel,
//! with a progress bar; failing seeds are listed with their reproducers, shrunk, and
//! written as scenario files. `--shard I/N` and `--json` split a big campaign across
//! machines; `--merge` joins the shards' JSON Lines.

use crate::runner::sweep::campaign;
use crate::runner::sweep::{SeedResult, Verdict, run_seed, run_seed_for};
use crate::scenario::{Scenario, load_file};
use indicatif::{ParallelProgressIterator, ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `sweep`.
#[derive(clap::Args, Debug)]
pub(super) struct SweepArgs {
    /// The scenario to sweep.
    #[arg(required_unless_present = "merge")]
    file: Option<PathBuf>,
    /// Seeds, A..B (inclusive).
    #[arg(long, default_value = "1..100")]
    seeds: String,
    /// Parallel jobs (default: every core).
    #[arg(long)]
    jobs: Option<usize>,
    /// random: a fault schedule drawn from each seed; none: the scenario's own faults only.
    #[arg(long, default_value = "random")]
    faults: String,
    /// Run every N-th seed from I (I/N, from 0), to split a campaign across machines.
    #[arg(long)]
    shard: Option<String>,
    /// Write one JSON line per seed here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Directory for shrunk failing scenarios.
    #[arg(long, default_value = "sweep-failures")]
    out: PathBuf,
    /// Merge shards' JSON Lines files instead of running.
    #[arg(long, num_args = 1..)]
    merge: Vec<PathBuf>,
    /// The configuration is unsafe on purpose: succeed when a seed breaks an invariant or
    /// one of the scenario's own expectations (its promises), seeds in order; fail when
    /// none does. Stops at the first.
    #[arg(long)]
    must_catch: bool,
}

fn summarize(results: &[SeedResult]) -> ExitCode {
    let failed: Vec<&SeedResult> = results.iter().filter(|r| !r.ok).collect();
    for f in &failed {
        crate::outln!("FAIL seed {}: {}", f.seed, f.failure.as_deref().unwrap_or("?"));
        crate::outln!("     reproduce: {}", f.reproducer);
    }
    crate::outln!("{} seeds, {} passed, {} failed", results.len(), results.len() - failed.len(), failed.len());
    if failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn merge(files: &[PathBuf]) -> ExitCode {
    match campaign::merge(files) {
        Ok(all) => summarize(&all),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

pub(super) fn sweep(a: SweepArgs) -> ExitCode {
    if !a.merge.is_empty() {
        return merge(&a.merge);
    }
    let file = a.file.clone().expect("clap requires it");
    let sc = match load_file(&file) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let seeds = match campaign::seeds(&a.seeds, a.shard.as_deref()) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let random = match a.faults.as_str() {
        "random" => true,
        "none" => false,
        other => {
            eprintln!("error: --faults {other}: expected random or none");
            return ExitCode::from(2);
        }
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(a.jobs.unwrap_or(0)).build().expect("a thread pool");
    if a.must_catch {
        return must_catch(&pool, &sc, &file.display().to_string(), &seeds, random);
    }
    let results = run_all(&pool, &sc, &file.display().to_string(), &seeds, random);
    if let Some(path) = &a.json
        && let Err(e) = campaign::write_json(path, &results)
    {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    for r in results.iter().filter(|r| !r.ok).take(5) {
        if let Some(s) = campaign::save_shrunk(&sc, &file, r.seed, random, &a.out) {
            eprintln!(
                "seed {}: shrunk to {} fault(s), written to {}\n     replay: brokerlab run {} (or open it in the app)",
                r.seed,
                s.faults,
                s.path.display(),
                s.path.display()
            );
        }
    }
    summarize(&results)
}

/// Runs every seed across the pool with a progress bar; results in seed order.
fn run_all(pool: &rayon::ThreadPool, sc: &Arc<Scenario>, name: &str, seeds: &[u64], random: bool) -> Vec<SeedResult> {
    let bar = ProgressBar::new(seeds.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} seeds  {per_sec}  {msg}").expect("a valid template"),
    );
    let failures = std::sync::atomic::AtomicU64::new(0);
    let start = std::time::Instant::now();
    let mut results: Vec<SeedResult> = pool.install(|| {
        seeds
            .par_iter()
            .progress_with(bar.clone())
            .map(|&seed| {
                let r = run_seed(sc, name, seed, random);
                if !r.ok {
                    let n = failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    bar.set_message(format!("{n} failing"));
                }
                r
            })
            .collect()
    });
    bar.finish_and_clear();
    results.sort_by_key(|r| r.seed);
    let wall = start.elapsed().as_secs_f64();
    eprintln!("{} seeds in {wall:.1}s ({:.1} seeds/s)", results.len(), results.len() as f64 / wall.max(1e-9));
    results
}

/// `--must-catch`: runs seeds in order, a batch per round across the pool, and stops at the
/// first seed whose run breaks an invariant or a promise of the scenario.
fn must_catch(pool: &rayon::ThreadPool, sc: &Arc<Scenario>, name: &str, seeds: &[u64], random: bool) -> ExitCode {
    let start = std::time::Instant::now();
    let batch = pool.current_num_threads().max(1);
    let bar = ProgressBar::new(seeds.len() as u64);
    bar.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} seeds  {msg}").expect("a valid template"));
    for chunk in seeds.chunks(batch) {
        let results: Vec<SeedResult> =
            pool.install(|| chunk.par_iter().map(|&s| run_seed_for(sc, name, s, random, Verdict::Promises)).collect());
        bar.inc(chunk.len() as u64);
        if let Some(r) = results.iter().find(|r| !r.ok) {
            bar.finish_and_clear();
            let tried = seeds.iter().position(|&s| s == r.seed).map_or(0, |i| i + 1);
            crate::outln!(
                "caught at seed {} ({tried} seeds, {:.1}s): {}",
                r.seed,
                start.elapsed().as_secs_f64(),
                r.failure.as_deref().unwrap_or("?")
            );
            crate::outln!("     reproduce: {}", r.reproducer);
            return ExitCode::SUCCESS;
        }
    }
    bar.finish_and_clear();
    crate::outln!(
        "NOT caught: {} seeds kept every promise of {name} ({:.1}s)",
        seeds.len(),
        start.elapsed().as_secs_f64()
    );
    ExitCode::from(1)
}
