//! What a scenario names, looked up: topics and their partitions, and the nodes (brokers,
//! ZooKeeper, clients) that faults and expectations may name.

use super::groups::client_names;
use crate::scenario::schema::{Action, Scenario};

/// Partitions of a declared topic.
pub fn topic_partitions(sc: &Scenario, name: &str) -> Option<u32> {
    sc.topics.iter().find(|t| t.name == name).map(|t| t.partitions)
}

/// Partitions of a topic once every AddPartitions input ran.
pub fn grown_partitions(sc: &Scenario, name: &str) -> Option<u32> {
    let grown = sc.faults.iter().filter_map(|f| match &f.action {
        Action::AddPartitions { topic, count } if topic == name => Some(*count),
        _ => None,
    });
    topic_partitions(sc, name).map(|n| grown.fold(n, u32::max))
}

/// The declared topics, for error messages.
pub fn topic_names(sc: &Scenario) -> String {
    let names: Vec<&str> = sc.topics.iter().map(|t| t.name.as_str()).collect();
    if names.is_empty() { "none defined".into() } else { names.join(", ") }
}

/// Whether `name` names a node of the scenario.
pub fn is_node_name(sc: &Scenario, name: &str) -> bool {
    (name == "zookeeper" && sc.cluster.brokers > 0)
        || name
            .strip_prefix("broker-")
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|b| b >= 1 && b <= sc.cluster.brokers)
        || client_names(sc).contains(&name)
        || added_consumer(sc, name)
}

/// A consumer an AddConsumer input creates (named, or `<group>-<n>`).
fn added_consumer(sc: &Scenario, name: &str) -> bool {
    sc.faults.iter().any(|f| match &f.action {
        Action::AddConsumer { group, name: n, .. } => match n {
            Some(n) => n == name,
            None => name
                .strip_prefix(group.as_str())
                .and_then(|r| r.strip_prefix('-'))
                .is_some_and(|d| d.parse::<u32>().is_ok()),
        },
        _ => false,
    })
}
