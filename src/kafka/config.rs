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
    /// retention by count: the most records a partition keeps (None: unbounded).
    pub retention_max_messages: Option<u64>,
    /// retention.ms: records older than this are deleted.
    pub retention_max_age: Option<Dur>,
    /// unclean.leader.election.enable.
    pub unclean_leader_election: bool,
}

impl TopicCfg {
    /// min(min.insync.replicas, replication factor).
    pub fn effective_min_isr(&self) -> usize {
        self.min_insync_replicas.min(self.replication_factor) as usize
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
