//! The Kafka model: brokers hosting partition replicas, a ZooKeeper node with broker
//! sessions and the /controller znode, the controller, producers and consumers. Every
//! node is a state machine: `(now, input, &mut Fx)` in, sends/timers/records out.
//!
//! The wings mirror Kafka's own modules: `replication` (the log, a replica of a partition,
//! the ISR, purgatories, the replica manager, placement), `controller` (the controller and
//! ZooKeeper), `coordinator` (the group coordinator and the offset manager), `assignor`,
//! `producer` and `consumer`. Code outside kafka/ imports the names re-exported here.

pub mod assignor;
pub mod broker;
pub mod buffers;
pub mod config;
pub mod consumer;
pub mod controller;
pub mod coordinator;
pub mod effects;
pub mod here;
pub mod metadata_cache;
pub mod producer;
pub mod protocol;
pub mod replication;

pub use assignor::member::{Assignment, Member, StickyResult};
pub use assignor::range::{Strategy, assign, member_order};
pub use assignor::sticky::cooperative_round;
pub use broker::Broker;
pub use config::{ClusterCfg, LogCfg, TopicCfg};
pub use consumer::config::{CommitMode, ConsumerCfg, FailureCfg, FailurePolicy, GroupCfg, OffsetReset, RedriveCfg};
pub use consumer::kafka_consumer::Consumer;
pub use controller::zookeeper::ZooKeeper;
pub use coordinator::group::GroupState;
pub use effects::{BrokerTimer, Fx, KTimer};
pub use here::Here;
pub use producer::config::{Keys, ProducerCfg};
pub use producer::kafka_producer::Producer;
pub use producer::partitioner::{NullKeyPartitioner, murmur2, partition_for_key, to_positive};
pub use protocol::{
    Acks, ClientMsg, ControlMsg, FetchReq, FetchResult, GroupMsg, Msg, PartitionState, ProduceReq, ProducedRecord,
    ZkMsg,
};
pub use replication::log::{EpochCache, LogEntry, Meta, NO_PRODUCER};
pub use replication::partition::Partition;
pub use replication::placement::assign_replicas;
pub use replication::replica_manager::ReplicaManager;
pub use replication::role::Role;
