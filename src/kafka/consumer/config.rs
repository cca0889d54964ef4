//! A consumer's settings as the scenario gives them: offsets, commits, its group, what it
//! does when processing fails, re-drive.

use crate::sim::Dur;
use crate::trace::{GroupRef, KeyId, TopicId, Tp};
use std::collections::BTreeMap;

/// Where a consumer without a committed position starts (auto.offset.reset).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum OffsetReset {
    /// The oldest retained record.
    #[default]
    Earliest,
    /// Only records produced from now on.
    Latest,
}

/// When a group member commits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommitMode {
    /// enable.auto.commit: at a poll once the interval has passed, and before rejoining.
    Auto { interval: Dur },
    /// commitSync after each poll batch is processed (waits for the answer).
    Sync,
    /// commitAsync after each poll batch is processed.
    Async,
    /// Commit a batch's end before processing it: at-most-once.
    BeforeProcess,
}

/// Group settings of a member.
#[derive(Clone, Debug)]
pub struct GroupCfg {
    /// The group.
    pub group: GroupRef,
    /// Subscribed topics: name, id, partition count.
    pub topics: Vec<(String, TopicId, u32)>,
    /// partition.assignment.strategy.
    pub strategy: crate::trace::Strategy,
    /// session.timeout.ms.
    pub session_timeout: Dur,
    /// heartbeat.interval.ms.
    pub heartbeat_interval: Dur,
    /// max.poll.interval.ms (also the rebalance timeout it sends).
    pub max_poll_interval: Dur,
    /// Commit policy.
    pub commit: CommitMode,
    /// metadata.max.age.ms.
    pub metadata_max_age: Dur,
    /// group.instance.id (static membership).
    pub instance_id: Option<String>,
}

/// Which records fail processing.
#[derive(Clone, Debug, Default)]
pub struct FailureCfg {
    /// Records with these keys always fail.
    pub poison_keys: Vec<KeyId>,
    /// These records always fail.
    pub poison_values: Vec<crate::trace::MsgId>,
    /// This share of records (by value id, parts per million) always fails.
    pub poison_ppm: u32,
    /// Each attempt fails with this probability (parts per million).
    pub transient_ppm: u32,
}

/// A consumer's resolved settings.
#[derive(Clone, Debug)]
pub struct ConsumerCfg {
    /// client.id.
    pub name: String,
    /// Partitions it reads without a group.
    pub assignment: Vec<Tp>,
    /// Its group, if it is a member of one.
    pub group: Option<GroupCfg>,
    /// Time to process one record.
    pub process_time: Dur,
    /// max.poll.records: most records per fetch.
    pub max_poll_records: u32,
    /// fetch.max.wait.ms.
    pub fetch_max_wait: Dur,
    /// request.timeout.ms.
    pub request_timeout: Dur,
    /// auto.offset.reset.
    pub auto_offset_reset: OffsetReset,
    /// When it starts.
    pub start: Dur,
    /// Which records fail.
    pub failures: FailureCfg,
    /// What it does when one fails.
    pub on_failure: FailurePolicy,
    /// A re-drive process: each record goes back to its original partition.
    pub redrive: Option<RedriveCfg>,
    /// Partition counts of the topics it may publish to.
    pub topic_sizes: BTreeMap<TopicId, u32>,
}

/// What a consumer does when processing fails.
#[derive(Clone, Debug, PartialEq)]
pub enum FailurePolicy {
    /// Blocking: try the same record again after `backoff`, up to `max_attempts` in all
    /// (None: forever); then publish it to `dead_letter`, or log and skip it.
    InPlace { max_attempts: Option<u32>, backoff: Dur, dead_letter: Option<TopicId> },
    /// Non-blocking: publish it to the next retry topic (each with its delay), and after
    /// the last one to the dead-letter topic (Spring's @RetryableTopic).
    RetryTopics { topics: Vec<(TopicId, Dur)>, dead_letter: TopicId },
}

/// A re-drive process's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct RedriveCfg {
    /// The scenario's fix is applied: re-driven records process normally.
    pub fix: bool,
}
