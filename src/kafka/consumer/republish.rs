//! A record the consumer republishes (to a retry or dead-letter topic, or back to its
//! partition when re-driven) while it waits for the target partition's acknowledgement.

use crate::kafka::protocol::ProducedRecord;
use crate::trace::{FailKind, Tp};

/// Why a record is being republished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublishKind {
    /// To a retry topic, for attempt `attempt + 1`.
    Retry { attempt: u32 },
    /// To the dead-letter topic after `attempts`.
    DeadLetter { attempts: u32, reason: FailKind },
    /// Back to its original partition.
    Redrive { fixed: bool },
}

/// A republish in flight.
#[derive(Clone, Debug)]
pub struct Publish {
    /// Correlation id of the current attempt.
    pub req: u64,
    /// Target partition.
    pub to: Tp,
    /// The record as published.
    pub record: ProducedRecord,
    /// Why.
    pub kind: PublishKind,
    /// Where it was read from.
    pub from: (Tp, u64),
}
