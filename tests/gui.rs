//! The app's logic without a window: playback paces the engine as asked (MinimalPlugins,
//! manual frame time), and a session driven through the app's commands, saved, replays
//! headless to the same digest.
#![cfg(feature = "gui")]

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use brokerlab::check::run_scenario;
use brokerlab::gui::playback::{Command, PlaybackPlugin, command, loaded_from, run_to};
use brokerlab::gui::scene;
use brokerlab::gui::state::Session;
use brokerlab::scenario::{Action, load_file};
use brokerlab::sim::SimTime;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

fn scenario_text(name: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)).unwrap()
}

#[test]
fn playback_advances_simulated_time_by_frame_time_times_speed() {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins).add_plugins(PlaybackPlugin);
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(100)));
    let mut l = loaded_from(&scenario_text("01_pace_matching.ron"), None).unwrap();
    command(&mut l, Command::Speed(10.0));
    command(&mut l, Command::Play);
    app.world_mut().resource_mut::<Session>().loaded = Some(l);
    app.update(); // the first frame has no elapsed time
    let t0 = app.world().resource::<Session>().loaded.as_ref().unwrap().sim.now();
    for _ in 0..20 {
        app.update();
    }
    let l = app.world().resource::<Session>().loaded.as_ref().unwrap();
    // 20 frames × 100 ms × 10 = 20 simulated seconds.
    assert_eq!(l.sim.now().0 - t0.0, 20_000_000);
    assert!(l.sim.stats.produced > 1000, "the engine really ran");
    assert!(l.samples.len() >= 80, "charts sampled every 250 ms: {}", l.samples.len());
}

#[test]
fn pause_and_step_run_exactly_what_was_asked() {
    let mut l = loaded_from(&scenario_text("04_failover_acks_all.ron"), None).unwrap();
    let (before, records) = (l.sim.events(), l.sim.trace.count());
    command(&mut l, Command::Step);
    assert!(l.sim.events() > before, "Step ran events");
    let new = (l.sim.trace.count() - records) as usize;
    assert!(
        l.sim.trace.recent().iter().rev().take(new).any(|r| brokerlab::gui::playback::visible_to_step(&r.kind, false)),
        "Step stopped at a record a learner sees"
    );
    assert!(!l.playing);
    command(&mut l, Command::StepToInteresting);
    // First the controller election right after the start, then the leader crash at 10 s.
    assert!(l.sim.now() < SimTime(10_000), "stopped at the controller election: {}", l.sim.now());
    assert!(l.sim.controller().is_some());
    command(&mut l, Command::StepToInteresting);
    assert_eq!(l.sim.now(), SimTime(10_000_000), "stopped at the crash");
}

#[test]
fn a_session_driven_through_the_app_saves_and_replays_to_the_same_digest() {
    let mut l = loaded_from(&scenario_text("01_pace_matching.ron"), Some(77)).unwrap();
    run_to(&mut l, SimTime(5_000_000), u64::MAX);
    command(&mut l, Command::Inject(Action::CrashBroker(3)));
    for _ in 0..40 {
        command(&mut l, Command::Step);
    }
    command(&mut l, Command::Inject(Action::Cut(vec!["broker-1".into()], vec!["notifier".into()])));
    run_to(&mut l, SimTime(21_500_000), u64::MAX);
    command(&mut l, Command::Inject(Action::HealAll));
    command(&mut l, Command::Inject(Action::RestartBroker(3)));
    run_to(&mut l, SimTime(60_000_000), u64::MAX);
    let live = l.sim.trace.digest();

    let path = std::env::temp_dir().join(format!("brokerlab-session-{}.ron", std::process::id()));
    let status = command(&mut l, Command::Save(path.display().to_string())).unwrap();
    assert!(status.contains("4 inputs"), "{status}");
    let saved = Arc::new(load_file(&path).unwrap());
    std::fs::remove_file(&path).ok();
    let r = run_scenario(saved.clone(), saved.seed, None, None);
    assert_eq!(saved.seed, 77);
    assert_eq!(r.digest, live);
}

#[test]
fn the_scene_draws_every_message_in_flight_counted_on_busy_paths() {
    let mut l = loaded_from(&scenario_text("01_pace_matching.ron"), None).unwrap();
    run_to(&mut l, SimTime(3_000_000), u64::MAX);
    let area = bevy_egui::egui::Rect::from_min_size(Default::default(), bevy_egui::egui::vec2(1000.0, 700.0));
    let mut flights = brokerlab::gui::flights::Flights::default();
    flights.update(&l.sim, 0.0, false);
    let m = scene::model(&l.sim, area, &flights);
    assert_eq!(m.dots.iter().map(|d| d.count).sum::<usize>(), l.sim.in_flight().count());
    assert!(m.dots.iter().all(|d| area.expand(1.0).contains(d.pos)), "dots stay on the scene");
}
