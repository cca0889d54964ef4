//! A consumer group as its coordinator holds it: state, generation, members and their
//! subscriptions, the chosen assignor, the assignment, and committed offsets.
//! The steps of a rebalance that touch one group only (K GroupMetadata and the member
//! handling of K onCompleteJoin: who is dropped, who leads, who is answered) live here;
//! the group coordinator sequences them.
//!
//! States and their transitions (K GroupMetadata.scala):
//! - `Empty`: no members (offsets may remain). → `PreparingRebalance` on the first JoinGroup.
//! - `PreparingRebalance`: collecting JoinGroups. → `CompletingRebalance` when every known
//!   member has rejoined or the rebalance timeout expires; → `Empty` if nobody is left.
//! - `CompletingRebalance`: waiting for the leader's SyncGroup. → `Stable` on it;
//!   → `PreparingRebalance` on a join, leave or member failure (or a sync timeout).
//! - `Stable`: assignment handed out. → `PreparingRebalance` on a join, leave or failure.
//! - `Dead`: the coordinator moved away (the group is unloaded). Terminal.

use crate::kafka::effects::Fx;
use crate::kafka::protocol::{GroupMsg, JoinReq, JoinResult, JoinedMember, Msg};
use crate::sim::{Dur, NodeId};
pub use crate::trace::GroupState;
use crate::trace::Strategy;
use crate::trace::Tp;
use crate::trace::{ErrorCode, GroupEvent, GroupRef, LeaveReason, RecordKind};
use std::collections::{BTreeMap, BTreeSet};

/// A member as the coordinator knows it.
#[derive(Clone, Debug)]
pub struct MemberMeta {
    /// Its client's node (where responses go).
    pub node: NodeId,
    /// group.instance.id for static members.
    pub instance_id: Option<String>,
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// Assignors it supports, in preference order.
    pub protocols: Vec<Strategy>,
    /// Partitions it owns (cooperative protocol) and their generation.
    pub owned: Vec<Tp>,
    /// Generation of `owned` (-1: none).
    pub owned_generation: i32,
    /// session.timeout.ms.
    pub session_timeout: Dur,
    /// rebalance.timeout.ms (the Java consumer sends max.poll.interval.ms).
    pub rebalance_timeout: Dur,
    /// Its JoinGroup waiting for the join phase to end.
    pub awaiting_join: Option<u64>,
    /// Its SyncGroup waiting for the leader's assignment.
    pub awaiting_sync: Option<u64>,
    /// Its partitions in the current generation.
    pub assignment: Vec<Tp>,
    /// Bumped on every sign of life; a session-expiry timer carries the value it saw.
    pub heartbeat_seq: u64,
    /// Order of joining (the first member to join leads).
    pub joined_seq: u64,
}

impl MemberMeta {
    /// The member as its JoinGroup describes it, waiting for the join phase to end; a
    /// known member (`previous`) keeps its assignment, session count and joining order.
    pub fn from_join(node: NodeId, j: &JoinReq, previous: Option<&MemberMeta>, join_seq: u64) -> MemberMeta {
        MemberMeta {
            node,
            instance_id: j.instance_id.clone(),
            topics: j.topics.clone(),
            protocols: j.protocols.clone(),
            owned: j.owned.clone(),
            owned_generation: j.owned_generation,
            session_timeout: Dur(j.session_timeout_us),
            rebalance_timeout: Dur(j.rebalance_timeout_us),
            awaiting_join: Some(j.req),
            awaiting_sync: None,
            assignment: previous.map(|m| m.assignment.clone()).unwrap_or_default(),
            heartbeat_seq: previous.map(|m| m.heartbeat_seq).unwrap_or(0),
            joined_seq: previous.map(|m| m.joined_seq).unwrap_or(join_seq),
        }
    }
}

/// One group on its coordinator.
#[derive(Clone, Debug)]
pub struct Group {
    /// State.
    pub state: GroupState,
    /// Generation id (0 before the first rebalance).
    pub generation: u32,
    /// The assignor the members voted for.
    pub protocol: Option<Strategy>,
    /// Member id of the leader.
    pub leader: Option<String>,
    /// Members by id.
    pub members: BTreeMap<String, MemberMeta>,
    /// Ids handed out with MEMBER_ID_REQUIRED whose owners have not rejoined yet.
    pub pending: BTreeSet<String>,
    /// Committed offsets (the next offset to read).
    pub offsets: BTreeMap<Tp, u64>,
    /// Bumped on every rebalance round; timers carry it.
    pub round: u64,
    /// A member joined during the initial delay (it is extended).
    pub new_member_added: bool,
    /// The empty group's initial delay runs: the join phase does not end early.
    pub initial_delay_active: bool,
    /// The generation whose assignment is being written; SyncGroups wait for it. A later
    /// generation stores its own even if an older write never reported back.
    pub storing: Option<u32>,
}

impl Group {
    /// An empty group (with offsets loaded from the log, if any).
    pub fn new(generation: u32, offsets: BTreeMap<Tp, u64>) -> Group {
        Group {
            state: GroupState::Empty,
            generation,
            protocol: None,
            leader: None,
            members: BTreeMap::new(),
            pending: BTreeSet::new(),
            offsets,
            round: 0,
            new_member_added: false,
            initial_delay_active: false,
            storing: None,
        }
    }

