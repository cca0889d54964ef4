//! A RabbitMQ node restart as RabbitMQ does it: a durable queue comes back with its
//! persistent messages; a non-durable queue (RabbitMQ's default) is deleted, not emptied,
//! and its bindings with it, so what was routed to it is unroutable afterwards: handed to
//! the exchange's alternate if it has one, returned to a `mandatory` publisher, else dropped.

use brokerlab::scenario::parse;
use brokerlab::sim::SimTime;
use brokerlab::trace::{AmqpEvent, Record, RecordKind};
use brokerlab::world::Simulation;
use std::sync::Arc;

const RESTART: &str = r#"Scenario(
  name: "a restart deletes the non-durable queue",
  duration: "10s",
  cluster: (brokers: 0),
  rabbitmq: (
    exchanges: [(name: "x", kind: Direct, alternate: "alt"), (name: "alt", kind: Fanout)],
    queues: [(name: "kept", durable: true), (name: "gone", durable: false), (name: "spare", durable: true)],
    bindings: [(exchange: "x", queue: "gone", key: "k"), (exchange: "alt", queue: "spare")],
  ),
  publishers: [
    (name: "via-x", exchange: "x", routing_keys: ["k"], rate: PerSecond(10)),
    (name: "direct", exchange: "", routing_keys: ["gone"], rate: PerSecond(10), mandatory: true),
    (name: "keeper", exchange: "", routing_keys: ["kept"], rate: PerSecond(10), persistent: true),
  ],
  faults: [(at: "3s", action: CrashRabbit), (at: "4s", action: RestartRabbit)],
)"#;

/// Runs the scenario for 10 s; the simulation and every record.
fn run() -> (Simulation, Vec<Record>) {
    let sc = Arc::new(parse(RESTART, "restart.ron").expect("valid"));
    let mut sim = Simulation::new(sc, 1, 0);
    sim.trace.capture_all();
    sim.run_until(SimTime(10_000_000));
    sim.check_end();
    assert_eq!(sim.violation, None);
    let records = sim.trace.drain();
    (sim, records)
}

/// Route records of `publisher` after the restart: (queues routed to, via the alternate).
fn routes_after_restart(sim: &Simulation, records: &[Record], publisher: &str) -> Vec<(Vec<String>, bool)> {
    let n = sim.names();
    records
        .iter()
        .filter(|r| r.t_us > 4_000_000)
        .filter_map(|r| match &r.kind {
            RecordKind::Amqp(AmqpEvent::Route { publisher: p, queues, alternate, .. }) if n.node(p.0) == publisher => {
                Some((queues.iter().map(|q| n.queue(*q).to_string()).collect(), *alternate))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn non_durable_queue_is_deleted_by_a_broker_restart() {
    let (sim, records) = run();
    let n = sim.names();
    let losses: Vec<(String, u32, bool)> = records
        .iter()
        .filter_map(|r| match &r.kind {
            RecordKind::Amqp(AmqpEvent::Lost { queue, count, deleted }) => {
                Some((n.queue(*queue).to_string(), *count, *deleted))
            }
            _ => None,
        })
        .collect();
    assert_eq!(losses.len(), 1, "only the non-durable queue loses anything: {losses:?}");
    let (queue, count, deleted) = &losses[0];
    assert_eq!((queue.as_str(), *deleted), ("gone", true));
    assert!(*count >= 50, "3 s of two publishers at 10/s each, nobody consuming: {count}");
    let (_, rabbit) = sim.rabbit().expect("a RabbitMQ node");
    assert!(!rabbit.queues.contains_key("gone"), "deleted, not emptied");
    let kept = rabbit.queues.get("kept").expect("a durable queue survives");
    assert!(kept.depth() >= 90, "its persistent messages too, before and after: {}", kept.depth());
}

#[test]
fn publishes_to_a_deleted_queue_are_unroutable() {
    let (sim, records) = run();
    // Its binding went with it: the exchange hands the message to its alternate exchange.
    let via_x = routes_after_restart(&sim, &records, "via-x");
    assert!(!via_x.is_empty());
    assert!(via_x.iter().all(|(qs, alt)| qs == &["spare".to_string()] && *alt), "{via_x:?}");
    // The default exchange routes by queue name: no such queue, so a mandatory message
    // comes back.
    let direct = routes_after_restart(&sim, &records, "direct");
    assert!(!direct.is_empty());
    assert!(direct.iter().all(|(qs, _)| qs.is_empty()), "{direct:?}");
    let returned =
        records.iter().filter(|r| r.t_us > 4_000_000 && matches!(r.kind, RecordKind::Amqp(AmqpEvent::Return { .. })));
    assert_eq!(returned.count(), direct.len(), "every one of them returned (basic.return)");
}
