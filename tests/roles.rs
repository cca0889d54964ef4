//! Faults and captions that follow roles: a scenario restarts whichever broker a fault
//! crashed and names whichever broker won a race, so it tells the truth on any seed.

use brokerlab::runner::run_scenario;
use brokerlab::scenario::{Action, Scenario, load_file, narration, parse, to_ron};
use brokerlab::sim::{NodeId, SimTime};
use brokerlab::world::Simulation;
use std::path::PathBuf;
use std::sync::Arc;

fn shipped(name: &str) -> Arc<Scenario> {
    let f = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name);
    Arc::new(load_file(&f).unwrap_or_else(|e| panic!("{e}")))
}

fn at(s: f64) -> SimTime {
    SimTime((s * 1e6) as u64)
}

#[test]
fn controller_failover_on_seed_404_restarts_the_crashed_controller_and_ends_with_three_brokers() {
    let sc = shipped("08_controller_failover.ron");
    let r = run_scenario(sc.clone(), 404, None, None);
    let failed: Vec<String> =
        r.outcomes.iter().filter(|o| !o.passed).map(|o| format!("{}: {}", o.what, o.observed)).collect();
    assert!(failed.is_empty(), "08 on seed 404: {failed:?}");

    let mut sim = Simulation::new(sc.clone(), 404, 0);
    sim.run_until(at(7.9));
    let first = sim.controller().expect("a controller before the crash");
    sim.run_until(at(8.5));
    assert!(!sim.is_up(NodeId(first.0)), "CrashController took the controller down");
    sim.run_until(at(16.5));
    assert!(sim.is_up(NodeId(first.0)), "RestartCrashed restarted broker-{}, the crashed controller", first.0);
    sim.run_until(at(22.5));
    let second = sim.controller().expect("a controller after the race");
    assert_ne!(second, first);
    assert!(sim.is_up(NodeId(second.0)), "the leader crash at 22 s spares the controller");
    sim.run_until(SimTime(sc.duration.0));
    let down: Vec<u32> = (1..=3).filter(|&b| !sim.is_up(NodeId(b))).collect();
    assert!(down.is_empty(), "brokers down at the end: {down:?}");
}

const THREE: &str = r#"Scenario(name: "roles", seed: 3, duration: "20s",
  cluster: (brokers: 3, controller: ZooKeeper(session_timeout: "2s")),
  topics: [(name: "t", partitions: 2, replication_factor: 3, min_insync_replicas: 1)],
  producers: [(name: "p", topic: "t", rate: PerSecond(10))],
  consumers: [(name: "c", topic: "t", process_time: "1ms")],
"#;