    /// K rebalanceTimeoutMs: the largest of the members'.
    pub fn rebalance_timeout(&self) -> Dur {
        self.members.values().map(|m| m.rebalance_timeout).max().unwrap_or(Dur::secs(300))
    }

    /// Every known member has rejoined and nobody is pending (K hasAllMembersJoined).
    pub fn all_joined(&self) -> bool {
        self.pending.is_empty() && self.members.values().all(|m| m.awaiting_join.is_some())
    }

    /// K selectProtocol: candidates every member supports; each member votes for its first
    /// candidate; most votes wins (ties: the first candidate in the first member's list).
    pub fn select_protocol(&self) -> Strategy {
        let Some(first) = self.members.values().next() else {
            return Strategy::Range;
        };
        let candidates: Vec<Strategy> = first
            .protocols
            .iter()
            .copied()
            .filter(|p| self.members.values().all(|m| m.protocols.contains(p)))
            .collect();
        let mut votes: Vec<(Strategy, usize)> = candidates.iter().map(|&c| (c, 0)).collect();
        for m in self.members.values() {
            if let Some(v) = m.protocols.iter().find(|p| candidates.contains(p)) {
                votes.iter_mut().find(|(c, _)| c == v).expect("a candidate").1 += 1;
            }
        }
        let best = votes.iter().map(|(_, n)| *n).max().unwrap_or(0);
        votes.into_iter().find(|(_, n)| *n == best).map(|(c, _)| c).unwrap_or(Strategy::Range)
    }

    /// The member owning a client node, if any.
    pub fn member_of(&self, node: NodeId) -> Option<&String> {
        self.members.iter().find(|(_, m)| m.node == node).map(|(id, _)| id)
    }

    /// A member's node as a trace reference.
    pub fn node_ref(&self, id: &str) -> Option<NodeId> {
        self.members.get(id).map(|m| NodeId(m.node.0))
    }

    /// KIP-345: a restarted static member takes the old member id's place (and its
    /// leadership) under its new id.
    pub fn replace_member(&mut self, old: &str, id: &str, node: NodeId) {
        let mut meta = self.members.remove(old).expect("present");
        meta.node = node;
        meta.heartbeat_seq += 1;
        self.members.insert(id.to_string(), meta);
        if self.leader.as_deref() == Some(old) {
            self.leader = Some(id.to_string());
        }
    }

    /// End of the join phase: dynamic members that did not rejoin are dropped.
    pub fn remove_unjoined(&mut self, g: GroupRef, fx: &mut Fx) {
        let gone: Vec<String> = self
            .members
            .iter()
            .filter(|(_, m)| m.awaiting_join.is_none() && m.instance_id.is_none())
            .map(|(id, _)| id.clone())
            .collect();
        for id in gone {
            let m = self.members.remove(&id).expect("listed");
            let ev = GroupEvent::MemberRemoved {
                group: g,
                consumer: NodeId(m.node.0),
                reason: LeaveReason::RebalanceTimeout,
            };
            fx.record(RecordKind::Group(ev));
        }
    }

    /// The leader stays if it rejoined; otherwise the earliest member to join leads.
    pub fn elect_leader(&mut self) -> String {
        if self.leader.as_ref().is_none_or(|l| self.members.get(l).is_none_or(|m| m.awaiting_join.is_none())) {
            self.leader = self
                .members
                .iter()
                .filter(|(_, m)| m.awaiting_join.is_some())
                .min_by_key(|(_, m)| m.joined_seq)
                .map(|(id, _)| id.clone());
        }
        self.leader.clone().expect("a joined member")
    }

    /// Answers every waiting JoinGroup with the new generation (the leader also gets the
    /// members and their subscriptions); returns the members answered.
    pub fn answer_joins(&mut self, leader: &str, fx: &mut Fx) -> Vec<String> {
        let all: Vec<JoinedMember> = self
            .members
            .iter()
            .map(|(id, m)| JoinedMember {
                member_id: id.clone(),
                node: m.node.0,
                instance_id: m.instance_id.clone(),
                topics: m.topics.clone(),
                owned: m.owned.clone(),
                owned_generation: m.owned_generation,
            })
            .collect();
        let (generation, protocol) = (self.generation, self.protocol.expect("selected"));
        let mut answered = Vec::new();
        for (id, m) in self.members.iter_mut() {
            if let Some(req) = m.awaiting_join.take() {
                let members = if id == leader { all.clone() } else { Vec::new() };
                let leader = leader.to_string();
                let result = JoinResult::Joined { generation, member_id: id.clone(), leader, protocol, members };
                fx.send(m.node, Msg::Group(GroupMsg::JoinResp { req, result }));
                answered.push(id.clone());
            }
        }
        answered
    }

    /// Answers every waiting SyncGroup with its member's assignment.
    pub fn answer_syncs(&mut self, fx: &mut Fx) {
        for m in self.members.values_mut() {
            if let Some(req) = m.awaiting_sync.take() {
                fx.send(m.node, Msg::Group(GroupMsg::SyncResp { req, result: Ok(m.assignment.clone()) }));
            }
        }
    }

    /// Answers every waiting SyncGroup with an error.
    pub fn fail_syncs(&mut self, e: ErrorCode, fx: &mut Fx) {
        for m in self.members.values_mut() {
            if let Some(req) = m.awaiting_sync.take() {
                fx.send(m.node, Msg::Group(GroupMsg::SyncResp { req, result: Err(e) }));
            }
        }
    }
}
