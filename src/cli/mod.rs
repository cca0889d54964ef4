//! The command line: `open` (the desktop app, default), `run`, `check`, `diff`, `explain`,
//! `bench`, `sweep`, `why`.
// The commands time real runs (progress, seeds/s) with the wall clock; the engine they drive does not.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

/// `println!` that ends the process quietly when stdout is closed (piped into `head`).
#[macro_export]
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($t)*).is_err() {
            std::process::exit(0);
        }
    }};
}

mod bench;
mod check;
mod diff;
mod explain;
mod explain_route;
mod junit;
mod outputs;
mod run;
mod sweep;
mod why;

pub use bench::{CountingAllocator, allocation_counts, fleet_scenario};

use crate::gui::OpenArgs;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// brokerlab — watch, step and break a simulated Kafka cluster and RabbitMQ broker.
#[derive(Parser, Debug)]
#[command(
    name = "brokerlab",
    version,
    about,
    long_about = "brokerlab simulates a Kafka-style cluster (brokers, partitions, replicas, \
ZooKeeper and the controller, producers, consumer groups) and a RabbitMQ-style broker (exchanges, queues, \
push consumers, dead-lettering) deterministically: one scenario file and one seed give one \
byte-identical trace. Without a command it opens the desktop app.\n\nExamples:\n  brokerlab run scenarios/04_failover_acks_all.ron\n  \
brokerlab check scenarios/\n  brokerlab diff scenarios/compare/acks1_leader_crash.ron scenarios/compare/acks_all_leader_crash.ron\n  brokerlab explain partition --partitions 6 car-1 car-2 foobar\n  brokerlab sweep scenarios/04_failover_acks_all.ron --seeds 1..200\n  brokerlab why scenarios/05_acks1_leader_crash.ron --outcome 'AckedLoss(at_least: 1)'\n  brokerlab open scenarios/01_pace_matching.ron"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Open the desktop app (the default), optionally with a scenario loaded.
    Open(OpenArgs),
    /// Run one scenario headless and print a summary; exit 1 if an expectation fails, 2 on a bad scenario.
    Run(run::RunArgs),
    /// Run every scenario's expectations (files or directories), with --seeds N on N more seeds each; ends with "N passed, N failed".
    Check(check::CheckArgs),
    /// Run two scenarios side by side: where their traces first differ, and their totals; exit 0 if identical, 1 if not, 2 on bad input.
    Diff(diff::DiffArgs),
    /// Ask the engine where something goes and why.
    Explain {
        #[command(subcommand)]
        what: explain::Explain,
    },
    /// Measure the engine on the standard large scenario (build with --release).
    Bench(bench::BenchArgs),
    /// Run many seeds with random fault schedules, invariants on, in parallel; shrink failures.
    Sweep(sweep::SweepArgs),
    /// When did an outcome become inevitable? Branch the run with fresh random choices and see.
    #[command(long_about = why::LONG_ABOUT)]
    Why(why::WhyArgs),
}

/// The `open` arguments a command line asks for: bare `brokerlab` (what `cargo run` starts)
/// is `brokerlab open` with clap's defaults, never a hand-made default that skips them.
pub fn open_args(argv: &[&str]) -> Option<OpenArgs> {
    let cli = Cli::try_parse_from(argv).ok()?;
    match cli.command {
        None => open_args(&["brokerlab", "open"]),
        Some(Command::Open(a)) => Some(a),
        Some(
            Command::Run(_)
            | Command::Check(_)
            | Command::Diff(_)
            | Command::Explain { .. }
            | Command::Bench(_)
            | Command::Sweep(_)
            | Command::Why(_),
        ) => None,
    }
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = match cli.command {
        Some(c) => c,
        None => Command::Open(open_args(&["brokerlab", "open"]).expect("`open` parses with its defaults")),
    };
    match command {
        Command::Open(a) => open(a),
        Command::Run(a) => run::run(a),
        Command::Check(a) => check::check(a),
        Command::Diff(a) => diff::diff(a),
        Command::Explain { what } => explain::explain(what),
        Command::Bench(a) => bench::bench(a),
        Command::Sweep(a) => sweep::sweep(a),
        Command::Why(a) => why::why(a),
    }
}

#[cfg(feature = "gui")]
fn open(a: OpenArgs) -> ExitCode {
    crate::gui::open(a)
}

#[cfg(not(feature = "gui"))]
fn open(_: OpenArgs) -> ExitCode {
    eprintln!(
        "this brokerlab was built without the desktop app (cargo feature `gui`); try `brokerlab run FILE` or rebuild with default features"
    );
    ExitCode::from(2)
}
