//! Random fault schedules (what a learner clicking buttons produces) never panic and keep
//! basic invariants at every step: HW ≤ LEO on every replica; at most one leader per
//! partition and leader epoch; a leader's HW never moves backwards while that leader
//! process stays up (a restart restores the checkpointed HW, as Kafka does).

use brokerlab::scenario::{Action, parse};
use brokerlab::sim::{Dur, NodeRng, SimTime};
use brokerlab::trace::{BrokerId, Tp};
use brokerlab::world::Simulation;
use std::collections::BTreeMap;
use std::sync::Arc;

const SCENARIO: &str = r#"Scenario(
  name: "random faults",
  duration: "40s",
  cluster: (brokers: 3, controller: ZooKeeper(session_timeout: "3s"), replica_lag_time_max: "2s",
            network: (latency: Uniform("1ms", "5ms"), loss_per_million: 2000)),
  topics: [(name: "a", partitions: 3, replication_factor: 3, min_insync_replicas: 2),
           (name: "b", partitions: 2, replication_factor: 2, unclean_leader_election: true, retention: (max_messages: 200))],
  producers: [(name: "p1", topic: "a", rate: PerSecond(40), acks: All, key: Distinct(prefix: "k", count: 50)),
              (name: "p2", topic: "b", rate: Poisson(30), acks: One),
              (name: "p3", topic: "a", rate: PerSecond(20), acks: Zero)],
  consumers: [(name: "c1", topic: "a", process_time: "10ms", retries: 1, retry_backoff: "200ms"),
              (name: "c2", topic: "b", process_time: "30ms", auto_offset_reset: Latest, retry_backoff: "300ms")],
)"#;

fn random_action(rng: &mut NodeRng) -> Action {
    let b = rng.uniform(1, 3) as u32;
    let nodes = ["zookeeper", "broker-1", "broker-2", "broker-3", "p1", "p2", "c1", "c2"];
    let node = |rng: &mut NodeRng| nodes[rng.below(nodes.len() as u64) as usize].to_string();
    match rng.below(13) {
        12 => Action::PoisonMessage(["p1", "p2", "p3"][rng.below(3) as usize].into()),
        0 => Action::CrashBroker(b),
        1 => Action::PowerOffBroker(b),
        2 => Action::StopBroker(b),
        3 | 4 => Action::RestartBroker(b),
        5 => Action::CrashController,
        6 => Action::CrashZooKeeper,
        7 => Action::RestartZooKeeper,
        8 => Action::Cut(vec![node(rng)], vec![node(rng)]),
        9 => Action::HealAll,
        10 => Action::SlowLink(node(rng), node(rng), Dur::ms(rng.uniform(0, 800))),
        _ => {
            let c = ["p1", "p2", "p3", "c1", "c2"][rng.below(5) as usize].to_string();
            if rng.below(2) == 0 { Action::CrashClient(c) } else { Action::RestartClient(c) }
        }
    }
}

/// Heals every cut and slow link and restarts ZooKeeper, every broker and `clients`.
fn heal_and_restart(sim: &mut Simulation, clients: &[&str]) {
    for a in [
        Action::HealAll,
        Action::RestartZooKeeper,
        Action::RestartBroker(1),
        Action::RestartBroker(2),
        Action::RestartBroker(3),
    ] {
        sim.inject(a);
    }
    for n in clients {
        sim.inject(Action::RestartClient(n.to_string()));
    }
    for b in 1..=3 {
        for n in ["zookeeper", "broker-1", "broker-2", "broker-3", "p1", "p2", "c1", "c2"] {
            sim.inject(Action::SlowLink(format!("broker-{b}"), n.into(), Dur::ZERO));
        }
    }
}

fn check_invariants(
    sim: &Simulation,
    leaders: &mut BTreeMap<(Tp, u32), BrokerId>,
    hw: &mut BTreeMap<(Tp, u32, u64), u64>,
) {
    for b in sim.brokers() {
        for (tp, r) in &b.rm.replicas {
            assert!(
                r.hw <= r.log.end_offset(),
                "seed {}: HW {} > LEO {} on broker-{} {tp:?}",
                sim.seed,
                r.hw,
                r.log.end_offset(),
                b.id.0
            );
            if r.is_leader() && sim.is_up(brokerlab::sim::NodeId(b.id.0)) {
                let key = (*tp, r.state.leader_epoch);
                let prev = leaders.insert(key, b.id);
                assert!(
                    prev.is_none_or(|p| p == b.id),
                    "seed {}: two leaders of {tp:?} in epoch {}: broker-{} and broker-{}",
                    sim.seed,
                    key.1,
                    prev.unwrap().0,
                    b.id.0
                );
                // Within one leadership of one process: a restart restores the checkpointed HW.
                let h = hw.entry((key.0, key.1, b.session)).or_insert(0);
                if r.hw < *h {
                    let names = sim.names().clone();
                    for rec in sim
                        .trace
                        .recent()
                        .iter()
                        .filter(|r| brokerlab::trace::text::is_notable(&r.kind))
                        .rev()
                        .take(40)
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                    {
                        eprintln!("{:>12} {}", rec.t_us, brokerlab::trace::text::describe(rec, &names));
                    }
                    eprintln!("now {} broker-{} {tp:?} {:?}", sim.now(), b.id.0, r.state);
                }
                assert!(r.hw >= *h, "seed {}: leader HW went back from {} to {} in epoch {}", sim.seed, h, r.hw, key.1);
                *h = r.hw;
            }
        }
    }
}

