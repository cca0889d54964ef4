//! The scenario file format (RON). Every struct denies unknown fields; omitted fields take
//! Kafka's defaults. docs/scenarios.md shows every field.

use crate::kafka::Acks;
use crate::kafka::NullKeyPartitioner;
use crate::kafka::OffsetReset;
use crate::sim::{Dur, LinkConfig};
use crate::trace::ErrorCode;
use serde::{Deserialize, Serialize};

fn d<const MS: u64>() -> Dur {
    Dur::ms(MS)
}
fn one() -> u32 {
    1
}
fn default_seed() -> u64 {
    1
}

/// A whole scenario.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Title shown in the picker and the summary.
    pub name: String,
    /// One-line description.
    #[serde(default)]
    pub about: String,
    /// Default seed (`--seed` overrides); 1 when omitted, never entropy.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// How long to run.
    pub duration: Dur,
    /// Brokers, controller, network and broker settings.
    #[serde(default)]
    pub cluster: ClusterSpec,
    /// Topics, created before the run starts.
    #[serde(default)]
    pub topics: Vec<TopicSpec>,
    /// Producers.
    #[serde(default)]
    pub producers: Vec<ProducerSpec>,
    /// Consumers with assigned partitions (no group).
    #[serde(default)]
    pub consumers: Vec<ConsumerSpec>,
    /// Consumer groups (members coordinated by a broker, committing offsets).
    #[serde(default)]
    pub consumer_groups: Vec<GroupSpec>,
    /// Re-drive processes: read a dead-letter topic and send records back.
    #[serde(default)]
    pub redrive: Vec<RedriveSpec>,
    /// A RabbitMQ broker, if the scenario has one.
    #[serde(default)]
    pub rabbitmq: Option<RabbitSpec>,
    /// AMQP publishers.
    #[serde(default)]
    pub publishers: Vec<PublisherSpec>,
    /// AMQP consumers.
    #[serde(default)]
    pub amqp_consumers: Vec<AmqpConsumerSpec>,
    /// Scheduled faults and other inputs.
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    /// Text shown at given times.
    #[serde(default)]
    pub narration: Vec<Narration>,
    /// What `check` verifies.
    #[serde(default)]
    pub expect: Vec<Expectation>,
}

/// The controller mode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ControllerSpec {
    /// ZooKeeper mode: broker sessions in ZooKeeper, a broker is elected controller.
    ZooKeeper {
        /// zookeeper.session.timeout.ms.
        #[serde(default = "d::<18000>")]
        session_timeout: Dur,
    },
}

impl Default for ControllerSpec {
    fn default() -> Self {
        ControllerSpec::ZooKeeper { session_timeout: Dur::secs(18) }
    }
}

/// The cluster.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClusterSpec {
    /// Number of brokers, named broker-1 … broker-N.
    pub brokers: u32,
    /// Controller mode.
    pub controller: ControllerSpec,
    /// Network latency and loss.
    pub network: LinkConfig,
    /// replica.lag.time.max.ms.
    pub replica_lag_time_max: Dur,
    /// replica.fetch.wait.max.ms.
    pub replica_fetch_wait_max: Dur,
    /// replica.socket.timeout.ms.
    pub replica_socket_timeout: Dur,
    /// log.flush.interval.messages.
    pub flush_every_messages: Option<u64>,
    /// How often data reaches disk (log.flush.interval.ms, or the OS writeback).
    pub flush_interval: Dur,
    /// Replica placement start: Kafka draws it at random; fixed 0 by default so
    /// broker-1 leads partition 0.
    pub placement_start: u32,
    /// offsets.topic.num.partitions of the internal __consumer_offsets topic.
    pub offsets_topic_partitions: u32,
    /// group.initial.rebalance.delay.ms.
    pub group_initial_rebalance_delay: Dur,
}

