//! `brokerlab run`: one scenario headless, its story, summary and expectations.

use crate::runner::RunReport;
use crate::runner::determinism::{Determinism, compare_runs};
use crate::runner::lifeline::Follow;
use crate::runner::run::run_scenario_with_progress;
use crate::scenario::{Scenario, ScenarioError, load_file};
use crate::sim::Dur;
use crate::sim::SimTime;
use crate::trace::{Names, Record};
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
    /// Follow one message through the run and print its lifeline (its hops between nodes
    /// and what happened to it on each, in time order) instead of the summary. ID is a
    /// message id as the trace writes it: producer or publisher name, '#', number
    /// ("checkout#5"); or "key:K" for the first 20 Kafka records produced with key K.
    #[arg(long, value_name = "ID", conflicts_with = "check_determinism")]
    lifeline: Option<String>,
    /// With --lifeline: write the lifeline as a space-time diagram (SVG) to this file.
    #[arg(long, value_name = "FILE", requires = "lifeline")]
    svg: Option<PathBuf>,
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

/// What `run` shows while it goes: the metrics rows, and progress on stderr for runs that
/// take a while, when someone is watching.
struct Progress {
    metrics: Option<BufWriter<std::fs::File>>,
    wrote_header: bool,
    show: bool,
    started: Instant,
    last: Instant,
}

impl Progress {
    fn new(metrics: Option<&Path>) -> Result<Progress, String> {
        let metrics = match metrics.map(|p| (p, std::fs::File::create(p))) {
            None => None,
            Some((_, Ok(f))) => Some(BufWriter::new(f)),
            Some((p, Err(e))) => return Err(format!("cannot write {}: {e}", p.display())),
        };
        let show = std::io::stderr().is_terminal();
        Ok(Progress { metrics, wrote_header: false, show, started: Instant::now(), last: Instant::now() })
    }

    /// After every simulated second.
    fn tick(&mut self, sim: &crate::world::Simulation, end: SimTime) {
        if let Some(w) = self.metrics.as_mut() {
            if !self.wrote_header {
                self.wrote_header = true;
                let _ = writeln!(w, "{}", crate::runner::metrics::header(sim));
            }
            let _ = writeln!(w, "{}", crate::runner::metrics::row(sim));
        }
        let (now, started) = (sim.now(), self.started);
        if self.show && started.elapsed() > Duration::from_secs(1) && self.last.elapsed() > Duration::from_millis(200) {
            self.last = Instant::now();
            let pct = now.0 as f64 * 100.0 / end.0.max(1) as f64;
            eprint!("\r  {pct:>3.0}%  simulated {now} of {end}  ({:.1}s)   ", started.elapsed().as_secs_f64());
        }
    }

    /// Ends the progress line; flushes the metrics (dropping the writer).
    fn finish(&mut self) {
        self.metrics = None;
        if self.show && self.started.elapsed() > Duration::from_secs(1) {
            eprintln!();
        }
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
    let mut progress = match Progress::new(a.metrics.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = match super::outputs::Outputs::open(a.trace.as_deref(), a.chrome_trace.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut lifeline = match a.lifeline.as_deref().map(|id| Follow::new(&sc, seed, id)).transpose() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: --lifeline: {e}");
            return ExitCode::from(2);
        }
    };
    let report = if out.any() || lifeline.is_some() {
        let mut sink = |recs: &[Record], names: &Names| {
            out.write(recs, names);
            if let Some(c) = lifeline.as_mut() {
                c.observe(recs, names);
            }
        };
        run_scenario_with_progress(sc, seed, until, Some(&mut sink), &mut |sim, end| progress.tick(sim, end))
    } else {
        run_scenario_with_progress(sc, seed, until, None, &mut |sim, end| progress.tick(sim, end))
    };
    if let Err(e) = out.finish() {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    progress.finish();
    if let Some(c) = lifeline {
        return show_lifeline(c, a.svg.as_deref());
    }
    print_report(&report);
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        eprintln!("expectations failed; reproduce: {}", reproducer(&a.file, seed));
        ExitCode::from(1)
    }
}

/// Prints the lifeline as text, or writes it as SVG; exit 2 for a message the run never
/// showed or a file that cannot be written.
fn show_lifeline(c: Follow, svg: Option<&Path>) -> ExitCode {
    let l = match c.into_lifeline() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: --lifeline: {e}");
            return ExitCode::from(2);
        }
    };
    let Some(path) = svg else {
        for line in l.to_text().lines() {
            crate::outln!("{line}");
        }
        return ExitCode::SUCCESS;
    };
    if let Err(e) = std::fs::write(path, crate::runner::lifeline::svg::render(&l)) {
        eprintln!("error: cannot write {}: {e}", path.display());
        return ExitCode::from(2);
    }
    crate::outln!(
        "wrote {}: lifeline of {} ({} hops, {} marks across {} lanes: {})",
        path.display(),
        l.message,
        l.hops.len(),
        l.marks.len(),
        l.lanes.len(),
        l.lanes.join(", ")
    );
    ExitCode::SUCCESS
}

fn check_determinism(file: &Path, sc: Arc<Scenario>, seed: u64, until: Option<Dur>) -> ExitCode {
    match compare_runs(sc, seed, until) {
        Determinism::Same { records, digest } => {
            crate::outln!("deterministic: two runs gave {records} identical records, digest {digest:016x}");
            ExitCode::SUCCESS
        }
        Determinism::DigestsDiffer { first, second } => {
            crate::outln!("NOT deterministic: same records but digests {first:016x} and {second:016x}");
            ExitCode::from(1)
        }
        Determinism::Differs { index, first, second } => {
            crate::outln!("NOT deterministic: first difference at record {index}");
            crate::outln!("  run 1: {}", first.as_deref().unwrap_or("(end of trace)"));
            crate::outln!("  run 2: {}", second.as_deref().unwrap_or("(end of trace)"));
            eprintln!("reproduce: {} --check-determinism", reproducer(file, seed));
            ExitCode::from(1)
        }
    }
}
