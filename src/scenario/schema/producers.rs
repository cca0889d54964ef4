//! The `producers` section: Kafka producers, their rates and keys. `Rate` is shared with
//! the AMQP publishers.

use super::defaults::{d, hundred};
use crate::kafka::Acks;
use crate::kafka::NullKeyPartitioner;
use crate::sim::Dur;
use serde::{Deserialize, Serialize};

/// How often a producer creates records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Rate {
    /// Evenly spaced, N per second.
    PerSecond(u32),
    /// Poisson arrivals, N per second on average.
    Poisson(u32),
    /// One record every interval.
    Every(Dur),
    /// Each of the `Distinct` keys sends once per interval (cars reporting every 10 s).
    PerKeyEvery(Dur),
}

/// How a producer chooses keys.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum KeySpec {
    /// No key: the null-key partitioner decides.
    None,
    /// The same key every time.
    Fixed(String),
    /// Uniformly at random from a list.
    Random(Vec<String>),
    /// Round robin over a list.
    RoundRobin(Vec<String>),
    /// `count` distinct keys "{prefix}{i}", in turn (car ids).
    Distinct {
        /// Key prefix.
        prefix: String,
        /// How many keys.
        count: u32,
    },
}

/// A producer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSpec {
    /// Name.
    pub name: String,
    /// Target topic.
    pub topic: String,
    /// Rate.
    pub rate: Rate,
    /// Keys.
    #[serde(default = "no_key")]
    pub key: KeySpec,
    /// Explicit partition for every record.
    #[serde(default)]
    pub partition: Option<u32>,
    /// Null-key partitioner (Sticky: Kafka ≥ 3.3; RoundRobin: ≤ 2.3).
    #[serde(default)]
    pub null_key: NullKeyPartitioner,
    /// acks.
    #[serde(default = "acks_all")]
    pub acks: Acks,
    /// retries.
    #[serde(default = "max_retries")]
    pub retries: u32,
    /// retry.backoff.ms.
    #[serde(default = "d::<100>")]
    pub retry_backoff: Dur,
    /// retry.backoff.max.ms.
    #[serde(default = "d::<1000>")]
    pub retry_backoff_max: Dur,
    /// request.timeout.ms.
    #[serde(default = "d::<30000>")]
    pub request_timeout: Dur,
    /// delivery.timeout.ms.
    #[serde(default = "d::<120000>")]
    pub delivery_timeout: Dur,
    /// enable.idempotence; omitted: on when acks=all (Kafka ≥ 3.0), else off.
    #[serde(default)]
    pub idempotent: Option<bool>,
    /// max.in.flight.requests.per.connection.
    #[serde(default = "five")]
    pub max_in_flight: u32,
    /// linger.ms.
    #[serde(default)]
    pub linger: Dur,
    /// Records per batch at most.
    #[serde(default = "hundred")]
    pub batch_records: u32,
    /// Record size in bytes (the sticky partitioner's batch.size; segment.bytes and
    /// retention.bytes on the log).
    #[serde(default = "hundred")]
    pub record_bytes: u32,
    /// batch.size.
    #[serde(default = "batch_size")]
    pub batch_bytes: u32,
    /// Start time.
    #[serde(default)]
    pub start: Dur,
    /// Stop time.
    #[serde(default)]
    pub stop: Option<Dur>,
    /// Most records to send.
    #[serde(default)]
    pub max_messages: Option<u64>,
    /// metadata.max.age.ms: metadata is refreshed this often (finds added partitions).
    #[serde(default = "d::<300000>")]
    pub metadata_max_age: Dur,
}

fn no_key() -> KeySpec {
    KeySpec::None
}
fn acks_all() -> Acks {
    Acks::All
}
fn max_retries() -> u32 {
    i32::MAX as u32
}
fn five() -> u32 {
    5
}
fn batch_size() -> u32 {
    16384
}
