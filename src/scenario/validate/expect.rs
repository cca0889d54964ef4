//! Checks of the `expect` section: every expectation names consumers, groups, topics,
//! partitions, queues and brokers that exist, at a time within the run.

use super::groups::client_names;
use super::names::{grown_partitions, topic_names};
use crate::scenario::derive::all_topics;
use crate::scenario::error::ScenarioError;
use crate::scenario::schema::{Expectation, Scenario, TopicSpec};

/// Checks the expectations, each in turn. `err` places a message near the anchors.
pub fn check_expectations(sc: &Scenario, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    check_all(sc, &sc.expect, err)
}

/// Checks expectations (of `expect`, or of a question's choice), each in turn; the names
/// they may use are looked up once.
pub fn check_all(
    sc: &Scenario,
    list: &[Expectation],
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let (clients, topics) = (client_names(sc), all_topics(sc));
    for e in list {
        check_one(sc, e, &clients, &topics, err)?;
    }
    Ok(())
}

fn check_one(
    sc: &Scenario,
    e: &Expectation,
    clients: &[&str],
    topics: &[TopicSpec],
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    check_names(sc, e, topics, err)?;
    check_kinds(sc, e, err)?;
    if let Some(c) = consumer_named(e)
        && !clients.contains(&c.as_str())
    {
        return Err(err(
            &["expect", &format!("\"{c}\"")],
            format!("expectation names consumer \"{c}\", which is not defined"),
        ));
    }
    check_partition(sc, e, err)?;
    check_time_and_broker(sc, e, err)
}

/// The consumer an expectation names, if it names one.
fn consumer_named(e: &Expectation) -> Option<&String> {
    match e {
        Expectation::Consumed { consumer: Some(c), .. }
        | Expectation::Duplicates { consumer: Some(c), .. }
        | Expectation::LagAtLeast { consumer: Some(c), .. }
        | Expectation::LagAtMost { consumer: Some(c), .. }
        | Expectation::KeyOrderHolds { consumer: c }
        | Expectation::OrderViolations { consumer: c, .. }
        | Expectation::ProcessFailures { consumer: c, .. }
        | Expectation::Skipped { consumer: c, .. }
        | Expectation::OffsetResets { consumer: c, .. } => Some(c),
        _ => None,
    }
}

/// The group an expectation names, if it names one.
fn group_named(e: &Expectation) -> Option<&String> {
    match e {
        Expectation::Duplicates { group: Some(g), .. }
        | Expectation::LagAtLeast { group: Some(g), .. }
        | Expectation::LagAtMost { group: Some(g), .. }
        | Expectation::Rebalances { group: g, .. }
        | Expectation::Assignment { group: g, .. }
        | Expectation::Lost { group: g, .. }
        | Expectation::CommittedOffset { group: g, .. } => Some(g),
        _ => None,
    }
}

/// The queue an expectation names, if it names one.
fn queue_named(e: &Expectation) -> Option<&String> {
    match e {
        Expectation::Routed { queue, .. }
        | Expectation::Refused { queue, .. }
        | Expectation::QueueDepthAtMost { queue, .. }
        | Expectation::DeadLettered { queue: Some(queue), .. } => Some(queue),
        _ => None,
    }
}

/// The group, topic (declared or implied) and queue an expectation names exist.
fn check_names(
    sc: &Scenario,
    e: &Expectation,
    topics: &[TopicSpec],
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    if let Some(g) = group_named(e)
        && !sc.consumer_groups.iter().any(|x| &x.name == g)
    {
        return Err(err(
            &["expect", &format!("\"{g}\"")],
            format!("expectation names group \"{g}\", which is not defined"),
        ));
    }
    if let Expectation::DeadLettered { topic: Some(t), .. } | Expectation::CommittedOffset { topic: t, .. } = e
        && !topics.iter().any(|x| &x.name == t)
    {
        return Err(err(
            &["expect", &format!("\"{t}\"")],
            format!("expectation names topic \"{t}\", which is not defined"),
        ));
    }
    if let Expectation::Duplicates { consumer: None, group: None, .. }
    | Expectation::LagAtLeast { consumer: None, group: None, .. }
    | Expectation::LagAtMost { consumer: None, group: None, .. } = e
    {
        return Err(err(&["expect"], "this expectation needs a `consumer` or a `group`".into()));
    }
    if let Some(q) = queue_named(e)
        && !sc.rabbitmq.as_ref().is_some_and(|r| r.queues.iter().any(|x| &x.name == q))
    {
        return Err(err(
            &["expect", &format!("\"{q}\"")],
            format!("expectation names queue \"{q}\", which is not defined"),
        ));
    }
    Ok(())
}

/// Expectations that belong to one broker kind, or need one of two fields, have it.
fn check_kinds(
    sc: &Scenario,
    e: &Expectation,
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    if let Expectation::AutoAckLost { .. } = e
        && sc.rabbitmq.is_none()
    {
        return Err(err(
            &["expect", "AutoAckLost"],
            "`AutoAckLost` is about RabbitMQ: this scenario has no `rabbitmq`".into(),
        ));
    }
    if let Expectation::DeadLettered { topic: None, queue: None, .. } = e {
        return Err(err(
            &["expect", "DeadLettered"],
            "`DeadLettered` needs a `topic` (Kafka) or a `queue` (RabbitMQ)".into(),
        ));
    }
    Ok(())
}

/// The topic and partition an expectation names exist (counting added partitions).
fn check_partition(
    sc: &Scenario,
    e: &Expectation,
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let (t, p) = match e {
        Expectation::LeaderOf { topic, partition, .. }
        | Expectation::IsrSize { topic, partition, .. }
        | Expectation::ProducedTo { topic, partition, .. } => (topic, *partition),
        _ => return Ok(()),
    };
    match grown_partitions(sc, t) {
        None => Err(err(
            &["expect", &format!("\"{t}\"")],
            format!("expectation names topic \"{t}\", which is not defined (topics: {})", topic_names(sc)),
        )),
        Some(n) if p >= n => Err(err(
            &["expect", &format!("\"{t}\"")],
            format!("expectation names partition {p} of \"{t}\", which has {n}"),
        )),
        Some(_) => Ok(()),
    }
}

/// The time an expectation is evaluated at is within the run; the broker it names exists.
fn check_time_and_broker(
    sc: &Scenario,
    e: &Expectation,
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    if let Some(at) = e.at()
        && at > sc.duration
    {
        return Err(err(
            &["expect", &format!("\"{at}\"")],
            format!("expectation at {at} is after the end of the run ({})", sc.duration),
        ));
    }
    if let Expectation::LeaderOf { broker: Some(b), .. } | Expectation::ControllerIs { broker: b, .. } = e
        && (*b == 0 || *b > sc.cluster.brokers)
    {
        return Err(err(&["expect"], format!("expectation names broker {b}; brokers are 1 to {}", sc.cluster.brokers)));
    }
    Ok(())
}
