//! The safety invariants catch what they are named for, and stay quiet on the documented
//! exceptions: rewinds after a new assignment, in-place retries, dead-letter loops through
//! a client rejection, losses the configuration allows.

use brokerlab::amqp::DeathReason;
use brokerlab::check::invariants::Invariants;
use brokerlab::check::stats::Handled;
use brokerlab::runner::run_scenario;
use brokerlab::scenario::parse;
use brokerlab::sim::NodeId;
use brokerlab::trace::{AmqpEvent, GroupEvent, GroupRef, MsgId, Names, QueueRef, RecordKind, TopicId, Tp};
use brokerlab::world::Simulation;
use std::sync::Arc;

fn names() -> Names {
    Names {
        nodes: vec!["p".into(), "c1".into(), "c2".into()],
        topics: vec!["t".into()],
        producers: vec![0],
        groups: vec!["g".into()],
        queues: vec!["a".into(), "b".into(), "dlq".into()],
        ..Names::default()
    }
}

const TP: Tp = Tp { topic: TopicId(0), partition: 0 };
const C1: NodeId = NodeId(1);

fn deliver(offset: u64) -> RecordKind {
    RecordKind::Deliver { consumer: C1, tp: TP, offset, value: MsgId::new(0, offset as u32) }
}

fn feed(records: &[RecordKind]) -> Result<(), String> {
    let (n, mut inv) = (names(), Invariants::default());
    for (i, r) in records.iter().enumerate() {
        inv.record(&n, None, i as u64, r).map_err(|v| v.invariant.to_string())?;
    }
    Ok(())
}

#[test]
fn a_delivered_offset_going_back_without_a_rewind_is_caught() {
    assert_eq!(feed(&[deliver(5), deliver(6), deliver(4)]), Err("delivered_offsets_increase".into()));
    assert_eq!(feed(&[deliver(5), deliver(5)]), Err("delivered_offsets_increase".into()));
}

#[test]
fn rewinds_after_an_assignment_a_restart_or_a_reset_and_in_place_retries_are_allowed() {
    let assign = RecordKind::Group(GroupEvent::Assignment {
        group: GroupRef(0),
        generation: 2,
        consumer: C1,
        partitions: vec![TP],
    });
    let fail = RecordKind::ProcessFail { consumer: C1, tp: TP, offset: 6, value: MsgId::new(0, 6), attempt: 1 };
    let restart = RecordKind::ClientState { node: C1, up: true };
    let reset = RecordKind::OffsetReset { consumer: C1, tp: TP, from: 9, to: 3 };
    let ok = [deliver(5), deliver(6), fail, deliver(6), assign, deliver(2), deliver(3), restart, deliver(1)];
    assert_eq!(feed(&ok), Ok(()));
    assert_eq!(feed(&[deliver(9), reset, deliver(3)]), Ok(()));
    // Another consumer's position is its own.
    let other = RecordKind::Deliver { consumer: NodeId(2), tp: TP, offset: 1, value: MsgId::new(0, 1) };
    assert_eq!(feed(&[deliver(5), other]), Ok(()));
}

fn dead_letter(from: u16, reason: DeathReason, to: &[u16]) -> RecordKind {
    RecordKind::Amqp(AmqpEvent::DeadLetter {
        queue: QueueRef(from),
        value: MsgId::new(0, 1),
        reason,
        exchange: Some("dlx".into()),
        to: to.iter().map(|&q| QueueRef(q)).collect(),
    })
}

#[test]
fn a_dead_letter_loop_without_a_rejection_is_caught() {
    let looped = [dead_letter(0, DeathReason::Expired, &[1]), dead_letter(1, DeathReason::Expired, &[0])];
    assert_eq!(feed(&looped), Err("no_dead_letter_cycles".into()));
    let maxlen = [dead_letter(0, DeathReason::Maxlen, &[0])];
    assert_eq!(feed(&maxlen), Err("no_dead_letter_cycles".into()));
}

#[test]
fn a_dead_letter_loop_through_a_client_rejection_is_allowed() {
    let through_reject = [
        dead_letter(0, DeathReason::Expired, &[1]),
        dead_letter(1, DeathReason::Rejected, &[0]),
        dead_letter(0, DeathReason::Expired, &[1]),
    ];
    assert_eq!(feed(&through_reject), Ok(()));
    // A chain that never returns is no loop.
    assert_eq!(feed(&[dead_letter(0, DeathReason::Expired, &[1]), dead_letter(1, DeathReason::Expired, &[2])]), Ok(()));
}

const RABBIT_RESTART: &str = r#"Scenario(
  name: "transient messages lost in a restart",
  duration: "20s",
  cluster: (brokers: 0),
  rabbitmq: (queues: [(name: "q", durable: false)]),
  publishers: [(name: "pub", exchange: "", routing_keys: ["q"], rate: PerSecond(50))],
  faults: [(at: "5s", action: CrashRabbit), (at: "6s", action: RestartRabbit)],
)"#;

#[test]
fn a_queue_restart_accounts_for_what_it_lost() {
    let sc = Arc::new(parse(RABBIT_RESTART, "restart.ron").expect("valid"));
    let mut sim = Simulation::new(sc, 1, 0);
    sim.trace.capture_all();
    sim.run_until(brokerlab::sim::SimTime(20_000_000));
    sim.check_end();
    assert_eq!(sim.violation, None);
    let lost = sim
        .trace
        .drain()
        .iter()
        .any(|r| matches!(r.kind, RecordKind::Amqp(AmqpEvent::Lost { count, .. }) if count > 200));
    assert!(lost, "the restart of a non-durable queue with no consumer loses its ~250 messages");
}

#[test]
fn a_group_committing_past_a_record_it_never_handled_breaks_conservation() {
    let text = std::fs::read_to_string("scenarios/11_group_consumer_crash.ron").expect("scenario");
    let sc = Arc::new(parse(&text, "11.ron").expect("valid"));
    let mut sim = Simulation::new(sc.clone(), sc.seed, 0);
    sim.run_until(brokerlab::sim::SimTime(sc.duration.0));
    let mut clean = sim.clone();
    clean.check_end();
    assert_eq!(clean.violation, None);
    // Forget what the group handled on one partition it committed: offsets below the
    // commit are now unaccounted for.
    let g = sim.stats.groups.get_mut(&GroupRef(0)).expect("group");
    let (&tp, _) = g.committed.iter().find(|(_, c)| **c > 0).expect("a commit");
    let mut forgotten = Handled::default();
    forgotten.first = Some(0);
    g.handled.insert(tp, forgotten);
    sim.check_end();
    assert_eq!(sim.violation.map(|v| v.invariant), Some("messages_conserved"));
}

#[test]
fn losses_the_configuration_allows_are_not_violations() {
    // Unclean election on and min ISR 1: the loss is the lesson, not a bug.
    let text = std::fs::read_to_string("scenarios/jepsen/unclean_election_loss.ron").expect("scenario");
    let sc = Arc::new(parse(&text, "u.ron").expect("valid"));
    let r = run_scenario(sc.clone(), sc.seed, None, None);
    assert!(r.passed(), "{:?}", r.outcomes);
    assert!(!r.outcomes.iter().any(|o| o.what.starts_with("invariant")));
}
