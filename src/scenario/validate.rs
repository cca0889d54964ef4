//! Semantic checks: names that must exist, sizes that must stay bounded (so a scenario can
//! never exhaust memory or run forever), settings that must be positive.

use super::load::ScenarioError;
use super::schema::{Action, Expectation, Scenario};
use crate::sim::Dur;

/// Upper bounds on scenario sizes.
pub mod limits {
    /// Brokers.
    pub const BROKERS: u32 = 32;
    /// Topics.
    pub const TOPICS: usize = 64;
    /// Partitions of one topic.
    pub const PARTITIONS: u32 = 1024;
    /// Replicas in the whole cluster (partitions × replication factor).
    pub const REPLICAS: u64 = 20_000;
    /// Producers, consumers.
    pub const CLIENTS: usize = 200;
    /// Records produced in one run (rate × time, summed).
    pub const MESSAGES: u64 = 20_000_000;
    /// Distinct keys of one producer.
    pub const KEYS: u64 = 1_000_000;
    /// Bytes of all producers' keys together (a long `Distinct` prefix is repeated per key).
    pub const KEY_BYTES: u64 = 16 << 20;
    /// Faults, narration lines, expectations.
    pub const ITEMS: usize = 10_000;
    /// Run duration.
    pub const DURATION_S: u64 = 24 * 3600;
}

struct V<'a> {
    src: &'a str,
    file: &'a str,
}

impl V<'_> {
    fn err(&self, anchors: &[&str], msg: String) -> ScenarioError {
        ScenarioError::near(self.file, self.src, anchors, msg)
    }
}

/// Validates a parsed scenario against its source text (for error positions).
pub fn validate(sc: &Scenario, src: &str, file: &str) -> Result<(), ScenarioError> {
    let v = V { src, file };
    check_cluster(sc, &v)?;
    check_topics(sc, &v)?;
    check_producers(sc, &v)?;
    check_consumers(sc, &v)?;
    check_faults(sc, &v)?;
    super::validate_groups::check_groups(sc, &|a, m| v.err(a, m))?;
    super::validate_amqp::check_amqp(sc, &|a, m| v.err(a, m))?;
    super::validate_rates::check_budget(sc, &|a, m| v.err(a, m))?;
    super::validate_story::check_story(sc, &|a, m| v.err(a, m))?;
    check_expectations(sc, &v)
}

fn positive(v: &V, d: Dur, field: &str, min: Dur) -> Result<(), ScenarioError> {
    if d < min {
        return Err(v.err(&[field], format!("`{field}` must be at least {min}, got {d}")));
    }
    Ok(())
}

fn check_cluster(sc: &Scenario, v: &V) -> Result<(), ScenarioError> {
    let c = &sc.cluster;
    if sc.duration == Dur::ZERO || sc.duration > Dur::secs(limits::DURATION_S) {
        return Err(v.err(&["duration"], format!("`duration` must be between 1us and 24h, got {}", sc.duration)));
    }
    let kafka =
        !sc.topics.is_empty() || !sc.producers.is_empty() || !sc.consumers.is_empty() || !sc.consumer_groups.is_empty();
    if (c.brokers == 0 && kafka) || c.brokers > limits::BROKERS {
        return Err(v.err(
            &["brokers"],
            format!(
                "`brokers` must be between 1 and {} (0 only without Kafka topics and clients), got {}",
                limits::BROKERS,
                c.brokers
            ),
        ));
    }
    let crate::scenario::schema::ControllerSpec::ZooKeeper { session_timeout } = c.controller.clone();
    positive(v, session_timeout, "session_timeout", Dur::ms(1))?;
    positive(v, c.replica_lag_time_max, "replica_lag_time_max", Dur::ms(1))?;
    positive(v, c.replica_socket_timeout, "replica_socket_timeout", Dur::ms(1))?;
    positive(v, c.flush_interval, "flush_interval", Dur::ms(1))?;
    if c.network.latency.max() > Dur::secs(60) {
        return Err(v.err(&["latency"], "network latency must stay below 60s".into()));
    }
    if c.network.loss_per_million > 1_000_000 {
        return Err(v.err(&["loss_per_million"], "`loss_per_million` is at most 1000000 (always lost)".into()));
    }
    if c.brokers > 0 && c.placement_start >= c.brokers {
        return Err(
            v.err(&["placement_start"], format!("`placement_start` must be below the broker count ({})", c.brokers))
        );
    }
    let n = sc.faults.len().max(sc.narration.len()).max(sc.expect.len());
    if n > limits::ITEMS {
        return Err(v.err(&[], format!("at most {} faults, narration lines and expectations each", limits::ITEMS)));
    }
    Ok(())
}

