//! The `expect` section: what `check` verifies about a run.

use crate::sim::Dur;
use crate::trace::ErrorCode;
use serde::{Deserialize, Serialize};

/// Something `check` verifies about a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Expectation {
    /// No acknowledged record is missing from its partition at the end.
    NoAckedLoss,
    /// At least this many acknowledged records are missing at the end.
    AckedLoss { at_least: u64 },
    /// Records created by producers.
    Produced {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records acknowledged to producers.
    Acked {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records processed (by one consumer, or all).
    Consumed {
        #[serde(default)]
        consumer: Option<String>,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records processed more than once by a consumer.
    Duplicates {
        #[serde(default)]
        consumer: Option<String>,
        #[serde(default)]
        group: Option<String>,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// A consumer's lag at a time is at least this.
    LagAtLeast {
        #[serde(default)]
        consumer: Option<String>,
        #[serde(default)]
        group: Option<String>,
        at: Dur,
        messages: u64,
    },
    /// A consumer's lag at a time is at most this.
    LagAtMost {
        #[serde(default)]
        consumer: Option<String>,
        #[serde(default)]
        group: Option<String>,
        at: Dur,
        messages: u64,
    },
    /// The leader of a partition at a time (broker None: offline).
    LeaderOf { topic: String, partition: u32, at: Dur, broker: Option<u32> },
    /// ISR size of a partition at a time.
    IsrSize { topic: String, partition: u32, at: Dur, n: u32 },
    /// Produce errors of a kind.
    ProduceErrors {
        kind: ErrorCode,
        #[serde(default)]
        at_least: Option<u64>,
        #[serde(default)]
        at_most: Option<u64>,
    },
    /// Leader elections after the start.
    LeaderChanges {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records removed by truncation (divergent tails).
    Truncated {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records produced to one partition.
    ProducedTo {
        topic: String,
        partition: u32,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Per key, a consumer processed records in the order they were produced.
    KeyOrderHolds { consumer: String },
    /// The controller at a time.
    ControllerIs { at: Dur, broker: u32 },
    /// Failed processing attempts at a consumer.
    ProcessFailures {
        consumer: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records a consumer skipped after its retries.
    Skipped {
        consumer: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Times a consumer processed a key's records out of produced order (retries reorder).
    OrderViolations {
        consumer: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Completed rebalances (new generations) of a group.
    Rebalances {
        group: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// A member's partitions at a time, e.g. ["orders-0", "orders-2"].
    Assignment { group: String, at: Dur, member: String, partitions: Vec<String> },
    /// Records below the group's committed offsets that it never handled (at-most-once loss).
    Lost {
        group: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// RabbitMQ: messages delivered to an auto-ack (no_ack) consumer that crashed before
    /// processing them (the broker forgot each message when it sent it).
    AutoAckLost {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records published to a dead-letter topic (Kafka), or messages dead-lettered from a
    /// queue (RabbitMQ, optionally for one reason: Rejected, Expired, Maxlen, DeliveryLimit).
    DeadLettered {
        #[serde(default)]
        topic: Option<String>,
        #[serde(default)]
        queue: Option<String>,
        #[serde(default)]
        reason: Option<crate::amqp::DeathReason>,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records re-driven from a dead-letter topic.
    Redriven {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Messages routed into a queue.
    Routed {
        queue: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// At the end every partition has a leader and every consumer group with a live member
    /// is stable (what a sweep checks after healing).
    Healthy,
    /// Messages a full queue refused (reject-publish).
    Refused {
        queue: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Deliveries flagged redelivered.
    Redelivered {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// A queue holds at most `n` ready messages at a time.
    QueueDepthAtMost { queue: String, at: Dur, n: u64 },
    /// Messages returned to publishers (mandatory, unroutable).
    Returned {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Times a consumer's position was reset (auto.offset.reset) because its offset was out
    /// of range, e.g. retention deleted the records it had not read yet.
    OffsetResets {
        consumer: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// The group's committed offset for a partition at a time.
    CommittedOffset { group: String, topic: String, partition: u32, at: Dur, offset: u64 },
}

impl Expectation {
    /// The time it is evaluated at, if not the end of the run.
    pub fn at(&self) -> Option<Dur> {
        match self {
            Expectation::LagAtLeast { at, .. }
            | Expectation::LagAtMost { at, .. }
            | Expectation::LeaderOf { at, .. }
            | Expectation::IsrSize { at, .. }
            | Expectation::ControllerIs { at, .. }
            | Expectation::Assignment { at, .. }
            | Expectation::CommittedOffset { at, .. }
            | Expectation::QueueDepthAtMost { at, .. } => Some(*at),
            Expectation::NoAckedLoss
            | Expectation::AckedLoss { .. }
            | Expectation::Produced { .. }
            | Expectation::Acked { .. }
            | Expectation::Consumed { .. }
            | Expectation::Duplicates { .. }
            | Expectation::ProduceErrors { .. }
            | Expectation::LeaderChanges { .. }
            | Expectation::Truncated { .. }
            | Expectation::ProducedTo { .. }
            | Expectation::KeyOrderHolds { .. }
            | Expectation::ProcessFailures { .. }
            | Expectation::Skipped { .. }
            | Expectation::Rebalances { .. }
            | Expectation::OrderViolations { .. }
            | Expectation::Lost { .. }
            | Expectation::AutoAckLost { .. }
            | Expectation::DeadLettered { .. }
            | Expectation::Redriven { .. }
            | Expectation::Routed { .. }
            | Expectation::Refused { .. }
            | Expectation::Healthy
            | Expectation::Redelivered { .. }
            | Expectation::Returned { .. }
            | Expectation::OffsetResets { .. } => None,
        }
    }
}
