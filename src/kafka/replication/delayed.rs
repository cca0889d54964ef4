//! The requests the purgatories hold (K DelayedProduce, DelayedFetch): a file of their own
//! so the partition that stores them and the purgatory code that answers them do not
//! import each other.

use crate::kafka::protocol::FetchReq;
use crate::sim::{NodeId, SimTime};

/// An acks=all produce waiting for the HW.
#[derive(Clone, Debug)]
pub struct DelayedProduce {
    /// Id for its timeout timer.
    pub id: u64,
    /// Who to answer.
    pub from: NodeId,
    /// Their correlation id.
    pub req: u64,
    /// Offset of the first record.
    pub base_offset: u64,
    /// The HW must reach this (last offset + 1).
    pub required: u64,
    /// When it times out (request.timeout.ms after arrival).
    pub deadline: SimTime,
}

/// A fetch held until data arrives or its wait expires.
#[derive(Clone, Debug)]
pub struct ParkedFetch {
    /// Who to answer.
    pub from: NodeId,
    /// The request.
    pub req: FetchReq,
    /// When its wait runs out.
    pub deadline: SimTime,
}
