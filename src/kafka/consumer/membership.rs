//! The member side of the classic group protocol (K AbstractCoordinator,
//! ConsumerCoordinator): find the coordinator, JoinGroup (rejoining with the id it hands
//! out), SyncGroup (the leader runs the assignor), heartbeats, offset commits and
//! OffsetFetch for newly assigned partitions.
//!
//! Member states and transitions:
//! - `Unjoined` → `FindingCoordinator` when it (re)joins without a known coordinator, or
//!   → `Joining` when it knows one.
//! - `FindingCoordinator` → `Joining` on an answer; retries after a back-off.
//! - `Joining` → `Syncing` on a JoinGroup response; → `Joining` again on MEMBER_ID_REQUIRED
//!   or UNKNOWN_MEMBER_ID; → `FindingCoordinator` on NOT_COORDINATOR.
//! - `Syncing` → `Stable` with its partitions; → `Joining` on REBALANCE_IN_PROGRESS.
//! - `Stable` → `Joining` at the next poll after a heartbeat or commit says rebalance
//!   (or a cooperative round revoked something); → `Unjoined` when it leaves.

use crate::kafka::assignor::member::Member;
use crate::kafka::assignor::range::assign;
use crate::kafka::assignor::sticky::{assign as sticky, cooperative_round};
use crate::kafka::consumer::config::CommitMode;
use crate::kafka::consumer::kafka_consumer::Consumer;
use crate::kafka::consumer::member_state::{MemberState, Membership};
use crate::kafka::effects::ConsumerTimer;
use crate::kafka::effects::MemberTimer;
use crate::kafka::effects::{Fx, KTimer, broker_node};
use crate::kafka::protocol::{GroupMsg, JoinReq, JoinResult, JoinedMember, Msg};
use crate::sim::Ctx;
use crate::sim::Dur;
use crate::trace::{BrokerId, ErrorCode, GroupEvent, RecordKind, Tp};
use std::collections::BTreeMap;

impl Consumer {
    pub(super) fn m(&mut self) -> &mut Membership {
        self.membership.as_mut().expect("a group member")
    }

    pub(super) fn send_group(&mut self, to: BrokerId, msg: GroupMsg, fx: &mut Fx) {
        fx.send(broker_node(to), Msg::Group(msg));
    }

    pub(super) fn new_req(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }

    /// (Re)joins: commits what was processed, revokes everything under eager
    /// rebalancing, then finds the coordinator or sends JoinGroup.
    pub(super) fn rejoin(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let g = self.cfg.group.clone().expect("a group member");
        self.m().rejoin_needed = false;
        let sync = match g.commit {
            // Auto: K ConsumerCoordinator onJoinPrepare commits synchronously. Sync/Async:
            // the application's commit after its batch, sent before the next poll() rejoins
            // (the member stays STABLE until then; K GroupCoordinator handleCommitOffsets
            // accepts it in PreparingRebalance).
            CommitMode::Auto { .. } | CommitMode::Sync => Some(true),
            CommitMode::Async => Some(false),
            CommitMode::BeforeProcess => None,
        };
        if let Some(sync) = sync
            && self.m().generation >= 0
        {
            let offsets = self.uncommitted();
            if !offsets.is_empty() {
                // The next owner must see these offsets.
                self.commit(ctx, offsets, sync, fx);
                if self.blocked_on_commit() {
                    self.m().join_after_commit = true;
                    return;
                }
            }
        }
        self.finish_rejoin(ctx, fx);
    }

    /// The rest of a rejoin, once the pre-join commit is answered.
    pub(super) fn finish_rejoin(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let g = self.cfg.group.clone().expect("a group member");
        if !g.strategy.cooperative() || self.m().generation < 0 {
            let all: Vec<Tp> = self.cursors.iter().map(|c| c.tp).collect();
            if !all.is_empty() {
                fx.record(RecordKind::Group(GroupEvent::Revoke {
                    group: g.group,
                    consumer: self.me(ctx),
                    partitions: all.clone(),
                }));
            }
            self.drop_partitions(&all);
        }
        match self.m().coordinator {
            Some(_) => self.send_join(ctx, fx),
            None => self.find_coordinator(ctx, fx),
        }
    }

    pub(super) fn find_coordinator(&mut self, _ctx: &mut Ctx, fx: &mut Fx) {
        let group = self.cfg.group.as_ref().expect("member").group;
        let req = self.new_req();
        let b = self.metadata.next_bootstrap();
        let m = self.m();
        if m.state != MemberState::Stable {
            m.state = MemberState::FindingCoordinator;
        }
        m.inflight = Some(req);
        self.send_group(b, GroupMsg::FindCoordinator { req, group }, fx);
        fx.timer(self.cfg.request_timeout, KTimer::Consumer(ConsumerTimer::Group(MemberTimer::RequestTimeout { req })));
    }

