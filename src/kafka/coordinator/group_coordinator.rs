//! The group coordinator on a broker (K GroupCoordinator, classic protocol): JoinGroup,
//! SyncGroup, Heartbeat and LeaveGroup drive each group through its states (see `group`);
//! offset commits and loading live in `offset_manager`. A broker coordinates the groups
//! whose __consumer_offsets partition it leads, so the role moves with that leadership.
//! Simplified: member lists are not reloaded on failover (generation and offsets are), so
//! members of a moved group rejoin; pending member ids do not expire on their own.

use crate::kafka::coordinator::group::{Group, MemberMeta};
use crate::kafka::coordinator::pending_commit::PendingCommit;
use crate::kafka::effects::GroupTimer;
use crate::kafka::effects::{BrokerTimer, Fx, KTimer};
use crate::kafka::here::Here;
use crate::kafka::protocol::{GroupMsg, JoinReq, JoinResult, Msg};
use crate::sim::{Dur, NodeId, NodeRng};
use crate::trace::GroupState;
use crate::trace::{ErrorCode, GroupEvent, GroupRef, LeaveReason, RecordKind};
use std::collections::{BTreeMap, BTreeSet};

/// The groups this broker coordinates.
#[derive(Clone, Debug, Default)]
pub struct GroupCoordinator {
    /// Loaded groups.
    pub groups: BTreeMap<GroupRef, Group>,
    /// __consumer_offsets partitions this broker leads (their groups are loaded).
    pub led: BTreeSet<u32>,
    /// Offset commits waiting for their append to be replicated.
    pub(super) pending: BTreeMap<u64, PendingCommit>,
    pub(super) next_req: u64,
    /// Group-metadata writes in flight: request → (group, generation).
    pub(super) pending_stores: BTreeMap<u64, (GroupRef, u32)>,
    join_seq: u64,
    /// Groups whose new generation must be written to the log (the broker flushes them).
    to_store: Vec<GroupRef>,
}

fn send(fx: &mut Fx, to: NodeId, m: GroupMsg) {
    fx.send(to, Msg::Group(m));
}

/// The error answer to a request.
pub fn error_reply(m: &GroupMsg, e: ErrorCode) -> Option<GroupMsg> {
    Some(match m {
        GroupMsg::FindCoordinator { req, .. } => GroupMsg::FindCoordinatorResp { req: *req, result: Err(e) },
        GroupMsg::Join(j) => GroupMsg::JoinResp { req: j.req, result: JoinResult::Error(e) },
        GroupMsg::Sync { req, .. } => GroupMsg::SyncResp { req: *req, result: Err(e) },
        GroupMsg::Heartbeat { req, .. } => GroupMsg::HeartbeatResp { req: *req, error: Some(e) },
        GroupMsg::Leave { .. } => return None,
        GroupMsg::Commit { req, .. } => GroupMsg::CommitResp { req: *req, error: Some(e) },
        GroupMsg::FetchOffsets { req, .. } => GroupMsg::FetchOffsetsResp { req: *req, result: Err(e) },
        GroupMsg::FindCoordinatorResp { .. }
        | GroupMsg::JoinResp { .. }
        | GroupMsg::SyncResp { .. }
        | GroupMsg::HeartbeatResp { .. }
        | GroupMsg::CommitResp { .. }
        | GroupMsg::FetchOffsetsResp { .. } => return None,
    })
}

impl GroupCoordinator {
    /// True when this broker coordinates `g` now.
    pub fn owns(&self, h: &Here, g: GroupRef) -> bool {
        h.cfg.offsets_partition_for(g).is_some_and(|tp| self.led.contains(&tp.partition))
    }

    /// Handles JoinGroup, SyncGroup, Heartbeat and LeaveGroup for an owned group.
    pub fn on_membership(&mut self, h: &Here, rng: &mut NodeRng, from: NodeId, m: GroupMsg, fx: &mut Fx) {
        match m {
            GroupMsg::Join(j) => self.join(h, rng, from, *j, fx),
            GroupMsg::Sync { req, group, generation, member_id, assignment } => {
                self.sync(h, from, req, group, generation, &member_id, assignment, fx)
            }
            GroupMsg::Heartbeat { req, group, generation, member_id } => {
                let error = self.heartbeat(group, generation, &member_id, fx);
                send(fx, from, GroupMsg::HeartbeatResp { req, error });
            }
            GroupMsg::Leave { group, member_id, .. } => self.remove(h, group, &member_id, LeaveReason::Left, fx),
            GroupMsg::FindCoordinator { .. }
            | GroupMsg::Commit { .. }
            | GroupMsg::FetchOffsets { .. }
            | GroupMsg::FindCoordinatorResp { .. }
            | GroupMsg::JoinResp { .. }
            | GroupMsg::SyncResp { .. }
            | GroupMsg::HeartbeatResp { .. }
            | GroupMsg::CommitResp { .. }
            | GroupMsg::FetchOffsetsResp { .. } => unreachable!("routed elsewhere by the broker"),
        }
    }

