//! The ZooKeeper-mode controller (K KafkaController, PartitionStateMachine): on broker
//! failure it elects new leaders from the ISR in assignment order (or, with unclean
//! election, from any live replica), bumps leader epochs, shrinks ISRs (never below one
//! member) and validates leaders' AlterPartition requests (KIP-497). Every decision is
//! written to ZooKeeper first and acted on only when the write is acknowledged, as the real
//! controller's conditional znode updates are: with ZooKeeper unreachable nothing changes
//! (an ISR cannot shrink, so acks=all requests wait rather than lose data).

use crate::kafka::config::ClusterCfg;
use crate::kafka::effects::{Fx, ZK_NODE, broker_node};
use crate::kafka::protocol::{ControlMsg, Msg, PartitionState, ZkMsg};
use crate::sim::{Dur, SimTime};
use crate::trace::{BrokerId, Election, ErrorCode, RecordKind, Tp};
use std::collections::{BTreeMap, BTreeSet};

/// What to do once a ZooKeeper write is acknowledged.
#[derive(Clone, Debug)]
pub enum Then {
    /// Send the changed states and the live set to these brokers (UpdateMetadata).
    Publish(Vec<BrokerId>),
    /// Send every partition state to these brokers.
    Everything(Vec<BrokerId>),
    /// Answer a leader's AlterPartition.
    AlterReply {
        /// The partition.
        tp: Tp,
        /// The leader that asked.
        leader: BrokerId,
    },
}

/// A decision written to ZooKeeper, not yet acknowledged.
#[derive(Clone, Debug)]
pub struct Pending {
    /// New partition states.
    pub changes: Vec<(Tp, PartitionState)>,
    /// Trace records to emit when it commits.
    pub records: Vec<RecordKind>,
    /// What to do then.
    pub then: Vec<Then>,
    /// When it was proposed.
    pub sent_at: SimTime,
}

/// State held by the broker that is the controller.
#[derive(Clone, Debug)]
pub struct ControllerState {
    /// The controller epoch this broker won (fences stale controllers).
    pub epoch: u32,
    /// Brokers with a live ZooKeeper session, as last told.
    pub live: BTreeSet<BrokerId>,
    /// Their session ids: a changed id means the broker bounced (KIP-380).
    pub sessions: BTreeMap<BrokerId, u64>,
    /// Every partition's state as committed in ZooKeeper.
    pub states: BTreeMap<Tp, PartitionState>,
    /// Decisions awaiting ZooKeeper's acknowledgement, by operation id.
    pub pending: BTreeMap<u64, Pending>,
    /// Next operation id.
    pub next_op: u64,
}

/// K PartitionLeaderElectionAlgorithms.offlinePartitionLeaderElection: the first replica
/// in assignment order that is alive and in the ISR; else, if allowed, the first alive one.
pub fn elect_leader(s: &PartitionState, live: &BTreeSet<BrokerId>, unclean: bool) -> Option<(BrokerId, Election)> {
    if let Some(&b) = s.replicas.iter().find(|b| live.contains(b) && s.isr.contains(b)) {
        return Some((b, Election::Clean));
    }
    if unclean && let Some(&b) = s.replicas.iter().find(|b| live.contains(b)) {
        return Some((b, Election::Unclean));
    }
    None
}

/// Removes dead brokers from an ISR one at a time, never leaving it empty
/// (K ReplicaStateMachine.doRemoveReplicasFromIsr keeps a size-1 ISR).
pub fn remove_from_isr(isr: &[BrokerId], dead: &BTreeSet<BrokerId>) -> Vec<BrokerId> {
    let mut out = isr.to_vec();
    for d in dead {
        if out.len() > 1 {
            out.retain(|b| b != d);
        }
    }
    out
}

