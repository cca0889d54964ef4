//! Retention as Kafka does it (K UnifiedLog.deleteOldSegments), driven through the real
//! replica code: the log is cut into segments at segment.bytes; every retention check each
//! replica deletes whole segments, oldest first, only below its high watermark, by size
//! (retention.bytes, never the active segment) and by time (retention.ms, judged on a
//! segment's newest record). A consumer whose position was deleted resets.

use brokerlab::kafka::{Acks, FetchReq, PartitionState, ProduceReq, ProducedRecord};
use brokerlab::kafka::{ClusterCfg, LogCfg, TopicCfg};
use brokerlab::kafka::{Fx, Here, Meta, Partition, ReplicaManager};
use brokerlab::runner::run_scenario;
use brokerlab::scenario::parse;
use brokerlab::sim::{Dur, NodeId, SimTime};
use brokerlab::trace::{BrokerId, MsgId, RecordKind, TopicId, Tp};
use std::sync::Arc;

const TP: Tp = Tp { topic: TopicId(0), partition: 0 };
const SEC: u64 = 1_000_000;

fn cfg(log: LogCfg) -> ClusterCfg {
    ClusterCfg {
        brokers: 2,
        topics: vec![TopicCfg {
            name: "t".into(),
            id: TopicId(0),
            partitions: 1,
            replication_factor: 2,
            min_insync_replicas: 1,
            log,
            unclean_leader_election: false,
        }],
        zk_session_timeout: Dur::secs(6),
        replica_lag_time_max: Dur::secs(30),
        replica_fetch_wait_max: Dur::ms(500),
        replica_fetch_backoff: Dur::secs(1),
        replica_socket_timeout: Dur::secs(30),
        replica_fetch_max_records: 1000,
        flush_every_messages: None,
        flush_interval: Dur::secs(5),
        retention_check_interval: Dur::secs(1),
        groups: Vec::new(),
        offsets_topic: None,
        group_initial_rebalance_delay: Dur::secs(3),
    }
}

fn here(c: &ClusterCfg, t: u64) -> Here<'_> {
    Here { now: SimTime(t), me: BrokerId(1), controller: Some(BrokerId(1)), cfg: c, live: 0b110 }
}

/// Broker 1 leads TP with the given ISR (broker 2 is the other replica).
fn leader(isr: &[u32]) -> ReplicaManager {
    let state = PartitionState {
        leader: Some(BrokerId(1)),
        leader_epoch: 0,
        isr: isr.iter().map(|&b| BrokerId(b)).collect(),
        replicas: vec![BrokerId(1), BrokerId(2)],
        partition_epoch: 0,
    };
    let mut r = Partition::new(TP, state.clone());
    r.become_leader(SimTime(0), state, BrokerId(1), &mut Fx::default());
    let mut rm = ReplicaManager::default();
    rm.replicas.insert(TP, r);
    rm
}

/// `n` records of 100 bytes appended at time `t`.
fn produce(rm: &mut ReplicaManager, c: &ClusterCfg, t: u64, n: u32) {
    let records = (0..n)
        .map(|i| ProducedRecord { value: MsgId::new(0, i), key: None, poison: false, bytes: 100, meta: Meta::None })
        .collect();
    let req = ProduceReq { req: 1, tp: TP, acks: Acks::One, records, idempotence: None, timeout_us: 30 * SEC };
    let p = rm.replicas.get_mut(&TP).expect("replica");
    p.produce(&here(c, t), NodeId(9), &req, &mut 0, &mut Fx::default());
}

/// Broker 2 fetches from `offset`: the leader learns its LEO and moves the HW.
fn follower_at(rm: &mut ReplicaManager, c: &ClusterCfg, t: u64, offset: u64) {
    let req = FetchReq {
        req: 7,
        replica: Some(BrokerId(2)),
        tp: TP,
        offset,
        last_fetched_epoch: Some(0),
        leader_epoch: Some(0),
        max_records: 1000,
        max_wait_us: 0,
    };
    let p = rm.replicas.get_mut(&TP).expect("replica");
    p.fetch(&here(c, t), NodeId(2), &req, &mut Fx::default());
}

/// Runs the retention check at `t`; returns the log start offsets the trace recorded.
fn check(rm: &mut ReplicaManager, c: &ClusterCfg, t: u64) -> Vec<u64> {
    let mut fx = Fx::default();
    rm.enforce_retention(&here(c, t), &mut fx);
    fx.records
        .iter()
        .filter_map(
            |k| if let RecordKind::Retention { log_start_offset, .. } = k { Some(*log_start_offset) } else { None },
        )
        .collect()
}

fn bounds(rm: &ReplicaManager) -> (u64, u64, u64) {
    let p = &rm.replicas[&TP];
    (p.log.start_offset(), p.hw, p.log.end_offset())
}