    fn join(&mut self, h: &Here, rng: &mut NodeRng, from: NodeId, j: JoinReq, fx: &mut Fx) {
        let g = j.group;
        let group = self.groups.entry(g).or_insert_with(|| Group::new(0, BTreeMap::new()));
        if j.member_id.is_empty() {
            // KIP-394: hand out an id (clientId-UUID) and ask the member to come back with it.
            let id = format!("{}-{:08x}", j.client, rng.next_u64() as u32);
            if let Some(old) =
                group.members.iter().find(|(_, m)| m.instance_id.is_some() && m.instance_id == j.instance_id)
            {
                let old = old.0.clone();
                return self.replace_static(h, from, old, id, j, fx);
            }
            group.pending.insert(id.clone());
            send(fx, from, GroupMsg::JoinResp { req: j.req, result: JoinResult::MemberIdRequired(id) });
            return;
        }
        self.join_known(h, from, j, fx);
    }

    fn join_known(&mut self, h: &Here, from: NodeId, j: JoinReq, fx: &mut Fx) {
        let g = j.group;
        let group = self.groups.get_mut(&g).expect("created by join");
        let known = group.members.contains_key(&j.member_id);
        if !known && !group.pending.remove(&j.member_id) {
            send(fx, from, GroupMsg::JoinResp { req: j.req, result: JoinResult::Error(ErrorCode::UnknownMemberId) });
            return;
        }
        self.join_seq += 1;
        let meta = MemberMeta::from_join(from, &j, group.members.get(&j.member_id), self.join_seq);
        group.members.insert(j.member_id.clone(), meta);
        if !known {
            group.new_member_added = true;
        }
        self.touch(g, &j.member_id, fx);
        let state = self.groups[&g].state;
        match state {
            GroupState::Empty | GroupState::Stable | GroupState::CompletingRebalance => {
                self.prepare_rebalance(h, g, fx)
            }
            GroupState::PreparingRebalance | GroupState::Dead => {}
        }
        self.try_complete_join(h, g, fx);
    }

    /// KIP-345: a static member restarted; it takes over the old member id's place without
    /// a rebalance when the group is stable.
    fn replace_static(&mut self, h: &Here, from: NodeId, old: String, id: String, j: JoinReq, fx: &mut Fx) {
        let g = j.group;
        let group = self.groups.get_mut(&g).expect("present");
        group.replace_member(&old, &id, from);
        if group.state == GroupState::Stable {
            let result = JoinResult::Joined {
                generation: group.generation,
                member_id: id.clone(),
                leader: group.leader.clone().unwrap_or_default(),
                protocol: group.protocol.unwrap_or_default(),
                members: Vec::new(),
            };
            send(fx, from, GroupMsg::JoinResp { req: j.req, result });
            self.touch(g, &id, fx);
        } else {
            self.join_known(h, from, JoinReq { member_id: id, ..j }, fx);
        }
    }

    /// Starts a rebalance: PreparingRebalance, with the initial delay for an empty group.
    fn prepare_rebalance(&mut self, h: &Here, g: GroupRef, fx: &mut Fx) {
        let group = self.groups.get_mut(&g).expect("present");
        if group.state == GroupState::CompletingRebalance {
            group.fail_syncs(ErrorCode::RebalanceInProgress, fx);
        }
        let initial = group.state == GroupState::Empty;
        group.state = GroupState::PreparingRebalance;
        group.round += 1;
        let (round, timeout) = (group.round, group.rebalance_timeout());
        fx.record(RecordKind::Group(GroupEvent::State { group: g, state: group.state, generation: group.generation }));
        if initial {
            group.new_member_added = false;
            group.initial_delay_active = true;
            let delay = h.cfg.group_initial_rebalance_delay.min(timeout);
            let initial_remaining = Some(Dur(timeout.0 - delay.0));
            fx.timer(
                delay,
                KTimer::Broker(BrokerTimer::Group(GroupTimer::Join { group: g, round, initial_remaining })),
            );
        } else {
            group.initial_delay_active = false;
            let t = GroupTimer::Join { group: g, round, initial_remaining: None };
            fx.timer(timeout, KTimer::Broker(BrokerTimer::Group(t)));
        }
    }

