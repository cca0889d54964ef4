//! The `consumers` section: Kafka consumers with assigned partitions (no group).

use super::defaults::{d, max_poll};
use crate::kafka::OffsetReset;
use crate::sim::Dur;
use serde::{Deserialize, Serialize};

/// A consumer with assigned partitions.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerSpec {
    /// Name.
    pub name: String,
    /// Topic.
    pub topic: String,
    /// Partitions (omitted: all).
    #[serde(default)]
    pub partitions: Option<Vec<u32>>,
    /// Time to process one record.
    pub process_time: Dur,
    /// max.poll.records.
    #[serde(default = "max_poll")]
    pub max_poll_records: u32,
    /// fetch.max.wait.ms.
    #[serde(default = "d::<500>")]
    pub fetch_max_wait: Dur,
    /// request.timeout.ms.
    #[serde(default = "d::<30000>")]
    pub request_timeout: Dur,
    /// auto.offset.reset.
    #[serde(default)]
    pub auto_offset_reset: OffsetReset,
    /// Start time.
    #[serde(default)]
    pub start: Dur,
    /// When processing fails: attempts after the first before skipping the record
    /// (omitted: retry forever, blocking the partition).
    #[serde(default)]
    pub retries: Option<u32>,
    /// Wait between attempts.
    #[serde(default = "d::<1000>")]
    pub retry_backoff: Dur,
}