/// Re-evaluates every partition of `work` against `live`; returns the partitions changed
/// and the trace records describing the decisions.
fn reconcile(
    work: &mut BTreeMap<Tp, PartitionState>,
    live: &BTreeSet<BrokerId>,
    cfg: &ClusterCfg,
    dead: &BTreeSet<BrokerId>,
    records: &mut Vec<RecordKind>,
) -> BTreeSet<Tp> {
    let mut changed = BTreeSet::new();
    for (tp, s) in work.iter_mut() {
        let unclean = cfg.topic(tp.topic).unclean_leader_election;
        let leader_ok = s.leader.is_some_and(|l| live.contains(&l));
        let before = s.clone();
        if !leader_ok {
            let pruned = PartitionState { isr: remove_from_isr(&s.isr, dead), ..s.clone() };
            match elect_leader(&pruned, live, unclean) {
                Some((b, how)) => {
                    s.leader = Some(b);
                    s.isr = if how == Election::Unclean {
                        vec![b]
                    } else {
                        pruned.isr.iter().copied().filter(|x| live.contains(x)).collect()
                    };
                    s.leader_epoch += 1;
                    records.push(RecordKind::Leader {
                        tp: *tp,
                        leader: Some(b),
                        leader_epoch: s.leader_epoch,
                        election: how,
                        isr: s.isr.clone(),
                    });
                }
                None if before.leader.is_some() => {
                    s.leader = None;
                    s.isr = pruned.isr;
                    s.leader_epoch += 1;
                    records.push(RecordKind::Leader {
                        tp: *tp,
                        leader: None,
                        leader_epoch: s.leader_epoch,
                        election: Election::Offline,
                        isr: s.isr.clone(),
                    });
                }
                None => s.isr = pruned.isr,
            }
        } else if s.isr.iter().any(|b| dead.contains(b)) {
            s.isr = remove_from_isr(&s.isr, dead);
            s.leader_epoch += 1; // ZooKeeper mode bumps the leader epoch on controller ISR shrinks
            records.push(RecordKind::Isr { tp: *tp, isr: s.isr.clone(), leader_epoch: s.leader_epoch });
        }
        if *s != before {
            s.partition_epoch += 1;
            changed.insert(*tp);
        }
    }
    changed
}

impl ControllerState {
    /// A controller for `epoch`, starting from what ZooKeeper holds.
    pub fn new(epoch: u32, live: Vec<(BrokerId, u64)>, states: Vec<(Tp, PartitionState)>) -> ControllerState {
        ControllerState {
            epoch,
            live: live.iter().map(|(b, _)| *b).collect(),
            sessions: live.into_iter().collect(),
            states: states.into_iter().collect(),
            pending: BTreeMap::new(),
            next_op: 0,
        }
    }

    /// Committed states with every pending decision applied: what new decisions build on.
    fn view(&self) -> BTreeMap<Tp, PartitionState> {
        let mut v = self.states.clone();
        for p in self.pending.values() {
            v.extend(p.changes.iter().cloned());
        }
        v
    }

    /// Writes a decision to ZooKeeper; acts on it once acknowledged (at once if empty).
    fn propose(
        &mut self,
        me: BrokerId,
        now: SimTime,
        changes: Vec<(Tp, PartitionState)>,
        records: Vec<RecordKind>,
        then: Vec<Then>,
        fx: &mut Fx,
    ) {
        if changes.is_empty() {
            let p = Pending { changes, records, then, sent_at: now };
            return self.act(me, p, fx);
        }
        self.next_op += 1;
        let op = self.next_op;
        fx.send(ZK_NODE, Msg::Zk(ZkMsg::Write { controller_epoch: self.epoch, states: changes.clone(), op }));
        self.pending.insert(op, Pending { changes, records, then, sent_at: now });
    }

