//! A broker's replicas (K ReplicaManager): applies the controller's LeaderAndIsr, serves
//! produce and fetch, and runs the follower fetch loop with KIP-320 divergence handling.

use crate::kafka::buffers;
use crate::kafka::effects::BrokerTimer;
use crate::kafka::effects::{Fx, KTimer, broker_node};
use crate::kafka::here::Here;
use crate::kafka::protocol::{ClientMsg, FetchReq, FetchResp, FetchResult, Msg, PartitionState};
use crate::kafka::replication::partition::{Partition, error_resp};
use crate::kafka::replication::producer_state::track_producer;
use crate::kafka::replication::role::Role;
use crate::kafka::replication::segments::Rule;
use crate::sim::{Dur, NodeId};
use crate::trace::{BrokerId, ErrorCode, RecordKind, Tp};
use std::collections::BTreeMap;

/// The replicas one broker hosts.
#[derive(Clone, Debug, Default)]
pub struct ReplicaManager {
    /// Replicas by partition.
    pub replicas: BTreeMap<Tp, Partition>,
    next_token: u64,
    next_id: u64,
}

impl ReplicaManager {
    /// A fresh id for requests and delayed operations.
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Applies partition states from the controller: leadership and epoch changes change
    /// roles; same-epoch states only update the ISR.
    pub fn apply(&mut self, h: &Here, states: &[(Tp, PartitionState)], fx: &mut Fx) {
        for (tp, s) in states {
            if !self.replicas.contains_key(tp) && s.replicas.contains(&h.me) {
                // A partition added after the start: this broker hosts a replica (empty log).
                let fresh = PartitionState { leader: None, leader_epoch: 0, isr: Vec::new(), ..s.clone() };
                self.replicas.insert(*tp, Partition::new(*tp, fresh));
            }
            let Some(r) = self.replicas.get_mut(tp) else {
                continue;
            };
            let newer_epoch = s.leader_epoch > r.state.leader_epoch;
            if s.leader == Some(h.me) {
                if !r.is_leader() {
                    r.become_leader(h.now, s.clone(), h.me, fx);
                    r.maybe_increment_hw(h, fx);
                } else if newer_epoch {
                    r.continue_as_leader(s.clone());
                    r.maybe_increment_hw(h, fx);
                } else {
                    r.update_state(h, s.clone(), fx);
                }
            } else {
                let role_wrong = match (&r.role, s.leader) {
                    (Role::Follower(f), Some(l)) => f.leader != l,
                    (Role::Leader(_), _) | (Role::None, Some(_)) => true,
                    (Role::Follower(_), None) | (Role::None, None) => false,
                };
                if newer_epoch || role_wrong {
                    self.next_token += 1;
                    let token = self.next_token;
                    r.become_follower(s.clone(), token, fx);
                    if s.leader.is_some() {
                        fx.timer(Dur::ZERO, KTimer::Broker(BrokerTimer::FollowerFetch { tp: *tp, token }));
                    }
                } else {
                    r.update_state(h, s.clone(), fx);
                }
            }
        }
    }

    /// Handles a ProduceRequest.
    pub fn produce(&mut self, h: &Here, from: NodeId, req: crate::kafka::protocol::ProduceReq, fx: &mut Fx) {
        let mut next = self.next_id;
        let result = match self.replicas.get_mut(&req.tp) {
            Some(r) => r.produce(h, from, &req, &mut next, fx),
            None => Some(Err(ErrorCode::NotLeaderOrFollower)),
        };
        self.next_id = next;
        if let Some(result) = result {
            fx.send(from, Msg::Client(ClientMsg::ProduceResp { req: req.req, tp: req.tp, result }));
        }
        buffers::give(req.records);
    }

    /// Handles a FetchRequest from a follower or a consumer.
    pub fn fetch(&mut self, h: &Here, from: NodeId, req: &FetchReq, fx: &mut Fx) {
        let resp = match self.replicas.get_mut(&req.tp) {
            Some(r) => r.fetch(h, from, req, fx),
            None => Some(error_resp(*req, ErrorCode::NotLeaderOrFollower)),
        };
        if let Some(resp) = resp {
            fx.send(from, Msg::Client(ClientMsg::FetchResp(resp)));
        }
    }

