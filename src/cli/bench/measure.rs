//! One measured run, shared by every engine bench: the simulation driven to its end in ten
//! steps, timed with the wall clock; allocations counted from the first tenth on (the
//! steady state); and the references printed beside the result in the same run: a bare
//! `BinaryHeap` push+pop loop of the same size, and the process's peak memory.

use super::alloc::{self, Allocs};
use crate::runner::proc_status::status_kib;
use crate::sim::SimTime;
use crate::world::Simulation;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

/// What one run measured.
pub struct Measured {
    /// Wall seconds of the run.
    pub wall: f64,
    /// Engine events processed.
    pub events: u64,
    /// The most messages in flight seen at a step (the live size the bare heap gets).
    pub max_in_flight: usize,
    /// Allocations per event after the first tenth of the run.
    pub allocs: Allocs,
}

/// Runs `sim` to `end` in ten steps, with progress on stderr when `progress`.
pub fn run(sim: &mut Simulation, end: SimTime, progress: bool) -> Measured {
    let start = Instant::now();
    let mut max_in_flight = 0usize;
    let mut window = None;
    let tenth = end.0 / 10;
    for i in 1..=10u64 {
        sim.run_until(if i == 10 { end } else { SimTime(tenth * i) });
        max_in_flight = max_in_flight.max(sim.in_flight().count());
        if progress {
            eprint!("\r  {:>3}%  {} events  {:.1}s wall", i * 10, sim.events(), start.elapsed().as_secs_f64());
        }
        if i == 1 {
            window = alloc::counts().map(|c| (c, sim.events()));
        }
        if sim.violation.is_some() {
            break;
        }
    }
    let allocs = Allocs::since(window, sim.events());
    let wall = start.elapsed().as_secs_f64();
    if progress {
        eprintln!();
    }
    Measured { wall, events: sim.events(), max_in_flight, allocs }
}

/// A bare heap loop: `n` pops and pushes on a heap holding `live` events; ns per pop+push.
pub fn bare_heap_ns(n: u64, live: usize) -> f64 {
    let n = n.max(1);
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

/// Prints the run's figures with their references; false if an invariant broke (the run
/// stopped there and its numbers do not stand).
pub fn report(sim: &Simulation, m: &Measured, end: SimTime) -> bool {
    let heap_ns = bare_heap_ns(m.events, m.max_in_flight.max(1000));
    let s = &sim.stats;
    let per_event_ns = m.wall * 1e9 / m.events.max(1) as f64;
    let per_message_ns = m.wall * 1e9 / s.produced.max(1) as f64;
    crate::outln!("  messages produced {}  acked {}  consumed {}", s.produced, s.acked_count, s.consumed());
    if let Some(g) = s.groups.values().next() {
        crate::outln!(
            "  group: {} rebalances, {} commits stored, {} duplicates",
            g.rebalances,
            g.committed.len(),
            g.duplicates
        );
    }
    crate::outln!("  events {}   trace records {}   wall {:.2}s", m.events, sim.trace.count(), m.wall);
    crate::outln!("  messages per second      {:.0}", s.produced as f64 / m.wall);
    crate::outln!("  events per wall second   {:.0}", m.events as f64 / m.wall);
    crate::outln!("  speed-up over real time  {:.0}x", end.as_secs_f64() / m.wall);
    crate::outln!(
        "  per event                {per_event_ns:.0} ns   (bare BinaryHeap push+pop: {heap_ns:.0} ns, ratio {:.1}x)",
        per_event_ns / heap_ns
    );
    crate::outln!(
        "  per message              {per_message_ns:.0} ns   ({:.1} events; {:.1}x the bare heap operation)",
        m.events as f64 / s.produced.max(1) as f64,
        per_message_ns / heap_ns
    );
    crate::outln!("{}", m.allocs.line());
    match status_kib("VmHWM") {
        Some(k) => crate::outln!("  peak memory              {:.0} MiB", k as f64 / 1024.0),
        None => crate::outln!("  peak memory              (unknown: no /proc/self/status)"),
    }
    crate::outln!("  digest {:016x}", sim.trace.digest());
    match &sim.violation {
        None => true,
        Some(v) => {
            eprintln!("error: invariant {} broke at {} us: {} (the run stopped there)", v.invariant, v.t_us, v.detail);
            false
        }
    }
}