fn check_topics(sc: &Scenario, v: &V) -> Result<(), ScenarioError> {
    if sc.topics.len() > limits::TOPICS {
        return Err(v.err(&["topics"], format!("at most {} topics, got {}", limits::TOPICS, sc.topics.len())));
    }
    let mut replicas = 0u64;
    for (i, t) in sc.topics.iter().enumerate() {
        let at = [format!("\"{}\"", t.name)];
        let at: Vec<&str> = std::iter::once("topics").chain(at.iter().map(|s| s.as_str())).collect();
        if sc.topics[..i].iter().any(|o| o.name == t.name) {
            return Err(v.err(&at, format!("topic \"{}\" is defined twice", t.name)));
        }
        if t.name.is_empty() || t.name.len() > 249 {
            return Err(v.err(&at, "topic names are 1 to 249 characters".into()));
        }
        if t.partitions == 0 || t.partitions > limits::PARTITIONS {
            return Err(
                v.err(&at, format!("topic \"{}\": `partitions` must be between 1 and {}", t.name, limits::PARTITIONS))
            );
        }
        if t.replication_factor == 0 || t.replication_factor > sc.cluster.brokers {
            let msg = format!(
                "topic \"{}\": `replication_factor` must be between 1 and the number of brokers ({}), got {}",
                t.name, sc.cluster.brokers, t.replication_factor
            );
            return Err(v.err(&at, msg));
        }
        if t.min_insync_replicas == 0 {
            return Err(v.err(&at, format!("topic \"{}\": `min_insync_replicas` must be at least 1", t.name)));
        }
        if t.retention.max_messages == Some(0) {
            return Err(v.err(&at, format!("topic \"{}\": `max_messages` must be at least 1", t.name)));
        }
        replicas += t.partitions as u64 * t.replication_factor as u64;
    }
    if replicas > limits::REPLICAS {
        return Err(v.err(&["topics"], format!("{replicas} replicas in all; the limit is {}", limits::REPLICAS)));
    }
    Ok(())
}

fn topic_partitions(sc: &Scenario, name: &str) -> Option<u32> {
    sc.topics.iter().find(|t| t.name == name).map(|t| t.partitions)
}

/// Partitions of a topic once every AddPartitions input ran.
fn grown_partitions(sc: &Scenario, name: &str) -> Option<u32> {
    let grown = sc.faults.iter().filter_map(|f| match &f.action {
        Action::AddPartitions { topic, count } if topic == name => Some(*count),
        _ => None,
    });
    topic_partitions(sc, name).map(|n| grown.fold(n, u32::max))
}

fn topic_names(sc: &Scenario) -> String {
    let names: Vec<&str> = sc.topics.iter().map(|t| t.name.as_str()).collect();
    if names.is_empty() { "none defined".into() } else { names.join(", ") }
}