    /// Sends the follower fetch for `tp` if `token` is still current.
    pub fn follower_fetch(&mut self, h: &Here, tp: Tp, token: u64, fx: &mut Fx) {
        let req_id = self.next_id();
        let Some(r) = self.replicas.get_mut(&tp) else {
            return;
        };
        let Role::Follower(f) = &mut r.role else {
            return;
        };
        if f.token != token || f.in_flight.is_some() {
            return;
        }
        f.in_flight = Some(req_id);
        f.sent_at = h.now;
        let req = FetchReq {
            req: req_id,
            replica: Some(h.me),
            tp,
            offset: r.log.end_offset(),
            last_fetched_epoch: r.log.last_epoch(),
            leader_epoch: Some(r.state.leader_epoch),
            max_records: h.cfg.replica_fetch_max_records,
            max_wait_us: h.cfg.replica_fetch_wait_max.0,
        };
        fx.send(broker_node(f.leader), Msg::Client(ClientMsg::Fetch(req)));
        if f.timeout_at.is_none() {
            // One armed check per fetch loop, not a timer per fetch.
            f.timeout_at = Some(h.now + h.cfg.replica_socket_timeout);
            fx.timer(h.cfg.replica_socket_timeout, KTimer::Broker(BrokerTimer::FollowerFetchTimeout { tp, token }));
        }
    }

    /// The follower's timeout check: a fetch unanswered for replica.socket.timeout fails;
    /// otherwise the check is re-armed for the fetch in flight.
    pub fn follower_fetch_timeout(&mut self, h: &Here, tp: Tp, token: u64, fx: &mut Fx) {
        let Some(r) = self.replicas.get_mut(&tp) else { return };
        let Role::Follower(f) = &mut r.role else { return };
        if f.token != token {
            return;
        }
        f.timeout_at = None;
        let Some(req) = f.in_flight else { return };
        let due = f.sent_at + h.cfg.replica_socket_timeout;
        if due <= h.now {
            self.follower_fetch_failed(h, tp, req, fx);
        } else {
            f.timeout_at = Some(due);
            fx.timer(due.since(h.now), KTimer::Broker(BrokerTimer::FollowerFetchTimeout { tp, token }));
        }
    }

    /// A follower fetch got no answer in time, or bounced: fetch again after the backoff.
    pub fn follower_fetch_failed(&mut self, h: &Here, tp: Tp, req: u64, fx: &mut Fx) {
        let Some(r) = self.replicas.get_mut(&tp) else {
            return;
        };
        let Role::Follower(f) = &mut r.role else {
            return;
        };
        if f.in_flight == Some(req) {
            f.in_flight = None;
            fx.timer(h.cfg.replica_fetch_backoff, KTimer::Broker(BrokerTimer::FollowerFetch { tp, token: f.token }));
        }
    }

    /// Finds the follower fetch with correlation id `req` (for bounced requests).
    pub fn follower_fetch_tp(&self, req: u64) -> Option<Tp> {
        self.replicas.iter().find_map(|(tp, r)| match &r.role {
            Role::Follower(f) if f.in_flight == Some(req) => Some(*tp),
            Role::Follower(_) | Role::Leader(_) | Role::None => None,
        })
    }

