//! Forks without a window: an input after going back starts a new timeline and keeps the
//! old one; the fork saved as a scenario replays headless to the digest the app shows;
//! switching shows the other run; comparing finds where they part.
#![cfg(feature = "gui")]

use brokerlab::gui::playback::{Command, command, run_free};
use brokerlab::gui::state::Session;
use brokerlab::runner::run::run_scenario;
use brokerlab::scenario::Action;
use brokerlab::sim::SimTime;
use std::path::PathBuf;
use std::sync::Arc;

fn session(rel: &str) -> Session {
    let mut s = Session::default();
    s.open(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel), None);
    assert!(s.load_error.is_none(), "{:?}", s.load_error);
    s
}

#[test]
fn changing_the_past_forks_and_each_timeline_replays_headless_to_its_digest() {
    let mut s = session("scenarios/08_controller_failover.ron");
    let (l, tl) = (s.loaded.as_mut().unwrap(), &mut s.timelines);
    let end = SimTime(l.scenario.duration.0);
    run_free(l, end);
    let main_digest = l.sim.trace.digest();
    // An input at the end of what was seen is no fork: nothing was seen after it.
    assert!(tl.before_input(l, &Action::CrashBroker(1)).is_none() || l.sim.now() < end);
    command(l, Command::Seek(SimTime(5_000_000)));
    let crash = Action::CrashBroker(2);
    let msg = tl.before_input(l, &crash).expect("forked");
    assert!(msg.contains("new timeline"), "{msg}");
    assert_eq!(command(l, Command::Inject(crash)), None);
    assert_eq!(tl.names(), vec!["crash broker-2 (process) at 5.000s".to_string(), "main".to_string()]);
    run_free(l, end);
    let fork_digest = l.sim.trace.digest();
    assert_ne!(fork_digest, main_digest);
    // The fork, saved as a scenario file, replays headless to the same trace.
    let saved = brokerlab::runner::observed::session_test_ron(&l.sim);
    let sc = Arc::new(brokerlab::scenario::parse(&saved, "fork.ron").unwrap());
    assert_eq!(run_scenario(sc, l.sim.seed, None, None).digest, fork_digest);
    // Switch: main shows, as it was left (at 5 s, its future still ahead), then runs to its digest.
    assert!(tl.switch(l, "main"));
    assert_eq!((tl.active.as_str(), l.sim.now(), l.sim.injected.len()), ("main", SimTime(5_000_000), 0));
    run_free(l, end);
    assert_eq!(l.sim.trace.digest(), main_digest);
    // Compare: they part at the crash, and the table says how.
    assert_eq!(tl.compare_with(l, Some("crash broker-2 (process) at 5.000s")), None);
    let c = tl.compare.as_ref().unwrap();
    let at = c.parted_at.expect("they part");
    assert!(at >= SimTime(5_000_000) && at < SimTime(5_100_000), "parted at {at}");
    assert!(c.result.rows.iter().any(|r| r.name.contains("leader") && r.a != r.b), "{:?}", c.result.rows);
    // The compared timeline follows the shown one's time.
    command(l, Command::Seek(SimTime(7_000_000)));
    let other = tl.sync(l).expect("comparing");
    assert_eq!(other.sim.now(), SimTime(7_000_000));
    assert!(!tl.switch(l, "no such timeline"));
}

#[test]
fn a_selected_message_saves_its_lifeline_so_far_as_svg() {
    let mut s = session("scenarios/04_failover_acks_all.ron");
    let l = s.loaded.as_mut().unwrap();
    run_free(l, SimTime(3_000_000));
    let dir = std::env::temp_dir().join(format!("brokerlab-lifeline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    l.save_path = dir.join("s.session.ron").display().to_string();
    let m = brokerlab::runner::lifeline::parse_message(&l.scenario, "checkout#5").unwrap();
    let msg = command(l, Command::SaveLifeline(m)).unwrap();
    assert!(msg.contains("saved to"), "{msg}");
    let svg = std::fs::read_to_string(dir.join("s.session.lifeline-checkout-5.svg")).unwrap();
    assert!(svg.starts_with("<svg") || svg.contains("<svg"), "an SVG");
    assert!(svg.contains("broker-1") && svg.contains("checkout"), "lanes named");
    let unknown = brokerlab::runner::lifeline::parse_message(&l.scenario, "checkout#999999").unwrap();
    assert!(command(l, Command::SaveLifeline(unknown)).unwrap().starts_with("no lifeline"));
    std::fs::remove_dir_all(dir).unwrap();
}
