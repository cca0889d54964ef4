//! The `faults` section: scheduled inputs, and the actions the app injects too.

use crate::sim::Dur;
use serde::{Deserialize, Serialize};

/// A scheduled input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// When.
    pub at: Dur,
    /// What.
    pub action: Action,
}

/// Faults and other inputs, scheduled in the file or injected from the app.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// Process crash of broker N (the page cache survives: nothing lost on disk).
    CrashBroker(u32),
    /// Machine crash of broker N: the log tail not yet flushed is lost.
    PowerOffBroker(u32),
    /// Clean shutdown of broker N: flushes, closes its ZooKeeper session at once.
    StopBroker(u32),
    /// Start broker N again.
    RestartBroker(u32),
    /// Crash whichever broker is the controller at that moment.
    CrashController,
    /// Crash (process) the current leader of a partition. Without a partition: the leader
    /// of the topic's lowest-numbered partition whose leader is not the controller, so the
    /// controller survives to handle the failure whichever broker won its race.
    CrashLeader {
        /// Topic.
        topic: String,
        /// Partition (omitted: one whose leader is not the controller).
        #[serde(default)]
        partition: Option<u32>,
    },
    /// ZooKeeper goes down.
    CrashZooKeeper,
    /// ZooKeeper comes back.
    RestartZooKeeper,
    /// A producer or consumer crashes.
    CrashClient(String),
    /// A producer or consumer starts again.
    RestartClient(String),
    /// Cut the network between two sets of nodes (names: "broker-1", "zookeeper", clients).
    Cut(Vec<String>, Vec<String>),
    /// Heal cuts between two sets of nodes.
    Heal(Vec<String>, Vec<String>),
    /// Heal every cut.
    HealAll,
    /// Add latency to the link between two nodes ("0s" heals).
    SlowLink(String, String, Dur),
    /// The producer's next record is a poison pill: every attempt to process it fails.
    PoisonMessage(String),
    /// A new member joins a consumer group (named `<group>-<n>` when no name is given).
    AddConsumer {
        /// The group.
        group: String,
        /// Its name.
        #[serde(default)]
        name: Option<String>,
        /// Time to process one record (default: like the group's first member).
        #[serde(default)]
        process_time: Option<Dur>,
    },
    /// The consumer's application stops polling (stuck processing): its heartbeats go on,
    /// so only max.poll.interval.ms notices.
    PauseConsumer(String),
    /// Crash the broker coordinating this group (the leader of its __consumer_offsets partition).
    CrashCoordinator(String),
    /// Crash the RabbitMQ node: durable queues lose their transient messages, non-durable
    /// queues are deleted (with their bindings and everything in them).
    CrashRabbit,
    /// Restart the RabbitMQ node.
    RestartRabbit,
    /// Grow a topic to `count` partitions (kafka-topics --alter --partitions): keyed records
    /// may move to another partition; groups rebalance once their leader notices.
    AddPartitions {
        /// The topic.
        topic: String,
        /// The new partition count.
        count: u32,
    },
    /// The paused application carries on.
    ResumeConsumer(String),
    /// Start again the broker or client that a fault took down most recently and that is
    /// still down (whichever broker a `CrashController` or `CrashLeader` hit in this run).
    RestartCrashed,
}
