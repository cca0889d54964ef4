//! Lifelines: one message's life in a run as a space-time diagram — nodes as lanes, time
//! downwards, each hop an arrow (produce, replicate, ack, fetch, commit, retry,
//! dead-letter, re-drive; publish, deliver, ack, nack, dead-letter through the DLX) and
//! marks on a lane (append, HW past it, processed). `Collector` watches the records as the
//! run streams and keeps only what concerns the chosen message; `svg` draws the result.
//!
//! The trace records where things happen, not every send and arrival. Where an end of a
//! hop is not recorded, the hop is drawn at the earliest time the records allow and marked
//! not exact (see `Hop`). Not in the trace, so not drawn: which follower's fetch moved the
//! HW, the broker a failed produce attempt went to, the send of a RabbitMQ publish and the
//! arrival of a push delivery at a busy consumer, positive publisher confirms.

mod amqp;
mod kafka_read;
mod kafka_write;
mod key;
pub mod model;
mod state;
pub mod svg;
pub mod svg_layout;

pub use key::{Follow, KeyCollector, MAX_KEY_MESSAGES};
pub use model::{Hop, HopKind, Lifeline, Mark, MarkKind};
pub use state::Collector;

use crate::kafka::Acks;
use crate::scenario::Scenario;
use crate::sim::{Dur, SimTime};
use crate::trace::{AmqpEvent, GroupEvent, MsgId, Names, Record, RecordKind};
use kafka_read::Republish;
use state::Settings;
use std::sync::Arc;

/// The message an id names ("checkout#5": producer or publisher name, `#`, its sequence
/// number), as the trace writes message ids.
pub fn parse_message(sc: &Scenario, id: &str) -> Result<MsgId, String> {
    let Some((name, seq)) = id.rsplit_once('#') else {
        return Err(format!(
            "expected a message id like \"{}#0\" (producer or publisher, '#', number), got \"{id}\"",
            first_client(sc)
        ));
    };
    let clients: Vec<&str> =
        sc.producers.iter().map(|p| p.name.as_str()).chain(sc.publishers.iter().map(|p| p.name.as_str())).collect();
    let Some(number) = clients.iter().position(|c| *c == name) else {
        return Err(format!(
            "no producer or publisher named \"{name}\" in this scenario (it has: {})",
            clients.join(", ")
        ));
    };
    let seq: u32 = seq.parse().map_err(|_| format!("\"{seq}\" in \"{id}\" is not a message number (0, 1, 2, ...)"))?;
    Ok(MsgId::new(number as u32, seq))
}

/// When each client of the scenario starts, by name.
fn starts(sc: &Scenario) -> std::collections::BTreeMap<String, SimTime> {
    let at = |name: &str, d: Dur| (name.to_string(), SimTime(d.0));
    let members = sc.consumer_groups.iter().flat_map(|g| g.members.iter().map(|m| at(&m.name, m.start)));
    sc.producers
        .iter()
        .map(|p| at(&p.name, p.start))
        .chain(sc.consumers.iter().map(|c| at(&c.name, c.start)))
        .chain(members)
        .chain(sc.redrive.iter().map(|r| at(&r.name, r.start)))
        .chain(sc.publishers.iter().map(|p| at(&p.name, p.start)))
        .chain(sc.amqp_consumers.iter().map(|c| at(&c.name, c.start)))
        .collect()
}

fn first_client(sc: &Scenario) -> &str {
    sc.producers.first().map(|p| p.name.as_str()).or(sc.publishers.first().map(|p| p.name.as_str())).unwrap_or("p")
}

impl Collector {
    /// A collector for the message `id` names in a run of `sc` with `seed`.
    pub fn new(sc: &Scenario, seed: u64, id: &str) -> Result<Collector, String> {
        let target = parse_message(sc, id)?;
        let settings = Settings {
            acks_all: sc.producers.iter().map(|p| p.acks == Acks::All).collect(),
            amqp_process: sc.amqp_consumers.iter().map(|c| (c.name.clone(), c.process_time)).collect(),
            starts: starts(sc),
        };
        Ok(Collector::with(target, id.to_string(), sc.name.clone(), seed, settings))
    }

