//! Sweeps: a seed's fault schedule and result depend on the seed alone (not on how many
//! jobs run it or in what order), failing schedules shrink, and the invariant checker
//! catches what it is there to catch.

use brokerlab::check::invariants::Invariants;
use brokerlab::runner::sweep::{random_faults, run_seed, shrink};
use brokerlab::scenario::load_file;
use brokerlab::trace::{BrokerId, Election, RecordKind, TopicId, Tp};
use brokerlab::world::Simulation;
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

fn scenario(name: &str) -> Arc<brokerlab::scenario::Scenario> {
    let f = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name);
    Arc::new(load_file(&f).unwrap())
}

#[test]
fn sweep_results_do_not_depend_on_the_number_of_jobs() {
    let sc = scenario("04_failover_acks_all.ron");
    let one: Vec<_> = (1..=6).map(|s| run_seed(&sc, "x", s, true)).collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let seeds: Vec<u64> = (1..=6).rev().collect();
    let two: Vec<_> = pool.install(|| seeds.par_iter().map(|&s| run_seed(&sc, "x", s, true)).collect());
    let mut two = two;
    two.sort_by_key(|r| r.seed);
    assert_eq!(one, two);
    assert_ne!(one[0].digest, one[1].digest, "seeds differ");
    assert_eq!(random_faults(&sc, 3), random_faults(&sc, 3));
}

#[test]
fn a_passing_schedule_does_not_shrink() {
    let sc = scenario("04_failover_acks_all.ron");
    let faults = random_faults(&sc, 5);
    // Nothing fails, so no fault can be dropped "while the failure persists".
    assert_eq!(shrink(&sc, 5, faults.clone(), 20), faults);
}

#[test]
fn two_leaders_in_one_epoch_break_the_invariant() {
    let sc = scenario("04_failover_acks_all.ron");
    let sim = Simulation::new(sc, 1, 0);
    let mut inv = Invariants::default();
    let tp = Tp { topic: TopicId(0), partition: 0 };
    let leader = |b| RecordKind::Leader {
        tp,
        leader: Some(BrokerId(b)),
        leader_epoch: 7,
        election: Election::Clean,
        isr: vec![],
    };
    assert!(inv.record(sim.names(), None, 1, &leader(1)).is_ok());
    assert!(inv.record(sim.names(), None, 2, &leader(1)).is_ok(), "the same decision again is fine");
    let v = inv.record(sim.names(), None, 3, &leader(2)).unwrap_err();
    assert_eq!(v.invariant, "one_leader_per_epoch");
    let hw = |h| RecordKind::Hw { broker: BrokerId(1), tp, high_watermark: h };
    assert!(inv.record(sim.names(), None, 4, &hw(10)).is_ok());
    assert_eq!(inv.record(sim.names(), None, 5, &hw(9)).unwrap_err().invariant, "hw_never_decreases");
}

#[test]
fn metrics_rows_have_a_value_for_every_column() {
    let sc = scenario("27_kafka_vs_rabbitmq.ron");
    let mut sim = Simulation::new(sc, 27, 0);
    sim.run_until(brokerlab::sim::SimTime(10_000_000));
    let h = brokerlab::runner::metrics::header(&sim);
    let r = brokerlab::runner::metrics::row(&sim);
    assert_eq!(h.split(',').count(), r.split(',').count(), "{h}\n{r}");
    assert!(h.contains("group_lag_fulfil") && h.contains("queue_orders-q"), "{h}");
    assert!(r.starts_with("10.000,"), "{r}");
}

/// Schedules sweeps once failed on (shrunk, with the seed in their file): they pass now.
#[test]
fn schedules_that_sweeps_found_failing_stay_fixed() {
    let mut n = 0;
    for entry in std::fs::read_dir("tests/regressions").expect("regressions dir") {
        let path = entry.expect("entry").path();
        let sc = Arc::new(brokerlab::scenario::load_file(&path).expect("a valid scenario"));
        let r = brokerlab::runner::run_scenario(sc.clone(), sc.seed, None, None);
        assert!(r.passed(), "{}: {:?}", path.display(), r.outcomes.iter().find(|o| !o.passed));
        n += 1;
    }
    assert!(n >= 2);
}

/// Liveness in the health check: a group whose members stop handling records while lag
/// builds up is unhealthy, even though every partition has a leader and the group is stable.
#[test]
fn a_group_that_stops_working_off_its_lag_is_unhealthy() {
    let text = std::fs::read_to_string("scenarios/11_group_consumer_crash.ron").expect("scenario");
    let paused = text.replace(
        r#"faults: [(at: "20s", action: CrashClient("n1"))],"#,
        r#"faults: [(at: "10s", action: PauseConsumer("n1")), (at: "10s", action: PauseConsumer("n2"))],"#,
    );
    assert_ne!(paused, text, "the scenario still has the fault this test edits");
    let with = |sc: &str, expect: &str| {
        let i = sc.find("  expect: [").expect("an expect block");
        format!("{}  expect: [{expect}],\n)\n", &sc[..i])
    };
    let stuck = brokerlab::scenario::parse(&with(&paused, "Healthy"), "stuck.ron").expect("valid");
    let r = brokerlab::runner::run_scenario(Arc::new(stuck), 11, None, None);
    assert!(!r.passed());
    assert!(r.outcomes[0].observed.contains("group billing has lag"), "{:?}", r.outcomes);
    let fine = brokerlab::scenario::parse(&with(&text, "Healthy"), "fine.ron").expect("valid");
    assert!(brokerlab::runner::run_scenario(Arc::new(fine), 11, None, None).passed());
}

const STUCK: &str = r#"Scenario(
  name: "a poison pill retried forever",
  duration: "20s",
  cluster: (brokers: 3),
  topics: [(name: "t", partitions: 1, replication_factor: 3, min_insync_replicas: 2)],
  producers: [(name: "p", topic: "t", rate: PerSecond(20))],
  consumer_groups: [(name: "g", topics: ["t"], members: [(name: "c", process_time: "5ms")],
                     on_failure: Retry(max_attempts: None, backoff: "1s"))],
  expect: [Healthy],
)"#;

#[test]
fn shrinking_keeps_the_fault_that_fails_the_same_way_and_simplifies_it() {
    use brokerlab::scenario::{Action, FaultSpec};
    use brokerlab::sim::Dur;
    let sc = brokerlab::scenario::parse(STUCK, "stuck.ron").expect("valid");
    let poison = |at| FaultSpec { at: Dur(at), action: Action::PoisonMessage("p".into()) };
    let faults = vec![
        FaultSpec { at: Dur(3_250_000), action: Action::PowerOffBroker(2) },
        poison(5_500_000),
        FaultSpec { at: Dur(8_000_000), action: Action::SlowLink("broker-1".into(), "c".into(), Dur::ms(400)) },
    ];
    let r = run_seed_with(&sc, &faults);
    assert!(r.contains("has lag"), "a record retried forever stops the group: {r}");
    assert_eq!(shrink(&sc, 1, faults, 40), vec![poison(5_000_000)]);
}

fn run_seed_with(sc: &brokerlab::scenario::Scenario, faults: &[brokerlab::scenario::FaultSpec]) -> String {
    let full = Arc::new(brokerlab::runner::sweep::with_faults(sc, 1, faults));
    let r = brokerlab::runner::run_scenario(full, 1, None, None);
    r.outcomes.iter().find(|o| !o.passed).map(|o| o.observed.clone()).unwrap_or_default()
}
