//! Checks of the `consumer_groups` and `redrive` sections: names that must exist and be
//! unique, settings in range, sizes bounded. Also the list of every client name, which
//! group members and re-drive processes join.

use super::limits;
use crate::scenario::derive::all_topics;
use crate::scenario::error::ScenarioError;
use crate::scenario::schema::{GroupSpec, OnFailureSpec, Scenario};
use crate::sim::Dur;

/// Every client name (producers, consumers, group members, re-drive processes).
pub fn client_names(sc: &Scenario) -> Vec<&str> {
    let mut v: Vec<&str> = sc.producers.iter().map(|p| p.name.as_str()).collect();
    v.extend(sc.consumers.iter().map(|c| c.name.as_str()));
    v.extend(sc.consumer_groups.iter().flat_map(|g| g.members.iter().map(|m| m.name.as_str())));
    v.extend(sc.redrive.iter().map(|r| r.name.as_str()));
    v.extend(sc.publishers.iter().map(|r| r.name.as_str()));
    v.extend(sc.amqp_consumers.iter().map(|r| r.name.as_str()));
    if sc.rabbitmq.is_some() {
        v.push("rabbit");
    }
    v
}

/// Checks groups and re-drive processes. `err` places a message near the anchors.
pub fn check_groups(sc: &Scenario, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    let topics = all_topics(sc);
    let names: Vec<String> = topics.iter().map(|t| t.name.clone()).collect();
    if sc.cluster.offsets_topic_partitions == 0 || sc.cluster.offsets_topic_partitions > 1024 {
        return Err(err(&["offsets_topic_partitions"], "`offsets_topic_partitions` must be between 1 and 1024".into()));
    }
    if topics.len() > limits::TOPICS + 32 {
        return Err(err(&["consumer_groups"], "too many topics once retry and dead-letter topics are added".into()));
    }
    let clients = client_names(sc);
    if clients.len() > limits::CLIENTS {
        return Err(err(&[], format!("at most {} clients in all, got {}", limits::CLIENTS, clients.len())));
    }
    for (i, c) in clients.iter().enumerate() {
        if clients[..i].contains(c) {
            return Err(err(&[&format!("\"{c}\"")], format!("client name \"{c}\" is used twice")));
        }
    }
    for (i, g) in sc.consumer_groups.iter().enumerate() {
        if sc.consumer_groups[..i].iter().any(|o| o.name == g.name) {
            return Err(err(
                &["consumer_groups", &format!("\"{}\"", g.name)],
                format!("group \"{}\" is defined twice", g.name),
            ));
        }
        check_group(sc, g, err)?;
        check_failures(sc, g, err)?;
    }
    for r in &sc.redrive {
        if !names.contains(&r.from) {
            return Err(err(
                &["redrive", &format!("\"{}\"", r.from)],
                format!("re-drive \"{}\": topic \"{}\" is not defined (topics: {})", r.name, r.from, names.join(", ")),
            ));
        }
    }
    Ok(())
}

/// One group's topics, members and timing settings.
fn check_group(
    sc: &Scenario,
    g: &GroupSpec,
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let at = format!("\"{}\"", g.name);
    let here = ["consumer_groups", at.as_str()];
    if g.topics.is_empty() {
        return Err(err(&here, format!("group \"{}\": `topics` must name at least one topic", g.name)));
    }
    if let Some(t) = g.topics.iter().find(|t| !sc.topics.iter().any(|d| &d.name == *t)) {
        let known: Vec<&str> = sc.topics.iter().map(|t| t.name.as_str()).collect();
        return Err(err(
            &here,
            format!("group \"{}\": topic \"{t}\" is not defined (topics: {})", g.name, known.join(", ")),
        ));
    }
    if g.members.is_empty() {
        return Err(err(&here, format!("group \"{}\": `members` must list at least one member", g.name)));
    }
    for (d, f) in [
        (g.session_timeout, "session_timeout"),
        (g.heartbeat_interval, "heartbeat_interval"),
        (g.max_poll_interval, "max_poll_interval"),
        (g.request_timeout, "request_timeout"),
    ] {
        if d < Dur::ms(1) {
            return Err(err(&[f], format!("group \"{}\": `{f}` must be at least 1ms", g.name)));
        }
    }
    if g.heartbeat_interval >= g.session_timeout {
        return Err(err(
            &["heartbeat_interval"],
            format!("group \"{}\": `heartbeat_interval` must be below `session_timeout`", g.name),
        ));
    }
    if g.max_poll_records == 0 || g.max_poll_records > 100_000 {
        return Err(err(&["max_poll_records"], "`max_poll_records` must be between 1 and 100000".into()));
    }
    Ok(())
}

/// One group's failures (probabilities, poison values) and what it does on failure.
fn check_failures(
    sc: &Scenario,
    g: &GroupSpec,
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    for (p, f) in [
        (g.failures.poison_probability, "poison_probability"),
        (g.failures.transient_probability, "transient_probability"),
    ] {
        if !(0.0..=1.0).contains(&p) {
            return Err(err(&[f], format!("`{f}` is a probability between 0 and 1, got {p}")));
        }
    }
    for pv in &g.failures.poison_values {
        let ok = pv
            .rsplit_once('#')
            .is_some_and(|(p, n)| sc.producers.iter().any(|x| x.name == p) && n.parse::<u32>().is_ok());
        if !ok {
            return Err(err(
                &["poison_values"],
                format!("poison value \"{pv}\" is not \"producer#n\" with a producer of this scenario"),
            ));
        }
    }
    if let OnFailureSpec::RetryTopics { delays, .. } = &g.on_failure {
        if delays.is_empty() || delays.len() > 10 {
            return Err(err(&["delays"], "`delays` lists 1 to 10 retry delays".into()));
        }
        if g.topics.len() != 1 {
            return Err(err(
                &["consumer_groups", &format!("\"{}\"", g.name)],
                format!("group \"{}\": RetryTopics needs a group with exactly one topic", g.name),
            ));
        }
    }
    if let OnFailureSpec::Retry { max_attempts: Some(0), .. } = &g.on_failure {
        return Err(err(&["max_attempts"], "`max_attempts` counts the first attempt: at least 1".into()));
    }
    Ok(())
}
