//! The app's logic without a window: playback paces the engine as asked (MinimalPlugins,
//! manual frame time), and a session driven through the app's commands, saved, replays
//! headless to the same digest.
#![cfg(feature = "gui")]

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use brokerlab::gui::playback::{Command, PlaybackPlugin, command, loaded_from, run_to};
use brokerlab::gui::state::Session;
use brokerlab::gui::{charts, scene};
use brokerlab::runner::run_scenario;
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
    // First the opening beat and the controller election right after the start, then the
    // leader crash at 10 s.
    command(&mut l, Command::StepToInteresting);
    if l.sim.controller().is_none() {
        command(&mut l, Command::StepToInteresting);
    }
    assert!(l.sim.now() < SimTime(10_000), "stopped at the controller election: {}", l.sim.now());
    assert!(l.sim.controller().is_some());
    // Next stops at the story's beats too; one of the next stops is the crash at 10 s.
    let mut stops = Vec::new();
    while l.sim.now() < SimTime(10_000_000) && stops.len() < 20 {
        command(&mut l, Command::StepToInteresting);
        stops.push(l.sim.now());
    }
    assert_eq!(l.sim.now(), SimTime(10_000_000), "stopped at the crash: {stops:?}");
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

#[test]
fn event_log_keeps_notable_events_of_a_quiet_run() {
    let mut l = loaded_from(&scenario_text("01_pace_matching.ron"), None).unwrap();
    run_to(&mut l, SimTime(60_000_000), u64::MAX);
    let scanned = brokerlab::gui::state::SCAN_PER_FRAME as u64;
    assert!(l.sim.trace.count() > scanned, "the boot is older than what a frame looks through");
    let lines = l.log.lines();
    let first = lines.front().expect("the log is not empty at 60 s");
    assert!(first.t_us < 1_000_000, "the first notable events are kept: {}", first.shown());
    assert!(lines.iter().any(|x| x.text.contains("became the controller")));
    assert_eq!(l.log.missed(), 0, "every record was looked at");
}

#[test]
fn repeated_log_lines_fold_with_a_count() {
    let mut l = loaded_from(&scenario_text("07_unclean_election.ron"), None).unwrap();
    run_to(&mut l, SimTime(45_000_000), u64::MAX);
    let lines: Vec<_> = l.log.lines().iter().collect();
    let unclean =
        lines.iter().position(|x| x.text.contains("unclean election")).expect("the unclean election is logged");
    // (Since the idempotent producer retries OUT_OF_ORDER_SEQUENCE, 07 has few repeats: the
    // folding itself is checked on 24 below.)
    assert!(lines.len() - unclean < 40, "the election stays in view: {} lines after it", lines.len() - unclean);
    for w in lines.windows(2) {
        assert!(w[0].text != w[1].text || w[0].severity != w[1].severity, "no two equal lines in a row: {}", w[1].text);
    }
    // A cycle (fail, reject, fail, reject… about ever new messages) folds too.
    let mut l = loaded_from(&scenario_text("24_rabbit_requeue_vs_dlx.ron"), None).unwrap();
    run_to(&mut l, SimTime(20_000_000), u64::MAX);
    assert!(l.log.lines().len() < 20, "{} lines", l.log.lines().len());
    let requeued = l.log.lines().iter().find(|x| x.text.contains("(requeued to requeue-loop)")).unwrap();
    assert!(requeued.count > 100 && requeued.shown().contains("api#… (requeued"), "{}", requeued.shown());
}

#[test]
fn log_lines_are_coloured_by_the_kind_of_record_not_its_words() {
    use brokerlab::gui::event_log::Severity;
    let mut l = loaded_from(&scenario_text("11_group_consumer_crash.ron"), None).unwrap();
    run_to(&mut l, SimTime(60_000_000), u64::MAX);
    let sev = |what: &str| l.log.lines().iter().find(|x| x.text.contains(what)).map(|x| x.severity);
    assert_eq!(sev("crashed"), Some(Severity::Bad), "a crash is bad news");
    // "n2 gave up [orders-1] (group …)": the words once made it red.
    let revoke = l.log.lines().iter().find(|x| x.text.contains(" gave up [")).expect("a revocation in the log");
    assert_eq!(revoke.severity, Severity::Info, "a routine revocation is not red: {}", revoke.text);
    let mut l = loaded_from(&scenario_text("07_unclean_election.ron"), None).unwrap();
    run_to(&mut l, SimTime(45_000_000), u64::MAX);
    let unclean = l.log.lines().iter().find(|x| x.text.contains("unclean election")).unwrap();
    assert_eq!(unclean.severity, Severity::Bad);
    let clean = l.log.lines().iter().find(|x| x.text.contains("became the controller")).unwrap();
    assert_eq!(clean.severity, Severity::Info);
}

#[test]
fn step_and_next_take_chart_samples() {
    let mut l = loaded_from(&scenario_text("04_failover_acks_all.ron"), None).unwrap();
    while l.sim.now() < SimTime(1_000_000) {
        command(&mut l, Command::Step);
    }
    assert!(l.samples.len() >= 4, "a sample every 250 ms stepped through: {}", l.samples.len());
    // Next stops at the story's beats too; one of the next stops is the crash at 10 s.
    let mut stops = Vec::new();
    while l.sim.now() < SimTime(10_000_000) && stops.len() < 20 {
        command(&mut l, Command::StepToInteresting);
        stops.push(l.sim.now());
    }
    assert_eq!(l.sim.now(), SimTime(10_000_000), "stopped at the crash: {stops:?}");
    assert!(l.samples.len() >= 40, "next sampled the 10 s it crossed: {}", l.samples.len());
    let ts: Vec<f64> = l.samples.iter().map(|s| s.t).collect();
    assert!(ts.windows(2).all(|w| w[1] > w[0] && w[1] - w[0] <= 0.25 + 1e-9), "evenly spaced: {ts:?}");
}