fn check_producers(sc: &Scenario, v: &V) -> Result<(), ScenarioError> {
    if sc.producers.len() + sc.consumers.len() > limits::CLIENTS {
        return Err(v.err(&["producers"], format!("at most {} producers and consumers together", limits::CLIENTS)));
    }
    let key_bytes: u64 = sc.producers.iter().map(|p| super::validate_rates::key_bytes(&p.key)).sum();
    if key_bytes > limits::KEY_BYTES {
        return Err(v.err(
            &["producers", "key"],
            format!("the producers' keys take about {key_bytes} bytes; the limit is {} in all", limits::KEY_BYTES),
        ));
    }
    for p in &sc.producers {
        let name = format!("\"{}\"", p.name);
        let at = ["producers", name.as_str()];
        let Some(parts) = topic_partitions(sc, &p.topic) else {
            return Err(v.err(
                &["producers", &name, "topic"],
                format!("producer \"{}\": topic \"{}\" is not defined (topics: {})", p.name, p.topic, topic_names(sc)),
            ));
        };
        if let Some(part) = p.partition
            && part >= parts
        {
            return Err(v.err(
                &["producers", &name, "partition"],
                format!("producer \"{}\": partition {part} does not exist (\"{}\" has {parts})", p.name, p.topic),
            ));
        }
        let (keys, distinct) = super::validate_rates::producer_keys(&p.key);
        if keys == 0 || keys > limits::KEYS {
            return Err(v.err(
                &["producers", &name, "key"],
                format!("producer \"{}\": between 1 and {} keys", p.name, limits::KEYS),
            ));
        }
        if let Err(m) = super::validate_rates::interval_us(&p.rate, keys, distinct) {
            return Err(v.err(&["producers", &name, "rate"], format!("producer \"{}\": {m}", p.name)));
        }
        if p.batch_records == 0 || p.max_in_flight == 0 || p.max_in_flight > 100 || p.record_bytes == 0 {
            return Err(v.err(
                &at,
                format!(
                    "producer \"{}\": `batch_records`, `record_bytes` must be ≥ 1 and `max_in_flight` 1 to 100",
                    p.name
                ),
            ));
        }
        positive(v, p.request_timeout, "request_timeout", Dur::ms(1))?;
        positive(v, p.retry_backoff, "retry_backoff", Dur::ms(1))?;
    }
    Ok(())
}

fn check_consumers(sc: &Scenario, v: &V) -> Result<(), ScenarioError> {
    for (i, c) in sc.consumers.iter().enumerate() {
        let name = format!("\"{}\"", c.name);
        if sc.consumers[..i].iter().any(|o| o.name == c.name) || sc.producers.iter().any(|p| p.name == c.name) {
            return Err(v.err(&["consumers", &name], format!("client name \"{}\" is used twice", c.name)));
        }
        let Some(parts) = topic_partitions(sc, &c.topic) else {
            return Err(v.err(
                &["consumers", &name, "topic"],
                format!("consumer \"{}\": topic \"{}\" is not defined (topics: {})", c.name, c.topic, topic_names(sc)),
            ));
        };
        if let Some(ps) = &c.partitions
            && let Some(bad) = ps.iter().find(|&&p| p >= parts)
        {
            return Err(v.err(
                &["consumers", &name, "partitions"],
                format!("consumer \"{}\": partition {bad} does not exist (\"{}\" has {parts})", c.name, c.topic),
            ));
        }
        if c.max_poll_records == 0 || c.max_poll_records > 100_000 {
            return Err(v.err(
                &["consumers", &name],
                format!("consumer \"{}\": `max_poll_records` must be between 1 and 100000", c.name),
            ));
        }
        positive(v, c.request_timeout, "request_timeout", Dur::ms(1))?;
    }
    for (i, p) in sc.producers.iter().enumerate() {
        if sc.producers[..i].iter().any(|o| o.name == p.name) {
            return Err(
                v.err(&["producers", &format!("\"{}\"", p.name)], format!("client name \"{}\" is used twice", p.name))
            );
        }
    }
    Ok(())
}

/// Whether `name` names a node of the scenario.
pub fn is_node_name(sc: &Scenario, name: &str) -> bool {
    (name == "zookeeper" && sc.cluster.brokers > 0)
        || name
            .strip_prefix("broker-")
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|b| b >= 1 && b <= sc.cluster.brokers)
        || super::validate_groups::client_names(sc).contains(&name)
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

fn check_faults(sc: &Scenario, v: &V) -> Result<(), ScenarioError> {
    for (i, f) in sc.faults.iter().enumerate() {
        let nth = |v: &V, msg: String| {
            let mut a = vec!["faults"];
            a.extend(std::iter::repeat_n("action", i + 1));
            v.err(&a, format!("fault {} (at {}): {msg}", i + 1, f.at))
        };
        if f.at > sc.duration {
            return Err(nth(v, format!("happens after the end of the run ({})", sc.duration)));
        }
        check_action(sc, &f.action).map_err(|m| nth(v, m))?;
    }
    Ok(())
}

