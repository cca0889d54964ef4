//! Building a simulation from a scenario: names and key table, topics and replica
//! placement, the initial (healthy, already running) cluster, clients, scheduled inputs.

use super::story::Story;
use super::wire::Fx;
use super::{Event, Liveness, Node, Simulation};
use crate::check::stats::Stats;
use crate::kafka::Broker;
use crate::kafka::ZooKeeper;
use crate::kafka::assign_replicas;
use crate::kafka::{ClusterCfg, LogCfg, PartitionState, TopicCfg};
use crate::kafka::{Consumer, ConsumerCfg};
use crate::kafka::{Keys, Producer, ProducerCfg};
use crate::scenario::{ControllerSpec, Expectation, KeySpec, Rate, Scenario};
use crate::sim::Ctx;
use crate::sim::{Dur, EventQueue, Network, NodeId, NodeRng, SimTime};
use crate::trace::{BrokerId, GroupRef, KeyId, Names, TopicId, Tp, TraceLog};
use std::collections::BTreeMap;
use std::sync::Arc;

use super::build_groups::NET_STREAM_BASE;

struct KeyTable {
    keys: Vec<String>,
    index: BTreeMap<String, KeyId>,
}

impl KeyTable {
    fn intern(&mut self, k: &str) -> KeyId {
        if let Some(&id) = self.index.get(k) {
            return id;
        }
        let id = KeyId(self.keys.len() as u32);
        self.keys.push(k.to_string());
        self.index.insert(k.to_string(), id);
        id
    }
}

fn cluster_cfg(sc: &Scenario) -> ClusterCfg {
    let c = &sc.cluster;
    let ControllerSpec::ZooKeeper { session_timeout } = c.controller.clone();
    ClusterCfg {
        brokers: c.brokers,
        topics: crate::scenario::derive::all_topics(sc)
            .iter()
            .enumerate()
            .map(|(i, t)| TopicCfg {
                name: t.name.clone(),
                id: TopicId(i as u16),
                partitions: t.partitions,
                replication_factor: t.replication_factor,
                min_insync_replicas: t.min_insync_replicas,
                log: LogCfg {
                    retention_bytes: t.retention.retention_bytes,
                    retention_ms: t.retention.retention_ms,
                    retention_records: t.retention.max_messages,
                    segment_bytes: t.retention.segment_bytes,
                    segment_ms: t.retention.segment_ms,
                },
                unclean_leader_election: t.unclean_leader_election,
            })
            .collect(),
        zk_session_timeout: session_timeout,
        replica_lag_time_max: c.replica_lag_time_max,
        replica_fetch_wait_max: c.replica_fetch_wait_max,
        replica_fetch_backoff: Dur::secs(1),
        replica_socket_timeout: c.replica_socket_timeout,
        replica_fetch_max_records: 1000,
        flush_every_messages: c.flush_every_messages,
        flush_interval: c.flush_interval,
        retention_check_interval: c.retention_check_interval,
        groups: super::build_groups::group_names(sc),
        offsets_topic: all_topic_id(sc, crate::scenario::derive::OFFSETS_TOPIC),
        group_initial_rebalance_delay: sc.cluster.group_initial_rebalance_delay,
    }
}

fn all_topic_id(sc: &Scenario, name: &str) -> Option<TopicId> {
    crate::scenario::derive::all_topics(sc).iter().position(|t| t.name == name).map(|i| TopicId(i as u16))
}

fn initial_states(cfg: &ClusterCfg, start: usize) -> Vec<(Tp, PartitionState)> {
    let brokers: Vec<BrokerId> = (1..=cfg.brokers).map(BrokerId).collect();
    let mut out = Vec::new();
    for t in &cfg.topics {
        let placed = assign_replicas(&brokers, t.partitions, t.replication_factor, start, start)
            .expect("validated replication factor");
        for (p, replicas) in placed.into_iter().enumerate() {
            let tp = Tp { topic: t.id, partition: p as u32 };
            out.push((
                tp,
                PartitionState {
                    leader: Some(replicas[0]),
                    leader_epoch: 0,
                    isr: replicas.clone(),
                    replicas,
                    partition_epoch: 0,
                },
            ));
        }
    }
    out
}

