//! The messages Kafka nodes exchange, closely following the real requests: Produce,
//! Fetch (followers and consumers alike), Metadata, LeaderAndIsr, AlterPartition, and the
//! ZooKeeper session and controller-election traffic. `Msg` nests them by role (client,
//! control, ZooKeeper, group) so each node matches only the families it handles.

use crate::kafka::buffers::pooled;
use crate::kafka::replication::log::{LogEntry, Meta};
use crate::trace::Strategy;
use crate::trace::{BrokerId, ErrorCode, GroupRef, KeyId, MsgId, Tp};

/// A partition's replication state as the controller records it in ZooKeeper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionState {
    /// The leader, or None when the partition is offline.
    pub leader: Option<BrokerId>,
    /// Bumped on every leader change (and, in ZooKeeper mode, on controller ISR shrinks).
    pub leader_epoch: u32,
    /// In-sync replicas.
    pub isr: Vec<BrokerId>,
    /// Assigned replicas in assignment order (the first is the preferred leader).
    pub replicas: Vec<BrokerId>,
    /// Bumped on every change (the znode version); fences stale AlterPartition requests.
    pub partition_epoch: u32,
}

/// Producer acknowledgement mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Acks {
    /// acks=0: fire and forget.
    Zero,
    /// acks=1: the leader's own append.
    One,
    /// acks=all: every ISR member has it.
    All,
}

pooled!(ProducedRecord);

/// One record as the producer sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProducedRecord {
    /// Its identity.
    pub value: MsgId,
    /// Its key.
    pub key: Option<KeyId>,
    /// The consumer's processing will always fail on it (a poison pill).
    pub poison: bool,
    /// Its size in bytes (the producer's `record_bytes`).
    pub bytes: u32,
    /// Headers the simulation reads (retry origin, offset commits).
    pub meta: Meta,
}

/// Idempotence fields of a produce batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProducerIdSeq {
    /// The producer id.
    pub producer_id: u32,
    /// The producer epoch; a bump resets sequence numbers (KIP-360).
    pub producer_epoch: u16,
    /// The first record's sequence number.
    pub base_seq: u32,
}

/// ProduceRequest for one partition.
#[derive(Clone, Debug)]
pub struct ProduceReq {
    /// Correlation id.
    pub req: u64,
    /// Target partition.
    pub tp: Tp,
    /// Acks mode.
    pub acks: Acks,
    /// The batch.
    pub records: Vec<ProducedRecord>,
    /// Present for idempotent producers.
    pub idempotence: Option<ProducerIdSeq>,
    /// How long the leader may wait for the ISR (request.timeout.ms).
    pub timeout_us: u64,
}

/// FetchRequest for one partition, from a follower (replica) or a consumer.
#[derive(Clone, Copy, Debug)]
pub struct FetchReq {
    /// Correlation id.
    pub req: u64,
    /// The fetching follower, or None for a consumer.
    pub replica: Option<BrokerId>,
    /// The partition.
    pub tp: Tp,
    /// Next offset wanted (for a follower: its LEO).
    pub offset: u64,
    /// Epoch of the last record the follower has (KIP-320 divergence check).
    pub last_fetched_epoch: Option<u32>,
    /// The leader epoch the fetcher believes in.
    pub leader_epoch: Option<u32>,
    /// Most records to return.
    pub max_records: u32,
    /// How long the leader may hold the request when it has nothing (fetch.max.wait.ms).
    pub max_wait_us: u64,
}

/// What a fetch returns.
#[derive(Clone, Debug)]
pub enum FetchResult {
    /// Records from `base_offset` (possibly none).
    Records { base_offset: u64, records: Vec<LogEntry> },
    /// The follower's log diverges: truncate to at most `end_offset` of `epoch`.
    Diverging { epoch: u32, end_offset: u64 },
    /// A protocol error.
    Error(ErrorCode),
}

/// FetchResponse.
#[derive(Clone, Debug)]
pub struct FetchResp {
    /// Correlation id.
    pub req: u64,
    /// The partition.
    pub tp: Tp,
    /// The result.
    pub result: FetchResult,
    /// Leader's high watermark.
    pub high_watermark: u64,
    /// Leader's log start offset.
    pub log_start_offset: u64,
    /// Leader's log end offset.
    pub log_end_offset: u64,
}