impl Default for ClusterSpec {
    fn default() -> Self {
        ClusterSpec {
            brokers: 3,
            controller: ControllerSpec::default(),
            network: LinkConfig::default(),
            replica_lag_time_max: Dur::secs(30),
            replica_fetch_wait_max: Dur::ms(500),
            replica_socket_timeout: Dur::secs(30),
            flush_every_messages: None,
            flush_interval: Dur::secs(5),
            placement_start: 0,
            offsets_topic_partitions: 50,
            group_initial_rebalance_delay: Dur::secs(3),
        }
    }
}

/// Retention limits.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionSpec {
    /// Most records per partition.
    pub max_messages: Option<u64>,
    /// retention.ms.
    pub max_age: Option<Dur>,
}

/// A topic.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    /// Name.
    pub name: String,
    /// Partitions.
    #[serde(default = "one")]
    pub partitions: u32,
    /// Replication factor.
    #[serde(default = "one")]
    pub replication_factor: u32,
    /// min.insync.replicas.
    #[serde(default = "one")]
    pub min_insync_replicas: u32,
    /// Retention.
    #[serde(default)]
    pub retention: RetentionSpec,
    /// unclean.leader.election.enable.
    #[serde(default)]
    pub unclean_leader_election: bool,
}

/// How often a producer creates records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Rate {
    /// Evenly spaced, N per second.
    PerSecond(u32),
    /// Poisson arrivals, N per second on average.
    Poisson(u32),
    /// One record every interval.
    Every(Dur),
    /// Each of the `Distinct` keys sends once per interval (cars reporting every 10 s).
    PerKeyEvery(Dur),
}

/// How a producer chooses keys.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum KeySpec {
    /// No key: the null-key partitioner decides.
    None,
    /// The same key every time.
    Fixed(String),
    /// Uniformly at random from a list.
    Random(Vec<String>),
    /// Round robin over a list.
    RoundRobin(Vec<String>),
    /// `count` distinct keys "{prefix}{i}", in turn (car ids).
    Distinct {
        /// Key prefix.
        prefix: String,
        /// How many keys.
        count: u32,
    },
}

/// A producer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSpec {
    /// Name.
    pub name: String,
    /// Target topic.
    pub topic: String,
    /// Rate.
    pub rate: Rate,
    /// Keys.
    #[serde(default = "no_key")]
    pub key: KeySpec,
    /// Explicit partition for every record.
    #[serde(default)]
    pub partition: Option<u32>,
    /// Null-key partitioner (Sticky: Kafka ≥ 3.3; RoundRobin: ≤ 2.3).
    #[serde(default)]
    pub null_key: NullKeyPartitioner,
    /// acks.
    #[serde(default = "acks_all")]
    pub acks: Acks,
    /// retries.
    #[serde(default = "max_retries")]
    pub retries: u32,
    /// retry.backoff.ms.
    #[serde(default = "d::<100>")]
    pub retry_backoff: Dur,
    /// retry.backoff.max.ms.
    #[serde(default = "d::<1000>")]
    pub retry_backoff_max: Dur,
    /// request.timeout.ms.
    #[serde(default = "d::<30000>")]
    pub request_timeout: Dur,
    /// delivery.timeout.ms.
    #[serde(default = "d::<120000>")]
    pub delivery_timeout: Dur,
    /// enable.idempotence; omitted: on when acks=all (Kafka ≥ 3.0), else off.
    #[serde(default)]
    pub idempotent: Option<bool>,
    /// max.in.flight.requests.per.connection.
    #[serde(default = "five")]
    pub max_in_flight: u32,
    /// linger.ms.
    #[serde(default)]
    pub linger: Dur,
    /// Records per batch at most.
    #[serde(default = "hundred")]
    pub batch_records: u32,
    /// Record size in bytes (for the sticky partitioner's batch.size).
    #[serde(default = "hundred")]
    pub record_bytes: u32,
    /// batch.size.
    #[serde(default = "batch_size")]
    pub batch_bytes: u32,
    /// Start time.
    #[serde(default)]
    pub start: Dur,
    /// Stop time.
    #[serde(default)]
    pub stop: Option<Dur>,
    /// Most records to send.
    #[serde(default)]
    pub max_messages: Option<u64>,
    /// metadata.max.age.ms: metadata is refreshed this often (finds added partitions).
    #[serde(default = "d::<300000>")]
    pub metadata_max_age: Dur,
}

