//! A producer's settings as the scenario gives them (names as in K ProducerConfig): the
//! topic, the rate, how keys and partitions are chosen, acks, retries, idempotence, batching.

use crate::kafka::producer::partitioner::NullKeyPartitioner;
use crate::kafka::protocol::Acks;
use crate::sim::Dur;
use crate::trace::{KeyId, TopicId};

/// How keys are chosen.
#[derive(Clone, Debug)]
pub enum Keys {
    /// No key.
    None,
    /// Uniformly at random from a list.
    Random(Vec<KeyId>),
    /// Cycling through a list in order (also "N distinct keys", e.g. car ids).
    Cycle(Vec<KeyId>),
}

/// A producer's resolved settings (names as in ProducerConfig, units last).
#[derive(Clone, Debug)]
pub struct ProducerCfg {
    /// Producer number (message ids carry it).
    pub number: u32,
    /// Target topic.
    pub topic: TopicId,
    /// Its partition count at the start.
    pub partitions: u32,
    /// metadata.max.age.ms: how often metadata is refreshed even without errors.
    pub metadata_max_age: Dur,
    /// Mean time between records.
    pub interval: Dur,
    /// Poisson arrivals instead of a constant rate.
    pub poisson: bool,
    /// Key choice.
    pub keys: Keys,
    /// Explicit partition for every record.
    pub partition: Option<u32>,
    /// Null-key partitioner.
    pub null_key: NullKeyPartitioner,
    /// acks.
    pub acks: Acks,
    /// retries.
    pub retries: u32,
    /// retry.backoff.ms and retry.backoff.max.ms.
    pub retry_backoff: Dur,
    /// Cap of the exponential backoff.
    pub retry_backoff_max: Dur,
    /// request.timeout.ms.
    pub request_timeout: Dur,
    /// delivery.timeout.ms.
    pub delivery_timeout: Dur,
    /// enable.idempotence.
    pub idempotent: bool,
    /// max.in.flight.requests.per.connection (per partition here).
    pub max_in_flight: u32,
    /// linger.ms.
    pub linger: Dur,
    /// Records per batch at most.
    pub batch_records: u32,
    /// Bytes per record (the sticky partitioner switches after batch.size bytes; the log
    /// counts them for segment.bytes and retention.bytes).
    pub record_bytes: u32,
    /// batch.size.
    pub batch_bytes: u32,
    /// When it starts producing.
    pub start: Dur,
    /// When it stops producing.
    pub stop: Option<Dur>,
    /// How many records at most.
    pub max_messages: Option<u64>,
}