    /// ZooKeeper answered a write. Earlier writes still unanswered were lost; the resync
    /// recomputes them.
    pub fn on_write_result(&mut self, me: BrokerId, op: u64, ok: bool, fx: &mut Fx) {
        let Some(p) = self.pending.remove(&op) else { return };
        self.pending.retain(|&o, _| o > op);
        if !ok {
            for t in &p.then {
                if let Then::AlterReply { tp, leader } = t {
                    fx.send(
                        broker_node(*leader),
                        Msg::Control(ControlMsg::AlterPartitionResp {
                            tp: *tp,
                            result: Err(ErrorCode::NotLeaderOrFollower),
                        }),
                    );
                }
            }
            return;
        }
        for (tp, s) in &p.changes {
            if self.states.get(tp).is_none_or(|c| s.partition_epoch > c.partition_epoch) {
                self.states.insert(*tp, s.clone());
            }
        }
        self.act(me, p, fx);
    }

    fn act(&mut self, me: BrokerId, p: Pending, fx: &mut Fx) {
        for r in p.records {
            fx.record(r);
        }
        let live: Vec<BrokerId> = self.live.iter().copied().collect();
        for t in p.then {
            match t {
                Then::Publish(to) => self.send_changes(me, &p.changes, &to, fx),
                Then::Everything(to) => self.send_all(me, &to, fx),
                Then::AlterReply { tp, leader } => {
                    let state = self.states.get(&tp).cloned().ok_or(ErrorCode::NotLeaderOrFollower);
                    fx.send(broker_node(leader), Msg::Control(ControlMsg::AlterPartitionResp { tp, result: state }));
                    let others: Vec<BrokerId> = live.iter().copied().filter(|&b| b != leader).collect();
                    self.send_changes(me, &p.changes, &others, fx);
                }
            }
        }
    }

    /// Just elected: elect leaders where needed and tell every live broker everything.
    pub fn on_elected(&mut self, me: BrokerId, now: SimTime, cfg: &ClusterCfg, fx: &mut Fx) {
        let dead: BTreeSet<BrokerId> = (1..=cfg.brokers).map(BrokerId).filter(|b| !self.live.contains(b)).collect();
        let mut work = self.view();
        let mut records = Vec::new();
        let changed = reconcile(&mut work, &self.live, cfg, &dead, &mut records);
        let changes = changed.into_iter().map(|tp| (tp, work[&tp].clone())).collect();
        let live: Vec<BrokerId> = self.live.iter().copied().collect();
        self.propose(me, now, changes, records, vec![Then::Everything(live)], fx);
    }

    /// Every 5 s: decisions ZooKeeper never acknowledged are dropped and recomputed, and
    /// every live broker gets the committed state again (the real controller's request
    /// queues retry until delivered; this also repairs state lost to cuts).
    pub fn resync(&mut self, me: BrokerId, now: SimTime, cfg: &ClusterCfg, fx: &mut Fx) {
        self.pending.retain(|_, p| now.since(p.sent_at) < Dur::secs(2));
        let live: Vec<BrokerId> = self.live.iter().copied().collect();
        if self.pending.is_empty() {
            self.on_elected(me, now, cfg, fx);
        } else {
            self.send_all(me, &live, fx);
        }
    }

    /// Sends `changes` and the live set to `to` (UpdateMetadata / LeaderAndIsr).
    fn send_changes(&self, me: BrokerId, changes: &[(Tp, PartitionState)], to: &[BrokerId], fx: &mut Fx) {
        let live: Vec<BrokerId> = self.live.iter().copied().collect();
        for &b in to {
            let msg = Msg::Control(ControlMsg::LeaderAndIsr {
                controller: me,
                controller_epoch: self.epoch,
                states: changes.to_vec(),
                live: live.clone(),
            });
            fx.send(broker_node(b), msg);
        }
    }

    /// Sends every committed partition state and the live set to `to`.
    fn send_all(&self, me: BrokerId, to: &[BrokerId], fx: &mut Fx) {
        let all: Vec<(Tp, PartitionState)> = self.states.iter().map(|(t, s)| (*t, s.clone())).collect();
        self.send_changes(me, &all, to, fx);
    }