fn no_key() -> KeySpec {
    KeySpec::None
}
fn acks_all() -> Acks {
    Acks::All
}
fn max_retries() -> u32 {
    i32::MAX as u32
}
fn five() -> u32 {
    5
}
fn hundred() -> u32 {
    100
}
fn batch_size() -> u32 {
    16384
}
fn max_poll() -> u32 {
    500
}

/// A consumer with assigned partitions.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerSpec {
    /// Name.
    pub name: String,
    /// Topic.
    pub topic: String,
    /// Partitions (omitted: all).
    #[serde(default)]
    pub partitions: Option<Vec<u32>>,
    /// Time to process one record.
    pub process_time: Dur,
    /// max.poll.records.
    #[serde(default = "max_poll")]
    pub max_poll_records: u32,
    /// fetch.max.wait.ms.
    #[serde(default = "d::<500>")]
    pub fetch_max_wait: Dur,
    /// request.timeout.ms.
    #[serde(default = "d::<30000>")]
    pub request_timeout: Dur,
    /// auto.offset.reset.
    #[serde(default)]
    pub auto_offset_reset: OffsetReset,
    /// Start time.
    #[serde(default)]
    pub start: Dur,
    /// When processing fails: attempts after the first before skipping the record
    /// (omitted: retry forever, blocking the partition).
    #[serde(default)]
    pub retries: Option<u32>,
    /// Wait between attempts.
    #[serde(default = "d::<1000>")]
    pub retry_backoff: Dur,
}

/// A consumer group: members sharing a subscription (Kafka's consumer defaults).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// group.id.
    pub name: String,
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// partition.assignment.strategy: Range, RoundRobin, Sticky, CooperativeSticky.
    #[serde(default)]
    pub assignor: crate::kafka::Strategy,
    /// The members at the start (more can be added while it runs).
    pub members: Vec<MemberSpec>,
    /// session.timeout.ms.
    #[serde(default = "d::<45000>")]
    pub session_timeout: Dur,
    /// heartbeat.interval.ms.
    #[serde(default = "d::<3000>")]
    pub heartbeat_interval: Dur,
    /// max.poll.interval.ms.
    #[serde(default = "d::<300000>")]
    pub max_poll_interval: Dur,
    /// max.poll.records.
    #[serde(default = "max_poll")]
    pub max_poll_records: u32,
    /// fetch.max.wait.ms.
    #[serde(default = "d::<500>")]
    pub fetch_max_wait: Dur,
    /// request.timeout.ms.
    #[serde(default = "d::<30000>")]
    pub request_timeout: Dur,
    /// metadata.max.age.ms: how soon members notice added partitions.
    #[serde(default = "d::<300000>")]
    pub metadata_max_age: Dur,
    /// auto.offset.reset (Kafka's default: Latest).
    #[serde(default = "latest")]
    pub auto_offset_reset: OffsetReset,
    /// When offsets are committed.
    #[serde(default)]
    pub commit: CommitSpec,
    /// Which records fail processing.
    #[serde(default)]
    pub failures: FailureSpec,
    /// What a member does when processing fails.
    #[serde(default)]
    pub on_failure: OnFailureSpec,
}

fn latest() -> OffsetReset {
    OffsetReset::Latest
}

/// One group member.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSpec {
    /// client.id (and node name).
    pub name: String,
    /// Time to process one record.
    pub process_time: Dur,
    /// When it starts.
    #[serde(default)]
    pub start: Dur,
    /// group.instance.id: a static member (KIP-345).
    #[serde(default)]
    pub instance_id: Option<String>,
}