    fn try_complete_join(&mut self, h: &Here, g: GroupRef, fx: &mut Fx) {
        let group = &self.groups[&g];
        if group.state == GroupState::PreparingRebalance && !group.initial_delay_active && group.all_joined() {
            self.complete_join(h, g, fx);
        }
    }

    /// K onCompleteJoin: drop members that did not rejoin, start the next generation, and
    /// answer every waiting JoinGroup (the leader gets the subscriptions).
    fn complete_join(&mut self, h: &Here, g: GroupRef, fx: &mut Fx) {
        let group = self.groups.get_mut(&g).expect("present");
        group.remove_unjoined(g, fx);
        group.pending.clear();
        group.generation += 1;
        if group.members.is_empty() {
            group.protocol = None;
            group.leader = None;
            group.state = GroupState::Empty;
            fx.record(RecordKind::Group(GroupEvent::State {
                group: g,
                state: group.state,
                generation: group.generation,
            }));
            self.store_group(h, g, fx);
            return;
        }
        let protocol = group.select_protocol();
        group.protocol = Some(protocol);
        let leader = group.elect_leader();
        group.state = GroupState::CompletingRebalance;
        let generation = group.generation;
        fx.record(RecordKind::Group(GroupEvent::Rebalance {
            group: g,
            generation,
            members: group.members.len() as u32,
            leader: group.node_ref(&leader).expect("leader is a member"),
            protocol,
        }));
        fx.record(RecordKind::Group(GroupEvent::State { group: g, state: group.state, generation }));
        let answered = group.answer_joins(&leader, fx);
        let (round, timeout) = (group.round, group.rebalance_timeout());
        for id in answered {
            self.touch(g, &id, fx);
        }
        fx.timer(timeout, KTimer::Broker(BrokerTimer::Group(GroupTimer::Sync { group: g, round })));
    }

    #[allow(clippy::too_many_arguments)]
    fn sync(
        &mut self,
        h: &Here,
        from: NodeId,
        req: u64,
        g: GroupRef,
        generation: u32,
        member_id: &str,
        assignment: Vec<(String, Vec<crate::trace::Tp>)>,
        fx: &mut Fx,
    ) {
        let reply = |fx: &mut Fx, result| send(fx, from, GroupMsg::SyncResp { req, result });
        let Some(group) = self.groups.get_mut(&g) else {
            return reply(fx, Err(ErrorCode::UnknownMemberId));
        };
        if !group.members.contains_key(member_id) {
            return reply(fx, Err(ErrorCode::UnknownMemberId));
        }
        if generation != group.generation {
            return reply(fx, Err(ErrorCode::IllegalGeneration));
        }
        match group.state {
            GroupState::Empty | GroupState::Dead => return reply(fx, Err(ErrorCode::UnknownMemberId)),
            GroupState::PreparingRebalance => return reply(fx, Err(ErrorCode::RebalanceInProgress)),
            GroupState::Stable => {
                let mine = group.members[member_id].assignment.clone();
                reply(fx, Ok(mine));
            }
            GroupState::CompletingRebalance => {
                group.members.get_mut(member_id).expect("checked").awaiting_sync = Some(req);
                if group.leader.as_deref() == Some(member_id) && group.storing != Some(group.generation) {
                    // K storeGroup: the assignment is written (acks=all) before anyone gets it;
                    // `sync_stored` then answers the SyncGroups and the group is Stable.
                    let mut given: BTreeMap<String, Vec<crate::trace::Tp>> = assignment.into_iter().collect();
                    for (id, m) in group.members.iter_mut() {
                        m.assignment = given.remove(id).unwrap_or_default();
                    }
                    group.storing = Some(group.generation);
                    self.store_group(h, g, fx);
                }
            }
        }
        self.touch(g, member_id, fx);
    }

    fn heartbeat(&mut self, g: GroupRef, generation: u32, member_id: &str, fx: &mut Fx) -> Option<ErrorCode> {
        let group = self.groups.get(&g)?;
        if !group.members.contains_key(member_id) {
            return Some(ErrorCode::UnknownMemberId);
        }
        if generation != group.generation {
            return Some(ErrorCode::IllegalGeneration);
        }
        let state = group.state;
        self.touch(g, member_id, fx);
        match state {
            GroupState::PreparingRebalance => Some(ErrorCode::RebalanceInProgress),
            GroupState::CompletingRebalance | GroupState::Stable => None,
            GroupState::Empty | GroupState::Dead => Some(ErrorCode::UnknownMemberId),
        }
    }