#[test]
fn restart_crashed_undoes_the_latest_crash_still_down_brokers_and_clients_alike() {
    let src = format!(
        "{THREE}  faults: [
    (at: \"2s\", action: CrashBroker(2)), (at: \"3s\", action: CrashBroker(3)),
    (at: \"4s\", action: RestartCrashed), (at: \"5s\", action: RestartCrashed),
    (at: \"6s\", action: CrashClient(\"c\")), (at: \"7s\", action: RestartCrashed),
  ],
)"
    );
    let sc = Arc::new(parse(&src, "roles.ron").unwrap_or_else(|e| panic!("{e}")));
    let mut sim = Simulation::new(sc, 1, 0);
    let up = |sim: &Simulation, n: u32| sim.is_up(NodeId(n));
    sim.run_until(at(4.5));
    assert!(up(&sim, 3) && !up(&sim, 2), "the first RestartCrashed restarts the latest crash, broker-3");
    sim.run_until(at(5.5));
    assert!(up(&sim, 2), "the second one restarts broker-2");
    let c = sim.node_by_name("c").expect("consumer c");
    sim.run_until(at(6.5));
    assert!(!sim.is_up(c));
    sim.run_until(at(7.5));
    assert!(sim.is_up(c), "RestartCrashed restarts a crashed client too");
}

#[test]
fn a_restart_crashed_with_no_crash_before_it_is_an_error_at_its_line_and_column() {
    let src = format!(
        "{THREE}  faults: [\n    (at: \"9s\", action: CrashBroker(2)),\n    (at: \"5s\", action: RestartCrashed),\n  ],\n)"
    );
    let e = parse(&src, "early.ron").unwrap_err();
    assert_eq!((e.line, e.col), (8, 24), "{e}");
    assert!(e.msg.contains("RestartCrashed") && e.msg.contains("CrashController"), "{e}");
}

#[test]
fn placeholders_name_the_brokers_that_play_the_roles_when_the_caption_shows() {
    let src = format!(
        "{THREE}  faults: [(at: \"5s\", action: CrashController), (at: \"12s\", action: CrashLeader(topic: \"t\"))],
  narration: [
    (at: \"5s\", text: \"{{crashed}} was the controller; ISR {{1, 2, 3}} stays literal\"),
    (at: \"10s\", text: \"{{controller}} won; {{leader t-1}} leads t-1 with ISR {{isr t-1}}\"),
    (at: \"12s\", text: \"{{crashed}} crashed, {{controller}} survives\"),
  ],
)"
    );
    let sc = Arc::new(parse(&src, "roles.ron").unwrap_or_else(|e| panic!("{e}")));
    for seed in [1, 2, 3, 4] {
        let mut sim = Simulation::new(sc.clone(), seed, 0);
        sim.run_until(at(4.0));
        let first = sim.controller().expect("controller");
        assert_eq!(sim.told(0), None, "not told before its time");
        assert!(sim.caption(0).starts_with("the node that crashed was"), "{}", sim.caption(0));
        sim.run_until(at(10.0));
        let second = sim.controller().expect("a new controller by 10 s");
        let leader = sim.leader_of_name("t", 1).expect("a leader of t-1");
        sim.run_until(at(15.0));
        assert_eq!(
            sim.told(0),
            Some(format!("broker-{} was the controller; ISR {{1, 2, 3}} stays literal", first.0).as_str())
        );
        let told = sim.told(1).expect("told at 10 s");
        assert!(
            told.starts_with(&format!("broker-{} won; broker-{} leads t-1 with ISR {{", second.0, leader.0)),
            "seed {seed}: {told}"
        );
        let third = sim.told(2).expect("told at 12 s");
        assert!(third.ends_with(&format!("broker-{} survives", second.0)), "seed {seed}: {third}");
        assert!(!third.starts_with(&format!("broker-{} crashed", second.0)), "seed {seed}: the controller was spared");
        let r = run_scenario(sc.clone(), seed, None, None);
        assert_eq!(r.story[0].1, sim.told(0).expect("told"), "`brokerlab run` tells the same story");
    }
}

#[test]
fn an_unknown_placeholder_is_an_error_at_its_line_and_column() {
    let src = format!("{THREE}  narration: [\n    (at: \"1s\", text: \"The {{ctrl}} crashes\"),\n  ],\n)");
    let e = parse(&src, "bad.ron").unwrap_err();
    assert_eq!((e.file.as_str(), e.line, e.col), ("bad.ron", 7, 27), "{e}");
    assert!(e.msg.contains("unknown placeholder `{ctrl}`") && e.msg.contains("{controller}"), "{e}");
    let src = format!("{THREE}  narration: [(at: \"1s\", text: \"led by {{leader orders-0}}\")],\n)");
    let e = parse(&src, "bad.ron").unwrap_err();
    assert!(e.msg.contains("\"orders\" is not defined") && e.col > 1, "{e}");
    let src = format!("{THREE}  narration: [(at: \"1s\", text: \"led by {{leader t-2}}\")],\n)");
    assert!(parse(&src, "bad.ron").unwrap_err().msg.contains("no partition 2"));
}

fn has_role(text: &str) -> bool {
    let pieces = narration::pieces(text).expect("shipped captions parse");
    pieces.iter().any(|p| matches!(p, narration::Piece::Role(_)))
}

#[test]
fn shipped_captions_name_a_broker_for_every_role_on_several_seeds() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut checked = 0;
    for name in [
        "04_failover_acks_all.ron",
        "05_acks1_leader_crash.ron",
        "08_controller_failover.ron",
        "14_coordinator_failover.ron",
    ] {
        let sc = Arc::new(load_file(&dir.join(name)).unwrap());
        for seed in [sc.seed, 404, 505] {
            let mut sim = Simulation::new(sc.clone(), seed, 0);
            sim.run_until(SimTime(sc.duration.0));
            for (i, n) in sc.narration.iter().enumerate().filter(|(_, n)| has_role(&n.text)) {
                let told = sim.told(i).unwrap_or_else(|| panic!("{name} seed {seed}: caption at {} not told", n.at));
                assert!(!told.contains("no broker") && !told.contains("nothing"), "{name} seed {seed}: {told}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} captions with placeholders");
}

#[test]
fn a_session_with_role_inputs_saves_and_replays_to_the_same_digest() {
    let sc = shipped("04_failover_acks_all.ron");
    let mut sim = Simulation::new(sc.clone(), 77, 100);
    sim.run_until(at(3.0));
    sim.try_inject(Action::CrashLeader { topic: "orders".into(), partition: None }).expect("valid");
    sim.run_until(at(9.0));
    sim.try_inject(Action::RestartCrashed).expect("valid");
    sim.run_until(SimTime(sc.duration.0));
    let live = sim.trace.digest();
    let saved = to_ron(&sim.session_scenario());
    let replay = Arc::new(parse(&saved, "session.ron").unwrap_or_else(|e| panic!("{e}\n{saved}")));
    assert!(replay.faults.iter().any(|f| f.action == Action::RestartCrashed), "{saved}");
    assert!(replay.faults.iter().any(|f| f.action == Action::CrashLeader { topic: "orders".into(), partition: None }));
    assert_eq!(run_scenario(replay.clone(), replay.seed, None, None).digest, live);
}
