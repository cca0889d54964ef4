//! Trace records of consumer groups and failure handling: rebalances, assignments,
//! commits, retries through retry topics, dead-lettering and re-drive. Kept apart from
//! the data-path records so each file stays small; `RecordKind::Group` wraps them.

use super::ids::{GroupRef, MsgId, Tp};
use super::names::Names;
use super::vocab::{ErrorCode, GroupState, Strategy};
use crate::sim::NodeId;
use serde_json::{Map, Value, json};

/// Why a member left its group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LeaveReason {
    /// No heartbeat within session.timeout.ms (a crash, a pause, a cut).
    SessionTimeout,
    /// It sent LeaveGroup (a clean close).
    Left,
    /// It did not finish its poll batch within max.poll.interval.ms, so it left.
    PollTimeout,
    /// It did not rejoin (or sync) before the rebalance timeout.
    RebalanceTimeout,
}

/// Why processing a record failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailKind {
    /// It always fails (a poison pill: bad data, a bug for this input).
    Poison,
    /// It failed this time; another attempt may succeed.
    Transient,
}

/// A group event.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GroupEvent {
    /// A broker became coordinator of the group (it leads the group's __consumer_offsets
    /// partition) and loaded its offsets.
    Coordinator { group: GroupRef, broker: u32, partition: u32, offsets: u32 },
    /// The coordinator moved the group to a new state.
    State { group: GroupRef, state: GroupState, generation: u32 },
    /// The join phase ended: a new generation with these members.
    Rebalance { group: GroupRef, generation: u32, members: u32, leader: NodeId, protocol: Strategy },
    /// A member received its partitions for a generation.
    Assignment { group: GroupRef, generation: u32, consumer: NodeId, partitions: Vec<Tp> },
    /// A member gave partitions up (eager: all before rejoining; cooperative: the moved ones).
    Revoke { group: GroupRef, consumer: NodeId, partitions: Vec<Tp> },
    /// The coordinator removed a member.
    MemberRemoved { group: GroupRef, consumer: NodeId, reason: LeaveReason },
    /// An offset commit is stored (replicated in __consumer_offsets).
    Commit { group: GroupRef, consumer: NodeId, tp: Tp, offset: u64 },
    /// A commit was refused (the client's CommitFailedException).
    CommitFailed { group: GroupRef, consumer: NodeId, error: ErrorCode },
    /// A failed record was published to a retry topic (non-blocking retry).
    RetryPublish { consumer: NodeId, value: MsgId, from: Tp, offset: u64, to: Tp, attempt: u32 },
    /// A record that used up its attempts was published to the dead-letter topic.
    DeadLetter { consumer: NodeId, value: MsgId, from: Tp, offset: u64, to: Tp, attempts: u32, reason: FailKind },
    /// The re-drive process published a dead-lettered record back to its topic.
    Redrive { consumer: NodeId, value: MsgId, from: Tp, to: Tp, fixed: bool },
    /// A consumer's application did not poll within max.poll.interval.ms.
    PollTimeout { consumer: NodeId },
    /// A member's lag per owned partition (HW it last saw minus its position), every 5 s.
    Lag { group: GroupRef, consumer: NodeId, partitions: Vec<(Tp, u64)> },
}

impl GroupEvent {
    /// Membership (coordinator, states, rebalances, assignments, lag) rather than commits
    /// and failure handling: the two halves the text and JSON writers are split into.
    pub fn is_membership(&self) -> bool {
        match self {
            GroupEvent::Coordinator { .. }
            | GroupEvent::State { .. }
            | GroupEvent::Rebalance { .. }
            | GroupEvent::Assignment { .. }
            | GroupEvent::Revoke { .. }
            | GroupEvent::MemberRemoved { .. }
            | GroupEvent::PollTimeout { .. }
            | GroupEvent::Lag { .. } => true,
            GroupEvent::Commit { .. }
            | GroupEvent::CommitFailed { .. }
            | GroupEvent::RetryPublish { .. }
            | GroupEvent::DeadLetter { .. }
            | GroupEvent::Redrive { .. } => false,
        }
    }