#[test]
fn lag_lines_are_drawn_only_while_a_member_lives() {
    let mut l = loaded_from(&scenario_text("13_poison_dlq_redrive.ron"), None).unwrap();
    run_to(&mut l, SimTime(50_000_000), u64::MAX);
    let charts = charts::charts_of(&l);
    let lag = charts.iter().find(|c| c.title.starts_with("lag")).expect("a lag chart");
    let redriver = lag.series.iter().find(|s| s.name.starts_with("redriver")).expect("the re-driver has a line");
    let first = redriver.segments.first().and_then(|s| s.first()).expect("it has lag once started");
    assert!(first[0] >= 40.0, "no lag line before the re-driver starts at 40 s: from {}", first[0]);

    let mut l = loaded_from(&scenario_text("01_pace_matching.ron"), None).unwrap();
    run_to(&mut l, SimTime(5_000_000), u64::MAX);
    command(&mut l, Command::Inject(Action::CrashClient("notifier".into())));
    run_to(&mut l, SimTime(10_000_000), u64::MAX);
    command(&mut l, Command::Inject(Action::RestartClient("notifier".into())));
    run_to(&mut l, SimTime(15_000_000), u64::MAX);
    let charts = charts::charts_of(&l);
    let lag = charts.iter().find(|c| c.title.starts_with("lag")).unwrap();
    let notifier = lag.series.iter().find(|s| s.name.starts_with("notifier")).unwrap();
    assert_eq!(notifier.segments.len(), 2, "a gap while it was down");
    assert!(notifier.segments.iter().flatten().all(|p| p[0] <= 5.0 || p[0] >= 10.0));
}

#[test]
fn charts_show_one_quantity_each_with_a_floor_under_small_values() {
    let mut l = loaded_from(&scenario_text("04_failover_acks_all.ron"), None).unwrap();
    run_to(&mut l, SimTime(20_000_000), u64::MAX);
    let charts = charts::charts_of(&l);
    let isr = charts.iter().find(|c| c.title.contains("ISR")).unwrap();
    assert_eq!(isr.series.len(), 1, "the ISR chart shows the ISR only");
    assert!(charts.iter().any(|c| c.title.contains("log depth")), "log depth has its own chart");
    let lag = charts.iter().find(|c| c.title.starts_with("lag")).unwrap();
    assert!(lag.y_floor >= 10.0, "a lag of 0 or 1 stays near the bottom");
    assert_eq!(isr.y_floor, 3.0, "the ISR axis spans the replication factor");
    // 07: both brokers down from 15 s to 20 s: the smallest ISR reads 0 there, not a gap.
    let mut l = loaded_from(&scenario_text("07_unclean_election.ron"), None).unwrap();
    run_to(&mut l, SimTime(19_000_000), u64::MAX);
    assert_eq!(l.samples.back().unwrap().min_isr, Some(0));
}

#[test]
fn saved_session_replays_and_passes_its_observed_expectations() {
    let mut l = loaded_from(&scenario_text("04_failover_acks_all.ron"), Some(9)).unwrap();
    run_to(&mut l, SimTime(4_000_000), u64::MAX);
    command(&mut l, Command::Inject(Action::CrashBroker(2)));
    for _ in 0..25 {
        command(&mut l, Command::Step);
    }
    run_to(&mut l, SimTime(25_000_000), u64::MAX);
    command(&mut l, Command::Inject(Action::RestartBroker(2)));
    run_to(&mut l, SimTime(40_000_000), u64::MAX);
    let live = l.sim.trace.digest();
    let path = std::env::temp_dir().join(format!("brokerlab-observed-{}.ron", std::process::id()));
    command(&mut l, Command::Save(path.display().to_string())).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let saved = Arc::new(load_file(&path).unwrap());
    std::fs::remove_file(&path).ok();
    let r = run_scenario(saved.clone(), saved.seed, None, None);
    assert_eq!(r.digest, live);
    assert!(r.passed(), "{:?}\n{text}", r.outcomes.iter().filter(|o| !o.passed).collect::<Vec<_>>());
    assert!(text.contains("// The scenario's own expectations"), "{text}");
}

#[test]
fn after_step_the_log_says_what_each_step_did() {
    let mut l = loaded_from(&scenario_text("04_failover_acks_all.ron"), None).unwrap();
    run_to(&mut l, SimTime(2_000_000), u64::MAX);
    command(&mut l, Command::Step);
    let last = l.sim.trace.recent().back().unwrap().seq;
    let shown = brokerlab::gui::event_log::view(&l, "", 500);
    assert!(shown.iter().any(|x| x.seq >= l.stepped_from && x.seq <= last), "the stepped record is in the log");
    assert!(shown.iter().any(|x| x.text.contains("became the controller")), "the notable lines before stay");
    command(&mut l, Command::Play);
    let shown = brokerlab::gui::event_log::view(&l, "", 500);
    assert!(shown.iter().all(|x| !x.text.contains(" produced ")), "playing: notable lines only");
}
