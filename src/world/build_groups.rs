//! Building consumer-group members and re-drive processes from the scenario, and adding a
//! member while the simulation runs (a new node with its own random streams).

use super::{Liveness, Node, Simulation};
use crate::kafka::ClusterCfg;
use crate::kafka::Strategy;
use crate::kafka::{CommitMode, Consumer, ConsumerCfg, FailureCfg, GroupCfg, OffsetReset};
use crate::kafka::{FailurePolicy, RedriveCfg};
use crate::scenario::derive::retry_topic;
use crate::scenario::{Action, CommitSpec, GroupSpec, MemberSpec, OnFailureSpec, RedriveSpec, Scenario};
use crate::sim::{Dur, NodeId, NodeRng};
use crate::trace::{GroupRef, KeyId, RecordKind, TopicId, Tp};
use std::collections::BTreeMap;
use std::sync::Arc;

fn topic_id(cfg: &ClusterCfg, name: &str) -> TopicId {
    cfg.topics.iter().find(|t| t.name == name).map(|t| t.id).expect("validated topic")
}

fn sizes(cfg: &ClusterCfg) -> BTreeMap<TopicId, u32> {
    cfg.topics.iter().map(|t| (t.id, t.partitions)).collect()
}

fn ppm(p: f64) -> u32 {
    (p * 1_000_000.0).round() as u32
}

/// Stream ids of the network's per-node streams start here, apart from the nodes' own.
pub(super) const NET_STREAM_BASE: u64 = 1 << 32;

/// The failures a group's members simulate: poison keys and values (by name in the
/// scenario, by id here), and the poison and transient failure rates.
fn failure_cfg(g: &GroupSpec, keys: &[String], producers: &[String]) -> FailureCfg {
    let poison_keys: Vec<KeyId> = g
        .failures
        .poison_keys
        .iter()
        .filter_map(|k| keys.iter().position(|x| x == k).map(|i| KeyId(i as u32)))
        .collect();
    let poison_values = g
        .failures
        .poison_values
        .iter()
        .filter_map(|v| {
            let (p, n) = v.rsplit_once('#')?;
            let producer = producers.iter().position(|x| x == p)?;
            Some(crate::trace::MsgId::new(producer as u32, n.parse().ok()?))
        })
        .collect();
    FailureCfg {
        poison_keys,
        poison_values,
        poison_ppm: ppm(g.failures.poison_probability),
        transient_ppm: ppm(g.failures.transient_probability),
    }
}

/// A group member's settings.
pub(super) fn member_cfg(
    cfg: &ClusterCfg,
    keys: &[String],
    producers: &[String],
    gi: usize,
    g: &GroupSpec,
    m: &MemberSpec,
) -> ConsumerCfg {
    let (name, process_time, start, instance_id) = (&m.name, m.process_time, m.start, m.instance_id.clone());
    let mut topics: Vec<(String, TopicId, u32)> =
        g.topics.iter().map(|t| (t.clone(), topic_id(cfg, t), cfg.topic(topic_id(cfg, t)).partitions)).collect();
    let on_failure = match &g.on_failure {
        OnFailureSpec::Retry { max_attempts, backoff, dead_letter } => FailurePolicy::InPlace {
            max_attempts: *max_attempts,
            backoff: *backoff,
            dead_letter: dead_letter.as_ref().map(|d| topic_id(cfg, d)),
        },
        OnFailureSpec::RetryTopics { delays, dead_letter } => {
            let retry: Vec<(TopicId, Dur)> =
                delays.iter().map(|d| (topic_id(cfg, &retry_topic(&g.topics[0], *d)), *d)).collect();
            for &(t, _) in &retry {
                let tc = cfg.topic(t);
                topics.push((tc.name.clone(), t, tc.partitions));
            }
            FailurePolicy::RetryTopics { topics: retry, dead_letter: topic_id(cfg, dead_letter) }
        }
    };
    let commit = match g.commit {
        CommitSpec::Auto { interval } => CommitMode::Auto { interval },
        CommitSpec::Sync => CommitMode::Sync,
        CommitSpec::Async => CommitMode::Async,
        CommitSpec::BeforeProcess => CommitMode::BeforeProcess,
    };
    ConsumerCfg {
        name: name.clone(),
        assignment: Vec::new(),
        group: Some(GroupCfg {
            group: GroupRef(gi as u16),
            topics,
            strategy: g.assignor,
            session_timeout: g.session_timeout,
            heartbeat_interval: g.heartbeat_interval,
            max_poll_interval: g.max_poll_interval,
            commit,
            metadata_max_age: g.metadata_max_age,
            instance_id,
        }),
        process_time,
        max_poll_records: g.max_poll_records,
        fetch_max_wait: g.fetch_max_wait,
        request_timeout: g.request_timeout,
        auto_offset_reset: g.auto_offset_reset,
        start,
        failures: failure_cfg(g, keys, producers),
        on_failure,
        redrive: None,
        topic_sizes: sizes(cfg),
    }
}