#[test]
fn random_fault_schedules_never_panic_and_keep_replication_invariants() {
    let sc = Arc::new(parse(SCENARIO, "random.ron").unwrap());
    // BROKERLAB_FAULT_SEEDS=N runs more seeds than CI does.
    let seeds: u64 = std::env::var("BROKERLAB_FAULT_SEEDS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    for seed in 1..=seeds {
        let mut sim = Simulation::new(sc.clone(), seed, 20_000);
        let mut rng = NodeRng::new(seed, 999);
        let (mut leaders, mut hw) = (BTreeMap::new(), BTreeMap::new());
        let mut t = 0u64;
        while t < 40_000_000 {
            t += rng.uniform(100_000, 3_000_000);
            let until = SimTime(t.min(40_000_000));
            while sim.next_event_time().is_some_and(|at| at <= until) {
                sim.step();
                if sim.events().is_multiple_of(64) {
                    check_invariants(&sim, &mut leaders, &mut hw);
                }
            }
            sim.run_until(until);
            check_invariants(&sim, &mut leaders, &mut hw);
            sim.inject(random_action(&mut rng));
        }
        assert!(sim.violation.is_none(), "seed {seed}: {:?}", sim.violation);
        // Heal everything and restart everyone: the cluster must recover leaders.
        heal_and_restart(&mut sim, &["p1", "p2", "p3", "c1", "c2"]);
        sim.run_until(SimTime(sim.now().0 + 60_000_000));
        assert!(sim.violation.is_none(), "seed {seed}: {:?}", sim.violation);
        check_invariants(&sim, &mut leaders, &mut hw);
        for tp in sim.partitions() {
            if sim.leader_of(tp).is_none() {
                let names = sim.names().clone();
                for r in sim.trace.recent().iter().filter(|r| brokerlab::trace::text::is_notable(&r.kind)) {
                    eprintln!("{:>12} {}", r.t_us, brokerlab::trace::text::describe(r, &names));
                }
                let z = sim.zookeeper();
                eprintln!(
                    "zk sessions {:?} controller {:?}; controller now {:?}",
                    z.sessions.keys().collect::<Vec<_>>(),
                    z.controller,
                    sim.controller()
                );
                for b in sim.brokers() {
                    eprintln!(
                        "broker-{} up {} {:?}",
                        b.id.0,
                        sim.is_up(brokerlab::sim::NodeId(b.id.0)),
                        b.rm.replicas.get(&tp).map(|r| (&r.state, r.log.end_offset()))
                    );
                }
                panic!("seed {seed}: {tp:?} has no leader a minute after healing");
            }
        }
    }
}

const SAFE: &str = r#"Scenario(
  name: "safe settings under random faults",
  duration: "40s",
  cluster: (brokers: 3, controller: ZooKeeper(session_timeout: "3s"), replica_lag_time_max: "2s",
            network: (latency: Uniform("1ms", "5ms"), loss_per_million: 2000)),
  topics: [(name: "a", partitions: 3, replication_factor: 3, min_insync_replicas: 2)],
  producers: [(name: "p1", topic: "a", rate: PerSecond(50), acks: All, key: Distinct(prefix: "k", count: 50), request_timeout: "3s"),
              (name: "p2", topic: "a", rate: PerSecond(20), acks: All, idempotent: false, request_timeout: "2s")],
  consumers: [(name: "c1", topic: "a", process_time: "5ms")],
)"#;

#[test]
fn acks_all_with_min_isr_two_loses_no_acknowledged_write_without_power_loss() {
    let sc = Arc::new(parse(SAFE, "safe.ron").unwrap());
    let seeds: u64 = std::env::var("BROKERLAB_FAULT_SEEDS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    for seed in 1..=seeds {
        let mut sim = Simulation::new(sc.clone(), seed, 2_000_000);
        let mut rng = NodeRng::new(seed, 777);
        let mut t = 0u64;
        while t < 40_000_000 {
            t += rng.uniform(200_000, 3_000_000);
            sim.run_until(SimTime(t.min(40_000_000)));
            let mut a = random_action(&mut rng);
            // Process crashes keep the page cache; a machine power loss may legitimately lose
            // acknowledged data (Kafka's K11), so it is left out here.
            if let Action::PowerOffBroker(b) = a {
                a = Action::CrashBroker(b);
            }
            if !matches!(a, Action::PoisonMessage(_)) {
                sim.inject(a);
            }
        }
        heal_and_restart(&mut sim, &[]);
        sim.run_until(SimTime(sim.now().0 + 30_000_000));
        let lost = brokerlab::world::checks::loss::acked_lost(&sim);
        if let Some(&(m, tp, off)) = lost.first() {
            let names = sim.names().clone();
            for r in sim.trace.recent() {
                let related = match &r.kind {
                    brokerlab::trace::RecordKind::Append { value, .. }
                    | brokerlab::trace::RecordKind::Ack { value, .. }
                    | brokerlab::trace::RecordKind::ProduceError { value, .. } => *value == m,
                    brokerlab::trace::RecordKind::Truncate { tp: t, .. }
                    | brokerlab::trace::RecordKind::Leader { tp: t, .. }
                    | brokerlab::trace::RecordKind::Isr { tp: t, .. } => *t == tp,
                    brokerlab::trace::RecordKind::Hw { tp: t, high_watermark, .. } => {
                        *t == tp && *high_watermark > off && *high_watermark < off + 3
                    }
                    k => {
                        brokerlab::trace::text::is_notable(k)
                            && !matches!(k, brokerlab::trace::RecordKind::Retention { .. })
                    }
                };
                if related {
                    eprintln!("{:>10} {}", r.t_us, brokerlab::trace::text::describe(r, &names));
                }
            }
        }
        assert!(
            lost.is_empty(),
            "seed {seed}: {} acknowledged writes lost, first {:?} (reproduce with this test and seed)",
            lost.len(),
            lost.first()
        );
    }
}
