//! The `course` and `questions` sections: a scenario's place in the guided course (its
//! chapter, goal and the chapter's concepts it teaches) and the predictions it asks for.
//! A question's right answer is never stored: it is the choice whose `holds` all pass at
//! `reveal` in this run.

use super::Expectation;
use crate::sim::Dur;
use serde::{Deserialize, Serialize};

/// A scenario's place in the course.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseSpec {
    /// Its chapter number (1 first).
    pub chapter: u32,
    /// What the learner will be able to say afterwards.
    pub goal: String,
    /// Concept ids of the chapter it teaches (`CONCEPTS`).
    #[serde(default)]
    pub concepts: Vec<String>,
}

/// A prediction the learner makes before seeing the outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Playback stops here and asks.
    pub at: Dur,
    /// The question.
    pub ask: String,
    /// The answers offered (at least two).
    pub choices: Vec<Choice>,
    /// When the choices are judged (`at` ≤ `reveal` ≤ the run's duration).
    pub reveal: Dur,
    /// Why the right answer is right, shown after the reveal.
    #[serde(default)]
    pub explain: String,
}

/// One answer offered, and what must hold at the reveal for it to be the right one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The answer as shown.
    pub text: String,
    /// Expectations evaluated at the reveal; timed kinds must be timed at the reveal.
    pub holds: Vec<Expectation>,
}

/// The concept ids of the chapter, each taught by at least one chapter of the course.
pub const CONCEPTS: [&str; 41] = [
    "async",
    "retry",
    "pace-matching",
    "cars-dashboard",
    "p2p",
    "pubsub",
    "producer",
    "consumer",
    "group",
    "topic",
    "partition",
    "offset",
    "broker",
    "cluster",
    "zookeeper",
    "zk-not-data-path",
    "partitions-spread",
    "replica",
    "leader-follower",
    "leader-only-io",
    "follower-fetch",
    "failover",
    "record-fields",
    "key-hash",
    "explicit-partition",
    "round-robin-sticky",
    "partition-precedence",
    "committed-offset-next",
    "offsets-not-in-zk",
    "takeover-at-commit",
    "many-partitions-per-member",
    "idle-member",
    "multi-topic-assignment",
    "queue-full",
    "retention",
    "max-length",
    "poison-retry",
    "dlq",
    "redrive",
    "pull-vs-push",
    "rabbit-model",
];
