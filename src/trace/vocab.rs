//! The small enums that trace records carry and the models share: the ground vocabulary
//! below kafka/ and amqp/, so a record never has to import a model.

/// Which assignor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Strategy {
    /// K RangeAssignor: per topic, consecutive ranges; extras to the first members.
    #[default]
    Range,
    /// K RoundRobinAssignor: all partitions in (topic, partition) order, dealt in turn.
    RoundRobin,
    /// K StickyAssignor: balanced, keeping owned partitions; eager rebalancing.
    Sticky,
    /// K CooperativeStickyAssignor: sticky, with incremental cooperative rebalancing.
    CooperativeSticky,
}

impl Strategy {
    /// Kafka's protocol name.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Range => "range",
            Strategy::RoundRobin => "roundrobin",
            Strategy::Sticky => "sticky",
            Strategy::CooperativeSticky => "cooperative-sticky",
        }
    }
    /// Whether members keep consuming during a rebalance (KIP-429).
    pub fn cooperative(self) -> bool {
        self == Strategy::CooperativeSticky
    }
}

/// A group's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupState {
    /// No members.
    Empty,
    /// Collecting JoinGroups.
    PreparingRebalance,
    /// Waiting for the leader's assignment.
    CompletingRebalance,
    /// Assignment handed out.
    Stable,
    /// Unloaded: this broker is no longer its coordinator.
    Dead,
}

/// Why a message was dead-lettered (the `reason` of an `x-death` entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum DeathReason {
    /// basic.reject / basic.nack with requeue=false.
    Rejected,
    /// Its TTL ran out at the head of the queue.
    Expired,
    /// A length limit dropped it (drop-head, reject-publish-dlx).
    Maxlen,
    /// It was returned more often than the queue's delivery limit.
    DeliveryLimit,
}

impl DeathReason {
    /// RabbitMQ's name.
    pub fn name(self) -> &'static str {
        match self {
            DeathReason::Rejected => "rejected",
            DeathReason::Expired => "expired",
            DeathReason::Maxlen => "maxlen",
            DeathReason::DeliveryLimit => "delivery_limit",
        }
    }
}

/// Protocol errors, as the Kafka error codes name them. They travel in responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum ErrorCode {
    /// The broker is not the leader (or a follower) for the partition.
    NotLeaderOrFollower,
    /// acks=all and the ISR is smaller than min.insync.replicas: nothing written.
    NotEnoughReplicas,
    /// Written, but the ISR shrank below min.insync.replicas before the ack.
    NotEnoughReplicasAfterAppend,
    /// No response within request.timeout.ms.
    RequestTimedOut,
    /// The batch waited longer than delivery.timeout.ms: given up.
    DeliveryTimeout,
    /// The fetch offset is outside the log.
    OffsetOutOfRange,
    /// The partition has no leader.
    LeaderNotAvailable,
    /// An idempotent batch arrived with a sequence gap.
    OutOfOrderSequence,
    /// The request carried a leader epoch older than the replica's.
    FencedLeaderEpoch,
    /// This broker is not the group's coordinator (any more).
    NotCoordinator,
    /// The group's __consumer_offsets partition has no leader.
    CoordinatorNotAvailable,
    /// KIP-394: a new member must rejoin with the id it was given.
    MemberIdRequired,
    /// The coordinator does not know this member (removed, or the coordinator moved).
    UnknownMemberId,
    /// The request's generation is not the group's current one.
    IllegalGeneration,
    /// The group is rebalancing: rejoin.
    RebalanceInProgress,
    /// The connection broke before a response came: the broker is down or its host refuses
    /// the connection (Kafka's Sender completes the batch with NETWORK_EXCEPTION, an
    /// InvalidMetadataException: refresh metadata, retry).
    NetworkException,
}

impl ErrorCode {
    /// Whether the producer retries on this error (Kafka's RetriableException).
    pub fn retriable(self) -> bool {
        match self {
            ErrorCode::NotLeaderOrFollower
            | ErrorCode::NotEnoughReplicas
            | ErrorCode::NotEnoughReplicasAfterAppend
            | ErrorCode::RequestTimedOut
            | ErrorCode::LeaderNotAvailable
            | ErrorCode::OutOfOrderSequence
            | ErrorCode::FencedLeaderEpoch
            | ErrorCode::NotCoordinator
            | ErrorCode::CoordinatorNotAvailable
            | ErrorCode::NetworkException => true,
            ErrorCode::DeliveryTimeout
            | ErrorCode::OffsetOutOfRange
            | ErrorCode::MemberIdRequired
            | ErrorCode::UnknownMemberId
            | ErrorCode::IllegalGeneration
            | ErrorCode::RebalanceInProgress => false,
        }
    }
    /// Whether the client's metadata is stale after this error, so it forgets the leader and
    /// asks again (Kafka's InvalidMetadataException and its subclasses).
    pub fn invalidates_metadata(self) -> bool {
        matches!(
            self,
            ErrorCode::NotLeaderOrFollower
                | ErrorCode::LeaderNotAvailable
                | ErrorCode::FencedLeaderEpoch
                | ErrorCode::NetworkException
        )
    }
    /// snake_case name for the trace and people.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::NotLeaderOrFollower => "not_leader_or_follower",
            ErrorCode::NetworkException => "network_exception",
            ErrorCode::NotEnoughReplicas => "not_enough_replicas",
            ErrorCode::NotEnoughReplicasAfterAppend => "not_enough_replicas_after_append",
            ErrorCode::RequestTimedOut => "request_timed_out",
            ErrorCode::DeliveryTimeout => "delivery_timeout",
            ErrorCode::OffsetOutOfRange => "offset_out_of_range",
            ErrorCode::LeaderNotAvailable => "leader_not_available",
            ErrorCode::OutOfOrderSequence => "out_of_order_sequence",
            ErrorCode::FencedLeaderEpoch => "fenced_leader_epoch",
            ErrorCode::NotCoordinator => "not_coordinator",
            ErrorCode::CoordinatorNotAvailable => "coordinator_not_available",
            ErrorCode::MemberIdRequired => "member_id_required",
            ErrorCode::UnknownMemberId => "unknown_member_id",
            ErrorCode::IllegalGeneration => "illegal_generation",
            ErrorCode::RebalanceInProgress => "rebalance_in_progress",
        }
    }
}