#[test]
fn retention_bytes_deletes_whole_segments_below_the_high_watermark() {
    // Segments of ten 100-byte records; 45 records: four full segments and the active one.
    let c = cfg(LogCfg { retention_bytes: Some(2500), segment_bytes: 1000, ..LogCfg::default() });
    let mut rm = leader(&[1, 2]);
    produce(&mut rm, &c, SEC, 45);
    let bases: Vec<u64> = rm.replicas[&TP].log.segments().iter().map(|s| s.base).collect();
    assert_eq!(bases, [0, 10, 20, 30, 40]);
    follower_at(&mut rm, &c, 2 * SEC, 15);
    assert_eq!(bounds(&rm), (0, 15, 45));
    // 4500 bytes, 2000 over the limit: two segments could go, but [10, 20) reaches above the HW.
    assert_eq!(check(&mut rm, &c, 3 * SEC), [10], "the pass stops at the first segment above the HW");
    follower_at(&mut rm, &c, 4 * SEC, 45);
    assert_eq!(check(&mut rm, &c, 5 * SEC), [20]);
    assert_eq!(rm.replicas[&TP].log.segments().bytes(), 2500);
    assert_eq!(check(&mut rm, &c, 6 * SEC), Vec::<u64>::new(), "at the limit: nothing more goes");
}

#[test]
fn active_segment_is_never_deleted_by_size() {
    let c = cfg(LogCfg { retention_bytes: Some(100), segment_bytes: 10_000, ..LogCfg::default() });
    let mut rm = leader(&[1]);
    produce(&mut rm, &c, SEC, 50);
    assert_eq!(bounds(&rm), (0, 50, 50), "alone in the ISR: the HW is the log end");
    assert!(check(&mut rm, &c, 2 * SEC).is_empty(), "5000 bytes over a 100-byte limit, all in the active segment");
    produce(&mut rm, &c, 3 * SEC, 60);
    assert_eq!(check(&mut rm, &c, 4 * SEC), [100], "the rolled segment goes, the active one stays");
    assert_eq!(bounds(&rm), (100, 110, 110));
}

#[test]
fn retention_ms_deletes_segments_whose_newest_record_is_older() {
    let c = cfg(LogCfg { retention_ms: Some(Dur::secs(10)), segment_bytes: 1000, ..LogCfg::default() });
    let mut rm = leader(&[1]);
    produce(&mut rm, &c, SEC, 10); // segment [0, 10), all at 1s
    produce(&mut rm, &c, 5 * SEC, 5); // segment [10, 20) starts at 5s …
    produce(&mut rm, &c, 20 * SEC, 5); // … and ends at 20s
    assert_eq!(check(&mut rm, &c, 25 * SEC), [10], "its first record is 20s old, its newest only 5s: it stays");
    assert!(check(&mut rm, &c, 30 * SEC).is_empty(), "10s old is not older than retention.ms");
    assert_eq!(check(&mut rm, &c, 31 * SEC), [20], "by time even the active segment goes once read");
    assert_eq!(bounds(&rm), (20, 20, 20));
}

#[test]
fn segment_ms_rolls_the_active_segment_once_its_first_record_is_that_old() {
    let c = cfg(LogCfg { segment_ms: Dur::secs(10), ..LogCfg::default() });
    let mut rm = leader(&[1]);
    for t in 0..25 {
        produce(&mut rm, &c, t * SEC, 1);
    }
    let bases: Vec<u64> = rm.replicas[&TP].log.segments().iter().map(|s| s.base).collect();
    assert_eq!(bases, [0, 11, 22], "a record more than 10s after a segment's first starts a new one");
}

const SLOW: &str = r#"Scenario(
  name: "slow reader", duration: "40s", seed: 3, cluster: (brokers: 1),
  topics: [(name: "t", retention: (retention_bytes: 50000, segment_bytes: 10000))],
  producers: [(name: "p", topic: "t", rate: PerSecond(50), record_bytes: 100)],
  consumers: [(name: "c", topic: "t", process_time: "200ms", auto_offset_reset: Earliest)],
  expect: [OffsetResets(consumer: "c", min: 1), NoAckedLoss],
)"#;

#[test]
fn a_consumer_whose_position_retention_deleted_resets_to_the_log_start() {
    let sc = Arc::new(parse(SLOW, "slow.ron").unwrap_or_else(|e| panic!("{e}")));
    let r = run_scenario(sc.clone(), sc.seed, None, None);
    let failed: Vec<_> = r.outcomes.iter().filter(|o| !o.passed).collect();
    assert!(failed.is_empty(), "{failed:?}\n{}", r.summary);
    let kept = SLOW.replace("retention: (retention_bytes: 50000, segment_bytes: 10000)", "");
    let sc = Arc::new(parse(&kept.replace("min: 1", "max: 0"), "kept.ron").unwrap_or_else(|e| panic!("{e}")));
    let r = run_scenario(sc.clone(), sc.seed, None, None);
    assert!(r.outcomes.iter().all(|o| o.passed), "without retention nobody resets: {:?}", r.outcomes);
}
