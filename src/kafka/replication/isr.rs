//! The leader's view of its followers (K Partition.scala): the high-watermark rule, follower
//! fetch state, and ISR shrink and expand proposals sent to the controller (KIP-497).

use crate::kafka::config::ClusterCfg;
use crate::kafka::effects::BrokerTimer;
use crate::kafka::effects::{Fx, KTimer};
use crate::kafka::here::Here;
use crate::kafka::protocol::{ClientMsg, ControlMsg, Msg, PartitionState};
use crate::kafka::replication::partition::Partition;
use crate::kafka::replication::role::{RemoteReplica, Role};
use crate::sim::{Dur, SimTime};
use crate::trace::{BrokerId, ErrorCode, RecordKind};

fn is_caught_up(r: &RemoteReplica, leader_leo: u64, now: SimTime, lag_max: Dur) -> bool {
    r.leo == Some(leader_leo) || now.since(r.last_caught_up) <= lag_max
}

impl Partition {
    /// K Partition.maybeIncrementLeaderHW: the HW moves to the smallest LEO among the
    /// maximal ISR and caught-up eligible followers; never backwards; not at all while the
    /// ISR is below min.insync.replicas (Kafka ≥ 3.7, KAFKA-15583).
    pub fn maybe_increment_hw(&mut self, h: &Here, fx: &mut Fx) {
        let Role::Leader(ls) = &mut self.role else {
            return;
        };
        let (now, cfg, me, topic) = (h.now, h.cfg, h.me, h.cfg.topic(self.tp.topic));
        if self.state.isr.len() < topic.effective_min_isr() {
            return;
        }
        let leo = self.log.end_offset();
        let mut new_hw = leo;
        for (b, r) in &ls.followers {
            let in_max_isr = self.state.isr.contains(b) || ls.isr_pending.as_ref().is_some_and(|p| p.contains(b));
            let eligible = r.leo.is_some() && h.is_live(*b) && is_caught_up(r, leo, now, cfg.replica_lag_time_max);
            let counts = in_max_isr || eligible;
            if counts {
                new_hw = new_hw.min(r.leo.unwrap_or(self.hw));
            }
        }
        if new_hw <= self.hw {
            return;
        }
        self.hw = new_hw;
        fx.record(RecordKind::Hw { broker: me, tp: self.tp, high_watermark: new_hw });
        let isr_ok = self.state.isr.len() >= topic.effective_min_isr();
        while ls.delayed.front().is_some_and(|d| d.required <= new_hw) {
            let d = ls.delayed.pop_front().expect("checked");
            let result = if isr_ok { Ok(d.base_offset) } else { Err(ErrorCode::NotEnoughReplicasAfterAppend) };
            fx.send(d.from, Msg::Client(ClientMsg::ProduceResp { req: d.req, tp: self.tp, result }));
        }
        self.answer_parked(fx, false);
    }

    /// K Replica.updateFetchStateOrThrow, then ISR expansion and the HW.
    pub(super) fn update_follower(&mut self, h: &Here, f: BrokerId, offset: u64, fx: &mut Fx) {
        let now = h.now;
        let leo = self.log.end_offset();
        let (hw, epoch_start) = (self.hw, self.leader_state().map(|l| l.epoch_start).unwrap_or(0));
        let Role::Leader(ls) = &mut self.role else {
            return;
        };
        let Some(r) = ls.followers.get_mut(&f) else {
            return;
        };
        if offset >= leo {
            r.last_caught_up = r.last_caught_up.max(now);
        } else if offset >= r.last_fetch_leader_leo {
            r.last_caught_up = r.last_caught_up.max(r.last_fetch_time);
        }
        r.last_fetch_leader_leo = leo;
        r.last_fetch_time = now;
        r.leo = Some(offset);
        // K Partition.maybeExpandIsr: LEO ≥ HW and ≥ the start of the current epoch.
        if !self.state.isr.contains(&f)
            && ls.isr_pending.is_none()
            && offset >= hw
            && offset >= epoch_start
            && h.is_live(f)
        {
            let mut isr = self.state.isr.clone();
            isr.push(f);
            isr.sort_by_key(|b| self.state.replicas.iter().position(|r| r == b));
            self.propose_isr(h, isr, fx);
        }
        self.maybe_increment_hw(h, fx);
    }

    /// ISR members that are not caught up (K Partition.getOutOfSyncReplicas).
    pub fn out_of_sync(&self, now: SimTime, cfg: &ClusterCfg) -> Vec<BrokerId> {
        let Role::Leader(ls) = &self.role else {
            return vec![];
        };
        let leo = self.log.end_offset();
        ls.followers
            .iter()
            .filter(|(b, r)| self.state.isr.contains(b) && !is_caught_up(r, leo, now, cfg.replica_lag_time_max))
            .map(|(b, _)| *b)
            .collect()
    }

    /// Sends AlterPartition with `isr` to the controller (one change in flight at a time;
    /// none while no controller is known).
    pub fn propose_isr(&mut self, h: &Here, isr: Vec<BrokerId>, fx: &mut Fx) {
        let Role::Leader(ls) = &mut self.role else {
            return;
        };
        let Some(controller) = h.controller else {
            return;
        };
        if ls.isr_pending.is_some() || isr == self.state.isr {
            return;
        }
        ls.isr_pending = Some(isr.clone());
        let s = &self.state;
        let msg = Msg::Control(ControlMsg::AlterPartition {
            tp: self.tp,
            leader: h.me,
            leader_epoch: s.leader_epoch,
            partition_epoch: s.partition_epoch,
            isr,
        });
        fx.timer(
            Dur::secs(3),
            KTimer::Broker(BrokerTimer::AlterPartitionTimeout { tp: self.tp, partition_epoch: s.partition_epoch }),
        );
        fx.send(crate::kafka::effects::broker_node(controller), msg);
    }

    /// Applies a partition state from the controller that keeps this replica's role and
    /// epoch (an ISR change): newer partition epochs win.
    pub fn update_state(&mut self, h: &Here, state: PartitionState, fx: &mut Fx) {
        if state.partition_epoch < self.state.partition_epoch {
            return;
        }
        let isr_changed = state.isr != self.state.isr;
        self.state = state;
        if let Role::Leader(ls) = &mut self.role {
            ls.isr_pending = None;
            if isr_changed {
                self.maybe_increment_hw(h, fx);
            }
        }
    }
}
