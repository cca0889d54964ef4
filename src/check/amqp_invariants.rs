//! Invariants of the RabbitMQ model, from its trace records: every queue holds exactly what
//! the trace says went in minus what went out (message conservation), and no message is
//! dead-lettered back into a queue it already died in without a client rejection on the
//! way (R rabbit_dead_letter detect_cycles: such loops would run forever).

use super::violation::{Violation, violation};
use crate::trace::{AmqpEvent, DeathReason, MsgId, Names, QueueRef};
use std::collections::BTreeMap;

/// What the AMQP checks remember.
#[derive(Clone, Debug, Default)]
pub struct AmqpLedger {
    /// Per queue: messages in minus messages out (acked, delivered with auto-ack,
    /// dead-lettered or dropped, lost in a restart).
    held: BTreeMap<QueueRef, i64>,
    /// The message a full queue just refused: a dead-lettering of it right after
    /// (reject-publish-dlx) never entered the queue, so it takes nothing out.
    refused: Option<(QueueRef, MsgId)>,
    /// Per message copy (value, queue it is in) that has died before: its deaths in order,
    /// (queue, by a client rejection?).
    deaths: BTreeMap<(MsgId, QueueRef), Vec<(QueueRef, bool)>>,
}

impl AmqpLedger {
    /// Checks one AMQP record.
    pub fn record(&mut self, n: &Names, t_us: u64, e: &AmqpEvent) -> Result<(), Violation> {
        let refused = self.refused.take();
        match e {
            AmqpEvent::Enqueue { queue, .. } => *self.held.entry(*queue).or_default() += 1,
            AmqpEvent::Ack { queue, value, .. } => {
                *self.held.entry(*queue).or_default() -= 1;
                self.deaths.remove(&(*value, *queue));
            }
            AmqpEvent::Deliver { queue, value, auto_ack, .. } => {
                if *auto_ack {
                    *self.held.entry(*queue).or_default() -= 1;
                    self.deaths.remove(&(*value, *queue));
                }
            }
            AmqpEvent::Lost { queue, count, .. } => *self.held.entry(*queue).or_default() -= i64::from(*count),
            AmqpEvent::Refuse { queue, value } => self.refused = Some((*queue, *value)),
            AmqpEvent::DeadLetter { queue, value, reason, to, .. } => {
                if refused != Some((*queue, *value)) {
                    *self.held.entry(*queue).or_default() -= 1;
                }
                return self.dead_letter(n, t_us, *queue, *value, *reason, to);
            }
            AmqpEvent::Route { .. }
            | AmqpEvent::Return { .. }
            | AmqpEvent::Nack { .. }
            | AmqpEvent::Expire { .. }
            | AmqpEvent::Processed { .. }
            | AmqpEvent::Confirm { .. } => {}
        }
        Ok(())
    }

    /// A death in `queue`, its copies going `to`: none may close an automatic loop.
    fn dead_letter(
        &mut self,
        n: &Names,
        t_us: u64,
        queue: QueueRef,
        value: MsgId,
        reason: DeathReason,
        to: &[QueueRef],
    ) -> Result<(), Violation> {
        let mut path = self.deaths.remove(&(value, queue)).unwrap_or_default();
        let rejected = reason == DeathReason::Rejected;
        path.push((queue, rejected));
        for t in to {
            let back = path.iter().rposition(|(q, _)| q == t);
            if let Some(i) = back
                && !path[i..].iter().any(|&(_, r)| r)
            {
                let loop_names: Vec<&str> = path[i..].iter().map(|(q, _)| n.queue(*q)).collect();
                let d = format!(
                    "{} went {} → {} without a rejection on the way",
                    n.msg(value),
                    loop_names.join(" → "),
                    n.queue(*t)
                );
                return Err(violation("no_dead_letter_cycles", t_us, d));
            }
            self.deaths.insert((value, *t), path.clone());
        }
        Ok(())
    }

    /// Messages `queue` should hold by its records: in minus out.
    pub fn held(&self, queue: QueueRef) -> i64 {
        self.held.get(&queue).copied().unwrap_or(0)
    }
}
