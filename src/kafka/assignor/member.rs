//! What every assignor reads and returns: a member's subscription and the assignment.

use std::collections::BTreeMap;

/// A partition as the assignors name it: (topic name, partition).
pub type Tp = (String, u32);

/// A group member's subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Member id.
    pub id: String,
    /// group.instance.id (static membership), if any.
    pub instance_id: Option<String>,
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// Partitions it owned before this rebalance (sticky assignors read them).
    pub owned: Vec<(String, u32)>,
    /// Generation those partitions belong to (-1: none).
    pub generation: i32,
}

impl Member {
    /// A fresh member: no owned partitions.
    pub fn new(id: &str, instance_id: Option<String>, topics: Vec<String>) -> Member {
        Member { id: id.to_string(), instance_id, topics, owned: Vec::new(), generation: -1 }
    }
}

/// Partitions per member id (every member present, possibly with none), each list in
/// (topic name, partition) order.
pub type Assignment = BTreeMap<String, Vec<(String, u32)>>;

/// The result: the assignment and the partitions that change owner (partition → new owner).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StickyResult {
    /// Partitions per member id.
    pub assignment: Assignment,
    /// K partitionsTransferringOwnership (for unequal subscriptions, as K
    /// CooperativeStickyAssignor.computePartitionsTransferringOwnership derives it).
    pub transferring: BTreeMap<Tp, String>,
    /// K AbstractStickyAssignor.isSticky: no partition of a topic moved both ways between two
    /// members while balancing (the equal-subscription path records no moves: always true).
    pub sticky: bool,
}
