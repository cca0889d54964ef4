//! Consumer groups end to end: who coordinates, what a crash, a pause, a static restart
//! and a coordinator failover do, eager vs cooperative revocation, commit policies and
//! their duplicates or losses, dead-letter headers, and saving a session that added a
//! member.

use brokerlab::kafka::Meta;
use brokerlab::runner::run_scenario;
use brokerlab::scenario::{Action, parse, to_ron};
use brokerlab::sim::{Dur, SimTime};
use brokerlab::trace::{GroupEvent, Record, RecordKind};
use brokerlab::world::Simulation;
use std::sync::Arc;

/// A one-topic, one-group scenario; `group` is spliced into the group, `faults` and
/// `expect` into the scenario.
fn scenario(group: &str, faults: &str) -> String {
    format!(
        r#"Scenario(
  name: "test", seed: 7, duration: "60s",
  cluster: (brokers: 3, controller: ZooKeeper(session_timeout: "6s"), offsets_topic_partitions: 10),
  topics: [(name: "t", partitions: 4, replication_factor: 3, min_insync_replicas: 2)],
  producers: [(name: "p", topic: "t", rate: PerSecond(40), key: Distinct(prefix: "k", count: 40))],
  consumer_groups: [(name: "g", topics: ["t"], auto_offset_reset: Earliest, session_timeout: "10s", {group})],
  faults: [{faults}],
)"#
    )
}

fn run(src: &str) -> (Simulation, Vec<Record>) {
    let sc = Arc::new(parse(src, "test.ron").unwrap_or_else(|e| panic!("{e}")));
    let mut sim = Simulation::new(sc.clone(), sc.seed, 10);
    sim.trace.capture_all();
    sim.run_until(SimTime(sc.duration.0));
    let records = sim.trace.drain();
    (sim, records)
}

fn group_events(records: &[Record]) -> Vec<(u64, GroupEvent)> {
    records
        .iter()
        .filter_map(|r| match &r.kind {
            RecordKind::Group(g) => Some((r.t_us, g.clone())),
            _ => None,
        })
        .collect()
}

fn stats(sim: &Simulation) -> &brokerlab::check::stats::GroupStats {
    sim.stats.groups.values().next().expect("one group")
}

