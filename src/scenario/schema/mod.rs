//! The scenario file format (RON), one file per section of docs/scenarios.md. Every struct
//! denies unknown fields; omitted fields take Kafka's defaults. docs/scenarios.md shows
//! every field.

mod cluster;
mod consumers;
mod course;
mod defaults;
mod expect;
mod faults;
mod groups;
mod narration;
mod producers;
mod rabbitmq;

pub use cluster::{ClusterSpec, ControllerSpec, RetentionSpec, TopicSpec};
pub use consumers::ConsumerSpec;
pub use course::{CONCEPTS, Choice, CourseSpec, Question};
pub use expect::Expectation;
pub use faults::{Action, FaultSpec};
pub use groups::{CommitSpec, FailureSpec, GroupSpec, MemberSpec, OnFailureSpec, RedriveSpec};
pub use narration::{Narration, Trigger};
pub use producers::{KeySpec, ProducerSpec, Rate};
pub use rabbitmq::{AmqpConsumerSpec, BindingSpec, ExchangeSpec, PublisherSpec, QueueSpec, RabbitSpec};

use crate::sim::Dur;
use serde::{Deserialize, Serialize};

fn default_seed() -> u64 {
    1
}

/// A whole scenario.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Title shown in the picker and the summary.
    pub name: String,
    /// One-line description.
    #[serde(default)]
    pub about: String,
    /// Default seed (`--seed` overrides); 1 when omitted, never entropy.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// How long to run.
    pub duration: Dur,
    /// Its chapter in the guided course, if it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course: Option<CourseSpec>,
    /// Brokers, controller, network and broker settings.
    #[serde(default)]
    pub cluster: ClusterSpec,
    /// Topics, created before the run starts.
    #[serde(default)]
    pub topics: Vec<TopicSpec>,
    /// Producers.
    #[serde(default)]
    pub producers: Vec<ProducerSpec>,
    /// Consumers with assigned partitions (no group).
    #[serde(default)]
    pub consumers: Vec<ConsumerSpec>,
    /// Consumer groups (members coordinated by a broker, committing offsets).
    #[serde(default)]
    pub consumer_groups: Vec<GroupSpec>,
    /// Re-drive processes: read a dead-letter topic and send records back.
    #[serde(default)]
    pub redrive: Vec<RedriveSpec>,
    /// A RabbitMQ broker, if the scenario has one.
    #[serde(default)]
    pub rabbitmq: Option<RabbitSpec>,
    /// AMQP publishers.
    #[serde(default)]
    pub publishers: Vec<PublisherSpec>,
    /// AMQP consumers.
    #[serde(default)]
    pub amqp_consumers: Vec<AmqpConsumerSpec>,
    /// Scheduled faults and other inputs.
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    /// Text shown at given times.
    #[serde(default)]
    pub narration: Vec<Narration>,
    /// Predictions the learner is asked for; `check` requires exactly one right answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<Question>,
    /// What `check` verifies.
    #[serde(default)]
    pub expect: Vec<Expectation>,
}