/// When a group commits offsets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CommitSpec {
    /// enable.auto.commit with auto.commit.interval.ms (the default: 5 s).
    Auto {
        /// auto.commit.interval.ms.
        #[serde(default = "d::<5000>")]
        interval: Dur,
    },
    /// commitSync after processing each poll batch.
    Sync,
    /// commitAsync after processing each poll batch.
    Async,
    /// Commit a batch before processing it (at-most-once).
    BeforeProcess,
}

impl Default for CommitSpec {
    fn default() -> Self {
        CommitSpec::Auto { interval: Dur::secs(5) }
    }
}

/// Which records fail processing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FailureSpec {
    /// Records with these keys always fail (poison).
    pub poison_keys: Vec<String>,
    /// These records always fail, by value id: `"producer#n"` (the n-th record of that producer, from 0).
    pub poison_values: Vec<String>,
    /// This share of records always fails (chosen by value id), 0 to 1.
    pub poison_probability: f64,
    /// Each attempt fails with this probability (a transient error), 0 to 1.
    pub transient_probability: f64,
}

/// What a member does when processing fails.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum OnFailureSpec {
    /// Blocking retry in place, then the dead-letter topic (or log and skip).
    Retry {
        /// Attempts in all, the first included (None: forever). Spring's default is 10.
        #[serde(default = "ten")]
        max_attempts: Option<u32>,
        /// Wait between attempts.
        #[serde(default)]
        backoff: Dur,
        /// Dead-letter topic (created if not declared).
        #[serde(default)]
        dead_letter: Option<String>,
    },
    /// Non-blocking retry topics `<topic>-retry-<delay ms>`, one per delay, then the DLT.
    RetryTopics {
        /// Delay of each retry topic.
        delays: Vec<Dur>,
        /// Dead-letter topic (created if not declared).
        dead_letter: String,
    },
}

fn ten() -> Option<u32> {
    Some(10)
}

impl Default for OnFailureSpec {
    fn default() -> Self {
        OnFailureSpec::Retry { max_attempts: Some(10), backoff: Dur::ZERO, dead_letter: None }
    }
}

/// A re-drive process: reads a dead-letter topic from the start and produces every record
/// back to the partition it came from.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedriveSpec {
    /// Node name.
    pub name: String,
    /// The dead-letter topic to read.
    pub from: String,
    /// When it starts.
    #[serde(default)]
    pub start: Dur,
    /// The scenario's fix is applied first: re-driven records then process normally.
    #[serde(default = "yes")]
    pub fix: bool,
    /// Time to handle one record.
    #[serde(default = "d::<10>")]
    pub process_time: Dur,
}

fn yes() -> bool {
    true
}

/// The RabbitMQ broker: one node called "rabbit", with its exchanges, queues and bindings.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RabbitSpec {
    /// Exchanges (the default exchange "" always exists).
    pub exchanges: Vec<ExchangeSpec>,
    /// Queues.
    pub queues: Vec<QueueSpec>,
    /// Bindings from exchanges to queues or to other exchanges.
    pub bindings: Vec<BindingSpec>,
}

/// An exchange.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeSpec {
    /// Name.
    pub name: String,
    /// Direct, Fanout, Topic or Headers.
    pub kind: crate::amqp::exchange::ExchangeKind,
    /// alternate-exchange for messages no binding matches.
    #[serde(default)]
    pub alternate: Option<String>,
}

/// A queue and its arguments.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    /// Name.
    pub name: String,
    /// Survives a broker restart with its persistent messages.
    #[serde(default = "yes")]
    pub durable: bool,
    /// x-message-ttl.
    #[serde(default)]
    pub message_ttl: Option<Dur>,
    /// x-max-length.
    #[serde(default)]
    pub max_length: Option<u32>,
    /// x-max-length-bytes.
    #[serde(default)]
    pub max_length_bytes: Option<u64>,
    /// x-overflow: DropHead, RejectPublish, RejectPublishDlx.
    #[serde(default)]
    pub overflow: crate::amqp::queue::Overflow,
    /// x-dead-letter-exchange.
    #[serde(default)]
    pub dead_letter_exchange: Option<String>,
    /// x-dead-letter-routing-key.
    #[serde(default)]
    pub dead_letter_routing_key: Option<String>,
    /// x-delivery-limit.
    #[serde(default)]
    pub delivery_limit: Option<u32>,
}

