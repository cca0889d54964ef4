//! `brokerlab bench --scale`: the fleet workload from 10 k to 10 M messages at the fleet
//! hour's rate (10,000 cars every 10 s: 1,000 msg/s, for 10 s to 10,000 s), one row per
//! size, so a row differs from the next in size only: the rate decides how full batches
//! and fetches are, and so the events per message. Each row runs in a child process of
//! this binary (`bench --cars 10000 --duration D --row`), so each has its own peak memory.
//! Memory per retained record is an estimate: (peak − resident memory before the run) /
//! the replica copies held at the end (every record is kept on 3 replicas; retention does
//! not delete within the run). The trace keeps no records here (digest and count only).

use super::fleet::fleet_sim;
use super::measure;
use crate::runner::proc_status::status_kib;
use crate::sim::SimTime;
use crate::world::Simulation;
use std::process::{Command, ExitCode};

/// Cars in every row: 1,000 messages per simulated second.
const CARS: u64 = 10_000;
/// Messages per row; a row of N messages runs N / 1,000 simulated seconds.
const SIZES: [u64; 4] = [10_000, 100_000, 1_000_000, 10_000_000];

/// Records held by the replica logs now: one per record per replica.
fn replica_copies(sim: &Simulation) -> u64 {
    let logs = sim.brokers().flat_map(|b| b.rm.replicas.values()).map(|p| &p.log);
    logs.map(|l| l.end_offset() - l.start_offset()).sum()
}

/// The child's side: run one size, print one `row key=value …` line.
pub fn row(cars: u32, duration: &str) -> ExitCode {
    let mut sim = match fleet_sim(cars, duration, 12, false) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let before_kib = status_kib("VmRSS").unwrap_or(0);
    let end = SimTime(sim.scenario.duration.0);
    let m = measure::run(&mut sim, end, false);
    let peak_kib = status_kib("VmHWM").unwrap_or(0);
    let heap_ns = measure::bare_heap_ns(m.events.min(10_000_000), m.max_in_flight.max(1000));
    let allocs = match m.allocs {
        super::alloc::Allocs::Counted(w) => format!("{:.2}", w.allocations),
        super::alloc::Allocs::NotCounted | super::alloc::Allocs::NoEvents => "-".into(),
    };
    crate::outln!(
        "row messages={} events={} wall_s={:.3} before_kib={before_kib} peak_kib={peak_kib} copies={} heap_ns={heap_ns:.1} allocs={allocs} ok={}",
        sim.stats.produced,
        m.events,
        m.wall,
        replica_copies(&sim),
        sim.violation.is_none()
    );
    if sim.violation.is_none() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// One parsed row.
struct Row {
    messages: u64,
    events: u64,
    wall_s: f64,
    before_kib: u64,
    peak_kib: u64,
    copies: u64,
    heap_ns: f64,
    allocs: String,
}

/// Parses a child's `row …` line.
fn parse_row(out: &str) -> Option<Row> {
    let line = out.lines().find(|l| l.starts_with("row "))?;
    let get = |k: &str| line.split_whitespace().find_map(|kv| kv.strip_prefix(k)?.strip_prefix('='));
    if get("ok")? != "true" {
        return None;
    }
    Some(Row {
        messages: get("messages")?.parse().ok()?,
        events: get("events")?.parse().ok()?,
        wall_s: get("wall_s")?.parse().ok()?,
        before_kib: get("before_kib")?.parse().ok()?,
        peak_kib: get("peak_kib")?.parse().ok()?,
        copies: get("copies")?.parse().ok()?,
        heap_ns: get("heap_ns")?.parse().ok()?,
        allocs: get("allocs")?.to_string(),
    })
}

/// Runs one size in a child process.
fn child(messages: u64) -> Result<Row, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let duration = format!("{}s", messages * 10 / CARS);
    let out = Command::new(exe)
        .args(["bench", "--cars", &CARS.to_string(), "--duration", &duration, "--row"])
        .output()
        .map_err(|e| format!("cannot start the row: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    parse_row(&text).ok_or_else(|| {
        let err = String::from_utf8_lossy(&out.stderr);
        format!("the row failed ({}): {}", out.status, err.lines().last().unwrap_or("no output"))
    })
}

fn print_row(r: &Row) {
    let ns_msg = r.wall_s * 1e9 / r.messages.max(1) as f64;
    let grown = r.peak_kib.saturating_sub(r.before_kib) as f64 * 1024.0;
    crate::outln!(
        "  {:>10} {:>11} {:>8.2} {:>8.0} {:>8.0} {:>7.0} {:>7.1}x {:>8.0} {:>9.0} {:>7.0} {:>7.0} {:>12}",
        r.messages,
        r.events,
        r.wall_s,
        ns_msg,
        r.wall_s * 1e9 / r.events.max(1) as f64,
        r.heap_ns,
        ns_msg / r.heap_ns,
        r.peak_kib as f64 / 1024.0,
        r.copies,
        grown / r.copies.max(1) as f64,
        grown / r.messages.max(1) as f64,
        r.allocs
    );
}

/// The table, for every size up to `max_messages`.
pub fn table(max_messages: u64) -> ExitCode {
    let sizes: Vec<u64> = SIZES.iter().copied().filter(|&m| m <= max_messages).collect();
    if sizes.is_empty() {
        eprintln!("error: --max-messages {max_messages}: the smallest size is {}", SIZES[0]);
        return ExitCode::from(2);
    }
    crate::outln!(
        "Fleet workload at sizes: {CARS} cars every 10 s ({} msg/s), N messages in N / {} simulated seconds; each row its own process",
        CARS / 10,
        CARS / 10
    );
    crate::outln!(
        "  {:>10} {:>11} {:>8} {:>8} {:>8} {:>7} {:>8} {:>8} {:>9} {:>7} {:>7} {:>12}",
        "messages",
        "events",
        "wall s",
        "ns/msg",
        "ns/event",
        "heap ns",
        "msg/heap",
        "peak MiB",
        "copies",
        "B/copy*",
        "B/msg*",
        "allocs/event"
    );
    let mut failed = false;
    for m in sizes {
        match child(m) {
            Ok(r) => print_row(&r),
            Err(e) => {
                crate::outln!("  {m:>10}  {e}");
                failed = true;
            }
        }
    }
    crate::outln!(
        "  heap ns: a bare BinaryHeap push+pop in the same process (at most 10 M of them); msg/heap: ns/msg over it"
    );
    crate::outln!(
        "  * estimates: (peak - resident memory before the run) per replica copy held at the end / per message"
    );
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