    /// The group's metadata is stored (or not): answer the waiting SyncGroups.
    pub(super) fn sync_stored(&mut self, h: &Here, g: GroupRef, generation: u32, ok: bool, fx: &mut Fx) {
        let Some(group) = self.groups.get_mut(&g) else { return };
        if group.storing == Some(generation) {
            group.storing = None;
        }
        if group.generation != generation || group.state != GroupState::CompletingRebalance {
            return; // the group moved on meanwhile
        }
        if !ok {
            group.fail_syncs(ErrorCode::NotCoordinator, fx);
            return self.prepare_rebalance(h, g, fx);
        }
        group.state = GroupState::Stable;
        group.answer_syncs(fx);
        fx.record(RecordKind::Group(GroupEvent::State { group: g, state: group.state, generation }));
    }

    /// Queues the group's metadata record; `flush_stores` appends it.
    fn store_group(&mut self, _h: &Here, g: GroupRef, _fx: &mut Fx) {
        self.to_store.push(g);
    }

    /// Appends the queued group-metadata records.
    pub fn flush_stores(
        &mut self,
        h: &Here,
        rm: &mut crate::kafka::replication::replica_manager::ReplicaManager,
        fx: &mut Fx,
    ) {
        for g in std::mem::take(&mut self.to_store) {
            self.store_group_with(h, rm, g, fx);
        }
    }

    /// A sign of life: restarts the member's session timer.
    pub(super) fn touch(&mut self, g: GroupRef, member_id: &str, fx: &mut Fx) {
        let Some(m) = self.groups.get_mut(&g).and_then(|gr| gr.members.get_mut(member_id)) else {
            return;
        };
        m.heartbeat_seq += 1;
        let t = GroupTimer::Expiry { group: g, member: member_id.to_string(), seq: m.heartbeat_seq };
        fx.timer(m.session_timeout, KTimer::Broker(BrokerTimer::Group(t)));
    }

    /// Removes a member (left, expired) and rebalances the rest.
    fn remove(&mut self, h: &Here, g: GroupRef, member_id: &str, reason: LeaveReason, fx: &mut Fx) {
        let Some(group) = self.groups.get_mut(&g) else { return };
        let Some(m) = group.members.remove(member_id) else { return };
        fx.record(RecordKind::Group(GroupEvent::MemberRemoved { group: g, consumer: NodeId(m.node.0), reason }));
        match group.state {
            GroupState::Stable | GroupState::CompletingRebalance => self.prepare_rebalance(h, g, fx),
            GroupState::PreparingRebalance | GroupState::Empty | GroupState::Dead => {}
        }
        self.try_complete_join(h, g, fx);
    }

    /// Handles a coordinator timer.
    pub fn on_timer(&mut self, h: &Here, t: GroupTimer, fx: &mut Fx) {
        match t {
            GroupTimer::Join { group: g, round, initial_remaining } => {
                let Some(group) = self.groups.get_mut(&g) else { return };
                if group.round != round || group.state != GroupState::PreparingRebalance {
                    return;
                }
                if let Some(rem) = initial_remaining
                    && group.new_member_added
                    && rem > Dur::ZERO
                {
                    // K InitialDelayedJoin: more members arrived; wait a little longer.
                    group.new_member_added = false;
                    let delay = h.cfg.group_initial_rebalance_delay.min(rem);
                    let t = GroupTimer::Join { group: g, round, initial_remaining: Some(Dur(rem.0 - delay.0)) };
                    fx.timer(delay, KTimer::Broker(BrokerTimer::Group(t)));
                    return;
                }
                group.initial_delay_active = false;
                self.complete_join(h, g, fx);
            }
            GroupTimer::Sync { group: g, round } => {
                let Some(group) = self.groups.get_mut(&g) else { return };
                if group.round != round || group.state != GroupState::CompletingRebalance {
                    return;
                }
                let late: Vec<String> =
                    group.members.iter().filter(|(_, m)| m.awaiting_sync.is_none()).map(|(id, _)| id.clone()).collect();
                for id in late {
                    self.remove(h, g, &id, LeaveReason::RebalanceTimeout, fx);
                }
            }
            GroupTimer::Expiry { group: g, member, seq } => {
                let Some(m) = self.groups.get(&g).and_then(|gr| gr.members.get(&member)) else { return };
                if m.heartbeat_seq != seq {
                    return;
                }
                if m.awaiting_join.is_some() || m.awaiting_sync.is_some() {
                    self.touch(g, &member, fx); // waiting on us: its heartbeat is satisfied
                    return;
                }
                self.remove(h, g, &member, LeaveReason::SessionTimeout, fx);
            }
        }
    }
}