/// A binding.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindingSpec {
    /// Source exchange.
    pub exchange: String,
    /// Destination queue...
    #[serde(default)]
    pub queue: Option<String>,
    /// ...or destination exchange.
    #[serde(default)]
    pub to_exchange: Option<String>,
    /// Binding key (direct, topic).
    #[serde(default)]
    pub key: String,
    /// Binding arguments (headers exchange): ("x-match", "any"), ("format", "pdf"); a
    /// `None` value matches on presence alone.
    #[serde(default)]
    pub args: Vec<(String, Option<String>)>,
}

/// An AMQP publisher.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublisherSpec {
    /// Node name.
    pub name: String,
    /// Exchange ("" is the default exchange: the routing key names the queue).
    #[serde(default)]
    pub exchange: String,
    /// Routing keys, used in turn.
    #[serde(default = "empty_key")]
    pub routing_keys: Vec<String>,
    /// Headers on every message.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// How often.
    pub rate: Rate,
    /// delivery_mode 2.
    #[serde(default = "yes")]
    pub persistent: bool,
    /// basic.publish mandatory: unroutable messages come back.
    #[serde(default)]
    pub mandatory: bool,
    /// Publisher confirms (unconfirmed messages are published again after a reconnect).
    #[serde(default = "yes")]
    pub confirms: bool,
    /// Per-message TTL (the expiration property).
    #[serde(default)]
    pub expiration: Option<Dur>,
    /// Body size.
    #[serde(default = "hundred")]
    pub bytes: u32,
    /// First message.
    #[serde(default)]
    pub start: Dur,
    /// Last message.
    #[serde(default)]
    pub stop: Option<Dur>,
    /// At most this many.
    #[serde(default)]
    pub max_messages: Option<u64>,
}

fn empty_key() -> Vec<String> {
    vec![String::new()]
}

/// An AMQP consumer.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmqpConsumerSpec {
    /// Node name.
    pub name: String,
    /// The queue it consumes.
    pub queue: String,
    /// basic.qos prefetch_count (0: unlimited, RabbitMQ's default).
    #[serde(default)]
    pub prefetch: u32,
    /// no_ack: messages count as done when sent.
    #[serde(default)]
    pub auto_ack: bool,
    /// Time to process one message.
    pub process_time: Dur,
    /// When it subscribes.
    #[serde(default)]
    pub start: Dur,
    /// Messages with these routing keys always fail.
    #[serde(default)]
    pub poison_keys: Vec<String>,
    /// Each attempt fails with this probability.
    #[serde(default)]
    pub transient_probability: f64,
    /// On failure: Requeue (basic.nack requeue=true) or Reject (dead-letter).
    #[serde(default)]
    pub on_failure: crate::amqp::consumer::OnNack,
}

/// A scheduled input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// When.
    pub at: Dur,
    /// What.
    pub action: Action,
}

