//! `brokerlab bench`: the standard large scenario (a car fleet reporting every 10 s for
//! an hour: 3 brokers, RF 3, acks=all, 12 partitions, one consumer per partition), with
//! events per wall second, speed-up over real time, peak memory, allocations per event
//! (in a `count-allocs` build), and the cost of a bare BinaryHeap push+pop loop of the same
//! event count for comparison. `--pace` measures scenario 01 against a bare SimPy model,
//! `--scale` the fleet from 10 k to 10 M messages. Wall clocks are used here, in the CLI,
//! never in the engine.

mod alloc;
mod fleet;
mod measure;
mod pace;
mod scale;

pub use alloc::{CountingAllocator, counts as allocation_counts};
pub use fleet::fleet_scenario;

use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub(super) struct BenchArgs {
    /// Number of cars (distinct keys), each reporting every 10 s.
    #[arg(long, default_value_t = 10_000)]
    cars: u32,
    /// Simulated duration (of the fleet, or of the pace-matching workload with --pace).
    #[arg(long, default_value = "1h")]
    duration: String,
    /// Consumers in the fleet scenario (each gets partitions of the 12).
    #[arg(long, default_value_t = 12)]
    consumers: u32,
    /// The consumers form one consumer group (range assignor, auto-commit every 5 s,
    /// offsets in __consumer_offsets) instead of reading assigned partitions.
    #[arg(long)]
    group: bool,
    /// Measure the app instead: per-frame engine step + scene model with 5,000+ messages in
    /// flight, and memory over ten wall-minutes of frames at 100x (needs the `gui` feature).
    #[arg(long)]
    frame: bool,
    /// Measure going back in time in the app: a random moment of a ten-minute run, step
    /// back one event, snapshot memory (needs the `gui` feature; run from the project folder).
    #[arg(long)]
    scrub: bool,
    /// The pace-matching workload instead (scenario 01 for --duration, 216 k messages in an
    /// hour): messages per second, to compare with `python3 bench/simpy_pace.py`.
    #[arg(long, conflicts_with_all = ["cars", "consumers", "group", "scale"])]
    pace: bool,
    /// The fleet at sizes from 10 k to 10 M messages (1,000 msg/s for 10 s to 10,000 s), one
    /// row each, in a child process each: wall, ns per message, peak memory, bytes per
    /// retained record.
    #[arg(long, conflicts_with_all = ["cars", "duration", "consumers", "group"])]
    scale: bool,
    /// With --scale: the largest size to run (10 M messages take about a minute and 0.9 GiB).
    #[arg(long, default_value_t = 10_000_000, requires = "scale")]
    max_messages: u64,
    /// One row of the --scale table, as a machine-readable line (what --scale runs).
    #[arg(long, hide = true, conflicts_with_all = ["pace", "scale", "group"])]
    row: bool,
}

/// `--scrub` and `--frame` measure the app (the `gui` feature); None for the engine bench.
fn app_bench(a: &BenchArgs) -> Option<ExitCode> {
    if a.scrub {
        #[cfg(feature = "gui")]
        {
            return Some(match crate::gui::scrub_bench::run() {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            });
        }
        #[cfg(not(feature = "gui"))]
        {
            eprintln!("error: --scrub measures the app; build with the `gui` feature");
            return Some(ExitCode::from(2));
        }
    }
    if a.frame {
        #[cfg(feature = "gui")]
        {
            crate::gui::frame_bench::run();
            return Some(ExitCode::SUCCESS);
        }
        #[cfg(not(feature = "gui"))]
        {
            eprintln!("error: --frame measures the app; build with the `gui` feature");
            return Some(ExitCode::from(2));
        }
    }
    None
}

pub(super) fn bench(a: BenchArgs) -> ExitCode {
    if let Some(code) = app_bench(&a) {
        return code;
    }
    if a.row {
        return scale::row(a.cars, &a.duration);
    }
    if cfg!(debug_assertions) {
        eprintln!(
            "note: this is a debug build; for real numbers run `cargo run --release --no-default-features -- bench`"
        );
    }
    if a.pace {
        pace::pace(&a.duration)
    } else if a.scale {
        scale::table(a.max_messages)
    } else {
        fleet::fleet(a.cars, &a.duration, a.consumers, a.group)
    }
}
