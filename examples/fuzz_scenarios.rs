//! Fuzzes scenario loading: mutations of every shipped scenario plus generated ones. Each
//! input must load (and run briefly) or be rejected with file:line:column, never panic,
//! and take under a second; the whole run's peak memory must stay under 256 MiB.
//!
//! `cargo run --release --no-default-features --example fuzz_scenarios -- --inputs 1000000 [--seed S] [--dir scenarios]`
//! `... -- --show N` writes input N (same seed) to stdout, to reproduce a finding.
// Reports the fuzz run's wall time.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use brokerlab::runner::fuzz;
use std::path::PathBuf;
use std::time::Instant;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let num = |name: &str, default: u64| arg(&args, name).map_or(default, |v| v.parse().expect("a number"));
    let (inputs, seed) = (num("--inputs", 10_000), num("--seed", 1));
    let dir = PathBuf::from(arg(&args, "--dir").unwrap_or_else(|| "scenarios".into()));
    let corpus = fuzz::shipped(&dir);
    if let Some(n) = arg(&args, "--show") {
        let n: u64 = n.parse().expect("an input number");
        let r = fuzz::input(&corpus, seed, n);
        std::io::Write::write_all(&mut std::io::stdout(), &r.1).expect("stdout");
        return;
    }
    // Panics are findings, reported below; the default hook would print each one.
    std::panic::set_hook(Box::new(|_| {}));
    let started = Instant::now();
    let step = (inputs / 20).max(1);
    let report = fuzz::run(&corpus, seed, inputs, &mut |i| {
        if (i + 1) % step == 0 {
            eprintln!("  {} inputs, {:.0?}", i + 1, started.elapsed());
        }
    });
    println!(
        "{} inputs from {} shipped scenarios (seed {seed}): {} loaded, {} rejected with file:line:column, {} findings; slowest {:.0?}; {:.1?} in all",
        report.inputs,
        corpus.len(),
        report.loaded,
        report.rejected,
        report.bad.len(),
        report.slowest,
        started.elapsed()
    );
    for (i, how, what) in report.bad.iter().take(50) {
        println!("  input {i} ({how}): {what}");
    }
    // One process tries every input, so its peak memory bounds each input's.
    let peak = peak_rss_mib();
    if let Some(mib) = peak {
        println!("peak memory of the whole run: {mib} MiB (limit {LIMIT_MIB} MiB)");
    }
    if !report.bad.is_empty() || peak.is_some_and(|m| m > LIMIT_MIB) {
        std::process::exit(1);
    }
}

/// Most memory any input may need.
const LIMIT_MIB: u64 = 256;

/// The process's peak resident memory (Linux: VmHWM), if known.
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}