    pub(super) fn send_join(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        if self.m().coordinator.is_none() {
            return self.find_coordinator(ctx, fx); // lost it meanwhile (a heartbeat bounced)
        }
        let g = self.cfg.group.clone().expect("member");
        let client = self.cfg.name.clone();
        let req = self.new_req();
        let owned: Vec<Tp> = self.cursors.iter().map(|c| c.tp).collect();
        let m = self.m();
        m.state = MemberState::Joining;
        m.inflight = Some(req);
        let j = JoinReq {
            req,
            group: g.group,
            member_id: m.member_id.clone(),
            client,
            instance_id: g.instance_id.clone(),
            protocols: vec![g.strategy],
            topics: g.topics.iter().map(|t| t.0.clone()).collect(),
            owned_generation: if owned.is_empty() { -1 } else { m.generation },
            owned,
            session_timeout_us: g.session_timeout.0,
            rebalance_timeout_us: g.max_poll_interval.0,
        };
        let to = m.coordinator.expect("checked above");
        self.send_group(to, GroupMsg::Join(Box::new(j)), fx);
        // The coordinator may hold a JoinGroup up to the rebalance timeout.
        let t = MemberTimer::RequestTimeout { req };
        fx.timer(Dur(g.max_poll_interval.0 + 5_000_000), KTimer::Consumer(ConsumerTimer::Group(t)));
    }

    /// The leader's job: run the assignor over every member's subscription.
    fn leader_assign(&self, members: &[JoinedMember]) -> Vec<(String, Vec<Tp>)> {
        let g = self.cfg.group.as_ref().expect("member");
        let ids: BTreeMap<&str, (crate::trace::TopicId, u32)> =
            g.topics.iter().map(|(n, id, p)| (n.as_str(), (*id, *p))).collect();
        let name_of = |tp: &Tp| g.topics.iter().find(|t| t.1 == tp.topic).map(|t| t.0.clone());
        let parts: BTreeMap<String, u32> =
            g.topics.iter().map(|(n, id, p)| (n.clone(), self.metadata.partition_count(*id, *p))).collect();
        let subs: Vec<Member> = members
            .iter()
            .map(|jm| Member {
                id: jm.member_id.clone(),
                instance_id: jm.instance_id.clone(),
                topics: jm.topics.clone(),
                owned: jm.owned.iter().filter_map(|tp| name_of(tp).map(|n| (n, tp.partition))).collect(),
                generation: jm.owned_generation,
            })
            .collect();
        let a = if g.strategy.cooperative() {
            cooperative_round(&sticky(&parts, &subs))
        } else {
            assign(g.strategy, &parts, &subs)
        };
        a.into_iter()
            .map(|(id, ps)| (id, ps.into_iter().map(|(t, p)| Tp { topic: ids[t.as_str()].0, partition: p }).collect()))
            .collect()
    }

    fn subscribed_counts(&self) -> BTreeMap<crate::trace::TopicId, u32> {
        let g = self.cfg.group.as_ref().expect("member");
        g.topics.iter().map(|(_, id, p)| (*id, self.metadata.partition_count(*id, *p))).collect()
    }

    /// The leader rejoins when metadata shows subscribed topics changed since it assigned
    /// (K ConsumerCoordinator.rejoinNeededOrPending: assignmentSnapshot vs metadataSnapshot).
    pub(super) fn check_metadata_change(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let Some(m) = &self.membership else { return };
        let Some(before) = &m.assigned_counts else { return };
        if *before != self.subscribed_counts() {
            self.m().assigned_counts = None;
            self.request_rejoin(ctx, fx);
        }
    }

    /// Group responses.
    pub(super) fn on_group(&mut self, ctx: &mut Ctx, m: GroupMsg, fx: &mut Fx) {
        if self.membership.is_none() {
            return;
        }
        match m {
            GroupMsg::FindCoordinatorResp { req, result } => {
                if self.m().inflight != Some(req) {
                    return;
                }
                self.m().inflight = None;
                match result {
                    Ok(b) => {
                        self.m().coordinator = Some(b);
                        self.after_coordinator_found(ctx, fx);
                    }
                    Err(_) => fx.timer(Dur::ms(100), KTimer::Consumer(ConsumerTimer::Group(MemberTimer::Retry))),
                }
            }
            GroupMsg::JoinResp { req, result } => self.on_join_resp(ctx, req, result, fx),
            GroupMsg::SyncResp { req, result } => self.on_sync_resp(ctx, req, result, fx),
            GroupMsg::HeartbeatResp { req, error } => {
                if self.m().heartbeat_inflight != Some(req) {
                    return;
                }
                self.m().heartbeat_inflight = None;
                if let Some(e) = error {
                    self.on_group_error(ctx, e, fx);
                }
            }
            GroupMsg::CommitResp { req, error } => self.on_commit_resp(ctx, req, error, fx),
            GroupMsg::FetchOffsetsResp { req, result } => self.on_offsets(ctx, req, result, fx),
            GroupMsg::FindCoordinator { .. }
            | GroupMsg::Join(_)
            | GroupMsg::Sync { .. }
            | GroupMsg::Heartbeat { .. }
            | GroupMsg::Leave { .. }
            | GroupMsg::Commit { .. }
            | GroupMsg::FetchOffsets { .. } => {}
        }
    }

