//! An offset commit the coordinator holds until its append reaches the ISR: a file of its
//! own so the group coordinator (which stores them) and the offset manager (which makes
//! and answers them) do not import each other.

use crate::sim::NodeId;
use crate::trace::{GroupRef, Tp};

/// An offset commit waiting for its append to reach the ISR.
#[derive(Clone, Debug)]
pub struct PendingCommit {
    /// Who asked.
    pub from: NodeId,
    /// Their correlation id.
    pub req: u64,
    /// The group.
    pub group: GroupRef,
    /// The committing member's node.
    pub consumer: NodeId,
    /// What to commit.
    pub offsets: Vec<(Tp, u64)>,
}