/// Faults and other inputs, scheduled in the file or injected from the app.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// Process crash of broker N (the page cache survives: nothing lost on disk).
    CrashBroker(u32),
    /// Machine crash of broker N: the log tail not yet flushed is lost.
    PowerOffBroker(u32),
    /// Clean shutdown of broker N: flushes, closes its ZooKeeper session at once.
    StopBroker(u32),
    /// Start broker N again.
    RestartBroker(u32),
    /// Crash whichever broker is the controller at that moment.
    CrashController,
    /// Crash (process) the current leader of a partition. Without a partition: the leader
    /// of the topic's lowest-numbered partition whose leader is not the controller, so the
    /// controller survives to handle the failure whichever broker won its race.
    CrashLeader {
        /// Topic.
        topic: String,
        /// Partition (omitted: one whose leader is not the controller).
        #[serde(default)]
        partition: Option<u32>,
    },
    /// ZooKeeper goes down.
    CrashZooKeeper,
    /// ZooKeeper comes back.
    RestartZooKeeper,
    /// A producer or consumer crashes.
    CrashClient(String),
    /// A producer or consumer starts again.
    RestartClient(String),
    /// Cut the network between two sets of nodes (names: "broker-1", "zookeeper", clients).
    Cut(Vec<String>, Vec<String>),
    /// Heal cuts between two sets of nodes.
    Heal(Vec<String>, Vec<String>),
    /// Heal every cut.
    HealAll,
    /// Add latency to the link between two nodes ("0s" heals).
    SlowLink(String, String, Dur),
    /// The producer's next record is a poison pill: every attempt to process it fails.
    PoisonMessage(String),
    /// A new member joins a consumer group (named `<group>-<n>` when no name is given).
    AddConsumer {
        /// The group.
        group: String,
        /// Its name.
        #[serde(default)]
        name: Option<String>,
        /// Time to process one record (default: like the group's first member).
        #[serde(default)]
        process_time: Option<Dur>,
    },
    /// The consumer's application stops polling (stuck processing): its heartbeats go on,
    /// so only max.poll.interval.ms notices.
    PauseConsumer(String),
    /// Crash the broker coordinating this group (the leader of its __consumer_offsets partition).
    CrashCoordinator(String),
    /// Crash the RabbitMQ node: transient messages and non-durable queues' contents are lost.
    CrashRabbit,
    /// Restart the RabbitMQ node.
    RestartRabbit,
    /// Grow a topic to `count` partitions (kafka-topics --alter --partitions): keyed records
    /// may move to another partition; groups rebalance once their leader notices.
    AddPartitions {
        /// The topic.
        topic: String,
        /// The new partition count.
        count: u32,
    },
    /// The paused application carries on.
    ResumeConsumer(String),
    /// Start again the broker or client that a fault took down most recently and that is
    /// still down (whichever broker a `CrashController` or `CrashLeader` hit in this run).
    RestartCrashed,
}

/// A line of narration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Narration {
    /// When to show it.
    pub at: Dur,
    /// The text.
    pub text: String,
}

