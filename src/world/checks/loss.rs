//! Losses read off the whole simulation: acknowledged records missing from their
//! partition's log of record, and records a group committed past without handling them.

use crate::trace::{GroupRef, MsgId, Tp};
use crate::world::Simulation;
use std::collections::{BTreeMap, BTreeSet};

/// Records group `g` committed past without handling them: (lost, in flight). In flight
/// are those a running member holds (its current poll batch), committed before processing.
pub fn group_loss(sim: &Simulation, g: GroupRef) -> (u64, u64) {
    let Some(gs) = sim.stats.groups.get(&g) else { return (0, 0) };
    let held: BTreeSet<(Tp, u64)> = sim
        .consumers()
        .filter(|(id, c)| sim.is_up(*id) && c.cfg.group.as_ref().is_some_and(|x| x.group == g))
        .flat_map(|(_, c)| c.in_hand())
        .collect();
    gs.lost_and_in_flight(&held)
}

/// Acknowledged records missing from their partition's log of record, not explained by
/// retention: the heart of every durability lesson.
pub fn acked_lost(sim: &Simulation) -> Vec<(MsgId, Tp, u64)> {
    let mut present: BTreeMap<Tp, (u64, Vec<MsgId>)> = BTreeMap::new();
    for tp in sim.partitions() {
        let (start, mut ids) = match sim.authoritative_replica(tp) {
            Some(r) => (r.log.start_offset(), r.log.iter().map(|(_, e)| e.value).collect::<Vec<_>>()),
            None => (0, Vec::new()),
        };
        ids.sort_unstable();
        present.insert(tp, (start, ids));
    }
    let mut lost = Vec::new();
    for (tp, acked) in &sim.stats.acked {
        let (start, ids) = &present[tp];
        lost.extend(
            acked
                .iter()
                .filter(|(m, off)| *off >= *start && ids.binary_search(m).is_err())
                .map(|&(m, off)| (m, *tp, off)),
        );
    }
    lost.sort_by_key(|&(m, tp, off)| (tp, off, m));
    lost
}