/// A member as the group leader sees it in its JoinGroup response.
#[derive(Clone, Debug)]
pub struct JoinedMember {
    /// Member id.
    pub member_id: String,
    /// Its client node (for trace records).
    pub node: u32,
    /// group.instance.id.
    pub instance_id: Option<String>,
    /// Subscription.
    pub topics: Vec<String>,
    /// Partitions it owns (cooperative) and their generation.
    pub owned: Vec<Tp>,
    /// Generation of `owned`.
    pub owned_generation: i32,
}

/// What a JoinGroup gets.
#[derive(Clone, Debug)]
pub enum JoinResult {
    /// KIP-394: rejoin with this member id.
    MemberIdRequired(String),
    /// The join phase ended. Only the leader gets `members`.
    Joined { generation: u32, member_id: String, leader: String, protocol: Strategy, members: Vec<JoinedMember> },
    /// A protocol error.
    Error(ErrorCode),
}

/// A JoinGroup request.
#[derive(Clone, Debug)]
pub struct JoinReq {
    /// Correlation id.
    pub req: u64,
    /// The group.
    pub group: GroupRef,
    /// Member id ("" for a new member).
    pub member_id: String,
    /// client.id (the new member id starts with it).
    pub client: String,
    /// group.instance.id.
    pub instance_id: Option<String>,
    /// Assignors in preference order.
    pub protocols: Vec<Strategy>,
    /// Subscription.
    pub topics: Vec<String>,
    /// Partitions owned now and their generation (-1: none).
    pub owned: Vec<Tp>,
    /// Generation of `owned`.
    pub owned_generation: i32,
    /// session.timeout.ms in µs.
    pub session_timeout_us: u64,
    /// rebalance.timeout.ms in µs.
    pub rebalance_timeout_us: u64,
}

/// Group requests from a member to its coordinator (and their answers).
#[derive(Clone, Debug)]
pub enum GroupMsg {
    /// Which broker coordinates `group`?
    FindCoordinator { req: u64, group: GroupRef },
    /// The coordinator, or why not.
    FindCoordinatorResp { req: u64, result: Result<BrokerId, ErrorCode> },
    /// JoinGroup (boxed: it would make every message as large as itself).
    Join(Box<JoinReq>),
    /// JoinGroup response.
    JoinResp { req: u64, result: JoinResult },
    /// SyncGroup: the leader carries the assignment.
    Sync { req: u64, group: GroupRef, generation: u32, member_id: String, assignment: Vec<(String, Vec<Tp>)> },
    /// SyncGroup response: this member's partitions.
    SyncResp { req: u64, result: Result<Vec<Tp>, ErrorCode> },
    /// Heartbeat.
    Heartbeat { req: u64, group: GroupRef, generation: u32, member_id: String },
    /// Heartbeat response.
    HeartbeatResp { req: u64, error: Option<ErrorCode> },
    /// LeaveGroup.
    Leave { req: u64, group: GroupRef, member_id: String },
    /// OffsetCommit (generation -1 and an empty member id: a consumer outside the group protocol).
    Commit { req: u64, group: GroupRef, generation: i32, member_id: String, offsets: Vec<(Tp, u64)> },
    /// OffsetCommit response.
    CommitResp { req: u64, error: Option<ErrorCode> },
    /// OffsetFetch.
    FetchOffsets { req: u64, group: GroupRef, tps: Vec<Tp> },
    /// OffsetFetch response: committed offsets (None: nothing committed).
    FetchOffsetsResp { req: u64, result: Result<Vec<(Tp, Option<u64>)>, ErrorCode> },
}

impl GroupMsg {
    /// The correlation id of a request.
    pub fn request_id(&self) -> Option<u64> {
        match self {
            GroupMsg::FindCoordinator { req, .. }
            | GroupMsg::Sync { req, .. }
            | GroupMsg::Heartbeat { req, .. }
            | GroupMsg::Leave { req, .. }
            | GroupMsg::Commit { req, .. }
            | GroupMsg::FetchOffsets { req, .. } => Some(*req),
            GroupMsg::Join(j) => Some(j.req),
            GroupMsg::FindCoordinatorResp { .. }
            | GroupMsg::JoinResp { .. }
            | GroupMsg::SyncResp { .. }
            | GroupMsg::HeartbeatResp { .. }
            | GroupMsg::CommitResp { .. }
            | GroupMsg::FetchOffsetsResp { .. } => None,
        }
    }
}

