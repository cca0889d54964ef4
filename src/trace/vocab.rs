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
