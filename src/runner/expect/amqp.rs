//! The RabbitMQ side: routing, dead-lettering from queues, auto-ack losses, refusals,
//! redeliveries, returns and queue depth.

use super::outcome::{Outcome, range};
use crate::scenario::Expectation;
use crate::world::Simulation;

/// Evaluates an expectation of this family.
pub fn evaluate(sim: &Simulation, e: &Expectation) -> Outcome {
    let s = &sim.stats;
    match e {
        Expectation::DeadLettered { topic: None, queue, reason, min, max } => {
            let q = queue.as_deref().unwrap_or("?");
            let n: u64 = s
                .amqp
                .dead_lettered
                .iter()
                .filter(|((qq, r), _)| sim.names().queue(*qq) == q && reason.is_none_or(|x| x == *r))
                .map(|(_, n)| *n)
                .sum();
            let why = reason.map(|r| format!(" ({})", r.name())).unwrap_or_default();
            range(&format!("messages dead-lettered from {q}{why}"), n, *min, *max)
        }
        Expectation::Routed { queue, min, max } => {
            let n = s.amqp.routed.iter().filter(|(q, _)| sim.names().queue(**q) == queue).map(|(_, n)| *n).sum();
            range(&format!("messages routed to {queue}"), n, *min, *max)
        }
        Expectation::AutoAckLost { min, max } => {
            let mut o = range(
                "messages auto-acked to a consumer that crashed before processing them",
                s.amqp.auto_ack_lost,
                *min,
                *max,
            );
            let pending = s.amqp.auto_ack_pending.len();
            if pending > 0 {
                o.observed += &format!(" ({pending} more auto-acked and still in a live consumer's buffer: in flight)");
            }
            o
        }
        Expectation::Refused { queue, min, max } => {
            let n = s.amqp.refused.iter().filter(|(q, _)| sim.names().queue(**q) == queue).map(|(_, n)| *n).sum();
            range(&format!("messages {queue} refused"), n, *min, *max)
        }
        Expectation::Redelivered { min, max } => range("redeliveries", s.amqp.redelivered, *min, *max),
        Expectation::Returned { min, max } => range("messages returned to publishers", s.amqp.returned, *min, *max),
        Expectation::QueueDepthAtMost { queue, at, n } => {
            let depth = sim.queue_depth(queue).unwrap_or(0) as u64;
            Outcome {
                what: format!("queue {queue} holds at most {n} ready messages at {at}"),
                passed: depth <= *n,
                observed: depth.to_string(),
            }
        }
        _ => unreachable!("evaluate() sends only amqp expectations here"),
    }
}
