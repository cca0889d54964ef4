//! Going back in time without a window: a scrub back then forward lands on the same trace,
//! step back undoes exactly one visible event, the learner's inputs survive a rewind and a
//! new input after going back replaces the future.
#![cfg(feature = "gui")]

use brokerlab::gui::playback::{Command, command, loaded_from, run_free, run_to};
use brokerlab::gui::rewind::{BUDGET_BYTES, TickKind};
use brokerlab::gui::state::Loaded;
use brokerlab::scenario::Action;
use brokerlab::sim::SimTime;
use std::path::{Path, PathBuf};

fn open(rel: &str) -> Loaded {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    loaded_from(&std::fs::read_to_string(p).unwrap(), None).unwrap()
}

fn shipped(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            shipped(&p, out);
        } else if p.extension().is_some_and(|x| x == "ron") {
            out.push(p);
        }
    }
}

/// (digest, records, events) of the run now.
fn at(l: &Loaded) -> (u64, u64, u64) {
    (l.sim.trace.digest(), l.sim.trace.count(), l.sim.events())
}

#[test]
fn every_shipped_scenario_scrubbed_back_replays_the_same_trace() {
    let mut files = Vec::new();
    shipped(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios"), &mut files);
    files.sort();
    assert!(files.len() >= 40, "{} files", files.len());
    for (k, f) in files.iter().enumerate() {
        let mut l = loaded_from(&std::fs::read_to_string(f).unwrap(), None).unwrap();
        let end = SimTime(l.scenario.duration.0.min(120_000_000));
        // Three times spread over the run, different per file.
        let times: Vec<SimTime> =
            [17u64, 53, 89].iter().map(|p| SimTime(end.0 * ((p + 7 * k as u64) % 97) / 97)).collect();
        let mut seen = Vec::new();
        for &t in &times {
            let t = t.max(l.sim.now());
            run_free(&mut l, t);
            seen.push((l.sim.now(), at(&l)));
        }
        run_free(&mut l, end);
        let last = at(&l);
        for (t, state) in seen {
            command(&mut l, Command::Seek(t));
            assert_eq!((l.sim.now(), at(&l)), (t, state), "{}: back to {t}", f.display());
            command(&mut l, Command::Seek(end));
            assert_eq!(at(&l), last, "{}: forward again from {t}", f.display());
        }
    }
}

#[test]
fn step_back_undoes_exactly_the_latest_visible_event() {
    let mut l = open("scenarios/course/06-offsets.ron");
    run_free(&mut l, SimTime(3_000_000));
    assert_eq!(command(&mut l, Command::Step), None);
    let first = (l.sim.now(), at(&l));
    assert_eq!(command(&mut l, Command::Step), None);
    let second = at(&l);
    assert_ne!(first.1, second, "the second step moved");
    // Back from the second step: the run as it was just before that event, which is after
    // the first one (timers may have run in between, so at or after it).
    assert_eq!(command(&mut l, Command::StepBack), None);
    let back = at(&l);
    assert_eq!(back.2, second.2 - 1, "one engine event before the second step's");
    assert!(back.2 >= first.1.2, "{back:?} not before the first step {first:?}");
    // Step again lands where the second step did.
    assert_eq!(command(&mut l, Command::Step), None);
    assert_eq!(at(&l), second);
}

#[test]
fn an_input_survives_going_back_and_a_new_one_replaces_the_future() {
    let mut l = open("scenarios/04_failover_acks_all.ron");
    run_free(&mut l, SimTime(3_000_000));
    assert_eq!(command(&mut l, Command::Inject(Action::CrashBroker(2))), None);
    run_free(&mut l, SimTime(20_000_000));
    let with_crash = at(&l);
    assert!(l.rewind.ticks.iter().any(|t| t.kind == TickKind::Crash && t.at == SimTime(3_000_000)));
    // Back before the crash and forward again: the crash comes again, at the same event.
    command(&mut l, Command::Seek(SimTime(1_000_000)));
    assert_eq!(l.sim.injected.len(), 0);
    command(&mut l, Command::Seek(SimTime(20_000_000)));
    assert_eq!(at(&l), with_crash);
    assert_eq!(l.sim.injected.len(), 1);
    // Back again and Play through it (not a scrub): the same run.
    command(&mut l, Command::Seek(SimTime(2_000_000)));
    run_free(&mut l, SimTime(20_000_000));
    assert_eq!(at(&l), with_crash);
    // Back again, a different input: the old future (its crash tick) is gone.
    command(&mut l, Command::Seek(SimTime(2_000_000)));
    assert_eq!(command(&mut l, Command::Inject(Action::CrashBroker(3))), None);
    assert!(l.rewind.ticks.iter().all(|t| t.at <= SimTime(2_000_000)), "future ticks dropped");
    assert_eq!(l.rewind.furthest, SimTime(2_000_000));
    run_free(&mut l, SimTime(20_000_000));
    assert_ne!(at(&l), with_crash);
    assert_eq!(l.sim.injected.len(), 1);
}

#[test]
fn snapshots_stay_within_the_memory_budget_on_a_long_run() {
    let src = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/01_pace_matching.ron"))
        .unwrap()
        .replace("duration: \"60s\"", "duration: \"10m\"");
    let mut l = loaded_from(&src, None).unwrap();
    assert_eq!(l.scenario.duration.0, 600_000_000, "the test's scenario runs ten minutes");
    run_free(&mut l, SimTime(600_000_000));
    let (n, spacing) = l.rewind.snapshots();
    assert!(l.rewind.bytes <= BUDGET_BYTES, "{} bytes in {n} snapshots", l.rewind.bytes);
    assert!(n >= 10, "{n} snapshots every {spacing} events");
    let before = at(&l);
    command(&mut l, Command::Seek(SimTime(300_000_000)));
    assert_eq!(l.sim.now(), SimTime(300_000_000));
    command(&mut l, Command::Seek(SimTime(600_000_000)));
    assert_eq!(at(&l), before);
}

#[test]
fn a_question_passed_again_after_going_back_is_asked_again() {
    use brokerlab::gui::guide::Stop;
    use brokerlab::gui::playback::run_to;
    let mut l = open("scenarios/course/06-offsets.ron");
    let q_at = SimTime(l.scenario.questions[0].at.0);
    let past_reveal = SimTime(l.scenario.questions[0].reveal.0 + 500_000);
    command(&mut l, Command::Play);
    for _ in 0..20 {
        run_to(&mut l, past_reveal, u64::MAX);
        match l.guide.stop {
            Some(Stop::Question(_)) => assert_eq!(command(&mut l, Command::Answer(0)), None),
            Some(_) => assert_eq!(command(&mut l, Command::Continue), None),
            None => break,
        }
    }
    assert!(l.guide.questions[0].verdicts.is_some(), "answered and revealed");
    command(&mut l, Command::Seek(SimTime(q_at.0 - 100_000)));
    assert_eq!(l.guide.questions[0].answer, None, "the answer went back with the run");
    command(&mut l, Command::Play);
    run_to(&mut l, past_reveal, u64::MAX);
    assert_eq!((l.guide.stop, l.sim.now()), (Some(Stop::Question(0)), q_at), "asked again, with its buttons");
    assert_eq!(command(&mut l, Command::Answer(1)), None);
    run_to(&mut l, past_reveal, u64::MAX);
    assert_eq!(l.guide.stop, Some(Stop::Reveal(0)));
    assert_eq!(command(&mut l, Command::Continue), None);
}

/// Inputs given between steps (several at one point, some queued behind others), Back, and
/// jumps back and forth: the timeline run to its end is what its scenario replays to.
#[test]
fn random_steps_inputs_backs_and_seeks_replay_headless_to_the_same_digest() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/jepsen/acks1_failover_loss.ron");
    let src = std::fs::read_to_string(p).unwrap();
    for trial in 0..120u64 {
        let mut l = loaded_from(&src, Some(101)).unwrap();
        let end = SimTime(l.scenario.duration.0);
        let mut x = trial * 2654435761 + 1;
        let mut rnd = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let mut ops = Vec::new();
        for _ in 0..30 {
            match rnd(5) {
                0 => {
                    let t = SimTime(l.sim.now().0 + rnd(3_000_000));
                    run_to(&mut l, t, 5000);
                    ops.push(format!("run_to {t}"));
                }
                1 => {
                    command(&mut l, Command::Step);
                    ops.push(format!("step -> {} ev {}", l.sim.now(), l.sim.events()));
                }
                2 => {
                    let a = [
                        Action::CrashBroker(3),
                        Action::HealAll,
                        Action::CrashZooKeeper,
                        Action::SlowLink("writer".into(), "broker-1".into(), brokerlab::sim::Dur(50_000)),
                    ][rnd(4) as usize]
                        .clone();
                    let r = command(&mut l, Command::Inject(a.clone()));
                    ops.push(format!("inject {a:?} at {} ev {} -> {r:?}", l.sim.now(), l.sim.events()));
                }
                3 => {
                    command(&mut l, Command::Back);
                    ops.push(format!("back -> {} ev {}", l.sim.now(), l.sim.events()));
                }
                _ => {
                    let t = SimTime(rnd(l.sim.now().0 + 1));
                    command(&mut l, Command::Seek(t));
                    ops.push(format!("seek {t} -> ev {}", l.sim.events()));
                }
            }
        }
        let sc = std::sync::Arc::new(l.session_scenario());
        let mut c = l.clone();
        run_free(&mut c, end);
        let headless = brokerlab::runner::run::run_scenario(sc.clone(), l.sim.seed, None, None).digest;
        if headless != c.sim.trace.digest() {
            panic!(
                "trial {trial}: live {} headless {}; applied {} pending {:?} live applied {}\n{}",
                c.sim.trace.digest(),
                headless,
                l.sim.injected.len(),
                l.rewind.pending_inputs(l.sim.injected.len()),
                c.sim.injected.len(),
                ops.join("\n")
            );
        }
    }
}
