//! Topics a scenario implies without declaring them: each group's retry and dead-letter
//! topics (same partitions and replication as the group's topic, as Spring creates them)
//! and, when there are groups, the internal `__consumer_offsets` topic.

use super::schema::{OnFailureSpec, RetentionSpec, Scenario, TopicSpec};
use crate::sim::Dur;

/// The internal offsets topic.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";

/// Spring's retry topic name: `<topic>-retry-<delay in ms>` (orders-retry-1000).
pub fn retry_topic(topic: &str, delay: Dur) -> String {
    format!("{topic}-retry-{}", delay.0 / 1000)
}

fn like(base: Option<&TopicSpec>, name: String) -> TopicSpec {
    TopicSpec {
        name,
        partitions: base.map(|b| b.partitions).unwrap_or(1),
        replication_factor: base.map(|b| b.replication_factor).unwrap_or(1),
        min_insync_replicas: base.map(|b| b.min_insync_replicas).unwrap_or(1),
        retention: RetentionSpec::default(),
        unclean_leader_election: false,
    }
}

/// Declared topics, then the implied ones (each once).
pub fn all_topics(sc: &Scenario) -> Vec<TopicSpec> {
    let mut out = sc.topics.clone();
    let add = |t: TopicSpec, out: &mut Vec<TopicSpec>| {
        if !out.iter().any(|o| o.name == t.name) {
            out.push(t);
        }
    };
    for g in &sc.consumer_groups {
        let base = g.topics.first().and_then(|n| sc.topics.iter().find(|t| &t.name == n)).cloned();
        match &g.on_failure {
            OnFailureSpec::Retry { dead_letter: Some(d), .. } => add(like(base.as_ref(), d.clone()), &mut out),
            OnFailureSpec::Retry { dead_letter: None, .. } => {}
            OnFailureSpec::RetryTopics { delays, dead_letter } => {
                let main = g.topics.first().cloned().unwrap_or_default();
                for d in delays {
                    add(like(base.as_ref(), retry_topic(&main, *d)), &mut out);
                }
                add(like(base.as_ref(), dead_letter.clone()), &mut out);
            }
        }
    }
    if !sc.consumer_groups.is_empty() {
        let rf = sc.cluster.brokers.min(3);
        let t = TopicSpec {
            name: OFFSETS_TOPIC.into(),
            partitions: sc.cluster.offsets_topic_partitions,
            replication_factor: rf,
            min_insync_replicas: 1,
            retention: RetentionSpec::default(),
            unclean_leader_election: false,
        };
        add(t, &mut out);
    }
    out
}
