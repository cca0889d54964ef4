//! Node identity: every node (ZooKeeper, broker, client) is an index into the
//! simulation's node table, and trace records name nodes by the same index.

/// Index of a node (ZooKeeper, broker, producer, consumer) in the simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct NodeId(pub u32);
