//! Checks of the `cluster` and `topics` sections: the run's length, broker count and
//! settings, and topics whose sizes stay within the limits.

use super::limits::{self, positive};
use crate::scenario::error::ScenarioError;
use crate::scenario::schema::{ControllerSpec, Scenario, TopicSpec};
use crate::sim::Dur;

/// Checks the cluster settings and the run's size. `err` places a message near the anchors.
pub fn check_cluster(sc: &Scenario, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    let c = &sc.cluster;
    if sc.duration == Dur::ZERO || sc.duration > Dur::secs(limits::DURATION_S) {
        return Err(err(&["duration"], format!("`duration` must be between 1us and 24h, got {}", sc.duration)));
    }
    let kafka =
        !sc.topics.is_empty() || !sc.producers.is_empty() || !sc.consumers.is_empty() || !sc.consumer_groups.is_empty();
    if (c.brokers == 0 && kafka) || c.brokers > limits::BROKERS {
        return Err(err(
            &["brokers"],
            format!(
                "`brokers` must be between 1 and {} (0 only without Kafka topics and clients), got {}",
                limits::BROKERS,
                c.brokers
            ),
        ));
    }
    let ControllerSpec::ZooKeeper { session_timeout } = c.controller.clone();
    positive(err, session_timeout, "session_timeout", Dur::ms(1))?;
    positive(err, c.replica_lag_time_max, "replica_lag_time_max", Dur::ms(1))?;
    positive(err, c.replica_socket_timeout, "replica_socket_timeout", Dur::ms(1))?;
    positive(err, c.flush_interval, "flush_interval", Dur::ms(1))?;
    positive(err, c.retention_check_interval, "retention_check_interval", Dur::ms(1))?;
    if c.network.latency.max() > Dur::secs(60) {
        return Err(err(&["latency"], "network latency must stay below 60s".into()));
    }
    if c.network.loss_per_million > 1_000_000 {
        return Err(err(&["loss_per_million"], "`loss_per_million` is at most 1000000 (always lost)".into()));
    }
    if c.brokers > 0 && c.placement_start >= c.brokers {
        return Err(err(
            &["placement_start"],
            format!("`placement_start` must be below the broker count ({})", c.brokers),
        ));
    }
    let n = sc.faults.len().max(sc.narration.len()).max(sc.expect.len());
    if n > limits::ITEMS {
        return Err(err(&[], format!("at most {} faults, narration lines and expectations each", limits::ITEMS)));
    }
    Ok(())
}

/// Checks the declared topics. `err` places a message near the anchors.
pub fn check_topics(sc: &Scenario, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    if sc.topics.len() > limits::TOPICS {
        return Err(err(&["topics"], format!("at most {} topics, got {}", limits::TOPICS, sc.topics.len())));
    }
    let mut replicas = 0u64;
    for (i, t) in sc.topics.iter().enumerate() {
        let at = [format!("\"{}\"", t.name)];
        let at: Vec<&str> = std::iter::once("topics").chain(at.iter().map(|s| s.as_str())).collect();
        if sc.topics[..i].iter().any(|o| o.name == t.name) {
            return Err(err(&at, format!("topic \"{}\" is defined twice", t.name)));
        }
        if t.name.is_empty() || t.name.len() > 249 {
            return Err(err(&at, "topic names are 1 to 249 characters".into()));
        }
        if t.partitions == 0 || t.partitions > limits::PARTITIONS {
            return Err(err(
                &at,
                format!("topic \"{}\": `partitions` must be between 1 and {}", t.name, limits::PARTITIONS),
            ));
        }
        if t.replication_factor == 0 || t.replication_factor > sc.cluster.brokers {
            let msg = format!(
                "topic \"{}\": `replication_factor` must be between 1 and the number of brokers ({}), got {}",
                t.name, sc.cluster.brokers, t.replication_factor
            );
            return Err(err(&at, msg));
        }
        if t.min_insync_replicas == 0 {
            return Err(err(&at, format!("topic \"{}\": `min_insync_replicas` must be at least 1", t.name)));
        }
        check_retention(t, &at, err)?;
        replicas += t.partitions as u64 * t.replication_factor as u64;
    }
    if replicas > limits::REPLICAS {
        return Err(err(&["topics"], format!("{replicas} replicas in all; the limit is {}", limits::REPLICAS)));
    }
    Ok(())
}

/// A topic's retention: segments of at least one byte and one millisecond (segment.bytes,
/// segment.ms), a record-count limit of at least one record. `at`: the topic's anchors.
fn check_retention(
    t: &TopicSpec,
    at: &[&str],
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let r = &t.retention;
    let bad = if r.segment_bytes == 0 {
        Some(("segment_bytes", "must be at least 1 (byte)".to_string()))
    } else if r.segment_ms < Dur::ms(1) {
        Some(("segment_ms", format!("must be at least 1ms, got {}", r.segment_ms)))
    } else if r.max_messages == Some(0) {
        Some(("max_messages", "must be at least 1".to_string()))
    } else {
        None
    };
    match bad {
        Some((field, msg)) => {
            let anchors: Vec<&str> = at.iter().copied().chain(["retention", field]).collect();
            Err(err(&anchors, format!("topic \"{}\": `{field}` {msg}", t.name)))
        }
        None => Ok(()),
    }
}
