//! A verdict (`Outcome`) and the helpers every expectation family uses: a count within
//! bounds, a consumer or group by name.

use crate::check::stats::GroupStats;
use crate::sim::NodeId;
use crate::trace::GroupRef;
use crate::world::Simulation;

/// One expectation's verdict.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The expectation, in words.
    pub what: String,
    /// Passed?
    pub passed: bool,
    /// What was observed.
    pub observed: String,
}

/// `name` counted `v`, passing within `min..=max`.
pub fn range(name: &str, v: u64, min: Option<u64>, max: Option<u64>) -> Outcome {
    let passed = min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m);
    let bounds = match (min, max) {
        (Some(a), Some(b)) if a == b => format!("exactly {a}"),
        (Some(a), Some(b)) => format!("between {a} and {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "any number".into(),
    };
    Outcome { what: format!("{name} {bounds}"), passed, observed: v.to_string() }
}

/// A consumer by name: its node and its index in the counters.
pub fn consumer(sim: &Simulation, name: &str) -> (NodeId, usize) {
    let id = sim.node_by_name(name).expect("validated consumer name");
    let idx = sim.stats.consumer_index(id.0).expect("a consumer");
    (id, idx)
}

/// A group's counters, by name.
pub fn group_stats<'a>(sim: &'a Simulation, name: &str) -> Option<&'a GroupStats> {
    let g = sim.names().groups.iter().position(|g| g == name)?;
    sim.stats.groups.get(&GroupRef(g as u16))
}
