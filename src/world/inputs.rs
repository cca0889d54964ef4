//! Applying inputs: broker, ZooKeeper and client crashes and restarts, network cuts,
//! heals and slow links. Each one leaves an `input` record in the trace.

use super::input_words::describe;
use super::{Liveness, Node, Simulation};
use crate::scenario::Action;
use crate::sim::{Dur, NodeId};
use crate::trace::{BrokerId, DownHow, RecordKind};

impl Simulation {
    /// The node id for a scenario node name ("broker-2", "zookeeper", a client name).
    pub fn node_by_name(&self, name: &str) -> Option<NodeId> {
        self.names().nodes.iter().position(|n| n == name).map(|i| NodeId(i as u32))
    }

    pub(super) fn note(&mut self, what: String) {
        self.fx.clear();
        self.fx.record(RecordKind::Input { what });
        self.apply_effects(NodeId(0));
    }

    pub(super) fn apply_input(&mut self, a: Action) {
        // Which node RestartCrashed restarts depends on the run: the record names it.
        let what = if a == Action::RestartCrashed { self.describe_restart_crashed() } else { describe(&a) };
        self.note(what);
        match a {
            Action::CrashBroker(b) => self.broker_down(BrokerId(b), DownHow::Crash),
            Action::PowerOffBroker(b) => self.broker_down(BrokerId(b), DownHow::PowerLoss),
            Action::StopBroker(b) => self.broker_down(BrokerId(b), DownHow::Clean),
            Action::RestartBroker(b) => self.node_up(NodeId(b)),
            Action::CrashController => self.crash_controller(),
            Action::CrashLeader { topic, partition } => self.crash_leader(&topic, partition),
            Action::RestartCrashed => self.restart_crashed(),
            Action::CrashZooKeeper => self.crash_zookeeper(),
            Action::RestartZooKeeper => self.restart_zookeeper(),
            Action::AddPartitions { topic, count } => self.add_partitions(&topic, count),
            Action::CrashCoordinator(group) => self.crash_coordinator(&group),
            Action::AddConsumer { group, name, process_time } => {
                self.add_consumer(&group, name, process_time);
            }
            Action::PauseConsumer(name) => self.set_paused(&name, true),
            Action::ResumeConsumer(name) => self.set_paused(&name, false),
            Action::CrashRabbit => self.crash_rabbit(),
            Action::RestartRabbit => self.restart_rabbit(),
            Action::CrashClient(name) => self.crash_client(&name),
            Action::RestartClient(name) => self.restart_client(&name),
            Action::Cut(a, b) => self.cut(&a, &b),
            Action::Heal(a, b) => self.heal(&a, &b),
            Action::HealAll => self.net.heal(&[], &[]),
            Action::PoisonMessage(name) => self.poison(&name),
            Action::SlowLink(a, b, extra) => self.slow_link(&a, &b, extra),
        }
    }

    fn crash_zookeeper(&mut self) {
        self.live[0] = Liveness::Down(DownHow::PowerLoss);
        self.incarnation[0] += 1;
        self.note_zk(false);
    }

    fn restart_zookeeper(&mut self) {
        if !self.is_up(NodeId(0)) {
            self.live[0] = Liveness::Up;
            self.incarnation[0] += 1;
            self.note_zk(true);
            self.dispatch(NodeId(0), |n, ctx, fx| {
                if let Node::ZooKeeper(z) = n {
                    z.restart(ctx.now, &mut fx.kafka)
                }
            });
        }
    }

    /// Pauses or resumes a consumer's fetching (its own choice, not a fault).
    fn set_paused(&mut self, name: &str, pause: bool) {
        if let Some(id) = self.node_by_name(name)
            && self.is_up(id)
        {
            self.dispatch(id, |n, ctx, fx| {
                if let Node::Consumer(c) = n {
                    c.set_paused(pause, ctx, &mut fx.kafka)
                }
            });
        }
    }

    fn crash_rabbit(&mut self) {
        if let Some((id, _)) = self.rabbit()
            && self.is_up(id)
        {
            self.dispatch(id, |n, _, fx| {
                if let Node::Rabbit(r) = n {
                    r.stop(&mut fx.amqp)
                }
            });
            self.live[id.0 as usize] = Liveness::Down(DownHow::Crash);
            self.incarnation[id.0 as usize] += 1;
        }
    }

    fn restart_rabbit(&mut self) {
        if let Some((id, _)) = self.rabbit() {
            self.node_up(id);
        }
    }

    fn crash_client(&mut self, name: &str) {
        if let Some(id) = self.node_by_name(name)
            && self.is_up(id)
        {
            // The host closes a dead AMQP consumer's connection: the broker requeues.
            self.dispatch(id, |n, _, fx| {
                if let Node::AmqpConsumer(c) = n {
                    c.stop(&mut fx.amqp)
                }
            });
            self.live[id.0 as usize] = Liveness::Down(DownHow::Crash);
            self.incarnation[id.0 as usize] += 1;
            self.took_down(id);
            self.fx.clear();
            self.fx.record(RecordKind::ClientState { node: NodeId(id.0), up: false });
            self.apply_effects(id);
        }
    }

