//! `brokerlab check --seeds N` catches an expectation tuned to one seed: it runs the
//! scenario on its own seed and N derived ones and names each failing (file, seed) with a
//! reproducer that fails the same way.

use brokerlab::scenario::parse;
use brokerlab::sim::SimTime;
use brokerlab::world::Simulation;
use std::process::Command;
use std::sync::Arc;

fn brokerlab(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_brokerlab")).args(args).output().expect("the binary runs");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Who wins the first controller race depends on the seed; this scenario expects the
/// winner of its own seed's race.
fn seed_tuned(controller: u32) -> String {
    format!(
        r#"Scenario(name: "tuned to its seed", seed: 5, duration: "3s",
  cluster: (brokers: 3),
  topics: [(name: "t", partitions: 1, replication_factor: 3)],
  expect: [ControllerIs(at: "2s", broker: {controller})],
)"#
    )
}

#[test]
fn check_seeds_names_the_file_and_seed_where_a_seed_tuned_expectation_fails() {
    let probe = Arc::new(parse(&seed_tuned(1), "probe.ron").expect("loads"));
    let mut sim = Simulation::new(probe.clone(), probe.seed, 0);
    sim.run_until(SimTime(2_000_000));
    let winner = sim.controller().expect("a controller at 2 s").0;

    let d = std::env::temp_dir().join(format!("brokerlab-check-seeds-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    let file = d.join("tuned.ron");
    std::fs::write(&file, seed_tuned(winner)).expect("write");
    let path = file.to_str().expect("utf-8");

    let (code, out) = brokerlab(&["check", path]);
    assert_eq!(code, Some(0), "on its own seed it passes:\n{out}");

    let (code, out) = brokerlab(&["check", d.to_str().expect("utf-8"), "--seeds", "8"]);
    assert_eq!(code, Some(1), "another seed elects another controller:\n{out}");
    let listed: Vec<u64> = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("seeds: "))
        .expect("the seeds are listed")
        .split(' ')
        .map(|s| s.parse().expect("a seed"))
        .collect();
    assert_eq!(listed.len(), 9);
    assert_eq!(listed[0], 5, "the scenario's own seed first");
    let failing: Vec<u64> = out
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("FAIL {path} (seed ")))
        .map(|s| s.trim_end_matches(')').parse().expect("a seed"))
        .collect();
    assert!(!failing.is_empty() && !failing.contains(&5), "{out}");
    assert!(failing.iter().all(|s| listed.contains(s)));
    let repro = format!("brokerlab run {path} --seed {}", failing[0]);
    assert!(out.contains(&repro), "{out}");
    assert!(out.lines().last().is_some_and(|l| l == format!("{} passed, {} failed", 9 - failing.len(), failing.len())));

    let (code, run) = brokerlab(&["run", path, "--seed", &failing[0].to_string()]);
    assert_eq!(code, Some(1), "the reproducer fails the same way:\n{run}");
    assert!(run.contains(&format!("controller at 2s is broker-{winner}")), "{run}");
    let _ = std::fs::remove_dir_all(&d);
}
