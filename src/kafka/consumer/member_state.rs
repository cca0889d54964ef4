//! A group member's state in the classic group protocol (K AbstractCoordinator's
//! MemberState and generation): what the consumer keeps between group requests.

use crate::trace::{BrokerId, Tp};
use std::collections::BTreeMap;

/// Where a member is in the protocol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MemberState {
    /// Not in the group.
    #[default]
    Unjoined,
    /// Asking a broker who the coordinator is.
    FindingCoordinator,
    /// JoinGroup sent.
    Joining,
    /// SyncGroup sent.
    Syncing,
    /// Has its assignment; heartbeating.
    Stable,
}

/// A member's group state.
#[derive(Clone, Debug, Default)]
pub struct Membership {
    /// Protocol state.
    pub state: MemberState,
    /// The coordinator, when known.
    pub coordinator: Option<BrokerId>,
    /// Member id ("" until the coordinator gives one).
    pub member_id: String,
    /// Generation of the current assignment (-1: none).
    pub generation: i32,
    /// Rejoin at the next poll.
    pub rejoin_needed: bool,
    /// The join/sync/find request in flight.
    pub(super) inflight: Option<u64>,
    pub(super) heartbeat_inflight: Option<u64>,
    /// Commits in flight: request id → (waits for it, offsets).
    pub(super) commits: BTreeMap<u64, (bool, Vec<(Tp, u64)>)>,
    pub(super) offset_fetch: Option<u64>,
    /// Offsets this member committed successfully.
    pub committed: BTreeMap<Tp, u64>,
    /// Partition counts the last assignment used, when this member led it (K assignmentSnapshot).
    pub(super) assigned_counts: Option<BTreeMap<crate::trace::TopicId, u32>>,
    /// A rejoin waits for its commitSync (K onJoinPrepare).
    pub(super) join_after_commit: bool,
    pub(super) next_metadata_refresh: crate::sim::SimTime,
}
