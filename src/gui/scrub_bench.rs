//! `brokerlab bench --scrub`: going back in a ten-minute run of a shipped scenario, as the
//! app does it (restore the latest snapshot, re-simulate with charts and log): the time to
//! show a random moment, to step back one visible event, and the snapshots' memory.

use super::playback::{Command, command, loaded_from, run_free};
use super::rewind::BUDGET_BYTES;
use crate::sim::SimTime;
use std::time::Instant;

/// Ten simulated minutes of these shipped scenarios.
const FILES: [&str; 2] = ["scenarios/02_car_locations.ron", "scenarios/01_pace_matching.ron"];

fn stat(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[v.len() - 1])
}

/// Measures and prints; an error when a scenario file cannot be read.
pub fn run() -> Result<(), String> {
    for file in FILES {
        let src = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e} (run from the project folder)"))?;
        let src = regex_free_duration(&src, "10m");
        let mut l = loaded_from(&src, None).map_err(|e| e.to_string())?;
        let end = SimTime(l.scenario.duration.0);
        let t0 = Instant::now();
        run_free(&mut l, end);
        let forward = t0.elapsed().as_secs_f64();
        let (snaps, spacing) = l.rewind.snapshots();
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let (mut seek, mut back) = (Vec::new(), Vec::new());
        for _ in 0..40 {
            let to = SimTime(next() % end.0);
            let t = Instant::now();
            command(&mut l, Command::Seek(to));
            seek.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            command(&mut l, Command::StepBack);
            back.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let ((sm, sx), (bm, bx)) = (stat(&mut seek), stat(&mut back));
        crate::outln!(
            "{file} for {} ({} events, {forward:.1}s to run forward): {snaps} snapshots every {spacing} events, ~{:.0} MB of {} MB budget (estimated; process RSS {:.0} MiB); go to a random time: median {sm:.1} ms, worst {sx:.1} ms; step back: median {bm:.1} ms, worst {bx:.1} ms (40 each)",
            l.scenario.duration,
            l.sim.events(),
            l.rewind.bytes as f64 / 1e6,
            BUDGET_BYTES >> 20,
            super::frame_bench::rss_mib(),
        );
    }
    Ok(())
}

/// The scenario text with its `duration` replaced.
fn regex_free_duration(src: &str, d: &str) -> String {
    let Some(at) = src.find("duration: \"") else { return src.to_string() };
    let rest = &src[at + 11..];
    let close = rest.find('"').unwrap_or(0);
    format!("{}duration: \"{d}\"{}", &src[..at], &rest[close + 1..])
}