    /// Takes in a batch of records, in trace order.
    pub fn observe<'a>(&mut self, records: impl IntoIterator<Item = &'a Record>, names: &Names) {
        self.note_starts(names);
        for r in records {
            self.record(SimTime(r.t_us), &r.kind, names);
        }
    }

    /// One record: about the message, about a partition or queue it is in, or cluster
    /// state a hop needs (leaders, coordinators, when nodes last heard back).
    fn record(&mut self, t: SimTime, kind: &RecordKind, n: &Names) {
        match kind {
            RecordKind::Produce { producer, value, key, tp, .. } if *value == self.target => {
                self.on_produce(t, *producer, *key, *tp, n)
            }
            RecordKind::ProduceError { producer, value, error, retrying, .. } if *value == self.target => {
                self.on_produce_error(t, *producer, *error, *retrying, n)
            }
            RecordKind::Append { broker, tp, offset, leader_epoch, value } if *value == self.target => {
                self.on_append(t, *broker, *tp, *offset, *leader_epoch, n)
            }
            RecordKind::DuplicateBatch { broker, tp, value, offset } if *value == self.target => {
                self.on_duplicate(t, *broker, *tp, *offset, n)
            }
            RecordKind::Ack { producer, value, tp, offset } if *value == self.target => {
                self.on_ack(t, *producer, *tp, *offset, n)
            }
            RecordKind::Replicate { follower, tp, to_offset } => self.on_replicate(t, *follower, *tp, *to_offset, n),
            RecordKind::Hw { broker, tp, high_watermark } => self.on_hw(t, *broker, *tp, *high_watermark, n),
            RecordKind::Leader { tp, leader, leader_epoch, election, .. } => {
                self.on_leader(t, *tp, *leader, *leader_epoch, *election, n)
            }
            RecordKind::Truncate { broker, tp, to_offset, .. } => self.on_truncate(t, *broker, *tp, *to_offset, n),
            RecordKind::Retention { broker, tp, log_start_offset } => {
                self.on_retention(t, *broker, *tp, *log_start_offset, n)
            }
            RecordKind::BrokerDown { broker, how, .. } => {
                self.context(broker.0, t, MarkKind::Down, format!("down ({})", format!("{how:?}").to_lowercase()))
            }
            RecordKind::BrokerUp { broker } => self.context(broker.0, t, MarkKind::Up, "up".into()),
            RecordKind::ClientState { node, up: true } => self.context(node.0, t, MarkKind::Up, "up".into()),
            RecordKind::ClientState { node, up: false } => self.context(node.0, t, MarkKind::Down, "down".into()),
            RecordKind::Fetch { consumer, tp, offset, records } => {
                self.on_fetch(t, *consumer, *tp, *offset, *records, n)
            }
            RecordKind::Deliver { consumer, tp, offset, value } if *value == self.target => {
                self.on_deliver(t, *consumer, *tp, *offset, n)
            }
            RecordKind::ProcessOk { consumer, value, .. } if *value == self.target => {
                self.on_processed(t, *consumer, MarkKind::Processed, "processed".into(), n)
            }
            RecordKind::ProcessFail { consumer, value, attempt, .. } if *value == self.target => {
                self.on_processed(t, *consumer, MarkKind::Failed, format!("failed (attempt {attempt})"), n)
            }
            RecordKind::ProcessSkip { consumer, value, attempts, .. } if *value == self.target => {
                self.on_processed(t, *consumer, MarkKind::Skipped, format!("skipped after {attempts} attempts"), n)
            }
            RecordKind::Group(g) => self.group(t, g, n),
            RecordKind::Amqp(e) if e.value() == Some(self.target) || matches!(e, AmqpEvent::Lost { .. }) => {
                self.on_amqp(t, e, n)
            }
            RecordKind::Amqp(AmqpEvent::Processed { consumer, .. }) => self.note_done(*consumer, t),
            RecordKind::Produce { .. }
            | RecordKind::ProduceError { .. }
            | RecordKind::Append { .. }
            | RecordKind::DuplicateBatch { .. }
            | RecordKind::Ack { .. }
            | RecordKind::Deliver { .. }
            | RecordKind::ProcessOk { .. }
            | RecordKind::ProcessFail { .. }
            | RecordKind::ProcessSkip { .. }
            | RecordKind::Amqp(_)
            | RecordKind::Isr { .. }
            | RecordKind::SessionExpired { .. }
            | RecordKind::ControllerElected { .. }
            | RecordKind::ZooKeeper { .. }
            | RecordKind::OffsetReset { .. }
            | RecordKind::Input { .. } => {}
        }
    }

    /// A group record: coordinators, assignments and commits for every group; the
    /// message's own retries, dead letters and re-drives.
    fn group(&mut self, t: SimTime, g: &GroupEvent, n: &Names) {
        let me = self.target;
        match g {
            GroupEvent::Coordinator { group, broker, .. } => self.note_coordinator(*group, *broker),
            GroupEvent::Assignment { consumer, partitions, .. } => self.on_assignment(t, *consumer, partitions),
            GroupEvent::Commit { group, consumer, tp, offset } => self.on_commit(t, *group, *consumer, *tp, *offset, n),
            GroupEvent::RetryPublish { consumer, value, to, attempt, .. } if *value == me => {
                self.on_republish(t, *consumer, *to, Republish::Retry { attempt: *attempt }, n)
            }
            GroupEvent::DeadLetter { consumer, value, to, attempts, .. } if *value == me => {
                self.on_republish(t, *consumer, *to, Republish::DeadLetter { attempts: *attempts }, n)
            }
            GroupEvent::Redrive { consumer, value, to, fixed, .. } if *value == me => {
                self.on_republish(t, *consumer, *to, Republish::Redrive { fixed: *fixed }, n)
            }
            GroupEvent::RetryPublish { .. }
            | GroupEvent::DeadLetter { .. }
            | GroupEvent::Redrive { .. }
            | GroupEvent::State { .. }
            | GroupEvent::Rebalance { .. }
            | GroupEvent::Revoke { .. }
            | GroupEvent::MemberRemoved { .. }
            | GroupEvent::CommitFailed { .. }
            | GroupEvent::PollTimeout { .. }
            | GroupEvent::Lag { .. } => {}
        }
    }

    fn note_coordinator(&mut self, g: crate::trace::GroupRef, broker: u32) {
        self.coordinators.insert(g, crate::trace::BrokerId(broker));
    }

    fn note_done(&mut self, c: crate::sim::NodeId, t: SimTime) {
        self.amqp_done.insert(c, t);
    }
}

/// Runs `sc` headless with `seed` (until `until`) and returns the lifeline of message
/// `id` (or of key K, for "key:K"); an error for an id the scenario cannot have or the run
/// never shows.
pub fn trace_message(sc: Arc<Scenario>, seed: u64, until: Option<Dur>, id: &str) -> Result<Lifeline, String> {
    let mut c = Follow::new(&sc, seed, id)?;
    let mut sink = |recs: &[Record], names: &Names| c.observe(recs, names);
    super::run::run_scenario(sc, seed, until, Some(&mut sink));
    c.into_lifeline()
}

impl Collector {
    /// The lifeline, or an error when the message never appeared in the run.
    pub fn into_lifeline(self) -> Result<Lifeline, String> {
        if self.is_empty() {
            return Err(format!("message {} does not appear in this run", self.message));
        }
        Ok(self.finish())
    }
}