fn producer_cfg(sc: &Scenario, i: usize, keys: &mut KeyTable) -> ProducerCfg {
    let p = &sc.producers[i];
    let topic = sc.topics.iter().position(|t| t.name == p.topic).expect("validated topic");
    let key_list: Keys = match &p.key {
        KeySpec::None => Keys::None,
        KeySpec::Fixed(k) => Keys::Cycle(vec![keys.intern(k)]),
        KeySpec::Random(l) => Keys::Random(l.iter().map(|k| keys.intern(k)).collect()),
        KeySpec::RoundRobin(l) => Keys::Cycle(l.iter().map(|k| keys.intern(k)).collect()),
        KeySpec::Distinct { prefix, count } => {
            Keys::Cycle((0..*count).map(|n| keys.intern(&format!("{prefix}{n}"))).collect())
        }
    };
    let n_keys = match &key_list {
        Keys::None => 1,
        Keys::Random(l) | Keys::Cycle(l) => l.len() as u64,
    };
    let (interval, poisson) = match &p.rate {
        Rate::PerSecond(r) => (Dur(1_000_000 / *r as u64), false),
        Rate::Poisson(r) => (Dur(1_000_000 / *r as u64), true),
        Rate::Every(d) => (*d, false),
        Rate::PerKeyEvery(d) => (Dur(d.0 / n_keys), false),
    };
    // Kafka ≥ 3.0: idempotence is on by default, silently off when acks ≠ all.
    let idempotent = p.idempotent.unwrap_or(p.acks == crate::kafka::Acks::All && p.max_in_flight <= 5 && p.retries > 0);
    ProducerCfg {
        number: i as u32,
        topic: TopicId(topic as u16),
        partitions: sc.topics[topic].partitions,
        interval,
        poisson,
        keys: key_list,
        partition: p.partition,
        null_key: p.null_key,
        acks: p.acks,
        retries: p.retries,
        retry_backoff: p.retry_backoff,
        retry_backoff_max: p.retry_backoff_max,
        request_timeout: p.request_timeout,
        delivery_timeout: p.delivery_timeout,
        idempotent,
        max_in_flight: p.max_in_flight,
        linger: p.linger,
        batch_records: p.batch_records,
        record_bytes: p.record_bytes,
        batch_bytes: p.batch_bytes,
        start: p.start,
        stop: p.stop,
        max_messages: p.max_messages,
        metadata_max_age: p.metadata_max_age,
    }
}

fn consumer_cfg(sc: &Scenario, i: usize) -> ConsumerCfg {
    let c = &sc.consumers[i];
    let t = sc.topics.iter().position(|t| t.name == c.topic).expect("validated topic");
    let parts: Vec<u32> = c.partitions.clone().unwrap_or_else(|| (0..sc.topics[t].partitions).collect());
    ConsumerCfg {
        assignment: parts.into_iter().map(|p| Tp { topic: TopicId(t as u16), partition: p }).collect(),
        process_time: c.process_time,
        max_poll_records: c.max_poll_records,
        fetch_max_wait: c.fetch_max_wait,
        request_timeout: c.request_timeout,
        auto_offset_reset: c.auto_offset_reset,
        start: c.start,
        failures: crate::kafka::FailureCfg::default(),
        on_failure: crate::kafka::FailurePolicy::InPlace {
            max_attempts: c.retries.map(|r| r.saturating_add(1)),
            backoff: c.retry_backoff,
            dead_letter: None,
        },
        redrive: None,
        topic_sizes: BTreeMap::new(),
        name: c.name.clone(),
        group: None,
    }
}