    fn restart_client(&mut self, name: &str) {
        if let Some(id) = self.node_by_name(name) {
            self.node_up(id);
        }
    }

    fn cut(&mut self, a: &[String], b: &[String]) {
        let (a, b) = (self.ids(a), self.ids(b));
        self.net.cut(a, b);
    }

    fn heal(&mut self, a: &[String], b: &[String]) {
        let (a, b) = (self.ids(a), self.ids(b));
        self.net.heal(&a, &b);
    }

    /// The next record the producer or publisher `name` makes fails to process.
    fn poison(&mut self, name: &str) {
        if let Some(id) = self.node_by_name(name) {
            match &mut self.nodes[id.0 as usize] {
                Node::Producer(p) => p.poison_next += 1,
                Node::Publisher(p) => p.poison_next += 1,
                Node::ZooKeeper(_) | Node::Broker(_) | Node::Consumer(_) | Node::Rabbit(_) | Node::AmqpConsumer(_) => {}
            }
        }
    }

    fn slow_link(&mut self, a: &str, b: &str, extra: Dur) {
        if let (Some(x), Some(y)) = (self.node_by_name(a), self.node_by_name(b)) {
            self.net.slow(x, y, extra);
        }
    }

    fn note_zk(&mut self, up: bool) {
        self.fx.clear();
        self.fx.record(RecordKind::ZooKeeper { up });
        self.apply_effects(NodeId(0));
    }

    /// kafka-topics --alter --partitions: new partitions placed like Kafka places them
    /// (simplified: continuing the topic's original placement), written to ZooKeeper,
    /// whose watch tells the controller.
    fn add_partitions(&mut self, topic: &str, count: u32) {
        let Some(t) = self.cfg.topics.iter().position(|x| x.name == topic) else { return };
        let old = self.cfg.topics[t].partitions;
        if count <= old || !self.is_up(NodeId(0)) {
            let why = if count <= old { "partitions can only be added" } else { "ZooKeeper is down" };
            return self.note(format!("{topic} not changed: {why}"));
        }
        let brokers: Vec<BrokerId> = (1..=self.cfg.brokers).map(BrokerId).collect();
        let start = self.scenario.cluster.placement_start as usize;
        let rf = self.cfg.topics[t].replication_factor;
        let placed = crate::kafka::assign_replicas(&brokers, count, rf, start, start).expect("validated");
        let id = self.cfg.topics[t].id;
        let added: Vec<(crate::trace::Tp, crate::kafka::PartitionState)> = (old..count)
            .map(|p| {
                let replicas = placed[p as usize].clone();
                let s = crate::kafka::PartitionState {
                    leader: Some(replicas[0]),
                    leader_epoch: 0,
                    isr: replicas.clone(),
                    replicas,
                    partition_epoch: 0,
                };
                (crate::trace::Tp { topic: id, partition: p }, s)
            })
            .collect();
        let mut cfg = (*self.cfg).clone();
        cfg.topics[t].partitions = count;
        self.cfg = std::sync::Arc::new(cfg);
        for n in self.nodes.iter_mut() {
            if let Node::Broker(b) = n {
                b.set_cfg(self.cfg.clone());
            }
        }
        self.dispatch(NodeId(0), |n, _, fx| {
            if let Node::ZooKeeper(z) = n {
                z.add_partitions(added, &mut fx.kafka)
            }
        });
    }

    fn ids(&self, names: &[String]) -> Vec<NodeId> {
        names.iter().filter_map(|n| self.node_by_name(n)).collect()
    }

    pub(super) fn broker_down(&mut self, b: BrokerId, how: DownHow) {
        let node = NodeId(b.0);
        if !self.is_up(node) {
            return;
        }
        // Effects of the shutdown (a clean one closes the session) go out first.
        self.dispatch(node, |n, _, fx| {
            if let Node::Broker(br) = n {
                br.stop(how, &mut fx.kafka)
            }
        });
        self.live[node.0 as usize] = Liveness::Down(how);
        self.incarnation[node.0 as usize] += 1;
        self.took_down(node);
    }

    pub(super) fn node_up(&mut self, node: NodeId) {
        let i = node.0 as usize;
        if self.live[i] == Liveness::Up {
            return;
        }
        self.live[i] = Liveness::Up;
        self.incarnation[i] += 1;
        let client =
            matches!(self.nodes[i], Node::Producer(_) | Node::Consumer(_) | Node::Publisher(_) | Node::AmqpConsumer(_));
        self.dispatch(node, |n, ctx, fx| match n {
            Node::Broker(b) => b.start(ctx, None, &mut fx.kafka),
            Node::Producer(p) => p.start(ctx, &mut fx.kafka),
            Node::Consumer(c) => c.start(ctx, &mut fx.kafka),
            Node::ZooKeeper(z) => z.restart(ctx.now, &mut fx.kafka),
            Node::Rabbit(_) => {}
            Node::Publisher(p) => p.start(ctx, &mut fx.amqp),
            Node::AmqpConsumer(c) => c.start(ctx, &mut fx.amqp),
        });
        if client {
            self.fx.clear();
            self.fx.record(RecordKind::ClientState { node: NodeId(node.0), up: true });
            self.apply_effects(node);
        }
    }
}
