//! Places where the engine used to disagree with real Kafka and RabbitMQ (issue 12),
//! each run as a small scenario whose expectations hold only with the real rule.

use brokerlab::runner::{RunReport, run_scenario};
use brokerlab::scenario::parse;
use std::sync::Arc;

fn run(src: &str) -> RunReport {
    let sc = Arc::new(parse(src, "case.ron").unwrap_or_else(|e| panic!("{e}")));
    run_scenario(sc.clone(), sc.seed, None, None)
}

fn assert_passed(r: &RunReport) {
    let failed: Vec<String> = r
        .outcomes
        .iter()
        .filter(|o| !o.passed)
        .map(|o| format!("expected {}; observed {}", o.what, o.observed))
        .collect();
    assert!(failed.is_empty(), "{}\n{}", failed.join("\n"), r.summary);
}

/// A queue with TTL 0 (per queue, or per message) and one consumer taking `process` per
/// message; 10 messages a second for 10 s.
fn ttl_zero(queue_ttl: &str, expiration: &str, process: &str, expect: &str) -> String {
    format!(
        r#"Scenario(name: "ttl0", seed: 3, duration: "15s", cluster: (brokers: 0),
  rabbitmq: (exchanges: [(name: "dlx", kind: Fanout)],
    queues: [(name: "q", {queue_ttl} dead_letter_exchange: "dlx"), (name: "late")],
    bindings: [(exchange: "dlx", queue: "late")]),
  publishers: [(name: "p", exchange: "", routing_keys: ["q"], rate: PerSecond(10), start: "1s", stop: "10999ms"{expiration})],
  amqp_consumers: [(name: "worker", queue: "q", prefetch: 1, process_time: "{process}")],
  expect: [{expect}])"#
    )
}

#[test]
fn ttl_zero_delivers_to_idle_consumer() {
    let all = r#"Consumed(consumer: "worker", min: 100, max: 100), DeadLettered(queue: "q", reason: Expired, max: 0)"#;
    assert_passed(&run(&ttl_zero("message_ttl: \"0s\",", "", "20ms", all)));
    assert_passed(&run(&ttl_zero("", ", expiration: \"0s\"", "20ms", all)));
}

#[test]
fn ttl_zero_expires_when_the_consumer_has_no_room() {
    // Busy 250 ms per message: about one in three arrivals finds it idle.
    let some = r#"Consumed(consumer: "worker", min: 25, max: 40), DeadLettered(queue: "q", reason: Expired, min: 60, max: 75),
      Consumed(min: 100, max: 100)"#;
    let src = ttl_zero("message_ttl: \"0s\",", "", "250ms", some).replace(
        "amqp_consumers: [",
        "amqp_consumers: [(name: \"sink\", queue: \"late\", prefetch: 0, process_time: \"1ms\"), ",
    );
    assert_passed(&run(&src));
}

/// A group of two members committing after each batch (`Sync`/`Async`); a third member
/// joins at 10 s, so both learn of a rebalance while processing.
fn scale_out(commit: &str) -> String {
    format!(
        r#"Scenario(name: "commit before rejoin", seed: 5, duration: "20s",
  cluster: (brokers: 3, offsets_topic_partitions: 4),
  topics: [(name: "t", partitions: 3, replication_factor: 3, min_insync_replicas: 2)],
  producers: [(name: "p", topic: "t", rate: PerSecond(200))],
  consumer_groups: [(name: "g", topics: ["t"], auto_offset_reset: Earliest, commit: {commit},
    members: [(name: "a", process_time: "8ms"), (name: "b", process_time: "8ms")])],
  faults: [(at: "10s", action: AddConsumer(group: "g", name: "c"))],
  expect: [Rebalances(group: "g", min: 2), Duplicates(group: "g", max: 0), Lost(group: "g", max: 0)])"#
    )
}

#[test]
fn commit_after_processing_is_sent_while_a_rebalance_is_pending() {
    assert_passed(&run(&scale_out("Sync")));
    assert_passed(&run(&scale_out("Async")));
}

#[test]
fn idempotent_producer_retries_out_of_order_sequence() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/07_unclean_election.ron");
    let sc = Arc::new(brokerlab::scenario::load_file(std::path::Path::new(path)).expect("shipped"));
    let (mut oos, mut failed) = (0, 0);
    let mut sink = |recs: &[brokerlab::trace::Record], _: &brokerlab::trace::Names| {
        for r in recs {
            if let brokerlab::trace::RecordKind::ProduceError { error, retrying, .. } = r.kind {
                oos += u32::from(error == brokerlab::trace::ErrorCode::OutOfOrderSequence);
                failed += u32::from(error == brokerlab::trace::ErrorCode::OutOfOrderSequence && !retrying);
            }
        }
    };
    run_scenario(sc.clone(), sc.seed, None, Some(&mut sink));
    assert!(oos > 0, "the unclean election must cause a sequence gap");
    assert_eq!(failed, 0, "{oos} out-of-order errors, {failed} not retried");
}

#[test]
fn records_an_at_most_once_member_still_processes_at_the_end_are_in_flight_not_lost() {
    let src = r#"Scenario(name: "in hand at the end", seed: 2, duration: "10s",
  topics: [(name: "t", partitions: 1, replication_factor: 1)],
  producers: [(name: "p", topic: "t", rate: PerSecond(100))],
  consumer_groups: [(name: "g", topics: ["t"], auto_offset_reset: Earliest, commit: BeforeProcess,
    max_poll_records: 50, members: [(name: "a", process_time: "40ms")])],
  expect: [Lost(group: "g", max: 0)])"#;
    let r = run(src);
    assert_passed(&r);
    let line = r.summary.lines().find(|l| l.contains("group g:")).expect("a group line");
    assert!(line.contains("lost 0, in flight "), "{line}");
    assert!(!line.contains("in flight 0,"), "the member holds part of its batch at the end: {line}");
}
