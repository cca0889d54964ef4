//! A replica's role and the state each role keeps: a leader tracks its followers and its
//! purgatories; a follower tracks its fetch from the leader.

use crate::kafka::replication::delayed::{DelayedProduce, ParkedFetch};
use crate::sim::SimTime;
use crate::trace::BrokerId;
use std::collections::{BTreeMap, VecDeque};

/// A follower as the leader sees it (K Replica.scala).
#[derive(Clone, Debug)]
pub struct RemoteReplica {
    /// Its LEO as of its last fetch; None until it fetched from this leader.
    pub leo: Option<u64>,
    /// Last time it was caught up with the leader's LEO.
    pub last_caught_up: SimTime,
    pub(super) last_fetch_leader_leo: u64,
    pub(super) last_fetch_time: SimTime,
}

/// Leader-only state.
#[derive(Clone, Debug, Default)]
pub struct LeaderState {
    /// Followers by broker id.
    pub followers: BTreeMap<BrokerId, RemoteReplica>,
    /// Offset where the current leader epoch starts.
    pub epoch_start: u64,
    /// ISR proposed by AlterPartition, awaiting the controller.
    pub isr_pending: Option<Vec<BrokerId>>,
    /// acks=all produces waiting for the HW.
    pub delayed: VecDeque<DelayedProduce>,
    /// Fetches waiting for data.
    pub parked: Vec<ParkedFetch>,
    /// Time of the earliest pending purgatory check timer, if any.
    pub check_at: Option<SimTime>,
}

/// Follower-only state.
#[derive(Clone, Debug)]
pub struct FollowerState {
    /// Who it fetches from.
    pub leader: BrokerId,
    /// Bumped on every role change; stale fetch timers and responses carry an old one.
    pub token: u64,
    /// Correlation id of the fetch in flight.
    pub in_flight: Option<u64>,
    /// When that fetch was sent.
    pub sent_at: SimTime,
    /// Time of the pending timeout check, if one is armed.
    pub timeout_at: Option<SimTime>,
}

/// The replica's role.
#[derive(Clone, Debug)]
pub enum Role {
    /// Leader: serves produce and fetch.
    Leader(LeaderState),
    /// Follower: fetches from the leader.
    Follower(FollowerState),
    /// Neither (offline partition, or not yet told by the controller).
    None,
}
