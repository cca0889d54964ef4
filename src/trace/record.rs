//! Trace record types (documented in docs/trace.md). Indices, not strings, so that a
//! record is cheap to make and to hash; `jsonl` writes them with names.

use super::ids::{BrokerId, KeyId, MsgId, NodeId, Tp};
use super::vocab::ErrorCode;

/// Why a record went to its partition (the producer's partitioner decision).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PartitionReason {
    /// The record named its partition.
    Explicit,
    /// murmur2 of the key.
    KeyHash,
    /// Null key, sticky partitioner.
    Sticky,
    /// Null key, round robin.
    RoundRobin,
}

/// How a leader was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Election {
    /// Initial placement at topic creation.
    Initial,
    /// From the ISR.
    Clean,
    /// From outside the ISR (unclean.leader.election.enable): may lose committed data.
    Unclean,
    /// Leadership moved away from a broker shutting down cleanly.
    ControlledShutdown,
    /// No eligible replica: the partition is offline.
    Offline,
}

/// How a broker went down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DownHow {
    /// Controlled shutdown: leadership moved first, log flushed.
    Clean,
    /// Process crash: the OS page cache survives, nothing is lost.
    Crash,
    /// Machine crash: the tail not yet flushed to disk is lost.
    PowerLoss,
}

/// One trace record: when, in what order, and what.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Record {
    /// Simulated time in microseconds.
    pub t_us: u64,
    /// Position in the trace.
    pub seq: u64,
    /// What happened.
    pub kind: RecordKind,
}

/// What happened. Each variant is one `kind` in docs/trace.md.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// A producer created a record and chose its partition.
    Produce { producer: NodeId, value: MsgId, key: Option<KeyId>, tp: Tp, reason: PartitionReason },
    /// A leader appended a record to its log.
    Append { broker: BrokerId, tp: Tp, offset: u64, leader_epoch: u32, value: MsgId },
    /// An idempotent retry was recognised and not appended twice.
    DuplicateBatch { broker: BrokerId, tp: Tp, value: MsgId, offset: u64 },
    /// A follower appended fetched records up to `to_offset` (exclusive).
    Replicate { follower: BrokerId, tp: Tp, to_offset: u64 },
    /// A leader's high watermark advanced.
    Hw { broker: BrokerId, tp: Tp, high_watermark: u64 },
    /// The producer got a successful response for a record.
    Ack { producer: NodeId, value: MsgId, tp: Tp, offset: u64 },
    /// A produce attempt failed; `retrying` tells whether it will be sent again.
    ProduceError { producer: NodeId, value: MsgId, tp: Tp, error: ErrorCode, retrying: bool },
    /// The ISR of a partition changed.
    Isr { tp: Tp, isr: Vec<BrokerId>, leader_epoch: u32 },
    /// The controller chose a leader (or none: offline).
    Leader { tp: Tp, leader: Option<BrokerId>, leader_epoch: u32, election: Election, isr: Vec<BrokerId> },
    /// A replica cut its log back to `to_offset`, dropping `removed` records.
    Truncate { broker: BrokerId, tp: Tp, to_offset: u64, removed: u64 },
    /// Retention removed records from the start of a log.
    Retention { broker: BrokerId, tp: Tp, log_start_offset: u64 },
    /// A broker went down.
    BrokerDown { broker: BrokerId, how: DownHow, lost_unflushed: u64 },
    /// A broker started.
    BrokerUp { broker: BrokerId },
    /// ZooKeeper expired a broker's session (or the broker closed it).
    SessionExpired { broker: BrokerId },
    /// A broker became the controller.
    ControllerElected { broker: BrokerId, controller_epoch: u32 },
    /// ZooKeeper went down or came back.
    ZooKeeper { up: bool },
    /// A consumer received a fetch response with records.
    Fetch { consumer: NodeId, tp: Tp, offset: u64, records: u32 },
    /// A record was handed to the consumer's application.
    Deliver { consumer: NodeId, tp: Tp, offset: u64, value: MsgId },
    /// The application finished processing a record.
    ProcessOk { consumer: NodeId, tp: Tp, offset: u64, value: MsgId },
    /// Processing a record failed (a poison pill); `attempt` counts from 1.
    ProcessFail { consumer: NodeId, tp: Tp, offset: u64, value: MsgId, attempt: u32 },
    /// The consumer gave up on a record after its retries and skipped it.
    ProcessSkip { consumer: NodeId, tp: Tp, offset: u64, value: MsgId, attempts: u32 },
    /// A consumer's position was reset (offset out of range).
    OffsetReset { consumer: NodeId, tp: Tp, from: u64, to: u64 },
    /// A consumer or producer crashed or restarted.
    ClientState { node: NodeId, up: bool },
    /// An input was applied: a scheduled fault or an action from the app.
    Input { what: String },
    /// Consumer groups and failure handling.
    Group(super::group_record::GroupEvent),
    /// The RabbitMQ model.
    Amqp(super::amqp_record::AmqpEvent),
}

