//! Cluster and topic settings the brokers, controller and clients read, with Kafka's
//! names and defaults (units last).

use crate::sim::Dur;
use crate::trace::{GroupRef, TopicId, Tp};

/// Per-topic settings.
#[derive(Clone, Debug)]
pub struct TopicCfg {
    /// Topic name.
    pub name: String,
    /// Its index.
    pub id: TopicId,
    /// Number of partitions.
    pub partitions: u32,
    /// Replicas per partition.
    pub replication_factor: u32,
    /// min.insync.replicas.
    pub min_insync_replicas: u32,
    /// Segments and retention of its partitions' logs.
    pub log: LogCfg,
    /// unclean.leader.election.enable.
    pub unclean_leader_election: bool,
}

impl TopicCfg {
    /// min(min.insync.replicas, replication factor).
    pub fn effective_min_isr(&self) -> usize {
        self.min_insync_replicas.min(self.replication_factor) as usize
    }
}

/// How a partition's log is cut into segments and which segments retention deletes
/// (cleanup.policy=delete; K LogConfig). Kafka's defaults, except where noted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogCfg {
    /// retention.bytes: the oldest segments go while the log stays at least this large
    /// without them (None: -1, no size limit).
    pub retention_bytes: Option<u64>,
    /// retention.ms: segments whose newest record is older than this go (None: no limit;
    /// Kafka's default is 7 days, longer than any run).
    pub retention_ms: Option<Dur>,
    /// Not Kafka (a teaching simplification): the retention.bytes rule counting records,
    /// with segments of a tenth of it.
    pub retention_records: Option<u64>,
    /// segment.bytes: the active segment rolls before it would grow past this.
    pub segment_bytes: u64,
    /// segment.ms: the active segment rolls once its first record is this old.
    pub segment_ms: Dur,
}

impl Default for LogCfg {
    fn default() -> Self {
        LogCfg {
            retention_bytes: None,
            retention_ms: None,
            retention_records: None,
            segment_bytes: 1 << 30,
            segment_ms: Dur::secs(7 * 24 * 3600),
        }
    }
}

impl LogCfg {
    /// Records per segment under the record-count rule: a tenth of it (at least 1).
    pub fn segment_records(&self) -> Option<u64> {
        self.retention_records.map(|n| (n / 10).max(1))
    }

    /// True when some retention rule is set.
    pub fn has_retention(&self) -> bool {
        self.retention_bytes.is_some() || self.retention_ms.is_some() || self.retention_records.is_some()
    }
}

/// Settings shared by the whole cluster.
#[derive(Clone, Debug)]
pub struct ClusterCfg {
    /// Number of brokers (ids 1..=brokers).
    pub brokers: u32,
    /// Topics by index.
    pub topics: Vec<TopicCfg>,
    /// zookeeper.session.timeout.ms.
    pub zk_session_timeout: Dur,
    /// replica.lag.time.max.ms.
    pub replica_lag_time_max: Dur,
    /// replica.fetch.wait.max.ms.
    pub replica_fetch_wait_max: Dur,
    /// replica.fetch.backoff.ms.
    pub replica_fetch_backoff: Dur,
    /// replica.socket.timeout.ms: a follower gives up on a fetch after this.
    pub replica_socket_timeout: Dur,
    /// Records a follower fetch returns at most.
    pub replica_fetch_max_records: u32,
    /// log.flush.interval.messages (None: never by count).
    pub flush_every_messages: Option<u64>,
    /// How often dirty pages reach disk: log.flush.interval.ms, or the OS writeback.
    pub flush_interval: Dur,
    /// log.retention.check.interval.ms.
    pub retention_check_interval: Dur,
    /// Consumer group names by index (the coordinator hashes them).
    pub groups: Vec<String>,
    /// The internal __consumer_offsets topic, when the scenario has groups.
    pub offsets_topic: Option<TopicId>,
    /// group.initial.rebalance.delay.ms.
    pub group_initial_rebalance_delay: Dur,
}

impl ClusterCfg {
    /// The __consumer_offsets partition that stores `group` (K GroupMetadataManager
    /// partitionFor: abs(groupId.hashCode) % partitions, Utils.abs(MIN_VALUE) = 0); its
    /// leader is the group's coordinator.
    pub fn offsets_partition_for(&self, group: GroupRef) -> Option<Tp> {
        let topic = self.offsets_topic?;
        let n = self.topic(topic).partitions;
        let h = crate::kafka::assignor::java_hash::java_hash(&self.groups[group.0 as usize]);
        let abs = if h == i32::MIN { 0 } else { h.unsigned_abs() };
        Some(Tp { topic, partition: abs % n })
    }

    /// Settings of a topic.
    pub fn topic(&self, id: TopicId) -> &TopicCfg {
        &self.topics[id.0 as usize]
    }
}
