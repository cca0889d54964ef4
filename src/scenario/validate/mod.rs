//! Semantic checks: names that must exist, sizes that must stay bounded (so a scenario can
//! never exhaust memory or run forever), settings that must be positive. One file per
//! section of docs/scenarios.md; `validate` runs them in a fixed order and the first
//! error found is the one reported.

pub mod amqp;
mod cluster;
mod consumers;
mod course;
mod expect;
mod faults;
pub mod groups;
pub mod limits;
mod names;
mod producers;
pub mod rates;
pub mod story;

pub use faults::check_action;
pub use names::is_node_name;

use crate::scenario::error::ScenarioError;
use crate::scenario::schema::Scenario;

/// Checks one expectation written outside the file (`brokerlab why --outcome`) against the
/// scenario, as the `expect` section's own are checked.
pub fn check_expectation(
    sc: &Scenario,
    e: &crate::scenario::schema::Expectation,
    err: &dyn Fn(&[&str], String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    expect::check_all(sc, std::slice::from_ref(e), err)
}

/// Validates a parsed scenario against its source text (for error positions).
pub fn validate(sc: &Scenario, src: &str, file: &str) -> Result<(), ScenarioError> {
    let err = |anchors: &[&str], msg: String| ScenarioError::near(file, src, anchors, msg);
    cluster::check_cluster(sc, &err)?;
    cluster::check_topics(sc, &err)?;
    producers::check_producers(sc, &err)?;
    consumers::check_consumers(sc, &err)?;
    faults::check_faults(sc, &err)?;
    groups::check_groups(sc, &err)?;
    amqp::check_amqp(sc, &err)?;
    rates::check_budget(sc, &err)?;
    story::check_story(sc, &err)?;
    expect::check_expectations(sc, &err)?;
    course::check_course(sc, &err)
}
