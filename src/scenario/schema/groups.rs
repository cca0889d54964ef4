//! The `consumer_groups` and `redrive` sections: groups, their members, how they commit,
//! which records fail and what a member does then (retry, retry topics, dead-letter
//! topic), and the re-drive processes that send dead letters back.

use super::defaults::{d, max_poll, yes};
use crate::kafka::OffsetReset;
use crate::sim::Dur;
use serde::{Deserialize, Serialize};

/// A consumer group: members sharing a subscription (Kafka's consumer defaults).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// group.id.
    pub name: String,
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// partition.assignment.strategy: Range, RoundRobin, Sticky, CooperativeSticky.
    #[serde(default)]
    pub assignor: crate::kafka::Strategy,
    /// The members at the start (more can be added while it runs).
    pub members: Vec<MemberSpec>,
    /// session.timeout.ms.
    #[serde(default = "d::<45000>")]
    pub session_timeout: Dur,
    /// heartbeat.interval.ms.
    #[serde(default = "d::<3000>")]
    pub heartbeat_interval: Dur,
    /// max.poll.interval.ms.
    #[serde(default = "d::<300000>")]
    pub max_poll_interval: Dur,
    /// max.poll.records.
    #[serde(default = "max_poll")]
    pub max_poll_records: u32,
    /// fetch.max.wait.ms.
    #[serde(default = "d::<500>")]
    pub fetch_max_wait: Dur,
    /// request.timeout.ms.
    #[serde(default = "d::<30000>")]
    pub request_timeout: Dur,
    /// metadata.max.age.ms: how soon members notice added partitions.
    #[serde(default = "d::<300000>")]
    pub metadata_max_age: Dur,
    /// auto.offset.reset (Kafka's default: Latest).
    #[serde(default = "latest")]
    pub auto_offset_reset: OffsetReset,
    /// When offsets are committed.
    #[serde(default)]
    pub commit: CommitSpec,
    /// Which records fail processing.
    #[serde(default)]
    pub failures: FailureSpec,
    /// What a member does when processing fails.
    #[serde(default)]
    pub on_failure: OnFailureSpec,
}

fn latest() -> OffsetReset {
    OffsetReset::Latest
}

/// One group member.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSpec {
    /// client.id (and node name).
    pub name: String,
    /// Time to process one record.
    pub process_time: Dur,
    /// When it starts.
    #[serde(default)]
    pub start: Dur,
    /// group.instance.id: a static member (KIP-345).
    #[serde(default)]
    pub instance_id: Option<String>,
}

/// When a group commits offsets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CommitSpec {
    /// enable.auto.commit with auto.commit.interval.ms (the default: 5 s).
    Auto {
        /// auto.commit.interval.ms.
        #[serde(default = "d::<5000>")]
        interval: Dur,
    },
    /// commitSync after processing each poll batch.
    Sync,
    /// commitAsync after processing each poll batch.
    Async,
    /// Commit a batch before processing it (at-most-once).
    BeforeProcess,
}

impl Default for CommitSpec {
    fn default() -> Self {
        CommitSpec::Auto { interval: Dur::secs(5) }
    }
}

/// Which records fail processing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FailureSpec {
    /// Records with these keys always fail (poison).
    pub poison_keys: Vec<String>,
    /// These records always fail, by value id: `"producer#n"` (the n-th record of that producer, from 0).
    pub poison_values: Vec<String>,
    /// This share of records always fails (chosen by value id), 0 to 1.
    pub poison_probability: f64,
    /// Each attempt fails with this probability (a transient error), 0 to 1.
    pub transient_probability: f64,
}

/// What a member does when processing fails.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum OnFailureSpec {
    /// Blocking retry in place, then the dead-letter topic (or log and skip).
    Retry {
        /// Attempts in all, the first included (None: forever). Spring's default is 10.
        #[serde(default = "ten")]
        max_attempts: Option<u32>,
        /// Wait between attempts.
        #[serde(default)]
        backoff: Dur,
        /// Dead-letter topic (created if not declared).
        #[serde(default)]
        dead_letter: Option<String>,
    },
    /// Non-blocking retry topics `<topic>-retry-<delay ms>`, one per delay, then the DLT.
    RetryTopics {
        /// Delay of each retry topic.
        delays: Vec<Dur>,
        /// Dead-letter topic (created if not declared).
        dead_letter: String,
    },
}

fn ten() -> Option<u32> {
    Some(10)
}

impl Default for OnFailureSpec {
    fn default() -> Self {
        OnFailureSpec::Retry { max_attempts: Some(10), backoff: Dur::ZERO, dead_letter: None }
    }
}

/// A re-drive process: reads a dead-letter topic from the start and produces every record
/// back to the partition it came from.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedriveSpec {
    /// Node name.
    pub name: String,
    /// The dead-letter topic to read.
    pub from: String,
    /// When it starts.
    #[serde(default)]
    pub start: Dur,
    /// The scenario's fix is applied first: re-driven records then process normally.
    #[serde(default = "yes")]
    pub fix: bool,
    /// Time to handle one record.
    #[serde(default = "d::<10>")]
    pub process_time: Dur,
}
