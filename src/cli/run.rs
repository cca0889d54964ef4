//! `brokerlab run`: one scenario headless, its story, summary and expectations.

use crate::check::run::run_scenario_with_progress;
use crate::check::{RunReport, run_scenario};
use crate::scenario::{Scenario, ScenarioError, load_file};
use crate::sim::Dur;
use crate::sim::SimTime;
use crate::trace::{Names, Record, jsonl};
use std::io::IsTerminal;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub(super) struct RunArgs {
    /// Scenario file (RON).
    file: PathBuf,
    /// Seed (default: the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Stop early at this simulated time, e.g. "30s".
    #[arg(long)]
    until: Option<String>,
    /// Write the trace as JSON Lines to this file.
    #[arg(long)]
    trace: Option<PathBuf>,
    /// Run twice and compare the traces record by record.
    #[arg(long)]
    check_determinism: bool,
    /// Write a CSV time series (one row per simulated second) to this file.
    #[arg(long)]
    metrics: Option<PathBuf>,
    /// Write a Chrome trace (JSON; open it in ui.perfetto.dev): a track per node, spans
    /// for produce requests, processing and downtime.
    #[arg(long)]
    chrome_trace: Option<PathBuf>,
}

pub(super) fn load(path: &Path) -> Result<Arc<Scenario>, ScenarioError> {
    load_file(path).map(Arc::new)
}

pub(super) fn reproducer(file: &Path, seed: u64) -> String {
    format!("brokerlab run {} --seed {seed}", file.display())
}

fn print_report(r: &RunReport) {
    crate::outln!("{} (seed {}, until {})", r.name, r.seed, r.until);
    if !r.story.is_empty() {
        crate::outln!("  story:");
        for (at, text) in &r.story {
            crate::outln!("  {:>8}  {text}", at.to_string());
        }
    }
    print!("{}", r.summary);
    crate::outln!("  trace: {} records, {} events, digest {:016x}", r.records, r.events, r.digest);
    for o in &r.outcomes {
        crate::outln!("  {} {} (observed: {})", if o.passed { "ok  " } else { "FAIL" }, o.what, o.observed);
    }
}

pub(super) fn run(a: RunArgs) -> ExitCode {
    let sc = match load(&a.file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let until = match a.until.as_deref().map(Dur::parse) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            eprintln!("error: --until: {e}");
            return ExitCode::from(2);
        }
    };
    let seed = a.seed.unwrap_or(sc.seed);
    if a.check_determinism {
        return check_determinism(&a.file, sc, seed, until);
    }
    // Progress on stderr for runs that take a while, when someone is watching.
    let show = std::io::stderr().is_terminal();
    let (started, mut last) = (Instant::now(), Instant::now());
    let mut metrics = match a.metrics.as_ref().map(std::fs::File::create) {
        None => None,
        Some(Ok(f)) => Some(BufWriter::new(f)),
        Some(Err(e)) => {
            eprintln!("error: cannot write {}: {e}", a.metrics.as_ref().expect("some").display());
            return ExitCode::from(2);
        }
    };
    let mut wrote_header = false;
    let mut progress = |sim: &crate::world::Simulation, end: SimTime| {
        if let Some(w) = metrics.as_mut() {
            if !wrote_header {
                wrote_header = true;
                let _ = writeln!(w, "{}", crate::check::metrics::header(sim));
            }
            let _ = writeln!(w, "{}", crate::check::metrics::row(sim));
        }
        let now = sim.now();
        if show && started.elapsed() > Duration::from_secs(1) && last.elapsed() > Duration::from_millis(200) {
            last = Instant::now();
            let pct = now.0 as f64 * 100.0 / end.0.max(1) as f64;
            eprint!("\r  {pct:>3.0}%  simulated {now} of {end}  ({:.1}s)   ", started.elapsed().as_secs_f64());
        }
    };
    let mut out = match super::outputs::Outputs::open(a.trace.as_deref(), a.chrome_trace.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let report = if out.any() {
        let mut sink = |recs: &[Record], names: &Names| out.write(recs, names);
        run_scenario_with_progress(sc, seed, until, Some(&mut sink), &mut progress)
    } else {
        run_scenario_with_progress(sc, seed, until, None, &mut progress)
    };
    if let Err(e) = out.finish() {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    if show && started.elapsed() > Duration::from_secs(1) {
        eprintln!();
    }
    print_report(&report);
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        eprintln!("expectations failed; reproduce: {}", reproducer(&a.file, seed));
        ExitCode::from(1)
    }
}

fn collect(sc: Arc<Scenario>, seed: u64, until: Option<Dur>) -> (Vec<String>, RunReport) {
    let mut lines = Vec::new();
    let mut sink =
        |recs: &[Record], names: &Names| lines.extend(recs.iter().map(|r| jsonl::to_json(r, names).to_string()));
    let r = run_scenario(sc, seed, until, Some(&mut sink));
    (lines, r)
}

fn check_determinism(file: &Path, sc: Arc<Scenario>, seed: u64, until: Option<Dur>) -> ExitCode {
    let (a, ra) = collect(sc.clone(), seed, until);
    let (b, rb) = collect(sc, seed, until);
    match a.iter().zip(&b).position(|(x, y)| x != y).or((a.len() != b.len()).then(|| a.len().min(b.len()))) {
        None if ra.digest == rb.digest => {
            crate::outln!("deterministic: two runs gave {} identical records, digest {:016x}", a.len(), ra.digest);
            ExitCode::SUCCESS
        }
        None => {
            crate::outln!("NOT deterministic: same records but digests {:016x} and {:016x}", ra.digest, rb.digest);
            ExitCode::from(1)
        }
        Some(i) => {
            crate::outln!("NOT deterministic: first difference at record {i}");
            crate::outln!("  run 1: {}", a.get(i).map(String::as_str).unwrap_or("(end of trace)"));
            crate::outln!("  run 2: {}", b.get(i).map(String::as_str).unwrap_or("(end of trace)"));
            eprintln!("reproduce: {} --check-determinism", reproducer(file, seed));
            ExitCode::from(1)
        }
    }
}
