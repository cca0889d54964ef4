//! The ZooKeeper-mode controller (K KafkaController, PartitionStateMachine): on broker
//! failure it elects new leaders from the ISR in assignment order (or, with unclean
//! election, from any live replica), bumps leader epochs, shrinks ISRs (never below one
//! member), writes the states to ZooKeeper and pushes LeaderAndIsr to the brokers. It also
//! validates leaders' AlterPartition requests (KIP-497).

use super::config::ClusterCfg;
use super::protocol::{Msg, PartitionState};
use super::{Fx, ZK_NODE, broker_node};
use crate::trace::{BrokerId, Election, ErrorCode, RecordKind, Tp};
use std::collections::{BTreeMap, BTreeSet};

/// State held by the broker that is the controller.
#[derive(Clone, Debug)]
pub struct ControllerState {
    /// The controller epoch this broker won (fences stale controllers).
    pub epoch: u32,
    /// Brokers with a live ZooKeeper session, as last told.
    pub live: BTreeSet<BrokerId>,
    /// Their session ids: a changed id means the broker bounced (KIP-380).
    pub sessions: BTreeMap<BrokerId, u64>,
    /// Every partition's state.
    pub states: BTreeMap<Tp, PartitionState>,
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

impl ControllerState {
    /// Re-evaluates every partition against the live set; returns the states that changed.
    fn reconcile(&mut self, cfg: &ClusterCfg, dead: &BTreeSet<BrokerId>, fx: &mut Fx) -> Vec<(Tp, PartitionState)> {
        let mut changed = Vec::new();
        for (tp, s) in self.states.iter_mut() {
            let unclean = cfg.topic(tp.topic).unclean_leader_election;
            let leader_ok = s.leader.is_some_and(|l| self.live.contains(&l));
            let before = s.clone();
            if !leader_ok {
                let pruned = PartitionState { isr: remove_from_isr(&s.isr, dead), ..s.clone() };
                match elect_leader(&pruned, &self.live, unclean) {
                    Some((b, how)) => {
                        s.leader = Some(b);
                        s.isr = if how == Election::Unclean {
                            vec![b]
                        } else {
                            pruned.isr.iter().copied().filter(|x| self.live.contains(x)).collect()
                        };
                        s.leader_epoch += 1;
                        fx.record(RecordKind::Leader {
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
                        fx.record(RecordKind::Leader {
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
                fx.record(RecordKind::Isr { tp: *tp, isr: s.isr.clone(), leader_epoch: s.leader_epoch });
            }
            if *s != before {
                s.partition_epoch += 1;
                changed.push((*tp, s.clone()));
            }
        }
        changed
    }

    /// Writes changed states to ZooKeeper and sends them, with the live brokers, to `to`
    /// (also when nothing changed: the live set itself is news, as UpdateMetadata is).
    fn publish(&self, me: BrokerId, changed: Vec<(Tp, PartitionState)>, to: &[BrokerId], fx: &mut Fx) {
        if !changed.is_empty() {
            fx.send(ZK_NODE, Msg::ZkWrite { controller_epoch: self.epoch, states: changed.clone() });
        }
        let live: Vec<BrokerId> = self.live.iter().copied().collect();
        for &b in to {
            let msg = Msg::LeaderAndIsr {
                controller: me,
                controller_epoch: self.epoch,
                states: changed.clone(),
                live: live.clone(),
            };
            fx.send(broker_node(b), msg);
        }
    }

    /// Just elected: elect leaders where needed and tell every live broker everything.
    pub fn on_elected(&mut self, me: BrokerId, cfg: &ClusterCfg, fx: &mut Fx) {
        let dead: BTreeSet<BrokerId> = (1..=cfg.brokers).map(BrokerId).filter(|b| !self.live.contains(b)).collect();
        let changed = self.reconcile(cfg, &dead, fx);
        let live: Vec<BrokerId> = self.live.iter().copied().collect();
        self.publish(me, changed, &[], fx);
        self.send_all(me, &live, fx);
    }

    /// Sends every partition state and the live set to every live broker again.
    pub fn resync(&self, me: BrokerId, fx: &mut Fx) {
        let live: Vec<BrokerId> = self.live.iter().copied().collect();
        self.send_all(me, &live, fx);
    }

    /// Sends every partition state and the live set to `to`.
    fn send_all(&self, me: BrokerId, to: &[BrokerId], fx: &mut Fx) {
        let all: Vec<(Tp, PartitionState)> = self.states.iter().map(|(t, s)| (*t, s.clone())).collect();
        let live: Vec<BrokerId> = self.live.iter().copied().collect();
        for &b in to {
            let msg = Msg::LeaderAndIsr {
                controller: me,
                controller_epoch: self.epoch,
                states: all.clone(),
                live: live.clone(),
            };
            fx.send(broker_node(b), msg);
        }
    }

    /// ZooKeeper's /brokers/ids watch fired (K onBrokerFailure / onBrokerStartup). A broker
    /// that re-registered with a new session bounced: it is handled as a failure and then a
    /// startup (KIP-380), so its leaderships are re-elected with new epochs.
    pub fn on_brokers_changed(&mut self, me: BrokerId, live_now: &[(BrokerId, u64)], cfg: &ClusterCfg, fx: &mut Fx) {
        let now: BTreeSet<BrokerId> = live_now.iter().map(|(b, _)| *b).collect();
        let bounced: BTreeSet<BrokerId> = live_now
            .iter()
            .filter(|(b, s)| self.sessions.get(b).is_some_and(|old| old != s))
            .map(|(b, _)| *b)
            .collect();
        let dead: BTreeSet<BrokerId> = self.live.difference(&now).copied().chain(bounced.iter().copied()).collect();
        let born: Vec<BrokerId> =
            now.iter().copied().filter(|b| !self.live.contains(b) || bounced.contains(b)).collect();
        self.live = now.difference(&bounced).copied().collect();
        let mut changed: BTreeMap<Tp, PartitionState> = self.reconcile(cfg, &dead, fx).into_iter().collect();
        self.live = now;
        changed.extend(self.reconcile(cfg, &BTreeSet::new(), fx));
        self.sessions = live_now.iter().copied().collect();
        let changed: Vec<(Tp, PartitionState)> = changed.into_iter().collect();
        let old: Vec<BrokerId> = self.live.iter().copied().filter(|b| !born.contains(b)).collect();
        self.publish(me, changed, &old, fx);
        self.send_all(me, &born, fx);
    }

    /// AlterPartition from a leader: accepted only from the current leader and epoch, at
    /// the current partition epoch, naming live brokers only.
    pub fn on_alter_partition(
        &mut self,
        me: BrokerId,
        tp: Tp,
        leader: BrokerId,
        leader_epoch: u32,
        partition_epoch: u32,
        isr: Vec<BrokerId>,
        fx: &mut Fx,
    ) {
        let Some(s) = self.states.get_mut(&tp) else {
            return;
        };
        let result = if s.leader != Some(leader) || s.leader_epoch != leader_epoch {
            Err(ErrorCode::FencedLeaderEpoch)
        } else if s.partition_epoch != partition_epoch || isr.is_empty() || !isr.iter().all(|b| self.live.contains(b)) {
            Err(ErrorCode::NotLeaderOrFollower)
        } else {
            s.isr = isr;
            s.partition_epoch += 1;
            fx.record(RecordKind::Isr { tp, isr: s.isr.clone(), leader_epoch: s.leader_epoch });
            Ok(s.clone())
        };
        fx.send(broker_node(leader), Msg::AlterPartitionResp { tp, result: result.clone() });
        if let Ok(s) = result {
            let others: Vec<BrokerId> = self.live.iter().copied().filter(|&b| b != leader).collect();
            self.publish(me, vec![(tp, s)], &others, fx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(leader: u32, isr: &[u32], replicas: &[u32]) -> PartitionState {
        PartitionState {
            leader: Some(BrokerId(leader)),
            leader_epoch: 0,
            isr: isr.iter().map(|&b| BrokerId(b)).collect(),
            replicas: replicas.iter().map(|&b| BrokerId(b)).collect(),
            partition_epoch: 0,
        }
    }
    fn live(b: &[u32]) -> BTreeSet<BrokerId> {
        b.iter().map(|&b| BrokerId(b)).collect()
    }

    #[test]
    fn election_table_follows_assignment_order_isr_and_unclean_flag() {
        // (state, live, unclean) → expected
        let cases = [
            (st(1, &[1, 2, 3], &[1, 2, 3]), live(&[2, 3]), false, Some((2, Election::Clean))),
            (st(1, &[1, 3], &[1, 2, 3]), live(&[2, 3]), false, Some((3, Election::Clean))),
            (st(1, &[1], &[1, 2, 3]), live(&[2, 3]), false, None),
            (st(1, &[1], &[1, 2, 3]), live(&[2, 3]), true, Some((2, Election::Unclean))),
            (st(1, &[3, 2], &[1, 3, 2]), live(&[2, 3]), false, Some((3, Election::Clean))),
        ];
        for (s, l, unclean, want) in cases {
            let got = elect_leader(&s, &l, unclean).map(|(b, e)| (b.0, e));
            assert_eq!(got, want, "{s:?} live {l:?}");
        }
    }

    #[test]
    fn isr_never_shrinks_below_one_member() {
        let dead = live(&[1, 2]);
        assert_eq!(remove_from_isr(&[BrokerId(1), BrokerId(2)], &dead), vec![BrokerId(2)]);
        assert_eq!(remove_from_isr(&[BrokerId(1), BrokerId(2), BrokerId(3)], &dead), vec![BrokerId(3)]);
    }
}
