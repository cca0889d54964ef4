//! The `narration` section: beats shown at given times (placeholders: scenario/narration.rs).
//! A beat may pause playback until the learner continues, ring the nodes it talks about,
//! and wait for the trace event it describes (`on`), so it stays true under any seed.

use crate::sim::Dur;
use serde::{Deserialize, Serialize};

/// A beat of narration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Narration {
    /// When to show it (with `on`: the earliest time it may show).
    pub at: Dur,
    /// The text.
    pub text: String,
    /// Stop playback here until the learner presses Continue.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pause: bool,
    /// What to ring while the beat shows: a node ("consumer-1", "broker-2", "zookeeper"),
    /// a partition row ("TOPIC-A-0"), a queue ("queue:tasks") or a group ("group:A").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub focus: Vec<String>,
    /// Show it at the first trace record of this kind at or after `at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<Trigger>,
}

/// A trace event a beat waits for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Trigger {
    /// A leader election of a partition (topic, partition).
    LeaderChange(String, u32),
    /// A completed rebalance of a group.
    Rebalance(String),
    /// A member removed from a group (session timeout, left, poll timeout).
    MemberRemoved(String),
    /// A record sent to a dead-letter topic, or a message dead-lettered by RabbitMQ.
    DeadLetter,
    /// A message expiring (TTL) in a queue.
    Expire(String),
    /// An offset commit by a group.
    Commit(String),
}
