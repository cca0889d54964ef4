//! Measures the app's per-frame cost without rendering: the engine step a frame asks for
//! plus building the scene model (dots, anchors, layout) with 5,000+ messages in flight;
//! and memory over a long run at 100× (chart samples and the kept trace are bounded).

use super::playback::{Command, MAX_EVENTS_PER_FRAME, command, loaded_from, run_to};
use super::scene::model::model as scene_model;
use crate::runner::proc_status::status_kib;
use crate::sim::SimTime;
use bevy_egui::egui::{Rect, pos2, vec2};
use std::time::Instant;

const BUSY: &str = r#"Scenario(
  name: "Frame benchmark: 5,000+ messages in flight",
  seed: 3,
  duration: "60s",
  cluster: (brokers: 3, network: (latency: Fixed("100ms"))),
  topics: [(name: "firehose", partitions: 100, replication_factor: 1)],
  producers: [(name: "hose", topic: "firehose", rate: PerSecond(70000), acks: One, max_in_flight: 100)],
)"#;

const LONG: &str = r#"Scenario(
  name: "Memory benchmark: ten simulated hours of the pace-matching workload",
  seed: 4,
  duration: "10h",
  cluster: (brokers: 3),
  topics: [(name: "notifications", partitions: 3, replication_factor: 3, min_insync_replicas: 2, retention: (max_messages: 5000))],
  producers: [(name: "s1", topic: "notifications", rate: PerSecond(10)), (name: "s2", topic: "notifications", rate: PerSecond(20)),
              (name: "s3", topic: "notifications", rate: PerSecond(30), acks: One)],
  consumers: [(name: "notifier", topic: "notifications", process_time: "16ms")],
)"#;

/// Resident memory of this process, in MiB (0 where /proc is missing).
pub fn rss_mib() -> f64 {
    status_kib("VmRSS").map_or(0.0, |kib| kib as f64 / 1024.0)
}

/// Runs both measurements and prints them.
pub fn run() {
    let area = Rect::from_min_size(pos2(0.0, 0.0), vec2(1000.0, 760.0));
    let frame_us = 16_667u64;
    let mut l = loaded_from(BUSY, None).expect("benchmark scenario");
    run_to(&mut l, SimTime(5_000_000), u64::MAX);
    let mut flights = super::flights::Flights::default();
    let frames = 300;
    let mut in_flight = 0;
    let (mut engine, mut model) = (Vec::new(), Vec::new());
    for frame in 0..frames {
        let f0 = Instant::now();
        let target = SimTime(l.sim.now().0 + frame_us);
        run_to(&mut l, target, MAX_EVENTS_PER_FRAME);
        let f1 = Instant::now();
        flights.update(&l.sim, frame as f64 / 60.0, true);
        let m = scene_model(&l.sim, area, &flights);
        in_flight = in_flight.max(m.dots.len());
        std::hint::black_box(&m.dots);
        engine.push((f1 - f0).as_secs_f64() * 1e3);
        model.push(f1.elapsed().as_secs_f64() * 1e3);
    }
    let total: Vec<f64> = engine.iter().zip(&model).map(|(a, b)| a + b).collect();
    let stat = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        (v.iter().sum::<f64>() / v.len() as f64, v[v.len() / 2], v[v.len() * 99 / 100])
    };
    let (ea, _, _) = stat(&engine);
    let (ma, _, _) = stat(&model);
    let (ta, tm, t99) = stat(&total);
    crate::outln!(
        "frame at 1x with up to {in_flight} messages in flight ({frames} frames): engine step {ea:.2} ms + scene model {ma:.2} ms = {ta:.2} ms on average (median {tm:.2}, 99th percentile {t99:.2})"
    );

    let mut l = loaded_from(LONG, None).expect("benchmark scenario");
    command(&mut l, Command::Speed(100.0));
    let mut flights = super::flights::Flights::default();
    let sim_frame = frame_us * 100;
    let total_frames = 36_000u64; // ten minutes of wall time at 60 frames per second
    let t0 = Instant::now();
    let mut rss = Vec::new();
    for i in 0..total_frames {
        let target = SimTime(l.sim.now().0 + sim_frame);
        run_to(&mut l, target, MAX_EVENTS_PER_FRAME);
        if i % 10 == 0 {
            flights.update(&l.sim, i as f64 / 60.0, true);
            std::hint::black_box(scene_model(&l.sim, area, &flights).dots.len());
        }
        if (i + 1) % 3_600 == 0 {
            rss.push(format!("{:.0}", rss_mib()));
        }
    }
    crate::outln!(
        "ten wall-minutes of frames at 100x ({} simulated, {} records): RSS after each minute {} MiB ({:.1}s to compute)",
        l.sim.now(),
        l.sim.trace.count(),
        rss.join(", "),
        t0.elapsed().as_secs_f64()
    );
}
