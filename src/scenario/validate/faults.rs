//! Checks of the `faults` section and of the app's inputs: every action names brokers,
//! topics, groups and nodes that exist. Scenario files and the app's inputs both pass
//! here, so a saved session always loads.

use super::groups::client_names;
use super::limits;
use super::names::{is_node_name, topic_names, topic_partitions};
use crate::scenario::error::ScenarioError;
use crate::scenario::schema::{Action, Scenario};
use crate::sim::Dur;

/// Checks the scheduled faults: in the run, and each action valid. `err` places a message
/// near the anchors.
pub fn check_faults(sc: &Scenario, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    for (i, f) in sc.faults.iter().enumerate() {
        let nth = |msg: String| {
            let mut a = vec!["faults"];
            a.extend(std::iter::repeat_n("action", i + 1));
            err(&a, format!("fault {} (at {}): {msg}", i + 1, f.at))
        };
        if f.at > sc.duration {
            return Err(nth(format!("happens after the end of the run ({})", sc.duration)));
        }
        check_action(sc, &f.action).map_err(nth)?;
    }
    Ok(())
}

/// Whether `action` makes sense in `sc` (names nodes, brokers, topics and groups that
/// exist); the reason when not. Scenario files and the app's inputs both pass here, so a
/// saved session always loads.
pub fn check_action(sc: &Scenario, action: &Action) -> Result<(), String> {
    match action {
        Action::CrashBroker(b) | Action::PowerOffBroker(b) | Action::StopBroker(b) | Action::RestartBroker(b) => {
            broker(sc, *b)
        }
        Action::CrashLeader { topic, partition } => leader(sc, topic, *partition),
        Action::CrashClient(n) | Action::RestartClient(n) | Action::PauseConsumer(n) | Action::ResumeConsumer(n) => {
            client(sc, n)
        }
        Action::AddPartitions { topic, count } => add_partitions(sc, topic, *count),
        Action::CrashRabbit | Action::RestartRabbit => rabbit(sc),
        Action::CrashCoordinator(group) => group_exists(sc, group),
        Action::AddConsumer { group, name, process_time } => add_consumer(sc, group, name.as_deref(), *process_time),
        Action::Cut(a, b) | Action::Heal(a, b) => nodes(sc, a.iter().chain(b).map(String::as_str)),
        Action::SlowLink(a, b, extra) => slow_link(sc, a, b, *extra),
        Action::PoisonMessage(p) => poison_source(sc, p),
        Action::CrashController
        | Action::CrashZooKeeper
        | Action::RestartZooKeeper
        | Action::HealAll
        | Action::RestartCrashed => Ok(()),
    }
}

/// Broker `b` exists.
fn broker(sc: &Scenario, b: u32) -> Result<(), String> {
    let brokers = sc.cluster.brokers;
    if b == 0 || b > brokers {
        return Err(format!("broker {b} does not exist (brokers are 1 to {brokers})"));
    }
    Ok(())
}

/// The topic exists, and the partition if one is given.
fn leader(sc: &Scenario, topic: &str, partition: Option<u32>) -> Result<(), String> {
    match topic_partitions(sc, topic) {
        None => Err(format!("topic \"{topic}\" is not defined (topics: {})", topic_names(sc))),
        Some(n) if partition.is_some_and(|p| p >= n) => {
            let partition = partition.unwrap_or_default();
            Err(format!("partition {partition} does not exist (\"{topic}\" has {n})"))
        }
        Some(_) => Ok(()),
    }
}

/// `n` is a producer or consumer (not a server).
fn client(sc: &Scenario, n: &str) -> Result<(), String> {
    if !is_node_name(sc, n) || n == "zookeeper" || n == "rabbit" || n.starts_with("broker-") {
        return Err(format!("no producer or consumer is called \"{n}\""));
    }
    Ok(())
}

/// The topic exists and `count` grows it within the limit.
fn add_partitions(sc: &Scenario, topic: &str, count: u32) -> Result<(), String> {
    match topic_partitions(sc, topic) {
        None => Err(format!("topic \"{topic}\" is not defined (topics: {})", topic_names(sc))),
        Some(n) if count <= n || count > limits::PARTITIONS => {
            Err(format!("`count` must grow \"{topic}\" beyond {n} partitions, up to {}", limits::PARTITIONS))
        }
        Some(_) => Ok(()),
    }
}

/// The scenario has a RabbitMQ broker.
fn rabbit(sc: &Scenario) -> Result<(), String> {
    if sc.rabbitmq.is_none() {
        return Err("the scenario has no `rabbitmq` broker".into());
    }
    Ok(())
}

/// The consumer group exists.
fn group_exists(sc: &Scenario, group: &str) -> Result<(), String> {
    if !sc.consumer_groups.iter().any(|g| g.name == group) {
        return Err(format!("no consumer group is called \"{group}\""));
    }
    Ok(())
}

/// The group exists; the new member's name (if given) is free and not a server's; its
/// processing time positive.
fn add_consumer(sc: &Scenario, group: &str, name: Option<&str>, process_time: Option<Dur>) -> Result<(), String> {
    group_exists(sc, group)?;
    if let Some(n) = name
        && client_names(sc).contains(&n)
    {
        return Err(format!("client name \"{n}\" is already used"));
    }
    // The cluster's own node names: a consumer called "zookeeper" or "broker-1" could
    // never be crashed or cut by name (those names mean the servers).
    if let Some(n) = name
        && (n.is_empty() || n == "zookeeper" || n == "rabbit" || n.starts_with("broker-"))
    {
        return Err(format!("\"{n}\" cannot name a consumer (empty, or a server's name)"));
    }
    if process_time.is_some_and(|d| d == Dur::ZERO) {
        return Err("`process_time` must be positive".into());
    }
    Ok(())
}

/// Every name is a node of the scenario.
fn nodes<'a>(sc: &Scenario, names: impl IntoIterator<Item = &'a str>) -> Result<(), String> {
    if let Some(bad) = names.into_iter().find(|n| !is_node_name(sc, n)) {
        return Err(format!("\"{bad}\" is not a node (expected \"zookeeper\", \"broker-N\" or a client name)"));
    }
    Ok(())
}

/// Both ends are nodes, and the extra latency at most a run's length.
fn slow_link(sc: &Scenario, a: &str, b: &str, extra: Dur) -> Result<(), String> {
    nodes(sc, [a, b])?;
    // No run lasts longer; and a delay near u64::MAX µs overflowed the network's
    // latency sum (a panic in debug builds, a short delay in release).
    if extra > Dur::secs(limits::DURATION_S) {
        return Err(format!("a link can be slowed by at most {}h, got {extra}", limits::DURATION_S / 3600));
    }
    Ok(())
}

/// `p` is a producer or a publisher.
fn poison_source(sc: &Scenario, p: &str) -> Result<(), String> {
    if !sc.producers.iter().any(|x| x.name == p) && !sc.publishers.iter().any(|x| x.name == p) {
        return Err(format!("no producer or publisher is called \"{p}\""));
    }
    Ok(())
}
