//! What consumers did: records processed, processed twice, out of key order, failed
//! attempts and records skipped.

use super::outcome::{Outcome, consumer, group_stats, range};
use crate::scenario::Expectation;
use crate::world::Simulation;

/// Evaluates an expectation of this family.
pub fn evaluate(sim: &Simulation, e: &Expectation) -> Outcome {
    let s = &sim.stats;
    match e {
        Expectation::Consumed { consumer: None, min, max } => range("consumed", s.consumed(), *min, *max),
        Expectation::Consumed { consumer: Some(c), min, max } => {
            range(&format!("consumed by {c}"), s.consumers[consumer(sim, c).1].consumed, *min, *max)
        }
        Expectation::Duplicates { consumer: Some(c), min, max, .. } => {
            range(&format!("duplicates at {c}"), s.consumers[consumer(sim, c).1].duplicates, *min, *max)
        }
        Expectation::Duplicates { consumer: None, group, min, max } => {
            let g = group.as_deref().unwrap_or("?");
            let n = group_stats(sim, g).map(|x| x.duplicates).unwrap_or(0);
            range(&format!("records group {g} processed twice"), n, *min, *max)
        }
        Expectation::OrderViolations { consumer: c, min, max } => {
            let v = s.consumers[consumer(sim, c).1].order_violations;
            range(&format!("records {c} processed before an older one of the same key"), v, *min, *max)
        }
        Expectation::KeyOrderHolds { consumer: c } => {
            let v = s.consumers[consumer(sim, c).1].order_violations;
            Outcome {
                what: format!("{c} saw every key's records in produced order"),
                passed: v == 0,
                observed: format!("{v} out of order"),
            }
        }
        Expectation::ProcessFailures { consumer: c, min, max } => {
            range(&format!("failed attempts at {c}"), s.consumers[consumer(sim, c).1].failures, *min, *max)
        }
        Expectation::Skipped { consumer: c, min, max } => {
            range(&format!("records skipped by {c}"), s.consumers[consumer(sim, c).1].skipped, *min, *max)
        }
        Expectation::OffsetResets { consumer: c, min, max } => {
            let n = s.consumers[consumer(sim, c).1].offset_resets;
            range(&format!("times {c}'s position was reset (out of range)"), n, *min, *max)
        }
        _ => unreachable!("evaluate() sends only consume expectations here"),
    }
}