    /// The snake_case `kind`.
    pub fn name(&self) -> &'static str {
        match self {
            GroupEvent::Coordinator { .. } => "coordinator",
            GroupEvent::State { .. } => "group_state",
            GroupEvent::Rebalance { .. } => "rebalance",
            GroupEvent::Assignment { .. } => "assignment",
            GroupEvent::Revoke { .. } => "revoke",
            GroupEvent::MemberRemoved { .. } => "member_removed",
            GroupEvent::Commit { .. } => "commit",
            GroupEvent::CommitFailed { .. } => "commit_failed",
            GroupEvent::RetryPublish { .. } => "retry",
            GroupEvent::DeadLetter { .. } => "dead_letter",
            GroupEvent::Redrive { .. } => "redrive",
            GroupEvent::PollTimeout { .. } => "poll_timeout",
            GroupEvent::Lag { .. } => "lag",
        }
    }

    /// Shown in the app's event log by default (the rest is data-path detail).
    pub fn is_notable(&self) -> bool {
        match self {
            GroupEvent::Commit { .. } | GroupEvent::State { .. } | GroupEvent::Lag { .. } => false,
            GroupEvent::Coordinator { .. }
            | GroupEvent::Rebalance { .. }
            | GroupEvent::Assignment { .. }
            | GroupEvent::Revoke { .. }
            | GroupEvent::MemberRemoved { .. }
            | GroupEvent::CommitFailed { .. }
            | GroupEvent::RetryPublish { .. }
            | GroupEvent::DeadLetter { .. }
            | GroupEvent::Redrive { .. }
            | GroupEvent::PollTimeout { .. } => true,
        }
    }
}

fn parts(n: &Names, ps: &[Tp]) -> Vec<String> {
    ps.iter().map(|&tp| n.tp(tp)).collect()
}

