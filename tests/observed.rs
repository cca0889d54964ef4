//! "Save what I saw as a test": a session saved with the expectations it observed replays
//! to the same digest and passes them, whether it stopped at the end or midway (even
//! between two events of the same instant).

use brokerlab::runner::observed::{session_test, session_test_ron};
use brokerlab::runner::run_scenario;
use brokerlab::scenario::{Action, Expectation, load_file, parse};
use brokerlab::sim::SimTime;
use brokerlab::world::Simulation;
use std::path::PathBuf;
use std::sync::Arc;

fn sim_of(name: &str, seed: Option<u64>) -> Simulation {
    let f = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name);
    let sc = Arc::new(load_file(&f).unwrap());
    let seed = seed.unwrap_or(sc.seed);
    Simulation::new(sc, seed, 1000)
}

/// Saves, loads and replays; returns the replay's expectations after checking it passed.
fn replay_passes(sim: &Simulation) -> Vec<Expectation> {
    let t = session_test(sim);
    let text = session_test_ron(sim);
    let sc = Arc::new(parse(&text, "session.ron").unwrap_or_else(|e| panic!("{e}\n{text}")));
    let r = run_scenario(sc.clone(), sc.seed, None, None);
    assert_eq!(r.digest, t.digest, "replays to the digest of the session");
    let failed: Vec<_> = r.outcomes.iter().filter(|o| !o.passed).collect();
    assert!(failed.is_empty(), "{}: failed {failed:?}\n{text}", sc.name);
    sc.expect.clone()
}

#[test]
fn a_session_saved_midway_replays_to_its_digest_and_passes_what_it_observed() {
    let mut sim = sim_of("04_failover_acks_all.ron", Some(5));
    sim.run_until(SimTime(6_000_000));
    sim.inject(Action::CrashBroker(3));
    sim.run_until(SimTime(12_500_000));
    sim.inject(Action::CrashClient("billing".into()));
    for _ in 0..33 {
        sim.step(); // stops between events, maybe inside an instant
    }
    let live = sim.trace.digest();
    let t = session_test(&sim);
    assert!(t.cut_from.is_some(), "stopped before the end: the saved run ends there");
    assert_eq!(t.scenario.duration.0, sim.now().0);
    assert_eq!(sim.trace.digest(), live, "saving does not touch the live run");
    let expect = replay_passes(&sim);
    assert!(expect.iter().any(|e| matches!(e, Expectation::Acked { min: Some(n), max: Some(m) } if n == m && *n > 0)));
    assert!(expect.iter().any(|e| matches!(e, Expectation::LeaderOf { .. })));
    assert!(expect.contains(&Expectation::NoAckedLoss));
}

#[test]
fn an_unclean_election_saved_at_the_end_expects_the_acked_loss_it_saw() {
    let mut sim = sim_of("07_unclean_election.ron", None);
    sim.run_until(SimTime(sim.scenario.duration.0));
    let expect = replay_passes(&sim);
    assert!(expect.iter().any(|e| matches!(e, Expectation::AckedLoss { at_least } if *at_least >= 300)));
}

#[test]
fn groups_dead_letters_and_queues_are_saved_with_exact_counts() {
    for name in ["13_poison_dlq_redrive.ron", "24_rabbit_requeue_vs_dlx.ron", "27_kafka_vs_rabbitmq.ron"] {
        let mut sim = sim_of(name, None);
        sim.run_until(SimTime(sim.scenario.duration.0 * 2 / 3));
        let expect = replay_passes(&sim);
        assert!(expect.iter().any(|e| matches!(e, Expectation::DeadLettered { .. })), "{name}: {expect:?}");
    }
}

#[test]
fn the_scenarios_own_expectations_stay_in_the_file_as_comments() {
    let mut sim = sim_of("07_unclean_election.ron", None);
    sim.run_until(SimTime(10_000_000));
    let text = session_test_ron(&sim);
    let comments: Vec<&str> = text.lines().filter(|l| l.trim_start().starts_with("//   ")).collect();
    assert_eq!(comments.len(), 5, "{text}");
    assert!(comments[0].contains(r#"IsrSize(topic: "events", partition: 0, at: "12s", n: 1)"#), "{text}");
    assert!(comments[3].contains("AckedLoss(at_least: 300)"), "{text}");
    let sc = parse(&text, "session.ron").unwrap();
    assert!(!sc.expect.iter().any(|e| matches!(e, Expectation::IsrSize { .. })), "replaced, not kept");
}
