//! Checks of the `producers` section: topics and partitions that exist, keys and rates
//! in range, settings that must be positive.

use super::limits::{self, positive};
use super::names::{topic_names, topic_partitions};
use super::rates::{interval_us, key_bytes, producer_keys};
use crate::scenario::error::ScenarioError;
use crate::scenario::schema::Scenario;
use crate::sim::Dur;

/// Checks the producers. `err` places a message near the anchors.
pub fn check_producers(sc: &Scenario, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    if sc.producers.len() + sc.consumers.len() > limits::CLIENTS {
        return Err(err(&["producers"], format!("at most {} producers and consumers together", limits::CLIENTS)));
    }
    let key_bytes: u64 = sc.producers.iter().map(|p| key_bytes(&p.key)).sum();
    if key_bytes > limits::KEY_BYTES {
        return Err(err(
            &["producers", "key"],
            format!("the producers' keys take about {key_bytes} bytes; the limit is {} in all", limits::KEY_BYTES),
        ));
    }
    for p in &sc.producers {
        let name = format!("\"{}\"", p.name);
        let at = ["producers", name.as_str()];
        let Some(parts) = topic_partitions(sc, &p.topic) else {
            return Err(err(
                &["producers", &name, "topic"],
                format!("producer \"{}\": topic \"{}\" is not defined (topics: {})", p.name, p.topic, topic_names(sc)),
            ));
        };
        if let Some(part) = p.partition
            && part >= parts
        {
            return Err(err(
                &["producers", &name, "partition"],
                format!("producer \"{}\": partition {part} does not exist (\"{}\" has {parts})", p.name, p.topic),
            ));
        }
        let (keys, distinct) = producer_keys(&p.key);
        if keys == 0 || keys > limits::KEYS {
            return Err(err(
                &["producers", &name, "key"],
                format!("producer \"{}\": between 1 and {} keys", p.name, limits::KEYS),
            ));
        }
        if let Err(m) = interval_us(&p.rate, keys, distinct) {
            return Err(err(&["producers", &name, "rate"], format!("producer \"{}\": {m}", p.name)));
        }
        if p.batch_records == 0 || p.max_in_flight == 0 || p.max_in_flight > 100 || p.record_bytes == 0 {
            return Err(err(
                &at,
                format!(
                    "producer \"{}\": `batch_records`, `record_bytes` must be ≥ 1 and `max_in_flight` 1 to 100",
                    p.name
                ),
            ));
        }
        // K UnifiedLog.append: a batch larger than segment.bytes is refused
        // (RecordBatchTooLargeException); here every batch would be.
        if let Some(t) = sc.topics.iter().find(|t| t.name == p.topic)
            && p.record_bytes as u64 > t.retention.segment_bytes
        {
            return Err(err(
                &["producers", &name, "record_bytes"],
                format!(
                    "producer \"{}\": `record_bytes` ({}) is larger than topic \"{}\"'s `segment_bytes` ({}); \
                     Kafka refuses such records",
                    p.name, p.record_bytes, t.name, t.retention.segment_bytes
                ),
            ));
        }
        positive(err, p.request_timeout, "request_timeout", Dur::ms(1))?;
        positive(err, p.retry_backoff, "retry_backoff", Dur::ms(1))?;
    }
    Ok(())
}