/// The nodes a scenario starts with, in node-id order: ZooKeeper, brokers, producers,
/// consumers, group members, re-drive consumers, then the RabbitMQ side.
struct Nodes {
    nodes: Vec<Node>,
    node_names: Vec<String>,
    /// Node of each producer (and publisher), by producer number.
    producer_nodes: Vec<u32>,
    group_of_node: BTreeMap<u32, GroupRef>,
}

fn nodes(sc: &Scenario, cfg: &Arc<ClusterCfg>, states: &[(Tp, PartitionState)], keys: &mut KeyTable) -> Nodes {
    let mut nodes = vec![Node::ZooKeeper(ZooKeeper::new(cfg.zk_session_timeout, states.iter().cloned().collect()))];
    let mut node_names = vec!["zookeeper".to_string()];
    for b in 1..=cfg.brokers {
        let mine: Vec<(Tp, PartitionState)> =
            states.iter().filter(|(_, s)| s.replicas.contains(&BrokerId(b))).cloned().collect();
        nodes.push(Node::Broker(Broker::new(BrokerId(b), cfg.clone(), &mine)));
        node_names.push(format!("broker-{b}"));
    }
    let producer_cfgs: Vec<ProducerCfg> = (0..sc.producers.len()).map(|i| producer_cfg(sc, i, keys)).collect();
    let key_hashes: Arc<Vec<i32>> = Arc::new(keys.keys.iter().map(|k| crate::kafka::murmur2(k.as_bytes())).collect());
    let mut producer_nodes = Vec::new();
    for (i, pc) in producer_cfgs.into_iter().enumerate() {
        producer_nodes.push(nodes.len() as u32);
        nodes.push(Node::Producer(Producer::new(Arc::new(pc), Arc::clone(&key_hashes), cfg.brokers)));
        node_names.push(sc.producers[i].name.clone());
    }
    for i in 0..sc.consumers.len() {
        nodes.push(Node::Consumer(Box::new(Consumer::new(Arc::new(consumer_cfg(sc, i)), cfg.brokers))));
        node_names.push(sc.consumers[i].name.clone());
    }
    let mut group_of_node = BTreeMap::new();
    for (gi, g) in sc.consumer_groups.iter().enumerate() {
        for m in &g.members {
            let producers: Vec<String> = sc.producers.iter().map(|p| p.name.clone()).collect();
            let mc = super::build_groups::member_cfg(cfg, &keys.keys, &producers, gi, g, m);
            group_of_node.insert(nodes.len() as u32, GroupRef(gi as u16));
            nodes.push(Node::Consumer(Box::new(Consumer::new(Arc::new(mc), cfg.brokers))));
            node_names.push(m.name.clone());
        }
    }
    for r in &sc.redrive {
        nodes.push(Node::Consumer(Box::new(Consumer::new(
            Arc::new(super::build_groups::redrive_cfg(cfg, r)),
            cfg.brokers,
        ))));
        node_names.push(r.name.clone());
    }
    let (amqp, amqp_names, publisher_nodes) = super::build_amqp::amqp_nodes(sc, nodes.len() as u32);
    nodes.extend(amqp);
    node_names.extend(amqp_names);
    producer_nodes.extend(publisher_nodes);
    Nodes { nodes, node_names, producer_nodes, group_of_node }
}

impl Simulation {
    /// Builds the world for a validated scenario and seed, at time zero, with the cluster
    /// running and every client started. `keep_recent` records stay in memory for views.
    pub fn new(sc: Arc<Scenario>, seed: u64, keep_recent: usize) -> Simulation {
        Simulation::build(sc, seed, keep_recent, false)
    }

    /// `new`, capturing every record from the very start (the boot's records included) for
    /// trace files and record-by-record comparisons.
    pub fn new_capturing(sc: Arc<Scenario>, seed: u64, keep_recent: usize) -> Simulation {
        Simulation::build(sc, seed, keep_recent, true)
    }

