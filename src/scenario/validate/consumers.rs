//! Checks of the `consumers` section (consumers with assigned partitions): unique client
//! names, topics and partitions that exist, settings in range.

use super::limits::positive;
use super::names::{topic_names, topic_partitions};
use crate::scenario::error::ScenarioError;
use crate::scenario::schema::Scenario;
use crate::sim::Dur;

/// Checks the consumers, and that no two producers share a name. `err` places a message
/// near the anchors.
pub fn check_consumers(sc: &Scenario, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    for (i, c) in sc.consumers.iter().enumerate() {
        let name = format!("\"{}\"", c.name);
        if sc.consumers[..i].iter().any(|o| o.name == c.name) || sc.producers.iter().any(|p| p.name == c.name) {
            return Err(err(&["consumers", &name], format!("client name \"{}\" is used twice", c.name)));
        }
        let Some(parts) = topic_partitions(sc, &c.topic) else {
            return Err(err(
                &["consumers", &name, "topic"],
                format!("consumer \"{}\": topic \"{}\" is not defined (topics: {})", c.name, c.topic, topic_names(sc)),
            ));
        };
        if let Some(ps) = &c.partitions
            && let Some(bad) = ps.iter().find(|&&p| p >= parts)
        {
            return Err(err(
                &["consumers", &name, "partitions"],
                format!("consumer \"{}\": partition {bad} does not exist (\"{}\" has {parts})", c.name, c.topic),
            ));
        }
        if c.max_poll_records == 0 || c.max_poll_records > 100_000 {
            return Err(err(
                &["consumers", &name],
                format!("consumer \"{}\": `max_poll_records` must be between 1 and 100000", c.name),
            ));
        }
        positive(err, c.request_timeout, "request_timeout", Dur::ms(1))?;
    }
    for (i, p) in sc.producers.iter().enumerate() {
        if sc.producers[..i].iter().any(|o| o.name == p.name) {
            return Err(err(
                &["producers", &format!("\"{}\"", p.name)],
                format!("client name \"{}\" is used twice", p.name),
            ));
        }
    }
    Ok(())
}