/// Something `check` verifies about a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Expectation {
    /// No acknowledged record is missing from its partition at the end.
    NoAckedLoss,
    /// At least this many acknowledged records are missing at the end.
    AckedLoss { at_least: u64 },
    /// Records created by producers.
    Produced {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records acknowledged to producers.
    Acked {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records processed (by one consumer, or all).
    Consumed {
        #[serde(default)]
        consumer: Option<String>,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records processed more than once by a consumer.
    Duplicates {
        #[serde(default)]
        consumer: Option<String>,
        #[serde(default)]
        group: Option<String>,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// A consumer's lag at a time is at least this.
    LagAtLeast {
        #[serde(default)]
        consumer: Option<String>,
        #[serde(default)]
        group: Option<String>,
        at: Dur,
        messages: u64,
    },
    /// A consumer's lag at a time is at most this.
    LagAtMost {
        #[serde(default)]
        consumer: Option<String>,
        #[serde(default)]
        group: Option<String>,
        at: Dur,
        messages: u64,
    },
    /// The leader of a partition at a time (broker None: offline).
    LeaderOf { topic: String, partition: u32, at: Dur, broker: Option<u32> },
    /// ISR size of a partition at a time.
    IsrSize { topic: String, partition: u32, at: Dur, n: u32 },
    /// Produce errors of a kind.
    ProduceErrors {
        kind: ErrorCode,
        #[serde(default)]
        at_least: Option<u64>,
        #[serde(default)]
        at_most: Option<u64>,
    },
    /// Leader elections after the start.
    LeaderChanges {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records removed by truncation (divergent tails).
    Truncated {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records produced to one partition.
    ProducedTo {
        topic: String,
        partition: u32,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Per key, a consumer processed records in the order they were produced.
    KeyOrderHolds { consumer: String },
    /// The controller at a time.
    ControllerIs { at: Dur, broker: u32 },
    /// Failed processing attempts at a consumer.
    ProcessFailures {
        consumer: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records a consumer skipped after its retries.
    Skipped {
        consumer: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Times a consumer processed a key's records out of produced order (retries reorder).
    OrderViolations {
        consumer: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Completed rebalances (new generations) of a group.
    Rebalances {
        group: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// A member's partitions at a time, e.g. ["orders-0", "orders-2"].
    Assignment { group: String, at: Dur, member: String, partitions: Vec<String> },
    /// Records below the group's committed offsets that it never handled (at-most-once loss).
    Lost {
        group: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// RabbitMQ: messages delivered to an auto-ack (no_ack) consumer that crashed before
    /// processing them (the broker forgot each message when it sent it).
    AutoAckLost {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records published to a dead-letter topic (Kafka), or messages dead-lettered from a
    /// queue (RabbitMQ, optionally for one reason: Rejected, Expired, Maxlen, DeliveryLimit).
    DeadLettered {
        #[serde(default)]
        topic: Option<String>,
        #[serde(default)]
        queue: Option<String>,
        #[serde(default)]
        reason: Option<crate::amqp::DeathReason>,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Records re-driven from a dead-letter topic.
    Redriven {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Messages routed into a queue.
    Routed {
        queue: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// At the end every partition has a leader and every consumer group with a live member
    /// is stable (what a sweep checks after healing).
    Healthy,
    /// Messages a full queue refused (reject-publish).
    Refused {
        queue: String,
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// Deliveries flagged redelivered.
    Redelivered {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// A queue holds at most `n` ready messages at a time.
    QueueDepthAtMost { queue: String, at: Dur, n: u64 },
    /// Messages returned to publishers (mandatory, unroutable).
    Returned {
        #[serde(default)]
        min: Option<u64>,
        #[serde(default)]
        max: Option<u64>,
    },
    /// The group's committed offset for a partition at a time.
    CommittedOffset { group: String, topic: String, partition: u32, at: Dur, offset: u64 },
}

impl Expectation {
    /// The time it is evaluated at, if not the end of the run.
    pub fn at(&self) -> Option<Dur> {
        match self {
            Expectation::LagAtLeast { at, .. }
            | Expectation::LagAtMost { at, .. }
            | Expectation::LeaderOf { at, .. }
            | Expectation::IsrSize { at, .. }
            | Expectation::ControllerIs { at, .. }
            | Expectation::Assignment { at, .. }
            | Expectation::CommittedOffset { at, .. }
            | Expectation::QueueDepthAtMost { at, .. } => Some(*at),
            Expectation::NoAckedLoss
            | Expectation::AckedLoss { .. }
            | Expectation::Produced { .. }
            | Expectation::Acked { .. }
            | Expectation::Consumed { .. }
            | Expectation::Duplicates { .. }
            | Expectation::ProduceErrors { .. }
            | Expectation::LeaderChanges { .. }
            | Expectation::Truncated { .. }
            | Expectation::ProducedTo { .. }
            | Expectation::KeyOrderHolds { .. }
            | Expectation::ProcessFailures { .. }
            | Expectation::Skipped { .. }
            | Expectation::Rebalances { .. }
            | Expectation::OrderViolations { .. }
            | Expectation::Lost { .. }
            | Expectation::AutoAckLost { .. }
            | Expectation::DeadLettered { .. }
            | Expectation::Redriven { .. }
            | Expectation::Routed { .. }
            | Expectation::Refused { .. }
            | Expectation::Healthy
            | Expectation::Redelivered { .. }
            | Expectation::Returned { .. } => None,
        }
    }
}
