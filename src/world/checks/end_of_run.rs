//! Invariants checked once, when a run ends (they need the final logs):
//! - `acked_write_never_lost`: a record acknowledged under the safe configuration (acks=all
//!   to a topic with min.insync.replicas ≥ 2 and unclean election off) is still in its
//!   partition's log, unless retention removed it. Kafka relies on replication rather than
//!   fsync, so a power loss that dropped unflushed records excuses the check for the run.
//!   A partition with no leader and every in-sync replica down is not judged: its log is
//!   on their disks, unknown until one returns.
//! - `messages_conserved`: every record below a group's committed offset was handled by the
//!   group (processed, skipped after its retries, sent to a retry or dead-letter topic),
//!   skipped by a documented offset reset, or is no longer in the log. Groups that commit
//!   before processing (at-most-once) lose records by design and are not checked. Records at
//!   or above the committed offset are pending; the AMQP side is checked as the run goes.

use super::loss::acked_lost;
use crate::check::invariants::Invariants;
use crate::check::violation::{Violation, violation};
use crate::kafka::Acks;
use crate::kafka::CommitMode;
use crate::sim::NodeId;
use crate::trace::{GroupRef, Tp};
use crate::world::Simulation;

/// The end-of-run checks.
pub fn check(inv: &mut Invariants, sim: &Simulation) -> Result<(), Violation> {
    inv.checks += 1;
    super::state::check(inv, sim)?;
    if !inv.power_loss_lost_records {
        acked_writes_kept(sim)?;
    }
    for g in sim.stats.groups.keys() {
        group_conserved(inv, sim, *g)?;
    }
    Ok(())
}

/// Every record below group `g`'s committed offset was handled, skipped by a reset, or is
/// no longer in the log.
fn group_conserved(inv: &Invariants, sim: &Simulation, g: GroupRef) -> Result<(), Violation> {
    let members: Vec<_> = sim
        .consumers()
        .filter_map(|(id, c)| c.cfg.group.as_ref().filter(|x| x.group == g).map(|x| (id, x.commit)))
        .collect();
    if members.iter().any(|&(_, commit)| commit == CommitMode::BeforeProcess) {
        return Ok(());
    }
    let stats = &sim.stats.groups[&g];
    let skipped = |tp: Tp, o: u64| {
        members.iter().any(|(id, _)| {
            let ranges = inv.skipped.get(&(crate::trace::NodeId(id.0), tp));
            ranges.is_some_and(|r| r.iter().any(|&(a, b)| (a..b).contains(&o)))
        })
    };
    for (tp, &committed) in &stats.committed {
        let Some(h) = stats.handled.get(tp) else { continue };
        let Some(first) = h.first else { continue };
        let end = sim.authoritative_replica(*tp).map(|r| r.log.end_offset()).unwrap_or(0);
        let missing = (first..committed.min(end)).find(|&o| !h.has(o) && !skipped(*tp, o));
        if let Some(o) = missing {
            let d = format!(
                "group {} committed {} up to {committed} but never handled offset {o}",
                sim.names().group(g),
                sim.names().tp(*tp)
            );
            return Err(violation("messages_conserved", sim.now().0, d));
        }
    }
    Ok(())
}

/// The first acknowledged write of the safe configuration that is gone.
fn acked_writes_kept(sim: &Simulation) -> Result<(), Violation> {
    let safe_producer = |number: u32| sim.producers().any(|(_, p)| p.cfg.number == number && p.cfg.acks == Acks::All);
    let safe_topic = |tp: Tp| {
        let t = &sim.cluster().topics[tp.topic.0 as usize];
        t.min_insync_replicas >= 2 && !t.unclean_leader_election
    };
    let lost = acked_lost(sim);
    // With every replica down the log is unknown, not lost. So it is with no leader while
    // every in-sync replica is down: the log of record is on their disks, and unclean
    // election is off, so a stale replica that is up (a broker stopped before the writes
    // and started after the ISR went down) can never lead; judging by its log called
    // writes lost that come back with the ISR.
    let isr_down = |tp: Tp| {
        sim.leader_of(tp).is_none()
            && sim.zookeeper().states.get(&tp).is_some_and(|s| !s.isr.iter().any(|b| sim.is_up(NodeId(b.0))))
    };
    let known = |tp: Tp| sim.authoritative_replica(tp).is_some() && !isr_down(tp);
    let first = lost.into_iter().find(|&(m, tp, _)| known(tp) && safe_topic(tp) && safe_producer(m.producer()));
    match first {
        None => Ok(()),
        Some((m, tp, off)) => {
            let n = sim.names();
            let d = format!(
                "{} was acknowledged at {} offset {off} (acks=all, min ISR ≥ 2) and is gone",
                n.msg(m),
                n.tp(tp)
            );
            Err(violation("acked_write_never_lost", sim.now().0, d))
        }
    }
}
