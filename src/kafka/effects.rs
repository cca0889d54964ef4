//! What every Kafka node handler shares: the effects it writes (`Fx`), the timers of every
//! node kind, and node addresses. A file of its own so the nodes that set each other's
//! timer kinds (a coordinator's timer rides on its broker's) import it and not each other.

use crate::kafka::protocol::Msg;
use crate::sim::{Dur, Effects, NodeId, SimTime};
use crate::trace::{BrokerId, GroupRef, RecordKind, Tp};

/// What a Kafka handler may ask of the loop.
pub type Fx = Effects<Msg, KTimer, RecordKind>;

/// The ZooKeeper node's id.
pub const ZK_NODE: NodeId = NodeId(0);

/// A broker's node id (brokers are nodes 1..=N, numbered like their broker ids).
pub fn broker_node(b: BrokerId) -> NodeId {
    NodeId(b.0)
}

/// Timers of every Kafka node kind.
#[derive(Clone, Debug)]
pub enum KTimer {
    /// Broker timers.
    Broker(BrokerTimer),
    /// ZooKeeper timers.
    Zk(ZkTimer),
    /// Producer timers.
    Producer(ProducerTimer),
    /// Consumer timers.
    Consumer(ConsumerTimer),
}

/// A broker's timers.
#[derive(Clone, Debug)]
pub enum BrokerTimer {
    /// Send the ZooKeeper session heartbeat.
    ZkHeartbeat,
    /// isr-expiration: propose removing followers that fell behind.
    IsrCheck,
    /// Dirty pages reach disk; HW checkpoint.
    Flush,
    /// Time-based retention.
    RetentionCheck,
    /// Expire parked fetches and delayed produces of `tp` due by `at`.
    PurgatoryCheck { tp: Tp, at: SimTime },
    /// An AlterPartition got no answer.
    AlterPartitionTimeout { tp: Tp, partition_epoch: u32 },
    /// The controller re-sends every partition state to every live broker (its request
    /// queues retry until delivered; this also repairs state lost to cuts).
    ControllerResync { epoch: u32 },
    /// Send the next follower fetch.
    FollowerFetch { tp: Tp, token: u64 },
    /// Check whether the follower fetch of `tp` went unanswered too long.
    FollowerFetchTimeout { tp: Tp, token: u64 },
    /// A group coordinator timer.
    Group(GroupTimer),
}

/// Coordinator timers (they carry the round or heartbeat count they were set for).
#[derive(Clone, Debug)]
pub enum GroupTimer {
    /// The join phase ends: rebalance timeout, or the (extended) initial delay.
    Join { group: GroupRef, round: u64, initial_remaining: Option<Dur> },
    /// The leader's SyncGroup did not come in time.
    Sync { group: GroupRef, round: u64 },
    /// A member's session may have expired.
    Expiry { group: GroupRef, member: String, seq: u64 },
}

/// ZooKeeper's timers.
#[derive(Clone, Debug)]
pub enum ZkTimer {
    /// Check whether `broker`'s session has expired.
    SessionCheck { broker: BrokerId },
}

/// Producer timers.
#[derive(Clone, Debug)]
pub enum ProducerTimer {
    /// Create the next record.
    Tick,
    /// Expire old batches, refresh metadata, drain.
    Housekeeping,
    /// Try sending partition `p`'s batches (after linger or backoff).
    Drain { p: u32 },
    /// Check for produce requests unanswered past request.timeout.ms.
    TimeoutCheck,
    /// A metadata request got no answer.
    MetadataTimeout { req: u64 },
}

/// Consumer timers.
#[derive(Clone, Debug)]
pub enum ConsumerTimer {
    /// (Re)try fetching a partition.
    Fetch { tp: Tp },
    /// Check for fetches unanswered past request.timeout.ms.
    FetchTimeoutCheck,
    /// The record being processed is done (or failed).
    ProcessDone,
    /// Try the failed record again.
    Retry,
    /// A metadata request got no answer.
    MetadataTimeout { req: u64 },
    /// The metadata refresh backoff passed: send the update asked for meanwhile.
    MetadataRetry,
    /// Look again for a due record (retry topics hold records until their delay passed).
    Wake,
    /// Group protocol timers.
    Group(MemberTimer),
    /// Re-send a publish (error handler or re-drive).
    Publish { req: u64 },
}

/// Member timers.
#[derive(Clone, Debug)]
pub enum MemberTimer {
    /// Send a heartbeat.
    Heartbeat,
    /// Check the max.poll.interval.ms deadline (one such timer at a time).
    PollTimeout,
    /// A group request got no answer.
    RequestTimeout { req: u64 },
    /// Try finding the coordinator again.
    Retry,
}