/// A re-drive process: reads every partition of the dead-letter topic from the start.
pub(super) fn redrive_cfg(cfg: &ClusterCfg, r: &RedriveSpec) -> ConsumerCfg {
    let t = topic_id(cfg, &r.from);
    ConsumerCfg {
        name: r.name.clone(),
        assignment: (0..cfg.topic(t).partitions).map(|p| Tp { topic: t, partition: p }).collect(),
        group: None,
        process_time: r.process_time,
        max_poll_records: 500,
        fetch_max_wait: Dur::ms(500),
        request_timeout: Dur::secs(30),
        auto_offset_reset: OffsetReset::Earliest,
        start: r.start,
        failures: FailureCfg::default(),
        on_failure: FailurePolicy::InPlace { max_attempts: None, backoff: Dur::secs(1), dead_letter: None },
        redrive: Some(RedriveCfg { fix: r.fix }),
        topic_sizes: sizes(cfg),
    }
}

/// Group names, for the cluster settings.
pub(super) fn group_names(sc: &Scenario) -> Vec<String> {
    sc.consumer_groups.iter().map(|g| g.name.clone()).collect()
}

impl Simulation {
    /// Adds a member to a group now (AddConsumer): a new node that starts at once.
    pub(super) fn add_consumer(&mut self, group: &str, name: Option<String>, process_time: Option<Dur>) -> String {
        let Some(gi) = self.scenario.consumer_groups.iter().position(|g| g.name == group) else {
            return String::new();
        };
        let g = self.scenario.consumer_groups[gi].clone();
        let name = name.unwrap_or_else(|| self.next_member_name(group));
        let pt = process_time.unwrap_or(g.members[0].process_time);
        let start = Dur(self.now.0);
        let spec = MemberSpec { name: name.clone(), process_time: pt, start, instance_id: None };
        let producers: Vec<String> = self.scenario.producers.iter().map(|p| p.name.clone()).collect();
        let ccfg = member_cfg(&self.cfg, &self.names.keys, &producers, gi, &g, &spec);
        let node = NodeId(self.nodes.len() as u32);
        self.nodes.push(Node::Consumer(Box::new(Consumer::new(Arc::new(ccfg), self.cfg.brokers))));
        self.live.push(Liveness::Up);
        self.incarnation.push(0);
        self.rngs.push(NodeRng::new(self.stream_key, node.0 as u64));
        self.net_rngs.push(NodeRng::new(self.stream_key, NET_STREAM_BASE + node.0 as u64));
        self.net.add_node();
        let mut names = (*self.names).clone();
        names.nodes.push(name.clone());
        self.names = Arc::new(names);
        self.stats.add_consumer(node.0, Some(GroupRef(gi as u16)));
        self.dispatch(node, |n, ctx, fx| {
            if let Node::Consumer(c) = n {
                c.start(ctx, &mut fx.kafka)
            }
        });
        self.fx.clear();
        self.fx.record(RecordKind::ClientState { node: NodeId(node.0), up: true });
        self.apply_effects(node);
        name
    }

    /// `<group>-<n>` with the first free n: no node has it, and no AddConsumer input (the
    /// scenario's or this session's, applied or still to run) names a member so. Inputs
    /// count because they may not have run yet: two clicks on "add consumer" while paused
    /// asked for the same name twice, and a nameless AddConsumer could take the name of a
    /// named one scheduled for the same instant. (Both input lists together are the
    /// session's scenario, so a replay picks the same names.)
    pub fn next_member_name(&self, group: &str) -> String {
        (1..)
            .map(|n| format!("{group}-{n}"))
            .find(|n| !self.names.nodes.contains(n) && !self.member_named(n))
            .expect("a free name")
    }

    /// Whether an AddConsumer input, run or not, names a member `name`.
    pub(super) fn member_named(&self, name: &str) -> bool {
        self.scenario
            .faults
            .iter()
            .chain(&self.injected)
            .any(|f| matches!(&f.action, Action::AddConsumer { name: Some(n), .. } if n == name))
    }

    /// The default assignor, for views.
    pub fn group_strategy(&self, g: GroupRef) -> Strategy {
        self.scenario.consumer_groups.get(g.0 as usize).map(|g| g.assignor).unwrap_or_default()
    }
}
