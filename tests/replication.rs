//! Replication tables driven through the real replica code: the HW is the minimum LEO of
//! the ISR, never moves backwards, stops below min.insync.replicas; acks=all waits for
//! the ISR; ISR shrink and expand; followers truncate where their log diverges (KIP-320).

use brokerlab::kafka::BrokerTimer;
use brokerlab::kafka::ReplicaManager;
use brokerlab::kafka::{
    Acks, ClientMsg, ControlMsg, FetchReq, FetchResult, Msg, PartitionState, ProduceReq, ProducedRecord,
};
use brokerlab::kafka::{ClusterCfg, LogCfg, TopicCfg};
use brokerlab::kafka::{Fx, KTimer};
use brokerlab::kafka::{Here, Partition};
use brokerlab::kafka::{LogEntry, NO_PRODUCER};
use brokerlab::sim::{Dur, NodeId, SimTime};
use brokerlab::trace::{BrokerId, ErrorCode, MsgId, TopicId, Tp};

const TP: Tp = Tp { topic: TopicId(0), partition: 0 };

fn cfg(min_isr: u32) -> ClusterCfg {
    ClusterCfg {
        brokers: 3,
        topics: vec![TopicCfg {
            name: "t".into(),
            id: TopicId(0),
            partitions: 1,
            replication_factor: 3,
            min_insync_replicas: min_isr,
            log: LogCfg::default(),
            unclean_leader_election: false,
        }],
        zk_session_timeout: Dur::secs(6),
        replica_lag_time_max: Dur::secs(10),
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

fn state(isr: &[u32], epoch: u32) -> PartitionState {
    PartitionState {
        leader: Some(BrokerId(1)),
        leader_epoch: epoch,
        isr: isr.iter().map(|&b| BrokerId(b)).collect(),
        replicas: vec![BrokerId(1), BrokerId(2), BrokerId(3)],
        partition_epoch: 0,
    }
}

fn here(c: &ClusterCfg, t: u64) -> Here<'_> {
    Here { now: SimTime(t), me: BrokerId(1), controller: Some(BrokerId(1)), cfg: c, live: 0b1110 }
}

fn produce(
    r: &mut Partition,
    c: &ClusterCfg,
    t: u64,
    n: u32,
    acks: Acks,
    fx: &mut Fx,
) -> Option<Result<u64, ErrorCode>> {
    let records = (0..n)
        .map(|i| ProducedRecord {
            value: MsgId::new(0, i),
            key: None,
            poison: false,
            bytes: 100,
            meta: brokerlab::kafka::Meta::None,
        })
        .collect();
    let req = ProduceReq { req: 1, tp: TP, acks, records, idempotence: None, timeout_us: 30_000_000 };
    let mut id = 0;
    r.produce(&here(c, t), NodeId(9), &req, &mut id, fx)
}

fn follower_fetch(r: &mut Partition, c: &ClusterCfg, t: u64, from: u32, offset: u64, fx: &mut Fx) {
    let req = FetchReq {
        req: 7,
        replica: Some(BrokerId(from)),
        tp: TP,
        offset,
        last_fetched_epoch: Some(0),
        leader_epoch: Some(0),
        max_records: 100,
        max_wait_us: 0,
    };
    r.fetch(&here(c, t), NodeId(from), &req, fx);
}

fn leader(isr: &[u32], min_isr: u32) -> (Partition, ClusterCfg, Fx) {
    let c = cfg(min_isr);
    let mut r = Partition::new(TP, state(isr, 0));
    let mut fx = Fx::default();
    r.become_leader(SimTime(0), state(isr, 0), BrokerId(1), &mut fx);
    (r, c, fx)
}

#[test]
fn hw_is_the_minimum_leo_of_the_isr_and_never_moves_back() {
    let (mut r, c, mut fx) = leader(&[1, 2, 3], 1);
    produce(&mut r, &c, 1, 5, Acks::One, &mut fx);
    // (follower, fetch offset, HW after)
    let table = [(2, 5, 0), (3, 3, 3), (3, 5, 5), (2, 2, 5)];
    for (i, (f, off, hw)) in table.into_iter().enumerate() {
        follower_fetch(&mut r, &c, 10 + i as u64, f, off, &mut fx);
        assert_eq!(r.hw, hw, "row {i}: follower {f} at {off}");
    }
}

#[test]
fn a_dead_follower_outside_the_isr_does_not_hold_back_the_hw() {
    let (mut r, c, mut fx) = leader(&[1, 2, 3], 1);
    produce(&mut r, &c, 1, 4, Acks::One, &mut fx);
    follower_fetch(&mut r, &c, 2, 2, 1, &mut fx); // broker-2 at offset 1, caught up recently
    follower_fetch(&mut r, &c, 2, 3, 4, &mut fx);
    // The controller drops broker-2 (dead) from the ISR; broker-2 is no longer live.
    r.update_state(
        &here(&c, 3),
        PartitionState { isr: vec![BrokerId(1), BrokerId(3)], partition_epoch: 1, ..state(&[1, 3], 0) },
        &mut fx,
    );
    assert_eq!(r.hw, 1, "still live: a caught-up follower outside the ISR counts (maximal ISR rule)");
    let dead = Here { live: 0b1010, ..here(&c, 4) };
    r.maybe_increment_hw(&dead, &mut fx);
    assert_eq!(r.hw, 4, "a dead follower is not ISR-eligible: the HW moves on");
}

#[test]
fn hw_stands_still_while_the_isr_is_below_min_insync_replicas() {
    let (mut r, c, mut fx) = leader(&[1], 2);
    assert_eq!(produce(&mut r, &c, 1, 3, Acks::One, &mut fx), Some(Ok(0)), "acks=1 still appends");
    assert_eq!(r.log.end_offset(), 3);
    assert_eq!(r.hw, 0, "Kafka ≥ 3.7: no HW advance below min ISR");
    assert_eq!(produce(&mut r, &c, 2, 1, Acks::All, &mut fx), Some(Err(ErrorCode::NotEnoughReplicas)));
    assert_eq!(r.log.end_offset(), 3, "nothing written on NotEnoughReplicas");
}

#[test]
fn acks_all_waits_for_every_isr_member() {
    let (mut r, c, mut fx) = leader(&[1, 2, 3], 2);
    assert_eq!(produce(&mut r, &c, 1, 2, Acks::All, &mut fx), None, "parked until the HW covers it");
    let acks = |fx: &Fx| {
        fx.sends.iter().filter(|(_, m)| matches!(m, Msg::Client(ClientMsg::ProduceResp { result: Ok(0), .. }))).count()
    };
    follower_fetch(&mut r, &c, 2, 2, 2, &mut fx);
    assert_eq!(acks(&fx), 0, "broker-3 has not fetched yet");
    follower_fetch(&mut r, &c, 3, 3, 2, &mut fx);
    assert_eq!(acks(&fx), 1, "both followers have it: acknowledged");
    assert!(fx.timers.iter().any(|(_, t)| matches!(t, KTimer::Broker(BrokerTimer::PurgatoryCheck { .. }))));
}

#[test]
fn an_acks_all_produce_times_out_when_a_follower_never_fetches() {
    let (mut r, c, mut fx) = leader(&[1, 2, 3], 2);
    assert_eq!(produce(&mut r, &c, 1, 1, Acks::All, &mut fx), None);
    follower_fetch(&mut r, &c, 2, 2, 1, &mut fx);
    let timed_out = |fx: &Fx| {
        fx.sends.iter().any(|(_, m)| {
            matches!(m, Msg::Client(ClientMsg::ProduceResp { result: Err(ErrorCode::RequestTimedOut), .. }))
        })
    };
    let at = fx
        .timers
        .iter()
        .find_map(
            |(_, t)| if let KTimer::Broker(BrokerTimer::PurgatoryCheck { at, .. }) = t { Some(*at) } else { None },
        )
        .unwrap();
    assert_eq!(at, SimTime(30_000_001), "request.timeout.ms after arrival");
    r.purgatory_check(SimTime(29_000_000), at, &mut fx);
    assert!(!timed_out(&fx), "not yet");
    r.purgatory_check(at, at, &mut fx);
    assert!(timed_out(&fx), "REQUEST_TIMED_OUT once the deadline passes");
}

#[test]
fn a_follower_that_stops_fetching_falls_out_of_sync_and_a_caught_up_one_is_proposed_back() {
    let (mut r, c, mut fx) = leader(&[1, 2, 3], 1);
    produce(&mut r, &c, 1, 4, Acks::One, &mut fx);
    follower_fetch(&mut r, &c, 2, 2, 4, &mut fx);
    follower_fetch(&mut r, &c, 2, 3, 4, &mut fx);
    assert!(r.out_of_sync(SimTime(9_000_000), &c).is_empty());
    produce(&mut r, &c, 9_000_000, 1, Acks::One, &mut fx);
    follower_fetch(&mut r, &c, 9_500_000, 2, 5, &mut fx);
    // broker-3 last caught up at 2 µs; replica.lag.time.max = 10 s.
    assert_eq!(r.out_of_sync(SimTime(10_000_003), &c), vec![BrokerId(3)]);
    // Expansion: a follower outside the ISR that reaches the HW is proposed back.
    let (mut r, c, mut fx) = leader(&[1, 2], 1);
    produce(&mut r, &c, 1, 2, Acks::One, &mut fx);
    follower_fetch(&mut r, &c, 2, 2, 2, &mut fx);
    follower_fetch(&mut r, &c, 3, 3, 2, &mut fx);
    let proposed = fx.sends.iter().find_map(|(_, m)| {
        if let Msg::Control(ControlMsg::AlterPartition { isr, .. }) = m { Some(isr.clone()) } else { None }
    });
    assert_eq!(proposed, Some(vec![BrokerId(1), BrokerId(2), BrokerId(3)]));
}

fn entry(epoch: u32, i: u32) -> LogEntry {
    LogEntry {
        value: MsgId::new(1, i),
        key: None,
        epoch,
        append_time: SimTime(0),
        bytes: 100,
        producer_id: NO_PRODUCER,
        producer_epoch: 0,
        seq: 0,
        batch_base_seq: 0,
        poison: false,
        meta: brokerlab::kafka::Meta::None,
    }
}

#[test]
fn follower_truncates_to_where_its_log_diverges_from_the_leaders() {
    // Leader: epoch 0 for offsets 0..5, epoch 2 from 5 (LEO 7).
    let (mut ldr, c, mut fx) = leader(&[1, 2], 1);
    for i in 0..5 {
        ldr.log.append(entry(0, i), &LogCfg::default());
    }
    ldr.become_leader(SimTime(0), state(&[1, 2], 2), BrokerId(1), &mut fx);
    ldr.log.append(entry(2, 100), &LogCfg::default());
    ldr.log.append(entry(2, 101), &LogCfg::default());
    // Follower: epoch 0 for 0..5, then epoch 1 (a leader that lost) for 5..8.
    let mut rm = ReplicaManager::default();
    let mut f = Partition::new(TP, state(&[1, 2], 2));
    for i in 0..5 {
        f.log.append(entry(0, i), &LogCfg::default());
    }
    for i in 5..8 {
        f.log.append(entry(1, i), &LogCfg::default());
    }
    f.become_follower(state(&[1, 2], 2), 1, &mut fx);
    rm.replicas.insert(TP, f);
    let hf = Here { now: SimTime(5), me: BrokerId(2), controller: None, cfg: &c, live: 0b1110 };
    rm.follower_fetch(&hf, TP, 1, &mut fx);
    let req = fx
        .sends
        .iter()
        .rev()
        .find_map(|(_, m)| if let Msg::Client(ClientMsg::Fetch(r)) = m { Some(*r) } else { None })
        .expect("a fetch");
    assert_eq!((req.offset, req.last_fetched_epoch), (8, Some(1)));
    let resp = ldr.fetch(&here(&c, 6), NodeId(2), &req, &mut fx).expect("answered now");
    assert!(matches!(resp.result, FetchResult::Diverging { epoch: 0, end_offset: 5 }), "{:?}", resp.result);
    rm.on_follower_response(&hf, resp, &mut fx);
    let f = &rm.replicas[&TP];
    assert_eq!(f.log.end_offset(), 5, "epoch-1 records the new leader never had are gone");
    assert_eq!(f.log.epochs.entries(), &[(0, 0)]);
}
