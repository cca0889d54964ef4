//! Producing and durability: records produced (per partition), acknowledged, produce
//! errors, and acknowledged writes lost.

use super::outcome::{Outcome, range};
use crate::scenario::Expectation;
use crate::trace::ErrorCode;
use crate::world::Simulation;
use crate::world::checks::loss::acked_lost;

/// Evaluates an expectation of this family.
pub fn evaluate(sim: &Simulation, e: &Expectation) -> Outcome {
    let s = &sim.stats;
    match e {
        Expectation::NoAckedLoss => {
            let lost = acked_lost(sim);
            let observed = match lost.first() {
                None => "0 lost".into(),
                Some((m, tp, off)) => format!(
                    "{} lost, first {} at {} offset {off}",
                    lost.len(),
                    sim.names().msg(*m),
                    sim.names().tp(*tp)
                ),
            };
            Outcome { what: "no acknowledged write lost".into(), passed: lost.is_empty(), observed }
        }
        Expectation::AckedLoss { at_least } => {
            let n = acked_lost(sim).len() as u64;
            Outcome {
                what: format!("at least {at_least} acknowledged write{} lost", if *at_least == 1 { "" } else { "s" }),
                passed: n >= *at_least,
                observed: format!("{n} lost"),
            }
        }
        Expectation::Produced { min, max } => range("produced", s.produced, *min, *max),
        Expectation::Acked { min, max } => range("acked", s.acked_count, *min, *max),
        Expectation::ProduceErrors { kind, at_least, at_most } => {
            let n = s.errors.get(kind).copied().unwrap_or(0);
            range(&format!("{} errors", ErrorCode::name(*kind)), n, *at_least, *at_most)
        }
        Expectation::ProducedTo { topic, partition, min, max } => {
            let n = sim.tp(topic, *partition).and_then(|tp| s.produced_to.get(&tp)).copied().unwrap_or(0);
            range(&format!("produced to {topic}-{partition}"), n, *min, *max)
        }
        _ => unreachable!("evaluate() sends only produce expectations here"),
    }
}
