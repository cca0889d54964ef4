//! `brokerlab bench`: the standard large scenario (a car fleet reporting every 10 s for
//! an hour: 3 brokers, RF 3, acks=all, 12 partitions, one consumer per partition), with
//! events per wall second, speed-up over real time, peak memory, and the cost of a bare
//! BinaryHeap push+pop loop of the same event count for comparison. Wall clocks are used
//! here, in the CLI, never in the engine.

use crate::scenario::parse;
use crate::sim::SimTime;
use crate::world::Simulation;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub(super) struct BenchArgs {
    /// Number of cars (distinct keys), each reporting every 10 s.
    #[arg(long, default_value_t = 10_000)]
    cars: u32,
    /// Simulated duration.
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
}

/// The fleet scenario as RON text.
pub fn fleet_scenario(cars: u32, duration: &str, consumers: u32, group: bool) -> String {
    let members: Vec<String> =
        (0..consumers).map(|i| format!("(name: \"dashboard-{i}\", process_time: \"1ms\")")).collect();
    let consumers: Vec<String> = (0..consumers)
        .map(|i| {
            let parts: Vec<String> = (0..12).filter(|p| p % consumers == i).map(|p| p.to_string()).collect();
            format!(
                "(name: \"dashboard-{i}\", topic: \"locations\", partitions: [{}], process_time: \"1ms\")",
                parts.join(", ")
            )
        })
        .collect();
    format!(
        r#"Scenario(
  name: "Benchmark: {cars} cars report every 10s",
  seed: 7,
  duration: "{duration}",
  cluster: (brokers: 3, network: (latency: Uniform("500us", "2ms"))),
  topics: [(name: "locations", partitions: 12, replication_factor: 3, min_insync_replicas: 2)],
  producers: [(name: "fleet", topic: "locations", rate: PerKeyEvery("10s"),
               key: Distinct(prefix: "car-", count: {cars}), acks: All)],
  {},
)"#,
        if group {
            format!(
                "consumer_groups: [(name: \"dashboards\", topics: [\"locations\"], auto_offset_reset: Earliest, members: [{}])]",
                members.join(", ")
            )
        } else {
            format!("consumers: [{}]", consumers.join(",\n              "))
        }
    )
}

fn peak_rss_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// A bare heap loop: `n` pops and pushes on a heap holding `live` events.
fn bare_heap_ns(n: u64, live: usize) -> f64 {
    let mut heap: BinaryHeap<Reverse<(u64, u64)>> = (0..live as u64).map(|i| Reverse((i * 7919 % 10_000, i))).collect();
    let mut x: u64 = 0x9e37_79b9;
    let start = Instant::now();
    for seq in 0..n {
        let Reverse((t, _)) = heap.pop().expect("non-empty");
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        heap.push(Reverse((t + x % 10_000, seq)));
    }
    std::hint::black_box(&heap);
    start.elapsed().as_nanos() as f64 / n as f64
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
    if cfg!(debug_assertions) {
        eprintln!(
            "note: this is a debug build; for real numbers run `cargo run --release --no-default-features -- bench`"
        );
    }
    let src = fleet_scenario(a.cars, &a.duration, a.consumers.clamp(1, 12), a.group);
    let sc = match parse(&src, "<bench>") {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let end = SimTime(sc.duration.0);
    crate::outln!("{}: {} simulated", sc.name, sc.duration);
    let mut sim = Simulation::new(sc.clone(), sc.seed, 0);
    let start = Instant::now();
    let mut max_queue = 0usize;
    let tenth = end.0 / 10;
    for i in 1..=10u64 {
        sim.run_until(SimTime(tenth * i));
        max_queue = max_queue.max(sim.in_flight().count());
        eprint!("\r  {:>3}%  {} events  {:.1}s wall", i * 10, sim.events(), start.elapsed().as_secs_f64());
    }
    eprintln!();
    let wall = start.elapsed().as_secs_f64();
    let events = sim.events();
    let per_event_ns = wall * 1e9 / events as f64;
    let heap_ns = bare_heap_ns(events, max_queue.max(1000));
    let s = &sim.stats;
    crate::outln!("  messages produced {}  acked {}  consumed {}", s.produced, s.acked_count, s.consumed());
    if let Some(g) = s.groups.values().next() {
        crate::outln!(
            "  group: {} rebalances, {} commits stored, {} duplicates",
            g.rebalances,
            g.committed.len(),
            g.duplicates
        );
    }
    crate::outln!("  events {events}   trace records {}   wall {wall:.2}s", sim.trace.count());
    crate::outln!("  events per wall second   {:.0}", events as f64 / wall);
    crate::outln!("  speed-up over real time  {:.0}x", end.as_secs_f64() / wall);
    crate::outln!(
        "  per event                {per_event_ns:.0} ns   (bare BinaryHeap push+pop: {heap_ns:.0} ns, ratio {:.1}x)",
        per_event_ns / heap_ns
    );
    match peak_rss_mib() {
        Some(m) => crate::outln!("  peak memory              {m:.0} MiB"),
        None => crate::outln!("  peak memory              (unknown: no /proc/self/status)"),
    }
    crate::outln!("  digest {:016x}", sim.trace.digest());
    ExitCode::SUCCESS
}
