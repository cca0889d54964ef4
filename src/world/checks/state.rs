//! The state check, every few thousand events: HW ≤ LEO on every replica; a leader's ISR
//! holds the leader and only assigned replicas; every RabbitMQ queue holds what its records
//! account for (message conservation).

use crate::check::invariants::Invariants;
use crate::check::violation::{Violation, violation};
use crate::world::Simulation;

/// Checks the state now.
pub fn check(inv: &mut Invariants, sim: &Simulation) -> Result<(), Violation> {
    inv.checks += 1;
    queues_conserved(inv, sim)?;
    let now = sim.now().0;
    for b in sim.brokers() {
        for (tp, r) in &b.rm.replicas {
            if r.hw > r.log.end_offset() {
                let d =
                    format!("{} on broker-{}: HW {} > LEO {}", sim.names().tp(*tp), b.id.0, r.hw, r.log.end_offset());
                return Err(violation("hw_at_most_leo", now, d));
            }
            if r.is_leader() {
                let s = &r.state;
                if !s.isr.contains(&b.id) || s.isr.iter().any(|x| !s.replicas.contains(x)) {
                    let d = format!(
                        "{} led by broker-{}: ISR {:?}, replicas {:?}",
                        sim.names().tp(*tp),
                        b.id.0,
                        s.isr,
                        s.replicas
                    );
                    return Err(violation("isr_holds_leader_within_replicas", now, d));
                }
            }
        }
    }
    Ok(())
}

/// Compares the AMQP ledger with the queues as they are.
fn queues_conserved(inv: &Invariants, sim: &Simulation) -> Result<(), Violation> {
    let Some((_, r)) = sim.rabbit() else { return Ok(()) };
    for (name, q) in &r.queues {
        let held = inv.amqp().held(r.qref(name));
        let has = (q.depth() + q.unacked.len()) as i64;
        if held != has {
            let d = format!(
                "queue {name} holds {has} messages ({} ready, {} unacked) but its records account for {held} \
                 (entered minus acked, auto-acked, dead-lettered, dropped or lost)",
                q.depth(),
                q.unacked.len()
            );
            return Err(violation("messages_conserved", sim.now().0, d));
        }
    }
    Ok(())
}
