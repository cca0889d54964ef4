//! Evaluating scenario expectations against the simulation (at their time, or at the end),
//! one file per family of expectation.

mod amqp;
mod cluster;
mod consume;
mod groups;
pub mod outcome;
mod produce;

pub use outcome::Outcome;

use crate::scenario::Expectation as E;
use crate::world::Simulation;

/// Evaluates one expectation against the simulation as it is now.
pub fn evaluate(sim: &Simulation, e: &E) -> Outcome {
    match e {
        E::NoAckedLoss
        | E::AckedLoss { .. }
        | E::Produced { .. }
        | E::Acked { .. }
        | E::ProduceErrors { .. }
        | E::ProducedTo { .. } => produce::evaluate(sim, e),
        E::Consumed { .. }
        | E::Duplicates { .. }
        | E::OrderViolations { .. }
        | E::KeyOrderHolds { .. }
        | E::ProcessFailures { .. }
        | E::Skipped { .. }
        | E::OffsetResets { .. } => consume::evaluate(sim, e),
        E::Rebalances { .. }
        | E::Lost { .. }
        | E::Assignment { .. }
        | E::CommittedOffset { .. }
        | E::LagAtLeast { .. }
        | E::LagAtMost { .. }
        | E::DeadLettered { topic: Some(_), .. }
        | E::Redriven { .. } => groups::evaluate(sim, e),
        E::DeadLettered { topic: None, .. }
        | E::Routed { .. }
        | E::AutoAckLost { .. }
        | E::Refused { .. }
        | E::Redelivered { .. }
        | E::Returned { .. }
        | E::QueueDepthAtMost { .. } => amqp::evaluate(sim, e),
        E::LeaderOf { .. }
        | E::IsrSize { .. }
        | E::LeaderChanges { .. }
        | E::Truncated { .. }
        | E::ControllerIs { .. }
        | E::Healthy => cluster::evaluate(sim, e),
    }
}