/// Every message in the Kafka model, nested by role so a node matches only the families
/// it handles.
#[derive(Clone, Debug)]
pub enum Msg {
    /// ZooKeeper session and znode traffic (brokers and the controller ↔ ZooKeeper).
    Zk(ZkMsg),
    /// Controller ↔ brokers: LeaderAndIsr and AlterPartition.
    Control(ControlMsg),
    /// Client requests served by partition leaders (followers fetch too).
    Client(ClientMsg),
    /// Consumer-group traffic.
    Group(GroupMsg),
    /// The network bounced a request: the destination's process is down (connection refused).
    Unreachable { req: Option<u64> },
}

/// Client requests (Metadata, Produce, Fetch) and their responses.
#[derive(Clone, Debug)]
pub enum ClientMsg {
    /// Client asks a broker for partition leaders.
    MetadataReq { req: u64 },
    /// A broker's metadata cache: leader and epoch of every partition.
    MetadataResp { req: u64, leaders: Vec<(Tp, Option<BrokerId>, u32)> },
    /// ProduceRequest.
    Produce(ProduceReq),
    /// ProduceResponse: the base offset, or an error.
    ProduceResp { req: u64, tp: Tp, result: Result<u64, ErrorCode> },
    /// FetchRequest.
    Fetch(FetchReq),
    /// FetchResponse.
    FetchResp(FetchResp),
}

/// ZooKeeper session and znode traffic.
#[derive(Clone, Debug)]
pub enum ZkMsg {
    /// Broker → ZooKeeper: session heartbeat (a first heartbeat registers the broker).
    Heartbeat { broker: BrokerId, session: u64 },
    /// Broker → ZooKeeper: close the session now (clean shutdown).
    Close { broker: BrokerId, session: u64 },
    /// Broker → ZooKeeper: create the /controller znode if absent.
    TryController { broker: BrokerId, session: u64 },
    /// ZooKeeper → broker: who the controller is; the winner also gets the cluster state.
    Controller { controller: Option<BrokerId>, controller_epoch: u32, won: Option<ControllerInit> },
    /// ZooKeeper → controller: the set of live brokers changed (watch on /brokers/ids).
    BrokersChanged { live: Vec<(BrokerId, u64)> },
    /// ZooKeeper → brokers: the /controller znode was deleted (watch).
    ControllerGone,
    /// ZooKeeper → controller: partitions were added to a topic (watch on /brokers/topics).
    PartitionsAdded { states: Vec<(Tp, PartitionState)> },
    /// Controller → ZooKeeper: write partition states (fenced by controller epoch).
    Write { controller_epoch: u32, states: Vec<(Tp, PartitionState)>, op: u64 },
    /// ZooKeeper → controller: the write was applied (or refused: a stale controller epoch).
    WriteResult { op: u64, ok: bool },
}

/// Controller ↔ brokers.
#[derive(Clone, Debug)]
pub enum ControlMsg {
    /// Controller → brokers: partition states (leadership, ISR) and live brokers.
    LeaderAndIsr { controller: BrokerId, controller_epoch: u32, states: Vec<(Tp, PartitionState)>, live: Vec<BrokerId> },
    /// Leader → controller: propose a new ISR (KIP-497).
    AlterPartition { tp: Tp, leader: BrokerId, leader_epoch: u32, partition_epoch: u32, isr: Vec<BrokerId> },
    /// Controller → leader: the new state, or why not.
    AlterPartitionResp { tp: Tp, result: Result<PartitionState, ErrorCode> },
}

/// What the new controller reads from ZooKeeper.
#[derive(Clone, Debug)]
pub struct ControllerInit {
    /// Registered brokers with their session ids (the broker epoch of KIP-380).
    pub live: Vec<(BrokerId, u64)>,
    /// Every partition's state.
    pub states: Vec<(Tp, PartitionState)>,
}

impl Msg {
    /// The correlation id of a request, so a bounced request can be matched.
    pub fn request_id(&self) -> Option<u64> {
        match self {
            Msg::Client(c) => c.request_id(),
            Msg::Group(g) => g.request_id(),
            Msg::Zk(_) | Msg::Control(_) | Msg::Unreachable { .. } => None,
        }
    }
}

impl ClientMsg {
    /// The correlation id of a request.
    pub fn request_id(&self) -> Option<u64> {
        match self {
            ClientMsg::MetadataReq { req } => Some(*req),
            ClientMsg::Produce(p) => Some(p.req),
            ClientMsg::Fetch(f) => Some(f.req),
            ClientMsg::MetadataResp { .. } | ClientMsg::ProduceResp { .. } | ClientMsg::FetchResp(_) => None,
        }
    }
}