#[test]
fn the_coordinator_is_the_leader_of_the_groups_offsets_partition() {
    let (sim, _) = run(&scenario(r#"members: [(name: "a", process_time: "1ms")]"#, ""));
    let tp = sim.cluster().offsets_partition_for(brokerlab::trace::GroupRef(0)).unwrap();
    // abs("g".hashCode()) % 10 = 103 % 10.
    assert_eq!(tp.partition, 3);
    let leader = sim.leader_of(tp).unwrap();
    for b in sim.brokers() {
        assert_eq!(
            b.coordinator.groups.contains_key(&brokerlab::trace::GroupRef(0)),
            b.id == leader,
            "broker-{}",
            b.id.0
        );
    }
}

#[test]
fn a_crashed_member_is_removed_after_the_session_timeout_and_its_partitions_move() {
    let src = scenario(
        r#"members: [(name: "a", process_time: "1ms"), (name: "b", process_time: "1ms")]"#,
        r#"(at: "20s", action: CrashClient("a"))"#,
    );
    let (sim, records) = run(&src);
    let ev = group_events(&records);
    let removed = ev.iter().find(|(_, e)| matches!(e, GroupEvent::MemberRemoved { .. })).expect("a removed");
    // The session runs from the last heartbeat (every 3 s) before the crash.
    let after = removed.0 - 20_000_000;
    assert!((7_000_000..=10_100_000).contains(&after), "removed {after} µs after the crash, not 7-10 s");
    let b = sim.node_by_name("b").unwrap();
    assert_eq!(sim.consumer_at(b).unwrap().cursors.len(), 4, "b owns every partition");
    assert!(stats(&sim).duplicates > 0, "auto-commit every 5 s: b re-processes what a had not committed");
    assert_eq!(stats(&sim).lost(), 0);
}

#[test]
fn commit_before_processing_loses_what_the_crashed_member_had_in_hand() {
    let src = scenario(
        r#"commit: BeforeProcess, max_poll_records: 50,
           members: [(name: "a", process_time: "40ms"), (name: "b", process_time: "1ms", start: "1s")]"#,
        r#"(at: "20s", action: CrashClient("a"))"#,
    );
    let (sim, _) = run(&src);
    assert!(stats(&sim).lost() > 0, "at-most-once: committed but never processed");
}

#[test]
fn sync_commit_after_processing_has_no_loss() {
    let src = scenario(
        r#"commit: Sync, members: [(name: "a", process_time: "5ms"), (name: "b", process_time: "5ms")]"#,
        r#"(at: "20s", action: CrashClient("a"))"#,
    );
    let (sim, _) = run(&src);
    assert_eq!(stats(&sim).lost(), 0);
}

#[test]
fn a_member_that_stops_polling_leaves_after_max_poll_interval() {
    let src = scenario(
        r#"max_poll_interval: "8s", members: [(name: "a", process_time: "5ms"), (name: "b", process_time: "5ms")]"#,
        r#"(at: "20s", action: PauseConsumer("a")), (at: "40s", action: ResumeConsumer("a"))"#,
    );
    let (sim, records) = run(&src);
    let ev = group_events(&records);
    let t = ev.iter().find(|(_, e)| matches!(e, GroupEvent::PollTimeout { .. })).expect("a poll timeout").0;
    assert!((27_000_000..=29_000_000).contains(&t), "poll timeout at {t} µs, expected ~28 s");
    assert!(
        ev.iter()
            .any(|(_, e)| matches!(e, GroupEvent::MemberRemoved { reason: brokerlab::trace::LeaveReason::Left, .. }))
    );
    assert!(stats(&sim).rebalances >= 3, "leave, then rejoin after resuming");
}

#[test]
fn a_static_member_restarting_within_the_session_timeout_causes_no_rebalance() {
    let src = scenario(
        r#"members: [(name: "a", process_time: "1ms", instance_id: "a-host"), (name: "b", process_time: "1ms", instance_id: "b-host")]"#,
        r#"(at: "20s", action: CrashClient("a")), (at: "24s", action: RestartClient("a"))"#,
    );
    let (sim, _) = run(&src);
    assert_eq!(stats(&sim).rebalances, 1, "only the initial rebalance (KIP-345)");
    let a = sim.node_by_name("a").unwrap();
    assert_eq!(sim.consumer_at(a).unwrap().cursors.len(), 2, "a has its partitions back");
}

#[test]
fn eager_revokes_everything_cooperative_only_what_moves() {
    for (assignor, most_revoked) in [("Sticky", 2usize), ("CooperativeSticky", 1)] {
        let src = scenario(
            &format!(
                r#"assignor: {assignor}, members: [(name: "a", process_time: "1ms"), (name: "b", process_time: "1ms")]"#
            ),
            r#"(at: "20s", action: AddConsumer(group: "g", name: "c"))"#,
        );
        let (_, records) = run(&src);
        let revoked: Vec<usize> = group_events(&records)
            .into_iter()
            .filter_map(|(_, e)| match e {
                GroupEvent::Revoke { partitions, .. } => Some(partitions.len()),
                _ => None,
            })
            .collect();
        assert_eq!(revoked.iter().copied().max(), Some(most_revoked), "{assignor}: revocations {revoked:?}");
    }
}

#[test]
fn committed_offsets_survive_a_coordinator_failover() {
    // "g" lives in __consumer_offsets-3, led by broker-1 (3 % 3 + 1).
    let src = scenario(
        r#"commit: Auto(interval: "1s"), members: [(name: "a", process_time: "1ms")]"#,
        r#"(at: "20s", action: CrashBroker(1))"#,
    );
    let (sim, records) = run(&src);
    let moved = group_events(&records)
        .into_iter()
        .find_map(|(t, e)| match e {
            GroupEvent::Coordinator { broker, offsets, .. } if t > 20_000_000 => Some((broker, offsets)),
            _ => None,
        })
        .expect("a new coordinator");
    assert_ne!(moved.0, 1);
    assert_eq!(moved.1, 4, "it loaded the committed offsets of all four partitions");
    assert_eq!(stats(&sim).lost(), 0);
}

#[test]
fn a_dead_letter_carries_its_origin_and_attempts() {
    let src = scenario(
        r#"members: [(name: "a", process_time: "1ms")], failures: (poison_keys: ["k3"]),
           on_failure: Retry(max_attempts: 3, backoff: "10ms", dead_letter: "t.dlq")"#,
        "",
    );
    let (sim, _) = run(&src);
    let dlq = sim.topic_id("t.dlq").unwrap();
    let mut n = 0;
    for b in sim.brokers() {
        for (tp, r) in &b.rm.replicas {
            if tp.topic != dlq || !r.is_leader() {
                continue;
            }
            for (_, e) in r.log.iter() {
                let Meta::Origin { tp: from, attempts, fixed, .. } = e.meta else { panic!("no origin header") };
                assert_eq!((from.topic, attempts, fixed), (sim.topic_id("t").unwrap(), 3, false));
                assert_eq!(from.partition, tp.partition, "same partition number as the original");
                n += 1;
            }
        }
    }
    assert!(n > 10, "{n} dead letters");
    assert_eq!(sim.stats.dead_lettered.values().sum::<u64>(), n);
}

#[test]
fn a_session_that_added_a_member_replays_to_the_same_digest() {
    let src = scenario(r#"members: [(name: "a", process_time: "20ms")]"#, "");
    let sc = Arc::new(parse(&src, "t.ron").unwrap());
    let mut sim = Simulation::new(sc.clone(), 99, 10);
    sim.run_until(SimTime(10_000_000));
    let name = sim.next_member_name("g");
    sim.inject(Action::AddConsumer { group: "g".into(), name: Some(name), process_time: None });
    sim.run_until(SimTime(30_000_000));
    sim.inject(Action::PauseConsumer("g-1".into()));
    sim.run_until(SimTime(sc.duration.0));
    let saved = to_ron(&sim.session_scenario());
    let replay = Arc::new(parse(&saved, "s.ron").unwrap_or_else(|e| panic!("{e}\n{saved}")));
    assert_eq!(run_scenario(replay.clone(), replay.seed, None, None).digest, sim.trace.digest());
    let _ = Dur::ZERO;
}

/// A member whose partition leader crashed learns the new leader from metadata, but asks no
/// more often than retry.backoff.ms allows (K Metadata.timeToAllowUpdate): before the fix it
/// asked again the moment each refused fetch came back, hundreds of times a second.
#[test]
fn members_back_off_metadata_refreshes_while_a_leader_is_down() {
    let sc = scenario(
        r#"members: [(name: "m1", process_time: "1ms"), (name: "m2", process_time: "1ms")]"#,
        r#"(at: "10s", action: CrashBroker(1))"#,
    );
    let sc = Arc::new(parse(&sc, "test.ron").unwrap_or_else(|e| panic!("{e}")));
    let mut sim = Simulation::new(sc.clone(), sc.seed, 0);
    sim.run_until(SimTime(Dur::secs(10).0));
    let consumers: Vec<_> = sim.consumers().map(|(id, _)| id).collect();
    let mut asked = std::collections::BTreeSet::new();
    while sim.now() < SimTime(Dur::secs(16).0) && sim.step() {
        for m in sim.in_flight() {
            if let brokerlab::world::Msg::Kafka(brokerlab::kafka::Msg::Client(
                brokerlab::kafka::ClientMsg::MetadataReq { req },
            )) = m.msg
                && consumers.contains(&m.from)
            {
                asked.insert((m.from, *req));
            }
        }
    }
    // Six seconds until ZooKeeper expires broker-1's session: at most one request per
    // 100 ms and member, and the members did ask (their leader went away).
    assert!(asked.len() >= 4, "the members asked for metadata: {}", asked.len());
    assert!(asked.len() <= 2 * 62, "{} metadata requests from 2 members in 6 s", asked.len());
}