    /// Handles a FetchResponse to this broker's follower fetch.
    pub fn on_follower_response(&mut self, h: &Here, resp: FetchResp, fx: &mut Fx) {
        let Some(r) = self.replicas.get_mut(&resp.tp) else {
            return;
        };
        let Role::Follower(f) = &mut r.role else {
            return;
        };
        if f.in_flight != Some(resp.req) {
            return;
        }
        f.in_flight = None;
        let token = f.token;
        let tp = resp.tp;
        // Fetch again at once (the leader long-polls), or after the backoff on errors.
        let backoff = match resp.result {
            FetchResult::Records { base_offset, records } => {
                if base_offset == r.log.end_offset() {
                    for e in &records {
                        let off = r.log.append(*e, &h.cfg.topic(tp.topic).log);
                        track_producer(&mut r.producers, e, off);
                    }
                    if !records.is_empty() {
                        fx.record(RecordKind::Replicate { follower: h.me, tp, to_offset: r.log.end_offset() });
                    }
                    r.hw = resp.high_watermark.min(r.log.end_offset());
                    if resp.log_start_offset > r.log.start_offset() {
                        r.log.delete_before(resp.log_start_offset.min(r.hw));
                        fx.record(RecordKind::Retention { broker: h.me, tp, log_start_offset: r.log.start_offset() });
                    }
                    r.after_append(h.cfg);
                }
                buffers::give(records);
                None
            }
            FetchResult::Diverging { epoch, end_offset } => {
                let leo = r.log.end_offset();
                // K AbstractFetcherThread: our end offset for the leader's epoch bounds it.
                let to = match r.log.epochs.end_offset_for(epoch, leo) {
                    Some((_, mine)) => end_offset.min(mine).min(leo),
                    None => end_offset.min(leo),
                };
                truncate(r, h.me, to, fx);
                None
            }
            FetchResult::Error(ErrorCode::OffsetOutOfRange) => {
                let leo = r.log.end_offset();
                if resp.log_end_offset < leo {
                    truncate(r, h.me, resp.log_end_offset, fx);
                } else if leo < resp.log_start_offset {
                    r.log.reset_to(resp.log_start_offset);
                    r.hw = resp.log_start_offset;
                    let to_offset = resp.log_start_offset;
                    fx.record(RecordKind::Truncate { broker: h.me, tp, to_offset, removed: 0 });
                }
                None
            }
            FetchResult::Error(_) => Some(h.cfg.replica_fetch_backoff),
        };
        match backoff {
            None => self.follower_fetch(h, tp, token, fx),
            Some(after) => fx.timer(after, KTimer::Broker(BrokerTimer::FollowerFetch { tp, token })),
        }
    }

    /// Leaders: ISR members that fell behind are proposed for removal (isr-expiration).
    pub fn shrink_isrs(&mut self, h: &Here, fx: &mut Fx) {
        for r in self.replicas.values_mut() {
            let out = r.out_of_sync(h.now, h.cfg);
            if !out.is_empty() {
                let isr: Vec<BrokerId> = r.state.isr.iter().copied().filter(|b| !out.contains(b)).collect();
                r.propose_isr(h, isr, fx);
            }
        }
    }

    /// The retention check (every log.retention.check.interval.ms): each replica, leader or
    /// follower, deletes what its topic's rules allow (K UnifiedLog.deleteOldSegments): the
    /// size rule, then the time rule, each a pass over whole segments from the oldest that
    /// stops at the first one that stays, never at or above the replica's high watermark.
    pub fn enforce_retention(&mut self, h: &Here, fx: &mut Fx) {
        for r in self.replicas.values_mut() {
            let cfg = &h.cfg.topic(r.tp.topic).log;
            if !cfg.has_retention() {
                continue;
            }
            let rules = [
                cfg.retention_bytes.map(Rule::Bytes),
                cfg.retention_records.map(Rule::Records),
                cfg.retention_ms.map(|max| Rule::Age { now: h.now, max: max.0 }),
            ];
            for rule in rules.into_iter().flatten() {
                let to = r.log.retention_end(r.hw, rule);
                if to > r.log.start_offset() {
                    r.log.delete_before(to);
                    fx.record(RecordKind::Retention { broker: h.me, tp: r.tp, log_start_offset: to });
                }
            }
        }
    }

    /// The flush timer: everything appended so far reaches disk; the HW is checkpointed.
    pub fn flush_all(&mut self) {
        for r in self.replicas.values_mut() {
            r.log.recovery_point = r.log.end_offset();
            r.hw_checkpoint = r.hw;
        }
    }
}

/// Truncates a replica's log and rebuilds what depends on its tail.
pub fn truncate(r: &mut Partition, me: BrokerId, to: u64, fx: &mut Fx) {
    let removed = r.log.truncate_to(to);
    if removed > 0 {
        fx.record(RecordKind::Truncate { broker: me, tp: r.tp, to_offset: r.log.end_offset(), removed });
        r.hw = r.hw.min(r.log.end_offset());
        if !r.producers.is_empty() {
            r.producers.clear();
            let entries: Vec<_> = r.log.iter().collect();
            for (o, e) in entries {
                track_producer(&mut r.producers, &e, o);
            }
        }
    }
}