    fn build(sc: Arc<Scenario>, seed: u64, keep_recent: usize, capture: bool) -> Simulation {
        let cfg = Arc::new(cluster_cfg(&sc));
        let states = initial_states(&cfg, sc.cluster.placement_start as usize);
        let mut keys = KeyTable { keys: Vec::new(), index: BTreeMap::new() };
        let Nodes { nodes, node_names, producer_nodes, group_of_node } = nodes(&sc, &cfg, &states, &mut keys);
        let names = Arc::new(Names {
            nodes: node_names,
            topics: cfg.topics.iter().map(|t| t.name.clone()).collect(),
            keys: keys.keys,
            producers: producer_nodes,
            groups: super::build_groups::group_names(&sc),
            queues: super::build_amqp::queue_names(&sc),
        });
        let n = nodes.len();
        let track_order = sc
            .expect
            .iter()
            .any(|e| matches!(e, Expectation::KeyOrderHolds { .. } | Expectation::OrderViolations { .. }));
        let consumer_nodes: Vec<u32> =
            (0..n as u32).filter(|&i| matches!(nodes[i as usize], Node::Consumer(_) | Node::AmqpConsumer(_))).collect();
        let mut sim = Simulation {
            seed,
            now: SimTime::ZERO,
            queue: EventQueue::default(),
            live: vec![Liveness::Up; n],
            incarnation: vec![0; n],
            rngs: (0..n as u64).map(|i| NodeRng::new(seed, i)).collect(),
            net_rngs: (0..n as u64).map(|i| NodeRng::new(seed, NET_STREAM_BASE + i)).collect(),
            stream_key: seed,
            net: Network::new(sc.cluster.network.clone(), n),
            trace: TraceLog::new(keep_recent),
            stats: Stats::new(sc.producers.len(), &consumer_nodes, track_order, &group_of_node),
            names,
            cfg,
            injected: Vec::new(),
            fx: Fx::default(),
            events: 0,
            dropped: 0,
            invariants: Default::default(),
            violation: None,
            crashed: Vec::new(),
            story: Story::new(&sc),
            nodes,
            scenario: sc.clone(),
        };
        if capture {
            sim.trace.capture_all();
        }
        sim.boot(&states);
        for f in &sc.faults {
            sim.queue.push_late(SimTime(f.at.0), Event::Input(f.action.clone()));
        }
        sim
    }

    /// Time zero: ZooKeeper already holds every broker's session; brokers know the
    /// partition states (topics were created on a healthy cluster); clients start.
    fn boot(&mut self, states: &[(Tp, PartitionState)]) {
        for i in 0..self.nodes.len() {
            let node = NodeId(i as u32);
            self.fx.clear();
            let mut ctx = Ctx { now: self.now, me: node, rng: &mut self.rngs[i] };
            let (fx, afx) = (&mut self.fx.kafka, &mut self.fx.amqp);
            match &mut self.nodes[i] {
                Node::ZooKeeper(z) => {
                    for b in 1..=self.cfg.brokers {
                        z.on_message(
                            &mut ctx,
                            node,
                            crate::kafka::Msg::Zk(crate::kafka::ZkMsg::Heartbeat { broker: BrokerId(b), session: 1 }),
                            fx,
                        );
                    }
                    fx.sends.clear(); // nobody is controller yet: no watch to fire
                }
                Node::Broker(b) => b.start(&mut ctx, Some(states), fx),
                Node::Producer(p) => p.start(&mut ctx, fx),
                Node::Consumer(c) => c.start(&mut ctx, fx),
                Node::Rabbit(_) => {}
                Node::Publisher(p) => p.start(&mut ctx, afx),
                Node::AmqpConsumer(c) => c.start(&mut ctx, afx),
            }
            self.apply_effects(node);
        }
    }
}
