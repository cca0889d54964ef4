//! One partition replica on one broker: its log, high watermark and role. As leader it
//! tracks followers' fetch state, advances the HW to the minimum LEO of the (maximal) ISR,
//! proposes ISR shrinks and expansions, parks acks=all produces until the HW covers them
//! and parks fetches until there is something to return (K Partition.scala).

use crate::kafka::config::ClusterCfg;
use crate::kafka::effects::Fx;
use crate::kafka::here::Here;
use crate::kafka::protocol::{Acks, ClientMsg, FetchReq, FetchResp, FetchResult, Msg, PartitionState, ProduceReq};
use crate::kafka::replication::delayed::{DelayedProduce, ParkedFetch};
use crate::kafka::replication::log::{LogEntry, Meta, NO_PRODUCER};
use crate::kafka::replication::producer_state::ProducerBatches;
use crate::kafka::replication::role::{FollowerState, LeaderState, RemoteReplica, Role};
use crate::sim::{Dur, NodeId, SimTime};
use crate::trace::{BrokerId, ErrorCode, RecordKind, Tp};
use std::collections::BTreeMap;

/// A partition replica.
#[derive(Clone, Debug)]
pub struct Partition {
    /// Which partition.
    pub tp: Tp,
    /// Its log.
    pub log: crate::kafka::replication::log::Log,
    /// High watermark: offsets below it are committed.
    pub hw: u64,
    /// HW as last checkpointed to disk (restored after a restart).
    pub hw_checkpoint: u64,
    /// Latest partition state this replica was told.
    pub state: PartitionState,
    /// Leader, follower or neither.
    pub role: Role,
    /// Idempotence state per producer id.
    pub producers: BTreeMap<u32, ProducerBatches>,
}

impl Partition {
    /// A replica with an empty log.
    pub fn new(tp: Tp, state: PartitionState) -> Partition {
        Partition {
            tp,
            log: Default::default(),
            hw: 0,
            hw_checkpoint: 0,
            state,
            role: Role::None,
            producers: BTreeMap::new(),
        }
    }