    fn after_coordinator_found(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        if self.m().rejoin_needed {
            // K: only poll() joins (after onJoinPrepare gives the partitions up); a member
            // that left mid-batch rejoins when its application polls again.
            if self.idle() {
                self.pump(ctx, fx);
            }
            return;
        }
        match self.m().state {
            MemberState::FindingCoordinator | MemberState::Joining | MemberState::Syncing | MemberState::Unjoined => {
                self.send_join(ctx, fx)
            }
            MemberState::Stable => {
                let pending: Vec<Tp> = self.cursors.iter().filter(|c| c.awaiting_offset).map(|c| c.tp).collect();
                if !pending.is_empty() {
                    self.fetch_offsets(ctx, pending, fx);
                }
            }
        }
    }

    /// An error from the coordinator: what the Java client does for it.
    pub(super) fn on_group_error(&mut self, ctx: &mut Ctx, e: ErrorCode, fx: &mut Fx) {
        match e {
            // A disconnect marks the coordinator unknown (AbstractCoordinator).
            ErrorCode::NotCoordinator
            | ErrorCode::CoordinatorNotAvailable
            | ErrorCode::RequestTimedOut
            | ErrorCode::NetworkException => {
                self.m().coordinator = None;
                self.find_coordinator(ctx, fx);
            }
            ErrorCode::UnknownMemberId | ErrorCode::IllegalGeneration => {
                let m = self.m();
                if e == ErrorCode::UnknownMemberId {
                    m.member_id.clear();
                }
                m.generation = -1;
                self.request_rejoin(ctx, fx);
            }
            ErrorCode::RebalanceInProgress => self.request_rejoin(ctx, fx),
            ErrorCode::NotLeaderOrFollower
            | ErrorCode::NotEnoughReplicas
            | ErrorCode::NotEnoughReplicasAfterAppend
            | ErrorCode::DeliveryTimeout
            | ErrorCode::OffsetOutOfRange
            | ErrorCode::LeaderNotAvailable
            | ErrorCode::OutOfOrderSequence
            | ErrorCode::FencedLeaderEpoch
            | ErrorCode::MemberIdRequired => self.request_rejoin(ctx, fx),
        }
    }

    /// Rejoin at the next poll (at once if the application is idle in poll()).
    pub(super) fn request_rejoin(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        if matches!(self.m().state, MemberState::Joining | MemberState::FindingCoordinator) {
            return;
        }
        self.m().rejoin_needed = true;
        if self.idle() {
            self.pump(ctx, fx);
        }
    }

    fn on_join_resp(&mut self, ctx: &mut Ctx, req: u64, result: JoinResult, fx: &mut Fx) {
        if self.m().inflight != Some(req) {
            return;
        }
        self.m().inflight = None;
        match result {
            JoinResult::MemberIdRequired(id) => {
                self.m().member_id = id;
                self.send_join(ctx, fx);
            }
            JoinResult::Joined { .. } if self.m().coordinator.is_none() => {
                // The coordinator was lost while the join was answered: find it, join again.
                self.find_coordinator(ctx, fx);
            }
            JoinResult::Joined { generation, member_id, leader, members, .. } => {
                let assignment = if leader == member_id { self.leader_assign(&members) } else { Vec::new() };
                let counts = (leader == member_id).then(|| self.subscribed_counts());
                self.m().assigned_counts = counts;
                let group = self.cfg.group.as_ref().expect("member").group;
                let req = self.new_req();
                let m = self.m();
                m.member_id = member_id.clone();
                m.generation = generation as i32;
                m.state = MemberState::Syncing;
                m.inflight = Some(req);
                let to = m.coordinator.expect("checked by the arm above");
                self.send_group(to, GroupMsg::Sync { req, group, generation, member_id, assignment }, fx);
                let t = MemberTimer::RequestTimeout { req };
                fx.timer(self.cfg.request_timeout, KTimer::Consumer(ConsumerTimer::Group(t)));
            }
            JoinResult::Error(ErrorCode::UnknownMemberId | ErrorCode::IllegalGeneration) => {
                // K resetStateAndRejoin: the member lost its place, so onJoinPrepare runs again
                // and gives every partition up as lost before joining afresh.
                let m = self.m();
                m.member_id.clear();
                m.generation = -1;
                self.finish_rejoin(ctx, fx);
            }
            JoinResult::Error(ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable) => {
                self.m().coordinator = None;
                self.find_coordinator(ctx, fx);
            }
            JoinResult::Error(_) => self.send_join(ctx, fx),
        }
    }
}
