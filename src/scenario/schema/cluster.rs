//! The `cluster` and `topics` sections: brokers, the controller mode, broker settings,
//! and the topics created before the run starts.

use super::defaults::d;
use crate::sim::{Dur, LinkConfig};
use serde::{Deserialize, Serialize};

fn one() -> u32 {
    1
}

/// The controller mode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ControllerSpec {
    /// ZooKeeper mode: broker sessions in ZooKeeper, a broker is elected controller.
    ZooKeeper {
        /// zookeeper.session.timeout.ms.
        #[serde(default = "d::<18000>")]
        session_timeout: Dur,
    },
}

impl Default for ControllerSpec {
    fn default() -> Self {
        ControllerSpec::ZooKeeper { session_timeout: Dur::secs(18) }
    }
}

/// The cluster.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClusterSpec {
    /// Number of brokers, named broker-1 … broker-N.
    pub brokers: u32,
    /// Controller mode.
    pub controller: ControllerSpec,
    /// Network latency and loss.
    pub network: LinkConfig,
    /// replica.lag.time.max.ms.
    pub replica_lag_time_max: Dur,
    /// replica.fetch.wait.max.ms.
    pub replica_fetch_wait_max: Dur,
    /// replica.socket.timeout.ms.
    pub replica_socket_timeout: Dur,
    /// log.flush.interval.messages.
    pub flush_every_messages: Option<u64>,
    /// How often data reaches disk (log.flush.interval.ms, or the OS writeback).
    pub flush_interval: Dur,
    /// Replica placement start: Kafka draws it at random; fixed 0 by default so
    /// broker-1 leads partition 0.
    pub placement_start: u32,
    /// offsets.topic.num.partitions of the internal __consumer_offsets topic.
    pub offsets_topic_partitions: u32,
    /// group.initial.rebalance.delay.ms.
    pub group_initial_rebalance_delay: Dur,
    /// log.retention.check.interval.ms (Kafka: 5 minutes; 1 s so short runs show retention).
    pub retention_check_interval: Dur,
}

impl Default for ClusterSpec {
    fn default() -> Self {
        ClusterSpec {
            brokers: 3,
            controller: ControllerSpec::default(),
            network: LinkConfig::default(),
            replica_lag_time_max: Dur::secs(30),
            replica_fetch_wait_max: Dur::ms(500),
            replica_socket_timeout: Dur::secs(30),
            flush_every_messages: None,
            flush_interval: Dur::secs(5),
            placement_start: 0,
            offsets_topic_partitions: 50,
            group_initial_rebalance_delay: Dur::secs(3),
            retention_check_interval: Dur::secs(1),
        }
    }
}

/// Retention (cleanup.policy=delete) and the segments it deletes whole, with Kafka's topic
/// config names: a partition's log is cut into segments; every `retention_check_interval`
/// each replica deletes its oldest segments that lie wholly below its high watermark while
/// the size rule or the time rule allows. The active segment never goes by size.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionSpec {
    /// retention.bytes: delete the oldest segments while the partition stays at least this
    /// large without them (None: Kafka's -1, no limit).
    pub retention_bytes: Option<u64>,
    /// retention.ms: delete segments whose newest record is older than this (None: no limit;
    /// Kafka's default is 7 days, longer than any run). `max_age` is its old name.
    #[serde(alias = "max_age")]
    pub retention_ms: Option<Dur>,
    /// segment.bytes: the active segment rolls before it would grow past this (1 GiB).
    pub segment_bytes: u64,
    /// segment.ms: the active segment rolls once its first record is this old (7 days).
    pub segment_ms: Dur,
    /// Not a Kafka setting, a teaching simplification: keep at least about this many
    /// records; the size rule counting records instead of bytes, with segments of a tenth
    /// of it.
    pub max_messages: Option<u64>,
}

impl Default for RetentionSpec {
    fn default() -> Self {
        RetentionSpec {
            retention_bytes: None,
            retention_ms: None,
            segment_bytes: 1 << 30,
            segment_ms: Dur::secs(7 * 24 * 3600),
            max_messages: None,
        }
    }
}

/// A topic.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    /// Name.
    pub name: String,
    /// Partitions.
    #[serde(default = "one")]
    pub partitions: u32,
    /// Replication factor.
    #[serde(default = "one")]
    pub replication_factor: u32,
    /// min.insync.replicas.
    #[serde(default = "one")]
    pub min_insync_replicas: u32,
    /// Retention.
    #[serde(default)]
    pub retention: RetentionSpec,
    /// unclean.leader.election.enable.
    #[serde(default)]
    pub unclean_leader_election: bool,
}