    /// True when this replica leads.
    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader(_))
    }

    /// The leader state, if leading.
    pub fn leader_state(&self) -> Option<&LeaderState> {
        match &self.role {
            Role::Leader(l) => Some(l),
            Role::Follower(_) | Role::None => None,
        }
    }

    /// Becomes leader for `state` (K Partition.makeLeader): the epoch cache gets
    /// (epoch, LEO); ISR followers count as caught up now; their LEOs are unknown.
    pub fn become_leader(&mut self, now: SimTime, state: PartitionState, me: BrokerId, fx: &mut Fx) {
        self.abandon_leadership(fx);
        let leo = self.log.end_offset();
        self.log.epochs.assign(state.leader_epoch, leo);
        let mut ls = LeaderState { epoch_start: leo, ..Default::default() };
        for &b in state.replicas.iter().filter(|&&b| b != me) {
            let last = if state.isr.contains(&b) { now } else { SimTime::ZERO };
            ls.followers.insert(
                b,
                RemoteReplica { leo: None, last_caught_up: last, last_fetch_leader_leo: 0, last_fetch_time: now },
            );
        }
        self.state = state;
        self.role = Role::Leader(ls);
    }

    /// Stays leader under a newer epoch (the ZooKeeper-mode controller bumps it when it
    /// shrinks the ISR): the epoch cache gets (epoch, LEO); parked produces and fetches stay
    /// parked, as in K Partition.makeLeader for a replica that already leads.
    pub fn continue_as_leader(&mut self, state: PartitionState) {
        let leo = self.log.end_offset();
        self.log.epochs.assign(state.leader_epoch, leo);
        if let Role::Leader(ls) = &mut self.role {
            ls.epoch_start = leo;
            ls.isr_pending = None;
            let missing: Vec<BrokerId> = state
                .replicas
                .iter()
                .copied()
                .filter(|b| !ls.followers.contains_key(b) && Some(*b) != state.leader)
                .collect();
            for b in missing {
                ls.followers.insert(
                    b,
                    RemoteReplica {
                        leo: None,
                        last_caught_up: SimTime::ZERO,
                        last_fetch_leader_leo: 0,
                        last_fetch_time: SimTime::ZERO,
                    },
                );
            }
        }
        self.state = state;
    }

    /// Becomes a follower of `state.leader` (or nothing when it has none).
    pub fn become_follower(&mut self, state: PartitionState, token: u64, fx: &mut Fx) {
        self.abandon_leadership(fx);
        self.role = match state.leader {
            Some(l) => Role::Follower(FollowerState {
                leader: l,
                token,
                in_flight: None,
                sent_at: SimTime::ZERO,
                timeout_at: None,
            }),
            None => Role::None,
        };
        self.state = state;
    }

    /// Fails every parked produce and fetch with NotLeaderOrFollower.
    pub fn abandon_leadership(&mut self, fx: &mut Fx) {
        if let Role::Leader(ls) = &mut self.role {
            for d in ls.delayed.drain(..) {
                fx.send(
                    d.from,
                    Msg::Client(ClientMsg::ProduceResp {
                        req: d.req,
                        tp: self.tp,
                        result: Err(ErrorCode::NotLeaderOrFollower),
                    }),
                );
            }
            for p in ls.parked.drain(..) {
                fx.send(p.from, Msg::Client(ClientMsg::FetchResp(error_resp(p.req, ErrorCode::NotLeaderOrFollower))));
            }
        }
        self.role = Role::None;
    }

    /// Handles a ProduceRequest as leader. Returns the immediate answer, or None when
    /// there is none yet (acks=all waiting) or never (acks=0).
    pub fn produce(
        &mut self,
        h: &Here,
        from: NodeId,
        req: &ProduceReq,
        next_id: &mut u64,
        fx: &mut Fx,
    ) -> Option<Result<u64, ErrorCode>> {
        let Role::Leader(_) = &self.role else {
            return Some(Err(ErrorCode::NotLeaderOrFollower));
        };
        let topic = h.cfg.topic(self.tp.topic);
        let me = h.me;
        if req.acks == Acks::All && self.state.isr.len() < topic.effective_min_isr() {
            return Some(Err(ErrorCode::NotEnoughReplicas));
        }
        let n = req.records.len() as u32;
        let mut duplicate_of = None;
        if let Some(id) = req.idempotence {
            let last = id.base_seq.wrapping_add(n - 1);
            if let Some(pb) = self.producers.get_mut(&id.producer_id) {
                match pb.check(&id, last) {
                    Ok(dup) => duplicate_of = dup,
                    Err(e) => return Some(Err(e)),
                }
            }
        }
        let base = match duplicate_of {
            Some(off) => {
                for (i, r) in req.records.iter().enumerate() {
                    fx.record(RecordKind::DuplicateBatch {
                        broker: me,
                        tp: self.tp,
                        value: r.value,
                        offset: off + i as u64,
                    });
                }
                off
            }
            None => self.append_as_leader(h, req, fx),
        };
        let required = base + n as u64;
        self.maybe_increment_hw(h, fx);
        self.answer_parked(fx, false);
        match req.acks {
            Acks::Zero => None,
            Acks::One => Some(Ok(base)),
            Acks::All if self.hw >= required => Some(Ok(base)),
            Acks::All => {
                let id = *next_id;
                *next_id += 1;
                let deadline = h.now + Dur(req.timeout_us);
                let Role::Leader(ls) = &mut self.role else { unreachable!("checked above") };
                ls.delayed.push_back(DelayedProduce { id, from, req: req.req, base_offset: base, required, deadline });
                self.arm_check(h.now, deadline, fx);
                None
            }
        }
    }

    fn append_as_leader(&mut self, h: &Here, req: &ProduceReq, fx: &mut Fx) -> u64 {
        let (now, me) = (h.now, h.me);
        let base = self.log.end_offset();
        let (pid, base_seq) = req.idempotence.map(|i| (i.producer_id, i.base_seq)).unwrap_or((NO_PRODUCER, 0));
        for (i, r) in req.records.iter().enumerate() {
            let e = LogEntry {
                value: r.value,
                key: r.key,
                epoch: self.state.leader_epoch,
                append_time: now,
                bytes: r.bytes,
                producer_id: pid,
                producer_epoch: req.idempotence.map(|i| i.producer_epoch).unwrap_or(0),
                seq: base_seq.wrapping_add(i as u32),
                batch_base_seq: base_seq,
                poison: r.poison,
                meta: r.meta,
            };
            let off = self.log.append(e, &h.cfg.topic(self.tp.topic).log);
            // Offset-commit and group records show as `commit` records, not as appends.
            if !matches!(r.meta, Meta::Commit { .. } | Meta::GroupMetadata { .. }) {
                fx.record(RecordKind::Append {
                    broker: me,
                    tp: self.tp,
                    offset: off,
                    leader_epoch: e.epoch,
                    value: r.value,
                });
            }
        }
        if let Some(id) = req.idempotence {
            let last = base_seq.wrapping_add(req.records.len() as u32 - 1);
            let pb = self.producers.entry(pid).or_default();
            pb.epoch = Some(id.producer_epoch);
            pb.push(base_seq, last, base);
        }
        self.after_append(h.cfg);
        base
    }

    /// The flush-by-count policy (log.flush.interval.messages); run after every append, on
    /// leaders and followers.
    pub fn after_append(&mut self, cfg: &ClusterCfg) {
        if let Some(n) = cfg.flush_every_messages
            && self.log.end_offset() - self.log.recovery_point >= n
        {
            self.log.recovery_point = self.log.end_offset();
        }
    }

    pub(super) fn read_for(&self, req: &FetchReq) -> FetchResp {
        let limit = if req.replica.is_some() { self.log.end_offset() } else { self.hw };
        let records = self.log.read(req.offset, req.max_records, limit);
        FetchResp {
            req: req.req,
            tp: self.tp,
            result: FetchResult::Records { base_offset: req.offset, records },
            high_watermark: self.hw,
            log_start_offset: self.log.start_offset(),
            log_end_offset: self.log.end_offset(),
        }
    }

    /// Handles a Fetch as leader. Returns the response now, or None when parked.
    /// Followers' fetches update their state, the HW and the ISR (expansion).
    pub fn fetch(&mut self, h: &Here, from: NodeId, req: &FetchReq, fx: &mut Fx) -> Option<FetchResp> {
        let Role::Leader(_) = &self.role else {
            return Some(error_resp(*req, ErrorCode::NotLeaderOrFollower));
        };
        if let Some(e) = req.leader_epoch {
            if e < self.state.leader_epoch {
                return Some(error_resp(*req, ErrorCode::FencedLeaderEpoch));
            }
            if e > self.state.leader_epoch {
                return Some(error_resp(*req, ErrorCode::NotLeaderOrFollower));
            }
        }
        let leo = self.log.end_offset();
        if req.replica.is_some()
            && let Some(last) = req.last_fetched_epoch
        {
            // KIP-320: tell the follower where its log diverges from ours.
            match self.log.epochs.end_offset_for(last, leo) {
                Some((e, end)) if e == last && end >= req.offset => {}
                Some((e, end)) => return Some(self.diverging(*req, e, end)),
                None => return Some(self.diverging(*req, last, leo.min(req.offset))),
            }
        }
        if req.offset > leo || req.offset < self.log.start_offset() {
            return Some(error_resp_with(*req, ErrorCode::OffsetOutOfRange, self.hw, self.log.start_offset(), leo));
        }
        if let Some(f) = req.replica {
            self.update_follower(h, f, req.offset, fx);
        }
        let limit = if req.replica.is_some() { leo } else { self.hw };
        if req.offset < limit || req.max_wait_us == 0 {
            return Some(self.read_for(req));
        }
        let Role::Leader(ls) = &mut self.role else { unreachable!("checked") };
        let deadline = h.now + Dur(req.max_wait_us);
        ls.parked.push(ParkedFetch { from, req: *req, deadline });
        self.arm_check(h.now, deadline, fx);
        None
    }

    fn diverging(&self, req: FetchReq, epoch: u32, end_offset: u64) -> FetchResp {
        FetchResp {
            req: req.req,
            tp: self.tp,
            result: FetchResult::Diverging { epoch, end_offset },
            high_watermark: self.hw,
            log_start_offset: self.log.start_offset(),
            log_end_offset: self.log.end_offset(),
        }
    }
}

/// A fetch response carrying only an error.
pub fn error_resp(req: FetchReq, e: ErrorCode) -> FetchResp {
    error_resp_with(req, e, 0, 0, 0)
}

fn error_resp_with(req: FetchReq, e: ErrorCode, hw: u64, start: u64, leo: u64) -> FetchResp {
    FetchResp {
        req: req.req,
        tp: req.tp,
        result: FetchResult::Error(e),
        high_watermark: hw,
        log_start_offset: start,
        log_end_offset: leo,
    }
}
