//! Guided mode without a window: playback stops at every pause beat and question of a
//! chapter, an answer runs to the reveal where the verdict is the holding choice, and Back
//! replays to the previous beat with the same trace.
#![cfg(feature = "gui")]

use brokerlab::gui::guide::Stop;
use brokerlab::gui::playback::{Command, command, loaded_from, run_to};
use brokerlab::gui::state::Loaded;
use brokerlab::sim::SimTime;
use std::path::PathBuf;

fn chapter(name: &str) -> Loaded {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/course").join(name);
    loaded_from(&std::fs::read_to_string(p).unwrap(), None).unwrap()
}

/// Plays to the end like a learner: Continue at beats and reveals, answer `answer` to each
/// question. Returns every stop with the time it was at.
fn play(l: &mut Loaded, answer: usize) -> Vec<(Stop, SimTime)> {
    let end = SimTime(l.scenario.duration.0);
    let mut stops = Vec::new();
    command(l, Command::Play);
    for _ in 0..1000 {
        run_to(l, end, u64::MAX);
        match l.guide.stop {
            Some(s @ Stop::Question(_)) => {
                stops.push((s, l.sim.now()));
                assert_eq!(command(l, Command::Play), Some("answer the question first (or skip it)".into()));
                assert_eq!(command(l, Command::Answer(answer)), None);
            }
            Some(s) => {
                stops.push((s, l.sim.now()));
                assert_eq!(command(l, Command::Continue), None);
            }
            None => break,
        }
    }
    stops
}

#[test]
fn play_from_zero_stops_at_every_pause_beat_and_question_in_time_order() {
    let mut l = chapter("06-offsets.ron");
    let stops = play(&mut l, 0);
    let sc = l.scenario.clone();
    let beats: Vec<usize> =
        stops.iter().filter_map(|(s, _)| if let Stop::Beat(i) = s { Some(*i) } else { None }).collect();
    let pausing: Vec<usize> = (0..sc.narration.len()).filter(|&i| sc.narration[i].pause).collect();
    let mut sorted = beats.clone();
    sorted.sort();
    assert_eq!(sorted, pausing, "each pause beat stops once: {stops:?}");
    let asked: Vec<usize> =
        stops.iter().filter_map(|(s, _)| if let Stop::Question(q) = s { Some(*q) } else { None }).collect();
    assert_eq!(asked, (0..sc.questions.len()).collect::<Vec<_>>());
    for (s, t) in &stops {
        if let Stop::Question(q) = s {
            assert_eq!(t.0, sc.questions[*q].at.0, "asked at its time");
        }
    }
    assert!(stops.windows(2).all(|w| w[0].1 <= w[1].1), "in time order: {stops:?}");
    assert!(l.guide.finished && l.guide.outcomes.iter().all(|o| o.as_ref().is_some_and(|o| o.passed)));
}

#[test]
fn an_answer_runs_to_the_reveal_and_the_right_choice_is_the_one_that_holds() {
    let mut l = chapter("06-offsets.ron");
    let stops = play(&mut l, 0); // always the first choice: wrong for both questions
    for (q, spec) in l.scenario.questions.iter().enumerate() {
        let at = stops.iter().find(|(s, _)| *s == Stop::Reveal(q)).expect("stopped at the reveal").1;
        assert_eq!(at.0, spec.reveal.0);
        let v = l.guide.questions[q].verdicts.as_ref().expect("judged");
        assert_eq!(l.guide.questions[q].answer, Some(0));
        let right: Vec<usize> = (0..v.len()).filter(|&k| v[k].holds).collect();
        assert_eq!(right, vec![1], "question {q}: the next index / the committed offset");
    }
    assert!(l.guide.questions[0].verdicts.as_ref().unwrap()[0].observed.contains('4'));
}

#[test]
fn back_replays_to_the_previous_beat_with_the_same_trace() {
    let mut l = chapter("06-offsets.ron");
    let mut at_beat = Vec::new();
    let end = SimTime(l.scenario.duration.0);
    command(&mut l, Command::Play);
    for _ in 0..100 {
        run_to(&mut l, end, u64::MAX);
        match l.guide.stop {
            Some(Stop::Beat(i)) => {
                at_beat.push((i, l.sim.trace.digest(), l.sim.now()));
                if at_beat.len() == 3 {
                    break;
                }
                command(&mut l, Command::Continue);
            }
            Some(Stop::Question(_)) => {
                command(&mut l, Command::Answer(1));
            }
            Some(Stop::Reveal(_)) => {
                command(&mut l, Command::Continue);
            }
            None => break,
        }
    }
    assert_eq!(at_beat.len(), 3, "three pause beats reached: {at_beat:?}");
    // Beats of chapter 6: 0 (pause), 1 (on a commit), 2 (pause), 3 (ZooKeeper down), 4 (pause,
    // on the rebalance). Back from 4 lands on 3, a beat that does not pause...
    let fired = l.sim.story().fired();
    assert_eq!(fired.iter().map(|f| f.0).collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
    assert_eq!(command(&mut l, Command::Back), None);
    assert_eq!(l.sim.story().fired().last().copied(), Some(fired[3]));
    assert_eq!(l.guide.stop, None);
    assert_eq!(l.guide.questions[0].answer, Some(1), "answers given before are kept");
    // ...and Back again on 2, a pause beat: the same trace as when playback stopped there.
    assert_eq!(command(&mut l, Command::Back), None);
    let (i, digest, now) = at_beat[1];
    assert_eq!(i, 2);
    assert_eq!((l.sim.trace.digest(), l.sim.now()), (digest, now));
    assert_eq!(l.guide.stop, Some(Stop::Beat(2)));
    assert_eq!(command(&mut l, Command::Back), None);
    assert_eq!(command(&mut l, Command::Back), None);
    assert_eq!(command(&mut l, Command::Back), Some("no earlier beat to go back to".into()));
}

#[test]
fn the_caption_is_the_latest_beat_told_not_one_still_waiting_for_its_event() {
    let mut l = chapter("06-offsets.ron");
    brokerlab::gui::playback::run_free(&mut l, SimTime(6_000_000));
    // At 6 s the rebalance beat (at 5 s, on the rebalance) has not fired: the ZooKeeper beat shows.
    let (text, stale, _) = brokerlab::gui::scene::banner::caption(&l);
    let text = text.expect("a beat was told");
    assert!(text.starts_with("ZooKeeper goes down too."), "{text}");
    assert!(!stale);
}