/// Whether `action` makes sense in `sc` (names nodes, brokers, topics and groups that
/// exist); the reason when not. Scenario files and the app's inputs both pass here, so a
/// saved session always loads.
pub fn check_action(sc: &Scenario, action: &Action) -> Result<(), String> {
    let brokers = sc.cluster.brokers;
    match action {
        Action::CrashBroker(b) | Action::PowerOffBroker(b) | Action::StopBroker(b) | Action::RestartBroker(b) => {
            if *b == 0 || *b > brokers {
                return Err(format!("broker {b} does not exist (brokers are 1 to {brokers})"));
            }
        }
        Action::CrashLeader { topic, partition } => match topic_partitions(sc, topic) {
            None => {
                return Err(format!("topic \"{topic}\" is not defined (topics: {})", topic_names(sc)));
            }
            Some(n) if partition.is_some_and(|p| p >= n) => {
                let partition = partition.unwrap_or_default();
                return Err(format!("partition {partition} does not exist (\"{topic}\" has {n})"));
            }
            Some(_) => {}
        },
        Action::CrashClient(n) | Action::RestartClient(n) | Action::PauseConsumer(n) | Action::ResumeConsumer(n) => {
            if !is_node_name(sc, n) || n == "zookeeper" || n == "rabbit" || n.starts_with("broker-") {
                return Err(format!("no producer or consumer is called \"{n}\""));
            }
        }
        Action::AddPartitions { topic, count } => match topic_partitions(sc, topic) {
            None => {
                return Err(format!("topic \"{topic}\" is not defined (topics: {})", topic_names(sc)));
            }
            Some(n) if *count <= n || *count > limits::PARTITIONS => {
                return Err(format!(
                    "`count` must grow \"{topic}\" beyond {n} partitions, up to {}",
                    limits::PARTITIONS
                ));
            }
            Some(_) => {}
        },
        Action::CrashRabbit | Action::RestartRabbit => {
            if sc.rabbitmq.is_none() {
                return Err("the scenario has no `rabbitmq` broker".into());
            }
        }
        Action::CrashCoordinator(group) => {
            if !sc.consumer_groups.iter().any(|g| &g.name == group) {
                return Err(format!("no consumer group is called \"{group}\""));
            }
        }
        Action::AddConsumer { group, name, process_time } => {
            if !sc.consumer_groups.iter().any(|g| &g.name == group) {
                return Err(format!("no consumer group is called \"{group}\""));
            }
            if let Some(n) = name
                && super::validate_groups::client_names(sc).contains(&n.as_str())
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
        }
        Action::Cut(a, b) | Action::Heal(a, b) => {
            if let Some(bad) = a.iter().chain(b).find(|n| !is_node_name(sc, n)) {
                return Err(format!("\"{bad}\" is not a node (expected \"zookeeper\", \"broker-N\" or a client name)"));
            }
        }
        Action::SlowLink(a, b, extra) => {
            if let Some(bad) = [a, b].into_iter().find(|n| !is_node_name(sc, n)) {
                return Err(format!("\"{bad}\" is not a node (expected \"zookeeper\", \"broker-N\" or a client name)"));
            }
            // No run lasts longer; and a delay near u64::MAX µs overflowed the network's
            // latency sum (a panic in debug builds, a short delay in release).
            if *extra > Dur::secs(limits::DURATION_S) {
                return Err(format!("a link can be slowed by at most {}h, got {extra}", limits::DURATION_S / 3600));
            }
        }
        Action::PoisonMessage(p) => {
            if !sc.producers.iter().any(|x| &x.name == p) && !sc.publishers.iter().any(|x| &x.name == p) {
                return Err(format!("no producer or publisher is called \"{p}\""));
            }
        }
        Action::CrashController
        | Action::CrashZooKeeper
        | Action::RestartZooKeeper
        | Action::HealAll
        | Action::RestartCrashed => {}
    }
    Ok(())
}