impl RecordKind {
    /// The snake_case `kind` used in JSON and filters.
    pub fn name(&self) -> &'static str {
        match self {
            RecordKind::Produce { .. } => "produce",
            RecordKind::Append { .. } => "append",
            RecordKind::DuplicateBatch { .. } => "duplicate_batch",
            RecordKind::Replicate { .. } => "replicate",
            RecordKind::Hw { .. } => "hw",
            RecordKind::Ack { .. } => "ack",
            RecordKind::ProduceError { .. } => "produce_error",
            RecordKind::Isr { .. } => "isr",
            RecordKind::Leader { .. } => "leader",
            RecordKind::Truncate { .. } => "truncate",
            RecordKind::Retention { .. } => "retention",
            RecordKind::BrokerDown { .. } => "broker_down",
            RecordKind::BrokerUp { .. } => "broker_up",
            RecordKind::SessionExpired { .. } => "session_expired",
            RecordKind::ControllerElected { .. } => "controller",
            RecordKind::ZooKeeper { .. } => "zookeeper",
            RecordKind::Fetch { .. } => "fetch",
            RecordKind::Deliver { .. } => "deliver",
            RecordKind::ProcessOk { .. } => "process_ok",
            RecordKind::ProcessFail { .. } => "process_fail",
            RecordKind::ProcessSkip { .. } => "process_skip",
            RecordKind::OffsetReset { .. } => "offset_reset",
            RecordKind::ClientState { .. } => "client",
            RecordKind::Input { .. } => "input",
            RecordKind::Group(g) => g.name(),
            RecordKind::Amqp(a) => a.name(),
        }
    }

    /// Which record family writes it (one file each: `produce_record`, `replication_record`,
    /// `cluster_record`, `consume_record`, `group_record`, `amqp_record`); the text and JSON
    /// writers both dispatch on this, so the split is written once.
    pub fn family(&self) -> Family<'_> {
        match self {
            RecordKind::Produce { .. } | RecordKind::Ack { .. } | RecordKind::ProduceError { .. } => Family::Produce,
            RecordKind::Append { .. }
            | RecordKind::DuplicateBatch { .. }
            | RecordKind::Replicate { .. }
            | RecordKind::Hw { .. }
            | RecordKind::Isr { .. }
            | RecordKind::Leader { .. }
            | RecordKind::Truncate { .. }
            | RecordKind::Retention { .. } => Family::Replication,
            RecordKind::BrokerDown { .. }
            | RecordKind::BrokerUp { .. }
            | RecordKind::SessionExpired { .. }
            | RecordKind::ControllerElected { .. }
            | RecordKind::ZooKeeper { .. }
            | RecordKind::Input { .. } => Family::Cluster,
            RecordKind::Fetch { .. }
            | RecordKind::Deliver { .. }
            | RecordKind::ProcessOk { .. }
            | RecordKind::ProcessFail { .. }
            | RecordKind::ProcessSkip { .. }
            | RecordKind::OffsetReset { .. }
            | RecordKind::ClientState { .. } => Family::Consume,
            RecordKind::Group(g) => Family::Group(g),
            RecordKind::Amqp(a) => Family::Amqp(a),
        }
    }
}

/// A record family: the file that writes its records as text and JSON.
pub enum Family<'a> {
    /// Produce, Ack, ProduceError.
    Produce,
    /// Appends, replication, HW, ISR, leaders, truncation, retention.
    Replication,
    /// Brokers, ZooKeeper, the controller, inputs.
    Cluster,
    /// Fetches, deliveries, processing, offset resets, client state.
    Consume,
    /// Consumer groups and failure handling.
    Group(&'a super::group_record::GroupEvent),
    /// The RabbitMQ model.
    Amqp(&'a super::amqp_record::AmqpEvent),
}
