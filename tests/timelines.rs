//! Forks without a window: an input after going back starts a new timeline and keeps the
//! old one; the fork saved as a scenario replays headless to the digest the app shows;
//! switching shows the other run; comparing finds where they part.
#![cfg(feature = "gui")]

use brokerlab::gui::lifeline_view::LifelineView;
use brokerlab::gui::playback::{Command, command, run_free};
use brokerlab::gui::state::{Loaded, Session};
use brokerlab::runner::lifeline::{Lifeline, trace_message};
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
    // Both runs elect twice, but the crash at 5 s made producers see more errors.
    assert!(c.result.rows.iter().any(|r| r.name.starts_with("produce errors") && r.a != r.b), "{:?}", c.result.rows);
    // The compared timeline follows the shown one's time.
    command(l, Command::Seek(SimTime(7_000_000)));
    let other = tl.sync(l).expect("comparing");
    assert_eq!(other.sim.now(), SimTime(7_000_000));
    assert!(!tl.switch(l, "no such timeline"));
    // Showing the compared timeline keeps comparing the same two, the sides swapped.
    assert!(tl.switch(l, "crash broker-2 (process) at 5.000s"));
    assert_eq!(tl.compare.as_ref().map(|c| c.with.as_str()), Some("main"));
}

#[test]
fn a_selected_message_saves_its_lifeline_so_far_as_svg() {
    let mut s = session("scenarios/04_failover_acks_all.ron");
    let l = s.loaded.as_mut().unwrap();
    run_free(l, SimTime(3_000_000));
    let dir = std::env::temp_dir().join(format!("brokerlab-lifeline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    l.save_path = dir.join("s.session.ron").display().to_string();
    let msg = command(l, Command::SaveLifeline("checkout#5".into())).unwrap();
    assert!(msg.contains("saved to"), "{msg}");
    let svg = std::fs::read_to_string(dir.join("s.session.lifeline-checkout-5.svg")).unwrap();
    assert!(svg.starts_with("<svg") || svg.contains("<svg"), "an SVG");
    assert!(svg.contains("broker-1") && svg.contains("checkout"), "lanes named");
    assert!(command(l, Command::SaveLifeline("checkout#999999".into())).unwrap().starts_with("no lifeline"));
    std::fs::remove_dir_all(dir).unwrap();
}

/// Plays `l` to `until` a simulated second at a time, the lifeline window syncing after
/// each (as frames do).
fn play_with_window(l: &mut Loaded, v: &mut LifelineView, timeline: &str, until: SimTime) {
    while l.sim.now() < until {
        let next = SimTime((l.sim.now().0 + 1_000_000).min(until.0));
        run_free(l, next);
        v.wait(&l.lifeline_run(timeline));
    }
}

/// The lifeline of `id` in the headless replay of the timeline `l` shows.
fn headless(l: &Loaded, id: &str) -> Lifeline {
    let sc = Arc::new(l.session_scenario());
    trace_message(sc, l.sim.seed, None, id).unwrap()
}

#[test]
fn the_lifeline_window_follows_the_run_and_draws_what_a_headless_run_draws() {
    let mut s = session("scenarios/04_failover_acks_all.ron");
    let l = s.loaded.as_mut().unwrap();
    let end = SimTime(l.scenario.duration.0);
    run_free(l, SimTime(103_000)); // checkout#5 is appended, not yet acknowledged
    let mut v = LifelineView::new("checkout#5".into(), &l.lifeline_run("main"));
    v.wait(&l.lifeline_run("main"));
    let early = v.life.clone().unwrap().unwrap();
    play_with_window(l, &mut v, "main", end);
    let late = v.life.clone().unwrap().unwrap();
    assert!(late.hops.len() > early.hops.len() || late.marks.len() > early.marks.len(), "it grew as the run went on");
    assert_eq!(late, headless(l, "checkout#5"), "record by record what `run --lifeline` collects");
    // Going back keeps the whole diagram (later steps are drawn faded).
    command(l, Command::Seek(SimTime(1_000_000)));
    v.wait(&l.lifeline_run("main"));
    assert_eq!(v.life.clone().unwrap().unwrap(), late);
}

#[test]
fn a_fork_rebuilds_the_lifeline_for_the_new_future() {
    let mut s = session("scenarios/04_failover_acks_all.ron");
    let (l, tl) = (s.loaded.as_mut().unwrap(), &mut s.timelines);
    let end = SimTime(l.scenario.duration.0);
    run_free(l, end);
    let mut v = LifelineView::new("key:order-3".into(), &l.lifeline_run("main"));
    v.wait(&l.lifeline_run("main"));
    let before = v.life.clone().unwrap();
    command(l, Command::Seek(SimTime(1_000_000)));
    let crash = Action::CrashBroker(1);
    tl.before_input(l, &crash);
    command(l, Command::Inject(crash));
    v.wait(&l.lifeline_run(&tl.active));
    play_with_window(l, &mut v, &tl.active.clone(), end);
    let after = v.life.clone().unwrap();
    assert_eq!(after, trace_message(Arc::new(l.session_scenario()), l.sim.seed, None, "key:order-3"));
    assert_ne!(after, before, "broker-1 crashed at 1 s in this future: the key's records took another way");
}

#[test]
fn why_in_the_app_finds_the_coin_flip_and_knows_when_the_run_changed() {
    let mut s = session("tests/fixtures/why_coin_flip.ron");
    let l = s.loaded.as_mut().unwrap();
    run_free(l, SimTime(2_000_000));
    let mut w = brokerlab::gui::ui::ask_why(l, "main", 0).expect("the fixture has expectations");
    w.wait();
    let why = w.answer.clone().unwrap().unwrap();
    let at = why.inevitable_from.expect("inevitable at some point");
    // The random choice is made at 4.5 s; branch points are a second apart.
    assert!((4_500_000..=5_500_000).contains(&at.0), "inevitable from {at}");
    assert!(why.points.first().is_some_and(|p| p.happened < p.runs), "before the choice chance decides");
    assert_eq!(w.run, l.run_key("main"), "asked of this run");
    command(l, Command::Inject(Action::CrashBroker(2)));
    assert_ne!(w.run, l.run_key("main"), "an input makes it another run: the answer is out of date");
    assert!(brokerlab::gui::ui::ask_why(l, "main", 99).is_none(), "no such expectation");
}