fn check_expectations(sc: &Scenario, v: &V) -> Result<(), ScenarioError> {
    let clients = super::validate_groups::client_names(sc);
    let consumer = |n: &str| clients.contains(&n);
    let group = |n: &str| sc.consumer_groups.iter().any(|g| g.name == n);
    let topics = super::derive::all_topics(sc);
    for e in &sc.expect {
        let bad_consumer = match e {
            Expectation::Consumed { consumer: Some(c), .. }
            | Expectation::Duplicates { consumer: Some(c), .. }
            | Expectation::LagAtLeast { consumer: Some(c), .. }
            | Expectation::LagAtMost { consumer: Some(c), .. }
            | Expectation::KeyOrderHolds { consumer: c }
            | Expectation::OrderViolations { consumer: c, .. }
            | Expectation::ProcessFailures { consumer: c, .. }
            | Expectation::Skipped { consumer: c, .. } => (!consumer(c)).then_some(c),
            _ => None,
        };
        let bad_group = match e {
            Expectation::Duplicates { group: Some(g), .. }
            | Expectation::LagAtLeast { group: Some(g), .. }
            | Expectation::LagAtMost { group: Some(g), .. }
            | Expectation::Rebalances { group: g, .. }
            | Expectation::Assignment { group: g, .. }
            | Expectation::Lost { group: g, .. }
            | Expectation::CommittedOffset { group: g, .. } => (!group(g)).then_some(g),
            _ => None,
        };
        if let Some(g) = bad_group {
            return Err(v.err(
                &["expect", &format!("\"{g}\"")],
                format!("expectation names group \"{g}\", which is not defined"),
            ));
        }
        if let Expectation::DeadLettered { topic: Some(t), .. } | Expectation::CommittedOffset { topic: t, .. } = e
            && !topics.iter().any(|x| &x.name == t)
        {
            return Err(v.err(
                &["expect", &format!("\"{t}\"")],
                format!("expectation names topic \"{t}\", which is not defined"),
            ));
        }
        if let Expectation::Duplicates { consumer: None, group: None, .. }
        | Expectation::LagAtLeast { consumer: None, group: None, .. }
        | Expectation::LagAtMost { consumer: None, group: None, .. } = e
        {
            return Err(v.err(&["expect"], "this expectation needs a `consumer` or a `group`".into()));
        }
        let queue_named = match e {
            Expectation::Routed { queue, .. }
            | Expectation::Refused { queue, .. }
            | Expectation::QueueDepthAtMost { queue, .. }
            | Expectation::DeadLettered { queue: Some(queue), .. } => Some(queue),
            _ => None,
        };
        if let Some(q) = queue_named
            && !sc.rabbitmq.as_ref().is_some_and(|r| r.queues.iter().any(|x| &x.name == q))
        {
            return Err(v.err(
                &["expect", &format!("\"{q}\"")],
                format!("expectation names queue \"{q}\", which is not defined"),
            ));
        }
        if let Expectation::AutoAckLost { .. } = e
            && sc.rabbitmq.is_none()
        {
            return Err(v.err(
                &["expect", "AutoAckLost"],
                "`AutoAckLost` is about RabbitMQ: this scenario has no `rabbitmq`".into(),
            ));
        }
        if let Expectation::DeadLettered { topic: None, queue: None, .. } = e {
            return Err(v.err(
                &["expect", "DeadLettered"],
                "`DeadLettered` needs a `topic` (Kafka) or a `queue` (RabbitMQ)".into(),
            ));
        }
        if let Some(c) = bad_consumer {
            return Err(v.err(
                &["expect", &format!("\"{c}\"")],
                format!("expectation names consumer \"{c}\", which is not defined"),
            ));
        }
        let tp = match e {
            Expectation::LeaderOf { topic, partition, .. }
            | Expectation::IsrSize { topic, partition, .. }
            | Expectation::ProducedTo { topic, partition, .. } => Some((topic, *partition)),
            _ => None,
        };
        if let Some((t, p)) = tp {
            match grown_partitions(sc, t) {
                None => {
                    return Err(v.err(
                        &["expect", &format!("\"{t}\"")],
                        format!("expectation names topic \"{t}\", which is not defined (topics: {})", topic_names(sc)),
                    ));
                }
                Some(n) if p >= n => {
                    return Err(v.err(
                        &["expect", &format!("\"{t}\"")],
                        format!("expectation names partition {p} of \"{t}\", which has {n}"),
                    ));
                }
                Some(_) => {}
            }
        }
        if let Some(at) = e.at()
            && at > sc.duration
        {
            return Err(v.err(
                &["expect", &format!("\"{at}\"")],
                format!("expectation at {at} is after the end of the run ({})", sc.duration),
            ));
        }
        if let Expectation::LeaderOf { broker: Some(b), .. } | Expectation::ControllerIs { broker: b, .. } = e
            && (*b == 0 || *b > sc.cluster.brokers)
        {
            return Err(
                v.err(&["expect"], format!("expectation names broker {b}; brokers are 1 to {}", sc.cluster.brokers))
            );
        }
    }
    Ok(())
}