fn snake<T: std::fmt::Debug>(v: T) -> String {
    let s = format!("{v:?}");
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The record's fields as JSON (after t_us, seq, kind).
pub fn json_fields(e: &GroupEvent, n: &Names, m: &mut Map<String, Value>) {
    if e.is_membership() { json_fields_membership(e, n, m) } else { json_fields_handling(e, n, m) }
}

/// `json_fields` for membership records.
fn json_fields_membership(e: &GroupEvent, n: &Names, m: &mut Map<String, Value>) {
    let node = |r: &NodeId| json!(n.node(r.0));
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    match e {
        GroupEvent::Coordinator { group, broker, partition, offsets } => {
            put("group", json!(n.group(*group)));
            put("broker", json!(broker));
            put("offsets_partition", json!(partition));
            put("offsets_loaded", json!(offsets));
        }
        GroupEvent::State { group, state, generation } => {
            put("group", json!(n.group(*group)));
            put("state", json!(snake(state)));
            put("generation", json!(generation));
        }
        GroupEvent::Rebalance { group, generation, members, leader, protocol } => {
            put("group", json!(n.group(*group)));
            put("generation", json!(generation));
            put("members", json!(members));
            put("leader", node(leader));
            put("protocol", json!(protocol.name()));
        }
        GroupEvent::Assignment { group, generation, consumer, partitions } => {
            put("group", json!(n.group(*group)));
            put("generation", json!(generation));
            put("member", node(consumer));
            put("partitions", json!(parts(n, partitions)));
        }
        GroupEvent::Revoke { group, consumer, partitions } => {
            put("group", json!(n.group(*group)));
            put("member", node(consumer));
            put("partitions", json!(parts(n, partitions)));
        }
        GroupEvent::MemberRemoved { group, consumer, reason } => {
            put("group", json!(n.group(*group)));
            put("member", node(consumer));
            put("reason", json!(snake(reason)));
        }
        GroupEvent::PollTimeout { consumer } => put("consumer", node(consumer)),
        GroupEvent::Lag { group, consumer, partitions } => {
            put("group", json!(n.group(*group)));
            put("member", node(consumer));
            put("lag", json!(partitions.iter().map(|p| p.1).sum::<u64>()));
            let per: Map<String, Value> = partitions.iter().map(|(tp, l)| (n.tp(*tp), json!(l))).collect();
            put("partitions", Value::Object(per));
        }
        _ => unreachable!("json_fields sends only membership records here"),
    }
}

/// `json_fields` for commit and failure-handling records.
fn json_fields_handling(e: &GroupEvent, n: &Names, m: &mut Map<String, Value>) {
    let node = |r: &NodeId| json!(n.node(r.0));
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    match e {
        GroupEvent::Commit { group, consumer, tp, offset } => {
            put("group", json!(n.group(*group)));
            put("member", node(consumer));
            put("topic", json!(n.topics[tp.topic.0 as usize]));
            put("partition", json!(tp.partition));
            put("offset", json!(offset));
        }
        GroupEvent::CommitFailed { group, consumer, error } => {
            put("group", json!(n.group(*group)));
            put("member", node(consumer));
            put("error", json!(error.name()));
        }
        GroupEvent::RetryPublish { consumer, value, from, offset, to, attempt } => {
            put("consumer", node(consumer));
            put("value_id", json!(n.msg(*value)));
            put("from", json!(n.tp(*from)));
            put("offset", json!(offset));
            put("to", json!(n.tp(*to)));
            put("attempt", json!(attempt));
        }
        GroupEvent::DeadLetter { consumer, value, from, offset, to, attempts, reason } => {
            put("consumer", node(consumer));
            put("value_id", json!(n.msg(*value)));
            put("from", json!(n.tp(*from)));
            put("offset", json!(offset));
            put("to", json!(n.tp(*to)));
            put("attempts", json!(attempts));
            put("reason", json!(snake(reason)));
        }
        GroupEvent::Redrive { consumer, value, from, to, fixed } => {
            put("consumer", node(consumer));
            put("value_id", json!(n.msg(*value)));
            put("from", json!(n.tp(*from)));
            put("to", json!(n.tp(*to)));
            put("fixed", json!(fixed));
        }
        _ => unreachable!("json_fields sends only commit and failure-handling records here"),
    }
}

/// The record as a sentence for the event log.
pub fn describe(e: &GroupEvent, n: &Names) -> String {
    if e.is_membership() { describe_membership(e, n) } else { describe_handling(e, n) }
}

/// `describe` for membership records.
fn describe_membership(e: &GroupEvent, n: &Names) -> String {
    let node = |r: &NodeId| n.node(r.0).to_string();
    match e {
        GroupEvent::Coordinator { group, broker, partition, offsets } => format!(
            "broker-{broker} is now coordinator of group {} (it leads __consumer_offsets-{partition}); loaded {offsets} committed offsets",
            n.group(*group)
        ),
        GroupEvent::State { group, state, generation } => {
            format!("group {} is {} (generation {generation})", n.group(*group), snake(state).replace('_', " "))
        }
        GroupEvent::Rebalance { group, generation, members, leader, protocol } => format!(
            "group {} rebalanced to generation {generation}: {members} member(s), leader {}, assignor {}",
            n.group(*group),
            node(leader),
            protocol.name()
        ),
        GroupEvent::Assignment { group, generation, consumer, partitions } => format!(
            "{} got [{}] in group {} generation {generation}",
            node(consumer),
            parts(n, partitions).join(", "),
            n.group(*group)
        ),
        GroupEvent::Revoke { group, consumer, partitions } => {
            format!("{} gave up [{}] (group {})", node(consumer), parts(n, partitions).join(", "), n.group(*group))
        }
        GroupEvent::MemberRemoved { group, consumer, reason } => {
            let why = match reason {
                LeaveReason::SessionTimeout => "no heartbeat within the session timeout",
                LeaveReason::Left => "it left the group",
                LeaveReason::PollTimeout => "it did not poll within max.poll.interval",
                LeaveReason::RebalanceTimeout => "it did not rejoin before the rebalance timeout",
            };
            format!("the coordinator removed {} from group {} ({why})", node(consumer), n.group(*group))
        }
        GroupEvent::PollTimeout { consumer } => {
            format!("{} did not poll within max.poll.interval and leaves its group", node(consumer))
        }
        GroupEvent::Lag { group, consumer, partitions } => format!(
            "{} (group {}) lags by {} record(s)",
            node(consumer),
            n.group(*group),
            partitions.iter().map(|p| p.1).sum::<u64>()
        ),
        _ => unreachable!("describe sends only membership records here"),
    }
}

/// `describe` for commit and failure-handling records.
fn describe_handling(e: &GroupEvent, n: &Names) -> String {
    let node = |r: &NodeId| n.node(r.0).to_string();
    match e {
        GroupEvent::Commit { group, consumer, tp, offset } => {
            format!("group {} committed {} at offset {offset} (for {})", n.group(*group), n.tp(*tp), node(consumer))
        }
        GroupEvent::CommitFailed { group, consumer, error } => {
            format!("{}'s commit in group {} failed: {}", node(consumer), n.group(*group), error.name())
        }
        GroupEvent::RetryPublish { consumer, value, from, offset, to, attempt } => format!(
            "{} failed on {} ({} offset {offset}) and sent it to {} for attempt {}",
            node(consumer),
            n.msg(*value),
            n.tp(*from),
            n.tp(*to),
            attempt + 1
        ),
        GroupEvent::DeadLetter { consumer, value, from, offset, to, attempts, reason } => format!(
            "{} dead-lettered {} ({} offset {offset}) to {} after {attempts} attempt(s) ({})",
            node(consumer),
            n.msg(*value),
            n.tp(*from),
            n.tp(*to),
            snake(reason)
        ),
        GroupEvent::Redrive { consumer, value, from, to, fixed } => format!(
            "{} re-drove {} from {} back to {}{}",
            node(consumer),
            n.msg(*value),
            n.tp(*from),
            n.tp(*to),
            if *fixed { " (fixed)" } else { " (unchanged)" }
        ),
        _ => unreachable!("describe sends only commit and failure-handling records here"),
    }
}
