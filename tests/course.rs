//! The guided course: every chapter proves its point and has exactly one right answer per
//! question on its own seed and ten more; the chapters cover every concept of the chapter;
//! beats that wait for an event fire at it; course fields are validated like the rest.

use brokerlab::runner::run_scenario;
use brokerlab::runner::seeds::with_derived;
use brokerlab::scenario::{CONCEPTS, Scenario, load_file, parse, scenario_files};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

fn chapters() -> Vec<(PathBuf, Arc<Scenario>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/course");
    scenario_files(&[dir]).into_iter().map(|f| (f.clone(), Arc::new(load_file(&f).expect("a chapter loads")))).collect()
}

#[test]
fn every_chapter_passes_with_one_right_answer_per_question_on_eleven_seeds() {
    let jobs: Vec<(PathBuf, Arc<Scenario>, u64)> = chapters()
        .into_iter()
        .flat_map(|(f, sc)| with_derived(sc.seed, 10).into_iter().map(move |s| (f.clone(), sc.clone(), s)))
        .collect();
    let failures: Vec<String> = jobs
        .par_iter()
        .filter_map(|(f, sc, seed)| {
            let r = run_scenario(sc.clone(), *seed, None, None);
            let asked = r.outcomes.iter().filter(|o| o.what.starts_with("question ")).count();
            assert_eq!(asked, sc.questions.len(), "{}: every question judged", f.display());
            (!r.passed()).then(|| {
                let bad: Vec<String> =
                    r.outcomes.iter().filter(|o| !o.passed).map(|o| format!("{} ({})", o.what, o.observed)).collect();
                format!("{} seed {seed}: {}", f.display(), bad.join("; "))
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_chapters_are_numbered_one_to_eleven_and_cover_every_concept() {
    let cs = chapters();
    let numbers: BTreeSet<u32> = cs.iter().map(|(_, sc)| sc.course.as_ref().expect("a course field").chapter).collect();
    assert_eq!(numbers, (1..=11).collect::<BTreeSet<u32>>());
    let taught: BTreeSet<&str> =
        cs.iter().flat_map(|(_, sc)| sc.course.as_ref().unwrap().concepts.iter().map(String::as_str)).collect();
    let all: BTreeSet<&str> = CONCEPTS.into_iter().collect();
    assert_eq!(taught, all, "missing: {:?}", all.difference(&taught).collect::<Vec<_>>());
    for (f, sc) in &cs {
        assert!(sc.narration.first().is_some_and(|n| n.pause), "{}: the first beat pauses", f.display());
        assert!(!sc.questions.is_empty() && !sc.expect.is_empty(), "{}: asks and proves", f.display());
    }
}

#[test]
fn a_beat_on_a_rebalance_fires_at_the_rebalance_not_at_its_time() {
    let (_, sc) = chapters().into_iter().find(|(f, _)| f.ends_with("06-offsets.ron")).expect("chapter 6");
    let mut sim = brokerlab::world::Simulation::new(sc.clone(), sc.seed, 0);
    let beat = sc.narration.iter().position(|n| n.on.is_some() && n.text.contains("session timed out")).unwrap();
    sim.run_until(brokerlab::sim::SimTime(9_000_000));
    assert_eq!(sim.story().fired_at(beat), None, "no rebalance before the session times out");
    sim.run_until(brokerlab::sim::SimTime(20_000_000));
    let t = sim.story().fired_at(beat).expect("fired once the group rebalanced");
    assert!(t.0 > 10_000_000 && t.0 < 12_000_000, "at the rebalance after the 6 s session timeout: {t}");
}

const BASE: &str = r#"Scenario(
  name: "x",
  duration: "10s",
  topics: [(name: "t", partitions: 2, replication_factor: 1)],
  producers: [(name: "p", topic: "t", rate: PerSecond(10))],
  consumers: [(name: "c", topic: "t", process_time: "10ms")],
  narration: [(at: "1s", text: "hello", focus: ["c", "t-1"], pause: true)],
  questions: [(at: "2s", ask: "how many?", choices: [
    (text: "few", holds: [Consumed(consumer: "c", max: 5)]),
    (text: "many", holds: [Consumed(consumer: "c", min: 6), LagAtMost(consumer: "c", at: "5s", messages: 100)]),
  ], reveal: "5s")],
)"#;

fn err(src: &str) -> brokerlab::scenario::ScenarioError {
    parse(src, "bad.ron").expect_err("must be rejected")
}

#[test]
fn course_fields_load_and_their_mistakes_name_line_and_what_was_expected() {
    parse(BASE, "ok.ron").expect("valid");
    let e = err(&BASE.replace(r#"(text: "few", holds: [Consumed(consumer: "c", max: 5)]),"#, ""));
    assert!(e.msg.contains("offers 1 choices; expected 2 to 8"), "{e}");
    assert_eq!(e.line, 8, "{e}");
    let e = err(&BASE.replace(r#"reveal: "5s""#, r#"reveal: "1s""#));
    assert!(e.msg.contains("`reveal` is 1s; expected between `at` (2s) and the end of the run (10s)"), "{e}");
    let e = err(&BASE.replace(r#"at: "5s", messages"#, r#"at: "4s", messages"#));
    assert!(e.msg.contains("must be timed at `reveal` (5s)"), "{e}");
    let e = err(&BASE.replace(r#""t-1""#, r#""t-7""#));
    assert!(e.msg.contains("`focus` names \"t-7\"") && e.line == 7, "{e}");
    let e = err(&BASE
        .replace(r#"duration: "10s","#, r#"duration: "10s", course: (chapter: 1, goal: "g", concepts: ["nope"]),"#));
    assert!(e.msg.contains("unknown concept \"nope\"; expected one of: async"), "{e}");
    let e = err(&BASE.replace(r#"pause: true"#, r#"pause: true, on: Rebalance("g")"#));
    assert!(e.msg.contains("`on` waits for group \"g\", which this scenario does not have"), "{e}");
}