    /// ZooKeeper's /brokers/topics watch fired: partitions were added (K onNewPartitionCreation).
    /// They go online like any partition without a leader: the first live replica leads.
    pub fn on_partitions_added(
        &mut self,
        me: BrokerId,
        now: SimTime,
        added: Vec<(Tp, PartitionState)>,
        cfg: &ClusterCfg,
        fx: &mut Fx,
    ) {
        for (tp, s) in added {
            if let std::collections::btree_map::Entry::Vacant(e) = self.states.entry(tp) {
                fx.record(RecordKind::Leader {
                    tp,
                    leader: s.leader,
                    leader_epoch: s.leader_epoch,
                    election: crate::trace::Election::Initial,
                    isr: s.isr.clone(),
                });
                e.insert(s);
            }
        }
        self.on_elected(me, now, cfg, fx);
    }

    /// ZooKeeper's /brokers/ids watch fired (K onBrokerFailure / onBrokerStartup). A broker
    /// that re-registered with a new session bounced: it is handled as a failure and then a
    /// startup (KIP-380), so its leaderships are re-elected with new epochs.
    pub fn on_brokers_changed(
        &mut self,
        me: BrokerId,
        now: SimTime,
        live_now: &[(BrokerId, u64)],
        cfg: &ClusterCfg,
        fx: &mut Fx,
    ) {
        let now_live: BTreeSet<BrokerId> = live_now.iter().map(|(b, _)| *b).collect();
        let bounced: BTreeSet<BrokerId> = live_now
            .iter()
            .filter(|(b, s)| self.sessions.get(b).is_some_and(|old| old != s))
            .map(|(b, _)| *b)
            .collect();
        let dead: BTreeSet<BrokerId> =
            self.live.difference(&now_live).copied().chain(bounced.iter().copied()).collect();
        let born: Vec<BrokerId> =
            now_live.iter().copied().filter(|b| !self.live.contains(b) || bounced.contains(b)).collect();
        let mut work = self.view();
        let mut records = Vec::new();
        let without_bounced: BTreeSet<BrokerId> = now_live.difference(&bounced).copied().collect();
        let mut changed = reconcile(&mut work, &without_bounced, cfg, &dead, &mut records);
        changed.extend(reconcile(&mut work, &now_live, cfg, &BTreeSet::new(), &mut records));
        self.live = now_live;
        self.sessions = live_now.iter().copied().collect();
        let changes = changed.into_iter().map(|tp| (tp, work[&tp].clone())).collect();
        let old: Vec<BrokerId> = self.live.iter().copied().filter(|b| !born.contains(b)).collect();
        self.propose(me, now, changes, records, vec![Then::Publish(old), Then::Everything(born)], fx);
    }

    /// AlterPartition from a leader: accepted only from the current leader and epoch, at
    /// the current partition epoch, naming live brokers only; answered once committed.
    #[allow(clippy::too_many_arguments)]
    pub fn on_alter_partition(
        &mut self,
        me: BrokerId,
        now: SimTime,
        tp: Tp,
        leader: BrokerId,
        leader_epoch: u32,
        partition_epoch: u32,
        isr: Vec<BrokerId>,
        fx: &mut Fx,
    ) {
        let Some(mut s) = self.view().get(&tp).cloned() else { return };
        let error = if s.leader != Some(leader) || s.leader_epoch != leader_epoch {
            Some(ErrorCode::FencedLeaderEpoch)
        } else if s.partition_epoch != partition_epoch || isr.is_empty() || !isr.iter().all(|b| self.live.contains(b)) {
            Some(ErrorCode::NotLeaderOrFollower)
        } else {
            None
        };
        if let Some(e) = error {
            fx.send(broker_node(leader), Msg::Control(ControlMsg::AlterPartitionResp { tp, result: Err(e) }));
            return;
        }
        s.isr = isr;
        s.partition_epoch += 1;
        let records = vec![RecordKind::Isr { tp, isr: s.isr.clone(), leader_epoch: s.leader_epoch }];
        self.propose(me, now, vec![(tp, s)], records, vec![Then::AlterReply { tp, leader }], fx);
    }
}

#[cfg(test)]
mod tests;
